/* nl.c - the Dutch texts of the dashboard and the Excel exports: column
 * titles and short definitions per indicator (the catalogue's labels and
 * definitions are the English, precise reading; docs/indicators.md is
 * normative). An indicator or column missing here falls back to the
 * catalogue's text, so a new indicator shows up before it is translated. */
#include <string.h>

#include "jwi.h"

typedef struct {
    const char *id;   /* NULL: any indicator */
    const char *col;
    const char *nl;
} col_nl_t;

/* Specific (id, column) entries first, then the generic ones. */
static const col_nl_t COLS[] = {
    {"IND-02", "youths", "jeugdigen met verblijf"},
    {"IND-02", "stock", "met verblijf op einddatum periode"},
    {"IND-03", "starts", "starts instroom"},
    {"IND-03", "per_1000_0_17", "starts per 1.000 jeugdigen 0-17 jaar"},
    {"IND-03", "per_1000_0_22", "starts per 1.000 inwoners 0-22 jaar"},
    {"IND-04", "starts", "starts stapeling"},
    {"IND-05", "starts", "starts doorstroom"},
    {"IND-07", "starts", "starts hernieuwde instroom"},
    {"IND-09", "share_pct", "aandeel zonder nieuwe start %"},
    {"IND-10", "stops", "uitstroom"},
    {"IND-11", "stops", "beëindigingen levering"},
    {"IND-11", "share_pct", "aandeel uitval %"},
    {"IND-12", "n", "beëindigde trajecten"},
    {"IND-13", "youths", "jeugdigen met etmalen"},
    {"IND-14", "n", "starts met wachttijd"},
    {"IND-14b", "n", "toewijzingen na verzoek"},
    {"IND-16", "youths", "jeugdigen met declaraties"},
    {"IND-17", "youths", "jeugdigen met declaraties"},
    {"IND-23", "share_pct", "tijdig %"},
    {"IND-24", "refused", "geweigerde berichten"},
    {"IND-24", "technical", "technisch (code 0001)"},
    {"IND-24", "other_codes", "overige retourcodes"},
    {"IND-24", "jw301", "JW301 toewijzing"},
    {"IND-24", "jw305", "JW305 start zorg"},
    {"IND-24", "jw307", "JW307 stop zorg"},
    {"IND-24", "jw315", "JW315 verzoek om toewijzing"},
    {"IND-24", "jw323", "JW323 declaratie"},
    {"IND-25", "requests", "verzoeken om toewijzing"},
    {"IND-25", "refused", "afgewezen (JW319)"},
    {"IND-25", "refused_pct", "afgewezen %"},
    {"IND-25", "median_days", "mediaan dagen tot afwijzing"},
    {"IND-25", "p90_days", "p90 dagen tot afwijzing"},
    {"IND-26", "n", "gestarte trajecten"},
    {"IND-26", "ended", "beëindigd vóór de horizon"},
    {NULL, "youths", "jeugdigen in zorg"},
    {NULL, "stock", "in zorg op einddatum periode"},
    {NULL, "per_1000_0_17", "per 1.000 jeugdigen 0-17 jaar"},
    {NULL, "per_1000_0_22", "per 1.000 inwoners 0-22 jaar"},
    {NULL, "returns", "terugkeer in zorg"},
    {NULL, "ended_before", "uitstroom vorige periode"},
    {NULL, "rate_pct", "terugkeer %"},
    {NULL, "ended", "beëindigd (uitstroom)"},
    {NULL, "without_restart", "zonder nieuwe start"},
    {NULL, "dropouts", "uitval (reden 32-35)"},
    {NULL, "mean", "gemiddeld (dagen)"},
    {NULL, "median", "mediaan (dagen)"},
    {NULL, "p75", "p75 (dagen)"},
    {NULL, "p90", "p90 (dagen)"},
    {NULL, "etmalen", "etmalen"},
    {NULL, "normed", "starts met norm"},
    {NULL, "within", "binnen de norm"},
    {NULL, "within_pct", "binnen de norm %"},
    {NULL, "norm_days", "norm (dagen)"},
    {NULL, "waiting", "wachtend op einddatum periode"},
    {NULL, "transfers", "doorplaatsingen"},
    {NULL, "residential_youths", "jeugdigen met verblijf"},
    {NULL, "transferred_youths", "met verblijf, doorgeplaatst"},
    {NULL, "without_transfer_pct", "verblijf zonder doorplaatsing %"},
    {NULL, "cost_eur", "toegekend (netto)"},
    {NULL, "declared_eur", "gedeclareerd (netto, incl. afgewezen)"},
    {NULL, "refused_eur", "afgewezen"},
    {NULL, "per_youth_eur", "kosten per jeugdige"},
    {NULL, "reports", "start- en stopberichten"},
    {NULL, "on_time", "binnen 5 werkdagen"},
    {NULL, "censored", "nog in zorg (gecensureerd)"},
    {NULL, "median_lo", "mediaan, 95%-BI onder"},
    {NULL, "median_hi", "mediaan, 95%-BI boven"},
    {NULL, "p90_lo", "p90, 95%-BI onder"},
    {NULL, "p90_hi", "p90, 95%-BI boven"},
};

const char *jwi_nl_column(const jw_ind_def_t *d, size_t c)
{
    if (!d || c >= d->n_cols) return "";
    const char *name = d->cols[c].name;
    for (size_t i = 0; i < sizeof COLS / sizeof COLS[0]; i++)
        if (strcmp(COLS[i].col, name) == 0 && (!COLS[i].id || strcmp(COLS[i].id, d->id) == 0))
            return COLS[i].nl;
    return d->cols[c].label;
}

static const struct {
    const char *id, *nl;
} DEFS[] = {
    {"IND-01", "Unieke jeugdigen met ten minste één toewijzingsperiode die de periode overlapt, geteld tot de "
               "datahorizon; stand = jeugdigen in zorg op de laatste dag van de periode (een periode die die dag "
               "eindigt telt niet mee). Per 1.000: jeugdigen gedeeld door de bevolking 0-17 (0-22) jaar op "
               "1 januari van het jaar, maal 1.000."},
    {"IND-02", "Als jeugdigen in zorg, maar alleen toewijzingen in segmenten die het profiel als verblijf aanmerkt."},
    {"IND-03", "Starts van klasse instroom (geen eerdere zorg in de zoekruimte) met ingangsdatum in de periode."},
    {"IND-04", "Starts van klasse stapeling (overlap met eerdere zorg) met ingangsdatum in de periode."},
    {"IND-05", "Starts van klasse doorstroom (aansluitend op eerdere zorg, binnen het doorstroomvenster van het "
               "profiel) met ingangsdatum in de periode."},
    {"IND-06", "Terugkeer in zorg volgens de definitie van het profiel, gedateerd in de periode, gedeeld door de "
               "uitstroom in de voorgaande periode van dezelfde lengte."},
    {"IND-07", "Starts van klasse hernieuwde instroom (na een zorgvrije periode langer dan het recidivevenster) met "
               "ingangsdatum in de periode."},
    {"IND-09", "Van de trajecten die in de periode zijn beëindigd zonder doorstroom: het aandeel zonder nieuwe start "
               "van dezelfde jeugdige tot het einde van het volgende halfjaar."},
    {"IND-10", "Beëindigde toewijzingen met einddatum in de periode waarop geen doorstroom volgt."},
    {"IND-11", "Beëindigingen van levering (JW307) met einddatum in de periode, tijdelijke stops niet meegeteld; "
               "uitval = reden beëindiging 32, 33, 34 of 35."},
    {"IND-12", "Duur in dagen (einddatum - ingangsdatum + 1) van de trajecten die in de periode eindigen: gemiddelde, "
               "mediaan, p75 en p90."},
    {"IND-13", "Gedeclareerde etmalen (eenheid 14) in verblijfssegmenten, naar begindatum van de productperiode; "
               "een creditregel trekt af."},
    {"IND-14", "Dagen van toewijzingsdatum tot de eerste startdatum van de levering (JW305), voor starts in de periode; "
               "binnen de norm = wachttijd ten hoogste de norm van het segment; wachtend = toewijzingen zonder "
               "start op de laatste dag van de periode."},
    {"IND-14b", "Dagen van de dagtekening van het verzoek (JW315) tot de toewijzing (JW301) die het honoreert."},
    {"IND-15", "Doorplaatsingen (doorstroom naar een andere aanbieder) in de periode; aandeel jeugdigen met verblijf "
               "zonder doorplaatsing."},
    {"IND-16", "Toegekend bedrag: gedeclareerde min gecrediteerde bedragen zonder de regels die een JW325 afwees, "
               "gedeeld door het aantal jeugdigen met een toegekend netto bedrag; ook getoond: gedeclareerd "
               "(toegekend + afgewezen) en afgewezen."},
    {"IND-17", "Toegekend bedrag: gedeclareerde min gecrediteerde bedragen zonder de regels die een JW325 afwees, naar "
               "begindatum van de productperiode; ook getoond: gedeclareerd (toegekend + afgewezen) en afgewezen."},
    {"IND-23", "Start- en stopberichten (JW305/JW307) in de periode; tijdig = verstuurd uiterlijk de 5e werkdag na de "
               "gemelde datum (weekenden en feestdagen van de Algemene termijnenwet tellen niet)."},
    {"IND-24", "Heenberichten die de ontvanger weigerde (een retourbericht met een andere code dan 0200/0233, of een "
               "JW325 die een hele JW323 afwijst), naar de dagtekening van de weigering; naar gemeente en aanbieder "
               "van het geweigerde bericht; technisch = code 0001 (de regels binnen het bericht), overige = de andere "
               "retourcodes; daarna per berichttype."},
    {"IND-25", "Verzoeken om toewijzing (JW315) naar hun dagtekening: hoeveel, hoeveel een JW319 afwees "
               "(VerzoekAntwoord 1), het aandeel afgewezen, en de mediaan en p90 van de dagen van de dagtekening van "
               "het verzoek tot die van de afwijzende JW319."},
    {"IND-26", "Kaplan-Meier-schatting van de duur van elk traject dat in de periode begon, lopende trajecten "
               "gecensureerd op de datahorizon: mediaan en p90 met een 95%-betrouwbaarheidsinterval."},
};

const char *jwi_nl_definition(const jw_ind_def_t *d)
{
    if (!d) return "";
    for (size_t i = 0; i < sizeof DEFS / sizeof DEFS[0]; i++)
        if (strcmp(DEFS[i].id, d->id) == 0) return DEFS[i].nl;
    return d->definition;
}
