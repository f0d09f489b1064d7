/* jwd.h - the parts of the jw service (see main.c for the picture). */
#ifndef JWD_H
#define JWD_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

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
    int events_hwm;          /* PUB queue per subscriber before it drops */
    int foreground;
} jwd_opts_t;

/* One message on its way through the service. Owned by whoever holds the
 * pointer: main (receive, ack) -> a worker (parse) -> the writer (apply)
 * -> main (reply, free). */
typedef struct {
    uint8_t identity[256];   /* ROUTER identity of the sender */
    size_t identity_len;
    uint8_t corr[8];
    char *buf;               /* the message bytes */
    size_t len;
    int valid;
    jw_ijw_msg_t msg;
    jw_ijw_error_t err;
    unsigned char hash[32];
    char status[48];         /* the reply, set by the writer */
    int poison;              /* shutdown marker */
} jwd_item_t;

typedef struct {
    _Atomic uint64_t received, acked, in_flight;
    _Atomic uint64_t applied, duplicates, deadletters, events_emitted, events_retracted;
    _Atomic uint64_t commits, commit_us_last, commit_us_max, commit_us_total;
    _Atomic uint64_t published_seq;
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
    void *pub;               /* PUB, bound by main, used by the writer */
    void *catchup;           /* ROUTER, bound by main, used by the catch-up thread */
} jwd_t;

/* endpoints between threads */
#define JWD_WORK "inproc://jwd-work"
#define JWD_RESULTS "inproc://jwd-results"
#define JWD_ACKS "inproc://jwd-acks"

void *jwd_worker_main(void *arg);   /* arg: jwd_t* */
void *jwd_writer_main(void *arg);   /* arg: jwd_t* */
void *jwd_catchup_main(void *arg);  /* arg: jwd_t* (socket bound inside) */
int jwd_zap_start(jwd_t *d, const char *allow_file, pthread_t *thread);
int jwd_secure_socket(jwd_t *d, void *sock, const char *endpoint);

void jwd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int jwd_log_open(const char *path);  /* reopen (SIGHUP) */

#endif
