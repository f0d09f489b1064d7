/* metrics.c - jwd's Prometheus endpoint: GET /metrics in the text
 * exposition format, served by libmicrohttpd on its own thread.
 *
 * It only reads the atomic counters in jwd_stats_t and, per request, the
 * stored totals in one short read transaction; it never blocks the
 * writer. Connections are limited in number and time (a slow or idle
 * client cannot hold the endpoint). Counters count since this jwd started
 * (Prometheus handles the reset at a restart); the jwd_store_* series are
 * the store's totals over its whole life.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "jwd.h"

struct jwd_metrics {
    struct MHD_Daemon *mhd;
};

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} text_t;

static void put(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    if (t->failed) return;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n;
        char *nb = realloc(t->buf, cap);
        if (!nb) {
            t->failed = 1;
            return;
        }
        t->buf = nb;
        t->cap = cap;
    }
}

static void counter(text_t *t, const char *name, const char *help, uint64_t v)
{
    put(t, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, (unsigned long long)v);
}

static void gauge(text_t *t, const char *name, const char *help, uint64_t v)
{
    put(t, "# HELP %s %s\n# TYPE %s gauge\n%s %llu\n", name, help, name, name, (unsigned long long)v);
}

static void render(jwd_t *d, text_t *t)
{
    jwd_stats_t *s = &d->stats;
    static const double bounds[JWD_LAT_BUCKETS] = JWD_LAT_BOUNDS;
    static const char *const layer[4] = {"", "xml", "xsd", "rule"};

    counter(t, "jwd_received_messages_total", "Messages received on the ingest endpoint.",
            atomic_load(&s->received));
    counter(t, "jwd_received_bytes_total", "Bytes of messages received.", atomic_load(&s->received_bytes));
    counter(t, "jwd_acknowledged_messages_total", "Messages acknowledged after their commit.",
            atomic_load(&s->acked));
    put(t, "# HELP jwd_messages_total Messages committed, by outcome.\n# TYPE jwd_messages_total counter\n");
    put(t, "jwd_messages_total{outcome=\"applied\"} %llu\n", (unsigned long long)atomic_load(&s->applied));
    put(t, "jwd_messages_total{outcome=\"duplicate\"} %llu\n", (unsigned long long)atomic_load(&s->duplicates));
    put(t, "jwd_messages_total{outcome=\"deadletter\"} %llu\n", (unsigned long long)atomic_load(&s->deadletters));
    put(t, "jwd_messages_total{outcome=\"not_processed\"} %llu\n",
        (unsigned long long)atomic_load(&s->not_processed));
    put(t, "# HELP jwd_deadletters_total Messages dead-lettered, by validation layer.\n"
           "# TYPE jwd_deadletters_total counter\n");
    for (int l = 1; l <= 3; l++)
        put(t, "jwd_deadletters_total{layer=\"%s\"} %llu\n", layer[l],
            (unsigned long long)atomic_load(&s->deadletters_layer[l]));
    put(t, "# HELP jwd_events_total Events written to the log, by kind.\n# TYPE jwd_events_total counter\n");
    put(t, "jwd_events_total{kind=\"emitted\"} %llu\n", (unsigned long long)atomic_load(&s->events_emitted));
    put(t, "jwd_events_total{kind=\"retracted\"} %llu\n", (unsigned long long)atomic_load(&s->events_retracted));
    gauge(t, "jwd_in_flight_messages", "Messages accepted and not yet acknowledged (queue depth).",
          atomic_load(&s->in_flight));
    gauge(t, "jwd_in_flight_bytes", "Bytes of the messages in flight.", atomic_load(&s->in_flight_bytes));
    gauge(t, "jwd_in_flight_messages_max", "Cap on messages in flight (--max-in-flight).",
          (uint64_t)d->o->max_in_flight);
    gauge(t, "jwd_in_flight_bytes_max", "Cap on bytes in flight (--max-in-flight-bytes).",
          (uint64_t)d->o->max_in_flight_bytes);
    gauge(t, "jwd_published_seq", "Last event seq published on the PUB socket.", atomic_load(&s->published_seq));
    counter(t, "jwd_catchup_requests_total", "Catch-up requests served.", atomic_load(&s->catchup_requests));
    counter(t, "jwd_catchup_replies_cut_total", "Catch-up replies cut because the client did not read.",
            atomic_load(&s->catchup_dropped));
    counter(t, "jwd_handshake_failures_total", "Client connections refused in the handshake (CURVE).",
            atomic_load(&s->handshake_failures));

    /* Histogram: cumulative buckets, +Inf = count, sum in seconds. */
    put(t, "# HELP jwd_commit_duration_seconds Time of one durable LMDB commit of a batch.\n"
           "# TYPE jwd_commit_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (int k = 0; k < JWD_LAT_BUCKETS; k++) {
        cum += atomic_load(&s->commit_hist[k]);
        put(t, "jwd_commit_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[k], (unsigned long long)cum);
    }
    cum += atomic_load(&s->commit_hist[JWD_LAT_BUCKETS]);
    put(t, "jwd_commit_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    put(t, "jwd_commit_duration_seconds_sum %.6f\n", (double)atomic_load(&s->commit_us_total) / 1e6);
    put(t, "jwd_commit_duration_seconds_count %llu\n", (unsigned long long)cum);

    jw_traject_totals_t tot = {0};
    if (jw_store_read(d->store, jw_traject_totals_read, &tot) == 0) {
        gauge(t, "jwd_store_last_seq", "Last event seq in the store.", tot.last_seq);
        put(t, "# HELP jwd_store_messages Messages in the store over its life, by outcome.\n"
               "# TYPE jwd_store_messages gauge\n");
        put(t, "jwd_store_messages{outcome=\"applied\"} %llu\n", (unsigned long long)tot.counts.applied);
        put(t, "jwd_store_messages{outcome=\"duplicate\"} %llu\n", (unsigned long long)tot.counts.duplicates);
        for (int l = 1; l <= 3; l++)
            put(t, "jwd_store_messages{outcome=\"deadletter\",layer=\"%s\"} %llu\n", layer[l],
                (unsigned long long)tot.counts.deadletters_by_layer[l]);
    }
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    jwd_t *d = cls;
    struct MHD_Response *r;
    enum MHD_Result ret;
    (void)version;
    (void)upload;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        static const char msg[] = "method not allowed\n";
        r = MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        MHD_add_response_header(r, "Allow", "GET, HEAD");
        ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
        MHD_destroy_response(r);
        return ret;
    }
    if (*upload_size) return MHD_NO; /* a GET with a body */
    (void)con_cls;
    if (strcmp(url, "/metrics") != 0) {
        static const char msg[] = "not found: try /metrics\n";
        r = MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        ret = MHD_queue_response(c, MHD_HTTP_NOT_FOUND, r);
        MHD_destroy_response(r);
        return ret;
    }
    text_t t = {malloc(8192), 0, 8192, 0};
    if (!t.buf) return MHD_NO;
    render(d, &t);
    if (t.failed) {
        free(t.buf);
        return MHD_NO;
    }
    r = MHD_create_response_from_buffer(t.len, t.buf, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(t.buf);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

int jwd_metrics_start(jwd_t *d, const char *addr_port, jwd_metrics_t **out)
{
    char host[64];
    const char *colon = strrchr(addr_port, ':');
    struct sockaddr_in sa;
    *out = NULL;
    if (!colon || (size_t)(colon - addr_port) >= sizeof host) return -1;
    memcpy(host, addr_port, (size_t)(colon - addr_port));
    host[colon - addr_port] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535) return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return -1;
    jwd_metrics_t *m = calloc(1, sizeof *m);
    if (!m) return -1;
    m->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, (uint16_t)port, NULL, NULL,
                              answer, d, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned)32, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                              (unsigned)8, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768, MHD_OPTION_END);
    if (!m->mhd) {
        free(m);
        return -1;
    }
    *out = m;
    return 0;
}

void jwd_metrics_stop(jwd_metrics_t *m)
{
    if (!m) return;
    MHD_stop_daemon(m->mhd);
    free(m);
}
