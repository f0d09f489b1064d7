/* live.c - live mode: follow jwd's event PUB and catch up by seq through
 * its catch-up endpoint (the clone pattern: subscribe first, fetch what is
 * missing, drop what is already applied). Each live event is applied in
 * its own transaction as it arrives; the time from its arrival to the
 * commit of the indicator update is recorded for /metrics. One call of
 * jwi_live_pump() does a bounded amount of work (PUMP_MAX events or
 * PUMP_BUDGET_MS), so that the HTTP server in the same loop keeps
 * answering while a burst of events is applied; the rest stays queued on
 * the SUB socket and the next poll sees it at once. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "jwi.h"
#include "wire/wire.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static uint64_t last_seq(jwi_t *app)
{
    jw_ind_status_t st;
    memset(&st, 0, sizeof st);
    jw_ind_status(app->ind, &st);
    return st.last_seq;
}

/* Fetch every event after our last seq from jwd; 0, or -1 when jwd does
 * not answer within 5 s. */
static int live_catch_up(jwi_t *app)
{
    for (int rounds = 0; rounds < 100000; rounds++) {
        char since[24];
        uint64_t last = last_seq(app);
        int n = snprintf(since, sizeof since, "%llu", (unsigned long long)last);
        const void *f[3] = {"SINCE", since, "5000"};
        size_t l[3] = {5, (size_t)n, 4};
        if (jw_wire_send(app->live_cu, f, l, 3, 0)) return -1;
        for (;;) {
            zmq_pollitem_t pi = {app->live_cu, 0, ZMQ_POLLIN, 0};
            if (zmq_poll(&pi, 1, 5000) <= 0) return -1;
            zmq_msg_t p[3];
            int k;
            if (jw_wire_recv(app->live_cu, p, 3, &k, 0)) return -1;
            const char *cmd = zmq_msg_data(&p[0]);
            char num[24] = "";
            if (k == 3) snprintf(num, sizeof num, "%.*s", (int)zmq_msg_size(&p[1]), (char *)zmq_msg_data(&p[1]));
            if (k == 3 && zmq_msg_size(&p[0]) == 2 && memcmp(cmd, "EV", 2) == 0) {
                int rc = jw_ind_consume(app->ind, strtoull(num, NULL, 10), zmq_msg_data(&p[2]),
                                        zmq_msg_size(&p[2]));
                if (rc && rc != JW_IND_EGAP)
                    fprintf(stderr, "jw-indicators: event %s: %s\n", num, jw_ind_strerror(rc));
                jw_wire_close(p, k);
                continue;
            }
            if (k == 3 && zmq_msg_size(&p[0]) == 3 && memcmp(cmd, "END", 3) == 0) {
                char b[24];
                snprintf(b, sizeof b, "%.*s", (int)zmq_msg_size(&p[2]), (char *)zmq_msg_data(&p[2]));
                jw_wire_close(p, k);
                app->live_last = last_seq(app);
                if (app->live_last >= strtoull(b, NULL, 10)) return 0;
                break;
            }
            jw_wire_close(p, k);
        }
    }
    return 0;
}

int jwi_live_open(jwi_t *app, const char *events_ep, const char *catchup_ep)
{
    int linger = 0, hwm = 100000;
    app->live_ctx = zmq_ctx_new();
    app->live_sub = zmq_socket(app->live_ctx, ZMQ_SUB);
    app->live_cu = zmq_socket(app->live_ctx, ZMQ_DEALER);
    if (!app->live_sub || !app->live_cu) return -1;
    zmq_setsockopt(app->live_sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(app->live_cu, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(app->live_sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(app->live_sub, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect(app->live_sub, events_ep) || zmq_connect(app->live_cu, catchup_ep)) {
        fprintf(stderr, "jw-indicators: connect: %s\n", zmq_strerror(errno));
        return -1;
    }
    if (live_catch_up(app) != 0) {
        fprintf(stderr, "jw-indicators: no answer from %s\n", catchup_ep);
        return -1;
    }
    return 0;
}

#define PUMP_MAX 2000
#define PUMP_BUDGET_MS 50.0

void jwi_live_pump(jwi_t *app)
{
    double start = now_ms();
    for (int i = 0; i < PUMP_MAX && now_ms() - start < PUMP_BUDGET_MS; i++) {
        zmq_msg_t p[2];
        int k;
        if (jw_wire_recv(app->live_sub, p, 2, &k, ZMQ_DONTWAIT)) return;
        double t0 = now_ms();
        app->live_heard_ms = t0;
        if (k == 2) {
            const char *json = zmq_msg_data(&p[1]);
            size_t len = zmq_msg_size(&p[1]);
            const char *s = memmem(json, len, "\"seq\":", 6);
            char num[24] = "";
            size_t n = 0;
            if (s)
                for (s += 6; s < json + len && *s >= '0' && *s <= '9' && n + 1 < sizeof num; s++) num[n++] = *s;
            num[n] = '\0';
            uint64_t seq = strtoull(num, NULL, 10);
            if (seq > app->live_last) { /* older ones came through catch-up */
                int rc = jw_ind_consume(app->ind, seq, json, len);
                if (rc == JW_IND_EGAP) {
                    app->live_gaps++;
                    if (live_catch_up(app) != 0) fprintf(stderr, "jw-indicators: catch-up failed\n");
                } else if (rc == 0) {
                    app->live_events++;
                    app->live_last = seq;
                    jwi_hist_observe(&app->update_latency, (now_ms() - t0) / 1000.0);
                }
            }
        }
        jw_wire_close(p, k);
    }
}

void jwi_live_idle(jwi_t *app)
{
    double t = now_ms();
    if (t - app->live_heard_ms < 1000.0) return;
    app->live_heard_ms = t;
    uint64_t before = app->live_last;
    if (live_catch_up(app) != 0) fprintf(stderr, "jw-indicators: catch-up failed\n");
    else if (app->live_last > before) app->live_gaps++;
}

void jwi_live_close(jwi_t *app)
{
    if (app->live_sub) zmq_close(app->live_sub);
    if (app->live_cu) zmq_close(app->live_cu);
    if (app->live_ctx) zmq_ctx_term(app->live_ctx);
    app->live_sub = app->live_cu = app->live_ctx = NULL;
}
