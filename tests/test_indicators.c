/* test_indicators.c - the indicator subscriber (pkg/indicators, jw-indicators).
 *
 * Expected values are computed BY HAND from the definitions in
 * docs/indicators.md over the scenario in fixtures/scenarios/basic (twelve
 * youths, documented in fixtures/scenarios/basic/README.md); the arithmetic
 * is in the comment next to each assertion. Nothing here was copied from
 * program output.
 *
 * The scenario is replayed with build/bin/jw-replay --direct (run `make`
 * first; tests run from the repository root), then consumed by the engine
 * in this process (ASan). No test sets .timeout: Criterion leaks its timer
 * when tests run in parallel, which fails the binary under LeakSanitizer. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "event/event.h"
#include "indicators/ind_internal.h"
#include "indicators/indicators.h"
#include "profile/profile.h"
#include "store/store.h"

/* ---- helpers ---- */

static void mktmp(char *buf, size_t cap, const char *tag)
{
    snprintf(buf, cap, "/tmp/jw-ind-%s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(buf), "mkdtemp");
}

static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    cr_assert(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "command failed (%d): %s", rc, cmd);
}

static void need_bin(const char *name)
{
    char p[128];
    snprintf(p, sizeof p, "build/bin/%s", name);
    cr_assert(access(p, X_OK) == 0, "%s missing: run `make` before the tests (from the repo root)", p);
}

typedef struct {
    char tmp[64];
    char state[96];
    char inddir[96];
    jw_profile_t *profile;
    jw_store_t *src;
    jw_ind_t *ind;
} scen_t;

/* Replay dirs (space-separated) into a fresh state with the profile and
 * consume the whole log into a fresh indicator store. */
static void scen_open(scen_t *s, const char *profile, const char *dirs)
{
    char err[256];
    jw_store_options_t so;
    memset(s, 0, sizeof *s);
    need_bin("jw-replay");
    mktmp(s->tmp, sizeof s->tmp, "scen");
    snprintf(s->state, sizeof s->state, "%s/state", s->tmp);
    snprintf(s->inddir, sizeof s->inddir, "%s/ind", s->tmp);
    sh("build/bin/jw-replay --direct --quiet --profile %s --state %s %s", profile, s->state, dirs);
    cr_assert_eq(jw_profile_load(profile, &s->profile, err, sizeof err), 0, "%s", err);
    memset(&so, 0, sizeof so);
    so.read_only = 1;
    cr_assert_eq(jw_store_open(s->state, &so, &s->src), 0);
    cr_assert_eq(jw_ind_open(s->inddir, s->profile, NULL, &s->ind), 0);
    cr_assert_eq(jw_ind_catch_up(s->ind, s->src, 50, NULL), 0);
}

static void scen_close(scen_t *s)
{
    jw_ind_close(s->ind);
    jw_store_close(s->src);
    jw_profile_free(s->profile);
    test_rm_rf(s->tmp);
}

static int col_of(const jw_ind_def_t *d, const char *col)
{
    for (size_t i = 0; i < d->n_cols; i++)
        if (strcmp(d->cols[i].name, col) == 0) return (int)i;
    cr_assert_fail("no column %s in %s", col, d->id);
    return -1;
}

/* The value of one cell: indicator, period, breakdown (NULL = total),
 * breakdown value, column. */
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
    int c = col_of(r.def, col);
    for (size_t i = 0; i < r.n_rows; i++) {
        const jw_ind_row_t *row = &r.rows[i];
        if ((!by && row->by == JW_IND_BY_TOTAL) || (by && row->by != JW_IND_BY_TOTAL && strcmp(row->key, key) == 0)) {
            out = row->v[c];
            break;
        }
    }
    jw_ind_result_free(&r);
    return out;
}

#define EQ(ind, id, period, by, key, col, expect)                                                   \
    do {                                                                                            \
        jw_ind_val_t v_ = cell(ind, id, period, by, key, col, 0);                                   \
        cr_expect(v_.state == JW_IND_V_OK && fabs(v_.v - (expect)) < 0.006,                         \
                  "%s %s %s=%s %s: got %g (state %d), expected %g", id, period, by ? by : "total",  \
                  key ? key : "", col, v_.v, v_.state, (double)(expect));                           \
    } while (0)

#define NA(ind, id, period, col)                                                                   \
    do {                                                                                           \
        jw_ind_val_t v_ = cell(ind, id, period, NULL, NULL, col, 0);                               \
        cr_expect(v_.state == JW_IND_V_NA, "%s %s %s: expected no value, got %g (state %d)", id,   \
                  period, col, v_.v, v_.state);                                                    \
    } while (0)

#define SUPP(ind, id, period, by, key, col)                                                        \
    do {                                                                                           \
        jw_ind_val_t v_ = cell(ind, id, period, by, key, col, 1);                                  \
        cr_expect(v_.state == JW_IND_V_SUPPRESSED, "%s %s %s=%s %s: expected suppressed, got %g (state %d)", \
                  id, period, by ? by : "total", key ? key : "", col, v_.v, v_.state);             \
    } while (0)

#define PUB(ind, id, period, by, key, col, expect)                                                 \
    do {                                                                                           \
        jw_ind_val_t v_ = cell(ind, id, period, by, key, col, 1);                                  \
        cr_expect(v_.state == JW_IND_V_OK && fabs(v_.v - (expect)) < 0.006,                        \
                  "public %s %s %s=%s %s: got %g (state %d), expected %g", id, period,             \
                  by ? by : "total", key ? key : "", col, v_.v, v_.state, (double)(expect));       \
    } while (0)

#define G1 "0935"
#define G2 "0917"
#define P1 "11110001"
#define P2 "22220002"
#define P3 "33330003"

/* ---- periods and working days ---- */

static jw_date_t D(const char *s)
{
    jw_date_t d;
    cr_assert_eq(jw_date_parse(s, strlen(s), &d), 0, "date %s", s);
    return d;
}

Test(indicators, periods)
{
    jw_ind_period_t p;
    char buf[16];
    const char *ok[] = {"2024", "2024-H1", "2024-Q3", "2024-06", "R12-2024-06"};
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(jw_ind_period_parse(ok[i], &p), 0, "%s", ok[i]);
        jw_ind_period_format(p, buf);
        cr_expect_str_eq(buf, ok[i]);
    }
    const char *bad[] = {"", "24", "2024-13", "2024-Q5", "2024-H3", "2024-00", "R12-2024-13", "2024-6",
                         "abcd", "2024-Q", "1899", "2024-06-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_neq(jw_ind_period_parse(bad[i], &p), 0, "'%s' accepted", bad[i]);
    jw_ind_period_parse("2024-Q3", &p);
    cr_expect_eq(jw_ind_period_first(p), D("2024-07-01"));
    cr_expect_eq(jw_ind_period_last(p), D("2024-09-30"));
    /* R12-2024-06 = 2023-07-01 .. 2024-06-30 */
    jw_ind_period_parse("R12-2024-06", &p);
    cr_expect_eq(jw_ind_period_first(p), D("2023-07-01"));
    cr_expect_eq(jw_ind_period_last(p), D("2024-06-30"));
    jw_ind_period_parse("2024-H2", &p);
    p = jw_ind_period_next(p);
    jw_ind_period_format(p, buf);
    cr_expect_str_eq(buf, "2025-H1");
    p = jw_ind_period_prev(jw_ind_period_prev(p));
    jw_ind_period_format(p, buf);
    cr_expect_str_eq(buf, "2024-H1");
}

Test(indicators, working_days)
{
    /* 2024-04-24 is a Wednesday; Koningsdag 2024-04-27 and 5 May fall on a
     * weekend: Thu 25, Fri 26, Mon 29, Tue 30, Wed 1 May = 5th working day. */
    cr_expect_eq(jw_ind_add_working_days(D("2024-04-24"), 5), D("2024-05-01"));
    /* Easter 2024 = 31 March: Tweede Paasdag 1 April, Hemelvaart 9 May,
     * Tweede Pinksterdag 20 May are not working days. */
    cr_expect(!jw_ind_is_working_day(D("2024-04-01")));
    cr_expect(!jw_ind_is_working_day(D("2024-05-09")));
    cr_expect(!jw_ind_is_working_day(D("2024-05-20")));
    cr_expect(!jw_ind_is_working_day(D("2024-12-25")) && !jw_ind_is_working_day(D("2024-12-26")));
    cr_expect(!jw_ind_is_working_day(D("2025-01-01")));
    /* Koningsdag 2025: 27 April is a Sunday, so Saturday 26 April (a weekend anyway);
     * 2023: Thursday 27 April. */
    cr_expect(!jw_ind_is_working_day(D("2023-04-27")));
    cr_expect(jw_ind_is_working_day(D("2023-04-28")));
    /* Monday 2024-05-06: Tue 7, Wed 8, (Thu 9 Hemelvaart), Fri 10, Mon 13, Tue 14. */
    cr_expect_eq(jw_ind_add_working_days(D("2024-05-06"), 5), D("2024-05-14"));
}

/* ---- the engine on hand-made events ---- */

#define YA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define YB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char *dstart(char *buf, size_t cap, int n, const char *date, const char *msg_date)
{
    snprintf(buf, cap,
             "{\"id\":\"00000000000000%02x\",\"seq\":%d,\"type\":\"delivery_start\",\"profile\":\"zuid-limburg\","
             "\"msg\":\"438/11110001/X%d\",\"yid\":\"" YA "\",\"gemeente\":\"0935\",\"aanbieder\":\"11110001\","
             "\"toewijzing\":%d,\"segment\":\"ambulant\",\"categorie\":\"45\",\"product\":\"45A01\","
             "\"date\":\"%s\",\"wait_days\":null,\"msg_date\":\"%s\"}",
             n, n, n, n, date, msg_date);
    return buf;
}

Test(indicators, events_and_timeliness)
{
    char tmp[64], err[256], b[1024];
    jw_profile_t *prof;
    jw_ind_t *ind;
    jw_ind_status_t st;
    mktmp(tmp, sizeof tmp, "ev");
    cr_assert_eq(jw_profile_load("zuid-limburg", &prof, err, sizeof err), 0);
    cr_assert_eq(jw_ind_open(tmp, prof, NULL, &ind), 0);

    /* IND-23: reports of 2024-04-24 (5th working day 2024-05-01) sent on
     * 2024-05-01 (on time) and 2024-05-02 (late); of 2024-05-06 (5th working
     * day 2024-05-14, Hemelvaart skipped) sent 2024-05-14 (on time) and
     * 2024-05-15 (late). All four in 2024-Q2: 2 of 4 on time = 50 %. */
    dstart(b, sizeof b, 1, "2024-04-24", "2024-05-01");
    cr_assert_eq(jw_ind_consume(ind, 1, b, strlen(b)), 0);
    dstart(b, sizeof b, 2, "2024-04-24", "2024-05-02");
    cr_assert_eq(jw_ind_consume(ind, 2, b, strlen(b)), 0);
    dstart(b, sizeof b, 3, "2024-05-06", "2024-05-14");
    cr_assert_eq(jw_ind_consume(ind, 3, b, strlen(b)), 0);
    dstart(b, sizeof b, 4, "2024-05-06", "2024-05-15");
    cr_assert_eq(jw_ind_consume(ind, 4, b, strlen(b)), 0);
    EQ(ind, "IND-23", "2024-Q2", NULL, NULL, "reports", 4);
    EQ(ind, "IND-23", "2024-Q2", NULL, NULL, "on_time", 2);
    EQ(ind, "IND-23", "2024-Q2", NULL, NULL, "share_pct", 50);
    /* 2024-04 holds the first two: 1 of 2 */
    EQ(ind, "IND-23", "2024-04", NULL, NULL, "share_pct", 50);

    /* the same seq again is skipped; a gap is refused and changes nothing */
    cr_assert_eq(jw_ind_consume(ind, 4, b, strlen(b)), 0);
    dstart(b, sizeof b, 9, "2024-04-24", "2024-05-01");
    cr_assert_eq(jw_ind_consume(ind, 9, b, strlen(b)),
                 JW_IND_EGAP);
    EQ(ind, "IND-23", "2024-Q2", NULL, NULL, "reports", 4);

    /* a duplicate live id is not counted twice */
    dstart(b, sizeof b, 1, "2024-04-24", "2024-05-01");
    cr_assert_eq(jw_ind_consume(ind, 5, b, strlen(b)), 0);
    EQ(ind, "IND-23", "2024-Q2", NULL, NULL, "reports", 4);

    /* a retraction takes exactly event 2 (late) back: 2 of 3 on time */
    snprintf(b, sizeof b,
             "{\"id\":\"ff00000000000001\",\"seq\":6,\"type\":\"retract\",\"profile\":\"zuid-limburg\","
             "\"msg\":\"m\",\"yid\":\"" YA "\",\"gemeente\":\"0935\",\"retracts\":\"0000000000000002\","
             "\"retracts_seq\":2}");
    cr_assert_eq(jw_ind_consume(ind, 6, b, strlen(b)), 0);
    EQ(ind, "IND-23", "2024-Q2", NULL, NULL, "reports", 3);
    EQ(ind, "IND-23", "2024-Q2", NULL, NULL, "on_time", 2);
    /* retracting it again names an id that is no longer live */
    snprintf(b, sizeof b,
             "{\"id\":\"ff00000000000002\",\"seq\":7,\"type\":\"retract\",\"profile\":\"zuid-limburg\","
             "\"msg\":\"m\",\"yid\":\"" YA "\",\"gemeente\":\"0935\",\"retracts\":\"0000000000000002\"}");
    cr_assert_eq(jw_ind_consume(ind, 7, b, strlen(b)), 0);

    /* an unreadable event is counted and consumed; an unknown type is ignored */
    cr_assert_eq(jw_ind_consume(ind, 8, "{\"type\":\"start\",", 16), 0);
    snprintf(b, sizeof b, "{\"id\":\"ff00000000000003\",\"type\":\"future_thing\",\"yid\":\"" YB "\"}");
    cr_assert_eq(jw_ind_consume(ind, 9, b, strlen(b)), 0);
    /* an event of another profile stops the consumer */
    snprintf(b, sizeof b, "{\"id\":\"ff00000000000004\",\"type\":\"request\",\"profile\":\"twente\","
                          "\"yid\":\"" YB "\",\"msg_date\":\"2024-01-01\"}");
    cr_assert_eq(jw_ind_consume(ind, 10, b, strlen(b)), JW_IND_EPROFILE);

    cr_assert_eq(jw_ind_status(ind, &st), 0);
    cr_expect_eq(st.last_seq, 9);
    cr_expect_eq(st.retracts, 1);
    cr_expect_eq(st.retracts_unknown, 1);
    cr_expect_eq(st.bad, 1);
    cr_expect_eq(st.ignored, 1);
    uint64_t bad_before = st.bad;

    /* Any prefix of a valid event, and the event with any one byte replaced, is either
     * read or counted as unreadable: never a crash (ASan watches). */
    {
        char good[1024], *texts[2048];
        jw_ind_event_t evs[2048];
        size_t n = 0;
        snprintf(good, sizeof good,
                 "{\"id\":\"ab00000000000001\",\"seq\":1,\"type\":\"stop\",\"profile\":\"zuid-limburg\","
                 "\"msg\":\"436/0935/X\",\"yid\":\"" YB "\",\"gemeente\":\"0935\",\"aanbieder\":\"11110001\","
                 "\"toewijzing\":7,\"segment\":\"ambulant\",\"categorie\":\"45\",\"product\":\"45A01\","
                 "\"start\":\"2024-01-01\",\"date\":\"2024-01-31\",\"reason\":null,\"duration_days\":31,"
                 "\"class\":\"instroom\",\"continued\":false,\"prev\":{\"a\":[1,{\"b\":\"}\"}]}}");
        size_t gl = strlen(good);
        for (size_t cut = 0; cut < gl && n < 2048; cut += 3) {
            texts[n] = strndup(good, cut);
            evs[n].json = texts[n];
            evs[n].len = cut;
            n++;
        }
        static const char subst[] = "\"{}[]:,\\\x01x9-";
        for (size_t i = 0; i < gl && n < 2048; i += 2) {
            texts[n] = strdup(good);
            texts[n][i] = subst[i % (sizeof subst - 1)];
            evs[n].json = texts[n];
            evs[n].len = gl;
            n++;
        }
        uint64_t seq = st.last_seq;
        size_t other_profile = 0;
        for (size_t i = 0; i < n; i++) {
            /* a damaged profile name is another profile: refused, seq not consumed */
            int rc = jw_ind_consume(ind, seq + 1, evs[i].json, evs[i].len);
            cr_assert(rc == 0 || rc == JW_IND_EPROFILE, "rc %d", rc);
            if (rc == 0) seq++;
            else other_profile++;
        }
        for (size_t i = 0; i < n; i++) free(texts[i]);
        cr_assert_eq(jw_ind_status(ind, &st), 0);
        cr_expect_eq(st.last_seq, 9 + n - other_profile);
        cr_expect_gt(st.bad, bad_before + n / 2);
    }
    /* horizon: the latest observed date is 2024-05-06 (delivery dates) */
    cr_expect_eq(st.horizon, D("2024-05-31"));
    jw_ind_close(ind);

    /* a store keeps its profile */
    jw_profile_t *tw;
    cr_assert_eq(jw_profile_load("twente", &tw, err, sizeof err), 0);
    cr_expect_eq(jw_ind_open(tmp, tw, NULL, &ind), JW_IND_EPROFILE);
    jw_profile_free(tw);
    jw_profile_free(prof);
    test_rm_rf(tmp);
}

/* ---- the basic scenario, Zuid-Limburg ---- */

/* The typed reader of binary records (what jw_ind_catch_up uses) gives
 * exactly what the JSON reader gives for the JSON of the same event, for
 * every event of a replayed store, under the store's profile and under
 * another one (the mismatch path); a damaged record is refused. */
typedef struct {
    const jw_profile_t *p[2];
    size_t n, mismatches;
} same_ctx_t;

static int same_cb(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    same_ctx_t *c = ctx;
    jw_json_t j;
    jw_json_init(&j);
    cr_assert_eq(jw_event_json(rec, len, seq, &j), 0);
    for (int k = 0; k < 2; k++) {
        ev_t a, b;
        int ma = -1, mb = -1;
        char ea[200] = "", eb[200] = "";
        int ra = ind_event_from_record(rec, len, c->p[k], &a, &ma, ea, sizeof ea);
        int rb = ind_event_parse(j.buf, j.len, c->p[k], &b, &mb, eb, sizeof eb);
        cr_assert_eq(ra, rb, "seq %llu: %s / %s: %s", (unsigned long long)seq, ea, eb, j.buf);
        cr_assert_eq(ma, mb);
        cr_assert_str_eq(ea, eb);
        if (ra == 0) cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "seq %llu: %s", (unsigned long long)seq, j.buf);
        c->mismatches += (size_t)ma;
    }
    /* cut anywhere inside the id or in the middle of the body: refused */
    ev_t e;
    int m;
    char err[200];
    cr_assert_eq(ind_event_from_record(rec, 5, c->p[0], &e, &m, err, sizeof err), -1);
    cr_assert_str_eq(err, "not an event record");
    jw_json_free(&j);
    c->n++;
    return 0;
}

static int same_read(jw_txn_t *txn, void *ctx)
{
    return jw_store_events_since(txn, 0, same_cb, ctx);
}

Test(indicators, record_reader_equals_json_reader)
{
    scen_t s;
    char err[256];
    jw_profile_t *other;
    scen_open(&s, "zuid-limburg", "fixtures/scenarios/basic");
    cr_assert_eq(jw_profile_load("twente", &other, err, sizeof err), 0, "%s", err);
    same_ctx_t c = {{s.profile, other}, 0, 0};
    cr_assert_eq(jw_store_read(s.src, same_read, &c), 0);
    cr_assert_gt(c.n, 20);
    cr_assert_eq(c.mismatches, c.n); /* every event refused under the other profile */
    jw_profile_free(other);
    scen_close(&s);
}

Test(indicators, basic_zuid_limburg)
{
    scen_t s;
    scen_open(&s, "zuid-limburg", "fixtures/scenarios/basic");
    jw_ind_t *I = s.ind;
    jw_ind_status_t st;
    cr_assert_eq(jw_ind_status(I, &st), 0);
    /* observed dates run from Y6's Toewijzingsdatum 2023-08-25 to Y12's
     * delivery start 2025-12-01 */
    cr_expect_eq(st.first, D("2023-08-01"));
    cr_expect_eq(st.horizon, D("2025-12-31"));

    /* IND-01. 2024: Y1..Y9 have an episode in 2024 (Y10-Y12 start in 2025) = 9.
     * Stock 2024-12-31: Y1 (1002 to 2025-03-31), Y3 (1005 open), Y6 (1007 open),
     * Y7 (2006 to 2025-01-31), Y9 (open) = 5; Y2 and Y4 end ON 2024-12-31: excluded. */
    EQ(I, "IND-01", "2024", NULL, NULL, "youths", 9);
    EQ(I, "IND-01", "2024", NULL, NULL, "stock", 5);
    /* 2025: Y1, Y3, Y6, Y7, Y9, Y10, Y11, Y12 = 8; stock 2025-12-31: Y3, Y6, Y9, Y10, Y12 = 5
     * (Y11 ended 2025-11-30). */
    EQ(I, "IND-01", "2025", NULL, NULL, "youths", 8);
    EQ(I, "IND-01", "2025", NULL, NULL, "stock", 5);
    /* 2023: Y6 only (1006 from 2023-09-01), in care on 2023-12-31 */
    EQ(I, "IND-01", "2023", NULL, NULL, "youths", 1);
    EQ(I, "IND-01", "2023", NULL, NULL, "stock", 1);
    /* by gemeente 2024: 0935 = Y1 Y2 Y3 Y6 Y8 = 5; 0917 = Y4 Y5 Y7 Y9 = 4 */
    EQ(I, "IND-01", "2024", "gemeente", G1, "youths", 5);
    EQ(I, "IND-01", "2024", "gemeente", G2, "youths", 4);
    /* by aanbieder 2024: P1 = Y1 Y3(1004) Y5 Y6 Y9 = 5; P2 = Y2 Y4 Y8 = 3; P3 = Y3(1005) Y7 = 2
     * (Y3 counts with both providers, once each) */
    EQ(I, "IND-01", "2024", "aanbieder", P1, "youths", 5);
    EQ(I, "IND-01", "2024", "aanbieder", P2, "youths", 3);
    EQ(I, "IND-01", "2024", "aanbieder", P3, "youths", 2);
    /* by segment 2024: ambulant = Y1 Y4 Y6 Y7 Y8 = 5 (Y4 and Y7 with two ambulant episodes,
     * counted once); wonen = Y2 (35) Y9 (44) = 2; gikj = Y3 = 1; crisis = Y5 Y7 = 2 */
    EQ(I, "IND-01", "2024", "segment", "ambulant", "youths", 5);
    EQ(I, "IND-01", "2024", "segment", "wonen", "youths", 2);
    EQ(I, "IND-01", "2024", "segment", "gikj", "youths", 1);
    EQ(I, "IND-01", "2024", "segment", "crisis", "youths", 2);
    /* 2024-Q1: Y1 Y2 Y3 Y4 Y6 (1006 to 02-29) Y7 (2004) = 6; stock 2024-03-31: Y1 Y2 Y3 Y4 = 4
     * (Y6 ended 02-29, Y7's 2004 ends on 03-31) */
    EQ(I, "IND-01", "2024-Q1", NULL, NULL, "youths", 6);
    EQ(I, "IND-01", "2024-Q1", NULL, NULL, "stock", 4);
    /* rolling 2024-07..2025-06: Y1 Y2 Y3 Y4 Y6 Y7 Y8 Y9 Y10 Y11 = 10 (Y5 was in May 2024,
     * Y12 starts 2025-11) */
    EQ(I, "IND-01", "R12-2025-06", NULL, NULL, "youths", 10);

    /* IND-02 (verblijf: wonen 35-36-38-44, gikj 37-43-47-49): 2024 = Y2 Y3 Y9 = 3;
     * stock 2024-12-31 = Y3 Y9 = 2 (Y2 ends that day); 2025 = Y3 Y9 = 2 */
    EQ(I, "IND-02", "2024", NULL, NULL, "youths", 3);
    EQ(I, "IND-02", "2024", NULL, NULL, "stock", 2);
    EQ(I, "IND-02", "2025", NULL, NULL, "youths", 2);

    /* IND-03 instroom: 2023 = Y6 1006 = 1; 2024 = Y1 1001, Y2, Y3 1004, Y4 2001, Y5, Y7 2004,
     * Y7 2005 (first crisis episode), Y8, Y9 = 9; 2025 = Y10 Y11 Y12 = 3.
     * 2024 by gemeente: 0935 = Y1 Y2 Y3 Y8 = 4; 0917 = Y4 Y5 Y7 Y7 Y9 = 5. */
    EQ(I, "IND-03", "2023", NULL, NULL, "starts", 1);
    EQ(I, "IND-03", "2024", NULL, NULL, "starts", 9);
    EQ(I, "IND-03", "2025", NULL, NULL, "starts", 3);
    EQ(I, "IND-03", "2024", "gemeente", G1, "starts", 4);
    EQ(I, "IND-03", "2024", "gemeente", G2, "starts", 5);
    /* rolling 2024-07..2025-06: Y9 (2024-07-01), Y11 (2025-02-01), Y10 (2025-03-01) = 3 */
    EQ(I, "IND-03", "R12-2025-06", NULL, NULL, "starts", 3);
    /* IND-04 stapeling: Y4 2002 (gap 2024-03-01 - 2024-12-31 = -305 < -14) = 1 */
    EQ(I, "IND-04", "2024", NULL, NULL, "starts", 1);
    /* IND-05 doorstroom: Y3 1005 (gap 2024-09-01 - 2024-08-31 = 1) = 1, segment gikj */
    EQ(I, "IND-05", "2024", NULL, NULL, "starts", 1);
    EQ(I, "IND-05", "2024", "segment", "gikj", "starts", 1);
    /* IND-06: recidive starts (15..180 days, same segment): Y1 1002 (gap 93) and Y7 2006
     * (gap 2024-07-05 - 2024-03-31 = 96) = 2. ended_before = uitstroom in 2023 = 0: no rate. */
    EQ(I, "IND-06", "2024", NULL, NULL, "returns", 2);
    EQ(I, "IND-06", "2024", NULL, NULL, "ended_before", 0);
    NA(I, "IND-06", "2024", "rate_pct");
    /* 2024-H2: returns Y1 (10-01) Y7 (07-05) = 2; uitstroom 2024-H1 = Y1 1001, Y4 2002, Y5,
     * Y6 1006, Y7 2004, Y7 2005 = 6: rate 2/6 = 33.33 % */
    EQ(I, "IND-06", "2024-H2", NULL, NULL, "ended_before", 6);
    EQ(I, "IND-06", "2024-H2", NULL, NULL, "rate_pct", 100.0 * 2 / 6);
    /* 2025: no returns; uitstroom 2024 = 9: rate 0 */
    EQ(I, "IND-06", "2025", NULL, NULL, "returns", 0);
    EQ(I, "IND-06", "2025", NULL, NULL, "ended_before", 9);
    EQ(I, "IND-06", "2025", NULL, NULL, "rate_pct", 0);
    /* IND-07 hernieuwd: Y6 1007 (gap 2024-11-01 - 2024-02-29 = 246 > 180) = 1 */
    EQ(I, "IND-07", "2024", NULL, NULL, "starts", 1);

    /* IND-10 uitstroom 2024: stops with continued = false: Y1 1001, Y2, Y4 2001, Y4 2002, Y5,
     * Y6 1006, Y7 2004, Y7 2005, Y8 = 9 (Y3 1004 is continued by the doorstroom start 1005).
     * By aanbieder: P1 = Y1 Y5 Y6 = 3, P2 = Y2 Y4 Y4 Y8 = 4, P3 = Y7 Y7 = 2.
     * 2025: Y1 1002, Y7 2006, Y11 = 3. */
    EQ(I, "IND-10", "2024", NULL, NULL, "stops", 9);
    EQ(I, "IND-10", "2024", "aanbieder", P1, "stops", 3);
    EQ(I, "IND-10", "2024", "aanbieder", P2, "stops", 4);
    EQ(I, "IND-10", "2024", "aanbieder", P3, "stops", 2);
    EQ(I, "IND-10", "2025", NULL, NULL, "stops", 3);

    /* IND-09 2024: of the 9, restarted by the end of the next half-year: Y1 1001 (end 06-30,
     * 1002 on 10-01 <= 2024-12-31), Y6 1006 (1007 on 2024-11-01), Y7 2004 and 2005 (2006 on
     * 07-05). Without a new start: Y2, Y4 2001, Y4 2002, Y5, Y8 = 5 of 9 = 55.56 % */
    EQ(I, "IND-09", "2024", NULL, NULL, "ended", 9);
    EQ(I, "IND-09", "2024", NULL, NULL, "without_restart", 5);
    EQ(I, "IND-09", "2024", NULL, NULL, "share_pct", 100.0 * 5 / 9);

    /* IND-11: delivery stops 2024: Y1 1001 (31), Y2 (31), Y3 1004 (38), Y5 (33), Y7 2004 (31),
     * Y7 2005 (31) = 6, drop-outs (32-35) = Y5 = 1: 16.67 %.
     * 2025: Y1 1002 (31), Y7 2006 (35), Y11 (31) = 3, drop-outs 1: 33.33 % */
    EQ(I, "IND-11", "2024", NULL, NULL, "stops", 6);
    EQ(I, "IND-11", "2024", NULL, NULL, "dropouts", 1);
    EQ(I, "IND-11", "2024", NULL, NULL, "share_pct", 100.0 / 6);
    EQ(I, "IND-11", "2025", NULL, NULL, "share_pct", 100.0 / 3);

    /* IND-12 2024, every stop: Y5 22, Y7 2005 30, Y7 2004 77, Y4 2002 122, Y1 1001 168,
     * Y6 1006 182, Y8 183, Y3 1004 184, Y2 335, Y4 2001 366: n 10, sum 1669, mean 166.9,
     * median (168 + 182) / 2 = 175, p75 = rank ceil(7.5) = 8 -> 184, p90 = rank 9 -> 335 */
    EQ(I, "IND-12", "2024", NULL, NULL, "n", 10);
    EQ(I, "IND-12", "2024", NULL, NULL, "mean", 166.9);
    EQ(I, "IND-12", "2024", NULL, NULL, "median", 175);
    EQ(I, "IND-12", "2024", NULL, NULL, "p75", 184);
    EQ(I, "IND-12", "2024", NULL, NULL, "p90", 335);
    /* ambulant 2024: 168 366 122 182 77 183: sum 1098, mean 183 */
    EQ(I, "IND-12", "2024", "segment", "ambulant", "mean", 183);
    /* 2025: Y1 1002 182, Y7 2006 211, Y11 303: mean 696/3 = 232, median 211 */
    EQ(I, "IND-12", "2025", NULL, NULL, "mean", 232);
    EQ(I, "IND-12", "2025", NULL, NULL, "median", 211);

    /* IND-13 etmalen on verblijf segments, by ProductPeriode start: 2024 = Y2 25 + 31,
     * Y3 17, Y9 31 - 31 (credit) + 30 = 103, youths Y2 Y3 Y9 = 3; 2025 = Y3 31;
     * 2024-03 = Y2 31 + Y3 17 = 48 (2 youths) */
    EQ(I, "IND-13", "2024", NULL, NULL, "etmalen", 103);
    EQ(I, "IND-13", "2024", NULL, NULL, "youths", 3);
    EQ(I, "IND-13", "2025", NULL, NULL, "etmalen", 31);
    EQ(I, "IND-13", "2024-03", NULL, NULL, "etmalen", 48);
    EQ(I, "IND-13", "2024-03", NULL, NULL, "youths", 2);

    /* IND-14 waits by JW305 Begindatum, 2024: Y1 21, Y2 4, Y3 14, Y5 0, Y7 12, Y7 0, Y7 7,
     * Y8 21, Y9 11, Y3 1005 12, Y1 1002 12, Y6 1007 7; sorted 0 0 4 7 7 11 12 12 12 14 21 21:
     * n 12, median (11 + 12) / 2 = 11.5, p90 = rank ceil(10.8) = 11 -> 21.
     * No wait norms in this profile: no share within the norm. */
    EQ(I, "IND-14", "2024", NULL, NULL, "n", 12);
    EQ(I, "IND-14", "2024", NULL, NULL, "median", 11.5);
    EQ(I, "IND-14", "2024", NULL, NULL, "p90", 21);
    EQ(I, "IND-14", "2024", NULL, NULL, "normed", 0);
    NA(I, "IND-14", "2024", "within_pct");
    /* 2024-H1: 21 4 14 0 12 0 21 -> 0 0 4 12 14 21 21, median 12 */
    EQ(I, "IND-14", "2024-H1", NULL, NULL, "median", 12);
    /* 2025: Y11 132, Y12 21: median 76.5, p90 = rank 2 -> 132 */
    EQ(I, "IND-14", "2025", NULL, NULL, "median", 76.5);
    EQ(I, "IND-14", "2025", NULL, NULL, "p90", 132);
    /* waiting list at the period's last day: 2024-12-31 = Y4 2001 (never started, ends that
     * day) = 1; 2024-06-30 = Y4 2001 and 2002 = 2; 2025-12-31 = Y10 = 1 */
    EQ(I, "IND-14", "2024", NULL, NULL, "waiting", 1);
    EQ(I, "IND-14", "2024-H1", NULL, NULL, "waiting", 2);
    EQ(I, "IND-14", "2025", NULL, NULL, "waiting", 1);

    /* IND-14b by Toewijzingsdatum: 2024 = Y1 (01-02 -> 01-08) 6, Y8 (03-25 -> 04-01) 7:
     * n 2, mean 6.5, median 6.5, p90 = rank 2 -> 7; 2025 = Y10 (02-10 -> 02-20) 10 */
    EQ(I, "IND-14b", "2024", NULL, NULL, "n", 2);
    EQ(I, "IND-14b", "2024", NULL, NULL, "mean", 6.5);
    EQ(I, "IND-14b", "2024", NULL, NULL, "p90", 7);
    EQ(I, "IND-14b", "2025", NULL, NULL, "median", 10);

    /* IND-15 2024: one transfer (Y3 P1 -> P3, gikj); residential youths 3 (IND-02), of whom
     * Y3 transferred: (3 - 1) / 3 = 66.67 % without a transfer */
    EQ(I, "IND-15", "2024", NULL, NULL, "transfers", 1);
    EQ(I, "IND-15", "2024", "aanbieder", P3, "transfers", 1);
    EQ(I, "IND-15", "2024", NULL, NULL, "residential_youths", 3);
    EQ(I, "IND-15", "2024", NULL, NULL, "transferred_youths", 1);
    EQ(I, "IND-15", "2024", NULL, NULL, "without_transfer_pct", 200.0 / 3);

    /* IND-16/17 2024: Y1 720.00 + Y2 2500.00 + 3100.00 + Y3 3400.00 + Y9 (4650.00 - 4650.00 +
     * 4500.00) = 14220.00 EUR over Y1 Y2 Y3 Y9 = 4 youths: 3555.00 per youth.
     * wonen 2024: Y2 5600.00 + Y9 4500.00 = 10100.00 over 2: 5050.00. 2025: Y3 6200.00.
     * 2024-07: Y9 net 4500.00. */
    EQ(I, "IND-16", "2024", NULL, NULL, "cost_eur", 14220);
    EQ(I, "IND-16", "2024", NULL, NULL, "youths", 4);
    EQ(I, "IND-16", "2024", NULL, NULL, "per_youth_eur", 3555);
    EQ(I, "IND-16", "2024", "segment", "wonen", "per_youth_eur", 5050);
    EQ(I, "IND-17", "2024", NULL, NULL, "cost_eur", 14220);
    EQ(I, "IND-17", "2025", NULL, NULL, "cost_eur", 6200);
    EQ(I, "IND-17", "2024-07", NULL, NULL, "cost_eur", 4500);

    /* IND-23 needs the message date on delivery events (not in the events yet). Once they
     * carry it: 2024 has 12 JW305 and 6 JW307 reports, all sent within 5 working days (the
     * tight ones: Y2's stop 2024-12-31 sent 2025-01-03 = 2nd working day after Nieuwjaarsdag;
     * Y7's stop 2024-03-31 sent 04-02 = 1st after Tweede Paasdag; Y5's stop 2024-05-20, itself
     * Tweede Pinksterdag, sent 05-21): 18 of 18. 2025: Y1 stop 03-31, Y7 stop 01-31, Y11 start
     * 06-01, Y12 start 12-01 on time; Y11's stop 2025-11-30 (Sunday) sent 12-10, after the 5th
     * working day 12-05: 4 of 5 = 80 %. */
    if (cell(I, "IND-23", "2024", NULL, NULL, "reports", 0).v == 0) {
        NA(I, "IND-23", "2024", "share_pct");
    } else {
        EQ(I, "IND-23", "2024", NULL, NULL, "reports", 18);
        EQ(I, "IND-23", "2024", NULL, NULL, "share_pct", 100);
        EQ(I, "IND-23", "2025", NULL, NULL, "reports", 5);
        EQ(I, "IND-23", "2025", NULL, NULL, "share_pct", 80);
    }

    /* no targets in this profile */
    jw_ind_target_t *t;
    size_t nt;
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-02"), 2025, 0, &t, &nt), 0);
    cr_expect_eq(nt, 0);
    free(t);
    scen_close(&s);
}

/* ---- the same messages under Twente ---- */

/* ---- cross cells and slicers ---- */

/* A cell with slicers: gemeente/aanbieder/segment filters (NULL = all),
 * then the breakdown row by/key (by NULL = the filtered total). */
static jw_ind_val_t xcell(jw_ind_t *ind, const char *id, const char *period, const char *g, const char *a,
                          const char *sg, const char *by, const char *key, const char *col, size_t *nrows)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    char err[200];
    jw_ind_val_t out = {0, -1};
    memset(&q, 0, sizeof q);
    q.indicator = id;
    q.has_period = 1;
    q.gemeente = g;
    q.aanbieder = a;
    q.segment = sg;
    cr_assert_eq(jw_ind_period_parse(period, &q.period), 0);
    if (by) cr_assert_eq(jw_ind_by_parse(by, &q.by), 0);
    cr_assert_eq(jw_ind_query(ind, &q, &r, err, sizeof err), 0, "%s", err);
    int c = col_of(r.def, col);
    if (nrows) *nrows = r.n_rows;
    for (size_t i = 0; i < r.n_rows; i++) {
        const jw_ind_row_t *row = &r.rows[i];
        if ((!by && row->by == JW_IND_BY_TOTAL) || (by && key && row->by != JW_IND_BY_TOTAL && strcmp(row->key, key) == 0)) {
            out = row->v[c];
            break;
        }
    }
    jw_ind_result_free(&r);
    return out;
}

#define XEQ(ind, id, period, g, a, sg, by, key, col, expect)                                            \
    do {                                                                                                \
        jw_ind_val_t v_ = xcell(ind, id, period, g, a, sg, by, key, col, NULL);                          \
        cr_expect(v_.state == JW_IND_V_OK && fabs(v_.v - (expect)) < 0.006,                             \
                  "%s %s g=%s a=%s s=%s %s=%s %s: got %g (state %d), expected %g", id, period, g ? g : "", \
                  a ? a : "", sg ? sg : "", by ? by : "total", key ? key : "", col, v_.v, v_.state,       \
                  (double)(expect));                                                                    \
    } while (0)

/* The basic scenario's youths by gemeente, aanbieder and segment in 2024 are
 * listed in basic_zuid_limburg (IND-01): 0935 = Y1 Y2 Y3 Y6 Y8, 0917 = Y4 Y5
 * Y7 Y9; P1 = Y1 Y3 Y5 Y6 Y9, P2 = Y2 Y4 Y8, P3 = Y3 Y7; ambulant = Y1 Y4 Y6
 * Y7 Y8, wonen = Y2 Y9, gikj = Y3, crisis = Y5 Y7. The cross cells below are
 * the intersections of those lists, worked out by hand. */
Test(indicators, cross_cells_and_slicers)
{
    scen_t s;
    scen_open(&s, "zuid-limburg", "fixtures/scenarios/basic");
    jw_ind_t *I = s.ind;
    size_t n = 0;
    /* gemeente x aanbieder: 0935 with P1 = Y1 Y3 Y6; with P2 = Y2 Y8; with P3 = Y3 */
    XEQ(I, "IND-01", "2024", G1, NULL, NULL, NULL, NULL, "youths", 5);
    XEQ(I, "IND-01", "2024", G1, NULL, NULL, "aanbieder", P1, "youths", 3);
    XEQ(I, "IND-01", "2024", G1, NULL, NULL, "aanbieder", P2, "youths", 2);
    XEQ(I, "IND-01", "2024", G1, NULL, NULL, "aanbieder", P3, "youths", 1);
    /* 0917 with P1 = Y5 Y9, P2 = Y4, P3 = Y7 */
    XEQ(I, "IND-01", "2024", G2, NULL, NULL, "aanbieder", P1, "youths", 2);
    XEQ(I, "IND-01", "2024", G2, NULL, NULL, "aanbieder", P2, "youths", 1);
    XEQ(I, "IND-01", "2024", G2, NULL, NULL, "aanbieder", P3, "youths", 1);
    /* gemeente x segment: 0935 ambulant = Y1 Y6 Y8; 0917 ambulant = Y4 Y7, crisis = Y5 Y7 */
    XEQ(I, "IND-01", "2024", G1, NULL, "ambulant", NULL, NULL, "youths", 3);
    XEQ(I, "IND-01", "2024", G2, NULL, "ambulant", NULL, NULL, "youths", 2);
    XEQ(I, "IND-01", "2024", NULL, NULL, "crisis", "gemeente", G2, "youths", 2);
    xcell(I, "IND-01", "2024", NULL, NULL, "crisis", "gemeente", NULL, "youths", &n);
    cr_expect_eq(n, 2, "crisis by gemeente: the total and 0917 only (no crisis youth in 0935), got %zu rows", n);
    /* gemeente x segment x aanbieder: 0917 crisis = Y5 (P1), Y7 (P3); 0917 ambulant = Y4 (P2, two
     * episodes, once), Y7 (P3) */
    XEQ(I, "IND-01", "2024", G2, NULL, "crisis", "aanbieder", P1, "youths", 1);
    XEQ(I, "IND-01", "2024", G2, NULL, "crisis", "aanbieder", P3, "youths", 1);
    XEQ(I, "IND-01", "2024", G2, NULL, "ambulant", "aanbieder", P2, "youths", 1);
    XEQ(I, "IND-01", "2024", G2, NULL, "ambulant", "aanbieder", P3, "youths", 1);
    xcell(I, "IND-01", "2024", G2, NULL, "ambulant", "aanbieder", NULL, "youths", &n);
    cr_expect_eq(n, 3, "0917 ambulant by aanbieder: total, P2, P3; got %zu rows", n);
    /* aanbieder x segment: P3 = Y3 (gikj) and Y7 (ambulant, crisis) */
    XEQ(I, "IND-01", "2024", NULL, P3, NULL, "segment", "gikj", "youths", 1);
    XEQ(I, "IND-01", "2024", NULL, P3, NULL, "segment", "crisis", "youths", 1);
    /* counts add up over a breakdown: IND-03 instroom 2024 in 0917 = Y4 2001 (ambulant), Y5
     * (crisis), Y7 2004 (ambulant), Y7 2005 (crisis), Y9 (wonen) */
    XEQ(I, "IND-03", "2024", G2, NULL, NULL, "segment", "ambulant", "starts", 2);
    XEQ(I, "IND-03", "2024", G2, NULL, NULL, "segment", "crisis", "starts", 2);
    XEQ(I, "IND-03", "2024", G2, NULL, NULL, "segment", "wonen", "starts", 1);
    /* a slicer nobody matches: no breakdown rows */
    xcell(I, "IND-01", "2024", "0999", NULL, NULL, "segment", NULL, "youths", &n);
    cr_expect_eq(n, 1, "only the total row for an unknown gemeente, got %zu", n);
    /* breaking down by a filtered dimension is refused */
    {
        jw_ind_query_t q;
        jw_ind_result_t r;
        char err[200];
        memset(&q, 0, sizeof q);
        q.indicator = "IND-01";
        q.has_period = 1;
        q.period = (jw_ind_period_t){'Y', 2024, 0};
        q.gemeente = G1;
        q.by = JW_IND_BY_GEMEENTE;
        cr_expect_eq(jw_ind_query(I, &q, &r, err, sizeof err), JW_IND_EQUERY);
        cr_expect(strstr(err, "filter") != NULL, "%s", err);
        q.by = JW_IND_BY_TOTAL;
        q.gemeente = "09|35";
        cr_expect_eq(jw_ind_query(I, &q, &r, err, sizeof err), JW_IND_EQUERY);
    }
    /* the JSON echoes the slicers it was asked with, and {} without any */
    {
        jw_ind_query_t q;
        jw_ind_result_t r;
        jw_json_t o;
        char err[200];
        memset(&q, 0, sizeof q);
        q.indicator = "IND-01";
        q.has_period = 1;
        q.period = (jw_ind_period_t){'Y', 2024, 0};
        q.gemeente = G2;
        q.segment = "ambulant";
        q.aanbieder = ""; /* an empty slicer is no slicer */
        cr_assert_eq(jw_ind_query(I, &q, &r, err, sizeof err), 0, "%s", err);
        jw_json_init(&o);
        cr_assert_eq(jw_ind_render(&r, JW_IND_FMT_JSON, &o), 0);
        cr_expect(strstr(o.buf, "\"filter\":{\"gemeente\":\"0917\",\"segment\":\"ambulant\"},") != NULL, "%s", o.buf);
        /* and the value is the filtered one: 0917 ambulant 2024 = Y4 Y7 */
        cr_expect(strstr(o.buf, "\"by\":\"total\",\"key\":\"\",\"label\":\"\",\"values\":{\"youths\":2,") != NULL, "%s",
                  o.buf);
        jw_json_free(&o);
        jw_ind_result_free(&r);
        q.gemeente = NULL;
        q.segment = NULL;
        q.aanbieder = P3;
        q.by = JW_IND_BY_SEGMENT;
        cr_assert_eq(jw_ind_query(I, &q, &r, err, sizeof err), 0, "%s", err);
        jw_json_init(&o);
        cr_assert_eq(jw_ind_render(&r, JW_IND_FMT_JSON, &o), 0);
        cr_expect(strstr(o.buf, "\"filter\":{\"aanbieder\":\"" P3 "\"},") != NULL, "%s", o.buf);
        jw_json_free(&o);
        jw_ind_result_free(&r);
        q.aanbieder = NULL;
        cr_assert_eq(jw_ind_query(I, &q, &r, err, sizeof err), 0, "%s", err);
        jw_json_init(&o);
        cr_assert_eq(jw_ind_render(&r, JW_IND_FMT_JSON, &o), 0);
        cr_expect(strstr(o.buf, "\"filter\":{},") != NULL, "%s", o.buf);
        jw_json_free(&o);
        jw_ind_result_free(&r);
    }
    scen_close(&s);
}

static const jw_ind_target_t *find_target(const jw_ind_target_t *t, size_t n, const char *seg,
                                          jw_target_kind_t kind)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].t.kind == kind && ((!seg && !t[i].t.segment) || (seg && t[i].t.segment && strcmp(seg, t[i].t.segment) == 0)))
            return &t[i];
    cr_assert_fail("no target %s kind %d", seg ? seg : "total", kind);
    return NULL;
}

Test(indicators, basic_twente)
{
    scen_t s;
    jw_ind_target_t *t;
    size_t nt;
    const jw_ind_target_t *x;
    scen_open(&s, "twente", "fixtures/scenarios/basic");
    jw_ind_t *I = s.ind;

    /* IND-02: only segment verblijf (43 44 37) is residential; Y2's pleegzorg (35) is wonen,
     * not verblijf: 2024 = Y3 Y9 = 2 (Zuid-Limburg: 3) */
    EQ(I, "IND-02", "2024", NULL, NULL, "youths", 2);
    EQ(I, "IND-02", "2025", NULL, NULL, "youths", 2);
    /* Scope all care, return after 6 calendar months: Y7 2005 (crisis, 62 days after 2004) is
     * class recidive, not instroom: IND-03 2024 = 9 - 1 = 8; Y7 2006 follows 2005 after 5 days:
     * doorstroom, so IND-05 2024 = Y3 1005 + Y7 2006 = 2 */
    EQ(I, "IND-03", "2024", NULL, NULL, "starts", 8);
    EQ(I, "IND-05", "2024", NULL, NULL, "starts", 2);
    /* IND-06 = the return class hernieuwd: only Y6 1007 (care-free 2024-03-01..10-31, beyond
     * 2024-09-01) = 1, in segment ambulant. Y1 1002 (93 days) is a Twente class recidive: not
     * a return. (Zuid-Limburg: 2.) */
    EQ(I, "IND-06", "2024", NULL, NULL, "returns", 1);
    EQ(I, "IND-06", "2024", "segment", "ambulant", "returns", 1);
    EQ(I, "IND-07", "2024", NULL, NULL, "starts", 1);
    /* IND-10: Y7 2005 is continued by the doorstroom 2006: 9 - 1 = 8 */
    EQ(I, "IND-10", "2024", NULL, NULL, "stops", 8);
    /* IND-09: the same 5 without a new start, of 8: 62.5 % */
    EQ(I, "IND-09", "2024", NULL, NULL, "share_pct", 62.5);
    /* IND-13 on verblijf (43 44): 2024 = Y3 17 + Y9 30 = 47 (2 youths); 2025 = Y3 31 */
    EQ(I, "IND-13", "2024", NULL, NULL, "etmalen", 47);
    EQ(I, "IND-13", "2024", NULL, NULL, "youths", 2);
    EQ(I, "IND-13", "2025", NULL, NULL, "etmalen", 31);
    /* IND-14 with norms verblijf 42 d and ambulant 98 d. 2024 starts in a normed segment:
     * ambulant Y1 21, Y7 12, Y7 7, Y8 21, Y1 12, Y6 7; verblijf Y3 14, Y9 11, Y3 12 = 9, all
     * within: 100 % (Y2 wonen, Y5 and Y7 crisis have no norm). 2025: Y11 132 > 98, Y12 21:
     * 1 of 2 = 50 %. */
    EQ(I, "IND-14", "2024", NULL, NULL, "normed", 9);
    EQ(I, "IND-14", "2024", NULL, NULL, "within", 9);
    EQ(I, "IND-14", "2024", NULL, NULL, "within_pct", 100);
    EQ(I, "IND-14", "2025", NULL, NULL, "within_pct", 50);
    EQ(I, "IND-14", "2025", "segment", "ambulant", "norm_days", 98);
    EQ(I, "IND-14", "2024", "segment", "verblijf", "within", 3);
    /* IND-15 2024: residential Y3 Y9 = 2, Y3 transferred: 1 / 2 without = 50 % */
    EQ(I, "IND-15", "2024", NULL, NULL, "without_transfer_pct", 50);

    /* Targets for 2025 (profiles/twente.profile), base 2024: */
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-02"), 2025, 0, &t, &nt), 0);
    cr_assert_eq(nt, 1);
    /* -30 % base 2024 by 2027: a straight line, in 2025 one third of the way:
     * goal = 2 x (1 - 0.30 / 3) = 1.8; current 2 > 1.8: off track */
    cr_expect(fabs(t[0].base.v - 2) < 1e-9 && fabs(t[0].goal.v - 1.8) < 1e-9 && fabs(t[0].current.v - 2) < 1e-9);
    cr_expect_eq(t[0].status, JW_IND_T_OFF);
    free(t);
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-13"), 2025, 0, &t, &nt), 0);
    cr_assert_eq(nt, 2);
    /* -15 % base 2024 by 2027: 47 x (1 - 0.15 / 3) = 44.65; 31 <= 44.65: on track */
    x = find_target(t, nt, NULL, JW_TARGET_CHANGE);
    cr_expect(fabs(x->goal.v - 44.65) < 1e-9 && fabs(x->current.v - 31) < 1e-9);
    cr_expect_eq(x->status, JW_IND_T_ON);
    /* -5 %/y base 2024: 47 x 0.95^1 = 44.65: on track */
    x = find_target(t, nt, NULL, JW_TARGET_RATE);
    cr_expect(fabs(x->goal.v - 44.65) < 1e-9);
    cr_expect_eq(x->status, JW_IND_T_ON);
    free(t);
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-06"), 2025, 0, &t, &nt), 0);
    cr_assert_eq(nt, 2);
    /* total -15 % base 2024 by 2027: 1 x (1 - 0.15 / 3) = 0.95; 0 returns in 2025: on track;
     * ambulant -20 % by 2028: 1 x (1 - 0.20 / 4) = 0.95: on track */
    x = find_target(t, nt, NULL, JW_TARGET_CHANGE);
    cr_expect(fabs(x->goal.v - 0.95) < 1e-9 && x->current.v == 0);
    cr_expect_eq(x->status, JW_IND_T_ON);
    x = find_target(t, nt, "ambulant", JW_TARGET_CHANGE);
    cr_expect(fabs(x->goal.v - 0.95) < 1e-9);
    cr_expect_eq(x->status, JW_IND_T_ON);
    free(t);
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-12"), 2025, 0, &t, &nt), 0);
    cr_assert_eq(nt, 1);
    /* ambulant mean duration -20 % base 2024 by 2028: base 183 (168 366 122 182 77 183),
     * goal 183 x (1 - 0.20 / 4) = 173.85; 2025 mean (182 + 211 + 303) / 3 = 232: off track */
    cr_expect(fabs(t[0].base.v - 183) < 1e-9 && fabs(t[0].goal.v - 173.85) < 1e-9 &&
              fabs(t[0].current.v - 232) < 1e-9);
    cr_expect_eq(t[0].status, JW_IND_T_OFF);
    free(t);
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-15"), 2025, 0, &t, &nt), 0);
    cr_assert_eq(nt, 1);
    /* min 90 % without transfer: 2025 residential Y3 Y9, no transfer: 100 %: on track;
     * in 2024 50 %: off track */
    cr_expect(fabs(t[0].current.v - 100) < 1e-9);
    cr_expect_eq(t[0].status, JW_IND_T_ON);
    free(t);
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-15"), 2024, 0, &t, &nt), 0);
    cr_expect_eq(t[0].status, JW_IND_T_OFF);
    free(t);
    /* IND-14 from the wait norms: ambulant 2025 50 % < 90 %: off track; verblijf has no
     * start in 2025: no data */
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-14"), 2025, 0, &t, &nt), 0);
    cr_assert_eq(nt, 2);
    cr_expect_eq(find_target(t, nt, "ambulant", JW_TARGET_MIN)->status, JW_IND_T_OFF);
    cr_expect_eq(find_target(t, nt, "verblijf", JW_TARGET_MIN)->status, JW_IND_T_NODATA);
    free(t);
    /* 2024 is the base year */
    cr_assert_eq(jw_ind_targets(I, jw_ind_find("IND-02"), 2024, 0, &t, &nt), 0);
    cr_expect_eq(t[0].status, JW_IND_T_BASELINE);
    free(t);
    scen_close(&s);
}

/* ---- a late withdrawal ---- */

Test(indicators, late_withdrawal)
{
    scen_t s;
    unsigned char d1[32], d2[32];
    jw_ind_status_t st;
    scen_open(&s, "zuid-limburg", "fixtures/scenarios/basic");
    jw_ind_t *I = s.ind;
    EQ(I, "IND-01", "2024", NULL, NULL, "youths", 9);

    /* The JW301 withdrawing Y8's allocation 1008 arrives late (RedenWijziging 13, newer
     * Toewijzingsdatum): the allocation counts as never given. Replay it into the same
     * state and catch up. */
    jw_store_close(s.src);
    sh("build/bin/jw-replay --direct --quiet --profile zuid-limburg --state %s fixtures/scenarios/withdrawal",
       s.state);
    jw_store_options_t so;
    memset(&so, 0, sizeof so);
    so.read_only = 1;
    cr_assert_eq(jw_store_open(s.state, &so, &s.src), 0);
    cr_assert_eq(jw_ind_catch_up(I, s.src, 7, NULL), 0);
    cr_assert_eq(jw_ind_status(I, &st), 0);
    cr_expect_gt(st.retracts, 0);

    /* Y8 had only this episode: IND-01 2024 9 -> 8; 0935 5 -> 4; P2 3 -> 2 */
    EQ(I, "IND-01", "2024", NULL, NULL, "youths", 8);
    EQ(I, "IND-01", "2024", "gemeente", G1, "youths", 4);
    EQ(I, "IND-01", "2024", "aanbieder", P2, "youths", 2);
    /* its instroom start and its uitstroom stop are gone: 9 -> 8 each */
    EQ(I, "IND-03", "2024", NULL, NULL, "starts", 8);
    EQ(I, "IND-10", "2024", NULL, NULL, "stops", 8);
    /* IND-09: Y8 was without a new start: 4 of 8 = 50 % */
    EQ(I, "IND-09", "2024", NULL, NULL, "without_restart", 4);
    EQ(I, "IND-09", "2024", NULL, NULL, "share_pct", 50);
    /* IND-12 loses 183: n 9, sum 1669 - 183 = 1486, mean 165.11, median = 5th of
     * 22 30 77 122 168 182 184 335 366 = 168 */
    EQ(I, "IND-12", "2024", NULL, NULL, "n", 9);
    EQ(I, "IND-12", "2024", NULL, NULL, "mean", 1486.0 / 9);
    EQ(I, "IND-12", "2024", NULL, NULL, "median", 168);
    /* IND-14: the JW305 of 1008 no longer has an allocation, so no wait: n 11,
     * 0 0 4 7 7 11 12 12 12 14 21: median 11, p90 = rank ceil(9.9) = 10 -> 14 */
    EQ(I, "IND-14", "2024", NULL, NULL, "n", 11);
    EQ(I, "IND-14", "2024", NULL, NULL, "median", 11);
    EQ(I, "IND-14", "2024", NULL, NULL, "p90", 14);
    /* IND-14b: only Y1's 6 days remain */
    EQ(I, "IND-14b", "2024", NULL, NULL, "n", 1);
    EQ(I, "IND-14b", "2024", NULL, NULL, "median", 6);
    /* IND-06 2025 rate denominator: uitstroom 2024 = 8 */
    EQ(I, "IND-06", "2025", NULL, NULL, "ended_before", 8);
    /* unchanged: Y2's 2024 cost and the horizon */
    EQ(I, "IND-17", "2024", NULL, NULL, "cost_eur", 14220);
    cr_expect_eq(st.horizon, D("2025-12-31"));

    /* The state equals the state built from the live events alone (no retraction ever
     * seen): a retraction removed exactly what its event had added. */
    cr_assert_eq(jw_ind_digest(I, d1), 0);
    {
        char live_dir[128], err[200];
        jw_ind_t *L;
        FILE *f;
        snprintf(live_dir, sizeof live_dir, "%s/live", s.tmp);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "build/bin/jwctl --state %s events --live", s.state);
        cr_assert_not_null(f = popen(cmd, "r"));
        cr_assert_eq(jw_ind_open(live_dir, s.profile, NULL, &L), 0);
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        uint64_t seq = 0;
        while ((n = getline(&line, &cap, f)) > 0) {
            if (line[n - 1] == '\n') line[--n] = '\0';
            cr_assert_eq(jw_ind_consume(L, ++seq, line, (size_t)n), 0);
        }
        free(line);
        cr_assert_eq(pclose(f), 0);
        cr_assert_eq(jw_ind_digest(L, d2), 0);
        jw_ind_close(L);
        (void)err;
    }
    cr_expect_eq(memcmp(d1, d2, 32), 0, "log state != live-events state");

    /* SPEC §4: indicator values do not depend on the arrival order. The same 52 messages
     * in reverse order (the withdrawal first) give the same indicator state. */
    {
        char rev_state[128], rev_ind[128];
        unsigned char d3[32];
        jw_store_t *rsrc;
        jw_ind_t *R;
        snprintf(rev_state, sizeof rev_state, "%s/rev", s.tmp);
        snprintf(rev_ind, sizeof rev_ind, "%s/rev-ind", s.tmp);
        sh("ls fixtures/scenarios/basic/*.xml fixtures/scenarios/withdrawal/*.xml | sort -r > %s/rev.list",
           s.tmp);
        /* same pseudonymisation key, so the same yids */
        sh("build/bin/jw-replay --direct --quiet --profile zuid-limburg --state %s --key-file %s/pseudonym.key "
           "--files-from %s/rev.list",
           rev_state, s.state, s.tmp);
        cr_assert_eq(jw_store_open(rev_state, &so, &rsrc), 0);
        cr_assert_eq(jw_ind_open(rev_ind, s.profile, NULL, &R), 0);
        cr_assert_eq(jw_ind_catch_up(R, rsrc, 0, NULL), 0);
        cr_assert_eq(jw_ind_digest(R, d3), 0);
        EQ(R, "IND-01", "2024", NULL, NULL, "youths", 8);
        jw_ind_close(R);
        jw_store_close(rsrc);
        cr_expect_eq(memcmp(d1, d3, 32), 0, "reverse arrival order gives another indicator state");
    }
    scen_close(&s);
}

/* ---- small cells ---- */

Test(indicators, suppression)
{
    scen_t s;
    scen_open(&s, "zuid-limburg", "fixtures/scenarios/basic");
    jw_ind_t *I = s.ind;
    /* threshold 5. IND-01 2024: total 9 and 0935's 5 are published, 0917's 4 is not;
     * stock 2024-12-31 by gemeente: 0935 = Y1 Y3 Y6 = 3, 0917 = Y7 Y9 = 2: both hidden */
    PUB(I, "IND-01", "2024", NULL, NULL, "youths", 9);
    PUB(I, "IND-01", "2024", "gemeente", G1, "youths", 5);
    SUPP(I, "IND-01", "2024", "gemeente", G2, "youths");
    SUPP(I, "IND-01", "2024", "gemeente", G1, "stock");
    SUPP(I, "IND-01", "2024", "gemeente", G2, "stock");
    /* the internal view shows them */
    EQ(I, "IND-01", "2024", "gemeente", G2, "youths", 4);
    /* IND-09 2024: 9 ended, 5 without a new start are published, but the share would reveal
     * the 4 who restarted (9 - 5 < 5): suppressed */
    PUB(I, "IND-09", "2024", NULL, NULL, "ended", 9);
    PUB(I, "IND-09", "2024", NULL, NULL, "without_restart", 5);
    SUPP(I, "IND-09", "2024", NULL, NULL, "share_pct");
    /* IND-11 2024: 1 drop-out of 6: the count and the share are hidden, the 6 stops are not */
    PUB(I, "IND-11", "2024", NULL, NULL, "stops", 6);
    SUPP(I, "IND-11", "2024", NULL, NULL, "dropouts");
    SUPP(I, "IND-11", "2024", NULL, NULL, "share_pct");
    /* IND-16 2024: 4 youths with declarations: the youths, the cost and the cost per youth */
    SUPP(I, "IND-16", "2024", NULL, NULL, "youths");
    SUPP(I, "IND-16", "2024", NULL, NULL, "cost_eur");
    SUPP(I, "IND-16", "2024", NULL, NULL, "per_youth_eur");
    /* IND-12 2024: n 10 published with its mean; segment wonen has one stop (Y2): hidden */
    PUB(I, "IND-12", "2024", NULL, NULL, "mean", 166.9);
    SUPP(I, "IND-12", "2024", "segment", "wonen", "n");
    SUPP(I, "IND-12", "2024", "segment", "wonen", "mean");
    SUPP(I, "IND-12", "2024", "segment", "wonen", "median");

    /* rendered: x in tables, null + "suppressed" in JSON, empty + the column name in CSV */
    jw_ind_query_t q;
    jw_ind_result_t r;
    jw_json_t o;
    char err[200];
    memset(&q, 0, sizeof q);
    q.indicator = "IND-01";
    q.has_period = 1;
    jw_ind_period_parse("2024", &q.period);
    q.by = JW_IND_BY_GEMEENTE;
    q.public_ = 1;
    cr_assert_eq(jw_ind_query(I, &q, &r, err, sizeof err), 0);
    jw_json_init(&o);
    cr_assert_eq(jw_ind_render(&r, JW_IND_FMT_JSON, &o), 0);
    cr_expect(strstr(o.buf, "\"key\":\"0917\",\"label\":\"Heerlen\",\"values\":{\"youths\":null,\"stock\":null,"
                            "\"per_1000_0_17\":null,\"per_1000_0_22\":null},\"suppressed\":[\"youths\",\"stock\"]") != NULL, "%s", o.buf);
    jw_json_reset(&o);
    cr_assert_eq(jw_ind_render(&r, JW_IND_FMT_CSV, &o), 0);
    cr_expect(strstr(o.buf, "IND-01,2024,0,gemeente,0917,Heerlen,,,,,youths;stock\r\n") != NULL, "%s", o.buf);
    cr_expect(strstr(o.buf, "IND-01,2024,0,total,,,9,5,,,\r\n") != NULL, "%s", o.buf);
    jw_json_reset(&o);
    cr_assert_eq(jw_ind_render(&r, JW_IND_FMT_TABLE, &o), 0);
    cr_expect(strstr(o.buf, "0917") && strstr(o.buf, " x "), "%s", o.buf);
    jw_json_free(&o);
    jw_ind_result_free(&r);
    scen_close(&s);
}

/* ---- incremental = rebuild ---- */

static void digest_of_fresh(const char *dir, const jw_profile_t *p, jw_store_t *src, size_t batch,
                            unsigned char out[32])
{
    jw_ind_t *ind;
    cr_assert_eq(jw_ind_open(dir, p, NULL, &ind), 0);
    cr_assert_eq(jw_ind_catch_up(ind, src, batch, NULL), 0);
    cr_assert_eq(jw_ind_digest(ind, out), 0);
    jw_ind_close(ind);
}

Test(indicators, live_equals_rebuild)
{
    char tmp[64], state[96], arch[96], a[128], b[128], err[256];
    jw_profile_t *p;
    jw_store_t *src;
    jw_store_options_t so;
    unsigned char d_inc[32], d_full[32], d_re[32];
    need_bin("jw-gen");
    need_bin("jw-replay");
    need_bin("jw-indicators");
    mktmp(tmp, sizeof tmp, "rebuild");
    snprintf(state, sizeof state, "%s/state", tmp);
    snprintf(arch, sizeof arch, "%s/archive", tmp);
    sh("build/bin/jw-gen --seed 2 --youths 300 --years 3 --out %s --quiet", arch);
    sh("build/bin/jw-replay --direct --quiet --state %s %s", state, arch);
    cr_assert_eq(jw_profile_load("zuid-limburg", &p, err, sizeof err), 0);
    memset(&so, 0, sizeof so);
    so.read_only = 1;
    cr_assert_eq(jw_store_open(state, &so, &src), 0);

    /* "live": small batches of 97 events, the store closed and reopened between them
     * (a restart resumes after the last committed seq) */
    snprintf(a, sizeof a, "%s/inc", tmp);
    uint64_t total = 0, n;
    for (int round = 0;; round++) {
        jw_ind_t *ind;
        cr_assert_eq(jw_ind_open(a, p, NULL, &ind), 0);
        /* one batch per open, except the last round which takes the rest */
        jw_ind_status_t st;
        cr_assert_eq(jw_ind_status(ind, &st), 0);
        cr_assert_eq(st.last_seq, total);
        cr_assert_eq(jw_ind_catch_up(ind, src, round < 20 ? 97 : 0, &n), 0);
        total += n;
        if (round >= 20 || n == 0) {
            cr_assert_eq(jw_ind_digest(ind, d_inc), 0);
            jw_ind_close(ind);
            break;
        }
        jw_ind_close(ind);
    }
    cr_assert_gt(total, 1000);
    /* a full catch-up in one go */
    snprintf(b, sizeof b, "%s/full", tmp);
    digest_of_fresh(b, p, src, 100000, d_full);
    cr_expect_eq(memcmp(d_inc, d_full, 32), 0, "incremental != full catch-up");
    jw_store_close(src);

    /* the program: --from-log then --rebuild print the same values */
    sh("build/bin/jw-indicators --quiet --state %s --from-log --print all --format json --series month "
       "--by segment > %s/one.json",
       state, tmp);
    sh("build/bin/jw-indicators --quiet --state %s --rebuild --print all --format json --series month "
       "--by segment > %s/two.json",
       state, tmp);
    sh("cmp -s %s/one.json %s/two.json", tmp, tmp);
    sh("build/bin/jw-indicators --quiet --state %s --print all --format csv --series rolling --by aanbieder "
       "> %s/three.csv && test -s %s/three.csv",
       state, tmp, tmp);
    /* and the rebuilt store equals the library's */
    {
        char dir[128];
        jw_ind_t *ind;
        snprintf(dir, sizeof dir, "%s/indicators", state);
        jw_ind_options_t io;
        memset(&io, 0, sizeof io);
        io.read_only = 1;
        cr_assert_eq(jw_ind_open(dir, p, &io, &ind), 0);
        cr_assert_eq(jw_ind_digest(ind, d_re), 0);
        jw_ind_close(ind);
    }
    cr_expect_eq(memcmp(d_re, d_full, 32), 0, "program rebuild != library");
    jw_profile_free(p);
    test_rm_rf(tmp);
}

/* ---- changing a store's profile (SPEC §6) ---- */

static void ind_digest_of_state(const char *tmp, const char *state, const char *profile, const char *tag,
                                unsigned char out[32])
{
    char err[256], dir[160];
    jw_profile_t *p;
    jw_store_t *src;
    jw_store_options_t so;
    cr_assert_eq(jw_profile_load(profile, &p, err, sizeof err), 0, "%s", err);
    memset(&so, 0, sizeof so);
    so.read_only = 1;
    cr_assert_eq(jw_store_open(state, &so, &src), 0);
    snprintf(dir, sizeof dir, "%s/ind-%s", tmp, tag);
    digest_of_fresh(dir, p, src, 500, out);
    jw_store_close(src);
    jw_profile_free(p);
}

/* `jwctl reprofile` re-derives a store under another profile without replaying: the
 * indicator store built from it equals (SHA-256 digest) the one from a fresh replay of the
 * same archive under that profile. Zuid-Limburg -> Twente -> CBS -> Zuid-Limburg, each step
 * compared with a fresh replay (the last one also checks that retractions of an earlier
 * profile's events are applied by id). */
Test(indicators, reprofile_equals_fresh_replay)
{
    char tmp[64], arch[96], key[96], a[96], fresh[96];
    unsigned char d_re[32], d_fresh[32];
    need_bin("jw-gen");
    need_bin("jw-replay");
    need_bin("jwctl");
    mktmp(tmp, sizeof tmp, "reprofile");
    snprintf(arch, sizeof arch, "%s/archive", tmp);
    snprintf(key, sizeof key, "%s/key", tmp);
    snprintf(a, sizeof a, "%s/a", tmp);
    sh("build/bin/jw-gen --seed 5 --youths 250 --years 3 --out %s --quiet", arch);
    sh("head -c 32 /dev/urandom > %s && chmod 600 %s", key, key);
    sh("build/bin/jw-replay --direct --quiet --profile zuid-limburg --key-file %s --state %s %s", key, a, arch);
    static const char *steps[] = {"twente", "cbs", "zuid-limburg"};
    for (int i = 0; i < 3; i++) {
        snprintf(fresh, sizeof fresh, "%s/fresh-%s", tmp, steps[i]);
        sh("build/bin/jwctl --state %s reprofile %s > /dev/null", a, steps[i]);
        sh("build/bin/jw-replay --direct --quiet --profile %s --key-file %s --state %s %s", steps[i], key,
           fresh, arch);
        char tag[64];
        snprintf(tag, sizeof tag, "re%d", i);
        ind_digest_of_state(tmp, a, steps[i], tag, d_re);
        snprintf(tag, sizeof tag, "fresh%d", i);
        ind_digest_of_state(tmp, fresh, steps[i], tag, d_fresh);
        cr_expect_eq(memcmp(d_re, d_fresh, 32), 0, "reprofiled to %s != fresh replay under %s", steps[i],
                     steps[i]);
        /* the live event sets agree too (ignoring seq) */
        sh("build/bin/jwctl --state %s events --live | sed 's/\"seq\":[0-9]*,//' | sort > %s/l1 && "
           "build/bin/jwctl --state %s events --live | sed 's/\"seq\":[0-9]*,//' | sort > %s/l2 && "
           "cmp -s %s/l1 %s/l2 && test -s %s/l1",
           a, tmp, fresh, tmp, tmp, tmp, tmp);
    }
    /* the same profile again changes nothing */
    sh("build/bin/jwctl --state %s reprofile zuid-limburg | grep -q 'nothing to do'", a);
    /* the program: --rebuild takes the state store's new profile */
    sh("build/bin/jw-indicators --quiet --state %s --rebuild --print IND-06 --period 2024 > /dev/null", a);
    test_rm_rf(tmp);
}

/* jw-indicators --compare: the return-to-care figures of three definitions over one store
 * (the basic scenario, derived under zuid-limburg), by hand from fixtures/scenarios/basic:
 *   2024 Zuid-Limburg (segment scope, 15-180 days): instroom 9, stapeling Y4/2002, doorstroom
 *     Y3/1005, hernieuwd Y6/1007, returns Y1/1002 + Y7/2006 = 2, uitstroom 9 (basic_zuid_limburg);
 *   2024 Twente (all care, >= 6 months, return class hernieuwd): instroom 8 (Y7's crisis 2005
 *     follows 2004 at gap 62: class recidive), stapeling 1, doorstroom Y3/1005 + Y7/2006 = 2,
 *     hernieuwd = returns = Y6/1007 = 1, uitstroom 10 stops - 2 continued (1004, 2005) = 8;
 *   2024 CBS (all care, 5 years, every gap >= 2): instroom 8, stapeling 1, doorstroom 1,
 *     hernieuwd 0, returns Y1/1002, Y6/1007, Y7/2005, Y7/2006 = 4, uitstroom 10 - 1 = 9;
 *   ended_before 2024 = uitstroom 2023 = 0 (no rate); 2025: instroom Y10 Y11 Y12 = 3, returns 0,
 *   uitstroom Y1/1002 Y7/2006 Y11 = 3, ended_before = uitstroom 2024, rate 0.00. */
Test(indicators, compare_definitions)
{
    char tmp[64], state[96];
    need_bin("jw-replay");
    need_bin("jw-indicators");
    mktmp(tmp, sizeof tmp, "compare");
    snprintf(state, sizeof state, "%s/state", tmp);
    sh("build/bin/jw-replay --direct --quiet --profile zuid-limburg --state %s fixtures/scenarios/basic", state);
    sh("build/bin/jw-indicators --state %s --compare zuid-limburg,twente,cbs --format csv | tr -d '\\r' > %s/c.csv",
       state, tmp);
    static const char *want[] = {
        "year,profile,return_class,instroom,stapeling,doorstroom,hernieuwd,returns,uitstroom,ended_before,rate_pct",
        "2024,zuid-limburg,recidive,9,1,1,1,2,9,0,",
        "2024,twente,hernieuwd,8,1,2,1,1,8,0,",
        "2024,cbs,recidive,8,1,1,0,4,9,0,",
        "2025,zuid-limburg,recidive,3,0,0,0,0,3,9,0.00",
        "2025,twente,hernieuwd,3,0,0,0,0,3,8,0.00",
        "2025,cbs,recidive,3,0,0,0,0,3,9,0.00",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        sh("grep -qFx '%s' %s/c.csv || { cat %s/c.csv; exit 1; }", want[i], tmp, tmp);
    /* the state store is not written: its own profile and events stay */
    sh("build/bin/jw-indicators --quiet --state %s --from-log --print IND-06 --period 2024 > /dev/null", state);
    /* a table, and an unknown profile is an error */
    sh("build/bin/jw-indicators --state %s --compare twente,cbs | grep -q 'Return to care under 2 definitions'", state);
    sh("! build/bin/jw-indicators --state %s --compare twente,nosuch 2>/dev/null", state);
    test_rm_rf(tmp);
}

/* ---- HTTP ---- */

typedef struct {
    int status;
    char ctype[128];
    char *body;
} resp_t;

static void http_get(int port, const char *raw, resp_t *r)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    size_t len = strlen(raw);
    cr_assert_eq(write(fd, raw, len), (ssize_t)len);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
        }
        ssize_t k = read(fd, buf + n, cap - n - 1);
        if (k <= 0) break;
        n += (size_t)k;
        /* a kept-alive connection stays open: stop after Content-Length bytes */
        buf[n] = '\0';
        const char *he = strstr(buf, "\r\n\r\n"), *cl = strcasestr(buf, "\r\nContent-Length:");
        if (he && cl && cl < he && n >= (size_t)(he + 4 - buf) + strtoul(cl + 17, NULL, 10)) break;
    }
    close(fd);
    buf[n] = '\0';
    memset(r, 0, sizeof *r);
    cr_assert(sscanf(buf, "HTTP/1.1 %d", &r->status) == 1, "bad response: %.200s", buf);
    const char *ct = strcasestr(buf, "\r\nContent-Type: ");
    if (ct) sscanf(ct + 16, "%127[^\r]", r->ctype);
    char *body = strstr(buf, "\r\n\r\n");
    r->body = strdup(body ? body + 4 : "");
    free(buf);
}

static void get(int port, const char *path, const char *extra_headers, resp_t *r)
{
    char req[1024];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n", path, extra_headers ? extra_headers : "");
    http_get(port, req, r);
}

Test(indicators, http)
{
    scen_t s;
    int out[2];
    resp_t r;
    need_bin("jw-indicators");
    scen_open(&s, "zuid-limburg", "fixtures/scenarios/basic");
    jw_ind_close(s.ind); /* the server opens the store itself */
    s.ind = NULL;
    cr_assert_eq(pipe(out), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* a failed assertion must not leave the server running */
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execl("build/bin/jw-indicators", "jw-indicators", "--quiet", "--state", s.state, "--ind-state",
              s.inddir, "--http", "127.0.0.1:0", "--internal", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[256] = "";
    size_t ln = 0;
    struct pollfd pf = {out[0], POLLIN, 0};
    while (ln < sizeof line - 1 && !strchr(line, '\n')) {
        cr_assert_gt(poll(&pf, 1, 15000), 0, "server did not start");
        ssize_t k = read(out[0], line + ln, sizeof line - 1 - ln);
        cr_assert_gt(k, 0, "server exited");
        ln += (size_t)k;
        line[ln] = '\0';
    }
    int port = 0;
    const char *p = strstr(line, "127.0.0.1:");
    cr_assert_not_null(p, "%s", line);
    port = atoi(p + 10);
    cr_assert_gt(port, 0);

    /* the catalogue */
    get(port, "/api/indicators", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.ctype, "application/json");
    cr_expect(strstr(r.body, "\"id\":\"IND-14b\"") && strstr(r.body, "\"definition\":"), "%s", r.body);
    free(r.body);
    /* one indicator as JSON, internal view: IND-01 2024 total = 9 youths, stock 5 (hand count above) */
    get(port, "/api/indicators/IND-01?period=2024&by=gemeente&view=internal", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.ctype, "application/json");
    cr_expect(strstr(r.body, "\"by\":\"total\",\"key\":\"\",\"label\":\"\",\"values\":{\"youths\":9,\"stock\":5,") != NULL,
              "%s", r.body);
    cr_expect(strstr(r.body, "\"key\":\"0917\"") != NULL);
    free(r.body);
    /* the same as CSV, by suffix and by Accept */
    get(port, "/api/indicators/IND-01.csv?period=2024&view=internal", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.ctype, "text/csv; charset=utf-8");
    cr_expect(strstr(r.body, "IND-01,2024,0,total,,,9,5,,,\r\n") != NULL, "%s", r.body);
    free(r.body);
    get(port, "/api/indicators/IND-01?period=2024&public=0", "Accept: text/csv\r\n", &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.ctype, "text/csv; charset=utf-8");
    cr_expect(strstr(r.body, "IND-01,2024,0,total,,,9,5,") != NULL, "%s", r.body);
    free(r.body);
    /* published, the default view: 0917's 4 youths hidden, the total of 9 shown */
    get(port, "/api/indicators/IND-01?period=2024&by=gemeente", NULL, &r);
    cr_expect(strstr(r.body, "\"youths\":null,\"stock\":null,\"per_1000_0_17\":null,\"per_1000_0_22\":null},\"suppressed\":[\"youths\",\"stock\"]") != NULL,
              "%s", r.body);
    cr_expect(strstr(r.body, "\"public\":true") && strstr(r.body, "\"values\":{\"youths\":9,\"stock\":5,"), "%s", r.body);
    free(r.body);
    get(port, "/api/indicators/IND-01?period=2024&by=gemeente&public=1", NULL, &r);
    cr_expect(strstr(r.body, "\"youths\":null,\"stock\":null,\"per_1000_0_17\":null,\"per_1000_0_22\":null},\"suppressed\":[\"youths\",\"stock\"]") != NULL,
              "%s", r.body);
    free(r.body);
    /* both views at once is a bad query */
    get(port, "/api/indicators/IND-01?view=internal&public=1", NULL, &r);
    cr_expect_eq(r.status, 400);
    free(r.body);
    /* metrics */
    get(port, "/metrics", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect(strncmp(r.ctype, "text/plain", 10) == 0, "%s", r.ctype);
    cr_expect(strstr(r.body, "jw_indicators_last_seq ") && strstr(r.body, "jw_indicators_events_consumed_total ") &&
              strstr(r.body, "jw_indicators_last_update_timestamp_seconds ") && strstr(r.body, "jw_indicators_lag_events 0\n"),
              "%s", r.body);
    free(r.body);
    /* dashboard: index and an indicator page with an SVG chart, no external resource */
    get(port, "/", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.ctype, "text/html; charset=utf-8");
    cr_expect(strstr(r.body, "href=\"/ind/IND-01\"") != NULL);
    free(r.body);
    get(port, "/ind/IND-01?period=2024&by=aanbieder", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.ctype, "text/html; charset=utf-8");
    cr_expect(strstr(r.body, "<svg") && strstr(r.body, "class=\"series\"") && strstr(r.body, "class=\"bar\""), "chart missing");
    cr_expect(!strstr(r.body, "src=\"http") && !strstr(r.body, "href=\"http") && !strstr(r.body, "<script"),
              "external resource or script in the page");
    free(r.body);
    /* bad queries: 400 with a message; unknown things: 404 */
    get(port, "/api/indicators/IND-01?period=2024-13", NULL, &r);
    cr_expect_eq(r.status, 400);
    cr_expect(strstr(r.body, "bad period") != NULL, "%s", r.body);
    free(r.body);
    get(port, "/api/indicators/IND-01?by=street", NULL, &r);
    cr_expect_eq(r.status, 400);
    free(r.body);
    get(port, "/api/indicators/IND-01?colour=red", NULL, &r);
    cr_expect_eq(r.status, 400);
    cr_expect(strstr(r.body, "unknown query parameter") != NULL, "%s", r.body);
    free(r.body);
    get(port, "/api/indicators/IND-01?period=%zz", NULL, &r);
    cr_expect_eq(r.status, 400);
    free(r.body);
    get(port, "/ind/IND-01?series=weekly", NULL, &r);
    cr_expect_eq(r.status, 400);
    free(r.body);
    get(port, "/api/indicators/IND-08", NULL, &r);
    cr_expect_eq(r.status, 404);
    free(r.body);
    get(port, "/nothing", NULL, &r);
    cr_expect_eq(r.status, 404);
    free(r.body);
    http_get(port, "POST /api/indicators HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", &r);
    cr_expect_eq(r.status, 405);
    free(r.body);
    {
        /* a malformed request line: a 400 or the connection closed at once */
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa;
        char rb[64] = "";
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
        cr_assert_eq(write(fd, "garbage\r\n\r\n", 11), 11);
        struct pollfd gp = {fd, POLLIN, 0};
        cr_expect_gt(poll(&gp, 1, 5000), 0, "no answer and no close within 5 s");
        ssize_t k = read(fd, rb, sizeof rb - 1);
        cr_expect(k == 0 || (k > 0 && strncmp(rb, "HTTP/1.1 400", 12) == 0), "%.60s", rb);
        close(fd);
    }
    {
        /* a head beyond the cap (12 KiB of memory per connection) */
        char *big = malloc(22000);
        snprintf(big, 22000, "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ");
        size_t l = strlen(big);
        memset(big + l, 'a', 20000);
        strcpy(big + l + 20000, "\r\n\r\n");
        http_get(port, big, &r);
        cr_expect_eq(r.status, 431);
        free(r.body);
        free(big);
    }
    /* still serving after all that */
    get(port, "/api/indicators/IND-03?period=2024", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect(strstr(r.body, "\"values\":{\"starts\":9,") != NULL, "%s", r.body);
    free(r.body);

    kill(pid, SIGTERM);
    int ws;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    cr_expect(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "server exit %d", ws);
    close(out[0]);
    scen_close(&s);
}

/* IND-16/17 with a JW325 (fixtures/scenarios/refusals): declared 100.00
 * (RF-A1) + 75.00 (RF-A2) = 175.00; the JW325 refuses RF-A2 (75.00), so
 * awarded = 175.00 - 75.00 = 100.00, for one youth (youth 2's only line is
 * refused). The refused JW301 and JW319 change no cost. */
Test(indicators, refused_declaration_lines)
{
    scen_t s;
    scen_open(&s, "zuid-limburg", "fixtures/scenarios/refusals");
    jw_ind_t *I = s.ind;
    EQ(I, "IND-17", "2025-03", NULL, NULL, "cost_eur", 100);
    EQ(I, "IND-17", "2025-03", NULL, NULL, "declared_eur", 175);
    EQ(I, "IND-17", "2025-03", NULL, NULL, "refused_eur", 75);
    EQ(I, "IND-17", "2025-03", NULL, NULL, "youths", 1);
    EQ(I, "IND-16", "2025", NULL, NULL, "per_youth_eur", 100);
    EQ(I, "IND-16", "2025", NULL, NULL, "refused_eur", 75);
    /* IND-24: the JW302 of 2025-01-08 refuses JW301 RF-301-A with 9332 (not
     * 0001); the accepting JW302 and the JW325 (lines only) refuse no message. */
    EQ(I, "IND-24", "2025-01", NULL, NULL, "refused", 1);
    EQ(I, "IND-24", "2025-01", NULL, NULL, "technical", 0);
    EQ(I, "IND-24", "2025-01", NULL, NULL, "other_codes", 1);
    EQ(I, "IND-24", "2025-01", NULL, NULL, "jw301", 1);
    EQ(I, "IND-24", "2025", NULL, NULL, "jw323", 0);
    /* IND-25: JW315 of 2025-04-15 with two requests; the JW319 of 2025-04-18
     * refuses one: 2 requests, 1 refused (50 %), 3 days to the answer. */
    EQ(I, "IND-25", "2025-04", NULL, NULL, "requests", 2);
    EQ(I, "IND-25", "2025-04", NULL, NULL, "refused", 1);
    EQ(I, "IND-25", "2025-04", NULL, NULL, "refused_pct", 50);
    EQ(I, "IND-25", "2025-04", NULL, NULL, "median_days", 3);
    scen_close(&s);
}
