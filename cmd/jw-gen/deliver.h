/* deliver.h - the delivery schedule: which file carries which message when.
 *
 * From the world's messages dated inside the archive period this builds one
 * entry per file: every valid message once, a share of them delivered 1-8
 * weeks late (Dagtekening unchanged), a share delivered a second time as an
 * exact copy, and broken extra messages (each with its own
 * BerichtIdentificatie) delivered just before the valid message they were
 * derived from, as if the valid one were the corrected resend. Entries are
 * sorted in delivery order; seq is the 1-based file number.
 */
#ifndef JWG_DELIVER_H
#define JWG_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum { JWG_ENTRY_VALID = 0, JWG_ENTRY_DUPLICATE, JWG_ENTRY_INVALID };

typedef struct {
    int32_t msg;        /* index in world.msg */
    uint8_t what;       /* JWG_ENTRY_* */
    uint8_t late;       /* valid message delivered 1-8 weeks after its Dagtekening */
    uint8_t mut;        /* JWG_MUT_* for invalid entries */
    uint32_t ident;     /* BerichtIdentificatie counter written in the file */
    jw_date_t dday;     /* delivery moment */
    int32_t dtod;
    int32_t original;   /* duplicates and invalid: entry of the valid message */
    uint32_t seq;       /* file sequence number (1-based) after sorting */
} jwg_entry_t;

typedef struct {
    double invalid_share, duplicate_share, late_share;
} jwg_shares_t;

typedef struct {
    jwg_entry_t *v;     /* in delivery order; owned, free with jwg_schedule_free */
    size_t n;
    long valid, duplicates, late, invalid;
    long invalid_by_mut[16];
    long per_type_valid[JWG_NTYPES], per_type_files[JWG_NTYPES];
    long per_release[7];      /* 3.0, 3.1, 3.2, then legacy 2.1 .. 2.4 */
    uint32_t *ident_of; /* per world message: the counter of its valid entry, or
                           with --history of a message dated before start (not
                           written, but answered in the archive); 0 = none */
} jwg_schedule_t;

/* Build the schedule. Returns 0 or -1 (out of memory). */
int jwg_schedule_build(const jwg_world_t *w, const jwg_shares_t *shares, jwg_schedule_t *s);
void jwg_schedule_free(jwg_schedule_t *s);

/* File name of entry e: NNNNNNN-jwXXX-<afzender>-<identificatie>.xml with
 * at least 7 digits (more when the archive needs them). */
void jwg_entry_name(const jwg_world_t *w, const jwg_schedule_t *s, const jwg_entry_t *e, char *out,
                    size_t outlen);

#endif
