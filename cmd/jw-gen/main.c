/* main.c - jw-gen: deterministic synthetic iJw archive generator.
 *
 * Options are parsed here; the world (model.c) is generated, the delivery
 * schedule (deliver.c) built, and every file rendered (xmlout.c) into one
 * reused buffer and written (archive.c), followed by manifest.json
 * (manifest.c). Same options => byte-identical files and tarball.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "buf.h"
#include "date/date.h"
#include "deliver.h"
#include "manifest.h"
#include "model.h"
#include "version/version.h"
#include "xmlout.h"

#define EXIT_USAGE 2

typedef struct {
    uint64_t seed;
    long youths, years, history;
    jw_date_t start;
    const char *out, *tar;
    double invalid_share, duplicate_share, late_share;
    int quiet;
} options_t;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: jw-gen [options]\n"
            "\n"
            "Writes a deterministic synthetic archive of iJw 3.x messages (JW315, JW301,\n"
            "JW305, JW307, JW323, their retours, JW317, JW319, JW325) for a youth-care\n"
            "region: one XML file per message,\n"
            "named NNNNNNN-jwXXX-<afzender>-<identificatie>.xml in delivery order, plus\n"
            "manifest.json describing what is in it. Same options, same bytes.\n"
            "Volumes follow real traffic: about 20 messages per youth-year in care, with\n"
            "about one aanbieder per 30 youths in care at a time (at least 12), each\n"
            "sending a JW323 per gemeente per month.\n"
            "\n"
            "options (default in brackets):\n"
            "  --seed N               seed of the generator [1]\n"
            "  --youths N             number of youths arriving in the period (1-1000000)\n"
            "                         [1000]\n"
            "  --years N              length of the period in years (1-50) [3]\n"
            "  --start YYYY-MM-DD     first day of the period [2022-01-01]\n"
            "  --history N            the region has run N years before the period\n"
            "                         (0-10): youths arrive from N years before --start at\n"
            "                         the rate of --youths, so the archive opens with youths\n"
            "                         in care whose earlier messages are not in it; only\n"
            "                         messages dated in the period are written [0]\n"
            "  --from YEAR            the same as --start YEAR-01-01 (2017-2100); messages\n"
            "                         dated before 2021 are written as iJw 2.x (2.2, 2.3 from\n"
            "                         2019-04-01, 2.4 from 2020-03-30; care up to December 2020\n"
            "                         declared with JW303 and answered with JW304)\n"
            "  --out DIR              output directory, created if missing; a non-empty\n"
            "                         DIR is only accepted (and cleared) when it holds a\n"
            "                         previous jw-gen output (has manifest.json) [./archive]\n"
            "  --tar FILE.tar.gz      also write the same files, in the same order, plus\n"
            "                         manifest.json into this gzip'ed tarball [none]\n"
            "  --invalid-share F      broken extra messages, as a share of the valid ones,\n"
            "                         spread over the XML, XSD and RULE layers [0.02]\n"
            "  --duplicate-share F    share of valid messages delivered a second time as an\n"
            "                         exact copy [0.01]\n"
            "  --late-share F         share of valid messages delivered 1-8 weeks after\n"
            "                         their Dagtekening [0.05]\n"
            "  --quiet                no summary line on stderr\n"
            "  --help                 this text\n"
            "  --version              program name and version\n"
            "\n"
            "Releases follow the Dagtekening: before 2022-04-04 iJw 3.0, before\n"
            "2023-04-03 iJw 3.1, later iJw 3.2. BSNs are test numbers 9999xxxxx, then\n"
            "9998xxxxx, ... when more than about 9000 youths are asked for.\n"
            "exit status: 0 ok, 1 failure while writing, 2 bad options.\n");
}

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "jw-gen: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\njw-gen: try 'jw-gen --help'\n");
    return EXIT_USAGE;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return -1;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = (long)v;
    return 0;
}

static int parse_share(const char *s, double *out)
{
    char *end;
    errno = 0;
    if (!s || !*s) return -1;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < 0.0 || v > 1.0) return -1;
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, options_t *o)
{
    enum { O_SEED = 1000, O_YOUTHS, O_YEARS, O_START, O_FROM, O_OUT, O_TAR, O_INV, O_DUP, O_LATE, O_QUIET, O_HELP,
           O_HISTORY };
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, O_SEED},
        {"youths", required_argument, NULL, O_YOUTHS},
        {"years", required_argument, NULL, O_YEARS},
        {"history", required_argument, NULL, O_HISTORY},
        {"start", required_argument, NULL, O_START},
        {"from", required_argument, NULL, O_FROM},
        {"out", required_argument, NULL, O_OUT},
        {"tar", required_argument, NULL, O_TAR},
        {"invalid-share", required_argument, NULL, O_INV},
        {"duplicate-share", required_argument, NULL, O_DUP},
        {"late-share", required_argument, NULL, O_LATE},
        {"quiet", no_argument, NULL, O_QUIET},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    if (jw_version_requested(argc, argv)) return jw_version_print("jw-gen") ? 1 : -1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_SEED: {
            char *end;
            errno = 0;
            if (!*optarg || *optarg == '-' || *optarg == '+' || *optarg == ' ') return bad("--seed: not a number: '%s'", optarg);
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end) return bad("--seed: not a number from 0 to 18446744073709551615: '%s'", optarg);
            o->seed = v;
            break;
        }
        case O_YOUTHS:
            if (parse_long(optarg, 1, 1000000, &o->youths)) return bad("--youths: expected 1 to 1000000, got '%s'", optarg);
            break;
        case O_YEARS:
            if (parse_long(optarg, 1, 50, &o->years)) return bad("--years: expected 1 to 50, got '%s'", optarg);
            break;
        case O_HISTORY:
            if (parse_long(optarg, 0, 10, &o->history)) return bad("--history: expected 0 to 10 years, got '%s'", optarg);
            break;
        case O_START: {
            jw_date_t d, lo, hi;
            jw_date_from_ymd(2015, 1, 1, &lo);
            jw_date_from_ymd(2100, 12, 31, &hi);
            if (jw_date_parse(optarg, strlen(optarg), &d) || d < lo || d > hi)
                return bad("--start: expected a date YYYY-MM-DD from 2015-01-01 to 2100-12-31, got '%s'", optarg);
            o->start = d;
            break;
        }
        case O_FROM: {
            long y;
            if (parse_long(optarg, 2017, 2100, &y))
                return bad("--from: expected a year from 2017 to 2100, got '%s'", optarg);
            jw_date_from_ymd((int)y, 1, 1, &o->start);
            break;
        }
        case O_OUT:
            if (!*optarg) return bad("--out: empty directory name%s", "");
            o->out = optarg;
            break;
        case O_TAR:
            if (!*optarg) return bad("--tar: empty file name%s", "");
            o->tar = optarg;
            break;
        case O_INV:
            if (parse_share(optarg, &o->invalid_share)) return bad("--invalid-share: expected a number from 0 to 1, got '%s'", optarg);
            break;
        case O_DUP:
            if (parse_share(optarg, &o->duplicate_share)) return bad("--duplicate-share: expected a number from 0 to 1, got '%s'", optarg);
            break;
        case O_LATE:
            if (parse_share(optarg, &o->late_share)) return bad("--late-share: expected a number from 0 to 1, got '%s'", optarg);
            break;
        case O_QUIET: o->quiet = 1; break;
        case 'h':
        case O_HELP: usage(stdout); return -1;
        case ':': return bad("option %s needs a value", argv[optind - 1]);
        default: return bad("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return bad("unexpected argument '%s'", argv[optind]);
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    options_t o = {1, 1000, 3, 0, 0, "./archive", NULL, 0.02, 0.01, 0.05, 0};
    jw_date_from_ymd(2022, 1, 1, &o.start);
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    jwg_world_t w;
    jwg_schedule_t s;
    jwg_buf_t buf;
    jwg_out_t *out = NULL;
    char err[512] = "";
    char name[96];
    jwg_world_init(&w);
    memset(&s, 0, sizeof s);
    jwg_buf_init(&buf);
    rc = 1;

    w.seed = o.seed;
    w.youths = (int)o.youths;
    w.years = (int)o.years;
    w.start = o.start;
    w.end = jw_date_add_months(o.start, 12 * (int)o.years) - 1;
    w.history = (int)o.history;
    w.sim_start = jw_date_add_months(o.start, -12 * (int)o.history);
    {
        long more = jwg_history_youths(&w);
        if (o.youths + more > 1000000) {
            fprintf(stderr,
                    "jw-gen: --history %ld adds %ld youths to the %ld of the period: more than 1000000 in all\n"
                    "jw-gen: try 'jw-gen --help'\n",
                    o.history, more, o.youths);
            return EXIT_USAGE;
        }
    }

    int orc = jwg_out_open(&out, o.out, o.tar, err, sizeof err);
    if (orc != JWG_OUT_OK) {
        fprintf(stderr, "jw-gen: %s\n", err);
        rc = orc == JWG_OUT_EREFUSE ? EXIT_USAGE : 1;
        goto out;
    }
    if (jwg_world_build(&w) < 0) {
        fprintf(stderr, "jw-gen: out of memory while generating\n");
        goto out;
    }
    jwg_shares_t sh = {o.invalid_share, o.duplicate_share, o.late_share};
    if (jwg_schedule_build(&w, &sh, &s) < 0) {
        fprintf(stderr, "jw-gen: out of memory while scheduling\n");
        goto out;
    }
    for (size_t i = 0; i < s.n; i++) {
        const jwg_entry_t *e = &s.v[i];
        const jwg_msg_t *m = &w.msg.v[e->msg];
        jwg_buf_reset(&buf);
        int value_mut = (e->mut == JWG_MUT_CS002 || e->mut == JWG_MUT_CS003 || e->mut == JWG_MUT_TR358) ? e->mut : 0;
        jwg_render(&w, e->msg, e->ident, s.ident_of, value_mut, &buf);
        if (e->what == JWG_ENTRY_INVALID && !value_mut &&
            jwg_xml_break(&buf, m->kind, e->mut, (uint64_t)e->seq * 2654435761u) != 0) {
            fprintf(stderr, "jw-gen: internal error: cannot apply %s to message %zu\n", jwg_mut_detail(e->mut), i);
            goto out;
        }
        if (buf.oom) {
            fprintf(stderr, "jw-gen: out of memory while rendering\n");
            goto out;
        }
        jwg_entry_name(&w, &s, e, name, sizeof name);
        int64_t mtime = (int64_t)e->dday * 86400 + e->dtod;
        if (jwg_out_write(out, name, buf.p, buf.len, mtime, err, sizeof err) != JWG_OUT_OK) {
            fprintf(stderr, "jw-gen: %s\n", err);
            goto out;
        }
    }
    jwg_buf_reset(&buf);
    jwg_manifest_opts_t mo = {o.invalid_share, o.duplicate_share, o.late_share};
    jwg_manifest_write(&w, &s, &mo, &buf);
    if (buf.oom) {
        fprintf(stderr, "jw-gen: out of memory while writing the manifest\n");
        goto out;
    }
    int64_t mtime = ((int64_t)w.end + 1) * 86400;
    if (jwg_out_write(out, "manifest.json", buf.p, buf.len, mtime, err, sizeof err) != JWG_OUT_OK) {
        fprintf(stderr, "jw-gen: %s\n", err);
        goto out;
    }
    orc = jwg_out_close(out, err, sizeof err);
    out = NULL;
    if (orc != JWG_OUT_OK) {
        fprintf(stderr, "jw-gen: %s\n", err);
        goto out;
    }
    if (!o.quiet) {
        char d1[11], d2[11], hist[64] = "";
        jw_date_format(w.start, d1);
        jw_date_format(w.end, d2);
        if (w.history > 0) snprintf(hist, sizeof hist, " (%ld in care at the start)", w.in_care_at_start);
        fprintf(stderr,
                "jw-gen: %zu files (%ld valid, %ld duplicates, %ld late, %ld invalid), %ld youths%s, %ld allocations, "
                "%s..%s, in %s%s%s (%.2f s)\n",
                s.n, s.valid, s.duplicates, s.late, s.invalid, w.youths_emitted, hist, w.allocations, d1, d2, o.out,
                o.tar ? " and " : "", o.tar ? o.tar : "", seconds_since(&t0));
    }
    rc = 0;
out:
    if (out) jwg_out_close(out, err, sizeof err);
    jwg_buf_free(&buf);
    jwg_schedule_free(&s);
    jwg_world_free(&w);
    return rc;
}
