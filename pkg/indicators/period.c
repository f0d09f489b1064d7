/* period.c - calendar periods, Dutch working days, key helpers. */
#include "indicators/ind_internal.h"

#include <stdio.h>
#include <string.h>

static int parse_int(const char *s, size_t n, int *out)
{
    int v = 0;
    if (n == 0) return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int jw_ind_period_parse(const char *s, jw_ind_period_t *out)
{
    jw_ind_period_t p = {0, 0, 0};
    size_t n;
    if (!s || !out) return -1;
    n = strlen(s);
    if (n >= 4 && strncmp(s, "R12-", 4) == 0) {
        if (n != 11 || s[8] != '-' || parse_int(s + 4, 4, &p.year) || parse_int(s + 9, 2, &p.index))
            return -1;
        p.kind = 'R';
        if (p.index < 1 || p.index > 12) return -1;
    } else if (n == 4) {
        if (parse_int(s, 4, &p.year)) return -1;
        p.kind = 'Y';
    } else if (n == 7 && s[4] == '-' && (s[5] == 'H' || s[5] == 'Q' || s[5] == 'h' || s[5] == 'q')) {
        if (parse_int(s, 4, &p.year) || parse_int(s + 6, 1, &p.index)) return -1;
        p.kind = (s[5] == 'H' || s[5] == 'h') ? 'H' : 'Q';
        if (p.index < 1 || p.index > (p.kind == 'H' ? 2 : 4)) return -1;
    } else if (n == 7 && s[4] == '-') {
        if (parse_int(s, 4, &p.year) || parse_int(s + 5, 2, &p.index)) return -1;
        p.kind = 'M';
        if (p.index < 1 || p.index > 12) return -1;
    } else {
        return -1;
    }
    if (p.year < 1900 || p.year > 2199) return -1;
    *out = p;
    return 0;
}

void jw_ind_period_format(jw_ind_period_t p, char buf[16])
{
    switch (p.kind) {
    case 'Y': snprintf(buf, 16, "%04d", p.year); break;
    case 'H': snprintf(buf, 16, "%04d-H%d", p.year, p.index); break;
    case 'Q': snprintf(buf, 16, "%04d-Q%d", p.year, p.index); break;
    case 'M': snprintf(buf, 16, "%04d-%02d", p.year, p.index); break;
    case 'R': snprintf(buf, 16, "R12-%04d-%02d", p.year, p.index); break;
    default: snprintf(buf, 16, "?"); break;
    }
}

/* First month (1-12) and number of months of a period. */
static void month_span(jw_ind_period_t p, int *first_month, int *months)
{
    switch (p.kind) {
    case 'Y': *first_month = 1; *months = 12; break;
    case 'H': *first_month = (p.index - 1) * 6 + 1; *months = 6; break;
    case 'Q': *first_month = (p.index - 1) * 3 + 1; *months = 3; break;
    default: *first_month = p.index; *months = 1; break;
    }
}

jw_date_t jw_ind_period_first(jw_ind_period_t p)
{
    jw_date_t d = 0;
    int fm, n;
    if (p.kind == 'R') {
        jw_date_from_ymd(p.year, p.index, 1, &d);
        return jw_date_add_months(d, -11);
    }
    month_span(p, &fm, &n);
    jw_date_from_ymd(p.year, fm, 1, &d);
    return d;
}

jw_date_t jw_ind_period_last(jw_ind_period_t p)
{
    jw_date_t d = 0;
    int fm, n;
    if (p.kind == 'R') {
        jw_date_from_ymd(p.year, p.index, 1, &d);
        return jw_date_month_last(d);
    }
    month_span(p, &fm, &n);
    jw_date_from_ymd(p.year, fm + n - 1, 1, &d);
    return jw_date_month_last(d);
}

jw_ind_period_t jw_ind_period_of(char kind, jw_date_t d)
{
    jw_ind_period_t p;
    int y, m;
    jw_date_to_ymd(d, &y, &m, NULL);
    p.kind = kind;
    p.year = y;
    switch (kind) {
    case 'Y': p.index = 0; break;
    case 'H': p.index = m <= 6 ? 1 : 2; break;
    case 'Q': p.index = (m - 1) / 3 + 1; break;
    default: p.index = m; break;
    }
    return p;
}

jw_ind_period_t jw_ind_period_next(jw_ind_period_t p)
{
    return jw_ind_period_of(p.kind, jw_ind_period_last(p) + 1);
}

jw_ind_period_t jw_ind_period_prev(jw_ind_period_t p)
{
    /* R: the window ending one month earlier */
    if (p.kind == 'R') return jw_ind_period_of('R', jw_date_month_first(jw_ind_period_last(p)) - 1);
    return jw_ind_period_of(p.kind, jw_ind_period_first(p) - 1);
}

/* ---- working days ---- */

/* Easter Sunday (anonymous Gregorian algorithm). */
static jw_date_t easter(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    jw_date_t out = 0;
    jw_date_from_ymd(y, month, day, &out);
    return out;
}

/* Algemene termijnenwet art. 3: Nieuwjaarsdag, Tweede Paasdag,
 * Hemelvaartsdag, Tweede Pinksterdag, Eerste en Tweede Kerstdag,
 * Koningsdag, 5 mei (the Sunday holidays fall on a weekend anyway). */
static int is_holiday(jw_date_t d)
{
    int y, m, dd;
    jw_date_to_ymd(d, &y, &m, &dd);
    if ((m == 1 && dd == 1) || (m == 12 && (dd == 25 || dd == 26)) || (m == 5 && dd == 5)) return 1;
    if (m == 4) {
        /* Koningsdag: 27 April, 26 April when the 27th is a Sunday */
        jw_date_t k = 0;
        jw_date_from_ymd(y, 4, 27, &k);
        if (jw_date_weekday(k) == 6) k -= 1;
        if (d == k) return 1;
    }
    jw_date_t e = easter(y);
    return d == e + 1 || d == e + 39 || d == e + 50;
}

int jw_ind_is_working_day(jw_date_t d)
{
    return jw_date_weekday(d) < 5 && !is_holiday(d);
}

jw_date_t jw_ind_add_working_days(jw_date_t d, int n)
{
    while (n > 0) {
        d++;
        if (jw_ind_is_working_day(d)) n--;
    }
    return d;
}

/* ---- keys ---- */

per4_t ind_per4(jw_ind_period_t p)
{
    per4_t k;
    k.b[0] = (uint8_t)p.kind;
    k.b[1] = (uint8_t)(p.year >> 8);
    k.b[2] = (uint8_t)p.year;
    k.b[3] = (uint8_t)p.index;
    return k;
}

jw_ind_period_t ind_per_from4(per4_t k)
{
    jw_ind_period_t p;
    p.kind = (char)k.b[0];
    p.year = (k.b[1] << 8) | k.b[2];
    p.index = k.b[3];
    return p;
}

size_t ind_cell_key(uint8_t *key, int q, per4_t p, char dim, const char *val)
{
    size_t n = strlen(val);
    key[0] = (uint8_t)q;
    memcpy(key + 1, p.b, 4);
    key[5] = (uint8_t)dim;
    memcpy(key + 6, val, n);
    return 6 + n;
}

size_t ind_sub_prefix(uint8_t *key, int code, per4_t p, char dim, const char *val)
{
    size_t n = ind_cell_key(key, code, p, dim, val);
    key[n] = 0;
    return n + 1;
}

char ind_dim_of(int mask)
{
    static const char D[8] = {DIM_TOTAL, DIM_GEMEENTE, DIM_AANBIEDER, DIM_GA,
                              DIM_SEGMENT, DIM_GS, DIM_AS, DIM_GAS};
    return mask >= 0 && mask < 8 ? D[mask] : 0;
}

int ind_dim_mask(char dim)
{
    for (int m = 0; m < 8; m++)
        if (ind_dim_of(m) == dim) return m;
    return -1;
}

int ind_dim_value(int mask, const char *g, const char *a, const char *s, char buf[IND_VAL_MAX])
{
    const char *parts[3] = {g, a, s};
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < 3; i++) {
        if (!(mask & (1 << i))) continue;
        const char *p = parts[i];
        size_t l = p ? strlen(p) : 0;
        if (l == 0 || n + l + 2 > IND_VAL_MAX) return -1;
        if (n) buf[n++] = '|';
        memcpy(buf + n, p, l);
        n += l;
        buf[n] = '\0';
    }
    return 0;
}

void ind_dim_part(int mask, const char *val, int bit, char out[IND_VAL_MAX])
{
    out[0] = '\0';
    if (!(mask & bit)) return;
    const char *p = val;
    for (int i = 0; i < 3; i++) {
        if (!(mask & (1 << i))) continue;
        const char *e = strchr(p, '|');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if ((1 << i) == bit) {
            if (l >= IND_VAL_MAX) l = IND_VAL_MAX - 1;
            memcpy(out, p, l);
            out[l] = '\0';
            return;
        }
        if (!e) return;
        p = e + 1;
    }
}

uint64_t ind_be64_get(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

void ind_be64_put(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
}
