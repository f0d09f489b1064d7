/* Tests for pkg/date: expected day numbers computed by hand from the
 * calendar (1970-01-01 = 0; 2000-03-01 = 11017: 30 years incl. 7 leap
 * days = 10957 days to 2000-01-01, + 31 + 29). */
#include <criterion/criterion.h>
#include <string.h>

#include "date/date.h"

Test(date, parse_known_days)
{
    jw_date_t d;
    cr_assert_eq(jw_date_parse("1970-01-01", 10, &d), 0);
    cr_assert_eq(d, 0);
    cr_assert_eq(jw_date_parse("2000-01-01", 10, &d), 0);
    cr_assert_eq(d, 10957);
    cr_assert_eq(jw_date_parse("2000-03-01", 10, &d), 0);
    cr_assert_eq(d, 11017);
    cr_assert_eq(jw_date_parse("2021-01-01", 10, &d), 0);
    cr_assert_eq(d, 18628); /* 51 years, 13 leap days: 51*365+13 */
    cr_assert_eq(jw_date_parse("1969-12-31", 10, &d), 0);
    cr_assert_eq(d, -1);
}

Test(date, parse_rejects_non_dates)
{
    jw_date_t d;
    cr_assert_neq(jw_date_parse("2027-06-31", 10, &d), 0);
    cr_assert_neq(jw_date_parse("2023-02-29", 10, &d), 0);
    cr_assert_eq(jw_date_parse("2024-02-29", 10, &d), 0);
    cr_assert_neq(jw_date_parse("1900-02-29", 10, &d), 0);
    cr_assert_neq(jw_date_parse("2024-2-09", 9, &d), 0);
    cr_assert_neq(jw_date_parse("2024-02-09Z", 11, &d), 0);
    cr_assert_neq(jw_date_parse("2024/02/09", 10, &d), 0);
    cr_assert_neq(jw_date_parse("2024-13-01", 10, &d), 0);
    cr_assert_neq(jw_date_parse("2024-00-01", 10, &d), 0);
}

Test(date, format_round_trip)
{
    char buf[11];
    jw_date_t d;
    cr_assert_eq(jw_date_parse("2026-07-14", 10, &d), 0);
    jw_date_format(d, buf);
    cr_assert_str_eq(buf, "2026-07-14");
    jw_date_format(JW_DATE_NONE, buf);
    cr_assert_str_eq(buf, "");
}

Test(date, months)
{
    jw_date_t d, e;
    jw_date_parse("2024-02-15", 10, &d);
    jw_date_parse("2024-02-01", 10, &e);
    cr_assert_eq(jw_date_month_first(d), e);
    jw_date_parse("2024-02-29", 10, &e);
    cr_assert_eq(jw_date_month_last(d), e);
    cr_assert_eq(jw_date_days_in_month(2023, 2), 28);
    cr_assert_eq(jw_date_days_in_month(2000, 2), 29);
    cr_assert_eq(jw_date_days_in_month(2100, 2), 28);
    /* 2024-08-31 + 6 months clamps to 2025-02-28 */
    jw_date_parse("2024-08-31", 10, &d);
    jw_date_parse("2025-02-28", 10, &e);
    cr_assert_eq(jw_date_add_months(d, 6), e);
    jw_date_parse("2024-01-31", 10, &d);
    jw_date_parse("2023-12-31", 10, &e);
    cr_assert_eq(jw_date_add_months(d, -1), e);
}

Test(date, weekday)
{
    jw_date_t d;
    jw_date_parse("2026-11-23", 10, &d); /* a Monday */
    cr_assert_eq(jw_date_weekday(d), 0);
    jw_date_parse("2024-12-25", 10, &d); /* a Wednesday */
    cr_assert_eq(jw_date_weekday(d), 2);
}
