/* writer.c - the one LMDB writer: apply batches, commit durably, then
 * acknowledge and wake the publisher (acknowledgements and events
 * strictly after the commit that holds them). The publisher thread sends
 * the committed events on the PUB socket, so that publishing never delays
 * the next commit. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "event/event.h"
#include "jwd.h"
#include "wire/wire.h"

typedef struct {
    jwd_t *d;
    jw_traject_t *traject;
    jwd_item_t **items;
    size_t n;
    jw_traject_counts_t counts;
    int trim_failed;         /* said once in the log; the store is unaffected */
} batch_t;

/* How often, in messages, the writer looks at how much of the store's
 * map is resident (a read of /proc/self/statm). */
#define TRIM_EVERY 256

/* Bound the store's map in the resident set (jw_store_map_trim): without
 * it jwd's RSS grows with the store, since a commit of thousands of
 * messages reads pages all over it. */
static void trim_map(batch_t *b, jw_txn_t *txn)
{
    if (b->d->o->map_budget <= 0 || b->trim_failed) return;
    int rc = jw_store_map_trim(txn, (size_t)b->d->o->map_budget, NULL);
    if (rc) {
        b->trim_failed = 1;
        jwd_log(LOG_WARNING, "cannot bound the store's memory map (%s); going on without", jw_store_strerror(rc));
    }
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int apply_batch(jw_txn_t *txn, void *ctx)
{
    batch_t *b = ctx;
    int rc;
    memset(&b->counts, 0, sizeof b->counts);
    if ((rc = jw_traject_check_profile(b->traject, txn))) return rc;
    for (size_t i = 0; i < b->n; i++) {
        jwd_item_t *it = b->items[i];
        jw_outcome_t outcome;
        jw_traject_counts_t before = b->counts;
        if (!it->valid && it->err.layer == JW_LAYER_NONE) {
            it->status[0] = '\0'; /* not processed: no ack */
            continue;
        }
        if (it->valid)
            rc = jw_traject_apply_from(b->traject, txn, &it->msg, "jwd", it->hash, &outcome, &b->counts);
        else
            rc = jw_traject_deadletter(b->traject, txn, "jwd", it->hash, &it->err, &outcome, &b->counts);
        if (rc) return rc;
        switch (outcome) {
        case JW_APPLIED:
            snprintf(it->status, sizeof it->status, "A %llu %llu",
                     (unsigned long long)(b->counts.events_emitted - before.events_emitted),
                     (unsigned long long)(b->counts.events_retracted - before.events_retracted));
            break;
        case JW_DUPLICATE: snprintf(it->status, sizeof it->status, "D"); break;
        default:
            snprintf(it->status, sizeof it->status, "X %s %s",
                     it->valid ? "RULE" : jw_layer_name(it->err.layer),
                     it->valid ? "TR056" : it->err.rule);
            break;
        }
        if (i % TRIM_EVERY == TRIM_EVERY - 1) trim_map(b, txn);
    }
    trim_map(b, txn);
    return jw_traject_counts_persist(txn, &b->counts);
}

typedef struct {
    void *pub;
    uint64_t last;
    jw_json_t text; /* the JSON of one event */
} pub_ctx_t;

static int publish_cb(uint64_t seq, const void *data, size_t len, void *ctx)
{
    pub_ctx_t *p = ctx;
    char topic[48] = "", type[24] = "", gem[9] = "";
    jw_event_view_t v;
    /* The topic from the record's typed fields; the frame is the event's
     * JSON (event.h), exactly what subscribers always got. A record that
     * does not read is skipped with its seq (it cannot be shown). */
    p->last = seq;
    if (jw_event_view(data, len, &v) || jw_event_json(data, len, seq, &p->text)) return 0;
    if (jw_event_get_str(&v, JW_EK_TYPE, type, sizeof type)) type[0] = '\0';
    if (jw_event_get_str(&v, JW_EK_GEMEENTE, gem, sizeof gem)) gem[0] = '\0';
    int n = snprintf(topic, sizeof topic, "%s.%s", type, gem);
    const void *frames[2] = {topic, p->text.buf};
    size_t lens[2] = {(size_t)n, p->text.len};
    /* PUB never blocks: a slow subscriber loses events and catches up
     * through the catch-up endpoint by seq (PUB drops for a subscriber
     * whose queue is full; it never waits). */
    jw_wire_send(p->pub, frames, lens, 2, ZMQ_DONTWAIT);
    return 0;
}

static int read_events(jw_txn_t *txn, void *ctx)
{
    pub_ctx_t *p = ctx;
    return jw_store_events_since(txn, p->last, publish_cb, p);
}

static int read_last(jw_txn_t *txn, void *ctx)
{
    return jw_store_last_seq(txn, ctx);
}

void *jwd_publisher_main(void *arg)
{
    jwd_t *d = arg;
    pub_ctx_t pc = {d->pub, 0, {0}};
    uint64_t seen = 0;
    jw_json_init(&pc.text);
    jw_store_read(d->store, read_last, &pc.last);
    atomic_store(&d->stats.published_seq, pc.last);
    for (;;) {
        pthread_mutex_lock(&d->pub_mu);
        while (d->pub_commits == seen && !d->pub_stop) pthread_cond_wait(&d->pub_cv, &d->pub_mu);
        int stop = d->pub_stop;
        seen = d->pub_commits;
        pthread_mutex_unlock(&d->pub_mu);
        /* Commits that come in meanwhile are picked up by this read or
         * the next: nothing is published twice (from pc.last on). */
        jw_store_read(d->store, read_events, &pc);
        atomic_store(&d->stats.published_seq, pc.last);
        if (stop) break;
    }
    jw_json_free(&pc.text);
    return NULL;
}

void jwd_publisher_stop(jwd_t *d)
{
    pthread_mutex_lock(&d->pub_mu);
    d->pub_stop = 1;
    pthread_cond_signal(&d->pub_cv);
    pthread_mutex_unlock(&d->pub_mu);
}

static void publisher_wake(jwd_t *d)
{
    pthread_mutex_lock(&d->pub_mu);
    d->pub_commits++;
    pthread_cond_signal(&d->pub_cv);
    pthread_mutex_unlock(&d->pub_mu);
}

/* Apply items[0..n) in one durable commit. A batch too large for one
 * LMDB transaction is split in halves (each its own commit), so a large
 * --batch can never make the writer fail the same batch forever. */
static int commit_items(batch_t *b, jwd_item_t **items, size_t n, jw_traject_counts_t *sum, size_t *commits)
{
    b->items = items;
    b->n = n;
    uint64_t t0 = now_us();
    int rc = jw_store_write(b->d->store, apply_batch, b);
    if (rc == JW_STORE_TXN_FULL && n > 1) {
        size_t h = n / 2;
        if ((rc = commit_items(b, items, h, sum, commits))) {
            /* the first half may be stored: the second is not */
            for (size_t i = h; i < n; i++) items[i]->status[0] = '\0';
            return rc;
        }
        return commit_items(b, items + h, n - h, sum, commits);
    }
    if (rc) {
        for (size_t i = 0; i < n; i++) items[i]->status[0] = '\0';
        return rc;
    }
    jwd_stats_commit(&b->d->stats, now_us() - t0);
    (*commits)++;
    jw_traject_counts_add(sum, &b->counts);
    return 0;
}

void jwd_stats_commit(jwd_stats_t *s, uint64_t us)
{
    static const double bounds[JWD_LAT_BUCKETS] = JWD_LAT_BOUNDS;
    int k = 0;
    while (k < JWD_LAT_BUCKETS && (double)us / 1e6 > bounds[k]) k++;
    atomic_fetch_add(&s->commit_hist[k], 1);
    atomic_fetch_add(&s->commits, 1);
    atomic_store(&s->commit_us_last, us);
    atomic_fetch_add(&s->commit_us_total, us);
    if (us > atomic_load(&s->commit_us_max)) atomic_store(&s->commit_us_max, us);
}

void *jwd_writer_main(void *arg)
{
    jwd_t *d = arg;
    void *in = d->results; /* bound by main; used only here */
    void *acks = zmq_socket(d->zctx, ZMQ_PUSH);
    batch_t b = {0};
    jwd_item_t **items = NULL;
    size_t n = 0;
    int poisons = 0, zero = 0;
    zmq_setsockopt(acks, ZMQ_SNDHWM, &zero, sizeof zero);
    b.d = d;
    /* Items in arrival order: the workers parse in parallel and hand on
     * out of order; one that overtakes waits in park[arrival % pcap] until
     * those before it are in. Every item in between is in flight, so
     * fewer than max_in_flight + 1 ever wait. */
    size_t pcap = (size_t)d->o->max_in_flight + 1;
    jwd_item_t **park = calloc(pcap, sizeof *park);
    uint64_t next = 1;
    items = calloc((size_t)d->o->batch, sizeof *items);
    if (!items || !park || zmq_connect(acks, JWD_ACKS) || jw_traject_new(d->profile, &b.traject) != JW_TRAJECT_OK) {
        jwd_log(LOG_ERR, "writer: cannot start");
        atomic_fetch_add(&d->threads_failed, 1);
        goto out;
    }
    atomic_store(&d->writer_beat_ms, now_us() / 1000u);
    atomic_fetch_add(&d->threads_ok, 1);

    /* main sets poisons_expected (to the workers that run) when stopping;
     * the idle poll below wakes every 100 ms to look at it (and beat). */
    while (poisons < atomic_load(&d->poisons_expected)) {
        /* Block for the first item, then take what comes within batch_ms:
         * everything queued while the previous commit ran goes into this
         * one (at most --batch; main's in-flight caps bound the bytes). */
        n = 0;
        uint64_t deadline = 0;
        while (n < (size_t)d->o->batch && poisons < atomic_load(&d->poisons_expected)) {
            jwd_item_t *it;
            long timeout = 100;
            atomic_store(&d->writer_beat_ms, now_us() / 1000u);
            if (park[next % pcap]) {
                it = park[next % pcap];
                park[next % pcap] = NULL;
                if (!n) deadline = now_us() + (uint64_t)d->o->batch_ms * 1000u;
                items[n++] = it;
                next++;
                continue;
            }
            if (n) {
                /* Commit when the batch is full, when batch_ms has passed
                 * since its first message, or as soon as the queue has
                 * been empty for 2 ms: waiting longer only delays acks. */
                uint64_t t = now_us();
                if (t >= deadline) break;
                timeout = (long)((deadline - t) / 1000u) + 1;
                if (timeout > 2) timeout = 2;
            }
            /* Take what is queued without polling first: one zmq_poll per
             * message costs more than the apply of a small message. */
            if (zmq_recv(in, &it, sizeof it, ZMQ_DONTWAIT) != (int)sizeof it) {
                zmq_pollitem_t pi = {in, 0, ZMQ_POLLIN, 0};
                if (zmq_poll(&pi, 1, timeout) <= 0) {
                    if (n) break;
                    continue;
                }
                if (zmq_recv(in, &it, sizeof it, 0) != (int)sizeof it) continue;
            }
            if (it->poison) {
                poisons++;
                free(it);
                continue;
            }
            if (it->arrival != next) {
                assert(it->arrival > next && !park[it->arrival % pcap]);
                park[it->arrival % pcap] = it;
                continue;
            }
            if (!n) deadline = now_us() + (uint64_t)d->o->batch_ms * 1000u;
            items[n++] = it;
            next++;
        }
        if (!n) continue;

        jw_traject_counts_t sum = {0};
        size_t commits = 0;
        int rc = commit_items(&b, items, n, &sum, &commits);
        if (rc) {
            /* What is not stored gets no ack (status cleared): the
             * senders resend after their timeout. */
            jwd_log(LOG_ERR, "writer: batch of %zu not (fully) applied (senders will resend): %s", n,
                    jw_traject_strerror(rc));
        }
        atomic_fetch_add(&d->stats.applied, sum.applied);
        atomic_fetch_add(&d->stats.duplicates, sum.duplicates);
        atomic_fetch_add(&d->stats.deadletters, sum.deadletters);
        for (int l = JW_LAYER_XML; l <= JW_LAYER_RULE; l++)
            atomic_fetch_add(&d->stats.deadletters_layer[l], sum.deadletters_by_layer[l]);
        atomic_fetch_add(&d->stats.events_emitted, sum.events_emitted);
        atomic_fetch_add(&d->stats.events_retracted, sum.events_retracted);
        for (size_t i = 0; i < n; i++) {
            jwd_item_t *it = items[i];
            if (it->status[0] == 'X')
                jwd_log(LOG_NOTICE, "dead letter: %s: %s", it->status + 2,
                        it->valid ? "identity conflict" : it->err.message);
        }
        for (size_t i = 0; i < n; i++) zmq_send(acks, &items[i], sizeof items[i], 0);
        if (commits) publisher_wake(d);
    }
out:
    jw_traject_free(b.traject);
    free(items);
    free(park); /* empty: main stops only when nothing is in flight */
    zmq_close(acks);
    return NULL;
}
