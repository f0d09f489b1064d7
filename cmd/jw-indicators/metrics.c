/* metrics.c - /metrics in the Prometheus text format (version 0.0.4).
 *
 * Durations are in seconds, as histograms with fixed buckets (cumulative
 * _bucket{le="..."} lines, _sum and _count), so that they can be
 * aggregated and turned into quantiles by the monitoring side. */
#include <stdio.h>
#include <string.h>

#include "jwi.h"

/* Upper bounds in seconds: from 0.1 ms (one live update) to 2.5 s. */
static const double BOUNDS[JWI_HIST_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                0.01,   0.025,   0.05,   0.1,   0.5,    2.5};

void jwi_hist_observe(jwi_hist_t *h, double seconds)
{
    size_t i = 0;
    if (seconds < 0) seconds = 0;
    while (i < JWI_HIST_BUCKETS && seconds > BOUNDS[i]) i++;
    h->bucket[i]++;
    h->count++;
    h->sum += seconds;
}

void jwi_hist_write(const jwi_hist_t *h, const char *name, const char *help, jw_json_t *out)
{
    uint64_t cum = 0;
    jw_ind_textf(out, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
    for (size_t i = 0; i < JWI_HIST_BUCKETS; i++) {
        cum += h->bucket[i];
        jw_ind_textf(out, "%s_bucket{le=\"%g\"} %llu\n", name, BOUNDS[i], (unsigned long long)cum);
    }
    cum += h->bucket[JWI_HIST_BUCKETS];
    jw_ind_textf(out, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.9f\n%s_count %llu\n", name,
                 (unsigned long long)cum, name, h->sum, name, (unsigned long long)h->count);
}

typedef struct {
    uint64_t last;
    int ok;
} src_seq_t;

static int read_src_seq(jw_txn_t *txn, void *ctx)
{
    src_seq_t *s = ctx;
    s->ok = jw_store_last_seq(txn, &s->last) == 0;
    return 0;
}

void jwi_metrics(jwi_t *app, jw_json_t *b)
{
    jw_ind_status_t st;
    memset(&st, 0, sizeof st);
    jw_ind_status(app->ind, &st);
    jw_ind_textf(b,
                 "# HELP jw_indicators_events_consumed_total Events consumed from the event stream "
                 "(retractions included).\n"
                 "# TYPE jw_indicators_events_consumed_total counter\n"
                 "jw_indicators_events_consumed_total %llu\n"
                 "# HELP jw_indicators_retractions_total Retract events applied.\n"
                 "# TYPE jw_indicators_retractions_total counter\n"
                 "jw_indicators_retractions_total %llu\n"
                 "# HELP jw_indicators_unreadable_events_total Events that could not be read.\n"
                 "# TYPE jw_indicators_unreadable_events_total counter\n"
                 "jw_indicators_unreadable_events_total %llu\n"
                 "# HELP jw_indicators_last_seq The last event seq applied.\n"
                 "# TYPE jw_indicators_last_seq gauge\n"
                 "jw_indicators_last_seq %llu\n"
                 "# HELP jw_indicators_last_update_timestamp_seconds Unix time of the last applied batch.\n"
                 "# TYPE jw_indicators_last_update_timestamp_seconds gauge\n"
                 "jw_indicators_last_update_timestamp_seconds %lld\n",
                 (unsigned long long)st.events, (unsigned long long)st.retracts,
                 (unsigned long long)st.bad, (unsigned long long)st.last_seq, (long long)st.updated);
    if (app->live_sub) {
        jwi_hist_write(&app->update_latency, "jw_indicators_update_latency_seconds",
                       "Time from a live event's arrival to the commit of its indicator update.", b);
        jw_ind_textf(b,
                     "# HELP jw_indicators_live_events_total Events applied from the live stream.\n"
                     "# TYPE jw_indicators_live_events_total counter\n"
                     "jw_indicators_live_events_total %llu\n"
                     "# HELP jw_indicators_live_gaps_total Gaps in the live stream filled through catch-up.\n"
                     "# TYPE jw_indicators_live_gaps_total counter\n"
                     "jw_indicators_live_gaps_total %llu\n",
                     (unsigned long long)app->live_events, (unsigned long long)app->live_gaps);
    }
    if (app->src) {
        src_seq_t s = {0, 0};
        if (jw_store_read(app->src, read_src_seq, &s) == 0 && s.ok)
            jw_ind_textf(b,
                         "# HELP jw_indicators_source_last_seq The last seq in the jw event log.\n"
                         "# TYPE jw_indicators_source_last_seq gauge\n"
                         "jw_indicators_source_last_seq %llu\n"
                         "# HELP jw_indicators_lag_events Events in the log not yet applied.\n"
                         "# TYPE jw_indicators_lag_events gauge\n"
                         "jw_indicators_lag_events %llu\n",
                         (unsigned long long)s.last,
                         (unsigned long long)(s.last > st.last_seq ? s.last - st.last_seq : 0));
    }
    jwi_hist_write(&app->http_duration, "jw_indicators_http_request_duration_seconds",
                   "Time to build one HTTP answer (request parsed to response queued).", b);
    jw_ind_textf(b,
                 "# HELP jw_indicators_http_requests_total HTTP requests answered.\n"
                 "# TYPE jw_indicators_http_requests_total counter\n"
                 "jw_indicators_http_requests_total %llu\n"
                 "# HELP jw_indicators_http_errors_total HTTP requests answered with 4xx or 5xx.\n"
                 "# TYPE jw_indicators_http_errors_total counter\n"
                 "jw_indicators_http_errors_total %llu\n"
                 "# HELP jw_indicators_http_internal_refused_total Requests for the internal view "
                 "refused (the server was not started with --internal).\n"
                 "# TYPE jw_indicators_http_internal_refused_total counter\n"
                 "jw_indicators_http_internal_refused_total %llu\n",
                 (unsigned long long)app->http_requests, (unsigned long long)app->http_errors,
                 (unsigned long long)app->http_refused);
}
