/* catchup.c - the catch-up endpoint: the event log by seq, and stats.
 * Reads run in their own read transactions and never block the writer.
 *
 * Bounded per client: the socket keeps at most a few requests and one
 * reply burst (JWD_CATCHUP_MAX events) queued for a client (main.c sets
 * the high-water marks and ZMQ_ROUTER_MANDATORY); a reply that does not
 * fit because the client does not read is cut short without END, and the
 * client, which asks again when it hears nothing, loses nothing (it keeps
 * what it had by seq). Sends never block this thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "event/event.h"
#include "jwd.h"
#include "wire/wire.h"


typedef struct {
    void *sock;
    const void *id;
    size_t id_len;
    uint64_t last;
    uint64_t left;
    jw_json_t *text; /* the JSON of one event (the thread's scratch) */
} since_ctx_t;

static int send_event(uint64_t seq, const void *data, size_t len, void *ctx)
{
    since_ctx_t *c = ctx;
    char num[24];
    int n = snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
    /* The event as JSON (event.h); a record that does not read is sent as
     * an empty object, so the subscriber counts it as unreadable by seq
     * and nothing is silently skipped. */
    if (jw_event_json(data, len, seq, c->text)) {
        jw_json_reset(c->text);
        jw_json_raw(c->text, "{}", 2);
        if (jw_json_finish(c->text)) return -1;
    }
    const void *f[4] = {c->id, "EV", num, c->text->buf};
    size_t l[4] = {c->id_len, 2, (size_t)n, c->text->len};
    if (jw_wire_send(c->sock, f, l, 4, ZMQ_DONTWAIT)) return -1; /* client queue full: cut */
    c->last = seq;
    return --c->left ? 0 : JW_STORE_ITER_STOP;
}

static int read_since(jw_txn_t *txn, void *ctx)
{
    since_ctx_t *c = ctx;
    return jw_store_events_since(txn, c->last, send_event, c);
}

static void reply_stats(jwd_t *d, void *sock, const void *id, size_t id_len)
{
    char text[2048];
    jw_traject_totals_t t = {0};
    jw_store_read(d->store, jw_traject_totals_read, &t);
    jwd_stats_t *s = &d->stats;
    uint64_t commits = atomic_load(&s->commits);
    int n = snprintf(text, sizeof text,
        "received %llu\nacked %llu\nqueue_depth %llu\nin_flight_bytes %llu\n"
        "applied %llu\nduplicates %llu\ndeadletters %llu\nevents_emitted %llu\nevents_retracted %llu\n"
        "commits %llu\ncommit_latency_us_last %llu\ncommit_latency_us_max %llu\ncommit_latency_us_mean %llu\n"
        "published_seq %llu\nlast_seq %llu\n"
        "total_messages %llu\ntotal_applied %llu\ntotal_duplicates %llu\ntotal_deadletters %llu\n"
        "total_deadletters_xml %llu\ntotal_deadletters_xsd %llu\ntotal_deadletters_rule %llu\n"
        "total_events_emitted %llu\ntotal_events_retracted %llu\n",
        (unsigned long long)atomic_load(&s->received), (unsigned long long)atomic_load(&s->acked),
        (unsigned long long)atomic_load(&s->in_flight), (unsigned long long)atomic_load(&s->in_flight_bytes),
        (unsigned long long)atomic_load(&s->applied),
        (unsigned long long)atomic_load(&s->duplicates), (unsigned long long)atomic_load(&s->deadletters),
        (unsigned long long)atomic_load(&s->events_emitted),
        (unsigned long long)atomic_load(&s->events_retracted), (unsigned long long)commits,
        (unsigned long long)atomic_load(&s->commit_us_last), (unsigned long long)atomic_load(&s->commit_us_max),
        (unsigned long long)(commits ? atomic_load(&s->commit_us_total) / commits : 0),
        (unsigned long long)atomic_load(&s->published_seq), (unsigned long long)t.last_seq,
        (unsigned long long)t.counts.messages, (unsigned long long)t.counts.applied,
        (unsigned long long)t.counts.duplicates, (unsigned long long)t.counts.deadletters,
        (unsigned long long)t.counts.deadletters_by_layer[JW_LAYER_XML],
        (unsigned long long)t.counts.deadletters_by_layer[JW_LAYER_XSD],
        (unsigned long long)t.counts.deadletters_by_layer[JW_LAYER_RULE],
        (unsigned long long)t.counts.events_emitted, (unsigned long long)t.counts.events_retracted);
    const void *f[3] = {id, "STATS", text};
    size_t l[3] = {id_len, 5, (size_t)n};
    jw_wire_send(sock, f, l, 3, ZMQ_DONTWAIT);
}

void *jwd_catchup_main(void *arg)
{
    jwd_t *d = arg;
    void *sock = d->catchup;
    zmq_msg_t parts[4];
    int n;
    jw_json_t text;
    jw_json_init(&text);
    for (;;) {
        if (jw_wire_recv(sock, parts, 4, &n, 0)) {
            if (errno == ETERM) break;
            continue;
        }
        const void *id = zmq_msg_data(&parts[0]);
        size_t id_len = zmq_msg_size(&parts[0]);
        char cmd[8] = "", a1[24] = "", a2[24] = "";
        if (n >= 2) snprintf(cmd, sizeof cmd, "%.*s", (int)zmq_msg_size(&parts[1]), (char *)zmq_msg_data(&parts[1]));
        if (n >= 3) snprintf(a1, sizeof a1, "%.*s", (int)zmq_msg_size(&parts[2]), (char *)zmq_msg_data(&parts[2]));
        if (n >= 4) snprintf(a2, sizeof a2, "%.*s", (int)zmq_msg_size(&parts[3]), (char *)zmq_msg_data(&parts[3]));
        if (strcmp(cmd, "SINCE") == 0) {
            uint64_t max = strtoull(a2, NULL, 10);
            since_ctx_t c = {sock, id, id_len, strtoull(a1, NULL, 10),
                             max && max < JWD_CATCHUP_MAX ? max : JWD_CATCHUP_MAX, &text};
            jw_traject_totals_t t = {0};
            atomic_fetch_add(&d->stats.catchup_requests, 1);
            if (jw_store_read(d->store, read_since, &c) == -1) {
                atomic_fetch_add(&d->stats.catchup_dropped, 1);
                jw_wire_close(parts, n);
                continue;
            }
            jw_store_read(d->store, jw_traject_totals_read, &t);
            char s1[24], s2[24];
            int l1 = snprintf(s1, sizeof s1, "%llu", (unsigned long long)c.last);
            int l2 = snprintf(s2, sizeof s2, "%llu", (unsigned long long)t.last_seq);
            const void *f[4] = {id, "END", s1, s2};
            size_t l[4] = {id_len, 3, (size_t)l1, (size_t)l2};
            if (jw_wire_send(sock, f, l, 4, ZMQ_DONTWAIT)) atomic_fetch_add(&d->stats.catchup_dropped, 1);
        } else if (strcmp(cmd, "STATS") == 0) {
            reply_stats(d, sock, id, id_len);
        } else {
            const void *f[3] = {id, "ERR", "unknown command"};
            size_t l[3] = {id_len, 3, 15};
            jw_wire_send(sock, f, l, 3, ZMQ_DONTWAIT);
        }
        jw_wire_close(parts, n);
    }
    jw_json_free(&text);
    return NULL;
}
