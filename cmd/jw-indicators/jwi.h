/* jwi.h - jw-indicators internals shared by main.c, http.c and html.c. */
#ifndef JWI_H
#define JWI_H

#include <signal.h>
#include <stdint.h>

#include "indicators/indicators.h"
#include "json/json.h"
#include "profile/profile.h"
#include "store/store.h"

/* A Prometheus histogram of durations in seconds (fixed buckets). */
#define JWI_HIST_BUCKETS 12
typedef struct {
    uint64_t bucket[JWI_HIST_BUCKETS + 1]; /* per bucket (not cumulative); the last is +Inf */
    uint64_t count;
    double sum;
} jwi_hist_t;
void jwi_hist_observe(jwi_hist_t *h, double seconds);
/* Append the histogram in the Prometheus text format (HELP, TYPE,
 * cumulative _bucket lines with le, _sum, _count). */
void jwi_hist_write(const jwi_hist_t *h, const char *name, const char *help, jw_json_t *out);

typedef struct jwi_cache jwi_cache_t;

typedef struct {
    jw_ind_t *ind;
    jw_store_t *src;              /* the jw state store (event log), or NULL */
    const jw_profile_t *profile;
    int public_;                  /* suppress small cells in every response */
    unsigned poll_ms;             /* --http with --state: catch up this often (0 = never) */
    int quiet;
    volatile sig_atomic_t *stop;  /* set by SIGINT/SIGTERM */
    /* live mode (--events/--catchup): jwd's PUB and catch-up endpoints */
    void *live_ctx, *live_sub, *live_cu;
    uint64_t live_events, live_gaps;
    uint64_t live_last;           /* last seq applied in live mode */
    double live_heard_ms;         /* when the live stream last gave an event or we last caught up */
    jwi_hist_t update_latency;    /* arrival of a live event -> its indicator commit */
    jwi_hist_t http_duration;     /* building one HTTP answer */
    uint64_t http_requests;
    uint64_t http_errors;         /* 4xx and 5xx answers */
    uint64_t http_refused;        /* ?view=internal without --internal */
    /* HTTP server settings (main.c fills them from the command line) */
    int allow_internal;           /* --internal: ?view=internal may be asked for */
    unsigned http_max_conn;       /* concurrent connections in total */
    unsigned http_max_per_ip;     /* ... from one address (0 = no limit) */
    unsigned http_timeout_s;      /* an idle connection is closed after this */
    jwi_cache_t *cache;           /* rendered pages of the current store generation */
} jwi_t;

/* Catch up from the event log (when a source is open); logs to stderr. */
int jwi_catch_up(jwi_t *app);

/* Serve HTTP on addr ("127.0.0.1:8080", "[::1]:8080", ":8080" = loopback)
 * until *app->stop. Returns the exit status. Threads: libmicrohttpd runs
 * without threads of its own; requests are answered on the calling thread,
 * between live event updates and log catch-ups, so the indicator store is
 * only ever used from this one thread. */
int jwi_serve(jwi_t *app, const char *addr);

/* Live mode: connect, catch up from jwd's log, then jwi_live_pump() after
 * the SUB socket polls readable. 0 or -1 (message on stderr). */
int jwi_live_open(jwi_t *app, const char *events_ep, const char *catchup_ep);
void jwi_live_pump(jwi_t *app);
/* After a quiet second: catch up what PUB may have dropped at the end of
 * a burst (no later event would show that gap). Cheap when nothing is
 * missing (one request, an empty answer). */
void jwi_live_idle(jwi_t *app);
void jwi_live_close(jwi_t *app);

/* Query parameters of a request, already decoded. */
typedef struct {
    int has_period;
    jw_ind_period_t period;
    char series;       /* 0 = default */
    jw_ind_by_t by;
    int has_by;
    int public_;       /* suppress small cells (the default) */
    int internal;      /* view=internal (or public=0) was asked for */
    /* slicers (NULL = all); point into the request's decoded query */
    const char *gemeente, *aanbieder, *segment;
    int en;            /* lang=en: the pages' headings in English (default Dutch) */
} jwi_params_t;

/* ---- requests (request.c: pure parsing, also built into the fuzz target) ---- */

#define JWI_TARGET_MAX 2048
#define JWI_MAX_PARAMS 16

typedef enum {
    JWI_ROUTE_NONE = 0,
    JWI_ROUTE_INDEX,     /* / */
    JWI_ROUTE_PAGE,      /* /ind/ID */
    JWI_ROUTE_CATALOGUE, /* /api/indicators */
    JWI_ROUTE_API,       /* /api/indicators/ID[.csv|.json] */
    JWI_ROUTE_METRICS,   /* /metrics */
    JWI_ROUTE_COMPARE,   /* /compare: definitions side by side (compare.c) */
    JWI_ROUTE_REPORT,    /* /rapport?period=YYYY-MM&gemeente=CODE: the monthly report (report.c) */
    JWI_ROUTE_EXPORT,    /* /export/ID.xlsx, /export/ID.csv: downloads for Excel (export.c); id = "ID.xlsx" */
} jwi_route_t;

typedef struct {
    jwi_route_t route;
    char id[32];           /* PAGE and API: the indicator id as sent (not yet looked up) */
    int csv;               /* API: answer CSV (suffix, format=csv or Accept: text/csv) */
    int json_errors;       /* errors as JSON (under /api/ unless CSV) */
    size_t n_params;
    jwi_params_t p;
    char buf[JWI_TARGET_MAX + 1]; /* the decoded copy the fields above point into */
} jwi_request_t;

/* Parse a request target ("/api/indicators/IND-01?period=2024", not
 * NUL-terminated, len bytes) and the Accept header value (may be NULL).
 * Returns 0, or the HTTP status to answer (400, 404, 414) with a one-line
 * message in err; out->json_errors tells the error's format either way. */
int jwi_request_parse(const char *target, size_t len, const char *accept, jwi_request_t *out,
                      char *err, size_t errlen);
/* Whether an Accept header value asks for CSV. */
int jwi_accepts_csv(const char *accept);

/* The /metrics text (metrics.c). */
void jwi_metrics(jwi_t *app, jw_json_t *out);

/* ---- the page cache (cache.c) ---- */

/* Rendered HTML pages keyed by their request, valid for one generation of
 * the indicator store (its last seq and horizon): any consumed event
 * empties it. Bounded in entries and bytes. Owned by the serving thread. */
int jwi_cache_new(jwi_cache_t **out);
void jwi_cache_free(jwi_cache_t *c);
/* A copy of the page for key in generation gen: 0 and *body, *len (the
 * caller frees *body), or -1 when not cached. */
int jwi_cache_get(jwi_cache_t *c, uint64_t gen, const char *key, char **body, size_t *len);
void jwi_cache_put(jwi_cache_t *c, uint64_t gen, const char *key, const char *body, size_t len);

/* HTML pages (text/html; charset=utf-8) appended to out. On a bad request
 * they return JW_IND_EQUERY / JW_IND_ENOTFOUND with err set. */
int jwi_html_index(jwi_t *app, const jwi_params_t *p, jw_json_t *out, char *err, size_t errlen);
int jwi_html_indicator(jwi_t *app, const char *id, const jwi_params_t *p, jw_json_t *out, char *err,
                       size_t errlen);

/* Definitions side by side (compare.c): the return-to-care figures of
 * the profiles in list (comma-separated) over the state store src, each
 * counted from the stored facts derived under it (nothing written). Printed as a table (or
 * CSV); the exit status. The dashboard page /compare does the same for
 * the store's profile and zuid-limburg, twente and cbs. */
int jwi_compare_print(jw_store_t *src, const char *list, int public_, int csv);
int jwi_html_compare(jwi_t *app, jw_json_t *out, char *err, size_t errlen);

/* The IND-26 survival curve (SVG) of the episodes started in sel, with
 * its summary; suppressed in published views below the threshold. */
int jwi_html_km(jwi_t *app, jw_ind_period_t sel, int pub, int en, jw_json_t *out);

/* Page pieces from html.c for other pages: HTML escaping, the page head
 * (lang="nl", the style sheet) and foot, a sparkline of the headline
 * column of a series result. */
void jwi_html_esc(jw_json_t *o, const char *s);
void jwi_html_begin(jw_json_t *o, const char *title);
/* The same with lang="en" when en (the lang=en toggle). */
void jwi_html_begin_lang(jw_json_t *o, const char *title, int en);
/* A link to the same page in the other language: path, then q (HTML-
 * escaped parameters, each starting with "&amp;", without lang). */
void jwi_html_lang_toggle(jw_json_t *o, const char *path, const char *q, int en);
void jwi_html_end(jw_json_t *o);
void jwi_html_sparkline(jw_json_t *o, const jw_ind_def_t *d, const jw_ind_result_t *r);

/* The monthly report (report.c): key figures, trends, targets and the
 * provider comparison for one month (p->period, kind M; default the
 * horizon's month) and one gemeente (p->gemeente; default the region).
 * Printable (A4); JW_IND_EQUERY with err on a bad request. */
int jwi_html_report(jwi_t *app, const jwi_params_t *p, jw_json_t *out, char *err, size_t errlen);

/* The monthly report's figures (report.c), computed once and rendered as
 * the page (jwi_html_report) and as the workbook (export.c,
 * /export/rapport.xlsx), so both show the same numbers. Built by
 * jwi_report_build (same parameters and errors as jwi_html_report); owns
 * its arrays, strings point into the catalogue and the profile; free with
 * jwi_report_free. Serving thread only. */
typedef struct {
    const jw_ind_def_t *def;
    jw_ind_val_t month, r12, r12prev; /* headline column: the month, 12 mnd t/m, a year earlier */
    int has_change;
    double change_pct;                /* 100 (r12 - r12prev) / |r12prev| */
    jw_ind_result_t trend;            /* series R up to the month (headline in .v[def->headline]) */
} jwi_report_key_t;

typedef struct {
    const jw_ind_def_t *def;
    jw_ind_target_t t;
} jwi_report_target_t;

typedef struct {
    jw_ind_row_t row;                 /* the IND-01 row: by, key, label (TOTAL = the total) */
    jw_ind_val_t youths, cost;        /* IND-01 headline, IND-17 column 0 over 12 mnd t/m */
} jwi_report_prov_t;

typedef struct {
    jw_ind_status_t st;
    int pub;
    const char *gem, *gname;          /* NULL for the whole region; gname may be NULL */
    jw_ind_period_t m, rm, rp;        /* the month, 12 mnd t/m it, the 12 months a year earlier */
    jwi_report_key_t *keys;
    size_t n_keys;
    jwi_report_target_t *targets;
    size_t n_targets;
    jwi_report_prov_t *prov;
    size_t n_prov;
} jwi_report_t;

int jwi_report_build(jwi_t *app, const jwi_params_t *p, jwi_report_t *out, char *err, size_t errlen);
void jwi_report_free(jwi_report_t *r);

/* Downloads for Dutch Excel (export.c). what = "IND-02.xlsx" or
 * "IND-02.csv" (';', decimal comma, UTF-8 BOM); the query as for the API
 * (period or series, by, public); or "rapport.xlsx": the monthly report
 * (parameters as for jwi_html_report). Fills out, *ctype (static) and fname
 * (for Content-Disposition: attachment). JW_IND_ENOTFOUND /
 * JW_IND_EQUERY with err set on a bad request; other codes are 500s. */
int jwi_export(jwi_t *app, const char *what, const jwi_params_t *p, jw_json_t *out, const char **ctype,
               char *fname, size_t fcap, char *err, size_t errlen);

/* Dutch texts (nl.c): a column's title and an indicator's short
 * definition; the catalogue's (English) text when not translated.
 * Static strings. */
const char *jwi_nl_column(const jw_ind_def_t *d, size_t c);
const char *jwi_nl_definition(const jw_ind_def_t *d);

#endif
