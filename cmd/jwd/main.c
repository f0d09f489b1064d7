/* jwd - the jw service.
 *
 *   senders --DEALER--> [ingest ROUTER] main thread --inproc--> N workers
 *       (parse, validate, hash) --inproc--> writer (one LMDB write txn per
 *       batch, durable commit) --> acks to main --> replies to senders
 *                                          \--> PUB events (topic TYPE.GEMEENTE)
 *   subscribers --DEALER--> [catch-up ROUTER] catch-up thread (event log by seq, stats)
 *
 * A sender's message is acknowledged only after the commit that holds its
 * effects; the number of accepted but unacknowledged messages is capped
 * (--max-in-flight), so a fast sender cannot exhaust memory: past the cap
 * jwd stops reading and ZeroMQ's queues push back. SIGTERM/SIGINT drain
 * (everything accepted is committed and acknowledged) and exit 0; SIGHUP
 * reopens the log file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "jwd.h"
#include "version/version.h"
#include "wire/wire.h"

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP) got_hup = 1;
    else got_stop = 1;
}

static void usage(FILE *f)
{
    fputs("usage: jwd --state DIR [options]\n"
          "\n"
          "The jw service: acknowledged ingest of iJw messages over ZeroMQ, one LMDB\n"
          "writer, derived events on a PUB socket and a catch-up endpoint.\n"
          "\n"
          "  --state DIR          state store (created 0700; refused when others can access it)\n"
          "  --profile P          zuid-limburg (default), twente, zhz, cbs or a .profile path\n"
          "  --key-file F         pseudonymisation key (default DIR/pseudonym.key, created 0600)\n"
          "  --ingest EP          ROUTER for senders (default ipc://DIR/ingest.sock)\n"
          "  --events EP          PUB for events (default ipc://DIR/events.sock)\n"
          "  --catchup EP         ROUTER for catch-up and stats (default ipc://DIR/catchup.sock)\n"
          "  --workers N          parse/validate threads (default: number of cores)\n"
          "  --batch N            most messages per commit (default 500)\n"
          "  --batch-ms MS        longest wait to fill a batch (default 20)\n"
          "  --max-in-flight N    accepted, unacknowledged messages at most (default 2000)\n"
          "  --events-hwm N       events queued per subscriber before PUB drops them for\n"
          "                       that subscriber, who then catches up by seq (default 10000)\n"
          "  --curve-secret F     CURVE secret key file of the server (jwctl keygen); enables\n"
          "                       CURVE on tcp:// endpoints (default: off)\n"
          "  --curve-allow F      client public keys allowed to connect, one per line\n"
          "                       (required with --curve-secret)\n"
          "  --log F              log file (default: stderr with --foreground, else DIR/jwd.log)\n"
          "  --foreground         do not detach (for systemd and tests)\n"
          "  --help               this text\n"
          "  --version            program name and version\n",
          f);
}

static char *endpoint_default(const char *state, const char *name)
{
    char buf[4096];
    char *real = realpath(state, NULL);
    snprintf(buf, sizeof buf, "ipc://%s/%s", real ? real : state, name);
    free(real);
    return strdup(buf);
}

static void send_reply(void *router, jwd_item_t *it)
{
    const void *f[3] = {it->identity, it->corr, it->status};
    size_t l[3] = {it->identity_len, 8, strlen(it->status)};
    jw_wire_send(router, f, l, 3, ZMQ_DONTWAIT);
}

static void item_free(jwd_item_t *it)
{
    if (!it) return;
    jw_ijw_msg_clear(&it->msg);
    free(it->buf);
    free(it);
}

/* Receive one ingest request and hand it to the workers. */
static void take_request(jwd_t *d, void *router, void *work)
{
    zmq_msg_t p[4];
    int n;
    if (jw_wire_recv(router, p, 4, &n, ZMQ_DONTWAIT)) return;
    jwd_item_t *it = NULL;
    if (n != 3 || zmq_msg_size(&p[0]) > sizeof it->identity || zmq_msg_size(&p[1]) != 8) {
        jwd_log("ingest: malformed request (%d frames) ignored", n);
        goto out;
    }
    it = calloc(1, sizeof *it);
    size_t len = zmq_msg_size(&p[2]);
    if (!it || !(it->buf = malloc(len ? len : 1))) {
        item_free(it); /* no ack: the sender resends */
        goto out;
    }
    it->identity_len = zmq_msg_size(&p[0]);
    memcpy(it->identity, zmq_msg_data(&p[0]), it->identity_len);
    memcpy(it->corr, zmq_msg_data(&p[1]), 8);
    memcpy(it->buf, zmq_msg_data(&p[2]), len);
    it->len = len;
    jw_ijw_msg_init(&it->msg);
    atomic_fetch_add(&d->stats.received, 1);
    atomic_fetch_add(&d->stats.in_flight, 1);
    zmq_send(work, &it, sizeof it, 0);
out:
    jw_wire_close(p, n);
}

int main(int argc, char **argv)
{
    jwd_opts_t o = {0};
    jwd_t d;
    pthread_t *workers = NULL, writer, catchup, zap;
    int started = 0, writer_started = 0, catchup_started = 0, zap_started = 0, status = 1;
    void *router = NULL, *work = NULL, *acks = NULL;
    char perr[256], keypath[4096], deflog[4096];
    char *ep_ingest = NULL, *ep_events = NULL, *ep_catchup = NULL;

    memset(&d, 0, sizeof d);
    o.profile = "zuid-limburg";
    o.workers = (int)sysconf(_SC_NPROCESSORS_ONLN);
    o.batch = 500;
    o.batch_ms = 20;
    o.max_in_flight = 2000;
    o.events_hwm = 10000;
    static const struct option lo[] = {
        {"state", 1, 0, 's'}, {"profile", 1, 0, 'p'}, {"key-file", 1, 0, 'k'}, {"ingest", 1, 0, 'i'},
        {"events", 1, 0, 'e'}, {"catchup", 1, 0, 'c'}, {"workers", 1, 0, 'w'}, {"batch", 1, 0, 'b'},
        {"batch-ms", 1, 0, 'm'}, {"max-in-flight", 1, 0, 'f'}, {"curve-secret", 1, 0, 'S'},
        {"curve-allow", 1, 0, 'A'}, {"log", 1, 0, 'l'}, {"foreground", 0, 0, 'F'}, {"help", 0, 0, 'h'}, {"events-hwm", 1, 0, 'H'},
        {0, 0, 0, 0}};
    if (jw_version_requested(argc, argv)) return jw_version_print("jwd");
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 's': o.state = optarg; break;
        case 'p': o.profile = optarg; break;
        case 'k': o.key_file = optarg; break;
        case 'i': o.ingest = optarg; break;
        case 'e': o.events = optarg; break;
        case 'c': o.catchup = optarg; break;
        case 'w': o.workers = atoi(optarg); break;
        case 'b': o.batch = atoi(optarg); break;
        case 'm': o.batch_ms = atoi(optarg); break;
        case 'f': o.max_in_flight = atoi(optarg); break;
        case 'S': o.curve_secret = optarg; break;
        case 'A': o.curve_allow = optarg; break;
        case 'l': o.log_file = optarg; break;
        case 'F': o.foreground = 1; break;
        case 'H': o.events_hwm = atoi(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.state || o.workers < 1 || o.workers > 64 || o.batch < 1 || o.batch_ms < 1 ||
        o.max_in_flight < 1 || o.events_hwm < 1 || (o.curve_secret && !o.curve_allow) || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (!o.foreground) {
        /* Detach before any library state exists (LMDB must not cross a fork). */
        if (!o.log_file) {
            snprintf(deflog, sizeof deflog, "%s/jwd.log", o.state);
            o.log_file = deflog;
        }
        if (daemon(1, 0) != 0) {
            perror("jwd: daemon");
            return 1;
        }
    }
    if (jwd_log_open(o.log_file) != 0) {
        fprintf(stderr, "jwd: cannot open log %s: %s\n", o.log_file, strerror(errno));
        return 1;
    }
    d.o = &o;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: zmq_poll returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    jw_store_options_t so = {0};
    int rc = jw_store_open(o.state, &so, &d.store);
    if (rc) {
        jwd_log("%s: %s", o.state, jw_store_strerror(rc));
        goto out;
    }
    if ((rc = jw_profile_load(o.profile, &d.profile, perr, sizeof perr))) {
        jwd_log("profile: %s", perr);
        goto out;
    }
    if (o.key_file) snprintf(keypath, sizeof keypath, "%s", o.key_file);
    else snprintf(keypath, sizeof keypath, "%s/pseudonym.key", o.state);
    if ((rc = jw_pseudo_open(keypath, &d.pseudo))) {
        jwd_log("%s: %s", keypath, jw_pseudo_strerror(rc));
        goto out;
    }
    if ((rc = jw_ijw_schema_new(&d.schema))) {
        jwd_log("schemas: %s", jw_ijw_strerror(rc));
        goto out;
    }
    if (o.curve_secret) {
        if (jw_wire_read_key(o.curve_secret, 1, d.curve_secret) != 0) {
            jwd_log("%s: not a readable CURVE secret key file of mode 0600 (%s)", o.curve_secret,
                    strerror(errno));
            goto out;
        }
        d.curve = 1;
    }

    d.zctx = zmq_ctx_new();
    if (d.curve) {
        if (jwd_zap_start(&d, o.curve_allow, &zap) != 0) {
            jwd_log("%s: cannot start the CURVE allow-list handler", o.curve_allow);
            goto out;
        }
        zap_started = 1;
    }
    ep_ingest = o.ingest ? strdup(o.ingest) : endpoint_default(o.state, "ingest.sock");
    ep_events = o.events ? strdup(o.events) : endpoint_default(o.state, "events.sock");
    ep_catchup = o.catchup ? strdup(o.catchup) : endpoint_default(o.state, "catchup.sock");

    int zero = 0, linger = 0;
    router = zmq_socket(d.zctx, ZMQ_ROUTER);
    work = zmq_socket(d.zctx, ZMQ_PUSH);
    acks = zmq_socket(d.zctx, ZMQ_PULL);
    d.results = zmq_socket(d.zctx, ZMQ_PULL);
    d.pub = zmq_socket(d.zctx, ZMQ_PUB);
    d.catchup = zmq_socket(d.zctx, ZMQ_ROUTER);
    zmq_setsockopt(work, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(acks, ZMQ_RCVHWM, &zero, sizeof zero);
    zmq_setsockopt(d.results, ZMQ_RCVHWM, &zero, sizeof zero);
    /* Replies are bounded by --max-in-flight and catch-up bursts by their
     * chunk size: no silent ROUTER drops at a high-water mark. */
    zmq_setsockopt(router, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(d.catchup, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(d.pub, ZMQ_SNDHWM, &o.events_hwm, sizeof o.events_hwm);
    for (void **s = (void *[]){router, work, acks, d.results, d.pub, d.catchup, NULL}; *s; s++)
        zmq_setsockopt(*s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(work, JWD_WORK) || zmq_bind(acks, JWD_ACKS) || zmq_bind(d.results, JWD_RESULTS)) {
        jwd_log("inproc: %s", zmq_strerror(errno));
        goto out;
    }
    if (jwd_secure_socket(&d, router, ep_ingest) || jwd_secure_socket(&d, d.pub, ep_events) ||
        jwd_secure_socket(&d, d.catchup, ep_catchup)) {
        jwd_log("cannot bind endpoints (%s, %s, %s): %s", ep_ingest, ep_events, ep_catchup,
                zmq_strerror(errno));
        goto out;
    }

    workers = calloc((size_t)o.workers, sizeof *workers);
    for (started = 0; workers && started < o.workers; started++)
        if (pthread_create(&workers[started], NULL, jwd_worker_main, &d)) break;
    writer_started = pthread_create(&writer, NULL, jwd_writer_main, &d) == 0;
    catchup_started = pthread_create(&catchup, NULL, jwd_catchup_main, &d) == 0;
    if (started < o.workers || !writer_started || !catchup_started) {
        jwd_log("cannot start threads");
        got_stop = 1;
    } else {
        jwd_log("started: profile %s, %d workers, ingest %s, events %s, catch-up %s%s", o.profile,
                o.workers, ep_ingest, ep_events, ep_catchup, d.curve ? ", CURVE on tcp" : "");
    }

    int stopping = 0;
    for (;;) {
        if (got_hup) {
            got_hup = 0;
            if (o.log_file && jwd_log_open(o.log_file) == 0) jwd_log("log reopened");
        }
        if (got_stop && !stopping) {
            stopping = 1;
            jwd_log("stopping: draining %llu messages in flight",
                    (unsigned long long)atomic_load(&d.stats.in_flight));
        }
        if (stopping && atomic_load(&d.stats.in_flight) == 0) break;
        int accept = !stopping && atomic_load(&d.stats.in_flight) < (uint64_t)o.max_in_flight;
        zmq_pollitem_t items[2] = {{acks, 0, ZMQ_POLLIN, 0}, {router, 0, ZMQ_POLLIN, 0}};
        if (zmq_poll(items, accept ? 2 : 1, 500) < 0) continue; /* EINTR: look at the flags */
        if (items[0].revents & ZMQ_POLLIN) {
            jwd_item_t *it;
            while (zmq_recv(acks, &it, sizeof it, ZMQ_DONTWAIT) == (int)sizeof it) {
                if (it->status[0]) {
                    send_reply(router, it);
                    atomic_fetch_add(&d.stats.acked, 1);
                }
                atomic_fetch_sub(&d.stats.in_flight, 1);
                item_free(it);
            }
        }
        if (accept && (items[1].revents & ZMQ_POLLIN)) {
            for (int k = 0; k < 256 && atomic_load(&d.stats.in_flight) < (uint64_t)o.max_in_flight; k++) {
                int ev = 0;
                size_t evlen = sizeof ev;
                zmq_getsockopt(router, ZMQ_EVENTS, &ev, &evlen);
                if (!(ev & ZMQ_POLLIN)) break;
                take_request(&d, router, work);
            }
        }
    }
    status = 0;
out:
    /* Poison pills: each worker forwards one to the writer, which stops
     * after the last; nothing is in flight any more. */
    for (int i = 0; i < started; i++) {
        jwd_item_t *p = calloc(1, sizeof *p);
        if (p) {
            p->poison = 1;
            zmq_send(work, &p, sizeof p, 0);
        }
    }
    for (int i = 0; i < started; i++) pthread_join(workers[i], NULL);
    if (writer_started) pthread_join(writer, NULL);
    if (d.zctx) zmq_ctx_shutdown(d.zctx); /* catch-up and ZAP threads see ETERM */
    if (catchup_started) pthread_join(catchup, NULL);
    if (zap_started) pthread_join(zap, NULL);
    for (void **s = (void *[]){router, work, acks, d.results, d.pub, d.catchup, NULL}; *s; s++) zmq_close(*s);
    if (d.zctx) zmq_ctx_term(d.zctx);
    free(workers);
    free(ep_ingest);
    free(ep_events);
    free(ep_catchup);
    jw_ijw_schema_free(d.schema);
    jw_pseudo_free(d.pseudo);
    jw_profile_free(d.profile);
    if (jw_store_close(d.store)) status = 1;
    jwd_log("stopped (%s)", status ? "error" : "clean");
    return status;
}
