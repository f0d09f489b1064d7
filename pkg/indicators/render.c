/* render.c - results as an aligned table, CSV or JSON. */
#include "indicators/ind_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_ind_textf(jw_json_t *out, const char *fmt, ...)
{
    char small[256];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        jw_json_raw(out, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            jw_json_raw(out, big, (size_t)n);
            free(big);
        } else {
            out->failed = 1;
        }
    }
    va_end(ap2);
}

const char *jw_ind_by_name(jw_ind_by_t by)
{
    static const char *names[] = {"total", "gemeente", "aanbieder", "segment"};
    return by >= JW_IND_BY_TOTAL && by <= JW_IND_BY_SEGMENT ? names[by] : "?";
}

int jw_ind_by_parse(const char *s, jw_ind_by_t *out)
{
    for (int i = 0; i <= JW_IND_BY_SEGMENT; i++)
        if (s && strcmp(s, jw_ind_by_name((jw_ind_by_t)i)) == 0) {
            *out = (jw_ind_by_t)i;
            return 0;
        }
    return -1;
}

static const char *unit_name(jw_ind_unit_t u)
{
    switch (u) {
    case JW_IND_UNIT_COUNT: return "count";
    case JW_IND_UNIT_PERCENT: return "percent";
    case JW_IND_UNIT_DAYS: return "days";
    case JW_IND_UNIT_EUR: return "eur";
    case JW_IND_UNIT_ETMAAL: return "etmalen";
    case JW_IND_UNIT_PER1000: return "per_1000";
    }
    return "?";
}

static void number(double v, jw_ind_unit_t unit, char *buf, size_t cap)
{
    if (unit == JW_IND_UNIT_COUNT || unit == JW_IND_UNIT_ETMAAL) snprintf(buf, cap, "%.0f", v);
    else snprintf(buf, cap, "%.2f", v);
}

void jw_ind_format_value(jw_ind_val_t v, jw_ind_unit_t unit, char *buf, size_t cap)
{
    if (v.state == JW_IND_V_SUPPRESSED) snprintf(buf, cap, "x");
    else if (v.state == JW_IND_V_NA) snprintf(buf, cap, "-");
    else number(v.v, unit, buf, cap);
}

static const char *kind_name(jw_target_kind_t k)
{
    switch (k) {
    case JW_TARGET_CHANGE: return "change";
    case JW_TARGET_RATE: return "rate";
    case JW_TARGET_MAX: return "max";
    case JW_TARGET_MIN: return "min";
    }
    return "?";
}

static const char *tunit_name(jw_target_unit_t u)
{
    switch (u) {
    case JW_TARGET_UNIT_PERCENT: return "percent";
    case JW_TARGET_UNIT_COUNT: return "count";
    case JW_TARGET_UNIT_DAYS: return "days";
    case JW_TARGET_UNIT_EUR: return "eur";
    }
    return "?";
}

/* "-30% base 2024 by 2027", "min 90%", ... */
static void target_text(const jw_profile_target_t *t, char *buf, size_t cap)
{
    char by[16] = "", base[16] = "";
    const char *u = t->unit == JW_TARGET_UNIT_PERCENT ? "%" : t->unit == JW_TARGET_UNIT_DAYS ? "d"
                    : t->unit == JW_TARGET_UNIT_EUR ? " eur" : "";
    if (t->base_year) snprintf(base, sizeof base, " base %d", t->base_year);
    if (t->target_year) snprintf(by, sizeof by, " by %d", t->target_year);
    switch (t->kind) {
    case JW_TARGET_CHANGE: snprintf(buf, cap, "%+g%%%s%s", t->value, base, by); break;
    case JW_TARGET_RATE: snprintf(buf, cap, "%+g%%/y%s%s", t->value, base, by); break;
    case JW_TARGET_MAX: snprintf(buf, cap, "max %g%s%s", t->value, u, by); break;
    case JW_TARGET_MIN: snprintf(buf, cap, "min %g%s%s", t->value, u, by); break;
    }
}

static void fmt_date(jw_date_t d, char buf[11])
{
    if (d == IND_NONE32) buf[0] = '\0';
    else jw_date_format(d, buf);
}

/* ---- table ---- */

static void pad(jw_json_t *o, const char *s, size_t w, int right)
{
    size_t n = strlen(s);
    if (right)
        for (size_t i = n; i < w; i++) jw_json_raw(o, " ", 1);
    jw_json_raw(o, s, n);
    if (!right)
        for (size_t i = n; i < w; i++) jw_json_raw(o, " ", 1);
}

static void render_table(const jw_ind_result_t *r, jw_json_t *o)
{
    const jw_ind_def_t *d = r->def;
    char hz[11], v[48], per[16], tt[64];
    size_t w[JW_IND_MAX_COLS + 2];
    fmt_date(r->status.horizon, hz);
    jw_ind_textf(o, "%s %s (%s)\nprofile %s, data to %s%s\n\n", d->id, d->name, d->name_en,
                 r->status.profile, hz[0] ? hz : "(no data)",
                 r->public_ ? ", published: counts below the threshold shown as x" : "");
    w[0] = 10;
    w[1] = 9;
    for (size_t c = 0; c < d->n_cols; c++) w[c + 2] = strlen(d->cols[c].name) > 8 ? strlen(d->cols[c].name) : 8;
    for (size_t i = 0; i < r->n_rows; i++) {
        size_t kl = strlen(r->rows[i].key);
        if (kl > w[1]) w[1] = kl;
    }
    pad(o, "period", w[0] + 2, 0);
    pad(o, r->n_rows && r->rows[r->n_rows - 1].by != JW_IND_BY_TOTAL ? jw_ind_by_name(r->rows[r->n_rows - 1].by) : "", w[1] + 2, 0);
    for (size_t c = 0; c < d->n_cols; c++) {
        pad(o, d->cols[c].name, w[c + 2], 1);
        jw_json_raw(o, "  ", 2);
    }
    jw_json_raw(o, "\n", 1);
    for (size_t i = 0; i < r->n_rows; i++) {
        const jw_ind_row_t *row = &r->rows[i];
        jw_ind_period_format(row->period, per);
        if (row->partial) strcat(per, "*");
        pad(o, per, w[0] + 2, 0);
        pad(o, row->by == JW_IND_BY_TOTAL ? "total" : row->key, w[1] + 2, 0);
        for (size_t c = 0; c < d->n_cols; c++) {
            jw_ind_format_value(row->v[c], d->cols[c].unit, v, sizeof v);
            pad(o, v, w[c + 2], 1);
            jw_json_raw(o, "  ", 2);
        }
        jw_json_raw(o, "\n", 1);
    }
    if (r->n_rows == 0) jw_ind_textf(o, "(no rows)\n");
    else jw_ind_textf(o, "(* = the period runs past the data horizon; x = suppressed; - = no value)\n");
    if (r->n_targets) jw_ind_textf(o, "\ntargets (%d):\n", r->targets[0].year);
    for (size_t i = 0; i < r->n_targets; i++) {
        const jw_ind_target_t *t = &r->targets[i];
        jw_ind_unit_t u = d->cols[t->column].unit;
        char b[48], c[48], g[48];
        target_text(&t->t, tt, sizeof tt);
        jw_ind_format_value(t->base, u, b, sizeof b);
        jw_ind_format_value(t->current, u, c, sizeof c);
        /* a goal is a computed value: two decimals even for a count */
        jw_ind_format_value(t->goal, JW_IND_UNIT_DAYS, g, sizeof g);
        jw_ind_textf(o, "  %s %s: %s on %s; ", d->id, t->t.segment ? t->t.segment : "total", tt,
                     d->cols[t->column].name);
        if (t->t.kind == JW_TARGET_CHANGE || t->t.kind == JW_TARGET_RATE)
            jw_ind_textf(o, "base %d = %s; ", t->base_year, b);
        jw_ind_textf(o, "%d = %s%s, goal %s: %s\n", t->year, c, t->partial ? " (partial year)" : "", g,
                     jw_ind_tstatus_name(t->status));
    }
}

/* ---- CSV ---- */

static void csv_field(jw_json_t *o, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
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

static void render_csv(const jw_ind_result_t *r, jw_json_t *o)
{
    const jw_ind_def_t *d = r->def;
    char per[16], v[48];
    jw_ind_textf(o, "indicator,period,partial,by,key,label");
    for (size_t c = 0; c < d->n_cols; c++) jw_ind_textf(o, ",%s", d->cols[c].name);
    jw_ind_textf(o, ",suppressed\r\n");
    for (size_t i = 0; i < r->n_rows; i++) {
        const jw_ind_row_t *row = &r->rows[i];
        jw_ind_period_format(row->period, per);
        jw_ind_textf(o, "%s,%s,%d,%s,", d->id, per, row->partial, jw_ind_by_name(row->by));
        csv_field(o, row->key);
        jw_json_raw(o, ",", 1);
        csv_field(o, row->label && row->label[0] ? row->label : row->key);
        for (size_t c = 0; c < d->n_cols; c++) {
            jw_json_raw(o, ",", 1);
            if (row->v[c].state == JW_IND_V_OK) {
                number(row->v[c].v, d->cols[c].unit, v, sizeof v);
                jw_json_raw(o, v, strlen(v));
            }
        }
        jw_json_raw(o, ",", 1);
        int first = 1;
        for (size_t c = 0; c < d->n_cols; c++)
            if (row->v[c].state == JW_IND_V_SUPPRESSED) {
                jw_ind_textf(o, "%s%s", first ? "" : ";", d->cols[c].name);
                first = 0;
            }
        jw_ind_textf(o, "\r\n");
    }
}

/* ---- JSON ---- */

static void json_val(jw_json_t *o, jw_ind_val_t v, jw_ind_unit_t unit)
{
    char b[48];
    if (v.state != JW_IND_V_OK) {
        jw_json_raw(o, "null", 4);
        return;
    }
    number(v.v, unit, b, sizeof b);
    jw_json_raw(o, b, strlen(b));
}

static void json_str(jw_json_t *o, const char *s)
{
    if (s) jw_json_string_value(o, s);
    else jw_json_raw(o, "null", 4);
}

static void render_json(const jw_ind_result_t *r, jw_json_t *o)
{
    const jw_ind_def_t *d = r->def;
    char hz[11], per[16], tt[64];
    fmt_date(r->status.horizon, hz);
    jw_ind_textf(o, "{\"indicator\":");
    json_str(o, d->id);
    jw_ind_textf(o, ",\"name\":");
    json_str(o, d->name);
    jw_ind_textf(o, ",\"name_en\":");
    json_str(o, d->name_en);
    jw_ind_textf(o, ",\"definition\":");
    json_str(o, d->definition);
    jw_ind_textf(o, ",\"profile\":");
    json_str(o, r->status.profile);
    jw_ind_textf(o, ",\"public\":%s,\"threshold\":%d,\"horizon\":", r->public_ ? "true" : "false",
                 r->threshold);
    json_str(o, hz[0] ? hz : NULL);
    jw_ind_textf(o, ",\"last_seq\":%llu,\"filter\":{", (unsigned long long)r->status.last_seq);
    {
        /* the slicers the query was asked with ({} for the whole region) */
        static const char *fn[3] = {"gemeente", "aanbieder", "segment"};
        int first = 1;
        for (int i = 0; i < 3; i++)
            if (r->filter[i][0]) {
                jw_ind_textf(o, "%s\"%s\":", first ? "" : ",", fn[i]);
                json_str(o, r->filter[i]);
                first = 0;
            }
    }
    jw_ind_textf(o, "},\"columns\":[");
    for (size_t c = 0; c < d->n_cols; c++) {
        jw_ind_textf(o, "%s{\"name\":", c ? "," : "");
        json_str(o, d->cols[c].name);
        jw_ind_textf(o, ",\"label\":");
        json_str(o, d->cols[c].label);
        jw_ind_textf(o, ",\"unit\":\"%s\"}", unit_name(d->cols[c].unit));
    }
    jw_ind_textf(o, "],\"headline\":\"%s\",\"rows\":[", d->cols[d->headline].name);
    for (size_t i = 0; i < r->n_rows; i++) {
        const jw_ind_row_t *row = &r->rows[i];
        jw_ind_period_format(row->period, per);
        jw_ind_textf(o, "%s\n{\"period\":\"%s\",\"partial\":%s,\"by\":\"%s\",\"key\":", i ? "," : "", per,
                     row->partial ? "true" : "false", jw_ind_by_name(row->by));
        json_str(o, row->key);
        jw_ind_textf(o, ",\"label\":");
        json_str(o, row->label && row->label[0] ? row->label : row->key);
        jw_ind_textf(o, ",\"values\":{");
        for (size_t c = 0; c < d->n_cols; c++) {
            jw_ind_textf(o, "%s\"%s\":", c ? "," : "", d->cols[c].name);
            json_val(o, row->v[c], d->cols[c].unit);
        }
        jw_ind_textf(o, "},\"suppressed\":[");
        int first = 1;
        for (size_t c = 0; c < d->n_cols; c++)
            if (row->v[c].state == JW_IND_V_SUPPRESSED) {
                jw_ind_textf(o, "%s\"%s\"", first ? "" : ",", d->cols[c].name);
                first = 0;
            }
        jw_ind_textf(o, "]}");
    }
    jw_ind_textf(o, "],\"targets\":[");
    for (size_t i = 0; i < r->n_targets; i++) {
        const jw_ind_target_t *t = &r->targets[i];
        jw_ind_unit_t u = d->cols[t->column].unit;
        target_text(&t->t, tt, sizeof tt);
        jw_ind_textf(o, "%s\n{\"segment\":", i ? "," : "");
        json_str(o, t->t.segment);
        jw_ind_textf(o, ",\"text\":");
        json_str(o, tt);
        jw_ind_textf(o, ",\"kind\":\"%s\",\"value\":%g,\"unit\":\"%s\",\"base_year\":", kind_name(t->t.kind),
                     t->t.value, tunit_name(t->t.unit));
        if (t->t.base_year) jw_ind_textf(o, "%d", t->t.base_year);
        else jw_ind_textf(o, "null");
        jw_ind_textf(o, ",\"target_year\":");
        if (t->t.target_year) jw_ind_textf(o, "%d", t->t.target_year);
        else jw_ind_textf(o, "null");
        jw_ind_textf(o, ",\"line\":%d,\"column\":\"%s\",\"year\":%d,\"partial\":%s,\"base\":", t->t.line,
                     d->cols[t->column].name, t->year, t->partial ? "true" : "false");
        json_val(o, t->base, u);
        jw_ind_textf(o, ",\"current\":");
        json_val(o, t->current, u);
        jw_ind_textf(o, ",\"goal\":");
        json_val(o, t->goal, JW_IND_UNIT_DAYS);
        jw_ind_textf(o, ",\"status\":\"%s\"}", jw_ind_tstatus_name(t->status));
    }
    jw_ind_textf(o, "]}\n");
}

int jw_ind_render(const jw_ind_result_t *r, jw_ind_format_t fmt, jw_json_t *out)
{
    if (!r || !r->def || !out) return JW_IND_EARG;
    switch (fmt) {
    case JW_IND_FMT_TABLE: render_table(r, out); break;
    case JW_IND_FMT_CSV: render_csv(r, out); break;
    case JW_IND_FMT_JSON: render_json(r, out); break;
    default: return JW_IND_EARG;
    }
    return jw_json_finish(out) ? JW_IND_ENOMEM : 0;
}

int jw_ind_render_catalogue(const jw_profile_t *profile, const jw_ind_status_t *st, jw_json_t *o)
{
    char hz[11] = "", first[11] = "";
    if (!o) return JW_IND_EARG;
    if (st) {
        fmt_date(st->horizon, hz);
        fmt_date(st->first, first);
    }
    jw_ind_textf(o, "{\"profile\":");
    json_str(o, profile ? jw_profile_name(profile) : NULL);
    jw_ind_textf(o, ",\"small_cells_threshold\":%d,\"first\":", profile ? jw_profile_small_cells(profile) : 5);
    json_str(o, first[0] ? first : NULL);
    jw_ind_textf(o, ",\"horizon\":");
    json_str(o, hz[0] ? hz : NULL);
    jw_ind_textf(o, ",\"last_seq\":%llu,\"periods\":[\"YYYY\",\"YYYY-H1\",\"YYYY-Q1\",\"YYYY-MM\",\"R12-YYYY-MM\"],"
                    "\"by\":[\"total\",\"gemeente\",\"aanbieder\",\"segment\"],\"indicators\":[",
                 st ? (unsigned long long)st->last_seq : 0ULL);
    for (size_t i = 0; i < jw_ind_catalogue_count(); i++) {
        const jw_ind_def_t *d = jw_ind_catalogue(i);
        jw_ind_textf(o, "%s\n{\"id\":", i ? "," : "");
        json_str(o, d->id);
        jw_ind_textf(o, ",\"name\":");
        json_str(o, d->name);
        jw_ind_textf(o, ",\"name_en\":");
        json_str(o, d->name_en);
        jw_ind_textf(o, ",\"definition\":");
        json_str(o, d->definition);
        jw_ind_textf(o, ",\"headline\":\"%s\",\"columns\":[", d->cols[d->headline].name);
        for (size_t c = 0; c < d->n_cols; c++) {
            jw_ind_textf(o, "%s{\"name\":", c ? "," : "");
            json_str(o, d->cols[c].name);
            jw_ind_textf(o, ",\"label\":");
            json_str(o, d->cols[c].label);
            jw_ind_textf(o, ",\"unit\":\"%s\"}", unit_name(d->cols[c].unit));
        }
        jw_ind_textf(o, "],\"url\":\"/api/indicators/%s\"}", d->id);
    }
    jw_ind_textf(o, "]}\n");
    return jw_json_finish(o) ? JW_IND_ENOMEM : 0;
}
