/* event.h - derived events (SPEC §4): the schema, a compact binary record
 * (what the store keeps), a typed writer, a typed reader, and the JSON
 * rendering every edge shows (JSON Lines, PUB, HTTP).
 *
 * A record is
 *     version (1 byte, JW_EVENT_VERSION) | id (8 bytes) | body
 * and the body is a sequence of fields, each
 *     key (1 byte, jw_event_key_t) | tag (1 byte) | payload
 * with the payload by tag: STR = varint length + bytes; HEX = 16 bytes
 * (a 32-digit lower-case hex string, e.g. a pseudonym, kept as binary);
 * INT = zigzag varint; DATE = zigzag varint of a jw_date_t; BOOL_F,
 * BOOL_T, NULL and CLOSE = nothing; OPEN = a nested object until its
 * CLOSE (one level, e.g. "prev"). Fields keep the order they were
 * written in, so the JSON of a body is a function of its bytes and the
 * same writer calls always give the same bytes: the rendering is exactly
 * the JSON text jw_json would have built with the same calls.
 *
 * The event id is the first 8 bytes of BLAKE2b over that JSON body text
 * (the part between {"id":..,"seq":N, and the closing brace), as it was
 * when the store kept JSON, so ids did not change with the record format.
 *
 * Ownership: a writer owns its buffer (init/free). Readers only borrow the
 * record bytes: a jw_event_view_t points into them and is valid while
 * they are. Every function is reentrant; no shared state.
 */
#ifndef JW_EVENT_H
#define JW_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "date/date.h"
#include "json/json.h"

enum {
    JW_EVENT_OK = 0,
    JW_EVENT_ENOMEM = -900,
    JW_EVENT_EBADREC = -901,  /* not a well-formed record */
    JW_EVENT_ENOTFOUND = -902,/* no such field */
    JW_EVENT_ETYPE = -903,    /* the field holds another kind of value */
    JW_EVENT_ETOOLONG = -904, /* a string does not fit the caller's buffer */
};
const char *jw_event_strerror(int rc);

#define JW_EVENT_VERSION 1
#define JW_EVENT_HEAD 9 /* version + id */

/* Every field name an event can carry. The numbers are stored: append
 * new keys at the end, never renumber. */
typedef enum {
    JW_EK_NONE = 0,
    JW_EK_TYPE, JW_EK_PROFILE, JW_EK_MSG, JW_EK_YID, JW_EK_RELEASE,
    JW_EK_GEMEENTE, JW_EK_AANBIEDER, JW_EK_TOEWIJZING, JW_EK_SEGMENT, JW_EK_CATEGORIE,
    JW_EK_PRODUCT, JW_EK_DATE, JW_EK_CLASS, JW_EK_GAP_DAYS, JW_EK_PREV,
    JW_EK_END, JW_EK_REQUEST_DATE, JW_EK_TOEWIJZINGSDATUM, JW_EK_FROM_AANBIEDER,
    JW_EK_TO_AANBIEDER, JW_EK_PREV_TOEWIJZING, JW_EK_START, JW_EK_REASON,
    JW_EK_DURATION_DAYS, JW_EK_CONTINUED, JW_EK_MSG_DATE, JW_EK_WAIT_DAYS,
    JW_EK_VERWIJZER, JW_EK_PERIOD, JW_EK_VOLUME, JW_EK_UNIT, JW_EK_AMOUNT_CENTS,
    JW_EK_REFERENTIE, JW_EK_CREDITS, JW_EK_RETRACTS, JW_EK_RETRACTS_SEQ,
    JW_EK_REFUSES, JW_EK_CODES, JW_EK_CODE, JW_EK_REDEN, JW_EK_MESSAGE, JW_EK_LINE,
    JW_EK_DAYS, JW_EK_IDENTITY, JW_EK_SOURCE, JW_EK_RULE, JW_EK_LAYER,
    JW_EK_COUNT /* not a key */
} jw_event_key_t;

/* The JSON name of a key; NULL for JW_EK_NONE / out of range. */
const char *jw_event_key_name(jw_event_key_t k);
/* The key with this JSON name, JW_EK_NONE when there is none. */
jw_event_key_t jw_event_key_lookup(const char *name, size_t len);

/* ---- writing ---- */

/* Builds one body. Like jw_json_t, a writer never fails midway: an
 * allocation failure is remembered and reported by jw_event_w_finish(). */
typedef struct {
    uint8_t *buf; /* owned */
    size_t len, cap;
    int failed;
    int depth;    /* 0 at the top level, 1 inside an open field */
} jw_event_w_t;

void jw_event_w_init(jw_event_w_t *w);
void jw_event_w_reset(jw_event_w_t *w);
void jw_event_w_free(jw_event_w_t *w);

void jw_event_w_str(jw_event_w_t *w, jw_event_key_t k, const char *v); /* NULL -> null */
void jw_event_w_int(jw_event_w_t *w, jw_event_key_t k, int64_t v);
void jw_event_w_null(jw_event_w_t *w, jw_event_key_t k);
void jw_event_w_bool(jw_event_w_t *w, jw_event_key_t k, int v);
/* A date, rendered as jw_date_format() writes it ("YYYY-MM-DD"; the empty
 * string for JW_DATE_NONE, as a formatted date always was). */
void jw_event_w_date(jw_event_w_t *w, jw_event_key_t k, jw_date_t d);
void jw_event_w_open(jw_event_w_t *w, jw_event_key_t k);
void jw_event_w_close(jw_event_w_t *w);
/* Append the fields of another body verbatim (it must be well formed). */
void jw_event_w_raw(jw_event_w_t *w, const uint8_t *body, size_t len);

/* Append a body's fields with the top-level fields of key k[i] written
 * as the string v[i] instead (in place, same order); n replacements.
 * JW_EVENT_EBADREC when body is not well formed. */
int jw_event_w_copy(jw_event_w_t *w, const uint8_t *body, size_t len, const jw_event_key_t *k,
                    const char *const *v, size_t n);

/* JW_EVENT_OK, or JW_EVENT_ENOMEM after a failed allocation. */
int jw_event_w_finish(const jw_event_w_t *w);

/* ---- ids, records, JSON ---- */

/* The body's JSON text (fields only, no braces) appended to out
 * (out->depth is set to 1 first). JW_EVENT_EBADREC for a bad body. */
int jw_event_body_json(const uint8_t *body, size_t len, jw_json_t *out);

/* The event id of a body: BLAKE2b-64 of its JSON text; scratch is a
 * caller-owned builder used for the text. */
int jw_event_body_id(const uint8_t *body, size_t len, jw_json_t *scratch, uint8_t id[8]);

/* A record for (id, body) into out (cap >= JW_EVENT_HEAD + len). */
void jw_event_record(const uint8_t id[8], const uint8_t *body, size_t len, uint8_t *out);

/* Check a whole record (version, id, every field in bounds, objects
 * closed, known keys and tags). Any byte string is safe to pass. */
int jw_event_check(const void *rec, size_t len);

/* The record as the JSON object every edge shows:
 *     {"id":"<16 hex>","seq":N,<body>}
 * appended to out after a reset. */
int jw_event_json(const void *rec, size_t len, uint64_t seq, jw_json_t *out);

/* ---- reading ---- */

/* A field of a decoded record (top level only; a nested object's fields
 * are reachable through jw_event_view_sub()). */
typedef struct {
    uint8_t tag;          /* 0 = absent */
    const uint8_t *p;     /* STR: bytes; HEX: 16 bytes; OPEN: first nested field */
    size_t n;             /* STR: length; OPEN: bytes up to its CLOSE */
    int64_t i;            /* INT, DATE, BOOL */
} jw_event_field_t;

typedef struct {
    const uint8_t *id;    /* 8 bytes */
    const uint8_t *body;
    size_t body_len;
    jw_event_field_t f[JW_EK_COUNT];
} jw_event_view_t;

/* Decode a record (checked as jw_event_check does) into v. */
int jw_event_view(const void *rec, size_t len, jw_event_view_t *v);
/* Decode a nested object's fields (a field with tag OPEN) into sub. */
int jw_event_view_sub(const jw_event_field_t *f, jw_event_view_t *sub);

/* Typed getters. A null field is JW_EVENT_ENOTFOUND for every getter
 * except jw_event_is_null(). */
int jw_event_is_null(const jw_event_view_t *v, jw_event_key_t k);  /* 1 when present and null */
/* A string (STR, or HEX rendered as 32 lower-case hex digits) into out;
 * JW_EVENT_ETOOLONG when it does not fit cap (out is then empty). */
int jw_event_get_str(const jw_event_view_t *v, jw_event_key_t k, char *out, size_t cap);
/* A string field's bytes without copying (STR only). */
int jw_event_get_bytes(const jw_event_view_t *v, jw_event_key_t k, const char **p, size_t *n);
int jw_event_get_int(const jw_event_view_t *v, jw_event_key_t k, int64_t *out);
int jw_event_get_date(const jw_event_view_t *v, jw_event_key_t k, jw_date_t *out);
int jw_event_get_bool(const jw_event_view_t *v, jw_event_key_t k, int *out);

#endif
