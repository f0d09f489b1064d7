/* nlfmt.c - Dutch formatting (see nlfmt.h). */
#include "nlfmt/nlfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *MONTHS[12] = {"jan", "feb", "mrt", "apr", "mei", "jun",
                                 "jul", "aug", "sep", "okt", "nov", "dec"};

const char *jw_nlfmt_month_abbr(int month)
{
    return month >= 1 && month <= 12 ? MONTHS[month - 1] : NULL;
}

/* Digits of |v| rounded to `decimals`, split into integer and fraction
 * text; *neg set when the rounded value is below zero. */
static void split(double v, int decimals, char *ip, size_t icap, char *fp, size_t fcap, int *neg)
{
    char tmp[400];
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    if (!isfinite(v)) v = 0;
    double scale = pow(10, decimals);
    double r = round(fabs(v) * scale) / scale; /* round() is half away from zero */
    *neg = v < 0 && r > 0;
    snprintf(tmp, sizeof tmp, "%.*f", decimals, r);
    char *dot = strchr(tmp, '.');
    if (dot) {
        *dot = '\0';
        snprintf(fp, fcap, "%s", dot + 1);
    } else {
        fp[0] = '\0';
    }
    snprintf(ip, icap, "%s", tmp);
}

void jw_nlfmt_number(double v, int decimals, char *buf, size_t cap)
{
    char ip[400], fp[16], grouped[600];
    int neg;
    if (!cap) return;
    split(v, decimals, ip, sizeof ip, fp, sizeof fp, &neg);
    size_t n = strlen(ip), w = 0;
    for (size_t i = 0; i < n && w + 2 < sizeof grouped; i++) {
        if (i > 0 && (n - i) % 3 == 0) grouped[w++] = '.';
        grouped[w++] = ip[i];
    }
    grouped[w] = '\0';
    snprintf(buf, cap, "%s%s%s%s", neg ? "-" : "", grouped, fp[0] ? "," : "", fp);
}

void jw_nlfmt_plain(double v, int decimals, char *buf, size_t cap)
{
    char ip[400], fp[16];
    int neg;
    if (!cap) return;
    split(v, decimals, ip, sizeof ip, fp, sizeof fp, &neg);
    snprintf(buf, cap, "%s%s%s%s", neg ? "-" : "", ip, fp[0] ? "," : "", fp);
}

void jw_nlfmt_month(int year, int month, char *buf, size_t cap)
{
    const char *m = jw_nlfmt_month_abbr(month);
    if (m) snprintf(buf, cap, "%s %d", m, year);
    else snprintf(buf, cap, "?");
}

void jw_nlfmt_period(jw_ind_period_t p, char *buf, size_t cap)
{
    char m[24];
    switch (p.kind) {
    case 'Y': snprintf(buf, cap, "%d", p.year); break;
    case 'H': snprintf(buf, cap, "%de halfjaar %d", p.index, p.year); break;
    case 'Q': snprintf(buf, cap, "kw %d %d", p.index, p.year); break;
    case 'M': jw_nlfmt_month(p.year, p.index, buf, cap); break;
    case 'R':
        jw_nlfmt_month(p.year, p.index, m, sizeof m);
        snprintf(buf, cap, "12 mnd t/m %s", m);
        break;
    default: snprintf(buf, cap, "?"); break;
    }
}

void jw_nlfmt_period_short(jw_ind_period_t p, char *buf, size_t cap)
{
    char m[24];
    switch (p.kind) {
    case 'H': snprintf(buf, cap, "H%d %d", p.index, p.year); break;
    case 'Q': snprintf(buf, cap, "K%d %d", p.index, p.year); break;
    case 'R':
        jw_nlfmt_month(p.year, p.index, m, sizeof m);
        snprintf(buf, cap, "t/m %s", m);
        break;
    default: jw_nlfmt_period(p, buf, cap); break;
    }
}

void jw_nlfmt_value(jw_ind_val_t v, jw_ind_unit_t unit, char *buf, size_t cap)
{
    char n[64];
    if (!cap) return;
    if (v.state == JW_IND_V_SUPPRESSED) {
        snprintf(buf, cap, "x");
        return;
    }
    if (v.state != JW_IND_V_OK) {
        snprintf(buf, cap, "\xe2\x80\x93"); /* en dash */
        return;
    }
    switch (unit) {
    case JW_IND_UNIT_COUNT:
    case JW_IND_UNIT_ETMAAL: jw_nlfmt_number(v.v, 0, buf, cap); break;
    case JW_IND_UNIT_PERCENT:
        jw_nlfmt_number(v.v, 1, n, sizeof n);
        snprintf(buf, cap, "%s %%", n);
        break;
    case JW_IND_UNIT_EUR:
        jw_nlfmt_number(v.v, fabs(v.v) >= 1000 ? 0 : 2, n, sizeof n);
        snprintf(buf, cap, "\xe2\x82\xac %s", n); /* euro sign */
        break;
    case JW_IND_UNIT_DAYS:
    case JW_IND_UNIT_PER1000:
    default: jw_nlfmt_number(v.v, 1, buf, cap); break;
    }
}

const char *jw_nlfmt_status(jw_ind_tstatus_t s)
{
    switch (s) {
    case JW_IND_T_NODATA: return "geen gegevens";
    case JW_IND_T_BASELINE: return "basisjaar";
    case JW_IND_T_ON: return "op koers";
    case JW_IND_T_OFF: return "niet op koers";
    case JW_IND_T_SUPPRESSED: return "onderdrukt";
    }
    return "?";
}

const char *jw_nlfmt_by(jw_ind_by_t by)
{
    switch (by) {
    case JW_IND_BY_TOTAL: return "totaal";
    case JW_IND_BY_GEMEENTE: return "gemeente";
    case JW_IND_BY_AANBIEDER: return "aanbieder";
    case JW_IND_BY_SEGMENT: return "segment";
    }
    return "?";
}
