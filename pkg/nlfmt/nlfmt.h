/* nlfmt.h - Dutch number, money, percent, period and status text for the
 * analyst-facing outputs (dashboard, Excel CSV, .xlsx sheet labels).
 *
 * Conventions (Dutch government style, as CBS StatLine and the regions'
 * dashboards write them): thousands separated by '.', decimal comma,
 * "€ 17.027.235", "12,5 %" (a space before %), months as lower-case
 * three-letter abbreviations ("mrt 2024"), a rolling window as
 * "12 mnd t/m mrt 2024". Machine outputs (JSON, the machine CSV) keep
 * plain numbers; these functions are for text people read.
 *
 * All functions are pure and thread-safe; they write a NUL-terminated
 * string into buf (truncated to cap) and never allocate.
 */
#ifndef JW_NLFMT_H
#define JW_NLFMT_H

#include <stddef.h>

#include "indicators/indicators.h"

/* v with `decimals` digits after a decimal comma (0-6, rounded half away
 * from zero) and '.' between thousands: 17027235 -> "17.027.235",
 * 1234.5 (1) -> "1.234,5", -0.04 (1) -> "0,0" (no negative zero). */
void jw_nlfmt_number(double v, int decimals, char *buf, size_t cap);

/* Decimal comma, no thousands separator (for CSV cells Excel reads as
 * numbers: "1234,5"). */
void jw_nlfmt_plain(double v, int decimals, char *buf, size_t cap);

/* "mrt 2024" for month 3 of 2024 (month 1-12; "?" otherwise). */
void jw_nlfmt_month(int year, int month, char *buf, size_t cap);
/* The three-letter abbreviation ("jan" ... "dec"), NULL outside 1-12. */
const char *jw_nlfmt_month_abbr(int month);

/* A period in words: "2024", "1e halfjaar 2024", "kw 3 2024",
 * "mrt 2024", "12 mnd t/m mrt 2024". */
void jw_nlfmt_period(jw_ind_period_t p, char *buf, size_t cap);
/* Short form for chart axes: "2024", "H1 2024", "K3 2024", "mrt 2024",
 * "t/m mrt 2024". */
void jw_nlfmt_period_short(jw_ind_period_t p, char *buf, size_t cap);

/* A value in its unit: counts and etmalen whole ("1.234"), percent
 * "12,5 %", days "45,5", euros "€ 17.027.235" (whole euros from 1,000
 * on, else cents: "€ 812,40"), per 1,000 "12,3"; suppressed "x", no
 * value "–" (en dash). */
void jw_nlfmt_value(jw_ind_val_t v, jw_ind_unit_t unit, char *buf, size_t cap);

/* "geen gegevens", "basisjaar", "op koers", "niet op koers", "onderdrukt". */
const char *jw_nlfmt_status(jw_ind_tstatus_t s);

/* "totaal", "gemeente", "aanbieder", "segment". */
const char *jw_nlfmt_by(jw_ind_by_t by);

#endif
