/* fuzz_event.c - libFuzzer target: the indicator engine's event reader
 * (pkg/indicators/event.c, ind_event_parse), one event JSON text per input,
 * read against the shipped zuid-limburg profile. See fuzz_ijw.c for the
 * pattern. Contract: 0 or -1, never a crash; on -1 a NUL-terminated reason. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicators/ind_internal.h"
#include "profile/profile.h"

static jw_profile_t *profile;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    char err[256];
    if (jw_profile_load("zuid-limburg", &profile, err, sizeof err)) {
        fprintf(stderr, "fuzz_event: %s\n", err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_t ev;
    int mismatch = -1;
    char err[128];
    memset(err, 'x', sizeof err);
    /* A copy of exactly size bytes, so ASan sees any read past the end. */
    char *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    int rc = ind_event_parse(copy, size, profile, &ev, &mismatch, err, sizeof err);
    free(copy);
    if (rc != 0 && rc != -1) abort();
    if (mismatch != 0 && mismatch != 1) abort();
    if (rc == -1 && memchr(err, '\0', sizeof err) == NULL) abort();
    return 0;
}
