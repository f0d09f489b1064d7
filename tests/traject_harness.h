/* traject_harness.h - build messages by hand and apply them to a fresh
 * store, for the trajectory tests. Messages are built as parsed structs
 * (the parser has its own tests), so each test states exactly the facts
 * it applies. */
#ifndef JW_TRAJECT_HARNESS_H
#define JW_TRAJECT_HARNESS_H

#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "event/event.h"
#include "ijw/ijw.h"
#include "profile/profile.h"
#include "store/store.h"
#include "traject/traject.h"

#define YID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define YID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

typedef struct {
    char dir[64];
    jw_store_t *store;
    jw_profile_t *profile;
    jw_traject_t *traject;
    jw_traject_counts_t counts;
} harness_t;

static inline jw_date_t hd(const char *s)
{
    jw_date_t d;
    cr_assert_eq(jw_date_parse(s, strlen(s), &d), 0, "bad date %s", s);
    return d;
}

static inline void harness_open(harness_t *h, const char *profile)
{
    char err[256];
    memset(h, 0, sizeof *h);
    snprintf(h->dir, sizeof h->dir, "/tmp/jw-traject-XXXXXX");
    cr_assert_not_null(mkdtemp(h->dir));
    jw_store_options_t so = {0};
    so.map_size = 16u << 20;
    cr_assert_eq(jw_store_open(h->dir, &so, &h->store), 0);
    cr_assert_eq(jw_profile_load(profile, &h->profile, err, sizeof err), 0, "%s", err);
    cr_assert_eq(jw_traject_new(h->profile, &h->traject), 0);
}

static inline int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb; (void)flag; (void)f;
    return remove(p);
}

static inline void harness_close(harness_t *h)
{
    jw_traject_free(h->traject);
    jw_profile_free(h->profile);
    jw_store_close(h->store);
    nftw(h->dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* A JW301 with one allocation version. ident makes the message unique. */
typedef struct {
    const char *ident, *gemeente, *aanbieder, *yid, *cat, *code;
    long tn;
    const char *datum, *tijd, *ingang, *eind; /* eind NULL = open */
    int reden;                                /* 0 = none */
    const char *referentie;
} alloc_spec_t;

static inline void mk301(jw_ijw_msg_t *m, const alloc_spec_t *s)
{
    jw_ijw_msg_init(m);
    m->type = JW_MSG_301;
    m->header.berichtcode = 436;
    m->header.versie = 3;
    m->header.subversie = 2;
    m->header.release = 2;
    snprintf(m->header.afzender, sizeof m->header.afzender, "%s", s->gemeente);
    snprintf(m->header.ontvanger, sizeof m->header.ontvanger, "%s", s->aanbieder);
    snprintf(m->header.identificatie, sizeof m->header.identificatie, "%s", s->ident);
    m->header.dagtekening = hd(s->datum);
    m->clients = calloc(1, sizeof *m->clients);
    m->n_clients = m->cap_clients = 1;
    snprintf(m->clients[0].yid, sizeof m->clients[0].yid, "%s", s->yid);
    m->clients[0].bsn_valid = 1;
    m->toewijzingen = calloc(1, sizeof *m->toewijzingen);
    m->n_toewijzingen = m->cap_toewijzingen = 1;
    jw_ijw_toewijzing_t *t = &m->toewijzingen[0];
    t->toewijzingnummer = s->tn;
    snprintf(t->categorie, sizeof t->categorie, "%s", s->cat ? s->cat : "45");
    snprintf(t->code, sizeof t->code, "%s", s->code ? s->code : "45A01");
    t->toewijzingsdatum = hd(s->datum);
    int hh = 12, mm = 0, ss = 0;
    if (s->tijd) sscanf(s->tijd, "%d:%d:%d", &hh, &mm, &ss);
    t->toewijzingstijd = hh * 3600 + mm * 60 + ss;
    t->ingangsdatum = hd(s->ingang);
    t->einddatum = s->eind ? hd(s->eind) : JW_DATE_NONE;
    t->reden_wijziging = s->reden ? s->reden : JW_NONE;
    snprintf(t->referentie_aanbieder, sizeof t->referentie_aanbieder, "%s",
             s->referentie ? s->referentie : "");
    t->omvang.volume = 2;
    t->omvang.eenheid = 4;
    t->omvang.frequentie = 4;
    t->budget = JW_NONE;
}

/* The hash stands in for SHA-256 of the message bytes: equal for equal
 * messages, different otherwise. */
static inline void msg_hash(const jw_ijw_msg_t *m, unsigned char h[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const unsigned char *)&m->header, sizeof m->header);
    crypto_generichash_update(&st, (const unsigned char *)m->toewijzingen,
                              m->n_toewijzingen * sizeof *m->toewijzingen);
    crypto_generichash_update(&st, (const unsigned char *)m->leveringen,
                              m->n_leveringen * sizeof *m->leveringen);
    crypto_generichash_final(&st, h, 32);
}

typedef struct {
    harness_t *h;
    const jw_ijw_msg_t *m;
    int fail_after; /* for the crash test: return an error after applying */
} apply_ctx_t;

static inline int apply_fn(jw_txn_t *txn, void *ctx)
{
    apply_ctx_t *a = ctx;
    unsigned char hash[32];
    jw_outcome_t outcome;
    msg_hash(a->m, hash);
    int rc = jw_traject_check_profile(a->h->traject, txn);
    if (rc) return rc;
    rc = jw_traject_apply(a->h->traject, txn, a->m, hash, &outcome, &a->h->counts);
    if (rc) return rc;
    return a->fail_after ? 1 : 0;
}

static inline void apply(harness_t *h, const jw_ijw_msg_t *m)
{
    apply_ctx_t a = {h, m, 0};
    int rc = jw_store_write(h->store, apply_fn, &a);
    cr_assert_eq(rc, 0, "apply: %s", jw_traject_strerror(rc));
}

/* ---- reading live events back ---- */

typedef struct {
    char **json;
    size_t n, cap;
    jw_txn_t *txn;
} live_t;

static inline int live_cb(uint64_t seq, const void *ev, size_t evlen, void *ctx)
{
    live_t *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->json = realloc(l->json, l->cap * sizeof *l->json);
    }
    /* the store keeps binary records; tests read the JSON every edge shows */
    jw_json_t j;
    jw_json_init(&j);
    cr_assert_eq(jw_event_json(ev, evlen, seq, &j), 0);
    l->json[l->n] = strndup(j.buf, j.len);
    jw_json_free(&j);
    l->n++;
    return 0;
}

static inline int live_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The live events in event id order (each JSON starts {"id":"<hex>"), so
 * two stores with the same live set list it the same way. */
static inline int live_read(jw_txn_t *txn, void *ctx)
{
    live_t *l = ctx;
    l->txn = txn;
    int rc = jw_traject_live_events(txn, live_cb, l);
    if (rc == 0 && l->n > 1) qsort(l->json, l->n, sizeof *l->json, live_cmp);
    return rc;
}

static inline void live_load(harness_t *h, live_t *l)
{
    memset(l, 0, sizeof *l);
    cr_assert_eq(jw_store_read(h->store, live_read, l), 0);
}

static inline void live_free(live_t *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->json[i]);
    free(l->json);
}

/* The live event of a type for allocation tn (first match), or NULL. */
static inline const char *live_find(const live_t *l, const char *type, long tn)
{
    char t[40], w[40];
    snprintf(t, sizeof t, "\"type\":\"%s\"", type);
    snprintf(w, sizeof w, "\"toewijzing\":%ld,", tn);
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->json[i], t) && strstr(l->json[i], w)) return l->json[i];
    return NULL;
}

static inline size_t live_count(const live_t *l, const char *type)
{
    char t[40];
    size_t n = 0;
    snprintf(t, sizeof t, "\"type\":\"%s\"", type);
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->json[i], t)) n++;
    return n;
}

/* Does the event JSON contain "key":value exactly (value as JSON text)? */
static inline int has(const char *json, const char *key, const char *value)
{
    char pat[128];
    if (!json) return 0;
    snprintf(pat, sizeof pat, "\"%s\":%s", key, value);
    const char *p = strstr(json, pat);
    if (!p) return 0;
    char after = p[strlen(pat)];
    return after == ',' || after == '}';
}

#endif
