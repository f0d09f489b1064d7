/* profile.h - regional profiles (SPEC §4-6): segment map, classification
 * of starts, wait norms, targets, small-cell threshold.
 *
 * A profile is a plain text file, one `key = value` setting per line,
 * `#` comments, blank lines ignored (format reference: docs/profiles.md).
 * The shipped profiles (the .profile files in profiles/) are compiled into the program
 * (profile_embed.h); jw_profile_load() finds them by name.
 *
 * Ownership: jw_profile_load()/jw_profile_parse() return a profile the
 * caller owns and releases with jw_profile_free(). Every string and
 * struct a jw_profile_* function returns points into the profile: valid
 * until jw_profile_free(), never freed by the caller. A loaded profile is
 * never modified, so any number of threads may read it at once.
 *
 * Classification of a start (SPEC §4). For a new episode A and the
 * earlier episode P in scope with the latest end (the caller chooses P;
 * scope = same segment, or all care when jw_profile_scope_all()):
 *
 *   gap = A.start - P.end in days (P.end is P's last day, so a start on
 *         the day after P's end has gap 1).
 *
 *   no P                                  -> instroom
 *   P open-ended (gap = -infinity)        -> stapeling
 *   P ended before the lookback window    -> instroom
 *   gap <  stapeling_below                -> stapeling
 *   gap <= doorstroom_upto                -> doorstroom
 *   A.start <  beyond(P.end)              -> recidive
 *   otherwise                             -> hernieuwd
 *
 * where the care-free stretch runs from P.end + 1 (the first day without
 * P) to A.start - 1, and beyond(P.end) = P.end + 1 + recidive_upto is the
 * first start date that is past the recidive window:
 *   - recidive_upto = N days:   beyond = P.end + 1 + N, so recidive iff
 *                                gap <= N (Zuid-Limburg 180d: gap 180 is
 *                                recidive, gap 181 hernieuwd);
 *   - recidive_upto = N months: beyond = jw_date_add_months(P.end + 1, N)
 *                                (the day is clamped to the target month),
 *                                so recidive iff the care-free stretch is
 *                                shorter than N calendar months. Twente 6m:
 *                                P.end 2024-03-31 -> beyond 2024-10-01;
 *                                P.end 2024-08-30 -> first free day
 *                                2024-08-31 -> beyond 2025-02-28;
 *   - years are 12 months;
 *   - recidive_upto = none:     every gap above doorstroom_upto is recidive.
 *
 * Lookback (N days/months/years, or none): the window starts at
 * A.start - N (months: jw_date_add_months(A.start, -N), clamped); P is
 * ignored (A is instroom) iff P.end < that day. CBS 5y: A.start
 * 2024-06-15 -> window from 2019-06-15; P.end 2019-06-14 is ignored,
 * P.end 2019-06-15 counts.
 */
#ifndef JW_PROFILE_H
#define JW_PROFILE_H

#include <limits.h>
#include <stddef.h>

#include "date/date.h"

enum {
    JW_PROFILE_OK = 0,
    JW_PROFILE_ENOMEM = -400,
    JW_PROFILE_ENOENT = -401,  /* no shipped profile of that name, or the file cannot be read */
    JW_PROFILE_ESYNTAX = -402, /* the text is not a valid profile; err says file:line: what */
    JW_PROFILE_EARG = -403,    /* NULL argument */
};
const char *jw_profile_strerror(int rc);

typedef struct jw_profile jw_profile_t;

typedef enum {
    JW_CLASS_INSTROOM,
    JW_CLASS_STAPELING,
    JW_CLASS_DOORSTROOM,
    JW_CLASS_RECIDIVE,
    JW_CLASS_HERNIEUWD,
} jw_class_t;

/* "instroom", "stapeling", "doorstroom", "recidive", "hernieuwd"
 * (static strings; "?" for a value outside the enum). */
const char *jw_class_name(jw_class_t c);

/* *gap_days of jw_profile_classify() when there is no number of days:
 * P open-ended (gap = -infinity) and no P at all (+infinity). A real gap
 * is clamped to INT_MIN + 1 .. INT_MAX - 1, so it never equals these. */
#define JW_PROFILE_GAP_OPEN INT_MIN
#define JW_PROFILE_GAP_NONE INT_MAX

/* Load a profile. name_or_path containing '/' or ending in ".profile" is
 * read from that file (its name defaults to the file name without
 * directory and ".profile"); anything else is looked up among the shipped
 * profiles. On failure *out is NULL and err (when errlen > 0) holds a
 * NUL-terminated message such as "profiles/zhz.profile:12: unknown key
 * 'foo'". */
int jw_profile_load(const char *name_or_path, jw_profile_t **out, char *err, size_t errlen);

/* Parse profile text (len bytes, no terminator needed). name is the
 * profile's name unless the text sets `name`, and labels error messages. */
int jw_profile_parse(const char *name, const char *text, size_t len, jw_profile_t **out,
                     char *err, size_t errlen);

void jw_profile_free(jw_profile_t *p);

/* The `name` setting, or the name the profile was loaded under. */
const char *jw_profile_name(const jw_profile_t *p);
/* The `description` setting, or "". */
const char *jw_profile_description(const jw_profile_t *p);

/* ---- segments ---- */

/* The segment of a product: the most specific segment token matching
 * (categorie, code) - a `CC:PREFIX` token whose category equals categorie
 * and whose prefix starts code (the longest such prefix wins) beats a
 * plain `CC` token. Nothing matches -> "overig". categorie NULL or ""
 * (generiek: an allocation without Product) -> the `segment.generiek`
 * segment, "overig" by default. code NULL or "" (aspecifiek) matches only
 * plain category tokens. Never NULL. */
const char *jw_profile_segment(const jw_profile_t *p, const char *categorie, const char *code);

/* Segments in declaration order; "overig" is always present (last unless
 * the profile declares it explicitly). */
size_t jw_profile_segment_count(const jw_profile_t *p);
const char *jw_profile_segment_name(const jw_profile_t *p, size_t i); /* NULL past the end */

/* 1 when the segment is marked `verblijf = yes` (IND-02, IND-13), else 0
 * (also for an unknown segment). */
int jw_profile_segment_verblijf(const jw_profile_t *p, const char *segment);
/* The segment's `label`, or the segment name itself; NULL for an unknown segment. */
const char *jw_profile_segment_label(const jw_profile_t *p, const char *segment);

/* ---- classification ---- */

/* A span of time: N days or N calendar months (years are stored as
 * 12 * N months); JW_SPAN_NONE = no bound. */
typedef enum { JW_SPAN_NONE, JW_SPAN_DAYS, JW_SPAN_MONTHS } jw_span_unit_t;
typedef struct {
    jw_span_unit_t unit;
    int n;
} jw_span_t;

typedef struct {
    int scope_all;          /* 1: P is sought in all care, 0: in the same segment */
    int stapeling_below;    /* gap < this -> stapeling */
    int doorstroom_upto;    /* gap <= this -> doorstroom */
    jw_span_t recidive_upto;
    jw_span_t lookback;
    jw_class_t return_class; /* published as the `recidive` event */
} jw_profile_classes_t;

const jw_profile_classes_t *jw_profile_classes(const jw_profile_t *p);

/* Classify a start (see the top of this file). has_prev = 0: no P;
 * prev_end = JW_DATE_NONE: P is open-ended. *gap_days (when not NULL) gets
 * start - prev_end, or JW_PROFILE_GAP_OPEN / JW_PROFILE_GAP_NONE; a P
 * ignored by the lookback still reports its real gap. */
jw_class_t jw_profile_classify(const jw_profile_t *p, int has_prev, jw_date_t prev_end,
                               jw_date_t start, int *gap_days);

int jw_profile_scope_all(const jw_profile_t *p);
jw_class_t jw_profile_return_class(const jw_profile_t *p);

/* ---- wait norms (IND-14) ---- */

/* The segment's wait norm: days from allocation to start, and the target
 * share (percent) of starts within it. Returns 1 when the segment has a
 * norm; 0 (and *days = 0, *share = 0) when not. share is 0 when the
 * profile gives days without a target share. Either pointer may be NULL. */
int jw_profile_wait_norm(const jw_profile_t *p, const char *segment, int *days, double *share);

/* ---- small cells ---- */

/* Published counts below this are suppressed (default 5; 0 = none). */
int jw_profile_small_cells(const jw_profile_t *p);

/* ---- gemeenten and population (`gemeente.CODE = Name`,
 * `population.CODE.YEAR = N0_17 N0_22`) ---- */

/* The region's gemeenten in declaration order: CBS code (4 digits) and name;
 * name NULL for a code the profile does not list. */
size_t jw_profile_gemeente_count(const jw_profile_t *p);
const char *jw_profile_gemeente_code(const jw_profile_t *p, size_t i);
const char *jw_profile_gemeente_name(const jw_profile_t *p, const char *code);
/* Inhabitants aged 0-17 and 0-22 on 1 January of year, of one gemeente
 * (code), or of the whole region (code NULL: the sum, only when every
 * listed gemeente has that year). 1 when known, else 0. */
int jw_profile_population(const jw_profile_t *p, const char *code, int year, int64_t *n17, int64_t *n22);

/* ---- targets ---- */

typedef enum {
    JW_TARGET_CHANGE, /* value % change of the target year vs the base year */
    JW_TARGET_RATE,   /* value % change per year (vs the previous year, or compounded from base) */
    JW_TARGET_MAX,    /* the indicator stays at or below value */
    JW_TARGET_MIN,    /* the indicator stays at or above value */
} jw_target_kind_t;

typedef enum {
    JW_TARGET_UNIT_PERCENT, /* CHANGE/RATE always; MIN/MAX of a share */
    JW_TARGET_UNIT_COUNT,   /* the indicator's own count (youths, starts, etmalen) */
    JW_TARGET_UNIT_DAYS,
    JW_TARGET_UNIT_EUR,
} jw_target_unit_t;

typedef struct {
    const char *indicator; /* "IND-02" */
    const char *segment;   /* NULL = the total over all segments */
    jw_target_kind_t kind;
    double value;          /* -30 for "-30%", 274 for "max 274d" */
    jw_target_unit_t unit;
    int base_year;         /* 0 = none (RATE: year on year; MIN/MAX: never) */
    int target_year;       /* 0 = none (applies every year from base_year + 1 on) */
    int line;              /* line of the profile text it came from */
} jw_profile_target_t;

size_t jw_profile_target_count(const jw_profile_t *p);
const jw_profile_target_t *jw_profile_target(const jw_profile_t *p, size_t i); /* NULL past the end */

#endif
