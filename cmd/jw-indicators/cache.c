/* cache.c - rendered dashboard pages of the current store generation.
 *
 * A dashboard page runs several indicator queries (a rolling 12-month
 * series unites twelve months of distinct-youth sets per point), while
 * its text only changes when the store does. So pages are kept by their
 * request until the generation (the store's last seq) moves. Bounded:
 * CACHE_ENTRIES pages and CACHE_BYTES bytes; the oldest page goes first.
 * Owned by the serving thread: no locking. */
#include <stdlib.h>
#include <string.h>

#include "jwi.h"

#define CACHE_ENTRIES 64
#define CACHE_BYTES ((size_t)16 << 20)

typedef struct {
    char *key;
    char *body;
    size_t len;
    uint64_t stamp; /* insertion order */
} entry_t;

struct jwi_cache {
    uint64_t gen;
    uint64_t clock;
    size_t bytes;
    entry_t e[CACHE_ENTRIES];
};

int jwi_cache_new(jwi_cache_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : JW_IND_ENOMEM;
}

static void drop(jwi_cache_t *c, entry_t *e)
{
    c->bytes -= e->len + strlen(e->key);
    free(e->key);
    free(e->body);
    memset(e, 0, sizeof *e);
}

static void clear(jwi_cache_t *c)
{
    for (size_t i = 0; i < CACHE_ENTRIES; i++)
        if (c->e[i].key) drop(c, &c->e[i]);
}

void jwi_cache_free(jwi_cache_t *c)
{
    if (!c) return;
    clear(c);
    free(c);
}

int jwi_cache_get(jwi_cache_t *c, uint64_t gen, const char *key, char **body, size_t *len)
{
    if (!c || gen != c->gen) return -1;
    for (size_t i = 0; i < CACHE_ENTRIES; i++) {
        entry_t *e = &c->e[i];
        if (!e->key || strcmp(e->key, key) != 0) continue;
        if (!(*body = malloc(e->len ? e->len : 1))) return -1;
        memcpy(*body, e->body, e->len);
        *len = e->len;
        return 0;
    }
    return -1;
}

void jwi_cache_put(jwi_cache_t *c, uint64_t gen, const char *key, const char *body, size_t len)
{
    size_t need = len + strlen(key);
    if (!c || need > CACHE_BYTES / 4) return;
    if (gen != c->gen) {
        clear(c);
        c->gen = gen;
    }
    for (;;) {
        entry_t *victim = NULL, *freeslot = NULL;
        for (size_t i = 0; i < CACHE_ENTRIES; i++) {
            entry_t *e = &c->e[i];
            if (!e->key) {
                if (!freeslot) freeslot = e;
            } else if (strcmp(e->key, key) == 0) {
                drop(c, e); /* replaced below */
                if (!freeslot) freeslot = e;
            } else if (!victim || e->stamp < victim->stamp) {
                victim = e;
            }
        }
        if (freeslot && c->bytes + need <= CACHE_BYTES) {
            char *k = strdup(key), *b = malloc(len ? len : 1);
            if (!k || !b) {
                free(k);
                free(b);
                return;
            }
            memcpy(b, body, len);
            freeslot->key = k;
            freeslot->body = b;
            freeslot->len = len;
            freeslot->stamp = ++c->clock;
            c->bytes += need;
            return;
        }
        if (!victim) return;
        drop(c, victim);
    }
}
