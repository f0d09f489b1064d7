/* to.c - jw-replay --to ENDPOINT: send archives through jwd.
 *
 * At most --window messages, and at most --window-bytes of them, are
 * unacknowledged at a time; the socket's high-water marks are set above
 * the window, so that neither a send nor a reply is ever dropped for a
 * full queue (a ROUTER/DEALER at its high-water mark drops or blocks
 * silently). jwd commits what it has gathered in
 * one durable transaction, so a window of thousands gives it batches of
 * thousands. When no reply
 * comes for --timeout ms, every unacknowledged message is sent again: jwd
 * may have been restarted, and a duplicate is harmless (it is recognised
 * by identity and content hash and answered "D").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "ijw/ijw.h"
#include "replay.h"
#include "source/source.h"
#include "wire/wire.h"

typedef struct {
    uint64_t corr;  /* 0 = free slot */
    char *buf;
    size_t len;
} pending_t;

static int send_one(void *sock, const pending_t *p)
{
    uint8_t corr[8];
    jw_wire_put_u64(corr, p->corr);
    const void *f[2] = {corr, p->buf};
    size_t l[2] = {8, p->len};
    return jw_wire_send(sock, f, l, 2, ZMQ_DONTWAIT);
}

static int by_corr(const void *a, const void *b)
{
    uint64_t x = (*(pending_t *const *)a)->corr, y = (*(pending_t *const *)b)->corr;
    return x < y ? -1 : x > y;
}

static void tally(jw_traject_counts_t *c, const char *status, size_t len)
{
    char s[64];
    unsigned long long e = 0, r = 0;
    char layer[8] = "";
    snprintf(s, sizeof s, "%.*s", (int)len, status);
    c->messages++;
    if (s[0] == 'A') {
        c->applied++;
        sscanf(s + 1, "%llu %llu", &e, &r);
        c->events_emitted += e;
        c->events_retracted += r;
    } else if (s[0] == 'D') {
        c->duplicates++;
    } else if (s[0] == 'X') {
        c->deadletters++;
        sscanf(s + 1, "%7s", layer);
        if (strcmp(layer, "XML") == 0) c->deadletters_by_layer[JW_LAYER_XML]++;
        else if (strcmp(layer, "XSD") == 0) c->deadletters_by_layer[JW_LAYER_XSD]++;
        else c->deadletters_by_layer[JW_LAYER_RULE]++;
    }
}

int replay_to(const replay_opts_t *o)
{
    void *ctx = zmq_ctx_new(), *sock = NULL;
    jw_source_t *src = NULL;
    pending_t *win = calloc((size_t)o->window, sizeof *win);
    pending_t **order = calloc((size_t)o->window, sizeof *order); /* resend order */
    jw_traject_counts_t total = {0};
    uint64_t next_corr = 1, resends = 0;
    size_t unacked = 0;
    long long unacked_bytes = 0;
    int status = 1, done = 0;
    char key_pub[41], key_sec[41], srv[41];

    sock = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    /* Room for the whole window each way (replies to resends included),
     * so ZeroMQ never drops a reply for a full queue. */
    int sndhwm = o->window + 1000, rcvhwm = 2 * o->window + 1000;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm);
    zmq_setsockopt(sock, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
    if (o->curve_server) {
        if (jw_wire_read_key(o->curve_server, 0, srv) || !o->curve_client ||
            jw_wire_read_key(o->curve_client, 1, key_sec) || zmq_curve_public(key_pub, key_sec)) {
            fprintf(stderr, "jw-replay: CURVE keys: need --curve-server PUBFILE and --curve-client SECRETFILE (0600)\n");
            status = 2;
            goto out;
        }
        zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, srv, 41);
        zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, key_pub, 41);
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, key_sec, 41);
    }
    if (!win || !order || zmq_connect(sock, o->to) != 0) {
        fprintf(stderr, "jw-replay: %s: %s\n", o->to, zmq_strerror(errno));
        goto out;
    }
    if (jw_source_open(o->paths, o->n_paths, &src)) goto out;

    double t0 = replay_now(), last_reply = t0, last_progress = 0;
    pending_t *held = NULL; /* read but not yet sent (the socket was full) */
    pending_t held_slot = {0};
    while (!done || unacked) {
        /* Fill the window. */
        while (!done && unacked < (size_t)o->window && unacked_bytes < o->window_bytes) {
            if (!held) {
                const char *name, *buf;
                size_t len;
                int rc;
                while ((rc = jw_source_next(src, &name, &buf, &len)) == JW_SOURCE_EIO)
                    fprintf(stderr, "%sjw-replay: %s\n", o->progress ? "\n" : "", jw_source_error(src));
                if (rc == JW_SOURCE_END) {
                    done = 1;
                    break;
                }
                if (rc != JW_SOURCE_OK) {
                    fprintf(stderr, "\njw-replay: %s\n", jw_source_error(src));
                    goto out;
                }
                size_t take = len < JW_SOURCE_MAX_READ ? len : JW_SOURCE_MAX_READ;
                held_slot.corr = next_corr++;
                held_slot.buf = malloc(take ? take : 1);
                if (!held_slot.buf) goto out;
                memcpy(held_slot.buf, buf, take);
                held_slot.len = take;
                held = &held_slot;
            }
            if (send_one(sock, held) != 0) break; /* no peer yet or full: try later */
            pending_t *slot = &win[held->corr % (uint64_t)o->window];
            while (slot->corr) slot = &win[(size_t)(slot - win + 1) % (size_t)o->window];
            *slot = *held;
            held = NULL;
            unacked++;
            unacked_bytes += (long long)slot->len;
        }
        /* Replies. */
        zmq_pollitem_t pi = {sock, 0, ZMQ_POLLIN, 0};
        zmq_poll(&pi, 1, 50);
        zmq_msg_t p[3];
        int n;
        while (jw_wire_recv(sock, p, 3, &n, ZMQ_DONTWAIT) == 0) {
            if (n == 2 && zmq_msg_size(&p[0]) == 8) {
                uint64_t corr = jw_wire_get_u64(zmq_msg_data(&p[0]));
                for (size_t k = 0; k < (size_t)o->window; k++) {
                    pending_t *s = &win[(corr + k) % (uint64_t)o->window];
                    if (s->corr != corr) continue;
                    tally(&total, zmq_msg_data(&p[1]), zmq_msg_size(&p[1]));
                    free(s->buf);
                    unacked_bytes -= (long long)s->len;
                    memset(s, 0, sizeof *s);
                    unacked--;
                    break;
                }
                last_reply = replay_now();
            }
            jw_wire_close(p, n);
        }
        /* Silence: send everything unacknowledged again, oldest first:
         * jwd (restarted) then applies them in the order they were first
         * sent, as it would have, and not in the ring's slot order. */
        if (unacked && replay_now() - last_reply > o->timeout_ms / 1000.0) {
            size_t m = 0;
            for (size_t k = 0; k < (size_t)o->window; k++)
                if (win[k].corr) order[m++] = &win[k];
            qsort(order, m, sizeof *order, by_corr);
            for (size_t k = 0; k < m; k++)
                if (send_one(sock, order[k]) == 0) resends++;
            last_reply = replay_now();
        }
        if (o->progress && replay_now() - last_progress > 0.5) {
            replay_progress(&total, t0);
            last_progress = replay_now();
        }
    }
    if (o->progress) fputc('\n', stderr);
    if (!o->quiet) {
        replay_summary(&total, replay_now() - t0, src);
        printf("  resent        %llu (after silences of %d ms)\n", (unsigned long long)resends, o->timeout_ms);
    }
    status = replay_status(src);
out:
    if (win)
        for (size_t k = 0; k < (size_t)o->window; k++) free(win[k].buf);
    free(win);
    free(order);
    jw_source_close(src);
    if (sock) zmq_close(sock);
    zmq_ctx_term(ctx);
    return status;
}
