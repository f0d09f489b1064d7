/* test_worked_examples.c - the worked example of docs/indicators.md
 * ("Worked example"), event for event, with the values that file computes
 * by hand. If a definition in the code changes, this test and that section
 * change together.
 *
 * The events are fed straight to the indicator engine (the derivation of
 * events from messages has its own tests in tests/test_traject.c), under
 * the shipped twente profile: segments verblijf (residential, wait norm 42
 * days), ambulant (wait norm 98 days), crisis (no norm); small-cell
 * threshold 5. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "indicators/indicators.h"
#include "profile/profile.h"

#define G "0153"
#define A "11110001"
#define B "22220002"
#define Y1 "11111111111111111111111111111111"
#define Y2 "22222222222222222222222222222222"
#define Y3 "33333333333333333333333333333333"
#define Y4 "44444444444444444444444444444444"
#define Y5 "55555555555555555555555555555555"
#define Y6 "66666666666666666666666666666666"

typedef struct {
    jw_ind_t *ind;
    uint64_t seq;
    char dir[64];
    jw_profile_t *prof;
} wx_t;

static void feed(wx_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void feed(wx_t *w, const char *fmt, ...)
{
    char body[1024], ev[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    w->seq++;
    snprintf(ev, sizeof ev, "{\"id\":\"%016llx\",\"seq\":%llu,\"profile\":\"twente\",\"msg\":\"x\",%s}",
             (unsigned long long)(0xabc00000ull + w->seq), (unsigned long long)w->seq, body);
    int rc = jw_ind_consume(w->ind, w->seq, ev, strlen(ev));
    cr_assert_eq(rc, 0, "%s: %s", ev, jw_ind_strerror(rc));
    jw_ind_status_t st;
    cr_assert_eq(jw_ind_status(w->ind, &st), 0);
    cr_assert_eq(st.bad, 0, "unreadable: %s", ev);
}

/* start / stop / recidive / transfer / delivery_start / delivery_stop / declared */
#define START(y, tn, ab, seg, date, cls, tdat, req)                                                  \
    feed(w, "\"type\":\"start\",\"yid\":\"%s\",\"gemeente\":\"" G "\",\"aanbieder\":\"%s\","        \
            "\"toewijzing\":%d,\"segment\":\"%s\",\"date\":\"%s\",\"class\":\"%s\","                 \
            "\"toewijzingsdatum\":\"%s\",\"request_date\":%s",                                       \
         y, ab, tn, seg, date, cls, tdat, req)
#define STOP(y, tn, ab, seg, start, date, dur, cls, cont)                                            \
    feed(w, "\"type\":\"stop\",\"yid\":\"%s\",\"gemeente\":\"" G "\",\"aanbieder\":\"%s\","         \
            "\"toewijzing\":%d,\"segment\":\"%s\",\"start\":\"%s\",\"date\":\"%s\",\"reason\":null," \
            "\"duration_days\":%d,\"class\":\"%s\",\"continued\":%s",                                \
         y, ab, tn, seg, start, date, dur, cls, cont)
#define RECIDIVE(y, tn, ab, seg, date)                                                               \
    feed(w, "\"type\":\"recidive\",\"yid\":\"%s\",\"gemeente\":\"" G "\",\"aanbieder\":\"%s\","     \
            "\"toewijzing\":%d,\"segment\":\"%s\",\"date\":\"%s\",\"class\":\"hernieuwd\"",          \
         y, ab, tn, seg, date)
#define TRANSFER(y, tn, from, to, seg, date)                                                         \
    feed(w, "\"type\":\"transfer\",\"yid\":\"%s\",\"gemeente\":\"" G "\",\"from_aanbieder\":\"%s\"," \
            "\"to_aanbieder\":\"%s\",\"segment\":\"%s\",\"toewijzing\":%d,\"date\":\"%s\"",           \
         y, from, to, seg, tn, date)
#define DSTART(y, tn, ab, seg, date, wait, msgdate)                                                  \
    feed(w, "\"type\":\"delivery_start\",\"yid\":\"%s\",\"gemeente\":\"" G "\",\"aanbieder\":\"%s\"," \
            "\"toewijzing\":%d,\"segment\":\"%s\",\"msg_date\":\"%s\",\"date\":\"%s\","              \
            "\"wait_days\":%s",                                                                      \
         y, ab, tn, seg, msgdate, date, wait)
#define DSTOP(y, tn, ab, seg, start, date, reason, msgdate)                                          \
    feed(w, "\"type\":\"delivery_stop\",\"yid\":\"%s\",\"gemeente\":\"" G "\",\"aanbieder\":\"%s\"," \
            "\"toewijzing\":%d,\"segment\":\"%s\",\"msg_date\":\"%s\",\"start\":\"%s\","             \
            "\"date\":\"%s\",\"reason\":\"%s\"",                                                     \
         y, ab, tn, seg, msgdate, start, date, reason)
#define DECLARED(y, tn, ab, seg, date, vol, unit, cents, ref, credits)                               \
    feed(w, "\"type\":\"declared\",\"yid\":\"%s\",\"gemeente\":\"" G "\",\"aanbieder\":\"%s\","     \
            "\"toewijzing\":%d,\"segment\":\"%s\",\"period\":\"%.7s\",\"date\":\"%s\",\"volume\":%d,"\
            "\"unit\":\"%s\",\"amount_cents\":%d,\"referentie\":\"%s\",\"credits\":%s",              \
         y, ab, tn, seg, date, date, vol, unit, cents, ref, credits)

/* The worked example's events, in the order of the table in docs/indicators.md. */
static void the_example(wx_t *w)
{
    /* Y1: ambulant at A, allocation 1 (allocated 2024-01-03 after a request of 2023-12-27),
     * 2024-01-10..2024-03-31; allocation 2 from 2024-10-15 (allocated 2024-10-01), open. */
    START(Y1, 1, A, "ambulant", "2024-01-10", "instroom", "2024-01-03", "\"2023-12-27\"");
    STOP(Y1, 1, A, "ambulant", "2024-01-10", "2024-03-31", 82, "instroom", "false");
    DSTART(Y1, 1, A, "ambulant", "2024-01-17", "14", "2024-01-24");
    DSTOP(Y1, 1, A, "ambulant", "2024-01-17", "2024-03-31", "34", "2024-04-09");
    START(Y1, 2, A, "ambulant", "2024-10-15", "hernieuwd", "2024-10-01", "null");
    RECIDIVE(Y1, 2, A, "ambulant", "2024-10-15");
    DSTART(Y1, 2, A, "ambulant", "2024-11-05", "35", "2024-11-06");
    /* Y2: verblijf at A, allocation 3 2024-02-01..2024-06-30 (allocated 2024-01-20), continued
     * by allocation 4 at B from 2024-07-01 (allocated 2024-06-15), open: a transfer. */
    START(Y2, 3, A, "verblijf", "2024-02-01", "instroom", "2024-01-20", "null");
    STOP(Y2, 3, A, "verblijf", "2024-02-01", "2024-06-30", 151, "instroom", "true");
    DSTART(Y2, 3, A, "verblijf", "2024-03-02", "42", "2024-03-04");
    DSTOP(Y2, 3, A, "verblijf", "2024-03-02", "2024-04-10", "20", "2024-04-12");
    DSTOP(Y2, 3, A, "verblijf", "2024-03-02", "2024-06-30", "31", "2024-07-01");
    START(Y2, 4, B, "verblijf", "2024-07-01", "doorstroom", "2024-06-15", "null");
    TRANSFER(Y2, 4, A, B, "verblijf", "2024-07-01");
    DSTART(Y2, 4, B, "verblijf", "2024-07-29", "44", "2024-07-30");
    DECLARED(Y2, 3, A, "verblijf", "2024-02-01", 29, "14", 290000, "R1", "null");
    DECLARED(Y2, 3, A, "verblijf", "2024-02-01", 29, "14", -290000, "R2", "\"R1\"");
    DECLARED(Y2, 3, A, "verblijf", "2024-02-01", 28, "14", 280000, "R3", "null");
    DECLARED(Y1, 1, A, "ambulant", "2024-02-01", 8, "04", 72000, "R4", "null");
    /* Y3: ambulant at B, allocation 5 2024-03-01..2025-02-28 (planned; allocated 2024-02-10),
     * never started; allocation 6 at A from 2024-06-01 (allocated 2024-05-20), open, stacked
     * on 5, never started. A declaration credited whole. */
    START(Y3, 5, B, "ambulant", "2024-03-01", "instroom", "2024-02-10", "null");
    STOP(Y3, 5, B, "ambulant", "2024-03-01", "2025-02-28", 365, "instroom", "false");
    START(Y3, 6, A, "ambulant", "2024-06-01", "stapeling", "2024-05-20", "null");
    DECLARED(Y3, 5, B, "ambulant", "2024-03-01", 10, "04", 100000, "R5", "null");
    DECLARED(Y3, 5, B, "ambulant", "2024-03-01", 10, "04", -100000, "R6", "\"R5\"");
    /* Y4: crisis at B, allocation 7 2024-12-20..2024-12-31 (allocated 2024-12-20 after a
     * request of 2024-12-10), started the same day. */
    START(Y4, 7, B, "crisis", "2024-12-20", "instroom", "2024-12-20", "\"2024-12-10\"");
    STOP(Y4, 7, B, "crisis", "2024-12-20", "2024-12-31", 12, "instroom", "false");
    DSTART(Y4, 7, B, "crisis", "2024-12-20", "0", "2024-12-30");
    /* Y5: ambulant at A, allocation 8 2023-05-01..2023-08-31 (allocated 2023-04-20), and
     * allocation 9 from 2024-05-01 (allocated 2024-04-20), open, never started. */
    START(Y5, 8, A, "ambulant", "2023-05-01", "instroom", "2023-04-20", "null");
    STOP(Y5, 8, A, "ambulant", "2023-05-01", "2023-08-31", 123, "instroom", "false");
    START(Y5, 9, A, "ambulant", "2024-05-01", "hernieuwd", "2024-04-20", "null");
    RECIDIVE(Y5, 9, A, "ambulant", "2024-05-01");
    /* Y6: ambulant at A, allocation 10 2023-02-01..2023-11-30 (allocated 2023-01-25). */
    START(Y6, 10, A, "ambulant", "2023-02-01", "instroom", "2023-01-25", "null");
    STOP(Y6, 10, A, "ambulant", "2023-02-01", "2023-11-30", 303, "instroom", "false");
}


static void wx_open(wx_t *w)
{
    char err[256];
    memset(w, 0, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/jw-wx-XXXXXX");
    cr_assert_not_null(mkdtemp(w->dir));
    cr_assert_eq(jw_profile_load("twente", &w->prof, err, sizeof err), 0, "%s", err);
    cr_assert_eq(jw_ind_open(w->dir, w->prof, NULL, &w->ind), 0);
}

static void wx_close(wx_t *w)
{
    jw_ind_close(w->ind);
    jw_profile_free(w->prof);
    test_rm_rf(w->dir);
}

static jw_ind_val_t cell(jw_ind_t *ind, const char *id, const char *period, const char *by,
                         const char *key, const char *col, int public_)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    char err[200];
    jw_ind_val_t out = {0, -1};
    memset(&q, 0, sizeof q);
    q.indicator = id;
    q.has_period = 1;
    q.public_ = public_;
    cr_assert_eq(jw_ind_period_parse(period, &q.period), 0, "period %s", period);
    if (by) cr_assert_eq(jw_ind_by_parse(by, &q.by), 0);
    cr_assert_eq(jw_ind_query(ind, &q, &r, err, sizeof err), 0, "%s", err);
    int c = -1;
    for (size_t i = 0; i < r.def->n_cols; i++)
        if (strcmp(r.def->cols[i].name, col) == 0) c = (int)i;
    cr_assert_geq(c, 0, "no column %s in %s", col, id);
    for (size_t i = 0; i < r.n_rows; i++) {
        const jw_ind_row_t *row = &r.rows[i];
        if ((!by && row->by == JW_IND_BY_TOTAL) ||
            (by && row->by != JW_IND_BY_TOTAL && strcmp(row->key, key) == 0)) {
            out = row->v[c];
            break;
        }
    }
    jw_ind_result_free(&r);
    return out;
}

#define EQ(id, period, col, expect) EQB(id, period, NULL, NULL, col, expect)
#define EQB(id, period, by, key, col, expect)                                                       \
    do {                                                                                            \
        jw_ind_val_t v_ = cell(w->ind, id, period, by, key, col, 0);                                \
        cr_expect(v_.state == JW_IND_V_OK && fabs(v_.v - (expect)) < 0.006,                         \
                  "%s %s %s %s: got %g (state %d), expected %g", id, period, key ? key : "total",   \
                  col, v_.v, v_.state, (double)(expect));                                           \
    } while (0)
#define NA(id, period, col)                                                                         \
    do {                                                                                            \
        jw_ind_val_t v_ = cell(w->ind, id, period, NULL, NULL, col, 0);                             \
        cr_expect(v_.state == JW_IND_V_NA, "%s %s %s: expected no value, got %g (state %d)", id,    \
                  period, col, v_.v, v_.state);                                                     \
    } while (0)
#define PUB(id, period, col, expect)                                                                \
    do {                                                                                            \
        jw_ind_val_t v_ = cell(w->ind, id, period, NULL, NULL, col, 1);                             \
        cr_expect(v_.state == JW_IND_V_OK && fabs(v_.v - (expect)) < 0.006,                         \
                  "public %s %s %s: got %g (state %d), expected %g", id, period, col, v_.v,         \
                  v_.state, (double)(expect));                                                      \
    } while (0)
#define SUPP(id, period, col)                                                                       \
    do {                                                                                            \
        jw_ind_val_t v_ = cell(w->ind, id, period, NULL, NULL, col, 1);                             \
        cr_expect(v_.state == JW_IND_V_SUPPRESSED, "public %s %s %s: expected suppressed, got %g",  \
                  id, period, col, v_.v);                                                           \
    } while (0)

Test(worked_example, every_indicator)
{
    wx_t ww, *w = &ww;
    jw_ind_status_t st;
    wx_open(w);
    the_example(w);
    cr_assert_eq(jw_ind_status(w->ind, &st), 0);

    /* Data horizon: observed dates are Toewijzingsdatum, delivery dates, declaration dates
     * and request message dates (not planned ends, not message dates of JW305/JW307); the
     * latest is Y4's allocation and delivery start 2024-12-20, so the horizon is 2024-12-31.
     * First month: Y6's Toewijzingsdatum 2023-01-25. */
    jw_date_t d;
    jw_date_parse("2024-12-31", 10, &d);
    cr_expect_eq(st.horizon, d);
    jw_date_parse("2023-01-01", 10, &d);
    cr_expect_eq(st.first, d);

    /* IND-01 2024: Y1 Y2 Y3 Y4 Y5 = 5 (Y6 ended 2023-11-30). Stock on 2024-12-31: Y1 (2, open),
     * Y2 (4, open), Y3 (5 ends 2025-02-28; 6 open), Y5 (9, open) = 4; Y4 ends ON 2024-12-31:
     * excluded. 2023: Y5 and Y6 = 2, stock 2023-12-31 = 0. */
    EQ("IND-01", "2024", "youths", 5);
    EQ("IND-01", "2024", "stock", 4);
    EQ("IND-01", "2023", "youths", 2);
    EQ("IND-01", "2023", "stock", 0);
    /* 2024-Q1 stock on 2024-03-31: Y2 (3), Y3 (5) = 2; Y1's allocation 1 ends that day */
    EQ("IND-01", "2024-Q1", "stock", 2);
    /* IND-02 (verblijf): Y2 only, 1 youth, in care on 2024-12-31 */
    EQ("IND-02", "2024", "youths", 1);
    EQ("IND-02", "2024", "stock", 1);
    /* IND-03..07 2024 by Ingangsdatum: instroom Y1/1 Y2/3 Y3/5 Y4/7 = 4; stapeling Y3/6 = 1;
     * doorstroom Y2/4 = 1; hernieuwd Y1/2 Y5/9 = 2 */
    EQ("IND-03", "2024", "starts", 4);
    EQ("IND-04", "2024", "starts", 1);
    EQ("IND-05", "2024", "starts", 1);
    EQ("IND-07", "2024", "starts", 2);
    /* IND-06 2024: returns Y1/2 (10-15), Y5/9 (05-01) = 2; ended_before = uitstroom 2023:
     * Y5/8, Y6/10 = 2; rate 100 %. 2024-H2: returns 1 (Y1), uitstroom 2024-H1 = Y1/1 = 1:
     * 100 %. 2023: returns 0, uitstroom 2022 = 0: no rate. */
    EQ("IND-06", "2024", "returns", 2);
    EQ("IND-06", "2024", "ended_before", 2);
    EQ("IND-06", "2024", "rate_pct", 100);
    EQ("IND-06", "2024-H2", "rate_pct", 100);
    NA("IND-06", "2023", "rate_pct");
    /* IND-10 2024: Y1/1 (03-31), Y4/7 (12-31) = 2 (Y2/3 is continued); 2025: Y3/5 (planned
     * 2025-02-28) = 1 */
    EQ("IND-10", "2024", "stops", 2);
    EQ("IND-10", "2025", "stops", 1);
    /* IND-09 2024: Y1/1 ended in H1, followed to 2024-12-31: Y1/2 starts 10-15, a new start;
     * Y4/7 ended in H2, followed to 2025-06-30: none. 1 of 2 = 50 %. 2023: Y5/8 (08-31,
     * followed to 2024-06-30: Y5/9 on 2024-05-01) restarted, Y6/10 not: 1 of 2 */
    EQ("IND-09", "2024", "ended", 2);
    EQ("IND-09", "2024", "without_restart", 1);
    EQ("IND-09", "2024", "share_pct", 50);
    EQ("IND-09", "2023", "without_restart", 1);
    /* IND-11 2024: delivery stops Y1/1 reason 34 and Y2/3 reason 31 = 2 (Y2/3's reason 20 is a
     * temporary stop: left out); drop-outs 1 (34): 50 % */
    EQ("IND-11", "2024", "stops", 2);
    EQ("IND-11", "2024", "dropouts", 1);
    EQ("IND-11", "2024", "share_pct", 50);
    /* IND-12 2024: every stop dated 2024: 82 (Y1/1), 151 (Y2/3, continued), 12 (Y4/7): n 3,
     * mean 245 / 3 = 81.67, median 82, p75 rank ceil(2.25) = 3 -> 151, p90 rank ceil(2.7) = 3
     * -> 151. 2023: 123 and 303: median (123 + 303) / 2 = 213, p90 rank ceil(1.8) = 2 -> 303 */
    EQ("IND-12", "2024", "n", 3);
    EQ("IND-12", "2024", "mean", 245.0 / 3);
    EQ("IND-12", "2024", "median", 82);
    EQ("IND-12", "2024", "p75", 151);
    EQ("IND-12", "2024", "p90", 151);
    EQ("IND-12", "2023", "median", 213);
    EQ("IND-12", "2023", "p90", 303);
    /* IND-13 2024: verblijf etmalen 29 - 29 (credit) + 28 = 28, youths Y2 = 1 */
    EQ("IND-13", "2024", "etmalen", 28);
    EQ("IND-13", "2024", "youths", 1);
    /* IND-14 2024 by Begindatum: waits 14 (ambulant, norm 98: within), 42 (verblijf, norm 42:
     * within, the bound is <=), 44 (verblijf: not within), 35 (ambulant: within), 0 (crisis: no
     * norm). n 5, sorted 0 14 35 42 44: median 35, p90 rank ceil(4.5) = 5 -> 44; normed 4,
     * within 3: 75 %. Waiting on 2024-12-31: Y3/5, Y3/6, Y5/9 = 3. Verblijf row: 42 and 44,
     * within 1 of 2 = 50 %, norm 42 days. */
    EQ("IND-14", "2024", "n", 5);
    EQ("IND-14", "2024", "median", 35);
    EQ("IND-14", "2024", "p90", 44);
    EQ("IND-14", "2024", "normed", 4);
    EQ("IND-14", "2024", "within", 3);
    EQ("IND-14", "2024", "within_pct", 75);
    EQ("IND-14", "2024", "waiting", 3);
    EQB("IND-14", "2024", "segment", "verblijf", "within_pct", 50);
    EQB("IND-14", "2024", "segment", "verblijf", "norm_days", 42);
    /* waiting on 2024-03-31: Y3/5 (due 03-01) = 1; Y2/3 started 03-02 */
    EQ("IND-14", "2024-Q1", "waiting", 1);
    /* IND-14b 2024 by Toewijzingsdatum: Y1/1 2023-12-27 -> 2024-01-03 = 7, Y4/7 2024-12-10 ->
     * 12-20 = 10: n 2, mean 8.5, median (7 + 10) / 2 = 8.5, p90 rank 2 -> 10 */
    EQ("IND-14b", "2024", "n", 2);
    EQ("IND-14b", "2024", "mean", 8.5);
    EQ("IND-14b", "2024", "median", 8.5);
    EQ("IND-14b", "2024", "p90", 10);
    /* IND-15 2024: 1 transfer (Y2 A -> B, counted for B); residential youths 1 (Y2),
     * transferred 1: 0 % without a transfer */
    EQ("IND-15", "2024", "transfers", 1);
    EQB("IND-15", "2024", "aanbieder", B, "transfers", 1);
    EQ("IND-15", "2024", "residential_youths", 1);
    EQ("IND-15", "2024", "transferred_youths", 1);
    EQ("IND-15", "2024", "without_transfer_pct", 0);
    /* IND-16/17 2024: Y1 720.00 + Y2 (2900.00 - 2900.00 + 2800.00) + Y3 (1000.00 - 1000.00) =
     * 3520.00 EUR; youths with a nonzero net: Y1 Y2 = 2 (Y3 nets to zero): 1760.00 per youth */
    EQ("IND-16", "2024", "cost_eur", 3520);
    EQ("IND-16", "2024", "youths", 2);
    EQ("IND-16", "2024", "per_youth_eur", 1760);
    EQ("IND-17", "2024", "cost_eur", 3520);
    EQ("IND-17", "2024-03", "cost_eur", 0);
    EQ("IND-17", "2024-03", "youths", 0);
    /* IND-23 2024: 8 reports; late only Y1/1's stop of Sunday 2024-03-31 sent 04-09 (Tweede
     * Paasdag 04-01 is no working day: 5th working day 04-08). Y4's start of Friday 12-20 sent
     * 12-30: working days 23, 24, 27, 30, 31 (Kerst 25 and 26): on time. 7 of 8 = 87.5 % */
    EQ("IND-23", "2024", "reports", 8);
    EQ("IND-23", "2024", "on_time", 7);
    EQ("IND-23", "2024", "share_pct", 87.5);

    /* IND-26, episodes by Ingangsdatum. 2024 cohort (horizon 2024-12-31): Y4/7 12 ended,
     * Y1/2 78 censored (2024-10-15..12-31), Y1/1 82 ended, Y2/3 151 ended, Y2/4 184 censored,
     * Y3/6 214 censored, Y5/9 245 censored, Y3/5 306 censored (its end 2025-02-28 lies past the
     * horizon). S(12) = 7/8, S(82) = 7/8 * 5/6 = 0.7292, S(151) = 0.7292 * 4/5 = 0.5833: the
     * median is not reached. 2023 cohort: Y5/8 123 and Y6/10 303, both ended: S(123) = 1/2 <=
     * 0.5 -> median 123; S(303) = 0 -> p90 303. CI at 123: V = 1/(2*1) = 0.5, se = 0.7071 /
     * 0.6931 = 1.0201, lo = 0.5^exp(1.96 * 1.0201) = 0.006, hi = 0.5^exp(-1.96 * 1.0201) =
     * 0.910: median CI [123, 303] (hi first <= 0.5 at 303), p90 CI [123, 303]. */
    EQ("IND-26", "2024", "n", 8);
    EQ("IND-26", "2024", "ended", 3);
    EQ("IND-26", "2024", "censored", 5);
    NA("IND-26", "2024", "median");
    EQ("IND-26", "2023", "median", 123);
    EQ("IND-26", "2023", "median_lo", 123);
    EQ("IND-26", "2023", "median_hi", 303);
    EQ("IND-26", "2023", "p90", 303);
    EQ("IND-26", "2023", "p90_lo", 123);
    {
        jw_ind_km_t k;
        jw_ind_period_t y = {'Y', 2024, 0};
        cr_assert_eq(jw_ind_km(w->ind, y, JW_IND_BY_TOTAL, NULL, &k), 0);
        cr_assert_eq(k.n, 8);
        cr_expect(k.rows[2].t == 82 && k.rows[2].at_risk == 6 && fabs(k.rows[2].s - 35.0 / 48) < 1e-9);
        cr_expect(k.rows[3].t == 151 && k.rows[3].at_risk == 5 && fabs(k.rows[3].s - 7.0 / 12) < 1e-9);
        jw_ind_km_free(&k);
    }

    /* Published (threshold 5): IND-01 2024 youths 5 is shown; IND-03 2024 starts 4 is
     * suppressed; IND-04 2025 starts 0 is shown as 0; IND-11's share 1/2 is suppressed; the
     * mean of IND-12 (n 3) is suppressed. */
    PUB("IND-01", "2024", "youths", 5);
    SUPP("IND-03", "2024", "starts");
    PUB("IND-04", "2025", "starts", 0);
    SUPP("IND-11", "2024", "share_pct");
    SUPP("IND-12", "2024", "mean");
    wx_close(w);
}

/* ---- rates per 1,000 youths (fixtures/profiles/example-population.profile: invented figures,
 * 2024 only: 0935 Maastricht 16000 aged 0-17 and 24000 aged 0-22, 0917 Heerlen 12000 and 17000) */

static void feed_p(jw_ind_t *ind, uint64_t *seq, const char *yid, const char *gem, int tn, const char *date)
{
    char ev[700];
    ++*seq;
    snprintf(ev, sizeof ev,
             "{\"id\":\"%016llx\",\"seq\":%llu,\"type\":\"start\",\"profile\":\"example-population\",\"msg\":\"x\","
             "\"yid\":\"%s\",\"gemeente\":\"%s\",\"aanbieder\":\"" A "\",\"toewijzing\":%d,\"segment\":\"ambulant\","
             "\"date\":\"%s\",\"class\":\"instroom\",\"toewijzingsdatum\":\"%s\",\"request_date\":null}",
             (unsigned long long)(0xbee00000ull + *seq), (unsigned long long)*seq, yid, gem, tn, date, date);
    cr_assert_eq(jw_ind_consume(ind, *seq, ev, strlen(ev)), 0, "%s", ev);
}

Test(worked_example, rates_per_1000)
{
    wx_t ww, *w = &ww;
    char err[256];
    uint64_t seq = 0;
    memset(w, 0, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/jw-wx-XXXXXX");
    cr_assert_not_null(mkdtemp(w->dir));
    cr_assert_eq(jw_profile_load("fixtures/profiles/example-population.profile", &w->prof, err, sizeof err), 0,
                 "%s (run the tests from the repository root)", err);
    cr_assert_str_eq(jw_profile_gemeente_name(w->prof, "0935"), "Maastricht");
    cr_assert_eq(jw_ind_open(w->dir, w->prof, NULL, &w->ind), 0);
    /* five youths start in 2024: three in 0935, two in 0917; one more in 0935 in 2025 */
    feed_p(w->ind, &seq, Y1, "0935", 1, "2024-02-01");
    feed_p(w->ind, &seq, Y2, "0935", 2, "2024-03-01");
    feed_p(w->ind, &seq, Y3, "0935", 3, "2024-04-01");
    feed_p(w->ind, &seq, Y4, "0917", 4, "2024-05-01");
    feed_p(w->ind, &seq, Y5, "0917", 5, "2024-06-01");
    feed_p(w->ind, &seq, Y6, "0935", 6, "2025-01-15");
    /* IND-01 2024: 5 youths over the region's 16000 + 12000 = 28000 aged 0-17: 5 / 28000 x 1000 =
     * 0.18; over 24000 + 17000 = 41000 aged 0-22: 0.12. 0935: 3 / 16000 x 1000 = 0.19,
     * 3 / 24000 x 1000 = 0.125; 0917: 2 / 12000 x 1000 = 0.17, 2 / 17000 x 1000 = 0.12 */
    EQ("IND-01", "2024", "per_1000_0_17", 5000.0 / 28000);
    EQ("IND-01", "2024", "per_1000_0_22", 5000.0 / 41000);
    EQB("IND-01", "2024", "gemeente", "0935", "per_1000_0_17", 3000.0 / 16000);
    EQB("IND-01", "2024", "gemeente", "0935", "per_1000_0_22", 3000.0 / 24000);
    EQB("IND-01", "2024", "gemeente", "0917", "per_1000_0_22", 2000.0 / 17000);
    /* IND-03: the same five starts are instroom; IND-02: no residential youths: 0 per 1,000 */
    EQ("IND-03", "2024", "per_1000_0_17", 5000.0 / 28000);
    EQ("IND-02", "2024", "per_1000_0_17", 0);
    /* 2025 has no population in the profile: no rate */
    NA("IND-01", "2025", "per_1000_0_17");
    /* a segment row takes the region's population */
    EQB("IND-01", "2024", "segment", "ambulant", "per_1000_0_17", 5000.0 / 28000);
    /* published (threshold 5): 5 youths are shown with their rate; 3 in 0935 are not */
    PUB("IND-01", "2024", "per_1000_0_17", 5000.0 / 28000);
    wx_close(w);
}
