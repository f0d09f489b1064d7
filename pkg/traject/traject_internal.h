/* traject_internal.h - fact records and derivation, shared inside
 * pkg/traject. Records are stored as these structs (zero-filled before
 * use so padding is deterministic); the store's schema version covers
 * their layout. */
#ifndef JW_TRAJECT_INTERNAL_H
#define JW_TRAJECT_INTERNAL_H

#include "traject/traject.h"
#include "event/event.h"
#include "json/json.h"

#define MSGID_LEN 32

/* One allocation version (a JW301 ToegewezenProduct). */
typedef struct {
    char msg[MSGID_LEN];
    char gemeente[9];
    char aanbieder[9];
    int64_t tn;
    char categorie[3];
    char code[6];
    int32_t toewijzingsdatum;
    int32_t toewijzingstijd;
    int32_t ingang;
    int32_t eind;          /* JW_DATE_NONE when open */
    int32_t reden;         /* JW_NONE when absent */
    char referentie[37];
    uint8_t content[8];    /* hash of the version's fields: tie-break */
    uint8_t legacy;        /* N when read as iJw 2.N (legacy path), else 0 */
} rec_alloc_t;

/* One JW305 StartProduct or JW307 StopProduct. */
typedef struct {
    char msg[MSGID_LEN];
    char gemeente[9];
    char aanbieder[9];
    int64_t tn;            /* JW_NONE when absent */
    char categorie[3];
    char code[6];
    int32_t kind;          /* 305 or 307 */
    int32_t begin;
    int32_t eind;          /* 307 only */
    int32_t reden;         /* 307 only */
    int32_t status;        /* 1 add/replace, 3 delete */
    int32_t dagtekening;
    uint8_t legacy;        /* N when read as iJw 2.N (legacy path), else 0 */
} rec_delivery_t;

/* One JW315 AangevraagdProduct. */
typedef struct {
    char msg[MSGID_LEN];
    char gemeente[9];
    char aanbieder[9];
    char referentie[37];
    char categorie[3];
    char code[6];
    int32_t ingang;
    int32_t dagtekening;
    int32_t verwijzer;
    uint8_t legacy;        /* N when read as iJw 2.N (legacy path), else 0 */
} rec_request_t;

/* The legacy marks of alloc and delivery records sit in what was padding
 * (their size did not change); the request record grew (schema 2). */
_Static_assert(sizeof(rec_alloc_t) == 144, "rec_alloc_t layout");
_Static_assert(sizeof(rec_delivery_t) == 104, "rec_delivery_t layout");

/* What a message can change in one youth's events. Every derived event
 * belongs to one scope, named by a tag (traject_scope_tag):
 *   the allocation chain ('A'): start, recidive, transfer, stop - they
 *     depend on every allocation and on the requests their episodes name;
 *   the deliveries of one allocation ('D', a = gemeente, tn): the
 *     delivery_start/_stop events of that (gemeente, ToewijzingNummer),
 *     from its JW305/JW307 facts and its own allocation versions;
 *   one request ('Q', a = aanbieder, ref = ReferentieAanbieder): its
 *     `request` or `request_refused` event.
 * A JW305/JW307 changes the 'D' scope of its allocations only; a JW301
 * the chain and the 'D' scope of its allocations; a JW315 the chain and
 * its 'Q' scopes; a refusal (retour, JW319, JW320) or a new profile
 * everything. Only the scopes a message changes are derived again. */
typedef struct {
    char kind;                   /* 'A', 'D' or 'Q' */
    char a[9];                   /* D: gemeente, Q: aanbieder */
    int64_t tn;                  /* D */
    char ref[37];                /* Q */
} scope_key_t;

#define SCOPE_KEYS 8             /* more in one message: derive everything */

typedef struct {
    int all;                     /* every scope */
    int chain;                   /* the allocation chain */
    size_t n;
    scope_key_t key[SCOPE_KEYS]; /* 'D' and 'Q' scopes */
} scope_t;

/* A scope's key, cut to the fields' sizes and zero-filled (padding too),
 * as every tag of it is worked out from. */
void traject_scope_key(char kind, const char *a, int64_t tn, const char *ref, scope_key_t *k);
/* The tag of a scope (a keyed 64-bit hash of its key). */
void traject_scope_tag(char kind, const char *a, int64_t tn, const char *ref, uint8_t tag[8]);
/* Whether sc (NULL = everything) takes in the scope. */
int traject_scope_has(const scope_t *sc, char kind, const char *a, int64_t tn, const char *ref);

/* One derived event before it gets an id and a seq. */
typedef struct {
    uint8_t dig[8];              /* traject_body_digest of the body */
    uint8_t tag[8];              /* traject_scope_tag of its scope */
    uint8_t id[8];               /* the event id, once worked out (new events) */
    jw_date_t date;
    size_t body_off, body_len;   /* into the derivation's body buffer */
    char gemeente[9];
} derived_t;

typedef struct {
    derived_t *ev;
    size_t n, cap;
    jw_event_w_t text;           /* all binary bodies (event.h), back to back */
    jw_event_w_t one;            /* scratch for the body being built */
} derivation_t;

/* Finish the body being built in out->one and add it to out as an event
 * of the scope with this tag (its digest worked out; its id is not).
 * Returns 0 or JW_TRAJECT_ENOMEM. */
int traject_emit(derivation_t *out, jw_date_t date, const char *gemeente, const uint8_t tag[8]);

/* Derive the events of one youth in the scopes sc takes in (NULL: every
 * event) from its facts (pure: same facts, same events). yid is the
 * 32-hex pseudonym. Returns 0 or JW_TRAJECT_ENOMEM. */
int traject_derive(const jw_profile_t *profile, const char *yid,
                   const rec_alloc_t *allocs, size_t n_allocs,
                   const rec_delivery_t *dels, size_t n_dels,
                   const rec_request_t *reqs, size_t n_reqs,
                   const scope_t *sc, derivation_t *out);

/* apply.c's steps, for reprofile.c: re-derive one youth and write the
 * difference; append an event body; retract a live event. */
int traject_rederive(jw_traject_t *t, jw_txn_t *txn, const char *yid_hex, const char *cause,
                     jw_traject_counts_t *counts);
/* Derive one youth's events in the scopes sc takes in (NULL: all) from
 * its stored facts, less what a receiver refused (the facts a retour or
 * JW319 refused, refused requests), into traject_derivation(t); writes
 * nothing. The derivation is valid until the
 * next call with t. */
int traject_derive_youth(jw_traject_t *t, jw_txn_t *txn, const uint8_t yid[16], const char *yid_hex,
                         const scope_t *sc);
derivation_t *traject_derivation(jw_traject_t *t);
/* Log a new event: its id is worked out from the body (event.h). */
int traject_log_event(jw_traject_t *t, jw_txn_t *txn, const uint8_t *body, size_t body_len,
                      uint8_t id_out[8], uint64_t *seq_out);
int traject_log_retract(jw_traject_t *t, jw_txn_t *txn, const char *cause, const char *yid,
                        const uint8_t old_id[8], uint64_t old_seq);
const jw_profile_t *traject_profile(const jw_traject_t *t);

/* The digest a re-derivation compares (not the event id). */
void traject_body_digest(const uint8_t *body, size_t len, uint8_t dig[8]);

#endif
