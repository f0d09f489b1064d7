/* A minimal jw event subscriber: prints every event of one type published
 * by jwd. Build: cc subscriber.c -lzmq -o subscriber
 * Run:   ./subscriber ipc:///var/lib/jw/events.sock start.
 * For every event exactly once across restarts, use `jwctl subscribe`,
 * which adds catch-up by seq (clone pattern). */
#include <stdio.h>
#include <string.h>
#include <zmq.h>

int main(int argc, char **argv)
{
    void *ctx = zmq_ctx_new(), *sub = zmq_socket(ctx, ZMQ_SUB);
    char topic[64], json[65536];
    zmq_connect(sub, argc > 1 ? argv[1] : "ipc:///var/lib/jw/events.sock");
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, argc > 2 ? argv[2] : "", argc > 2 ? strlen(argv[2]) : 0);
    for (;;) {
        int t = zmq_recv(sub, topic, sizeof topic - 1, 0);
        int n = zmq_recv(sub, json, sizeof json - 1, 0);
        if (t < 0 || n < 0) break;
        printf("%.*s %.*s\n", t, topic, n < (int)sizeof json ? n : (int)sizeof json - 1, json);
    }
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return 0;
}
