/* ijw.h - parse and check iJw messages: all 14 message types of iJw 3.0-3.2
 * (heenberichten JW301, 305, 307, 315, 317, 319, 323, 325 and the retours
 * JW302, 306, 308, 316, 318, 320).
 *
 * One call, jw_ijw_parse(), turns a message buffer into a typed struct or an
 * error that names its layer (XML, XSD, RULE), a rule code and a message.
 * The three layers are checked in order: well-formed XML through a hardened
 * libxml2 push parser (no network, no DTD, no entities, size and depth caps),
 * the project's XSD (xsd/, embedded at build time for releases 3.0-3.2), and
 * the in-message rules (CS002 BSN 11-proef, CS003 date order, CD conditions,
 * CS340 declaration month, TR358 totals).
 *
 * Privacy: the BSN is read into a stack buffer, checked, turned into the
 * youth pseudonym (pseudo.h) when a pseudonymiser is given, and wiped. It is
 * never stored in a jw_ijw_msg_t and never appears in an error text (error
 * texts from libxml2 are redacted before they are stored).
 *
 * Threads: jw_ijw_schema_t is compiled once (jw_ijw_schema_new, from the
 * main thread before other threads start) and then shared read-only. A
 * jw_ijw_parser_t belongs to one thread at a time and is reused for many
 * messages.
 */
#ifndef JW_IJW_H
#define JW_IJW_H

#include <stddef.h>
#include <stdint.h>

#include "date/date.h"
#include "pseudo/pseudo.h"

/* Return codes of this module (0 = success). */
enum {
    JW_IJW_OK = 0,
    JW_IJW_EINVALID = -1, /* the message failed a layer: see jw_ijw_error_t */
    JW_IJW_ENOMEM = -2,
    JW_IJW_ESCHEMA = -3, /* the embedded schemas did not compile */
    JW_IJW_EARG = -4,
};
const char *jw_ijw_strerror(int rc);

/* Largest message accepted (OP179: 25 MB = 25 000 000 bytes per file). */
#define JW_IJW_MAX_BYTES (25u * 1000u * 1000u)
/* Deepest element nesting accepted (iJw messages are < 10 deep). */
#define JW_IJW_MAX_DEPTH 24
/* Parse budget (rule ATTRIBUTES): attributes and namespace declarations on
 * one element, and attributes other than namespace declarations in one
 * message. iJw messages carry none on data elements. */
#define JW_IJW_MAX_TAG_ATTRS 16
#define JW_IJW_MAX_MSG_ATTRS 64

typedef enum {
    JW_LAYER_NONE = 0,
    JW_LAYER_XML,
    JW_LAYER_XSD,
    JW_LAYER_RULE,
} jw_layer_t;

const char *jw_layer_name(jw_layer_t layer); /* "XML", "XSD", "RULE" */

/* Why a message was rejected. rule is a short code: "XML", "OP179" (size),
 * "OP192" (BOM or not UTF-8), "DOCTYPE", "DEPTH", "ATTRIBUTES" (the
 * parse budget above), "XSD", "NAMESPACE" for the
 * XML/XSD layers; an iJw rule code (CS002, CS003, CD0xx, CS340, TR358, ...)
 * for the RULE layer. line is 0 when unknown. message never holds a BSN. */
typedef struct {
    jw_layer_t layer;
    char rule[16];
    int line;
    char message[256];
} jw_ijw_error_t;

typedef enum {
    JW_MSG_UNKNOWN = 0,
    JW_MSG_301 = 301,
    JW_MSG_305 = 305,
    JW_MSG_307 = 307,
    JW_MSG_315 = 315,
    JW_MSG_323 = 323,
    JW_MSG_302 = 302, /* retours: the receiver's verdict on a heenbericht */
    JW_MSG_306 = 306,
    JW_MSG_308 = 308,
    JW_MSG_316 = 316,
    JW_MSG_318 = 318,
    JW_MSG_320 = 320,
    JW_MSG_317 = 317, /* Verzoek om wijziging */
    JW_MSG_319 = 319, /* Antwoordbericht on a JW315/JW317 */
    JW_MSG_325 = 325, /* Declaratie-antwoord on a JW323 */
} jw_msg_type_t;

/* 1 for the six retour types (JW302, 306, 308, 316, 318, 320). */
int jw_ijw_is_retour(jw_msg_type_t type);
/* The heenbericht type a retour answers (JW302 -> JW301, ...), else UNKNOWN. */
jw_msg_type_t jw_ijw_retour_of(jw_msg_type_t type);

/* Fixed-size text fields: lengths from the basisschema plus a terminator. */
typedef char jw_agb_t[9];       /* AGB code, 8 digits, or gemeente code, 4 */
typedef char jw_ident_t[13];    /* BerichtIdentificatie, DeclaratieNummer */
typedef char jw_ref_t[37];      /* ReferentieAanbieder (1-36) */
typedef char jw_refnr_t[21];    /* ReferentieNummer (1-20) */
typedef char jw_cat_t[3];       /* ProductCategorie, 2 characters */
typedef char jw_code_t[6];      /* ProductCode, 1-5 characters */
typedef char jw_retourcode_t[5]; /* RetourCode (WJ001), 4 characters */

/* Most distinct RetourCodes kept per message (further ones are counted in
 * n_codes_dropped, never lost for the refused/accepted verdict). */
#define JW_IJW_MAX_CODES 8

#define JW_NONE (-1) /* absent optional integer field */

typedef struct {
    int berichtcode;        /* 436, 438, 440, 446, 490 */
    int versie;             /* BerichtVersie (3) */
    int subversie;          /* BerichtSubversie (0, 1, 2) */
    int release;            /* from the namespace: 0, 1 or 2 for 3.0/3.1/3.2 */
    jw_agb_t afzender;
    jw_agb_t ontvanger;
    jw_ident_t identificatie;
    jw_date_t dagtekening;
} jw_ijw_header_t;

/* The client of a 30x/31x message (one per message) or of a JW323 line
 * group. yid is the pseudonym (32 hex + NUL), empty when parsing without a
 * pseudonymiser. birth_ym is YYYYMM (birth date reduced to year-month). */
typedef struct {
    char yid[JW_YID_HEX_LEN + 1];
    int bsn_valid;          /* 1 when the BSN passed the 11-proef (CS002) */
    int birth_ym;
    int geslacht;
} jw_ijw_client_t;

typedef struct {
    int64_t volume;          /* JW_NONE when no Omvang */
    int eenheid;             /* WJ756, JW_NONE when no Omvang */
    int frequentie;          /* WMO757, JW_NONE when no Omvang */
} jw_ijw_omvang_t;

/* JW301 ToegewezenProduct */
typedef struct {
    int64_t toewijzingnummer;
    jw_ref_t referentie_aanbieder;  /* "" when absent */
    jw_cat_t categorie;             /* "" when no Product (generiek) */
    jw_code_t code;                 /* "" when absent */
    jw_date_t toewijzingsdatum;
    int toewijzingstijd;            /* seconds since midnight */
    jw_date_t ingangsdatum;
    jw_date_t einddatum;            /* JW_DATE_NONE when open */
    int reden_wijziging;            /* JZ002, JW_NONE when absent */
    jw_ijw_omvang_t omvang;
    int64_t budget;                 /* eurocents, JW_NONE when absent */
} jw_ijw_toewijzing_t;

/* JW315 AangevraagdProduct */
typedef struct {
    jw_ref_t referentie_aanbieder;
    jw_cat_t categorie;
    jw_code_t code;
    jw_date_t toewijzing_ingangsdatum;  /* requested start */
    jw_date_t toewijzing_einddatum;     /* JW_DATE_NONE when absent */
    jw_ijw_omvang_t omvang;
    int64_t budget;
    int verwijzer_type;                 /* COD327 */
    jw_agb_t verwijzer_agb;             /* ZorgverlenerCode, "" when absent */
    int has_beschikkingnummer;
    int has_beschikking_ingangsdatum;
    int has_verwijzer_naam;             /* Verwijzer/Naam given */
} jw_ijw_verzoek_t;

/* JW305 StartProduct and JW307 StopProduct */
typedef struct {
    int64_t toewijzingnummer;           /* JW_NONE when absent */
    jw_cat_t categorie;
    jw_code_t code;
    jw_date_t toewijzing_ingangsdatum;  /* JW_DATE_NONE when absent */
    jw_date_t begindatum;
    int reden_beeindiging;              /* JZ588; JW307 only, else JW_NONE */
    jw_date_t einddatum;                /* JW307 only, else JW_DATE_NONE */
    int status;                         /* StatusAanlevering: 1 or 3 */
} jw_ijw_levering_t;

/* JW323 Prestatie, and a refused line in JW325 (which copies it) */
typedef struct {
    size_t client;                      /* index into msg.clients */
    jw_refnr_t referentienummer;
    jw_refnr_t vorig_referentienummer;  /* "" when absent */
    int64_t toewijzingnummer;
    jw_cat_t categorie;
    jw_code_t code;
    jw_date_t begindatum;               /* ProductPeriode */
    jw_date_t einddatum;
    int64_t volume;                     /* GeleverdVolume */
    int eenheid;
    int64_t tarief;                     /* JW_NONE when absent */
    int64_t bedrag;                     /* IngediendBedrag, signed: C < 0 */
    char dc;                            /* 'D' or 'C' as written */
    jw_retourcode_t retourcode;         /* JW325: first RetourCode of the line */
} jw_ijw_prestatie_t;

typedef struct {
    jw_ident_t nummer;                  /* DeclaratieNummer */
    jw_date_t periode_begin;
    jw_date_t periode_eind;
    jw_date_t dagtekening;
    int64_t totaal;                     /* TotaalIngediendBedrag, signed */
    char totaal_dc;                     /* 'D' or 'C' as written */
    /* JW325 only: */
    int has_antwoord;                   /* DeclaratieAntwoord present */
    int64_t toegekend;                  /* TotaalToegekendBedrag, signed */
    char toegekend_dc;
    jw_ident_t decl_identificatie;      /* DeclaratieIdentificatie of the JW323 */
    jw_date_t decl_dagtekening;
    jw_retourcode_t decl_retourcode;    /* first code of DeclaratieAntwoord/RetourCodes */
} jw_ijw_declaratie_t;

/* The RetourCodes of a retour (every class, header included) or of a JW325
 * header. refused is 1 when any code is other than 0200 and 0233: the
 * receiver refused the whole heenbericht (IV032). */
typedef struct {
    jw_ident_t identificatie;           /* IdentificatieRetour ("" for JW325) */
    jw_date_t dagtekening;              /* DagtekeningRetour */
    int refused;
    size_t n_codes;                     /* distinct codes kept in codes[] */
    size_t n_codes_dropped;
    jw_retourcode_t codes[JW_IJW_MAX_CODES]; /* in document order */
} jw_ijw_retour_t;

/* JW317 Verzoek (one per message) and its lines. */
typedef enum {
    JW_WIJZIGING_ONGEWIJZIGD = 1,
    JW_WIJZIGING_TEWIJZIGEN = 2,
    JW_WIJZIGING_NIEUW = 3,
} jw_wijziging_kind_t;

typedef struct {
    jw_wijziging_kind_t kind;
    int64_t toewijzingnummer;           /* JW_NONE for NieuwProduct */
    jw_cat_t categorie;                 /* NieuwProduct/Product, "" when absent */
    jw_code_t code;
    jw_date_t gewenste_ingangsdatum;    /* JW_DATE_NONE for Ongewijzigd */
    jw_date_t einddatum;                /* JW_DATE_NONE when absent */
    jw_ijw_omvang_t omvang;
    int64_t budget;
} jw_ijw_wijziging_t;

/* JW317 Verzoek and JW319 Antwoord (the request identity is
 * (aanbieder, ReferentieAanbieder)). */
typedef struct {
    jw_ref_t referentie_aanbieder;
    int reden_verzoek;                  /* JW317: WJ758 */
    int verzoek_antwoord;               /* JW319: WJ760, 1 afgewezen, 2 in onderzoek */
    int reden_afwijzing;                /* JW319: WJ759, JW_NONE when absent */
    jw_agb_t woonplaats_gemeente;       /* JW319 Woonplaatsbeginsel, "" when absent */
} jw_ijw_verzoekinfo_t;

/* A parsed message. Owns its arrays; free with jw_ijw_msg_clear(). The
 * meaning of items depends on type: toewijzingen (301), verzoeken (315),
 * leveringen (305, 307), prestaties (323, and the refused lines of 325),
 * wijzigingen (317). clients has one entry for the 30x/31x messages (none
 * for JW319/JW320, none for a retour without body) and one per Client for
 * JW323/JW325. A retour's header holds the heenbericht's identity
 * (BerichtCode aside): header.afzender/identificatie name the message it
 * answers; retour holds its own identification and codes. */
typedef struct {
    jw_msg_type_t type;
    jw_ijw_header_t header;
    jw_ijw_declaratie_t declaratie;     /* JW323 only */

    jw_ijw_client_t *clients;
    size_t n_clients, cap_clients;

    jw_ijw_toewijzing_t *toewijzingen;
    size_t n_toewijzingen, cap_toewijzingen;
    jw_ijw_verzoek_t *verzoeken;
    size_t n_verzoeken, cap_verzoeken;
    jw_ijw_levering_t *leveringen;
    size_t n_leveringen, cap_leveringen;
    jw_ijw_prestatie_t *prestaties;     /* JW323 lines; JW325 refused lines */
    size_t n_prestaties, cap_prestaties;

    jw_ijw_retour_t retour;             /* retours and JW325 */
    jw_ijw_verzoekinfo_t verzoek;       /* JW317, JW319 */
    jw_ijw_wijziging_t *wijzigingen;    /* JW317 lines */
    size_t n_wijzigingen, cap_wijzigingen;

    /* The first level-2 violation the parser found on values this record
     * does not keep (birth dates, names, contacts, relations, a client
     * twice); rule[0] == '\0' when none. The rule layer reports it. */
    struct {
        char rule[8];
        char message[160];
    } finding;
} jw_ijw_msg_t;

/* Zero-initialise before first use; jw_ijw_parse() clears and reuses the
 * arrays of a message passed to it again. */
void jw_ijw_msg_init(jw_ijw_msg_t *msg);
/* Free the arrays; msg is left initialised and empty. */
void jw_ijw_msg_clear(jw_ijw_msg_t *msg);

/* Compiled schemas for every supported type and release. */
typedef struct jw_ijw_schema jw_ijw_schema_t;

/* Compile the embedded schemas. Call from the main thread before starting
 * threads that parse: it initialises libxml2 (xmlInitParser and the schema
 * type tables, which 2.9.14 initialises lazily and not thread-safely) and
 * installs a deny-all external entity loader once the schemas are compiled.
 * On success *out is owned by the caller: free with jw_ijw_schema_free()
 * after every parser made from it is freed. */
int jw_ijw_schema_new(jw_ijw_schema_t **out);
void jw_ijw_schema_free(jw_ijw_schema_t *schema);

/* A reusable parser: one per thread. It borrows schema (which must outlive
 * it) and pseudo (may be NULL: then client yids stay empty). */
typedef struct jw_ijw_parser jw_ijw_parser_t;

int jw_ijw_parser_new(const jw_ijw_schema_t *schema, const jw_pseudo_t *pseudo,
                      jw_ijw_parser_t **out);
void jw_ijw_parser_free(jw_ijw_parser_t *parser);

/* For measurements only (`make bench`): with on = 0 the parser skips the
 * RULE layer (the in-message rules and the checks made while parsing), so
 * a message that passes XML and XSD is accepted. Default on. */
void jw_ijw_parser_set_rules(jw_ijw_parser_t *parser, int on);

/* Parse, validate and check one message of len bytes. name (may be NULL)
 * is used only in libxml2's own bookkeeping. On JW_IJW_OK, *msg holds the
 * message (previous content replaced). On JW_IJW_EINVALID, *err says why
 * and *msg is cleared. Other codes are operational failures (ENOMEM).
 * A len above JW_IJW_MAX_BYTES is refused (OP179) before any byte is read,
 * so a caller may pass the real size of a file it did not read in full. */
int jw_ijw_parse(jw_ijw_parser_t *parser, const char *buf, size_t len,
                 const char *name, jw_ijw_msg_t *msg, jw_ijw_error_t *err);

/* The in-message rules alone (the RULE layer), for a message that passed
 * XML and XSD. Exposed for tests; jw_ijw_parse() calls it. Returns 0 when
 * every rule holds, else JW_IJW_EINVALID with *err set. */
int jw_ijw_rules_check(const jw_ijw_msg_t *msg, jw_ijw_error_t *err);

/* Replace, in place, what could be a BSN in a text meant for an error
 * message: every run of nine or more digits becomes "*********". */
void jw_ijw_redact(char *text);

/* BerichtCode for a message type, and the reverse (0 / JW_MSG_UNKNOWN). */
int jw_ijw_berichtcode(jw_msg_type_t type);
jw_msg_type_t jw_ijw_type_from_code(int berichtcode);

#endif
