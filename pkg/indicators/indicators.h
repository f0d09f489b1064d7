/* indicators.h - the indicator subscriber's engine (SPEC §5): consumes the
 * derived event stream in seq order and keeps the indicator catalogue
 * (IND-01 ... IND-23) per month, quarter, half-year and year, broken down
 * by gemeente, aanbieder and segment, in its own LMDB store.
 *
 * Definitions (our precise reading of SPEC §5) are in docs/indicators.md;
 * every number below is a function of the LIVE events only (emitted and
 * not retracted), so a retraction removes exactly what the retracted event
 * added, and a rebuild from seq 0 gives the same state byte for byte.
 *
 * State store. jw_ind_open() opens (creating) an LMDB store in its own
 * directory through pkg/store and reuses its named databases with this
 * module's own layouts:
 *   messages     -> cells: (quantity, period, dimension, value) -> int64
 *   youths       -> distinct-youth sets: (set, period, dim, value, yid) -> int64
 *   deliveries   -> distributions: (hist, period, dim, value, x) -> count
 *   allocations  -> episodes: (yid, gemeente, toewijzing) -> episode record
 *   requests     -> per-youth index for IND-09 (starts, ended episodes)
 *   declarations -> live observed dates per month (the data horizon)
 *   event_ids    -> contributions: event id -> the parsed event it applied
 *   deadletters  -> events that could not be read: seq -> reason
 *   meta         -> ind.last_seq, counters, profile name, horizon
 * All changes of one batch of events and the new last seq commit in one
 * write transaction, so a restart resumes exactly after the last
 * committed seq.
 *
 * Threads: one jw_ind_t per store per process; the consume functions from
 * one thread; queries may run from the same thread between batches.
 *
 * Ownership: jw_ind_open() returns an engine the caller frees with
 * jw_ind_close(); it borrows the profile, which must outlive it. Result
 * structs are filled by the query functions and freed with
 * jw_ind_result_free(); strings in them point into the catalogue (static)
 * or the profile.
 */
#ifndef JW_INDICATORS_H
#define JW_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "date/date.h"
#include "json/json.h"
#include "profile/profile.h"
#include "store/store.h"

enum {
    JW_IND_OK = 0,
    JW_IND_ENOMEM = -700,
    JW_IND_EARG = -701,     /* NULL or out-of-range argument */
    JW_IND_EGAP = -702,     /* an event's seq is not last_seq + 1: catch up from the log */
    JW_IND_EPROFILE = -703, /* the store or an event belongs to another profile */
    JW_IND_ECORRUPT = -704, /* a stored record has an unexpected size */
    JW_IND_EQUERY = -705,   /* a bad query (message in err) */
    JW_IND_ENOTFOUND = -706,/* no such indicator */
    JW_IND_EIO = -707,      /* removing the store files for a rebuild failed */
    JW_IND_ESTALE = -708,   /* the indicator store is ahead of the event log: another or a
                               rebuilt state store; rebuild the indicators */
    JW_IND_ESCHEMA = -709,  /* the store was built by a version with another layout: rebuild */
};
/* A static message; store codes are passed to jw_store_strerror. */
const char *jw_ind_strerror(int rc);

/* ---- periods ---- */

/* kind: 'Y' year (index 0), 'H' half-year (1-2), 'Q' quarter (1-4),
 * 'M' month (1-12), 'R' rolling 12 months ending with month `index` of
 * `year` (computed at query time from the 12 months). */
typedef struct {
    char kind;
    int year;
    int index;
} jw_ind_period_t;

/* Parse "2024", "2024-H1", "2024-Q3", "2024-06" or "R12-2024-06"
 * (years 1900-2199). Returns 0 or -1. */
int jw_ind_period_parse(const char *s, jw_ind_period_t *out);
/* Write the text form (as parsed) into buf (>= 16 bytes). */
void jw_ind_period_format(jw_ind_period_t p, char buf[16]);
/* First and last day of the period. */
jw_date_t jw_ind_period_first(jw_ind_period_t p);
jw_date_t jw_ind_period_last(jw_ind_period_t p);
/* The period of kind ('Y','H','Q','M','R') that holds (for R: ends with
 * the month of) day d. */
jw_ind_period_t jw_ind_period_of(char kind, jw_date_t d);
/* The next / previous period of the same kind (R: the window one month
 * later / earlier). */
jw_ind_period_t jw_ind_period_next(jw_ind_period_t p);
jw_ind_period_t jw_ind_period_prev(jw_ind_period_t p);

/* Dutch working days (IND-23): Monday-Friday except the holidays of the
 * Algemene termijnenwet art. 3 (see docs/indicators.md). */
int jw_ind_is_working_day(jw_date_t d);
/* The n-th working day after d (n >= 1; d itself is not counted). */
jw_date_t jw_ind_add_working_days(jw_date_t d, int n);

/* ---- the catalogue ---- */

typedef enum {
    JW_IND_UNIT_COUNT = 0, /* a count of youths, events or allocations (small-cell rule applies) */
    JW_IND_UNIT_PERCENT,
    JW_IND_UNIT_DAYS,
    JW_IND_UNIT_EUR,
    JW_IND_UNIT_ETMAAL,    /* a sum of declared etmalen (not a count of people) */
    JW_IND_UNIT_PER1000,   /* per 1,000 inhabitants of an age band (profile population) */
} jw_ind_unit_t;

#define JW_IND_MAX_COLS 12

typedef struct {
    const char *name;  /* "youths", "share_pct", ... (JSON/CSV name) */
    const char *label; /* human column title */
    jw_ind_unit_t unit;
} jw_ind_column_t;

typedef struct {
    const char *id;         /* "IND-01" */
    const char *name;       /* Dutch name */
    const char *name_en;
    const char *definition; /* our precise reading, one paragraph */
    size_t n_cols;
    jw_ind_column_t cols[JW_IND_MAX_COLS];
    int headline;           /* index of the column shown in charts and the index */
} jw_ind_def_t;

size_t jw_ind_catalogue_count(void);
const jw_ind_def_t *jw_ind_catalogue(size_t i); /* NULL past the end */
/* Look an id up ("IND-01", case-insensitive; "IND-14B" = "IND-14b"); NULL if unknown. */
const jw_ind_def_t *jw_ind_find(const char *id);

/* ---- the engine ---- */

typedef struct jw_ind jw_ind_t;

typedef struct {
    size_t map_size; /* initial LMDB map; 0 = 64 MiB (grows by itself) */
    int replay;      /* no fsync per commit (bulk catch-up); jw_ind_close syncs */
    int read_only;   /* queries only: nothing is consumed */
} jw_ind_options_t;

/* Open (creating) the indicator store in dir. The store remembers the
 * profile's name; opening it with another profile gives JW_IND_EPROFILE
 * (rebuild with the new profile instead). */
int jw_ind_open(const char *dir, const jw_profile_t *profile, const jw_ind_options_t *opt,
                jw_ind_t **out);
/* Sync (replay mode) and close; NULL-safe. */
void jw_ind_close(jw_ind_t *ind);

/* Delete the store files in dir (data.mdb, lock.mdb) so that the next
 * open starts from seq 0. The directory itself stays. No engine may have
 * it open. Returns 0 (also when there was nothing), or JW_IND_EIO. */
int jw_ind_remove_store(const char *dir);

/* The profile name recorded in the store at dir (for opening it with the
 * right profile): 0 and name in buf, JW_STORE_NOTFOUND, or a store code. */
int jw_ind_stored_profile(const char *dir, char *buf, size_t cap);

/* One event from the stream. */
typedef struct {
    uint64_t seq;
    const char *json; /* the event's JSON text (not NUL-terminated), or a record */
    size_t len;
    int record;       /* json is a binary event record (event.h), as the state store keeps it */
} jw_ind_event_t;

/* Consume events in one durable write transaction. Events with seq <=
 * last_seq are skipped (already applied: catch-up and live may overlap).
 * The first event must have seq = last_seq + 1 and each next one its
 * predecessor's seq + 1, else nothing is applied and JW_IND_EGAP is
 * returned (a subscriber then catches up from the log). An event that
 * cannot be read (bad JSON, missing field) is counted and recorded as a
 * dead letter, and its seq still counts as consumed; an event of another
 * profile stops the batch with JW_IND_EPROFILE (nothing applied).
 * *applied (may be NULL) gets the number of events applied. */
int jw_ind_consume_batch(jw_ind_t *ind, const jw_ind_event_t *ev, size_t n, size_t *applied);

/* The live-mode entry point: one event (its JSON text and seq), one
 * transaction. Same rules as jw_ind_consume_batch. */
int jw_ind_consume(jw_ind_t *ind, uint64_t seq, const char *json, size_t len);

/* Catch up from a jw state store's event log: every event after the
 * engine's last seq, in batches of `batch` events (0 = 2000), each batch
 * one write transaction. src may be opened read-only (by this process or
 * shared with its writer). JW_IND_ESTALE when the log ends before our last
 * seq (the state store was replaced: rebuild). *applied (may be NULL) gets
 * the number consumed.
 *
 * Live mode: feed events as they come with jw_ind_consume(); on
 * JW_IND_EGAP call jw_ind_catch_up() (or feed the catch-up endpoint's
 * events to jw_ind_consume_batch()) and go on. */
int jw_ind_catch_up(jw_ind_t *ind, jw_store_t *src, size_t batch, uint64_t *applied);

typedef struct {
    uint64_t last_seq;        /* the last seq applied */
    uint64_t events;          /* events consumed (retracts included) */
    uint64_t retracts;        /* retract events applied */
    uint64_t retracts_unknown;/* retracts naming an id we never saw live */
    uint64_t ignored;         /* events of a type no indicator uses */
    uint64_t bad;             /* unreadable events (dead letters) */
    int64_t updated;          /* unix time of the last commit, 0 = never */
    jw_date_t horizon;        /* last day of the data horizon month, JW_DATE_NONE = no data */
    jw_date_t first;          /* first day of the earliest month with data */
    char profile[65];
} jw_ind_status_t;

int jw_ind_status(jw_ind_t *ind, jw_ind_status_t *out);

/* SHA-256 over every indicator database (not META): equal digests mean
 * equal state. For the rebuild and retraction tests. */
int jw_ind_digest(jw_ind_t *ind, unsigned char out[32]);

/* ---- queries ---- */

typedef enum {
    JW_IND_BY_TOTAL = 0,
    JW_IND_BY_GEMEENTE,
    JW_IND_BY_AANBIEDER,
    JW_IND_BY_SEGMENT,
} jw_ind_by_t;

/* "total", "gemeente", "aanbieder", "segment"; parse returns -1 if unknown. */
const char *jw_ind_by_name(jw_ind_by_t by);
int jw_ind_by_parse(const char *s, jw_ind_by_t *out);

typedef struct {
    const char *indicator; /* "IND-01" */
    int has_period;        /* 1: period below; 0: a series */
    jw_ind_period_t period;
    char series;           /* !has_period: 'Y' (default when 0), 'H', 'Q', 'M', 'R': every
                              period of that kind from the first data month to the horizon */
    jw_ind_by_t by;        /* TOTAL: one row per period; else a total row, then one per value */
    int public_;           /* apply small-cell suppression */
    /* Slicers: keep only this gemeente (CBS code), aanbieder (AGB code) and/or
     * segment (NULL or "" = all). The rows are then the cross cells: the
     * total row is the filtered combination, a breakdown row adds one value
     * of `by` (which must not be a filtered dimension). Targets stay
     * regional (evaluated on the whole region or their segment). */
    const char *gemeente, *aanbieder, *segment;
} jw_ind_query_t;

enum { JW_IND_V_OK = 0, JW_IND_V_NA, JW_IND_V_SUPPRESSED };

typedef struct {
    double v;   /* counts are whole numbers; euros in euros; days; percent 0-100 */
    int state;  /* JW_IND_V_*: NA = no data or undefined (e.g. a share of 0) */
} jw_ind_val_t;

typedef struct {
    jw_ind_period_t period;
    jw_ind_by_t by;         /* TOTAL for the total row */
    char key[33];           /* gemeente code, AGB code, segment name; "" for the total */
    const char *label;      /* segment label from the profile, else "" (render shows the key) */
    int partial;            /* the period runs past the data horizon */
    jw_ind_val_t v[JW_IND_MAX_COLS];
} jw_ind_row_t;

typedef enum {
    JW_IND_T_NODATA = 0,   /* no base or current value */
    JW_IND_T_BASELINE,     /* the current year is the base year (or before it) */
    JW_IND_T_ON,
    JW_IND_T_OFF,
    JW_IND_T_SUPPRESSED,   /* derived from a suppressed cell (public output) */
} jw_ind_tstatus_t;
const char *jw_ind_tstatus_name(jw_ind_tstatus_t s); /* "no_data", "baseline", "on_track", ... */

typedef struct {
    jw_profile_target_t t;        /* a copy (its strings point into the profile); IND-14
                                     targets come from the profile's wait_norm.SEG.share
                                     (kind MIN, unit percent, line 0) */
    int column;                   /* the column it applies to */
    int year;                     /* the year evaluated */
    int partial;                  /* that year runs past the data horizon */
    int base_year;                /* the base used (t->base_year, or year - 1 for RATE without base) */
    jw_ind_val_t base;            /* value in base_year (NA for MIN/MAX) */
    jw_ind_val_t current;         /* value in year */
    jw_ind_val_t goal;            /* the goal for year */
    jw_ind_tstatus_t status;
} jw_ind_target_t;

typedef struct {
    const jw_ind_def_t *def;
    jw_ind_row_t *rows;
    size_t n_rows;
    jw_ind_target_t *targets;
    size_t n_targets;
    int public_;
    int threshold;
    jw_ind_status_t status;
    char filter[3][33];           /* the query's slicers: gemeente, aanbieder, segment ("" = all);
                                     echoed in the JSON as "filter" */
} jw_ind_result_t;

/* Run a query. On JW_IND_EQUERY / JW_IND_ENOTFOUND err holds a message
 * for the user. Targets are evaluated for the query's year (the year of
 * its period, else the horizon's year). Free with jw_ind_result_free. */
int jw_ind_query(jw_ind_t *ind, const jw_ind_query_t *q, jw_ind_result_t *out, char *err,
                 size_t errlen);
void jw_ind_result_free(jw_ind_result_t *r);

/* Targets of one indicator evaluated for one year (for charts). */
int jw_ind_targets(jw_ind_t *ind, const jw_ind_def_t *def, int year, int public_,
                   jw_ind_target_t **out, size_t *n);

/* ---- IND-26: the Kaplan-Meier table of one cell ---- */

/* One distinct duration t (days) of the cell's episodes. S(t) is the
 * estimate just after t; lo/hi its pointwise 95 % confidence interval by
 * the log-log transform with Greenwood's variance:
 *   V(t) = sum over event times u <= t of d_u / (n_u (n_u - d_u)),
 *   se = sqrt(V) / |ln S|, lo = S^exp(+1.96 se), hi = S^exp(-1.96 se)
 * (S = 1: [1, 1]; S = 0: [0, 0]). */
typedef struct {
    int32_t t;
    int64_t at_risk;   /* episodes with duration >= t */
    int64_t events;    /* ended after exactly t days */
    int64_t censored;  /* still in care at the horizon after exactly t days */
    double s, lo, hi;
} jw_ind_km_row_t;

typedef struct {
    jw_ind_km_row_t *rows; /* ascending t; free with jw_ind_km_free */
    size_t n;
    int64_t episodes, ended;
    /* quantile q (median: S <= 0.5; p90: S <= 0.1) = the smallest t with
     * S(t) <= q; its 95 % CI (Brookmeyer-Crowley, by inverting the
     * pointwise CI): [smallest t with lo(t) <= q, smallest t with
     * hi(t) <= q]. has_* = 0 when not reached. */
    int has_median, has_median_lo, has_median_hi, has_p90, has_p90_lo, has_p90_hi;
    double median, median_lo, median_hi, p90, p90_lo, p90_hi;
} jw_ind_km_t;

/* The table of the episodes that started in period p (a rolling window:
 * its 12 months) in one breakdown cell (by TOTAL: key ignored). */
int jw_ind_km(jw_ind_t *ind, jw_ind_period_t p, jw_ind_by_t by, const char *key, jw_ind_km_t *out);
void jw_ind_km_free(jw_ind_km_t *km);

/* ---- output ---- */

typedef enum { JW_IND_FMT_TABLE = 0, JW_IND_FMT_CSV, JW_IND_FMT_JSON } jw_ind_format_t;

/* Append the result as text to out (a jw_json_t used as a text buffer).
 * Table: aligned columns, 'x' for a suppressed value, '-' for no value.
 * CSV: header line; a suppressed value is empty and named in the last
 * column `suppressed`. JSON: one object (see docs/indicators.md). */
int jw_ind_render(const jw_ind_result_t *r, jw_ind_format_t fmt, jw_json_t *out);
/* The catalogue with definitions and columns as JSON. */
int jw_ind_render_catalogue(const jw_profile_t *profile, const jw_ind_status_t *st, jw_json_t *out);
/* A value as text in the unit's format ("12", "45.50", "x", "-"). */
void jw_ind_format_value(jw_ind_val_t v, jw_ind_unit_t unit, char *buf, size_t cap);

/* printf-style append to a text buffer (no-op after an allocation failure). */
void jw_ind_textf(jw_json_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
