/* http.c - the HTTP server: libmicrohttpd driven from our own poll loop.
 *
 * Threads: none of MHD's. The daemon runs with MHD_USE_EPOLL and no
 * internal thread: its epoll descriptor is one more item in the zmq_poll
 * of the main loop (next to jwd's PUB socket in live mode), and MHD_run()
 * calls the access handler on this thread. So the indicator store is
 * still queried from the one thread that also applies events (the
 * contract of pkg/indicators), while MHD multiplexes any number of
 * connections: an idle or slow client costs a descriptor and a small
 * memory pool, never the loop.
 *
 * Limits (all from the command line, defaults in main.c): connections in
 * total and per client address, an inactivity timeout, and a memory pool
 * per connection (MEM_LIMIT) that bounds the request head: a longer head
 * gets 431, a longer request line 414 (both answered by MHD). Only GET
 * and HEAD are served (405); a request body is never read (413). Request
 * targets are parsed by request.c from the raw target (the URI log hook
 * hands it over before MHD splits it), so what the fuzz target checks is
 * what the server runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zmq.h>

#include "jwi.h"

#define POLL_TICK_MS 500
#define MEM_LIMIT ((size_t)12288) /* per connection: request head and response headers */
#define LISTEN_BACKLOG 128

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One request: the raw target, copied by the URI log hook. */
typedef struct {
    char *target;
    size_t len;
    int answered;
} req_t;

/* ---- responses ---- */

/* attachment: a download's file name (ours: [A-Za-z0-9._-]), or NULL */
static enum MHD_Result respond_as(jwi_t *app, struct MHD_Connection *c, unsigned status, const char *ctype,
                                  const char *body, size_t len, const char *attachment)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok;
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (attachment) {
        char disp[200];
        snprintf(disp, sizeof disp, "attachment; filename=\"%.160s\"", attachment);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                            "frame-ancestors 'none'");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (status >= 400) app->http_errors++;
    ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result respond(jwi_t *app, struct MHD_Connection *c, unsigned status, const char *ctype,
                               const char *body, size_t len)
{
    return respond_as(app, c, status, ctype, body, len, NULL);
}

static const char *reason(unsigned status)
{
    const char *s = MHD_get_reason_phrase_for(status);
    return s && *s ? s : "Error";
}

static enum MHD_Result respond_error(jwi_t *app, struct MHD_Connection *c, unsigned status, const char *msg,
                                     int json)
{
    jw_json_t b;
    enum MHD_Result ok = MHD_NO;
    jw_json_init(&b);
    if (json) {
        jw_ind_textf(&b, "{\"error\":");
        jw_json_string_value(&b, msg);
        jw_ind_textf(&b, ",\"status\":%u}\n", status);
    } else {
        jw_ind_textf(&b, "%u %s: %s\n", status, reason(status), msg);
    }
    if (jw_json_finish(&b) == 0)
        ok = respond(app, c, status, json ? "application/json" : "text/plain; charset=utf-8", b.buf, b.len);
    jw_json_free(&b);
    return ok;
}

/* ---- endpoints ---- */

static enum MHD_Result api_indicator(jwi_t *app, struct MHD_Connection *c, const jwi_request_t *rq)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    jw_json_t b;
    char err[200] = "";
    enum MHD_Result ok;
    memset(&q, 0, sizeof q);
    q.indicator = rq->id;
    q.has_period = rq->p.has_period;
    q.period = rq->p.period;
    q.series = rq->p.series;
    q.by = rq->p.has_by ? rq->p.by : JW_IND_BY_TOTAL;
    q.public_ = app->public_ || rq->p.public_;
    q.gemeente = rq->p.gemeente;
    q.aanbieder = rq->p.aanbieder;
    q.segment = rq->p.segment;
    int rc = jw_ind_query(app->ind, &q, &r, err, sizeof err);
    if (rc == JW_IND_ENOTFOUND) return respond_error(app, c, 404, err, !rq->csv);
    if (rc == JW_IND_EQUERY) return respond_error(app, c, 400, err, !rq->csv);
    if (rc) return respond_error(app, c, 500, jw_ind_strerror(rc), !rq->csv);
    jw_json_init(&b);
    rc = jw_ind_render(&r, rq->csv ? JW_IND_FMT_CSV : JW_IND_FMT_JSON, &b);
    jw_ind_result_free(&r);
    if (rc) ok = respond_error(app, c, 500, jw_ind_strerror(rc), !rq->csv);
    else ok = respond(app, c, 200, rq->csv ? "text/csv; charset=utf-8" : "application/json", b.buf, b.len);
    jw_json_free(&b);
    return ok;
}

/* A dashboard page, from the cache when the store has not changed since
 * it was rendered. */
static enum MHD_Result html_page(jwi_t *app, struct MHD_Connection *c, const req_t *req, const jwi_request_t *rq)
{
    jw_ind_status_t st;
    jw_json_t b;
    char err[200] = "", *cached = NULL;
    size_t clen = 0;
    enum MHD_Result ok;
    int rc, pub = app->public_ || rq->p.public_;
    uint64_t gen = 0;
    char key[JWI_TARGET_MAX + 8];

    if (jw_ind_status(app->ind, &st) == 0) gen = st.last_seq + 1;
    snprintf(key, sizeof key, "%c%.*s", pub ? 'p' : 'i', (int)req->len, req->target);
    if (gen && jwi_cache_get(app->cache, gen, key, &cached, &clen) == 0) {
        ok = respond(app, c, 200, "text/html; charset=utf-8", cached, clen);
        free(cached);
        return ok;
    }
    jw_json_init(&b);
    if (rq->route == JWI_ROUTE_INDEX) rc = jwi_html_index(app, &rq->p, &b, err, sizeof err);
    else if (rq->route == JWI_ROUTE_REPORT) rc = jwi_html_report(app, &rq->p, &b, err, sizeof err);
    else rc = jwi_html_indicator(app, rq->id, &rq->p, &b, err, sizeof err);
    if (rc == JW_IND_ENOTFOUND) ok = respond_error(app, c, 404, err, 0);
    else if (rc == JW_IND_EQUERY) ok = respond_error(app, c, 400, err, 0);
    else if (rc) ok = respond_error(app, c, 500, jw_ind_strerror(rc), 0);
    else {
        if (gen) jwi_cache_put(app->cache, gen, key, b.buf, b.len);
        ok = respond(app, c, 200, "text/html; charset=utf-8", b.buf, b.len);
    }
    jw_json_free(&b);
    return ok;
}

static enum MHD_Result dispatch(jwi_t *app, struct MHD_Connection *c, const req_t *req)
{
    jwi_request_t *rq = malloc(sizeof *rq); /* 2 KiB of target: not on the stack of a callback */
    char err[200] = "";
    enum MHD_Result ok;
    if (!rq) return MHD_NO;
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    int status = jwi_request_parse(req->target, req->len, accept, rq, err, sizeof err);
    if (status) {
        ok = respond_error(app, c, (unsigned)status, err, rq->json_errors);
        goto out;
    }
    if (rq->p.internal && !app->allow_internal) {
        app->http_refused++;
        ok = respond_error(app, c, 403,
                           "the internal view is not enabled on this server (start jw-indicators with --internal)",
                           rq->json_errors);
        goto out;
    }
    switch (rq->route) {
    case JWI_ROUTE_METRICS: {
        jw_json_t b;
        jw_json_init(&b);
        jwi_metrics(app, &b);
        if (jw_json_finish(&b)) ok = respond_error(app, c, 500, "out of memory", 0);
        else ok = respond(app, c, 200, "text/plain; version=0.0.4; charset=utf-8", b.buf, b.len);
        jw_json_free(&b);
        break;
    }
    case JWI_ROUTE_CATALOGUE: {
        jw_json_t b;
        jw_ind_status_t st;
        jw_json_init(&b);
        if (jw_ind_status(app->ind, &st) || jw_ind_render_catalogue(app->profile, &st, &b))
            ok = respond_error(app, c, 500, "cannot read the indicator store", 1);
        else ok = respond(app, c, 200, "application/json", b.buf, b.len);
        jw_json_free(&b);
        break;
    }
    case JWI_ROUTE_API: ok = api_indicator(app, c, rq); break;
    case JWI_ROUTE_COMPARE: {
        /* derived from the state store's facts, not the indicator store:
         * not cached by the indicator store's generation */
        jw_json_t b;
        jw_json_init(&b);
        int rc = jwi_html_compare(app, &b, err, sizeof err);
        if (rc == JW_IND_EQUERY) ok = respond_error(app, c, 400, err, 0);
        else if (rc) ok = respond_error(app, c, 500, err[0] ? err : jw_ind_strerror(rc), 0);
        else ok = respond(app, c, 200, "text/html; charset=utf-8", b.buf, b.len);
        jw_json_free(&b);
        break;
    }
    case JWI_ROUTE_EXPORT: { /* downloads for Excel (export.c) */
        jw_json_t b;
        const char *ctype = NULL;
        char fname[160];
        jw_json_init(&b);
        int rc = jwi_export(app, rq->id, &rq->p, &b, &ctype, fname, sizeof fname, err, sizeof err);
        if (rc == JW_IND_ENOTFOUND) ok = respond_error(app, c, 404, err, 0);
        else if (rc == JW_IND_EQUERY) ok = respond_error(app, c, 400, err, 0);
        else if (rc) ok = respond_error(app, c, 500, rc == JW_IND_EIO ? err : jw_ind_strerror(rc), 0);
        else ok = respond_as(app, c, 200, ctype, b.buf, b.len, fname);
        jw_json_free(&b);
        break;
    }
    case JWI_ROUTE_INDEX:
    case JWI_ROUTE_REPORT:
    case JWI_ROUTE_PAGE: ok = html_page(app, c, req, rq); break;
    default: ok = respond_error(app, c, 404, "no such page", 0); break;
    }
out:
    free(rq);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    jwi_t *app = cls;
    req_t *req = *con_cls;
    (void)url;
    (void)version;
    (void)upload_data;
    if (!req) return MHD_NO; /* the URI hook failed to allocate: drop the connection */
    if (req->answered) {
        /* body bytes after our answer: not read, MHD closes the connection */
        *upload_data_size = 0;
        return MHD_YES;
    }
    double t0 = now_s();
    enum MHD_Result ok;
    req->answered = 1;
    app->http_requests++;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        ok = respond_error(app, c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD", 0);
    } else if (*upload_data_size != 0 ||
               MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING) ||
               (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) &&
                strcmp(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH), "0") != 0)) {
        ok = respond_error(app, c, MHD_HTTP_CONTENT_TOO_LARGE, "a request body is not accepted", 0);
    } else {
        ok = dispatch(app, c, req);
    }
    *upload_data_size = 0;
    jwi_hist_observe(&app->http_duration, now_s() - t0);
    return ok;
}

/* MHD hands the raw request target over before it splits off and
 * decodes the query; we keep it for request.c. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    req_t *req = calloc(1, sizeof *req);
    if (!req) return NULL;
    req->len = strlen(uri);
    if (req->len > JWI_TARGET_MAX + 1) req->len = JWI_TARGET_MAX + 1; /* enough to answer 414 */
    req->target = malloc(req->len + 1);
    if (!req->target) {
        free(req);
        return NULL;
    }
    memcpy(req->target, uri, req->len);
    req->target[req->len] = '\0';
    return req;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    req_t *req = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (req) {
        free(req->target);
        free(req);
    }
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    jwi_t *app = cls;
    if (app->quiet) return;
    fputs("jw-indicators: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- listening ---- */

static int open_listener(const char *addr, char *shown, size_t shown_len)
{
    char host[128], port[16];
    const char *colon;
    struct addrinfo hints, *res = NULL;
    int fd = -1, one = 1;

    if (addr[0] == '[') {
        const char *rb = strchr(addr, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - addr - 1) >= sizeof host) return -1;
        memcpy(host, addr + 1, (size_t)(rb - addr - 1));
        host[rb - addr - 1] = '\0';
        colon = rb + 1;
    } else {
        colon = strrchr(addr, ':');
        if (!colon || (size_t)(colon - addr) >= sizeof host) return -1;
        memcpy(host, addr, (size_t)(colon - addr));
        host[colon - addr] = '\0';
        if (!host[0]) snprintf(host, sizeof host, "127.0.0.1");
    }
    if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port || strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return -1;
    snprintf(port, sizeof port, "%s", colon + 1);
    if (atoi(port) > 65535) return -1;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res) return -1;
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) goto fail;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) goto fail;
    {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        char h[INET6_ADDRSTRLEN];
        int p = 0;
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) goto fail;
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &s4->sin_addr, h, sizeof h);
            p = ntohs(s4->sin_port);
            snprintf(shown, shown_len, "%s:%d", h, p);
        } else {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &s6->sin6_addr, h, sizeof h);
            p = ntohs(s6->sin6_port);
            snprintf(shown, shown_len, "[%s]:%d", h, p);
        }
    }
    freeaddrinfo(res);
    return fd;
fail:
    if (fd >= 0) close(fd);
    freeaddrinfo(res);
    return -2;
}

int jwi_serve(jwi_t *app, const char *addr)
{
    char shown[96];
    struct MHD_Daemon *d = NULL;
    int lfd = open_listener(addr, shown, sizeof shown);
    if (lfd == -1) {
        fprintf(stderr, "jw-indicators: bad --http address '%s' (numeric HOST:PORT, e.g. 127.0.0.1:8080)\n", addr);
        return 2;
    }
    if (lfd < 0) {
        fprintf(stderr, "jw-indicators: cannot listen on %s: %s\n", addr, strerror(errno));
        return 1;
    }
    if (jwi_cache_new(&app->cache)) {
        close(lfd);
        fprintf(stderr, "jw-indicators: out of memory\n");
        return 1;
    }
    d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, app,
                         MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, app,
                         MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
                         MHD_OPTION_CONNECTION_LIMIT, app->http_max_conn,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, app->http_max_per_ip,
                         MHD_OPTION_CONNECTION_TIMEOUT, app->http_timeout_s,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, MEM_LIMIT,
                         MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
                         MHD_OPTION_SIGPIPE_HANDLED_BY_APP, (int)1,
                         MHD_OPTION_URI_LOG_CALLBACK, on_uri, app,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
                         MHD_OPTION_END);
    if (!d) {
        close(lfd);
        jwi_cache_free(app->cache);
        app->cache = NULL;
        fprintf(stderr, "jw-indicators: cannot start the HTTP server on %s\n", shown);
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
    int epfd = di ? di->epoll_fd : -1;
    if (epfd < 0) {
        MHD_stop_daemon(d);
        jwi_cache_free(app->cache);
        app->cache = NULL;
        fprintf(stderr, "jw-indicators: the HTTP server has no epoll descriptor\n");
        return 1;
    }
    jwi_catch_up(app);
    printf("jw-indicators: listening on http://%s/\n", shown);
    fflush(stdout);
    uint64_t next_poll = now_ms() + app->poll_ms;
    while (!*app->stop) {
        /* MHD's epoll descriptor and, in live mode, jwd's event stream */
        MHD_UNSIGNED_LONG_LONG to = 0;
        long tick = POLL_TICK_MS;
        if (MHD_get_timeout(d, &to) == MHD_YES && to < (MHD_UNSIGNED_LONG_LONG)tick) tick = (long)to;
        zmq_pollitem_t items[2] = {{NULL, epfd, ZMQ_POLLIN, 0}, {app->live_sub, 0, ZMQ_POLLIN, 0}};
        int pr = zmq_poll(items, app->live_sub ? 2 : 1, tick);
        if (pr > 0 && app->live_sub && (items[1].revents & ZMQ_POLLIN)) jwi_live_pump(app);
        else if (app->live_sub) jwi_live_idle(app);
        MHD_run(d); /* accepts, reads, answers, times out: never blocks */
        if (app->src && app->poll_ms && now_ms() >= next_poll) {
            jwi_catch_up(app);
            next_poll = now_ms() + app->poll_ms;
        }
    }
    MHD_stop_daemon(d); /* closes the listening socket and every connection */
    jwi_cache_free(app->cache);
    app->cache = NULL;
    if (!app->quiet) fprintf(stderr, "jw-indicators: stopped\n");
    return 0;
}
