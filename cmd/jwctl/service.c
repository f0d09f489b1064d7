/* service.c - jwctl commands that talk to a running jwd:
 *   subscribe   the event stream with catch-up (every seq exactly once)
 *   keygen      a CURVE key pair for jwd or a client
 *   jwd stats   (see jwctl_jwd_stats, used by `stats`)
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "jwctl.h"
#include "wire/wire.h"

/* Set by SIGTERM/SIGINT while subscribing: finish the output, save the
 * seq, print the summary. (A signal flag is the one global it needs.) */
static volatile sig_atomic_t sub_stop;

static void on_stop(int sig)
{
    (void)sig;
    sub_stop = 1;
}

static void default_ep(char *out, size_t cap, const char *state, const char *name)
{
    char *real = state ? realpath(state, NULL) : NULL;
    snprintf(out, cap, "ipc://%s/%s", real ? real : (state ? state : "."), name);
    free(real);
}

static int curve_client(void *sock, const char *server_pub, const char *client_secret)
{
    char srv[41], sec[41], pub[41];
    if (!server_pub) return 0;
    if (jw_wire_read_key(server_pub, 0, srv) || !client_secret ||
        jw_wire_read_key(client_secret, 1, sec) || zmq_curve_public(pub, sec)) {
        fprintf(stderr, "jwctl: CURVE needs --curve-server PUBFILE and --curve-client SECRETFILE (0600)\n");
        return -1;
    }
    zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, srv, 41);
    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, pub, 41);
    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, 41);
    return 0;
}

static uint64_t event_seq(const void *json, size_t len)
{
    const char *p = memmem(json, len, "\"seq\":", 6);
    return p ? strtoull(p + 6, NULL, 10) : 0;
}

typedef struct {
    uint64_t last;
    uint64_t until;
    const char *seq_file;
    const char *filter;
    int slow_us;
    int out_is_file;  /* stdout is a regular file */
    int out_failed;   /* a write to stdout failed: stop */
    uint64_t saved;   /* seq last written to the seq file */
    uint64_t printed;
    uint64_t gaps;
    void *mon;        /* handshake monitor of the catch-up socket, or NULL */
} sub_t;

/* 1 when the monitor reports a failed handshake: jwd refused us (a wrong
 * server key, or our key is not on its allow list). Without this check a
 * refused client would wait forever: libzmq retries in silence. */
static int refused(sub_t *s)
{
    zmq_msg_t p[2];
    int n, bad = 0;
    if (!s->mon) return 0;
    while (jw_wire_recv(s->mon, p, 2, &n, ZMQ_DONTWAIT) == 0) {
        uint16_t ev = 0;
        if (n >= 1 && zmq_msg_size(&p[0]) >= 2) memcpy(&ev, zmq_msg_data(&p[0]), 2);
        if (ev & (ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                  ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))
            bad = 1;
        jw_wire_close(p, n);
    }
    return bad;
}

/* Exactly once across our own SIGKILL (--seq-file):
 *  - every event line goes out in one write(2) (no stdio buffer that a
 *    kill would lose or that would flush behind the seq file's back);
 *  - the seq file is replaced (write to F.tmp, fsync, rename) only after
 *    the lines up to that seq were written, so it never claims more than
 *    the output holds;
 *  - stdout a regular file: at start the last complete line of the file
 *    is read back, and its seq counts when it is past the seq file (the
 *    lines written after the last seq-file update are not repeated); a
 *    torn last line (killed inside a write) is cut off and written again.
 *    Before each seq-file update the output is fdatasync'ed, so this also
 *    holds after a power loss.
 *  - stdout a pipe or terminal: what was written cannot be read back, so
 *    the seq file is updated after every event line: a SIGKILL between the
 *    two repeats that one event (at least once, at most one repeat per
 *    kill; each line carries its seq, so a reader can drop it). Lines are
 *    smaller than PIPE_BUF, so a reader never sees a torn line. */
static void save_seq(sub_t *s)
{
    if (!s->seq_file || s->saved == s->last) return;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", s->seq_file);
    if (s->out_is_file) fdatasync(1);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    int ok = dprintf(fd, "%llu\n", (unsigned long long)s->last) > 0;
    if (s->out_is_file) ok = ok && fsync(fd) == 0;
    if (close(fd) != 0) ok = 0;
    if (ok && rename(tmp, s->seq_file) == 0) s->saved = s->last;
}

static void checkpoint(sub_t *s)
{
    save_seq(s);
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Start from the output file when it is ahead of the seq file (see
 * above); cut a torn last line. */
static void resume_from_output(sub_t *s)
{
    struct stat st;
    char buf[65536];
    if (fstat(1, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return;
    int fd = open("/proc/self/fd/1", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    off_t from = st.st_size > (off_t)sizeof buf - 1 ? st.st_size - (off_t)sizeof buf + 1 : 0;
    ssize_t n = pread(fd, buf, sizeof buf - 1, from);
    close(fd);
    if (n <= 0) return;
    buf[n] = '\0';
    char *nl = memrchr(buf, '\n', (size_t)n);
    if (!nl) return; /* no complete line in reach: leave the file alone */
    if (nl != buf + n - 1) {
        off_t keep = from + (nl - buf) + 1;
        if (ftruncate(1, keep) == 0)
            fprintf(stderr, "jwctl subscribe: cut a torn last line from the output (it is written again)\n");
        *(nl + 1) = '\0';
    }
    *nl = '\0';
    char *line = memrchr(buf, '\n', (size_t)(nl - buf));
    line = line ? line + 1 : buf;
    if (from > 0 && line == buf) return; /* the line began before what we read */
    const char *p = strstr(line, "\"seq\":");
    if (!p) return;
    uint64_t seq = strtoull(p + 6, NULL, 10);
    if (seq > s->last) s->last = seq;
}

static void deliver(sub_t *s, uint64_t seq, const void *json, size_t len)
{
    if (seq != s->last + 1 || s->out_failed) return; /* duplicates and gaps never reach output */
    int show = 1;
    if (s->filter) {
        char pat[64];
        snprintf(pat, sizeof pat, "\"type\":\"%s\"", s->filter);
        show = memmem(json, len, pat, strlen(pat)) != NULL;
    }
    if (show) {
        char small[8192];
        char *line = len + 1 <= sizeof small ? small : malloc(len + 1);
        if (!line || (memcpy(line, json, len), line[len] = '\n', write_all(1, line, len + 1) != 0)) {
            if (line != small) free(line);
            s->out_failed = 1; /* not written: not counted, the seq stays */
            return;
        }
        if (line != small) free(line);
        s->printed++;
    }
    s->last = seq;
    if (s->slow_us) usleep((useconds_t)s->slow_us);
    if (!s->out_is_file || seq % 256 == 0) checkpoint(s);
}

/* Fetch everything after s->last from the catch-up endpoint. Returns the
 * store's last seq, -1 on timeout, -2 when jwd refused the handshake. */
static int64_t catch_up(void *dealer, sub_t *s)
{
    int silent_ms = 0;
    for (;;) {
        char since[24];
        int n = snprintf(since, sizeof since, "%llu", (unsigned long long)s->last);
        const void *f[3] = {"SINCE", since, "5000"};
        size_t l[3] = {5, (size_t)n, 4};
        if (jw_wire_send(dealer, f, l, 3, 0)) return -1;
        for (;;) {
            zmq_pollitem_t pi[2] = {{dealer, 0, ZMQ_POLLIN, 0}, {s->mon, 0, ZMQ_POLLIN, 0}};
            int pr = zmq_poll(pi, s->mon ? 2 : 1, 1000);
            if (s->mon && (pi[1].revents & ZMQ_POLLIN) && refused(s)) return -2;
            if (pr > 0 && !(pi[0].revents & ZMQ_POLLIN)) continue;
            if (pr <= 0) {
                /* jwd may be restarting: ask again (answers to the old
                 * request are harmless, deliver() drops what it has). */
                silent_ms += 1000;
                if (silent_ms >= 60000) return -1;
                break;
            }
            silent_ms = 0;
            zmq_msg_t p[3];
            int k;
            if (jw_wire_recv(dealer, p, 3, &k, 0)) return -1;
            const char *cmd = zmq_msg_data(&p[0]);
            if (k == 3 && zmq_msg_size(&p[0]) == 2 && memcmp(cmd, "EV", 2) == 0) {
                char num[24]; /* frames have no NUL: copy before converting */
                snprintf(num, sizeof num, "%.*s", (int)zmq_msg_size(&p[1]), (char *)zmq_msg_data(&p[1]));
                deliver(s, strtoull(num, NULL, 10), zmq_msg_data(&p[2]), zmq_msg_size(&p[2]));
                jw_wire_close(p, k);
                continue;
            }
            if (k == 3 && zmq_msg_size(&p[0]) == 3 && memcmp(cmd, "END", 3) == 0) {
                char a[24], b[24];
                snprintf(a, sizeof a, "%.*s", (int)zmq_msg_size(&p[1]), (char *)zmq_msg_data(&p[1]));
                snprintf(b, sizeof b, "%.*s", (int)zmq_msg_size(&p[2]), (char *)zmq_msg_data(&p[2]));
                jw_wire_close(p, k);
                uint64_t store_last = strtoull(b, NULL, 10);
                if (s->last >= store_last) return (int64_t)store_last;
                break; /* more to fetch */
            }
            jw_wire_close(p, k);
        }
    }
}

int jwctl_subscribe(const char *state, int argc, char **argv)
{
    char ev_ep[4200] = "", cu_ep[4200] = "";
    const char *server_pub = NULL, *client_secret = NULL;
    sub_t s = {0};
    int status = 2;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        if (strcmp(a, "--events") == 0) snprintf(ev_ep, sizeof ev_ep, "%s", v);
        else if (strcmp(a, "--catchup") == 0) snprintf(cu_ep, sizeof cu_ep, "%s", v);
        else if (strcmp(a, "--from") == 0) s.last = strtoull(v, NULL, 10);
        else if (strcmp(a, "--until") == 0) s.until = strtoull(v, NULL, 10);
        else if (strcmp(a, "--seq-file") == 0) s.seq_file = v;
        else if (strcmp(a, "--type") == 0) s.filter = v;
        else if (strcmp(a, "--slow-us") == 0) s.slow_us = atoi(v);
        else if (strcmp(a, "--curve-server") == 0) server_pub = v;
        else if (strcmp(a, "--curve-client") == 0) client_secret = v;
        else goto usage;
        i++;
    }
    if (!ev_ep[0]) default_ep(ev_ep, sizeof ev_ep, state, "events.sock");
    if (!cu_ep[0]) default_ep(cu_ep, sizeof cu_ep, state, "catchup.sock");
    struct stat ost;
    s.out_is_file = fstat(1, &ost) == 0 && S_ISREG(ost.st_mode);
    if (s.seq_file) {
        FILE *f = fopen(s.seq_file, "r");
        unsigned long long v = 0;
        if (f) {
            if (fscanf(f, "%llu", &v) == 1) s.last = v;
            fclose(f);
        }
        s.saved = s.last;
        resume_from_output(&s);
    }

    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB), *dealer = zmq_socket(ctx, ZMQ_DEALER);
    /* --slow-us (a test hook) also takes a small queue, so that a slow
     * subscriber really overflows: with 100 000 its I/O thread absorbs
     * every burst, and whether PUB dropped anything (the gaps catch-up
     * must fill) depended on scheduling. */
    int linger = 0, hwm = s.slow_us ? 1000 : 100000;
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (curve_client(sub, server_pub, client_secret) || curve_client(dealer, server_pub, client_secret))
        goto out;
    /* Clone pattern: subscribe first, then fetch the history, then drop live
     * events already seen (seq <= last). */
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
    if (server_pub) {
        /* Watch the handshake: a refusal is an error, not a silence. */
        if (zmq_socket_monitor(dealer, "inproc://jwctl-monitor",
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) == 0 &&
            (s.mon = zmq_socket(ctx, ZMQ_PAIR)) != NULL) {
            zmq_setsockopt(s.mon, ZMQ_LINGER, &linger, sizeof linger);
            if (zmq_connect(s.mon, "inproc://jwctl-monitor") != 0) {
                zmq_close(s.mon);
                s.mon = NULL;
            }
        }
    }
    if (zmq_connect(sub, ev_ep) || zmq_connect(dealer, cu_ep)) {
        fprintf(stderr, "jwctl: connect: %s\n", zmq_strerror(errno));
        goto out;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: zmq_poll returns */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    status = 1;
    int64_t cr = catch_up(dealer, &s);
    if (cr == -2) {
        fprintf(stderr, "jwctl: %s refused the connection: CURVE handshake failed (wrong --curve-server key, "
                        "or this client's key is not on jwd's allow list)\n", cu_ep);
        goto out;
    }
    if (cr < 0) {
        fprintf(stderr, "jwctl: no answer from %s\n", cu_ep);
        goto out;
    }
    while ((!s.until || s.last < s.until) && !sub_stop && !s.out_failed) {
        zmq_pollitem_t pi = {sub, 0, ZMQ_POLLIN, 0};
        int r = zmq_poll(&pi, 1, 1000);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (r == 0) { /* quiet: make sure nothing was missed at the tail */
            uint64_t before = s.last;
            checkpoint(&s);
            if (catch_up(dealer, &s) < 0) {
                fprintf(stderr, "jwctl: no answer from %s\n", cu_ep);
                goto out;
            }
            /* PUB dropped the last events of a burst: a gap too, only no
             * later event showed it (counted, or a slow subscriber's
             * gaps depend on whether ingest outlasts its queue) */
            if (s.last > before) s.gaps++;
            continue;
        }
        zmq_msg_t p[2];
        int k;
        if (jw_wire_recv(sub, p, 2, &k, 0)) break;
        if (k == 2) {
            uint64_t seq = event_seq(zmq_msg_data(&p[1]), zmq_msg_size(&p[1]));
            if (seq == s.last + 1) {
                deliver(&s, seq, zmq_msg_data(&p[1]), zmq_msg_size(&p[1]));
            } else if (seq > s.last + 1) { /* a gap: PUB dropped events */
                s.gaps++;
                if (catch_up(dealer, &s) < 0) {
                    jw_wire_close(p, k);
                    fprintf(stderr, "jwctl: no answer from %s\n", cu_ep);
                    goto out;
                }
            }
        }
        jw_wire_close(p, k);
    }
    status = s.out_failed ? 1 : 0;
    if (s.out_failed) fprintf(stderr, "jwctl: writing the output: %s\n", strerror(errno));
out:
    save_seq(&s);
    fprintf(stderr, "jwctl subscribe: %llu events, last seq %llu, %llu gaps filled by catch-up\n",
            (unsigned long long)s.printed, (unsigned long long)s.last, (unsigned long long)s.gaps);
    zmq_close(sub);
    zmq_close(dealer);
    if (s.mon) zmq_close(s.mon);
    zmq_ctx_term(ctx);
    return status;
usage:
    fprintf(stderr, "usage: jwctl [--state DIR] subscribe [--events EP] [--catchup EP] [--from SEQ]\n"
                    "       [--until SEQ] [--seq-file F] [--type TYPE] [--slow-us US]\n"
                    "       [--curve-server PUB --curve-client SECRET]\n");
    return 2;
}

int jwctl_keygen(int argc, char **argv)
{
    char pub[41], sec[41], path[4096];
    if (argc != 1) {
        fprintf(stderr, "usage: jwctl keygen PREFIX   (writes PREFIX.key, mode 0600, and PREFIX.pub)\n");
        return 2;
    }
    if (zmq_curve_keypair(pub, sec) != 0) {
        fprintf(stderr, "jwctl: this libzmq has no CURVE\n");
        return 1;
    }
    snprintf(path, sizeof path, "%s.key", argv[0]);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || dprintf(fd, "%s\n", sec) < 0 || close(fd) != 0) {
        fprintf(stderr, "jwctl: %s: %s\n", path, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s.pub", argv[0]);
    FILE *f = fopen(path, "wx");
    if (!f || fprintf(f, "%s\n", pub) < 0 || fclose(f) != 0) {
        fprintf(stderr, "jwctl: %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("%s.key (secret, 0600) and %s.pub written\n", argv[0], argv[0]);
    return 0;
}

/* Ask jwd for its live stats; 1 when no jwd answers within 2 s. */
int jwctl_jwd_stats(const char *state, const char *endpoint)
{
    char ep[4200];
    int status = 1;
    if (endpoint) snprintf(ep, sizeof ep, "%s", endpoint);
    else default_ep(ep, sizeof ep, state, "catchup.sock");
    void *ctx = zmq_ctx_new(), *d = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(d, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(d, ep) == 0 && zmq_send(d, "STATS", 5, 0) == 5) {
        zmq_pollitem_t pi = {d, 0, ZMQ_POLLIN, 0};
        zmq_msg_t p[2];
        int k;
        if (zmq_poll(&pi, 1, 2000) > 0 && jw_wire_recv(d, p, 2, &k, 0) == 0) {
            if (k == 2) {
                printf("jwd (%s):\n%.*s", ep, (int)zmq_msg_size(&p[1]), (char *)zmq_msg_data(&p[1]));
                status = 0;
            }
            jw_wire_close(p, k);
        }
    }
    zmq_close(d);
    zmq_ctx_term(ctx);
    return status;
}
