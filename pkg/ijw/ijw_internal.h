/* ijw_internal.h - shared between the files of pkg/ijw; not public. */
#ifndef JW_IJW_INTERNAL_H
#define JW_IJW_INTERNAL_H

#include "ijw/ijw.h"

#include <libxml/xmlschemas.h>

struct jw_ijw_schema {
    xmlSchemaPtr schema;   /* compiled "all.xsd"; read-only once built */
};

/* In-message rules on values the message record does not keep (birth
 * dates, names, contacts, relations, duplicate clients), checked while the
 * parser streams past them (findings.c). The parser calls start/end for
 * every element with its local name and those of its parent and
 * grandparent; the first violation in document order goes to
 * msg->finding, which the rule layer reports. Owned by one parser. */
typedef struct {
    unsigned char key[16];       /* random per parser: client BSN fingerprints */
    uint64_t *bsn_fp;            /* fingerprints of this message's client BSNs */
    size_t n_bsn, cap_bsn;
    char (*nummers)[21];         /* Relatie/Nummer values of this message */
    size_t n_nummers, cap_nummers;
    int oom;
    /* current Geboortedatum */
    jw_date_t birth;
    int datumgebruik;
    /* current Naam (CDT_VolledigeNaam) */
    int has_partner, naamgebruik;
    /* current Communicatie */
    int vorm, has_taal;
    /* current Contact */
    int soort, has_huis, has_postcode, has_telefoon, has_periode, is_nl, has_landcode;
    int postcode_nl_ok;
    jw_date_t periode_begin, periode_eind;
    /* Client/Contactgegevens: soorten seen (bit per code 1-4) */
    unsigned soorten;
} jw_ijw_findings_t;

int jw_ijw_findings_init(jw_ijw_findings_t *f);
void jw_ijw_findings_free(jw_ijw_findings_t *f);
void jw_ijw_findings_reset(jw_ijw_findings_t *f);
void jw_ijw_findings_start(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *local,
                           const char *parent);
void jw_ijw_findings_end(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *local,
                         const char *parent, const char *gp, const char *s, size_t n);

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

/* A product item for the overlap rules (TR302, TR386, TR410): the strings
 * are borrowed from the message. jw_ijw_first_overlap sorts p in place and
 * sets *out to the later document index of a pair of items for the same
 * product (rules.c same_product) whose periods overlap, SIZE_MAX when none;
 * 0 or JW_IJW_ENOMEM. jw_ijw_dups_416: TR416's repeated debit key. */
typedef struct {
    const char *categorie, *code;
    jw_date_t begin, end; /* end JW_DATE_NONE: open */
    size_t idx;
} jw_ijw_product_t;
int jw_ijw_first_overlap(jw_ijw_product_t *p, size_t n, size_t *out);
int jw_ijw_dups_416(const jw_ijw_msg_t *m, size_t *dup);
int jw_ijw_dups_317(const jw_ijw_msg_t *m, size_t *dup, size_t *overlap);
int jw_ijw_dups_315(const jw_ijw_msg_t *m, size_t *dup);
int jw_ijw_dups_30x(const jw_ijw_msg_t *m, int stop, size_t *dup);
int jw_ijw_dups_323(const jw_ijw_msg_t *m, size_t *ref, size_t *vorig, size_t *credit);

#endif
