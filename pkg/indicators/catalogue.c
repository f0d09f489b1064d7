/* catalogue.c - the indicators, their columns and definitions (SPEC §5;
 * the long form of each definition is docs/indicators.md). */
#include "indicators/ind_internal.h"

#include <string.h>
#include <strings.h>

#define C(n, l, u) {n, l, JW_IND_UNIT_##u}

static const jw_ind_def_t CATALOGUE[] = {
    {"IND-01", "Jeugdigen in zorg", "Youths in care",
     "Distinct youths with at least one allocation episode [Ingangsdatum, Einddatum "
     "(open = ongoing)] overlapping the period, counted up to the data horizon; stock = "
     "distinct youths in care on the period's last day (an episode ending that day excluded). "
     "Breakdown by the episode's gemeente, aanbieder and segment. Per 1,000: youths / the "
     "profile's population aged 0-17 (0-22) on 1 January of the period's year x 1,000 (the "
     "gemeente's for a gemeente row, the region's otherwise).",
     4, {C("youths", "youths in care", COUNT), C("stock", "in care at period end", COUNT),
         C("per_1000_0_17", "youths per 1,000 aged 0-17", PER1000),
         C("per_1000_0_22", "youths per 1,000 aged 0-22", PER1000)}, 0},
    {"IND-02", "Jeugdigen met verblijf", "Youths in residential care",
     "IND-01 restricted to episodes in segments the profile marks verblijf = yes.",
     4, {C("youths", "youths in residential care", COUNT),
         C("stock", "in residential care at period end", COUNT),
         C("per_1000_0_17", "youths per 1,000 aged 0-17", PER1000),
         C("per_1000_0_22", "youths per 1,000 aged 0-22", PER1000)}, 0},
    {"IND-03", "Instroom", "Intake (instroom)",
     "Start events of class instroom (no earlier episode in scope) with Ingangsdatum in the period.",
     3, {C("starts", "instroom starts", COUNT),
         C("per_1000_0_17", "starts per 1,000 aged 0-17", PER1000),
         C("per_1000_0_22", "starts per 1,000 aged 0-22", PER1000)}, 0},
    {"IND-04", "Stapeling", "Stacking (stapeling)",
     "Start events of class stapeling (gap below the profile's stapeling bound) with Ingangsdatum "
     "in the period.",
     1, {C("starts", "stapeling starts", COUNT)}, 0},
    {"IND-05", "Doorstroom", "Continuation (doorstroom)",
     "Start events of class doorstroom (gap within the profile's doorstroom window) with "
     "Ingangsdatum in the period.",
     1, {C("starts", "doorstroom starts", COUNT)}, 0},
    {"IND-06", "Terugkeer in zorg (recidive)", "Return to care",
     "returns = recidive events (the profile's return-to-care class: Zuid-Limburg class recidive, "
     "15-180 days after the previous episode in the segment; Twente class hernieuwd, 6 calendar "
     "months or more without any allocation) dated in the period; ended_before = uitstroom "
     "(IND-10) in the preceding period of the same length; rate = returns / ended_before.",
     3, {C("returns", "returns to care", COUNT), C("ended_before", "uitstroom, previous period", COUNT),
         C("rate_pct", "return rate %", PERCENT)}, 0},
    {"IND-07", "Hernieuwde instroom", "Re-entry after a long gap (hernieuwd)",
     "Start events of class hernieuwd (gap beyond the profile's recidive window) with "
     "Ingangsdatum in the period.",
     1, {C("starts", "hernieuwd starts", COUNT)}, 0},
    {"IND-09", "Geen nieuwe start na beëindiging (uitkomst 3.2)", "No new start after ending",
     "Of the episodes ended in the period without continuation (IND-10), the share with no start "
     "event of the same youth (any segment, gemeente or aanbieder) after the end date and up to "
     "the end of the half-year following the end's half-year.",
     3, {C("ended", "ended (uitstroom)", COUNT), C("without_restart", "without a new start", COUNT),
         C("share_pct", "share without a new start %", PERCENT)}, 2},
    {"IND-10", "Uitstroom", "Outflow",
     "Stop events (allocation episodes ended) with Einddatum in the period and continued = false: "
     "no doorstroom start has the episode as its previous episode.",
     1, {C("stops", "uitstroom", COUNT)}, 0},
    {"IND-11", "Uitval", "Drop-out",
     "Delivery stops (JW307) with Einddatum in the period, temporary stops (reason 20) left out; "
     "drop-outs = reason 32, 33, 34 or 35; share = drop-outs / stops.",
     3, {C("stops", "delivery stops", COUNT), C("dropouts", "drop-outs (32-35)", COUNT),
         C("share_pct", "drop-out share %", PERCENT)}, 2},
    {"IND-12", "Duur", "Duration of ended episodes",
     "duration_days (Einddatum - Ingangsdatum + 1) of every stop event with Einddatum in the "
     "period: mean, median (mean of the two middle values for an even n), p75 and p90 (nearest "
     "rank).",
     5, {C("n", "ended episodes", COUNT), C("mean", "mean days", DAYS), C("median", "median days", DAYS),
         C("p75", "p75 days", DAYS), C("p90", "p90 days", DAYS)}, 1},
    {"IND-13", "Etmalen verblijf", "Residential nights",
     "Declared volume in unit 14 (etmaal) on segments marked verblijf, by ProductPeriode "
     "Begindatum; a credit line subtracts its volume. youths = distinct youths with a nonzero net.",
     2, {C("etmalen", "etmalen", ETMAAL), C("youths", "youths with etmalen", COUNT)}, 0},
    {"IND-14", "Wachttijd toewijzing-start", "Wait allocation to start",
     "wait_days (first JW305 Begindatum - first Toewijzingsdatum of the allocation) of delivery "
     "starts with Begindatum in the period: n, median, p90; within = waits at or below the "
     "segment's wait norm (segments with a norm only); waiting = allocations due (Ingangsdatum and "
     "Toewijzingsdatum on or before the period's last day), not ended before it, without a delivery "
     "start on or before it.",
     8, {C("n", "starts with a wait", COUNT), C("median", "median days", DAYS),
         C("p90", "p90 days", DAYS), C("normed", "starts with a norm", COUNT),
         C("within", "within the norm", COUNT), C("within_pct", "within norm %", PERCENT),
         C("norm_days", "norm (days)", DAYS), C("waiting", "waiting at period end", COUNT)}, 1},
    {"IND-14b", "Wachttijd aanvraag-toewijzing", "Wait request to allocation",
     "Days from the JW315 Dagtekening (request_date) to the first Toewijzingsdatum of the JW301 "
     "that honours it, for start events with a request, by Toewijzingsdatum: n, mean, median, p90.",
     4, {C("n", "allocations after a request", COUNT), C("mean", "mean days", DAYS),
         C("median", "median days", DAYS), C("p90", "p90 days", DAYS)}, 2},
    {"IND-15", "Doorplaatsingen", "Transfers",
     "transfers = transfer events (a doorstroom start whose previous episode had another "
     "aanbieder) dated in the period, by the new aanbieder; share without transfer = residential "
     "youths (IND-02) minus those of them with a transfer in a verblijf segment in the period, over "
     "the residential youths.",
     4, {C("transfers", "transfers", COUNT), C("residential_youths", "residential youths", COUNT),
         C("transferred_youths", "residential youths transferred", COUNT),
         C("without_transfer_pct", "residential without transfer %", PERCENT)}, 0},
    {"IND-16", "Kosten per jeugdige", "Cost per youth",
     "Awarded cost: declared minus credited amounts (amount_cents) by ProductPeriode Begindatum, "
     "without the lines a JW325 refused, divided by the distinct youths whose net awarded amount "
     "in the cell is not zero. Also shown: declared (awarded + refused) and refused.",
     5, {C("cost_eur", "awarded EUR", EUR), C("youths", "youths with declarations", COUNT),
         C("per_youth_eur", "EUR per youth", EUR), C("declared_eur", "declared EUR", EUR),
         C("refused_eur", "refused EUR", EUR)}, 2},
    {"IND-17", "Totale kosten", "Total cost",
     "Awarded cost: declared minus credited amounts (amount_cents) by ProductPeriode Begindatum, "
     "without the lines a JW325 refused. Also shown: declared (awarded + refused) and refused.",
     4, {C("cost_eur", "awarded EUR", EUR), C("youths", "youths with declarations", COUNT),
         C("declared_eur", "declared EUR", EUR), C("refused_eur", "refused EUR", EUR)}, 0},
    {"IND-23", "Tijdigheid berichten", "Message timeliness",
     "JW305/JW307 reports (delivery events carrying msg_date, the message Dagtekening) dated in the "
     "period; on time = msg_date no later than the 5th working day after the reported date "
     "(weekends and Algemene termijnenwet holidays are not working days).",
     3, {C("reports", "start/stop reports", COUNT), C("on_time", "within 5 working days", COUNT),
         C("share_pct", "on time %", PERCENT)}, 2},
    {"IND-24", "Geweigerde berichten", "Refused messages",
     "Heenberichten their receiver refused (message_refused events: a retour with a code other "
     "than 0200/0233, or a JW325 refusing a whole JW323), by the date of the refusal; by the "
     "gemeente and aanbieder of the message; technical = code 0001 (the standard's in-message "
     "rules), other = message-crossing codes; then per message type.",
     8, {C("refused", "refused messages", COUNT), C("technical", "code 0001", COUNT),
         C("other_codes", "other codes", COUNT), C("jw301", "JW301", COUNT), C("jw305", "JW305", COUNT),
         C("jw307", "JW307", COUNT), C("jw315", "JW315", COUNT), C("jw323", "JW323", COUNT)}, 0},
    {"IND-25", "Uitkomst verzoeken", "Request outcomes",
     "JW315 requests (request and request_refused events) by the request's Dagtekening: how many, "
     "how many a JW319 refused (VerzoekAntwoord 1), the share refused, and the median and p90 "
     "days from the request's Dagtekening to the refusing JW319's Dagtekening.",
     5, {C("requests", "requests", COUNT), C("refused", "refused by JW319", COUNT),
         C("refused_pct", "refused %", PERCENT), C("median_days", "median days to refusal", DAYS),
         C("p90_days", "p90 days to refusal", DAYS)}, 2},
    {"IND-26", "Duur incl. lopende zorg", "Duration with ongoing care",
     "Kaplan-Meier estimate of the allocation episode's duration (Einddatum - Ingangsdatum + 1) "
     "over every episode that started in the period, those still in care at the data horizon "
     "censored there: median and p90 (smallest duration with S(t) <= 0.5 / 0.1) with a 95 % "
     "confidence interval (Greenwood, log-log transform; Brookmeyer-Crowley for the quantiles).",
     9, {C("n", "episodes started", COUNT), C("ended", "ended by the horizon", COUNT),
         C("censored", "still in care (censored)", COUNT), C("median", "median days", DAYS),
         C("median_lo", "median, 95% CI low", DAYS), C("median_hi", "median, 95% CI high", DAYS),
         C("p90", "p90 days", DAYS), C("p90_lo", "p90, 95% CI low", DAYS),
         C("p90_hi", "p90, 95% CI high", DAYS)}, 3},
};

#undef C

size_t jw_ind_catalogue_count(void)
{
    return sizeof CATALOGUE / sizeof CATALOGUE[0];
}

const jw_ind_def_t *jw_ind_catalogue(size_t i)
{
    return i < jw_ind_catalogue_count() ? &CATALOGUE[i] : NULL;
}

const jw_ind_def_t *jw_ind_find(const char *id)
{
    if (!id) return NULL;
    for (size_t i = 0; i < jw_ind_catalogue_count(); i++)
        if (strcasecmp(CATALOGUE[i].id, id) == 0) return &CATALOGUE[i];
    return NULL;
}

size_t ind_def_quantities(const jw_ind_def_t *def, int *qs, size_t cap)
{
    static const struct {
        const char *id;
        int q[3];
    } map[] = {
        {"IND-01", {Q_Y01, Q_Y01S, 0}}, {"IND-02", {Q_Y02, Q_Y02S, 0}},
        {"IND-03", {Q_CLS0 + 0, 0, 0}}, {"IND-04", {Q_CLS0 + 1, 0, 0}},
        {"IND-05", {Q_CLS0 + 2, 0, 0}}, {"IND-06", {Q_RET, Q_UIT, 0}},
        {"IND-07", {Q_CLS0 + 4, 0, 0}}, {"IND-09", {Q_UIT, 0, 0}},
        {"IND-10", {Q_UIT, 0, 0}},      {"IND-11", {Q_DSTOP, 0, 0}},
        {"IND-12", {Q_DUR_N, 0, 0}},    {"IND-13", {Q_ETM, Q_Y13, 0}},
        {"IND-14", {Q_W_N, Q_WAITLIST, 0}}, {"IND-14b", {Q_14B_N, 0, 0}},
        {"IND-15", {Q_TRF, Q_Y02, 0}},  {"IND-16", {Q_COST, Q_Y16, 0}},
        {"IND-17", {Q_COST, Q_Y16, 0}}, {"IND-23", {Q_T23_N, 0, 0}},
        {"IND-24", {Q_R24, 0, 0}},      {"IND-25", {Q_R25_REQ, 0, 0}},
        {"IND-26", {Q_KM_N, 0, 0}},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].id, def->id) == 0)
            for (int k = 0; k < 3 && map[i].q[k] && n < cap; k++) qs[n++] = map[i].q[k];
    return n;
}
