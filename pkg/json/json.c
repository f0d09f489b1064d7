/* json.c - JSON text builder (see json.h). */
#include "json/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_json_init(jw_json_t *j)
{
    memset(j, 0, sizeof *j);
}

void jw_json_reset(jw_json_t *j)
{
    j->len = 0;
    j->failed = 0;
    j->need_comma = 0;
    j->depth = 0;
    if (j->buf) j->buf[0] = '\0';
}

void jw_json_free(jw_json_t *j)
{
    free(j->buf);
    jw_json_init(j);
}

static int reserve(jw_json_t *j, size_t extra)
{
    if (j->failed) return -1;
    if (j->len + extra + 1 <= j->cap) return 0;
    size_t ncap = j->cap ? j->cap : 256;
    while (ncap < j->len + extra + 1) ncap *= 2;
    char *nb = realloc(j->buf, ncap);
    if (!nb) {
        j->failed = 1;
        return -1;
    }
    j->buf = nb;
    j->cap = ncap;
    return 0;
}

void jw_json_raw(jw_json_t *j, const char *text, size_t len)
{
    if (reserve(j, len)) return;
    memcpy(j->buf + j->len, text, len);
    j->len += len;
    j->buf[j->len] = '\0';
}

static void put(jw_json_t *j, const char *s)
{
    jw_json_raw(j, s, strlen(s));
}

void jw_json_string_value(jw_json_t *j, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *run = p;
    put(j, "\"");
    for (; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\') continue;
        /* Copy the run of plain characters in one go, then the escape. */
        jw_json_raw(j, (const char *)run, (size_t)(p - run));
        run = p + 1;
        switch (*p) {
        case '"': put(j, "\\\""); break;
        case '\\': put(j, "\\\\"); break;
        case '\n': put(j, "\\n"); break;
        case '\r': put(j, "\\r"); break;
        case '\t': put(j, "\\t"); break;
        default: {
            char esc[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], '\0'};
            put(j, esc);
        }
        }
    }
    jw_json_raw(j, (const char *)run, (size_t)(p - run));
    put(j, "\"");
}

static void key(jw_json_t *j, const char *k)
{
    if (j->need_comma) put(j, ",");
    jw_json_string_value(j, k);
    put(j, ":");
    j->need_comma = 1;
}

void jw_json_open(jw_json_t *j)
{
    if (j->need_comma && j->depth > 0) put(j, ",");
    put(j, "{");
    j->need_comma = 0;
    j->depth++;
}

void jw_json_close(jw_json_t *j)
{
    put(j, "}");
    j->need_comma = 1;
    j->depth--;
}

void jw_json_key_open(jw_json_t *j, const char *k)
{
    key(j, k);
    put(j, "{");
    j->need_comma = 0;
    j->depth++;
}

void jw_json_str(jw_json_t *j, const char *k, const char *value)
{
    key(j, k);
    if (value) jw_json_string_value(j, value);
    else put(j, "null");
}

void jw_json_int(jw_json_t *j, const char *k, int64_t value)
{
    char num[24];
    key(j, k);
    snprintf(num, sizeof num, "%" PRId64, value);
    put(j, num);
}

void jw_json_uint(jw_json_t *j, const char *k, uint64_t value)
{
    char num[24];
    key(j, k);
    snprintf(num, sizeof num, "%" PRIu64, value);
    put(j, num);
}

void jw_json_null(jw_json_t *j, const char *k)
{
    key(j, k);
    put(j, "null");
}

void jw_json_bool(jw_json_t *j, const char *k, int value)
{
    key(j, k);
    put(j, value ? "true" : "false");
}

void jw_json_double(jw_json_t *j, const char *k, double value)
{
    char num[32];
    key(j, k);
    if (isnan(value) || isinf(value)) {
        put(j, "null");
        return;
    }
    snprintf(num, sizeof num, "%.6g", value);
    put(j, num);
}

int jw_json_finish(const jw_json_t *j)
{
    return j->failed ? JW_JSON_ENOMEM : JW_JSON_OK;
}
