/* reprofile.c - change the profile of a state store by re-deriving from
 * the stored facts (SPEC §6), and derive a whole store under another
 * profile without writing (to compare definitions). See traject.h. */
#include "traject/traject_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define YID_BIN 16

/* ---- the youths of a store ---- */

typedef struct {
    uint8_t (*y)[YID_BIN];
    size_t n, cap;
} yids_t;

static int yid_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    yids_t *l = ctx;
    (void)val;
    (void)vlen;
    if (klen < YID_BIN) return JW_TRAJECT_ECORRUPT;
    /* facts of one youth are adjacent: skip repeats cheaply */
    if (l->n && memcmp(l->y[l->n - 1], key, YID_BIN) == 0) return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 256;
        void *ny = realloc(l->y, nc * YID_BIN);
        if (!ny) return JW_TRAJECT_ENOMEM;
        l->y = ny;
        l->cap = nc;
    }
    memcpy(l->y[l->n++], key, YID_BIN);
    return 0;
}

static int cmp_yid(const void *a, const void *b)
{
    return memcmp(a, b, YID_BIN);
}

/* Every youth with facts or a live list, sorted, unique. */
static int all_youths(jw_txn_t *txn, int with_live, yids_t *l)
{
    static const jw_db_t dbs[] = {JW_DB_ALLOCATIONS, JW_DB_DELIVERIES, JW_DB_REQUESTS, JW_DB_YOUTHS};
    int rc;
    memset(l, 0, sizeof *l);
    for (size_t i = 0; i < (with_live ? 4u : 3u); i++)
        if ((rc = jw_store_iter(txn, dbs[i], NULL, 0, yid_cb, l))) return rc;
    if (l->n > 1) qsort(l->y, l->n, YID_BIN, cmp_yid);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (k == 0 || memcmp(l->y[k - 1], l->y[i], YID_BIN) != 0) memmove(l->y[k++], l->y[i], YID_BIN);
    l->n = k;
    return 0;
}

/* ---- re-issuing a declared event under another profile ---- */

typedef struct {
    uint8_t key[29];
    uint64_t seq;
} decl_t;

typedef struct {
    decl_t *d;
    size_t n, cap;
} decls_t;

static int decl_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    decls_t *l = ctx;
    const uint8_t *v = val;
    if (klen != 29 || vlen != 8) return JW_TRAJECT_ECORRUPT;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 256;
        decl_t *nd = realloc(l->d, nc * sizeof *nd);
        if (!nd) return JW_TRAJECT_ENOMEM;
        l->d = nd;
        l->cap = nc;
    }
    memcpy(l->d[l->n].key, key, 29);
    l->d[l->n++].seq = jw_store_seq_from_key(v);
    return 0;
}

/* Re-issue one event written once from a message (declared, refused,
 * message_refused: never re-derived) at seq, if it is live and its profile
 * is not the new one. The new body is the old one with the new profile name
 * and, where the event has a segment, the new profile's segment, field for
 * field what apply.c writes. decl_key (29 bytes) names the declaration line
 * whose index must follow a re-issued `declared` event, or is NULL. */
static int reissue_once(jw_traject_t *t, jw_txn_t *txn, uint64_t seq, const uint8_t *decl_key,
                        jw_event_w_t *nb, jw_traject_counts_t *counts)
{
    const jw_profile_t *prof = traject_profile(t);
    uint8_t k[8], id[8];
    const void *val;
    size_t vlen;
    char yid[33], oldprof[80], cat[8], code[16];
    jw_event_view_t v;
    int rc;

    jw_store_seq_key(seq, k);
    if ((rc = jw_store_get(txn, JW_DB_EVENTS, k, 8, &val, &vlen))) return rc == JW_STORE_NOTFOUND ? 0 : rc;
    /* copy: the writes below may move the map */
    uint8_t *ev = malloc(vlen ? vlen : 1);
    if (!ev) return JW_TRAJECT_ENOMEM;
    memcpy(ev, val, vlen);
    rc = 0;
    if (jw_event_view(ev, vlen, &v) || jw_event_get_str(&v, JW_EK_YID, yid, sizeof yid) ||
        jw_event_get_str(&v, JW_EK_PROFILE, oldprof, sizeof oldprof)) {
        rc = JW_TRAJECT_ECORRUPT;
        goto out;
    }
    memcpy(id, v.id, 8);
    if (strcmp(oldprof, jw_profile_name(prof)) == 0) goto out;
    /* live? (a retracted declaration stays retracted) */
    int live;
    if ((rc = jw_traject_event_live(txn, seq, &live)) || !live) goto out;
    if (jw_event_get_str(&v, JW_EK_CATEGORIE, cat, sizeof cat)) cat[0] = '\0';
    if (jw_event_get_str(&v, JW_EK_PRODUCT, code, sizeof code)) code[0] = '\0';
    /* The same body with the new profile's name and, where the event has
     * a segment, the new profile's segment, field for field. */
    const jw_event_key_t keys[2] = {JW_EK_PROFILE, JW_EK_SEGMENT};
    const char *vals[2] = {jw_profile_name(prof), jw_profile_segment(prof, cat, code)};
    jw_event_w_reset(nb);
    rc = jw_event_w_copy(nb, v.body, v.body_len, keys, vals, 2);
    if (rc) {
        rc = rc == JW_EVENT_ENOMEM ? JW_TRAJECT_ENOMEM : JW_TRAJECT_ECORRUPT;
        goto out;
    }
    uint64_t nseq;
    if ((rc = traject_log_retract(t, txn, "reprofile", yid, id, seq))) goto out;
    counts->events_retracted++;
    if ((rc = traject_log_event(t, txn, nb->buf, nb->len, NULL, &nseq))) goto out;
    counts->events_emitted++;
    if (decl_key) {
        jw_store_seq_key(nseq, k);
        rc = jw_store_put(txn, JW_DB_DECLARATIONS, decl_key, 29, k, 8);
    }
out:
    free(ev);
    return rc;
}

typedef struct {
    uint64_t *seq;
    size_t n, cap;
} seqs_t;

/* Collect the seqs of `refused` and `message_refused` events (live or not:
 * reissue_once skips the retracted ones). */
static int refusal_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    seqs_t *l = ctx;
    char type[24];
    if (klen != 8) return JW_TRAJECT_ECORRUPT;
    jw_event_view_t v;
    if (jw_event_view(val, vlen, &v)) return JW_TRAJECT_ECORRUPT;
    if (jw_event_get_str(&v, JW_EK_TYPE, type, sizeof type)) return 0;
    if (strcmp(type, "refused") != 0 && strcmp(type, "message_refused") != 0) return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        uint64_t *ns = realloc(l->seq, nc * sizeof *ns);
        if (!ns) return JW_TRAJECT_ENOMEM;
        l->seq = ns;
        l->cap = nc;
    }
    l->seq[l->n++] = jw_store_seq_from_key(key);
    return 0;
}

int jw_traject_reprofile(jw_traject_t *t, jw_txn_t *txn, int *changed, jw_traject_counts_t *counts)
{
    const char *name = jw_profile_name(traject_profile(t));
    const void *val;
    size_t len;
    yids_t ys = {0};
    decls_t ds = {0};
    seqs_t rs = {0};
    jw_event_w_t nb;
    uint64_t last;
    int rc;

    *changed = 0;
    rc = jw_store_meta_get(txn, "profile", &val, &len);
    if (rc == JW_STORE_NOTFOUND) return jw_store_meta_put(txn, "profile", name, strlen(name));
    if (rc) return rc;
    if (len == strlen(name) && memcmp(val, name, len) == 0) return 0;
    *changed = 1;
    if ((rc = jw_store_last_seq(txn, &last))) return rc;
    if ((rc = jw_store_meta_put(txn, "profile", name, strlen(name)))) return rc;
    if ((rc = jw_store_meta_put_u64(txn, "profile.since", last + 1))) return rc;

    jw_event_w_init(&nb);
    if ((rc = all_youths(txn, 1, &ys))) goto out;
    for (size_t i = 0; i < ys.n && !rc; i++) {
        char hexid[JW_YID_HEX_LEN + 1];
        sodium_bin2hex(hexid, sizeof hexid, ys.y[i], YID_BIN);
        rc = traject_rederive(t, txn, hexid, "reprofile", counts);
    }
    if (rc) goto out;
    if ((rc = jw_store_iter(txn, JW_DB_DECLARATIONS, NULL, 0, decl_cb, &ds))) goto out;
    for (size_t i = 0; i < ds.n && !rc; i++) rc = reissue_once(t, txn, ds.d[i].seq, ds.d[i].key, &nb, counts);
    if (rc) goto out;
    /* refusal events have no index of their own: find the live ones in the log */
    if ((rc = jw_store_iter(txn, JW_DB_EVENTS, NULL, 0, refusal_cb, &rs))) goto out;
    for (size_t i = 0; i < rs.n && !rc; i++) rc = reissue_once(t, txn, rs.seq[i], NULL, &nb, counts);
out:
    jw_event_w_free(&nb);
    free(ys.y);
    free(ds.d);
    free(rs.seq);
    return rc;
}

/* ---- a temporary derivation of a whole store ---- */

static int cmp_dig(const void *a, const void *b)
{
    return memcmp(((const derived_t *)a)->dig, ((const derived_t *)b)->dig, 8);
}

int jw_traject_derive_all(const jw_profile_t *profile, jw_txn_t *txn, jw_traject_event_cb cb,
                          void *ctx)
{
    yids_t ys = {0};
    jw_traject_t *t = NULL;
    jw_json_t ev, text;
    uint64_t seq = 0;
    int rc;

    jw_json_init(&ev);
    jw_json_init(&text);
    if ((rc = jw_traject_new(profile, &t))) goto out;
    if ((rc = all_youths(txn, 0, &ys))) goto out;
    for (size_t i = 0; i < ys.n && !rc; i++) {
        char hexid[JW_YID_HEX_LEN + 1];
        sodium_bin2hex(hexid, sizeof hexid, ys.y[i], YID_BIN);
        /* the same derivation as applying a message: refused facts left out */
        if ((rc = traject_derive_youth(t, txn, ys.y[i], hexid, NULL))) break;
        derivation_t *dv = traject_derivation(t);
        if (dv->n > 1) qsort(dv->ev, dv->n, sizeof *dv->ev, cmp_dig);
        for (size_t k = 0; k < dv->n && !rc; k++) {
            if (k > 0 && memcmp(dv->ev[k - 1].dig, dv->ev[k].dig, 8) == 0) continue; /* as applied */
            const uint8_t *body = dv->text.buf + dv->ev[k].body_off;
            size_t blen = dv->ev[k].body_len;
            uint8_t id[8];
            char idhex[17], head[64];
            if ((rc = jw_event_body_id(body, blen, &text, id))) {
                rc = rc == JW_EVENT_ENOMEM ? JW_TRAJECT_ENOMEM : JW_TRAJECT_ECORRUPT;
                break;
            }
            sodium_bin2hex(idhex, sizeof idhex, id, 8);
            int hl = snprintf(head, sizeof head, "{\"id\":\"%s\",\"seq\":%llu,", idhex,
                              (unsigned long long)++seq);
            jw_json_reset(&ev);
            jw_json_raw(&ev, head, (size_t)hl);
            jw_json_raw(&ev, text.buf, text.len);
            jw_json_raw(&ev, "}", 1);
            if (jw_json_finish(&ev)) rc = JW_TRAJECT_ENOMEM;
            else rc = cb(seq, ev.buf, ev.len, ctx);
        }
    }
out:
    free(ys.y);
    jw_traject_free(t);
    jw_json_free(&ev);
    jw_json_free(&text);
    return rc;
}
