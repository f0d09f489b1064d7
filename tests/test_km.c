/* test_km.c - IND-26, Kaplan-Meier duration with ongoing care, against a
 * table computed by hand (docs/indicators.md, IND-26).
 *
 * Eight ambulant allocation episodes start in 2024 (zuid-limburg profile);
 * the data horizon is 2024-12-31 (E3's Toewijzingsdatum in December).
 * Durations (Einddatum - Ingangsdatum + 1; open episodes censored at the
 * horizon: 2024-12-31 - Ingangsdatum + 1):
 *   E1 2024-01-01..01-10  10 ended      E5 2024-11-22 open  40 censored
 *   E2 2024-01-01..01-20  20 ended      E6 2024-01-01..02-19 50 ended
 *   E3 2024-12-02 open    30 censored   E7 2024-10-03 open  90 censored
 *   E4 2024-02-01..03-11  40 ended      E8 2024-01-01..04-09 100 ended
 *
 *   t    at risk  events  censored  S(t)                      Greenwood sum V
 *   10   8        1       0         7/8 = 0.875                1/(8*7)  = 0.017857
 *   20   7        1       0         0.875 * 6/7 = 0.75         + 1/(7*6) = 0.041667
 *   30   6        0       1         0.75
 *   40   5        1       1         0.75 * 4/5 = 0.6           + 1/(5*4) = 0.091667
 *   50   3        1       0         0.6 * 2/3 = 0.4            + 1/(3*2) = 0.258333
 *   90   2        0       1         0.4
 *   100  1        1       0         0.4 * 0/1 = 0
 * log-log 95 % CI: se = sqrt(V) / |ln S|, lo = S^exp(1.96 se), hi = S^exp(-1.96 se):
 *   t 10: se = 0.133631 / 0.133531 = 1.000749 -> [0.3870, 0.9814]
 *   t 20: se = 0.204124 / 0.287682 = 0.709548 -> [0.3148, 0.9309]
 *   t 40: se = 0.302765 / 0.510826 = 0.592704 -> [0.1955, 0.8523]
 *   t 50: se = 0.508265 / 0.916291 = 0.554699 -> [0.0660, 0.7342]
 *   t 100: S = 0 -> [0, 0]
 * median = first t with S <= 0.5 = 50; CI [first lo <= 0.5 = 10, first hi <= 0.5 = 100].
 * p90 = first t with S <= 0.1 = 100; CI [first lo <= 0.1 = 50, first hi <= 0.1 = 100]. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "indicators/indicators.h"
#include "profile/profile.h"
#include "store/store.h"

#define YA "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"

typedef struct {
    const char *id, *json;
} ev_t;

static char evbuf[32][600];

/* Episode k: start event id 0...k1, stop event id 0...k2 (NULL end = open). */
static size_t episodes(ev_t *out)
{
    static const struct {
        const char *start, *tdat, *end;
        int dur;
    } E[8] = {
        {"2024-01-01", "2024-01-01", "2024-01-10", 10}, {"2024-01-01", "2024-01-01", "2024-01-20", 20},
        {"2024-12-02", "2024-12-02", NULL, 0},          {"2024-02-01", "2024-02-01", "2024-03-11", 40},
        {"2024-11-22", "2024-11-22", NULL, 0},          {"2024-01-01", "2024-01-01", "2024-02-19", 50},
        {"2024-10-03", "2024-10-03", NULL, 0},          {"2024-01-01", "2024-01-01", "2024-04-09", 100},
    };
    size_t n = 0;
    for (int k = 0; k < 8; k++) {
        snprintf(evbuf[n], sizeof evbuf[n],
                 "{\"id\":\"00000000000000%d1\",\"type\":\"start\",\"profile\":\"zuid-limburg\",\"msg\":\"m\","
                 "\"yid\":\"" YA "\",\"gemeente\":\"0935\",\"aanbieder\":\"11110001\",\"toewijzing\":%d,"
                 "\"segment\":\"ambulant\",\"date\":\"%s\",\"class\":\"instroom\",\"toewijzingsdatum\":\"%s\"}",
                 k + 1, k + 1, E[k].start, E[k].tdat);
        out[n].json = evbuf[n];
        n++;
        if (!E[k].end) continue;
        snprintf(evbuf[n], sizeof evbuf[n],
                 "{\"id\":\"00000000000000%d2\",\"type\":\"stop\",\"profile\":\"zuid-limburg\",\"msg\":\"m\","
                 "\"yid\":\"" YA "\",\"gemeente\":\"0935\",\"aanbieder\":\"11110001\",\"toewijzing\":%d,"
                 "\"segment\":\"ambulant\",\"start\":\"%s\",\"date\":\"%s\",\"reason\":null,"
                 "\"duration_days\":%d,\"class\":\"instroom\",\"continued\":false}",
                 k + 1, k + 1, E[k].start, E[k].end, E[k].dur);
        out[n].json = evbuf[n];
        n++;
    }
    return n;
}

static jw_ind_t *open_store(char *dir, size_t cap, jw_profile_t *p)
{
    jw_ind_t *ind;
    snprintf(dir, cap, "/tmp/jw-km-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(jw_ind_open(dir, p, NULL, &ind), 0);
    return ind;
}

static void feed(jw_ind_t *ind, uint64_t *seq, const char *json)
{
    (*seq)++;
    cr_assert_eq(jw_ind_consume(ind, *seq, json, strlen(json)), 0, "%s", json);
}

typedef struct {
    int32_t t;
    int64_t at_risk, events, censored;
    double s, lo, hi;
} want_t;

static void expect_table(jw_ind_km_t *k, const want_t *w, size_t n)
{
    cr_assert_eq(k->n, n, "rows: got %zu, expected %zu", k->n, n);
    for (size_t i = 0; i < n; i++) {
        const jw_ind_km_row_t *r = &k->rows[i];
        cr_expect(r->t == w[i].t && r->at_risk == w[i].at_risk && r->events == w[i].events &&
                      r->censored == w[i].censored,
                  "row %zu: t %d n %lld d %lld c %lld, expected t %d n %lld d %lld c %lld", i, r->t,
                  (long long)r->at_risk, (long long)r->events, (long long)r->censored, w[i].t,
                  (long long)w[i].at_risk, (long long)w[i].events, (long long)w[i].censored);
        cr_expect(fabs(r->s - w[i].s) < 1e-9, "S(%d) = %.6f, expected %.6f", r->t, r->s, w[i].s);
        cr_expect(fabs(r->lo - w[i].lo) < 5e-4 && fabs(r->hi - w[i].hi) < 5e-4,
                  "CI(%d) = [%.4f, %.4f], expected [%.4f, %.4f]", r->t, r->lo, r->hi, w[i].lo, w[i].hi);
    }
}

static double col(jw_ind_t *ind, const char *period, const char *name, int *state)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    char err[200];
    memset(&q, 0, sizeof q);
    q.indicator = "IND-26";
    q.has_period = 1;
    cr_assert_eq(jw_ind_period_parse(period, &q.period), 0);
    cr_assert_eq(jw_ind_query(ind, &q, &r, err, sizeof err), 0, "%s", err);
    double v = 0;
    *state = -1;
    for (size_t c = 0; c < r.def->n_cols; c++)
        if (strcmp(r.def->cols[c].name, name) == 0) {
            v = r.rows[0].v[c].v;
            *state = r.rows[0].v[c].state;
        }
    jw_ind_result_free(&r);
    return v;
}

#define COL(ind, period, name, expect)                                                           \
    do {                                                                                         \
        int s_;                                                                                  \
        double v_ = col(ind, period, name, &s_);                                                 \
        cr_expect(s_ == JW_IND_V_OK && fabs(v_ - (expect)) < 1e-9, "%s %s: %g (state %d), "      \
                  "expected %g", period, name, v_, s_, (double)(expect));                        \
    } while (0)
#define COLNA(ind, period, name)                                                                 \
    do {                                                                                         \
        int s_;                                                                                  \
        double v_ = col(ind, period, name, &s_);                                                 \
        cr_expect(s_ == JW_IND_V_NA, "%s %s: %g (state %d), expected not reached", period, name, \
                  v_, s_);                                                                       \
    } while (0)

Test(km, censored_episodes_and_a_retraction)
{
    char err[256], dir[64], dir2[64];
    jw_profile_t *p;
    ev_t ev[16];
    uint64_t seq = 0;
    cr_assert_eq(jw_profile_load("zuid-limburg", &p, err, sizeof err), 0);
    jw_ind_t *ind = open_store(dir, sizeof dir, p);
    size_t n = episodes(ev);
    for (size_t i = 0; i < n; i++) feed(ind, &seq, ev[i].json);

    jw_ind_km_t k;
    jw_ind_period_t y2024 = {'Y', 2024, 0};
    cr_assert_eq(jw_ind_km(ind, y2024, JW_IND_BY_TOTAL, NULL, &k), 0);
    const want_t before[] = {
        {10, 8, 1, 0, 7.0 / 8, 0.3870, 0.9814},
        {20, 7, 1, 0, 0.75, 0.3148, 0.9309},
        {30, 6, 0, 1, 0.75, 0.3148, 0.9309},
        {40, 5, 1, 1, 0.6, 0.1955, 0.8523},
        {50, 3, 1, 0, 0.4, 0.0660, 0.7342},
        {90, 2, 0, 1, 0.4, 0.0660, 0.7342},
        {100, 1, 1, 0, 0, 0, 0},
    };
    expect_table(&k, before, sizeof before / sizeof before[0]);
    cr_expect_eq(k.episodes, 8);
    cr_expect_eq(k.ended, 5);
    jw_ind_km_free(&k);
    COL(ind, "2024", "n", 8);
    COL(ind, "2024", "ended", 5);
    COL(ind, "2024", "censored", 3);
    COL(ind, "2024", "median", 50);
    COL(ind, "2024", "median_lo", 10);
    COL(ind, "2024", "median_hi", 100);
    COL(ind, "2024", "p90", 100);
    COL(ind, "2024", "p90_lo", 50);
    COL(ind, "2024", "p90_hi", 100);
    /* by segment: the same eight; the cohort of 2024-Q4 is E3, E5, E7, all censored */
    cr_assert_eq(jw_ind_km(ind, y2024, JW_IND_BY_SEGMENT, "ambulant", &k), 0);
    expect_table(&k, before, sizeof before / sizeof before[0]);
    jw_ind_km_free(&k);
    COL(ind, "2024-Q4", "n", 3);
    COL(ind, "2024-Q4", "censored", 3);
    COLNA(ind, "2024-Q4", "median");

    /* Retract E8's stop (its end is withdrawn): E8 is in care at the horizon, censored at
     * 2024-12-31 - 2024-01-01 + 1 = 366. The table up to t 90 is unchanged; then
     *   366  1  0  1  0.4
     * median 50, CI [10, not reached: hi never <= 0.5]; p90 not reached. */
    char r[300];
    snprintf(r, sizeof r,
             "{\"id\":\"ff00000000000001\",\"type\":\"retract\",\"profile\":\"zuid-limburg\",\"msg\":\"m\","
             "\"yid\":\"" YA "\",\"gemeente\":\"0935\",\"retracts\":\"0000000000000082\"}");
    feed(ind, &seq, r);
    cr_assert_eq(jw_ind_km(ind, y2024, JW_IND_BY_TOTAL, NULL, &k), 0);
    const want_t after[] = {
        {10, 8, 1, 0, 7.0 / 8, 0.3870, 0.9814},
        {20, 7, 1, 0, 0.75, 0.3148, 0.9309},
        {30, 6, 0, 1, 0.75, 0.3148, 0.9309},
        {40, 5, 1, 1, 0.6, 0.1955, 0.8523},
        {50, 3, 1, 0, 0.4, 0.0660, 0.7342},
        {90, 2, 0, 1, 0.4, 0.0660, 0.7342},
        {366, 1, 0, 1, 0.4, 0.0660, 0.7342},
    };
    expect_table(&k, after, sizeof after / sizeof after[0]);
    jw_ind_km_free(&k);
    COL(ind, "2024", "median", 50);
    COL(ind, "2024", "median_lo", 10);
    COLNA(ind, "2024", "median_hi");
    COLNA(ind, "2024", "p90");
    COL(ind, "2024", "p90_lo", 50);

    /* exact: equal to a store that only ever saw the live events */
    unsigned char d1[32], d2[32];
    jw_ind_t *fresh = open_store(dir2, sizeof dir2, p);
    uint64_t seq2 = 0;
    for (size_t i = 0; i < n; i++)
        if (!strstr(ev[i].json, "\"id\":\"0000000000000082\"")) feed(fresh, &seq2, ev[i].json);
    cr_assert_eq(jw_ind_digest(ind, d1), 0);
    cr_assert_eq(jw_ind_digest(fresh, d2), 0);
    /* the contributions differ only by the retracted stop, which is deleted: equal bytes */
    cr_expect_eq(memcmp(d1, d2, 32), 0, "retraction is not exact");
    jw_ind_close(fresh);
    test_rm_rf(dir2);

    /* the horizon moving on (an allocation dated 2025-03-05) moves every censored
     * observation: E3 2024-12-02 -> 2025-03-31 = 120 days, and the 2024 median stays 50 */
    feed(ind, &seq,
         "{\"id\":\"0000000000000091\",\"type\":\"start\",\"profile\":\"zuid-limburg\",\"msg\":\"m\","
         "\"yid\":\"" YA "\",\"gemeente\":\"0935\",\"aanbieder\":\"11110001\",\"toewijzing\":9,"
         "\"segment\":\"crisis\",\"date\":\"2025-03-05\",\"class\":\"instroom\",\"toewijzingsdatum\":\"2025-03-05\"}");
    cr_assert_eq(jw_ind_km(ind, y2024, JW_IND_BY_TOTAL, NULL, &k), 0);
    int found = 0;
    for (size_t i = 0; i < k.n; i++)
        if (k.rows[i].t == 120 && k.rows[i].censored == 1) found = 1;
    cr_expect(found, "E3 censored at 120 days after the horizon moved to 2025-03-31");
    jw_ind_km_free(&k);
    COL(ind, "2024", "median", 50);

    jw_ind_close(ind);
    test_rm_rf(dir);
    jw_profile_free(p);
}

/* A store of the layout before IND-26 (schema 1) is refused with a request to rebuild,
 * rather than silently lacking the IND-26 histograms. */
static int put_schema1(jw_txn_t *txn, void *ctx)
{
    (void)ctx;
    return jw_store_meta_put_u64(txn, "ind.schema", 1);
}

Test(km, older_store_layout_is_refused)
{
    char err[256], dir[64];
    jw_profile_t *p;
    jw_store_t *st;
    jw_store_options_t so;
    cr_assert_eq(jw_profile_load("zuid-limburg", &p, err, sizeof err), 0);
    jw_ind_t *ind = open_store(dir, sizeof dir, p);
    jw_ind_close(ind);
    memset(&so, 0, sizeof so);
    cr_assert_eq(jw_store_open(dir, &so, &st), 0);
    cr_assert_eq(jw_store_write(st, put_schema1, NULL), 0);
    jw_store_close(st);
    cr_expect_eq(jw_ind_open(dir, p, NULL, &ind), JW_IND_ESCHEMA);
    cr_expect(strstr(jw_ind_strerror(JW_IND_ESCHEMA), "--rebuild") != NULL);
    test_rm_rf(dir);
    jw_profile_free(p);
}
