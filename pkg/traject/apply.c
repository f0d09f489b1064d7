/* apply.c - store a message's facts, re-derive the touched youths, write
 * the event difference (see traject.h). */
#include "traject/traject_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define YID_BIN 16

struct jw_traject {
    const jw_profile_t *profile;
    derivation_t d;
    rec_alloc_t *allocs;
    size_t n_allocs, cap_allocs;
    rec_delivery_t *dels;
    size_t n_dels, cap_dels;
    rec_request_t *reqs;
    size_t n_reqs, cap_reqs;
    uint8_t *live;              /* the youth's live list being built */
    size_t live_len, live_cap;
    jw_json_t dl;               /* one dead letter (JSON) */
    jw_json_t idtext;           /* scratch: a new event's JSON text, for its id */
    jw_event_w_t retract;       /* scratch: a retract event's body */
    uint8_t *rec;               /* one event record */
    size_t rec_cap;
    struct touched *yids;       /* youths touched by the message, and how */
    size_t n_yids, cap_yids;
    struct refused_req *rref;   /* the youth's requests a JW319 refused */
    size_t n_rref, cap_rref;
};

/* A youth a message touched, and the scopes of its events it can change. */
struct touched {
    char yid[JW_YID_HEX_LEN + 1];
    scope_t sc;
};

/* A request a JW319 refused, with the answer's date and reason. */
struct refused_req {
    rec_request_t r;
    int32_t answer_date;
    int32_t reden;
};

const char *jw_traject_strerror(int rc)
{
    switch (rc) {
    case JW_TRAJECT_OK: return "ok";
    case JW_TRAJECT_ENOMEM: return "out of memory";
    case JW_TRAJECT_ECORRUPT: return "stored record has an unexpected size (schema mismatch?)";
    case JW_TRAJECT_EPROFILE: return "the state store was derived with another profile";
    default: return jw_store_strerror(rc);
    }
}

void jw_traject_counts_add(jw_traject_counts_t *into, const jw_traject_counts_t *from)
{
    into->messages += from->messages;
    into->applied += from->applied;
    into->duplicates += from->duplicates;
    into->deadletters += from->deadletters;
    for (int i = 0; i < 4; i++) into->deadletters_by_layer[i] += from->deadletters_by_layer[i];
    into->events_emitted += from->events_emitted;
    into->events_retracted += from->events_retracted;
    for (int i = 0; i < 4; i++) into->applied_legacy[i] += from->applied_legacy[i];
}

static const char *const count_names[] = {
    "count.messages", "count.applied", "count.duplicates", "count.deadletters",
    "count.deadletters.xml", "count.deadletters.xsd", "count.deadletters.rule",
    "count.events_emitted", "count.events_retracted",
    "count.applied.2_1", "count.applied.2_2", "count.applied.2_3", "count.applied.2_4",
};

static uint64_t *count_field(jw_traject_counts_t *c, size_t i)
{
    uint64_t *f[] = {&c->messages, &c->applied, &c->duplicates, &c->deadletters,
                     &c->deadletters_by_layer[JW_LAYER_XML], &c->deadletters_by_layer[JW_LAYER_XSD],
                     &c->deadletters_by_layer[JW_LAYER_RULE], &c->events_emitted,
                     &c->events_retracted, &c->applied_legacy[0], &c->applied_legacy[1],
                     &c->applied_legacy[2], &c->applied_legacy[3]};
    return f[i];
}

int jw_traject_counts_read(jw_txn_t *txn, jw_traject_counts_t *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof count_names / sizeof count_names[0]; i++) {
        int rc = jw_store_meta_get_u64(txn, count_names[i], count_field(out, i));
        if (rc == JW_STORE_NOTFOUND) *count_field(out, i) = 0;
        else if (rc) return rc;
    }
    return 0;
}

int jw_traject_totals_read(jw_txn_t *txn, void *ctx)
{
    jw_traject_totals_t *t = ctx;
    int rc = jw_store_last_seq(txn, &t->last_seq);
    return rc ? rc : jw_traject_counts_read(txn, &t->counts);
}

int jw_traject_counts_persist(jw_txn_t *txn, const jw_traject_counts_t *batch)
{
    jw_traject_counts_t total, b = *batch;
    int rc = jw_traject_counts_read(txn, &total);
    if (rc) return rc;
    for (size_t i = 0; i < sizeof count_names / sizeof count_names[0]; i++) {
        rc = jw_store_meta_put_u64(txn, count_names[i], *count_field(&total, i) + *count_field(&b, i));
        if (rc) return rc;
    }
    return 0;
}

int jw_traject_new(const jw_profile_t *profile, jw_traject_t **out)
{
    *out = NULL;
    if (sodium_init() < 0) return JW_TRAJECT_ENOMEM;
    jw_traject_t *t = calloc(1, sizeof *t);
    if (!t) return JW_TRAJECT_ENOMEM;
    t->profile = profile;
    jw_event_w_init(&t->d.text);
    jw_event_w_init(&t->d.one);
    jw_event_w_init(&t->retract);
    jw_json_init(&t->dl);
    jw_json_init(&t->idtext);
    *out = t;
    return JW_TRAJECT_OK;
}

void jw_traject_free(jw_traject_t *t)
{
    if (!t) return;
    free(t->d.ev);
    jw_event_w_free(&t->d.text);
    jw_event_w_free(&t->d.one);
    jw_event_w_free(&t->retract);
    jw_json_free(&t->dl);
    jw_json_free(&t->idtext);
    free(t->rec);
    free(t->allocs);
    free(t->dels);
    free(t->reqs);
    free(t->live);
    free(t->yids);
    free(t->rref);
    free(t);
}

int jw_traject_check_profile(jw_traject_t *t, jw_txn_t *txn)
{
    const void *val;
    size_t len;
    const char *name = jw_profile_name(t->profile);
    int rc = jw_store_meta_get(txn, "profile", &val, &len);
    if (rc == JW_STORE_NOTFOUND)
        return jw_store_meta_put(txn, "profile", name, strlen(name));
    if (rc) return rc;
    if (len != strlen(name) || memcmp(val, name, len) != 0) return JW_TRAJECT_EPROFILE;
    return 0;
}

void jw_traject_msg_identity(const jw_ijw_msg_t *msg, char buf[32])
{
    snprintf(buf, 32, "%d/%s/%s", msg->header.berichtcode, msg->header.afzender,
             msg->header.identificatie);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, b, n);
}

static int grow_bytes(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) ncap *= 2;
    void *na = realloc(*arr, ncap * size);
    if (!na) return JW_TRAJECT_ENOMEM;
    *arr = na;
    *cap = ncap;
    return 0;
}

/* ---- the event log ---- */

/* Append an event record (id, body) to the log. Whether it is live is
 * kept apart: a youth's live list (JW_DB_YOUTHS) for derived events, and
 * for every event the retracted set (JW_DB_RETRACTED, see
 * jw_traject_event_live). There is no index by event id: it cost a
 * random write per event in the largest database. */
static int log_record(jw_traject_t *t, jw_txn_t *txn, const uint8_t id[8], const uint8_t *body,
                      size_t body_len, uint64_t *seq_out)
{
    uint64_t seq;
    if (grow_bytes((void **)&t->rec, &t->rec_cap, JW_EVENT_HEAD + body_len, 1)) return JW_TRAJECT_ENOMEM;
    jw_event_record(id, body, body_len, t->rec);
    int rc = jw_store_event_append(txn, t->rec, JW_EVENT_HEAD + body_len, &seq);
    if (rc) return rc;
    *seq_out = seq;
    return 0;
}

/* The event id of a body (event.h: a hash of its JSON text). Worked out
 * only for events that are new. */
static int body_id(jw_traject_t *t, const uint8_t *body, size_t body_len, uint8_t id[8])
{
    int rc = jw_event_body_id(body, body_len, &t->idtext, id);
    if (rc) return rc == JW_EVENT_ENOMEM ? JW_TRAJECT_ENOMEM : JW_TRAJECT_ECORRUPT;
    return 0;
}

/* Append a new event with the id of its body. */
static int log_event(jw_traject_t *t, jw_txn_t *txn, const uint8_t *body, size_t body_len,
                     uint8_t id_out[8], uint64_t *seq_out)
{
    uint8_t id[8];
    int rc = body_id(t, body, body_len, id);
    if (rc) return rc;
    if (id_out) memcpy(id_out, id, 8);
    return log_record(t, txn, id, body, body_len, seq_out);
}

static int log_retract(jw_traject_t *t, jw_txn_t *txn, const char *cause, const char *yid,
                       const uint8_t old_id[8], uint64_t old_seq)
{
    jw_event_w_t *body = &t->retract;
    char idhex[17];
    uint8_t rid[8];
    uint64_t seq;
    int rc;
    const void *val;
    size_t vlen;
    char gemeente[9] = "";
    uint8_t be[8], rbe[8];

    /* The retracted event's gemeente, for the subscriber topic. */
    jw_store_seq_key(old_seq, be);
    if (jw_store_get(txn, JW_DB_EVENTS, be, 8, &val, &vlen) == 0) {
        jw_event_view_t v;
        if (jw_event_view(val, vlen, &v) == 0) jw_event_get_str(&v, JW_EK_GEMEENTE, gemeente, sizeof gemeente);
    }
    hex(old_id, 8, idhex);
    jw_event_w_reset(body);
    jw_event_w_str(body, JW_EK_TYPE, "retract");
    jw_event_w_str(body, JW_EK_PROFILE, jw_profile_name(t->profile));
    jw_event_w_str(body, JW_EK_MSG, cause);
    jw_event_w_str(body, JW_EK_YID, yid);
    jw_event_w_str(body, JW_EK_GEMEENTE, gemeente);
    jw_event_w_str(body, JW_EK_RETRACTS, idhex);
    jw_event_w_int(body, JW_EK_RETRACTS_SEQ, (int64_t)old_seq);
    if (jw_event_w_finish(body)) return JW_TRAJECT_ENOMEM;
    if ((rc = log_event(t, txn, body->buf, body->len, rid, &seq))) return rc;
    /* The retracted event leaves the live set. Retracted seqs are mostly
     * recent ones, so this write lands near the end of its database. */
    jw_store_seq_key(seq, rbe);
    return jw_store_put(txn, JW_DB_RETRACTED, be, 8, rbe, 8);
}

static int is_retract(const void *rec, size_t len, int *yes)
{
    jw_event_view_t v;
    char type[16];
    if (jw_event_view(rec, len, &v)) return JW_TRAJECT_ECORRUPT;
    *yes = jw_event_get_str(&v, JW_EK_TYPE, type, sizeof type) == 0 && strcmp(type, "retract") == 0;
    return 0;
}

int jw_traject_event_live(jw_txn_t *txn, uint64_t seq, int *live)
{
    uint8_t be[8];
    const void *v;
    size_t vl;
    int rc, retract;
    *live = 0;
    jw_store_seq_key(seq, be);
    rc = jw_store_get(txn, JW_DB_EVENTS, be, 8, &v, &vl);
    if (rc == JW_STORE_NOTFOUND) return 0;
    if (rc) return rc;
    if ((rc = is_retract(v, vl, &retract))) return rc;
    if (retract) return 0;
    rc = jw_store_get(txn, JW_DB_RETRACTED, be, 8, &v, &vl);
    if (rc == JW_STORE_NOTFOUND) {
        *live = 1;
        return 0;
    }
    return rc;
}

typedef struct {
    uint64_t *seq;
    size_t n, cap, at;
    jw_traject_record_cb cb;
    void *ctx;
} live_iter_t;

static int retracted_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    (void)val;
    (void)vlen;
    live_iter_t *l = ctx;
    if (klen != 8) return JW_TRAJECT_ECORRUPT;
    if (grow_bytes((void **)&l->seq, &l->cap, l->n + 1, sizeof *l->seq)) return JW_TRAJECT_ENOMEM;
    l->seq[l->n++] = jw_store_seq_from_key(key);
    return 0;
}

static int live_record_cb(uint64_t seq, const void *val, size_t vlen, void *ctx)
{
    live_iter_t *l = ctx;
    int retract, rc;
    /* Both lists go up in seq order: a merge, no look-up per event. */
    while (l->at < l->n && l->seq[l->at] < seq) l->at++;
    if (l->at < l->n && l->seq[l->at] == seq) return 0;
    if ((rc = is_retract(val, vlen, &retract))) return rc;
    return retract ? 0 : l->cb(seq, val, vlen, l->ctx);
}

int jw_traject_live_events(jw_txn_t *txn, jw_traject_record_cb cb, void *ctx)
{
    live_iter_t l = {.cb = cb, .ctx = ctx};
    int rc = jw_store_iter(txn, JW_DB_RETRACTED, NULL, 0, retracted_cb, &l);
    if (!rc) rc = jw_store_events_since(txn, 0, live_record_cb, &l);
    free(l.seq);
    return rc;
}

/* ---- loading a youth's facts ---- */

typedef struct {
    void **arr;
    size_t *n, *cap;
    size_t size;
} load_ctx_t;

static int load_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    (void)key;
    (void)klen;
    load_ctx_t *c = ctx;
    if (vlen != c->size) return JW_TRAJECT_ECORRUPT;
    if (grow_bytes(c->arr, c->cap, *c->n + 1, c->size)) return JW_TRAJECT_ENOMEM;
    memcpy((char *)*c->arr + *c->n * c->size, val, vlen);
    (*c->n)++;
    return 0;
}

static int drop_refused_facts(jw_traject_t *t, jw_txn_t *txn, const char *yid_hex);
static int derive_refused_requests(jw_traject_t *t, const char *yid_hex, const scope_t *sc);

/* The key prefix of one allocation's facts: yid (16) | gemeente (8,
 * zero-padded) | ToewijzingNummer (8, big-endian, JW_NONE too). Its
 * versions and its JW305/JW307 facts sit together under it, so a message
 * about one allocation reads that allocation's facts, not the youth's. */
#define ALLOC_PREFIX 32

static void alloc_prefix(const uint8_t yid[YID_BIN], const char *gemeente, int64_t tn, uint8_t key[ALLOC_PREFIX])
{
    memcpy(key, yid, YID_BIN);
    memset(key + 16, 0, 8);
    memcpy(key + 16, gemeente, strnlen(gemeente, 8));
    jw_store_seq_key((uint64_t)tn, key + 24);
}

/* Read the facts the scopes in sc (NULL: all) are derived from: the
 * allocation chain needs every allocation and request; the deliveries of
 * an allocation need that allocation's versions and JW305/JW307 facts; a
 * request comes with the chain (a JW315 changes both). */
static int load_facts(jw_traject_t *t, jw_txn_t *txn, const uint8_t yid[YID_BIN], const char *yid_hex,
                      const scope_t *sc)
{
    int rc;
    load_ctx_t a = {(void **)&t->allocs, &t->n_allocs, &t->cap_allocs, sizeof(rec_alloc_t)};
    load_ctx_t d = {(void **)&t->dels, &t->n_dels, &t->cap_dels, sizeof(rec_delivery_t)};
    load_ctx_t r = {(void **)&t->reqs, &t->n_reqs, &t->cap_reqs, sizeof(rec_request_t)};
    int all = !sc || sc->all, whole = all || sc->chain;
    for (size_t i = 0; !whole && i < sc->n; i++)
        if (sc->key[i].kind != 'D') whole = 1; /* a request without the chain: read it all */
    t->n_allocs = t->n_dels = t->n_reqs = 0;
    if (whole) {
        if ((rc = jw_store_iter(txn, JW_DB_ALLOCATIONS, yid, YID_BIN, load_cb, &a))) return rc;
        if ((rc = jw_store_iter(txn, JW_DB_REQUESTS, yid, YID_BIN, load_cb, &r))) return rc;
    }
    if (all) {
        if ((rc = jw_store_iter(txn, JW_DB_DELIVERIES, yid, YID_BIN, load_cb, &d))) return rc;
    } else {
        for (size_t i = 0; i < sc->n; i++) {
            uint8_t pre[ALLOC_PREFIX];
            if (sc->key[i].kind != 'D') continue;
            alloc_prefix(yid, sc->key[i].a, sc->key[i].tn, pre);
            if (!whole && (rc = jw_store_iter(txn, JW_DB_ALLOCATIONS, pre, sizeof pre, load_cb, &a))) return rc;
            if ((rc = jw_store_iter(txn, JW_DB_DELIVERIES, pre, sizeof pre, load_cb, &d))) return rc;
        }
    }
    return drop_refused_facts(t, txn, yid_hex);
}

/* ---- diff: stored live list vs fresh derivation ---- */

static int cmp_derived_date(const void *a, const void *b)
{
    const derived_t *x = a, *y = b;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    return memcmp(x->id, y->id, 8);
}

/* A youth's live list (JW_DB_YOUTHS): one entry per (live derived event,
 * scope that derives it), digest[8] | tag[8] | id[8] | seq[8], sorted by
 * digest then tag. A re-derivation derives only the scopes the message
 * can change (traject_internal.h) and compares the digests of their
 * binary bodies with the entries of those scopes: an event that still
 * holds costs a hash of its body, and the events of other scopes cost
 * nothing. Only new events are rendered (their id) and logged. An event
 * two scopes derive (the same body) is one event with two entries: it is
 * retracted when its last entry goes. */
#define LIVE_ENTRY 32

static int cmp_live_entry(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static int cmp_live_id(const void *a, const void *b)
{
    return memcmp((const uint8_t *)a + 16, (const uint8_t *)b + 16, 8);
}

static int cmp_derived_dig(const void *a, const void *b)
{
    const derived_t *x = a, *y = b;
    int c = memcmp(x->dig, y->dig, 8);
    return c ? c : memcmp(x->tag, y->tag, 8);
}

/* The entry of list (n entries, sorted) with this digest, any tag. */
static const uint8_t *find_digest(const uint8_t *list, size_t n, const uint8_t dig[8])
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(list + mid * LIVE_ENTRY, dig, 8) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && memcmp(list + lo * LIVE_ENTRY, dig, 8) == 0 ? list + lo * LIVE_ENTRY : NULL;
}

static int tag_touched(const uint8_t (*tags)[8], size_t n_tags, int all, const uint8_t *tag)
{
    if (all) return 1;
    for (size_t i = 0; i < n_tags; i++)
        if (memcmp(tags[i], tag, 8) == 0) return 1;
    return 0;
}

static int push_entry(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *entry)
{
    if (grow_bytes((void **)buf, cap, *len + LIVE_ENTRY, 1)) return JW_TRAJECT_ENOMEM;
    memcpy(*buf + *len, entry, LIVE_ENTRY);
    *len += LIVE_ENTRY;
    return 0;
}

/* A new event and its first added entry. */
typedef struct {
    derived_t d;
    size_t first;
} fresh_t;

static int cmp_fresh_date(const void *a, const void *b)
{
    return cmp_derived_date(&((const fresh_t *)a)->d, &((const fresh_t *)b)->d);
}

static int rederive_youth(jw_traject_t *t, jw_txn_t *txn, const char *yid_hex, const scope_t *sc,
                          const char *cause, jw_traject_counts_t *counts)
{
    uint8_t yid[YID_BIN];
    const void *val;
    size_t vlen, old_n = 0;
    uint8_t *old = NULL, *keep = NULL, *gone = NULL, *added = NULL;
    size_t keep_len = 0, keep_cap = 0, gone_len = 0, gone_cap = 0, added_len = 0, added_cap = 0;
    fresh_t *fresh = NULL;
    size_t n_fresh = 0;
    uint8_t tags[SCOPE_KEYS + 1][8];
    size_t n_tags = 0;
    int all = !sc || sc->all;
    int rc;

    if (sodium_hex2bin(yid, sizeof yid, yid_hex, JW_YID_HEX_LEN, NULL, NULL, NULL) != 0)
        return JW_TRAJECT_ECORRUPT;
    if ((rc = traject_derive_youth(t, txn, yid, yid_hex, sc))) return rc;
    if (!all) {
        if (sc->chain) traject_scope_tag('A', NULL, 0, NULL, tags[n_tags++]);
        for (size_t i = 0; i < sc->n; i++)
            traject_scope_tag(sc->key[i].kind, sc->key[i].a, sc->key[i].tn, sc->key[i].ref, tags[n_tags++]);
    }

    /* The same body twice in one scope is one entry. */
    derived_t *ev = t->d.ev;
    size_t n = t->d.n, k = 0;
    if (n) qsort(ev, n, sizeof *ev, cmp_derived_dig);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || cmp_derived_dig(&ev[k - 1], &ev[i]) != 0) ev[k++] = ev[i];
    n = k;

    rc = jw_store_get(txn, JW_DB_YOUTHS, yid, YID_BIN, &val, &vlen);
    if (rc == 0) {
        if (vlen % LIVE_ENTRY) return JW_TRAJECT_ECORRUPT;
        old_n = vlen / LIVE_ENTRY;
        old = malloc(vlen ? vlen : 1);
        if (!old) return JW_TRAJECT_ENOMEM;
        memcpy(old, val, vlen); /* the map may move on the writes below */
    } else if (rc != JW_STORE_NOTFOUND) {
        return rc;
    }

    /* Entries of untouched scopes stay; those of touched scopes are merged
     * with the fresh derivation (both sorted by digest, tag): kept, gone,
     * or added (an entry the derivation made that the list had not). */
    t->live_len = 0;
    size_t i = 0, j = 0;
    while (i < old_n || j < n) {
        const uint8_t *o = i < old_n ? old + i * LIVE_ENTRY : NULL;
        if (o && !tag_touched((const uint8_t(*)[8])tags, n_tags, all, o + 8)) {
            if ((rc = push_entry(&keep, &keep_len, &keep_cap, o))) goto out;
            i++;
            continue;
        }
        int c;
        if (!o) c = 1;
        else if (j == n) c = -1;
        else {
            c = memcmp(o, ev[j].dig, 8);
            if (!c) c = memcmp(o + 8, ev[j].tag, 8);
        }
        if (c < 0) {
            if ((rc = push_entry(&gone, &gone_len, &gone_cap, o))) goto out;
            i++;
        } else if (c > 0) {
            uint8_t e[LIVE_ENTRY];
            memset(e, 0, sizeof e);
            memcpy(e, ev[j].dig, 8);
            memcpy(e + 8, ev[j].tag, 8);
            /* id|seq: the body's index in the derivation until it is known */
            memcpy(e + 16, &j, sizeof j);
            if ((rc = push_entry(&added, &added_len, &added_cap, e))) goto out;
            j++;
        } else {
            if ((rc = push_entry(&keep, &keep_len, &keep_cap, o))) goto out;
            i++;
            j++;
        }
    }
    size_t n_keep = keep_len / LIVE_ENTRY, n_gone = gone_len / LIVE_ENTRY, n_added = added_len / LIVE_ENTRY;
    if (n_gone == 0 && n_added == 0 && old) goto out; /* nothing changed: no page written */

    /* keep, gone and added are sorted by (digest, tag): each is a
     * subsequence of a sorted list. */

    /* Retract an event whose last entry goes (in id order, as always). An
     * entry that goes while another scope, or an added entry, still
     * derives the same body keeps the event live. */
    size_t n_retract = 0;
    for (size_t g = 0; g < n_gone; g++) {
        const uint8_t *e = gone + g * LIVE_ENTRY;
        if (g > 0 && memcmp(gone + (g - 1) * LIVE_ENTRY, e, 8) == 0) continue; /* same event */
        if (find_digest(keep, n_keep, e) || find_digest(added, n_added, e)) continue;
        if ((rc = push_entry(&t->live, &t->live_len, &t->live_cap, e))) goto out;
        n_retract++;
    }
    if (n_retract > 1) qsort(t->live, n_retract, LIVE_ENTRY, cmp_live_id);
    for (size_t g = 0; g < n_retract; g++) {
        rc = log_retract(t, txn, cause, yid_hex, t->live + g * LIVE_ENTRY + 16,
                         jw_store_seq_from_key(t->live + g * LIVE_ENTRY + 24));
        if (rc) goto out;
        counts->events_retracted++;
    }

    /* Added entries: the event of a body that is live already (a kept or
     * gone entry has it) goes on under its id and seq; a new body becomes
     * one new event however many scopes derive it, logged in date order
     * (then id, as always). */
    fresh = malloc((n_added ? n_added : 1) * sizeof *fresh);
    if (!fresh) {
        rc = JW_TRAJECT_ENOMEM;
        goto out;
    }
    for (size_t a = 0; a < n_added; a++) {
        uint8_t *e = added + a * LIVE_ENTRY;
        const uint8_t *had = find_digest(keep, n_keep, e);
        if (!had) had = find_digest(gone, n_gone, e);
        if (had) {
            memcpy(e + 16, had + 16, 16);
            continue;
        }
        if (a > 0 && memcmp(added + (a - 1) * LIVE_ENTRY, e, 8) == 0) continue; /* filled below */
        size_t jx;
        memcpy(&jx, e + 16, sizeof jx);
        fresh[n_fresh].d = ev[jx];
        fresh[n_fresh++].first = a;
    }
    for (size_t f = 0; f < n_fresh; f++)
        if ((rc = body_id(t, t->d.text.buf + fresh[f].d.body_off, fresh[f].d.body_len, fresh[f].d.id)))
            goto out;
    if (n_fresh > 1) qsort(fresh, n_fresh, sizeof *fresh, cmp_fresh_date);
    for (size_t f = 0; f < n_fresh; f++) {
        uint64_t seq;
        const derived_t *d = &fresh[f].d;
        rc = log_record(t, txn, d->id, t->d.text.buf + d->body_off, d->body_len, &seq);
        if (rc) goto out;
        counts->events_emitted++;
        for (size_t a = fresh[f].first; a < n_added && memcmp(added + a * LIVE_ENTRY, d->dig, 8) == 0; a++) {
            memcpy(added + a * LIVE_ENTRY + 16, d->id, 8);
            jw_store_seq_key(seq, added + a * LIVE_ENTRY + 24);
        }
    }

    /* The new list: kept and added entries, sorted for the next diff. */
    t->live_len = 0;
    if ((rc = grow_bytes((void **)&t->live, &t->live_cap, keep_len + added_len + 1, 1))) goto out;
    if (keep_len) memcpy(t->live, keep, keep_len);
    if (added_len) memcpy(t->live + keep_len, added, added_len);
    t->live_len = keep_len + added_len;
    if (n_keep && n_added) qsort(t->live, n_keep + n_added, LIVE_ENTRY, cmp_live_entry);
    rc = jw_store_put(txn, JW_DB_YOUTHS, yid, YID_BIN, t->live, t->live_len);
out:
    free(old);
    free(keep);
    free(gone);
    free(added);
    free(fresh);
    return rc;
}

/* ---- storing facts ---- */

/* Note that a message touched a youth, and which scope of its events:
 * kind '*' every scope, 'A' the allocation chain, 'D' the deliveries of
 * allocation (a = gemeente, tn), 'Q' the request (a = aanbieder, ref). */
static int touch_youth(jw_traject_t *t, const char *yid, char kind, const char *a, int64_t tn,
                       const char *ref)
{
    struct touched *y = NULL;
    for (size_t i = 0; i < t->n_yids && !y; i++)
        if (strcmp(t->yids[i].yid, yid) == 0) y = &t->yids[i];
    if (!y) {
        if (grow_bytes((void **)&t->yids, &t->cap_yids, t->n_yids + 1, sizeof *t->yids))
            return JW_TRAJECT_ENOMEM;
        y = &t->yids[t->n_yids++];
        memset(y, 0, sizeof *y);
        memcpy(y->yid, yid, JW_YID_HEX_LEN + 1);
    }
    scope_t *sc = &y->sc;
    if (sc->all) return 0;
    if (kind == '*') {
        sc->all = 1;
    } else if (kind == 'A') {
        sc->chain = 1;
    } else if (!traject_scope_has(sc, kind, a, tn, ref)) {
        if (sc->n == SCOPE_KEYS) {
            sc->all = 1; /* a message with many allocations: derive it all */
            return 0;
        }
        traject_scope_key(kind, a, tn, ref, &sc->key[sc->n++]);
    }
    return 0;
}

/* Key: yid (16) | first 8 bytes of the message hash | item index (4). The
 * same message applied again writes the same keys. */
static int fact_key(const char *yid_hex, const unsigned char hash[32], uint32_t index,
                    uint8_t key[28])
{
    if (sodium_hex2bin(key, YID_BIN, yid_hex, JW_YID_HEX_LEN, NULL, NULL, NULL) != 0)
        return JW_TRAJECT_ECORRUPT;
    memcpy(key + 16, hash, 8);
    key[24] = (uint8_t)(index >> 24);
    key[25] = (uint8_t)(index >> 16);
    key[26] = (uint8_t)(index >> 8);
    key[27] = (uint8_t)index;
    return 0;
}

/* Allocation versions and delivery facts: the allocation's prefix
 * (alloc_prefix) | first 8 bytes of the message hash | item index (4). */
static int alloc_fact_key(const char *yid_hex, const char *gemeente, int64_t tn, const unsigned char hash[32],
                          uint32_t index, uint8_t key[ALLOC_PREFIX + 12])
{
    uint8_t k28[28];
    int rc = fact_key(yid_hex, hash, index, k28);
    if (rc) return rc;
    alloc_prefix(k28, gemeente, tn, key);
    memcpy(key + ALLOC_PREFIX, k28 + 16, 12);
    return 0;
}

/* snprintf(dst, cap, "%s", src) without the format machinery: it ran
 * several times per fact. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int store_301(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid,
                     const unsigned char hash[32])
{
    uint8_t key[ALLOC_PREFIX + 12];
    int rc;
    for (size_t i = 0; i < m->n_toewijzingen; i++) {
        const jw_ijw_toewijzing_t *s = &m->toewijzingen[i];
        const char *yid = m->clients[s->client].yid; /* 2.x: one of a Clienten list */
        rec_alloc_t r;
        memset(&r, 0, sizeof r);
        r.legacy = (uint8_t)m->header.legacy;
        copy_str(r.msg, sizeof r.msg, msgid);
        copy_str(r.gemeente, sizeof r.gemeente, m->header.afzender);
        copy_str(r.aanbieder, sizeof r.aanbieder, m->header.ontvanger);
        r.tn = s->toewijzingnummer;
        copy_str(r.categorie, sizeof r.categorie, s->categorie);
        copy_str(r.code, sizeof r.code, s->code);
        r.toewijzingsdatum = s->toewijzingsdatum;
        r.toewijzingstijd = s->toewijzingstijd;
        r.ingang = s->ingangsdatum;
        r.eind = s->einddatum;
        r.reden = s->reden_wijziging;
        copy_str(r.referentie, sizeof r.referentie, s->referentie_aanbieder);
        /* Content hash over the version's fields (not the message id). */
        {
            rec_alloc_t c = r;
            memset(c.msg, 0, sizeof c.msg);
            crypto_generichash(r.content, sizeof r.content, (const unsigned char *)&c, sizeof c, NULL, 0);
        }
        if ((rc = alloc_fact_key(yid, r.gemeente, r.tn, hash, (uint32_t)i, key))) return rc;
        if ((rc = jw_store_put(txn, JW_DB_ALLOCATIONS, key, sizeof key, &r, sizeof r))) return rc;
        if ((rc = touch_youth(t, yid, 'A', NULL, 0, NULL))) return rc;
        if ((rc = touch_youth(t, yid, 'D', r.gemeente, r.tn, NULL))) return rc;
    }
    return 0;
}

static int store_30x(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid,
                     const unsigned char hash[32])
{
    uint8_t key[ALLOC_PREFIX + 12];
    int rc;
    for (size_t i = 0; i < m->n_leveringen; i++) {
        const jw_ijw_levering_t *s = &m->leveringen[i];
        const char *yid = m->clients[s->client].yid;
        rec_delivery_t r;
        memset(&r, 0, sizeof r);
        r.legacy = (uint8_t)m->header.legacy;
        copy_str(r.msg, sizeof r.msg, msgid);
        copy_str(r.gemeente, sizeof r.gemeente, m->header.ontvanger);
        copy_str(r.aanbieder, sizeof r.aanbieder, m->header.afzender);
        r.tn = s->toewijzingnummer;
        copy_str(r.categorie, sizeof r.categorie, s->categorie);
        copy_str(r.code, sizeof r.code, s->code);
        r.kind = m->type == JW_MSG_305 ? 305 : 307;
        r.begin = s->begindatum;
        r.eind = s->einddatum;
        r.reden = s->reden_beeindiging;
        r.status = s->status;
        r.dagtekening = m->header.dagtekening;
        if ((rc = alloc_fact_key(yid, r.gemeente, r.tn, hash, (uint32_t)i, key))) return rc;
        if ((rc = jw_store_put(txn, JW_DB_DELIVERIES, key, sizeof key, &r, sizeof r))) return rc;
        if ((rc = touch_youth(t, yid, 'D', r.gemeente, r.tn, NULL))) return rc;
    }
    return 0;
}

static int store_315(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid,
                     const unsigned char hash[32])
{
    uint8_t key[28];
    int rc;
    for (size_t i = 0; i < m->n_verzoeken; i++) {
        const jw_ijw_verzoek_t *s = &m->verzoeken[i];
        const char *yid = m->clients[s->client].yid;
        rec_request_t r;
        memset(&r, 0, sizeof r);
        r.legacy = (uint8_t)m->header.legacy;
        copy_str(r.msg, sizeof r.msg, msgid);
        copy_str(r.gemeente, sizeof r.gemeente, m->header.ontvanger);
        copy_str(r.aanbieder, sizeof r.aanbieder, m->header.afzender);
        copy_str(r.referentie, sizeof r.referentie, s->referentie_aanbieder);
        copy_str(r.categorie, sizeof r.categorie, s->categorie);
        copy_str(r.code, sizeof r.code, s->code);
        r.ingang = s->toewijzing_ingangsdatum;
        r.dagtekening = m->header.dagtekening;
        r.verwijzer = s->verwijzer_type;
        if ((rc = fact_key(yid, hash, (uint32_t)i, key))) return rc;
        if ((rc = jw_store_put(txn, JW_DB_REQUESTS, key, sizeof key, &r, sizeof r))) return rc;
        if ((rc = touch_youth(t, yid, 'A', NULL, 0, NULL))) return rc;
        if ((rc = touch_youth(t, yid, 'Q', r.aanbieder, 0, r.referentie))) return rc;
    }
    return 0;
}

/* Declaration lines: identity (aanbieder, ReferentieNummer). A line's
 * `declared` event depends on the line alone, so it is written here and
 * never re-derived. Returns 1 when a line identity is already taken by
 * another message (TR314), before anything is written. */
static void decl_key(const char *aanbieder, const char *ref, uint8_t key[29])
{
    memset(key, 0, 29);
    memcpy(key, aanbieder, strnlen(aanbieder, 8));
    memcpy(key + 8, ref, strnlen(ref, 20));
}

static int check_323_conflict(jw_txn_t *txn, const jw_ijw_msg_t *m, int *conflict)
{
    uint8_t key[29];
    const void *val;
    size_t vlen;
    *conflict = 0;
    for (size_t i = 0; i < m->n_prestaties; i++) {
        decl_key(m->header.afzender, m->prestaties[i].referentienummer, key);
        int rc = jw_store_get(txn, JW_DB_DECLARATIONS, key, sizeof key, &val, &vlen);
        if (rc == 0) {
            *conflict = 1;
            return 0;
        }
        if (rc != JW_STORE_NOTFOUND) return rc;
    }
    return 0;
}

static int line_refused(jw_txn_t *txn, const char *aanbieder, const char *ref, int *yes);
static int msg_refused(jw_txn_t *txn, const char *msgid, int *yes);
static int index_lines(jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid);

/* The fields a declaration line's `declared` and `refused` events share,
 * "type" to "referentie", into j (reset): the field order is part of the
 * event id, so both events keep it whatever follows. */
static void line_event_head(jw_traject_t *t, jw_event_w_t *j, const char *type, const char *msgid,
                            const char *yid, const char *gemeente, const char *aanbieder,
                            const jw_ijw_prestatie_t *p)
{
    char d[11], unit[3];
    jw_event_w_reset(j);
    jw_event_w_str(j, JW_EK_TYPE, type);
    jw_event_w_str(j, JW_EK_PROFILE, jw_profile_name(t->profile));
    jw_event_w_str(j, JW_EK_MSG, msgid);
    jw_event_w_str(j, JW_EK_YID, yid);
    jw_event_w_str(j, JW_EK_GEMEENTE, gemeente);
    jw_event_w_str(j, JW_EK_AANBIEDER, aanbieder);
    jw_event_w_int(j, JW_EK_TOEWIJZING, p->toewijzingnummer);
    jw_event_w_str(j, JW_EK_SEGMENT, jw_profile_segment(t->profile, p->categorie, p->code));
    jw_event_w_str(j, JW_EK_CATEGORIE, p->categorie);
    jw_event_w_str(j, JW_EK_PRODUCT, p->code);
    jw_date_format(p->begindatum, d);
    d[7] = '\0';
    jw_event_w_str(j, JW_EK_PERIOD, d);
    jw_event_w_date(j, JW_EK_DATE, p->begindatum);
    jw_event_w_int(j, JW_EK_VOLUME, p->volume);
    unit[0] = (char)('0' + p->eenheid / 10 % 10);
    unit[1] = (char)('0' + p->eenheid % 10);
    unit[2] = '\0';
    jw_event_w_str(j, JW_EK_UNIT, unit);
    jw_event_w_int(j, JW_EK_AMOUNT_CENTS, p->bedrag);
    jw_event_w_str(j, JW_EK_REFERENTIE, p->referentienummer);
}

static int store_323(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid,
                     jw_traject_counts_t *counts)
{
    uint8_t key[29];
    int rc, whole = 0;
    if ((rc = msg_refused(txn, msgid, &whole))) return rc;
    if ((rc = index_lines(txn, m, msgid))) return rc;
    for (size_t i = 0; i < m->n_prestaties; i++) {
        const jw_ijw_prestatie_t *p = &m->prestaties[i];
        const jw_ijw_client_t *c = &m->clients[p->client];
        jw_event_w_t *j = &t->d.one;
        uint8_t id[8];
        uint64_t seq;
        int refused = whole;

        /* A line refused by a JW325 that came first is never awarded: no
         * `declared` event, the line record holds seq 0. */
        if (!refused && (rc = line_refused(txn, m->header.afzender, p->referentienummer, &refused)))
            return rc;
        if (refused) {
            uint8_t zero[8] = {0};
            decl_key(m->header.afzender, p->referentienummer, key);
            if ((rc = jw_store_put(txn, JW_DB_DECLARATIONS, key, sizeof key, zero, sizeof zero)))
                return rc;
            continue;
        }

        line_event_head(t, j, "declared", msgid, c->yid, m->header.ontvanger, m->header.afzender, p);
        jw_event_w_str(j, JW_EK_CREDITS, p->vorig_referentienummer[0] ? p->vorig_referentienummer : NULL);
        if (m->header.legacy) jw_event_w_str(j, JW_EK_RELEASE, jw_ijw_release_name(&m->header));
        if (jw_event_w_finish(j)) return JW_TRAJECT_ENOMEM;
        if ((rc = log_event(t, txn, j->buf, j->len, id, &seq))) return rc;
        counts->events_emitted++;

        /* The line record: the event seq, for look-ups by line identity. */
        uint8_t be[8];
        jw_store_seq_key(seq, be);
        decl_key(m->header.afzender, p->referentienummer, key);
        if ((rc = jw_store_put(txn, JW_DB_DECLARATIONS, key, sizeof key, be, sizeof be))) return rc;
    }
    return 0;
}

/* ---- refused messages (SPEC §3 "Refused messages") ----
 *
 * A refused heenbericht counts as not sent. Refusals are stored as facts
 * of their own, and a youth's facts are filtered by them each time the
 * youth is derived, so the result is the same whichever arrives first.
 * JW_DB_REFUSALS holds:
 *   "X/<identity>"          the heenbericht is refused -> the refusing message
 *   "Y/<identity>"          the youth (yid hex) of a heenbericht's facts
 *   "Q/<aanbieder>/<ref>"   the youth of a request (JW315 line)
 *   "q/<aanbieder>/<ref>"   the request is refused -> the JW319
 *   "L/<identity>"          a JW323's ReferentieNummers, 20 bytes each
 *   'R' + line key (30 bytes) the line is refused -> the JW325
 *   "M/<yid>"               the youth may have refused facts: only then are
 *                           its facts looked up one by one (most youths
 *                           never have a refusal, and a look-up per fact
 *                           per derivation was a tenth of applying) */

static int key_get(jw_txn_t *txn, jw_db_t db, const char *key, const void **val, size_t *vlen,
                   int *found)
{
    int rc = jw_store_get(txn, db, key, strlen(key), val, vlen);
    *found = rc == 0;
    return rc == JW_STORE_NOTFOUND ? 0 : rc;
}

/* Mark a youth as one that may have refused facts (never unmarked: a
 * mark only costs the look-ups it enables). Written once. */
static int mark_youth(jw_txn_t *txn, const char *yid)
{
    char key[JW_YID_HEX_LEN + 3];
    const void *v;
    size_t vl;
    int found, rc;
    if (!yid || !yid[0]) return 0;
    snprintf(key, sizeof key, "M/%s", yid);
    if ((rc = key_get(txn, JW_DB_REFUSALS, key, &v, &vl, &found)) || found) return rc;
    return jw_store_put(txn, JW_DB_REFUSALS, key, strlen(key), "1", 1);
}

static int youth_marked(jw_txn_t *txn, const char *yid, int *yes)
{
    char key[JW_YID_HEX_LEN + 3];
    const void *v;
    size_t vl;
    snprintf(key, sizeof key, "M/%s", yid);
    return key_get(txn, JW_DB_REFUSALS, key, &v, &vl, yes);
}

static int msg_refused(jw_txn_t *txn, const char *msgid, int *yes)
{
    char key[48];
    const void *v;
    size_t vl;
    snprintf(key, sizeof key, "X/%s", msgid);
    return key_get(txn, JW_DB_REFUSALS, key, &v, &vl, yes);
}

/* A request refused by a JW319 that is not itself refused (JW320). The
 * q/ record holds every refusing JW319 as "<identity>|<Dagtekening
 * YYYY-MM-DD>|<reason>", separated by ';' (a request may be refused twice,
 * and a JW320 may refuse one of the two): the earliest one not refused
 * counts (ties: lower identity), whatever the order they arrived in. */
static int request_refused(jw_txn_t *txn, const char *aanbieder, const char *ref, int *yes,
                           int32_t *answer_date, int32_t *reden)
{
    char key[64];
    const void *v;
    size_t vl;
    int found, rc;
    *yes = 0;
    snprintf(key, sizeof key, "q/%s/%s", aanbieder, ref);
    if ((rc = key_get(txn, JW_DB_REFUSALS, key, &v, &vl, &found)) || !found) return rc;
    char *all = malloc(vl + 1);
    if (!all) return JW_TRAJECT_ENOMEM;
    memcpy(all, v, vl); /* the map may move on later reads */
    all[vl] = '\0';
    char best_id[MSGID_LEN + 1] = "";
    char *save = NULL;
    for (char *rec = strtok_r(all, ";", &save); rec; rec = strtok_r(NULL, ";", &save)) {
        char *bar = strchr(rec, '|');
        jw_date_t d;
        if (!bar || strlen(bar) < 11 || jw_date_parse(bar + 1, 10, &d)) {
            free(all);
            return JW_TRAJECT_ECORRUPT;
        }
        *bar = '\0';
        if ((rc = msg_refused(txn, rec, &found))) {
            free(all);
            return rc;
        }
        if (found) continue;
        if (*yes && (d > *answer_date || (d == *answer_date && strcmp(rec, best_id) >= 0))) continue;
        *yes = 1;
        *answer_date = d;
        *reden = bar[11] == '|' ? atoi(bar + 12) : JW_NONE;
        snprintf(best_id, sizeof best_id, "%s", rec);
    }
    free(all);
    return 0;
}

static int line_refused(jw_txn_t *txn, const char *aanbieder, const char *ref, int *yes)
{
    uint8_t key[30];
    const void *v;
    size_t vl;
    key[0] = 'R';
    decl_key(aanbieder, ref, key + 1);
    int rc = jw_store_get(txn, JW_DB_REFUSALS, key, sizeof key, &v, &vl);
    *yes = rc == 0;
    return rc == JW_STORE_NOTFOUND ? 0 : rc;
}

/* Drop the loaded facts of refused messages and refused requests. */
static int drop_refused_facts(jw_traject_t *t, jw_txn_t *txn, const char *yid_hex)
{
    int rc, yes;
    size_t k = 0;
    t->n_rref = 0;
    if ((rc = youth_marked(txn, yid_hex, &yes)) || !yes) return rc;
    for (size_t i = 0; i < t->n_allocs; i++) {
        if ((rc = msg_refused(txn, t->allocs[i].msg, &yes))) return rc;
        if (!yes) t->allocs[k++] = t->allocs[i];
    }
    t->n_allocs = k;
    k = 0;
    for (size_t i = 0; i < t->n_dels; i++) {
        if ((rc = msg_refused(txn, t->dels[i].msg, &yes))) return rc;
        if (!yes) t->dels[k++] = t->dels[i];
    }
    t->n_dels = k;
    k = 0;
    t->n_rref = 0;
    for (size_t i = 0; i < t->n_reqs; i++) {
        const rec_request_t *r = &t->reqs[i];
        int32_t answer_date = 0, reden = JW_NONE;
        if ((rc = msg_refused(txn, r->msg, &yes))) return rc;
        if (yes) continue; /* never sent */
        if ((rc = request_refused(txn, r->aanbieder, r->referentie, &yes, &answer_date, &reden))) return rc;
        if (!yes) {
            t->reqs[k++] = t->reqs[i];
            continue;
        }
        if (grow_bytes((void **)&t->rref, &t->cap_rref, t->n_rref + 1, sizeof *t->rref))
            return JW_TRAJECT_ENOMEM;
        struct refused_req *q = &t->rref[t->n_rref++];
        q->r = *r;
        q->answer_date = answer_date;
        q->reden = reden;
    }
    t->n_reqs = k;
    return 0;
}

static int cmp_rref(const void *a, const void *b)
{
    const rec_request_t *x = &((const struct refused_req *)a)->r, *y = &((const struct refused_req *)b)->r;
    int c;
    if ((c = strcmp(x->aanbieder, y->aanbieder))) return c;
    if ((c = strcmp(x->referentie, y->referentie))) return c;
    if (x->dagtekening != y->dagtekening) return x->dagtekening < y->dagtekening ? -1 : 1;
    return strcmp(x->msg, y->msg);
}

/* One `request_refused` event per refused request (aanbieder,
 * ReferentieAanbieder; its latest JW315 line, as for `request`): a fact
 * of the youth like the others, so it is derived, and retracted when a
 * JW320 voids the refusal. */
static int derive_refused_requests(jw_traject_t *t, const char *yid_hex, const scope_t *sc)
{
    derivation_t *out = &t->d;
    char rd[8];
    uint8_t tag[8];
    if (t->n_rref) qsort(t->rref, t->n_rref, sizeof *t->rref, cmp_rref);
    for (size_t i = 0; i < t->n_rref; i++) {
        const struct refused_req *q = &t->rref[i];
        if (i + 1 < t->n_rref && strcmp(q->r.aanbieder, t->rref[i + 1].r.aanbieder) == 0 &&
            strcmp(q->r.referentie, t->rref[i + 1].r.referentie) == 0)
            continue; /* a later line of the same request follows */
        /* the request's scope, as its `request` event would have */
        if (!traject_scope_has(sc, 'Q', q->r.aanbieder, 0, q->r.referentie)) continue;
        traject_scope_tag('Q', q->r.aanbieder, 0, q->r.referentie, tag);
        jw_event_w_t *j = &out->one;
        jw_event_w_reset(j);
        jw_event_w_str(j, JW_EK_TYPE, "request_refused");
        jw_event_w_str(j, JW_EK_PROFILE, jw_profile_name(t->profile));
        jw_event_w_str(j, JW_EK_MSG, q->r.msg);
        jw_event_w_str(j, JW_EK_YID, yid_hex);
        jw_event_w_str(j, JW_EK_GEMEENTE, q->r.gemeente);
        jw_event_w_str(j, JW_EK_AANBIEDER, q->r.aanbieder);
        jw_event_w_str(j, JW_EK_SEGMENT, jw_profile_segment(t->profile, q->r.categorie, q->r.code));
        jw_event_w_str(j, JW_EK_CATEGORIE, q->r.categorie[0] ? q->r.categorie : NULL);
        jw_event_w_str(j, JW_EK_PRODUCT, q->r.code[0] ? q->r.code : NULL);
        jw_event_w_date(j, JW_EK_DATE, q->answer_date);
        jw_event_w_date(j, JW_EK_REQUEST_DATE, q->r.dagtekening);
        jw_event_w_int(j, JW_EK_DAYS, (int64_t)q->answer_date - q->r.dagtekening);
        if (q->reden != JW_NONE) {
            snprintf(rd, sizeof rd, "%d", q->reden);
            jw_event_w_str(j, JW_EK_REDEN, rd);
        } else {
            jw_event_w_null(j, JW_EK_REDEN);
        }
        int rc = traject_emit(out, q->answer_date, q->r.gemeente, tag);
        if (rc) return rc;
    }
    return 0;
}

static int put_str(jw_txn_t *txn, const char *key, const char *val)
{
    return jw_store_put(txn, JW_DB_REFUSALS, key, strlen(key), val, strlen(val));
}

/* Re-derive the youth a key names (a yid), if it is known yet. */
static int touch_by_key(jw_traject_t *t, jw_txn_t *txn, const char *key, char *yid_out)
{
    const void *v;
    size_t vl;
    int found, rc = key_get(txn, JW_DB_REFUSALS, key, &v, &vl, &found);
    if (rc || !found) return rc;
    if (vl != JW_YID_HEX_LEN) return JW_TRAJECT_ECORRUPT;
    char yid[JW_YID_HEX_LEN + 1];
    memcpy(yid, v, JW_YID_HEX_LEN);
    yid[JW_YID_HEX_LEN] = '\0';
    if (yid_out) memcpy(yid_out, yid, sizeof yid);
    return touch_youth(t, yid, '*', NULL, 0, NULL); /* a refusal changes what counts */
}

/* After a 301/305/307/315 is stored: which youth its facts belong to, and
 * for requests, the request index (and the youth of a JW319 that refused
 * one of them before it came). */
static int index_heen(jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid)
{
    char key[64];
    const void *v;
    size_t vl;
    int rc, found;
    const char *yid = m->clients[0].yid;
    snprintf(key, sizeof key, "Y/%s", msgid);
    if ((rc = put_str(txn, key, yid))) return rc;
    /* Refused before it came: every youth of it has refused facts. A 2.x
     * message may name several youths, and a later retour only reaches
     * the first through "Y/": the others are marked now. */
    snprintf(key, sizeof key, "X/%s", msgid);
    if ((rc = key_get(txn, JW_DB_REFUSALS, key, &v, &vl, &found))) return rc;
    for (size_t i = found ? 0 : 1; i < m->n_clients; i++)
        if ((rc = mark_youth(txn, m->clients[i].yid))) return rc;
    for (size_t i = 0; m->type == JW_MSG_315 && i < m->n_verzoeken; i++) {
        const char *ref = m->verzoeken[i].referentie_aanbieder;
        yid = m->clients[m->verzoeken[i].client].yid;
        snprintf(key, sizeof key, "Q/%s/%s", m->header.afzender, ref);
        if ((rc = put_str(txn, key, yid))) return rc;
        snprintf(key, sizeof key, "q/%s/%s", m->header.afzender, ref);
        if ((rc = key_get(txn, JW_DB_REFUSALS, key, &v, &vl, &found))) return rc;
        if (found) {
            if ((rc = mark_youth(txn, yid))) return rc;
            /* every refusing JW319 (';'-separated records) names this youth */
            char *all = malloc(vl + 1);
            if (!all) return JW_TRAJECT_ENOMEM;
            memcpy(all, v, vl); /* the map may move on the writes below */
            all[vl] = '\0';
            char *save = NULL;
            for (char *r = strtok_r(all, ";", &save); r && !rc; r = strtok_r(NULL, ";", &save)) {
                char by[MSGID_LEN + 2];
                size_t n = strcspn(r, "|");
                snprintf(by, sizeof by, "Y/%.*s", (int)(n < MSGID_LEN ? n : MSGID_LEN - 1), r);
                rc = put_str(txn, by, yid);
            }
            free(all);
            if (rc) return rc;
        }
    }
    return 0;
}

/* A `message_refused` event: the receiver refused a whole heenbericht.
 * Built from the refusing message alone (so the same in every order); it
 * concerns a message, not a youth: yid is all zeros. */
static int log_message_refused(jw_traject_t *t, jw_txn_t *txn, const char *msgid, int heen_type,
                               const char *refuses, const char *gemeente, const char *aanbieder,
                               jw_date_t date, const jw_ijw_retour_t *codes, const char *extra_code,
                               jw_traject_counts_t *counts)
{
    char type[8], list[JW_IJW_MAX_CODES * 5 + 8] = "";
    uint8_t id[8];
    uint64_t seq;
    size_t len = 0;
    for (size_t i = 0; i < codes->n_codes; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? " " : "", codes->codes[i]);
    if (extra_code && extra_code[0] && len < sizeof list)
        snprintf(list + len, sizeof list - len, "%s%s", len ? " " : "", extra_code);
    jw_event_w_t *j = &t->d.one;
    jw_event_w_reset(j);
    jw_event_w_str(j, JW_EK_TYPE, "message_refused");
    jw_event_w_str(j, JW_EK_PROFILE, jw_profile_name(t->profile));
    jw_event_w_str(j, JW_EK_MSG, msgid);
    jw_event_w_str(j, JW_EK_YID, "00000000000000000000000000000000");
    jw_event_w_str(j, JW_EK_GEMEENTE, gemeente);
    jw_event_w_str(j, JW_EK_AANBIEDER, aanbieder);
    jw_event_w_date(j, JW_EK_DATE, date);
    snprintf(type, sizeof type, "JW%d", heen_type);
    jw_event_w_str(j, JW_EK_MESSAGE, type);
    jw_event_w_str(j, JW_EK_REFUSES, refuses);
    jw_event_w_str(j, JW_EK_CODES, list);
    if (jw_event_w_finish(j)) return JW_TRAJECT_ENOMEM;
    int rc = log_event(t, txn, j->buf, j->len, id, &seq);
    if (rc) return rc;
    counts->events_emitted++;
    return 0;
}

/* A retour: with an error code (anything but 0200/0233, IV032) the
 * heenbericht it names by its copied header counts as not sent. */
static int store_retour(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid,
                        jw_traject_counts_t *counts)
{
    char heen[MSGID_LEN], key[48];
    int rc;
    if (!m->retour.refused) return 0;
    jw_msg_type_t ht = jw_ijw_retour_of(m->type);
    snprintf(heen, sizeof heen, "%d/%s/%s", jw_ijw_berichtcode(ht), m->header.afzender,
             m->header.identificatie);
    snprintf(key, sizeof key, "X/%s", heen);
    if ((rc = put_str(txn, key, msgid))) return rc;
    /* JW301 and JW319 come from the gemeente; the others from the aanbieder. */
    int by_gemeente = ht == JW_MSG_301 || ht == JW_MSG_319;
    if ((rc = log_message_refused(t, txn, msgid, (int)ht, heen,
                                  by_gemeente ? m->header.afzender : m->header.ontvanger,
                                  by_gemeente ? m->header.ontvanger : m->header.afzender,
                                  m->retour.dagtekening, &m->retour, NULL, counts)))
        return rc;
    char yid[JW_YID_HEX_LEN + 1] = "";
    snprintf(key, sizeof key, "Y/%s", heen);
    if ((rc = touch_by_key(t, txn, key, yid))) return rc;
    return mark_youth(txn, yid);
}

/* A JW319 that refuses (VerzoekAntwoord 1) takes the request it answers
 * (aanbieder = its Ontvanger, ReferentieAanbieder) out of the requests. */
static int store_319(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid)
{
    char key[64], yid[JW_YID_HEX_LEN + 1] = "";
    int rc;
    if (m->verzoek.verzoek_antwoord != 1) return 0;
    char rec[MSGID_LEN + 20], d[11];
    jw_date_format(m->header.dagtekening, d);
    snprintf(rec, sizeof rec, "%s|%s|%d", msgid, d, m->verzoek.reden_afwijzing);
    snprintf(key, sizeof key, "q/%s/%s", m->header.ontvanger, m->verzoek.referentie_aanbieder);
    {
        /* add to the request's refusals (request_refused picks one) */
        const void *v;
        size_t vl;
        int found;
        if ((rc = key_get(txn, JW_DB_REFUSALS, key, &v, &vl, &found))) return rc;
        if (!found) {
            if ((rc = put_str(txn, key, rec))) return rc;
        } else {
            size_t rl = strlen(rec);
            char *all = malloc(vl + rl + 2);
            if (!all) return JW_TRAJECT_ENOMEM;
            memcpy(all, v, vl);
            all[vl] = '\0';
            int have = 0;
            char *scan = strdup(all), *save = NULL;
            if (!scan) {
                free(all);
                return JW_TRAJECT_ENOMEM;
            }
            for (char *r = strtok_r(scan, ";", &save); r; r = strtok_r(NULL, ";", &save))
                if (strcmp(r, rec) == 0) have = 1;
            free(scan);
            if (!have) {
                all[vl] = ';';
                memcpy(all + vl + 1, rec, rl + 1);
                rc = put_str(txn, key, all);
            }
            free(all);
            if (rc) return rc;
        }
    }
    snprintf(key, sizeof key, "Q/%s/%s", m->header.ontvanger, m->verzoek.referentie_aanbieder);
    if ((rc = touch_by_key(t, txn, key, yid))) return rc;
    if (!yid[0]) return 0;
    if ((rc = mark_youth(txn, yid))) return rc;
    snprintf(key, sizeof key, "Y/%s", msgid);
    return put_str(txn, key, yid);
}

/* The ReferentieNummers of a declaration, for a JW325 that refuses it whole. */
static int index_lines(jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid)
{
    char key[48];
    int rc;
    size_t n = m->n_prestaties;
    char *refs = calloc(n ? n : 1, 20);
    if (!refs) return JW_TRAJECT_ENOMEM;
    for (size_t i = 0; i < n; i++)
        memcpy(refs + i * 20, m->prestaties[i].referentienummer,
               strnlen(m->prestaties[i].referentienummer, 20));
    snprintf(key, sizeof key, "L/%s", msgid);
    rc = jw_store_put(txn, JW_DB_REFUSALS, key, strlen(key), refs, n * 20);
    free(refs);
    return rc;
}

/* The id and youth of the event at seq, if that event is still live. */
static int live_event_at(jw_txn_t *txn, uint64_t seq, uint8_t id[8], char yid[JW_YID_HEX_LEN + 1],
                         int *live)
{
    uint8_t be[8];
    const void *v;
    size_t vl;
    int rc = jw_traject_event_live(txn, seq, live);
    if (rc || !*live) return rc;
    jw_store_seq_key(seq, be);
    if ((rc = jw_store_get(txn, JW_DB_EVENTS, be, 8, &v, &vl))) return rc;
    jw_event_view_t ev;
    if (jw_event_view(v, vl, &ev)) return JW_TRAJECT_ECORRUPT;
    memcpy(id, ev.id, 8);
    if (jw_event_get_str(&ev, JW_EK_YID, yid, JW_YID_HEX_LEN + 1)) yid[0] = '\0';
    return 0;
}

/* Refuse one declaration line: record it, and retract its `declared` event
 * when the line came first. p (may be NULL for a whole refusal) is the
 * JW325's copy of the line: it gives the `refused` event, built from the
 * JW325 alone so it is the same whichever message came first. */
static int refuse_line(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid,
                       const char *aanbieder, const char *ref, const jw_ijw_prestatie_t *p,
                       jw_traject_counts_t *counts)
{
    uint8_t key[30], id[8];
    char yid[JW_YID_HEX_LEN + 1];
    const void *v;
    size_t vl;
    int rc, live;
    key[0] = 'R';
    decl_key(aanbieder, ref, key + 1);
    if ((rc = jw_store_put(txn, JW_DB_REFUSALS, key, sizeof key, msgid, strlen(msgid)))) return rc;
    rc = jw_store_get(txn, JW_DB_DECLARATIONS, key + 1, 29, &v, &vl);
    if (rc && rc != JW_STORE_NOTFOUND) return rc;
    if (rc == 0 && vl == 8 && jw_store_seq_from_key(v) != 0) {
        uint64_t seq = jw_store_seq_from_key(v);
        if ((rc = live_event_at(txn, seq, id, yid, &live))) return rc;
        if (live) {
            if ((rc = log_retract(t, txn, msgid, yid, id, seq))) return rc;
            counts->events_retracted++;
        }
    }
    if (!p) return 0;

    uint64_t seq;
    jw_event_w_t *j = &t->d.one;
    line_event_head(t, j, "refused", msgid, m->clients[p->client].yid, m->header.afzender, aanbieder, p);
    jw_event_w_str(j, JW_EK_CODE, p->retourcode);
    if (m->header.legacy) jw_event_w_str(j, JW_EK_RELEASE, jw_ijw_release_name(&m->header));
    if (jw_event_w_finish(j)) return JW_TRAJECT_ENOMEM;
    if ((rc = log_event(t, txn, j->buf, j->len, id, &seq))) return rc;
    counts->events_emitted++;
    return 0;
}

static int ok_code(const char *c)
{
    return strcmp(c, "0200") == 0 || strcmp(c, "0233") == 0 || strcmp(c, "8001") == 0;
}

/* A JW325: the lines it holds are refused (only refused lines are sent,
 * TR342); a refusal of the whole declaration (a header code, or an error
 * code on DeclaratieAntwoord) refuses the JW323 it names as not sent. */
static int store_325(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *m, const char *msgid,
                     jw_traject_counts_t *counts)
{
    const char *aanbieder = m->header.ontvanger;
    int rc;
    int whole = m->retour.refused ||
                (m->declaratie.has_antwoord && !ok_code(m->declaratie.decl_retourcode));
    if (whole) {
        char decl[MSGID_LEN], key[48];
        const void *v;
        size_t vl;
        int found;
        /* The declaration it answers: JW323 490, or a 2.x JW303 432/450 (JW304 433/451). */
        unsigned heen = m->header.legacy ? (unsigned)(m->header.berichtcode - 1) % 1000u : 490u;
        snprintf(decl, sizeof decl, "%03u/%s/%s", heen, aanbieder, m->declaratie.decl_identificatie);
        snprintf(key, sizeof key, "X/%s", decl);
        if ((rc = put_str(txn, key, msgid))) return rc;
        if ((rc = log_message_refused(t, txn, msgid, 323, decl, m->header.afzender, aanbieder,
                                      m->header.dagtekening, &m->retour,
                                      m->declaratie.has_antwoord ? m->declaratie.decl_retourcode : NULL,
                                      counts)))
            return rc;
        snprintf(key, sizeof key, "L/%s", decl);
        if ((rc = key_get(txn, JW_DB_REFUSALS, key, &v, &vl, &found))) return rc;
        if (found && vl % 20 == 0) {
            size_t n = vl / 20;
            char *refs = malloc(vl ? vl : 1);
            if (!refs) return JW_TRAJECT_ENOMEM;
            memcpy(refs, v, vl); /* the map may move on the writes below */
            for (size_t i = 0; i < n && !rc; i++) {
                char ref[21];
                memcpy(ref, refs + i * 20, 20);
                ref[20] = '\0';
                rc = refuse_line(t, txn, m, msgid, aanbieder, ref, NULL, counts);
            }
            free(refs);
            if (rc) return rc;
        }
    }
    for (size_t i = 0; i < m->n_prestaties; i++) {
        const jw_ijw_prestatie_t *p = &m->prestaties[i];
        if ((rc = refuse_line(t, txn, m, msgid, aanbieder, p->referentienummer, p, counts)))
            return rc;
    }
    return 0;
}

/* ---- the two entry points ---- */

static int put_deadletter(jw_traject_t *t, jw_txn_t *txn, const char *source, const char *identity,
                          const unsigned char hash[32], jw_layer_t layer, const char *rule,
                          int line, const char *message, jw_outcome_t *outcome,
                          jw_traject_counts_t *counts)
{
    const void *val;
    size_t vlen;
    char hashhex[65];
    int rc = jw_store_get(txn, JW_DB_DEADLETTERS, hash, 32, &val, &vlen);
    if (rc == 0) {
        *outcome = JW_DUPLICATE;
        counts->duplicates++;
        return 0;
    }
    if (rc != JW_STORE_NOTFOUND) return rc;
    hex(hash, 32, hashhex);
    jw_json_t *j = &t->dl;
    jw_json_reset(j);
    jw_json_open(j);
    /* A file or entry name may hold a BSN ("999900006.xml"): stored with
     * every run of nine or more digits masked, as error texts are. */
    char *masked = source ? strdup(source) : NULL;
    if (source && !masked) return JW_TRAJECT_ENOMEM;
    if (masked) jw_ijw_redact(masked);
    jw_json_str(j, "source", masked);
    free(masked);
    jw_json_str(j, "identity", identity);
    jw_json_str(j, "layer", jw_layer_name(layer));
    jw_json_str(j, "rule", rule);
    if (line > 0) jw_json_int(j, "line", line);
    else jw_json_null(j, "line");
    jw_json_str(j, "message", message);
    jw_json_str(j, "sha256", hashhex);
    jw_json_close(j);
    if (jw_json_finish(j)) return JW_TRAJECT_ENOMEM;
    rc = jw_store_put(txn, JW_DB_DEADLETTERS, hash, 32, j->buf, j->len);
    if (rc) return rc;
    *outcome = JW_DEADLETTERED;
    counts->deadletters++;
    if (layer > 0 && layer < 4) counts->deadletters_by_layer[layer]++;
    return 0;
}

int jw_traject_deadletter(jw_traject_t *t, jw_txn_t *txn, const char *source,
                          const unsigned char hash[32], const jw_ijw_error_t *err,
                          jw_outcome_t *outcome, jw_traject_counts_t *counts)
{
    counts->messages++;
    return put_deadletter(t, txn, source, NULL, hash, err->layer, err->rule, err->line,
                          err->message, outcome, counts);
}

int jw_traject_apply(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *msg,
                     const unsigned char hash[32], jw_outcome_t *outcome,
                     jw_traject_counts_t *counts)
{
    return jw_traject_apply_from(t, txn, msg, NULL, hash, outcome, counts);
}

int jw_traject_apply_from(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *msg,
                          const char *source, const unsigned char hash[32],
                          jw_outcome_t *outcome, jw_traject_counts_t *counts)
{
    char msgid[32];
    const void *val;
    size_t vlen;
    int rc, conflict = 0;

    counts->messages++;
    jw_traject_msg_identity(msg, msgid);
    for (size_t i = 0; i < msg->n_clients; i++)
        if (msg->clients[i].yid[0] == '\0') return JW_TRAJECT_ECORRUPT; /* parsed without key */

    rc = jw_store_get(txn, JW_DB_MESSAGES, msgid, strlen(msgid), &val, &vlen);
    if (rc == 0) {
        if (vlen == 32 && memcmp(val, hash, 32) == 0) {
            *outcome = JW_DUPLICATE;
            counts->duplicates++;
            return 0;
        }
        return put_deadletter(t, txn, source, msgid, hash, JW_LAYER_RULE, "TR056", 0,
                              "BerichtIdentificatie already used by this sender for other content",
                              outcome, counts);
    }
    if (rc != JW_STORE_NOTFOUND) return rc;

    if (msg->type == JW_MSG_323) {
        if ((rc = check_323_conflict(txn, msg, &conflict))) return rc;
        if (conflict)
            return put_deadletter(t, txn, source, msgid, hash, JW_LAYER_RULE, "TR314", 0,
                                  "a ReferentieNummer of this declaration was already declared",
                                  outcome, counts);
    }

    t->n_yids = 0;
    switch (msg->type) {
    case JW_MSG_301: rc = store_301(t, txn, msg, msgid, hash); break;
    case JW_MSG_305:
    case JW_MSG_307: rc = store_30x(t, txn, msg, msgid, hash); break;
    case JW_MSG_315: rc = store_315(t, txn, msg, msgid, hash); break;
    case JW_MSG_323: rc = store_323(t, txn, msg, msgid, counts); break;
    case JW_MSG_302: case JW_MSG_306: case JW_MSG_308: case JW_MSG_316:
    case JW_MSG_318: case JW_MSG_320: rc = store_retour(t, txn, msg, msgid, counts); break;
    case JW_MSG_319: rc = store_319(t, txn, msg, msgid); break;
    case JW_MSG_325: rc = store_325(t, txn, msg, msgid, counts); break;
    case JW_MSG_317: rc = 0; break; /* recorded: identity kept, no trajectory effect */
    default: rc = JW_TRAJECT_ECORRUPT; break;
    }
    if (rc) return rc;
    if (msg->type == JW_MSG_301 || msg->type == JW_MSG_305 || msg->type == JW_MSG_307 ||
        msg->type == JW_MSG_315)
        if ((rc = index_heen(txn, msg, msgid))) return rc;
    for (size_t i = 0; i < t->n_yids; i++)
        if ((rc = rederive_youth(t, txn, t->yids[i].yid, &t->yids[i].sc, msgid, counts))) return rc;
    if ((rc = jw_store_put(txn, JW_DB_MESSAGES, msgid, strlen(msgid), hash, 32))) return rc;
    *outcome = JW_APPLIED;
    counts->applied++;
    if (msg->header.legacy >= 1 && msg->header.legacy <= 4) counts->applied_legacy[msg->header.legacy - 1]++;
    return 0;
}

/* ---- for reprofile.c (the same steps, outside a message) ---- */

int traject_derive_youth(jw_traject_t *t, jw_txn_t *txn, const uint8_t yid[16], const char *yid_hex,
                         const scope_t *sc)
{
    int rc;
    if ((rc = load_facts(t, txn, yid, yid_hex, sc))) return rc;
    if ((rc = traject_derive(t->profile, yid_hex, t->allocs, t->n_allocs, t->dels, t->n_dels,
                             t->reqs, t->n_reqs, sc, &t->d)))
        return rc;
    return derive_refused_requests(t, yid_hex, sc);
}

derivation_t *traject_derivation(jw_traject_t *t)
{
    return &t->d;
}

int traject_rederive(jw_traject_t *t, jw_txn_t *txn, const char *yid_hex, const char *cause,
                     jw_traject_counts_t *counts)
{
    return rederive_youth(t, txn, yid_hex, NULL, cause, counts);
}

int traject_log_event(jw_traject_t *t, jw_txn_t *txn, const uint8_t *body, size_t body_len,
                      uint8_t id_out[8], uint64_t *seq_out)
{
    return log_event(t, txn, body, body_len, id_out, seq_out);
}


int traject_log_retract(jw_traject_t *t, jw_txn_t *txn, const char *cause, const char *yid,
                        const uint8_t old_id[8], uint64_t old_seq)
{
    return log_retract(t, txn, cause, yid, old_id, old_seq);
}

const jw_profile_t *traject_profile(const jw_traject_t *t)
{
    return t->profile;
}
