/* date.c - calendar dates as day numbers (see date.h). */
#include "date/date.h"


/* Days from civil, after H. Hinnant's public-domain algorithm
 * (era-based, valid for the whole int32 range we use). */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void jw_date_to_ymd(jw_date_t z, int *year, int *month, int *day)
{
    int32_t zz = z + 719468;
    const int era = (zz >= 0 ? zz : zz - 146096) / 146097;
    const int doe = zz - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int d = doy - (153 * mp + 2) / 5 + 1;
    const int m = mp + (mp < 10 ? 3 : -9);
    if (year) *year = y + (m <= 2);
    if (month) *month = m;
    if (day) *day = d;
}

int jw_date_days_in_month(int year, int month)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
    return len[month - 1];
}

int jw_date_from_ymd(int year, int month, int day, jw_date_t *out)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12) return -1;
    if (day < 1 || day > jw_date_days_in_month(year, month)) return -1;
    *out = days_from_civil(year, month, day);
    return 0;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int jw_date_parse(const char *s, size_t len, jw_date_t *out)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
    if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d)) return -1;
    return jw_date_from_ymd(y, m, d, out);
}

void jw_date_format(jw_date_t d, char buf[11])
{
    int y, m, dd;
    if (d == JW_DATE_NONE) {
        buf[0] = '\0';
        return;
    }
    jw_date_to_ymd(d, &y, &m, &dd);
    /* Written by hand: the parts are in range, which the compiler cannot
     * see through snprintf. Years outside 0..9999 wrap. */
    y = ((y % 10000) + 10000) % 10000;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + dd / 10);
    buf[9] = (char)('0' + dd % 10);
    buf[10] = '\0';
}

jw_date_t jw_date_month_first(jw_date_t d)
{
    int y, m, dd;
    jw_date_to_ymd(d, &y, &m, &dd);
    return d - (dd - 1);
}

jw_date_t jw_date_month_last(jw_date_t d)
{
    int y, m, dd;
    jw_date_to_ymd(d, &y, &m, &dd);
    return d + (jw_date_days_in_month(y, m) - dd);
}

jw_date_t jw_date_add_months(jw_date_t d, int n)
{
    int y, m, dd;
    jw_date_to_ymd(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + n;
    y = total / 12;
    m = total % 12 + 1;
    int dim = jw_date_days_in_month(y, m);
    if (dd > dim) dd = dim;
    return days_from_civil(y, m, dd);
}

int jw_date_weekday(jw_date_t d)
{
    /* 1970-01-01 was a Thursday (3 when Monday = 0). */
    int w = (int)((d % 7 + 7) % 7);
    return (w + 3) % 7;
}
