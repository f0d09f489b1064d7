/* html.c - the dashboard: an index page and one page per indicator with a
 * server-side SVG time-series chart (with the target line), the targets,
 * a breakdown table and a provider comparison. No script, no external
 * resource: every page is one self-contained HTML document. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwi.h"

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

static void page_begin(jw_json_t *o, const char *title)
{
    jw_ind_textf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
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
                 "</style></head><body>\n");
}

static void page_end(jw_json_t *o)
{
    jw_ind_textf(o, "<p class=\"muted\">jw-indicators. Values marked x are suppressed (small cells); "
                    "- means no value. Periods marked * run past the data horizon.</p></body></html>\n");
}

static void fmt_val(jw_ind_val_t v, jw_ind_unit_t u, char *buf, size_t cap)
{
    jw_ind_format_value(v, u, buf, cap);
}

static const char *status_class(jw_ind_tstatus_t s)
{
    return s == JW_IND_T_ON ? "on" : s == JW_IND_T_OFF ? "off" : "muted";
}

static void date_text(jw_date_t d, char buf[11])
{
    if (d == INT32_MIN) snprintf(buf, 11, "-");
    else jw_date_format(d, buf);
}

/* ---- index ---- */

int jwi_html_index(jwi_t *app, const jwi_params_t *p, jw_json_t *o, char *err, size_t errlen)
{
    int pub = app->public_ || p->public_;
    jw_ind_status_t st;
    char hz[11], first[11], v[48], v2[48];
    int rc = jw_ind_status(app->ind, &st), year = 0;
    (void)err;
    (void)errlen;
    if (rc) return rc;
    date_text(st.horizon, hz);
    date_text(st.first, first);
    if (st.horizon != INT32_MIN) jw_date_to_ymd(st.horizon, &year, NULL, NULL);
    page_begin(o, "jw indicators");
    jw_ind_textf(o, "<h1>jw indicators</h1>\n<p>Profile <b>");
    esc(o, jw_profile_name(app->profile));
    jw_ind_textf(o, "</b>: ");
    esc(o, jw_profile_description(app->profile));
    jw_ind_textf(o, "<br>Data %s to %s; %llu events consumed, last seq %llu.%s</p>\n", first, hz,
                 (unsigned long long)st.events, (unsigned long long)st.last_seq,
                 pub ? " Published view: counts below the small-cell threshold are suppressed."
                     : " Internal view: every value, small cells included.");
    jw_ind_textf(o, "<table><tr><th class=\"l\">id</th><th class=\"l\">indicator</th><th class=\"l\">value</th>"
                    "<th>%d</th><th>%d</th><th class=\"l\">targets %d</th></tr>\n", year - 1, year, year);
    for (size_t i = 0; i < jw_ind_catalogue_count(); i++) {
        const jw_ind_def_t *d = jw_ind_catalogue(i);
        jw_ind_result_t r;
        jw_ind_query_t q;
        memset(&q, 0, sizeof q);
        q.indicator = d->id;
        q.public_ = pub;
        q.has_period = 1;
        q.period.kind = 'Y';
        snprintf(v, sizeof v, "-");
        snprintf(v2, sizeof v2, "-");
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
                     pub ? "" : "?view=internal", d->id);
        esc(o, d->name);
        jw_ind_textf(o, " <span class=\"muted\">");
        esc(o, d->name_en);
        jw_ind_textf(o, "</span></td><td class=\"l\">");
        esc(o, d->cols[d->headline].label);
        jw_ind_textf(o, "</td><td>%s</td><td>%s</td><td class=\"l\">", v, v2);
        for (size_t k = 0; k < r.n_targets; k++) {
            jw_ind_textf(o, "<span class=\"%s\">", status_class(r.targets[k].status));
            esc(o, r.targets[k].t.segment ? r.targets[k].t.segment : "total");
            jw_ind_textf(o, ": %s</span> ", jw_ind_tstatus_name(r.targets[k].status));
        }
        jw_ind_textf(o, "</td></tr>\n");
        jw_ind_result_free(&r);
    }
    jw_ind_textf(o, "</table>\n<p class=\"muted\">JSON: <a href=\"/api/indicators\">/api/indicators</a>; "
                    "metrics: <a href=\"/metrics\">/metrics</a>.</p>\n");
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
    char lab[48], per[16];
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
    esc(o, d->cols[col].label);
    jw_ind_textf(o, "\"><title>");
    esc(o, d->id);
    jw_ind_textf(o, " ");
    esc(o, d->cols[col].label);
    jw_ind_textf(o, "</title>\n");
    /* y grid and labels */
    for (int k = 0; k <= 4; k++) {
        double v = lo + (hi - lo) * k / 4.0;
        jw_ind_val_t tv = {v, JW_IND_V_OK};
        jw_ind_format_value(tv, u, lab, sizeof lab);
        jw_ind_textf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e2e2\"/>"
                        "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
                     M_L, SVG_W - M_R, Y(v), Y(v), M_L - 6, Y(v) + 4, lab);
    }
    /* x labels: at most ~12 */
    size_t step = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i += step) {
        jw_ind_period_format(rows[i].period, per);
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
        jw_ind_period_format(rows[i].period, per);
        fmt_val(rows[i].v[col], u, lab, sizeof lab);
        if (rows[i].v[col].state == JW_IND_V_OK)
            jw_ind_textf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#0550ae\"><title>%s: %s</title></circle>\n",
                         X(i), Y(rows[i].v[col].v), per, lab);
        else if (rows[i].v[col].state == JW_IND_V_SUPPRESSED)
            jw_ind_textf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" fill=\"#999\">x"
                            "<title>%s: suppressed</title></text>\n",
                         X(i), Y(lo) - 4, per);
    }
    jw_ind_textf(o, "<text x=\"%d\" y=\"14\" font-size=\"12\" fill=\"#0550ae\">&#8212; ", M_L);
    esc(o, d->cols[col].label);
    jw_ind_textf(o, "</text>");
    if (goal) jw_ind_textf(o, "<text x=\"%d\" y=\"14\" font-size=\"12\" fill=\"#b3261e\">- - target</text>", M_L + 320);
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
    int h = (int)(bars * 22 + 40), lw = 120, pw = SVG_W - lw - 90;
    jw_ind_textf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                    "role=\"img\" aria-label=\"provider comparison\"><title>provider comparison</title>\n",
                 SVG_W, h, SVG_W, h);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].by == JW_IND_BY_TOTAL) continue;
        int y = 10 + (int)k * 22;
        fmt_val(rows[i].v[col], u, lab, sizeof lab);
        jw_ind_textf(o, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">", lw - 6, y + 13);
        esc(o, rows[i].key);
        jw_ind_textf(o, "</text>");
        if (rows[i].v[col].state == JW_IND_V_OK) {
            double w = rows[i].v[col].v > 0 ? pw * rows[i].v[col].v / hi : 0;
            jw_ind_textf(o, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#6c9bd2\"/>"
                            "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>\n",
                         lw, y, w, lw + w + 4, y + 13, lab);
        } else {
            jw_ind_textf(o, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#999\">%s</text>\n", lw + 4, y + 13,
                         rows[i].v[col].state == JW_IND_V_SUPPRESSED ? "x (suppressed)" : "-");
        }
        k++;
    }
    if (show_total) {
        double x = lw + pw * total / hi;
        jw_ind_val_t tv = {total, JW_IND_V_OK};
        fmt_val(tv, u, lab, sizeof lab);
        jw_ind_textf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"4\" y2=\"%d\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>"
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#444\">all: %s</text>\n",
                     x, x, h - 18, x + 3, h - 6, lab);
    }
    jw_ind_textf(o, "</svg>\n");
}

/* ---- the indicator page ---- */

static void table(jw_json_t *o, const jw_ind_def_t *d, const jw_ind_result_t *r, int with_period)
{
    char v[48], per[16];
    jw_ind_textf(o, "<table><tr>");
    if (with_period) jw_ind_textf(o, "<th class=\"l\">period</th>");
    jw_ind_textf(o, "<th class=\"l\">%s</th>",
                 r->n_rows && r->rows[r->n_rows - 1].by != JW_IND_BY_TOTAL ? jw_ind_by_name(r->rows[r->n_rows - 1].by) : "");
    for (size_t c = 0; c < d->n_cols; c++) {
        jw_ind_textf(o, "<th>");
        esc(o, d->cols[c].label);
        jw_ind_textf(o, "</th>");
    }
    jw_ind_textf(o, "</tr>\n");
    for (size_t i = 0; i < r->n_rows; i++) {
        const jw_ind_row_t *row = &r->rows[i];
        jw_ind_textf(o, "<tr>");
        if (with_period) {
            jw_ind_period_format(row->period, per);
            jw_ind_textf(o, "<td class=\"l\">%s%s</td>", per, row->partial ? "*" : "");
        }
        jw_ind_textf(o, "<td class=\"l\">");
        if (row->by == JW_IND_BY_TOTAL) jw_ind_textf(o, "<b>total</b>");
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
            jw_ind_format_value(row->v[c], d->cols[c].unit, v, sizeof v);
            jw_ind_textf(o, "<td>%s</td>", v);
        }
        jw_ind_textf(o, "</tr>\n");
    }
    jw_ind_textf(o, "</table>\n");
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
    char per[16], title[160], hz[11];
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
    jw_ind_by_t by = p->has_by && p->by != JW_IND_BY_TOTAL ? p->by : JW_IND_BY_GEMEENTE;

    /* A target about a segment is charted from the segment's series: then
     * the series is read once, by segment (its total rows included),
     * instead of once for the total and again by segment. */
    int need_segments = 0;
    {
        jw_ind_target_t *tt = NULL;
        size_t ntt = 0;
        if ((rc = jw_ind_targets(app->ind, d, sel.year ? sel.year : 2000, pub, &tt, &ntt))) goto out;
        for (size_t i = 0; i < ntt; i++) need_segments |= tt[i].t.segment != NULL;
        free(tt);
    }
    memset(&q, 0, sizeof q);
    q.indicator = d->id;
    q.public_ = pub;
    q.series = kind;
    q.by = need_segments ? JW_IND_BY_SEGMENT : JW_IND_BY_TOTAL;
    if ((rc = jw_ind_query(app->ind, &q, &series, err, errlen))) goto out;
    if (sel.year) {
        q.has_period = 1;
        q.period = sel;
        q.by = by;
        if ((rc = jw_ind_query(app->ind, &q, &brk, err, errlen))) goto out;
        q.by = JW_IND_BY_AANBIEDER;
        if ((rc = jw_ind_query(app->ind, &q, &prov, err, errlen))) goto out;
    }

    snprintf(title, sizeof title, "%s %s", d->id, d->name);
    page_begin(o, title);
    date_text(st.horizon, hz);
    jw_ind_textf(o, "<p class=\"nav\"><a href=\"/%s\">&#8592; all indicators</a></p><h1>",
                 pub ? "" : "?view=internal");
    esc(o, title);
    jw_ind_textf(o, " <span class=\"muted\">");
    esc(o, d->name_en);
    jw_ind_textf(o, "</span></h1>\n<p>");
    esc(o, d->definition);
    jw_ind_textf(o, "</p><p class=\"muted\">Profile ");
    esc(o, jw_profile_name(app->profile));
    jw_ind_textf(o, ", data to %s.%s</p>\n", hz, pub ? " Published view (small cells suppressed)." : "");

    /* series links */
    jw_ind_textf(o, "<p class=\"nav\">series: ");
    static const char kinds[] = {'R', 'Y', 'H', 'Q', 'M'};
    jw_ind_period_format(sel, per);
    for (size_t i = 0; i < sizeof kinds; i++)
        jw_ind_textf(o, "<a class=\"%s\" href=\"/ind/%s?series=%s&amp;period=%s&amp;by=%s%s\">%s</a>",
                     kinds[i] == kind ? "sel" : "", d->id, series_name(kinds[i]), sel.year ? per : "",
                     jw_ind_by_name(by), pub ? "" : "&amp;view=internal",
                     kinds[i] == 'R' ? "rolling 12 months" : series_name(kinds[i]));
    jw_ind_textf(o, "</p>\n");

    /* charts: the headline (total), and every (column, segment) a target is about */
    struct {
        int col;
        const char *segment;
    } charts[1 + 16];
    int ncharts = 0;
    charts[ncharts].col = d->headline;
    charts[ncharts++].segment = NULL;
    for (size_t i = 0; i < series.n_targets && ncharts < 17; i++) {
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
        int cached_year = -1;
        double cached = NAN;
        size_t n = 0;
        for (size_t i = 0; i < series.n_rows; i++) {
            const jw_ind_row_t *row = &series.rows[i];
            if (sg ? row->by != JW_IND_BY_SEGMENT || strcmp(row->key, sg) != 0 : row->by != JW_IND_BY_TOTAL)
                continue;
            sub[n] = *row;
            goal[n] = NAN;
            if (draw_goal) {
                int y = row->period.year;
                if (y != cached_year) {
                    jw_ind_target_t *t = NULL;
                    size_t nt = 0;
                    cached = NAN;
                    cached_year = y;
                    if ((rc = jw_ind_targets(app->ind, d, y, pub, &t, &nt))) goto out;
                    for (size_t j = 0; j < nt; j++)
                        if (t[j].column == col && t[j].goal.state == JW_IND_V_OK &&
                            ((!sg && !t[j].t.segment) || (sg && t[j].t.segment && strcmp(sg, t[j].t.segment) == 0)))
                            cached = t[j].goal.v;
                    free(t);
                }
                goal[n] = cached;
                any |= !isnan(cached);
            }
            n++;
        }
        jw_ind_textf(o, "<h2>");
        esc(o, d->cols[col].label);
        if (sg) {
            jw_ind_textf(o, ", segment ");
            esc(o, sg);
        }
        jw_ind_textf(o, " (%s)</h2>\n", kind == 'R' ? "rolling 12 months, by end month" : series_name(kind));
        if (n) svg_series(o, d, sub, n, col, any ? goal : NULL);
        else jw_ind_textf(o, "<p class=\"muted\">No data yet.</p>\n");
    }
    if (sel.year && (strcmp(d->id, "IND-12") == 0 || strcmp(d->id, "IND-26") == 0) &&
        (rc = jwi_html_km(app, sel, pub, o)))
        goto out;
    if (need_segments) {
        /* the series table below shows the totals */
        size_t m = 0;
        for (size_t i = 0; i < series.n_rows; i++)
            if (series.rows[i].by == JW_IND_BY_TOTAL) series.rows[m++] = series.rows[i];
        series.n_rows = m;
    }

    /* targets */
    if (brk.n_targets) {
        jw_ind_textf(o, "<h2>Targets, %d</h2>\n<table><tr><th class=\"l\">segment</th><th class=\"l\">target</th>"
                        "<th class=\"l\">on</th><th>base</th><th>current</th><th>goal</th><th class=\"l\">status</th></tr>\n",
                     brk.targets[0].year);
        for (size_t i = 0; i < brk.n_targets; i++) {
            const jw_ind_target_t *t = &brk.targets[i];
            jw_ind_unit_t u = d->cols[t->column].unit;
            char b[48], c[48], g[48];
            fmt_val(t->base, u, b, sizeof b);
            fmt_val(t->current, u, c, sizeof c);
            fmt_val(t->goal, JW_IND_UNIT_DAYS, g, sizeof g); /* two decimals */
            jw_ind_textf(o, "<tr><td class=\"l\">");
            esc(o, t->t.segment ? t->t.segment : "total");
            jw_ind_textf(o, "</td><td class=\"l\">%s %g%s%s", t->t.kind == JW_TARGET_CHANGE ? "change"
                                                           : t->t.kind == JW_TARGET_RATE ? "per year"
                                                           : t->t.kind == JW_TARGET_MAX ? "max" : "min",
                         t->t.value, t->t.unit == JW_TARGET_UNIT_PERCENT ? "%" : "",
                         t->t.base_year ? "" : "");
            if (t->t.base_year) jw_ind_textf(o, " base %d", t->t.base_year);
            if (t->t.target_year) jw_ind_textf(o, " by %d", t->t.target_year);
            jw_ind_textf(o, "</td><td class=\"l\">");
            esc(o, d->cols[t->column].name);
            jw_ind_textf(o, "</td><td>%s</td><td>%s%s</td><td>%s</td><td class=\"l %s\">%s</td></tr>\n", b, c,
                         t->partial ? "*" : "", g, status_class(t->status), jw_ind_tstatus_name(t->status));
        }
        jw_ind_textf(o, "</table>\n");
    }

    /* breakdown */
    if (sel.year) {
        jw_ind_period_format(sel, per);
        jw_ind_textf(o, "<h2>Breakdown, %s</h2>\n<p class=\"nav\">by: ", per);
        for (int b = JW_IND_BY_GEMEENTE; b <= JW_IND_BY_SEGMENT; b++)
            jw_ind_textf(o, "<a class=\"%s\" href=\"/ind/%s?period=%s&amp;by=%s&amp;series=%s%s\">%s</a>",
                         b == (int)by ? "sel" : "", d->id, per, jw_ind_by_name((jw_ind_by_t)b), series_name(kind),
                         pub ? "" : "&amp;view=internal", jw_ind_by_name((jw_ind_by_t)b));
        jw_ind_textf(o, " &#183; period: ");
        if (st.first != INT32_MIN && st.horizon != INT32_MIN) {
            int y0, y1;
            jw_date_to_ymd(st.first, &y0, NULL, NULL);
            jw_date_to_ymd(st.horizon, &y1, NULL, NULL);
            for (int y = y0; y <= y1 && y0 > 0; y++)
                jw_ind_textf(o, "<a class=\"%s\" href=\"/ind/%s?period=%d&amp;by=%s&amp;series=%s%s\">%d</a>",
                             sel.kind == 'Y' && sel.year == y ? "sel" : "", d->id, y, jw_ind_by_name(by),
                             series_name(kind), pub ? "" : "&amp;view=internal", y);
        }
        jw_ind_textf(o, "</p>\n");
        table(o, d, &brk, 0);
        jw_ind_textf(o, "<h2>Provider comparison, %s</h2>\n", per);
        if (prov.n_rows > 1) svg_bars(o, d, prov.rows, prov.n_rows, d->headline);
        else jw_ind_textf(o, "<p class=\"muted\">No provider rows in this period.</p>\n");
    }
    jw_ind_textf(o, "<h2>Series values</h2>\n");
    table(o, d, &series, 1);
    jw_ind_textf(o, "<p class=\"muted\">JSON: <a href=\"/api/indicators/%s?series=%s\">/api/indicators/%s</a>, "
                    "CSV: <a href=\"/api/indicators/%s.csv?series=%s\">.csv</a></p>\n",
                 d->id, series_name(kind), d->id, d->id, series_name(kind));
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
