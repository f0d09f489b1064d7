/* findings.c - level-2 rules on values the message record does not keep
 * (see ijw_internal.h). The parser streams past birth dates, names,
 * contacts and relations without storing them (a birth date is reduced to
 * year-month, a BSN to its pseudonym), so their rules are decided here, at
 * the end of the element that closes each group:
 *   CS139 DatumGebruik consistent with Datum (a Geboortedatum), TR002 the
 *   client's birth date at most 120 years before the Dagtekening unless
 *   unknown, CS050 NaamGebruik vs Partnernaam, CS318 no NaamGebruik 6 for
 *   the client, CD007 Taal iff Vorm 1, per Contact CD005, CD009, CD025,
 *   CD034, CS003, CS089 and TR006, TR061 a Contact of Soort 01/02/03 in the
 *   client's Contactgegevens, TR101 on Contact/Soort, Relatie/Nummer and
 *   the client Bsn of JW323/JW325.
 * Readings of the rules are in docs/decisions.md. Only heenberichten are
 * checked (a retour copies what the receiver already judged).
 */
#include "ijw/ijw_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bsn/bsn.h"

#define IS(a, b) ((a) && (a)[0] == (b)[0] && strcmp((a), (b)) == 0) /* first byte: no call */

int jw_ijw_findings_init(jw_ijw_findings_t *f)
{
    memset(f, 0, sizeof *f);
    if (sodium_init() < 0) return -1;
    randombytes_buf(f->key, sizeof f->key);
    return 0;
}

void jw_ijw_findings_free(jw_ijw_findings_t *f)
{
    free(f->bsn_fp);
    free(f->nummers);
    sodium_memzero(f, sizeof *f);
}

void jw_ijw_findings_reset(jw_ijw_findings_t *f)
{
    f->n_bsn = f->n_nummers = 0;
    f->oom = 0;
    f->soorten = 0;
}

static void finding(jw_ijw_msg_t *m, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finding(jw_ijw_msg_t *m, const char *rule, const char *fmt, ...)
{
    va_list ap;
    if (m->finding.rule[0]) return; /* the first in document order */
    snprintf(m->finding.rule, sizeof m->finding.rule, "%s", rule);
    va_start(ap, fmt);
    vsnprintf(m->finding.message, sizeof m->finding.message, fmt, ap);
    va_end(ap);
}

static int checked(const jw_ijw_msg_t *m)
{
    return !jw_ijw_is_retour(m->type) && m->type != JW_MSG_UNKNOWN;
}

void jw_ijw_findings_start(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *local,
                           const char *parent)
{
    if (!checked(m)) return;
    if (IS(local, "Geboortedatum")) {
        f->birth = JW_DATE_NONE;
        f->datumgebruik = 0;
    } else if (IS(local, "Naam") && (IS(parent, "Client") || IS(parent, "Relatie"))) {
        f->has_partner = 0;
        f->naamgebruik = 0;
    } else if (IS(local, "Partnernaam")) {
        f->has_partner = 1;
    } else if (IS(local, "Communicatie")) {
        f->vorm = 0;
        f->has_taal = 0;
    } else if (IS(local, "Contactgegevens")) {
        f->soorten = 0;
    } else if (IS(local, "Contact")) {
        f->soort = 0;
        f->has_huis = f->has_postcode = f->has_telefoon = f->has_periode = 0;
        f->is_nl = f->has_landcode = 0;
        f->postcode_nl_ok = 0;
        f->periode_begin = f->periode_eind = JW_DATE_NONE;
    } else if (IS(local, "Huis")) {
        f->has_huis = 1;
    } else if (IS(local, "Telefoon")) {
        f->has_telefoon = 1;
    } else if (IS(local, "Periode") && IS(parent, "Contact")) {
        f->has_periode = 1;
    }
}

static int small(const char *s, size_t n)
{
    int v = 0;
    if (n == 0 || n > 4) return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* NL postcode: four digits, the first not 0, then two capital letters
 * (e.g. 1234AB), as the Dutch postal code is written in iJw. */
static int postcode_nl(const char *s, size_t n)
{
    if (n != 6 || s[0] < '1' || s[0] > '9') return 0;
    for (int i = 1; i < 4; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return s[4] >= 'A' && s[4] <= 'Z' && s[5] >= 'A' && s[5] <= 'Z';
}

static void end_birth(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *parent)
{
    int y, mo, d;
    if (f->birth == JW_DATE_NONE) return;
    jw_date_to_ymd(f->birth, &y, &mo, &d);
    /* IV009: unknown parts are written as 01 (day, month) and 1900 (year). */
    if ((f->datumgebruik == 1 && d != 1) || (f->datumgebruik == 2 && (d != 1 || mo != 1)) ||
        (f->datumgebruik == 3 && (d != 1 || mo != 1 || y != 1900)))
        finding(m, "CS139", "Geboortedatum does not match DatumGebruik %d", f->datumgebruik);
    if (IS(parent, "Client") && f->datumgebruik != 3 && m->header.dagtekening &&
        f->birth < jw_date_add_months(m->header.dagtekening, -120 * 12))
        finding(m, "TR002", "the client's birth date lies more than 120 years before the Dagtekening");
    f->birth = JW_DATE_NONE;
}

static void end_contact(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *parent)
{
    if (f->has_postcode != f->has_landcode)
        finding(m, "CD005", "LandCode must be given exactly when Postcode is (Contact Soort %02d)", f->soort);
    if (f->is_nl && !f->has_huis)
        finding(m, "CD025", "an address in NL needs Huis (Contact Soort %02d)", f->soort);
    if ((f->soort == 1 || f->soort == 3) && !f->has_postcode)
        finding(m, "CD034", "Contact Soort %02d needs a Postcode", f->soort);
    if (f->is_nl && f->has_postcode && !f->postcode_nl_ok)
        finding(m, "CS089", "Postcode is not a Dutch postcode (1234AB) while LandCode is NL");
    if (f->has_periode && f->soort != 4)
        finding(m, "CD009", "Periode is only allowed for Contact Soort 04 (is %02d)", f->soort);
    if (f->periode_begin != JW_DATE_NONE && f->periode_eind != JW_DATE_NONE &&
        f->periode_eind < f->periode_begin)
        finding(m, "CS003", "Contact Periode ends before it begins");
    if (!f->has_telefoon && !(f->has_huis && f->has_postcode))
        finding(m, "TR006", "a Contact needs a Telefoon or a Huis with a Postcode (Soort %02d)", f->soort);
    if (IS(parent, "Contactgegevens") && f->soort >= 1 && f->soort <= 4) {
        unsigned bit = 1u << f->soort;
        if (f->soorten & bit)
            finding(m, "TR101", "Contact Soort %02d occurs twice for the client", f->soort);
        f->soorten |= bit;
    }
}

static void end_nummer(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *s, size_t n)
{
    char v[21];
    if (n >= sizeof v) return; /* the XSD refuses it */
    memcpy(v, s, n);
    v[n] = '\0';
    for (size_t i = 0; i < f->n_nummers; i++)
        if (strcmp(f->nummers[i], v) == 0) {
            finding(m, "TR101", "Relatie Nummer occurs twice for the client");
            return;
        }
    if (f->n_nummers == f->cap_nummers) {
        size_t cap = f->cap_nummers ? f->cap_nummers * 2 : 8;
        void *na = realloc(f->nummers, cap * sizeof *f->nummers);
        if (!na) {
            f->oom = 1;
            return;
        }
        f->nummers = na;
        f->cap_nummers = cap;
    }
    memcpy(f->nummers[f->n_nummers++], v, n + 1);
}

/* A client twice in one declaration (answer): compared by a keyed
 * fingerprint, so no BSN is kept. */
static void end_client_bsn(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *s, size_t n)
{
    unsigned char h[crypto_shorthash_BYTES];
    uint64_t fp;
    crypto_shorthash(h, (const unsigned char *)s, n, f->key);
    memcpy(&fp, h, sizeof fp);
    for (size_t i = 0; i < f->n_bsn; i++)
        if (f->bsn_fp[i] == fp) {
            finding(m, "TR101", "a client (Bsn) occurs twice in the message");
            return;
        }
    if (f->n_bsn == f->cap_bsn) {
        size_t cap = f->cap_bsn ? f->cap_bsn * 2 : 16;
        void *na = realloc(f->bsn_fp, cap * sizeof *f->bsn_fp);
        if (!na) {
            f->oom = 1;
            return;
        }
        f->bsn_fp = na;
        f->cap_bsn = cap;
    }
    f->bsn_fp[f->n_bsn++] = fp;
}

void jw_ijw_findings_end(jw_ijw_findings_t *f, jw_ijw_msg_t *m, const char *local,
                         const char *parent, const char *gp, const char *s, size_t n)
{
    if (!checked(m)) return;
    if (IS(parent, "Geboortedatum")) {
        if (IS(local, "Datum") && jw_date_parse(s, n, &f->birth)) f->birth = JW_DATE_NONE;
        else if (IS(local, "DatumGebruik")) f->datumgebruik = small(s, n);
    } else if (IS(local, "Geboortedatum")) {
        end_birth(f, m, parent);
    } else if (IS(local, "NaamGebruik") && IS(parent, "Naam")) {
        f->naamgebruik = small(s, n);
    } else if (IS(local, "Naam") && (IS(parent, "Client") || IS(parent, "Relatie")) &&
               m->type == JW_MSG_301) {
        int g = f->naamgebruik;
        if (f->has_partner ? !(g >= 1 && g <= 4) : !(g == 1 || g == 6))
            finding(m, "CS050", "NaamGebruik %d does not fit %s Partnernaam", g,
                    f->has_partner ? "a" : "no");
        if (IS(parent, "Client") && g == 6)
            finding(m, "CS318", "NaamGebruik 6 (not a natural person) for the client");
    } else if (IS(parent, "Communicatie")) {
        if (IS(local, "Vorm")) f->vorm = small(s, n);
        else if (IS(local, "Taal")) f->has_taal = 1;
    } else if (IS(local, "Communicatie")) {
        if ((f->vorm == 1) != f->has_taal)
            finding(m, "CD007", "Taal must be given exactly when Communicatie/Vorm is 1");
    } else if (IS(parent, "Contact") && IS(local, "Soort")) {
        f->soort = small(s, n);
    } else if (IS(parent, "Adres") && IS(gp, "Contact")) {
        if (IS(local, "Postcode")) {
            f->has_postcode = 1;
            f->postcode_nl_ok = postcode_nl(s, n);
        } else if (IS(local, "LandCode")) {
            f->has_landcode = 1;
            f->is_nl = n == 2 && s[0] == 'N' && s[1] == 'L';
        }
    } else if (IS(parent, "Periode") && IS(gp, "Contact")) {
        jw_date_t d;
        if (jw_date_parse(s, n, &d) == 0) {
            if (IS(local, "Begindatum")) f->periode_begin = d;
            else if (IS(local, "Einddatum")) f->periode_eind = d;
        }
    } else if (IS(local, "Contact") && (IS(parent, "Contactgegevens") || IS(parent, "Relatie"))) {
        end_contact(f, m, parent);
    } else if (IS(local, "Contactgegevens") && IS(parent, "Client")) {
        if (!(f->soorten & ((1u << 1) | (1u << 2) | (1u << 3))))
            finding(m, "TR061", "the client has no Contact of Soort 01, 02 or 03");
    } else if (IS(local, "Nummer") && IS(parent, "Relatie")) {
        end_nummer(f, m, s, n);
    } else if (IS(local, "Bsn") && IS(parent, "Client") &&
               (m->type == JW_MSG_323 || m->type == JW_MSG_325)) {
        end_client_bsn(f, m, s, n);
    }
}
