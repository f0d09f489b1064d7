/* query.c - indicator values for a period and breakdown, small-cell
 * suppression, targets. Stored periods (M, Q, H, Y) are read directly;
 * a rolling 12-month window is assembled from its 12 months: counters and
 * distributions are summed, distinct-youth sets are united. */
#include "indicators/ind_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    jw_txn_t *txn;
    int n;
    per4_t per[12];
    char dim;
    const char *val;
} cell_t;

static void cell_init(cell_t *c, jw_txn_t *txn, jw_ind_period_t p, char dim, const char *val)
{
    c->txn = txn;
    c->dim = dim;
    c->val = val;
    if (p.kind == 'R') {
        jw_date_t first = jw_ind_period_first(p);
        c->n = 12;
        for (int i = 0; i < 12; i++)
            c->per[i] = ind_per4(jw_ind_period_of('M', jw_date_add_months(first, i)));
    } else {
        c->n = 1;
        c->per[0] = ind_per4(p);
    }
}

static int get_cnt(jw_txn_t *txn, int q, per4_t p, char dim, const char *val, int64_t *out)
{
    uint8_t key[64];
    const void *v;
    size_t vl;
    size_t kl = ind_cell_key(key, q, p, dim, val);
    int rc = jw_store_get(txn, DB_CELLS, key, kl, &v, &vl);
    *out = 0;
    if (rc == JW_STORE_NOTFOUND) return 0;
    if (rc) return rc;
    if (vl != 8) return JW_IND_ECORRUPT;
    *out = (int64_t)ind_be64_get(v);
    return 0;
}

static int rd_sum(const cell_t *c, int q, int64_t *out)
{
    int64_t sum = 0, v;
    for (int i = 0; i < c->n; i++) {
        int rc = get_cnt(c->txn, q, c->per[i], c->dim, c->val, &v);
        if (rc) return rc;
        sum += v;
    }
    *out = sum;
    return 0;
}

/* A stock (value on the period's last day): the last month of a window. */
static int rd_last(const cell_t *c, int q, int64_t *out)
{
    return get_cnt(c->txn, q, c->per[c->n - 1], c->dim, c->val, out);
}

/* ---- set entries ---- */

typedef struct {
    uint8_t yid[YID_BIN];
    int64_t v;
} yv_t;

typedef struct {
    yv_t *a;
    size_t n, cap;
} yvs_t;

static int yv_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    yvs_t *l = ctx;
    if (klen < YID_BIN || vlen != 8) return JW_IND_ECORRUPT;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 256;
        yv_t *na = realloc(l->a, nc * sizeof *na);
        if (!na) return JW_IND_ENOMEM;
        l->a = na;
        l->cap = nc;
    }
    memcpy(l->a[l->n].yid, (const uint8_t *)key + klen - YID_BIN, YID_BIN);
    l->a[l->n].v = (int64_t)ind_be64_get(val);
    l->n++;
    return 0;
}

static int cmp_yv(const void *a, const void *b)
{
    return memcmp(((const yv_t *)a)->yid, ((const yv_t *)b)->yid, YID_BIN);
}

/* Merge the n sorted runs of l (run[i] .. run[i+1]) into one sorted
 * array, pairwise (log2 n passes). */
static int merge_runs(yvs_t *l, size_t *run, size_t n)
{
    if (n < 2 || l->n < 2) return 0;
    yv_t *tmp = malloc(l->n * sizeof *tmp), *src = l->a, *dst = tmp;
    if (!tmp) return JW_IND_ENOMEM;
    while (n > 1) {
        size_t m = 0;
        for (size_t r = 0; r < n; r += 2) {
            size_t i = run[r], ie = run[r + 1], j = ie, je = r + 2 <= n ? run[r + 2] : ie, k = i;
            while (i < ie && j < je) dst[k++] = cmp_yv(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < ie) dst[k++] = src[i++];
            while (j < je) dst[k++] = src[j++];
            run[m++] = run[r];
        }
        run[m] = run[n];
        n = m;
        yv_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != l->a) memcpy(l->a, src, l->n * sizeof *src);
    free(tmp);
    return 0;
}

/* The youths of a set over the cell's periods with their summed values,
 * nonzero only, sorted by yid. The caller frees out->a. */
static int rd_set_entries(const cell_t *c, int s, yvs_t *out)
{
    uint8_t pre[80];
    int rc;
    size_t run[13];
    memset(out, 0, sizeof *out);
    for (int i = 0; i < c->n; i++) {
        size_t pl = ind_sub_prefix(pre, s, c->per[i], c->dim, c->val);
        run[i] = out->n;
        if ((rc = jw_store_iter(c->txn, DB_SETS, pre, pl, yv_cb, out))) return rc;
    }
    run[c->n] = out->n;
    /* Each month comes out of LMDB sorted by yid (the key's tail after a
     * fixed prefix): merge the runs instead of sorting them all again (a
     * rolling 12-month value unites 12 runs; this was most of the time of
     * a dashboard page). */
    if ((rc = merge_runs(out, run, (size_t)c->n))) return rc;
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (k > 0 && memcmp(out->a[k - 1].yid, out->a[i].yid, YID_BIN) == 0) out->a[k - 1].v += out->a[i].v;
        else out->a[k++] = out->a[i];
    }
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (out->a[i].v != 0) out->a[m++] = out->a[i];
    out->n = m;
    return 0;
}

static int rd_setcount(const cell_t *c, int s, int q, int64_t *out)
{
    yvs_t l;
    if (c->n == 1) return rd_sum(c, q, out);
    int rc = rd_set_entries(c, s, &l);
    *out = (int64_t)l.n;
    free(l.a);
    return rc;
}

/* Is yid in set s of the cell (any of its periods)? */
static int in_set(const cell_t *c, int s, const uint8_t *yid, int *member)
{
    uint8_t key[96];
    const void *v;
    size_t vl;
    int64_t sum = 0;
    for (int i = 0; i < c->n; i++) {
        size_t kl = ind_sub_prefix(key, s, c->per[i], c->dim, c->val);
        memcpy(key + kl, yid, YID_BIN);
        int rc = jw_store_get(c->txn, DB_SETS, key, kl + YID_BIN, &v, &vl);
        if (rc == JW_STORE_NOTFOUND) continue;
        if (rc) return rc;
        if (vl != 8) return JW_IND_ECORRUPT;
        sum += (int64_t)ind_be64_get(v);
    }
    *member = sum != 0;
    return 0;
}

/* ---- distributions ---- */

typedef struct {
    int32_t x;
    int64_t n;
} xn_t;

typedef struct {
    xn_t *a;
    size_t n, cap;
} xns_t;

static int xn_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    xns_t *l = ctx;
    const uint8_t *k = key;
    if (klen < 4 || vlen != 8) return JW_IND_ECORRUPT;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        xn_t *na = realloc(l->a, nc * sizeof *na);
        if (!na) return JW_IND_ENOMEM;
        l->a = na;
        l->cap = nc;
    }
    uint32_t ux = (uint32_t)k[klen - 4] << 24 | (uint32_t)k[klen - 3] << 16 |
                  (uint32_t)k[klen - 2] << 8 | k[klen - 1];
    l->a[l->n].x = (int32_t)(ux ^ 0x80000000u);
    l->a[l->n].n = (int64_t)ind_be64_get(val);
    l->n++;
    return 0;
}

static int cmp_xn(const void *a, const void *b)
{
    int32_t x = ((const xn_t *)a)->x, y = ((const xn_t *)b)->x;
    return x < y ? -1 : x > y;
}

typedef struct {
    int64_t n;
    double mean, median, p75, p90;
} stats_t;

/* The value at 1-based rank r of the sorted distribution. */
static double at_rank(const xns_t *l, int64_t r)
{
    int64_t cum = 0;
    for (size_t i = 0; i < l->n; i++) {
        cum += l->a[i].n;
        if (cum >= r) return l->a[i].x;
    }
    return l->n ? l->a[l->n - 1].x : 0;
}

static int rd_stats(const cell_t *c, int h, stats_t *st)
{
    uint8_t pre[80];
    xns_t l = {NULL, 0, 0};
    int rc = 0;
    double sum = 0;
    memset(st, 0, sizeof *st);
    for (int i = 0; i < c->n && !rc; i++) {
        size_t pl = ind_sub_prefix(pre, h, c->per[i], c->dim, c->val);
        rc = jw_store_iter(c->txn, DB_HISTS, pre, pl, xn_cb, &l);
    }
    if (rc) goto out;
    if (l.n > 1) qsort(l.a, l.n, sizeof *l.a, cmp_xn);
    for (size_t i = 0; i < l.n; i++) {
        st->n += l.a[i].n;
        sum += (double)l.a[i].x * (double)l.a[i].n;
    }
    if (st->n > 0) {
        int64_t n = st->n;
        st->mean = sum / (double)n;
        st->median = n % 2 ? at_rank(&l, (n + 1) / 2)
                           : (at_rank(&l, n / 2) + at_rank(&l, n / 2 + 1)) / 2.0;
        st->p75 = at_rank(&l, (75 * n + 99) / 100);
        st->p90 = at_rank(&l, (90 * n + 99) / 100);
    }
out:
    free(l.a);
    return rc;
}

/* ---- IND-26: Kaplan-Meier ---- */

#define KM_Z 1.959963984540054 /* the 97.5 % normal quantile */

/* Read the cell's H_KM histogram (values duration * 2 + event). */
static int rd_km_hist(const cell_t *c, xns_t *l)
{
    uint8_t pre[80];
    int rc = 0;
    memset(l, 0, sizeof *l);
    for (int i = 0; i < c->n && !rc; i++) {
        size_t pl = ind_sub_prefix(pre, H_KM, c->per[i], c->dim, c->val);
        rc = jw_store_iter(c->txn, DB_HISTS, pre, pl, xn_cb, l);
    }
    if (!rc && l->n > 1) qsort(l->a, l->n, sizeof *l->a, cmp_xn);
    return rc;
}

/* The smallest t whose value (S, lo or hi: which = 0, 1, 2) is <= q. A
 * small tolerance makes an S of exactly q (e.g. 4/8) count as reached. */
static int km_first_at_or_below(const jw_ind_km_t *k, int which, double q, double *t)
{
    for (size_t i = 0; i < k->n; i++) {
        double v = which == 0 ? k->rows[i].s : which == 1 ? k->rows[i].lo : k->rows[i].hi;
        if (v <= q + 1e-12) {
            *t = k->rows[i].t;
            return 1;
        }
    }
    return 0;
}

/* Build the table from the sorted histogram. */
static int km_build(const xns_t *l, jw_ind_km_t *k)
{
    int64_t total = 0;
    memset(k, 0, sizeof *k);
    for (size_t i = 0; i < l->n; i++) {
        if (l->a[i].n < 0 || l->a[i].x < 2) return JW_IND_ECORRUPT;
        total += l->a[i].n;
    }
    if (l->n) {
        k->rows = calloc(l->n, sizeof *k->rows);
        if (!k->rows) return JW_IND_ENOMEM;
    }
    k->episodes = total;
    double S = 1.0, V = 0.0;
    int64_t at_risk = total;
    for (size_t i = 0; i < l->n;) {
        int32_t t = l->a[i].x >> 1;
        int64_t d = 0, c = 0;
        for (; i < l->n && (l->a[i].x >> 1) == t; i++) {
            if (l->a[i].x & 1) d += l->a[i].n;
            else c += l->a[i].n;
        }
        jw_ind_km_row_t *r = &k->rows[k->n++];
        r->t = t;
        r->at_risk = at_risk;
        r->events = d;
        r->censored = c;
        if (d > 0) {
            S *= 1.0 - (double)d / (double)at_risk;
            if (at_risk > d) V += (double)d / ((double)at_risk * (double)(at_risk - d));
        }
        r->s = S;
        if (S >= 1.0) {
            r->lo = r->hi = 1.0;
        } else if (S <= 0.0) {
            r->s = r->lo = r->hi = 0.0;
        } else {
            double se = sqrt(V) / fabs(log(S));
            r->lo = pow(S, exp(KM_Z * se));
            r->hi = pow(S, exp(-KM_Z * se));
        }
        k->ended += d;
        at_risk -= d + c;
    }
    k->has_median = km_first_at_or_below(k, 0, 0.5, &k->median);
    k->has_median_lo = km_first_at_or_below(k, 1, 0.5, &k->median_lo);
    k->has_median_hi = km_first_at_or_below(k, 2, 0.5, &k->median_hi);
    k->has_p90 = km_first_at_or_below(k, 0, 0.1, &k->p90);
    k->has_p90_lo = km_first_at_or_below(k, 1, 0.1, &k->p90_lo);
    k->has_p90_hi = km_first_at_or_below(k, 2, 0.1, &k->p90_hi);
    return 0;
}

static int rd_km(const cell_t *c, jw_ind_km_t *k)
{
    xns_t l;
    int rc = rd_km_hist(c, &l);
    if (!rc) rc = km_build(&l, k);
    free(l.a);
    return rc;
}

void jw_ind_km_free(jw_ind_km_t *k)
{
    if (!k) return;
    free(k->rows);
    k->rows = NULL;
    k->n = 0;
}

/* ---- values and suppression ---- */

typedef struct {
    jw_ind_t *ind;
    jw_txn_t *txn;
    const jw_ind_def_t *def;
    int public_;
    int t; /* threshold */
    jw_ind_status_t st;
} qctx_t;

static int small(const qctx_t *q, int64_t c)
{
    return q->public_ && q->t > 0 && c > 0 && c < q->t;
}

static jw_ind_val_t vcount(const qctx_t *q, int64_t c)
{
    jw_ind_val_t v = {(double)c, JW_IND_V_OK};
    if (small(q, c)) {
        v.v = 0;
        v.state = JW_IND_V_SUPPRESSED;
    }
    return v;
}

/* A value derived from cells: NA when undefined, suppressed when a basis
 * cell is. */
static jw_ind_val_t vderived(double x, int na, int supp)
{
    jw_ind_val_t v = {x, JW_IND_V_OK};
    if (supp) {
        v.v = 0;
        v.state = JW_IND_V_SUPPRESSED;
    } else if (na) {
        v.v = 0;
        v.state = JW_IND_V_NA;
    }
    return v;
}

/* A share num/den in percent; its complement den - num is a count too. */
static jw_ind_val_t vshare(const qctx_t *q, int64_t num, int64_t den)
{
    return vderived(den ? 100.0 * (double)num / (double)den : 0, den == 0,
                    small(q, num) || small(q, den) || small(q, den - num));
}

static int id_is(const jw_ind_def_t *d, const char *id)
{
    return strcmp(d->id, id) == 0;
}

/* count per 1,000 inhabitants of the profile's population in the period's
 * year (a rolling window: the year of its last month): the gemeente's on a
 * gemeente row, the region's otherwise; NA without a population. */
static void per_1000(const qctx_t *q, jw_ind_period_t p, char dim, const char *val, int64_t count,
                     jw_ind_row_t *row, int col)
{
    int64_t n17 = 0, n22 = 0;
    int year = p.year; /* R12: the year of its last month */
    char gem[IND_VAL_MAX];
    ind_dim_part(ind_dim_mask(dim), val, IND_CROSS_G, gem); /* a gemeente row or cross cell: its population */
    int known = jw_profile_population(q->ind->profile, gem[0] ? gem : NULL, year, &n17, &n22);
    int sp = known && small(q, count); /* no population: no value, nothing to suppress */
    row->v[col] = vderived(n17 ? 1000.0 * (double)count / (double)n17 : 0, !known || n17 == 0, sp);
    row->v[col + 1] = vderived(n22 ? 1000.0 * (double)count / (double)n22 : 0, !known || n22 == 0, sp);
}

static int compute(qctx_t *q, jw_ind_period_t p, char dim, const char *val, jw_ind_row_t *row)
{
    const jw_ind_def_t *d = q->def;
    cell_t c;
    int64_t a = 0, b = 0, x = 0;
    stats_t st;
    int rc = 0;

    for (int i = 0; i < JW_IND_MAX_COLS; i++) row->v[i] = vderived(0, 1, 0);
    cell_init(&c, q->txn, p, dim, val);

    if (id_is(d, "IND-01") || id_is(d, "IND-02")) {
        int two = id_is(d, "IND-02");
        if ((rc = rd_setcount(&c, two ? S_Y02 : S_Y01, two ? Q_Y02 : Q_Y01, &a))) return rc;
        if ((rc = rd_last(&c, two ? Q_Y02S : Q_Y01S, &b))) return rc;
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, b);
        per_1000(q, p, dim, val, a, row, 2);
    } else if (id_is(d, "IND-03") || id_is(d, "IND-04") || id_is(d, "IND-05") || id_is(d, "IND-07")) {
        int cls = id_is(d, "IND-03") ? 0 : id_is(d, "IND-04") ? 1 : id_is(d, "IND-05") ? 2 : 4;
        if ((rc = rd_sum(&c, Q_CLS0 + cls, &a))) return rc;
        row->v[0] = vcount(q, a);
        if (cls == 0) per_1000(q, p, dim, val, a, row, 1);
    } else if (id_is(d, "IND-06")) {
        jw_ind_period_t pp = p;
        cell_t prev;
        if (p.kind == 'R') pp.year -= 1; /* the 12 months before the window */
        else pp = jw_ind_period_prev(p);
        cell_init(&prev, q->txn, pp, dim, val);
        if ((rc = rd_sum(&c, Q_RET, &a)) || (rc = rd_sum(&prev, Q_UIT, &b))) return rc;
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, b);
        row->v[2] = vderived(b ? 100.0 * (double)a / (double)b : 0, b == 0, small(q, a) || small(q, b));
    } else if (id_is(d, "IND-09")) {
        if ((rc = rd_sum(&c, Q_UIT, &a)) || (rc = rd_sum(&c, Q_O32N, &b))) return rc;
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, b);
        row->v[2] = vshare(q, b, a);
    } else if (id_is(d, "IND-10")) {
        if ((rc = rd_sum(&c, Q_UIT, &a))) return rc;
        row->v[0] = vcount(q, a);
    } else if (id_is(d, "IND-11")) {
        if ((rc = rd_sum(&c, Q_DSTOP, &a)) || (rc = rd_sum(&c, Q_DROP, &b))) return rc;
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, b);
        row->v[2] = vshare(q, b, a);
    } else if (id_is(d, "IND-12") || id_is(d, "IND-14b")) {
        int twelve = id_is(d, "IND-12");
        if ((rc = rd_stats(&c, twelve ? H_DUR : H_14B, &st))) return rc;
        int na = st.n == 0, sp = small(q, st.n);
        row->v[0] = vcount(q, st.n);
        row->v[1] = vderived(st.mean, na, sp);
        row->v[2] = vderived(st.median, na, sp);
        if (twelve) {
            row->v[3] = vderived(st.p75, na, sp);
            row->v[4] = vderived(st.p90, na, sp);
        } else {
            row->v[3] = vderived(st.p90, na, sp);
        }
    } else if (id_is(d, "IND-13")) {
        if ((rc = rd_sum(&c, Q_ETM, &a)) || (rc = rd_setcount(&c, S_Y13, Q_Y13, &b))) return rc;
        row->v[0] = vderived((double)a, 0, small(q, b));
        row->v[1] = vcount(q, b);
    } else if (id_is(d, "IND-14")) {
        if ((rc = rd_stats(&c, H_WAIT, &st))) return rc;
        int na = st.n == 0, sp = small(q, st.n);
        row->v[0] = vcount(q, st.n);
        row->v[1] = vderived(st.median, na, sp);
        row->v[2] = vderived(st.p90, na, sp);
        if ((rc = rd_sum(&c, Q_W_NORMED, &a)) || (rc = rd_sum(&c, Q_W_WITHIN, &b))) return rc;
        row->v[3] = vcount(q, a);
        row->v[4] = vcount(q, b);
        row->v[5] = vshare(q, b, a);
        int days = 0;
        char seg[IND_VAL_MAX];
        ind_dim_part(ind_dim_mask(dim), val, IND_CROSS_S, seg);
        if (seg[0] && jw_profile_wait_norm(q->ind->profile, seg, &days, NULL))
            row->v[6] = vderived(days, 0, 0);
        if ((rc = rd_last(&c, Q_WAITLIST, &x))) return rc;
        row->v[7] = vcount(q, x);
    } else if (id_is(d, "IND-15")) {
        yvs_t t;
        int64_t inter = 0;
        if ((rc = rd_sum(&c, Q_TRF, &a)) || (rc = rd_setcount(&c, S_Y02, Q_Y02, &b))) return rc;
        if ((rc = rd_set_entries(&c, S_Y15, &t))) {
            free(t.a);
            return rc;
        }
        for (size_t i = 0; i < t.n && !rc; i++) {
            int m = 0;
            rc = in_set(&c, S_Y02, t.a[i].yid, &m);
            inter += m;
        }
        free(t.a);
        if (rc) return rc;
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, b);
        row->v[2] = vcount(q, inter);
        row->v[3] = vshare(q, b - inter, b);
    } else if (id_is(d, "IND-16") || id_is(d, "IND-17")) {
        int64_t refused = 0;
        if ((rc = rd_sum(&c, Q_COST, &a)) || (rc = rd_setcount(&c, S_Y16, Q_Y16, &b)) ||
            (rc = rd_sum(&c, Q_REFUSED, &refused)))
            return rc;
        row->v[0] = vderived((double)a / 100.0, 0, small(q, b));
        row->v[1] = vcount(q, b);
        int k = 2;
        if (id_is(d, "IND-16"))
            row->v[k++] = vderived(b ? (double)a / 100.0 / (double)b : 0, b == 0, small(q, b));
        /* awarded (cost_eur) = declared - refused */
        row->v[k++] = vderived((double)(a + refused) / 100.0, 0, small(q, b));
        row->v[k] = vderived((double)refused / 100.0, 0, small(q, b));
    } else if (id_is(d, "IND-24")) {
        int64_t tech = 0, t;
        if ((rc = rd_sum(&c, Q_R24, &a)) || (rc = rd_sum(&c, Q_R24_TECH, &tech))) return rc;
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, tech);
        row->v[2] = vcount(q, a - tech);
        for (int k = 0; k < 5; k++) {
            if ((rc = rd_sum(&c, Q_R24_301 + k, &t))) return rc;
            row->v[3 + k] = vcount(q, t);
        }
    } else if (id_is(d, "IND-25")) {
        if ((rc = rd_sum(&c, Q_R25_REQ, &a)) || (rc = rd_stats(&c, H_25, &st))) return rc;
        int na = st.n == 0, sp = small(q, st.n);
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, st.n);
        row->v[2] = vshare(q, st.n, a);
        row->v[3] = vderived(st.median, na, sp);
        row->v[4] = vderived(st.p90, na, sp);
    } else if (id_is(d, "IND-26")) {
        jw_ind_km_t k;
        if ((rc = rd_km(&c, &k))) return rc;
        /* derived values rest on the episodes and on the ended ones */
        int na = k.episodes == 0, sp = small(q, k.episodes) || small(q, k.ended);
        row->v[0] = vcount(q, k.episodes);
        row->v[1] = vcount(q, k.ended);
        row->v[2] = vcount(q, k.episodes - k.ended);
        row->v[3] = vderived(k.median, na || !k.has_median, sp);
        row->v[4] = vderived(k.median_lo, na || !k.has_median_lo, sp);
        row->v[5] = vderived(k.median_hi, na || !k.has_median_hi, sp);
        row->v[6] = vderived(k.p90, na || !k.has_p90, sp);
        row->v[7] = vderived(k.p90_lo, na || !k.has_p90_lo, sp);
        row->v[8] = vderived(k.p90_hi, na || !k.has_p90_hi, sp);
        jw_ind_km_free(&k);
    } else if (id_is(d, "IND-23")) {
        if ((rc = rd_sum(&c, Q_T23_N, &a)) || (rc = rd_sum(&c, Q_T23_OK, &b))) return rc;
        row->v[0] = vcount(q, a);
        row->v[1] = vcount(q, b);
        row->v[2] = vshare(q, b, a);
    }
    return 0;
}

/* ---- breakdown keys ---- */

typedef struct {
    char (*k)[IND_VAL_MAX];
    size_t n, cap;
} keys_t;

static int key_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    keys_t *l = ctx;
    (void)val;
    (void)vlen;
    if (klen < 6 || klen - 6 >= IND_VAL_MAX) return JW_IND_ECORRUPT;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 32;
        char(*nk)[IND_VAL_MAX] = realloc(l->k, nc * sizeof *nk);
        if (!nk) return JW_IND_ENOMEM;
        l->k = nk;
        l->cap = nc;
    }
    memcpy(l->k[l->n], (const char *)key + 6, klen - 6);
    l->k[l->n][klen - 6] = '\0';
    l->n++;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int breakdown_keys(qctx_t *q, jw_ind_period_t p, char dim, keys_t *out)
{
    int qs[4];
    size_t nq = ind_def_quantities(q->def, qs, 4);
    cell_t c;
    uint8_t pre[8];
    int rc;
    memset(out, 0, sizeof *out);
    cell_init(&c, q->txn, p, dim, "");
    for (size_t i = 0; i < nq; i++)
        for (int k = 0; k < c.n; k++) {
            pre[0] = (uint8_t)qs[i];
            memcpy(pre + 1, c.per[k].b, 4);
            pre[5] = (uint8_t)dim;
            if ((rc = jw_store_iter(q->txn, DB_CELLS, pre, 6, key_cb, out))) return rc;
        }
    if (out->n > 1) qsort(out->k, out->n, sizeof *out->k, cmp_key);
    size_t m = 0;
    for (size_t i = 0; i < out->n; i++)
        if (m == 0 || strcmp(out->k[m - 1], out->k[i]) != 0) memmove(out->k[m++], out->k[i], IND_VAL_MAX);
    out->n = m;
    return 0;
}

/* ---- targets ---- */

const char *jw_ind_tstatus_name(jw_ind_tstatus_t s)
{
    switch (s) {
    case JW_IND_T_NODATA: return "no_data";
    case JW_IND_T_BASELINE: return "baseline";
    case JW_IND_T_ON: return "on_track";
    case JW_IND_T_OFF: return "off_track";
    case JW_IND_T_SUPPRESSED: return "suppressed";
    }
    return "?";
}

static int col_index(const jw_ind_def_t *d, const char *name)
{
    for (size_t i = 0; i < d->n_cols; i++)
        if (strcmp(d->cols[i].name, name) == 0) return (int)i;
    return d->headline;
}

/* The column a target is about. */
static int target_column(const jw_ind_def_t *d, const jw_profile_target_t *t)
{
    int rel = t->kind == JW_TARGET_CHANGE || t->kind == JW_TARGET_RATE;
    if (id_is(d, "IND-06")) return !rel && t->unit == JW_TARGET_UNIT_PERCENT ? 2 : 0;
    if (id_is(d, "IND-15")) return !rel && t->unit == JW_TARGET_UNIT_PERCENT ? 3 : 0;
    if (id_is(d, "IND-12") || id_is(d, "IND-14b")) return col_index(d, "mean");
    if (id_is(d, "IND-14")) return col_index(d, "within_pct");
    return d->headline;
}

static int value_for(qctx_t *q, int year, const char *segment, int col, jw_ind_val_t *out)
{
    jw_ind_row_t row;
    jw_ind_period_t p = {'Y', year, 0};
    int rc = compute(q, p, segment ? DIM_SEGMENT : DIM_TOTAL, segment ? segment : "", &row);
    if (rc) return rc;
    *out = row.v[col];
    return 0;
}

static int eval_target(qctx_t *q, const jw_profile_target_t *t, int year, jw_ind_target_t *r)
{
    int rc;
    memset(r, 0, sizeof *r);
    r->t = *t;
    r->column = target_column(q->def, t);
    r->year = year;
    r->base = r->goal = r->current = vderived(0, 1, 0);
    r->partial = q->st.horizon == IND_NONE32 || jw_ind_period_last((jw_ind_period_t){'Y', year, 0}) > q->st.horizon;
    if ((rc = value_for(q, year, t->segment, r->column, &r->current))) return rc;
    double P = t->value / 100.0;
    int need_base = t->kind == JW_TARGET_CHANGE || t->kind == JW_TARGET_RATE;
    int below = 0; /* 1: on track at or below the goal */
    if (need_base) {
        r->base_year = t->base_year ? t->base_year : year - 1;
        if ((rc = value_for(q, r->base_year, t->segment, r->column, &r->base))) return rc;
        below = t->value <= 0;
        if (t->base_year && year <= t->base_year) {
            /* the goal starts at the base value; before the base year there is none */
            r->goal = year == t->base_year ? r->base : vderived(0, 1, 0);
            r->status = r->base.state == JW_IND_V_SUPPRESSED ? JW_IND_T_SUPPRESSED
                        : r->base.state == JW_IND_V_NA       ? JW_IND_T_NODATA
                                                             : JW_IND_T_BASELINE;
            return 0;
        }
        if (r->base.state != JW_IND_V_OK) {
            r->goal = r->base;
            r->status = r->base.state == JW_IND_V_SUPPRESSED ? JW_IND_T_SUPPRESSED : JW_IND_T_NODATA;
            return 0;
        }
        double goal;
        if (t->kind == JW_TARGET_CHANGE) {
            /* straight line from the base year to the target year */
            double frac = 1.0;
            if (t->target_year > t->base_year && year < t->target_year)
                frac = (double)(year - t->base_year) / (double)(t->target_year - t->base_year);
            goal = r->base.v * (1.0 + P * frac);
        } else {
            int k = t->base_year ? year - t->base_year : 1;
            if (t->base_year && t->target_year && year > t->target_year) k = t->target_year - t->base_year;
            goal = r->base.v * pow(1.0 + P, k);
        }
        r->goal = vderived(goal, 0, 0);
    } else {
        below = t->kind == JW_TARGET_MAX;
        r->goal = vderived(t->value, 0, 0);
    }
    if (r->current.state == JW_IND_V_SUPPRESSED) r->status = JW_IND_T_SUPPRESSED;
    else if (r->current.state == JW_IND_V_NA) r->status = JW_IND_T_NODATA;
    else {
        /* compare at the precision values are published with */
        double cur = round(r->current.v * 100.0) / 100.0, goal = round(r->goal.v * 100.0) / 100.0;
        int ok = below ? cur <= goal : cur >= goal;
        r->status = ok ? JW_IND_T_ON : JW_IND_T_OFF;
    }
    return 0;
}

static int targets_in_txn(qctx_t *q, int year, jw_ind_target_t **out, size_t *n)
{
    const jw_profile_t *pr = q->ind->profile;
    size_t cap = jw_profile_target_count(pr) + jw_profile_segment_count(pr) + 1, k = 0;
    jw_ind_target_t *arr = calloc(cap, sizeof *arr);
    int rc = 0;
    *out = NULL;
    *n = 0;
    if (!arr) return JW_IND_ENOMEM;
    for (size_t i = 0; i < jw_profile_target_count(pr) && !rc; i++) {
        const jw_profile_target_t *t = jw_profile_target(pr, i);
        if (strcasecmp(t->indicator, q->def->id) != 0) continue;
        rc = eval_target(q, t, year, &arr[k++]);
    }
    if (id_is(q->def, "IND-14"))
        for (size_t i = 0; i < jw_profile_segment_count(pr) && !rc; i++) {
            int days = 0;
            double share = 0;
            const char *seg = jw_profile_segment_name(pr, i);
            if (!jw_profile_wait_norm(pr, seg, &days, &share) || share <= 0) continue;
            jw_profile_target_t t;
            memset(&t, 0, sizeof t);
            t.indicator = q->def->id;
            t.segment = seg;
            t.kind = JW_TARGET_MIN;
            t.value = share;
            t.unit = JW_TARGET_UNIT_PERCENT;
            rc = eval_target(q, &t, year, &arr[k++]);
        }
    if (rc || k == 0) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = k;
    return 0;
}

/* ---- the query ---- */

typedef struct {
    qctx_t q;
    const jw_ind_query_t *in;
    jw_ind_result_t *out;
    size_t cap;
} run_t;

static const int BY_BIT[4] = {0, IND_CROSS_G, IND_CROSS_A, IND_CROSS_S};

/* The mask of the query's slicers. */
static int filter_mask(const jw_ind_query_t *in)
{
    return (in->gemeente && in->gemeente[0] ? IND_CROSS_G : 0) | (in->aanbieder && in->aanbieder[0] ? IND_CROSS_A : 0) |
           (in->segment && in->segment[0] ? IND_CROSS_S : 0);
}

static int push_row(run_t *r, jw_ind_period_t p, jw_ind_by_t by, const char *key)
{
    jw_ind_result_t *o = r->out;
    /* the cell: the slicers plus, on a breakdown row, its own value */
    const jw_ind_query_t *in = r->in;
    int mask = filter_mask(in) | BY_BIT[by];
    char val[IND_VAL_MAX];
    if (ind_dim_value(mask, by == JW_IND_BY_GEMEENTE ? key : in->gemeente, by == JW_IND_BY_AANBIEDER ? key : in->aanbieder,
                      by == JW_IND_BY_SEGMENT ? key : in->segment, val))
        val[0] = '\0'; /* the total */
    if (o->n_rows == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 32;
        jw_ind_row_t *nr = realloc(o->rows, nc * sizeof *nr);
        if (!nr) return JW_IND_ENOMEM;
        o->rows = nr;
        r->cap = nc;
    }
    jw_ind_row_t *row = &o->rows[o->n_rows];
    memset(row, 0, sizeof *row);
    row->period = p;
    row->by = by;
    snprintf(row->key, sizeof row->key, "%s", key);
    row->label = "";
    if (by == JW_IND_BY_SEGMENT) {
        const char *l = jw_profile_segment_label(r->q.ind->profile, key);
        row->label = l ? l : "";
    } else if (by == JW_IND_BY_GEMEENTE) {
        const char *l = jw_profile_gemeente_name(r->q.ind->profile, key); /* the profile's name */
        row->label = l ? l : "";
    } else if (by == JW_IND_BY_AANBIEDER) {
        const char *l = jw_profile_aanbieder_name(r->q.ind->profile, key); /* the profile's provider list */
        row->label = l ? l : "";
    }
    row->partial = r->q.st.horizon == IND_NONE32 || jw_ind_period_last(p) > r->q.st.horizon;
    int rc = compute(&r->q, p, ind_dim_of(mask), val, row);
    if (rc) return rc;
    o->n_rows++;
    return 0;
}

static int rows_for(run_t *r, jw_ind_period_t p)
{
    int rc = push_row(r, p, JW_IND_BY_TOTAL, "");
    if (rc || r->in->by == JW_IND_BY_TOTAL) return rc;
    keys_t keys;
    int fm = filter_mask(r->in), mask = fm | BY_BIT[r->in->by];
    char fv[IND_VAL_MAX], part[IND_VAL_MAX], prev[IND_VAL_MAX] = "";
    rc = breakdown_keys(&r->q, p, ind_dim_of(mask), &keys);
    /* with slicers: the cross cells that match them, by their `by` part */
    if (!rc && fm) {
        size_t m = 0;
        for (size_t i = 0; i < keys.n; i++) {
            int ok = 1;
            for (int bit = 1; bit <= 4 && ok; bit <<= 1) {
                if (!(fm & bit)) continue;
                ind_dim_part(mask, keys.k[i], bit, part);
                ok = strcmp(part, bit == IND_CROSS_G ? r->in->gemeente : bit == IND_CROSS_A ? r->in->aanbieder
                                                                                            : r->in->segment) == 0;
            }
            if (!ok) continue;
            ind_dim_part(mask, keys.k[i], BY_BIT[r->in->by], fv);
            memcpy(keys.k[m++], fv, IND_VAL_MAX);
        }
        keys.n = m; /* still sorted: the by part is the only one that varies */
    }
    for (size_t i = 0; i < keys.n && !rc; i++) {
        if (strcmp(prev, keys.k[i]) == 0) continue;
        memcpy(prev, keys.k[i], IND_VAL_MAX);
        rc = push_row(r, p, r->in->by, keys.k[i]);
    }
    free(keys.k);
    return rc;
}

static int query_fn(jw_txn_t *txn, void *ctx)
{
    run_t *r = ctx;
    const jw_ind_query_t *in = r->in;
    int rc;
    r->q.txn = txn;
    if ((rc = ind_read_status(txn, &r->q.st))) return rc;
    r->out->status = r->q.st;
    if (in->has_period) {
        if ((rc = rows_for(r, in->period))) return rc;
    } else if (r->q.st.horizon != IND_NONE32) {
        char kind = in->series ? in->series : 'Y';
        jw_ind_period_t p = jw_ind_period_of(kind, r->q.st.first);
        jw_ind_period_t last = jw_ind_period_of(kind, r->q.st.horizon);
        for (int guard = 0; guard < 2400; guard++) {
            if ((rc = rows_for(r, p))) return rc;
            if (p.year == last.year && p.index == last.index) break;
            p = jw_ind_period_next(p);
        }
    }
    int year = in->has_period ? in->period.year : 0;
    if (!in->has_period && r->q.st.horizon != IND_NONE32) jw_date_to_ymd(r->q.st.horizon, &year, NULL, NULL);
    if (year) return targets_in_txn(&r->q, year, &r->out->targets, &r->out->n_targets);
    return 0;
}

static int valid_kind(char k)
{
    return k == 'Y' || k == 'H' || k == 'Q' || k == 'M' || k == 'R';
}

int jw_ind_query(jw_ind_t *ind, const jw_ind_query_t *q, jw_ind_result_t *out, char *err,
                 size_t errlen)
{
    run_t r;
    if (!out) return JW_IND_EARG;
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = '\0';
    if (!ind || !q) return JW_IND_EARG;
    const jw_ind_def_t *def = jw_ind_find(q->indicator);
    if (!def) {
        if (err) snprintf(err, errlen, "unknown indicator '%.40s'", q->indicator ? q->indicator : "");
        return JW_IND_ENOTFOUND;
    }
    if ((q->has_period && !valid_kind(q->period.kind)) || (!q->has_period && q->series && !valid_kind(q->series)) ||
        q->by < JW_IND_BY_TOTAL || q->by > JW_IND_BY_SEGMENT) {
        if (err) snprintf(err, errlen, "bad period, series or breakdown");
        return JW_IND_EQUERY;
    }
    const char *fs[3] = {q->gemeente, q->aanbieder, q->segment};
    static const char *fn[3] = {"gemeente", "aanbieder", "segment"};
    for (int i = 0; i < 3; i++) {
        if (!fs[i] || !fs[i][0]) continue;
        size_t l = strlen(fs[i]);
        if (l > (i == 2 ? 32u : 8u) || strchr(fs[i], '|')) {
            if (err) snprintf(err, errlen, "bad %s '%.40s'", fn[i], fs[i]);
            return JW_IND_EQUERY;
        }
        if ((int)q->by == i + 1) {
            if (err) snprintf(err, errlen, "cannot break down by %s and filter on it", fn[i]);
            return JW_IND_EQUERY;
        }
    }
    memset(&r, 0, sizeof r);
    r.q.ind = ind;
    r.q.def = def;
    r.q.public_ = q->public_;
    r.q.t = jw_profile_small_cells(ind->profile);
    r.in = q;
    r.out = out;
    out->def = def;
    out->public_ = q->public_;
    out->threshold = r.q.t;
    for (int i = 0; i < 3; i++) /* lengths checked above */
        if (fs[i]) snprintf(out->filter[i], sizeof out->filter[i], "%s", fs[i]);
    int rc = jw_store_read(ind->st, query_fn, &r);
    if (rc) jw_ind_result_free(out);
    return rc;
}

void jw_ind_result_free(jw_ind_result_t *r)
{
    if (!r) return;
    free(r->rows);
    free(r->targets);
    r->rows = NULL;
    r->targets = NULL;
    r->n_rows = r->n_targets = 0;
}

typedef struct {
    qctx_t q;
    int year;
    jw_ind_target_t **out;
    size_t *n;
} tgt_run_t;

static int targets_fn(jw_txn_t *txn, void *ctx)
{
    tgt_run_t *t = ctx;
    int rc;
    t->q.txn = txn;
    if ((rc = ind_read_status(txn, &t->q.st))) return rc;
    return targets_in_txn(&t->q, t->year, t->out, t->n);
}

int jw_ind_targets(jw_ind_t *ind, const jw_ind_def_t *def, int year, int public_,
                   jw_ind_target_t **out, size_t *n)
{
    tgt_run_t t;
    if (!ind || !def || !out || !n) return JW_IND_EARG;
    memset(&t, 0, sizeof t);
    t.q.ind = ind;
    t.q.def = def;
    t.q.public_ = public_;
    t.q.t = jw_profile_small_cells(ind->profile);
    t.year = year;
    t.out = out;
    t.n = n;
    *out = NULL;
    *n = 0;
    return jw_store_read(ind->st, targets_fn, &t);
}

/* ---- IND-26 table ---- */

typedef struct {
    jw_ind_period_t p;
    char dim;
    const char *key;
    jw_ind_km_t *out;
} km_run_t;

static int km_fn(jw_txn_t *txn, void *ctx)
{
    km_run_t *r = ctx;
    cell_t c;
    cell_init(&c, txn, r->p, r->dim, r->key);
    return rd_km(&c, r->out);
}

int jw_ind_km(jw_ind_t *ind, jw_ind_period_t p, jw_ind_by_t by, const char *key, jw_ind_km_t *out)
{
    static const char DIMC[4] = {DIM_TOTAL, DIM_GEMEENTE, DIM_AANBIEDER, DIM_SEGMENT};
    if (!out) return JW_IND_EARG;
    memset(out, 0, sizeof *out);
    if (!ind || by < JW_IND_BY_TOTAL || by > JW_IND_BY_SEGMENT ||
        (p.kind != 'Y' && p.kind != 'H' && p.kind != 'Q' && p.kind != 'M' && p.kind != 'R'))
        return JW_IND_EARG;
    km_run_t r = {p, DIMC[by], by == JW_IND_BY_TOTAL ? "" : key ? key : "", out};
    int rc = jw_store_read(ind->st, km_fn, &r);
    if (rc) jw_ind_km_free(out);
    return rc;
}
