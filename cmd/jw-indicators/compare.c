/* compare.c - definitions side by side (SPEC §6): the return-to-care
 * figures of several profiles over one state store.
 *
 * For each profile, every youth's events are derived from the stored facts
 * under that profile (jw_traject_derive_all: nothing is written to the
 * state store) and consumed into a temporary indicator store, which is
 * queried like any other and removed afterwards. So each column is exactly
 * what a replay of the same messages under that profile would publish for
 * IND-03..07 and IND-10 (declaration events are not derived from facts and
 * are left out: no start, stop or return depends on them). */
#define _GNU_SOURCE
#include "jwi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traject/traject.h"

#define CMP_MAX 8

static const char *const CMP_IDS[] = {"IND-03", "IND-04", "IND-05", "IND-07", "IND-06", "IND-10"};
#define CMP_N (sizeof CMP_IDS / sizeof CMP_IDS[0])

typedef struct {
    jw_profile_t *p;
    jw_ind_result_t r[CMP_N];
} cmp_prof_t;

typedef struct {
    cmp_prof_t pr[CMP_MAX];
    size_t n;
    int y0, y1;
} cmp_t;

/* ---- the temporary derivation ---- */

typedef struct {
    jw_ind_t *ind;
    jw_ind_event_t ev[1000];
    size_t off[1000];
    size_t n;
    char *buf;
    size_t len, cap;
} feed_t;

static int feed_flush(feed_t *f)
{
    for (size_t i = 0; i < f->n; i++) f->ev[i].json = f->buf + f->off[i];
    int rc = f->n ? jw_ind_consume_batch(f->ind, f->ev, f->n, NULL) : 0;
    f->n = 0;
    f->len = 0;
    return rc;
}

static int feed_cb(uint64_t seq, const char *json, size_t len, void *ctx)
{
    feed_t *f = ctx;
    if (f->len + len > f->cap) {
        size_t nc = f->cap ? f->cap : 1 << 16;
        while (nc < f->len + len) nc *= 2;
        char *nb = realloc(f->buf, nc);
        if (!nb) return JW_IND_ENOMEM;
        f->buf = nb;
        f->cap = nc;
    }
    memcpy(f->buf + f->len, json, len);
    f->ev[f->n].seq = seq;
    f->ev[f->n].len = len;
    f->off[f->n] = f->len;
    f->len += len;
    if (++f->n == sizeof f->ev / sizeof f->ev[0]) return feed_flush(f);
    return 0;
}

typedef struct {
    const jw_profile_t *p;
    feed_t *f;
} derive_ctx_t;

static int derive_fn(jw_txn_t *txn, void *ctx)
{
    derive_ctx_t *d = ctx;
    return jw_traject_derive_all(d->p, txn, feed_cb, d->f);
}

static int one_profile(jw_store_t *src, cmp_prof_t *cp, int public_, char *err, size_t errlen)
{
    char dir[] = "/tmp/jw-compare-XXXXXX";
    jw_ind_options_t io;
    feed_t *f = NULL;
    jw_ind_t *ind = NULL;
    int rc;
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a temporary directory under /tmp");
        return JW_IND_EIO;
    }
    memset(&io, 0, sizeof io);
    io.replay = 1;
    if ((rc = jw_ind_open(dir, cp->p, &io, &ind))) goto out;
    f = calloc(1, sizeof *f);
    if (!f) {
        rc = JW_IND_ENOMEM;
        goto out;
    }
    f->ind = ind;
    derive_ctx_t d = {cp->p, f};
    if ((rc = jw_store_read(src, derive_fn, &d))) goto out;
    if ((rc = feed_flush(f))) goto out;
    for (size_t i = 0; i < CMP_N && !rc; i++) {
        jw_ind_query_t q;
        memset(&q, 0, sizeof q);
        q.indicator = CMP_IDS[i];
        q.series = 'Y';
        q.public_ = public_;
        rc = jw_ind_query(ind, &q, &cp->r[i], err, errlen);
    }
out:
    if (f) free(f->buf);
    free(f);
    jw_ind_close(ind);
    jw_ind_remove_store(dir);
    rmdir(dir);
    if (rc && !err[0]) snprintf(err, errlen, "%s", jw_ind_strerror(rc));
    return rc;
}

static void cmp_free(cmp_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; k < CMP_N; k++) jw_ind_result_free(&c->pr[i].r[k]);
        jw_profile_free(c->pr[i].p);
    }
    c->n = 0;
}

/* list: comma-separated profile names (or .profile paths). */
static int cmp_run(jw_store_t *src, const char *list, int public_, cmp_t *c, char *err, size_t errlen)
{
    char names[1024];
    int rc = 0;
    memset(c, 0, sizeof *c);
    err[0] = '\0';
    if (snprintf(names, sizeof names, "%s", list) >= (int)sizeof names) {
        snprintf(err, errlen, "profile list too long");
        return JW_IND_EQUERY;
    }
    for (char *save = NULL, *tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (c->n == CMP_MAX) {
            snprintf(err, errlen, "at most %d profiles", CMP_MAX);
            rc = JW_IND_EQUERY;
            break;
        }
        cmp_prof_t *cp = &c->pr[c->n];
        memset(cp, 0, sizeof *cp);
        if (jw_profile_load(tok, &cp->p, err, errlen)) {
            rc = JW_IND_EQUERY;
            break;
        }
        c->n++;
        if ((rc = one_profile(src, cp, public_, err, errlen))) break;
    }
    if (!rc && c->n == 0) {
        snprintf(err, errlen, "no profile given");
        rc = JW_IND_EQUERY;
    }
    if (rc) {
        cmp_free(c);
        return rc;
    }
    c->y0 = 9999;
    c->y1 = 0;
    for (size_t i = 0; i < c->n; i++)
        for (size_t k = 0; k < CMP_N; k++)
            for (size_t r = 0; r < c->pr[i].r[k].n_rows; r++) {
                int y = c->pr[i].r[k].rows[r].period.year;
                if (y < c->y0) c->y0 = y;
                if (y > c->y1) c->y1 = y;
            }
    return 0;
}

/* The value of column col of indicator k in year y (total row). */
static jw_ind_val_t cmp_val(const cmp_prof_t *cp, size_t k, int y, int col)
{
    jw_ind_val_t none = {0, JW_IND_V_NA};
    for (size_t r = 0; r < cp->r[k].n_rows; r++)
        if (cp->r[k].rows[r].period.year == y && cp->r[k].rows[r].by == JW_IND_BY_TOTAL)
            return cp->r[k].rows[r].v[col];
    return none;
}

/* Columns: instroom, stapeling, doorstroom, hernieuwd, IND-06 returns, ended before, rate. */
static const struct {
    const char *name;
    size_t k;
    int col;
    jw_ind_unit_t unit;
} COLS[] = {
    {"instroom", 0, 0, JW_IND_UNIT_COUNT},     {"stapeling", 1, 0, JW_IND_UNIT_COUNT},
    {"doorstroom", 2, 0, JW_IND_UNIT_COUNT},   {"hernieuwd", 3, 0, JW_IND_UNIT_COUNT},
    {"returns", 4, 0, JW_IND_UNIT_COUNT},      {"uitstroom", 5, 0, JW_IND_UNIT_COUNT},
    {"ended_before", 4, 1, JW_IND_UNIT_COUNT}, {"rate_pct", 4, 2, JW_IND_UNIT_PERCENT},
};
#define NCOLS (sizeof COLS / sizeof COLS[0])

static const char *return_class(const jw_profile_t *p)
{
    return jw_class_name(jw_profile_return_class(p));
}

int jwi_compare_print(jw_store_t *src, const char *list, int public_, int csv)
{
    cmp_t c;
    char err[512], v[48];
    if (cmp_run(src, list, public_, &c, err, sizeof err)) {
        fprintf(stderr, "jw-indicators: --compare: %s\n", err);
        return 1;
    }
    if (csv) {
        printf("year,profile,return_class");
        for (size_t j = 0; j < NCOLS; j++) printf(",%s", COLS[j].name);
        printf("\r\n");
    } else {
        printf("Return to care under %zu definitions, over the same stored facts%s\n", c.n,
               public_ ? " (published: small cells suppressed)" : "");
        printf("returns = starts of the profile's return class (IND-06); ended_before = uitstroom of the "
               "year before; rate = returns / ended_before\n\n");
        printf("%-6s %-14s %-10s", "year", "profile", "return");
        for (size_t j = 0; j < NCOLS; j++) printf(" %12s", COLS[j].name);
        printf("\n");
    }
    for (int y = c.y0; y <= c.y1 && c.y1 > 0; y++)
        for (size_t i = 0; i < c.n; i++) {
            if (csv) printf("%d,%s,%s", y, jw_profile_name(c.pr[i].p), return_class(c.pr[i].p));
            else printf("%-6d %-14s %-10s", y, jw_profile_name(c.pr[i].p), return_class(c.pr[i].p));
            for (size_t j = 0; j < NCOLS; j++) {
                jw_ind_val_t x = cmp_val(&c.pr[i], COLS[j].k, y, COLS[j].col);
                if (csv && x.state != JW_IND_V_OK) v[0] = '\0';
                else jw_ind_format_value(x, COLS[j].unit, v, sizeof v);
                if (csv) printf(",%s", v);
                else printf(" %12s", v);
            }
            printf(csv ? "\r\n" : "\n");
        }
    if (!csv) printf("(x = suppressed; - = no value)\n");
    cmp_free(&c);
    return 0;
}

/* The dashboard page: the store's own profile and the shipped zuid-limburg,
 * twente and cbs, a table per year and a bar chart of the return rate. */
int jwi_html_compare(jwi_t *app, jw_json_t *o, char *err, size_t errlen)
{
    cmp_t c;
    char list[256], v[48];
    int pub = app->public_;
    if (!app->src) {
        snprintf(err, errlen, "the comparison needs the state store (--state)");
        return JW_IND_EQUERY;
    }
    const char *own = jw_profile_name(app->profile);
    snprintf(list, sizeof list, "%s", own);
    static const char *shipped[] = {"zuid-limburg", "twente", "cbs"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(own, shipped[i]) != 0) {
            strncat(list, ",", sizeof list - strlen(list) - 1);
            strncat(list, shipped[i], sizeof list - strlen(list) - 1);
        }
    int rc = cmp_run(app->src, list, pub, &c, err, errlen);
    if (rc) return rc;
    jw_ind_textf(o, "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Definities naast "
                    "elkaar</title><style>body{font-family:sans-serif;margin:1.5em;color:#222}"
                    "table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;"
                    "text-align:right}td.l,th.l{text-align:left}.muted{color:#777}"
                    "svg{background:#fcfcfc;border:1px solid #e4e4e4}</style></head><body>\n"
                    "<p><a href=\"/\">&#8592; all indicators</a></p>"
                    "<h1>Terugkeer in zorg: definities naast elkaar <span class=\"muted\">Return to care, "
                    "definitions side by side</span></h1>\n<p>The same stored facts, derived under each "
                    "profile: starts by class, the profile's return-to-care starts (IND-06 returns), "
                    "uitstroom of the year before and the return rate.%s</p>\n",
                 pub ? " Published view (small cells suppressed)." : "");
    jw_ind_textf(o, "<table><tr><th class=\"l\">year</th><th class=\"l\">profile</th><th class=\"l\">return "
                    "class</th>");
    for (size_t j = 0; j < NCOLS; j++) jw_ind_textf(o, "<th>%s</th>", COLS[j].name);
    jw_ind_textf(o, "</tr>\n");
    for (int y = c.y0; y <= c.y1 && c.y1 > 0; y++)
        for (size_t i = 0; i < c.n; i++) {
            jw_ind_textf(o, "<tr><td class=\"l\">%d</td><td class=\"l\">%s</td><td class=\"l\">%s</td>", y,
                         jw_profile_name(c.pr[i].p), return_class(c.pr[i].p));
            for (size_t j = 0; j < NCOLS; j++) {
                jw_ind_format_value(cmp_val(&c.pr[i], COLS[j].k, y, COLS[j].col), COLS[j].unit, v, sizeof v);
                jw_ind_textf(o, "<td>%s</td>", v);
            }
            jw_ind_textf(o, "</tr>\n");
        }
    jw_ind_textf(o, "</table>\n");
    /* bars: return rate per year, one bar per profile */
    static const char *colour[] = {"#0550ae", "#b3261e", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f",
                                   "#6d4c41", "#546e7a"};
    int years = c.y1 >= c.y0 ? c.y1 - c.y0 + 1 : 0;
    double hi = 0;
    for (int y = c.y0; y <= c.y1 && years; y++)
        for (size_t i = 0; i < c.n; i++) {
            jw_ind_val_t x = cmp_val(&c.pr[i], 4, y, 2);
            if (x.state == JW_IND_V_OK && x.v > hi) hi = x.v;
        }
    if (years && hi > 0) {
        int W = 720, H = 260, L = 50, T = 30, B = 30;
        double gw = (double)(W - L - 10) / years, bw = gw * 0.8 / (double)c.n, ph = H - T - B;
        hi = ceil(hi / 20.0) * 20.0; /* ticks at quarters: whole numbers */
        jw_ind_textf(o, "<h2>Return rate (%%) by year</h2><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                        "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"return rate by profile\">\n",
                     W, H, W, H);
        for (int g = 0; g <= 4; g++) {
            double yy = T + ph * (1 - g / 4.0);
            jw_ind_textf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e2e2\"/><text x=\"%d\" "
                            "y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">%.0f</text>\n",
                         L, W - 10, yy, yy, L - 6, yy + 4, hi * g / 4.0);
        }
        for (int y = c.y0; y <= c.y1; y++) {
            double x0 = L + gw * (y - c.y0) + gw * 0.1;
            jw_ind_textf(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">%d</text>\n",
                         x0 + gw * 0.4, H - 10, y);
            for (size_t i = 0; i < c.n; i++) {
                jw_ind_val_t x = cmp_val(&c.pr[i], 4, y, 2);
                if (x.state != JW_IND_V_OK) continue;
                double h = ph * x.v / hi;
                jw_ind_textf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %d: "
                                "%.2f%%</title></rect>\n",
                             x0 + bw * (double)i, T + ph - h, bw, h, colour[i % 8], jw_profile_name(c.pr[i].p), y, x.v);
            }
        }
        for (size_t i = 0; i < c.n; i++)
            jw_ind_textf(o, "<text x=\"%d\" y=\"16\" font-size=\"12\" fill=\"%s\">&#9632; %s</text>", L + 150 * (int)i,
                         colour[i % 8], jw_profile_name(c.pr[i].p));
        jw_ind_textf(o, "</svg>\n");
    }
    jw_ind_textf(o, "<p class=\"muted\">Each profile's figures come from a temporary derivation of the "
                    "stored facts under that profile; declarations are not part of it.</p></body></html>\n");
    cmp_free(&c);
    return jw_json_finish(o) ? JW_IND_ENOMEM : 0;
}
