/* direct.c - jw-replay --direct: parse on one thread, apply on another.
 *
 * The reader thread fills a batch (read) while two parse threads hash and
 * parse what it has read (validate with a pseudonymiser), and parses with
 * them once it has read the whole batch; the main thread
 * applies the previous batch in one write transaction. Two batches alternate, so
 * parsing and applying overlap on the machine's two cores. Nothing is
 * applied out of file order.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash/hash.h"
#include "ijw/ijw.h"
#include "profile/profile.h"
#include "pseudo/pseudo.h"
#include "replay.h"
#include "source/source.h"
#include "store/store.h"
#include "traject/traject.h"

#define PARSERS 3

typedef struct {
    size_t n, cap;
    jw_ijw_msg_t *msgs;
    int *valid;
    jw_ijw_error_t *errs;
    unsigned char (*hash)[32];
    char **names;
    char **bufs;       /* message bytes, copied from the source */
    size_t *lens;      /* real length (may exceed what was read: OP179) */
    size_t *caps;
    int last;          /* no batch follows */
    int failed;        /* the reader hit an operational error */
} batch_t;

typedef struct {
    /* shared, under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch_t batches[2];
    int full[2];       /* 1: filled, waiting for the writer */
    int stop;          /* writer gave up */

    /* reader only */
    const replay_opts_t *o;
    /* one per parser of a batch: the two parse threads and the reader,
     * which parses too once it has read the batch */
    jw_ijw_parser_t *parsers[PARSERS];
    jw_source_t *src;
    char error[512];

    /* writer only */
    jw_traject_t *traject;
    batch_t *current;
    jw_traject_counts_t batch_counts;
} pipeline_t;


static int batch_init(batch_t *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->cap = cap;
    b->msgs = calloc(cap, sizeof *b->msgs);
    b->valid = calloc(cap, sizeof *b->valid);
    b->errs = calloc(cap, sizeof *b->errs);
    b->hash = calloc(cap, sizeof *b->hash);
    b->names = calloc(cap, sizeof *b->names);
    b->bufs = calloc(cap, sizeof *b->bufs);
    b->lens = calloc(cap, sizeof *b->lens);
    b->caps = calloc(cap, sizeof *b->caps);
    return (b->msgs && b->valid && b->errs && b->hash && b->names && b->bufs && b->lens && b->caps) ? 0 : -1;
}

static void batch_free(batch_t *b)
{
    for (size_t i = 0; i < b->cap; i++) {
        if (b->msgs) jw_ijw_msg_clear(&b->msgs[i]);
        if (b->names) free(b->names[i]);
        if (b->bufs) free(b->bufs[i]);
    }
    free(b->bufs);
    free(b->lens);
    free(b->caps);
    free(b->msgs);
    free(b->valid);
    free(b->errs);
    free(b->hash);
    free(b->names);
}

/* A slot keeps its buffers for the next message only up to this many
 * bytes (the message, and the parsed record's arrays): without the bound
 * every slot of both batches kept the largest message it ever held
 * (hundreds of MiB on a large archive), with it the slots hold at most
 * 2 x batch x 2 x SLOT_KEEP bytes between batches. Typical messages are a
 * few KiB, so nearly every slot is still reused without an allocation. */
#define SLOT_KEEP 16384

static size_t msg_cap_bytes(const jw_ijw_msg_t *m)
{
    return m->cap_clients * sizeof *m->clients + m->cap_toewijzingen * sizeof *m->toewijzingen +
           m->cap_verzoeken * sizeof *m->verzoeken + m->cap_leveringen * sizeof *m->leveringen +
           m->cap_prestaties * sizeof *m->prestaties + m->cap_wijzigingen * sizeof *m->wijzigingen;
}

/* After b is applied: give back what its large messages took. */
static void batch_trim(batch_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->caps[i] > SLOT_KEEP) {
            free(b->bufs[i]);
            b->bufs[i] = NULL;
            b->caps[i] = 0;
        }
        if (msg_cap_bytes(&b->msgs[i]) > SLOT_KEEP) jw_ijw_msg_clear(&b->msgs[i]);
    }
}

/* Reading and parsing a batch overlap: the reader thread reads message
 * after message while two parse threads take the next unparsed one (SHA-256,
 * parse) as soon as it is read; when the reader has read the whole batch it
 * parses too (parsing is about 80 % of the work, callgrind). The hand-out
 * is dynamic: with a fixed even/odd split, a parse thread the scheduler
 * held back (four threads on two cores) still had its half to do when the
 * other had finished, and a core stood idle at the end of every batch
 * (about 12 % of the run, `time` on the bench archive). */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t n_read;     /* messages read so far */
    size_t next;       /* the next message to parse */
    int done;          /* the reader has finished this batch */
} progress_t;

typedef struct {
    batch_t *b;
    progress_t *pr;
    jw_ijw_parser_t *parser;
    int failed;
    int hash_failed;
} parse_job_t;

static void *parse_part(void *arg)
{
    parse_job_t *j = arg;
    batch_t *b = j->b;
    for (;;) {
        pthread_mutex_lock(&j->pr->mu);
        while (j->pr->next >= j->pr->n_read && !j->pr->done) pthread_cond_wait(&j->pr->cv, &j->pr->mu);
        int have = j->pr->next < j->pr->n_read;
        size_t i = j->pr->next;
        if (have) j->pr->next++;
        pthread_mutex_unlock(&j->pr->mu);
        if (!have) break;
        /* The hash is of the bytes read (the reader caps what it reads). */
        size_t read = b->lens[i] < JW_SOURCE_MAX_READ ? b->lens[i] : JW_SOURCE_MAX_READ;
        if (jw_hash_sha256(b->bufs[i], read, b->hash[i])) j->hash_failed = 1;
        int rc = jw_ijw_parse(j->parser, b->bufs[i], b->lens[i], b->names[i], &b->msgs[i], &b->errs[i]);
        if (rc != JW_IJW_OK && rc != JW_IJW_EINVALID) j->failed = 1;
        b->valid[i] = rc == JW_IJW_OK;
    }
    return NULL;
}

/* Read the next message into slot i of b; 1 at the end of the input, 0
 * when read, -1 on an error (p->error says which). */
static int read_one(pipeline_t *p, batch_t *b, size_t i)
{
    const char *name, *buf;
    size_t len;
    int rc;
    /* An unreadable input is reported, counted by the source (summary,
     * exit status) and passed over: the rest of the replay goes on. */
    while ((rc = jw_source_next(p->src, &name, &buf, &len)) == JW_SOURCE_EIO)
        fprintf(stderr, "%sjw-replay: %s\n", p->o->progress ? "\n" : "", jw_source_error(p->src));
    if (rc == JW_SOURCE_END) return 1;
    if (rc != JW_SOURCE_OK) {
        snprintf(p->error, sizeof p->error, "%s", jw_source_error(p->src));
        return -1;
    }
    size_t read = len < JW_SOURCE_MAX_READ ? len : JW_SOURCE_MAX_READ;
    if (read + 1 > b->caps[i]) {
        char *nb = realloc(b->bufs[i], read + 1);
        if (!nb) {
            snprintf(p->error, sizeof p->error, "out of memory");
            return -1;
        }
        b->bufs[i] = nb;
        b->caps[i] = read + 1;
    }
    memcpy(b->bufs[i], buf, read);
    b->lens[i] = len; /* hashed by the parse thread that takes it */
    free(b->names[i]);
    b->names[i] = strdup(name);
    if (!b->names[i]) {
        snprintf(p->error, sizeof p->error, "out of memory");
        return -1;
    }
    return 0;
}

/* Fill b: read, hash and parse (see above). Returns 0 or -1. */
static int fill_batch(pipeline_t *p, batch_t *b)
{
    progress_t pr = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};
    parse_job_t jobs[PARSERS];
    pthread_t t[PARSERS - 1];
    int rc = 0, started[PARSERS - 1], hash_failed = 0, failed = 0;

    for (int k = 0; k < PARSERS; k++) jobs[k] = (parse_job_t){b, &pr, p->parsers[k], 0, 0};
    b->n = 0;
    b->last = 0;
    /* the last job is the reader's own */
    for (int k = 0; k < PARSERS - 1; k++) started[k] = pthread_create(&t[k], NULL, parse_part, &jobs[k]) == 0;
    while (b->n < b->cap) {
        rc = read_one(p, b, b->n);
        if (rc) break;
        b->n++;
        if (b->n % 8 == 0 || b->n == b->cap) {
            pthread_mutex_lock(&pr.mu);
            pr.n_read = b->n;
            pthread_cond_broadcast(&pr.cv);
            pthread_mutex_unlock(&pr.mu);
        }
    }
    if (rc == 1) {
        b->last = 1;
        rc = 0;
    }
    pthread_mutex_lock(&pr.mu);
    pr.n_read = b->n;
    pr.done = 1;
    pthread_cond_broadcast(&pr.cv);
    pthread_mutex_unlock(&pr.mu);
    /* Read all: parse what is left alongside the parse threads (and all of
     * it when a thread could not start). */
    if (!rc) parse_part(&jobs[PARSERS - 1]);
    for (int k = 0; k < PARSERS - 1; k++)
        if (started[k]) pthread_join(t[k], NULL);
    pthread_cond_destroy(&pr.cv);
    pthread_mutex_destroy(&pr.mu);
    if (rc) return -1;
    for (int k = 0; k < PARSERS; k++) {
        hash_failed |= jobs[k].hash_failed;
        failed |= jobs[k].failed;
    }
    if (hash_failed) {
        snprintf(p->error, sizeof p->error, "SHA-256 failed");
        return -1;
    }
    if (failed) {
        snprintf(p->error, sizeof p->error, "parser: out of memory");
        return -1;
    }
    return 0;
}

static void *reader_main(void *arg)
{
    pipeline_t *p = arg;
    for (int k = 0;; k ^= 1) {
        pthread_mutex_lock(&p->mu);
        while (p->full[k] && !p->stop) pthread_cond_wait(&p->cv, &p->mu);
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop) return NULL;

        batch_t *b = &p->batches[k];
        int rc = fill_batch(p, b);
        b->failed = rc != 0;

        pthread_mutex_lock(&p->mu);
        p->full[k] = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (b->last || b->failed) return NULL;
    }
}

/* One write transaction for the whole batch; re-run from the start when
 * the store grows the map (so the counters restart too). */
static int apply_batch(jw_txn_t *txn, void *ctx)
{
    pipeline_t *p = ctx;
    batch_t *b = p->current;
    int rc;
    memset(&p->batch_counts, 0, sizeof p->batch_counts);
    if ((rc = jw_traject_check_profile(p->traject, txn))) return rc;
    for (size_t i = 0; i < b->n; i++) {
        jw_outcome_t outcome;
        if (b->valid[i])
            rc = jw_traject_apply_from(p->traject, txn, &b->msgs[i], b->names[i], b->hash[i], &outcome,
                                       &p->batch_counts);
        else
            rc = jw_traject_deadletter(p->traject, txn, b->names[i], b->hash[i], &b->errs[i],
                                       &outcome, &p->batch_counts);
        if (rc) return rc;
    }
    return jw_traject_counts_persist(txn, &p->batch_counts);
}

int replay_direct(const replay_opts_t *o)
{
    pipeline_t p;
    jw_ijw_schema_t *schema = NULL;
    jw_pseudo_t *pseudo = NULL;
    jw_profile_t *profile = NULL;
    jw_store_t *store = NULL;
    jw_traject_counts_t total = {0};
    char keypath[4096], perr[256] = "";
    int status = 1, rc, reader_started = 0;
    pthread_t reader;
    FILE *apply_log = NULL;
    size_t lines = 0; /* declaration lines applied (for --apply-log) */
    size_t applied = 0;

    memset(&p, 0, sizeof p);
    p.o = o;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);

    if ((rc = jw_profile_load(o->profile, &profile, perr, sizeof perr))) {
        fprintf(stderr, "jw-replay: profile: %s\n", perr);
        status = 2;
        goto out;
    }
    jw_store_options_t so = {0};
    so.replay = 1;
    if ((rc = jw_store_open(o->state, &so, &store))) {
        fprintf(stderr, "jw-replay: %s: %s\n", o->state, jw_store_strerror(rc));
        goto out;
    }
    if (o->key_file) snprintf(keypath, sizeof keypath, "%s", o->key_file);
    else snprintf(keypath, sizeof keypath, "%s/pseudonym.key", o->state);
    if ((rc = jw_pseudo_open(keypath, &pseudo))) {
        fprintf(stderr, "jw-replay: %s: %s\n", keypath, jw_pseudo_strerror(rc));
        goto out;
    }
    rc = jw_ijw_schema_new(&schema);
    for (int k = 0; !rc && k < PARSERS; k++) rc = jw_ijw_parser_new(schema, pseudo, &p.parsers[k]);
    if (rc) {
        fprintf(stderr, "jw-replay: %s\n", jw_ijw_strerror(rc));
        goto out;
    }
    if ((rc = jw_traject_new(profile, &p.traject))) {
        fprintf(stderr, "jw-replay: %s\n", jw_traject_strerror(rc));
        goto out;
    }
    if ((rc = jw_source_open(o->paths, o->n_paths, &p.src))) goto out;
    if (batch_init(&p.batches[0], (size_t)o->batch) || batch_init(&p.batches[1], (size_t)o->batch)) {
        fprintf(stderr, "jw-replay: out of memory\n");
        goto out;
    }

    if (o->apply_log && !(apply_log = fopen(o->apply_log, "w"))) {
        fprintf(stderr, "jw-replay: %s: %s\n", o->apply_log, strerror(errno));
        status = 2;
        goto out;
    }
    double t0 = replay_now(), last_progress = 0;
    if (pthread_create(&reader, NULL, reader_main, &p) != 0) goto out;
    reader_started = 1;

    for (int k = 0;; k ^= 1) {
        pthread_mutex_lock(&p.mu);
        while (!p.full[k]) pthread_cond_wait(&p.cv, &p.mu);
        pthread_mutex_unlock(&p.mu);

        batch_t *b = &p.batches[k];
        int last = b->last, failed = b->failed;
        if (b->n) {
            p.current = b;
            rc = jw_store_write(store, apply_batch, &p);
            if (rc) {
                fprintf(stderr, "\njw-replay: apply failed: %s\n", jw_traject_strerror(rc));
                pthread_mutex_lock(&p.mu);
                p.stop = 1;
                pthread_cond_broadcast(&p.cv);
                pthread_mutex_unlock(&p.mu);
                goto out;
            }
            jw_traject_counts_add(&total, &p.batch_counts);
            if (apply_log) {
                /* Thread CPU time, not wall time: the bench compares the
                 * apply cost of the first and last tenth of an archive on a
                 * noisy machine (scripts/bench). */
                struct timespec ts;
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
                applied += b->n;
                /* and the declaration lines among them: a JW323 line is a
                 * `declared` event, so a tenth with bigger declarations
                 * costs more per message without any history behind it */
                for (size_t i = 0; i < b->n; i++)
                    if (b->valid[i]) lines += b->msgs[i].n_prestaties;
                fprintf(apply_log, "%zu %lld %zu\n", applied, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec,
                        lines);
            }
        }
        batch_trim(b);
        pthread_mutex_lock(&p.mu);
        p.full[k] = 0;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);

        if (o->progress && replay_now() - last_progress > 0.5) {
            replay_progress(&total, t0);
            last_progress = replay_now();
        }
        if (failed) {
            fprintf(stderr, "\njw-replay: %s\n", p.error);
            goto out;
        }
        if (last) break;
    }
    if ((rc = jw_store_sync(store))) {
        fprintf(stderr, "jw-replay: sync: %s\n", jw_store_strerror(rc));
        goto out;
    }
    if (o->progress) fputc('\n', stderr);
    if (!o->quiet) replay_summary(&total, replay_now() - t0, p.src);
    status = replay_status(p.src);
out:
    if (reader_started) pthread_join(reader, NULL);
    if (apply_log && fclose(apply_log) != 0 && status == 0) {
        fprintf(stderr, "jw-replay: %s: %s\n", o->apply_log, strerror(errno));
        status = 1;
    }
    batch_free(&p.batches[0]);
    batch_free(&p.batches[1]);
    jw_source_close(p.src);
    jw_traject_free(p.traject);
    for (int k = 0; k < PARSERS; k++) jw_ijw_parser_free(p.parsers[k]);
    jw_ijw_schema_free(schema);
    jw_pseudo_free(pseudo);
    jw_store_close(store);
    jw_profile_free(profile);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    return status;
}
