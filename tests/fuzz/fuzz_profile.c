/* fuzz_profile.c - libFuzzer target: the regional profile parser
 * (pkg/profile, jw_profile_parse). See fuzz_ijw.c for the pattern.
 * Contract: a profile or an error text, never a crash or a leak; a parsed
 * profile answers its queries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jw_profile_t *p = NULL;
    char err[256];
    char *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    int rc = jw_profile_parse("fuzz", copy, size, &p, err, sizeof err);
    free(copy);
    if (rc == 0) {
        if (!p) abort();
        (void)jw_profile_name(p);
        (void)jw_profile_segment(p, "43", "43A41");
        for (size_t i = 0; jw_profile_segment_name(p, i); i++) {
            const char *seg = jw_profile_segment_name(p, i);
            int days;
            double share;
            (void)jw_profile_segment_verblijf(p, seg);
            (void)jw_profile_segment_label(p, seg);
            (void)jw_profile_wait_norm(p, seg, &days, &share);
        }
        for (size_t i = 0; jw_profile_target(p, i); i++) {}
        jw_profile_free(p);
    } else {
        if (p) abort();
        if (memchr(err, '\0', sizeof err) == NULL) abort();
    }
    return 0;
}
