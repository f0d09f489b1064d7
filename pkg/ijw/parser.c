/* parser.c - hardened, validating, single-pass iJw parser (see ijw.h).
 *
 * Per message: a reused libxml2 push parser with our own SAX2 handler (no
 * tree is built) and the compiled schema plugged into the SAX stream with
 * xmlSchemaSAXPlug, so well-formedness, XSD validation and field extraction
 * happen in one pass (the fastest safe path measured on this machine:
 * no tree, no second walk for validation).
 *
 * Hostile input: XML_PARSE_NONET, never NOENT, DTDLOAD
 * or HUGE; any DOCTYPE stops the parser (so no entity is ever declared);
 * external entities are denied by the loader installed in schema.c; the
 * element depth is capped here because a pure SAX parse has no depth limit
 * in 2.9.14; the size is capped before parsing.
 */
#include "ijw/ijw_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <sodium.h>

#include "bsn/bsn.h"

#define TEXT_CAP 512 /* longest leaf text we extract is 36 chars */
#define PARSE_CHUNK (256u * 1024u) /* bytes per xmlParseChunk call */

struct jw_ijw_parser {
    const jw_ijw_schema_t *schema;
    const jw_pseudo_t *pseudo;
    xmlParserCtxtPtr ctxt;
    xmlSchemaValidCtxtPtr vctxt;
    xmlSAXHandler sax;

    /* Per-document state, reset by jw_ijw_parse(). */
    jw_ijw_msg_t *msg;
    int depth;
    const xmlChar *stack[JW_IJW_MAX_DEPTH + 2]; /* local names by depth */
    char text[TEXT_CAP];
    size_t text_len;
    int text_overflow;
    int oom;
    int have_stop, have_xml, have_xsd, have_value;
    jw_ijw_error_t stop_err; /* DOCTYPE, DEPTH: our own stops */
    jw_ijw_error_t xml_err;
    jw_ijw_error_t xsd_err;
    jw_ijw_error_t value_err; /* a field we read did not convert */
    jw_ijw_findings_t fs;     /* rules on values the record does not keep */
    int no_rules;             /* jw_ijw_parser_set_rules(p, 0): bench only */
};

/* ---- small converters (input may be anything: the XSD verdict comes
 * after, so these must be safe on garbage and simply report failure). */

static int conv_int(const char *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    size_t i = 0;
    if (n > 0 && s[0] == '+') i = 1;
    if (i == n || n - i > 15) return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int conv_time(const char *s, size_t n, int *out)
{
    /* hh:mm:ss with optional fraction, no zone (LDT_Tijd). */
    if (n < 8 || s[2] != ':' || s[5] != ':') return -1;
    for (int i = 0; i < 8; i++)
        if (i != 2 && i != 5 && (s[i] < '0' || s[i] > '9')) return -1;
    int h = (s[0] - '0') * 10 + s[1] - '0';
    int m = (s[3] - '0') * 10 + s[4] - '0';
    int sec = (s[6] - '0') * 10 + s[7] - '0';
    if (h > 24 || m > 59 || sec > 59) return -1;
    *out = h * 3600 + m * 60 + sec;
    return 0;
}

static void value_error(jw_ijw_parser_t *p, const char *field)
{
    if (p->have_value) return;
    p->have_value = 1;
    jw_ijw_error_set(&p->value_err, JW_LAYER_XSD, "XSD", xmlSAX2GetLineNumber(p->ctxt),
                     "value of %s could not be read", field);
}

static void set_int(jw_ijw_parser_t *p, const char *field, const char *s, size_t n,
                    int64_t *dst)
{
    if (conv_int(s, n, dst)) value_error(p, field);
}

static void set_small(jw_ijw_parser_t *p, const char *field, const char *s, size_t n,
                      int *dst)
{
    int64_t v;
    if (conv_int(s, n, &v) || v > 1000000) {
        value_error(p, field);
        return;
    }
    *dst = (int)v;
}

/* A date the XSD accepts (xs:date allows a year before 1 or after 9999)
 * but jw cannot represent: refused by jw's own rule, not as an XSD error,
 * because the standard's schema calls it valid (rule "DATE"). */
static void date_error(jw_ijw_parser_t *p, const char *field)
{
    if (p->have_value) return;
    p->have_value = 1;
    jw_ijw_error_set(&p->value_err, JW_LAYER_RULE, "DATE", xmlSAX2GetLineNumber(p->ctxt),
                     "%s is not a date jw can read (year 0001-9999, YYYY-MM-DD)", field);
}

/* A date outside 1900-01-01..2100-12-31 (date.h): RULE layer, rule DATE. */
static void window_error(jw_ijw_parser_t *p, const char *field, const char *s, size_t n)
{
    if (p->have_value) return;
    p->have_value = 1;
    int birth = strcmp(field, "Geboortedatum") == 0; /* personal: never quoted */
    jw_ijw_error_set(&p->value_err, JW_LAYER_RULE, "DATE", xmlSAX2GetLineNumber(p->ctxt),
                     "%s %.*s%sis outside 1900-01-01..2100-12-31", field,
                     birth ? 0 : (int)(n < 10 ? n : 10), s, birth ? "" : " ");
}

static void set_date(jw_ijw_parser_t *p, const char *field, const char *s, size_t n,
                     jw_date_t *dst)
{
    if (jw_date_parse(s, n, dst)) date_error(p, field);
    else if (!jw_date_in_window(*dst)) window_error(p, field, s, n);
}

static void set_str(jw_ijw_parser_t *p, const char *field, const char *s, size_t n,
                    char *dst, size_t cap)
{
    if (n >= cap) {
        value_error(p, field);
        return;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

#define SET_STR(p, f, s, n, dst) set_str((p), (f), (s), (n), (dst), sizeof(dst))

/* ---- growing arrays ---- */

static void *grow(jw_ijw_parser_t *p, void **arr, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        void *na = realloc(*arr, ncap * size);
        if (!na) {
            p->oom = 1;
            xmlStopParser(p->ctxt);
            return NULL;
        }
        *arr = na;
        *cap = ncap;
    }
    void *item = (char *)*arr + (*n)++ * size;
    memset(item, 0, size);
    return item;
}

#define PUSH(p, m, field) \
    grow((p), (void **)&(m)->field, &(m)->n_##field, &(m)->cap_##field, sizeof *(m)->field)

#define LAST(m, field) ((m)->n_##field ? &(m)->field[(m)->n_##field - 1] : NULL)

static void omvang_init(jw_ijw_omvang_t *o)
{
    o->volume = JW_NONE;
    o->eenheid = JW_NONE;
    o->frequentie = JW_NONE;
}

/* ---- root namespace: ".../ijw/3_N/jwNNN/schema" ---- */

static void root_detect(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *uri)
{
    static const char prefix[] = "http://www.istandaarden.nl/ijw/3_";
    const char *u = (const char *)uri;
    if (!u || strcmp((const char *)local, "Bericht") != 0) return;
    if (jw_ijw_legacy_detect(u, &p->msg->type, &p->msg->header.legacy) == 0) return;
    if (strncmp(u, prefix, sizeof prefix - 1) != 0) return;
    u += sizeof prefix - 1;
    if (u[0] < '0' || u[0] > '2' || strncmp(u + 1, "/jw", 3) != 0) return;
    int release = u[0] - '0';
    int code = 0;
    for (int i = 4; i < 7; i++) {
        if (u[i] < '0' || u[i] > '9') return;
        code = code * 10 + (u[i] - '0');
    }
    if (strcmp(u + 7, "/schema") != 0) return;
    switch (code) {
    case 301: case 305: case 307: case 315: case 323:
    case 302: case 306: case 308: case 316: case 317: case 318: case 319: case 320:
    case 325:
        p->msg->type = (jw_msg_type_t)code;
        p->msg->header.release = release;
        break;
    default:
        break;
    }
}

/* b is a literal: the first byte settles most comparisons without a call
 * (the SAX handlers compare each element name with hundreds of names). */
#define IS(a, b) ((a) && (a)[0] == (b)[0] && strcmp((const char *)(a), (b)) == 0)

/* ---- SAX callbacks ---- */

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attr,
                     int nb_def, const xmlChar **attrs)
{
    (void)prefix; (void)nb_ns; (void)ns; (void)nb_attr; (void)nb_def; (void)attrs;
    jw_ijw_parser_t *p = ctx;
    jw_ijw_msg_t *m = p->msg;

    if (p->depth >= JW_IJW_MAX_DEPTH) {
        if (!p->have_stop) {
            p->have_stop = 1;
            jw_ijw_error_set(&p->stop_err, JW_LAYER_XML, "DEPTH",
                             xmlSAX2GetLineNumber(p->ctxt),
                             "elements nested deeper than %d levels", JW_IJW_MAX_DEPTH);
        }
        xmlStopParser(p->ctxt);
        return;
    }
    if (m->header.legacy) local = (const xmlChar *)jw_ijw_legacy_name((const char *)local);
    p->depth++;
    p->stack[p->depth] = local;
    p->text_len = 0;
    p->text_overflow = 0;

    const xmlChar *parent = p->stack[p->depth - 1];
    if (p->depth == 1) {
        root_detect(p, local, uri);
        return;
    }
    if (!p->no_rules) jw_ijw_findings_start(&p->fs, m, (const char *)local, (const char *)parent);
    if (IS(local, "Client") && (p->depth == 2 || IS(parent, "Clienten"))) {
        jw_ijw_client_t *c = PUSH(p, m, clients);
        if (c) c->geslacht = JW_NONE;
    } else if (IS(local, "ToegewezenProduct") && m->type == JW_MSG_301) {
        jw_ijw_toewijzing_t *t = PUSH(p, m, toewijzingen);
        if (!t) return;
        t->client = m->n_clients ? m->n_clients - 1 : 0;
        t->toewijzingnummer = JW_NONE;
        t->einddatum = JW_DATE_NONE;
        t->reden_wijziging = JW_NONE;
        t->budget = JW_NONE;
        omvang_init(&t->omvang);
    } else if (IS(local, "AangevraagdProduct") && m->type == JW_MSG_315) {
        jw_ijw_verzoek_t *v = PUSH(p, m, verzoeken);
        if (!v) return;
        v->client = m->n_clients ? m->n_clients - 1 : 0;
        v->toewijzing_einddatum = JW_DATE_NONE;
        v->budget = JW_NONE;
        v->verwijzer_type = JW_NONE;
        omvang_init(&v->omvang);
    } else if ((IS(local, "StartProduct") && m->type == JW_MSG_305) ||
               (IS(local, "StopProduct") && m->type == JW_MSG_307)) {
        jw_ijw_levering_t *l = PUSH(p, m, leveringen);
        if (!l) return;
        l->client = m->n_clients ? m->n_clients - 1 : 0;
        l->toewijzingnummer = JW_NONE;
        l->toewijzing_ingangsdatum = JW_DATE_NONE;
        l->reden_beeindiging = JW_NONE;
        l->einddatum = JW_DATE_NONE;
        l->status = JW_NONE;
    } else if ((IS(local, "OngewijzigdProduct") || IS(local, "TeWijzigenProduct") ||
                IS(local, "NieuwProduct")) && m->type == JW_MSG_317) {
        jw_ijw_wijziging_t *w = PUSH(p, m, wijzigingen);
        if (!w) return;
        w->kind = IS(local, "OngewijzigdProduct") ? JW_WIJZIGING_ONGEWIJZIGD
                  : IS(local, "TeWijzigenProduct") ? JW_WIJZIGING_TEWIJZIGEN
                                                   : JW_WIJZIGING_NIEUW;
        w->toewijzingnummer = JW_NONE;
        w->gewenste_ingangsdatum = JW_DATE_NONE;
        w->einddatum = JW_DATE_NONE;
        w->budget = JW_NONE;
        omvang_init(&w->omvang);
    } else if (IS(local, "Prestatie") && (m->type == JW_MSG_323 || m->type == JW_MSG_325)) {
        jw_ijw_prestatie_t *pr = PUSH(p, m, prestaties);
        if (!pr) return;
        pr->client = m->n_clients ? m->n_clients - 1 : 0;
        pr->toewijzingnummer = JW_NONE;
        pr->tarief = JW_NONE;
    }
}

static void on_chars(void *ctx, const xmlChar *ch, int len)
{
    jw_ijw_parser_t *p = ctx;
    if (len <= 0) return;
    if (p->text_len + (size_t)len >= TEXT_CAP) {
        p->text_overflow = 1;
        return;
    }
    memcpy(p->text + p->text_len, ch, (size_t)len);
    p->text_len += (size_t)len;
}

static void on_bsn(jw_ijw_parser_t *p, const char *s, size_t n)
{
    jw_ijw_client_t *c = LAST(p->msg, clients);
    if (!c) return;
    c->bsn_valid = jw_bsn_valid(s, n);
    if (p->pseudo && n == 9) {
        /* The yid is all that leaves this function; a non-digit BSN gets no
         * yid and fails the XSD anyway. */
        if (jw_pseudo_yid(p->pseudo, s, n, c->yid) != JW_PSEUDO_OK) c->yid[0] = '\0';
    }
}

static void on_omvang(jw_ijw_parser_t *p, jw_ijw_omvang_t *o, const xmlChar *local,
                      const char *s, size_t n)
{
    if (IS(local, "Volume")) set_int(p, "Volume", s, n, &o->volume);
    else if (IS(local, "Eenheid")) set_small(p, "Eenheid", s, n, &o->eenheid);
    else if (IS(local, "Frequentie")) set_small(p, "Frequentie", s, n, &o->frequentie);
}

static void on_product(jw_ijw_parser_t *p, char *cat, size_t catcap, char *code,
                       size_t codecap, const xmlChar *local, const char *s, size_t n)
{
    if (IS(local, "Categorie")) set_str(p, "Categorie", s, n, cat, catcap);
    else if (IS(local, "Code")) set_str(p, "Code", s, n, code, codecap);
}

static void end_header(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                       const char *s, size_t n)
{
    jw_ijw_header_t *h = &p->msg->header;
    if (IS(parent, "Header")) {
        if (IS(local, "BerichtCode")) set_small(p, "BerichtCode", s, n, &h->berichtcode);
        else if (IS(local, "BerichtVersie")) set_small(p, "BerichtVersie", s, n, &h->versie);
        else if (IS(local, "BerichtSubversie")) set_small(p, "BerichtSubversie", s, n, &h->subversie);
        else if (IS(local, "Afzender")) SET_STR(p, "Afzender", s, n, h->afzender);
        else if (IS(local, "Ontvanger")) SET_STR(p, "Ontvanger", s, n, h->ontvanger);
    } else if (IS(parent, "BerichtIdentificatie")) {
        if (IS(local, "Identificatie")) SET_STR(p, "Identificatie", s, n, h->identificatie);
        else if (IS(local, "Dagtekening")) set_date(p, "Dagtekening", s, n, &h->dagtekening);
    }
}

static void end_client(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                       const xmlChar *gp, const char *s, size_t n)
{
    jw_ijw_client_t *c = LAST(p->msg, clients);
    if (!c) return;
    if (IS(parent, "Client")) {
        if (IS(local, "Bsn")) on_bsn(p, s, n);
        else if (IS(local, "Geslacht")) set_small(p, "Geslacht", s, n, &c->geslacht);
    } else if (IS(parent, "Geboortedatum") && IS(gp, "Client") && IS(local, "Datum")) {
        jw_date_t d;
        int y, mo;
        if (jw_date_parse(s, n, &d)) {
            date_error(p, "Geboortedatum");
            return;
        }
        if (!jw_date_in_window(d)) window_error(p, "Geboortedatum", s, n);
        jw_date_to_ymd(d, &y, &mo, NULL); /* the day is dropped on purpose */
        c->birth_ym = y * 100 + mo;
    }
}

static void end_301(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                    const xmlChar *gp, const char *s, size_t n)
{
    jw_ijw_toewijzing_t *t = LAST(p->msg, toewijzingen);
    if (!t) return;
    if (IS(parent, "ToegewezenProduct")) {
        if (IS(local, "ToewijzingNummer")) set_int(p, "ToewijzingNummer", s, n, &t->toewijzingnummer);
        else if (IS(local, "ReferentieAanbieder")) SET_STR(p, "ReferentieAanbieder", s, n, t->referentie_aanbieder);
        else if (IS(local, "Toewijzingsdatum")) set_date(p, "Toewijzingsdatum", s, n, &t->toewijzingsdatum);
        else if (IS(local, "Toewijzingstijd")) {
            if (conv_time(s, n, &t->toewijzingstijd)) value_error(p, "Toewijzingstijd");
        } else if (IS(local, "Ingangsdatum")) set_date(p, "Ingangsdatum", s, n, &t->ingangsdatum);
        else if (IS(local, "Einddatum")) set_date(p, "Einddatum", s, n, &t->einddatum);
        else if (IS(local, "RedenWijziging")) set_small(p, "RedenWijziging", s, n, &t->reden_wijziging);
        else if (IS(local, "Budget")) set_int(p, "Budget", s, n, &t->budget);
    } else if (IS(gp, "ToegewezenProduct")) {
        if (IS(parent, "Product"))
            on_product(p, t->categorie, sizeof t->categorie, t->code, sizeof t->code, local, s, n);
        else if (IS(parent, "Omvang"))
            on_omvang(p, &t->omvang, local, s, n);
    }
}

static void end_315(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                    const xmlChar *gp, const char *s, size_t n)
{
    jw_ijw_verzoek_t *v = LAST(p->msg, verzoeken);
    if (!v) return;
    if (IS(parent, "AangevraagdProduct")) {
        if (IS(local, "ReferentieAanbieder")) SET_STR(p, "ReferentieAanbieder", s, n, v->referentie_aanbieder);
        else if (IS(local, "BeschikkingNummer")) v->has_beschikkingnummer = 1;
        else if (IS(local, "BeschikkingIngangsdatum")) v->has_beschikking_ingangsdatum = 1;
        else if (IS(local, "ToewijzingIngangsdatum")) set_date(p, "ToewijzingIngangsdatum", s, n, &v->toewijzing_ingangsdatum);
        else if (IS(local, "ToewijzingEinddatum")) set_date(p, "ToewijzingEinddatum", s, n, &v->toewijzing_einddatum);
        else if (IS(local, "Budget")) set_int(p, "Budget", s, n, &v->budget);
    } else if (IS(gp, "AangevraagdProduct")) {
        if (IS(parent, "Product"))
            on_product(p, v->categorie, sizeof v->categorie, v->code, sizeof v->code, local, s, n);
        else if (IS(parent, "Omvang"))
            on_omvang(p, &v->omvang, local, s, n);
        else if (IS(parent, "Verwijzer")) {
            if (IS(local, "Type")) set_small(p, "Verwijzer/Type", s, n, &v->verwijzer_type);
            else if (IS(local, "ZorgverlenerCode")) SET_STR(p, "ZorgverlenerCode", s, n, v->verwijzer_agb);
            else if (IS(local, "Naam")) v->has_verwijzer_naam = 1;
        }
    }
}

static void end_30x(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                    const xmlChar *gp, const char *s, size_t n)
{
    jw_ijw_levering_t *l = LAST(p->msg, leveringen);
    if (!l) return;
    if (IS(parent, "StartProduct") || IS(parent, "StopProduct")) {
        if (IS(local, "ToewijzingNummer")) set_int(p, "ToewijzingNummer", s, n, &l->toewijzingnummer);
        else if (IS(local, "ToewijzingIngangsdatum")) set_date(p, "ToewijzingIngangsdatum", s, n, &l->toewijzing_ingangsdatum);
        else if (IS(local, "Begindatum")) set_date(p, "Begindatum", s, n, &l->begindatum);
        else if (IS(local, "RedenBeeindiging")) set_small(p, "RedenBeeindiging", s, n, &l->reden_beeindiging);
        else if (IS(local, "Einddatum")) set_date(p, "Einddatum", s, n, &l->einddatum);
        else if (IS(local, "StatusAanlevering")) set_small(p, "StatusAanlevering", s, n, &l->status);
    } else if (IS(parent, "Product") && (IS(gp, "StartProduct") || IS(gp, "StopProduct"))) {
        on_product(p, l->categorie, sizeof l->categorie, l->code, sizeof l->code, local, s, n);
    }
}

static void end_323(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                    const char *s, size_t n)
{
    jw_ijw_declaratie_t *d = &p->msg->declaratie;
    jw_ijw_prestatie_t *pr = LAST(p->msg, prestaties);

    if (IS(parent, "Declaratie")) {
        if (IS(local, "DeclaratieNummer")) SET_STR(p, "DeclaratieNummer", s, n, d->nummer);
        else if (IS(local, "DeclaratieDagtekening")) set_date(p, "DeclaratieDagtekening", s, n, &d->dagtekening);
        else if (IS(local, "TotaalIngediendBedrag") && d->totaal_dc == 'C') d->totaal = -d->totaal;
    } else if (IS(parent, "DeclaratiePeriode")) {
        if (IS(local, "Begindatum")) set_date(p, "DeclaratiePeriode", s, n, &d->periode_begin);
        else if (IS(local, "Einddatum")) set_date(p, "DeclaratiePeriode", s, n, &d->periode_eind);
    } else if (IS(parent, "TotaalIngediendBedrag")) {
        if (IS(local, "TotaalBedrag")) set_int(p, "TotaalBedrag", s, n, &d->totaal);
        else if (IS(local, "DebetCredit")) d->totaal_dc = n == 1 ? s[0] : '?';
    } else if (!pr) {
        return;
    } else if (IS(parent, "Prestatie")) {
        if (IS(local, "ToewijzingNummer")) set_int(p, "ToewijzingNummer", s, n, &pr->toewijzingnummer);
        else if (IS(local, "ProductCategorie")) SET_STR(p, "ProductCategorie", s, n, pr->categorie);
        else if (IS(local, "ProductCode")) SET_STR(p, "ProductCode", s, n, pr->code);
        else if (IS(local, "GeleverdVolume")) set_int(p, "GeleverdVolume", s, n, &pr->volume);
        else if (IS(local, "Eenheid")) set_small(p, "Eenheid", s, n, &pr->eenheid);
        else if (IS(local, "ProductTarief")) set_int(p, "ProductTarief", s, n, &pr->tarief);
        else if (IS(local, "IngediendBedrag") && pr->dc == 'C') pr->bedrag = -pr->bedrag;
    } else if (IS(parent, "ProductReferentie")) {
        if (IS(local, "ReferentieNummer")) SET_STR(p, "ReferentieNummer", s, n, pr->referentienummer);
        else if (IS(local, "VorigReferentieNummer")) SET_STR(p, "VorigReferentieNummer", s, n, pr->vorig_referentienummer);
    } else if (IS(parent, "ProductPeriode")) {
        if (IS(local, "Begindatum")) set_date(p, "ProductPeriode", s, n, &pr->begindatum);
        else if (IS(local, "Einddatum")) set_date(p, "ProductPeriode", s, n, &pr->einddatum);
    } else if (IS(parent, "IngediendBedrag")) {
        if (IS(local, "Bedrag")) set_int(p, "Bedrag", s, n, &pr->bedrag);
        else if (IS(local, "DebetCredit")) pr->dc = n == 1 ? s[0] : '?';
    }
}

/* A RetourCode of a retour (any class) or of a JW325 (header, declaration,
 * line). Retours: every code counts for the verdict (IV032). */
static void end_retourcode(jw_ijw_parser_t *p, const xmlChar *gp, const char *s, size_t n)
{
    jw_ijw_msg_t *m = p->msg;
    jw_ijw_retour_t *r = &m->retour;
    char code[5];
    if (n != 4) return; /* the XSD refuses it */
    memcpy(code, s, 4);
    code[4] = '\0';
    if (m->type == JW_MSG_325 && !IS(gp, "Header")) {
        jw_ijw_prestatie_t *pr = LAST(m, prestaties);
        if (IS(gp, "Prestatie") && pr && !pr->retourcode[0])
            memcpy(pr->retourcode, code, 5);
        else if (IS(gp, "DeclaratieAntwoord") && !m->declaratie.decl_retourcode[0])
            memcpy(m->declaratie.decl_retourcode, code, 5);
        return;
    }
    if (strcmp(code, "0200") != 0 && strcmp(code, "0233") != 0) r->refused = 1;
    for (size_t i = 0; i < r->n_codes; i++)
        if (strcmp(r->codes[i], code) == 0) return;
    if (r->n_codes < JW_IJW_MAX_CODES) memcpy(r->codes[r->n_codes++], code, 5);
    else r->n_codes_dropped++;
}

/* The retour's own identification, and JW325's reference to its JW323. */
static void end_retour_header(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                              const char *s, size_t n)
{
    jw_ijw_msg_t *m = p->msg;
    if (IS(parent, "Header")) {
        if (IS(local, "IdentificatieRetour")) SET_STR(p, "IdentificatieRetour", s, n, m->retour.identificatie);
        else if (IS(local, "DagtekeningRetour")) set_date(p, "DagtekeningRetour", s, n, &m->retour.dagtekening);
    } else if (IS(parent, "DeclaratieIdentificatie")) {
        if (IS(local, "Identificatie")) SET_STR(p, "Identificatie", s, n, m->declaratie.decl_identificatie);
        else if (IS(local, "Dagtekening")) set_date(p, "Dagtekening", s, n, &m->declaratie.decl_dagtekening);
    }
}

static void end_317(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                    const xmlChar *gp, const char *s, size_t n)
{
    jw_ijw_msg_t *m = p->msg;
    jw_ijw_wijziging_t *w = LAST(m, wijzigingen);
    if (IS(parent, "Verzoek")) {
        if (IS(local, "ReferentieAanbieder")) SET_STR(p, "ReferentieAanbieder", s, n, m->verzoek.referentie_aanbieder);
        else if (IS(local, "RedenVerzoek")) set_small(p, "RedenVerzoek", s, n, &m->verzoek.reden_verzoek);
    } else if (!w) {
        return;
    } else if (IS(parent, "OngewijzigdProduct") || IS(parent, "TeWijzigenProduct") ||
               IS(parent, "NieuwProduct")) {
        if (IS(local, "ToewijzingNummer")) set_int(p, "ToewijzingNummer", s, n, &w->toewijzingnummer);
        else if (IS(local, "GewensteIngangsdatum")) set_date(p, "GewensteIngangsdatum", s, n, &w->gewenste_ingangsdatum);
        else if (IS(local, "Einddatum")) set_date(p, "Einddatum", s, n, &w->einddatum);
        else if (IS(local, "Budget")) set_int(p, "Budget", s, n, &w->budget);
    } else if (IS(gp, "TeWijzigenProduct") || IS(gp, "NieuwProduct")) {
        if (IS(parent, "Product"))
            on_product(p, w->categorie, sizeof w->categorie, w->code, sizeof w->code, local, s, n);
        else if (IS(parent, "Omvang"))
            on_omvang(p, &w->omvang, local, s, n);
    }
}

static void end_319(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                    const char *s, size_t n)
{
    jw_ijw_verzoekinfo_t *v = &p->msg->verzoek;
    if (IS(parent, "Antwoord")) {
        if (IS(local, "ReferentieAanbieder")) SET_STR(p, "ReferentieAanbieder", s, n, v->referentie_aanbieder);
        else if (IS(local, "VerzoekAntwoord")) set_small(p, "VerzoekAntwoord", s, n, &v->verzoek_antwoord);
        else if (IS(local, "RedenAfwijzingVerzoek")) set_small(p, "RedenAfwijzingVerzoek", s, n, &v->reden_afwijzing);
    } else if (IS(parent, "Woonplaatsbeginsel") && IS(local, "Gemeente")) {
        SET_STR(p, "Gemeente", s, n, v->woonplaats_gemeente);
    }
}

/* JW325: the answer's totals; the refused lines are read by end_323. */
static void end_325(jw_ijw_parser_t *p, const xmlChar *local, const xmlChar *parent,
                    const char *s, size_t n)
{
    jw_ijw_declaratie_t *d = &p->msg->declaratie;
    if (IS(local, "DeclaratieAntwoord")) {
        d->has_antwoord = 1;
    } else if (IS(parent, "DeclaratieAntwoord")) {
        if (IS(local, "DeclaratieNummer")) SET_STR(p, "DeclaratieNummer", s, n, d->nummer);
        else if (IS(local, "TotaalIngediendBedrag") && d->totaal_dc == 'C') d->totaal = -d->totaal;
        else if (IS(local, "TotaalToegekendBedrag") && d->toegekend_dc == 'C') d->toegekend = -d->toegekend;
    } else if (IS(parent, "TotaalToegekendBedrag")) {
        if (IS(local, "TotaalBedrag")) set_int(p, "TotaalBedrag", s, n, &d->toegekend);
        else if (IS(local, "DebetCredit")) d->toegekend_dc = n == 1 ? s[0] : '?';
    } else {
        end_323(p, local, parent, s, n);
    }
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix; (void)uri;
    jw_ijw_parser_t *p = ctx;
    if (p->depth <= 0) return;

    /* Trim XML white space around the text of the element. */
    char *s = p->text;
    size_t n = p->text_overflow ? 0 : p->text_len;
    while (n > 0 && isspace((unsigned char)s[0])) { s++; n--; }
    while (n > 0 && isspace((unsigned char)s[n - 1])) n--;

    const xmlChar *parent = p->depth >= 2 ? p->stack[p->depth - 1] : NULL;
    const xmlChar *gp = p->depth >= 3 ? p->stack[p->depth - 2] : NULL;
    local = p->stack[p->depth]; /* the 3.x name a legacy 2.x element was read as */
    int is_bsn = IS(local, "Bsn");

    end_header(p, local, parent, s, n);
    end_client(p, local, parent, gp, s, n);
    switch (p->msg->type) {
    case JW_MSG_301: end_301(p, local, parent, gp, s, n); break;
    case JW_MSG_315: end_315(p, local, parent, gp, s, n); break;
    case JW_MSG_305:
    case JW_MSG_307: end_30x(p, local, parent, gp, s, n); break;
    case JW_MSG_323: end_323(p, local, parent, s, n); break;
    case JW_MSG_317: end_317(p, local, parent, gp, s, n); break;
    case JW_MSG_319: end_319(p, local, parent, s, n); break;
    case JW_MSG_325: end_325(p, local, parent, s, n); break;
    default: break;
    }
    if (!p->no_rules)
        jw_ijw_findings_end(&p->fs, p->msg, (const char *)local, (const char *)parent,
                            (const char *)gp, s, n);
    if (IS(local, "RetourCode") && IS(parent, "RetourCodes"))
        end_retourcode(p, gp, s, n);
    else if (jw_ijw_is_retour(p->msg->type) || p->msg->type == JW_MSG_325)
        end_retour_header(p, local, parent, s, n);
    if (is_bsn) sodium_memzero(p->text, sizeof p->text);
    p->text_len = 0;
    p->depth--;
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name; (void)ext; (void)sys;
    jw_ijw_parser_t *p = ctx;
    if (!p->have_stop) {
        p->have_stop = 1;
        jw_ijw_error_set(&p->stop_err, JW_LAYER_XML, "DOCTYPE", xmlSAX2GetLineNumber(p->ctxt),
                         "document type declarations are refused (no DTDs, no entities)");
    }
    xmlStopParser(p->ctxt);
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    jw_ijw_parser_t *p = ctx;
    if (!e || e->level < XML_ERR_ERROR || p->have_xml) return;
    p->have_xml = 1;
    jw_ijw_error_set(&p->xml_err, JW_LAYER_XML, "XML", e->line, "%s",
                     e->message ? e->message : "not well-formed");
}

static void on_xsd_error(void *ctx, xmlErrorPtr e)
{
    jw_ijw_parser_t *p = ctx;
    if (!e || e->level < XML_ERR_ERROR || p->have_xsd) return;
    p->have_xsd = 1;
    int line = e->line ? e->line : xmlSAX2GetLineNumber(p->ctxt);
    const char *msg = e->message ? e->message : "not valid";
    /* A value libxml2 quotes for a Bsn is (nearly) a BSN: withhold it. */
    if (strstr(msg, "Bsn'"))
        jw_ijw_error_set(&p->xsd_err, JW_LAYER_XSD, "XSD", line,
                         "Element 'Bsn': not 9 digits (value withheld)");
    else
        jw_ijw_error_set(&p->xsd_err, JW_LAYER_XSD, "XSD", line, "%s", msg);
}

/* ---- life cycle ---- */

int jw_ijw_parser_new(const jw_ijw_schema_t *schema, const jw_pseudo_t *pseudo,
                      jw_ijw_parser_t **out)
{
    jw_ijw_parser_t *p = NULL;
    int rc = JW_IJW_ENOMEM;
    *out = NULL;
    if (!schema) return JW_IJW_EARG;
    p = calloc(1, sizeof *p);
    if (!p) goto out;
    p->schema = schema;
    p->pseudo = pseudo;

    p->sax.initialized = XML_SAX2_MAGIC;
    p->sax.startElementNs = on_start;
    p->sax.endElementNs = on_end;
    p->sax.characters = on_chars;
    p->sax.cdataBlock = on_chars; /* CDATA is text like any other */
    p->sax.internalSubset = on_doctype;
    p->sax.serror = on_xml_error;

    if (jw_ijw_findings_init(&p->fs)) goto out;
    p->ctxt = xmlCreatePushParserCtxt(&p->sax, p, NULL, 0, NULL);
    if (!p->ctxt) goto out;
    p->vctxt = xmlSchemaNewValidCtxt(schema->schema);
    if (!p->vctxt) goto out;
    xmlSchemaSetValidStructuredErrors(p->vctxt, on_xsd_error, p);
    rc = JW_IJW_OK;
out:
    if (rc != JW_IJW_OK) jw_ijw_parser_free(p);
    else *out = p;
    return rc;
}

void jw_ijw_parser_set_rules(jw_ijw_parser_t *p, int on)
{
    p->no_rules = !on;
}

void jw_ijw_parser_free(jw_ijw_parser_t *p)
{
    if (!p) return;
    if (p->vctxt) xmlSchemaFreeValidCtxt(p->vctxt);
    if (p->ctxt) xmlFreeParserCtxt(p->ctxt);
    sodium_memzero(p->text, sizeof p->text);
    jw_ijw_findings_free(&p->fs);
    free(p);
}

/* ---- checks before the parser sees the bytes ---- */

static int line_of(const char *buf, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        if (buf[i] == '\n') line++;
    return line;
}

/* Offset of the first byte that is not valid UTF-8, or len. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path: eight bytes without a high bit at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080)) break;
            i += 8;
        }
        if (i >= len) break;
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) { need = 1; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; min = 0x10000; }
        else return i;
        unsigned cp = c & (0x3F >> need);
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += need + 1;
    }
    return len;
}

static int precheck(const char *buf, size_t len, jw_ijw_error_t *err)
{
    const unsigned char *u = (const unsigned char *)buf;
    if (len > JW_IJW_MAX_BYTES) {
        jw_ijw_error_set(err, JW_LAYER_XML, "OP179", 0,
                         "message is %zu bytes, more than the %u allowed", len, JW_IJW_MAX_BYTES);
        return -1;
    }
    if (len == 0) {
        jw_ijw_error_set(err, JW_LAYER_XML, "XML", 0, "empty message");
        return -1;
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        jw_ijw_error_set(err, JW_LAYER_XML, "OP192", 1, "byte order mark before the XML (iJw files are UTF-8 without BOM)");
        return -1;
    }
    if (len >= 2 && (u[0] == 0 || u[1] == 0 || (u[0] == 0xFE && u[1] == 0xFF) ||
                     (u[0] == 0xFF && u[1] == 0xFE))) {
        jw_ijw_error_set(err, JW_LAYER_XML, "OP192", 1, "not UTF-8 (UTF-16 or UTF-32 text)");
        return -1;
    }
    /* The declared encoding, if any, must be UTF-8. */
    if (len > 5 && memcmp(buf, "<?xml", 5) == 0) {
        size_t end = 5;
        while (end + 1 < len && end < 256 && !(buf[end] == '?' && buf[end + 1] == '>')) end++;
        for (size_t i = 5; i + 9 < end; i++) {
            if (memcmp(buf + i, "encoding", 8) != 0) continue;
            size_t j = i + 8;
            while (j < end && (buf[j] == ' ' || buf[j] == '=' || buf[j] == '\t')) j++;
            if (j >= end || (buf[j] != '"' && buf[j] != '\'')) break;
            char q = buf[j++];
            size_t k = j;
            while (k < end && buf[k] != q) k++;
            size_t vl = k - j;
            if (!((vl == 5 && strncasecmp(buf + j, "UTF-8", 5) == 0) ||
                  (vl == 4 && strncasecmp(buf + j, "UTF8", 4) == 0))) {
                jw_ijw_error_set(err, JW_LAYER_XML, "OP192", 1,
                                 "declared encoding is not UTF-8 (iJw files are UTF-8)");
                return -1;
            }
            break;
        }
    }
    size_t bad = utf8_invalid_at(u, len);
    if (bad < len) {
        jw_ijw_error_set(err, JW_LAYER_XML, "OP192", line_of(buf, bad),
                         "byte %zu is not valid UTF-8", bad);
        return -1;
    }
    return 0;
}

/* ---- the one call ---- */

int jw_ijw_parse(jw_ijw_parser_t *p, const char *buf, size_t len, const char *name,
                 jw_ijw_msg_t *msg, jw_ijw_error_t *err)
{
    xmlSchemaSAXPlugPtr plug = NULL;
    int rc;

    memset(err, 0, sizeof *err);
    /* Reuse the message's arrays: keep capacity, drop content. */
    {
        jw_ijw_msg_t keep = *msg;
        memset(msg, 0, sizeof *msg);
        msg->clients = keep.clients;           msg->cap_clients = keep.cap_clients;
        msg->toewijzingen = keep.toewijzingen; msg->cap_toewijzingen = keep.cap_toewijzingen;
        msg->verzoeken = keep.verzoeken;       msg->cap_verzoeken = keep.cap_verzoeken;
        msg->leveringen = keep.leveringen;     msg->cap_leveringen = keep.cap_leveringen;
        msg->prestaties = keep.prestaties;     msg->cap_prestaties = keep.cap_prestaties;
        msg->wijzigingen = keep.wijzigingen;   msg->cap_wijzigingen = keep.cap_wijzigingen;
    }
    msg->verzoek.reden_afwijzing = JW_NONE;
    if (!p || (!buf && len)) return JW_IJW_EARG;
    if (precheck(buf, len, err) || jw_ijw_limits_scan(buf, len, err)) {
        rc = JW_IJW_EINVALID;
        goto out;
    }

    p->msg = msg;
    p->depth = 0;
    p->text_len = 0;
    p->text_overflow = 0;
    p->oom = p->have_stop = p->have_xml = p->have_xsd = p->have_value = 0;
    jw_ijw_findings_reset(&p->fs);

    if (xmlCtxtResetPush(p->ctxt, NULL, 0, name, "UTF-8") != 0) {
        rc = JW_IJW_ENOMEM;
        goto out;
    }
    xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET);
    p->ctxt->linenumbers = 1;
    plug = xmlSchemaSAXPlug(p->vctxt, &p->ctxt->sax, &p->ctxt->userData);
    if (!plug) {
        rc = JW_IJW_ENOMEM;
        goto out;
    }
    /* Fed in chunks: given 25 MB at once, libxml2 2.9.14 looks more than
     * 10 MB ahead without shrinking its input and stops with "Huge input
     * lookup"; in chunks it shrinks as it goes, keeping its own limits
     * (no XML_PARSE_HUGE). */
    for (size_t off = 0; off < len && p->ctxt->instate != XML_PARSER_EOF;) {
        size_t n = len - off < PARSE_CHUNK ? len - off : PARSE_CHUNK;
        xmlParseChunk(p->ctxt, buf + off, (int)n, off + n == len);
        off += n;
    }
    xmlSchemaSAXUnplug(plug);
    plug = NULL;

    if (p->oom || p->fs.oom) {
        rc = JW_IJW_ENOMEM;
    } else if (p->have_stop) {
        *err = p->stop_err;
        rc = JW_IJW_EINVALID;
    } else if (p->have_xml || !p->ctxt->wellFormed) {
        /* The schema plug does not forward structured errors in 2.9.14:
         * the parser's own last error carries the message and line. */
        xmlErrorPtr le = xmlCtxtGetLastError(p->ctxt);
        if (p->have_xml) *err = p->xml_err;
        else if (le && le->message)
            jw_ijw_error_set(err, JW_LAYER_XML, "XML", le->line, "%s", le->message);
        else jw_ijw_error_set(err, JW_LAYER_XML, "XML", 0, "not well-formed");
        rc = JW_IJW_EINVALID;
    } else if (p->have_xsd || msg->type == JW_MSG_UNKNOWN) {
        if (p->have_xsd) *err = p->xsd_err;
        else jw_ijw_error_set(err, JW_LAYER_XSD, "XSD", 1,
                              "root is not an iJw 3.0-3.2 (or legacy 2.1-2.4) Bericht of a known message type");
        rc = JW_IJW_EINVALID;
    } else if (p->have_value) {
        *err = p->value_err;
        rc = JW_IJW_EINVALID;
    } else {
        rc = p->no_rules ? JW_IJW_OK : jw_ijw_rules_check(msg, err);
    }
out:
    p->msg = NULL;
    sodium_memzero(p->text, sizeof p->text);
    if (rc != JW_IJW_OK) {
        /* Keep the arrays for reuse, drop what was read. */
        msg->n_clients = msg->n_toewijzingen = msg->n_verzoeken = 0;
        msg->n_leveringen = msg->n_prestaties = msg->n_wijzigingen = 0;
        msg->type = JW_MSG_UNKNOWN;
        memset(&msg->retour, 0, sizeof msg->retour);
        memset(&msg->verzoek, 0, sizeof msg->verzoek);
        memset(&msg->finding, 0, sizeof msg->finding);
        memset(&msg->header, 0, sizeof msg->header);
        memset(&msg->declaratie, 0, sizeof msg->declaratie);
    }
    return rc;
}
