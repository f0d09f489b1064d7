/* test_jwd_limits.c - jwd's memory stays bounded by bytes under hostile
 * senders and clients, and it still stops cleanly on SIGTERM afterwards.
 *
 * Each test starts the plain build of jwd (build/bin/jwd, so that its
 * resident size is not the sanitizer's) on a private state directory,
 * attacks it over its ipc endpoints, and reads its peak resident size
 * (VmHWM in /proc/PID/status). The bounds are generous (a few times what
 * jwd needs) but far below what the attacks cost before the limits: a
 * 300 MB frame was buffered whole (and copied), 100 frames of 24 MB
 * reached 2.9 GB, 300 unread catch-up requests 0.9 GB.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "wire/wire.h"

#define MB (1000u * 1000u)

typedef struct {
    char dir[64];
    char state[128];
    pid_t pid;
} jwd_run_t;

static void sh(const char *cmd)
{
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void start_jwd(jwd_run_t *r, const char *extra_state_setup)
{
    char key[160], logf[160], ing[200];
    snprintf(r->dir, sizeof r->dir, "/tmp/jw-limits-XXXXXX");
    cr_assert_not_null(mkdtemp(r->dir));
    snprintf(r->state, sizeof r->state, "%s/state", r->dir);
    snprintf(key, sizeof key, "%s/key", r->dir);
    snprintf(logf, sizeof logf, "%s/jwd.log", r->dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "head -c 32 /dev/urandom > %s && chmod 600 %s", key, key);
    sh(cmd);
    if (extra_state_setup) {
        snprintf(cmd, sizeof cmd, extra_state_setup, r->dir, r->state, key);
        sh(cmd);
    }
    r->pid = fork();
    cr_assert_geq(r->pid, 0);
    if (r->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a test killed by its timeout */
        execl("build/bin/jwd", "jwd", "--state", r->state, "--key-file", key, "--foreground", "--log", logf,
              "--workers", "2", "--max-in-flight-bytes", "50000000", (char *)NULL);
        _exit(127);
    }
    snprintf(ing, sizeof ing, "%s/catchup.sock", r->state);
    struct stat st;
    for (int i = 0; i < 200 && stat(ing, &st) != 0; i++) usleep(50000);
    cr_assert_eq(stat(ing, &st), 0, "jwd did not start");
}

/* SIGTERM; jwd must exit 0 within 10 s. */
static void stop_jwd(jwd_run_t *r)
{
    int st = 0;
    pid_t got = 0;
    kill(r->pid, SIGTERM);
    for (int i = 0; i < 200 && (got = waitpid(r->pid, &st, WNOHANG)) == 0; i++) usleep(50000);
    if (got == 0) {
        kill(r->pid, SIGKILL);
        waitpid(r->pid, &st, 0);
        cr_assert_fail("jwd did not stop within 10 s of SIGTERM");
    }
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "jwd exit status %d after SIGTERM", st);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", r->dir);
    system(cmd);
}

/* A field of /proc/PID/status in kB. */
static long proc_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    long v = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, strlen(field)) == 0) v = atol(line + strlen(field) + 1);
    fclose(f);
    return v;
}

static void *connect_to(void *ctx, int type, const jwd_run_t *r, const char *sock)
{
    char ep[256];
    int linger = 0;
    void *s = zmq_socket(ctx, type);
    cr_assert_not_null(s);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    snprintf(ep, sizeof ep, "ipc://%s/%s", r->state, sock);
    cr_assert_eq(zmq_connect(s, ep), 0);
    return s;
}

static void no_free(void *data, void *hint)
{
    (void)data;
    (void)hint;
}

static int send_frame(void *s, uint64_t corr, const char *buf, size_t len)
{
    uint8_t c[8];
    zmq_msg_t m;
    jw_wire_put_u64(c, corr);
    if (zmq_send(s, c, 8, ZMQ_SNDMORE) != 8) return -1;
    zmq_msg_init_data(&m, (void *)buf, len, no_free, NULL); /* zero copy */
    if (zmq_msg_send(&m, s, 0) < 0) {
        zmq_msg_close(&m);
        return -1;
    }
    return 0;
}

/* Wait up to ms for one reply on s; 1 when one came. */
static int reply(void *s, int ms)
{
    zmq_pollitem_t pi = {s, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&pi, 1, ms) <= 0) return 0;
    zmq_msg_t p[4];
    int n;
    if (jw_wire_recv(s, p, 4, &n, 0)) return 0;
    jw_wire_close(p, n);
    return 1;
}

/* A frame over the 25 MB cap is refused before jwd buffers it: the sender
 * is disconnected, jwd's peak stays small, it still serves, and SIGTERM
 * stops it. */
Test(jwd_limits, oversized_frame_disconnects_sender, .timeout = 120)
{
    jwd_run_t r;
    start_jwd(&r, NULL);
    void *ctx = zmq_ctx_new();
    void *s = connect_to(ctx, ZMQ_DEALER, &r, "ingest.sock");
    cr_assert_eq(zmq_socket_monitor(s, "inproc://mon", ZMQ_EVENT_DISCONNECTED), 0);
    void *mon = zmq_socket(ctx, ZMQ_PAIR);
    cr_assert_eq(zmq_connect(mon, "inproc://mon"), 0);
    size_t big = 300u * MB;
    char *buf = malloc(big);
    cr_assert_not_null(buf);
    memset(buf, 'x', big);
    cr_assert_eq(send_frame(s, 1, buf, big), 0);
    zmq_pollitem_t pi = {mon, 0, ZMQ_POLLIN, 0};
    cr_assert_gt(zmq_poll(&pi, 1, 30000), 0, "the sender of a 300 MB frame was not disconnected");
    long hwm = proc_kb(r.pid, "VmHWM");
    cr_log_info("jwd VmHWM after a 300 MB frame: %ld kB", hwm);
    cr_assert_lt(hwm, 150 * 1024, "jwd peak %ld kB after a refused 300 MB frame", hwm);
    /* Still serving: a small message gets its reply (a dead letter). */
    void *s2 = connect_to(ctx, ZMQ_DEALER, &r, "ingest.sock");
    cr_assert_eq(send_frame(s2, 2, "not xml", 7), 0);
    cr_assert(reply(s2, 10000), "no reply after the refused frame");
    zmq_close(mon);
    zmq_close(s);
    zmq_close(s2);
    zmq_ctx_term(ctx);
    free(buf);
    stop_jwd(&r);
}

/* 100 frames of 24 MB (each under the cap) from one sender: jwd takes
 * them within its in-flight byte cap (50 MB here) and a few queued per
 * sender; the peak stays a small part of the 2.4 GB sent, the freed
 * memory goes back to the system, and every frame gets its reply. */
Test(jwd_limits, big_frames_bounded_by_bytes, .timeout = 180)
{
    jwd_run_t r;
    start_jwd(&r, NULL);
    void *ctx = zmq_ctx_new();
    void *s = connect_to(ctx, ZMQ_DEALER, &r, "ingest.sock");
    int hwm_out = 0;
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm_out, sizeof hwm_out);
    size_t big = 24u * MB;
    char *buf = malloc(big);
    cr_assert_not_null(buf);
    memset(buf, 'x', big);
    for (int i = 0; i < 100; i++) cr_assert_eq(send_frame(s, (uint64_t)i + 1, buf, big), 0);
    int got = 0;
    for (int i = 0; i < 100 && reply(s, 30000); i++) got++;
    cr_assert_eq(got, 100, "replies: %d of 100", got);
    long hwm = proc_kb(r.pid, "VmHWM");
    cr_log_info("jwd VmHWM after 100 x 24 MB: %ld kB", hwm);
    cr_assert_lt(hwm, 600 * 1024, "jwd peak %ld kB for 100 x 24 MB", hwm);
    long rss = -1;
    for (int i = 0; i < 40; i++) { /* given back within 4 s */
        rss = proc_kb(r.pid, "VmRSS");
        if (rss < 120 * 1024) break;
        usleep(100000);
    }
    cr_log_info("jwd VmRSS after the replies: %ld kB", rss);
    cr_assert_lt(rss, 120 * 1024, "jwd keeps %ld kB after the big frames were answered", rss);
    zmq_close(s);
    zmq_ctx_term(ctx);
    free(buf);
    stop_jwd(&r);
}

/* 300 catch-up requests for the whole log from a client that never reads:
 * jwd queues one reply burst for it and cuts the rest; its peak stays
 * small and another client is still served at once. */
Test(jwd_limits, unread_catchup_requests_bounded, .timeout = 180)
{
    jwd_run_t r;
    /* A store with many events (about 14 000), made before jwd starts. */
    start_jwd(&r, "build/bin/jw-gen --seed 3 --youths 700 --years 3 --out %1$s/archive --quiet && "
                  "build/bin/jw-replay --direct --quiet --state %2$s --key-file %3$s %1$s/archive");
    long base = proc_kb(r.pid, "VmHWM");
    void *ctx = zmq_ctx_new();
    void *s = connect_to(ctx, ZMQ_DEALER, &r, "catchup.sock");
    int rcvhwm = 10; /* the client's own queue stays small: jwd must hold back */
    zmq_setsockopt(s, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
    for (int i = 0; i < 300; i++) {
        const void *f[3] = {"SINCE", "0", "5000"};
        size_t l[3] = {5, 1, 4};
        cr_assert_eq(jw_wire_send(s, f, l, 3, 0), 0);
    }
    sleep(5); /* let jwd work through what it accepted */
    long hwm = proc_kb(r.pid, "VmHWM");
    cr_log_info("jwd VmHWM: %ld kB at start, %ld kB after 300 unread catch-up requests", base, hwm);
    cr_assert_lt(hwm, base + 100 * 1024, "jwd grew from %ld to %ld kB", base, hwm);
    void *s2 = connect_to(ctx, ZMQ_DEALER, &r, "catchup.sock");
    cr_assert_eq(zmq_send(s2, "STATS", 5, 0), 5);
    cr_assert(reply(s2, 5000), "another client was not served");
    zmq_close(s);
    zmq_close(s2);
    zmq_ctx_term(ctx);
    stop_jwd(&r);
}
