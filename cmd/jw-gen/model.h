/* model.h - the synthetic world: youths, allocations and their lifecycles,
 * and every message they give rise to, before delivery is scheduled.
 *
 * jwg_world_build() fills a jwg_world_t from the options; everything is a
 * flat array owned by the world (free with jwg_world_free()). Records point
 * at each other by index (int32_t, -1 = none), never by pointer, so the
 * arrays can grow freely. Messages are not rendered here: a jwg_msg_t only
 * says which record it reports (xmlout.c renders it on demand).
 */
#ifndef JWG_MODEL_H
#define JWG_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "date/date.h"
#include "region.h"

/* The five heenberichten first (JWG_NHEEN: the ones that may be broken on
 * purpose), then the answers: the six retours, the JW317 request to
 * change, the JW319 answer to a request and the JW325 declaration answer. */
enum {
    JWG_301 = 0, JWG_305, JWG_307, JWG_315, JWG_323,
    JWG_302, JWG_306, JWG_308, JWG_316, JWG_317, JWG_318, JWG_319, JWG_320, JWG_325,
    JWG_NTYPES
};
#define JWG_NHEEN 5

/* The retour kind of a heenbericht kind (JWG_301 -> JWG_302, ...), -1 for
 * the JW323 and the retours themselves. */
int jwg_retour_kind(int kind);
/* 1 when messages of this kind are sent by a gemeente, 0 by an aanbieder. */
int jwg_sent_by_gemeente(int kind);

/* Per-type constants: 301, "jw301", 436 ... */
int jwg_type_number(int kind);
int jwg_type_code(int kind);

/* How an allocation's care ended (or did not), for the manifest shares. */
enum {
    JWG_OUT_NONE = 0,    /* still running at the end of the archive */
    JWG_OUT_NATURAL,     /* JW307 31 at the Einddatum */
    JWG_OUT_NATURAL_OPEN,/* open-ended: JW307 31, then JW301 sets the end (05) */
    JWG_OUT_EARLY,       /* JW307 32-35 and JW301 05 shortening */
    JWG_OUT_SWITCH,      /* JW301 09 + JW307 38, new allocation elsewhere */
    JWG_OUT_TEMP_RESTART,/* JW307 20, restart JW305, later regular end */
    JWG_OUT_TEMP_DEFINITIVE, /* JW307 20, then a definitive stop on the same start */
    JWG_OUT_VOIDED,      /* JW301 13 (Einddatum = Ingangsdatum) */
    JWG_OUT_NOSTART,     /* allocated, never started (expired) */
    JWG_NOUT
};
const char *jwg_outcome_name(int out);

/* How a trajectory relates to the youth's previous one: its start was
 * chosen as stacking / doorstroom / recidive / hernieuwd relative to the
 * previous trajectory in the same ProductCategorie, or it is the first one
 * or one in another category (instroom for that segment). */
enum { JWG_REL_FIRST = 0, JWG_REL_STACK, JWG_REL_DOOR, JWG_REL_RECIDIVE, JWG_REL_RENEWED, JWG_REL_OTHER, JWG_NREL };
const char *jwg_relation_name(int rel);

typedef struct {
    char bsn[10];
    jw_date_t birth;
    uint8_t geslacht;       /* COD046: 1 or 2 */
    int16_t voornaam;       /* index in the name list of its sex */
    int16_t surname;
    int16_t ouder_voornaam; /* parent (Relatie) in jwg_names_f/m */
    uint8_t ouder_geslacht;
    int16_t gemeente;
    int16_t street;
    int16_t huisnummer;
    char postcode[7];
    char telefoon[11];
    uint8_t emitted;        /* at least one message in the archive */
    int32_t first_alloc;    /* allocations of a youth are contiguous from here */
} jwg_youth_t;

/* One version of a JW301 ToegewezenProduct. */
typedef struct {
    int32_t alloc;
    jw_date_t tdate;        /* Toewijzingsdatum = message Dagtekening */
    int32_t ttime;          /* Toewijzingstijd, seconds since midnight */
    jw_date_t eind;         /* JW_DATE_NONE when open-ended */
    int8_t reden;           /* RedenWijziging (JZ002), 0 when absent */
    uint8_t with_ref;       /* carries ReferentieAanbieder (first honouring version) */
    int64_t budget;         /* eurocents, aspecifiek allocations only */
    int32_t volume;         /* Omvang/Volume of this version (changes only with Frequentie 6) */
    uint8_t intrekking;     /* 05 that shortens while care goes on to the new end */
    int32_t msg;
} jwg_version_t;

/* initial, 2 volume or budget changes, 3 extensions, 1 shortening or end */
#define JWG_MAX_VERSIONS 8
#define JWG_MAX_DELIV 2

typedef struct {
    int32_t youth, traj;
    int16_t gemeente, provider, product; /* product: table index (declared code when aspecifiek) */
    uint8_t aspecifiek;     /* Categorie + Budget, no Code, no Omvang */
    uint8_t outcome;        /* JWG_OUT_* */
    int32_t outcome_msg;    /* message that establishes the outcome, -1 */
    uint32_t nummer;        /* ToewijzingNummer (unique per gemeente) */
    int32_t vot;            /* JW315 honoured by this allocation, -1 */
    int32_t replaces;       /* voided allocation this one corrects, -1 */
    jw_date_t ingang;
    int32_t volume;         /* Omvang/Volume per Frequentie period (the product's);
                               hours per week when aspecifiek or Frequentie 6 (the
                               versions then carry the total for their period) */
    uint8_t freq;           /* Frequentie (WMO757): the product's, or 6 */
    int32_t nver;
    int32_t ver[JWG_MAX_VERSIONS];
    int32_t ndeliv;         /* delivery intervals [from, to] (inclusive) */
    jw_date_t dfrom[JWG_MAX_DELIV], dto[JWG_MAX_DELIV];
    int32_t dstart[JWG_MAX_DELIV];  /* JW305 record of each interval */
    int32_t dstop[JWG_MAX_DELIV];   /* JW307 record ending it, -1 */
} jwg_alloc_t;

typedef struct {
    int32_t alloc;
    jw_date_t begin;
    jw_date_t dag;
    int32_t tod;
    int32_t msg;
} jwg_start_t;

typedef struct {
    int32_t alloc;
    jw_date_t begin;        /* Begindatum of the start it stops */
    jw_date_t eind;
    int8_t reden;           /* RedenBeeindiging (JZ588) */
    jw_date_t dag;
    int32_t tod;
    int32_t msg;
} jwg_stop_t;

typedef struct {
    int32_t alloc;          /* the allocation that honours it */
    uint32_t ref;           /* ReferentieAanbieder counter, per provider */
    jw_date_t ingang, eind; /* requested period (eind may be NONE) */
    int64_t budget;         /* aspecifiek: requested budget */
    int8_t vtype;           /* Verwijzer/Type (COD327) */
    int8_t vkind;           /* 0 nothing, 1 ZorgverlenerCode, 2 Naam */
    char vagb[9];
    jw_date_t dag;
    int32_t tod;
    int32_t msg;
    uint8_t refused;        /* an earlier request the gemeente refused (JW319) */
} jwg_vot_t;

/* An answer message's record: a retour (of = the heenbericht's message,
 * code = its RetourCode, "" when accepted), a JW317 (of = the JW301
 * version that extends the allocation as asked), a JW319 (of = the
 * request; antwoord 1 afgewezen with reden, 2 in onderzoek) or a JW325
 * (of = the declaration). */
typedef struct {
    int32_t of;
    char code[5];
    int8_t antwoord, reden;
} jwg_answer_t;

/* One JW323 Prestatie. */
typedef struct {
    int32_t alloc;
    int32_t youth;
    jw_date_t month;        /* first day of the delivered month */
    jw_date_t pbegin, pend; /* ProductPeriode */
    int32_t vol;
    int16_t prod;           /* declared product (table index) */
    int64_t tarief, bedrag;
    char dc;                /* 'D' or 'C' */
    uint8_t corrected;      /* a corrected re-debit after a credit */
    int32_t vorig;          /* credited line (C lines), -1 */
    int32_t credited_by;    /* credit line that cancels this debit, -1 */
    uint32_t refnr;         /* ReferentieNummer counter, per provider */
    jw_date_t avail;        /* earliest Dagtekening that may carry it */
    jw_date_t bucket;       /* DeclaratiePeriode (first day) it goes in */
    int32_t decl;           /* JW323 record, -1 when not in the archive */
    char rcode[5];          /* RetourCode when the JW325 refuses the line, "" */
} jwg_line_t;

typedef struct {
    int16_t provider, gemeente;
    jw_date_t month;        /* DeclaratiePeriode first day */
    jw_date_t dag;
    int32_t tod;
    uint32_t nummer;        /* DeclaratieNummer counter, per provider */
    int32_t first, n;       /* range in world.decl_lines */
    int64_t totaal;         /* signed: sum D - sum C */
    int32_t msg;
} jwg_decl_t;

typedef struct {
    uint8_t kind;           /* JWG_301 ... */
    uint8_t emitted;        /* Dagtekening inside the archive period */
    int32_t ref;            /* index in versions/starts/stops/vots/decls */
    jw_date_t dag;          /* Dagtekening */
    int32_t tod;            /* creation time of day, seconds */
    int32_t serial;         /* creation order, for stable ties */
    int16_t sender;         /* gemeente index (301) or provider index */
    int16_t receiver;
    uint32_t ident;         /* BerichtIdentificatie counter per (sender, kind) */
} jwg_msg_t;

#define JWG_VEC(T) struct { T *v; size_t n, cap; }

typedef struct {
    uint64_t seed;
    int youths, years;
    jw_date_t start, end;   /* period: [start, end] inclusive */
    /* --history: the region ran `history` years before start; the world is
     * simulated from sim_start (= start - history years; = start when 0)
     * with youths_history more youths arriving in [sim_start, start), at
     * the rate of the `youths` that arrive in [start, end]. Only messages
     * dated in [start, end] are written. */
    int history;
    jw_date_t sim_start;
    int youths_history;

    /* aanbieders (jwg_world_build sizes them to the region) and, per
     * product k, the ones offering it: pick_idx/pick_cum[pick_off[k] ..
     * pick_off[k] + pick_n[k] - 1], indices ascending, cumulative weights */
    jwg_aanbieder_t *prov;
    int nprov;
    int32_t *pick_idx;
    int64_t *pick_cum;
    int32_t pick_off[32], pick_n[32];
    int32_t cat_prov[16];   /* aanbieders offering any product of jwg_categories[c] */

    JWG_VEC(jwg_youth_t) youth;
    JWG_VEC(jwg_alloc_t) alloc;
    JWG_VEC(jwg_version_t) ver;
    JWG_VEC(jwg_start_t) start_rec;
    JWG_VEC(jwg_stop_t) stop_rec;
    JWG_VEC(jwg_vot_t) vot;
    JWG_VEC(jwg_line_t) line;
    JWG_VEC(jwg_decl_t) decl;
    JWG_VEC(int32_t) decl_lines;  /* line indices grouped by declaration */
    JWG_VEC(jwg_msg_t) msg;
    JWG_VEC(jwg_answer_t) answer;

    /* trajectories: relation to the previous one and whether any message
     * of it is in the archive */
    JWG_VEC(uint8_t) traj_rel;
    JWG_VEC(uint8_t) traj_emitted;

    /* counters for the manifest */
    long outcomes[JWG_NOUT];
    long relations[JWG_NREL];
    long extensions;        /* allocations extended (04) at least once */
    long volume_changes;    /* versions changing Volume (Frequentie 6) or Budget (12) */
    long shortenings;       /* versions shortening a running allocation (05) */
    long freq6;             /* allocations with Frequentie 6 */
    long aspecifiek;
    long open_ended;
    long with_vot;
    long allocations, voided, voided_corrected, switches;
    long credits, corrected_debits;
    long trajectories, youths_emitted;
    long in_care_at_start;     /* youths delivered care on start (JW305 before, no JW307 yet) */
    long allocations_before;   /* allocations issued before start with a message in the archive */
    long refused_retours, resends, requests_refused, requests_onderzoek, vows, lines_refused;
    double care_days;       /* days some allocation of the youth is delivering, in the period */
    int oom;                /* set when an allocation failed */
} jwg_world_t;

void jwg_world_init(jwg_world_t *w);
void jwg_world_free(jwg_world_t *w);

/* Youths arriving in [sim_start, start) at the rate of w->youths over
 * [start, end]: youths x history days / period days, rounded. */
long jwg_history_youths(const jwg_world_t *w);

/* Generate everything for the options already set in w (seed, youths,
 * years, start, end, history, sim_start). Returns 0 or -1 when out of
 * memory. */
int jwg_world_build(jwg_world_t *w);

#endif
