/* rules.c - the in-message rules of iJw (the RULE layer; see ijw.h).
 *
 * Only rules that can be decided from one message are here (XSLT level,
 * retour code 0001 in iJw terms; reference/ijw-3.2-facts.md §5 and §8.2).
 * Rules that need earlier messages (TR3xx crossing checks) belong to the
 * trajectory engine. Each check reports the first violation in document
 * order; the codes are the iJw rule codes.
 *
 * Rules on values the message record does not keep (birth dates, names,
 * contacts, relations, a client twice) are decided while parsing
 * (findings.c) and reported from msg->finding here.
 *
 * Interpretations (also in docs/decisions.md):
 * - TR346 (amount = volume x tariff) is a level-4 rule that depends on the
 *   contract tariff and on the minute/hour conversion of IV081; it is not
 *   checked, so a declaration with odd arithmetic is still recorded.
 * - BerichtVersie 3 and BerichtSubversie = the release (3.0 -> 0, 3.1 -> 1,
 *   3.2 -> 2) are XSD facets, as in the standard's schemas.
 */
#include "ijw/ijw_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const jw_date_t DATE_2021_01_01 = 18628; /* days since 1970 */
static const jw_date_t DATE_2020_12_31 = 18627;

static int fail(jw_ijw_error_t *err, const char *rule, const char *fmt, const char *what,
                size_t index)
{
    char buf[200];
    snprintf(buf, sizeof buf, fmt, what);
    jw_ijw_error_set(err, JW_LAYER_RULE, rule, 0, "%s (item %zu)", buf, index + 1);
    return JW_IJW_EINVALID;
}

/* BerichtCode, BerichtVersie and BerichtSubversie are fixed per message and
 * release by the XSD (as in the standard's own schemas), so they need no
 * rule here. */
static int check_header(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    for (size_t i = 0; i < m->n_clients; i++) {
        if (!m->clients[i].bsn_valid) {
            jw_ijw_error_set(err, JW_LAYER_RULE, "CS002", 0,
                             "Bsn of client %zu fails the 11-proef", i + 1);
            return JW_IJW_EINVALID;
        }
    }
    if (m->finding.rule[0]) {
        jw_ijw_error_set(err, JW_LAYER_RULE, m->finding.rule, 0, "%s", m->finding.message);
        return JW_IJW_EINVALID;
    }
    return JW_IJW_OK;
}

/* CS338 / CS343: Eenheid 14, 16, 83, 84 with an Einddatum after
 * 2020-12-31 or none need Frequentie 2, 4 or 6. */
static int eenheid_frequentie_ok(const jw_ijw_omvang_t *o, jw_date_t eind)
{
    if (o->eenheid == JW_NONE) return 1;
    if (eind != JW_DATE_NONE && eind <= DATE_2020_12_31) return 1;
    int e = o->eenheid, f = o->frequentie;
    if (e == 14 || e == 16 || e == 83 || e == 84) return f == 2 || f == 4 || f == 6;
    return 1;
}

/* A toewijzing that counts as never given (CS335 13; 01 with equal dates). */
static int void_toewijzing(const jw_ijw_toewijzing_t *t)
{
    return (t->reden_wijziging == 13 || t->reden_wijziging == 1) &&
           t->einddatum == t->ingangsdatum;
}

static int check_301(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    size_t dup, overlap, n = 0;
    if (jw_ijw_dups_301(m, &dup)) return JW_IJW_ENOMEM;
    jw_ijw_product_t *pr = malloc((m->n_toewijzingen ? m->n_toewijzingen : 1) * sizeof *pr);
    if (!pr) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_toewijzingen; i++) {
        const jw_ijw_toewijzing_t *t = &m->toewijzingen[i];
        if (void_toewijzing(t)) continue; /* never given: overlaps nothing */
        pr[n++] = (jw_ijw_product_t){t->categorie, t->code, t->ingangsdatum, t->einddatum, i};
    }
    int rc = jw_ijw_first_overlap(pr, n, &overlap);
    free(pr);
    if (rc) return rc;
    for (size_t i = 0; i < m->n_toewijzingen; i++) {
        const jw_ijw_toewijzing_t *t = &m->toewijzingen[i];
        int has_product = t->categorie[0] != '\0';
        int has_code = t->code[0] != '\0';
        int has_omvang = t->omvang.eenheid != JW_NONE;
        int has_budget = t->budget != JW_NONE;
        int has_eind = t->einddatum != JW_DATE_NONE;

        if (i == dup)
            return fail(err, "TR101", "ToewijzingNummer %s occurs twice in the message", "", i);
        if (has_eind && t->einddatum < t->ingangsdatum)
            return fail(err, "CS003", "Einddatum before Ingangsdatum%s", "", i);
        if (!has_product && !has_budget)
            return fail(err, "CD079", "Product is required when Budget is empty%s", "", i);
        if (has_budget && !has_eind)
            return fail(err, "CD075", "Einddatum is required with a Budget%s", "", i);
        if (has_omvang && t->omvang.frequentie == 2 && !has_eind)
            return fail(err, "CD076", "Einddatum is required with Frequentie 2 (per week)%s", "", i);
        if (has_code && !has_omvang)
            return fail(err, "CD041", "Omvang is required when Product/Code is given%s", "", i);
        if (has_budget && has_omvang)
            return fail(err, "CD077", "Omvang must be empty when Budget is given%s", "", i);
        if (has_omvang && !has_code && (!has_eind || t->einddatum > DATE_2020_12_31))
            return fail(err, "CD080", "Omvang must be empty without Product/Code%s", "", i);
        if (!eenheid_frequentie_ok(&t->omvang, t->einddatum))
            return fail(err, "CS338", "Eenheid 14, 16, 83 or 84 needs Frequentie 2, 4 or 6%s", "", i);
        if (t->reden_wijziging == 13 && (!has_eind || t->einddatum != t->ingangsdatum))
            return fail(err, "CS335", "RedenWijziging 13 only with Einddatum = Ingangsdatum%s", "", i);
        if (t->reden_wijziging == 1 && m->header.release >= 1)
            return fail(err, "CS336", "RedenWijziging 01 is not allowed since iJw 3.1%s", "", i);
        if (i == overlap)
            return fail(err, "TR302", "two toewijzingen for the same product overlap%s", "", i);
    }
    return JW_IJW_OK;
}

static int check_315(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    size_t dup, overlap;
    if (jw_ijw_dups_315(m, &dup)) return JW_IJW_ENOMEM;
    jw_ijw_product_t *pr = malloc((m->n_verzoeken ? m->n_verzoeken : 1) * sizeof *pr);
    if (!pr) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_verzoeken; i++) {
        const jw_ijw_verzoek_t *v = &m->verzoeken[i];
        pr[i] = (jw_ijw_product_t){v->categorie, v->code, v->toewijzing_ingangsdatum, v->toewijzing_einddatum, i};
    }
    int rc = jw_ijw_first_overlap(pr, m->n_verzoeken, &overlap);
    free(pr);
    if (rc) return rc;
    for (size_t i = 0; i < m->n_verzoeken; i++) {
        const jw_ijw_verzoek_t *v = &m->verzoeken[i];
        int has_product = v->categorie[0] != '\0';
        int has_code = v->code[0] != '\0';
        int has_omvang = v->omvang.eenheid != JW_NONE;
        int has_budget = v->budget != JW_NONE;
        int has_eind = v->toewijzing_einddatum != JW_DATE_NONE;

        if (i == dup)
            return fail(err, "TR383", "ReferentieAanbieder occurs twice in the message%s", "", i);
        if (has_eind && v->toewijzing_einddatum < v->toewijzing_ingangsdatum)
            return fail(err, "CS003", "ToewijzingEinddatum before ToewijzingIngangsdatum%s", "", i);
        if (!has_product && !has_budget)
            return fail(err, "CD079", "Product is required when Budget is empty%s", "", i);
        if (v->has_beschikkingnummer != v->has_beschikking_ingangsdatum)
            return fail(err, "CD043", "BeschikkingIngangsdatum is required iff BeschikkingNummer is given%s", "", i);
        if (has_budget && !has_eind)
            return fail(err, "CD075", "ToewijzingEinddatum is required with a Budget%s", "", i);
        if (has_omvang && v->omvang.frequentie == 2 && !has_eind)
            return fail(err, "CD076", "ToewijzingEinddatum is required with Frequentie 2 (per week)%s", "", i);
        if (has_code && !has_omvang)
            return fail(err, "CD041", "Omvang is required when Product/Code is given%s", "", i);
        if (has_budget && has_omvang)
            return fail(err, "CD077", "Omvang must be empty when Budget is given%s", "", i);
        if (has_omvang && !has_code && (!has_eind || v->toewijzing_einddatum > DATE_2020_12_31))
            return fail(err, "CD095", "Omvang must be empty without Product/Code%s", "", i);
        if (!eenheid_frequentie_ok(&v->omvang, v->toewijzing_einddatum))
            return fail(err, "CS343", "Eenheid 14, 16, 83 or 84 needs Frequentie 2, 4 or 6%s", "", i);
        int t = v->verwijzer_type, agb = v->verwijzer_agb[0] != '\0';
        int zorgverlener = t >= 2 && t <= 5;
        if (zorgverlener && agb && v->has_verwijzer_naam)
            return fail(err, "CD066", "Verwijzer Naam must be empty when ZorgverlenerCode is given%s", "", i);
        if (zorgverlener && !agb && !v->has_verwijzer_naam)
            return fail(err, "CD067", "Verwijzer Naam is required without ZorgverlenerCode%s", "", i);
        if (!zorgverlener && agb)
            return fail(err, "CD068", "ZorgverlenerCode only for Verwijzer Type 02-05%s", "", i);
        if (i == overlap)
            return fail(err, "TR386", "two requested products for the same product overlap%s", "", i);
    }
    return JW_IJW_OK;
}

static int check_317(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    size_t n_kept = 0, n_change = 0, dup, overlap;
    int rc;
    if ((rc = jw_ijw_dups_317(m, &dup, &overlap))) return rc;
    for (size_t i = 0; i < m->n_wijzigingen; i++) {
        const jw_ijw_wijziging_t *w = &m->wijzigingen[i];
        int nieuw = w->kind == JW_WIJZIGING_NIEUW;
        int has_code = w->code[0] != '\0';
        int has_omvang = w->omvang.eenheid != JW_NONE;
        int has_budget = w->budget != JW_NONE;
        int has_eind = w->einddatum != JW_DATE_NONE;

        if (w->kind == JW_WIJZIGING_ONGEWIJZIGD) n_kept++;
        if (w->kind == JW_WIJZIGING_TEWIJZIGEN) n_kept++, n_change++;
        if (nieuw) n_change++;
        if (i == dup)
            return fail(err, "TR101", nieuw ? "the same NieuwProduct key occurs twice%s"
                                            : "ToewijzingNummer occurs twice in the request%s", "", i);
        if (w->kind == JW_WIJZIGING_ONGEWIJZIGD) continue;
        /* No CS003 here: the standard lists CD075-CD079, CD096 and CS338 for
         * the JW317's products, not CS003 (reference facts, JW317), and its
         * own example asks for a NieuwProduct ending before it starts. */
        if (nieuw && !w->categorie[0] && !has_budget)
            return fail(err, "CD079", "Product is required when Budget is empty%s", "", i);
        if (has_budget && !has_eind)
            return fail(err, "CD075", "Einddatum is required with a Budget%s", "", i);
        if (has_omvang && w->omvang.frequentie == 2 && !has_eind)
            return fail(err, "CD076", "Einddatum is required with Frequentie 2 (per week)%s", "", i);
        if (nieuw && has_code && !has_omvang)
            return fail(err, "CD041", "Omvang is required when Product/Code is given%s", "", i);
        if (has_budget && has_omvang)
            return fail(err, "CD077", "Omvang must be empty when Budget is given%s", "", i);
        if (nieuw && has_omvang && !has_code && (!has_eind || w->einddatum > DATE_2020_12_31))
            return fail(err, "CD096", "Omvang must be empty without Product/Code%s", "", i);
        if (!eenheid_frequentie_ok(&w->omvang, w->einddatum))
            return fail(err, "CS338", "Eenheid 14, 16, 83 or 84 needs Frequentie 2, 4 or 6%s", "", i);
        if (nieuw && w->gewenste_ingangsdatum <= m->header.dagtekening)
            return fail(err, "TR380", "GewensteIngangsdatum of a new product must be after the Dagtekening%s", "", i);
        if (i == overlap)
            return fail(err, "TR410", "two new products for the same product overlap%s", "", i);
    }
    if (n_kept == 0) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "TR352", 0,
                         "the request lists no current toewijzing (Ongewijzigd or TeWijzigen)");
        return JW_IJW_EINVALID;
    }
    if (n_change == 0) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "TR353", 0,
                         "the request asks for nothing (no TeWijzigen or Nieuw product)");
        return JW_IJW_EINVALID;
    }
    return JW_IJW_OK;
}

static int check_319(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    const jw_ijw_verzoekinfo_t *v = &m->verzoek;
    const char *rule = NULL, *what = NULL;
    if (v->verzoek_antwoord == 1 && v->reden_afwijzing == JW_NONE)
        rule = "CD085", what = "a refusal (VerzoekAntwoord 1) needs RedenAfwijzingVerzoek";
    else if (v->verzoek_antwoord == 2 && v->reden_afwijzing != JW_NONE)
        rule = "CD086", what = "RedenAfwijzingVerzoek must be empty while the request is in onderzoek";
    else if (v->reden_afwijzing == 8 && !v->woonplaats_gemeente[0])
        rule = "TR377", what = "reason 8 (woonplaatsbeginsel) needs the responsible Gemeente";
    else if (v->reden_afwijzing != 8 && v->woonplaats_gemeente[0])
        rule = "TR409", what = "Woonplaatsbeginsel only with reason 8";
    if (!rule) return JW_IJW_OK;
    jw_ijw_error_set(err, JW_LAYER_RULE, rule, 0, "%s", what);
    return JW_IJW_EINVALID;
}

static int check_30x(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    int stop = m->type == JW_MSG_307;
    size_t dup;
    if (jw_ijw_dups_30x(m, stop, &dup)) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_leveringen; i++) {
        const jw_ijw_levering_t *l = &m->leveringen[i];
        if (i == dup)
            return fail(err, "TR101", "the same %s key occurs twice in the message",
                        stop ? "StopProduct" : "StartProduct", i);
        if (l->status != 1 && l->status != 3)
            return fail(err, "CS058", "StatusAanlevering must be 1 or 3%s", "", i);
        if (stop && l->einddatum < l->begindatum)
            return fail(err, "CS003", "Einddatum before Begindatum%s", "", i);
    }
    return JW_IJW_OK;
}

static int whole_month(jw_date_t b, jw_date_t e)
{
    return b == jw_date_month_first(b) && e == jw_date_month_last(b);
}

static int check_323(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    const jw_ijw_declaratie_t *d = &m->declaratie;
    int64_t sum = 0;

    if (d->periode_eind < d->periode_begin) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "TR137", 0, "DeclaratiePeriode ends before it begins");
        return JW_IJW_EINVALID;
    }
    if (d->periode_eind > d->dagtekening) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "TR137", 0,
                         "DeclaratiePeriode ends after the DeclaratieDagtekening");
        return JW_IJW_EINVALID;
    }
    if (d->periode_begin < DATE_2021_01_01) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "CS100", 0, "DeclaratiePeriode before 2021-01-01");
        return JW_IJW_EINVALID;
    }
    if (!whole_month(d->periode_begin, d->periode_eind)) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "CS340", 0,
                         "DeclaratiePeriode is not exactly one calendar month");
        return JW_IJW_EINVALID;
    }
    size_t dup_ref, dup_vorig, dup_credit, dup_416;
    if (jw_ijw_dups_323(m, &dup_ref, &dup_vorig, &dup_credit) || jw_ijw_dups_416(m, &dup_416))
        return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_prestaties; i++) {
        const jw_ijw_prestatie_t *p = &m->prestaties[i];
        if (i == dup_ref)
            return fail(err, "TR101", "ReferentieNummer occurs twice in the message%s", "", i);
        if (i == dup_vorig)
            return fail(err, "TR315", "VorigReferentieNummer occurs twice in the message%s", "", i);
        if (i == dup_416)
            return fail(err, "TR416", "two debits for the same product, period and toewijzing%s", "", i);
        if (p->einddatum < p->begindatum)
            return fail(err, "TR137", "ProductPeriode ends before it begins%s", "", i);
        if (p->einddatum > d->dagtekening)
            return fail(err, "TR137", "ProductPeriode ends after the DeclaratieDagtekening%s", "", i);
        if (p->einddatum < jw_date_add_months(d->dagtekening, -60))
            return fail(err, "TR335", "ProductPeriode ends more than 5 years before the DeclaratieDagtekening%s", "", i);
        if (p->bedrag == 0 && p->dc == 'C')
            return fail(err, "CS325", "a zero IngediendBedrag must be D%s", "", i);
        if (p->begindatum < DATE_2021_01_01)
            return fail(err, "CS100", "ProductPeriode before 2021-01-01%s", "", i);
        if (jw_date_month_first(p->begindatum) != jw_date_month_first(p->einddatum))
            return fail(err, "CS337", "ProductPeriode is not within one calendar month%s", "", i);
        if (p->begindatum > d->periode_eind)
            return fail(err, "TR319", "ProductPeriode after the DeclaratiePeriode%s", "", i);
        if ((p->dc == 'C') != (p->vorig_referentienummer[0] != '\0'))
            return fail(err, "CD060", "VorigReferentieNummer is required iff DebetCredit is C%s", "", i);
        if ((p->eenheid == 83) == (p->tarief != JW_NONE))
            return fail(err, "CD087", "ProductTarief is required iff Eenheid is not 83%s", "", i);
        if (p->eenheid == 83 && (p->bedrag < 0 ? -p->bedrag : p->bedrag) != p->volume)
            return fail(err, "CS339", "with Eenheid 83 the Bedrag must equal GeleverdVolume%s", "", i);
        sum += p->bedrag;
    }
    /* TR316: a credit may not cancel a debit of the same message. */
    if (dup_credit != SIZE_MAX)
        return fail(err, "TR316", "a credit cancels a debit of the same message%s", "", dup_credit);
    if (d->totaal == 0 && d->totaal_dc == 'C') {
        jw_ijw_error_set(err, JW_LAYER_RULE, "CS325", 0, "a zero TotaalIngediendBedrag must be D");
        return JW_IJW_EINVALID;
    }
    if (sum != d->totaal) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "TR358", 0,
                         "TotaalIngediendBedrag is %lld cents, the lines add up to %lld",
                         (long long)d->totaal, (long long)sum);
        return JW_IJW_EINVALID;
    }
    return JW_IJW_OK;
}

/* JW325: the refused lines are copies of JW323 lines; Σ of their signed
 * amounts = TotaalIngediend − TotaalToegekend (TR342). */
static int check_325(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    const jw_ijw_declaratie_t *d = &m->declaratie;
    int64_t sum = 0;
    if (!d->has_antwoord) return JW_IJW_OK;
    if ((d->totaal == 0 && d->totaal_dc == 'C') || (d->toegekend == 0 && d->toegekend_dc == 'C')) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "CS325", 0, "a zero total must be D");
        return JW_IJW_EINVALID;
    }
    for (size_t i = 0; i < m->n_prestaties; i++) {
        const jw_ijw_prestatie_t *p = &m->prestaties[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->prestaties[j].referentienummer, p->referentienummer) == 0)
                return fail(err, "TR101", "ReferentieNummer occurs twice in the message%s", "", i);
        if ((p->dc == 'C') != (p->vorig_referentienummer[0] != '\0'))
            return fail(err, "CD060", "VorigReferentieNummer is required iff DebetCredit is C%s", "", i);
        if (p->bedrag == 0 && p->dc == 'C')
            return fail(err, "CS325", "a zero IngediendBedrag must be D%s", "", i);
        sum += p->bedrag;
    }
    if (sum != d->totaal - d->toegekend) {
        jw_ijw_error_set(err, JW_LAYER_RULE, "TR342", 0,
                         "the refused lines add up to %lld cents, not TotaalIngediend - TotaalToegekend = %lld",
                         (long long)sum, (long long)(d->totaal - d->toegekend));
        return JW_IJW_EINVALID;
    }
    return JW_IJW_OK;
}

int jw_ijw_rules_check(const jw_ijw_msg_t *m, jw_ijw_error_t *err)
{
    int rc = check_header(m, err);
    if (rc) return rc;
    switch (m->type) {
    case JW_MSG_301: return check_301(m, err);
    case JW_MSG_315: return check_315(m, err);
    case JW_MSG_305:
    case JW_MSG_307: return check_30x(m, err);
    case JW_MSG_323: return check_323(m, err);
    case JW_MSG_317: return check_317(m, err);
    case JW_MSG_319: return check_319(m, err);
    case JW_MSG_325: return check_325(m, err);
    /* A retour copies what its receiver judged; jw reads its verdict. */
    case JW_MSG_302: case JW_MSG_306: case JW_MSG_308: case JW_MSG_316:
    case JW_MSG_318: case JW_MSG_320: return JW_IJW_OK;
    default:
        jw_ijw_error_set(err, JW_LAYER_XSD, "XSD", 0, "unsupported message type");
        return JW_IJW_EINVALID;
    }
}
