/* legacy.c - the legacy read path for iJw 2.1-2.4 (see ijw.h).
 *
 * No official iJw 2.x schema or JW303/JW304 example is available. The
 * structure jw reads is RECONSTRUCTED (xsd/legacy/, README "Legacy iJw
 * 2.x"): 2.x messages are read by the same SAX extraction as 3.x, after
 * two translations that live here and nowhere else:
 *
 *   1. which 2.x message is read into which 3.x record (legacy_messages);
 *   2. which 2.x element names are read as which 3.x names (legacy_names).
 *      Names not in the table are read as they are (Header, Client, Bsn,
 *      ToegewezenProduct, Prestatie, ... kept their names in 3.0).
 *
 * An operator who has the real 2.x bundle corrects these two tables (and
 * xsd/legacy/), nothing else. Structure that 3.x does not have and that
 * carries no fact jw keeps (the JW301 Beschikking level, BeschikkingNummer
 * on a line) is validated by the schema and otherwise passed over: the
 * extraction keys on the element and its parent, so a ToegewezenProduct
 * under Client/Beschikking is read like one under Client.
 */
#include "ijw/ijw_internal.h"

#include <stdio.h>
#include <string.h>

/* 1. 2.x message (namespace jwNNN) -> the 3.x record it fills. */
static const struct {
    int legacy_code;          /* NNN of ".../ijw/2_N/jwNNN/schema/2_N" */
    jw_msg_type_t read_as;
} legacy_messages[] = {
    {301, JW_MSG_301}, /* Toewijzing, BerichtCode 436 */
    {305, JW_MSG_305}, /* Start zorg, 438 */
    {307, JW_MSG_307}, /* Stop zorg, 440 */
    {315, JW_MSG_315}, /* Verzoek om toewijzing, 446 */
    {303, JW_MSG_323}, /* Declaratie/factuur, 432 (declaratie) or 450 (factuur) */
    {304, JW_MSG_325}, /* Antwoord, 433 or 451: refused lines, like a JW325 */
};

/* 2. 2.x element name -> 3.x element name (the reconstructed JW303/JW304
 * speak of a "declaratie/factuur", the 3.x JW323/JW325 of a "declaratie"). */
static const struct {
    const char *v2;
    const char *v3;
} legacy_names[] = {
    {"DeclaratieFactuur", "Declaratie"},
    {"DeclaratieFactuurNummer", "DeclaratieNummer"},
    {"DeclaratieFactuurPeriode", "DeclaratiePeriode"},
    {"DeclaratieFactuurDagtekening", "DeclaratieDagtekening"},
    {"DeclaratieFactuurAntwoord", "DeclaratieAntwoord"},
    {"DeclaratieFactuurIdentificatie", "DeclaratieIdentificatie"},
};

int jw_ijw_legacy_detect(const char *u, jw_msg_type_t *type, int *legacy)
{
    static const char prefix[] = "http://www.istandaarden.nl/ijw/2_";
    if (!u || strncmp(u, prefix, sizeof prefix - 1) != 0) return -1;
    u += sizeof prefix - 1;
    if (u[0] < '1' || u[0] > '4' || strncmp(u + 1, "/jw", 3) != 0) return -1;
    int code = 0;
    for (int i = 4; i < 7; i++) {
        if (u[i] < '0' || u[i] > '9') return -1;
        code = code * 10 + (u[i] - '0');
    }
    if (strncmp(u + 7, "/schema/2_", 10) != 0 || u[17] != u[0] || u[18] != '\0') return -1;
    for (size_t i = 0; i < sizeof legacy_messages / sizeof legacy_messages[0]; i++) {
        if (legacy_messages[i].legacy_code == code) {
            *type = legacy_messages[i].read_as;
            *legacy = u[0] - '0';
            return 0;
        }
    }
    return -1;
}

const char *jw_ijw_legacy_name(const char *local)
{
    /* Only names starting "Declaratie" are translated: a cheap first test. */
    if (strncmp(local, "DeclaratieFactuur", 17) != 0) return local;
    for (size_t i = 0; i < sizeof legacy_names / sizeof legacy_names[0]; i++)
        if (strcmp(local, legacy_names[i].v2) == 0) return legacy_names[i].v3;
    return local;
}

const char *jw_ijw_release_name(const jw_ijw_header_t *h)
{
    static const char *const v2[] = {"2.1", "2.2", "2.3", "2.4"};
    static const char *const v3[] = {"3.0", "3.1", "3.2"};
    if (h->legacy >= 1 && h->legacy <= 4) return v2[h->legacy - 1];
    if (h->release >= 0 && h->release <= 2) return v3[h->release];
    return "?";
}

/* 2021-01-01 as days since 1970: from then on care is declared by JW323. */
static const jw_date_t CUTOVER = 18628;

int jw_ijw_legacy_rules(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    int rel = m->header.legacy;
    if (m->type != JW_MSG_323 && m->type != JW_MSG_325) return JW_IJW_OK;
    if (m->type == JW_MSG_323 && m->declaratie.periode_begin >= CUTOVER) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "LEGACY", 0,
                         "JW303 declaration period from 2021-01-01 (care from 2021 is declared with JW323)");
        return JW_IJW_EINVALID;
    }
    for (size_t i = 0; i < m->n_prestaties; i++) {
        const jw_ijw_prestatie_t *p = &m->prestaties[i];
        if (p->einddatum >= CUTOVER) {
            jw_ijw_error_set(err, JW_LAYER_RULE, "LEGACY", 0,
                             "JW303 line %zu: care from 2021-01-01 (declared with JW323)", i + 1);
            return JW_IJW_EINVALID;
        }
        if (rel >= 2 && p->toewijzingnummer == JW_NONE) {
            jw_ijw_error_set(err, JW_LAYER_RULE, "LEGACY", 0,
                             "line %zu: ToewijzingNummer is required from iJw 2.2", i + 1);
            return JW_IJW_EINVALID;
        }
        if (rel >= 3 && (!p->categorie[0] || !p->code[0])) {
            jw_ijw_error_set(err, JW_LAYER_RULE, "LEGACY", 0,
                             "line %zu: ProductCategorie and ProductCode are required from iJw 2.3", i + 1);
            return JW_IJW_EINVALID;
        }
        if (rel >= 3 && (p->eenheid == 21 || p->eenheid == 81)) {
            jw_ijw_error_set(err, JW_LAYER_RULE, "LEGACY", 0,
                             "line %zu: Eenheid %02d was dropped in iJw 2.3", i + 1, p->eenheid);
            return JW_IJW_EINVALID;
        }
    }
    return JW_IJW_OK;
}
