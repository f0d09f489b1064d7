/* xmlout.c - iJw 3.x XML for the generated messages (see xmlout.h). */
#include "xmlout.h"

#include <stdio.h>
#include <string.h>

#include "region.h"

#define EOL "\r\n"

const char *jwg_mut_layer(int mut)
{
    switch (mut) {
    case JWG_MUT_XML_TRUNCATED: return "XML";
    case JWG_MUT_XSD_MISSING:
    case JWG_MUT_XSD_BADDATE:
    case JWG_MUT_XSD_MISSPELLED: return "XSD";
    case JWG_MUT_CS002:
    case JWG_MUT_CS003:
    case JWG_MUT_TR358: return "RULE";
    default: return "NONE";
    }
}

const char *jwg_mut_rule(int mut)
{
    switch (mut) {
    case JWG_MUT_XML_TRUNCATED: return "XML";
    case JWG_MUT_XSD_MISSING:
    case JWG_MUT_XSD_BADDATE:
    case JWG_MUT_XSD_MISSPELLED: return "XSD";
    case JWG_MUT_CS002: return "CS002";
    case JWG_MUT_CS003: return "CS003";
    case JWG_MUT_TR358: return "TR358";
    default: return "";
    }
}

const char *jwg_mut_detail(int mut)
{
    switch (mut) {
    case JWG_MUT_XML_TRUNCATED: return "truncated";
    case JWG_MUT_XSD_MISSING: return "required element removed";
    case JWG_MUT_XSD_BADDATE: return "impossible date";
    case JWG_MUT_XSD_MISSPELLED: return "misspelled element";
    case JWG_MUT_CS002: return "BSN fails the 11-proef";
    case JWG_MUT_CS003: return "Einddatum before Ingangsdatum";
    case JWG_MUT_TR358: return "TotaalIngediendBedrag off by 100 cents";
    default: return "";
    }
}

void jwg_ident_format(int kind, uint32_t counter, char out[13])
{
    static const char *const pre[JWG_NTYPES] = {"TW", "ST", "SP", "VT", "DC", "RT", "RS", "RP",
                                                "RV", "VW", "RW", "AW", "RA", "DA"};
    snprintf(out, 13, "%s%08u", pre[kind], (unsigned)(counter % 100000000u));
}

const char *jwg_msg_sender_code(const jwg_world_t *w, const jwg_msg_t *m)
{
    return jwg_sent_by_gemeente(m->kind) ? jwg_gemeenten[m->sender].code : w->prov[m->sender].agb;
}

static const char *msg_receiver_code(const jwg_world_t *w, const jwg_msg_t *m)
{
    return jwg_sent_by_gemeente(m->kind) ? w->prov[m->receiver].agb : jwg_gemeenten[m->receiver].code;
}

/* ---- element writers ------------------------------------------------- */

/* A two-digit code ("04", "13"). */
static void code2(int v, char out[3])
{
    v = ((v % 100) + 100) % 100;
    out[0] = (char)('0' + v / 10);
    out[1] = (char)('0' + v % 10);
    out[2] = '\0';
}


typedef struct {
    jwg_buf_t *b;
    char pfx[8]; /* "jw301" */
    int legacy;  /* N: written as iJw 2.N (jwg_legacy), 0: 3.x */
} xw_t;

/* The reconstructed 2.x JW303/JW304 name the declaration a
 * "declaratie/factuur" (xsd/legacy/; pkg/ijw/legacy.c reads them back). */
static const char *lname(const xw_t *x, const char *ns, const char *name)
{
    static const char *const map[][2] = {
        {"Declaratie", "DeclaratieFactuur"},
        {"DeclaratieNummer", "DeclaratieFactuurNummer"},
        {"DeclaratiePeriode", "DeclaratieFactuurPeriode"},
        {"DeclaratieDagtekening", "DeclaratieFactuurDagtekening"},
        {"DeclaratieAntwoord", "DeclaratieFactuurAntwoord"},
        {"DeclaratieIdentificatie", "DeclaratieFactuurIdentificatie"},
    };
    if (!x->legacy || ns) return name;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(name, map[i][0])) return map[i][1];
    return name;
}

static void indent(jwg_buf_t *b, int depth)
{
    static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t";
    jwg_buf_put(b, tabs, (size_t)(depth < 12 ? depth : 12));
}

static void put_escaped(jwg_buf_t *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        if (*s == '&') rep = "&amp;";
        else if (*s == '<') rep = "&lt;";
        else if (*s == '>') rep = "&gt;";
        if (!rep) continue;
        jwg_buf_put(b, run, (size_t)(s - run));
        jwg_buf_puts(b, rep);
        run = s + 1;
    }
    jwg_buf_put(b, run, (size_t)(s - run));
}

static void tag(jwg_buf_t *b, const char *ns, const char *name, int closing)
{
    jwg_buf_puts(b, closing ? "</" : "<");
    jwg_buf_puts(b, ns);
    jwg_buf_putc(b, ':');
    jwg_buf_puts(b, name);
    jwg_buf_putc(b, '>');
}

/* <ns:name>text</ns:name> on its own line; ns NULL = message prefix. */
static void el(xw_t *x, int depth, const char *ns, const char *name, const char *text)
{
    name = lname(x, ns, name);
    if (!ns) ns = x->pfx;
    indent(x->b, depth);
    tag(x->b, ns, name, 0);
    put_escaped(x->b, text);
    tag(x->b, ns, name, 1);
    jwg_buf_puts(x->b, EOL);
}

static void el_u(xw_t *x, int depth, const char *ns, const char *name, uint64_t v)
{
    char t[24];
    snprintf(t, sizeof t, "%llu", (unsigned long long)v);
    el(x, depth, ns, name, t);
}

static void el_date(xw_t *x, int depth, const char *ns, const char *name, jw_date_t d)
{
    char t[11];
    jw_date_format(d, t);
    el(x, depth, ns, name, t);
}

static void el_open(xw_t *x, int depth, const char *ns, const char *name)
{
    name = lname(x, ns, name);
    indent(x->b, depth);
    tag(x->b, ns ? ns : x->pfx, name, 0);
    jwg_buf_puts(x->b, EOL);
}

static void el_close(xw_t *x, int depth, const char *ns, const char *name)
{
    name = lname(x, ns, name);
    indent(x->b, depth);
    tag(x->b, ns ? ns : x->pfx, name, 1);
    jwg_buf_puts(x->b, EOL);
}

/* ---- shared parts ------------------------------------------------------ */

static void xsd_versie(xw_t *x, const char *name)
{
    el_open(x, 2, NULL, name);
    el(x, 3, "ijw", "BasisschemaXsdVersie", "1.0.0");
    el(x, 3, "ijw", "BerichtXsdVersie", "1.0.0");
    el_close(x, 2, NULL, name);
}

static void retour_codes(xw_t *x, int depth, const char *code)
{
    el_open(x, depth, NULL, "RetourCodes");
    el(x, depth + 1, NULL, "RetourCode", code);
    el_close(x, depth, NULL, "RetourCodes");
}

/* A retour copies its heenbericht's header (IV028): Afzender, Ontvanger,
 * BerichtIdentificatie, release; only the BerichtCode is its own. */
static void header(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m, uint32_t ident,
                   const uint32_t *ident_of)
{
    int retour = m->kind == JWG_302 || m->kind == JWG_306 || m->kind == JWG_308 ||
                 m->kind == JWG_316 || m->kind == JWG_318 || m->kind == JWG_320;
    const jwg_msg_t *heen = retour ? &w->msg.v[w->answer.v[m->ref].of] : m;
    int rel = jwg_release(heen->dag);
    int num = jwg_type_number(m->kind);
    int code = jwg_type_code(m->kind);
    if (x->legacy) {
        /* 2.x: JW303 declaratie 432 / factuur 450 and its JW304 433 / 451 */
        int lg = x->legacy;
        if (m->kind == JWG_323 || m->kind == JWG_325) {
            const jwg_decl_t *d = &w->decl.v[m->kind == JWG_323 ? m->ref : w->answer.v[m->ref].of];
            int factuur = jwg_legacy_factuur(d);
            num = m->kind == JWG_323 ? 303 : 304;
            code = (factuur ? 450 : 432) + (m->kind == JWG_325);
        }
        jwg_buf_printf(x->b,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" EOL
                       "<%s:Bericht xmlns:ijw=\"http://www.istandaarden.nl/ijw/2_%d/basisschema/schema/2_%d\" "
                       "xmlns:%s=\"http://www.istandaarden.nl/ijw/2_%d/jw%03d/schema/2_%d\">" EOL,
                       x->pfx, lg, lg, x->pfx, lg, num, lg);
        el_open(x, 1, NULL, "Header");
        el_u(x, 2, NULL, "BerichtCode", (uint64_t)code);
        el(x, 2, NULL, "BerichtVersie", "2");
        el_u(x, 2, NULL, "BerichtSubversie", (uint64_t)lg);
    } else {
    jwg_buf_printf(x->b,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" EOL
                   "<%s:Bericht xmlns:ijw=\"http://www.istandaarden.nl/ijw/3_%d/basisschema/schema\" "
                   "xmlns:%s=\"http://www.istandaarden.nl/ijw/3_%d/jw%03d/schema\">" EOL,
                   x->pfx, rel, x->pfx, rel, num);
    el_open(x, 1, NULL, "Header");
    el_u(x, 2, NULL, "BerichtCode", (uint64_t)code);
    el(x, 2, NULL, "BerichtVersie", "3");
    el_u(x, 2, NULL, "BerichtSubversie", (uint64_t)rel);
    }
    el(x, 2, NULL, "Afzender", jwg_msg_sender_code(w, heen));
    el(x, 2, NULL, "Ontvanger", msg_receiver_code(w, heen));
    el_open(x, 2, NULL, "BerichtIdentificatie");
    char id[13];
    jwg_ident_format(heen->kind, heen == m ? ident : ident_of[heen - w->msg.v], id);
    el(x, 3, "ijw", "Identificatie", id);
    el_date(x, 3, "ijw", "Dagtekening", heen->dag);
    el_close(x, 2, NULL, "BerichtIdentificatie");
    xsd_versie(x, "XsdVersie");
    if (heen != m) {
        const jwg_answer_t *a = &w->answer.v[m->ref];
        jwg_ident_format(m->kind, ident, id);
        el(x, 2, NULL, "IdentificatieRetour", id);
        el_date(x, 2, NULL, "DagtekeningRetour", m->dag);
        if (!strcmp(a->code, "0001")) el(x, 2, NULL, "XsltVersie", "1.0.0");
        xsd_versie(x, "XsdVersieRetour");
        if (a->code[0]) retour_codes(x, 2, a->code);
    } else if (m->kind == JWG_325) {
        const jwg_decl_t *d = &w->decl.v[w->answer.v[m->ref].of];
        el_open(x, 2, NULL, "DeclaratieIdentificatie");
        jwg_ident_format(JWG_323, ident_of[d->msg], id);
        el(x, 3, "ijw", "Identificatie", id);
        el_date(x, 3, "ijw", "Dagtekening", d->dag);
        el_close(x, 2, NULL, "DeclaratieIdentificatie");
        if (!x->legacy) xsd_versie(x, "XsdVersieDeclaratie");
        retour_codes(x, 2, "0200");
    }
    el_close(x, 1, NULL, "Header");
}

static void footer(xw_t *x)
{
    jwg_buf_printf(x->b, "</%s:Bericht>" EOL, x->pfx);
}

/* A BSN that fails the 11-proef: the check digit moved by one changes the
 * weighted sum by 1 or 9, never a multiple of 11. */
static void bad_bsn(const char *bsn, char out[10])
{
    memcpy(out, bsn, 10);
    out[8] = (char)('0' + (out[8] - '0' + 1) % 10);
}

static const char *first_name(const jwg_youth_t *y)
{
    return y->geslacht == 1 ? jwg_names_m[y->voornaam] : jwg_names_f[y->voornaam];
}

static void voorletter(const char *name, char out[2])
{
    out[0] = name[0];
    out[1] = '\0';
}

static void geslachtsnaam(xw_t *x, int depth, const jwg_youth_t *y)
{
    const jwg_surname_t *s = &jwg_surnames[y->surname];
    el_open(x, depth, "ijw", "Geslachtsnaam");
    el(x, depth + 1, "ijw", "Achternaam", s->achternaam);
    if (s->voorvoegsel) el(x, depth + 1, "ijw", "Voorvoegsel", s->voorvoegsel);
    el_close(x, depth, "ijw", "Geslachtsnaam");
}

/* Bsn, Geboortedatum, Geslacht and Naam; full = CDT_VolledigeNaam (JW301). */
static void client_head(xw_t *x, const jwg_youth_t *y, int mutate_bsn, int full)
{
    char bsn[10];
    if (mutate_bsn) bad_bsn(y->bsn, bsn);
    else memcpy(bsn, y->bsn, 10);
    el(x, 2, NULL, "Bsn", bsn);
    el_open(x, 2, NULL, "Geboortedatum");
    el_date(x, 3, "ijw", "Datum", y->birth);
    el_close(x, 2, NULL, "Geboortedatum");
    el_u(x, 2, NULL, "Geslacht", y->geslacht);
    el_open(x, 2, NULL, "Naam");
    geslachtsnaam(x, 3, y);
    const char *vn = first_name(y);
    char vl[2];
    voorletter(vn, vl);
    el(x, 3, "ijw", "Voornamen", vn);
    el(x, 3, "ijw", "Voorletters", vl);
    if (full) el(x, 3, "ijw", "NaamGebruik", "1");
    el_close(x, 2, NULL, "Naam");
}

static void adres(xw_t *x, int depth, const jwg_youth_t *y)
{
    const jwg_gemeente_t *g = &jwg_gemeenten[y->gemeente];
    el_open(x, depth, NULL, "Adres");
    el_open(x, depth + 1, "ijw", "Huis");
    el_u(x, depth + 2, "ijw", "Huisnummer", (uint64_t)y->huisnummer);
    el_close(x, depth + 1, "ijw", "Huis");
    el(x, depth + 1, "ijw", "Postcode", y->postcode);
    el(x, depth + 1, "ijw", "Straatnaam", jwg_streets[y->street]);
    el(x, depth + 1, "ijw", "Plaatsnaam", g->plaats);
    el(x, depth + 1, "ijw", "LandCode", "NL");
    el_close(x, depth, NULL, "Adres");
}

static void product(xw_t *x, int depth, const char *name, const jwg_alloc_t *a)
{
    const jwg_product_t *p = &jwg_products[a->product];
    el_open(x, depth, NULL, name);
    el(x, depth + 1, "ijw", "Categorie", p->cat);
    if (!a->aspecifiek) el(x, depth + 1, "ijw", "Code", p->code);
    el_close(x, depth, NULL, name);
}

/* Omvang of version v of allocation a (its Volume changes only with
 * Frequentie 6). */
static void omvang(xw_t *x, int depth, const jwg_alloc_t *a, const jwg_version_t *v)
{
    const jwg_product_t *p = &jwg_products[a->product];
    char eh[3];
    code2(p->eenheid, eh);
    el_open(x, depth, NULL, "Omvang");
    el_u(x, depth + 1, "ijw", "Volume", (uint64_t)v->volume);
    el(x, depth + 1, "ijw", "Eenheid", eh);
    el_u(x, depth + 1, "ijw", "Frequentie", (uint64_t)a->freq);
    el_close(x, depth, NULL, "Omvang");
}

static void vot_ref(const jwg_vot_t *v, char out[24])
{
    snprintf(out, 24, "VOT%09u", (unsigned)v->ref);
}

static void time_text(int32_t t, char out[9])
{
    int h = (int)(t / 3600) % 24, m = (int)(t / 60) % 60, sec = (int)t % 60;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = ':';
    out[6] = (char)('0' + sec / 10);
    out[7] = (char)('0' + sec % 10);
    out[8] = '\0';
}


/* ---- legacy iJw 2.x (before 2021) ---------------------------------------- */

/* The 2.x release in force on a date: 2.4 from 2020-03-30, 2.3 from
 * 2019-04-01, 2.2 from 2018-01-01, else 2.1. */
static int legacy_release(jw_date_t d)
{
    jw_date_t r22, r23, r24;
    jw_date_from_ymd(2018, 1, 1, &r22);
    jw_date_from_ymd(2019, 4, 1, &r23);
    jw_date_from_ymd(2020, 3, 30, &r24);
    return d >= r24 ? 4 : d >= r23 ? 3 : d >= r22 ? 2 : 1;
}

int jwg_legacy_factuur(const jwg_decl_t *d)
{
    return d->nummer % 4 == 0; /* one declaration in four is a factuur (450) */
}

int jwg_legacy(const jwg_world_t *w, const jwg_msg_t *m)
{
    jw_date_t cut;
    jw_date_from_ymd(2021, 1, 1, &cut);
    switch (m->kind) {
    case JWG_301: case JWG_305: case JWG_307: case JWG_315:
        return m->dag < cut ? legacy_release(m->dag) : 0;
    case JWG_323: {
        /* care up to 2020-12-31 is declared with JW303, also when the
         * declaration is dated in January 2021 */
        const jwg_decl_t *d = &w->decl.v[m->ref];
        return d->month < cut ? legacy_release(m->dag < cut ? m->dag : cut - 1) : 0;
    }
    case JWG_325:
        return jwg_legacy(w, &w->msg.v[w->decl.v[w->answer.v[m->ref].of].msg]);
    default:
        return 0; /* retours, JW317, JW319: 3.x form (their 2.x form is not reconstructed) */
    }
}

/* ---- messages ------------------------------------------------------------ */

static void render_301(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m, int mut)
{
    const jwg_version_t *v = &w->ver.v[m->ref];
    const jwg_alloc_t *a = &w->alloc.v[v->alloc];
    const jwg_youth_t *y = &w->youth.v[a->youth];
    const jwg_product_t *p = &jwg_products[a->product];
    int minor = jw_date_add_months(y->birth, 12 * 18) > m->dag;

    if (x->legacy) el_open(x, 1, NULL, "Clienten");
    el_open(x, 1, NULL, "Client");
    client_head(x, y, mut == JWG_MUT_CS002, 1);
    if (!strcmp(p->code, "48A01")) el(x, 2, NULL, "JuridischeStatus", "04");
    if (!strcmp(p->code, "48A02")) el(x, 2, NULL, "WettelijkeVertegenwoordiging", "06");
    if (minor && strcmp(p->code, "48A02") != 0) {
        /* the gezagsdrager (OP002): a parent at the same address */
        const jwg_surname_t *s = &jwg_surnames[y->surname];
        const char *on = y->ouder_geslacht == 1 ? jwg_names_m[y->ouder_voornaam] : jwg_names_f[y->ouder_voornaam];
        char vl[2];
        voorletter(on, vl);
        el_open(x, 2, NULL, "Relaties");
        el_open(x, 3, NULL, "Relatie");
        el(x, 4, NULL, "Nummer", "1");
        el(x, 4, NULL, "Volgorde", "1");
        el(x, 4, NULL, "Soort", "10");
        el_u(x, 4, NULL, "Geslacht", y->ouder_geslacht);
        el_open(x, 4, NULL, "Naam");
        el_open(x, 5, "ijw", "Geslachtsnaam");
        el(x, 6, "ijw", "Achternaam", s->achternaam);
        if (s->voorvoegsel) el(x, 6, "ijw", "Voorvoegsel", s->voorvoegsel);
        el_close(x, 5, "ijw", "Geslachtsnaam");
        el(x, 5, "ijw", "Voornamen", on);
        el(x, 5, "ijw", "Voorletters", vl);
        el(x, 5, "ijw", "NaamGebruik", "1");
        el_close(x, 4, NULL, "Naam");
        el_open(x, 4, NULL, "Contact");
        el(x, 5, NULL, "Soort", "01");
        adres(x, 5, y);
        el_open(x, 5, NULL, "Telefoon");
        el_open(x, 6, "ijw", "Telefoon01");
        el(x, 7, "ijw", "Telefoonnummer", y->telefoon);
        el(x, 7, "ijw", "Landnummer", "0031");
        el_close(x, 6, "ijw", "Telefoon01");
        el_close(x, 5, NULL, "Telefoon");
        el_close(x, 4, NULL, "Contact");
        el_close(x, 3, NULL, "Relatie");
        el_close(x, 2, NULL, "Relaties");
    }
    el_open(x, 2, NULL, "Contactgegevens");
    el_open(x, 3, NULL, "Contact");
    el(x, 4, NULL, "Soort", "01");
    adres(x, 4, y);
    el_close(x, 3, NULL, "Contact");
    el_close(x, 2, NULL, "Contactgegevens");

    if (x->legacy) {
        /* 2.x: the toewijzing hangs under the gemeente's Beschikking */
        el_open(x, 2, NULL, "Beschikking");
        el_u(x, 3, NULL, "BeschikkingNummer", a->nummer);
        el_date(x, 3, NULL, "Afgiftedatum", v->tdate);
        el_date(x, 3, NULL, "Ingangsdatum", a->ingang);
    }
    el_open(x, 2, NULL, "ToegewezenProducten");
    el_open(x, 3, NULL, "ToegewezenProduct");
    el_u(x, 4, NULL, "ToewijzingNummer", a->nummer);
    if (v->with_ref && a->vot >= 0) {
        char ref[24];
        vot_ref(&w->vot.v[a->vot], ref);
        el(x, 4, NULL, "ReferentieAanbieder", ref);
    }
    product(x, 4, "Product", a);
    el_date(x, 4, NULL, "Toewijzingsdatum", v->tdate);
    char t[9];
    time_text(v->ttime, t);
    el(x, 4, NULL, "Toewijzingstijd", t);
    el_date(x, 4, NULL, "Ingangsdatum", a->ingang);
    if (v->eind != JW_DATE_NONE) {
        jw_date_t e = v->eind;
        if (mut == JWG_MUT_CS003) e = a->ingang - 1 - (jw_date_t)(a->nummer % 30);
        el_date(x, 4, NULL, "Einddatum", e);
    }
    if (v->reden) {
        char rw[3];
        code2(v->reden, rw);
        el(x, 4, NULL, "RedenWijziging", rw);
    }
    if (a->aspecifiek) el_u(x, 4, NULL, "Budget", (uint64_t)v->budget);
    else omvang(x, 4, a, v);
    el_close(x, 3, NULL, "ToegewezenProduct");
    el_close(x, 2, NULL, "ToegewezenProducten");
    if (x->legacy) el_close(x, 2, NULL, "Beschikking");
    el_close(x, 1, NULL, "Client");
    if (x->legacy) el_close(x, 1, NULL, "Clienten");
}

static void render_315(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m, int mut)
{
    const jwg_vot_t *v = &w->vot.v[m->ref];
    const jwg_alloc_t *a = &w->alloc.v[v->alloc];
    const jwg_youth_t *y = &w->youth.v[a->youth];
    if (x->legacy) el_open(x, 1, NULL, "Clienten");
    el_open(x, 1, NULL, "Client");
    client_head(x, y, mut == JWG_MUT_CS002, 0);
    el_open(x, 2, NULL, "AangevraagdeProducten");
    el_open(x, 3, NULL, "AangevraagdProduct");
    char ref[24];
    vot_ref(v, ref);
    el(x, 4, NULL, "ReferentieAanbieder", ref);
    product(x, 4, "Product", a);
    el_date(x, 4, NULL, "ToewijzingIngangsdatum", v->ingang);
    if (v->eind != JW_DATE_NONE) el_date(x, 4, NULL, "ToewijzingEinddatum", v->eind);
    if (a->aspecifiek) el_u(x, 4, NULL, "Budget", (uint64_t)v->budget);
    else omvang(x, 4, a, &w->ver.v[a->ver[0]]); /* what the first version grants */
    el_open(x, 4, NULL, "Verwijzer");
    char vt[3];
    code2(v->vtype, vt);
    el(x, 5, "ijw", "Type", vt);
    if (v->vkind == 2) {
        static const char *const names[6] = {"", "", "Huisartsenpraktijk", "Jeugdarts GGD", "Gecertificeerde instelling",
                                             "Kinderarts"};
        el(x, 5, "ijw", "Naam", names[v->vtype]);
    }
    if (v->vkind == 1) el(x, 5, "ijw", "ZorgverlenerCode", v->vagb);
    el_close(x, 4, NULL, "Verwijzer");
    el_close(x, 3, NULL, "AangevraagdProduct");
    el_close(x, 2, NULL, "AangevraagdeProducten");
    el_close(x, 1, NULL, "Client");
    if (x->legacy) el_close(x, 1, NULL, "Clienten");
}

static void render_305_307(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m, int mut)
{
    int stop = m->kind == JWG_307;
    const jwg_stop_t *sp = stop ? &w->stop_rec.v[m->ref] : NULL;
    const jwg_start_t *st = stop ? NULL : &w->start_rec.v[m->ref];
    const jwg_alloc_t *a = &w->alloc.v[stop ? sp->alloc : st->alloc];
    const jwg_youth_t *y = &w->youth.v[a->youth];
    if (x->legacy) el_open(x, 1, NULL, "Clienten");
    el_open(x, 1, NULL, "Client");
    client_head(x, y, mut == JWG_MUT_CS002, 0);
    el_open(x, 2, NULL, stop ? "StopProducten" : "StartProducten");
    el_open(x, 3, NULL, stop ? "StopProduct" : "StartProduct");
    el_u(x, 4, NULL, "ToewijzingNummer", a->nummer);
    product(x, 4, "Product", a);
    el_date(x, 4, NULL, "ToewijzingIngangsdatum", a->ingang);
    el_date(x, 4, NULL, "Begindatum", stop ? sp->begin : st->begin);
    if (stop) {
        char rb[3];
        code2(sp->reden, rb);
        el(x, 4, NULL, "RedenBeeindiging", rb);
        el_date(x, 4, NULL, "Einddatum", sp->eind);
    }
    el(x, 4, NULL, "StatusAanlevering", "1");
    el_close(x, 3, NULL, stop ? "StopProduct" : "StartProduct");
    el_close(x, 2, NULL, stop ? "StopProducten" : "StartProducten");
    el_close(x, 1, NULL, "Client");
    if (x->legacy) el_close(x, 1, NULL, "Clienten");
}

static void bedrag_dc(xw_t *x, int depth, const char *name, const char *amount_name, int64_t signed_amount)
{
    el_open(x, depth, NULL, name);
    el_u(x, depth + 1, "ijw", amount_name, (uint64_t)(signed_amount < 0 ? -signed_amount : signed_amount));
    el(x, depth + 1, "ijw", "DebetCredit", signed_amount < 0 ? "C" : "D");
    el_close(x, depth, NULL, name);
}

static void render_317(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m)
{
    const jwg_answer_t *an = &w->answer.v[m->ref];
    const jwg_version_t *v = &w->ver.v[an->of];
    const jwg_alloc_t *a = &w->alloc.v[v->alloc];
    const jwg_youth_t *y = &w->youth.v[a->youth];
    char ref[24];
    snprintf(ref, sizeof ref, "VOW%09u", (unsigned)m->ref);
    el_open(x, 1, NULL, "Client");
    el(x, 2, NULL, "Bsn", y->bsn);
    el_open(x, 2, NULL, "Verzoek");
    el(x, 3, NULL, "ReferentieAanbieder", ref);
    /* more hours or budget: a change of the care plan (2); an extension:
     * the client's situation changed (1) */
    el(x, 3, NULL, "RedenVerzoek", v->reden == 12 ? "2" : "1");
    el_open(x, 3, NULL, "TeWijzigenProducten");
    el_open(x, 4, NULL, "TeWijzigenProduct");
    el_u(x, 5, NULL, "ToewijzingNummer", a->nummer);
    el_date(x, 5, NULL, "GewensteIngangsdatum", a->ingang);
    el_date(x, 5, NULL, "Einddatum", v->eind);
    if (a->aspecifiek) el_u(x, 5, NULL, "Budget", (uint64_t)v->budget);
    else omvang(x, 5, a, v);
    el_close(x, 4, NULL, "TeWijzigenProduct");
    el_close(x, 3, NULL, "TeWijzigenProducten");
    el_close(x, 2, NULL, "Verzoek");
    el_close(x, 1, NULL, "Client");
}

static void render_319(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m)
{
    const jwg_answer_t *an = &w->answer.v[m->ref];
    char ref[24], rd[8];
    vot_ref(&w->vot.v[an->of], ref);
    el_open(x, 1, NULL, "Antwoord");
    el(x, 2, NULL, "ReferentieAanbieder", ref);
    el_u(x, 2, NULL, "VerzoekAntwoord", (uint64_t)an->antwoord);
    if (an->antwoord == 1) {
        snprintf(rd, sizeof rd, "%d", an->reden);
        el(x, 2, NULL, "RedenAfwijzingVerzoek", rd);
    }
    el_close(x, 1, NULL, "Antwoord");
}

static void prestatie(xw_t *x, const jwg_world_t *w, const jwg_line_t *l, const char *code);

/* JW325: the totals and the refused lines of one declaration (TR342:
 * refused = TotaalIngediend - TotaalToegekend). */
static void render_325(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m)
{
    const jwg_decl_t *d = &w->decl.v[w->answer.v[m->ref].of];
    int64_t refused = 0;
    for (int32_t k = 0; k < d->n; k++) {
        const jwg_line_t *l = &w->line.v[w->decl_lines.v[d->first + k]];
        if (l->rcode[0]) refused += l->dc == 'C' ? -l->bedrag : l->bedrag;
    }
    el_open(x, 1, NULL, "DeclaratieAntwoord");
    char nr[13];
    snprintf(nr, sizeof nr, "DN%08u", (unsigned)d->nummer);
    el(x, 2, NULL, "DeclaratieNummer", nr);
    bedrag_dc(x, 2, "TotaalIngediendBedrag", "TotaalBedrag", d->totaal);
    bedrag_dc(x, 2, "TotaalToegekendBedrag", "TotaalBedrag", d->totaal - refused);
    int32_t cur = -1;
    for (int32_t k = 0; k < d->n; k++) {
        const jwg_line_t *l = &w->line.v[w->decl_lines.v[d->first + k]];
        if (!l->rcode[0]) continue;
        if (l->youth != cur) {
            if (cur >= 0) {
                el_close(x, 4, NULL, "Prestaties");
                retour_codes(x, 4, "0200");
                el_close(x, 3, NULL, "Client");
            } else {
                el_open(x, 2, NULL, "Clienten");
            }
            cur = l->youth;
            el_open(x, 3, NULL, "Client");
            el(x, 4, NULL, "Bsn", w->youth.v[cur].bsn);
            el_open(x, 4, NULL, "Prestaties");
        }
        prestatie(x, w, l, l->rcode);
    }
    if (cur >= 0) {
        el_close(x, 4, NULL, "Prestaties");
        retour_codes(x, 4, "0200");
        el_close(x, 3, NULL, "Client");
        el_close(x, 2, NULL, "Clienten");
    }
    retour_codes(x, 2, cur >= 0 ? "0200" : "8001");
    el_close(x, 1, NULL, "DeclaratieAntwoord");
}

static void render_323(xw_t *x, const jwg_world_t *w, const jwg_msg_t *m, int mut)
{
    const jwg_decl_t *d = &w->decl.v[m->ref];
    el_open(x, 1, NULL, "Declaratie");
    char nr[13];
    snprintf(nr, sizeof nr, "DN%08u", (unsigned)d->nummer);
    el(x, 2, NULL, "DeclaratieNummer", nr);
    el_open(x, 2, NULL, "DeclaratiePeriode");
    el_date(x, 3, "ijw", "Begindatum", d->month);
    el_date(x, 3, "ijw", "Einddatum", jw_date_month_last(d->month));
    el_close(x, 2, NULL, "DeclaratiePeriode");
    el_date(x, 2, NULL, "DeclaratieDagtekening", d->dag);
    int64_t tot = d->totaal;
    if (mut == JWG_MUT_TR358) tot += 100;
    bedrag_dc(x, 2, "TotaalIngediendBedrag", "TotaalBedrag", tot);
    el_open(x, 2, NULL, "Clienten");
    int32_t cur = -1;
    int first_client = 1;
    for (int32_t k = 0; k < d->n; k++) {
        const jwg_line_t *l = &w->line.v[w->decl_lines.v[d->first + k]];
        if (l->youth != cur) {
            if (cur >= 0) {
                el_close(x, 4, NULL, "Prestaties");
                el_close(x, 3, NULL, "Client");
            }
            cur = l->youth;
            const jwg_youth_t *y = &w->youth.v[cur];
            char bsn[10];
            if (mut == JWG_MUT_CS002 && first_client) bad_bsn(y->bsn, bsn);
            else memcpy(bsn, y->bsn, 10);
            first_client = 0;
            el_open(x, 3, NULL, "Client");
            el(x, 4, NULL, "Bsn", bsn);
            el_open(x, 4, NULL, "Prestaties");
        }
        prestatie(x, w, l, NULL);
    }
    if (cur >= 0) {
        el_close(x, 4, NULL, "Prestaties");
        el_close(x, 3, NULL, "Client");
    }
    el_close(x, 2, NULL, "Clienten");
    el_close(x, 1, NULL, "Declaratie");
}

/* One Prestatie of a JW323, or its copy with the refusal code in a JW325. */
static void prestatie(xw_t *x, const jwg_world_t *w, const jwg_line_t *l, const char *code)
{
    {
        const jwg_alloc_t *a = &w->alloc.v[l->alloc];
        const jwg_product_t *p = &jwg_products[l->prod];
        char ref[24];
        el_open(x, 5, NULL, "Prestatie");
        el_open(x, 6, NULL, "ProductReferentie");
        snprintf(ref, sizeof ref, "RN%010u", (unsigned)l->refnr);
        el(x, 7, "ijw", "ReferentieNummer", ref);
        if (l->dc == 'C') {
            snprintf(ref, sizeof ref, "RN%010u", (unsigned)w->line.v[l->vorig].refnr);
            el(x, 7, "ijw", "VorigReferentieNummer", ref);
        }
        el_close(x, 6, NULL, "ProductReferentie");
        el_u(x, 6, NULL, "ToewijzingNummer", a->nummer);
        el(x, 6, NULL, "ProductCategorie", p->cat);
        el(x, 6, NULL, "ProductCode", p->code);
        el_open(x, 6, NULL, "ProductPeriode");
        el_date(x, 7, "ijw", "Begindatum", l->pbegin);
        el_date(x, 7, "ijw", "Einddatum", l->pend);
        el_close(x, 6, NULL, "ProductPeriode");
        el_u(x, 6, NULL, "GeleverdVolume", (uint64_t)l->vol);
        char eh[3];
        code2(p->eenheid, eh);
        el(x, 6, NULL, "Eenheid", eh);
        el_u(x, 6, NULL, "ProductTarief", (uint64_t)l->tarief);
        bedrag_dc(x, 6, "IngediendBedrag", "Bedrag", l->dc == 'C' ? -l->bedrag : l->bedrag);
        if (code) retour_codes(x, 6, code);
        el_close(x, 5, NULL, "Prestatie");
    }
}

void jwg_render(const jwg_world_t *w, int32_t msg_index, uint32_t ident, const uint32_t *ident_of,
                int mut, jwg_buf_t *b)
{
    const jwg_msg_t *m = &w->msg.v[msg_index];
    xw_t x = {b, "", jwg_legacy(w, m)};
    snprintf(x.pfx, sizeof x.pfx, "jw%03d",
             x.legacy && m->kind == JWG_323 ? 303 : x.legacy && m->kind == JWG_325 ? 304
                                                                                   : jwg_type_number(m->kind));
    header(&x, w, m, ident, ident_of);
    switch (m->kind) {
    case JWG_301: render_301(&x, w, m, mut); break;
    case JWG_315: render_315(&x, w, m, mut); break;
    case JWG_305:
    case JWG_307: render_305_307(&x, w, m, mut); break;
    case JWG_323: render_323(&x, w, m, mut); break;
    case JWG_317: render_317(&x, w, m); break;
    case JWG_319: render_319(&x, w, m); break;
    case JWG_325: render_325(&x, w, m); break;
    default: break; /* retours: the header only */
    }
    footer(&x);
}

/* ---- text-level breakage ------------------------------------------------ */

/* Remove the whole line that holds needle. */
static int remove_line(jwg_buf_t *b, const char *needle)
{
    char *hit = strstr(b->p, needle);
    if (!hit) return -1;
    char *s = hit;
    while (s > b->p && s[-1] != '\n') s--;
    char *e = strchr(hit, '\n');
    e = e ? e + 1 : b->p + b->len;
    memmove(s, e, (size_t)(b->p + b->len - e) + 1);
    b->len -= (size_t)(e - s);
    return 0;
}

int jwg_xml_break(jwg_buf_t *b, int kind, int mut, uint64_t salt)
{
    char pfx[8], open_tag[48], close_tag[48], to_open[48], to_close[48];
    snprintf(pfx, sizeof pfx, "jw%03d", jwg_type_number(kind));
    const char *elem = kind == JWG_323 ? "DeclaratieDagtekening" : "Geslacht";
    if (kind == JWG_323 && strstr(b->p, "<jw303:Bericht")) { /* legacy 2.x JW303 */
        memcpy(pfx, "jw303", 6);
        elem = "DeclaratieFactuurDagtekening";
    }
    switch (mut) {
    case JWG_MUT_XML_TRUNCATED: {
        /* Cut somewhere between 30 % and 70 % of the document, never inside
         * a UTF-8 sequence (that would be an encoding error, not a
         * truncation). */
        size_t cut = b->len * (30 + salt % 41) / 100;
        while (cut > 0 && ((unsigned char)b->p[cut] & 0xC0) == 0x80) cut--;
        if (cut < 64) return -1;
        b->len = cut;
        b->p[cut] = '\0';
        return 0;
    }
    case JWG_MUT_XSD_MISSING:
        snprintf(open_tag, sizeof open_tag, "<%s:%s>", pfx, elem);
        return remove_line(b, open_tag);
    case JWG_MUT_XSD_BADDATE: {
        /* 30 February of the year already there. */
        char at[64];
        if (kind == JWG_323) snprintf(at, sizeof at, "<%s:%s>", pfx, elem);
        else snprintf(at, sizeof at, "<ijw:Datum>");
        char *hit = strstr(b->p, at);
        if (!hit) return -1;
        hit += strlen(at);
        memcpy(hit + 4, "-02-30", 6);
        return 0;
    }
    case JWG_MUT_XSD_MISSPELLED: {
        const char *from = kind == JWG_323 ? "ProductCategorie" : "Geslacht";
        const char *to = kind == JWG_323 ? "ProductCategory" : "Geslagt";
        snprintf(open_tag, sizeof open_tag, "<%s:%s>", pfx, from);
        snprintf(close_tag, sizeof close_tag, "</%s:%s>", pfx, from);
        snprintf(to_open, sizeof to_open, "<%s:%s>", pfx, to);
        snprintf(to_close, sizeof to_close, "</%s:%s>", pfx, to);
        long at = jwg_buf_replace(b, 0, open_tag, to_open);
        if (at < 0) return -1;
        return jwg_buf_replace(b, (size_t)at, close_tag, to_close) < 0 ? -1 : 0;
    }
    default: return -1;
    }
}
