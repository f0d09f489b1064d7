/* date.h - calendar dates as day numbers.
 *
 * A jw_date_t is the number of days since 1970-01-01 (proleptic Gregorian),
 * so differences are plain subtraction. JW_DATE_NONE marks an absent
 * optional date (an open Einddatum). All functions are pure and
 * thread-safe; none allocates.
 */
#ifndef JW_DATE_H
#define JW_DATE_H

#include <stdint.h>
#include <stddef.h>

typedef int32_t jw_date_t;

#define JW_DATE_NONE INT32_MIN

/* Parse exactly "YYYY-MM-DD" (len bytes, no terminator needed) into *out.
 * Returns 0, or -1 when the text is not a real calendar date. */
int jw_date_parse(const char *s, size_t len, jw_date_t *out);

/* Build a date from its parts; returns -1 when the parts are not a date. */
int jw_date_from_ymd(int year, int month, int day, jw_date_t *out);

/* Split a date into its parts (any pointer may be NULL). */
void jw_date_to_ymd(jw_date_t d, int *year, int *month, int *day);

/* Write "YYYY-MM-DD" and a terminator into buf (at least 11 bytes).
 * JW_DATE_NONE is written as the empty string. */
void jw_date_format(jw_date_t d, char buf[11]);

/* Days in the given month (1-12) of the given year. */
int jw_date_days_in_month(int year, int month);

/* First and last day of the calendar month that holds d. */
jw_date_t jw_date_month_first(jw_date_t d);
jw_date_t jw_date_month_last(jw_date_t d);

/* Add n calendar months, clamping the day to the target month's length. */
jw_date_t jw_date_add_months(jw_date_t d, int n);

/* The window of dates accepted in a message (window.c): 1900-01-01 and
 * 2100-12-31 as day numbers. jw_date_in_window(d) is 1 inside it. */
#define JW_DATE_WINDOW_MIN (-25567)
#define JW_DATE_WINDOW_MAX 47846
int jw_date_in_window(jw_date_t d);

/* Day of the week, 0 = Monday ... 6 = Sunday. */
int jw_date_weekday(jw_date_t d);

#endif
