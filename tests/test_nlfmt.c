/* Tests for pkg/nlfmt: the Dutch forms are written out by hand from the
 * conventions in nlfmt.h (thousands '.', decimal comma, "€ ", " %",
 * Dutch month abbreviations). */
#include <criterion/criterion.h>
#include <string.h>

#include "nlfmt/nlfmt.h"

static char b[128];

Test(nlfmt, numbers)
{
    jw_nlfmt_number(17027235, 0, b, sizeof b);
    cr_assert_str_eq(b, "17.027.235");
    jw_nlfmt_number(1234.5, 1, b, sizeof b);
    cr_assert_str_eq(b, "1.234,5");
    jw_nlfmt_number(999, 0, b, sizeof b);
    cr_assert_str_eq(b, "999");
    jw_nlfmt_number(1000, 0, b, sizeof b);
    cr_assert_str_eq(b, "1.000");
    jw_nlfmt_number(-1234567.25, 2, b, sizeof b);
    cr_assert_str_eq(b, "-1.234.567,25");
    jw_nlfmt_number(-0.04, 1, b, sizeof b);
    cr_assert_str_eq(b, "0,0");
    jw_nlfmt_number(0.25, 1, b, sizeof b); /* half away from zero */
    cr_assert_str_eq(b, "0,3");
    jw_nlfmt_plain(1234.5, 2, b, sizeof b);
    cr_assert_str_eq(b, "1234,50");
    jw_nlfmt_plain(-3, 0, b, sizeof b);
    cr_assert_str_eq(b, "-3");
}

Test(nlfmt, values_by_unit)
{
    jw_ind_val_t v = {17027235.0, JW_IND_V_OK};
    jw_nlfmt_value(v, JW_IND_UNIT_EUR, b, sizeof b);
    cr_assert_str_eq(b, "\xe2\x82\xac 17.027.235");
    v.v = 812.4;
    jw_nlfmt_value(v, JW_IND_UNIT_EUR, b, sizeof b);
    cr_assert_str_eq(b, "\xe2\x82\xac 812,40");
    v.v = 12.5;
    jw_nlfmt_value(v, JW_IND_UNIT_PERCENT, b, sizeof b);
    cr_assert_str_eq(b, "12,5 %");
    v.v = 4321;
    jw_nlfmt_value(v, JW_IND_UNIT_COUNT, b, sizeof b);
    cr_assert_str_eq(b, "4.321");
    v.state = JW_IND_V_SUPPRESSED;
    jw_nlfmt_value(v, JW_IND_UNIT_COUNT, b, sizeof b);
    cr_assert_str_eq(b, "x");
    v.state = JW_IND_V_NA;
    jw_nlfmt_value(v, JW_IND_UNIT_COUNT, b, sizeof b);
    cr_assert_str_eq(b, "\xe2\x80\x93");
}

Test(nlfmt, periods)
{
    jw_nlfmt_period((jw_ind_period_t){'M', 2024, 3}, b, sizeof b);
    cr_assert_str_eq(b, "mrt 2024");
    jw_nlfmt_period((jw_ind_period_t){'R', 2024, 3}, b, sizeof b);
    cr_assert_str_eq(b, "12 mnd t/m mrt 2024");
    jw_nlfmt_period((jw_ind_period_t){'M', 2025, 5}, b, sizeof b);
    cr_assert_str_eq(b, "mei 2025");
    jw_nlfmt_period((jw_ind_period_t){'M', 2025, 10}, b, sizeof b);
    cr_assert_str_eq(b, "okt 2025");
    jw_nlfmt_period((jw_ind_period_t){'Q', 2024, 3}, b, sizeof b);
    cr_assert_str_eq(b, "kw 3 2024");
    jw_nlfmt_period((jw_ind_period_t){'H', 2024, 1}, b, sizeof b);
    cr_assert_str_eq(b, "1e halfjaar 2024");
    jw_nlfmt_period((jw_ind_period_t){'Y', 2027, 0}, b, sizeof b);
    cr_assert_str_eq(b, "2027");
    jw_nlfmt_period_short((jw_ind_period_t){'Q', 2024, 2}, b, sizeof b);
    cr_assert_str_eq(b, "K2 2024");
}

Test(nlfmt, status_words_are_dutch)
{
    cr_assert_str_eq(jw_nlfmt_status(JW_IND_T_ON), "op koers");
    cr_assert_str_eq(jw_nlfmt_status(JW_IND_T_OFF), "niet op koers");
    cr_assert_str_eq(jw_nlfmt_status(JW_IND_T_BASELINE), "basisjaar");
    cr_assert_str_eq(jw_nlfmt_by(JW_IND_BY_AANBIEDER), "aanbieder");
}
