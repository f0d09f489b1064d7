/* jwd - the jw service.
 *
 *   senders --DEALER--> [ingest ROUTER] main thread --inproc--> N workers
 *       (parse, validate, hash) --inproc--> writer (one LMDB write txn per
 *       batch, durable commit) --> acks to main --> replies to senders
 *                                          \--> PUB events (topic TYPE.GEMEENTE)
 *   subscribers --DEALER--> [catch-up ROUTER] catch-up thread (event log by seq, stats)
 *
 * A sender's message is acknowledged only after the commit that holds its
 * effects. Memory is bounded by bytes, not only by messages:
 *   - a frame larger than the message cap (25 000 000 bytes) is refused by
 *     libzmq (ZMQ_MAXMSGSIZE) before it is buffered: the sender is
 *     disconnected;
 *   - accepted but unacknowledged messages are capped in number
 *     (--max-in-flight) and in bytes (--max-in-flight-bytes); past either
 *     cap jwd stops reading, and the small per-sender receive queue
 *     (ZMQ_RCVHWM) makes the kernel push back on the senders;
 *   - catch-up requests and replies are bounded per client (see
 *     catchup.c), and freed memory is handed back to the system.
 * SIGTERM/SIGINT drain (everything accepted is committed and
 * acknowledged) and exit 0; SIGHUP reopens the log file.
 *
 * Startup: every check (state directory, key, profile, store and its
 * single-writer lock, sockets, threads) runs before jwd says it is ready.
 * Without --foreground the process that was started waits for that word
 * from the background process and exits 0 only then, or 1 with the
 * reason on stderr. Under systemd (Type=notify) readiness, status and
 * watchdog pings go through sd_notify.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
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
          "  --state DIR          state store (created 0700; refused when group or others can\n"
          "                       access it, or when another jwd or jw-replay --direct uses it)\n"
          "  --profile P          zuid-limburg (default), twente, zhz, cbs or a .profile path\n"
          "  --key-file F         pseudonymisation key (default DIR/pseudonym.key, created 0600)\n"
          "  --ingest EP          ROUTER for senders (default ipc://DIR/ingest.sock)\n"
          "  --events EP          PUB for events (default ipc://DIR/events.sock)\n"
          "  --catchup EP         ROUTER for catch-up and stats (default ipc://DIR/catchup.sock)\n"
          "  --workers N          parse/validate threads (default: number of cores)\n"
          "  --batch N            most messages per commit (default 5000)\n"
          "  --batch-ms MS        longest wait to fill a batch (default 20)\n"
          "  --max-in-flight N    accepted, unacknowledged messages at most (default 10000)\n"
          "  --max-in-flight-bytes N\n"
          "                       their bytes at most (default 100000000); a frame over\n"
          "                       25000000 bytes disconnects its sender\n"
          "  --events-hwm N       events queued per subscriber before PUB drops them for\n"
          "                       that subscriber, who then catches up by seq (default 10000)\n"
          "  --map-budget MIB     resident MiB of the state store's memory map before jwd\n"
          "                       drops its pages (they are read again from the page cache);\n"
          "                       0 = no bound (default 128)\n"
          "  --curve-secret F     CURVE secret key file of the server (jwctl keygen); enables\n"
          "                       CURVE on tcp:// endpoints (default: off)\n"
          "  --curve-allow F      client public keys allowed to connect, one per line\n"
          "                       (required with --curve-secret)\n"
          "  --metrics ADDR:PORT  serve Prometheus metrics on http://ADDR:PORT/metrics\n"
          "                       (IPv4 address, e.g. 127.0.0.1:9464; default: off)\n"
          "  --log F              log file (default: stderr with --foreground, else DIR/jwd.log)\n"
          "  --log-level L        error, warning, notice, info (default) or debug\n"
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

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
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
    zmq_msg_close(&it->body);
    free(it);
}

/* Receive one ingest request and hand it to the workers. The message
 * frame moves into the item (no copy: one buffer per message). */
static void take_request(jwd_t *d, void *router, void *work)
{
    zmq_msg_t p[4];
    int n;
    if (jw_wire_recv(router, p, 4, &n, ZMQ_DONTWAIT)) return;
    jwd_item_t *it = NULL;
    if (n != 3 || zmq_msg_size(&p[0]) > sizeof it->identity || zmq_msg_size(&p[1]) != 8) {
        jwd_log(LOG_WARNING, "ingest: malformed request (%d frames) ignored", n);
        goto out;
    }
    if (!(it = calloc(1, sizeof *it))) goto out; /* no ack: the sender resends */
    zmq_msg_init(&it->body);
    zmq_msg_move(&it->body, &p[2]);
    it->buf = zmq_msg_data(&it->body);
    it->len = zmq_msg_size(&it->body);
    it->identity_len = zmq_msg_size(&p[0]);
    memcpy(it->identity, zmq_msg_data(&p[0]), it->identity_len);
    memcpy(it->corr, zmq_msg_data(&p[1]), 8);
    jw_ijw_msg_init(&it->msg);
    atomic_fetch_add(&d->stats.received, 1);
    atomic_fetch_add(&d->stats.received_bytes, it->len);
    atomic_fetch_add(&d->stats.in_flight, 1);
    atomic_fetch_add(&d->stats.in_flight_bytes, it->len);
    it->arrival = ++d->arrivals; /* the writer applies in this order */
    while (zmq_send(work, &it, sizeof it, 0) != (int)sizeof it && errno == EINTR) {}
out:
    jw_wire_close(p, n);
}

/* Handshake failures (a client with the wrong server key, a key not on
 * the allow list, a plain client on a CURVE endpoint) from a socket
 * monitor, logged at most once per 10 s per socket with a count. */
typedef struct {
    void *mon;
    const char *what;
    const char *endpoint;
    uint64_t last_ms, suppressed;
} monitor_t;

static int monitor_start(jwd_t *d, monitor_t *m, void *sock, const char *what, const char *endpoint, int idx)
{
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://jwd-monitor-%d", idx);
    m->what = what;
    m->endpoint = endpoint;
    if (zmq_socket_monitor(sock, ep,
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0)
        return -1;
    if (!(m->mon = zmq_socket(d->zctx, ZMQ_PAIR))) return -1;
    int linger = 0;
    zmq_setsockopt(m->mon, ZMQ_LINGER, &linger, sizeof linger);
    return zmq_connect(m->mon, ep);
}

static void monitor_read(jwd_t *d, monitor_t *m)
{
    zmq_msg_t p[2];
    int n;
    while (jw_wire_recv(m->mon, p, 2, &n, ZMQ_DONTWAIT) == 0) {
        uint16_t ev = 0;
        if (n >= 1 && zmq_msg_size(&p[0]) >= 2) memcpy(&ev, zmq_msg_data(&p[0]), 2);
        jw_wire_close(p, n);
        atomic_fetch_add(&d->stats.handshake_failures, 1);
        uint64_t t = now_ms();
        if (m->last_ms && t - m->last_ms < 10000) {
            m->suppressed++;
            continue;
        }
        const char *why = ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                              ? "its CURVE key is not on the allow list"
                              : ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                                    ? "protocol error (wrong server key, or no CURVE where CURVE is required)"
                                    : "no detail";
        jwd_log(LOG_WARNING, "%s %s: refused a client: handshake failed: %s%s", m->what, m->endpoint, why,
                m->suppressed ? " (and earlier refusals not logged)" : "");
        m->last_ms = t;
        m->suppressed = 0;
    }
}

/* The first process waits here for the background one: one byte, 0 when
 * ready; anything else (or the pipe closing) is a failed start, whose
 * reason the background process already wrote to stderr. */
static int wait_for_child(int fd)
{
    unsigned char c = 1;
    ssize_t r;
    do r = read(fd, &c, 1);
    while (r < 0 && errno == EINTR);
    return r == 1 && c == 0 ? 0 : 1;
}

static void tell_parent(int *fd, unsigned char c)
{
    if (*fd < 0) return;
    ssize_t r;
    do r = write(*fd, &c, 1);
    while (r < 0 && errno == EINTR);
    close(*fd);
    *fd = -1;
}

static int parse_size(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1) return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    jwd_opts_t o = {0};
    jwd_t d;
    pthread_t *workers = NULL, writer, catchup, zap, publisher;
    int started = 0, writer_started = 0, catchup_started = 0, zap_started = 0, publisher_started = 0,
        status = 1;
    void *router = NULL, *work = NULL, *acks = NULL;
    char perr[256], keypath[4096], deflog[4096];
    char *ep_ingest = NULL, *ep_events = NULL, *ep_catchup = NULL;
    int ready_fd = -1, log_level = LOG_INFO;
    monitor_t mons[3];
    int nmons = 0;
    jwd_metrics_t *metrics = NULL;

    memset(&d, 0, sizeof d);
    pthread_mutex_init(&d.pub_mu, NULL);
    pthread_cond_init(&d.pub_cv, NULL);
    memset(mons, 0, sizeof mons);
    o.profile = "zuid-limburg";
    o.workers = (int)sysconf(_SC_NPROCESSORS_ONLN);
    /* Durable commits of thousands: the fsync and the pages shared by
     * many messages are paid once per commit (README, Performance). */
    o.batch = 5000;
    o.batch_ms = 20;
    o.max_in_flight = 10000; /* two batches: the workers fill one while the writer commits */
    o.max_in_flight_bytes = 100000000;
    o.events_hwm = 10000;
    /* The map's pages count in RSS and grow with the store; 128 MiB keeps
     * jwd under 300 MiB at 1.2 million messages for about 8 % more time
     * (README, Performance). */
    o.map_budget = 128LL << 20;
    static const struct option lo[] = {
        {"state", 1, 0, 's'}, {"profile", 1, 0, 'p'}, {"key-file", 1, 0, 'k'}, {"ingest", 1, 0, 'i'},
        {"events", 1, 0, 'e'}, {"catchup", 1, 0, 'c'}, {"workers", 1, 0, 'w'}, {"batch", 1, 0, 'b'},
        {"batch-ms", 1, 0, 'm'}, {"max-in-flight", 1, 0, 'f'}, {"curve-secret", 1, 0, 'S'},
        {"curve-allow", 1, 0, 'A'}, {"log", 1, 0, 'l'}, {"foreground", 0, 0, 'F'}, {"help", 0, 0, 'h'}, {"events-hwm", 1, 0, 'H'},
        {"max-in-flight-bytes", 1, 0, 'B'}, {"log-level", 1, 0, 'L'}, {"metrics", 1, 0, 'M'},
        {"map-budget", 1, 0, 'U'}, {0, 0, 0, 0}};
    if (jw_version_requested(argc, argv)) return jw_version_print("jwd");
    int c, bad = 0;
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
        case 'B': bad |= parse_size(optarg, &o.max_in_flight_bytes); break;
        case 'S': o.curve_secret = optarg; break;
        case 'A': o.curve_allow = optarg; break;
        case 'l': o.log_file = optarg; break;
        case 'L': bad |= (log_level = jwd_log_level_parse(optarg)) < 0; break;
        case 'M': o.metrics = optarg; break;
        case 'F': o.foreground = 1; break;
        case 'H': o.events_hwm = atoi(optarg); break;
        case 'U': {
            char *end = NULL;
            long long mib = strtoll(optarg, &end, 10);
            if (!end || *end || end == optarg || mib < 0 || mib > (1LL << 20)) bad = 1;
            else o.map_budget = mib << 20;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (bad || !o.state || o.workers < 1 || o.workers > 64 || o.batch < 1 || o.batch_ms < 1 ||
        o.max_in_flight < 1 || o.events_hwm < 1 || (o.curve_secret && !o.curve_allow) || optind != argc) {
        usage(stderr);
        return 2;
    }
    jwd_log_set_level(log_level);
    jwd_log_open(NULL); /* stderr until the log file is open */
    if (!o.foreground) {
        /* Detach before any library state exists (LMDB and ZeroMQ must not
         * cross a fork), but let the first process exit only when the
         * background one has checked everything and is ready. */
        int pfd[2];
        if (!o.log_file) {
            snprintf(deflog, sizeof deflog, "%s/jwd.log", o.state);
            o.log_file = deflog;
        }
        if (pipe(pfd) != 0) {
            perror("jwd: pipe");
            return 1;
        }
        pid_t pid = fork();
        if (pid < 0) {
            perror("jwd: fork");
            return 1;
        }
        if (pid > 0) {
            close(pfd[1]);
            return wait_for_child(pfd[0]);
        }
        close(pfd[0]);
        ready_fd = pfd[1];
        setsid();
        jwd_log_echo(1); /* startup problems also on the terminal */
    }
    d.o = &o;
    sd_notify(0, "STATUS=starting");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: zmq_poll returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Large buffers (message frames, parse trees) always come from mmap
     * and go back to the system when freed: a fixed threshold also stops
     * glibc from raising it after the first big free. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);

    /* The log file may live in the state directory, which the store
     * creates: try before (so store errors reach it), else after. */
    int log_open = !o.log_file || jwd_log_open(o.log_file) == 0;

    jw_store_options_t so = {0};
    int rc = jw_store_open(o.state, &so, &d.store);
    if (rc) {
        jwd_log(LOG_ERR, "%s: %s", o.state, jw_store_strerror(rc));
        goto out;
    }
    if (!log_open && jwd_log_open(o.log_file) != 0) {
        jwd_log(LOG_ERR, "cannot open log %s: %s", o.log_file, strerror(errno));
        goto out;
    }
    if ((rc = jw_profile_load(o.profile, &d.profile, perr, sizeof perr))) {
        jwd_log(LOG_ERR, "profile: %s", perr);
        goto out;
    }
    if (o.key_file) snprintf(keypath, sizeof keypath, "%s", o.key_file);
    else snprintf(keypath, sizeof keypath, "%s/pseudonym.key", o.state);
    if ((rc = jw_pseudo_open(keypath, &d.pseudo))) {
        jwd_log(LOG_ERR, "%s: %s", keypath, jw_pseudo_strerror(rc));
        goto out;
    }
    if ((rc = jw_ijw_schema_new(&d.schema))) {
        jwd_log(LOG_ERR, "schemas: %s", jw_ijw_strerror(rc));
        goto out;
    }
    if (o.curve_secret) {
        if (jw_wire_read_key(o.curve_secret, 1, d.curve_secret) != 0) {
            jwd_log(LOG_ERR, "%s: not a readable CURVE secret key file of mode 0600 (%s)", o.curve_secret,
                    strerror(errno));
            goto out;
        }
        d.curve = 1;
    }

    if (!(d.zctx = zmq_ctx_new())) {
        jwd_log(LOG_ERR, "zeromq: %s", zmq_strerror(errno));
        goto out;
    }
    if (d.curve) {
        if (jwd_zap_start(&d, o.curve_allow, &zap) != 0) {
            jwd_log(LOG_ERR, "%s: cannot start the CURVE allow-list handler", o.curve_allow);
            goto out;
        }
        zap_started = 1;
    }
    ep_ingest = o.ingest ? strdup(o.ingest) : endpoint_default(o.state, "ingest.sock");
    ep_events = o.events ? strdup(o.events) : endpoint_default(o.state, "events.sock");
    ep_catchup = o.catchup ? strdup(o.catchup) : endpoint_default(o.state, "catchup.sock");

    int zero = 0, linger = 0, one = 1;
    router = zmq_socket(d.zctx, ZMQ_ROUTER);
    work = zmq_socket(d.zctx, ZMQ_PUSH);
    acks = zmq_socket(d.zctx, ZMQ_PULL);
    d.results = zmq_socket(d.zctx, ZMQ_PULL);
    d.pub = zmq_socket(d.zctx, ZMQ_PUB);
    d.catchup = zmq_socket(d.zctx, ZMQ_ROUTER);
    if (!router || !work || !acks || !d.results || !d.pub || !d.catchup || !ep_ingest || !ep_events ||
        !ep_catchup) {
        jwd_log(LOG_ERR, "zeromq sockets: %s", zmq_strerror(errno));
        goto out;
    }
    /* inproc queues between the threads: bounded by the in-flight caps. */
    zmq_setsockopt(work, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(acks, ZMQ_RCVHWM, &zero, sizeof zero);
    zmq_setsockopt(d.results, ZMQ_RCVHWM, &zero, sizeof zero);
    /* Ingest: no frame over the message cap is ever buffered; per sender
     * at most a few messages wait in jwd while it does not read (past the
     * in-flight caps), the rest waits in the sender and its kernel
     * buffers. Replies that a sender does not read are dropped past the
     * queue (the sender resends; a duplicate is answered "D"). */
    int64_t maxmsg = JW_IJW_MAX_BYTES;
    int ingest_rcvhwm = 4, reply_hwm = 100000;
    zmq_setsockopt(router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    zmq_setsockopt(router, ZMQ_RCVHWM, &ingest_rcvhwm, sizeof ingest_rcvhwm);
    zmq_setsockopt(router, ZMQ_SNDHWM, &reply_hwm, sizeof reply_hwm);
    /* Catch-up: requests are tiny; per client a few requests and one reply
     * burst are queued; a reply that does not fit is cut (the client asks
     * again), so an unread client cannot grow jwd (catchup.c). */
    int64_t cu_maxmsg = 1024;
    int cu_rcvhwm = 16, cu_sndhwm = JWD_CATCHUP_MAX + 16;
    zmq_setsockopt(d.catchup, ZMQ_MAXMSGSIZE, &cu_maxmsg, sizeof cu_maxmsg);
    zmq_setsockopt(d.catchup, ZMQ_RCVHWM, &cu_rcvhwm, sizeof cu_rcvhwm);
    zmq_setsockopt(d.catchup, ZMQ_SNDHWM, &cu_sndhwm, sizeof cu_sndhwm);
    zmq_setsockopt(d.catchup, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(d.pub, ZMQ_SNDHWM, &o.events_hwm, sizeof o.events_hwm);
    zmq_setsockopt(d.pub, ZMQ_MAXMSGSIZE, &cu_maxmsg, sizeof cu_maxmsg); /* subscriptions only */
    for (void **s = (void *[]){router, work, acks, d.results, d.pub, d.catchup, NULL}; *s; s++)
        zmq_setsockopt(*s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(work, JWD_WORK) || zmq_bind(acks, JWD_ACKS) || zmq_bind(d.results, JWD_RESULTS)) {
        jwd_log(LOG_ERR, "inproc: %s", zmq_strerror(errno));
        goto out;
    }
    if (monitor_start(&d, &mons[0], router, "ingest", ep_ingest, 0) ||
        monitor_start(&d, &mons[1], d.catchup, "catch-up", ep_catchup, 1) ||
        monitor_start(&d, &mons[2], d.pub, "events", ep_events, 2)) {
        jwd_log(LOG_ERR, "socket monitor: %s", zmq_strerror(errno));
        goto out;
    }
    nmons = 3;
    if (jwd_secure_socket(&d, router, ep_ingest) || jwd_secure_socket(&d, d.pub, ep_events) ||
        jwd_secure_socket(&d, d.catchup, ep_catchup)) {
        jwd_log(LOG_ERR, "cannot bind endpoints (%s, %s, %s): %s", ep_ingest, ep_events, ep_catchup,
                zmq_strerror(errno));
        goto out;
    }
    if (o.metrics && jwd_metrics_start(&d, o.metrics, &metrics) != 0) {
        jwd_log(LOG_ERR, "metrics: cannot serve on %s (want IPv4-ADDRESS:PORT, free)", o.metrics);
        goto out;
    }

    atomic_store(&d.poisons_expected, 1 << 30); /* until main knows how many */
    workers = calloc((size_t)o.workers, sizeof *workers);
    for (started = 0; workers && started < o.workers; started++)
        if (pthread_create(&workers[started], NULL, jwd_worker_main, &d)) break;
    if (started == o.workers) writer_started = pthread_create(&writer, NULL, jwd_writer_main, &d) == 0;
    if (writer_started) publisher_started = pthread_create(&publisher, NULL, jwd_publisher_main, &d) == 0;
    if (publisher_started) catchup_started = pthread_create(&catchup, NULL, jwd_catchup_main, &d) == 0;
    /* Wait (10 s at most) for every started worker and the writer to say
     * whether it could set itself up. */
    int expect = started + writer_started;
    for (int i = 0; i < 1000 && atomic_load(&d.threads_ok) + atomic_load(&d.threads_failed) < expect; i++)
        usleep(10000);
    if (started < o.workers || !writer_started || !publisher_started || !catchup_started ||
        atomic_load(&d.threads_failed) ||
        atomic_load(&d.threads_ok) != expect) {
        jwd_log(LOG_ERR, "cannot start threads (%d of %d workers, writer %s, catch-up %s): %s", started,
                o.workers, writer_started ? "started" : "not started",
                catchup_started ? "started" : "not started", strerror(errno ? errno : EAGAIN));
        goto out;
    }
    jwd_log(LOG_INFO, "started: pid %ld, profile %s, %d workers, ingest %s, events %s, catch-up %s%s%s%s",
            (long)getpid(), o.profile, o.workers, ep_ingest, ep_events, ep_catchup,
            d.curve ? ", CURVE on tcp" : "", o.metrics ? ", metrics http://" : "", o.metrics ? o.metrics : "");
    if (ready_fd >= 0) {
        /* Background: the terminal is no longer ours. */
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(nul, 2);
            if (nul > 2) close(nul);
        }
        jwd_log_echo(0);
        tell_parent(&ready_fd, 0);
    }
    sd_notifyf(0, "READY=1\nSTATUS=ready: %d workers, ingest %s\nMAINPID=%ld", o.workers, ep_ingest,
               (long)getpid());
    uint64_t wd_usec = 0, wd_last = 0, status_last = 0, trim_last = 0, peak_bytes = 0;
    if (sd_watchdog_enabled(0, &wd_usec) <= 0) wd_usec = 0;

    int stopping = 0;
    for (;;) {
        uint64_t t = now_ms();
        /* Ping while the main loop runs and the writer's heartbeat is
         * younger than the watchdog interval (both clocks: monotonic). */
        uint64_t beat = atomic_load(&d.writer_beat_ms);
        if (wd_usec && (t - wd_last) * 1000u >= wd_usec / 2 && (t <= beat || (t - beat) * 1000u < wd_usec)) {
            sd_notify(0, "WATCHDOG=1");
            wd_last = t;
        }
        if (t - status_last >= 5000) {
            sd_notifyf(0, "STATUS=%s: %llu applied, %llu dead letters, %llu in flight",
                       stopping ? "stopping" : "running", (unsigned long long)atomic_load(&d.stats.applied),
                       (unsigned long long)atomic_load(&d.stats.deadletters),
                       (unsigned long long)atomic_load(&d.stats.in_flight));
            status_last = t;
        }
        uint64_t in_bytes = atomic_load(&d.stats.in_flight_bytes);
        if (in_bytes > peak_bytes) peak_bytes = in_bytes;
        if (peak_bytes >= (1u << 24) && in_bytes == 0 && t - trim_last >= 1000) {
            /* After big messages: hand the freed heap back. */
            malloc_trim(0);
            peak_bytes = 0;
            trim_last = t;
        }
        if (got_hup) {
            got_hup = 0;
            if (o.log_file) {
                if (jwd_log_open(o.log_file) == 0) jwd_log(LOG_INFO, "log reopened");
                else jwd_log(LOG_ERR, "cannot reopen log %s: %s", o.log_file, strerror(errno));
            }
        }
        if (got_stop && !stopping) {
            stopping = 1;
            sd_notify(0, "STOPPING=1");
            jwd_log(LOG_INFO, "stopping: draining %llu messages in flight",
                    (unsigned long long)atomic_load(&d.stats.in_flight));
        }
        if (stopping && atomic_load(&d.stats.in_flight) == 0) break;
        int accept = !stopping && atomic_load(&d.stats.in_flight) < (uint64_t)o.max_in_flight &&
                     atomic_load(&d.stats.in_flight_bytes) < (uint64_t)o.max_in_flight_bytes;
        zmq_pollitem_t items[5] = {{acks, 0, ZMQ_POLLIN, 0},         {mons[0].mon, 0, ZMQ_POLLIN, 0},
                                   {mons[1].mon, 0, ZMQ_POLLIN, 0}, {mons[2].mon, 0, ZMQ_POLLIN, 0},
                                   {router, 0, ZMQ_POLLIN, 0}};
        /* Wake at least twice per watchdog interval half, so pings are
         * never late even when nothing arrives. */
        long wait_ms = 500;
        if (wd_usec && (long)(wd_usec / 4000u) < wait_ms) wait_ms = wd_usec / 4000u > 0 ? (long)(wd_usec / 4000u) : 1;
        if (zmq_poll(items, accept ? 5 : 4, wait_ms) < 0) continue; /* EINTR: look at the flags */
        for (int i = 0; i < 3; i++)
            if (items[1 + i].revents & ZMQ_POLLIN) monitor_read(&d, &mons[i]);
        if (items[0].revents & ZMQ_POLLIN) {
            jwd_item_t *it;
            while (zmq_recv(acks, &it, sizeof it, ZMQ_DONTWAIT) == (int)sizeof it) {
                if (it->status[0]) {
                    send_reply(router, it);
                    atomic_fetch_add(&d.stats.acked, 1);
                } else {
                    atomic_fetch_add(&d.stats.not_processed, 1);
                }
                atomic_fetch_sub(&d.stats.in_flight_bytes, it->len);
                atomic_fetch_sub(&d.stats.in_flight, 1);
                item_free(it);
            }
        }
        if (accept && (items[4].revents & ZMQ_POLLIN)) {
            for (int k = 0; k < 256 && atomic_load(&d.stats.in_flight) < (uint64_t)o.max_in_flight &&
                            atomic_load(&d.stats.in_flight_bytes) < (uint64_t)o.max_in_flight_bytes;
                 k++) {
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
    if (status) sd_notifyf(0, "STATUS=failed to start or stopped with an error\nERRNO=%d", errno ? errno : 5);
    /* Poison pills: each worker that runs forwards one to the writer,
     * which stops after the last; nothing is in flight any more. Workers
     * that failed to set up have already returned; a pill sent their way
     * goes to a running one, and pills left over die with the socket. */
    atomic_store(&d.poisons_expected, atomic_load(&d.workers_ok));
    for (int i = 0; i < started; i++) {
        jwd_item_t *p = calloc(1, sizeof *p);
        if (p) {
            p->poison = 1;
            if (zmq_send(work, &p, sizeof p, ZMQ_DONTWAIT) != (int)sizeof p) free(p);
        }
    }
    for (int i = 0; i < started; i++) pthread_join(workers[i], NULL);
    if (writer_started) pthread_join(writer, NULL);
    if (publisher_started) {
        /* after the writer: it publishes the last commits, then stops */
        jwd_publisher_stop(&d);
        pthread_join(publisher, NULL);
    }
    jwd_metrics_stop(metrics);
    if (d.zctx) zmq_ctx_shutdown(d.zctx); /* catch-up and ZAP threads see ETERM */
    if (catchup_started) pthread_join(catchup, NULL);
    if (zap_started) pthread_join(zap, NULL);
    for (int i = 0; i < nmons; i++) zmq_close(mons[i].mon);
    for (void **s = (void *[]){router, work, acks, d.results, d.pub, d.catchup, NULL}; *s; s++)
        if (*s) zmq_close(*s);
    if (d.zctx) zmq_ctx_term(d.zctx);
    free(workers);
    free(ep_ingest);
    free(ep_events);
    free(ep_catchup);
    jw_ijw_schema_free(d.schema);
    jw_pseudo_free(d.pseudo);
    jw_profile_free(d.profile);
    if (jw_store_close(d.store)) status = 1;
    jwd_log(status ? LOG_ERR : LOG_INFO, "stopped (%s)", status ? "error" : "clean");
    tell_parent(&ready_fd, 1);
    jwd_log_close();
    pthread_cond_destroy(&d.pub_cv);
    pthread_mutex_destroy(&d.pub_mu);
    return status;
}
