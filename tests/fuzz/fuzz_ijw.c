/* fuzz_ijw.c - libFuzzer target: the iJw message parser (pkg/ijw).
 *
 * The pattern every target here follows: set up once in
 * LLVMFuzzerInitialize (nothing global is mutated afterwards except what
 * the module under test owns), then hand each input to the module exactly
 * as a program would, and check the module's own contract with assert-like
 * aborts. Built by `make fuzz` into build/fuzz/fuzz_ijw (clang,
 * -fsanitize=fuzzer,address,undefined, linked with a fuzz build of
 * libjw.a; a target for code under cmd/, which is not in libjw.a, may
 * #include that .c file); run by scripts/check-fuzz with seeds from
 * fixtures/ and tests/fuzz/seeds/<name>/.
 *
 * Contract checked: any input gets JW_IJW_OK or JW_IJW_EINVALID (never
 * another code: no ENOMEM at these sizes), an error names a layer and a
 * rule, and no error text holds a run of nine digits (a possible BSN).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ijw/ijw.h"

static jw_ijw_schema_t *schema;
static jw_pseudo_t *pseudo;
static jw_ijw_parser_t *parser;
static jw_ijw_msg_t msg;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    unsigned char key[32] = {1, 2, 3};
    if (jw_ijw_schema_new(&schema) || jw_pseudo_from_key(key, &pseudo) ||
        jw_ijw_parser_new(schema, pseudo, &parser)) {
        fprintf(stderr, "fuzz_ijw: setup failed\n");
        abort();
    }
    jw_ijw_msg_init(&msg);
    return 0;
}

static int has_nine_digits(const char *s)
{
    int run = 0;
    for (; *s; s++) {
        run = (*s >= '0' && *s <= '9') ? run + 1 : 0;
        if (run >= 9) return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jw_ijw_error_t err;
    int rc = jw_ijw_parse(parser, (const char *)data, size, "fuzz", &msg, &err);
    if (rc == JW_IJW_OK) {
        if (msg.type == JW_MSG_UNKNOWN) abort();
        return 0;
    }
    if (rc != JW_IJW_EINVALID) abort();
    if (err.layer == JW_LAYER_NONE || !err.rule[0]) abort();
    if (memchr(err.message, '\0', sizeof err.message) == NULL) abort();
    if (has_nine_digits(err.message)) abort();
    return 0;
}
