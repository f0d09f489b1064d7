/* fuzz_record.c - libFuzzer target: the binary event record reader
 * (pkg/event: jw_event_check, jw_event_view, the getters, jw_event_json),
 * one record per input, as a damaged store could hand it over. Contract:
 * never a crash or an out-of-bounds read; a record that checks renders,
 * and one that does not check is refused by every reader alike. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so ASan sees any read past the end. */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    jw_event_view_t v;
    jw_json_t j;
    jw_json_init(&j);
    int ok = jw_event_check(copy, size) == 0;
    int viewed = jw_event_view(copy, size, &v) == 0;
    int rendered = jw_event_json(copy, size, 7, &j) == 0;
    if (ok != viewed || ok != rendered) abort();
    if (ok) {
        char buf[64];
        int64_t i;
        jw_date_t d;
        int b;
        for (int k = 0; k < JW_EK_COUNT; k++) {
            jw_event_get_str(&v, (jw_event_key_t)k, buf, sizeof buf);
            jw_event_get_int(&v, (jw_event_key_t)k, &i);
            jw_event_get_date(&v, (jw_event_key_t)k, &d);
            jw_event_get_bool(&v, (jw_event_key_t)k, &b);
            jw_event_view_t sub;
            jw_event_view_sub(&v.f[k], &sub);
        }
        /* Copying a body keeps it well formed. */
        jw_event_w_t w;
        jw_event_w_init(&w);
        const jw_event_key_t keys[1] = {JW_EK_PROFILE};
        const char *vals[1] = {"p"};
        if (jw_event_w_copy(&w, v.body, v.body_len, keys, vals, 1) == 0) {
            jw_json_t k2;
            jw_json_init(&k2);
            if (jw_event_body_json(w.buf, w.len, &k2) != 0) abort();
            jw_json_free(&k2);
        }
        jw_event_w_free(&w);
    }
    jw_json_free(&j);
    free(copy);
    return 0;
}
