/* export.c - downloads people open in Dutch Excel: a CSV with ';', decimal
 * comma and a UTF-8 byte order mark, and an .xlsx workbook (libxlsxwriter)
 * with numbers as numbers and suppressed cells marked "x"; and the
 * monthly report (report.c) as a workbook of four sheets.
 *
 * The machine CSV (/api/indicators/ID.csv: ',' and decimal point) stays
 * as it is for scripts; these are the analyst's downloads. Server-neutral:
 * jwi_export() fills a buffer, a content type and a file name, and the
 * HTTP layer sends them with Content-Disposition: attachment. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "jwi.h"
#include "nlfmt/nlfmt.h"

/* A cell for Dutch Excel: quoted when it holds ';', '"' or a line end. */
static void csv_cell(jw_json_t *o, const char *s)
{
    if (strpbrk(s, ";\"\r\n")) {
        jw_json_raw(o, "\"", 1);
        for (const char *p = s; *p; p++) {
            if (*p == '"') jw_json_raw(o, "\"", 1);
            jw_json_raw(o, p, 1);
        }
        jw_json_raw(o, "\"", 1);
    } else {
        jw_json_raw(o, s, strlen(s));
    }
}

static int decimals_of(jw_ind_unit_t u)
{
    return u == JW_IND_UNIT_COUNT || u == JW_IND_UNIT_ETMAAL ? 0 : 2;
}

/* The value as published: the JSON and CSV outputs print it with the
 * unit's decimals (pkg/indicators/render.c), so the workbook stores the
 * same rounded number rather than the unrounded double (a per-youth amount
 * of 11566.685 is 11566.69 everywhere). */
static double published(double v, jw_ind_unit_t u)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals_of(u), v);
    return strtod(buf, NULL);
}

static const char *row_name(const jw_ind_row_t *row)
{
    if (row->by == JW_IND_BY_TOTAL) return "totaal";
    return row->label && row->label[0] ? row->label : row->key;
}

static void render_csv_nl(const jw_ind_result_t *r, jw_json_t *o)
{
    const jw_ind_def_t *d = r->def;
    char per[16], pernl[40], v[64];
    jw_json_raw(o, "\xef\xbb\xbf", 3); /* UTF-8 BOM: Excel then reads the text as UTF-8 */
    jw_ind_textf(o, "indicator;periode;periodecode;lopend;uitsplitsing;code;naam");
    for (size_t c = 0; c < d->n_cols; c++) {
        jw_json_raw(o, ";", 1);
        csv_cell(o, jwi_nl_column(d, c));
    }
    jw_ind_textf(o, "\r\n");
    for (size_t i = 0; i < r->n_rows; i++) {
        const jw_ind_row_t *row = &r->rows[i];
        jw_ind_period_format(row->period, per);
        jw_nlfmt_period(row->period, pernl, sizeof pernl);
        jw_ind_textf(o, "%s;%s;%s;%s;%s;", d->id, pernl, per, row->partial ? "ja" : "nee", jw_nlfmt_by(row->by));
        csv_cell(o, row->key);
        jw_json_raw(o, ";", 1);
        csv_cell(o, row_name(row));
        for (size_t c = 0; c < d->n_cols; c++) {
            jw_json_raw(o, ";", 1);
            if (row->v[c].state == JW_IND_V_OK) {
                jw_nlfmt_plain(row->v[c].v, decimals_of(d->cols[c].unit), v, sizeof v);
                jw_json_raw(o, v, strlen(v));
            } else if (row->v[c].state == JW_IND_V_SUPPRESSED) {
                jw_json_raw(o, "x", 1);
            }
        }
        jw_ind_textf(o, "\r\n");
    }
}

/* ---- .xlsx ---- */

static int read_file(const char *path, jw_json_t *o)
{
    FILE *f = fopen(path, "rb");
    char buf[65536];
    size_t n;
    if (!f) return -1;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) jw_json_raw(o, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad || o->failed ? -1 : 0;
}

static const char *num_format(jw_ind_unit_t u)
{
    switch (u) {
    case JW_IND_UNIT_COUNT:
    case JW_IND_UNIT_ETMAAL: return "#,##0";
    case JW_IND_UNIT_EUR: return "\xe2\x82\xac #,##0.00";
    default: return "#,##0.00";
    }
}

/* Write a workbook filled by fill(wb, ctx) into o: libxlsxwriter writes to
 * a file, so it goes through a private temporary directory that is removed
 * again. Returns 0, or -1 with err set. */
static int write_workbook(void (*fill)(lxw_workbook *, const void *), const void *ctx, jw_json_t *o,
                          char *err, size_t errlen)
{
    char dir[] = "/tmp/jw-xlsx-XXXXXX", path[64];
    int rc = -1;
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a temporary directory: %s", strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = dir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        snprintf(err, errlen, "cannot create the workbook");
        goto out;
    }
    fill(wb, ctx);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        snprintf(err, errlen, "cannot write the workbook: %s", lxw_strerror(e));
        goto out;
    }
    if (read_file(path, o)) {
        snprintf(err, errlen, "cannot read the workbook back");
        goto out;
    }
    rc = 0;
out:
    unlink(path);
    rmdir(dir);
    return rc;
}

/* One indicator as a sheet: ctx is the query result. */
static void indicator_sheet(lxw_workbook *wb, const void *ctx)
{
    const jw_ind_result_t *r = ctx;
    const jw_ind_def_t *d = r->def;
    char per[16], pernl[40], line[256];
    char sheet[32];
    snprintf(sheet, sizeof sheet, "%s", d->id);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xF3F3F3);
    format_set_text_wrap(head);
    lxw_format *grey = workbook_add_format(wb);
    format_set_font_color(grey, 0x888888);
    format_set_align(grey, LXW_ALIGN_RIGHT);
    lxw_format *nf[JW_IND_MAX_COLS];
    for (size_t c = 0; c < d->n_cols; c++) {
        nf[c] = workbook_add_format(wb);
        format_set_num_format(nf[c], num_format(d->cols[c].unit));
    }
    snprintf(line, sizeof line, "%s %s", d->id, d->name);
    worksheet_write_string(ws, 0, 0, line, bold);
    snprintf(line, sizeof line, "Profiel %s; gegevens t/m %s%s", r->status.profile, "", "");
    {
        char hz[40] = "\xe2\x80\x93";
        if (r->status.horizon != JW_DATE_NONE) {
            int y, m, dd;
            jw_date_to_ymd(r->status.horizon, &y, &m, &dd);
            snprintf(hz, sizeof hz, "%d %s %d", dd, jw_nlfmt_month_abbr(m), y);
        }
        snprintf(line, sizeof line, "Profiel %s; gegevens t/m %s%s", r->status.profile, hz,
                 r->public_ ? "; publieksweergave (kleine aantallen onderdrukt)" : "");
    }
    worksheet_write_string(ws, 1, 0, line, NULL);
    /* the header on row 4 (index 3), data from row 5 */
    static const char *fixed[] = {"periode", "periodecode", "lopend", "uitsplitsing", "code", "naam"};
    for (int c = 0; c < 6; c++) worksheet_write_string(ws, 3, (lxw_col_t)c, fixed[c], head);
    for (size_t c = 0; c < d->n_cols; c++)
        worksheet_write_string(ws, 3, (lxw_col_t)(6 + c), jwi_nl_column(d, c), head);
    for (size_t i = 0; i < r->n_rows; i++) {
        const jw_ind_row_t *row = &r->rows[i];
        lxw_row_t y = (lxw_row_t)(4 + i);
        jw_ind_period_format(row->period, per);
        jw_nlfmt_period(row->period, pernl, sizeof pernl);
        worksheet_write_string(ws, y, 0, pernl, NULL);
        worksheet_write_string(ws, y, 1, per, NULL);
        worksheet_write_string(ws, y, 2, row->partial ? "ja" : "nee", NULL);
        worksheet_write_string(ws, y, 3, jw_nlfmt_by(row->by), NULL);
        worksheet_write_string(ws, y, 4, row->key, NULL);
        worksheet_write_string(ws, y, 5, row_name(row), NULL);
        for (size_t c = 0; c < d->n_cols; c++) {
            lxw_col_t x = (lxw_col_t)(6 + c);
            if (row->v[c].state == JW_IND_V_OK) worksheet_write_number(ws, y, x, published(row->v[c].v, d->cols[c].unit), nf[c]);
            else if (row->v[c].state == JW_IND_V_SUPPRESSED) worksheet_write_string(ws, y, x, "x", grey);
        }
    }
    lxw_row_t foot = (lxw_row_t)(5 + r->n_rows);
    worksheet_write_string(ws, foot, 0,
                           "x = onderdrukt (kleine aantallen); leeg = geen waarde; "
                           "lopend = de periode loopt door na de datahorizon", NULL);
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 4, 12, NULL);
    worksheet_set_column(ws, 5, 5, 30, NULL);
    worksheet_set_column(ws, 6, (lxw_col_t)(5 + d->n_cols), 16, NULL);
    worksheet_freeze_panes(ws, 4, 0);
}

/* ---- the monthly report as a workbook ---- */

/* A value as a cell: a number (rounded as published, in the unit's
 * format), "x" when suppressed, nothing when there is no value. */
static void put_val(lxw_worksheet *ws, lxw_row_t y, lxw_col_t x, jw_ind_val_t v, jw_ind_unit_t u, lxw_format *nf,
                    lxw_format *grey)
{
    if (v.state == JW_IND_V_OK) worksheet_write_number(ws, y, x, published(v.v, u), nf);
    else if (v.state == JW_IND_V_SUPPRESSED) worksheet_write_string(ws, y, x, "x", grey);
}

/* Number formats per unit, made once per workbook. */
typedef struct {
    lxw_format *unit[JW_IND_UNIT_PER1000 + 1], *pct1, *bold, *head, *grey;
} rep_fmt_t;

static void rep_formats(lxw_workbook *wb, rep_fmt_t *f)
{
    for (int u = 0; u <= JW_IND_UNIT_PER1000; u++) {
        f->unit[u] = workbook_add_format(wb);
        format_set_num_format(f->unit[u], num_format((jw_ind_unit_t)u));
    }
    f->pct1 = workbook_add_format(wb);
    format_set_num_format(f->pct1, "+0.0;-0.0;0.0");
    f->bold = workbook_add_format(wb);
    format_set_bold(f->bold);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_bg_color(f->head, 0xF3F3F3);
    format_set_text_wrap(f->head);
    f->grey = workbook_add_format(wb);
    format_set_font_color(f->grey, 0x888888);
    format_set_align(f->grey, LXW_ALIGN_RIGHT);
}

static void rep_sheet_head(lxw_worksheet *ws, const rep_fmt_t *f, const char *title, const char *sub)
{
    worksheet_write_string(ws, 0, 0, title, f->bold);
    worksheet_write_string(ws, 1, 0, sub, NULL);
}

/* Four sheets, each with its header on row 4 (index 3): Kerncijfers (as
 * the page's table, "verschil %" as a number), Verloop (the headline per
 * rolling year: row 3 holds the period codes, row 4 the Dutch names),
 * Doelen and Aanbieders. */
static void render_report_sheets(lxw_workbook *wb, const jwi_report_t *rep, const jw_profile_t *profile)
{
    rep_fmt_t f;
    char title[200], sub[300], mon[24], r12[40], r12prev[40], per[16], hz[40] = "\xe2\x80\x93";
    rep_formats(wb, &f);
    jw_nlfmt_period(rep->m, mon, sizeof mon);
    jw_nlfmt_period(rep->rm, r12, sizeof r12);
    jw_nlfmt_period(rep->rp, r12prev, sizeof r12prev);
    if (rep->st.horizon != JW_DATE_NONE) {
        int y, m, d;
        jw_date_to_ymd(rep->st.horizon, &y, &m, &d);
        snprintf(hz, sizeof hz, "%d %s %d", d, jw_nlfmt_month_abbr(m), y);
    }
    snprintf(title, sizeof title, "Maandrapportage %s \xe2\x80\x93 %s", mon,
             rep->gem ? (rep->gname ? rep->gname : rep->gem) : "regio");
    char who[120] = "de hele regio";
    if (rep->gem) snprintf(who, sizeof who, "gemeente %s (%s)", rep->gname ? rep->gname : rep->gem, rep->gem);
    snprintf(sub, sizeof sub, "Profiel %s; %s; gegevens t/m %s%s", jw_profile_name(profile), who, hz,
             rep->pub ? "; publieksweergave (kleine aantallen onderdrukt)" : "");

    /* Kerncijfers */
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Kerncijfers");
    rep_sheet_head(ws, &f, title, sub);
    const char *kh[] = {"indicator", "naam", "waarde", mon, r12, r12prev, "verschil %"};
    for (int c = 0; c < 7; c++) worksheet_write_string(ws, 3, (lxw_col_t)c, kh[c], f.head);
    for (size_t i = 0; i < rep->n_keys; i++) {
        const jwi_report_key_t *k = &rep->keys[i];
        jw_ind_unit_t u = k->def->cols[k->def->headline].unit;
        lxw_row_t y = (lxw_row_t)(4 + i);
        worksheet_write_string(ws, y, 0, k->def->id, NULL);
        worksheet_write_string(ws, y, 1, k->def->name, NULL);
        worksheet_write_string(ws, y, 2, jwi_nl_column(k->def, (size_t)k->def->headline), NULL);
        put_val(ws, y, 3, k->month, u, f.unit[u], f.grey);
        put_val(ws, y, 4, k->r12, u, f.unit[u], f.grey);
        put_val(ws, y, 5, k->r12prev, u, f.unit[u], f.grey);
        if (k->has_change) worksheet_write_number(ws, y, 6, round(k->change_pct * 10) / 10, f.pct1);
    }
    worksheet_write_string(ws, (lxw_row_t)(5 + rep->n_keys), 0,
                           "De maand telt de gebeurtenissen van die maand; 12 mnd t/m is het voortschrijdende jaar; "
                           "verschil % = 12 mnd t/m tegenover een jaar eerder. x = onderdrukt (kleine aantallen); "
                           "leeg = geen waarde.", NULL);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 2, 30, NULL);
    worksheet_set_column(ws, 3, 6, 16, NULL);
    worksheet_freeze_panes(ws, 4, 0);

    /* Verloop: the union of the trend periods, in order (each series is
     * sorted; the rolling periods end with the report's month) */
    ws = workbook_add_worksheet(wb, "Verloop");
    snprintf(title, sizeof title, "Verloop (12 mnd t/m), tot en met %s", mon);
    rep_sheet_head(ws, &f, title, sub);
    worksheet_write_string(ws, 2, 0, "periodecode", f.grey);
    worksheet_write_string(ws, 3, 0, "indicator", f.head);
    worksheet_write_string(ws, 3, 1, "waarde", f.head);
    jw_ind_period_t first = rep->rm;
    int have = 0;
    for (size_t i = 0; i < rep->n_keys; i++)
        if (rep->keys[i].trend.n_rows) {
            jw_ind_period_t p0 = rep->keys[i].trend.rows[0].period;
            if (!have || p0.year < first.year || (p0.year == first.year && p0.index < first.index)) first = p0;
            have = 1;
        }
    /* columns: first .. the report's month, one per rolling year */
    size_t ncol = have ? (size_t)((rep->rm.year - first.year) * 12 + rep->rm.index - first.index + 1) : 0;
    jw_ind_period_t pp = first;
    for (size_t c = 0; c < ncol; c++, pp = jw_ind_period_next(pp)) {
        char nl[40];
        jw_ind_period_format(pp, per);
        jw_nlfmt_period(pp, nl, sizeof nl);
        worksheet_write_string(ws, 2, (lxw_col_t)(2 + c), per, f.grey);
        worksheet_write_string(ws, 3, (lxw_col_t)(2 + c), nl, f.head);
    }
    for (size_t i = 0; i < rep->n_keys; i++) {
        const jwi_report_key_t *k = &rep->keys[i];
        jw_ind_unit_t u = k->def->cols[k->def->headline].unit;
        lxw_row_t y = (lxw_row_t)(4 + i);
        worksheet_write_string(ws, y, 0, k->def->id, NULL);
        worksheet_write_string(ws, y, 1, jwi_nl_column(k->def, (size_t)k->def->headline), NULL);
        for (size_t j = 0; j < k->trend.n_rows; j++) {
            jw_ind_period_t p = k->trend.rows[j].period;
            long c = (long)(p.year - first.year) * 12 + p.index - first.index;
            if (c < 0 || (size_t)c >= ncol) continue;
            put_val(ws, y, (lxw_col_t)(2 + c), k->trend.rows[j].v[k->def->headline], u, f.unit[u], f.grey);
        }
    }
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 30, NULL);
    if (ncol) worksheet_set_column(ws, 2, (lxw_col_t)(1 + ncol), 14, NULL);
    worksheet_freeze_panes(ws, 4, 2);

    /* Doelen (regional) */
    ws = workbook_add_worksheet(wb, "Doelen");
    snprintf(title, sizeof title, "Doelen %d (regio)", rep->m.year);
    rep_sheet_head(ws, &f, title, sub);
    const char *th[] = {"indicator", "naam", "segment", "basiswaarde", "huidig", "doelpad", "status", "lopend"};
    for (int c = 0; c < 8; c++) worksheet_write_string(ws, 3, (lxw_col_t)c, th[c], f.head);
    for (size_t k = 0; k < rep->n_targets; k++) {
        const jw_ind_def_t *d = rep->targets[k].def;
        const jw_ind_target_t *t = &rep->targets[k].t;
        jw_ind_unit_t u = d->cols[t->column].unit;
        jw_ind_unit_t gu = u == JW_IND_UNIT_COUNT || u == JW_IND_UNIT_ETMAAL ? JW_IND_UNIT_DAYS : u;
        const char *sl = t->t.segment ? jw_profile_segment_label(profile, t->t.segment) : NULL;
        lxw_row_t y = (lxw_row_t)(4 + k);
        worksheet_write_string(ws, y, 0, d->id, NULL);
        worksheet_write_string(ws, y, 1, d->name, NULL);
        worksheet_write_string(ws, y, 2, t->t.segment ? (sl && sl[0] ? sl : t->t.segment) : "totaal", NULL);
        if (t->t.kind == JW_TARGET_CHANGE || t->t.kind == JW_TARGET_RATE) put_val(ws, y, 3, t->base, u, f.unit[u], f.grey);
        put_val(ws, y, 4, t->current, u, f.unit[u], f.grey);
        put_val(ws, y, 5, t->goal, gu, f.unit[gu], f.grey);
        worksheet_write_string(ws, y, 6, jw_nlfmt_status(t->status), NULL);
        worksheet_write_string(ws, y, 7, t->partial ? "ja" : "nee", NULL);
    }
    worksheet_write_string(ws, (lxw_row_t)(5 + rep->n_targets), 0,
                           rep->n_targets ? "doelpad = de waarde die het doel voor dit jaar vraagt; lopend = het jaar "
                                            "loopt door na de datahorizon."
                                          : "Het profiel stelt geen doelen.",
                           NULL);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 2, 28, NULL);
    worksheet_set_column(ws, 3, 7, 14, NULL);
    worksheet_freeze_panes(ws, 4, 0);

    /* Aanbieders */
    ws = workbook_add_worksheet(wb, "Aanbieders");
    snprintf(title, sizeof title, "Vergelijking aanbieders, %s", r12);
    rep_sheet_head(ws, &f, title, sub);
    const jw_ind_def_t *d1 = jw_ind_find("IND-01"), *d17 = jw_ind_find("IND-17");
    jw_ind_unit_t u1 = d1->cols[d1->headline].unit, u17 = d17->cols[0].unit;
    const char *ah[] = {"code", "aanbieder", "jeugdigen in zorg", jwi_nl_column(d17, 0)};
    for (int c = 0; c < 4; c++) worksheet_write_string(ws, 3, (lxw_col_t)c, ah[c], f.head);
    for (size_t i = 0; i < rep->n_prov; i++) {
        const jwi_report_prov_t *pr = &rep->prov[i];
        lxw_row_t y = (lxw_row_t)(4 + i);
        if (pr->row.by != JW_IND_BY_TOTAL) worksheet_write_string(ws, y, 0, pr->row.key, NULL);
        worksheet_write_string(ws, y, 1, row_name(&pr->row), pr->row.by == JW_IND_BY_TOTAL ? f.bold : NULL);
        put_val(ws, y, 2, pr->youths, u1, f.unit[u1], f.grey);
        put_val(ws, y, 3, pr->cost, u17, f.unit[u17], f.grey);
    }
    worksheet_write_string(ws, (lxw_row_t)(5 + rep->n_prov), 0,
                           "x = onderdrukt (kleine aantallen); leeg = geen waarde", NULL);
    worksheet_set_column(ws, 0, 0, 12, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 2, 3, 18, NULL);
    worksheet_freeze_panes(ws, 4, 0);
}

typedef struct {
    const jwi_report_t *rep;
    const jw_profile_t *profile;
} report_ctx_t;

static void report_sheets(lxw_workbook *wb, const void *ctx)
{
    const report_ctx_t *c = ctx;
    render_report_sheets(wb, c->rep, c->profile);
}

static int export_report(jwi_t *app, int xlsx, const jwi_params_t *p, jw_json_t *out, const char **ctype,
                         char *fname, size_t fcap, char *err, size_t errlen)
{
    jwi_report_t rep;
    if (!xlsx) {
        snprintf(err, errlen, "the monthly report downloads as /export/rapport.xlsx");
        return JW_IND_ENOTFOUND;
    }
    int rc = jwi_report_build(app, p, &rep, err, errlen);
    if (rc) return rc;
    /* jw-rapport-zhz-2024-06-0505.xlsx (the gemeente is 4 digits, checked) */
    snprintf(fname, fcap, "jw-rapport-%s-%04d-%02d-%s.xlsx", jw_profile_name(app->profile), rep.m.year, rep.m.index,
             rep.gem ? rep.gem : "regio");
    *ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    report_ctx_t rc_ctx = {&rep, app->profile};
    rc = write_workbook(report_sheets, &rc_ctx, out, err, errlen) ? JW_IND_EIO : 0;
    jwi_report_free(&rep);
    return rc;
}

int jwi_export(jwi_t *app, const char *what, const jwi_params_t *p, jw_json_t *out, const char **ctype,
               char *fname, size_t fcap, char *err, size_t errlen)
{
    char id[32];
    const char *dot = strrchr(what, '.');
    int xlsx;
    if (!dot || strchr(what, '/') || (size_t)(dot - what) >= sizeof id) {
        snprintf(err, errlen, "no such download (use /export/IND-01.xlsx or /export/IND-01.csv)");
        return JW_IND_ENOTFOUND;
    }
    if (strcmp(dot, ".xlsx") == 0) xlsx = 1;
    else if (strcmp(dot, ".csv") == 0) xlsx = 0;
    else {
        snprintf(err, errlen, "no such download format '%.10s' (use .xlsx or .csv)", dot);
        return JW_IND_ENOTFOUND;
    }
    memcpy(id, what, (size_t)(dot - what));
    id[dot - what] = '\0';
    if (strcmp(id, "rapport") == 0) return export_report(app, xlsx, p, out, ctype, fname, fcap, err, errlen);

    jw_ind_query_t q;
    jw_ind_result_t r;
    memset(&q, 0, sizeof q);
    q.indicator = id;
    q.has_period = p->has_period;
    q.period = p->period;
    q.series = p->series;
    q.by = p->has_by ? p->by : JW_IND_BY_TOTAL;
    q.public_ = app->public_ || p->public_;
    q.gemeente = p->gemeente;
    q.aanbieder = p->aanbieder;
    q.segment = p->segment;
    int rc = jw_ind_query(app->ind, &q, &r, err, errlen);
    if (rc) return rc;
    /* file name: jw-IND-02-twente-2024.xlsx, -jaar.xlsx for a series */
    char per[16] = "";
    static const char kinds[] = "YHQMR";
    static const char *kn[] = {"jaar", "halfjaar", "kwartaal", "maand", "12mnd"};
    if (p->has_period) jw_ind_period_format(p->period, per);
    else {
        const char *k = strchr(kinds, p->series ? p->series : 'Y');
        snprintf(per, sizeof per, "%s", k ? kn[k - kinds] : "jaar");
    }
    /* slicer values are codes or segment names; anything else is left out of the name */
    char sl[120] = "";
    const char *fv[3] = {p->gemeente, p->aanbieder, p->segment};
    for (int i = 0; i < 3; i++)
        if (fv[i] && fv[i][0] && strlen(fv[i]) <= 32 &&
            strspn(fv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(fv[i])) {
            size_t l = strlen(sl);
            snprintf(sl + l, sizeof sl - l, "-%s", fv[i]);
        }
    snprintf(fname, fcap, "jw-%s-%s-%s%s%s%s.%s", r.def->id, jw_profile_name(app->profile), per, sl,
             q.by != JW_IND_BY_TOTAL ? "-per-" : "", q.by != JW_IND_BY_TOTAL ? jw_ind_by_name(q.by) : "",
             xlsx ? "xlsx" : "csv");
    if (xlsx) {
        *ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        rc = write_workbook(indicator_sheet, &r, out, err, errlen) ? JW_IND_EIO : 0;
    } else {
        *ctype = "text/csv; charset=utf-8";
        render_csv_nl(&r, out);
        rc = jw_json_finish(out) ? JW_IND_ENOMEM : 0;
    }
    jw_ind_result_free(&r);
    return rc;
}
