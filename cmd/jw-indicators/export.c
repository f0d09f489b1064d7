/* export.c - downloads people open in Dutch Excel: a CSV with ';', decimal
 * comma and a UTF-8 byte order mark, and an .xlsx workbook (libxlsxwriter)
 * with numbers as numbers and suppressed cells marked "x".
 *
 * The machine CSV (/api/indicators/ID.csv: ',' and decimal point) stays
 * as it is for scripts; these are the analyst's downloads. Server-neutral:
 * jwi_export() fills a buffer, a content type and a file name, and the
 * HTTP layer sends them with Content-Disposition: attachment. */
#include <errno.h>
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

static int render_xlsx(const jw_ind_result_t *r, const jw_profile_t *profile, jw_json_t *o, char *err,
                       size_t errlen)
{
    const jw_ind_def_t *d = r->def;
    char dir[] = "/tmp/jw-xlsx-XXXXXX", path[64], per[16], pernl[40], line[256];
    const char *tmp = getenv("TMPDIR");
    int rc = -1;
    (void)tmp;
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
    {
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
        (void)profile;
    }
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
        rc = render_xlsx(&r, app->profile, out, err, errlen) ? JW_IND_EIO : 0;
    } else {
        *ctype = "text/csv; charset=utf-8";
        render_csv_nl(&r, out);
        rc = jw_json_finish(out) ? JW_IND_ENOMEM : 0;
    }
    jw_ind_result_free(&r);
    return rc;
}
