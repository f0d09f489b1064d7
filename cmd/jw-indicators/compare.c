/* compare.c - definitions side by side (SPEC §6): the return-to-care
 * figures of several profiles over one state store.
 *
 * For each profile, every youth's events are derived from the stored facts
 * under that profile (jw_traject_derive_all: nothing is written to the
 * state store) and counted as the indicators count them on their total
 * rows (docs/indicators.md): IND-03/04/05/07 = start events of that class
 * by Ingangsdatum; IND-06 returns = recidive events (the profile's return
 * class) by date; IND-10 uitstroom = stop events with continued = false by
 * Einddatum; IND-06 rate = returns / the uitstroom of the year before.
 * Counting directly (rather than through a temporary indicator store) keeps
 * the page quick: the derivation is the whole cost. The years shown run
 * from the first to the last year holding an observed date (Toewijzingsdatum,
 * request message date, delivery date), as the data horizon does;
 * declarations are not derived from facts and are left out. */
#define _GNU_SOURCE
#include "jwi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traject/traject.h"

#define CMP_MAX 8
#define Y0 1990
#define NY 120 /* years 1990-2109 */

enum { C_INSTROOM, C_STAPELING, C_DOORSTROOM, C_RECIDIVE, C_HERNIEUWD, C_RETURNS, C_UIT, C_N };

typedef struct {
    jw_profile_t *p;
    int64_t n[NY][C_N];
    int first, last; /* years with observed dates; first > last: none */
} cmp_prof_t;

typedef struct {
    cmp_prof_t pr[CMP_MAX];
    size_t n;
    int y0, y1;
    int t; /* small-cell threshold when published, else 0 */
} cmp_t;

/* The 4-digit year of the string value of "key":"YYYY-..." in json, or 0. */
static int year_of(const char *json, size_t len, const char *key)
{
    char pat[40];
    int pl = snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = memmem(json, len, pat, (size_t)pl);
    if (!p || (size_t)(json + len - p) < (size_t)pl + 4) return 0;
    p += pl;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (p[i] < '0' || p[i] > '9') return 0;
        y = y * 10 + (p[i] - '0');
    }
    return y >= Y0 && y < Y0 + NY ? y : 0;
}

static int has(const char *json, size_t len, const char *text)
{
    return memmem(json, len, text, strlen(text)) != NULL;
}

static void observed(cmp_prof_t *cp, int y)
{
    if (!y) return;
    if (y < cp->first) cp->first = y;
    if (y > cp->last) cp->last = y;
}

static int count_cb(uint64_t seq, const char *json, size_t len, void *ctx)
{
    static const char *const cls[] = {"\"class\":\"instroom\"", "\"class\":\"stapeling\"",
                                      "\"class\":\"doorstroom\"", "\"class\":\"recidive\"",
                                      "\"class\":\"hernieuwd\""};
    cmp_prof_t *cp = ctx;
    (void)seq;
    size_t head = len < 64 ? len : 64; /* the type follows "id" and "seq" */
    int y = year_of(json, len, "date");
    if (memmem(json, head, "\"type\":\"start\"", 14)) {
        observed(cp, year_of(json, len, "toewijzingsdatum"));
        for (int k = 0; k < 5 && y; k++)
            if (has(json, len, cls[k])) cp->n[y - Y0][k]++;
    } else if (memmem(json, head, "\"type\":\"recidive\"", 17)) {
        if (y) cp->n[y - Y0][C_RETURNS]++;
    } else if (memmem(json, head, "\"type\":\"stop\"", 13)) {
        if (y && has(json, len, "\"continued\":false")) cp->n[y - Y0][C_UIT]++;
    } else if (memmem(json, head, "\"type\":\"request\"", 16)) {
        observed(cp, year_of(json, len, "msg_date"));
    } else if (memmem(json, head, "\"type\":\"delivery_", 17)) {
        observed(cp, y);
    }
    return 0;
}

typedef struct {
    cmp_prof_t *cp;
} derive_ctx_t;

static int derive_fn(jw_txn_t *txn, void *ctx)
{
    derive_ctx_t *d = ctx;
    return jw_traject_derive_all(d->cp->p, txn, count_cb, d->cp);
}

static void cmp_free(cmp_t *c)
{
    for (size_t i = 0; i < c->n; i++) jw_profile_free(c->pr[i].p);
    c->n = 0;
}

/* list: comma-separated profile names (or .profile paths). c is large: the
 * caller allocates it. */
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
        cp->first = 9999;
        if (jw_profile_load(tok, &cp->p, err, errlen)) {
            rc = JW_IND_EQUERY;
            break;
        }
        c->n++;
        derive_ctx_t d = {cp};
        if ((rc = jw_store_read(src, derive_fn, &d))) {
            snprintf(err, errlen, "deriving under %s: %s", jw_profile_name(cp->p), jw_traject_strerror(rc));
            break;
        }
    }
    if (!rc && c->n == 0) {
        snprintf(err, errlen, "no profile given");
        rc = JW_IND_EQUERY;
    }
    if (rc) {
        cmp_free(c);
        return rc;
    }
    c->t = public_ ? jw_profile_small_cells(c->pr[0].p) : 0;
    c->y0 = 9999;
    c->y1 = 0;
    for (size_t i = 0; i < c->n; i++) { /* the observed years are the same under every profile */
        if (c->pr[i].first < c->y0) c->y0 = c->pr[i].first;
        if (c->pr[i].last > c->y1) c->y1 = c->pr[i].last;
    }
    return 0;
}

static int small_c(const cmp_t *c, int64_t n)
{
    return c->t > 0 && n > 0 && n < c->t;
}

/* Column j of profile i in year y (see COLS). */
static jw_ind_val_t cmp_val(const cmp_t *c, size_t i, int y, int j)
{
    jw_ind_val_t v = {0, JW_IND_V_OK};
    const cmp_prof_t *cp = &c->pr[i];
    int64_t ret = cp->n[y - Y0][C_RETURNS];
    int64_t before = y - 1 >= Y0 ? cp->n[y - 1 - Y0][C_UIT] : 0;
    int64_t x;
    switch (j) {
    case 0: x = cp->n[y - Y0][C_INSTROOM]; break;
    case 1: x = cp->n[y - Y0][C_STAPELING]; break;
    case 2: x = cp->n[y - Y0][C_DOORSTROOM]; break;
    case 3: x = cp->n[y - Y0][C_HERNIEUWD]; break;
    case 4: x = ret; break;
    case 5: x = cp->n[y - Y0][C_UIT]; break;
    case 6: x = before; break;
    default:
        if (before == 0) v.state = JW_IND_V_NA;
        else if (small_c(c, ret) || small_c(c, before)) v.state = JW_IND_V_SUPPRESSED;
        else v.v = 100.0 * (double)ret / (double)before;
        return v;
    }
    if (small_c(c, x)) v.state = JW_IND_V_SUPPRESSED;
    else v.v = (double)x;
    return v;
}

/* Columns, in the order of cmp_val: the machine name (CLI, CSV) and the
 * Dutch title (the page). */
static const struct {
    const char *name;
    jw_ind_unit_t unit;
    const char *title;
} COLS[] = {
    {"instroom", JW_IND_UNIT_COUNT, "instroom"},
    {"stapeling", JW_IND_UNIT_COUNT, "stapeling"},
    {"doorstroom", JW_IND_UNIT_COUNT, "doorstroom"},
    {"hernieuwd", JW_IND_UNIT_COUNT, "hernieuwd"},
    {"returns", JW_IND_UNIT_COUNT, "terugkeer in zorg"},
    {"uitstroom", JW_IND_UNIT_COUNT, "uitstroom"},
    {"ended_before", JW_IND_UNIT_COUNT, "uitstroom jaar ervoor"},
    {"rate_pct", JW_IND_UNIT_PERCENT, "terugkeer %"},
};
#define NCOLS (sizeof COLS / sizeof COLS[0])

static const char *return_class(const jw_profile_t *p)
{
    return jw_class_name(jw_profile_return_class(p));
}

int jwi_compare_print(jw_store_t *src, const char *list, int public_, int csv)
{
    cmp_t *c = calloc(1, sizeof *c);
    char err[512], v[48];
    if (!c) {
        fprintf(stderr, "jw-indicators: out of memory\n");
        return 1;
    }
    if (cmp_run(src, list, public_, c, err, sizeof err)) {
        fprintf(stderr, "jw-indicators: --compare: %s\n", err);
        free(c);
        return 1;
    }
    if (csv) {
        printf("year,profile,return_class");
        for (size_t j = 0; j < NCOLS; j++) printf(",%s", COLS[j].name);
        printf("\r\n");
    } else {
        printf("Return to care under %zu definitions, over the same stored facts%s\n", c->n,
               public_ ? " (published: small cells suppressed)" : "");
        printf("returns = starts of the profile's return class (IND-06); ended_before = uitstroom of the "
               "year before; rate = returns / ended_before\n\n");
        printf("%-6s %-14s %-10s", "year", "profile", "return");
        for (size_t j = 0; j < NCOLS; j++) printf(" %12s", COLS[j].name);
        printf("\n");
    }
    for (int y = c->y0; y <= c->y1 && c->y1 > 0; y++)
        for (size_t i = 0; i < c->n; i++) {
            if (csv) printf("%d,%s,%s", y, jw_profile_name(c->pr[i].p), return_class(c->pr[i].p));
            else printf("%-6d %-14s %-10s", y, jw_profile_name(c->pr[i].p), return_class(c->pr[i].p));
            for (size_t j = 0; j < NCOLS; j++) {
                jw_ind_val_t x = cmp_val(c, i, y, (int)j);
                if (csv && x.state != JW_IND_V_OK) v[0] = '\0';
                else jw_ind_format_value(x, COLS[j].unit, v, sizeof v);
                if (csv) printf(",%s", v);
                else printf(" %12s", v);
            }
            printf(csv ? "\r\n" : "\n");
        }
    if (!csv) printf("(x = suppressed; - = no value)\n");
    cmp_free(c);
    free(c);
    return 0;
}

/* The dashboard page: the store's own profile and the shipped zuid-limburg,
 * twente and cbs, a table per year and a bar chart of the return rate. */
int jwi_html_compare(jwi_t *app, jw_json_t *o, char *err, size_t errlen)
{
    char list[256], v[48];
    int pub = app->public_;
    if (!app->src) {
        snprintf(err, errlen, "the comparison needs the state store (--state)");
        return JW_IND_EQUERY;
    }
    cmp_t *c = calloc(1, sizeof *c);
    const char *own = jw_profile_name(app->profile);
    snprintf(list, sizeof list, "%s", own);
    static const char *shipped[] = {"zuid-limburg", "twente", "cbs"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(own, shipped[i]) != 0) {
            strncat(list, ",", sizeof list - strlen(list) - 1);
            strncat(list, shipped[i], sizeof list - strlen(list) - 1);
        }
    if (!c) return JW_IND_ENOMEM;
    int rc = cmp_run(app->src, list, pub, c, err, errlen);
    if (rc) {
        free(c);
        return rc;
    }
    jw_ind_textf(o, "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Definities naast "
                    "elkaar</title><style>body{font-family:sans-serif;margin:1.5em;color:#222}"
                    "table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;"
                    "text-align:right}td.l,th.l{text-align:left}.muted{color:#777}"
                    "svg{background:#fcfcfc;border:1px solid #e4e4e4}</style></head><body>\n"
                    "<p><a href=\"/\">&#8592; alle indicatoren</a></p>"
                    "<h1>Terugkeer in zorg: definities naast elkaar</h1>\n<p>Dezelfde opgeslagen feiten, "
                    "afgeleid volgens elk profiel: starts per klasse, de starts die het profiel als terugkeer "
                    "in zorg telt (IND-06), de uitstroom van het jaar ervoor en het terugkeerpercentage.%s</p>\n",
                 pub ? " Gepubliceerde weergave (kleine aantallen onderdrukt)." : "");
    jw_ind_textf(o, "<table><tr><th class=\"l\">jaar</th><th class=\"l\">profiel</th><th class=\"l\">"
                    "terugkeerklasse</th>");
    for (size_t j = 0; j < NCOLS; j++) jw_ind_textf(o, "<th>%s</th>", COLS[j].title);
    jw_ind_textf(o, "</tr>\n");
    for (int y = c->y0; y <= c->y1 && c->y1 > 0; y++)
        for (size_t i = 0; i < c->n; i++) {
            jw_ind_textf(o, "<tr><td class=\"l\">%d</td><td class=\"l\">%s</td><td class=\"l\">%s</td>", y,
                         jw_profile_name(c->pr[i].p), return_class(c->pr[i].p));
            for (size_t j = 0; j < NCOLS; j++) {
                jw_ind_format_value(cmp_val(c, i, y, (int)j), COLS[j].unit, v, sizeof v);
                jw_ind_textf(o, "<td>%s</td>", v);
            }
            jw_ind_textf(o, "</tr>\n");
        }
    jw_ind_textf(o, "</table>\n");
    /* bars: return rate per year, one bar per profile */
    static const char *colour[] = {"#0550ae", "#b3261e", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f",
                                   "#6d4c41", "#546e7a"};
    int years = c->y1 >= c->y0 ? c->y1 - c->y0 + 1 : 0;
    double hi = 0;
    for (int y = c->y0; y <= c->y1 && years; y++)
        for (size_t i = 0; i < c->n; i++) {
            jw_ind_val_t x = cmp_val(c, i, y, 7);
            if (x.state == JW_IND_V_OK && x.v > hi) hi = x.v;
        }
    if (years && hi > 0) {
        int W = 720, H = 260, L = 50, T = 30, B = 30;
        double gw = (double)(W - L - 10) / years, bw = gw * 0.8 / (double)c->n, ph = H - T - B;
        hi = ceil(hi / 20.0) * 20.0; /* ticks at quarters: whole numbers */
        jw_ind_textf(o, "<h2>Terugkeerpercentage per jaar</h2><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                        "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"terugkeerpercentage per profiel\">\n",
                     W, H, W, H);
        for (int g = 0; g <= 4; g++) {
            double yy = T + ph * (1 - g / 4.0);
            jw_ind_textf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e2e2\"/><text x=\"%d\" "
                            "y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">%.0f</text>\n",
                         L, W - 10, yy, yy, L - 6, yy + 4, hi * g / 4.0);
        }
        for (int y = c->y0; y <= c->y1; y++) {
            double x0 = L + gw * (y - c->y0) + gw * 0.1;
            jw_ind_textf(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">%d</text>\n",
                         x0 + gw * 0.4, H - 10, y);
            for (size_t i = 0; i < c->n; i++) {
                jw_ind_val_t x = cmp_val(c, i, y, 7);
                if (x.state != JW_IND_V_OK) continue;
                double h = ph * x.v / hi;
                jw_ind_textf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %d: "
                                "%.2f%%</title></rect>\n",
                             x0 + bw * (double)i, T + ph - h, bw, h, colour[i % 8], jw_profile_name(c->pr[i].p), y, x.v);
            }
        }
        for (size_t i = 0; i < c->n; i++)
            jw_ind_textf(o, "<text x=\"%d\" y=\"16\" font-size=\"12\" fill=\"%s\">&#9632; %s</text>", L + 150 * (int)i,
                         colour[i % 8], jw_profile_name(c->pr[i].p));
        jw_ind_textf(o, "</svg>\n");
    }
    jw_ind_textf(o, "<p class=\"muted\">De cijfers van elk profiel zijn geteld uit de opgeslagen feiten, "
                    "afgeleid volgens dat profiel (er wordt niets geschreven); declaraties tellen niet mee."
                    "</p></body></html>\n");
    cmp_free(c);
    free(c);
    return jw_json_finish(o) ? JW_IND_ENOMEM : 0;
}
