/* traject.h - per-youth trajectories and derived events (SPEC §3-4).
 *
 * jw_traject_apply() stores what one parsed message says (allocation
 * versions, deliveries, requests, declaration lines) under the youth's
 * pseudonym, re-derives every event of each youth the message touches
 * from the youth's stored facts, and writes the difference to the event
 * log: new events, and `retract` events for events that no longer hold.
 * Derived events are a pure function of the stored facts (latest
 * allocation version by Toewijzingsdatum/-tijd, latest delivery fact by
 * message date), which is what makes the live event set independent of
 * arrival order and of duplicate deliveries (SPEC §4 order invariance).
 * Refusals are facts too (SPEC §3): a retour with an error code, a JW319
 * that refuses a request and a JW325 that refuses declaration lines are
 * stored, and what they refuse is left out of every derivation, whichever
 * of the two messages arrives first (apply.c, "refused messages").
 *
 * Everything happens inside the caller's write transaction, so a batch
 * either commits whole or leaves nothing behind. The counters passed in
 * are added to; a caller that retries a batch (jw_store_write on
 * MDB_MAP_FULL) must reset its batch counters at the start of each try.
 */
#ifndef JW_TRAJECT_H
#define JW_TRAJECT_H

#include <stdint.h>

#include "ijw/ijw.h"
#include "profile/profile.h"
#include "store/store.h"

enum {
    JW_TRAJECT_OK = 0,
    JW_TRAJECT_ENOMEM = -200,
    JW_TRAJECT_ECORRUPT = -201, /* a stored record has an unexpected size */
    JW_TRAJECT_EPROFILE = -202, /* the store was derived with another profile */
};
const char *jw_traject_strerror(int rc);

/* What happened to one message. */
typedef enum {
    JW_APPLIED = 0,
    JW_DUPLICATE,     /* same identity, same content: counted, not applied */
    JW_CONFLICT,      /* same identity (or line identity), other content: dead-lettered */
    JW_DEADLETTERED,  /* failed a layer (jw_traject_deadletter) */
} jw_outcome_t;

typedef struct {
    uint64_t messages;        /* every message offered */
    uint64_t applied;
    uint64_t duplicates;
    uint64_t deadletters;     /* all layers, conflicts included */
    uint64_t deadletters_by_layer[4]; /* index jw_layer_t: XML, XSD, RULE */
    uint64_t events_emitted;  /* not counting retract events */
    uint64_t events_retracted;
    uint64_t applied_legacy[4]; /* applied messages read as iJw 2.1 .. 2.4 */
} jw_traject_counts_t;

void jw_traject_counts_add(jw_traject_counts_t *into, const jw_traject_counts_t *from);

/* Add counts to the totals kept in META, inside the batch's own write
 * transaction, so the stored totals are exact across crashes: a batch
 * that does not commit adds nothing. */
int jw_traject_counts_persist(jw_txn_t *txn, const jw_traject_counts_t *batch);
/* Read the stored totals (zeros for a new store). */
int jw_traject_counts_read(jw_txn_t *txn, jw_traject_counts_t *out);

/* The stored totals and the last event seq together, as a jw_store_read
 * callback: ctx is a jw_traject_totals_t. */
typedef struct {
    uint64_t last_seq;
    jw_traject_counts_t counts;
} jw_traject_totals_t;
int jw_traject_totals_read(jw_txn_t *txn, void *ctx);

typedef struct jw_traject jw_traject_t;

/* An engine with scratch buffers, for one writer thread. It borrows
 * profile, which must outlive it. */
int jw_traject_new(const jw_profile_t *profile, jw_traject_t **out);
void jw_traject_free(jw_traject_t *t);

/* Make sure the store is derived with this engine's profile: records the
 * profile name in META on first use; returns JW_TRAJECT_EPROFILE when the
 * store holds another profile's derivation. */
int jw_traject_check_profile(jw_traject_t *t, jw_txn_t *txn);

/* Apply one valid message (msg from jw_ijw_parse with a pseudonymiser).
 * hash is the SHA-256 of the message bytes. *outcome says what happened. */
int jw_traject_apply(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *msg,
                     const unsigned char hash[32], jw_outcome_t *outcome,
                     jw_traject_counts_t *counts);
/* The same, naming where the message came from (file or archive entry,
 * as for jw_traject_deadletter; NULL = unknown): a conflict (TR056,
 * TR314) is dead-lettered with that source. source is only read during
 * the call. */
int jw_traject_apply_from(jw_traject_t *t, jw_txn_t *txn, const jw_ijw_msg_t *msg,
                          const char *source, const unsigned char hash[32],
                          jw_outcome_t *outcome, jw_traject_counts_t *counts);

/* Store a dead letter for a message that failed a layer. source names where
 * it came from (file or archive entry; never message content); err holds no
 * BSN (ijw.h). Dead letters are keyed by content hash: the same bytes twice
 * count once as a dead letter and then as a duplicate. The message bytes
 * themselves are not stored (they hold a BSN in clear). */
int jw_traject_deadletter(jw_traject_t *t, jw_txn_t *txn, const char *source,
                          const unsigned char hash[32], const jw_ijw_error_t *err,
                          jw_outcome_t *outcome, jw_traject_counts_t *counts);

/* Change the profile of a store (SPEC §6) without replaying: inside the
 * caller's write transaction, every youth's events are derived again from
 * the stored facts under t's profile and the difference written as usual
 * (retract events for the old profile's events, new events under the new
 * one); every live `declared` event is re-issued with the new profile and
 * the new profile's segment. The store then records the new profile and
 * META `profile.since` = the seq of the first event written here: events
 * before it that carry another profile belong to an earlier derivation
 * (a subscriber rebuilding under the new profile skips them, and applies
 * the retractions). Afterwards the live event set is the one a replay of
 * the same messages under the new profile gives. Same profile: nothing
 * happens (*changed = 0). counts get the emitted/retracted events. */
int jw_traject_reprofile(jw_traject_t *t, jw_txn_t *txn, int *changed, jw_traject_counts_t *counts);

/* Derive every youth's events from the stored facts under `profile`
 * without writing anything (a temporary derivation, e.g. to compare
 * profiles over one store): cb gets each event as {"id","seq",body} JSON
 * with a running seq from 1; declared events are not included (they are
 * not derived from facts). cb's nonzero return stops and is returned. */
typedef int (*jw_traject_event_cb)(uint64_t seq, const char *json, size_t len, void *ctx);
int jw_traject_derive_all(const jw_profile_t *profile, jw_txn_t *txn, jw_traject_event_cb cb,
                          void *ctx);

/* Whether the event at seq is live: it is in the log, is not itself a
 * `retract` event, and no retract event took it back (JW_DB_RETRACTED).
 * *live = 0 for a seq not in the log. Any thread, inside txn. */
int jw_traject_event_live(jw_txn_t *txn, uint64_t seq, int *live);

/* Every live event, in seq order: cb gets its seq and stored record
 * (event.h; valid during the call only). Memory: 8 bytes per retracted
 * event, for the call. cb's nonzero return stops and is returned. */
typedef int (*jw_traject_record_cb)(uint64_t seq, const void *rec, size_t len, void *ctx);
int jw_traject_live_events(jw_txn_t *txn, jw_traject_record_cb cb, void *ctx);

/* Message identity "BerichtCode/Afzender/Identificatie" into buf (>= 32). */
void jw_traject_msg_identity(const jw_ijw_msg_t *msg, char buf[32]);

#endif
