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

#endif
