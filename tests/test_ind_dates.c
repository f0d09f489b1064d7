/* test_ind_dates.c - the indicator store grows with the data, not with the
 * dates a message states (date amplification).
 *
 * Events are fed to the engine directly (no parser in front), so the
 * engine's own bound is what is tested: an episode stated from 1900-01-01
 * to 2100-12-31 contributes only to the periods of the data span (the year
 * before the earliest observed month up to the horizon, at most 20 years
 * before the horizon's year; docs/indicators.md "The data span"). Expected
 * counts are worked out by hand below. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "indicators/ind_internal.h"
#include "profile/profile.h"
#include "store/store.h"

#define YC "cccccccccccccccccccccccccccccccc"

static jw_date_t D(const char *s)
{
    jw_date_t d;
    cr_assert_eq(jw_date_parse(s, strlen(s), &d), 0, "date %s", s);
    return d;
}

static int count_cb(const void *k, size_t kl, const void *v, size_t vl, void *ctx)
{
    (void)k;
    (void)kl;
    (void)v;
    (void)vl;
    (*(size_t *)ctx)++;
    return 0;
}

static int count_sets(jw_txn_t *txn, void *ctx)
{
    return jw_store_iter(txn, DB_SETS, NULL, 0, count_cb, ctx);
}

/* Entries in the distinct-youth sets (the bulk of a store). */
static size_t set_entries(jw_ind_t *ind)
{
    size_t n = 0;
    cr_assert_eq(jw_store_read(ind->st, count_sets, &n), 0);
    return n;
}

static void feed(jw_ind_t *ind, uint64_t *seq, const char *fmt, ...)
{
    char b[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    (*seq)++;
    cr_assert_eq(jw_ind_consume(ind, *seq, b, strlen(b)), 0, "event %llu: %s", (unsigned long long)*seq, b);
}

/* IND-01 youths / stock of a period, internal view; -1 when no value. */
static double ind01(jw_ind_t *ind, const char *period, const char *col)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    char err[200];
    double out = -1;
    memset(&q, 0, sizeof q);
    q.indicator = "IND-01";
    q.has_period = 1;
    cr_assert_eq(jw_ind_period_parse(period, &q.period), 0, "%s", period);
    cr_assert_eq(jw_ind_query(ind, &q, &r, err, sizeof err), 0, "%s", err);
    for (size_t c = 0; c < r.def->n_cols; c++)
        if (strcmp(r.def->cols[c].name, col) == 0 && r.n_rows && r.rows[0].v[c].state == JW_IND_V_OK)
            out = r.rows[0].v[c].v;
    jw_ind_result_free(&r);
    return out;
}

/* One youth, one allocation: start (date = Ingangsdatum START, allocated
 * on 2023-04-01), stop on STOP, a delivery start on 2024-06-10 (sent
 * 2024-06-11). Observed months: 2023-04 and 2024-06. */
static void scenario(jw_ind_t *ind, uint64_t *seq, const char *start, const char *stop)
{
    feed(ind, seq,
         "{\"id\":\"c000000000000001\",\"type\":\"start\",\"profile\":\"zuid-limburg\",\"yid\":\"" YC "\","
         "\"gemeente\":\"0935\",\"aanbieder\":\"11110001\",\"toewijzing\":1,\"segment\":\"ambulant\","
         "\"date\":\"%s\",\"toewijzingsdatum\":\"2023-04-01\",\"class\":\"instroom\"}",
         start);
    feed(ind, seq,
         "{\"id\":\"c000000000000002\",\"type\":\"stop\",\"profile\":\"zuid-limburg\",\"yid\":\"" YC "\","
         "\"gemeente\":\"0935\",\"aanbieder\":\"11110001\",\"toewijzing\":1,\"segment\":\"ambulant\","
         "\"start\":\"%s\",\"date\":\"%s\",\"duration_days\":1000,\"continued\":false,\"class\":\"instroom\"}",
         start, stop);
    feed(ind, seq,
         "{\"id\":\"c000000000000003\",\"type\":\"delivery_start\",\"profile\":\"zuid-limburg\",\"yid\":\"" YC "\","
         "\"gemeente\":\"0935\",\"aanbieder\":\"11110001\",\"toewijzing\":1,\"segment\":\"ambulant\","
         "\"date\":\"2024-06-10\",\"wait_days\":null,\"msg_date\":\"2024-06-11\"}");
}

Test(ind_dates, episode_from_1900_to_2100_is_bounded)
{
    char tmp[64] = "/tmp/jw-ind-dates-XXXXXX", err[256], dir[96];
    jw_profile_t *prof;
    jw_ind_t *ind;
    jw_ind_status_t st;
    uint64_t seq = 0;
    cr_assert_not_null(mkdtemp(tmp));
    cr_assert_eq(jw_profile_load("zuid-limburg", &prof, err, sizeof err), 0, "%s", err);
    cr_assert(!jw_profile_segment_verblijf(prof, "ambulant"), "the counts below assume a non-residential segment");

    snprintf(dir, sizeof dir, "%s/a", tmp);
    cr_assert_eq(jw_ind_open(dir, prof, NULL, &ind), 0);
    scenario(ind, &seq, "1900-01-01", "2100-12-31");
    cr_assert_eq(jw_ind_status(ind, &st), 0);
    cr_expect_eq(st.horizon, D("2024-06-30"));
    cr_expect_eq(st.first, D("2023-04-01"));
    /* The span: 2022-01-01 (the year before 2023-04) .. 2024-06-30.
     * IND-01 "in care on a day of the period": months 2022-01..2024-06 = 30,
     * quarters 10, halves 5, years 3 = 48 periods; stock "in care on the last
     * day": the same but not the year 2024 (its last day is past the
     * horizon) = 47 periods. Each for total, gemeente, aanbieder, segment:
     * (48 + 47) * 8 = 760 set entries (the four single cells and the four cross
     * cells: gemeente x aanbieder, x segment, aanbieder x segment, all three).
     * Unbounded, 1900..2024 would be over
     * 125 years * 19 periods * 2 * 8 = 38 000. */
    cr_expect_eq(set_entries(ind), 760);
    /* the figures within the data span are those of a youth in care throughout */
    cr_expect_eq(ind01(ind, "2023", "youths"), 1);
    cr_expect_eq(ind01(ind, "2023", "stock"), 1);
    cr_expect_eq(ind01(ind, "2024-Q2", "youths"), 1);
    cr_expect_eq(ind01(ind, "2024-06", "stock"), 1);
    cr_expect_eq(ind01(ind, "R12-2023-04", "youths"), 1);
    /* before the span nothing is kept (0 youths) */
    cr_expect_eq(ind01(ind, "1950", "youths"), 0);
    cr_expect_eq(ind01(ind, "2021", "youths"), 0);
    unsigned char d1[32], d2[32];
    cr_assert_eq(jw_ind_digest(ind, d1), 0);

    /* Observed dates outside 1900-2100 do not move the span (a request
     * "sent" in 2150 or 1850), and change nothing else. */
    feed(ind, &seq,
         "{\"id\":\"c000000000000004\",\"type\":\"request\",\"profile\":\"zuid-limburg\",\"yid\":\"" YC "\","
         "\"msg_date\":\"2150-01-01\"}");
    feed(ind, &seq,
         "{\"id\":\"c000000000000005\",\"type\":\"request\",\"profile\":\"zuid-limburg\",\"yid\":\"" YC "\","
         "\"msg_date\":\"1850-01-01\"}");
    cr_assert_eq(jw_ind_status(ind, &st), 0);
    cr_expect_eq(st.horizon, D("2024-06-30"));
    cr_expect_eq(st.first, D("2023-04-01"));
    cr_expect_eq(set_entries(ind), 760);

    /* An observed date in 1950 (inside the window) opens the span to at
     * most 20 years before the horizon's year: 2004-01-01 .. 2024-06-30 =
     * months 246, quarters 82, halves 41, years 21 = 390 periods; stock
     * 389; (390 + 389) * 8 cells (single and cross) = 6232 entries. */
    feed(ind, &seq,
         "{\"id\":\"c000000000000006\",\"type\":\"request\",\"profile\":\"zuid-limburg\",\"yid\":\"" YC "\","
         "\"msg_date\":\"1950-03-01\"}");
    cr_expect_eq(set_entries(ind), 6232);
    cr_expect_eq(ind01(ind, "2004", "youths"), 1);
    cr_expect_eq(ind01(ind, "2003", "youths"), 0);
    /* its retraction moves the span back, exactly */
    feed(ind, &seq,
         "{\"id\":\"c000000000000007\",\"type\":\"retract\",\"profile\":\"zuid-limburg\",\"yid\":\"" YC "\","
         "\"retracts\":\"c000000000000006\"}");
    cr_expect_eq(set_entries(ind), 760);
    jw_ind_close(ind);

    /* The same allocation stated from 2021-06-01 (before the span too) to
     * 2100-12-31: the same episode entries and figures. The state differs
     * only by the start and stop events' own cells (their dates). */
    snprintf(dir, sizeof dir, "%s/b", tmp);
    seq = 0;
    cr_assert_eq(jw_ind_open(dir, prof, NULL, &ind), 0);
    scenario(ind, &seq, "2021-06-01", "2100-12-31");
    cr_expect_eq(set_entries(ind), 760);
    cr_expect_eq(ind01(ind, "2023", "youths"), 1);
    cr_expect_eq(ind01(ind, "2023", "stock"), 1);
    cr_expect_eq(ind01(ind, "2024-Q2", "youths"), 1);
    cr_expect_eq(ind01(ind, "2024-06", "stock"), 1);
    cr_assert_eq(jw_ind_digest(ind, d2), 0);
    cr_expect_neq(memcmp(d1, d2, 32), 0);
    jw_ind_close(ind);

    jw_profile_free(prof);
    test_rm_rf(tmp);
}

static int put_schema1(jw_txn_t *txn, void *ctx)
{
    (void)ctx;
    return jw_store_meta_put_u64(txn, "ind.schema", 1);
}

Test(ind_dates, older_store_schema_is_refused)
{
    char tmp[64] = "/tmp/jw-ind-schema-XXXXXX", err[256];
    jw_profile_t *prof;
    jw_ind_t *ind;
    jw_store_t *st;
    jw_store_options_t so;
    cr_assert_not_null(mkdtemp(tmp));
    cr_assert_eq(jw_profile_load("zuid-limburg", &prof, err, sizeof err), 0, "%s", err);
    cr_assert_eq(jw_ind_open(tmp, prof, NULL, &ind), 0);
    jw_ind_close(ind);
    /* a store written by schema 1 (episodes not clamped) must be rebuilt */
    memset(&so, 0, sizeof so);
    cr_assert_eq(jw_store_open(tmp, &so, &st), 0);
    cr_assert_eq(jw_store_write(st, put_schema1, NULL), 0);
    jw_store_close(st);
    cr_expect_eq(jw_ind_open(tmp, prof, NULL, &ind), JW_IND_ESCHEMA);
    cr_expect(strstr(jw_ind_strerror(JW_IND_ESCHEMA), "--rebuild") != NULL);
    jw_profile_free(prof);
    test_rm_rf(tmp);
}
