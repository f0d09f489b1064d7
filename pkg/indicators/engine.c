/* engine.c - consume events, keep the indicator state (see indicators.h).
 *
 * Invariant: after every committed batch the stored state is a function
 * of the live events alone (emitted and not retracted) and the profile:
 *   - counters and distributions are sums over live events;
 *   - a distinct-youth set entry (set, period, dim, value, yid) holds a
 *     nonzero int64 (a reference count, or a net amount) and exists iff
 *     that youth belongs to the cell; the cell's count is kept with it;
 *   - an episode's contribution (IND-01/02 any day and stock, waiting
 *     list) is a function of its live start/stop/delivery_start events
 *     and the data horizon, applied as a difference whenever either
 *     changes;
 *   - IND-09's "no new start" flag of an ended episode is a function of
 *     the youth's live start dates.
 * Entries that reach zero are deleted, so equal live sets give equal
 * bytes: consuming the whole log (with retractions) and consuming only
 * the live events give the same digest (tests/test_indicators.c).
 */
#include "indicators/ind_internal.h"
#include "event/event.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

/* ---- primitives ---- */

static const char DIMS[4] = {DIM_TOTAL, DIM_GEMEENTE, DIM_AANBIEDER, DIM_SEGMENT};

typedef struct {
    const char *v[4]; /* "", gemeente, aanbieder, segment */
} dims_t;

/* Every cell a contribution goes to: the total, the three breakdowns and
 * the four cross cells (ind_internal.h) whose parts are all known. */
#define NCELLS 8
typedef struct {
    int n;
    char dim[NCELLS];
    const char *val[NCELLS];
    char buf[4][IND_VAL_MAX];
} cells_t;

static void cells_of(const dims_t *a, cells_t *c)
{
    static const int cross[4] = {IND_CROSS_G | IND_CROSS_A, IND_CROSS_G | IND_CROSS_S,
                                 IND_CROSS_A | IND_CROSS_S, IND_CROSS_G | IND_CROSS_A | IND_CROSS_S};
    c->n = 0;
    for (int i = 0; i < 4; i++) {
        if (i > 0 && !(a->v[i] && a->v[i][0])) continue;
        c->dim[c->n] = DIMS[i];
        c->val[c->n++] = a->v[i];
    }
    for (int k = 0; k < 4; k++) {
        if (ind_dim_value(cross[k], a->v[1], a->v[2], a->v[3], c->buf[k])) continue;
        c->dim[c->n] = ind_dim_of(cross[k]);
        c->val[c->n++] = c->buf[k];
    }
}

/* Add delta to the signed 8-byte counter stored at key in db; a counter
 * that reaches zero is deleted, so absent means zero. *old_out and
 * *new_out (may be NULL) get the value before and after. */
static int counter_add(jw_txn_t *txn, jw_db_t db, const uint8_t *key, size_t kl, int64_t delta,
                       int64_t *old_out, int64_t *new_out)
{
    const void *v;
    size_t vl;
    int64_t old = 0;
    uint8_t b[8];
    int rc = jw_store_get(txn, db, key, kl, &v, &vl);
    if (rc == 0) {
        if (vl != 8) return JW_IND_ECORRUPT;
        old = (int64_t)ind_be64_get(v);
    } else if (rc != JW_STORE_NOTFOUND) {
        return rc;
    }
    int64_t nv = old + delta;
    if (old_out) *old_out = old;
    if (new_out) *new_out = nv;
    if (nv == 0) return rc == 0 ? jw_store_del(txn, db, key, kl) : 0;
    ind_be64_put(b, (uint64_t)nv);
    return jw_store_put(txn, db, key, kl, b, 8);
}

static int cnt_add(jw_txn_t *txn, int q, per4_t p, char dim, const char *val, int64_t delta)
{
    uint8_t key[64];
    if (delta == 0) return 0;
    size_t kl = ind_cell_key(key, q, p, dim, val);
    return counter_add(txn, DB_CELLS, key, kl, delta, NULL, NULL);
}

/* Add delta to a youth's entry in a set; keep the cell's count q. */
static int set_add(jw_txn_t *txn, int s, int q, per4_t p, char dim, const char *val,
                   const uint8_t yid[YID_BIN], int64_t delta)
{
    uint8_t key[80];
    int64_t old, nv;
    int rc;
    if (delta == 0) return 0;
    size_t kl = ind_sub_prefix(key, s, p, dim, val);
    memcpy(key + kl, yid, YID_BIN);
    kl += YID_BIN;
    if ((rc = counter_add(txn, DB_SETS, key, kl, delta, &old, &nv))) return rc;
    if ((old != 0) != (nv != 0)) return cnt_add(txn, q, p, dim, val, nv != 0 ? 1 : -1);
    return 0;
}

/* Add delta observations of value x to a distribution; keep its count q. */
static int hist_add(jw_txn_t *txn, int h, int q, per4_t p, char dim, const char *val, int32_t x,
                    int64_t delta)
{
    uint8_t key[80];
    int rc;
    if (delta == 0) return 0;
    size_t kl = ind_sub_prefix(key, h, p, dim, val);
    uint32_t ux = (uint32_t)x ^ 0x80000000u; /* sorts as signed */
    key[kl++] = (uint8_t)(ux >> 24);
    key[kl++] = (uint8_t)(ux >> 16);
    key[kl++] = (uint8_t)(ux >> 8);
    key[kl++] = (uint8_t)ux;
    if ((rc = counter_add(txn, DB_HISTS, key, kl, delta, NULL, NULL))) return rc;
    return cnt_add(txn, q, p, dim, val, delta);
}

static const char KINDS[4] = {'M', 'Q', 'H', 'Y'};

static void periods_of(jw_date_t d, per4_t out[4])
{
    for (int k = 0; k < 4; k++) out[k] = ind_per4(jw_ind_period_of(KINDS[k], d));
}

/* The same change in the four periods holding d and the four breakdowns
 * (a breakdown with an empty value is left out). */
static int fan_cnt(jw_txn_t *txn, int q, jw_date_t d, const dims_t *a, int64_t delta)
{
    per4_t ps[4];
    cells_t c;
    int rc;
    if (delta == 0 || d == IND_NONE32) return 0;
    periods_of(d, ps);
    cells_of(a, &c);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < c.n; i++)
            if ((rc = cnt_add(txn, q, ps[k], c.dim[i], c.val[i], delta))) return rc;
    return 0;
}

static int fan_set(jw_txn_t *txn, int s, int q, jw_date_t d, const dims_t *a,
                   const uint8_t *yid, int64_t delta)
{
    per4_t ps[4];
    cells_t c;
    int rc;
    if (delta == 0 || d == IND_NONE32) return 0;
    periods_of(d, ps);
    cells_of(a, &c);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < c.n; i++)
            if ((rc = set_add(txn, s, q, ps[k], c.dim[i], c.val[i], yid, delta))) return rc;
    return 0;
}

static int fan_hist(jw_txn_t *txn, int h, int q, jw_date_t d, const dims_t *a, int32_t x,
                    int64_t delta)
{
    per4_t ps[4];
    cells_t c;
    int rc;
    if (delta == 0 || d == IND_NONE32) return 0;
    periods_of(d, ps);
    cells_of(a, &c);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < c.n; i++)
            if ((rc = hist_add(txn, h, q, ps[k], c.dim[i], c.val[i], x, delta))) return rc;
    return 0;
}

static int grow(void **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need) n *= 2;
    void *nb = realloc(*buf, n);
    if (!nb) return JW_IND_ENOMEM;
    *buf = nb;
    *cap = n;
    return 0;
}

static int meta_u64(jw_txn_t *txn, const char *name, uint64_t *out)
{
    int rc = jw_store_meta_get_u64(txn, name, out);
    if (rc == JW_STORE_NOTFOUND) {
        *out = 0;
        return 0;
    }
    return rc;
}

/* ---- episodes (IND-01, IND-02, waiting list) ---- */

typedef struct {
    uint8_t yid[YID_BIN];
    char gemeente[9];
    uint8_t has_start, has_stop;
    uint8_t s_verblijf, p_verblijf;
    uint8_t pad[3];
    uint8_t start_id[8], stop_id[8];
    char s_aanbieder[9], s_segment[33];
    char p_aanbieder[9], p_segment[33];
    int32_t s_start, s_tdat, p_start, p_end;
    uint32_t n_dstart; /* then int32_t dstart[n_dstart], ascending */
} ep_t;

enum { I_Y01 = 1, I_Y01S, I_Y02, I_Y02S, I_WAIT };

typedef struct {
    uint8_t b[5]; /* item, per4 */
} item_t;

typedef struct {
    item_t *it;
    size_t n, cap;
} items_t;

static int items_push(items_t *l, int item, jw_ind_period_t p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 128;
        item_t *ni = realloc(l->it, nc * sizeof *ni);
        if (!ni) return JW_IND_ENOMEM;
        l->it = ni;
        l->cap = nc;
    }
    per4_t k = ind_per4(p);
    l->it[l->n].b[0] = (uint8_t)item;
    memcpy(l->it[l->n].b + 1, k.b, 4);
    l->n++;
    return 0;
}

/* Every stored period (M, Q, H, Y) that overlaps [lo, hi]. */
static int add_overlap(items_t *l, int item, jw_date_t lo, jw_date_t hi)
{
    int rc;
    if (lo > hi) return 0;
    for (int k = 0; k < 4; k++)
        for (jw_ind_period_t p = jw_ind_period_of(KINDS[k], lo); jw_ind_period_first(p) <= hi;
             p = jw_ind_period_next(p))
            if ((rc = items_push(l, item, p))) return rc;
    return 0;
}

/* Every stored period whose last day lies in [lo, hi]. */
static int add_ends(items_t *l, int item, jw_date_t lo, jw_date_t hi)
{
    int rc;
    if (lo > hi) return 0;
    for (int k = 0; k < 4; k++)
        for (jw_ind_period_t p = jw_ind_period_of(KINDS[k], lo); jw_ind_period_last(p) <= hi;
             p = jw_ind_period_next(p))
            if ((rc = items_push(l, item, p))) return rc;
    return 0;
}

static int cmp_item(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(item_t));
}

static jw_date_t dmin(jw_date_t a, jw_date_t b) { return a < b ? a : b; }
static jw_date_t dmax(jw_date_t a, jw_date_t b) { return a > b ? a : b; }

static void ep_dims(const ep_t *e, dims_t *a, int *verblijf)
{
    a->v[0] = "";
    a->v[1] = e->gemeente;
    a->v[2] = e->has_start ? e->s_aanbieder : e->p_aanbieder;
    a->v[3] = e->has_start ? e->s_segment : e->p_segment;
    *verblijf = e->has_start ? e->s_verblijf : e->p_verblijf;
}

/* The span of days an episode may contribute to: from the first day of
 * the year before the earliest observed month (so that every year, half,
 * quarter, month and rolling 12 months that overlaps the data sees whole
 * episodes), but at most SPAN_MAX_YEARS years before the horizon's year,
 * to the data horizon's last day. Stated dates outside it (an allocation
 * from 0001-01-01) add no periods: the store grows with the data, not
 * with the dates a message states (docs/indicators.md). */
#define SPAN_MAX_YEARS 20
typedef struct {
    jw_date_t lo, hi; /* IND_NONE32 both: no observed data yet */
} span_t;

/* The episode's contribution within the span sp. */
static int ep_items(const ep_t *e, span_t sp, items_t *l)
{
    int rc = 0, verblijf;
    dims_t a;
    jw_date_t hend = sp.hi;
    l->n = 0;
    if (!e || (!e->has_start && !e->has_stop) || hend == IND_NONE32 || sp.lo == IND_NONE32) return 0;
    ep_dims(e, &a, &verblijf);
    jw_date_t s = dmax(e->has_start ? e->s_start : e->p_start, sp.lo);
    jw_date_t end = e->has_stop ? e->p_end : INT32_MAX;
    /* in care on some day of the period (until the horizon) */
    if ((rc = add_overlap(l, I_Y01, s, dmin(end, hend)))) return rc;
    if (verblijf && (rc = add_overlap(l, I_Y02, s, dmin(end, hend)))) return rc;
    /* in care on the period's last day, an episode ending that day excluded */
    jw_date_t stock_hi = end == INT32_MAX ? hend : dmin(end - 1, hend);
    if ((rc = add_ends(l, I_Y01S, s, stock_hi))) return rc;
    if (verblijf && (rc = add_ends(l, I_Y02S, s, stock_hi))) return rc;
    /* waiting: allocated and due, not ended, no delivery start yet */
    if (e->has_start) {
        const int32_t *ds = (const int32_t *)(e + 1);
        jw_date_t first = e->n_dstart ? ds[0] : INT32_MAX;
        jw_date_t lo = dmax(s, e->s_tdat); /* s >= sp.lo */
        jw_date_t hi = dmin(dmin(first == INT32_MAX ? INT32_MAX : first - 1, end), hend);
        if ((rc = add_ends(l, I_WAIT, lo, hi))) return rc;
    }
    if (l->n) qsort(l->it, l->n, sizeof *l->it, cmp_item);
    return 0;
}

static int item_apply(jw_txn_t *txn, const item_t *it, const dims_t *a, const uint8_t *yid,
                      int sign)
{
    per4_t p;
    cells_t c;
    int rc;
    memcpy(p.b, it->b + 1, 4);
    cells_of(a, &c);
    for (int i = 0; i < c.n; i++) {
        switch (it->b[0]) {
        case I_Y01: rc = set_add(txn, S_Y01, Q_Y01, p, c.dim[i], c.val[i], yid, sign); break;
        case I_Y01S: rc = set_add(txn, S_Y01S, Q_Y01S, p, c.dim[i], c.val[i], yid, sign); break;
        case I_Y02: rc = set_add(txn, S_Y02, Q_Y02, p, c.dim[i], c.val[i], yid, sign); break;
        case I_Y02S: rc = set_add(txn, S_Y02S, Q_Y02S, p, c.dim[i], c.val[i], yid, sign); break;
        case I_WAIT: rc = cnt_add(txn, Q_WAITLIST, p, c.dim[i], c.val[i], sign); break;
        default: rc = JW_IND_ECORRUPT; break;
        }
        if (rc) return rc;
    }
    return 0;
}

static int same_dims(const ep_t *x, const ep_t *y)
{
    dims_t a, b;
    int va, vb;
    ep_dims(x, &a, &va);
    ep_dims(y, &b, &vb);
    for (int i = 1; i < 4; i++)
        if (strcmp(a.v[i], b.v[i]) != 0) return 0;
    return va == vb;
}

/* IND-26: the episode's Kaplan-Meier observation with the horizon's last
 * day hend, in *x (duration * 2 + event). Every episode with a live start
 * on or before the horizon takes part: ended (its Einddatum, planned or
 * not, on or before the horizon) with duration Einddatum - Ingangsdatum +
 * 1, else censored with duration hend - Ingangsdatum + 1. Returns 0 when
 * the episode takes no part. */
static int km_obs(const ep_t *e, jw_date_t hend, int32_t *x)
{
    if (!e || !e->has_start || hend == IND_NONE32 || e->s_start > hend) return 0;
    int event = e->has_stop && e->p_end <= hend;
    int64_t dur = (int64_t)(event ? e->p_end : hend) - e->s_start + 1;
    if (dur < 1 || dur > 1000000) return 0; /* an end before the start: no duration */
    *x = (int32_t)(dur * 2 + event);
    return 1;
}

/* Move the episode's IND-26 observation, when it changed. */
static int km_transition(jw_txn_t *txn, const ep_t *old, jw_date_t old_hend, const ep_t *nw,
                         jw_date_t new_hend)
{
    int32_t xo = 0, xn = 0;
    int ko = km_obs(old, old_hend, &xo), kn = km_obs(nw, new_hend, &xn), v, rc;
    dims_t da, db;
    if (!ko && !kn) return 0;
    if (ko) ep_dims(old, &da, &v);
    if (kn) ep_dims(nw, &db, &v);
    if (ko && kn && xo == xn && old->s_start == nw->s_start) {
        int same = 1;
        for (int i = 1; i < 4; i++) same = same && strcmp(da.v[i], db.v[i]) == 0;
        if (same) return 0;
    }
    if (ko && (rc = fan_hist(txn, H_KM, Q_KM_N, old->s_start, &da, xo, -1))) return rc;
    if (kn && (rc = fan_hist(txn, H_KM, Q_KM_N, nw->s_start, &db, xn, +1))) return rc;
    return 0;
}

/* Move an episode's contribution from (old, old_hend) to (new, new_hend):
 * only the difference is written. old/new may be NULL (no episode). */
static int ep_transition(jw_ind_t *ind, jw_txn_t *txn, const ep_t *old, span_t old_hend,
                         const ep_t *nw, span_t new_hend)
{
    items_t A = {ind->items_a, 0, ind->cap_a / sizeof(item_t)};
    items_t B = {ind->items_b, 0, ind->cap_b / sizeof(item_t)};
    dims_t da, db;
    int va, vb, rc;
    const uint8_t *yid = old ? old->yid : nw ? nw->yid : NULL;

    if ((rc = km_transition(txn, old, old_hend.hi, nw, new_hend.hi))) return rc;

    rc = ep_items(old, old_hend, &A);
    if (!rc) rc = ep_items(nw, new_hend, &B);
    ind->items_a = A.it;
    ind->cap_a = A.cap * sizeof(item_t);
    ind->items_b = B.it;
    ind->cap_b = B.cap * sizeof(item_t);
    if (rc || (!A.n && !B.n)) return rc;
    if (old) ep_dims(old, &da, &va);
    if (nw) ep_dims(nw, &db, &vb);
    if (old && nw && same_dims(old, nw)) {
        size_t i = 0, j = 0;
        while (i < A.n || j < B.n) {
            int c = i == A.n ? 1 : j == B.n ? -1 : cmp_item(&A.it[i], &B.it[j]);
            if (c < 0) rc = item_apply(txn, &A.it[i++], &da, yid, -1);
            else if (c > 0) rc = item_apply(txn, &B.it[j++], &db, yid, +1);
            else {
                i++;
                j++;
            }
            if (rc) return rc;
        }
        return 0;
    }
    for (size_t i = 0; i < A.n; i++)
        if ((rc = item_apply(txn, &A.it[i], &da, yid, -1))) return rc;
    for (size_t j = 0; j < B.n; j++)
        if ((rc = item_apply(txn, &B.it[j], &db, yid, +1))) return rc;
    return 0;
}

static size_t ep_size(const ep_t *e)
{
    return sizeof *e + e->n_dstart * sizeof(int32_t);
}

static void ep_key(const ev_t *e, uint8_t key[32])
{
    memset(key, 0, 32);
    memcpy(key, e->yid, YID_BIN);
    memcpy(key + 16, e->gemeente, strnlen(e->gemeente, 8));
    ind_be64_put(key + 24, (uint64_t)e->toewijzing ^ (UINT64_C(1) << 63));
}

static int ep_event(jw_ind_t *ind, jw_txn_t *txn, const ev_t *e, int sign, span_t hend)
{
    uint8_t key[32];
    const void *v;
    size_t vl;
    ep_t *old = NULL, *nw;
    int rc;

    if (!e->has_toew) return 0;
    ep_key(e, key);
    rc = jw_store_get(txn, DB_EPISODES, key, sizeof key, &v, &vl);
    if (rc == 0) {
        /* LMDB values are not aligned: copy before reading fields */
        if ((rc = grow((void **)&ind->rec, &ind->rec_cap, vl < sizeof(ep_t) ? sizeof(ep_t) : vl)))
            return rc;
        memcpy(ind->rec, v, vl);
        old = (ep_t *)ind->rec;
        if (vl < sizeof(ep_t) || vl != ep_size(old)) return JW_IND_ECORRUPT;
    } else if (rc != JW_STORE_NOTFOUND) {
        return rc;
    }
    size_t need = (old ? ep_size(old) : sizeof(ep_t)) + sizeof(int32_t);
    if ((rc = grow((void **)&ind->rec2, &ind->rec2_cap, need))) return rc;
    nw = (ep_t *)ind->rec2;
    if (old) {
        memcpy(nw, old, ep_size(old));
    } else {
        memset(nw, 0, sizeof *nw);
        memcpy(nw->yid, e->yid, YID_BIN);
        memcpy(nw->gemeente, e->gemeente, sizeof nw->gemeente);
    }
    int32_t *ds = (int32_t *)(nw + 1);
    switch (e->type) {
    case EV_START:
        if (sign > 0) {
            nw->has_start = 1;
            memcpy(nw->start_id, e->id, 8);
            memcpy(nw->s_aanbieder, e->aanbieder, sizeof nw->s_aanbieder);
            memcpy(nw->s_segment, e->segment, sizeof nw->s_segment);
            nw->s_verblijf = e->verblijf;
            nw->s_start = e->date;
            nw->s_tdat = e->toewijzingsdatum == IND_NONE32 ? e->date : e->toewijzingsdatum;
        } else if (nw->has_start && memcmp(nw->start_id, e->id, 8) == 0) {
            nw->has_start = 0;
            memset(nw->start_id, 0, 8);
            memset(nw->s_aanbieder, 0, sizeof nw->s_aanbieder);
            memset(nw->s_segment, 0, sizeof nw->s_segment);
            nw->s_verblijf = 0;
            nw->s_start = nw->s_tdat = 0;
        }
        break;
    case EV_STOP:
        if (sign > 0) {
            nw->has_stop = 1;
            memcpy(nw->stop_id, e->id, 8);
            memcpy(nw->p_aanbieder, e->aanbieder, sizeof nw->p_aanbieder);
            memcpy(nw->p_segment, e->segment, sizeof nw->p_segment);
            nw->p_verblijf = e->verblijf;
            nw->p_start = e->start;
            nw->p_end = e->date;
        } else if (nw->has_stop && memcmp(nw->stop_id, e->id, 8) == 0) {
            nw->has_stop = 0;
            memset(nw->stop_id, 0, 8);
            memset(nw->p_aanbieder, 0, sizeof nw->p_aanbieder);
            memset(nw->p_segment, 0, sizeof nw->p_segment);
            nw->p_verblijf = 0;
            nw->p_start = nw->p_end = 0;
        }
        break;
    case EV_DSTART:
        if (sign > 0) {
            uint32_t i = nw->n_dstart;
            while (i > 0 && ds[i - 1] > e->date) {
                ds[i] = ds[i - 1];
                i--;
            }
            ds[i] = e->date;
            nw->n_dstart++;
        } else {
            for (uint32_t i = 0; i < nw->n_dstart; i++)
                if (ds[i] == e->date) {
                    memmove(ds + i, ds + i + 1, (nw->n_dstart - i - 1) * sizeof *ds);
                    nw->n_dstart--;
                    break;
                }
        }
        break;
    default: return 0;
    }
    int empty = !nw->has_start && !nw->has_stop && nw->n_dstart == 0;
    if ((rc = ep_transition(ind, txn, old, hend, empty ? NULL : nw, hend))) return rc;
    if (empty) return old ? jw_store_del(txn, DB_EPISODES, key, sizeof key) : 0;
    return jw_store_put(txn, DB_EPISODES, key, sizeof key, nw, ep_size(nw));
}

/* ---- the data horizon ---- */

/* Months hold the number of live "observed" dates in them (a request's
 * message date, an allocation's Toewijzingsdatum, delivery dates,
 * declaration dates): what has happened, as opposed to planned ends. The
 * horizon is the last day of the latest such month; episodes count up
 * to it, so an open allocation is in care up to the latest data. */

static jw_date_t hmonth_end(uint64_t hm)
{
    jw_date_t d = 0;
    if (hm == 0) return IND_NONE32;
    hm--;
    jw_date_from_ymd((int)(hm / 12), (int)(hm % 12) + 1, 1, &d);
    return jw_date_month_last(d);
}

typedef struct {
    jw_ind_t *ind;
    jw_txn_t *txn;
    span_t old_hend, new_hend;
} recover_t;

static int last_month_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    const uint8_t *k = key;
    (void)val;
    (void)vlen;
    if (klen != 3) return JW_IND_ECORRUPT;
    *(uint64_t *)ctx = (uint64_t)((k[0] << 8 | k[1]) * 12 + (k[2] - 1)) + 1;
    return 0;
}

static int recover_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    recover_t *r = ctx;
    (void)key;
    (void)klen;
    /* the value pointer dies at the first write (and is not aligned): copy it */
    if (grow((void **)&r->ind->rec, &r->ind->rec_cap, vlen < sizeof(ep_t) ? sizeof(ep_t) : vlen))
        return JW_IND_ENOMEM;
    memcpy(r->ind->rec, val, vlen);
    const ep_t *e = (const ep_t *)r->ind->rec;
    if (vlen < sizeof(ep_t) || vlen != ep_size(e)) return JW_IND_ECORRUPT;
    return ep_transition(r->ind, r->txn, e, r->old_hend, e, r->new_hend);
}

/* Observed dates count for the horizon only within these years: a date
 * outside has not happened (9999-12-31) or lies before any youth care
 * record, and would stretch every episode over millennia. */
#define OBS_YEAR_MIN 1900
#define OBS_YEAR_MAX 2100

static int first_month_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx);

/* The span's first day with the horizon month hm (see span_t). */
static int span_lo(jw_txn_t *txn, uint64_t hm, jw_date_t *out)
{
    jw_date_t first = IND_NONE32;
    int y, rc = jw_store_iter(txn, DB_MONTHS, NULL, 0, first_month_cb, &first);
    *out = IND_NONE32;
    if (rc || first == IND_NONE32 || hm == 0) return rc;
    jw_date_to_ymd(first, &y, NULL, NULL);
    int hy = (int)((hm - 1) / 12);
    if (y - 1 < hy - SPAN_MAX_YEARS) y = hy - SPAN_MAX_YEARS + 1;
    return jw_date_from_ymd(y - 1, 1, 1, out) ? JW_IND_ECORRUPT : 0;
}

static int horizon_add(jw_ind_t *ind, jw_txn_t *txn, jw_date_t d, int sign)
{
    uint8_t key[3];
    int64_t old = 0;
    uint64_t cur, nw;
    jw_date_t lo_old, lo_new;
    int y, m, rc;

    if (d == IND_NONE32) return 0;
    jw_date_to_ymd(d, &y, &m, NULL);
    if (y < OBS_YEAR_MIN || y > OBS_YEAR_MAX) return 0;
    if ((rc = meta_u64(txn, "ind.hmonth", &cur))) return rc;
    if ((rc = span_lo(txn, cur, &lo_old))) return rc;
    key[0] = (uint8_t)(y >> 8);
    key[1] = (uint8_t)y;
    key[2] = (uint8_t)m;
    int64_t cnt;
    if ((rc = counter_add(txn, DB_MONTHS, key, 3, sign, &old, &cnt))) return rc;
    if (cnt < 0) return JW_IND_ECORRUPT; /* aborts the transaction */
    uint64_t hm = (uint64_t)(y * 12 + m - 1) + 1;
    nw = cur;
    if (sign > 0 && hm > cur) nw = hm;
    if (sign < 0 && cnt == 0 && hm == cur) {
        nw = 0;
        if ((rc = jw_store_iter(txn, DB_MONTHS, NULL, 0, last_month_cb, &nw))) return rc;
    }
    if ((rc = span_lo(txn, nw, &lo_new))) return rc;
    if (nw == cur && lo_new == lo_old) return 0;
    if (nw != cur && (rc = jw_store_meta_put_u64(txn, "ind.hmonth", nw))) return rc;
    recover_t r = {ind, txn, {lo_old, hmonth_end(cur)}, {lo_new, hmonth_end(nw)}};
    return jw_store_iter(txn, DB_EPISODES, NULL, 0, recover_cb, &r);
}

static int current_hend(jw_txn_t *txn, span_t *out)
{
    uint64_t hm;
    int rc = meta_u64(txn, "ind.hmonth", &hm);
    out->hi = hmonth_end(hm);
    if (!rc) rc = span_lo(txn, hm, &out->lo);
    return rc;
}

/* ---- IND-09: ended without a new start ---- */

typedef struct {
    uint32_t n_starts, n_stops; /* then int32_t starts[] ascending, yx_stop_t stops[] by (date, id) */
} yx_hdr_t;

typedef struct {
    uint8_t id[8];
    int32_t date;
    uint8_t norestart;
    char gemeente[9], aanbieder[9], segment[33];
    uint8_t pad[4];
} yx_stop_t;

/* The follow-up of an episode ended on E runs to the end of the
 * half-year after E's half-year (CBS outcome 3.2). */
static jw_date_t follow_end(jw_date_t e)
{
    int y, m;
    jw_date_t d = 0;
    jw_date_to_ymd(e, &y, &m, NULL);
    if (m <= 6) jw_date_from_ymd(y, 12, 31, &d);
    else jw_date_from_ymd(y + 1, 6, 30, &d);
    return d;
}

static int restarted(const int32_t *starts, uint32_t n, jw_date_t e)
{
    jw_date_t f = follow_end(e);
    for (uint32_t i = 0; i < n; i++)
        if (starts[i] > e && starts[i] <= f) return 1;
    return 0;
}

static int yx_flag(jw_txn_t *txn, const yx_stop_t *s, int64_t delta)
{
    dims_t a = {{"", s->gemeente, s->aanbieder, s->segment}};
    return fan_cnt(txn, Q_O32N, s->date, &a, delta);
}

static int yx_update(jw_ind_t *ind, jw_txn_t *txn, const ev_t *e, int sign)
{
    const void *v;
    size_t vl;
    int rc;
    yx_hdr_t *h;
    rc = jw_store_get(txn, DB_YOUTHIDX, e->yid, YID_BIN, &v, &vl);
    size_t have = 0;
    if (rc == 0) have = vl;
    else if (rc != JW_STORE_NOTFOUND) return rc;
    if ((rc = grow((void **)&ind->rec2, &ind->rec2_cap,
                   (have > sizeof(yx_hdr_t) ? have : sizeof(yx_hdr_t)) + sizeof(yx_stop_t) +
                       sizeof(int32_t))))
        return rc;
    h = (yx_hdr_t *)ind->rec2;
    if (have) {
        memcpy(h, v, vl);
        if (vl < sizeof *h ||
            vl != sizeof *h + h->n_starts * sizeof(int32_t) + h->n_stops * sizeof(yx_stop_t))
            return JW_IND_ECORRUPT;
    } else {
        memset(h, 0, sizeof *h);
    }
    int32_t *starts = (int32_t *)(h + 1);
    yx_stop_t *stops = (yx_stop_t *)(starts + h->n_starts);

    if (e->type == EV_START) {
        /* move the stops out of the way of the start array */
        uint32_t ns = h->n_stops;
        if (sign > 0) {
            memmove((uint8_t *)stops + sizeof(int32_t), stops, ns * sizeof(yx_stop_t));
            uint32_t i = h->n_starts;
            while (i > 0 && starts[i - 1] > e->date) {
                starts[i] = starts[i - 1];
                i--;
            }
            starts[i] = e->date;
            h->n_starts++;
            stops = (yx_stop_t *)(starts + h->n_starts);
            for (uint32_t k = 0; k < ns; k++)
                if (stops[k].norestart && restarted(starts, h->n_starts, stops[k].date)) {
                    stops[k].norestart = 0;
                    if ((rc = yx_flag(txn, &stops[k], -1))) return rc;
                }
        } else {
            uint32_t i;
            for (i = 0; i < h->n_starts; i++)
                if (starts[i] == e->date) break;
            if (i == h->n_starts) return 0;
            memmove(starts + i, starts + i + 1,
                    (h->n_starts - i - 1) * sizeof(int32_t) + ns * sizeof(yx_stop_t));
            h->n_starts--;
            stops = (yx_stop_t *)(starts + h->n_starts);
            for (uint32_t k = 0; k < ns; k++)
                if (!stops[k].norestart && !restarted(starts, h->n_starts, stops[k].date)) {
                    stops[k].norestart = 1;
                    if ((rc = yx_flag(txn, &stops[k], +1))) return rc;
                }
        }
    } else if (e->type == EV_STOP && !e->continued) {
        if (sign > 0) {
            yx_stop_t s;
            memset(&s, 0, sizeof s);
            memcpy(s.id, e->id, 8);
            s.date = e->date;
            memcpy(s.gemeente, e->gemeente, sizeof s.gemeente);
            memcpy(s.aanbieder, e->aanbieder, sizeof s.aanbieder);
            memcpy(s.segment, e->segment, sizeof s.segment);
            s.norestart = !restarted(starts, h->n_starts, e->date);
            uint32_t i = h->n_stops;
            while (i > 0 && (stops[i - 1].date > s.date ||
                             (stops[i - 1].date == s.date && memcmp(stops[i - 1].id, s.id, 8) > 0))) {
                stops[i] = stops[i - 1];
                i--;
            }
            stops[i] = s;
            h->n_stops++;
            if (s.norestart && (rc = yx_flag(txn, &s, +1))) return rc;
        } else {
            uint32_t i;
            for (i = 0; i < h->n_stops; i++)
                if (memcmp(stops[i].id, e->id, 8) == 0) break;
            if (i == h->n_stops) return 0;
            if (stops[i].norestart && (rc = yx_flag(txn, &stops[i], -1))) return rc;
            memmove(stops + i, stops + i + 1, (h->n_stops - i - 1) * sizeof(yx_stop_t));
            h->n_stops--;
        }
    } else {
        return 0;
    }
    if (h->n_starts == 0 && h->n_stops == 0)
        return have ? jw_store_del(txn, DB_YOUTHIDX, e->yid, YID_BIN) : 0;
    return jw_store_put(txn, DB_YOUTHIDX, e->yid, YID_BIN, h,
                        sizeof *h + h->n_starts * sizeof(int32_t) + h->n_stops * sizeof(yx_stop_t));
}

/* ---- one event ---- */

static int apply_event(jw_ind_t *ind, jw_txn_t *txn, const ev_t *e, int sign)
{
    dims_t a = {{"", e->gemeente, e->aanbieder, e->segment}};
    span_t hend;
    int rc = 0;

    switch (e->type) {
    case EV_REQUEST:
        if ((rc = horizon_add(ind, txn, e->msg_date, sign))) return rc;
        return fan_cnt(txn, Q_R25_REQ, e->msg_date, &a, sign);
    case EV_REQ_REFUSED:
        if ((rc = horizon_add(ind, txn, e->request_date, sign))) return rc;
        if ((rc = horizon_add(ind, txn, e->date, sign))) return rc;
        if ((rc = fan_cnt(txn, Q_R25_REQ, e->request_date, &a, sign))) return rc;
        return fan_hist(txn, H_25, Q_R25_REF, e->request_date, &a, e->wait_days, sign);
    case EV_MSG_REFUSED: {
        static const int types[5] = {301, 305, 307, 315, 323};
        if ((rc = horizon_add(ind, txn, e->date, sign))) return rc;
        if ((rc = fan_cnt(txn, Q_R24, e->date, &a, sign))) return rc;
        if (e->credit && (rc = fan_cnt(txn, Q_R24_TECH, e->date, &a, sign))) return rc;
        for (int k = 0; k < 5; k++)
            if (e->reason == types[k]) return fan_cnt(txn, Q_R24_301 + k, e->date, &a, sign);
        return 0;
    }
    case EV_START:
        if ((rc = horizon_add(ind, txn, e->toewijzingsdatum, sign))) return rc;
        if ((rc = fan_cnt(txn, Q_CLS0 + e->cls, e->date, &a, sign))) return rc;
        if (e->request_date != IND_NONE32 && e->toewijzingsdatum != IND_NONE32 &&
            (rc = fan_hist(txn, H_14B, Q_14B_N, e->toewijzingsdatum, &a,
                           e->toewijzingsdatum - e->request_date, sign)))
            return rc;
        if ((rc = current_hend(txn, &hend))) return rc;
        if ((rc = ep_event(ind, txn, e, sign, hend))) return rc;
        return yx_update(ind, txn, e, sign);
    case EV_RECIDIVE:
        return fan_cnt(txn, Q_RET, e->date, &a, sign);
    case EV_STOP:
        if (!e->continued && (rc = fan_cnt(txn, Q_UIT, e->date, &a, sign))) return rc;
        if ((rc = fan_hist(txn, H_DUR, Q_DUR_N, e->date, &a, e->duration, sign))) return rc;
        if ((rc = current_hend(txn, &hend))) return rc;
        if ((rc = ep_event(ind, txn, e, sign, hend))) return rc;
        return yx_update(ind, txn, e, sign);
    case EV_TRANSFER:
        if ((rc = fan_cnt(txn, Q_TRF, e->date, &a, sign))) return rc;
        if (e->verblijf) return fan_set(txn, S_Y15, Q_Y15, e->date, &a, e->yid, sign);
        return 0;
    case EV_DSTART:
    case EV_DSTOP:
        if ((rc = horizon_add(ind, txn, e->date, sign))) return rc;
        if (e->msg_date != IND_NONE32) {
            if ((rc = fan_cnt(txn, Q_T23_N, e->date, &a, sign))) return rc;
            if (e->msg_date <= jw_ind_add_working_days(e->date, 5) &&
                (rc = fan_cnt(txn, Q_T23_OK, e->date, &a, sign)))
                return rc;
        }
        if (e->type == EV_DSTOP) {
            if (e->reason == 20) return 0; /* a temporary stop is not an end */
            if ((rc = fan_cnt(txn, Q_DSTOP, e->date, &a, sign))) return rc;
            if (e->reason >= 32 && e->reason <= 35) return fan_cnt(txn, Q_DROP, e->date, &a, sign);
            return 0;
        }
        if (e->has_wait) {
            if ((rc = fan_hist(txn, H_WAIT, Q_W_N, e->date, &a, e->wait_days, sign))) return rc;
            if (e->has_norm) {
                if ((rc = fan_cnt(txn, Q_W_NORMED, e->date, &a, sign))) return rc;
                if (e->wait_days <= e->norm_days &&
                    (rc = fan_cnt(txn, Q_W_WITHIN, e->date, &a, sign)))
                    return rc;
            }
        }
        if ((rc = current_hend(txn, &hend))) return rc;
        return ep_event(ind, txn, e, sign, hend);
    case EV_REFUSED:
        if ((rc = horizon_add(ind, txn, e->date, sign))) return rc;
        return fan_cnt(txn, Q_REFUSED, e->date, &a, sign * e->amount);
    case EV_DECLARED: {
        if ((rc = horizon_add(ind, txn, e->date, sign))) return rc;
        if ((rc = fan_cnt(txn, Q_COST, e->date, &a, sign * e->amount))) return rc;
        if ((rc = fan_set(txn, S_Y16, Q_Y16, e->date, &a, e->yid, sign * e->amount))) return rc;
        if (strcmp(e->unit, "14") == 0 && e->verblijf) {
            int64_t vol = e->credit ? -e->volume : e->volume;
            if ((rc = fan_cnt(txn, Q_ETM, e->date, &a, sign * vol))) return rc;
            return fan_set(txn, S_Y13, Q_Y13, e->date, &a, e->yid, sign * vol);
        }
        return 0;
    }
    default:
        return 0;
    }
}

/* ---- batches ---- */

typedef struct {
    jw_ind_t *ind;
    const jw_ind_event_t *ev;
    size_t n;
    size_t applied;
} batch_t;

static const char *const COUNTERS[] = {"ind.events", "ind.retracts", "ind.retracts_unknown",
                                       "ind.ignored", "ind.bad", "ind.duplicates"};

static int batch_fn(jw_txn_t *txn, void *ctx)
{
    batch_t *b = ctx;
    uint64_t last, cnt[6];
    int rc;
    char err[200];
    b->applied = 0;
    if ((rc = jw_store_meta_get_u64(txn, "ind.last_seq", &last)) == JW_STORE_NOTFOUND) last = 0;
    else if (rc) return rc;
    for (int i = 0; i < 6; i++)
        if ((rc = meta_u64(txn, COUNTERS[i], &cnt[i]))) return rc;

    for (size_t i = 0; i < b->n; i++) {
        const jw_ind_event_t *x = &b->ev[i];
        ev_t e;
        int mismatch = 0;
        if (x->seq <= last) continue;
        if (x->seq != last + 1) return JW_IND_EGAP;
        int bad = x->record ? ind_event_from_record(x->json, x->len, b->ind->profile, &e, &mismatch, err, sizeof err)
                            : ind_event_parse(x->json, x->len, b->ind->profile, &e, &mismatch, err, sizeof err);
        if (bad && mismatch && x->seq < b->ind->foreign_below) {
            /* an event of the store's earlier profile: skipped, but a retraction still
             * takes back whatever it names (docs/indicators.md, changing the profile) */
            if (e.type != EV_RETRACT) e.type = EV_NONE;
            bad = 0;
        }
        if (bad) {
            uint8_t k[8];
            if (mismatch) return JW_IND_EPROFILE;
            ind_be64_put(k, x->seq);
            if ((rc = jw_store_put(txn, DB_BAD, k, 8, err, strlen(err)))) return rc;
            cnt[4]++;
        } else if (e.type == EV_NONE) {
            cnt[3]++;
        } else if (e.type == EV_RETRACT) {
            const void *v;
            size_t vl;
            rc = jw_store_get(txn, DB_CONTRIB, e.retracts, 8, &v, &vl);
            if (rc == JW_STORE_NOTFOUND) {
                cnt[2]++;
            } else if (rc) {
                return rc;
            } else {
                ev_t old;
                if (vl != sizeof old) return JW_IND_ECORRUPT;
                memcpy(&old, v, sizeof old);
                if ((rc = apply_event(b->ind, txn, &old, -1))) return rc;
                if ((rc = jw_store_del(txn, DB_CONTRIB, e.retracts, 8))) return rc;
                cnt[1]++;
            }
        } else {
            const void *v;
            size_t vl;
            rc = jw_store_get(txn, DB_CONTRIB, e.id, 8, &v, &vl);
            if (rc == 0) {
                cnt[5]++; /* already live: never count one fact twice */
            } else if (rc != JW_STORE_NOTFOUND) {
                return rc;
            } else {
                if ((rc = apply_event(b->ind, txn, &e, +1))) return rc;
                if ((rc = jw_store_put(txn, DB_CONTRIB, e.id, 8, &e, sizeof e))) return rc;
            }
        }
        cnt[0]++;
        last = x->seq;
        b->applied++;
    }
    if (b->applied == 0) return 0;
    if ((rc = jw_store_meta_put_u64(txn, "ind.last_seq", last))) return rc;
    for (int i = 0; i < 6; i++)
        if ((rc = jw_store_meta_put_u64(txn, COUNTERS[i], cnt[i]))) return rc;
    return jw_store_meta_put_u64(txn, "ind.updated", (uint64_t)time(NULL));
}

int jw_ind_consume_batch(jw_ind_t *ind, const jw_ind_event_t *ev, size_t n, size_t *applied)
{
    batch_t b = {ind, ev, n, 0};
    int rc;
    if (applied) *applied = 0;
    if (!ind || (!ev && n)) return JW_IND_EARG;
    if (ind->read_only) return JW_STORE_ERDONLY;
    if (n == 0) return 0;
    rc = jw_store_write(ind->st, batch_fn, &b);
    if (!rc && applied) *applied = b.applied;
    return rc;
}

int jw_ind_consume(jw_ind_t *ind, uint64_t seq, const char *json, size_t len)
{
    jw_ind_event_t e = {seq, json, len, 0};
    return jw_ind_consume_batch(ind, &e, 1, NULL);
}

/* ---- catch-up from a jw state store ---- */

typedef struct {
    uint64_t after;
    size_t max;
    jw_ind_event_t *ev;
    size_t n, cap_ev;
    char *buf;
    size_t len, cap;
    size_t *off;
} chunk_t;

static int chunk_cb(uint64_t seq, const void *data, size_t len, void *ctx)
{
    chunk_t *c = ctx;
    if (c->n == c->cap_ev) {
        size_t nc = c->cap_ev ? c->cap_ev * 2 : 256;
        jw_ind_event_t *ne = realloc(c->ev, nc * sizeof *ne);
        if (!ne) return JW_IND_ENOMEM;
        c->ev = ne;
        size_t *no = realloc(c->off, nc * sizeof *no);
        if (!no) return JW_IND_ENOMEM;
        c->off = no;
        c->cap_ev = nc;
    }
    /* The store keeps binary records (event.h): read as they are, with
     * the typed reader (ind_event_from_record); one that does not read is
     * counted as unreadable and its seq consumed, as for bad JSON. */
    if (grow((void **)&c->buf, &c->cap, c->len + len + 1)) return JW_IND_ENOMEM;
    memcpy(c->buf + c->len, data, len);
    c->ev[c->n].seq = seq;
    c->ev[c->n].len = len;
    c->ev[c->n].record = 1;
    c->off[c->n] = c->len;
    c->len += len;
    c->n++;
    return c->n == c->max ? JW_STORE_ITER_STOP : 0;
}

static int chunk_read(jw_txn_t *txn, void *ctx)
{
    chunk_t *c = ctx;
    c->n = 0;
    c->len = 0;
    return jw_store_events_since(txn, c->after, chunk_cb, c);
}

static int last_seq_read(jw_txn_t *txn, void *ctx)
{
    int rc = jw_store_meta_get_u64(txn, "ind.last_seq", ctx);
    if (rc == JW_STORE_NOTFOUND) {
        *(uint64_t *)ctx = 0;
        return 0;
    }
    return rc;
}

static int src_last_read(jw_txn_t *txn, void *ctx)
{
    return jw_store_last_seq(txn, ctx);
}

/* The seq at which the source store last changed its profile (0 = never). */
static int since_read(jw_txn_t *txn, void *ctx)
{
    int rc = jw_store_meta_get_u64(txn, "profile.since", ctx);
    if (rc == JW_STORE_NOTFOUND) {
        *(uint64_t *)ctx = 0;
        return 0;
    }
    return rc;
}

int jw_ind_catch_up(jw_ind_t *ind, jw_store_t *src, size_t batch, uint64_t *applied)
{
    chunk_t c;
    int rc;
    uint64_t total = 0;
    if (applied) *applied = 0;
    if (!ind || !src) return JW_IND_EARG;
    memset(&c, 0, sizeof c);
    c.max = batch ? batch : 2000;
    if ((rc = jw_store_read(ind->st, last_seq_read, &c.after))) goto out;
    {
        uint64_t src_last = 0;
        if ((rc = jw_store_read(src, src_last_read, &src_last))) goto out;
        if (src_last < c.after) {
            rc = JW_IND_ESTALE;
            goto out;
        }
    }
    if ((rc = jw_store_read(src, since_read, &ind->foreign_below))) goto out;
    for (;;) {
        size_t done = 0;
        if ((rc = jw_store_read(src, chunk_read, &c))) goto out;
        if (c.n == 0) break;
        for (size_t i = 0; i < c.n; i++) c.ev[i].json = c.buf + c.off[i];
        if ((rc = jw_ind_consume_batch(ind, c.ev, c.n, &done))) goto out;
        total += done;
        c.after = c.ev[c.n - 1].seq;
        if (c.n < c.max) break;
    }
out:
    free(c.ev);
    free(c.off);
    free(c.buf);
    if (applied) *applied = total;
    return rc;
}

/* ---- open, close, status ---- */

const char *jw_ind_strerror(int rc)
{
    switch (rc) {
    case JW_IND_OK: return "ok";
    case JW_IND_ENOMEM: return "out of memory";
    case JW_IND_EARG: return "bad argument";
    case JW_IND_EGAP: return "event seq gap: catch up from the event log";
    case JW_IND_EPROFILE: return "the indicator store or the events belong to another profile (use --rebuild)";
    case JW_IND_ECORRUPT: return "a stored indicator record is malformed";
    case JW_IND_EQUERY: return "bad query";
    case JW_IND_ENOTFOUND: return "no such indicator";
    case JW_IND_EIO: return "cannot remove the indicator store files";
    case JW_IND_ESCHEMA: return "the indicator store was built by another version of jw-indicators: use --rebuild";
    case JW_IND_ESTALE: return "the indicator store is ahead of the event log (another or a rebuilt state store): use --rebuild";
    default: return jw_store_strerror(rc);
    }
}

typedef struct {
    const char *name;
    int read_only;
    int mismatch;
    int old_schema; /* built by an older engine: its contributions differ, rebuild */
} prof_ctx_t;

static int check_profile(jw_txn_t *txn, void *ctx)
{
    prof_ctx_t *p = ctx;
    const void *v;
    size_t vl;
    int rc = jw_store_meta_get(txn, "ind.profile", &v, &vl);
    p->mismatch = 0;
    if (rc == JW_STORE_NOTFOUND) {
        if (p->read_only) return 0;
        if ((rc = jw_store_meta_put(txn, "ind.profile", p->name, strlen(p->name)))) return rc;
        return jw_store_meta_put_u64(txn, "ind.schema", IND_SCHEMA);
    }
    if (rc) return rc;
    if (vl != strlen(p->name) || memcmp(v, p->name, vl) != 0) p->mismatch = 1;
    uint64_t schema = 0;
    if ((rc = meta_u64(txn, "ind.schema", &schema))) return rc;
    if (schema != IND_SCHEMA) p->old_schema = 1;
    return 0;
}

int jw_ind_open(const char *dir, const jw_profile_t *profile, const jw_ind_options_t *opt,
                jw_ind_t **out)
{
    jw_store_options_t so;
    jw_ind_t *ind = NULL;
    int rc;
    if (!out) return JW_IND_EARG;
    *out = NULL;
    if (!dir || !profile) return JW_IND_EARG;
    if (sodium_init() < 0) return JW_IND_ENOMEM;
    memset(&so, 0, sizeof so);
    so.map_size = opt && opt->map_size ? opt->map_size : (size_t)64 << 20;
    so.replay = opt ? opt->replay : 0;
    so.read_only = opt ? opt->read_only : 0;
    ind = calloc(1, sizeof *ind);
    if (!ind) return JW_IND_ENOMEM;
    ind->profile = profile;
    ind->read_only = so.read_only;
    if ((rc = jw_store_open(dir, &so, &ind->st))) goto out;
    prof_ctx_t pc = {jw_profile_name(profile), so.read_only, 0, 0};
    rc = so.read_only ? jw_store_read(ind->st, check_profile, &pc)
                      : jw_store_write(ind->st, check_profile, &pc);
    if (!rc && pc.mismatch) rc = JW_IND_EPROFILE;
    if (!rc && pc.old_schema) rc = JW_IND_ESCHEMA;
out:
    if (rc) {
        jw_ind_close(ind);
        return rc;
    }
    *out = ind;
    return 0;
}

void jw_ind_close(jw_ind_t *ind)
{
    if (!ind) return;
    jw_store_close(ind->st);
    free(ind->items_a);
    free(ind->items_b);
    free(ind->rec);
    free(ind->rec2);
    free(ind);
}

int jw_ind_remove_store(const char *dir)
{
    static const char *files[] = {"data.mdb", "lock.mdb"};
    char path[4096];
    for (size_t i = 0; i < 2; i++) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= sizeof path)
            return JW_IND_EARG;
        if (unlink(path) != 0 && errno != ENOENT) return JW_IND_EIO;
    }
    return 0;
}

typedef struct {
    char *buf;
    size_t cap;
} name_ctx_t;

static int read_name(jw_txn_t *txn, void *ctx)
{
    name_ctx_t *c = ctx;
    const void *v;
    size_t vl;
    int rc = jw_store_meta_get(txn, "ind.profile", &v, &vl);
    if (rc) return rc;
    if (vl + 1 > c->cap) return JW_IND_ECORRUPT;
    memcpy(c->buf, v, vl);
    c->buf[vl] = '\0';
    return 0;
}

int jw_ind_stored_profile(const char *dir, char *buf, size_t cap)
{
    jw_store_options_t so;
    jw_store_t *st = NULL;
    name_ctx_t c = {buf, cap};
    memset(&so, 0, sizeof so);
    so.read_only = 1;
    int rc = jw_store_open(dir, &so, &st);
    if (rc) return rc;
    rc = jw_store_read(st, read_name, &c);
    jw_store_close(st);
    return rc;
}

static int first_month_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    const uint8_t *k = key;
    (void)val;
    (void)vlen;
    if (klen != 3) return JW_IND_ECORRUPT;
    jw_date_from_ymd(k[0] << 8 | k[1], k[2], 1, ctx);
    return JW_STORE_ITER_STOP;
}

int ind_read_status(jw_txn_t *txn, jw_ind_status_t *st)
{
    uint64_t v, hm;
    const void *pv;
    size_t pl;
    int rc;
    memset(st, 0, sizeof *st);
    if ((rc = meta_u64(txn, "ind.last_seq", &st->last_seq))) return rc;
    if ((rc = meta_u64(txn, "ind.events", &st->events))) return rc;
    if ((rc = meta_u64(txn, "ind.retracts", &st->retracts))) return rc;
    if ((rc = meta_u64(txn, "ind.retracts_unknown", &st->retracts_unknown))) return rc;
    if ((rc = meta_u64(txn, "ind.ignored", &st->ignored))) return rc;
    if ((rc = meta_u64(txn, "ind.bad", &st->bad))) return rc;
    if ((rc = meta_u64(txn, "ind.updated", &v))) return rc;
    st->updated = (int64_t)v;
    if ((rc = meta_u64(txn, "ind.hmonth", &hm))) return rc;
    st->horizon = hmonth_end(hm);
    st->first = IND_NONE32;
    if ((rc = jw_store_iter(txn, DB_MONTHS, NULL, 0, first_month_cb, &st->first))) return rc;
    rc = jw_store_meta_get(txn, "ind.profile", &pv, &pl);
    if (rc == 0 && pl < sizeof st->profile) {
        memcpy(st->profile, pv, pl);
        st->profile[pl] = '\0';
    } else if (rc != 0 && rc != JW_STORE_NOTFOUND) {
        return rc;
    }
    return 0;
}

static int status_fn(jw_txn_t *txn, void *ctx)
{
    return ind_read_status(txn, ctx);
}

int jw_ind_status(jw_ind_t *ind, jw_ind_status_t *out)
{
    if (!ind || !out) return JW_IND_EARG;
    return jw_store_read(ind->st, status_fn, out);
}

/* ---- digest ---- */

typedef struct {
    crypto_hash_sha256_state h;
} digest_t;

static int digest_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    digest_t *d = ctx;
    uint8_t len[16];
    ind_be64_put(len, klen);
    ind_be64_put(len + 8, vlen);
    crypto_hash_sha256_update(&d->h, len, sizeof len);
    crypto_hash_sha256_update(&d->h, key, klen);
    crypto_hash_sha256_update(&d->h, val, vlen);
    return 0;
}

static int digest_fn(jw_txn_t *txn, void *ctx)
{
    static const jw_db_t dbs[] = {DB_CELLS, DB_SETS, DB_HISTS, DB_EPISODES,
                                  DB_YOUTHIDX, DB_MONTHS, DB_CONTRIB, DB_BAD};
    digest_t *d = ctx;
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        uint8_t tag = (uint8_t)dbs[i];
        crypto_hash_sha256_update(&d->h, &tag, 1);
        int rc = jw_store_iter(txn, dbs[i], NULL, 0, digest_cb, d);
        if (rc) return rc;
    }
    return 0;
}

int jw_ind_digest(jw_ind_t *ind, unsigned char out[32])
{
    digest_t d;
    if (!ind || !out) return JW_IND_EARG;
    crypto_hash_sha256_init(&d.h);
    int rc = jw_store_read(ind->st, digest_fn, &d);
    if (rc) return rc;
    crypto_hash_sha256_final(&d.h, out);
    return 0;
}
