/* buf.h - a growable byte buffer with a sticky out-of-memory flag.
 *
 * Messages are built in one of these before they are written, so each file
 * is one write. Appends never fail loudly: on allocation failure the buffer
 * sets oom and ignores further appends; the caller checks oom once, when the
 * message is complete. The buffer owns p; free it with jwg_buf_free().
 */
#ifndef JWG_BUF_H
#define JWG_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} jwg_buf_t;

void jwg_buf_init(jwg_buf_t *b);
void jwg_buf_free(jwg_buf_t *b);
void jwg_buf_reset(jwg_buf_t *b); /* len = 0, keeps the memory */
void jwg_buf_put(jwg_buf_t *b, const char *s, size_t n);
void jwg_buf_puts(jwg_buf_t *b, const char *s);
void jwg_buf_putc(jwg_buf_t *b, char c);
void jwg_buf_putu(jwg_buf_t *b, uint64_t v);           /* decimal */
void jwg_buf_putu_pad(jwg_buf_t *b, uint64_t v, int w); /* zero padded */
void jwg_buf_printf(jwg_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Grow a plain array *p of elem-byte items to hold at least need items;
 * returns 0 or -1 (out of memory, *p unchanged). */
int jwg_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Replace the first occurrence of from (after offset start) by to;
 * returns the position of the replacement or -1 when from is absent. */
long jwg_buf_replace(jwg_buf_t *b, size_t start, const char *from, const char *to);

/* Sorting records without global state: fill an array of keys (three words
 * compared in order, then idx) and qsort it with jwg_skey_cmp. */
typedef struct {
    uint64_t k[3];
    int32_t idx;
} jwg_skey_t;
int jwg_skey_cmp(const void *a, const void *b);

#endif
