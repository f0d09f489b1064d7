/* report.c - the monthly report: one printable page per month and
 * gemeente (or the whole region) with the key figures, their trend, the
 * region's targets and the provider comparison, in Dutch. A4 print
 * styles, so a browser's "print to PDF" (or chromium --print-to-pdf)
 * gives the PDF. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwi.h"
#include "nlfmt/nlfmt.h"

#define esc jwi_html_esc

/* The headline of one cell: indicator d, period p, the report's gemeente. */
static int headline(jwi_t *app, const jw_ind_def_t *d, jw_ind_period_t p, const char *gem, int pub,
                    jw_ind_val_t *out)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    memset(&q, 0, sizeof q);
    q.indicator = d->id;
    q.has_period = 1;
    q.period = p;
    q.public_ = pub;
    q.gemeente = gem;
    out->state = JW_IND_V_NA;
    out->v = 0;
    int rc = jw_ind_query(app->ind, &q, &r, NULL, 0);
    if (rc) return rc;
    if (r.n_rows) *out = r.rows[0].v[d->headline];
    jw_ind_result_free(&r);
    return 0;
}

static const char *status_class(jw_ind_tstatus_t s)
{
    return s == JW_IND_T_ON ? "on" : s == JW_IND_T_OFF ? "off" : "muted";
}

int jwi_html_report(jwi_t *app, const jwi_params_t *p, jw_json_t *o, char *err, size_t errlen)
{
    jw_ind_status_t st;
    int pub = app->public_ || p->public_, rc;
    const char *gem = p->gemeente && p->gemeente[0] ? p->gemeente : NULL;
    char title[200], mon[24], r12[40], r12prev[40], v[48], v2[48], v3[48], v4[48];

    if ((rc = jw_ind_status(app->ind, &st))) return rc;
    if (p->has_by || p->series || p->aanbieder || p->segment) {
        snprintf(err, errlen, "the monthly report takes period (a month), gemeente and view only");
        return JW_IND_EQUERY;
    }
    jw_ind_period_t m;
    if (p->has_period) {
        if (p->period.kind != 'M') {
            snprintf(err, errlen, "the monthly report needs a month: period=2024-03");
            return JW_IND_EQUERY;
        }
        m = p->period;
    } else if (st.horizon != INT32_MIN) {
        m = jw_ind_period_of('M', st.horizon);
    } else {
        snprintf(err, errlen, "no data yet");
        return JW_IND_EQUERY;
    }
    if (gem && (strlen(gem) != 4 || strspn(gem, "0123456789") != 4)) {
        snprintf(err, errlen, "bad gemeente '%.40s' (a CBS code of 4 digits)", gem);
        return JW_IND_EQUERY;
    }
    const char *gname = gem ? jw_profile_gemeente_name(app->profile, gem) : NULL;
    jw_ind_period_t rm = {'R', m.year, m.index}, rp = {'R', m.year - 1, m.index};
    jw_nlfmt_period(m, mon, sizeof mon);
    jw_nlfmt_period(rm, r12, sizeof r12);
    jw_nlfmt_period(rp, r12prev, sizeof r12prev);
    snprintf(title, sizeof title, "Maandrapportage %s %s %s", mon, gem ? "\xe2\x80\x93" : "\xe2\x80\x93",
             gem ? (gname ? gname : gem) : "regio");
    jwi_html_begin(o, title);
    jw_ind_textf(o, "<style>@page{size:A4;margin:14mm}@media print{.nav,.noprint{display:none}"
                    "body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}table,svg{break-inside:avoid}}"
                    "</style>\n");
    jw_ind_textf(o, "<p class=\"nav\"><a href=\"/%s\">&#8592; alle indicatoren</a></p><h1>", pub ? "" : "?view=internal");
    esc(o, title);
    jw_ind_textf(o, "</h1>\n<p>Profiel <b>");
    esc(o, jw_profile_name(app->profile));
    jw_ind_textf(o, "</b>");
    if (gem) {
        jw_ind_textf(o, ", gemeente <b>");
        esc(o, gname ? gname : gem);
        jw_ind_textf(o, "</b> (%s)", gem);
    } else {
        jw_ind_textf(o, ", de hele regio");
    }
    jw_ind_textf(o, ". Maand %s; trend over %s, vergeleken met %s.%s%s</p>\n", mon, r12, r12prev,
                 jw_ind_period_last(m) > st.horizon ? " <b>Let op:</b> de maand loopt door na de datahorizon." : "",
                 pub ? " Publieksweergave: kleine aantallen onderdrukt (x)." : "");

    /* the month picker and the gemeente picker (GET, no script) */
    jw_ind_textf(o, "<form class=\"noprint\" method=\"get\" action=\"/rapport\">maand "
                    "<input name=\"period\" value=\"%04d-%02d\" size=\"8\" pattern=\"[0-9]{4}-[0-9]{2}\"> gemeente "
                    "<select name=\"gemeente\"><option value=\"\">hele regio</option>",
                 m.year, m.index);
    for (size_t i = 0; i < jw_profile_gemeente_count(app->profile); i++) {
        const char *c = jw_profile_gemeente_code(app->profile, i);
        jw_ind_textf(o, "<option value=\"%s\"%s>", c, gem && strcmp(gem, c) == 0 ? " selected" : "");
        esc(o, jw_profile_gemeente_name(app->profile, c));
        jw_ind_textf(o, " (%s)</option>", c);
    }
    jw_ind_textf(o, "</select>%s <button type=\"submit\">Toon</button></form>\n",
                 pub ? "" : "<input type=\"hidden\" name=\"view\" value=\"internal\">");

    /* key figures */
    jw_ind_textf(o, "<h2>Kerncijfers</h2>\n<table class=\"report\"><tr><th class=\"l\">indicator</th>"
                    "<th class=\"l\">waarde</th><th>%s</th><th>%s</th><th>%s</th><th>verschil</th>"
                    "<th class=\"l\">verloop (12 mnd)</th></tr>\n",
                 mon, r12, r12prev);
    for (size_t i = 0; i < jw_ind_catalogue_count(); i++) {
        const jw_ind_def_t *d = jw_ind_catalogue(i);
        jw_ind_unit_t u = d->cols[d->headline].unit;
        jw_ind_val_t a, b, c;
        if ((rc = headline(app, d, m, gem, pub, &a)) || (rc = headline(app, d, rm, gem, pub, &b)) ||
            (rc = headline(app, d, rp, gem, pub, &c)))
            return rc;
        jw_nlfmt_value(a, u, v, sizeof v);
        jw_nlfmt_value(b, u, v2, sizeof v2);
        jw_nlfmt_value(c, u, v3, sizeof v3);
        snprintf(v4, sizeof v4, "\xe2\x80\x93");
        if (b.state == JW_IND_V_OK && c.state == JW_IND_V_OK && c.v != 0) {
            char n[32];
            double pct = 100.0 * (b.v - c.v) / fabs(c.v);
            jw_nlfmt_number(pct, 1, n, sizeof n);
            snprintf(v4, sizeof v4, "%s%s %%", pct > 0 ? "+" : "", n);
        }
        jw_ind_textf(o, "<tr><td class=\"l\">%s ", d->id);
        esc(o, d->name);
        jw_ind_textf(o, "</td><td class=\"l\">");
        esc(o, jwi_nl_column(d, (size_t)d->headline));
        jw_ind_textf(o, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"l\">", v, v2, v3, v4);
        jw_ind_query_t q;
        jw_ind_result_t sr;
        memset(&q, 0, sizeof q);
        q.indicator = d->id;
        q.public_ = pub;
        q.series = 'R';
        q.gemeente = gem;
        if ((rc = jw_ind_query(app->ind, &q, &sr, NULL, 0))) return rc;
        /* the trend up to the report's month */
        size_t n = 0;
        for (size_t k = 0; k < sr.n_rows; k++)
            if (sr.rows[k].period.year < m.year || (sr.rows[k].period.year == m.year && sr.rows[k].period.index <= m.index))
                sr.rows[n++] = sr.rows[k];
        sr.n_rows = n;
        jwi_html_sparkline(o, d, &sr);
        jw_ind_result_free(&sr);
        jw_ind_textf(o, "</td></tr>\n");
    }
    jw_ind_textf(o, "</table>\n<p class=\"muted\">De maand telt de gebeurtenissen van die maand; 12 mnd t/m is het "
                    "voortschrijdende jaar; verschil = 12 mnd t/m %s tegenover een jaar eerder.</p>\n", mon);

    /* targets (regional) */
    jw_ind_textf(o, "<h2>Doelen %d (regio)</h2>\n", m.year);
    int any = 0;
    for (size_t i = 0; i < jw_ind_catalogue_count(); i++) {
        const jw_ind_def_t *d = jw_ind_catalogue(i);
        jw_ind_target_t *t = NULL;
        size_t nt = 0;
        if ((rc = jw_ind_targets(app->ind, d, m.year, pub, &t, &nt))) return rc;
        for (size_t k = 0; k < nt; k++) {
            jw_ind_unit_t u = d->cols[t[k].column].unit;
            jw_ind_unit_t gu = u == JW_IND_UNIT_COUNT || u == JW_IND_UNIT_ETMAAL ? JW_IND_UNIT_DAYS : u;
            const char *sl = t[k].t.segment ? jw_profile_segment_label(app->profile, t[k].t.segment) : NULL;
            jw_nlfmt_value(t[k].base, u, v, sizeof v);
            jw_nlfmt_value(t[k].current, u, v2, sizeof v2);
            jw_nlfmt_value(t[k].goal, gu, v3, sizeof v3);
            if (!any)
                jw_ind_textf(o, "<table><tr><th class=\"l\">indicator</th><th class=\"l\">segment</th>"
                                "<th>basiswaarde</th><th>huidig</th><th>doelpad</th><th class=\"l\">status</th></tr>\n");
            jw_ind_textf(o, "<tr><td class=\"l\">%s ", d->id);
            esc(o, d->name);
            jw_ind_textf(o, "</td><td class=\"l\">");
            esc(o, t[k].t.segment ? (sl && sl[0] ? sl : t[k].t.segment) : "totaal");
            jw_ind_textf(o, "</td><td>%s</td><td>%s%s</td><td>%s</td><td class=\"l %s\">%s</td></tr>\n",
                         t[k].t.kind == JW_TARGET_CHANGE || t[k].t.kind == JW_TARGET_RATE ? v : "\xe2\x80\x93", v2,
                         t[k].partial ? "*" : "", v3, status_class(t[k].status), jw_nlfmt_status(t[k].status));
            any = 1;
        }
        free(t);
    }
    if (any) jw_ind_textf(o, "</table>\n");
    else jw_ind_textf(o, "<p class=\"muted\">Het profiel stelt geen doelen.</p>\n");

    /* provider comparison: youths in care and net cost over the rolling year */
    jw_ind_textf(o, "<h2>Vergelijking aanbieders, %s</h2>\n", r12);
    {
        jw_ind_query_t q;
        jw_ind_result_t a, c;
        memset(&q, 0, sizeof q);
        q.indicator = "IND-01";
        q.has_period = 1;
        q.period = rm;
        q.public_ = pub;
        q.gemeente = gem;
        q.by = JW_IND_BY_AANBIEDER;
        if ((rc = jw_ind_query(app->ind, &q, &a, err, errlen))) return rc;
        q.indicator = "IND-17";
        if ((rc = jw_ind_query(app->ind, &q, &c, err, errlen))) {
            jw_ind_result_free(&a);
            return rc;
        }
        const jw_ind_def_t *d1 = jw_ind_find("IND-01"), *d17 = jw_ind_find("IND-17");
        jw_ind_textf(o, "<table><tr><th class=\"l\">aanbieder</th><th>jeugdigen in zorg</th>"
                        "<th>netto gedeclareerd</th></tr>\n");
        for (size_t i = 0; i < a.n_rows; i++) {
            const jw_ind_row_t *row = &a.rows[i];
            jw_ind_val_t cost = {0, JW_IND_V_NA};
            for (size_t k = 0; k < c.n_rows; k++)
                if (c.rows[k].by == row->by && strcmp(c.rows[k].key, row->key) == 0) cost = c.rows[k].v[0];
            jw_nlfmt_value(row->v[d1->headline], d1->cols[d1->headline].unit, v, sizeof v);
            jw_nlfmt_value(cost, d17->cols[0].unit, v2, sizeof v2);
            jw_ind_textf(o, "<tr><td class=\"l\">");
            if (row->by == JW_IND_BY_TOTAL) jw_ind_textf(o, "<b>totaal</b>");
            else {
                if (row->label && row->label[0]) {
                    esc(o, row->label);
                    jw_ind_textf(o, " <span class=\"muted\">");
                    esc(o, row->key);
                    jw_ind_textf(o, "</span>");
                } else {
                    esc(o, row->key);
                }
            }
            jw_ind_textf(o, "</td><td>%s</td><td>%s</td></tr>\n", v, v2);
        }
        jw_ind_textf(o, "</table>\n");
        jw_ind_result_free(&a);
        jw_ind_result_free(&c);
    }
    jw_ind_textf(o, "<p class=\"muted noprint\">Afdrukken of als PDF bewaren: de afdrukfunctie van de browser "
                    "(A4). Per indicator: de indicatorpagina's met Excel-downloads.</p>\n");
    jwi_html_end(o);
    return jw_json_finish(o) ? JW_IND_ENOMEM : 0;
}
