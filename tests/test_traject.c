/* Tests for pkg/traject: classification at every boundary, retraction on
 * withdrawal and on end-date changes, version order, order invariance over
 * all arrival orders of a small history, duplicates, and batch atomicity.
 * Expected values are written from SPEC §3-4 and the profile definitions:
 * gap = A.start - P.end in days; Zuid-Limburg: stapeling gap < -14,
 * doorstroom -14..14, recidive 15..180, hernieuwd > 180, same segment. */
#include "traject_harness.h"

/* P: allocation 1, ambulant (45), ends 2024-03-31. A: allocation 2,
 * ambulant, starts at P.end + gap. */
static void prev_and_start(harness_t *h, int gap, const char *prev_end, const char *cat_a)
{
    jw_ijw_msg_t m;
    alloc_spec_t p = {.ident = "P1", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A,
                      .cat = "45", .code = "45A01", .tn = 1, .datum = "2023-12-15",
                      .ingang = "2024-01-01", .eind = prev_end};
    mk301(&m, &p);
    apply(h, &m);
    jw_ijw_msg_clear(&m);

    jw_date_t start = (prev_end ? hd(prev_end) : hd("2024-03-31")) + gap;
    char sd[11];
    jw_date_format(start, sd);
    alloc_spec_t a = {.ident = "A2", .gemeente = "0505", .aanbieder = "22222222", .yid = YID_A,
                      .cat = cat_a, .code = NULL, .tn = 2, .datum = "2023-12-20",
                      .ingang = sd, .eind = NULL};
    if (cat_a && strcmp(cat_a, "45") != 0) a.code = "43A01";
    mk301(&m, &a);
    apply(h, &m);
    jw_ijw_msg_clear(&m);
}

static void expect_class(const char *profile, int gap, const char *cls, const char *gap_json)
{
    harness_t h;
    live_t l;
    harness_open(&h, profile);
    prev_and_start(&h, gap, "2024-03-31", "45");
    live_load(&h, &l);
    const char *s = live_find(&l, "start", 2);
    char want[32];
    snprintf(want, sizeof want, "\"%s\"", cls);
    cr_assert(has(s, "class", want), "%s gap %d: expected %s in %s", profile, gap, cls, s);
    cr_assert(has(s, "gap_days", gap_json), "gap_days %s in %s", gap_json, s);
    cr_assert(strstr(s, "\"prev\":{\"gemeente\":\"0505\",\"toewijzing\":1,\"aanbieder\":\"11111111\",\"end\":\"2024-03-31\"}"),
              "prev in %s", s);
    live_free(&l);
    harness_close(&h);
}

Test(classify_zl, gap_minus_15_stapeling) { expect_class("zuid-limburg", -15, "stapeling", "-15"); }
Test(classify_zl, gap_minus_14_doorstroom) { expect_class("zuid-limburg", -14, "doorstroom", "-14"); }
Test(classify_zl, gap_14_doorstroom) { expect_class("zuid-limburg", 14, "doorstroom", "14"); }
Test(classify_zl, gap_15_recidive) { expect_class("zuid-limburg", 15, "recidive", "15"); }
Test(classify_zl, gap_180_recidive) { expect_class("zuid-limburg", 180, "recidive", "180"); }
Test(classify_zl, gap_181_hernieuwd) { expect_class("zuid-limburg", 181, "hernieuwd", "181"); }

Test(classify_zl, open_ended_previous_is_stapeling)
{
    harness_t h;
    live_t l;
    harness_open(&h, "zuid-limburg");
    prev_and_start(&h, 400, NULL, "45"); /* P has no end: gap is -infinity */
    live_load(&h, &l);
    const char *s = live_find(&l, "start", 2);
    cr_assert(has(s, "class", "\"stapeling\""), "%s", s);
    cr_assert(has(s, "gap_days", "null"), "%s", s);
    cr_assert(strstr(s, "\"end\":null"), "%s", s);
    live_free(&l);
    harness_close(&h);
}

Test(classify_zl, first_episode_is_instroom_and_other_segment_too)
{
    harness_t h;
    live_t l;
    harness_open(&h, "zuid-limburg");
    prev_and_start(&h, 30, "2024-03-31", "43"); /* 43 is not ambulant */
    live_load(&h, &l);
    const char *p = live_find(&l, "start", 1);
    const char *s = live_find(&l, "start", 2);
    cr_assert(has(p, "class", "\"instroom\""), "%s", p);
    cr_assert(has(p, "prev", "null"), "%s", p);
    cr_assert(has(s, "class", "\"instroom\""), "ZL scope is the segment: %s", s);
    live_free(&l);
    harness_close(&h);
}

Test(classify_zl, recidive_event_and_transfer_event)
{
    harness_t h;
    live_t l;
    /* gap 15 with another provider: recidive class -> a recidive event. */
    harness_open(&h, "zuid-limburg");
    prev_and_start(&h, 15, "2024-03-31", "45");
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "recidive"), 1);
    cr_assert_eq(live_count(&l, "transfer"), 0);
    live_free(&l);
    harness_close(&h);

    /* gap 1 with another provider: doorstroom -> a transfer event, and the
     * previous stop is marked continued. */
    harness_open(&h, "zuid-limburg");
    prev_and_start(&h, 1, "2024-03-31", "45");
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "recidive"), 0);
    cr_assert_eq(live_count(&l, "transfer"), 1);
    const char *t = live_find(&l, "transfer", 2);
    cr_assert(has(t, "from_aanbieder", "\"11111111\"") && has(t, "to_aanbieder", "\"22222222\""), "%s", t);
    cr_assert(has(t, "date", "\"2024-04-01\""), "%s", t);
    const char *stop = live_find(&l, "stop", 1);
    cr_assert(has(stop, "continued", "true"), "%s", stop);
    cr_assert(has(stop, "duration_days", "91"), "2024-01-01..2024-03-31 is 91 days: %s", stop);
    live_free(&l);
    harness_close(&h);
}

/* Twente: return to care after >= 6 calendar months without allocation,
 * any segment (profiles/twente.profile). P ends 2024-03-31: the first day
 * without allocation is 2024-04-01; six months later is 2024-10-01. */
Test(classify_twente, six_month_boundary_any_segment)
{
    harness_t h;
    live_t l;
    int gap_before = (int)(hd("2024-09-30") - hd("2024-03-31"));
    int gap_at = (int)(hd("2024-10-01") - hd("2024-03-31"));

    harness_open(&h, "twente");
    prev_and_start(&h, gap_before, "2024-03-31", "43");
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "recidive"), 0, "5 months 30 days is not a return");
    live_free(&l);
    harness_close(&h);

    harness_open(&h, "twente");
    prev_and_start(&h, gap_at, "2024-03-31", "43");
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "recidive"), 1, "6 months without care is a return (other segment)");
    live_free(&l);
    harness_close(&h);

    /* The same data under Zuid-Limburg: other segment, so instroom. */
    harness_open(&h, "zuid-limburg");
    prev_and_start(&h, gap_at, "2024-03-31", "43");
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "recidive"), 0);
    cr_assert(has(live_find(&l, "start", 2), "class", "\"instroom\""));
    live_free(&l);
    harness_close(&h);
}

/* ---- retraction ---- */

/* P (tn 1 of prev_and_start) is withdrawn: a newer version with
 * RedenWijziging 13 and Einddatum = Ingangsdatum. */
static void withdraw_p(harness_t *h)
{
    jw_ijw_msg_t m;
    alloc_spec_t w = {.ident = "P1w", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A,
                      .cat = "45", .code = "45A01", .tn = 1, .datum = "2024-02-01",
                      .ingang = "2024-01-01", .eind = "2024-01-01", .reden = 13};
    mk301(&m, &w);
    apply(h, &m);
    jw_ijw_msg_clear(&m);
}

Test(retract, withdrawal_reclassifies_later_start)
{
    harness_t h;
    live_t l;
    harness_open(&h, "zuid-limburg");
    /* P ends 2024-03-31; A starts 2024-04-10 (gap 10, doorstroom). */
    prev_and_start(&h, 10, "2024-03-31", "45");
    live_load(&h, &l);
    const char *s = live_find(&l, "start", 2);
    cr_assert(has(s, "class", "\"doorstroom\""), "%s", s);
    char old_id[17] = "";
    sscanf(strstr(s, "\"id\":\"") + 6, "%16[0-9a-f]", old_id);
    live_free(&l);

    uint64_t retracted_before = h.counts.events_retracted;
    withdraw_p(&h);
    live_load(&h, &l);
    s = live_find(&l, "start", 2);
    cr_assert(has(s, "class", "\"instroom\""), "after withdrawal A is instroom: %s", s);
    cr_assert_null(live_find(&l, "start", 1), "a voided allocation has no start");
    cr_assert_null(live_find(&l, "stop", 1));
    cr_assert_null(strstr(s, old_id), "A has a new id");
    /* Retracted: P's start and stop, A's old start and its transfer. */
    cr_assert_eq(h.counts.events_retracted - retracted_before, 4); /* + the transfer */
    live_free(&l);
    harness_close(&h);
}

/* Liveness, worked out from the log alone: an event is live unless it is
 * a retract event or some retract event names its seq (retracts_seq).
 * jw_traject_event_live must say the same for every seq, and the live
 * listing must hold exactly those events. */
typedef struct {
    uint64_t retracted[64], retract_seq[64], all[64];
    int is_retract[64];
    size_t n_retracted, n;
} log_facts_t;

static int log_facts_cb(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    log_facts_t *f = ctx;
    jw_event_view_t v;
    char type[16];
    int64_t rs;
    cr_assert_eq(jw_event_view(rec, len, &v), 0);
    cr_assert_eq(jw_event_get_str(&v, JW_EK_TYPE, type, sizeof type), 0);
    cr_assert_lt(f->n, 64);
    f->all[f->n] = seq;
    f->is_retract[f->n++] = strcmp(type, "retract") == 0;
    if (strcmp(type, "retract") == 0) {
        cr_assert_eq(jw_event_get_int(&v, JW_EK_RETRACTS_SEQ, &rs), 0);
        f->retracted[f->n_retracted++] = (uint64_t)rs;
    }
    return 0;
}

typedef struct {
    log_facts_t f;
    int live[64];
    int beyond;
    size_t listed;
} live_check_t;

static int listed_cb(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    (void)seq; (void)rec; (void)len;
    ((live_check_t *)ctx)->listed++;
    return 0;
}

static int live_check_read(jw_txn_t *txn, void *ctx)
{
    live_check_t *c = ctx;
    int rc = jw_store_events_since(txn, 0, log_facts_cb, &c->f);
    for (size_t i = 0; !rc && i < c->f.n; i++) rc = jw_traject_event_live(txn, c->f.all[i], &c->live[i]);
    if (!rc) rc = jw_traject_event_live(txn, c->f.all[c->f.n - 1] + 1, &c->beyond);
    if (!rc) rc = jw_traject_live_events(txn, listed_cb, c);
    return rc;
}

Test(retract, liveness_follows_retractions)
{
    harness_t h;
    live_t l;
    harness_open(&h, "zuid-limburg");
    prev_and_start(&h, 10, "2024-03-31", "45");
    withdraw_p(&h);

    live_check_t c;
    memset(&c, 0, sizeof c);
    cr_assert_eq(jw_store_read(h.store, live_check_read, &c), 0);
    cr_assert_geq(c.f.n_retracted, 4, "at least P's start and stop, A's start and transfer: %zu", c.f.n_retracted);
    size_t n_live = 0;
    for (size_t i = 0; i < c.f.n; i++) {
        int want = !c.f.is_retract[i];
        for (size_t r = 0; r < c.f.n_retracted; r++)
            if (c.f.retracted[r] == c.f.all[i]) want = 0;
        cr_assert_eq(c.live[i], want, "seq %llu", (unsigned long long)c.f.all[i]);
        n_live += (size_t)want;
    }
    cr_assert_eq(c.beyond, 0, "a seq past the log is not live");
    cr_assert_eq(c.listed, n_live);
    live_load(&h, &l);
    cr_assert_eq(l.n, n_live);
    live_free(&l);
    harness_close(&h);
}

Test(retract, end_date_change_and_older_version_late)
{
    harness_t h;
    live_t l;
    jw_ijw_msg_t m;
    harness_open(&h, "zuid-limburg");
    alloc_spec_t v1 = {.ident = "V1", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A,
                       .tn = 7, .datum = "2024-01-01", .ingang = "2024-01-01", .eind = "2024-12-31"};
    alloc_spec_t v2 = v1;
    v2.ident = "V2";
    v2.datum = "2024-05-01";
    v2.eind = "2024-06-30";
    v2.reden = 5;

    mk301(&m, &v2); /* the newer version first */
    apply(&h, &m);
    jw_ijw_msg_clear(&m);
    live_load(&h, &l);
    cr_assert(has(live_find(&l, "stop", 7), "date", "\"2024-06-30\""));
    cr_assert(has(live_find(&l, "stop", 7), "reason", "\"05\""));
    live_free(&l);

    live_load(&h, &l);
    char stop_before[600];
    snprintf(stop_before, sizeof stop_before, "%s", live_find(&l, "stop", 7));
    live_free(&l);
    uint64_t retracted = h.counts.events_retracted;
    mk301(&m, &v1); /* the older version arrives late: the newer one still wins */
    apply(&h, &m);
    jw_ijw_msg_clear(&m);
    live_load(&h, &l);
    cr_assert_str_eq(live_find(&l, "stop", 7), stop_before, "the stop must not change");
    const char *st = live_find(&l, "start", 7);
    cr_assert(has(st, "msg", "\"436/0505/V2\""), "the start still comes from V2: %s", st);
    /* The only new information in V1 is the earlier Toewijzingsdatum, the
     * start of the wait clock (docs/decisions.md): the start is re-issued. */
    cr_assert(has(st, "toewijzingsdatum", "\"2024-01-01\""), "%s", st);
    cr_assert_eq(h.counts.events_retracted - retracted, 1);
    live_free(&l);
    retracted = h.counts.events_retracted;

    alloc_spec_t v3 = v1; /* extension: a newer version moves the end */
    v3.ident = "V3";
    v3.datum = "2024-06-15";
    v3.eind = "2024-09-30";
    v3.reden = 4;
    mk301(&m, &v3);
    apply(&h, &m);
    jw_ijw_msg_clear(&m);
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "stop"), 1);
    cr_assert(has(live_find(&l, "stop", 7), "date", "\"2024-09-30\""));
    cr_assert(has(live_find(&l, "stop", 7), "duration_days", "274"));
    cr_assert_eq(h.counts.events_retracted - retracted, 2, "old stop and start (new msg) retracted");
    live_free(&l);
    harness_close(&h);
}

Test(retract, same_timestamp_versions_resolve_the_same_way)
{
    /* Two versions with equal Toewijzingsdatum/-tijd: both orders agree. */
    alloc_spec_t a = {.ident = "T1", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A,
                      .tn = 9, .datum = "2024-01-01", .ingang = "2024-01-01", .eind = "2024-06-30"};
    alloc_spec_t b = a;
    b.ident = "T2";
    b.eind = "2024-08-31";
    char *end[2];
    for (int order = 0; order < 2; order++) {
        harness_t h;
        live_t l;
        jw_ijw_msg_t m;
        harness_open(&h, "zuid-limburg");
        mk301(&m, order ? &b : &a);
        apply(&h, &m);
        jw_ijw_msg_clear(&m);
        mk301(&m, order ? &a : &b);
        apply(&h, &m);
        jw_ijw_msg_clear(&m);
        live_load(&h, &l);
        const char *s = live_find(&l, "stop", 9);
        end[order] = strdup(strstr(s, "\"date\":"));
        live_free(&l);
        harness_close(&h);
    }
    cr_assert_str_eq(end[0], end[1]);
    free(end[0]);
    free(end[1]);
}

/* ---- order invariance over every arrival order of a small history ---- */

static const alloc_spec_t history[] = {
    {.ident = "H1", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A, .tn = 1,
     .datum = "2023-01-05", .ingang = "2023-01-10", .eind = "2023-06-30"},
    {.ident = "H2", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A, .tn = 1,
     .datum = "2023-04-01", .ingang = "2023-01-10", .eind = "2023-04-15", .reden = 9},
    {.ident = "H3", .gemeente = "0505", .aanbieder = "22222222", .yid = YID_A, .tn = 2,
     .datum = "2023-04-10", .ingang = "2023-04-16", .eind = "2023-10-31"},
    {.ident = "H4", .gemeente = "0505", .aanbieder = "22222222", .yid = YID_A, .tn = 3,
     .datum = "2024-02-01", .ingang = "2024-02-15", .eind = NULL},
    {.ident = "H5", .gemeente = "0505", .aanbieder = "33333333", .yid = YID_A, .tn = 4,
     .cat = "43", .code = "43A01", .datum = "2023-08-01", .ingang = "2023-08-01", .eind = "2023-08-01",
     .reden = 13},
};
#define N_HISTORY (sizeof history / sizeof history[0])

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The live set as one string: event JSON without "seq", sorted. */
static char *live_signature(harness_t *h)
{
    live_t l;
    live_load(h, &l);
    size_t total = 1;
    for (size_t i = 0; i < l.n; i++) {
        char *s = strstr(l.json[i], "\"seq\":");
        char *e = strchr(s, ',');
        memmove(s, e + 1, strlen(e + 1) + 1);
        total += strlen(l.json[i]) + 1;
    }
    qsort(l.json, l.n, sizeof *l.json, cmp_strp);
    char *sig = malloc(total);
    sig[0] = '\0';
    for (size_t i = 0; i < l.n; i++) {
        strcat(sig, l.json[i]);
        strcat(sig, "\n");
    }
    live_free(&l);
    return sig;
}

static void run_order(const size_t *order, int twice, char **sig)
{
    harness_t h;
    harness_open(&h, "zuid-limburg");
    for (int rep = 0; rep <= twice; rep++)
        for (size_t i = 0; i < N_HISTORY; i++) {
            jw_ijw_msg_t m;
            mk301(&m, &history[order[i]]);
            apply(&h, &m);
            jw_ijw_msg_clear(&m);
        }
    *sig = live_signature(&h);
    harness_close(&h);
}

Test(order, every_permutation_same_live_set, .timeout = 120)
{
    size_t idx[N_HISTORY];
    char *ref, *sig;
    for (size_t i = 0; i < N_HISTORY; i++) idx[i] = i;
    run_order(idx, 0, &ref);
    /* Expected by hand: 1 ends 2023-04-15 (reden 09), 2 starts the next day
     * at another provider (gap 1: doorstroom + transfer), 3 starts 107 days
     * after 2 ended (recidive), 4 is void; 3 is open-ended. */
    cr_assert(strstr(ref, "\"type\":\"transfer\""), "%s", ref);
    cr_assert(strstr(ref, "\"class\":\"recidive\",\"gap_days\":107"), "%s", ref);
    cr_assert_null(strstr(ref, "\"toewijzing\":4,"), "void allocation leaves no event: %s", ref);

    /* Heap's algorithm over all 120 orders. */
    size_t c[N_HISTORY] = {0};
    int orders = 1;
    size_t i = 1;
    while (i < N_HISTORY) {
        if (c[i] < i) {
            size_t k = (i % 2 == 0) ? 0 : c[i];
            size_t tmp = idx[k];
            idx[k] = idx[i];
            idx[i] = tmp;
            run_order(idx, orders % 7 == 0, &sig); /* every 7th order delivered twice */
            cr_assert_str_eq(sig, ref, "order %d differs", orders);
            free(sig);
            orders++;
            c[i]++;
            i = 1;
        } else {
            c[i] = 0;
            i++;
        }
    }
    cr_assert_eq(orders, 120);
    free(ref);
}

Test(order, duplicates_counted_not_applied)
{
    harness_t h;
    jw_ijw_msg_t m;
    harness_open(&h, "zuid-limburg");
    mk301(&m, &history[0]);
    apply(&h, &m);
    uint64_t emitted = h.counts.events_emitted;
    apply(&h, &m);
    apply(&h, &m);
    jw_ijw_msg_clear(&m);
    cr_assert_eq(h.counts.applied, 1);
    cr_assert_eq(h.counts.duplicates, 2);
    cr_assert_eq(h.counts.events_emitted, emitted);
    harness_close(&h);
}

/* ---- a failing batch leaves nothing ---- */

static int count_cb(const void *k, size_t kl, const void *v, size_t vl, void *ctx)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(int *)ctx)++;
    return 0;
}

static int count_all(jw_txn_t *txn, void *ctx)
{
    int *n = ctx;
    for (int db = 0; db < JW_DB_META; db++) {
        int rc = jw_store_iter(txn, (jw_db_t)db, NULL, 0, count_cb, n);
        if (rc) return rc;
    }
    return 0;
}

Test(atomic, failure_mid_batch_leaves_no_partial_state)
{
    harness_t h;
    jw_ijw_msg_t m;
    int before = 0, after = 0;
    harness_open(&h, "zuid-limburg");
    cr_assert_eq(jw_store_read(h.store, count_all, &before), 0);
    mk301(&m, &history[0]);
    apply_ctx_t a = {&h, &m, 1}; /* applies, then fails before commit */
    cr_assert_eq(jw_store_write(h.store, apply_fn, &a), 1);
    cr_assert_eq(jw_store_read(h.store, count_all, &after), 0);
    cr_assert_eq(after, before, "records left behind: %d -> %d", before, after);
    /* and the same message applies normally afterwards */
    memset(&h.counts, 0, sizeof h.counts);
    apply(&h, &m);
    cr_assert_eq(h.counts.applied, 1);
    jw_ijw_msg_clear(&m);
    harness_close(&h);
}

/* ---- deliveries: corrected starts, temporary and definitive stops ---- */

#include "indicators/indicators.h"

/* A JW305 (stop == NULL) or JW307 with one StartProduct/StopProduct for
 * allocation tn of gemeente 0505, sent by aanbieder 11111111 on datum. */
typedef struct {
    const char *ident, *datum;
    long tn;
    const char *begin, *eind; /* eind only for a JW307 */
    int reden;                /* JW307 RedenBeeindiging */
    int status;               /* StatusAanlevering: 1 or 3 */
} lev_spec_t;

static void mk30x(jw_ijw_msg_t *m, const lev_spec_t *s)
{
    int stop = s->eind != NULL;
    jw_ijw_msg_init(m);
    m->type = stop ? JW_MSG_307 : JW_MSG_305;
    m->header.berichtcode = stop ? 440 : 438;
    m->header.versie = 3;
    m->header.subversie = 2;
    m->header.release = 2;
    snprintf(m->header.afzender, sizeof m->header.afzender, "11111111");
    snprintf(m->header.ontvanger, sizeof m->header.ontvanger, "0505");
    snprintf(m->header.identificatie, sizeof m->header.identificatie, "%s", s->ident);
    m->header.dagtekening = hd(s->datum);
    m->clients = calloc(1, sizeof *m->clients);
    m->n_clients = m->cap_clients = 1;
    snprintf(m->clients[0].yid, sizeof m->clients[0].yid, "%s", YID_A);
    m->clients[0].bsn_valid = 1;
    m->leveringen = calloc(1, sizeof *m->leveringen);
    m->n_leveringen = m->cap_leveringen = 1;
    jw_ijw_levering_t *l = &m->leveringen[0];
    l->toewijzingnummer = s->tn;
    snprintf(l->categorie, sizeof l->categorie, "45");
    snprintf(l->code, sizeof l->code, "45A01");
    l->toewijzing_ingangsdatum = JW_DATE_NONE;
    l->begindatum = hd(s->begin);
    l->einddatum = stop ? hd(s->eind) : JW_DATE_NONE;
    l->reden_beeindiging = stop ? s->reden : JW_NONE;
    l->status = s->status;
}

static void apply_lev(harness_t *h, const lev_spec_t *s)
{
    jw_ijw_msg_t m;
    mk30x(&m, s);
    apply(h, &m);
    jw_ijw_msg_clear(&m);
}

static void alloc_7(harness_t *h)
{
    jw_ijw_msg_t m;
    /* allocated 2024-01-10, from 2024-01-15, open */
    alloc_spec_t a = {.ident = "T7", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A,
                      .cat = "45", .code = "45A01", .tn = 7, .datum = "2024-01-10",
                      .ingang = "2024-01-15", .eind = NULL};
    mk301(&m, &a);
    apply(h, &m);
    jw_ijw_msg_clear(&m);
}

/* Feed the harness's whole event log to a fresh indicator store. */
static jw_ind_t *ind_from_log(harness_t *h, char *dir, size_t cap)
{
    jw_ind_t *ind = NULL;
    snprintf(dir, cap, "/tmp/jw-traject-ind-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(jw_ind_open(dir, h->profile, NULL, &ind), 0);
    cr_assert_eq(jw_ind_catch_up(ind, h->store, 0, NULL), 0);
    return ind;
}

static double ind_value(jw_ind_t *ind, const char *id, const char *period, const char *col)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    char err[200];
    memset(&q, 0, sizeof q);
    q.indicator = id;
    q.has_period = 1;
    cr_assert_eq(jw_ind_period_parse(period, &q.period), 0);
    cr_assert_eq(jw_ind_query(ind, &q, &r, err, sizeof err), 0, "%s", err);
    double v = -1;
    for (size_t c = 0; c < r.def->n_cols; c++)
        if (strcmp(r.def->cols[c].name, col) == 0 && r.n_rows && r.rows[0].v[c].state == JW_IND_V_OK)
            v = r.rows[0].v[c].v;
    jw_ind_result_free(&r);
    return v;
}

static void ind_drop(jw_ind_t *ind, const char *dir)
{
    jw_ind_close(ind);
    nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* A JW305 deleted with StatusAanlevering 3 and sent again with a later
 * Begindatum: the corrected start is the allocation's first live start,
 * so it carries the wait (IND-14). Allocation 7: Toewijzingsdatum
 * 2024-01-10. First report: start 2024-01-20 (wait 10 days). Delete it,
 * report 2024-02-01 instead: wait = 2024-02-01 - 2024-01-10 = 21 (rest of
 * January after the 10th) + 1 = 22 days. */
Test(deliveries, corrected_start_after_delete_keeps_the_wait)
{
    harness_t h;
    live_t l;
    char dir[64];
    harness_open(&h, "zuid-limburg");
    alloc_7(&h);
    apply_lev(&h, &(lev_spec_t){"S1", "2024-01-22", 7, "2024-01-20", NULL, 0, 1});
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "delivery_start"), 1);
    cr_assert(has(live_find(&l, "delivery_start", 7), "wait_days", "10"), "%s",
              live_find(&l, "delivery_start", 7));
    live_free(&l);

    /* the delete, and the corrected start in another message of the same day */
    apply_lev(&h, &(lev_spec_t){"S2", "2024-02-05", 7, "2024-01-20", NULL, 0, 3});
    apply_lev(&h, &(lev_spec_t){"S3", "2024-02-05", 7, "2024-02-01", NULL, 0, 1});
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "delivery_start"), 1, "the deleted start is gone");
    const char *s = live_find(&l, "delivery_start", 7);
    cr_assert(has(s, "date", "\"2024-02-01\""), "%s", s);
    cr_assert(has(s, "wait_days", "22"), "the corrected start carries the wait: %s", s);
    live_free(&l);

    /* IND-14 2024-Q1: one start, wait 22; the allocation is no longer waiting */
    jw_ind_t *ind = ind_from_log(&h, dir, sizeof dir);
    cr_expect_eq(ind_value(ind, "IND-14", "2024-Q1", "n"), 1);
    cr_expect_eq(ind_value(ind, "IND-14", "2024-Q1", "median"), 22);
    cr_expect_eq(ind_value(ind, "IND-14", "2024-01", "n"), 0); /* the deleted start was in January */
    ind_drop(ind, dir);
    harness_close(&h);
}

/* A later Begindatum replacing an earlier one under a *different* key is
 * two starts: the earlier stays first. And a replaced fact (same key, a
 * later message) is not an earlier start of its own. */
Test(deliveries, superseded_fact_is_not_an_earlier_start)
{
    harness_t h;
    live_t l;
    harness_open(&h, "zuid-limburg");
    alloc_7(&h);
    /* the same start reported twice (status 1 both): one fact, wait 2024-01-25 - 01-10 = 15 */
    apply_lev(&h, &(lev_spec_t){"S1", "2024-01-26", 7, "2024-01-25", NULL, 0, 1});
    apply_lev(&h, &(lev_spec_t){"S2", "2024-01-29", 7, "2024-01-25", NULL, 0, 1});
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "delivery_start"), 1);
    cr_assert(has(live_find(&l, "delivery_start", 7), "wait_days", "15"));
    live_free(&l);
    /* a start on 2024-03-01 too (a second JW305 on the allocation): no wait of its own */
    apply_lev(&h, &(lev_spec_t){"S3", "2024-03-04", 7, "2024-03-01", NULL, 0, 1});
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "delivery_start"), 2);
    size_t with_wait = 0;
    for (size_t i = 0; i < l.n; i++)
        if (strstr(l.json[i], "\"delivery_start\"") && has(l.json[i], "wait_days", "15")) with_wait++;
        else if (strstr(l.json[i], "\"delivery_start\""))
            cr_assert(has(l.json[i], "wait_days", "null"), "%s", l.json[i]);
    cr_assert_eq(with_wait, 1);
    live_free(&l);
    harness_close(&h);
}

/* SPEC §3: a temporary stop (reden 20) and the definitive stop on the same
 * start are two facts and two reports; the delivery episode ends at the
 * definitive stop. Start 2024-01-20 (reported 01-22), temporary stop
 * 2024-03-01 (reported 03-04), definitive stop 2024-05-31 reason 31
 * (reported 06-03). */
Test(deliveries, temporary_and_definitive_stop)
{
    harness_t h;
    live_t l;
    char dir[64];
    harness_open(&h, "zuid-limburg");
    alloc_7(&h);
    apply_lev(&h, &(lev_spec_t){"S1", "2024-01-22", 7, "2024-01-20", NULL, 0, 1});
    apply_lev(&h, &(lev_spec_t){"E1", "2024-03-04", 7, "2024-01-20", "2024-03-01", 20, 1});
    apply_lev(&h, &(lev_spec_t){"E2", "2024-06-03", 7, "2024-01-20", "2024-05-31", 31, 1});
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "delivery_stop"), 2, "two facts");
    int tmp = 0, def = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (!strstr(l.json[i], "\"delivery_stop\"")) continue;
        if (has(l.json[i], "reason", "\"20\"") && has(l.json[i], "date", "\"2024-03-01\"")) tmp++;
        if (has(l.json[i], "reason", "\"31\"") && has(l.json[i], "date", "\"2024-05-31\"")) def++;
    }
    cr_assert(tmp == 1 && def == 1, "temporary %d definitive %d", tmp, def);
    live_free(&l);

    /* IND-11 2024: one delivery stop (the temporary one is not an end), no drop-out.
     * IND-23 2024: three reports (start, temporary stop, definitive stop): 01-22 is the
     * 2nd working day after 01-20 (Saturday): on time; 03-04 the 1st after 03-01 (Friday);
     * 06-03 the 1st after 05-31 (Friday): 3 of 3. */
    jw_ind_t *ind = ind_from_log(&h, dir, sizeof dir);
    cr_expect_eq(ind_value(ind, "IND-11", "2024", "stops"), 1);
    cr_expect_eq(ind_value(ind, "IND-11", "2024", "dropouts"), 0);
    cr_expect_eq(ind_value(ind, "IND-23", "2024", "reports"), 3);
    cr_expect_eq(ind_value(ind, "IND-23", "2024", "on_time"), 3);
    ind_drop(ind, dir);

    /* deleting the temporary stop leaves the definitive one */
    apply_lev(&h, &(lev_spec_t){"E3", "2024-06-10", 7, "2024-01-20", "2024-03-01", 20, 3});
    live_load(&h, &l);
    cr_assert_eq(live_count(&l, "delivery_stop"), 1);
    cr_assert(has(live_find(&l, "delivery_stop", 7), "reason", "\"31\""));
    live_free(&l);
    harness_close(&h);
}

/* ---- conflicts name their source ---- */

typedef struct {
    harness_t *h;
    const jw_ijw_msg_t *m;
    const char *source;
    jw_outcome_t outcome;
} from_ctx_t;

static int apply_from_fn(jw_txn_t *txn, void *ctx)
{
    from_ctx_t *c = ctx;
    unsigned char hash[32];
    msg_hash(c->m, hash);
    int rc = jw_traject_check_profile(c->h->traject, txn);
    if (rc) return rc;
    return jw_traject_apply_from(c->h->traject, txn, c->m, c->source, hash, &c->outcome,
                                 &c->h->counts);
}

static jw_outcome_t apply_from(harness_t *h, const jw_ijw_msg_t *m, const char *source)
{
    from_ctx_t c = {h, m, source, JW_APPLIED};
    int rc = jw_store_write(h->store, apply_from_fn, &c);
    cr_assert_eq(rc, 0, "apply: %s", jw_traject_strerror(rc));
    return c.outcome;
}

static int dl_cb(const void *k, size_t kl, const void *v, size_t vl, void *ctx)
{
    (void)k; (void)kl;
    live_t *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->json = realloc(l->json, l->cap * sizeof *l->json);
    }
    l->json[l->n++] = strndup(v, vl);
    return 0;
}

static int dl_read(jw_txn_t *txn, void *ctx)
{
    return jw_store_iter(txn, JW_DB_DEADLETTERS, NULL, 0, dl_cb, ctx);
}

static void mk323(jw_ijw_msg_t *m, const char *ident, const char *ref, int64_t cents)
{
    jw_ijw_msg_init(m);
    m->type = JW_MSG_323;
    m->header.berichtcode = 490;
    m->header.versie = 3;
    m->header.subversie = 2;
    m->header.release = 2;
    snprintf(m->header.afzender, sizeof m->header.afzender, "11111111");
    snprintf(m->header.ontvanger, sizeof m->header.ontvanger, "0505");
    snprintf(m->header.identificatie, sizeof m->header.identificatie, "%s", ident);
    m->header.dagtekening = hd("2024-03-05");
    m->clients = calloc(1, sizeof *m->clients);
    m->n_clients = m->cap_clients = 1;
    snprintf(m->clients[0].yid, sizeof m->clients[0].yid, "%s", YID_A);
    m->clients[0].bsn_valid = 1;
    m->prestaties = calloc(1, sizeof *m->prestaties);
    m->n_prestaties = m->cap_prestaties = 1;
    jw_ijw_prestatie_t *p = &m->prestaties[0];
    snprintf(p->referentienummer, sizeof p->referentienummer, "%s", ref);
    p->toewijzingnummer = 7;
    snprintf(p->categorie, sizeof p->categorie, "45");
    snprintf(p->code, sizeof p->code, "45A01");
    p->begindatum = hd("2024-02-01");
    p->einddatum = hd("2024-02-29");
    p->volume = 8;
    p->eenheid = 4;
    p->tarief = 9000;
    p->bedrag = cents;
    p->dc = 'D';
}

/* A conflict (TR056: same message identity, other content; TR314: a
 * ReferentieNummer already declared) is dead-lettered with the name of the
 * file or archive entry it came from, as every other dead letter. */
Test(deadletters, conflicts_name_their_source)
{
    harness_t h;
    jw_ijw_msg_t m;
    live_t l;
    harness_open(&h, "zuid-limburg");
    alloc_spec_t a = {.ident = "C1", .gemeente = "0505", .aanbieder = "11111111", .yid = YID_A,
                      .cat = "45", .code = "45A01", .tn = 7, .datum = "2024-01-10",
                      .ingang = "2024-01-15", .eind = NULL};
    mk301(&m, &a);
    cr_assert_eq(apply_from(&h, &m, "in/a.xml"), JW_APPLIED);
    jw_ijw_msg_clear(&m);
    a.ingang = "2024-01-16"; /* same identity C1, other content */
    mk301(&m, &a);
    cr_assert_eq(apply_from(&h, &m, "archive.tar.gz:2024/b.xml"), JW_DEADLETTERED);
    jw_ijw_msg_clear(&m);

    mk323(&m, "D1", "REF-1", 72000);
    cr_assert_eq(apply_from(&h, &m, "in/d1.xml"), JW_APPLIED);
    jw_ijw_msg_clear(&m);
    mk323(&m, "D2", "REF-1", 80000); /* another message, the same line identity */
    cr_assert_eq(apply_from(&h, &m, "in/d2.xml"), JW_DEADLETTERED);
    jw_ijw_msg_clear(&m);

    memset(&l, 0, sizeof l);
    cr_assert_eq(jw_store_read(h.store, dl_read, &l), 0);
    cr_assert_eq(l.n, 2);
    int tr056 = 0, tr314 = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (strstr(l.json[i], "\"TR056\"")) {
            tr056++;
            cr_expect(has(l.json[i], "source", "\"archive.tar.gz:2024/b.xml\""), "%s", l.json[i]);
            cr_expect(has(l.json[i], "identity", "\"436/0505/C1\""), "%s", l.json[i]);
        }
        if (strstr(l.json[i], "\"TR314\"")) {
            tr314++;
            cr_expect(has(l.json[i], "source", "\"in/d2.xml\""), "%s", l.json[i]);
        }
    }
    cr_expect(tr056 == 1 && tr314 == 1);
    live_free(&l);
    harness_close(&h);
}
