/* zap.c - CURVE client authentication (ZAP, RFC 27).
 * Without a ZAP handler libzmq's CURVE server accepts ANY client key
 * as soon as the handshake succeeds; this handler admits only the public keys listed in
 * the allow file (Z85, one per line; lines starting with '#' are comments). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <zmq.h>

#include "jwd.h"
#include "wire/wire.h"

typedef struct {
    void *sock;
    uint8_t (*keys)[32];
    size_t n;
    unsigned long long refused;
    time_t last_log;
} zap_t;

static void *zap_main(void *arg)
{
    zap_t *z = arg;
    zmq_msg_t p[8];
    int n;
    for (;;) {
        if (jw_wire_recv(z->sock, p, 8, &n, 0)) {
            if (errno == ETERM) break;
            continue;
        }
        int ok = 0;
        if (n >= 7 && zmq_msg_size(&p[5]) == 5 && memcmp(zmq_msg_data(&p[5]), "CURVE", 5) == 0 &&
            zmq_msg_size(&p[6]) == 32)
            for (size_t i = 0; i < z->n; i++)
                if (memcmp(z->keys[i], zmq_msg_data(&p[6]), 32) == 0) ok = 1;
        const void *f[6] = {"1.0", n >= 2 ? zmq_msg_data(&p[1]) : "", ok ? "200" : "400",
                            ok ? "OK" : "client key not allowed", "", ""};
        size_t l[6] = {3, n >= 2 ? zmq_msg_size(&p[1]) : 0, 3, ok ? 2 : 22, 0, 0};
        jw_wire_send(z->sock, f, l, 6, 0);
        if (!ok) {
            /* Say which key, so the operator can tell a missing entry from
             * a stranger; rate-limited against a flood of attempts. */
            char z85[41] = "?";
            if (n >= 7 && zmq_msg_size(&p[6]) == 32) zmq_z85_encode(z85, zmq_msg_data(&p[6]), 32);
            z->refused++;
            time_t now = time(NULL);
            if (now != z->last_log) {
                jwd_log(LOG_WARNING, "curve: refused a client key not on the allow list: %s (%llu refused so far)",
                        z85, (unsigned long long)z->refused);
                z->last_log = now;
            }
        }
        jw_wire_close(p, n);
    }
    zmq_close(z->sock);
    free(z->keys);
    free(z);
    return NULL;
}

int jwd_zap_start(jwd_t *d, const char *allow_file, pthread_t *thread)
{
    FILE *f = fopen(allow_file, "r");
    char line[256];
    zap_t *z = calloc(1, sizeof *z);
    if (!f || !z) {
        if (f) fclose(f);
        free(z);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        /* '#' is a Z85 character: a comment is a line starting with '#'. */
        line[strcspn(line, "\r\n \t")] = '\0';
        if (line[0] == '#' || strlen(line) != 40) continue;
        uint8_t (*nk)[32] = realloc(z->keys, (z->n + 1) * sizeof *z->keys);
        if (!nk) break;
        z->keys = nk;
        if (zmq_z85_decode(z->keys[z->n], line)) z->n++;
    }
    fclose(f);
    z->sock = zmq_socket(d->zctx, ZMQ_REP);
    if (!z->sock || zmq_bind(z->sock, "inproc://zeromq.zap.01") != 0) {
        free(z->keys);
        free(z);
        return -1;
    }
    jwd_log(LOG_INFO, "curve: %zu client keys allowed", z->n);
    return pthread_create(thread, NULL, zap_main, z) ? -1 : 0;
}

/* CURVE on tcp endpoints when configured; ipc socket files get mode 0600. */
int jwd_secure_socket(jwd_t *d, void *sock, const char *endpoint)
{
    if (strncmp(endpoint, "tcp://", 6) == 0) {
        if (!d->curve) {
            jwd_log(LOG_WARNING, "%s without CURVE: anyone who reaches it can connect", endpoint);
        } else {
            int one = 1;
            if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) ||
                zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, d->curve_secret, 41) ||
                zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, "jw", 2))
                return -1;
        }
    }
    if (zmq_bind(sock, endpoint) != 0) return -1;
    if (strncmp(endpoint, "ipc://", 6) == 0 && chmod(endpoint + 6, 0600) != 0) return -1;
    return 0;
}
