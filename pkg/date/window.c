/* window.c - the dates jw accepts in a message (see date.h).
 *
 * An iJw date is an xs:date: the XSD takes 0001-01-01 as readily as
 * 9999-12-31, and an allocation spanning those dates makes every
 * per-period structure downstream (indicator cells per month, per day)
 * hundreds of megabytes. Real dates in youth care (birth dates included)
 * lie well inside 1900-01-01..2100-12-31. */
#include "date/date.h"

int jw_date_in_window(jw_date_t d)
{
    return d >= JW_DATE_WINDOW_MIN && d <= JW_DATE_WINDOW_MAX;
}
