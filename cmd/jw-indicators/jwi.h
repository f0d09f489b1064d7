/* jwi.h - jw-indicators internals shared by main.c, http.c and html.c. */
#ifndef JWI_H
#define JWI_H

#include <signal.h>
#include <stdint.h>

#include "indicators/indicators.h"
#include "json/json.h"
#include "profile/profile.h"
#include "store/store.h"

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
#define JWI_LAT_SAMPLES 4096
    double lat_ms[JWI_LAT_SAMPLES]; /* arrival -> indicator commit, ring */
    size_t lat_pos;
    uint64_t http_requests;
    uint64_t http_errors;         /* 4xx and 5xx answers */
} jwi_t;

/* Catch up from the event log (when a source is open); logs to stderr. */
int jwi_catch_up(jwi_t *app);

/* Serve HTTP on addr ("127.0.0.1:8080", "[::1]:8080", ":8080" = loopback)
 * until *app->stop. Returns the exit status. */
int jwi_serve(jwi_t *app, const char *addr);

/* Live mode: connect, catch up from jwd's log, then jwi_live_pump() after
 * the SUB socket polls readable. 0 or -1 (message on stderr). */
int jwi_live_open(jwi_t *app, const char *events_ep, const char *catchup_ep);
void jwi_live_pump(jwi_t *app);
void jwi_live_close(jwi_t *app);
/* Median and 99th percentile of the recorded update latencies (ms);
 * -1 when none were recorded. */
int jwi_live_latency(const jwi_t *app, double *p50, double *p99);

/* Query parameters of a request, already decoded. */
typedef struct {
    int has_period;
    jw_ind_period_t period;
    char series;       /* 0 = default */
    jw_ind_by_t by;
    int has_by;
    int public_;
    /* slicers (NULL = all); point into the request's decoded query */
    const char *gemeente, *aanbieder, *segment;
} jwi_params_t;

/* HTML pages (text/html; charset=utf-8) appended to out. On a bad request
 * they return JW_IND_EQUERY / JW_IND_ENOTFOUND with err set. */
int jwi_html_index(jwi_t *app, jw_json_t *out, char *err, size_t errlen);
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
int jwi_html_km(jwi_t *app, jw_ind_period_t sel, int pub, jw_json_t *out);

/* Downloads for Dutch Excel (export.c). what = "IND-02.xlsx" or
 * "IND-02.csv" (';', decimal comma, UTF-8 BOM); the query as for the API
 * (period or series, by, public). Fills out, *ctype (static) and fname
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
