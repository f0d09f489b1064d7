/* http.c - a small single-threaded HTTP/1.1 server on plain POSIX sockets.
 *
 * One connection at a time: accept, read the request head (at most
 * REQ_MAX bytes, within READ_TIMEOUT_MS), answer, close (every answer
 * says Connection: close). GET and HEAD only; a request body is never
 * read. Anything malformed gets a 4xx with a one-line message. Between
 * connections (and at least every POLL_TICK_MS) the event log is
 * followed. A slow client holds the server for at most the timeouts. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>

#include <zmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "jwi.h"

#define REQ_MAX 8192
#define READ_TIMEOUT_MS 5000
#define WRITE_TIMEOUT_S 5
#define POLL_TICK_MS 500
#define MAX_PARAMS 16

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- responses ---- */

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    }
    return "Error";
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void respond_as(jwi_t *app, int fd, int status, const char *ctype, const char *body, size_t len,
                       int head_only, const char *attachment)
{
    char hdr[1200], disp[200] = "";
    if (attachment) /* a download: the file name is ours ([A-Za-z0-9._-]), no quoting needed */
        snprintf(disp, sizeof disp, "Content-Disposition: attachment; filename=\"%.120s\"\r\n", attachment);
    int n = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "Connection: close\r\n"
                     "Cache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
                     "img-src 'self' data:; frame-ancestors 'none'\r\n"
                     "%s%s"
                     "\r\n",
                     status, reason(status), ctype, len,
                     status == 405 ? "Allow: GET, HEAD\r\n" : "", disp);
    if (status >= 400) app->http_errors++;
    if (n < 0 || (size_t)n >= sizeof hdr) return;
    if (send_all(fd, hdr, (size_t)n)) return;
    if (!head_only && len) send_all(fd, body, len);
}

static void respond(jwi_t *app, int fd, int status, const char *ctype, const char *body, size_t len,
                    int head_only)
{
    respond_as(app, fd, status, ctype, body, len, head_only, NULL);
}

static void respond_error(jwi_t *app, int fd, int status, const char *msg, int json, int head_only)
{
    jw_json_t b;
    jw_json_init(&b);
    if (json) {
        jw_ind_textf(&b, "{\"error\":");
        jw_json_string_value(&b, msg);
        jw_ind_textf(&b, ",\"status\":%d}\n", status);
    } else {
        jw_ind_textf(&b, "%d %s: %s\n", status, reason(status), msg);
    }
    if (jw_json_finish(&b) == 0)
        respond(app, fd, status, json ? "application/json" : "text/plain; charset=utf-8", b.buf, b.len,
                head_only);
    jw_json_free(&b);
}

/* ---- request parsing ---- */

typedef struct {
    char *key, *val;
} param_t;

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode in place; -1 on a bad escape or a NUL/control byte. */
static int url_decode(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        char ch = *r;
        if (ch == '+') ch = ' ';
        else if (ch == '%') {
            int h = hexv(r[1]), l = h >= 0 ? hexv(r[2]) : -1;
            if (h < 0 || l < 0) return -1;
            ch = (char)(h << 4 | l);
            r += 2;
        }
        if ((unsigned char)ch < 0x20 || ch == 0x7f) return -1;
        *w++ = ch;
    }
    *w = '\0';
    return 0;
}

static int split_query(char *q, param_t *ps, size_t *n, char *err, size_t errlen)
{
    *n = 0;
    if (!q || !*q) return 0;
    for (char *tok = strtok(q, "&"); tok; tok = strtok(NULL, "&")) {
        if (*n == MAX_PARAMS) {
            snprintf(err, errlen, "too many query parameters");
            return -1;
        }
        char *eq = strchr(tok, '=');
        ps[*n].key = tok;
        ps[*n].val = eq ? eq + 1 : (char *)"";
        if (eq) *eq = '\0';
        if (url_decode(ps[*n].key) || url_decode(ps[*n].val)) {
            snprintf(err, errlen, "bad percent-encoding in the query");
            return -1;
        }
        (*n)++;
    }
    return 0;
}

static int parse_params(const param_t *ps, size_t n, jwi_params_t *out, char *fmt_out, char *err,
                        size_t errlen)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const char *k = ps[i].key, *v = ps[i].val;
        if (strcmp(k, "period") == 0) {
            if (!*v) continue;
            if (jw_ind_period_parse(v, &out->period)) {
                snprintf(err, errlen, "bad period '%.40s': use 2024, 2024-H1, 2024-Q3, 2024-06 or R12-2024-06", v);
                return -1;
            }
            out->has_period = 1;
        } else if (strcmp(k, "by") == 0) {
            if (!*v) continue;
            if (jw_ind_by_parse(v, &out->by)) {
                snprintf(err, errlen, "bad by '%.40s': use total, gemeente, aanbieder or segment", v);
                return -1;
            }
            out->has_by = 1;
        } else if (strcmp(k, "series") == 0) {
            static const char *names[] = {"year", "half", "quarter", "month", "rolling"};
            static const char kinds[] = {'Y', 'H', 'Q', 'M', 'R'};
            if (!*v) continue;
            out->series = 0;
            for (int j = 0; j < 5; j++)
                if (strcmp(v, names[j]) == 0) out->series = kinds[j];
            if (!out->series) {
                snprintf(err, errlen, "bad series '%.40s': use year, half, quarter, month or rolling", v);
                return -1;
            }
        } else if (strcmp(k, "public") == 0) {
            if (strcmp(v, "1") && strcmp(v, "0") && strcmp(v, "true") && strcmp(v, "false")) {
                snprintf(err, errlen, "bad public '%.40s': use 1 or 0", v);
                return -1;
            }
            out->public_ = v[0] == '1' || v[0] == 't';
        } else if (strcmp(k, "gemeente") == 0 || strcmp(k, "aanbieder") == 0 || strcmp(k, "segment") == 0) {
            const char **f = k[0] == 'g' ? &out->gemeente : k[0] == 'a' ? &out->aanbieder : &out->segment;
            *f = *v ? v : NULL; /* slicers: checked by jw_ind_query */
        } else if (strcmp(k, "format") == 0 && fmt_out) {
            if (strcmp(v, "csv") && strcmp(v, "json")) {
                snprintf(err, errlen, "bad format '%.40s': use json or csv", v);
                return -1;
            }
            *fmt_out = v[0];
        } else {
            snprintf(err, errlen, "unknown query parameter '%.40s'", k);
            return -1;
        }
    }
    return 0;
}

/* ---- endpoints ---- */

typedef struct {
    uint64_t last;
    int ok;
} src_seq_t;

static int read_src_seq(jw_txn_t *txn, void *ctx)
{
    src_seq_t *s = ctx;
    s->ok = jw_store_last_seq(txn, &s->last) == 0;
    return 0;
}

static void metrics(jwi_t *app, jw_json_t *b)
{
    jw_ind_status_t st;
    memset(&st, 0, sizeof st);
    jw_ind_status(app->ind, &st);
    jw_ind_textf(b,
                 "# HELP jw_indicators_events_consumed_total Events consumed from the event stream "
                 "(retractions included).\n"
                 "# TYPE jw_indicators_events_consumed_total counter\n"
                 "jw_indicators_events_consumed_total %llu\n"
                 "# HELP jw_indicators_retractions_total Retract events applied.\n"
                 "# TYPE jw_indicators_retractions_total counter\n"
                 "jw_indicators_retractions_total %llu\n"
                 "# HELP jw_indicators_unreadable_events_total Events that could not be read.\n"
                 "# TYPE jw_indicators_unreadable_events_total counter\n"
                 "jw_indicators_unreadable_events_total %llu\n"
                 "# HELP jw_indicators_last_seq The last event seq applied.\n"
                 "# TYPE jw_indicators_last_seq gauge\n"
                 "jw_indicators_last_seq %llu\n"
                 "# HELP jw_indicators_last_update_timestamp_seconds Unix time of the last applied batch.\n"
                 "# TYPE jw_indicators_last_update_timestamp_seconds gauge\n"
                 "jw_indicators_last_update_timestamp_seconds %lld\n",
                 (unsigned long long)st.events, (unsigned long long)st.retracts,
                 (unsigned long long)st.bad, (unsigned long long)st.last_seq, (long long)st.updated);
    double p50, p99;
    if (app->live_sub && jwi_live_latency(app, &p50, &p99) == 0)
        jw_ind_textf(b,
                     "# HELP jw_indicators_update_latency_ms Time from an event's arrival to the commit of its indicator update.\n"
                     "# TYPE jw_indicators_update_latency_ms summary\n"
                     "jw_indicators_update_latency_ms{quantile=\"0.5\"} %.3f\n"
                     "jw_indicators_update_latency_ms{quantile=\"0.99\"} %.3f\n"
                     "jw_indicators_update_latency_ms_count %llu\n"
                     "# HELP jw_indicators_live_gaps_total Gaps in the live stream filled through catch-up.\n"
                     "# TYPE jw_indicators_live_gaps_total counter\n"
                     "jw_indicators_live_gaps_total %llu\n",
                     p50, p99, (unsigned long long)app->live_events, (unsigned long long)app->live_gaps);
    if (app->src) {
        src_seq_t s = {0, 0};
        if (jw_store_read(app->src, read_src_seq, &s) == 0 && s.ok)
            jw_ind_textf(b,
                         "# HELP jw_indicators_source_last_seq The last seq in the jw event log.\n"
                         "# TYPE jw_indicators_source_last_seq gauge\n"
                         "jw_indicators_source_last_seq %llu\n"
                         "# HELP jw_indicators_lag_events Events in the log not yet applied.\n"
                         "# TYPE jw_indicators_lag_events gauge\n"
                         "jw_indicators_lag_events %llu\n",
                         (unsigned long long)s.last,
                         (unsigned long long)(s.last > st.last_seq ? s.last - st.last_seq : 0));
    }
    jw_ind_textf(b,
                 "# HELP jw_indicators_http_requests_total HTTP requests answered.\n"
                 "# TYPE jw_indicators_http_requests_total counter\n"
                 "jw_indicators_http_requests_total %llu\n"
                 "# HELP jw_indicators_http_errors_total HTTP requests answered with 4xx or 5xx.\n"
                 "# TYPE jw_indicators_http_errors_total counter\n"
                 "jw_indicators_http_errors_total %llu\n",
                 (unsigned long long)app->http_requests, (unsigned long long)app->http_errors);
}

static void api_indicator(jwi_t *app, int fd, const char *id, const jwi_params_t *p, int csv,
                          int head_only)
{
    jw_ind_query_t q;
    jw_ind_result_t r;
    jw_json_t b;
    char err[200];
    memset(&q, 0, sizeof q);
    q.indicator = id;
    q.has_period = p->has_period;
    q.period = p->period;
    q.series = p->series;
    q.by = p->has_by ? p->by : JW_IND_BY_TOTAL;
    q.public_ = app->public_ || p->public_;
    q.gemeente = p->gemeente;
    q.aanbieder = p->aanbieder;
    q.segment = p->segment;
    int rc = jw_ind_query(app->ind, &q, &r, err, sizeof err);
    if (rc == JW_IND_ENOTFOUND) {
        respond_error(app, fd, 404, err, !csv, head_only);
        return;
    }
    if (rc == JW_IND_EQUERY) {
        respond_error(app, fd, 400, err, !csv, head_only);
        return;
    }
    if (rc) {
        respond_error(app, fd, 500, jw_ind_strerror(rc), !csv, head_only);
        return;
    }
    jw_json_init(&b);
    rc = jw_ind_render(&r, csv ? JW_IND_FMT_CSV : JW_IND_FMT_JSON, &b);
    jw_ind_result_free(&r);
    if (rc) respond_error(app, fd, 500, jw_ind_strerror(rc), !csv, head_only);
    else respond(app, fd, 200, csv ? "text/csv; charset=utf-8" : "application/json", b.buf, b.len, head_only);
    jw_json_free(&b);
}

static int accepts_csv(const char *head)
{
    /* the Accept header's value, case-insensitive field name */
    for (const char *p = head; (p = strcasestr(p, "\r\naccept:")) != NULL; p++) {
        const char *v = p + 9, *e = strstr(v, "\r\n");
        size_t n = e ? (size_t)(e - v) : strlen(v);
        char val[256];
        if (n >= sizeof val) n = sizeof val - 1;
        memcpy(val, v, n);
        val[n] = '\0';
        if (strcasestr(val, "text/csv")) return 1;
    }
    return 0;
}

static void handle(jwi_t *app, int fd)
{
    char buf[REQ_MAX + 1];
    size_t len = 0;
    uint64_t deadline = now_ms() + READ_TIMEOUT_MS;
    char *end = NULL;
    param_t ps[MAX_PARAMS];
    size_t np = 0;
    char err[200];

    /* read the head */
    for (;;) {
        uint64_t now = now_ms();
        if (now >= deadline) {
            respond_error(app, fd, 408, "request not received in time", 0, 0);
            return;
        }
        struct pollfd pf = {fd, POLLIN, 0};
        int pr = poll(&pf, 1, (int)(deadline - now));
        if (pr < 0 && errno == EINTR) {
            if (*app->stop) return;
            continue;
        }
        if (pr <= 0) continue; /* the deadline check answers 408 */
        if (len == REQ_MAX) {
            respond_error(app, fd, 431, "request head too large (limit 8192 bytes)", 0, 0);
            return;
        }
        ssize_t r = recv(fd, buf + len, REQ_MAX - len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return; /* closed or failed: nothing to answer */
        len += (size_t)r;
        buf[len] = '\0';
        if (memchr(buf, '\0', len)) {
            respond_error(app, fd, 400, "NUL byte in the request", 0, 0);
            return;
        }
        if ((end = strstr(buf, "\r\n\r\n")) != NULL) break;
    }
    app->http_requests++;
    end[2] = '\0'; /* keep the last header's CRLF for the header search */

    /* request line: METHOD SP TARGET SP HTTP/1.x */
    char *line_end = strstr(buf, "\r\n");
    *line_end = '\0';
    char *method = buf, *target = strchr(buf, ' ');
    char *version = target ? strchr(target + 1, ' ') : NULL;
    if (!target || !version || strchr(version + 1, ' ')) {
        respond_error(app, fd, 400, "malformed request line", 0, 0);
        return;
    }
    *target++ = '\0';
    *version++ = '\0';
    if (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0")) {
        respond_error(app, fd, 505, "only HTTP/1.0 and HTTP/1.1", 0, 0);
        return;
    }
    int head_only = strcmp(method, "HEAD") == 0;
    if (!head_only && strcmp(method, "GET") != 0) {
        respond_error(app, fd, 405, "only GET and HEAD", 0, 0);
        return;
    }
    if (target[0] != '/' || strlen(target) > 2000) {
        respond_error(app, fd, target[0] != '/' ? 400 : 414, "bad request target", 0, head_only);
        return;
    }
    /* headers start after the request line */
    *line_end = '\r';
    const char *headers = line_end;
    int csv = accepts_csv(headers);
    *line_end = '\0';

    char *query = strchr(target, '?');
    if (query) *query++ = '\0';
    char *frag = query ? strchr(query, '#') : strchr(target, '#');
    if (frag) *frag = '\0';
    int is_api = strncmp(target, "/api/", 5) == 0;
    if (split_query(query, ps, &np, err, sizeof err)) {
        respond_error(app, fd, 400, err, is_api && !csv, head_only);
        return;
    }

    if (strcmp(target, "/metrics") == 0) {
        jw_json_t b;
        jw_json_init(&b);
        if (np) {
            respond_error(app, fd, 400, "/metrics takes no parameters", 0, head_only);
        } else {
            metrics(app, &b);
            respond(app, fd, 200, "text/plain; version=0.0.4; charset=utf-8", b.buf, b.len, head_only);
        }
        jw_json_free(&b);
        return;
    }
    if (strcmp(target, "/api/indicators") == 0 || strcmp(target, "/api/indicators/") == 0) {
        jw_json_t b;
        jw_ind_status_t st;
        jw_json_init(&b);
        if (np) {
            respond_error(app, fd, 400, "/api/indicators takes no parameters", 1, head_only);
        } else if (jw_ind_status(app->ind, &st) || jw_ind_render_catalogue(app->profile, &st, &b)) {
            respond_error(app, fd, 500, "cannot read the indicator store", 1, head_only);
        } else {
            respond(app, fd, 200, "application/json", b.buf, b.len, head_only);
        }
        jw_json_free(&b);
        return;
    }
    if (strncmp(target, "/api/indicators/", 16) == 0) {
        char id[32];
        const char *rest = target + 16;
        size_t n = strlen(rest);
        char fmt = 0;
        jwi_params_t p;
        if (n > 4 && strcmp(rest + n - 4, ".csv") == 0) {
            csv = 1;
            n -= 4;
        } else if (n > 5 && strcmp(rest + n - 5, ".json") == 0) {
            csv = 0;
            n -= 5;
        }
        if (n == 0 || n >= sizeof id || strchr(rest, '/')) {
            respond_error(app, fd, 404, "no such indicator", !csv, head_only);
            return;
        }
        memcpy(id, rest, n);
        id[n] = '\0';
        if (parse_params(ps, np, &p, &fmt, err, sizeof err)) {
            respond_error(app, fd, 400, err, !csv, head_only);
            return;
        }
        if (fmt) csv = fmt == 'c';
        api_indicator(app, fd, id, &p, csv, head_only);
        return;
    }
    if (strncmp(target, "/export/", 8) == 0) { /* downloads for Excel (export.c) */
        jw_json_t b;
        jwi_params_t p;
        const char *ctype = NULL;
        char fname[160];
        jw_json_init(&b);
        int rc = parse_params(ps, np, &p, NULL, err, sizeof err) ? JW_IND_EQUERY
                 : jwi_export(app, target + 8, &p, &b, &ctype, fname, sizeof fname, err, sizeof err);
        if (rc == JW_IND_ENOTFOUND) respond_error(app, fd, 404, err, 0, head_only);
        else if (rc == JW_IND_EQUERY) respond_error(app, fd, 400, err, 0, head_only);
        else if (rc) respond_error(app, fd, 500, rc == JW_IND_EIO ? err : jw_ind_strerror(rc), 0, head_only);
        else respond_as(app, fd, 200, ctype, b.buf, b.len, head_only, fname);
        jw_json_free(&b);
        return;
    }
    if (strcmp(target, "/compare") == 0 && np == 0) { /* definitions side by side (compare.c) */
        jw_json_t b;
        jw_json_init(&b);
        int rc = jwi_html_compare(app, &b, err, sizeof err);
        if (rc == JW_IND_EQUERY) respond_error(app, fd, 400, err, 0, head_only);
        else if (rc) respond_error(app, fd, 500, err[0] ? err : jw_ind_strerror(rc), 0, head_only);
        else respond(app, fd, 200, "text/html; charset=utf-8", b.buf, b.len, head_only);
        jw_json_free(&b);
        return;
    }
    if (strcmp(target, "/") == 0 || strncmp(target, "/ind/", 5) == 0) {
        jw_json_t b;
        jwi_params_t p;
        int rc;
        jw_json_init(&b);
        if (parse_params(ps, np, &p, NULL, err, sizeof err)) {
            respond_error(app, fd, 400, err, 0, head_only);
            jw_json_free(&b);
            return;
        }
        if (strcmp(target, "/") == 0) {
            if (np) rc = JW_IND_EQUERY, snprintf(err, sizeof err, "the dashboard index takes no parameters");
            else rc = jwi_html_index(app, &b, err, sizeof err);
        } else {
            rc = jwi_html_indicator(app, target + 5, &p, &b, err, sizeof err);
        }
        if (rc == JW_IND_ENOTFOUND) respond_error(app, fd, 404, err, 0, head_only);
        else if (rc == JW_IND_EQUERY) respond_error(app, fd, 400, err, 0, head_only);
        else if (rc) respond_error(app, fd, 500, jw_ind_strerror(rc), 0, head_only);
        else respond(app, fd, 200, "text/html; charset=utf-8", b.buf, b.len, head_only);
        jw_json_free(&b);
        return;
    }
    respond_error(app, fd, 404, "no such page (try /, /api/indicators, /metrics)", is_api, head_only);
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
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) goto fail;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 16) != 0) goto fail;
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
    int lfd = open_listener(addr, shown, sizeof shown);
    if (lfd == -1) {
        fprintf(stderr, "jw-indicators: bad --http address '%s' (numeric HOST:PORT, e.g. 127.0.0.1:8080)\n", addr);
        return 2;
    }
    if (lfd < 0) {
        fprintf(stderr, "jw-indicators: cannot listen on %s: %s\n", addr, strerror(errno));
        return 1;
    }
    jwi_catch_up(app);
    printf("jw-indicators: listening on http://%s/\n", shown);
    fflush(stdout);
    uint64_t next_poll = now_ms() + app->poll_ms;
    while (!*app->stop) {
        /* The listener and, in live mode, jwd's event stream. */
        zmq_pollitem_t items[2] = {{NULL, lfd, ZMQ_POLLIN, 0}, {app->live_sub, 0, ZMQ_POLLIN, 0}};
        int pr = zmq_poll(items, app->live_sub ? 2 : 1, POLL_TICK_MS);
        if (pr > 0 && app->live_sub && (items[1].revents & ZMQ_POLLIN)) jwi_live_pump(app);
        if (pr > 0 && !(items[0].revents & ZMQ_POLLIN)) pr = 0;
        if (app->src && app->poll_ms && now_ms() >= next_poll) {
            jwi_catch_up(app);
            next_poll = now_ms() + app->poll_ms;
        }
        if (pr <= 0) continue;
        int cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) continue;
        struct timeval tv = {WRITE_TIMEOUT_S, 0};
        setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        handle(app, cfd);
        close(cfd);
    }
    close(lfd);
    if (!app->quiet) fprintf(stderr, "jw-indicators: stopped\n");
    return 0;
}
