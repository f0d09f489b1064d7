/* ind_internal.h - records, keys and helpers shared inside pkg/indicators.
 *
 * Every stored record is a fixed layout, zero-filled before use, so equal
 * state is equal bytes (jw_ind_digest compares rebuilds byte for byte). */
#ifndef JW_IND_INTERNAL_H
#define JW_IND_INTERNAL_H

#include "indicators/indicators.h"

#define YID_BIN 16

/* The databases of pkg/store, reused with this module's layouts. */
#define DB_CELLS JW_DB_MESSAGES
#define DB_SETS JW_DB_YOUTHS
#define DB_HISTS JW_DB_DELIVERIES
#define DB_EPISODES JW_DB_ALLOCATIONS
#define DB_YOUTHIDX JW_DB_REQUESTS
#define DB_MONTHS JW_DB_DECLARATIONS
#define DB_CONTRIB JW_DB_EVENT_IDS
#define DB_BAD JW_DB_DEADLETTERS

#define IND_SCHEMA 3u /* 2: IND-26 (H_KM) and episodes clamped to the data span (engine.c span_t); 3: cross cells; an older store needs --rebuild */

/* ---- events ---- */

typedef enum {
    EV_NONE = 0,
    EV_REQUEST,
    EV_START,
    EV_STOP,
    EV_TRANSFER,
    EV_RECIDIVE,
    EV_DSTART,
    EV_DSTOP,
    EV_DECLARED,
    EV_RETRACT,
    EV_REFUSED,  /* a declaration line a JW325 refused: not awarded */
    EV_MSG_REFUSED, /* a heenbericht its receiver refused (reason = 301...; credit = code 0001) */
    EV_REQ_REFUSED, /* a request a JW319 refused (wait_days = days to that answer) */
} ev_type_t;

#define IND_NONE32 INT32_MIN

/* One event as the engine reads it; also the contribution record stored
 * under the event id (what a retraction takes back). */
typedef struct {
    uint8_t type;
    uint8_t continued;    /* stop: a doorstroom start follows */
    uint8_t has_wait;     /* delivery_start: wait_days present */
    uint8_t credit;       /* declared: a credit line */
    int8_t cls;           /* start/recidive/stop: jw_class_t, -1 none */
    uint8_t verblijf;     /* the segment is residential in the profile */
    uint8_t has_toew;     /* toewijzing present */
    uint8_t has_norm;     /* the segment has a wait norm */
    uint8_t id[8];
    uint8_t yid[YID_BIN];
    uint8_t retracts[8];
    int64_t toewijzing;
    int64_t volume;
    int64_t amount;
    int32_t date, start, request_date, toewijzingsdatum, msg_date; /* IND_NONE32 = absent */
    int32_t duration, wait_days, reason, norm_days;                /* reason -1 = absent */
    char gemeente[9];
    char aanbieder[9];     /* transfer: to_aanbieder */
    char from_aanbieder[9];
    char unit[3];
    char segment[33];
    char pad[3];
} ev_t;

/* Parse one event. The profile gives verblijf and wait norms; its name
 * must equal the event's `profile` (else *profile_mismatch = 1). Returns
 * 0, or -1 with a reason in err. */
int ind_event_parse(const char *json, size_t len, const jw_profile_t *profile, ev_t *out,
                    int *profile_mismatch, char *err, size_t errlen);
/* The same from a binary event record as the state store keeps it
 * (event.h): the same ev_t, the same errors. */
int ind_event_from_record(const void *rec, size_t len, const jw_profile_t *profile, ev_t *out,
                          int *profile_mismatch, char *err, size_t errlen);

/* ---- cell keys ---- */

/* Stored period: kind, year (big-endian), index. */
typedef struct {
    uint8_t b[4];
} per4_t;

per4_t ind_per4(jw_ind_period_t p);
jw_ind_period_t ind_per_from4(per4_t k);

/* Dimensions in keys. */
#define DIM_TOTAL 'T'
#define DIM_GEMEENTE 'G'
#define DIM_AANBIEDER 'A'
#define DIM_SEGMENT 'S'
/* Cross cells: every combination of gemeente (bit 1), aanbieder (bit 2)
 * and segment (bit 4) that occurs, kept like the single breakdowns (which
 * are their margins). The value is the parts in the order gemeente,
 * aanbieder, segment joined by '|' (none of them can hold '|'), e.g.
 * "0505|75750011|verblijf"; a cell exists only when every part is known. */
#define DIM_GA 'P'
#define DIM_GS 'Q'
#define DIM_AS 'R'
#define DIM_GAS 'X'
#define IND_CROSS_G 1
#define IND_CROSS_A 2
#define IND_CROSS_S 4
#define IND_VAL_MAX 64 /* a cell value incl. the NUL: 8 + 1 + 8 + 1 + 32 + 1 */
/* The dimension of a mask of IND_CROSS_* bits (0 = DIM_TOTAL). */
char ind_dim_of(int mask);
/* Its mask; -1 for an unknown dimension. */
int ind_dim_mask(char dim);
/* The value of a cell of mask from the three parts (NULL or "" = none):
 * 0 and the value in buf (IND_VAL_MAX), or -1 when a part of the mask is
 * missing (no such cell). */
int ind_dim_value(int mask, const char *g, const char *a, const char *s, char buf[IND_VAL_MAX]);
/* Part bit (one of IND_CROSS_*) of the value of a cell of mask, into
 * out (IND_VAL_MAX); "" when the mask does not hold it. */
void ind_dim_part(int mask, const char *val, int bit, char out[IND_VAL_MAX]);

/* Counter quantities (cells). */
enum {
    Q_Y01 = 1,  /* distinct youths with an episode on a day of the period */
    Q_Y01S,     /* distinct youths in care on the period's last day */
    Q_Y02,
    Q_Y02S,
    Q_CLS0,     /* starts by class: Q_CLS0 + jw_class_t (5 codes) */
    Q_RET = Q_CLS0 + 5, /* recidive events (the profile's return to care) */
    Q_UIT,      /* stops with continued = false */
    Q_O32N,     /* ... of which without a new start by the follow-up end */
    Q_DSTOP,    /* delivery stops, reason 20 excluded */
    Q_DROP,     /* ... with reason 32-35 */
    Q_ETM,      /* declared etmalen on verblijf segments (net) */
    Q_Y13,      /* distinct youths with net etmalen != 0 */
    Q_W_N,      /* delivery starts with a wait (= H_WAIT count) */
    Q_W_NORMED, /* ... in a segment with a wait norm */
    Q_W_WITHIN, /* ... within it */
    Q_WAITLIST, /* allocations waiting at the period's last day */
    Q_14B_N,    /* starts with a request date (= H_14B count) */
    Q_DUR_N,    /* stops (= H_DUR count) */
    Q_TRF,      /* transfer events */
    Q_Y15,      /* distinct youths with a transfer in a verblijf segment */
    Q_COST,     /* declared cents, signed */
    Q_Y16,      /* distinct youths with net declared cents != 0 */
    Q_T23_N,    /* delivery messages with a message date */
    Q_T23_OK,   /* ... sent within 5 working days */
    Q_KM_N,     /* IND-26: episodes started in the period (= H_KM count) */
    Q_REFUSED,  /* declared cents a JW325 refused (never in Q_COST) */
    Q_R24,      /* refused heenberichten (IND-24) */
    Q_R24_TECH, /* ... with code 0001 (in-message rules) */
    Q_R24_301, Q_R24_305, Q_R24_307, Q_R24_315, Q_R24_323, /* ... by message */
    Q_R25_REQ,  /* requests by request date (IND-25) */
    Q_R25_REF,  /* ... refused by a JW319 (= H_25 count) */
};

/* Sets (distinct yids); each keeps its count in the matching Q_. */
enum { S_Y01 = 1, S_Y01S, S_Y02, S_Y02S, S_Y13, S_Y15, S_Y16 };
/* Distributions. */
enum { H_DUR = 1, H_WAIT, H_14B, H_KM, H_25 };
/* IND-26: an H_KM value is duration_days * 2 + event (1 = ended by the
 * horizon, 0 = still in care there: censored), by the start's period. */

/* Cell key: q | per4 | dim | value bytes. Returns the length. */
size_t ind_cell_key(uint8_t *key, int q, per4_t p, char dim, const char *val);
/* Set/hist key prefix: code | per4 | dim | value | 0. */
size_t ind_sub_prefix(uint8_t *key, int code, per4_t p, char dim, const char *val);

uint64_t ind_be64_get(const uint8_t *p);
void ind_be64_put(uint8_t *p, uint64_t v);

/* ---- engine internals used by the query side ---- */

struct jw_ind {
    jw_store_t *st;
    const jw_profile_t *profile;
    int read_only;
    /* events with a seq below this that carry another profile belong to an
     * earlier derivation of the source store (it was re-profiled at this
     * seq, META profile.since): skipped, their retractions applied; 0 = none */
    uint64_t foreign_below;
    /* scratch, reset per use */
    void *items_a, *items_b;
    size_t cap_a, cap_b;
    uint8_t *rec;
    size_t rec_cap;
    uint8_t *rec2;
    size_t rec2_cap;
};

int ind_read_status(jw_txn_t *txn, jw_ind_status_t *st);

/* Catalogue internals: the quantities an indicator's rows come from. */
size_t ind_def_quantities(const jw_ind_def_t *def, int *qs, size_t cap);

#endif
