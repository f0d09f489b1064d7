/* jwd.h - the parts of the jw service (see main.c for the picture). */
#ifndef JWD_H
#define JWD_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <syslog.h> /* LOG_ERR .. LOG_DEBUG for jwd_log */

#include <zmq.h>

#include "ijw/ijw.h"
#include "profile/profile.h"
#include "pseudo/pseudo.h"
#include "store/store.h"
#include "traject/traject.h"

typedef struct {
    const char *state;
    const char *profile;
    const char *key_file;
    const char *ingest;      /* endpoints */
    const char *events;
    const char *catchup;
    const char *curve_secret;   /* server secret key file (enables CURVE on tcp) */
    const char *curve_allow;    /* allowed client public keys, one per line */
    const char *log_file;
    int workers;
    int batch;               /* max messages per commit */
    int batch_ms;            /* max wait to fill a batch */
    int max_in_flight;       /* messages accepted but not yet acknowledged */
    long long max_in_flight_bytes; /* their bytes (one message may overshoot by its size) */
    const char *metrics;     /* ADDR:PORT of the Prometheus endpoint, or NULL */
    int events_hwm;          /* PUB queue per subscriber before it drops */
    long long map_budget;    /* bytes of the store's map kept resident; 0 = no bound */
    int foreground;
} jwd_opts_t;

/* One message on its way through the service. Owned by whoever holds the
 * pointer: main (receive, ack) -> a worker (parse) -> the writer (apply)
 * -> main (reply, free). */
typedef struct {
    uint8_t identity[256];   /* ROUTER identity of the sender */
    size_t identity_len;
    uint8_t corr[8];
    zmq_msg_t body;          /* the received frame, kept (no copy) */
    const char *buf;         /* its bytes */
    size_t len;
    int valid;
    jw_ijw_msg_t msg;
    jw_ijw_error_t err;
    unsigned char hash[32];
    char status[48];         /* the reply, set by the writer */
    int poison;              /* shutdown marker */
    uint64_t arrival;        /* 1, 2, ... in the order main received them */
} jwd_item_t;

/* Upper bounds (seconds) of the commit latency histogram buckets; the
 * last bucket is +Inf. */
#define JWD_LAT_BUCKETS 12
#define JWD_LAT_BOUNDS {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0}

typedef struct {
    _Atomic uint64_t received, received_bytes, acked, in_flight, in_flight_bytes;
    _Atomic uint64_t applied, duplicates, deadletters, events_emitted, events_retracted;
    _Atomic uint64_t deadletters_layer[4]; /* by jw_layer_t (XML, XSD, RULE) */
    _Atomic uint64_t not_processed;        /* commit failed or no memory: no ack */
    _Atomic uint64_t commits, commit_us_last, commit_us_max, commit_us_total;
    _Atomic uint64_t commit_hist[JWD_LAT_BUCKETS + 1]; /* per bucket, not cumulative */
    _Atomic uint64_t published_seq;
    _Atomic uint64_t catchup_requests, catchup_dropped; /* replies cut: client queue full */
    _Atomic uint64_t handshake_failures;
} jwd_stats_t;

typedef struct {
    const jwd_opts_t *o;
    void *zctx;
    jw_store_t *store;
    jw_profile_t *profile;
    jw_pseudo_t *pseudo;
    jw_ijw_schema_t *schema;
    jwd_stats_t stats;
    char curve_secret[41];
    int curve;
    void *results;           /* PULL, bound by main, used by the writer */
    void *pub;               /* PUB, bound by main, used by the publisher */
    void *catchup;           /* ROUTER, bound by main, used by the catch-up thread */
    /* Thread start reports (workers and writer): main waits for them
     * before it says ready, and tells the writer how many poison pills to
     * expect when stopping. */
    _Atomic int threads_ok, threads_failed, workers_ok;
    _Atomic int poisons_expected;
    /* The writer's heartbeat (CLOCK_MONOTONIC ms, at least every 100 ms
     * while it runs): main sends systemd watchdog pings only while it is
     * fresh, so a stuck or dead writer gets the service restarted. */
    _Atomic uint64_t writer_beat_ms;
    /* Writer -> publisher: after each commit the writer bumps
     * pub_commits and signals; the publisher reads the events committed
     * since it last published (its own read transactions), so publishing
     * never delays the next commit. pub_stop (set by main after the writer
     * has stopped) makes it publish what is left and return. */
    uint64_t arrivals;       /* main only: the last arrival number given */
    pthread_mutex_t pub_mu;
    pthread_cond_t pub_cv;
    uint64_t pub_commits;    /* under pub_mu */
    int pub_stop;            /* under pub_mu */
} jwd_t;

/* endpoints between threads */
#define JWD_WORK "inproc://jwd-work"
#define JWD_RESULTS "inproc://jwd-results"
#define JWD_ACKS "inproc://jwd-acks"

#define JWD_CATCHUP_MAX 5000 /* events per catch-up reply burst; the client asks again */

void *jwd_worker_main(void *arg);   /* arg: jwd_t* */
void *jwd_writer_main(void *arg);   /* arg: jwd_t* */
void *jwd_publisher_main(void *arg); /* arg: jwd_t*; owns d->pub while it runs */
void jwd_publisher_stop(jwd_t *d);   /* main, after the writer has been joined */
void *jwd_catchup_main(void *arg);  /* arg: jwd_t* (socket bound inside) */
int jwd_zap_start(jwd_t *d, const char *allow_file, pthread_t *thread);
int jwd_secure_socket(jwd_t *d, void *sock, const char *endpoint);

/* log.c: prio is LOG_ERR .. LOG_DEBUG. jwd_log is safe from any thread;
 * the other calls are for main. */
void jwd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int jwd_log_open(const char *path);  /* NULL = stderr; again = reopen (SIGHUP) */
void jwd_log_close(void);
int jwd_log_level_parse(const char *name); /* -1 when unknown */
void jwd_log_set_level(int max_prio);
void jwd_log_echo(int on);           /* also warnings/errors to stderr (startup) */

/* metrics.c: the Prometheus endpoint (libmicrohttpd, own thread). */
typedef struct jwd_metrics jwd_metrics_t;
int jwd_metrics_start(jwd_t *d, const char *addr_port, jwd_metrics_t **out);
void jwd_metrics_stop(jwd_metrics_t *m);

/* The commit latency histogram (writer). */
void jwd_stats_commit(jwd_stats_t *s, uint64_t us);

#endif
