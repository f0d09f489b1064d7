/* test_overlap.c - the overlap rules' O(n log n) check (pkg/ijw/dups.c),
 * against the definition of "the same product" (TR302/TR386/TR410): no
 * Categorie covers every product, a Categorie without Code every code of
 * it; periods [begin, end] overlap when each begins on or before the
 * other's end (an open end never ends). Expected indices by hand. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "date/date.h"
#include "ijw/ijw_internal.h"

static jw_date_t d(int y, int m, int dd)
{
    jw_date_t x = 0;
    cr_assert_eq(jw_date_from_ymd(y, m, dd, &x), 0);
    return x;
}

static size_t run(jw_ijw_product_t *p, size_t n)
{
    size_t out = 0;
    cr_assert_eq(jw_ijw_first_overlap(p, n, &out), 0);
    return out;
}

Test(overlap, the_same_code_overlapping_and_touching)
{
    /* 0: 45A01 Jan-Mar; 1: 45A01 Apr-Jun (no overlap); 2: 45A01 Jun 30 - open (touches 1) */
    jw_ijw_product_t p[] = {
        {"45", "45A01", d(2024, 1, 1), d(2024, 3, 31), 0},
        {"45", "45A01", d(2024, 4, 1), d(2024, 6, 30), 1},
        {"45", "45A01", d(2024, 6, 30), JW_DATE_NONE, 2},
    };
    cr_expect_eq(run(p, 3), 2);
}

Test(overlap, other_codes_and_categories_do_not_conflict)
{
    jw_ijw_product_t p[] = {
        {"45", "45A01", d(2024, 1, 1), JW_DATE_NONE, 0},
        {"45", "45A02", d(2024, 1, 1), JW_DATE_NONE, 1},
        {"43", "45A01", d(2024, 1, 1), JW_DATE_NONE, 2},
    };
    cr_expect_eq(run(p, 3), SIZE_MAX);
}

Test(overlap, a_category_covers_its_codes_only)
{
    /* 0: 43A01; 1: 45 (category level) overlaps nothing of 45 yet; 2: 45A03 overlaps 1 */
    jw_ijw_product_t p[] = {
        {"43", "43A01", d(2024, 1, 1), d(2024, 12, 31), 0},
        {"45", "", d(2024, 2, 1), d(2024, 2, 29), 1},
        {"45", "45A03", d(2024, 2, 29), d(2024, 5, 31), 2},
    };
    cr_expect_eq(run(p, 3), 2);
    /* the category-level item after the coded one: the later index again */
    jw_ijw_product_t q[] = {
        {"45", "45A03", d(2024, 2, 29), d(2024, 5, 31), 0},
        {"43", "43A01", d(2024, 1, 1), d(2024, 12, 31), 1},
        {"45", "", d(2024, 2, 1), d(2024, 2, 29), 2},
    };
    cr_expect_eq(run(q, 3), 2);
}

Test(overlap, generiek_covers_everything)
{
    /* 0: 43A01 Jan; 1: 45A01 Mar; 2: generiek Feb (overlaps neither); 3: generiek Mar 15 - open (overlaps 1) */
    jw_ijw_product_t p[] = {
        {"43", "43A01", d(2024, 1, 1), d(2024, 1, 31), 0},
        {"45", "45A01", d(2024, 3, 1), d(2024, 3, 31), 1},
        {"", "", d(2024, 2, 1), d(2024, 2, 29), 2},
        {"", "", d(2024, 3, 15), JW_DATE_NONE, 3},
    };
    cr_expect_eq(run(p, 4), 3);
}

Test(overlap, the_earliest_conflicting_item_of_two_pairs)
{
    /* pairs (0,3) and (1,2): the later index of a pair, the smaller over the pairs = 2 */
    jw_ijw_product_t p[] = {
        {"41", "41A01", d(2024, 1, 1), d(2024, 1, 31), 0},
        {"42", "42A01", d(2024, 6, 1), d(2024, 6, 30), 1},
        {"42", "42A01", d(2024, 6, 30), d(2024, 7, 31), 2},
        {"41", "41A01", d(2024, 1, 31), d(2024, 2, 28), 3},
    };
    cr_expect_eq(run(p, 4), 2);
}

Test(overlap, many_items_stay_cheap)
{
    /* 200 000 disjoint months of one product: no conflict, and no n^2 work
     * (that would be 2*10^10 compares: the test would not finish) */
    size_t n = 200000;
    jw_ijw_product_t *p = calloc(n, sizeof *p);
    cr_assert(p);
    for (size_t i = 0; i < n; i++) p[i] = (jw_ijw_product_t){"45", "45A01", (jw_date_t)(2 * i), (jw_date_t)(2 * i), i};
    cr_expect_eq(run(p, n), SIZE_MAX);
    free(p);
}
