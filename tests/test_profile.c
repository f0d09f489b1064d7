/* Tests for pkg/profile: the shipped profiles, segment look-ups, the
 * classification of starts at every boundary, lookback, month arithmetic,
 * targets, wait norms and parse errors.
 *
 * Expected values are written by hand from the definitions (profile.h,
 * docs/profiles.md): gap = A.start - P.end in days; a month bound makes a
 * start recidive iff A.start < add_months(P.end + 1, N) (day clamped to the
 * month's end); a lookback of N ignores P iff P.end < A.start - N. Day
 * counts are counted on the calendar in the comments. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date/date.h"
#include "profile/profile.h"
#include "profile/profile_embed.h"

static jw_date_t D(const char *s)
{
    jw_date_t d;
    cr_assert_eq(jw_date_parse(s, strlen(s), &d), 0, "bad date %s", s);
    return d;
}

static jw_profile_t *load(const char *name)
{
    char err[256];
    jw_profile_t *p = NULL;
    int rc = jw_profile_load(name, &p, err, sizeof err);
    cr_assert_eq(rc, 0, "load %s: %s", name, err);
    cr_assert_not_null(p);
    return p;
}

static jw_profile_t *parse(const char *text)
{
    char err[256];
    jw_profile_t *p = NULL;
    int rc = jw_profile_parse("t", text, strlen(text), &p, err, sizeof err);
    cr_assert_eq(rc, 0, "parse: %s", err);
    return p;
}

/* Parse text that must fail; the message must start with "t:LINE:" and
 * contain `what`. */
static void expect_error(const char *text, int line, const char *what)
{
    char err[256] = "";
    jw_profile_t *p = (jw_profile_t *)1;
    int rc = jw_profile_parse("t", text, strlen(text), &p, err, sizeof err);
    cr_assert_eq(rc, JW_PROFILE_ESYNTAX, "expected a syntax error for:\n%s", text);
    cr_assert_null(p, "no profile on error");
    char prefix[32];
    snprintf(prefix, sizeof prefix, "t:%d: ", line);
    cr_assert(strncmp(err, prefix, strlen(prefix)) == 0, "error '%s' should start with '%s'", err,
              prefix);
    cr_assert(strstr(err, what), "error '%s' should contain '%s'", err, what);
}

/* Classify a start after a P that ended on prev_end; check class and gap. */
static void expect_class(const jw_profile_t *p, const char *prev_end, const char *start,
                         jw_class_t want, int want_gap)
{
    int gap = 12345;
    jw_class_t c = jw_profile_classify(p, 1, D(prev_end), D(start), &gap);
    cr_assert_eq(c, want, "%s: P.end %s, start %s: got %s, want %s", jw_profile_name(p), prev_end,
                 start, jw_class_name(c), jw_class_name(want));
    cr_assert_eq(gap, want_gap, "P.end %s, start %s: gap %d, want %d", prev_end, start, gap, want_gap);
}

/* ---- shipped profiles ---- */

Test(shipped, all_four_load_under_their_own_name)
{
    const char *want[] = {"cbs", "twente", "zhz", "zuid-limburg"};
    cr_assert_eq(jw_profile_file_count, 4u);
    cr_assert_null(jw_profile_files[4].name, "table ends with the sentinel");
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_str_eq(jw_profile_files[i].name, want[i]);
        jw_profile_t *p = load(want[i]);
        cr_assert_str_eq(jw_profile_name(p), want[i]);
        cr_assert_neq(strlen(jw_profile_description(p)), 0u, "%s has a description", want[i]);
        cr_assert_eq(jw_profile_small_cells(p), 5);
        jw_profile_free(p);
    }
}

Test(shipped, load_by_path_and_unknown_names)
{
    jw_profile_t *p = load("profiles/zhz.profile");
    cr_assert_str_eq(jw_profile_name(p), "zhz");
    jw_profile_free(p);

    char err[256];
    p = (jw_profile_t *)1;
    cr_assert_eq(jw_profile_load("utrecht", &p, err, sizeof err), JW_PROFILE_ENOENT);
    cr_assert_null(p);
    cr_assert(strstr(err, "'utrecht'") && strstr(err, "zuid-limburg") && strstr(err, "cbs"), "%s", err);

    cr_assert_eq(jw_profile_load("/nonexistent/x.profile", &p, err, sizeof err), JW_PROFILE_ENOENT);
    cr_assert(strstr(err, "/nonexistent/x.profile"), "%s", err);
    cr_assert_eq(jw_profile_load("missing.profile", &p, err, sizeof err), JW_PROFILE_ENOENT,
                 "a name ending in .profile is a path, not a shipped name");
    cr_assert_eq(jw_profile_load(NULL, &p, err, sizeof err), JW_PROFILE_EARG);
    cr_assert_str_eq(jw_profile_strerror(JW_PROFILE_ENOENT), "no such profile");
}

Test(shipped, file_errors_name_the_path_and_line)
{
    char path[] = "/tmp/jw-profile-XXXXXX.profile";
    int fd = mkstemps(path, 8);
    cr_assert(fd >= 0);
    const char *text = "# mine\nclasses.scope = everything\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char err[256], want[64];
    jw_profile_t *p = NULL;
    cr_assert_eq(jw_profile_load(path, &p, err, sizeof err), JW_PROFILE_ESYNTAX);
    snprintf(want, sizeof want, "%s:2: ", path);
    cr_assert(strncmp(err, want, strlen(want)) == 0, "%s", err);
    cr_assert(strstr(err, "segment or all"), "%s", err);

    /* The same file, fixed, loads under its file name. */
    FILE *f = fopen(path, "w");
    fputs("classes.scope = all\n", f);
    fclose(f);
    cr_assert_eq(jw_profile_load(path, &p, err, sizeof err), 0, "%s", err);
    cr_assert_eq(strncmp(jw_profile_name(p), "jw-profile-", 11), 0, "%s", jw_profile_name(p));
    cr_assert_eq(jw_profile_scope_all(p), 1);
    jw_profile_free(p);
    unlink(path);
}

/* ---- segments of the shipped profiles ---- */

static void seg_is(const jw_profile_t *p, const char *cat, const char *code, const char *want)
{
    const char *got = jw_profile_segment(p, cat, code);
    cr_assert_str_eq(got, want, "%s: (%s, %s) -> %s, want %s", jw_profile_name(p), cat ? cat : "NULL",
                     code ? code : "NULL", got, want);
}

static void segs_are(const jw_profile_t *p, const char *const *names, size_t n)
{
    cr_assert_eq(jw_profile_segment_count(p), n, "%s", jw_profile_name(p));
    for (size_t i = 0; i < n; i++) cr_assert_str_eq(jw_profile_segment_name(p, i), names[i]);
    cr_assert_null(jw_profile_segment_name(p, n));
}

Test(segments, zuid_limburg)
{
    jw_profile_t *p = load("zuid-limburg");
    const char *names[] = {"gikj", "wonen", "ambulant", "crisis", "overig"};
    segs_are(p, names, 5);
    seg_is(p, "45", "45A01", "ambulant");
    seg_is(p, "45", NULL, "ambulant");
    seg_is(p, "41", "41A01", "ambulant");
    seg_is(p, "54", "54A02", "ambulant");
    seg_is(p, "43", "43A01", "gikj");
    seg_is(p, "37", NULL, "gikj");
    seg_is(p, "48", "48A01", "gikj");
    seg_is(p, "44", "44A01", "wonen");
    seg_is(p, "35", NULL, "wonen");
    seg_is(p, "46", "46A01", "crisis");
    seg_is(p, "42", NULL, "overig");
    seg_is(p, "55", "55A11", "overig");
    seg_is(p, "", "", "overig");   /* generiek */
    seg_is(p, NULL, NULL, "overig");
    cr_assert_eq(jw_profile_segment_verblijf(p, "gikj"), 1);
    cr_assert_eq(jw_profile_segment_verblijf(p, "wonen"), 1);
    cr_assert_eq(jw_profile_segment_verblijf(p, "ambulant"), 0);
    cr_assert_eq(jw_profile_segment_verblijf(p, "crisis"), 0);
    cr_assert_eq(jw_profile_segment_verblijf(p, "overig"), 0);
    cr_assert_eq(jw_profile_segment_verblijf(p, "nope"), 0);
    cr_assert_str_eq(jw_profile_segment_label(p, "wonen"), "Wonen");
    cr_assert_null(jw_profile_segment_label(p, "nope"));
    cr_assert_eq(jw_profile_target_count(p), 0u, "S003 has directions only");
    cr_assert_eq(jw_profile_wait_norm(p, "ambulant", NULL, NULL), 0);
    jw_profile_free(p);
}

Test(segments, twente)
{
    jw_profile_t *p = load("twente");
    const char *names[] = {"verblijf", "ambulant", "wonen", "crisis", "overig"};
    segs_are(p, names, 5);
    seg_is(p, "43", "43A01", "verblijf");
    seg_is(p, "44", "44A02", "verblijf");
    seg_is(p, "37", NULL, "verblijf");
    seg_is(p, "45", "45A01", "ambulant");
    seg_is(p, "41", NULL, "ambulant");
    seg_is(p, "35", NULL, "wonen");
    seg_is(p, "36", NULL, "wonen");
    seg_is(p, "46", "46A02", "crisis");
    seg_is(p, "48", "48A01", "overig");
    seg_is(p, NULL, NULL, "overig");
    cr_assert_eq(jw_profile_segment_verblijf(p, "verblijf"), 1);
    cr_assert_eq(jw_profile_segment_verblijf(p, "wonen"), 0);
    cr_assert_eq(jw_profile_segment_verblijf(p, "ambulant"), 0);
    jw_profile_free(p);
}

Test(segments, zhz)
{
    jw_profile_t *p = load("zhz");
    const char *names[] = {"verblijf_behandeling", "wonen", "dagvoorziening", "ambulant", "crisis",
                           "gedwongen_kader", "individueel", "overig"};
    segs_are(p, names, 8);
    seg_is(p, "43", "43A02", "verblijf_behandeling");
    seg_is(p, "44", "44A01", "wonen");
    seg_is(p, "35", NULL, "wonen");
    seg_is(p, "41", "41A01", "dagvoorziening");
    seg_is(p, "33", NULL, "dagvoorziening");
    seg_is(p, "45", "45A03", "ambulant");
    seg_is(p, "54", NULL, "ambulant");
    seg_is(p, "46", NULL, "crisis");
    seg_is(p, "48", "48A02", "gedwongen_kader");
    seg_is(p, "47", NULL, "gedwongen_kader");
    seg_is(p, "31", NULL, "individueel");
    seg_is(p, "51", NULL, "individueel");
    seg_is(p, "55", NULL, "overig");
    cr_assert_eq(jw_profile_segment_verblijf(p, "verblijf_behandeling"), 1);
    cr_assert_eq(jw_profile_segment_verblijf(p, "wonen"), 1);
    cr_assert_eq(jw_profile_segment_verblijf(p, "crisis"), 0);
    cr_assert_str_eq(jw_profile_segment_label(p, "verblijf_behandeling"),
                     "Segment 1 - Verblijf met behandeling");
    jw_profile_free(p);
}

Test(segments, cbs)
{
    jw_profile_t *p = load("cbs");
    const char *names[] = {"met_verblijf", "zonder_verblijf", "jeugdbescherming", "jeugdreclassering",
                           "overig"};
    segs_are(p, names, 5);
    for (const char *const *c = (const char *const[]){"35", "36", "37", "38", "43", "44", NULL}; *c; c++)
        seg_is(p, *c, NULL, "met_verblijf");
    for (const char *const *c = (const char *const[]){"31", "32", "33", "34", "41", "45", "51", "52",
                                                      "53", "54", NULL};
         *c; c++)
        seg_is(p, *c, "X", "zonder_verblijf");
    seg_is(p, "48", "48A01", "jeugdbescherming");
    seg_is(p, "47", NULL, "jeugdreclassering");
    seg_is(p, "42", NULL, "overig");
    seg_is(p, "", NULL, "overig");
    cr_assert_eq(jw_profile_segment_verblijf(p, "met_verblijf"), 1);
    cr_assert_eq(jw_profile_segment_verblijf(p, "zonder_verblijf"), 0);
    cr_assert_eq(jw_profile_target_count(p), 0u);
    jw_profile_free(p);
}

Test(segments, most_specific_prefix_wins)
{
    jw_profile_t *p = parse("segment a = 45\n"
                            "segment b = 45:45A0\n"
                            "segment c = 45:45A01 43:43X\n"
                            "segment.generiek = a\n");
    seg_is(p, "45", "45A01", "c");  /* 5-char prefix beats 4-char and category */
    seg_is(p, "45", "45A02", "b");
    seg_is(p, "45", "45A0", "b");
    seg_is(p, "45", "45B01", "a");  /* only the category matches */
    seg_is(p, "45", NULL, "a");     /* aspecifiek: category tokens only */
    seg_is(p, "45", "", "a");
    seg_is(p, "43", "43X9", "c");
    seg_is(p, "43", "43Y", "overig"); /* 43 has a prefix token only */
    seg_is(p, "43", NULL, "overig");
    seg_is(p, "44", NULL, "overig");
    seg_is(p, "", "", "a");          /* generiek -> segment.generiek */
    seg_is(p, NULL, NULL, "a");
    const char *names[] = {"a", "b", "c", "overig"};
    segs_are(p, names, 4);
    jw_profile_free(p);
}

Test(segments, repeated_segment_lines_append_and_overig_can_be_declared)
{
    jw_profile_t *p = parse("segment overig = 42\n"
                            "segment x = 45\n"
                            "segment x = 46   # more tokens for x\n");
    seg_is(p, "45", NULL, "x");
    seg_is(p, "46", NULL, "x");
    seg_is(p, "42", NULL, "overig");
    const char *names[] = {"overig", "x"};
    segs_are(p, names, 2);
    cr_assert_str_eq(jw_profile_segment_label(p, "x"), "x", "label defaults to the name");
    jw_profile_free(p);
}

/* ---- classification: Zuid-Limburg ---- */

Test(classify, zuid_limburg_every_boundary)
{
    jw_profile_t *p = load("zuid-limburg");
    /* P.end 2024-03-31. */
    expect_class(p, "2024-03-31", "2024-03-16", JW_CLASS_STAPELING, -15);
    expect_class(p, "2024-03-31", "2024-03-17", JW_CLASS_DOORSTROOM, -14);
    expect_class(p, "2024-03-31", "2024-03-31", JW_CLASS_DOORSTROOM, 0);
    expect_class(p, "2024-03-31", "2024-04-01", JW_CLASS_DOORSTROOM, 1);
    expect_class(p, "2024-03-31", "2024-04-14", JW_CLASS_DOORSTROOM, 14);
    expect_class(p, "2024-03-31", "2024-04-15", JW_CLASS_RECIDIVE, 15);
    /* +180: April 30 is +30, May 31 +61, June 30 +91, July 31 +122,
     * Aug 31 +153, Sep 27 +180. */
    expect_class(p, "2024-03-31", "2024-09-27", JW_CLASS_RECIDIVE, 180);
    expect_class(p, "2024-03-31", "2024-09-28", JW_CLASS_HERNIEUWD, 181);
    expect_class(p, "2020-01-01", "2024-01-01", JW_CLASS_HERNIEUWD, 1461); /* no lookback */

    int gap = 0;
    cr_assert_eq(jw_profile_classify(p, 1, JW_DATE_NONE, D("2024-06-01"), &gap), JW_CLASS_STAPELING);
    cr_assert_eq(gap, JW_PROFILE_GAP_OPEN);
    cr_assert_eq(gap, INT_MIN);
    cr_assert_eq(jw_profile_classify(p, 0, JW_DATE_NONE, D("2024-06-01"), &gap), JW_CLASS_INSTROOM);
    cr_assert_eq(gap, JW_PROFILE_GAP_NONE);
    cr_assert_eq(jw_profile_classify(p, 1, D("2024-03-31"), D("2024-04-15"), NULL), JW_CLASS_RECIDIVE,
                 "gap_days may be NULL");

    cr_assert_eq(jw_profile_scope_all(p), 0);
    cr_assert_eq(jw_profile_return_class(p), JW_CLASS_RECIDIVE);
    const jw_profile_classes_t *c = jw_profile_classes(p);
    cr_assert_eq(c->stapeling_below, -14);
    cr_assert_eq(c->doorstroom_upto, 14);
    cr_assert_eq(c->recidive_upto.unit, JW_SPAN_DAYS);
    cr_assert_eq(c->recidive_upto.n, 180);
    cr_assert_eq(c->lookback.unit, JW_SPAN_NONE);
    jw_profile_free(p);
}

/* ---- classification: Twente, 6 calendar months ---- */

Test(classify, twente_six_months_both_sides)
{
    jw_profile_t *p = load("twente");
    cr_assert_eq(jw_profile_scope_all(p), 1);
    cr_assert_eq(jw_profile_return_class(p), JW_CLASS_HERNIEUWD);
    const jw_profile_classes_t *c = jw_profile_classes(p);
    cr_assert_eq(c->recidive_upto.unit, JW_SPAN_MONTHS);
    cr_assert_eq(c->recidive_upto.n, 6);

    /* P.end 2024-03-31: first free day 2024-04-01, + 6 months = 2024-10-01.
     * 2024-09-30 is 183 days after 03-31 (Apr 30 +30 ... Aug 31 +153,
     * Sep 30 +183). */
    expect_class(p, "2024-03-31", "2024-09-30", JW_CLASS_RECIDIVE, 183);
    expect_class(p, "2024-03-31", "2024-10-01", JW_CLASS_HERNIEUWD, 184);
    /* The day windows still apply below. */
    expect_class(p, "2024-03-31", "2024-04-14", JW_CLASS_DOORSTROOM, 14);
    expect_class(p, "2024-03-31", "2024-04-15", JW_CLASS_RECIDIVE, 15);
    expect_class(p, "2024-03-31", "2024-03-16", JW_CLASS_STAPELING, -15);

    /* Month-end clamping: P.end 2024-08-30 -> first free day 2024-08-31,
     * + 6 months = 2025-02-31 -> clamped to 2025-02-28. Gaps: Aug 31 +1,
     * Sep 30 +31, Oct 31 +62, Nov 30 +92, Dec 31 +123, Jan 31 +154, Feb 27
     * +181. */
    expect_class(p, "2024-08-30", "2025-02-27", JW_CLASS_RECIDIVE, 181);
    expect_class(p, "2024-08-30", "2025-02-28", JW_CLASS_HERNIEUWD, 182);
    /* P.end 2024-08-31 -> first free day 2024-09-01 -> 2025-03-01. */
    expect_class(p, "2024-08-31", "2025-02-28", JW_CLASS_RECIDIVE, 181);
    expect_class(p, "2024-08-31", "2025-03-01", JW_CLASS_HERNIEUWD, 182);
    /* Leap year: P.end 2023-08-30 -> 2023-08-31 + 6 months = 2024-02-29. */
    expect_class(p, "2023-08-30", "2024-02-28", JW_CLASS_RECIDIVE, 182);
    expect_class(p, "2023-08-30", "2024-02-29", JW_CLASS_HERNIEUWD, 183);
    jw_profile_free(p);
}

/* ---- classification: CBS herhaald beroep ---- */

Test(classify, cbs_lookback_and_adjoining)
{
    jw_profile_t *p = load("cbs");
    cr_assert_eq(jw_profile_scope_all(p), 1);
    cr_assert_eq(jw_profile_return_class(p), JW_CLASS_RECIDIVE);
    const jw_profile_classes_t *c = jw_profile_classes(p);
    cr_assert_eq(c->lookback.unit, JW_SPAN_MONTHS);
    cr_assert_eq(c->lookback.n, 60);
    cr_assert_eq(c->recidive_upto.unit, JW_SPAN_NONE);

    /* Start 2024-06-15: the window opens 2019-06-15. 2019-06-15 to
     * 2024-06-15 is 5 * 365 + 2 leap days (2020, 2024) = 1827 days. */
    expect_class(p, "2019-06-14", "2024-06-15", JW_CLASS_INSTROOM, 1828); /* 5 years + 1 day */
    expect_class(p, "2019-06-15", "2024-06-15", JW_CLASS_RECIDIVE, 1827);
    expect_class(p, "2022-01-01", "2024-06-15", JW_CLASS_RECIDIVE, 896);  /* 365 + 365 + 166 */
    /* Adjoining: start the day after the end is not a return. */
    expect_class(p, "2024-06-14", "2024-06-15", JW_CLASS_DOORSTROOM, 1);
    /* One free day between (2024-06-14): herhaald beroep. */
    expect_class(p, "2024-06-13", "2024-06-15", JW_CLASS_RECIDIVE, 2);
    /* Overlap and same day. */
    expect_class(p, "2024-06-15", "2024-06-15", JW_CLASS_STAPELING, 0);
    expect_class(p, "2024-12-31", "2024-06-15", JW_CLASS_STAPELING, -199);
    /* Leap day: start 2024-02-29 - 5 years = 2019-02-29 -> clamped to 02-28. */
    expect_class(p, "2019-02-27", "2024-02-29", JW_CLASS_INSTROOM, 1828);
    expect_class(p, "2019-02-28", "2024-02-29", JW_CLASS_RECIDIVE, 1827);
    /* An open-ended earlier episode is never outside the lookback. */
    int gap;
    cr_assert_eq(jw_profile_classify(p, 1, JW_DATE_NONE, D("2024-06-15"), &gap), JW_CLASS_STAPELING);
    jw_profile_free(p);
}

Test(classify, day_and_month_lookback_and_none)
{
    jw_profile_t *p = parse("classes.lookback = 30d\nclasses.recidive_upto = none\n");
    /* start 2024-03-31 - 30 days = 2024-03-01 */
    expect_class(p, "2024-02-29", "2024-03-31", JW_CLASS_INSTROOM, 31);
    expect_class(p, "2024-03-01", "2024-03-31", JW_CLASS_RECIDIVE, 30);
    jw_profile_free(p);

    p = parse("classes.lookback = 1m\n");
    /* start 2024-03-31 - 1 month = 2024-02-31 -> 2024-02-29 */
    expect_class(p, "2024-02-28", "2024-03-31", JW_CLASS_INSTROOM, 32);
    expect_class(p, "2024-02-29", "2024-03-31", JW_CLASS_RECIDIVE, 31);
    jw_profile_free(p);

    p = parse("classes.recidive_upto = 1y\n");
    cr_assert_eq(jw_profile_classes(p)->recidive_upto.n, 12);
    /* P.end 2023-12-31 -> first free day 2024-01-01 -> beyond 2025-01-01 */
    expect_class(p, "2023-12-31", "2024-12-31", JW_CLASS_RECIDIVE, 366);
    expect_class(p, "2023-12-31", "2025-01-01", JW_CLASS_HERNIEUWD, 367);
    jw_profile_free(p);
}

Test(classify, class_names)
{
    cr_assert_str_eq(jw_class_name(JW_CLASS_INSTROOM), "instroom");
    cr_assert_str_eq(jw_class_name(JW_CLASS_STAPELING), "stapeling");
    cr_assert_str_eq(jw_class_name(JW_CLASS_DOORSTROOM), "doorstroom");
    cr_assert_str_eq(jw_class_name(JW_CLASS_RECIDIVE), "recidive");
    cr_assert_str_eq(jw_class_name(JW_CLASS_HERNIEUWD), "hernieuwd");
    cr_assert_str_eq(jw_class_name((jw_class_t)99), "?");
}

/* ---- defaults, comments, wait norms, small cells ---- */

Test(format, empty_text_gives_spec_defaults)
{
    jw_profile_t *p = parse("");
    cr_assert_str_eq(jw_profile_name(p), "t");
    cr_assert_str_eq(jw_profile_description(p), "");
    const jw_profile_classes_t *c = jw_profile_classes(p);
    cr_assert_eq(c->scope_all, 0);
    cr_assert_eq(c->stapeling_below, -14);
    cr_assert_eq(c->doorstroom_upto, 14);
    cr_assert_eq(c->recidive_upto.unit, JW_SPAN_DAYS);
    cr_assert_eq(c->recidive_upto.n, 180);
    cr_assert_eq(c->lookback.unit, JW_SPAN_NONE);
    cr_assert_eq(c->return_class, JW_CLASS_RECIDIVE);
    cr_assert_eq(jw_profile_small_cells(p), 5);
    const char *names[] = {"overig"};
    segs_are(p, names, 1);
    seg_is(p, "45", NULL, "overig");
    jw_profile_free(p);
}

Test(format, comments_crlf_name_and_labels)
{
    jw_profile_t *p = parse("# header\r\n"
                            "   \t\r\n"
                            "name = my-region   # trailing comment\r\n"
                            "description = A = B, no#comment here\r\n"
                            "segment s1 = 45\r\n"
                            "segment.s1.label = Seg #1 # but this is one\r\n"
                            "small_cells.threshold = 10\r\n"
                            "classes.stapeling_below = -7d\r\n"
                            "classes.doorstroom_upto = 7d");
    cr_assert_str_eq(jw_profile_name(p), "my-region", "the text's name wins");
    cr_assert_str_eq(jw_profile_description(p), "A = B, no#comment here");
    cr_assert_str_eq(jw_profile_segment_label(p, "s1"), "Seg");
    cr_assert_eq(jw_profile_small_cells(p), 10);
    cr_assert_eq(jw_profile_classes(p)->stapeling_below, -7);
    cr_assert_eq(jw_profile_classes(p)->doorstroom_upto, 7);
    jw_profile_free(p);
}

Test(format, wait_norms)
{
    jw_profile_t *p = load("twente");
    int days = -1;
    double share = -1;
    cr_assert_eq(jw_profile_wait_norm(p, "verblijf", &days, &share), 1);
    cr_assert_eq(days, 42, "6 weeks");
    cr_assert_float_eq(share, 90.0, 1e-9);
    cr_assert_eq(jw_profile_wait_norm(p, "ambulant", &days, &share), 1);
    cr_assert_eq(days, 98, "14 weeks");
    cr_assert_float_eq(share, 90.0, 1e-9);
    cr_assert_eq(jw_profile_wait_norm(p, "wonen", &days, &share), 0);
    cr_assert_eq(days, 0);
    cr_assert_float_eq(share, 0.0, 1e-9);
    cr_assert_eq(jw_profile_wait_norm(p, "nope", &days, &share), 0);
    jw_profile_free(p);

    p = load("zhz");
    cr_assert_eq(jw_profile_wait_norm(p, "wonen", &days, &share), 1);
    cr_assert_eq(days, 91, "3 months at 30.4375 days");
    cr_assert_float_eq(share, 95.0, 1e-9);
    cr_assert_eq(jw_profile_wait_norm(p, "crisis", &days, &share), 1);
    cr_assert_eq(days, 1);
    cr_assert_float_eq(share, 90.0, 1e-9);
    jw_profile_free(p);

    p = parse("segment a = 45\nwait_norm.a = 10d\n");
    cr_assert_eq(jw_profile_wait_norm(p, "a", &days, &share), 1);
    cr_assert_eq(days, 10);
    cr_assert_float_eq(share, 0.0, 1e-9, "no share given");
    jw_profile_free(p);

    p = parse("small_cells.threshold = 0\n");
    cr_assert_eq(jw_profile_small_cells(p), 0);
    jw_profile_free(p);
}

/* ---- targets ---- */

static void target_is(const jw_profile_target_t *t, const char *ind, const char *seg,
                      jw_target_kind_t kind, double value, jw_target_unit_t unit, int base, int by)
{
    cr_assert_not_null(t);
    cr_assert_str_eq(t->indicator, ind);
    if (seg) cr_assert_str_eq(t->segment, seg, "%s", ind);
    else cr_assert_null(t->segment, "%s is a total", ind);
    cr_assert_eq(t->kind, kind, "%s kind", ind);
    cr_assert_float_eq(t->value, value, 1e-9, "%s value %g", ind, t->value);
    cr_assert_eq(t->unit, unit, "%s unit", ind);
    cr_assert_eq(t->base_year, base, "%s base", ind);
    cr_assert_eq(t->target_year, by, "%s by", ind);
    cr_assert_gt(t->line, 0);
}

Test(targets, twente)
{
    jw_profile_t *p = load("twente");
    cr_assert_eq(jw_profile_target_count(p), 7u);
    target_is(jw_profile_target(p, 0), "IND-02", NULL, JW_TARGET_CHANGE, -30, JW_TARGET_UNIT_PERCENT, 2024, 2027);
    target_is(jw_profile_target(p, 1), "IND-13", NULL, JW_TARGET_CHANGE, -15, JW_TARGET_UNIT_PERCENT, 2024, 2027);
    target_is(jw_profile_target(p, 2), "IND-13", NULL, JW_TARGET_RATE, -5, JW_TARGET_UNIT_PERCENT, 2024, 2027);
    target_is(jw_profile_target(p, 3), "IND-06", NULL, JW_TARGET_CHANGE, -15, JW_TARGET_UNIT_PERCENT, 2024, 2027);
    target_is(jw_profile_target(p, 4), "IND-06", "ambulant", JW_TARGET_CHANGE, -20, JW_TARGET_UNIT_PERCENT, 2024, 2028);
    target_is(jw_profile_target(p, 5), "IND-12", "ambulant", JW_TARGET_CHANGE, -20, JW_TARGET_UNIT_PERCENT, 2024, 2028);
    target_is(jw_profile_target(p, 6), "IND-15", NULL, JW_TARGET_MIN, 90, JW_TARGET_UNIT_PERCENT, 0, 0);
    cr_assert_null(jw_profile_target(p, 7));
    jw_profile_free(p);
}

Test(targets, zhz)
{
    jw_profile_t *p = load("zhz");
    cr_assert_eq(jw_profile_target_count(p), 5u);
    target_is(jw_profile_target(p, 0), "IND-12", "verblijf_behandeling", JW_TARGET_MAX, 274, JW_TARGET_UNIT_DAYS, 0, 0);
    target_is(jw_profile_target(p, 1), "IND-13", "verblijf_behandeling", JW_TARGET_RATE, -5, JW_TARGET_UNIT_PERCENT, 0, 0);
    target_is(jw_profile_target(p, 2), "IND-03", "dagvoorziening", JW_TARGET_CHANGE, -20, JW_TARGET_UNIT_PERCENT, 2021, 2024);
    target_is(jw_profile_target(p, 3), "IND-16", "verblijf_behandeling", JW_TARGET_CHANGE, -5, JW_TARGET_UNIT_PERCENT, 2021, 2024);
    target_is(jw_profile_target(p, 4), "IND-16", "wonen", JW_TARGET_CHANGE, 0, JW_TARGET_UNIT_PERCENT, 2021, 0);
    jw_profile_free(p);
}

Test(targets, grammar)
{
    jw_profile_t *p = parse("segment a = 45\n"
                            "target.IND-01.a = +12.5% base 2022\n"
                            "target.IND-01.a = 3%/y\n"
                            "target.IND-17 = max 1000000.50eur by 2026\n"
                            "target.IND-01 = min 40\n"
                            "target.IND-14b = max 5d\n"
                            "target.IND-23 = min 95%\n");
    cr_assert_eq(jw_profile_target_count(p), 6u);
    target_is(jw_profile_target(p, 0), "IND-01", "a", JW_TARGET_CHANGE, 12.5, JW_TARGET_UNIT_PERCENT, 2022, 0);
    target_is(jw_profile_target(p, 1), "IND-01", "a", JW_TARGET_RATE, 3, JW_TARGET_UNIT_PERCENT, 0, 0);
    target_is(jw_profile_target(p, 2), "IND-17", NULL, JW_TARGET_MAX, 1000000.5, JW_TARGET_UNIT_EUR, 0, 2026);
    target_is(jw_profile_target(p, 3), "IND-01", NULL, JW_TARGET_MIN, 40, JW_TARGET_UNIT_COUNT, 0, 0);
    target_is(jw_profile_target(p, 4), "IND-14b", NULL, JW_TARGET_MAX, 5, JW_TARGET_UNIT_DAYS, 0, 0);
    target_is(jw_profile_target(p, 5), "IND-23", NULL, JW_TARGET_MIN, 95, JW_TARGET_UNIT_PERCENT, 0, 0);
    jw_profile_free(p);
}

/* ---- errors name the line ---- */

Test(errors, the_required_ones)
{
    expect_error("name = x\nfoo = 1\n", 2, "unknown key 'foo'");
    expect_error("classes.stapeling_below = -1x4\n", 1, "bad number '-1x4'");
    expect_error("\n\nclasses.doorstroom_upto = 1.5\n", 3, "bad number");
    expect_error("classes.recidive_upto = 6q\n", 1, "unknown unit 'q'");
    expect_error("classes.lookback = 5w\n", 1, "unknown unit 'w'");
    expect_error("segment a = 45\nsegment b = 41 45\n", 2, "duplicate segment token '45' (already in segment 'a' at line 1)");
    expect_error("segment a = 45:45A\n# x\nsegment b = 45:45A\n", 3, "duplicate segment token '45:45A'");
    expect_error("segment a = 45 45\n", 1, "duplicate segment token");
    expect_error("# comment\n\nsegment a 45\n", 3, "missing '='");
    expect_error("classes.scope\n", 1, "missing '='");
}

Test(errors, values_and_keys)
{
    expect_error("classes.recidive_upto = 180\n", 1, "missing unit");
    expect_error("classes.scope = all\nclasses.scope = segment\n", 2, "duplicate setting 'classes.scope' (first at line 1)");
    expect_error("classes.scope = some\n", 1, "segment or all");
    expect_error("classes.return_class = doorstroom\n", 1, "recidive or hernieuwd");
    expect_error("segment.x.verblijf = yes\n", 1, "unknown segment 'x'");
    expect_error("segment a = 45\nsegment.a.verblijf = ja\n", 2, "yes or no");
    expect_error("segment a = 45\nsegment.a.colour = red\n", 2, "unknown key");
    expect_error("segment a = 4\n", 1, "bad segment token '4'");
    expect_error("segment a = 45:\n", 1, "bad segment token");
    expect_error("segment a = 45:ABCDEF\n", 1, "bad segment token");
    expect_error("segment a = 45,46\n", 1, "bad segment token");
    expect_error("segment a = 64\n", 1, "unknown JZ020 category '64'");
    expect_error("segment A = 45\n", 1, "bad segment name");
    expect_error("segment generiek = 45\n", 1, "not a segment name");
    expect_error("segment.generiek = nope\n", 1, "unknown segment 'nope'");
    expect_error("name = Bad Name\n", 1, "bad name");
    expect_error("= 5\n", 1, "missing key");
    expect_error("name =\n", 1, "missing value for 'name'");
    expect_error("small_cells.threshold = 5x\n", 1, "unknown unit 'x'");
    expect_error("small_cells.threshold = -1\n", 1, "out of range");
    expect_error("segment a = 45\nwait_norm.a = 3m\n", 2, "unknown unit 'm'");
    expect_error("segment a = 45\nwait_norm.a.share = 90\n", 2, "without wait_norm.a");
    expect_error("segment a = 45\nwait_norm.a = 5\nwait_norm.a.share = 101\n", 3, "out of range");
    expect_error("classes.stapeling_below = 20\n", 1, "above classes.doorstroom_upto");
    expect_error("classes.doorstroom_upto = 30\nclasses.recidive_upto = 30d\n", 2, "not longer than");
    expect_error("classes.doorstroom_upto = -1\n", 1, "out of range");
}

Test(errors, nul_byte_and_long_line)
{
    char err[256];
    jw_profile_t *p;
    const char text[] = "name = a\nname\0 = b\n";
    cr_assert_eq(jw_profile_parse("t", text, sizeof text - 1, &p, err, sizeof err), JW_PROFILE_ESYNTAX);
    cr_assert(strstr(err, "t:2: NUL byte"), "%s", err);

    size_t n = 5000;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    cr_assert_eq(jw_profile_parse("t", big, n, &p, err, sizeof err), JW_PROFILE_ESYNTAX);
    cr_assert(strstr(err, "t:1: line too long"), "%s", err);
    free(big);
    cr_assert_eq(jw_profile_parse(NULL, "", 0, &p, err, sizeof err), JW_PROFILE_EARG);
}

Test(errors, targets)
{
    const char *seg = "segment a = 45\n";
    char buf[256];
#define TERR(line_text, what)                                   \
    do {                                                        \
        snprintf(buf, sizeof buf, "%s%s\n", seg, line_text);    \
        expect_error(buf, 2, what);                             \
    } while (0)
    TERR("target.IND-08 = -5% base 2021", "unknown indicator 'IND-08'");
    TERR("target.IND-14.a = min 90%", "wait norms");
    TERR("target.IND-02 = -30%", "needs 'base YEAR'");
    TERR("target.IND-02 = -30% base 2027 by 2024", "not after");
    TERR("target.IND-02 = -30 base 2024", "bad target");
    TERR("target.IND-02 = -30% since 2024", "unexpected 'since'");
    TERR("target.IND-02 = -30% base 20x4", "bad year");
    TERR("target.IND-02 = -30% base 1800", "out of range");
    TERR("target.IND-02.b = -30% base 2024", "unknown segment 'b'");
    TERR("target.IND-12.a = max 9m", "unknown unit 'm'");
    TERR("target.IND-12.a = max 90%", "cannot have a target in %");
    TERR("target.IND-09 = min 101%", "above 100%");
    TERR("target.IND-12 = max 274d base 2024", "'base' belongs to a relative change");
    TERR("target.IND-12 = max -3d", "bad number");
    TERR("target.IND-02 = -150% base 2024", "out of range");
    TERR("target.IND-02 = -100%/y", "above -100%");
#undef TERR
    expect_error("target.IND-02 = -30% base 2024 by 2027\n"
                 "target.IND-02 = -10% base 2024 by 2025\n",
                 2, "duplicate target target.IND-02 of the same kind (first at line 1)");
}

/* ---- gemeenten and population ---- */

Test(gemeenten, shipped_profiles_list_their_gemeenten)
{
    jw_profile_t *p = load("zuid-limburg");
    cr_expect_eq(jw_profile_gemeente_count(p), 16);
    cr_expect_str_eq(jw_profile_gemeente_name(p, "0935"), "Maastricht");
    cr_expect_str_eq(jw_profile_gemeente_name(p, "0917"), "Heerlen");
    cr_expect_null(jw_profile_gemeente_name(p, "0153"));
    cr_expect_eq(jw_profile_population(p, NULL, 2024, NULL, NULL), 0, "no population shipped");
    jw_profile_free(p);
    p = load("twente");
    cr_expect_eq(jw_profile_gemeente_count(p), 14);
    cr_expect_str_eq(jw_profile_gemeente_name(p, "0153"), "Enschede");
    jw_profile_free(p);
    p = load("zhz");
    cr_expect_eq(jw_profile_gemeente_count(p), 10);
    cr_expect_str_eq(jw_profile_gemeente_name(p, "0505"), "Dordrecht");
    jw_profile_free(p);
    p = load("cbs");
    cr_expect_eq(jw_profile_gemeente_count(p), 0);
    jw_profile_free(p);
}

Test(gemeenten, population_by_year_and_the_region_total)
{
    int64_t a = 0, b = 0;
    jw_profile_t *p = parse("gemeente.0935 = Maastricht\n"
                            "gemeente.0917 = Heerlen\n"
                            "population.0935.2024 = 16000 24000\n"
                            "population.0917.2024 = 12000 17000\n"
                            "population.0935.2025 = 15900 23800\n");
    cr_assert_eq(jw_profile_population(p, "0935", 2024, &a, &b), 1);
    cr_expect(a == 16000 && b == 24000);
    cr_assert_eq(jw_profile_population(p, NULL, 2024, &a, &b), 1);
    cr_expect(a == 28000 && b == 41000, "%lld %lld", (long long)a, (long long)b);
    cr_expect_eq(jw_profile_population(p, "0935", 2025, &a, &b), 1);
    /* the region total needs every gemeente: 0917 has no 2025 */
    cr_expect_eq(jw_profile_population(p, NULL, 2025, &a, &b), 0);
    cr_expect_eq(jw_profile_population(p, "0153", 2024, &a, &b), 0);
    jw_profile_free(p);
}

Test(gemeenten, errors)
{
    expect_error("gemeente.935 = Maastricht\n", 1, "bad gemeente code");
    expect_error("gemeente.0935 =\n", 1, "missing value");
    expect_error("population.0935.2024 = 1 2\n", 1, "no earlier gemeente.CODE");
    expect_error("gemeente.0935 = M\npopulation.0935.24 = 1 2\n", 2, "bad year");
    expect_error("gemeente.0935 = M\npopulation.0935.2024 = 10\n", 2, "expected two counts");
    expect_error("gemeente.0935 = M\npopulation.0935.2024 = 10 9\n", 2, "not smaller");
    expect_error("gemeente.0935 = M\npopulation.0935.2024 = 10 20 30\n", 2, "expected two counts");
}
