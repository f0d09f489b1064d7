/* test_event.c - the binary event record (pkg/event): the JSON it renders
 * is exactly the text the same calls on jw_json give (ids depend on it),
 * the record is compact, readers get typed fields, and no byte string
 * makes a reader read out of bounds or accept half a record. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "event/event.h"
#include "json/json.h"

/* The same start event written both ways. */
static void write_start(jw_event_w_t *w, jw_json_t *j)
{
    jw_date_t d1, d2, d3;
    jw_date_from_ymd(2024, 3, 1, &d1);
    jw_date_from_ymd(2023, 12, 31, &d2);
    jw_date_from_ymd(2024, 2, 20, &d3);
    jw_json_reset(j);
    j->depth = 1;
    jw_event_w_reset(w);
#define BOTH_STR(K, key, v) jw_event_w_str(w, K, v), jw_json_str(j, key, v)
    BOTH_STR(JW_EK_TYPE, "type", "start");
    BOTH_STR(JW_EK_PROFILE, "profile", "zuid-limburg");
    BOTH_STR(JW_EK_MSG, "msg", "436/0512/TW00000001");
    BOTH_STR(JW_EK_YID, "yid", "fb80bd8f094c247e173f4ac17a9a1c03");
    BOTH_STR(JW_EK_GEMEENTE, "gemeente", "0512");
    jw_event_w_int(w, JW_EK_TOEWIJZING, 100001), jw_json_int(j, "toewijzing", 100001);
    BOTH_STR(JW_EK_CATEGORIE, "categorie", NULL);
    /* escapes and a string longer than the renderer's stack buffer */
    char longs[300];
    memset(longs, 'x', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    longs[5] = '"';
    longs[6] = '\\';
    longs[7] = '\n';
    BOTH_STR(JW_EK_SEGMENT, "segment", longs);
    /* 32 hex digits but upper case: not the compact form, still exact */
    BOTH_STR(JW_EK_REFERENTIE, "referentie", "FB80BD8F094C247E173F4AC17A9A1C03");
    jw_event_w_date(w, JW_EK_DATE, d1), jw_json_str(j, "date", "2024-03-01");
    jw_event_w_int(w, JW_EK_GAP_DAYS, -61), jw_json_int(j, "gap_days", -61);
    jw_event_w_open(w, JW_EK_PREV), jw_json_key_open(j, "prev");
    BOTH_STR(JW_EK_GEMEENTE, "gemeente", "1963");
    jw_event_w_date(w, JW_EK_END, d2), jw_json_str(j, "end", "2023-12-31");
    jw_event_w_null(w, JW_EK_REASON), jw_json_null(j, "reason");
    jw_event_w_close(w), jw_json_close(j);
    jw_event_w_bool(w, JW_EK_CONTINUED, 0), jw_json_bool(j, "continued", 0);
    jw_event_w_bool(w, JW_EK_RELEASE, 1), jw_json_bool(j, "release", 1);
    jw_event_w_date(w, JW_EK_TOEWIJZINGSDATUM, d3), jw_json_str(j, "toewijzingsdatum", "2024-02-20");
    jw_event_w_date(w, JW_EK_MSG_DATE, JW_DATE_NONE), jw_json_str(j, "msg_date", "");
    jw_event_w_int(w, JW_EK_AMOUNT_CENTS, INT64_MIN), jw_json_int(j, "amount_cents", INT64_MIN);
    jw_event_w_int(w, JW_EK_VOLUME, INT64_MAX), jw_json_int(j, "volume", INT64_MAX);
#undef BOTH_STR
    cr_assert_eq(jw_event_w_finish(w), 0);
    cr_assert_eq(jw_json_finish(j), 0);
}

Test(event, renders_exactly_the_json_text)
{
    jw_event_w_t w;
    jw_json_t j, r;
    jw_event_w_init(&w);
    jw_json_init(&j);
    jw_json_init(&r);
    write_start(&w, &j);
    cr_assert_eq(jw_event_body_json(w.buf, w.len, &r), 0);
    cr_assert_str_eq(r.buf, j.buf);
    /* the record is much smaller than its text (the pseudonym alone
     * takes 16 bytes instead of 32) */
    cr_assert_lt(w.len, j.len - 100, "%zu vs %zu", w.len, j.len);

    /* the id is BLAKE2b-64 of that text, computed independently here */
    uint8_t id[8], want[8];
    jw_json_t scratch;
    jw_json_init(&scratch);
    cr_assert_eq(jw_event_body_id(w.buf, w.len, &scratch, id), 0);
    crypto_generichash(want, 8, (const unsigned char *)j.buf, j.len, NULL, 0);
    cr_assert_eq(memcmp(id, want, 8), 0);

    /* the whole record as every edge shows it */
    size_t rl = JW_EVENT_HEAD + w.len;
    uint8_t *rec = malloc(rl);
    jw_event_record(id, w.buf, w.len, rec);
    cr_assert_eq(jw_event_check(rec, rl), 0);
    cr_assert_eq(jw_event_json(rec, rl, 42, &r), 0);
    char idhex[17], head[64];
    sodium_bin2hex(idhex, sizeof idhex, id, 8);
    snprintf(head, sizeof head, "{\"id\":\"%s\",\"seq\":42,", idhex);
    cr_assert_eq(strncmp(r.buf, head, strlen(head)), 0, "%s", r.buf);
    cr_assert_eq(strncmp(r.buf + strlen(head), j.buf, j.len), 0);
    cr_assert_str_eq(r.buf + strlen(head) + j.len, "}");
    free(rec);
    jw_json_free(&scratch);
    jw_event_w_free(&w);
    jw_json_free(&j);
    jw_json_free(&r);
}

Test(event, typed_reader)
{
    jw_event_w_t w;
    jw_json_t j;
    jw_event_w_init(&w);
    jw_json_init(&j);
    write_start(&w, &j);
    uint8_t id[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    size_t rl = JW_EVENT_HEAD + w.len;
    uint8_t *rec = malloc(rl);
    jw_event_record(id, w.buf, w.len, rec);
    jw_event_view_t v, sub;
    cr_assert_eq(jw_event_view(rec, rl, &v), 0);
    cr_assert_eq(memcmp(v.id, id, 8), 0);
    char s[40];
    int64_t i;
    jw_date_t d;
    int b;
    cr_assert_eq(jw_event_get_str(&v, JW_EK_TYPE, s, sizeof s), 0);
    cr_assert_str_eq(s, "start");
    cr_assert_eq(jw_event_get_str(&v, JW_EK_YID, s, sizeof s), 0);
    cr_assert_str_eq(s, "fb80bd8f094c247e173f4ac17a9a1c03");
    cr_assert_eq(jw_event_get_str(&v, JW_EK_YID, s, 32), JW_EVENT_ETOOLONG);
    /* top level only: "gemeente" of prev does not override the event's */
    cr_assert_eq(jw_event_get_str(&v, JW_EK_GEMEENTE, s, sizeof s), 0);
    cr_assert_str_eq(s, "0512");
    cr_assert_eq(jw_event_get_int(&v, JW_EK_TOEWIJZING, &i), 0);
    cr_assert_eq(i, 100001);
    cr_assert_eq(jw_event_get_int(&v, JW_EK_GAP_DAYS, &i), 0);
    cr_assert_eq(i, -61);
    cr_assert_eq(jw_event_get_int(&v, JW_EK_AMOUNT_CENTS, &i), 0);
    cr_assert_eq(i, INT64_MIN);
    cr_assert_eq(jw_event_get_date(&v, JW_EK_DATE, &d), 0);
    int y, m, dd;
    jw_date_to_ymd(d, &y, &m, &dd);
    cr_assert(y == 2024 && m == 3 && dd == 1);
    cr_assert_eq(jw_event_get_str(&v, JW_EK_DATE, s, sizeof s), 0);
    cr_assert_str_eq(s, "2024-03-01");
    cr_assert_eq(jw_event_get_bool(&v, JW_EK_CONTINUED, &b), 0);
    cr_assert_eq(b, 0);
    cr_assert(jw_event_is_null(&v, JW_EK_CATEGORIE));
    cr_assert_eq(jw_event_get_str(&v, JW_EK_CATEGORIE, s, sizeof s), JW_EVENT_ENOTFOUND);
    cr_assert_eq(jw_event_get_str(&v, JW_EK_CODES, s, sizeof s), JW_EVENT_ENOTFOUND);
    cr_assert(!jw_event_is_null(&v, JW_EK_CODES));
    cr_assert_eq(jw_event_get_int(&v, JW_EK_TYPE, &i), JW_EVENT_ETYPE);
    cr_assert_eq(jw_event_view_sub(&v.f[JW_EK_PREV], &sub), 0);
    cr_assert_eq(jw_event_get_str(&sub, JW_EK_GEMEENTE, s, sizeof s), 0);
    cr_assert_str_eq(s, "1963");
    cr_assert(jw_event_is_null(&sub, JW_EK_REASON));
    cr_assert_eq(jw_event_view_sub(&v.f[JW_EK_TYPE], &sub), JW_EVENT_ETYPE);
    free(rec);
    jw_event_w_free(&w);
    jw_json_free(&j);
}

Test(event, copy_replaces_fields_in_place)
{
    jw_event_w_t w, c, e;
    jw_json_t a, b;
    jw_event_w_init(&w);
    jw_event_w_init(&c);
    jw_event_w_init(&e);
    jw_json_init(&a);
    jw_json_init(&b);
    jw_event_w_str(&w, JW_EK_TYPE, "declared");
    jw_event_w_str(&w, JW_EK_PROFILE, "twente");
    jw_event_w_str(&w, JW_EK_SEGMENT, "verblijf");
    jw_event_w_int(&w, JW_EK_VOLUME, 3);
    const jw_event_key_t keys[2] = {JW_EK_PROFILE, JW_EK_SEGMENT};
    const char *vals[2] = {"cbs", "jeugdhulp met verblijf"};
    cr_assert_eq(jw_event_w_copy(&c, w.buf, w.len, keys, vals, 2), 0);
    cr_assert_eq(jw_event_body_json(c.buf, c.len, &a), 0);
    cr_assert_str_eq(a.buf, "\"type\":\"declared\",\"profile\":\"cbs\",\"segment\":\"jeugdhulp met verblijf\",\"volume\":3");
    /* a body without the field stays as it was */
    jw_event_w_str(&e, JW_EK_TYPE, "refused");
    jw_event_w_null(&e, JW_EK_SEGMENT);
    jw_event_w_t c2;
    jw_event_w_init(&c2);
    cr_assert_eq(jw_event_w_copy(&c2, e.buf, e.len, keys, vals, 2), 0);
    cr_assert_eq(jw_event_body_json(c2.buf, c2.len, &b), 0);
    cr_assert_str_eq(b.buf, "\"type\":\"refused\",\"segment\":null");
    jw_event_w_free(&c2);
    jw_event_w_free(&w);
    jw_event_w_free(&c);
    jw_event_w_free(&e);
    jw_json_free(&a);
    jw_json_free(&b);
}

/* Every prefix of a good record, and every single-byte change of it, is
 * either a whole well-formed record or refused alike by every reader:
 * never read past the end (ASan), never half rendered. */
Test(event, damaged_records_refused)
{
    jw_event_w_t w;
    jw_json_t j, r;
    jw_event_w_init(&w);
    jw_json_init(&j);
    jw_json_init(&r);
    write_start(&w, &j);
    uint8_t id[8] = {0};
    size_t rl = JW_EVENT_HEAD + w.len;
    uint8_t *rec = malloc(rl);
    jw_event_record(id, w.buf, w.len, rec);
    size_t accepted_prefixes = 0;
    for (size_t n = 0; n < rl; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, rec, n);
        jw_event_view_t v;
        int ok = jw_event_check(cut, n) == 0;
        cr_assert_eq(ok, jw_event_view(cut, n, &v) == 0);
        cr_assert_eq(ok, jw_event_json(cut, n, 1, &r) == 0);
        accepted_prefixes += ok;
        free(cut);
    }
    /* a prefix that ends exactly between two top-level fields is a
     * shorter well-formed record; inside the nested object it is not */
    cr_assert_gt(accepted_prefixes, 0);
    for (size_t k = 0; k < rl; k++) {
        for (int bit = 0; bit < 8; bit++) {
            rec[k] ^= (uint8_t)(1u << bit);
            jw_event_view_t v;
            int ok = jw_event_check(rec, rl) == 0;
            cr_assert_eq(ok, jw_event_view(rec, rl, &v) == 0);
            cr_assert_eq(ok, jw_event_json(rec, rl, 1, &r) == 0);
            rec[k] ^= (uint8_t)(1u << bit);
        }
    }
    /* a wrong version byte, an unknown key, an unknown tag, an unclosed
     * object, a length past the end */
    uint8_t bad[][14] = {
        {2, 0, 0, 0, 0, 0, 0, 0, 0, JW_EK_TYPE, 7},
        {1, 0, 0, 0, 0, 0, 0, 0, 0, JW_EK_COUNT, 7},
        {1, 0, 0, 0, 0, 0, 0, 0, 0, JW_EK_TYPE, 99},
        {1, 0, 0, 0, 0, 0, 0, 0, 0, JW_EK_PREV, 8},
        {1, 0, 0, 0, 0, 0, 0, 0, 0, JW_EK_TYPE, 1, 9, 'a', 'b'},
    };
    size_t badlen[] = {11, 11, 11, 11, 14};
    for (size_t k = 0; k < sizeof badlen / sizeof badlen[0]; k++)
        cr_assert_eq(jw_event_check(bad[k], badlen[k]), JW_EVENT_EBADREC, "case %zu", k);
    free(rec);
    jw_event_w_free(&w);
    jw_json_free(&j);
    jw_json_free(&r);
}
