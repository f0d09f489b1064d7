/* report.c - the monthly report: one printable page per month and
 * gemeente (or the whole region) with the key figures, their trend, the
 * region's targets and the provider comparison, in Dutch. A4 print
 * styles, so a browser's "print to PDF" (or chromium --print-to-pdf)
 * gives the PDF. The figures are computed once (jwi_report_build) and
 * rendered here as the page and in export.c as the workbook. */
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

void jwi_report_free(jwi_report_t *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_keys; i++) jw_ind_result_free(&r->keys[i].trend);
    free(r->keys);
    free(r->targets);
    free(r->prov);
    memset(r, 0, sizeof *r);
}

int jwi_report_build(jwi_t *app, const jwi_params_t *p, jwi_report_t *out, char *err, size_t errlen)
{
    int rc;
    memset(out, 0, sizeof *out);
    out->pub = app->public_ || p->public_;
    out->gem = p->gemeente && p->gemeente[0] ? p->gemeente : NULL;
    if ((rc = jw_ind_status(app->ind, &out->st))) return rc;
    if (p->has_by || p->series || p->aanbieder || p->segment) {
        snprintf(err, errlen, "the monthly report takes period (a month), gemeente and view only");
        return JW_IND_EQUERY;
    }
    if (p->has_period) {
        if (p->period.kind != 'M') {
            snprintf(err, errlen, "the monthly report needs a month: period=2024-03");
            return JW_IND_EQUERY;
        }
        out->m = p->period;
    } else if (out->st.horizon != INT32_MIN) {
        out->m = jw_ind_period_of('M', out->st.horizon);
    } else {
        snprintf(err, errlen, "no data yet");
        return JW_IND_EQUERY;
    }
    const char *gem = out->gem;
    int pub = out->pub;
    jw_ind_period_t m = out->m;
    if (gem && (strlen(gem) != 4 || strspn(gem, "0123456789") != 4)) {
        snprintf(err, errlen, "bad gemeente '%.40s' (a CBS code of 4 digits)", gem);
        return JW_IND_EQUERY;
    }
    out->gname = gem ? jw_profile_gemeente_name(app->profile, gem) : NULL;
    out->rm = (jw_ind_period_t){'R', m.year, m.index};
    out->rp = (jw_ind_period_t){'R', m.year - 1, m.index};

    /* key figures and their trend */
    size_t nk = jw_ind_catalogue_count();
    out->keys = calloc(nk ? nk : 1, sizeof *out->keys);
    if (!out->keys) return JW_IND_ENOMEM;
    for (size_t i = 0; i < nk; i++) {
        jwi_report_key_t *k = &out->keys[i];
        const jw_ind_def_t *d = jw_ind_catalogue(i);
        k->def = d;
        out->n_keys = i + 1;
        if ((rc = headline(app, d, m, gem, pub, &k->month)) || (rc = headline(app, d, out->rm, gem, pub, &k->r12)) ||
            (rc = headline(app, d, out->rp, gem, pub, &k->r12prev)))
            goto fail;
        if (k->r12.state == JW_IND_V_OK && k->r12prev.state == JW_IND_V_OK && k->r12prev.v != 0) {
            k->has_change = 1;
            k->change_pct = 100.0 * (k->r12.v - k->r12prev.v) / fabs(k->r12prev.v);
        }
        jw_ind_query_t q;
        memset(&q, 0, sizeof q);
        q.indicator = d->id;
        q.public_ = pub;
        q.series = 'R';
        q.gemeente = gem;
        if ((rc = jw_ind_query(app->ind, &q, &k->trend, NULL, 0))) goto fail;
        /* the trend up to the report's month */
        jw_ind_result_t *sr = &k->trend;
        size_t n = 0;
        for (size_t j = 0; j < sr->n_rows; j++)
            if (sr->rows[j].period.year < m.year || (sr->rows[j].period.year == m.year && sr->rows[j].period.index <= m.index))
                sr->rows[n++] = sr->rows[j];
        sr->n_rows = n;
    }

    /* targets (regional) */
    for (size_t i = 0; i < nk; i++) {
        const jw_ind_def_t *d = jw_ind_catalogue(i);
        jw_ind_target_t *t = NULL;
        size_t nt = 0;
        if ((rc = jw_ind_targets(app->ind, d, m.year, pub, &t, &nt))) goto fail;
        if (nt) {
            jwi_report_target_t *g = realloc(out->targets, (out->n_targets + nt) * sizeof *g);
            if (!g) {
                free(t);
                rc = JW_IND_ENOMEM;
                goto fail;
            }
            out->targets = g;
            for (size_t k = 0; k < nt; k++) out->targets[out->n_targets + k] = (jwi_report_target_t){d, t[k]};
            out->n_targets += nt;
        }
        free(t);
    }

    /* provider comparison: youths in care and net cost over the rolling year */
    {
        jw_ind_query_t q;
        jw_ind_result_t a, c;
        memset(&q, 0, sizeof q);
        q.indicator = "IND-01";
        q.has_period = 1;
        q.period = out->rm;
        q.public_ = pub;
        q.gemeente = gem;
        q.by = JW_IND_BY_AANBIEDER;
        if ((rc = jw_ind_query(app->ind, &q, &a, err, errlen))) goto fail;
        q.indicator = "IND-17";
        if ((rc = jw_ind_query(app->ind, &q, &c, err, errlen))) {
            jw_ind_result_free(&a);
            goto fail;
        }
        const jw_ind_def_t *d1 = jw_ind_find("IND-01");
        out->prov = calloc(a.n_rows ? a.n_rows : 1, sizeof *out->prov);
        if (!out->prov) rc = JW_IND_ENOMEM;
        for (size_t i = 0; out->prov && i < a.n_rows; i++) {
            jwi_report_prov_t *pr = &out->prov[i];
            pr->row = a.rows[i];
            pr->youths = a.rows[i].v[d1->headline];
            pr->cost = (jw_ind_val_t){0, JW_IND_V_NA};
            for (size_t k = 0; k < c.n_rows; k++)
                if (c.rows[k].by == pr->row.by && strcmp(c.rows[k].key, pr->row.key) == 0) pr->cost = c.rows[k].v[0];
            out->n_prov = i + 1;
        }
        jw_ind_result_free(&a);
        jw_ind_result_free(&c);
        if (rc) goto fail;
    }
    return 0;
fail:
    jwi_report_free(out);
    return rc;
}

/* The report's query string (period, gemeente, view) for links. */
static void report_query(jw_json_t *o, const jwi_report_t *r)
{
    jw_ind_textf(o, "period=%04d-%02d", r->m.year, r->m.index);
    if (r->gem) jw_ind_textf(o, "&amp;gemeente=%s", r->gem); /* 4 digits, checked */
    if (!r->pub) jw_ind_textf(o, "&amp;view=internal");
}

int jwi_html_report(jwi_t *app, const jwi_params_t *p, jw_json_t *o, char *err, size_t errlen)
{
    jwi_report_t rep;
    int rc = jwi_report_build(app, p, &rep, err, errlen);
    if (rc) return rc;
    int pub = rep.pub;
    const char *gem = rep.gem, *gname = rep.gname;
    jw_ind_period_t m = rep.m;
    char title[200], mon[24], r12[40], r12prev[40], v[48], v2[48], v3[48], v4[48];

    jw_nlfmt_period(m, mon, sizeof mon);
    jw_nlfmt_period(rep.rm, r12, sizeof r12);
    jw_nlfmt_period(rep.rp, r12prev, sizeof r12prev);
    snprintf(title, sizeof title, "%s %s %s %s", p->en ? "Monthly report" : "Maandrapportage", mon, "\xe2\x80\x93",
             gem ? (gname ? gname : gem) : p->en ? "region" : "regio");
    jwi_html_begin_lang(o, title, p->en);
    jw_ind_textf(o, "<style>@page{size:A4;margin:14mm}@media print{.nav,.noprint{display:none}"
                    "body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}table,svg{break-inside:avoid}}"
                    "</style>\n");
    {
        jw_json_t q;
        jw_json_init(&q);
        jw_ind_textf(&q, "&amp;");
        report_query(&q, &rep);
        if (!jw_json_finish(&q)) jwi_html_lang_toggle(o, "/rapport", q.buf, p->en);
        jw_json_free(&q);
    }
    jw_ind_textf(o, "<p class=\"nav\"><a href=\"/%s\">&#8592; %s</a></p><h1>",
                 pub ? (p->en ? "?lang=en" : "") : (p->en ? "?view=internal&amp;lang=en" : "?view=internal"),
                 p->en ? "all indicators" : "alle indicatoren");
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
                 jw_ind_period_last(m) > rep.st.horizon ? " <b>Let op:</b> de maand loopt door na de datahorizon." : "",
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
    jw_ind_textf(o, "</select>%s%s <button type=\"submit\">Toon</button></form>\n",
                 pub ? "" : "<input type=\"hidden\" name=\"view\" value=\"internal\">",
                 p->en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "");
    jw_ind_textf(o, "<p class=\"noprint\"><a class=\"xlsx\" href=\"/export/rapport.xlsx?");
    report_query(o, &rep);
    jw_ind_textf(o, "\" download>Download deze rapportage voor Excel (.xlsx)</a></p>\n");

    /* key figures */
    jw_ind_textf(o, "<h2>%s</h2>\n<table class=\"report\"><tr><th class=\"l\">indicator</th>"
                    "<th class=\"l\">waarde</th><th>%s</th><th>%s</th><th>%s</th><th>verschil</th>"
                    "<th class=\"l\">verloop (12 mnd)</th></tr>\n",
                 p->en ? "Key figures" : "Kerncijfers", mon, r12, r12prev);
    for (size_t i = 0; i < rep.n_keys; i++) {
        const jwi_report_key_t *k = &rep.keys[i];
        const jw_ind_def_t *d = k->def;
        jw_ind_unit_t u = d->cols[d->headline].unit;
        jw_nlfmt_value(k->month, u, v, sizeof v);
        jw_nlfmt_value(k->r12, u, v2, sizeof v2);
        jw_nlfmt_value(k->r12prev, u, v3, sizeof v3);
        snprintf(v4, sizeof v4, "\xe2\x80\x93");
        if (k->has_change) {
            char n[32];
            jw_nlfmt_number(k->change_pct, 1, n, sizeof n);
            snprintf(v4, sizeof v4, "%s%s %%", k->change_pct > 0 ? "+" : "", n);
        }
        jw_ind_textf(o, "<tr><td class=\"l\">%s ", d->id);
        esc(o, d->name);
        jw_ind_textf(o, "</td><td class=\"l\">");
        esc(o, jwi_nl_column(d, (size_t)d->headline));
        jw_ind_textf(o, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"l\">", v, v2, v3, v4);
        jwi_html_sparkline(o, d, &k->trend);
        jw_ind_textf(o, "</td></tr>\n");
    }
    jw_ind_textf(o, "</table>\n<p class=\"muted\">De maand telt de gebeurtenissen van die maand; 12 mnd t/m is het "
                    "voortschrijdende jaar; verschil = 12 mnd t/m %s tegenover een jaar eerder.</p>\n", mon);

    /* targets (regional) */
    jw_ind_textf(o, p->en ? "<h2>Targets %d (region)</h2>\n" : "<h2>Doelen %d (regio)</h2>\n", m.year);
    for (size_t k = 0; k < rep.n_targets; k++) {
        const jw_ind_def_t *d = rep.targets[k].def;
        const jw_ind_target_t *t = &rep.targets[k].t;
        jw_ind_unit_t u = d->cols[t->column].unit;
        jw_ind_unit_t gu = u == JW_IND_UNIT_COUNT || u == JW_IND_UNIT_ETMAAL ? JW_IND_UNIT_DAYS : u;
        const char *sl = t->t.segment ? jw_profile_segment_label(app->profile, t->t.segment) : NULL;
        jw_nlfmt_value(t->base, u, v, sizeof v);
        jw_nlfmt_value(t->current, u, v2, sizeof v2);
        jw_nlfmt_value(t->goal, gu, v3, sizeof v3);
        if (k == 0)
            jw_ind_textf(o, "<table><tr><th class=\"l\">indicator</th><th class=\"l\">segment</th>"
                            "<th>basiswaarde</th><th>huidig</th><th>doelpad</th><th class=\"l\">status</th></tr>\n");
        jw_ind_textf(o, "<tr><td class=\"l\">%s ", d->id);
        esc(o, d->name);
        jw_ind_textf(o, "</td><td class=\"l\">");
        esc(o, t->t.segment ? (sl && sl[0] ? sl : t->t.segment) : "totaal");
        jw_ind_textf(o, "</td><td>%s</td><td>%s%s</td><td>%s</td><td class=\"l %s\">%s</td></tr>\n",
                     t->t.kind == JW_TARGET_CHANGE || t->t.kind == JW_TARGET_RATE ? v : "\xe2\x80\x93", v2,
                     t->partial ? "*" : "", v3, status_class(t->status), jw_nlfmt_status(t->status));
    }
    if (rep.n_targets) jw_ind_textf(o, "</table>\n");
    else jw_ind_textf(o, "<p class=\"muted\">Het profiel stelt geen doelen.</p>\n");

    /* provider comparison: youths in care and net cost over the rolling year */
    jw_ind_textf(o, "<h2>%s, %s</h2>\n", p->en ? "Provider comparison" : "Vergelijking aanbieders", r12);
    {
        const jw_ind_def_t *d1 = jw_ind_find("IND-01"), *d17 = jw_ind_find("IND-17");
        jw_ind_textf(o, "<table><tr><th class=\"l\">aanbieder</th><th>jeugdigen in zorg</th><th>");
        esc(o, jwi_nl_column(d17, 0));
        jw_ind_textf(o, "</th></tr>\n");
        for (size_t i = 0; i < rep.n_prov; i++) {
            const jw_ind_row_t *row = &rep.prov[i].row;
            jw_nlfmt_value(rep.prov[i].youths, d1->cols[d1->headline].unit, v, sizeof v);
            jw_nlfmt_value(rep.prov[i].cost, d17->cols[0].unit, v2, sizeof v2);
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
    }
    jw_ind_textf(o, "<p class=\"muted noprint\">Afdrukken of als PDF bewaren: de afdrukfunctie van de browser "
                    "(A4). Per indicator: de indicatorpagina's met Excel-downloads.</p>\n");
    jwi_html_end(o);
    jwi_report_free(&rep);
    return jw_json_finish(o) ? JW_IND_ENOMEM : 0;
}
