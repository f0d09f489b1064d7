/* worker.c - parse + validate + hash, N threads in parallel.
 * Items arrive as pointers over inproc and leave the same way; a worker
 * never touches the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "hash/hash.h"
#include "jwd.h"

void *jwd_worker_main(void *arg)
{
    jwd_t *d = arg;
    jw_ijw_parser_t *parser = NULL;
    void *in = zmq_socket(d->zctx, ZMQ_PULL);
    void *out = zmq_socket(d->zctx, ZMQ_PUSH);
    int zero = 0;
    /* Test hook: sleep after handing an item on, so that a read of the
     * item after the send (the writer may already have freed it) shows
     * under ASan every time (scripts/check-jwd-hardening). */
    const char *delay_env = getenv("JWD_TEST_WORKER_DELAY_MS");
    useconds_t delay_us = delay_env ? (useconds_t)atoi(delay_env) * 1000u : 0;
    zmq_setsockopt(out, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(in, ZMQ_RCVHWM, &zero, sizeof zero);
    if (zmq_connect(in, JWD_WORK) || zmq_connect(out, JWD_RESULTS) ||
        jw_ijw_parser_new(d->schema, d->pseudo, &parser) != JW_IJW_OK) {
        jwd_log(LOG_ERR, "worker: cannot start");
        atomic_fetch_add(&d->threads_failed, 1);
        goto out;
    }
    atomic_fetch_add(&d->workers_ok, 1);
    atomic_fetch_add(&d->threads_ok, 1);
    for (;;) {
        jwd_item_t *it;
        if (zmq_recv(in, &it, sizeof it, 0) != (int)sizeof it) continue;
        if (!it->poison) {
            if (jw_hash_sha256(it->buf, it->len, it->hash)) memset(it->hash, 0, sizeof it->hash);
            int rc = jw_ijw_parse(parser, it->buf, it->len, NULL, &it->msg, &it->err);
            it->valid = rc == JW_IJW_OK;
            if (rc != JW_IJW_OK && rc != JW_IJW_EINVALID) {
                /* An operational failure (memory): let the writer treat it
                 * as not processed, so no ack is sent and the client
                 * resends. */
                it->err.layer = JW_LAYER_NONE;
            }
        }
        /* Once sent, the item belongs to the writer (and then to main,
         * which frees it): read nothing of it after the send. */
        int poison = it->poison;
        zmq_send(out, &it, sizeof it, 0);
        if (delay_us) usleep(delay_us);
        if (poison) break;
    }
out:
    jw_ijw_parser_free(parser);
    zmq_close(in);
    zmq_close(out);
    return NULL;
}
