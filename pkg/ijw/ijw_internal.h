/* ijw_internal.h - shared between the files of pkg/ijw; not public. */
#ifndef JW_IJW_INTERNAL_H
#define JW_IJW_INTERNAL_H

#include "ijw/ijw.h"

#include <libxml/xmlschemas.h>

struct jw_ijw_schema {
    xmlSchemaPtr schema;   /* compiled "all.xsd"; read-only once built */
};

/* Fill an error record; fmt output is redacted (jw_ijw_redact). */
void jw_ijw_error_set(jw_ijw_error_t *err, jw_layer_t layer, const char *rule,
                      int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The raw-byte scan before parsing (limits.c): 0, or -1 with *err set
 * (XML layer, rule ATTRIBUTES). The bounds are in ijw.h. */
int jw_ijw_limits_scan(const char *buf, size_t len, jw_ijw_error_t *err);

/* Uniqueness checks in O(n log n) (dups.c). A key is JW_IJW_DUPKEY bytes,
 * zero-padded (every iJw key jw compares fits); idx is the item's index in
 * document order. */
#define JW_IJW_DUPKEY 40
typedef struct {
    char key[JW_IJW_DUPKEY];
    size_t idx;
} jw_ijw_dupkey_t;

/* Sort keys (in place) and return the smallest idx whose key an item with
 * a smaller idx also has; SIZE_MAX when every key is unique. */
size_t jw_ijw_first_dup(jw_ijw_dupkey_t *keys, size_t n);
/* After jw_ijw_first_dup: 1 when key is among the sorted keys. */
int jw_ijw_dupkey_find(const jw_ijw_dupkey_t *sorted, size_t n, const char key[JW_IJW_DUPKEY]);
/* A string key (zero-padded, cut at JW_IJW_DUPKEY bytes). */
void jw_ijw_dupkey_str(jw_ijw_dupkey_t *k, const char *s, size_t idx);
/* The repeated-key indices rules.c reports (SIZE_MAX: none); 0 or
 * JW_IJW_ENOMEM. See dups.c for which key each uses. */
int jw_ijw_dups_301(const jw_ijw_msg_t *m, size_t *dup);
int jw_ijw_dups_315(const jw_ijw_msg_t *m, size_t *dup);
int jw_ijw_dups_30x(const jw_ijw_msg_t *m, int stop, size_t *dup);
int jw_ijw_dups_323(const jw_ijw_msg_t *m, size_t *ref, size_t *vorig, size_t *credit);

#endif
