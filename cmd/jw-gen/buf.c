/* buf.c - growable byte buffer (see buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jwg_buf_init(jwg_buf_t *b)
{
    memset(b, 0, sizeof *b);
}

void jwg_buf_free(jwg_buf_t *b)
{
    free(b->p);
    jwg_buf_init(b);
}

void jwg_buf_reset(jwg_buf_t *b)
{
    b->len = 0;
    b->oom = 0;
}

static int reserve(jwg_buf_t *b, size_t extra)
{
    if (b->oom) return -1;
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void jwg_buf_put(jwg_buf_t *b, const char *s, size_t n)
{
    if (reserve(b, n)) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void jwg_buf_puts(jwg_buf_t *b, const char *s)
{
    jwg_buf_put(b, s, strlen(s));
}

void jwg_buf_putc(jwg_buf_t *b, char c)
{
    jwg_buf_put(b, &c, 1);
}

void jwg_buf_putu_pad(jwg_buf_t *b, uint64_t v, int w)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < w && n < (int)sizeof tmp) tmp[n++] = '0';
    char out[24];
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    jwg_buf_put(b, out, (size_t)n);
}

void jwg_buf_putu(jwg_buf_t *b, uint64_t v)
{
    jwg_buf_putu_pad(b, v, 1);
}

void jwg_buf_printf(jwg_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int jwg_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

long jwg_buf_replace(jwg_buf_t *b, size_t start, const char *from, const char *to)
{
    if (b->oom || start > b->len) return -1;
    size_t fl = strlen(from), tl = strlen(to);
    char *hit = NULL;
    for (size_t i = start; i + fl <= b->len; i++) {
        if (memcmp(b->p + i, from, fl) == 0) {
            hit = b->p + i;
            break;
        }
    }
    if (!hit) return -1;
    size_t pos = (size_t)(hit - b->p);
    if (tl > fl && reserve(b, tl - fl)) return -1;
    memmove(b->p + pos + tl, b->p + pos + fl, b->len - pos - fl + 1);
    memcpy(b->p + pos, to, tl);
    b->len = b->len - fl + tl;
    return (long)pos;
}

int jwg_skey_cmp(const void *pa, const void *pb)
{
    const jwg_skey_t *a = pa, *b = pb;
    for (int i = 0; i < 3; i++)
        if (a->k[i] != b->k[i]) return a->k[i] < b->k[i] ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}
