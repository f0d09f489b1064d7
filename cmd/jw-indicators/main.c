/* jw-indicators - the indicator subscriber (SPEC §5, §7).
 *
 *   jw-indicators --state DIR --from-log [--ind-state DIR2]      batch catch-up
 *   jw-indicators --ind-state DIR2 --print IND-01 [--period P] [--by D] [--format F] [--public]
 *   jw-indicators --state DIR --http 127.0.0.1:8080              serve (and follow the log)
 *
 * The indicator state lives in its own LMDB store (default DIR/indicators)
 * with the last seq applied; a restart resumes after it. --rebuild deletes
 * that store and recomputes from seq 0. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jwi.h"

static void usage(FILE *f)
{
    fputs("usage: jw-indicators --state DIR --from-log [options]\n"
          "       jw-indicators [--state DIR | --ind-state DIR2] --print ID [options]\n"
          "       jw-indicators [--state DIR | --ind-state DIR2] --http ADDR [options]\n"
          "\n"
          "Keeps the indicators of SPEC §5 (IND-01 ... IND-25) from the event log of a jw\n"
          "state store, in an indicator store of its own, and prints or serves them.\n"
          "\n"
          "  --state DIR        the jw state store whose event log is read (read-only);\n"
          "                     no default\n"
          "  --ind-state DIR2   the indicator store (created 0700 if missing);\n"
          "                     default DIR/indicators\n"
          "  --from-log         catch up from the event log: consume every event after the\n"
          "                     indicator store's last seq, then print/serve or exit\n"
          "  --rebuild          delete the indicator store and recompute it from seq 0\n"
          "                     (implies --from-log)\n"
          "  --profile P        regional profile (zuid-limburg, twente, zhz, cbs or a\n"
          "                     .profile path); default: the profile recorded in the\n"
          "                     indicator store, else the one in the state store, else\n"
          "                     zuid-limburg. It must be the profile the events were\n"
          "                     derived with.\n"
          "  --print ID         print indicator ID (IND-01, IND-14b, ...; 'all' = every one)\n"
          "  --period P         2024, 2024-H1, 2024-Q3, 2024-06 or R12-2024-06 (rolling 12\n"
          "                     months to June 2024); default: a series (see --series)\n"
          "  --series K         without --period: year, half, quarter, month or rolling,\n"
          "                     every period from the first data month to the data\n"
          "                     horizon; default year\n"
          "  --by D             gemeente, aanbieder or segment: a total row and one row\n"
          "                     per value; default: total only\n"
          "  --format F         table, csv or json; default table\n"
          "  --public           published output: counts below the profile's small-cell\n"
          "                     threshold (default 5), and everything derived from them,\n"
          "                     are suppressed (x in tables, null + \"suppressed\" in JSON,\n"
          "                     empty + the suppressed column in CSV); default off\n"
          "  --http ADDR        serve HTTP on ADDR (HOST:PORT, numeric; ':PORT' = 127.0.0.1;\n"
          "                     port 0 = any free port, printed on stdout); no default\n"
          "  --events EP        live mode: jwd's event PUB endpoint (with --catchup and\n"
          "                     --http): apply each event as it arrives, fill gaps by seq\n"
          "                     from the catch-up endpoint; no default\n"
          "  --catchup EP       live mode: jwd's catch-up endpoint; no default\n"
          "  --poll SECONDS     with --http and --state: catch up from the log every\n"
          "                     SECONDS (default 2; 0 = only at start)\n"
          "  --batch N          events per write transaction when catching up (default 2000)\n"
          "  --quiet            no progress or summary on stderr\n"
          "  --help             this text\n"
          "\n"
          "HTTP: GET /  (dashboard), /ind/ID, /api/indicators, /api/indicators/ID[.csv]\n"
          "      ?period=&by=&series=&public=1 (CSV also with Accept: text/csv), /metrics\n",
          f);
}

static int parse_series(const char *s, char *out)
{
    static const struct {
        const char *name;
        char k;
    } m[] = {{"year", 'Y'}, {"half", 'H'}, {"quarter", 'Q'}, {"month", 'M'}, {"rolling", 'R'}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (strcmp(s, m[i].name) == 0) {
            *out = m[i].k;
            return 0;
        }
    return -1;
}

typedef struct {
    char *buf;
    size_t cap;
} meta_name_t;

static int read_src_profile(jw_txn_t *txn, void *ctx)
{
    meta_name_t *m = ctx;
    const void *v;
    size_t vl;
    int rc = jw_store_meta_get(txn, "profile", &v, &vl);
    if (rc) return rc;
    if (vl + 1 > m->cap) return JW_STORE_ECORRUPT;
    memcpy(m->buf, v, vl);
    m->buf[vl] = '\0';
    return 0;
}

int jwi_catch_up(jwi_t *app)
{
    uint64_t n = 0;
    if (!app->src) return 0;
    int rc = jw_ind_catch_up(app->ind, app->src, 2000, &n);
    if (rc) fprintf(stderr, "jw-indicators: catch-up: %s\n", jw_ind_strerror(rc));
    else if (n && !app->quiet) fprintf(stderr, "jw-indicators: consumed %llu events\n", (unsigned long long)n);
    return rc;
}

static volatile sig_atomic_t stop_flag; /* the one signal flag (set by the handler) */

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int print_one(jwi_t *app, const char *id, const jw_ind_query_t *tmpl, jw_ind_format_t fmt)
{
    jw_ind_query_t q = *tmpl;
    jw_ind_result_t r;
    jw_json_t out;
    char err[200];
    int rc;
    q.indicator = id;
    jw_json_init(&out);
    rc = jw_ind_query(app->ind, &q, &r, err, sizeof err);
    if (rc) {
        fprintf(stderr, "jw-indicators: %s\n", err[0] ? err : jw_ind_strerror(rc));
        goto out;
    }
    rc = jw_ind_render(&r, fmt, &out);
    jw_ind_result_free(&r);
    if (rc) {
        fprintf(stderr, "jw-indicators: %s\n", jw_ind_strerror(rc));
        goto out;
    }
    fwrite(out.buf, 1, out.len, stdout);
out:
    jw_json_free(&out);
    return rc;
}

int main(int argc, char **argv)
{
    const char *state = NULL, *ind_dir = NULL, *profile_name = NULL, *print = NULL, *http = NULL;
    const char *period = NULL, *by = NULL, *format = "table", *series = NULL;
    const char *events_ep = NULL, *catchup_ep = NULL;
    int from_log = 0, rebuild = 0, public_ = 0, quiet = 0, batch = 2000;
    double poll = 2;
    char ind_buf[4096], name_buf[80], err[256];
    jw_profile_t *profile = NULL;
    jw_store_t *src = NULL;
    jw_ind_t *ind = NULL;
    int status = 1, rc;
    static const struct option longopts[] = {
        {"state", required_argument, NULL, 's'},  {"ind-state", required_argument, NULL, 'i'},
        {"from-log", no_argument, NULL, 'l'},     {"rebuild", no_argument, NULL, 'r'},
        {"profile", required_argument, NULL, 'p'}, {"print", required_argument, NULL, 'P'},
        {"period", required_argument, NULL, 'd'}, {"series", required_argument, NULL, 'S'},
        {"by", required_argument, NULL, 'b'},     {"format", required_argument, NULL, 'f'},
        {"public", no_argument, NULL, 'u'},       {"http", required_argument, NULL, 'H'},
        {"poll", required_argument, NULL, 'o'},   {"batch", required_argument, NULL, 'B'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"events", required_argument, NULL, 'E'}, {"catchup", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 's': state = optarg; break;
        case 'i': ind_dir = optarg; break;
        case 'l': from_log = 1; break;
        case 'r': rebuild = 1; from_log = 1; break;
        case 'p': profile_name = optarg; break;
        case 'P': print = optarg; break;
        case 'd': period = optarg; break;
        case 'S': series = optarg; break;
        case 'b': by = optarg; break;
        case 'f': format = optarg; break;
        case 'u': public_ = 1; break;
        case 'H': http = optarg; break;
        case 'E': events_ep = optarg; break;
        case 'C': catchup_ep = optarg; break;
        case 'o': {
            char *end;
            poll = strtod(optarg, &end);
            if (*end || poll < 0 || poll > 86400) {
                fprintf(stderr, "jw-indicators: bad --poll '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 'B': batch = atoi(optarg); break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || (!from_log && !print && !http) || batch < 1 || batch > 1000000) {
        usage(stderr);
        return 2;
    }
    if (from_log && !state) {
        fprintf(stderr, "jw-indicators: --from-log and --rebuild need --state DIR\n");
        return 2;
    }
    if (!ind_dir && !state) {
        fprintf(stderr, "jw-indicators: give --state DIR or --ind-state DIR2\n");
        return 2;
    }

    /* --print options, checked before any work */
    jw_ind_query_t q;
    jw_ind_format_t fmt = JW_IND_FMT_TABLE;
    memset(&q, 0, sizeof q);
    q.public_ = public_;
    if (period) {
        if (jw_ind_period_parse(period, &q.period)) {
            fprintf(stderr, "jw-indicators: bad --period '%s' (2024, 2024-H1, 2024-Q3, 2024-06, R12-2024-06)\n", period);
            return 2;
        }
        q.has_period = 1;
    }
    if (!events_ep != !catchup_ep || (events_ep && (!http || (!state && !ind_dir)))) {
        fprintf(stderr, "jw-indicators: live mode needs --events, --catchup, --http and an indicator "
                        "store (--ind-state or --state)\n");
        return 2;
    }
    if (series && parse_series(series, &q.series)) {
        fprintf(stderr, "jw-indicators: bad --series '%s' (year, half, quarter, month, rolling)\n", series);
        return 2;
    }
    if (by && (jw_ind_by_parse(by, &q.by) || q.by == JW_IND_BY_TOTAL)) {
        fprintf(stderr, "jw-indicators: bad --by '%s' (gemeente, aanbieder, segment)\n", by);
        return 2;
    }
    if (strcmp(format, "table") == 0) fmt = JW_IND_FMT_TABLE;
    else if (strcmp(format, "csv") == 0) fmt = JW_IND_FMT_CSV;
    else if (strcmp(format, "json") == 0) fmt = JW_IND_FMT_JSON;
    else {
        fprintf(stderr, "jw-indicators: bad --format '%s' (table, csv, json)\n", format);
        return 2;
    }
    if (print && strcmp(print, "all") != 0 && !jw_ind_find(print)) {
        fprintf(stderr, "jw-indicators: unknown indicator '%s'\n", print);
        return 2;
    }

    if (!ind_dir) {
        if ((size_t)snprintf(ind_buf, sizeof ind_buf, "%s/indicators", state) >= sizeof ind_buf) {
            fprintf(stderr, "jw-indicators: path too long\n");
            return 2;
        }
        ind_dir = ind_buf;
    }
    if (state) {
        jw_store_options_t so;
        memset(&so, 0, sizeof so);
        so.read_only = 1;
        if ((rc = jw_store_open(state, &so, &src))) {
            fprintf(stderr, "jw-indicators: %s: %s\n", state, jw_store_strerror(rc));
            goto out;
        }
    }
    if (rebuild && (rc = jw_ind_remove_store(ind_dir))) {
        fprintf(stderr, "jw-indicators: %s: %s\n", ind_dir, jw_ind_strerror(rc));
        goto out;
    }
    /* The profile: given, else recorded by the indicator store, else by the state store. */
    if (!profile_name) {
        struct stat sb;
        char path[4200];
        snprintf(path, sizeof path, "%s/data.mdb", ind_dir);
        if (stat(path, &sb) == 0 && jw_ind_stored_profile(ind_dir, name_buf, sizeof name_buf) == 0) {
            profile_name = name_buf;
        } else if (src) {
            meta_name_t m = {name_buf, sizeof name_buf};
            if (jw_store_read(src, read_src_profile, &m) == 0) profile_name = name_buf;
        }
        if (!profile_name) profile_name = "zuid-limburg";
    }
    if ((rc = jw_profile_load(profile_name, &profile, err, sizeof err))) {
        fprintf(stderr, "jw-indicators: %s\n", err);
        goto out;
    }
    {
        jw_ind_options_t io;
        memset(&io, 0, sizeof io);
        io.replay = from_log && !http;
        io.read_only = !state && !events_ep; /* without a log or a stream there is nothing to consume */
        if (io.read_only) {
            struct stat sb;
            char path[4200];
            snprintf(path, sizeof path, "%s/data.mdb", ind_dir);
            if (stat(path, &sb) != 0) {
                fprintf(stderr, "jw-indicators: %s: no indicator store (run --from-log first)\n", ind_dir);
                goto out;
            }
        }
        if ((rc = jw_ind_open(ind_dir, profile, &io, &ind))) {
            fprintf(stderr, "jw-indicators: %s: %s\n", ind_dir, jw_ind_strerror(rc));
            goto out;
        }
    }

    jwi_t app;
    memset(&app, 0, sizeof app);
    app.ind = ind;
    app.src = src;
    app.profile = profile;
    app.public_ = public_;
    app.poll_ms = (unsigned)(poll * 1000);
    app.quiet = quiet;
    app.stop = &stop_flag;

    if (from_log) {
        uint64_t n = 0;
        if ((rc = jw_ind_catch_up(ind, src, (size_t)batch, &n))) {
            fprintf(stderr, "jw-indicators: %s\n", jw_ind_strerror(rc));
            goto out;
        }
        if (!quiet) {
            jw_ind_status_t st;
            if (jw_ind_status(ind, &st) == 0)
                fprintf(stderr,
                        "jw-indicators: consumed %llu events (last seq %llu; %llu retractions, %llu "
                        "unreadable)\n",
                        (unsigned long long)n, (unsigned long long)st.last_seq,
                        (unsigned long long)st.retracts, (unsigned long long)st.bad);
        }
    }
    if (print) {
        if (strcmp(print, "all") == 0) {
            for (size_t i = 0; i < jw_ind_catalogue_count(); i++) {
                if (i && fmt == JW_IND_FMT_TABLE) fputs("\n", stdout);
                if ((rc = print_one(&app, jw_ind_catalogue(i)->id, &q, fmt))) goto out;
            }
        } else if ((rc = print_one(&app, print, &q, fmt))) {
            goto out;
        }
        fflush(stdout);
    }
    if (http) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        if (events_ep && jwi_live_open(&app, events_ep, catchup_ep) != 0) {
            jwi_live_close(&app);
            goto out;
        }
        status = jwi_serve(&app, http);
        jwi_live_close(&app);
        goto out;
    }
    status = 0;
out:
    jw_ind_close(ind);
    jw_store_close(src);
    jw_profile_free(profile);
    return status;
}
