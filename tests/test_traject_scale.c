/* test_traject_scale.c - derivation work per youth stays near-linear.
 *
 * Every message about a youth re-derives all of its events (see
 * docs/decisions.md), so the derivation of one youth must not be
 * quadratic in its number of allocations: with 40 000 allocations the
 * classification of starts (finding each episode's previous one) scanned
 * all earlier episodes for each, seconds per message. The classification
 * must stay the same: checked here on a small youth by hand, and by the
 * order-invariance and replay checks over generated archives.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date/date.h"
#include "ijw/ijw.h"
#include "profile/profile.h"
#include "traject/traject_internal.h"

static jw_profile_t *load(const char *name)
{
    jw_profile_t *p = NULL;
    char err[256];
    cr_assert_eq(jw_profile_load(name, &p, err, sizeof err), 0, "%s", err);
    return p;
}

static void alloc_rec(rec_alloc_t *r, int i, const char *categorie, jw_date_t ingang, jw_date_t eind)
{
    memset(r, 0, sizeof *r);
    snprintf(r->msg, sizeof r->msg, "m%d", i);
    strcpy(r->gemeente, "0505");
    snprintf(r->aanbieder, sizeof r->aanbieder, "%08d", 10000000 + i % 3);
    r->tn = i + 1;
    snprintf(r->categorie, sizeof r->categorie, "%s", categorie);
    r->toewijzingsdatum = ingang - 10;
    r->toewijzingstijd = 0;
    r->ingang = ingang;
    r->eind = eind;
    r->reden = JW_NONE;
    r->content[0] = (uint8_t)i;
}

static void req_rec(rec_request_t *q, int i, const char *aanbieder, const char *ref, jw_date_t dagtekening)
{
    memset(q, 0, sizeof *q);
    snprintf(q->msg, sizeof q->msg, "q%d", i);
    strcpy(q->gemeente, "0505");
    snprintf(q->aanbieder, sizeof q->aanbieder, "%s", aanbieder);
    snprintf(q->referentie, sizeof q->referentie, "%s", ref);
    strcpy(q->categorie, "41");
    q->ingang = dagtekening + 5;
    q->dagtekening = dagtekening;
    q->verwijzer = JW_NONE;
}

static void derive_with(const jw_profile_t *p, const rec_alloc_t *a, size_t n, const rec_request_t *q,
                        size_t nq, derivation_t *d)
{
    memset(d, 0, sizeof *d);
    jw_event_w_init(&d->text);
    jw_event_w_init(&d->one);
    cr_assert_eq(traject_derive(p, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", a, n, NULL, 0, q, nq, NULL, d), 0);
}

static void derive(const jw_profile_t *p, const rec_alloc_t *a, size_t n, derivation_t *d)
{
    derive_with(p, a, n, NULL, 0, d);
}

static void derivation_free(derivation_t *d)
{
    free(d->ev);
    jw_event_w_free(&d->text);
    jw_event_w_free(&d->one);
}

/* The start event of toewijzing tn, as text (NUL-terminated copy). */
static char *start_of(const derivation_t *d, int tn)
{
    char pat[48];
    snprintf(pat, sizeof pat, "\"toewijzing\":%d,", tn);
    for (size_t i = 0; i < d->n; i++) {
        const uint8_t *b = d->text.buf + d->ev[i].body_off;
        size_t len = d->ev[i].body_len;
        jw_json_t j;
        jw_json_init(&j);
        cr_assert_eq(jw_event_body_json(b, len, &j), 0);
        char *s = strndup(j.buf, j.len);
        jw_json_free(&j);
        cr_assert_not_null(s);
        if (strstr(s, "\"type\":\"start\"")) {
            /* The first "toewijzing" of a start body is its own. */
            const char *own = strstr(s, "\"toewijzing\":");
            if (own && strncmp(own, pat, strlen(pat)) == 0) return s;
        }
        free(s);
    }
    return NULL;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 40 000 allocations of one youth, back to back in two segments, each
 * honouring one of 40 000 requests: the whole derivation (120 000+
 * events) in well under the time one message took before (seconds
 * without the sanitizer; 27 s with it). */
Test(traject_scale, forty_thousand_allocations, .timeout = 120)
{
    jw_profile_t *p = load("zuid-limburg");
    size_t n = 40000;
    rec_alloc_t *a = calloc(n, sizeof *a);
    cr_assert_not_null(a);
    jw_date_t base;
    cr_assert_eq(jw_date_from_ymd(1950, 1, 1, &base), 0);
    rec_request_t *q = calloc(n, sizeof *q);
    cr_assert_not_null(q);
    for (size_t i = 0; i < n; i++) {
        alloc_rec(&a[i], (int)i, i % 2 ? "43" : "41", base + (jw_date_t)i, base + (jw_date_t)i + 1);
        snprintf(a[i].referentie, sizeof a[i].referentie, "r%zu", i);
        req_rec(&q[i], (int)i, a[i].aanbieder, a[i].referentie, base + (jw_date_t)i - 20);
    }
    derivation_t d;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    derive_with(p, a, n, q, n, &d);
    double s = seconds_since(&t0);
    cr_log_info("derivation of 40 000 allocations: %.2f s (ASan build)", s);
    cr_assert_geq(d.n, 3 * n, "a start, a stop and a request per allocation, got %zu events", d.n);
    cr_assert_lt(s, 4.0, "derivation of one youth with 40 000 allocations took %.1f s", s);
    derivation_free(&d);
    free(a);
    free(q);
    jw_profile_free(p);
}

/* A start's request_date is the earliest dagtekening among the requests
 * with its aanbieder and referentie (ties: either, same date). */
Test(traject_scale, request_link_by_hand)
{
    jw_profile_t *p = load("zuid-limburg");
    rec_alloc_t a[1];
    rec_request_t q[5];
    jw_date_t start, d1, d2, d3;
    jw_date_from_ymd(2024, 3, 1, &start);
    jw_date_from_ymd(2024, 1, 10, &d1);
    jw_date_from_ymd(2024, 1, 5, &d2);
    jw_date_from_ymd(2024, 1, 2, &d3);
    alloc_rec(&a[0], 0, "41", start, JW_DATE_NONE);
    strcpy(a[0].referentie, "REF-B");
    req_rec(&q[0], 0, a[0].aanbieder, "REF-B", d1);
    req_rec(&q[1], 1, a[0].aanbieder, "REF-B", d2);  /* the earliest of its run */
    req_rec(&q[2], 2, a[0].aanbieder, "REF-A", d3);  /* other referentie */
    req_rec(&q[3], 3, "99999999", "REF-B", d3);      /* other aanbieder */
    req_rec(&q[4], 4, a[0].aanbieder, "REF-C", d3);
    derivation_t dv;
    derive_with(p, a, 1, q, 5, &dv);
    char *s = start_of(&dv, 1);
    cr_assert_not_null(s);
    cr_assert(strstr(s, "\"request_date\":\"2024-01-05\"") != NULL, "%s", s);
    free(s);
    derivation_free(&dv);
    strcpy(a[0].referentie, "REF-Z"); /* no such request */
    derive_with(p, a, 1, q, 5, &dv);
    s = start_of(&dv, 1);
    cr_assert(strstr(s, "\"request_date\":null") != NULL, "%s", s);
    free(s);
    derivation_free(&dv);
    jw_profile_free(p);
}

/* The previous episode is the latest-ending earlier one in scope, ties to
 * the later one: worked out by hand for five episodes in one segment
 * (zuid-limburg: scope = segment) and across segments (twente: all).
 *   tn1 41: 2024-01-01..2024-03-31
 *   tn2 41: 2024-02-01..2024-03-31   (same end as tn1: tn2 wins the tie)
 *   tn3 43: 2024-02-15..2024-05-31   (another segment in zuid-limburg)
 *   tn4 41: 2024-04-01..2024-04-30   P (segment) = tn2; P (all) = tn3 (ends 05-31)
 *   tn5 41: 2024-06-01..open         P (segment) = tn4 (04-30 > 03-31); P (all) = tn3 (05-31 > 04-30)
 */
Test(traject_scale, previous_episode_by_hand)
{
    rec_alloc_t a[5];
    jw_date_t d[6];
    jw_date_from_ymd(2024, 1, 1, &d[0]);
    jw_date_from_ymd(2024, 2, 1, &d[1]);
    jw_date_from_ymd(2024, 2, 15, &d[2]);
    jw_date_from_ymd(2024, 4, 1, &d[3]);
    jw_date_from_ymd(2024, 6, 1, &d[4]);
    jw_date_t mar31, may31, apr30;
    jw_date_from_ymd(2024, 3, 31, &mar31);
    jw_date_from_ymd(2024, 5, 31, &may31);
    jw_date_from_ymd(2024, 4, 30, &apr30);
    alloc_rec(&a[0], 0, "41", d[0], mar31);
    alloc_rec(&a[1], 1, "41", d[1], mar31);
    alloc_rec(&a[2], 2, "43", d[2], may31);
    alloc_rec(&a[3], 3, "41", d[3], apr30);
    alloc_rec(&a[4], 4, "41", d[4], JW_DATE_NONE);
    static const struct {
        const char *profile;
        int tn;
        const char *prev;
    } want[] = {
        {"zuid-limburg", 4, "\"prev\":{\"gemeente\":\"0505\",\"toewijzing\":2,"},
        {"zuid-limburg", 5, "\"prev\":{\"gemeente\":\"0505\",\"toewijzing\":4,"},
        {"twente", 4, "\"prev\":{\"gemeente\":\"0505\",\"toewijzing\":3,"},
        {"twente", 5, "\"prev\":{\"gemeente\":\"0505\",\"toewijzing\":3,"},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        jw_profile_t *p = load(want[k].profile);
        derivation_t dv;
        derive(p, a, 5, &dv);
        char *s = start_of(&dv, want[k].tn);
        cr_assert_not_null(s, "%s: no start for tn %d", want[k].profile, want[k].tn);
        cr_assert(strstr(s, want[k].prev) != NULL, "%s tn %d: want %s in %s", want[k].profile, want[k].tn,
                  want[k].prev, s);
        free(s);
        derivation_free(&dv);
        jw_profile_free(p);
    }
}

/* ---- scoped derivation ---- */

static void del_rec(rec_delivery_t *r, int i, int kind, int64_t tn, jw_date_t begin, jw_date_t eind)
{
    memset(r, 0, sizeof *r);
    snprintf(r->msg, sizeof r->msg, "d%d", i);
    strcpy(r->gemeente, "0505");
    strcpy(r->aanbieder, "10000000");
    r->tn = tn;
    strcpy(r->categorie, "41");
    r->kind = kind;
    r->begin = begin;
    r->eind = kind == 307 ? eind : JW_DATE_NONE;
    r->reden = kind == 307 ? 1 : JW_NONE;
    r->status = 1;
    r->dagtekening = begin + 2;
}

static int same_entry(const derived_t *x, const derived_t *y)
{
    return memcmp(x->dig, y->dig, 8) == 0 && memcmp(x->tag, y->tag, 8) == 0;
}

/* Deriving one scope gives exactly the events of the whole derivation
 * that carry that scope's tag, and every event of the whole derivation
 * carries the tag of a scope some message would touch: the allocation
 * chain, the deliveries of its allocation, or its request. */
Test(traject_scale, scoped_derivation_is_a_restriction)
{
    jw_profile_t *p = load("zuid-limburg");
    jw_date_t d0, d1, d2, d3;
    jw_date_from_ymd(2024, 1, 1, &d0);
    jw_date_from_ymd(2024, 2, 1, &d1);
    jw_date_from_ymd(2024, 5, 1, &d2);
    jw_date_from_ymd(2024, 9, 1, &d3);
    rec_alloc_t a[3];
    alloc_rec(&a[0], 0, "41", d0, d1);
    alloc_rec(&a[1], 1, "41", d1 + 20, d2);           /* recidive or doorstroom after tn1 */
    alloc_rec(&a[2], 2, "43", d2, JW_DATE_NONE);
    strcpy(a[0].referentie, "R1");
    strcpy(a[2].referentie, "R3");
    rec_request_t q[3];
    req_rec(&q[0], 0, a[0].aanbieder, "R1", d0 - 30);
    req_rec(&q[1], 1, a[2].aanbieder, "R3", d2 - 30);
    req_rec(&q[2], 2, a[2].aanbieder, "R9", d2 - 10);  /* never allocated */
    rec_delivery_t dl[5];
    del_rec(&dl[0], 0, 305, 1, d0 + 3, 0);
    del_rec(&dl[1], 1, 307, 1, d0 + 3, d1);
    del_rec(&dl[2], 2, 305, 2, d1 + 25, 0);
    del_rec(&dl[3], 3, 305, 3, d2 + 1, 0);
    del_rec(&dl[4], 4, 305, JW_NONE, d3, 0);           /* no ToewijzingNummer */

    derivation_t full;
    memset(&full, 0, sizeof full);
    jw_event_w_init(&full.text);
    jw_event_w_init(&full.one);
    cr_assert_eq(traject_derive(p, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", a, 3, dl, 5, q, 3, NULL, &full), 0);

    scope_t scopes[9];
    size_t n_sc = 0;
    memset(scopes, 0, sizeof scopes);
    scopes[n_sc++].chain = 1;
    int64_t tns[] = {1, 2, 3, JW_NONE, 77};
    for (size_t i = 0; i < 5; i++) {
        scope_t *sc = &scopes[n_sc++];
        sc->n = 1;
        sc->key[0].kind = 'D';
        strcpy(sc->key[0].a, "0505");
        sc->key[0].tn = tns[i];
    }
    const char *refs[] = {"R1", "R3", "R9"};
    for (size_t i = 0; i < 3; i++) {
        scope_t *sc = &scopes[n_sc++];
        sc->n = 1;
        sc->key[0].kind = 'Q';
        strcpy(sc->key[0].a, q[i].aanbieder);
        strcpy(sc->key[0].ref, refs[i]);
    }

    size_t covered = 0;
    for (size_t s = 0; s < n_sc; s++) {
        uint8_t tag[8];
        const scope_key_t *k = &scopes[s].key[0];
        if (scopes[s].chain) traject_scope_tag('A', NULL, 0, NULL, tag);
        else traject_scope_tag(k->kind, k->a, k->tn, k->ref, tag);
        derivation_t part;
        memset(&part, 0, sizeof part);
        jw_event_w_init(&part.text);
        jw_event_w_init(&part.one);
        cr_assert_eq(traject_derive(p, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", a, 3, dl, 5, q, 3, &scopes[s], &part), 0);
        size_t in_full = 0;
        for (size_t i = 0; i < full.n; i++) {
            if (memcmp(full.ev[i].tag, tag, 8) != 0) continue;
            in_full++;
            int found = 0;
            for (size_t j = 0; j < part.n && !found; j++) found = same_entry(&full.ev[i], &part.ev[j]);
            cr_assert(found, "scope %zu: an event of the whole derivation is missing", s);
        }
        cr_assert_eq(part.n, in_full, "scope %zu: %zu events, the whole derivation has %zu with its tag", s,
                     part.n, in_full);
        if (s == 5) cr_assert_eq(part.n, 0, "no facts for tn 77, no events"); /* scopes[5] is D(0505, 77) */
        else cr_assert_gt(part.n, 0, "scope %zu has events", s);
        covered += in_full;
        derivation_free(&part);
    }
    /* chain: 3 starts, 2 stops (+ recidive/transfer); deliveries 5;
     * requests 3 */
    cr_assert_eq(covered, full.n, "every event belongs to one of the scopes");
    cr_assert_geq(full.n, 13);
    derivation_free(&full);
    jw_profile_free(p);
}
