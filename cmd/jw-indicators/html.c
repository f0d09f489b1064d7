/* html.c - the dashboard: an index page and one page per indicator with a
 * server-side SVG time-series chart (with the target line), the targets,
 * a breakdown table and a provider comparison. No script, no external
 * resource: every page is one self-contained HTML document. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwi.h"
#include "nlfmt/nlfmt.h"

static void esc(jw_json_t *o, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        }
        if (!rep) continue;
        jw_json_raw(o, run, (size_t)(s - run));
        jw_json_raw(o, rep, strlen(rep));
        run = s + 1;
    }
    jw_json_raw(o, run, (size_t)(s - run));
}

static void page_begin_lang(jw_json_t *o, const char *title, int en)
{
    jw_ind_textf(o, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
                 en ? "en" : "nl");
    esc(o, title);
    jw_ind_textf(o,
                 "</title><style>"
                 "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:62em;padding:0 1em;color:#222}"
                 "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}"
                 "table{border-collapse:collapse;margin:.5em 0}"
                 "td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:right}"
                 "td.l,th.l{text-align:left}th{background:#f3f3f3}"
                 "a{color:#0550ae}.muted{color:#666;font-size:.9em}"
                 ".on{color:#11702f;font-weight:600}.off{color:#b3261e;font-weight:600}"
                 ".nav a{margin-right:.7em}.sel{font-weight:700;text-decoration:none;color:#222}"
                 "svg{background:#fcfcfc;border:1px solid #e4e4e4}"
                 ".lang{float:right}"
                 "</style></head><body>\n");
}

static void page_begin(jw_json_t *o, const char *title) { page_begin_lang(o, title, 0); }

/* The language toggle: the same page (path, then the query q, already
 * HTML-escaped and starting with "&amp;" or empty) in the other language. */
static void lang_toggle(jw_json_t *o, const char *path, const char *q, int en)
{
    const char *rest = q[0] ? q + 5 : q; /* without the first "&amp;" */
    jw_ind_textf(o, "<p class=\"nav lang\"><a hreflang=\"%s\" href=\"%s%s%s%s%s\">%s</a></p>\n", en ? "nl" : "en",
                 path, en && !rest[0] ? "" : "?", rest, en || !rest[0] ? "" : "&amp;", en ? "" : "lang=en",
                 en ? "Nederlands" : "English");
}

static void page_end(jw_json_t *o)
{
    jw_ind_textf(o, "<p class=\"muted\">jw-indicators. Een x is een onderdrukte waarde (kleine aantallen); "
                    "&#8211; betekent geen waarde. Perioden met * lopen door na de datahorizon.</p></body></html>\n");
}

static void fmt_val(jw_ind_val_t v, jw_ind_unit_t u, char *buf, size_t cap)
{
    jw_nlfmt_value(v, u, buf, cap);
}

static const char *status_class(jw_ind_tstatus_t s)
{
    return s == JW_IND_T_ON ? "on" : s == JW_IND_T_OFF ? "off" : "muted";
}

/* "12 mrt 2024" (a day in Dutch), "–" for none. */
static void date_text(jw_date_t d, char buf[24])
{
    int y, m, dd;
    if (d == INT32_MIN) {
        snprintf(buf, 24, "\xe2\x80\x93");
        return;
    }
    jw_date_to_ymd(d, &y, &m, &dd);
    snprintf(buf, 24, "%d %s %d", dd, jw_nlfmt_month_abbr(m) ? jw_nlfmt_month_abbr(m) : "?", y);
}

/* A segment's label from the profile (its name when it has none). */
static const char *segment_label(const jwi_t *app, const char *seg)
{
    const char *l = jw_profile_segment_label(app->profile, seg);
    return l && l[0] ? l : seg;
}

/* ---- index ---- */

/* A sparkline: the headline's rolling 12-month series, 140 x 30, its last
 * value marked; gaps where a value is suppressed or missing. */
static void sparkline(jw_json_t *o, const jw_ind_def_t *d, const jw_ind_result_t *r)
{
    int col = d->headline;
    double lo = 0, hi = 0;
    size_t n = r->n_rows, last = n;
    char lab[48], per[40];
    for (size_t i = 0; i < n; i++)
        if (r->rows[i].v[col].state == JW_IND_V_OK) {
            double v = r->rows[i].v[col].v;
            if (last == n || v > hi) hi = v;
            if (last == n || v < lo) lo = v;
            last = i;
        }
    if (last == n) {
        jw_ind_textf(o, "<span class=\"muted\">&#8211;</span>");
        return;
    }
    if (lo > 0) lo = 0; /* from zero: the trend's size is not exaggerated */
    if (hi <= lo) hi = lo + 1;
    jw_nlfmt_period(r->rows[last].period, per, sizeof per);
    jw_nlfmt_value(r->rows[last].v[col], d->cols[col].unit, lab, sizeof lab);
    jw_ind_textf(o, "<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" width=\"140\" height=\"30\" "
                    "viewBox=\"0 0 140 30\" role=\"img\" aria-label=\"verloop\"><title>verloop, %s: %s</title>",
                 per, lab);
#define SX(i) (2.0 + 136.0 * (n > 1 ? (double)(i) / (double)(n - 1) : 0.5))
#define SY(v) (27.0 - 24.0 * ((v) - lo) / (hi - lo))
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        if (r->rows[i].v[col].state != JW_IND_V_OK) {
            if (open) jw_ind_textf(o, "\"/>");
            open = 0;
            continue;
        }
        if (!open) jw_ind_textf(o, "<polyline fill=\"none\" stroke=\"#0550ae\" stroke-width=\"1.5\" points=\"");
        jw_ind_textf(o, "%.1f,%.1f ", SX(i), SY(r->rows[i].v[col].v));
        open = 1;
    }
    if (open) jw_ind_textf(o, "\"/>");
    jw_ind_textf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#0550ae\"/></svg>", SX(last),
                 SY(r->rows[last].v[col].v));
#undef SX
#undef SY
}

int jwi_html_index(jwi_t *app, const jwi_params_t *p, jw_json_t *o, char *err, size_t errlen)
{
    int pub = app->public_ || p->public_;
    jw_ind_status_t st;
    char hz[24], first[24], v[48], v2[48];
    int rc = jw_ind_status(app->ind, &st), year = 0;
    (void)err;
    (void)errlen;
    if (rc) return rc;
    date_text(st.horizon, hz);
    date_text(st.first, first);
    if (st.horizon != INT32_MIN) jw_date_to_ymd(st.horizon, &year, NULL, NULL);
    const char *ttl = p->en ? "Youth care indicators" : "Indicatoren jeugdhulp";
    /* links keep the view and the language */
    const char *lq = pub ? (p->en ? "?lang=en" : "") : (p->en ? "?view=internal&amp;lang=en" : "?view=internal");
    page_begin_lang(o, ttl, p->en);
    lang_toggle(o, "/", pub ? "" : "&amp;view=internal", p->en);
    jw_ind_textf(o, "<h1>%s</h1>\n<p>Profiel <b>", ttl);
    esc(o, jw_profile_name(app->profile));
    jw_ind_textf(o, "</b>: ");
    esc(o, jw_profile_description(app->profile));
    jw_ind_textf(o, "<br>Gegevens van %s t/m %s; %llu gebeurtenissen verwerkt.%s</p>\n", first, hz,
                 (unsigned long long)st.events,
                 pub ? " Publieksweergave: aantallen onder de drempel voor kleine aantallen zijn onderdrukt."
                     : " Interne weergave: alle waarden, ook kleine aantallen.");
    jw_ind_textf(o, "<table><tr><th class=\"l\">id</th><th class=\"l\">indicator</th><th class=\"l\">waarde</th>"
                    "<th class=\"l\">verloop (12 mnd)</th><th>%d</th><th>%d</th><th class=\"l\">doelen %d</th></tr>\n",
                 year - 1, year, year);
    for (size_t i = 0; i < jw_ind_catalogue_count(); i++) {
        const jw_ind_def_t *d = jw_ind_catalogue(i);
        jw_ind_result_t r;
        jw_ind_query_t q;
        memset(&q, 0, sizeof q);
        q.indicator = d->id;
        q.public_ = pub;
        q.has_period = 1;
        q.period.kind = 'Y';
        snprintf(v, sizeof v, "\xe2\x80\x93");
        snprintf(v2, sizeof v2, "\xe2\x80\x93");
        if (year) {
            q.period.year = year - 1;
            if ((rc = jw_ind_query(app->ind, &q, &r, NULL, 0))) return rc;
            if (r.n_rows) fmt_val(r.rows[0].v[d->headline], d->cols[d->headline].unit, v, sizeof v);
            jw_ind_result_free(&r);
            q.period.year = year;
            if ((rc = jw_ind_query(app->ind, &q, &r, NULL, 0))) return rc;
            if (r.n_rows) fmt_val(r.rows[0].v[d->headline], d->cols[d->headline].unit, v2, sizeof v2);
        } else {
            memset(&r, 0, sizeof r);
        }
        jw_ind_textf(o, "<tr><td class=\"l\"><a href=\"/ind/%s%s\">%s</a></td><td class=\"l\">", d->id,
                     lq, d->id);
        esc(o, d->name);
        jw_ind_textf(o, "</td><td class=\"l\">");
        esc(o, jwi_nl_column(d, (size_t)d->headline));
        jw_ind_textf(o, "</td><td class=\"l\">");
        {
            jw_ind_result_t sr;
            jw_ind_query_t sq;
            memset(&sq, 0, sizeof sq);
            sq.indicator = d->id;
            sq.public_ = pub;
            sq.series = 'R';
            if ((rc = jw_ind_query(app->ind, &sq, &sr, NULL, 0))) {
                jw_ind_result_free(&r);
                return rc;
            }
            sparkline(o, d, &sr);
            jw_ind_result_free(&sr);
        }
        jw_ind_textf(o, "</td><td>%s</td><td>%s</td><td class=\"l\">", v, v2);
        for (size_t k = 0; k < r.n_targets; k++) {
            jw_ind_textf(o, "<span class=\"%s\">", status_class(r.targets[k].status));
            esc(o, r.targets[k].t.segment ? segment_label(app, r.targets[k].t.segment) : "totaal");
            jw_ind_textf(o, ": %s</span> ", jw_nlfmt_status(r.targets[k].status));
        }
        jw_ind_textf(o, "</td></tr>\n");
        jw_ind_result_free(&r);
    }
    jw_ind_textf(o, "</table>\n<p class=\"muted\">JSON: <a href=\"/api/indicators\">/api/indicators</a>; "
                    "meetwaarden: <a href=\"/metrics\">/metrics</a>.</p>\n");
    page_end(o);
    return jw_json_finish(o) ? JW_IND_ENOMEM : 0;
}

/* ---- charts ---- */

#define SVG_W 760
#define SVG_H 280
#define M_L 70
#define M_R 20
#define M_T 24
#define M_B 56

static double nice_max(double m)
{
    if (m <= 0) return 1;
    double p = pow(10, floor(log10(m)));
    for (int k = 1; k <= 10; k++) {
        double c = k * p;
        if (c >= m) return c;
    }
    return 10 * p;
}

/* A line chart of rows[].v[col] with an optional goal per row (NAN = none). */
static void svg_series(jw_json_t *o, const jw_ind_def_t *d, const jw_ind_row_t *rows, size_t n, int col,
                       const double *goal)
{
    jw_ind_unit_t u = d->cols[col].unit;
    double lo = 0, hi = 0;
    char lab[48], per[40];
    for (size_t i = 0; i < n; i++) {
        if (rows[i].v[col].state == JW_IND_V_OK) {
            if (rows[i].v[col].v > hi) hi = rows[i].v[col].v;
            if (rows[i].v[col].v < lo) lo = rows[i].v[col].v;
        }
        if (goal && !isnan(goal[i]) && goal[i] > hi) hi = goal[i];
    }
    hi = u == JW_IND_UNIT_PERCENT && hi <= 100 ? 100 : nice_max(hi * 1.05);
    if (lo < 0) lo = -nice_max(-lo * 1.05);
    double pw = SVG_W - M_L - M_R, ph = SVG_H - M_T - M_B;
#define X(i) (M_L + (n > 1 ? pw * (double)(i) / (double)(n - 1) : pw / 2))
#define Y(v) (M_T + ph * (1.0 - ((v) - lo) / (hi - lo)))
    jw_ind_textf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                    "role=\"img\" aria-label=\"",
                 SVG_W, SVG_H, SVG_W, SVG_H);
    esc(o, jwi_nl_column(d, (size_t)col));
    jw_ind_textf(o, "\"><title>");
    esc(o, d->id);
    jw_ind_textf(o, " ");
    esc(o, jwi_nl_column(d, (size_t)col));
    jw_ind_textf(o, "</title>\n");
    /* y grid and labels */
    for (int k = 0; k <= 4; k++) {
        double v = lo + (hi - lo) * k / 4.0;
        jw_ind_val_t tv = {v, JW_IND_V_OK};
        jw_nlfmt_value(tv, u, lab, sizeof lab);
        jw_ind_textf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e2e2\"/>"
                        "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
                     M_L, SVG_W - M_R, Y(v), Y(v), M_L - 6, Y(v) + 4, lab);
    }
    /* x labels: at most ~12 */
    size_t step = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i += step) {
        jw_nlfmt_period_short(rows[i].period, per, sizeof per);
        jw_ind_textf(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\" "
                        "transform=\"rotate(-35 %.1f %d)\">%s</text>\n",
                     X(i), SVG_H - M_B + 16, X(i), SVG_H - M_B + 16, per);
    }
    jw_ind_textf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n", M_L, SVG_W - M_R,
                 Y(lo), Y(lo));
    /* goal line */
    if (goal) {
        int open = 0;
        for (size_t i = 0; i < n; i++) {
            if (isnan(goal[i])) {
                if (open) jw_ind_textf(o, "\"/>\n");
                open = 0;
                continue;
            }
            if (!open) jw_ind_textf(o, "<polyline class=\"target\" fill=\"none\" stroke=\"#b3261e\" "
                                       "stroke-width=\"1.5\" stroke-dasharray=\"6 4\" points=\"");
            jw_ind_textf(o, "%.1f,%.1f ", X(i), Y(goal[i]));
            open = 1;
        }
        if (open) jw_ind_textf(o, "\"/>\n");
    }
    /* the series, broken where there is no (published) value */
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].v[col].state != JW_IND_V_OK) {
            if (open) jw_ind_textf(o, "\"/>\n");
            open = 0;
            continue;
        }
        if (!open) jw_ind_textf(o, "<polyline class=\"series\" fill=\"none\" stroke=\"#0550ae\" stroke-width=\"2\" points=\"");
        jw_ind_textf(o, "%.1f,%.1f ", X(i), Y(rows[i].v[col].v));
        open = 1;
    }
    if (open) jw_ind_textf(o, "\"/>\n");
    for (size_t i = 0; i < n; i++) {
        jw_nlfmt_period(rows[i].period, per, sizeof per);
        fmt_val(rows[i].v[col], u, lab, sizeof lab);
        if (rows[i].v[col].state == JW_IND_V_OK)
            jw_ind_textf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#0550ae\"><title>%s: %s</title></circle>\n",
                         X(i), Y(rows[i].v[col].v), per, lab);
        else if (rows[i].v[col].state == JW_IND_V_SUPPRESSED)
            jw_ind_textf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" fill=\"#999\">x"
                            "<title>%s: onderdrukt</title></text>\n",
                         X(i), Y(lo) - 4, per);
    }
    jw_ind_textf(o, "<text x=\"%d\" y=\"14\" font-size=\"12\" fill=\"#0550ae\">&#8212; ", M_L);
    esc(o, jwi_nl_column(d, (size_t)col));
    jw_ind_textf(o, "</text>");
    if (goal) jw_ind_textf(o, "<text x=\"%d\" y=\"14\" font-size=\"12\" fill=\"#b3261e\">- - doelpad</text>", M_L + 320);
    jw_ind_textf(o, "</svg>\n");
#undef X
#undef Y
}

/* Horizontal bars: one per aanbieder row, the total as a dashed line. */
static void svg_bars(jw_json_t *o, const jw_ind_def_t *d, const jw_ind_row_t *rows, size_t n, int col)
{
    jw_ind_unit_t u = d->cols[col].unit;
    double hi = 0, total = NAN;
    size_t bars = 0;
    char lab[48];
    for (size_t i = 0; i < n; i++) {
        if (rows[i].v[col].state != JW_IND_V_OK) {
            if (rows[i].by != JW_IND_BY_TOTAL) bars++;
            continue;
        }
        if (rows[i].by == JW_IND_BY_TOTAL) {
            total = rows[i].v[col].v;
            continue;
        }
        bars++;
        if (rows[i].v[col].v > hi) hi = rows[i].v[col].v;
    }
    /* a total of counts dwarfs every provider: show it only for rates and means */
    int show_total = !isnan(total) && u != JW_IND_UNIT_COUNT && u != JW_IND_UNIT_EUR && u != JW_IND_UNIT_ETMAAL;
    if (show_total && total > hi) hi = total;
    hi = nice_max(hi * 1.05);
    int h = (int)(bars * 22 + 40), lw = 260, pw = SVG_W - lw - 90;
    jw_ind_textf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                    "role=\"img\" aria-label=\"vergelijking aanbieders\"><title>vergelijking aanbieders</title>\n",
                 SVG_W, h, SVG_W, h);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].by == JW_IND_BY_TOTAL) continue;
        int y = 10 + (int)k * 22;
        fmt_val(rows[i].v[col], u, lab, sizeof lab);
        jw_ind_textf(o, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">", lw - 6, y + 13);
        if (rows[i].label && rows[i].label[0]) {
            esc(o, rows[i].label);
            jw_ind_textf(o, " (");
            esc(o, rows[i].key);
            jw_ind_textf(o, ")");
        } else {
            esc(o, rows[i].key);
        }
        jw_ind_textf(o, "</text>");
        if (rows[i].v[col].state == JW_IND_V_OK) {
            double w = rows[i].v[col].v > 0 ? pw * rows[i].v[col].v / hi : 0;
            jw_ind_textf(o, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#6c9bd2\"/>"
                            "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>\n",
                         lw, y, w, lw + w + 4, y + 13, lab);
        } else {
            jw_ind_textf(o, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#999\">%s</text>\n", lw + 4, y + 13,
                         rows[i].v[col].state == JW_IND_V_SUPPRESSED ? "x (onderdrukt)" : "&#8211;");
        }
        k++;
    }
    if (show_total) {
        double x = lw + pw * total / hi;
        jw_ind_val_t tv = {total, JW_IND_V_OK};
        fmt_val(tv, u, lab, sizeof lab);
        jw_ind_textf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"4\" y2=\"%d\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>"
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#444\">totaal: %s</text>\n",
                     x, x, h - 18, x + 3, h - 6, lab);
    }
    jw_ind_textf(o, "</svg>\n");
}

/* ---- the indicator page ---- */

static const char *series_name(char k);

static const char *per_of(jw_ind_period_t p, char buf[16])
{
    jw_ind_period_format(p, buf);
    return buf;
}

static void option(jw_json_t *o, const char *val, const char *text, const char *cur)
{
    jw_ind_textf(o, "<option value=\"");
    esc(o, val);
    jw_ind_textf(o, "\"%s>", cur && strcmp(cur, val) == 0 ? " selected" : "");
    esc(o, text);
    jw_ind_textf(o, "</option>");
}

/* The slicer form: gemeente, segment and aanbieder (the profile's lists;
 * providers without a list: those of the period's provider rows). */
static void slicer_form(jwi_t *app, jw_json_t *o, const jw_ind_def_t *d, const jwi_params_t *p,
                        const jw_ind_result_t *prov, const char *period, char kind)
{
    const jw_profile_t *pr = app->profile;
    char text[160];
    jw_ind_textf(o, "<form class=\"slicers\" method=\"get\" action=\"/ind/%s\">", d->id);
    jw_ind_textf(o, "<label>gemeente <select name=\"gemeente\" id=\"f-gemeente\">");
    option(o, "", "alle", p->gemeente ? p->gemeente : "");
    for (size_t i = 0; i < jw_profile_gemeente_count(pr); i++) {
        const char *c = jw_profile_gemeente_code(pr, i);
        snprintf(text, sizeof text, "%s (%s)", jw_profile_gemeente_name(pr, c), c);
        option(o, c, text, p->gemeente);
    }
    jw_ind_textf(o, "</select></label> <label>segment <select name=\"segment\" id=\"f-segment\">");
    option(o, "", "alle", p->segment ? p->segment : "");
    for (size_t i = 0; i < jw_profile_segment_count(pr); i++) {
        const char *sg = jw_profile_segment_name(pr, i);
        option(o, sg, segment_label(app, sg), p->segment);
    }
    jw_ind_textf(o, "</select></label> <label>aanbieder <select name=\"aanbieder\" id=\"f-aanbieder\">");
    option(o, "", "alle", p->aanbieder ? p->aanbieder : "");
    if (jw_profile_aanbieder_count(pr)) {
        for (size_t i = 0; i < jw_profile_aanbieder_count(pr); i++) {
            const char *c = jw_profile_aanbieder_code(pr, i);
            snprintf(text, sizeof text, "%s (%s)", jw_profile_aanbieder_name(pr, c), c);
            option(o, c, text, p->aanbieder);
        }
    } else {
        for (size_t i = 0; prov && i < prov->n_rows; i++)
            if (prov->rows[i].by == JW_IND_BY_AANBIEDER) option(o, prov->rows[i].key, prov->rows[i].key, p->aanbieder);
        if (p->aanbieder && p->aanbieder[0] && !(prov && prov->n_rows)) option(o, p->aanbieder, p->aanbieder, p->aanbieder);
    }
    jw_ind_textf(o, "</select></label>");
    if (period[0]) jw_ind_textf(o, "<input type=\"hidden\" name=\"period\" value=\"%s\">", period);
    jw_ind_textf(o, "<input type=\"hidden\" name=\"series\" value=\"%s\">", series_name(kind));
    if (!(app->public_ || p->public_)) jw_ind_textf(o, "<input type=\"hidden\" name=\"view\" value=\"internal\">");
    if (p->en) jw_ind_textf(o, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
    jw_ind_textf(o, " <button type=\"submit\" id=\"f-apply\">Toon</button></form>\n");
}

static void table(jw_json_t *o, const jw_ind_def_t *d, const jw_ind_result_t *r, int with_period)
{
    char v[48], per[40];
    jw_ind_textf(o, "<table><tr>");
    if (with_period) jw_ind_textf(o, "<th class=\"l\">periode</th>");
    jw_ind_textf(o, "<th class=\"l\">%s</th>",
                 r->n_rows && r->rows[r->n_rows - 1].by != JW_IND_BY_TOTAL ? jw_nlfmt_by(r->rows[r->n_rows - 1].by) : "");
    for (size_t c = 0; c < d->n_cols; c++) {
        jw_ind_textf(o, "<th>");
        esc(o, jwi_nl_column(d, c));
        jw_ind_textf(o, "</th>");
    }
    jw_ind_textf(o, "</tr>\n");
    for (size_t i = 0; i < r->n_rows; i++) {
        const jw_ind_row_t *row = &r->rows[i];
        jw_ind_textf(o, "<tr>");
        if (with_period) {
            jw_nlfmt_period(row->period, per, sizeof per);
            jw_ind_textf(o, "<td class=\"l\">%s%s</td>", per, row->partial ? "*" : "");
        }
        jw_ind_textf(o, "<td class=\"l\">");
        if (row->by == JW_IND_BY_TOTAL) jw_ind_textf(o, "<b>totaal</b>");
        else {
            esc(o, row->key);
            if (row->label && row->label[0] && strcmp(row->label, row->key) != 0) {
                jw_ind_textf(o, " <span class=\"muted\">");
                esc(o, row->label);
                jw_ind_textf(o, "</span>");
            }
        }
        jw_ind_textf(o, "</td>");
        for (size_t c = 0; c < d->n_cols; c++) {
            jw_nlfmt_value(row->v[c], d->cols[c].unit, v, sizeof v);
            jw_ind_textf(o, "<td>%s</td>", v);
        }
        jw_ind_textf(o, "</tr>\n");
    }
    jw_ind_textf(o, "</table>\n");
}

static const char *series_nl(char k)
{
    switch (k) {
    case 'Y': return "jaar";
    case 'H': return "halfjaar";
    case 'Q': return "kwartaal";
    case 'M': return "maand";
    default: return "12 maanden voortschrijdend";
    }
}

static const char *series_name(char k)
{
    switch (k) {
    case 'Y': return "year";
    case 'H': return "half";
    case 'Q': return "quarter";
    case 'M': return "month";
    default: return "rolling";
    }
}

int jwi_html_indicator(jwi_t *app, const char *id, const jwi_params_t *p, jw_json_t *o, char *err,
                       size_t errlen)
{
    const jw_ind_def_t *d = jw_ind_find(id);
    jw_ind_result_t series, brk, prov;
    jw_ind_query_t q;
    jw_ind_status_t st;
    double *goal = NULL;
    jw_ind_row_t *sub = NULL;
    char per[16], pernl[40], title[160], hz[24];
    int rc, pub = app->public_ || p->public_;

    memset(&series, 0, sizeof series);
    memset(&brk, 0, sizeof brk);
    memset(&prov, 0, sizeof prov);
    if (!d) {
        snprintf(err, errlen, "no indicator '%.40s'", id);
        return JW_IND_ENOTFOUND;
    }
    if ((rc = jw_ind_status(app->ind, &st))) return rc;
    char kind = p->series ? p->series : 'R';
    jw_ind_period_t sel = p->period;
    if (!p->has_period) {
        sel.kind = 'Y';
        sel.index = 0;
        sel.year = 0;
        if (st.horizon != INT32_MIN) jw_date_to_ymd(st.horizon, &sel.year, NULL, NULL);
    }
    /* slicers: codes and segment names only ([A-Za-z0-9_-]), so they go into links as they are */
    const char *fv[3] = {p->gemeente, p->aanbieder, p->segment};
    static const char *fk[3] = {"gemeente", "aanbieder", "segment"};
    char xq[256];
    int fmask = 0;
    snprintf(xq, sizeof xq, "%s", pub ? "" : "&amp;view=internal");
    for (int i = 0; i < 3; i++) {
        if (!fv[i] || !fv[i][0]) continue;
        if (strlen(fv[i]) > 32 || strspn(fv[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
                                      strlen(fv[i])) {
            snprintf(err, errlen, "bad %s '%.40s'", fk[i], fv[i]);
            return JW_IND_EQUERY;
        }
        size_t l = strlen(xq);
        snprintf(xq + l, sizeof xq - l, "&amp;%s=%s", fk[i], fv[i]);
        fmask |= 1 << i;
    }
    if (p->en) snprintf(xq + strlen(xq), sizeof xq - strlen(xq), "&amp;lang=en"); /* links keep the language */
    jw_ind_by_t by = p->has_by && p->by != JW_IND_BY_TOTAL ? p->by : JW_IND_BY_GEMEENTE;
    /* a filtered dimension cannot be the breakdown: take the first free one */
    for (int b = 0; b < 3 && (fmask & (1 << (by - 1))); b++) by = (jw_ind_by_t)(JW_IND_BY_GEMEENTE + b);
    int has_brk = !(fmask & (1 << (by - 1)));

    /* A target about a segment is charted from the segment's series: then
     * the series is read once, by segment (its total rows included),
     * instead of once for the total and again by segment. */
    int need_segments = 0;
    {
        jw_ind_target_t *tt = NULL;
        size_t ntt = 0;
        if ((rc = jw_ind_targets(app->ind, d, sel.year ? sel.year : 2000, pub, &tt, &ntt))) goto out;
        for (size_t i = 0; i < ntt; i++) need_segments |= tt[i].t.segment != NULL && !fmask; /* targets are regional */
        free(tt);
    }
    memset(&q, 0, sizeof q);
    q.indicator = d->id;
    q.public_ = pub;
    q.series = kind;
    q.gemeente = p->gemeente;
    q.aanbieder = p->aanbieder;
    q.segment = p->segment;
    q.by = need_segments ? JW_IND_BY_SEGMENT : JW_IND_BY_TOTAL;
    if ((rc = jw_ind_query(app->ind, &q, &series, err, errlen))) goto out;
    if (sel.year) {
        q.has_period = 1;
        q.period = sel;
        q.by = has_brk ? by : JW_IND_BY_TOTAL;
        if ((rc = jw_ind_query(app->ind, &q, &brk, err, errlen))) goto out;
        q.by = JW_IND_BY_AANBIEDER;
        if (!(fmask & 2) && (rc = jw_ind_query(app->ind, &q, &prov, err, errlen))) goto out;
    }

    snprintf(title, sizeof title, "%s %s", d->id, p->en ? d->name_en : d->name);
    page_begin_lang(o, title, p->en);
    date_text(st.horizon, hz);
    {
        /* the toggle keeps the page's period, breakdown, series, slicers and view */
        char tq[400], tp[48];
        snprintf(tq, sizeof tq, "%s%s%s%s%s%s%s", p->has_period ? "&amp;period=" : "",
                 p->has_period ? per_of(p->period, per) : "", p->has_by ? "&amp;by=" : "",
                 p->has_by ? jw_ind_by_name(p->by) : "", p->series ? "&amp;series=" : "",
                 p->series ? series_name(p->series) : "", xq);
        if (p->en) tq[strlen(tq) - strlen("&amp;lang=en")] = '\0'; /* xq ends with it (above) */
        snprintf(tp, sizeof tp, "/ind/%s", d->id);
        lang_toggle(o, tp, tq, p->en);
    }
    jw_ind_textf(o, "<p class=\"nav\"><a href=\"/%s\">&#8592; %s</a></p><h1>",
                 pub ? (p->en ? "?lang=en" : "") : (p->en ? "?view=internal&amp;lang=en" : "?view=internal"),
                 p->en ? "all indicators" : "alle indicatoren");
    esc(o, title);
    jw_ind_textf(o, "</h1>\n<p>");
    esc(o, jwi_nl_definition(d));
    jw_ind_textf(o, "</p><p class=\"muted\">Profiel ");
    esc(o, jw_profile_name(app->profile));
    jw_ind_textf(o, ", gegevens t/m %s.%s</p>\n", hz, pub ? " Publieksweergave (kleine aantallen onderdrukt)." : "");

    /* slicers: a plain GET form (no script) */
    slicer_form(app, o, d, p, &prov, sel.year ? per_of(sel, per) : "", kind);
    if (fmask) {
        jw_ind_textf(o, "<p class=\"selection\">Selectie: ");
        for (int i = 0; i < 3; i++) {
            if (!(fmask & (1 << i))) continue;
            const char *nm = i == 0 ? jw_profile_gemeente_name(app->profile, fv[i])
                             : i == 1 ? jw_profile_aanbieder_name(app->profile, fv[i])
                                      : segment_label(app, fv[i]);
            jw_ind_textf(o, "%s <b>", fk[i]);
            esc(o, nm ? nm : fv[i]);
            jw_ind_textf(o, "</b>");
            if (i < 2) {
                jw_ind_textf(o, " (");
                esc(o, fv[i]);
                jw_ind_textf(o, ")");
            }
            jw_ind_textf(o, "; ");
        }
        jw_ind_textf(o, "<a href=\"/ind/%s\">selectie wissen</a>. Doelen gelden voor de hele regio.</p>\n", d->id);
    }

    /* series links */
    jw_ind_textf(o, "<p class=\"nav\">reeks: ");
    static const char kinds[] = {'R', 'Y', 'H', 'Q', 'M'};
    jw_ind_period_format(sel, per);
    for (size_t i = 0; i < sizeof kinds; i++)
        jw_ind_textf(o, "<a class=\"%s\" href=\"/ind/%s?series=%s&amp;period=%s&amp;by=%s%s\">%s</a>",
                     kinds[i] == kind ? "sel" : "", d->id, series_name(kinds[i]), sel.year ? per : "",
                     jw_ind_by_name(by), xq,
                     series_nl(kinds[i]));
    jw_ind_textf(o, "</p>\n");

    /* charts: the headline (total), and every (column, segment) a target is about */
    struct {
        int col;
        const char *segment;
    } charts[1 + 16];
    int ncharts = 0;
    charts[ncharts].col = d->headline;
    charts[ncharts++].segment = NULL;
    for (size_t i = 0; i < series.n_targets && ncharts < 17 && !fmask; i++) { /* targets are regional */
        int c = series.targets[i].column, seen = 0;
        const char *sg = series.targets[i].t.segment;
        for (int k = 0; k < ncharts; k++)
            seen |= charts[k].col == c && ((!sg && !charts[k].segment) ||
                                           (sg && charts[k].segment && strcmp(sg, charts[k].segment) == 0));
        if (seen) continue;
        charts[ncharts].col = c;
        charts[ncharts++].segment = sg;
    }
    goal = malloc((series.n_rows ? series.n_rows : 1) * sizeof *goal);
    sub = malloc((series.n_rows ? series.n_rows : 1) * sizeof *sub);
    if (!goal || !sub) {
        rc = JW_IND_ENOMEM;
        goto out;
    }
    for (int k = 0; k < ncharts; k++) {
        int col = charts[k].col, any = 0;
        const char *sg = charts[k].segment;
        jw_ind_unit_t u = d->cols[col].unit;
        int annual_sum = u == JW_IND_UNIT_COUNT || u == JW_IND_UNIT_EUR || u == JW_IND_UNIT_ETMAAL;
        int draw_goal = kind == 'Y' || kind == 'R' || !annual_sum;
        /* goals by year (the path's value for that year), looked up once per year */
        int gy0 = 0;
        double gyear[64];
        size_t n = 0;
        for (size_t i = 0; i < 64; i++) gyear[i] = NAN;
        if (series.n_rows) gy0 = series.rows[0].period.year - 1;
        for (size_t i = 0; i < series.n_rows; i++) {
            const jw_ind_row_t *row = &series.rows[i];
            if (sg ? row->by != JW_IND_BY_SEGMENT || strcmp(row->key, sg) != 0 : row->by != JW_IND_BY_TOTAL)
                continue;
            sub[n] = *row;
            goal[n] = NAN;
            if (draw_goal) {
                int y = row->period.year;
                for (int yy = y - 1; yy <= y; yy++) {
                    int k2 = yy - gy0;
                    if (k2 < 0 || k2 >= 64 || !isnan(gyear[k2]) || gyear[k2] == INFINITY) continue;
                    jw_ind_target_t *t = NULL;
                    size_t nt = 0;
                    gyear[k2] = INFINITY; /* looked up: none */
                    if ((rc = jw_ind_targets(app->ind, d, yy, pub, &t, &nt))) goto out;
                    for (size_t j = 0; j < nt; j++)
                        if (t[j].column == col && t[j].goal.state == JW_IND_V_OK &&
                            ((!sg && !t[j].t.segment) || (sg && t[j].t.segment && strcmp(sg, t[j].t.segment) == 0)))
                            gyear[k2] = t[j].goal.v;
                    free(t);
                }
                int ki = y - gy0;
                double gy = ki >= 0 && ki < 64 && gyear[ki] != INFINITY ? gyear[ki] : NAN;
                double gp = ki >= 1 && ki - 1 < 64 && gyear[ki - 1] != INFINITY ? gyear[ki - 1] : NAN;
                /* The path is judged on calendar years; a window ending in month m of
                 * year y lies m/12 of the way from year y-1's point to year y's. */
                int m = row->period.kind == 'R' || row->period.kind == 'M' ? row->period.index
                        : row->period.kind == 'Q' ? row->period.index * 3
                        : row->period.kind == 'H' ? row->period.index * 6 : 12;
                if (m == 12) goal[n] = gy;
                else if (!isnan(gy) && !isnan(gp)) goal[n] = gp + (gy - gp) * m / 12.0;
                any |= !isnan(goal[n]);
            }
            n++;
        }
        jw_ind_textf(o, "<h2>");
        esc(o, p->en ? d->cols[col].label : jwi_nl_column(d, (size_t)col));
        if (sg) {
            jw_ind_textf(o, ", ");
            esc(o, segment_label(app, sg));
        }
        jw_ind_textf(o, " (%s)</h2>\n", p->en ? (kind == 'R' ? "rolling 12 months, by end month" : series_name(kind))
                                      : kind == 'R' ? "12 maanden voortschrijdend, naar eindmaand" : series_nl(kind));
        if (n) svg_series(o, d, sub, n, col, any ? goal : NULL);
        else jw_ind_textf(o, "<p class=\"muted\">Nog geen gegevens.</p>\n");
    }
    if (sel.year && (strcmp(d->id, "IND-12") == 0 || strcmp(d->id, "IND-26") == 0) &&
        (rc = jwi_html_km(app, sel, pub, p->en, o)))
        goto out;
    if (need_segments) {
        /* the series table below shows the totals */
        size_t m = 0;
        for (size_t i = 0; i < series.n_rows; i++)
            if (series.rows[i].by == JW_IND_BY_TOTAL) series.rows[m++] = series.rows[i];
        series.n_rows = m;
    }

    /* targets: the path from the base value to the goal, judged for the current year */
    if (brk.n_targets) {
        jw_ind_textf(o, "<h2>%s, %d</h2>\n<table class=\"targets\"><tr><th class=\"l\">segment</th>"
                        "<th class=\"l\">doel</th><th class=\"l\">kolom</th><th>basiswaarde</th><th>huidig</th>"
                        "<th>doelpad %d</th><th>afstand tot pad</th><th>einddoel</th><th class=\"l\">status</th></tr>\n",
                     p->en ? "Targets" : "Doelen", brk.targets[0].year, brk.targets[0].year);
        for (size_t i = 0; i < brk.n_targets; i++) {
            const jw_ind_target_t *t = &brk.targets[i];
            jw_ind_unit_t u = d->cols[t->column].unit;
            /* a path value is computed: one decimal even for a count */
            jw_ind_unit_t gu = u == JW_IND_UNIT_COUNT || u == JW_IND_UNIT_ETMAAL ? JW_IND_UNIT_DAYS : u;
            char b[48], c[48], g[48], dist[128] = "\xe2\x80\x93", end[80] = "\xe2\x80\x93", tt[96];
            fmt_val(t->base, u, b, sizeof b);
            fmt_val(t->current, u, c, sizeof c);
            fmt_val(t->goal, gu, g, sizeof g);
            if (t->current.state == JW_IND_V_OK && t->goal.state == JW_IND_V_OK) {
                char n1[40], n2[40];
                double diff = t->current.v - t->goal.v;
                jw_nlfmt_number(diff, 1, n1, sizeof n1);
                if (t->goal.v != 0) {
                    jw_nlfmt_number(100.0 * diff / t->goal.v, 1, n2, sizeof n2);
                    snprintf(dist, sizeof dist, "%s%s (%s%s %%)", diff > 0 ? "+" : "", n1, diff > 0 ? "+" : "", n2);
                } else {
                    snprintf(dist, sizeof dist, "%s%s", diff > 0 ? "+" : "", n1);
                }
            }
            if (t->t.target_year && t->t.target_year != t->year) {
                /* the goal at the end of the path */
                jw_ind_target_t *et = NULL;
                size_t ne = 0;
                if ((rc = jw_ind_targets(app->ind, d, t->t.target_year, pub, &et, &ne))) goto out;
                for (size_t j = 0; j < ne; j++)
                    if (et[j].t.line == t->t.line && et[j].t.kind == t->t.kind && et[j].goal.state == JW_IND_V_OK) {
                        char gv[48];
                        fmt_val(et[j].goal, gu, gv, sizeof gv);
                        snprintf(end, sizeof end, "%s in %d", gv, t->t.target_year);
                    }
                free(et);
            } else if (t->goal.state == JW_IND_V_OK) {
                snprintf(end, sizeof end, "%s", g);
            }
            char pv[24];
            jw_nlfmt_number(t->t.value, 1, pv, sizeof pv);
            switch (t->t.kind) {
            case JW_TARGET_CHANGE:
                snprintf(tt, sizeof tt, "%s%s %% in %d t.o.v. %d", t->t.value > 0 ? "+" : "", pv,
                         t->t.target_year ? t->t.target_year : t->year, t->base_year);
                break;
            case JW_TARGET_RATE:
                snprintf(tt, sizeof tt, "%s%s %% per jaar t.o.v. %d", t->t.value > 0 ? "+" : "", pv, t->base_year);
                break;
            case JW_TARGET_MAX: snprintf(tt, sizeof tt, "ten hoogste %s%s", pv, t->t.unit == JW_TARGET_UNIT_PERCENT ? " %" : ""); break;
            case JW_TARGET_MIN: snprintf(tt, sizeof tt, "ten minste %s%s", pv, t->t.unit == JW_TARGET_UNIT_PERCENT ? " %" : ""); break;
            }
            jw_ind_textf(o, "<tr><td class=\"l\">");
            esc(o, t->t.segment ? segment_label(app, t->t.segment) : "totaal");
            jw_ind_textf(o, "</td><td class=\"l\">%s</td><td class=\"l\">", tt);
            esc(o, jwi_nl_column(d, (size_t)t->column));
            jw_ind_textf(o, "</td><td>%s</td><td class=\"cur\">%s%s</td><td class=\"path\">%s</td><td class=\"dist\">%s</td>"
                            "<td>%s</td><td class=\"l %s status\">%s</td></tr>\n",
                         t->t.kind == JW_TARGET_CHANGE || t->t.kind == JW_TARGET_RATE ? b : "\xe2\x80\x93", c,
                         t->partial ? "*" : "", g, dist, end, status_class(t->status), jw_nlfmt_status(t->status));
        }
        jw_ind_textf(o, "</table>\n<p class=\"muted\">Het doelpad loopt recht van de basiswaarde in het basisjaar "
                        "naar het einddoel; op koers betekent: de huidige waarde ligt aan de goede kant van het pad "
                        "voor dit jaar (niet van het einddoel).</p>\n");
    }

    /* breakdown */
    if (sel.year) {
        jw_ind_period_format(sel, per);
        jw_nlfmt_period(sel, pernl, sizeof pernl);
        jw_ind_textf(o, "<h2>%s, %s</h2>\n<p class=\"nav\">naar: ", p->en ? "Breakdown" : "Uitsplitsing", pernl);
        for (int b = JW_IND_BY_GEMEENTE; b <= JW_IND_BY_SEGMENT; b++)
            if (!(fmask & (1 << (b - 1))))
            jw_ind_textf(o, "<a class=\"%s\" href=\"/ind/%s?period=%s&amp;by=%s&amp;series=%s%s\">%s</a>",
                         b == (int)by ? "sel" : "", d->id, per, jw_ind_by_name((jw_ind_by_t)b), series_name(kind),
                         xq, jw_nlfmt_by((jw_ind_by_t)b));
        jw_ind_textf(o, " &#183; periode: ");
        if (st.first != INT32_MIN && st.horizon != INT32_MIN) {
            int y0, y1;
            jw_date_to_ymd(st.first, &y0, NULL, NULL);
            jw_date_to_ymd(st.horizon, &y1, NULL, NULL);
            for (int y = y0; y <= y1 && y0 > 0; y++)
                jw_ind_textf(o, "<a class=\"%s\" href=\"/ind/%s?period=%d&amp;by=%s&amp;series=%s%s\">%d</a>",
                             sel.kind == 'Y' && sel.year == y ? "sel" : "", d->id, y, jw_ind_by_name(by),
                             series_name(kind), xq, y);
        }
        jw_ind_textf(o, "</p>\n");
        table(o, d, &brk, 0);
        jw_ind_textf(o, "<h2>%s, %s</h2>\n", p->en ? "Provider comparison" : "Vergelijking aanbieders", pernl);
        if (prov.n_rows > 1) svg_bars(o, d, prov.rows, prov.n_rows, d->headline);
        else jw_ind_textf(o, "<p class=\"muted\">Geen aanbieders in deze periode.</p>\n");
    }
    jw_ind_textf(o, "<h2>%s</h2>\n", p->en ? "Series values" : "Waarden van de reeks");
    table(o, d, &series, 1);
    jw_ind_textf(o, "<p class=\"muted\">Downloaden: <a href=\"/export/%s.xlsx?series=%s%s\">Excel (.xlsx)</a>, "
                    "<a href=\"/export/%s.csv?series=%s%s\">CSV voor Excel</a>; "
                    "JSON: <a href=\"/api/indicators/%s?series=%s\">/api/indicators/%s</a>, "
                    "CSV (machineleesbaar): <a href=\"/api/indicators/%s.csv?series=%s\">.csv</a></p>\n",
                 d->id, series_name(kind), xq, d->id, series_name(kind),
                 xq, d->id, series_name(kind), d->id, d->id,
                 series_name(kind));
    page_end(o);
    rc = jw_json_finish(o) ? JW_IND_ENOMEM : 0;
out:
    free(goal);
    free(sub);
    jw_ind_result_free(&series);
    jw_ind_result_free(&brk);
    jw_ind_result_free(&prov);
    return rc;
}

/* ---- helpers shared with the monthly report (report.c) ---- */

void jwi_html_esc(jw_json_t *o, const char *s) { esc(o, s); }
void jwi_html_begin(jw_json_t *o, const char *title) { page_begin(o, title); }
void jwi_html_begin_lang(jw_json_t *o, const char *title, int en) { page_begin_lang(o, title, en); }
void jwi_html_lang_toggle(jw_json_t *o, const char *path, const char *q, int en) { lang_toggle(o, path, q, en); }
void jwi_html_end(jw_json_t *o) { page_end(o); }
void jwi_html_sparkline(jw_json_t *o, const jw_ind_def_t *d, const jw_ind_result_t *r) { sparkline(o, d, r); }
