/* request.c - the request target of an HTTP request: path, query string
 * and the Accept header turned into a route and decoded parameters.
 *
 * Pure functions with no I/O and no global state, so that the same code
 * runs in the server (http.c) and in the fuzz target
 * (tests/fuzz/fuzz_http_query.c, which includes this file). Every input
 * is bounded: the target by JWI_TARGET_MAX bytes, the query by
 * JWI_MAX_PARAMS parameters; nothing here allocates. */
#define _GNU_SOURCE /* strcasestr */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jwi.h"

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode in place ('+' is a space); -1 on a bad escape or a
 * decoded control byte (NUL included). */
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

typedef struct {
    char *key, *val;
} param_t;

static int split_query(char *q, param_t *ps, size_t *n, char *err, size_t errlen)
{
    char *save = NULL;
    *n = 0;
    if (!q || !*q) return 0;
    for (char *tok = strtok_r(q, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
        if (*n == JWI_MAX_PARAMS) {
            snprintf(err, errlen, "too many query parameters");
            return -1;
        }
        char *eq = strchr(tok, '=');
        ps[*n].key = tok;
        ps[*n].val = eq ? eq + 1 : tok + strlen(tok);
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
    int view = 0; /* 0 default (public), 'p' public, 'i' internal */
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
        } else if (strcmp(k, "view") == 0) {
            if (strcmp(v, "public") == 0) view = view == 'i' ? -1 : 'p';
            else if (strcmp(v, "internal") == 0) view = view == 'p' ? -1 : 'i';
            else {
                snprintf(err, errlen, "bad view '%.40s': use public or internal", v);
                return -1;
            }
        } else if (strcmp(k, "public") == 0) {
            /* the older spelling: public=1 is the default view, public=0 the internal one */
            int pub;
            if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) pub = 1;
            else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0) pub = 0;
            else {
                snprintf(err, errlen, "bad public '%.40s': use 1 or 0", v);
                return -1;
            }
            view = (view == 'i' && pub) || (view == 'p' && !pub) ? -1 : pub ? 'p' : 'i';
        } else if (strcmp(k, "gemeente") == 0 || strcmp(k, "aanbieder") == 0 || strcmp(k, "segment") == 0) {
            const char **f = k[0] == 'g' ? &out->gemeente : k[0] == 'a' ? &out->aanbieder : &out->segment;
            *f = *v ? v : NULL; /* slicers: checked by jw_ind_query (and the page) */
        } else if (strcmp(k, "lang") == 0) {
            if (strcmp(v, "nl") && strcmp(v, "en") && *v) {
                snprintf(err, errlen, "bad lang '%.40s': use nl or en", v);
                return -1;
            }
            out->en = strcmp(v, "en") == 0;
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
        if (view < 0) {
            snprintf(err, errlen, "the query asks for both the public and the internal view");
            return -1;
        }
    }
    out->internal = view == 'i';
    out->public_ = !out->internal;
    return 0;
}

int jwi_accepts_csv(const char *accept)
{
    return accept && strcasestr(accept, "text/csv") != NULL;
}

int jwi_request_parse(const char *target, size_t len, const char *accept, jwi_request_t *out, char *err,
                      size_t errlen)
{
    param_t ps[JWI_MAX_PARAMS];
    size_t np = 0;
    char fmt = 0;

    memset(out, 0, sizeof *out);
    out->p.public_ = 1; /* the published view unless a query asks otherwise */
    out->csv = jwi_accepts_csv(accept);
    if (len == 0 || target[0] != '/') {
        snprintf(err, errlen, "bad request target");
        return 400;
    }
    if (len > JWI_TARGET_MAX) {
        snprintf(err, errlen, "request target too long (limit %d bytes)", JWI_TARGET_MAX);
        return 414;
    }
    if (memchr(target, '\0', len)) {
        snprintf(err, errlen, "NUL byte in the request target");
        return 400;
    }
    memcpy(out->buf, target, len);
    out->buf[len] = '\0';
    char *path = out->buf;
    char *frag = strchr(path, '#');
    if (frag) *frag = '\0';
    char *query = strchr(path, '?');
    if (query) *query++ = '\0';
    int is_api = strncmp(path, "/api/", 5) == 0;
    out->json_errors = is_api && !out->csv;
    /* The path is matched as sent: our paths need no escapes, and a
     * decoded '/' or '?' must not change the route. */
    if (split_query(query, ps, &np, err, errlen)) return 400;
    out->n_params = np;

    if (strcmp(path, "/metrics") == 0) {
        out->route = JWI_ROUTE_METRICS;
        if (np) {
            snprintf(err, errlen, "/metrics takes no parameters");
            return 400;
        }
        return 0;
    }
    if (strcmp(path, "/compare") == 0) {
        out->route = JWI_ROUTE_COMPARE;
        if (np) {
            snprintf(err, errlen, "/compare takes no parameters");
            return 400;
        }
        return 0;
    }
    if (strcmp(path, "/api/indicators") == 0 || strcmp(path, "/api/indicators/") == 0) {
        out->route = JWI_ROUTE_CATALOGUE;
        out->json_errors = 1;
        if (np) {
            snprintf(err, errlen, "/api/indicators takes no parameters");
            return 400;
        }
        return 0;
    }
    if (strncmp(path, "/api/indicators/", 16) == 0) {
        const char *rest = path + 16;
        size_t n = strlen(rest);
        out->route = JWI_ROUTE_API;
        if (n > 4 && strcmp(rest + n - 4, ".csv") == 0) {
            out->csv = 1;
            n -= 4;
        } else if (n > 5 && strcmp(rest + n - 5, ".json") == 0) {
            out->csv = 0;
            n -= 5;
        }
        out->json_errors = !out->csv;
        if (n == 0 || n >= sizeof out->id || memchr(rest, '/', n)) {
            snprintf(err, errlen, "no such indicator");
            return 404;
        }
        memcpy(out->id, rest, n);
        out->id[n] = '\0';
        if (parse_params(ps, np, &out->p, &fmt, err, errlen)) return 400;
        if (fmt) out->csv = fmt == 'c';
        out->json_errors = !out->csv;
        return 0;
    }
    if (strcmp(path, "/") == 0 || strncmp(path, "/ind/", 5) == 0) {
        out->route = path[1] ? JWI_ROUTE_PAGE : JWI_ROUTE_INDEX;
        if (parse_params(ps, np, &out->p, NULL, err, errlen)) return 400;
        if (out->route == JWI_ROUTE_INDEX) {
            /* the index shows the latest two years: only the view can be chosen */
            if (out->p.has_period || out->p.has_by || out->p.series || out->p.gemeente || out->p.aanbieder ||
                out->p.segment) {
                snprintf(err, errlen, "the dashboard index takes only view=");
                return 400;
            }
            return 0;
        }
        size_t n = strlen(path + 5);
        if (n == 0 || n >= sizeof out->id) {
            snprintf(err, errlen, "no such indicator");
            return 404;
        }
        memcpy(out->id, path + 5, n + 1);
        return 0;
    }
    if (strcmp(path, "/rapport") == 0) {
        /* the monthly report (report.c): period (a month), gemeente, view */
        out->route = JWI_ROUTE_REPORT;
        if (parse_params(ps, np, &out->p, NULL, err, errlen)) return 400;
        return 0;
    }
    if (strncmp(path, "/export/", 8) == 0) {
        /* downloads for Excel (export.c): /export/ID.xlsx or /export/ID.csv */
        size_t n = strlen(path + 8);
        out->route = JWI_ROUTE_EXPORT;
        if (n == 0 || n >= sizeof out->id || strchr(path + 8, '/')) {
            snprintf(err, errlen, "no such download");
            return 404;
        }
        memcpy(out->id, path + 8, n + 1);
        if (parse_params(ps, np, &out->p, NULL, err, errlen)) return 400;
        return 0;
    }
    out->route = JWI_ROUTE_NONE;
    snprintf(err, errlen, "no such page (try /, /compare, /api/indicators, /metrics)");
    return 404;
}
