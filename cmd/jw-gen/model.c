/* model.c - youths, allocation lifecycles and declarations (see model.h).
 *
 * INTERPRETATIONS OF THE STANDARD (and simplifications) made by jw-gen
 * -------------------------------------------------------------------
 * Region and identities
 * - Ten gemeenten of Zuid-Holland Zuid (real CBS codes), fourteen regional
 *   product codes in the categories 41, 43, 44, 45, 46, 48 and 54 (region.c).
 *   A youth lives in one gemeente for the whole archive (no moves, so no
 *   RedenWijziging 07).
 * - Aanbieders grow with the region, so that the JW323s (one per aanbieder,
 *   gemeente and month) grow with it as in real traffic: about one per 30
 *   youths in care at a time, at least the twelve invented ones of region.c
 *   (AGB 7575xxxx). A youth of an archive of Y years is in care for about
 *   2.82 Y / (Y + 7.07) years of it (fitted to seed 1: 0.35 for one year,
 *   0.85 for three, 1.17 for five), so the count is youths x 2.82 /
 *   (Y + 7.07) / 30, at least 12 (1000 youths over 5 years: 12; 48 000:
 *   374). The others are invented too (AGB 75760000 and up), each offering
 *   what fixed aanbieder i % 12 offers, seven in eight small (weight 1-4),
 *   one in eight large (8-23); they do not depend on the seed.
 * - BSNs: the i-th youth gets the i-th number that passes the 11-proef in
 *   the order 9999 0000 x, 9999 0001 x, ... (jw_bsn_complete on "9999" + four
 *   digits, about 9 090 valid numbers), then the same with 9998, 9997, ...
 *   So up to ~9 000 youths carry the familiar 9999xxxxx test numbers and
 *   larger runs continue in 9998xxxxx, 9997xxxxx, ...
 * - ToewijzingNummer is unique per gemeente and increases with the first
 *   Toewijzingsdatum; ReferentieAanbieder (JW315), DeclaratieNummer and
 *   ReferentieNummer are unique per aanbieder and increase with time.
 * Messages
 * - One ToegewezenProduct per JW301: each message reports exactly one
 *   allocation version (OP087 would also repeat the client's other current
 *   allocations with that provider; we do not). One AangevraagdProduct per
 *   JW315, one StartProduct per JW305, one StopProduct per JW307.
 * - Toewijzingsdatum is the JW301's Dagtekening; every version of an
 *   allocation has a later (Toewijzingsdatum, Toewijzingstijd) than the one
 *   before. ReferentieAanbieder is only in the first version that honours a
 *   VOT (TR379); a corrected allocation that replaces a voided one carries the
 *   same ReferentieAanbieder again, because the voided one counts as never
 *   sent.
 * - Voiding uses RedenWijziging 13 with Einddatum = Ingangsdatum in every
 *   release, also in 3.0 (where 01 was in use) because the project's rules
 *   reject 01 (CS336).
 * - Setting an end on an open-ended allocation (after JW307 31) and every
 *   shortening after an early stop use RedenWijziging 05; extensions use 04
 *   and are always made before the old Einddatum (OP380), without a new
 *   JW305/JW307 (3.2 mutatieoverzicht).
 * - Every VOT is honoured by a JW301 0-10 working days later (no JW319).
 * - Frequentie 6 (a total within the allocation's period) for 35 % of the
 *   hourly allocations with a fixed period (45A01/45A02/46A02/54A0x) from
 *   2021 on: Volume = hours per week x weeks of the period. Only these
 *   change their Volume (and aspecifiek ones their Budget) in a later
 *   version: upwards, always asked for by the aanbieder in a JW317 first
 *   (RedenVerzoek 2) and granted with RedenWijziging 12; an extension (04)
 *   adds the hours of the added weeks; a shortening keeps the total. The
 *   JW323 lines of such an allocation never exceed the total of the version
 *   in force (TR322).
 * - A shortening while care goes on (intrekking after a reassessment) uses
 *   RedenWijziging 05 and is followed by the regular JW307 31 at the new
 *   end; no other reason of JZ002 is used for it.
 * - Dagtekeningen of every message fall on working days. JW305/JW307 are
 *   dated on or after the date they report (80 % within 5 working days).
 * Declarations (JW323)
 * - One JW323 per (aanbieder, gemeente, DeclaratiePeriode) holding every
 *   line that is ready by its Dagtekening (the aanbieder's billing day in
 *   the next month). A line is ready once the month is over and every
 *   message that fixes its ProductPeriode (JW305, JW307 in that month, JW301
 *   versions that move the Einddatum into or before it) is dated; a line
 *   not ready yet goes into a later month's JW323 (ProductPeriode earlier
 *   than the DeclaratiePeriode, as allowed).
 * - ProductPeriode = the month clipped to the allocation's Ingangsdatum and
 *   final Einddatum; GeleverdVolume follows the days actually delivered
 *   (JW305..JW307 intervals): hours per week x days / 7 x 65-100 %,
 *   dagdelen per month pro rata, etmalen = nights (at most the volume 30),
 *   stuks (jeugdbescherming) 1 per month. Aspecifiek allocations (Categorie
 *   45 + Budget) are declared with the provider's hourly 45 product and stay
 *   within the Budget of the version in force.
 * - Tariffs are fixed per (aanbieder, product) and indexed +3.5 % a year.
 * - Credits: about 2.5 % of debit lines are credited 15-75 days after their
 *   JW323, in that pair's next JW323 (a later message, never their own),
 *   with a new ReferentieNummer and VorigReferentieNummer = the original;
 *   75 % (when the volume is 2 or more) are followed in the same message
 *   by a corrected, lower debit; the credit comes first (OP366).
 * - Care before 2021-01 is declared with the iJw 2.x JW303 (xmlout.c,
 *   jwg_legacy): its lines go into a declaration for a month up to
 *   2020-12 at the latest (a line not ready by then is put in the
 *   December 2020 one, dated January 2021); a credit of such a line that
 *   would fall in a 2021 declaration is not made (no JW303 after 2020).
 * Archive
 * - The archive holds every message dated in [start, end]; late and
 *   duplicate deliveries may fall after end. Without --history the
 *   trajectories start in the period, so the first months ramp up from an
 *   empty region (declaration lines per month in the first three months
 *   some 5-10 % of those in the last three). With --history H the region
 *   is simulated from H years before start: the --youths youths arrive in
 *   the period as before (the same draws, so the same lifecycles), and
 *   youths x H years / period more arrive, at the same rate, in the H
 *   years before; messages dated before start are not written. So the
 *   archive opens with youths in care whose first JW301 (and JW315,
 *   JW305, earlier JW323s) are not in it, and it holds what a real one
 *   holds: later JW301 versions, JW305/JW307, JW323 lines, credits of
 *   earlier lines, retours and JW319/JW325 answers whose heenbericht or
 *   declaration came before it. BerichtIdentificatie counters run over
 *   the history too, so the archive's continue them. A youth's
 *   trajectories span years, so the region takes about six years to fill:
 *   lines per month in the first three months over those in the last
 *   three are 0.69-0.76 with H = 2 (400 youths, 2 years, seeds 1-8) and,
 *   for seed 7, 2 000 youths over 3 years, 0.06 with H = 0, 0.66 with 2,
 *   0.88 with 4, 0.95 with 6 and 1.00 with 10.
 * - Releases follow the Dagtekening (3.0 / 3.1 / 3.2, Subversie 0/1/2);
 *   before 2021 JW301/305/307/315 and JW303/JW304 are written as iJw 2.x
 *   (2.2; 2.3 from 2019-04-01; 2.4 from 2020-03-30); retours, JW317 and
 *   JW319 stay 3.0 (their 2.x structure is not reconstructed).
 *
 * LIFECYCLES (draws; the shares in an archive are lower for late events
 * because care still running at the end of the period is cut off)
 * - A youth (age 0-20 at the first start, 0-22 at every message: care
 *   ends 120 days before the 23rd birthday) has 1-4 trajectories (35/30/20/
 *   15 %); the first starts uniformly in the period; the next one keeps the
 *   segment (ProductCategorie) 60 % of the time and is stacked (10 %,
 *   starting 30 days after the previous start and well before its end, with
 *   another product), doorstroom (25 %, within +-14 days of the previous
 *   end), recidive (35 %, 15-180 days after) or hernieuwd (30 %, 181-720
 *   days after); the manifest counts a follow-up in another category as
 *   other_segment. A youth never holds two running allocations of one
 *   product (OP259) and an aspecifiek one never overlaps its category.
 * - Categories of new trajectories: 45 ambulant 44 %, 54 jeugd-ggz 17 %,
 *   44 verblijf excl. 9 %, 46 crisis 8 %, 48 jeugdbescherming 8 % (< 18),
 *   41 dagbehandeling 7 %, 43 verblijf incl. 7 %; 8 % of hourly category-45
 *   allocations are aspecifiek (Categorie + Budget); 30-60 % of verblijf,
 *   dagbehandeling and voogdij allocations are open-ended.
 * - A JW315 precedes the JW301 in 70-85 % of the allocations (none for
 *   crisis, 25 % for jeugdbescherming); Verwijzer: gemeente 44 %, huisarts
 *   30 %, medisch specialist 9 %, GI 6 %, jeugdarts 5 %, zelf 4 %,
 *   rechter 2 % (JB: GI 70 %, rechter 30 %); types 02-05 give an AGB
 *   ZorgverlenerCode (80 %) or a Naam. The JW301 follows 0-10 working
 *   days later.
 * - Per allocation: voided 4 % (60 % of those replaced by a corrected
 *   allocation under a new number), never started 2 %, else a JW305 after
 *   a right-skewed wait within the product's range (0-120 days); then for
 *   45 % of the Frequentie-6 and aspecifiek ones 1-2 raises of Volume or
 *   Budget (12, after a JW317) in the first half of the period; then 1-3
 *   extensions (04; 1 + 40 % + 20 %) for 10-60 % by category (crisis 10,
 *   ambulant and ggz 35, dagbehandeling 40, verblijf 45, jeugdbescherming
 *   60); then the end: regular
 *   62 % (JW307 31; open-ended ones then get their Einddatum by JW301 05;
 *   10 % of the fixed-period ones first shortened by JW301 05 to an end
 *   14 days or more after the change),
 *   early 18 % (JW307 32/33/34/35 = 30/15/40/15 %, JW301 05), provider
 *   switch 10 % (JW301 09, JW307 38, new allocation elsewhere starting
 *   within +-14 days, 60 % within 0-3 days of the old end), temporary stop
 *   10 % (JW307 20; 60 % restart by a new JW305 and end regularly, 40 % a
 *   definitive JW307 on the same start, 0-30 days later).
 * - With seed 1, 2000 youths, 3 years: of 3052 allocations 36 % still run
 *   at the end; of the ended ones 54 % end regularly, 19 % early, 10 %
 *   switch provider, 8 % stop temporarily, 6 % are voided, 3 % never start.
 *
 * VOLUMES (the manifest's "volumes": valid messages per youth-year of the
 * archive and per youth-year in care, a day in care being a day between a
 * JW305 and its JW307 of any of the youth's allocations)
 * - Real traffic, by an order-of-magnitude estimate for about 0.45 million
 *   youths in care: O(10^6) JW301/JW302 pairs and O(10^6) JW305 and JW307 a
 *   year, O(10^6-10^7) declaration lines, one JW323 per aanbieder per
 *   gemeente per month; some 10 million messages a year nationally: 15-25
 *   messages per youth-year in care.
 * - jw-gen, seed 1, 5 years: 1000 youths 22.7 per youth-year in care (5.3
 *   per youth-year), 48 000 youths (1.13 million valid messages, 374
 *   aanbieders) 20.3 (4.7); per youth-year in care 2.9 JW301, 1.5 JW305,
 *   1.3 JW307, 1.1 JW315, 0.4 JW317, 2.8 JW323 with about 5 lines each
 *   (13.6 lines), a retour for every heenbericht and a JW325 for every
 *   JW323. Before aanbieders grew with the region the
 *   JW323s stopped growing at 12 x 10 a month, and a 27 000-youth archive
 *   had 1.6 messages per youth-year.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsn/bsn.h"
#include "buf.h"
#include "region.h"
#include "rng.h"

#define NEVER INT32_MAX /* an open Einddatum, for comparisons */

/* ---- small tables ---------------------------------------------------- */

int jwg_type_number(int kind)
{
    static const int n[JWG_NTYPES] = {301, 305, 307, 315, 323, 302, 306, 308, 316, 317, 318, 319, 320, 325};
    return (kind >= 0 && kind < JWG_NTYPES) ? n[kind] : 0;
}

int jwg_type_code(int kind)
{
    static const int c[JWG_NTYPES] = {436, 438, 440, 446, 490, 437, 439, 441, 447, 486, 487, 488, 489, 491};
    return (kind >= 0 && kind < JWG_NTYPES) ? c[kind] : 0;
}

int jwg_retour_kind(int kind)
{
    switch (kind) {
    case JWG_301: return JWG_302;
    case JWG_305: return JWG_306;
    case JWG_307: return JWG_308;
    case JWG_315: return JWG_316;
    case JWG_317: return JWG_318;
    case JWG_319: return JWG_320;
    default: return -1;
    }
}

int jwg_sent_by_gemeente(int kind)
{
    switch (kind) {
    case JWG_301: case JWG_319: case JWG_325: /* heenberichten of the gemeente */
    case JWG_306: case JWG_308: case JWG_316: case JWG_318: /* its retours on the aanbieder's */
        return 1;
    default:
        return 0;
    }
}

const char *jwg_outcome_name(int out)
{
    static const char *const n[JWG_NOUT] = {
        "ongoing", "natural_end", "natural_end_open", "early_end", "provider_switch",
        "temporary_stop_restart", "temporary_stop_definitive", "voided", "never_started",
    };
    return (out >= 0 && out < JWG_NOUT) ? n[out] : "?";
}

const char *jwg_relation_name(int rel)
{
    static const char *const n[JWG_NREL] = {"first", "stacking", "doorstroom", "recidive",
                                            "hernieuwd", "other_segment"};
    return (rel >= 0 && rel < JWG_NREL) ? n[rel] : "?";
}

/* ---- world ------------------------------------------------------------ */

void jwg_world_init(jwg_world_t *w)
{
    memset(w, 0, sizeof *w);
}

void jwg_world_free(jwg_world_t *w)
{
    free(w->youth.v);
    free(w->alloc.v);
    free(w->ver.v);
    free(w->start_rec.v);
    free(w->stop_rec.v);
    free(w->vot.v);
    free(w->line.v);
    free(w->decl.v);
    free(w->decl_lines.v);
    free(w->msg.v);
    free(w->answer.v);
    free(w->traj_rel.v);
    free(w->traj_emitted.v);
    free(w->prov);
    free(w->pick_idx);
    free(w->pick_cum);
    jwg_world_init(w);
}

/* Append a zeroed element to vector VEC of world W; evaluates to its index
 * or -1 (and sets W->oom) when memory runs out. */
#define PUSH(W, VEC)                                                              \
    ((W)->oom || jwg_grow((void **)&(W)->VEC.v, &(W)->VEC.cap, (W)->VEC.n + 1,    \
                          sizeof *(W)->VEC.v)                                     \
         ? ((W)->oom = 1, (int32_t)-1)                                            \
         : (memset(&(W)->VEC.v[(W)->VEC.n], 0, sizeof *(W)->VEC.v),               \
            (int32_t)(W)->VEC.n++))

/* ---- dates ------------------------------------------------------------ */

static jw_date_t weekday_on_or_after(jw_date_t d)
{
    int wd = jw_date_weekday(d);
    if (wd == 5) return d + 2;
    if (wd == 6) return d + 1;
    return d;
}

static jw_date_t add_workdays(jw_date_t d, int n)
{
    d = weekday_on_or_after(d);
    while (n-- > 0) d = weekday_on_or_after(d + 1);
    return d;
}

static jw_date_t dmax(jw_date_t a, jw_date_t b) { return a > b ? a : b; }
static jw_date_t dmin(jw_date_t a, jw_date_t b) { return a < b ? a : b; }
static jw_date_t eind_or_never(jw_date_t e) { return e == JW_DATE_NONE ? NEVER : e; }

/* Working days between an event and the message that reports it: most
 * within the 5 days of OP271/OP272, a tail much later (IND-23). */
static int report_delay(jwg_rng_t *r)
{
    int k = jwg_rng_range(r, 0, 99);
    if (k < 80) {
        static const int w[6] = {10, 30, 25, 15, 12, 8};
        return jwg_rng_weighted(r, w, 6);
    }
    if (k < 95) return jwg_rng_range(r, 6, 15);
    return jwg_rng_range(r, 16, 40);
}

static int32_t office_time(jwg_rng_t *r)
{
    return jwg_rng_range(r, 8 * 3600, 17 * 3600 + 59 * 60 + 59);
}

/* Make (dag, *tod) later than (pdag, ptod) when both fall on one day. */
static void after(jwg_rng_t *r, jw_date_t dag, int32_t *tod, jw_date_t pdag, int32_t ptod)
{
    if (dag != pdag || *tod > ptod) return;
    int32_t t = ptod + jwg_rng_range(r, 60, 1800);
    *tod = t > 86399 ? 86399 : t;
}

/* ---- records ---------------------------------------------------------- */

static int32_t new_msg(jwg_world_t *w, int kind, int32_t ref, jw_date_t dag, int32_t tod,
                       int sender, int receiver)
{
    int32_t i = PUSH(w, msg);
    if (i < 0) return -1;
    jwg_msg_t *m = &w->msg.v[i];
    m->kind = (uint8_t)kind;
    m->ref = ref;
    m->dag = dag;
    m->tod = tod;
    m->serial = i;
    m->sender = (int16_t)sender;
    m->receiver = (int16_t)receiver;
    return i;
}

static int64_t aspecifiek_budget(const jwg_world_t *w, const jwg_alloc_t *a, jw_date_t eind)
{
    /* Room for the weekly hours over the whole period at the tariff of the
     * last year, plus 25 %: a budget the declarations never exceed. */
    int64_t weeks = (eind - a->ingang + 7) / 7;
    int64_t t = jwg_tarief(&w->prov[a->provider], a->product, eind);
    int64_t b = t * a->volume * weeks * 125 / 100;
    b = (b + 99) / 100 * 100;
    if (b > 99999999) b = 99999999;
    return b;
}

/* Add a JW301 version to allocation ai, dated on or after tdate, strictly
 * after the previous version. Returns the version index or -1. */
static int32_t add_version(jwg_world_t *w, jwg_rng_t *r, int32_t ai, jw_date_t tdate, int reden,
                           jw_date_t eind)
{
    jwg_alloc_t *a = &w->alloc.v[ai];
    if (a->nver >= JWG_MAX_VERSIONS) return -1;
    int32_t ttime = office_time(r);
    tdate = weekday_on_or_after(tdate);
    if (a->nver > 0) {
        const jwg_version_t *pv = &w->ver.v[a->ver[a->nver - 1]];
        if (tdate < pv->tdate) tdate = pv->tdate;
        if (tdate == pv->tdate && ttime <= pv->ttime) {
            if (pv->ttime >= 86000) {
                tdate = add_workdays(tdate + 1, 0);
            } else {
                ttime = pv->ttime + jwg_rng_range(r, 60, 86399 - pv->ttime < 1800 ? 86399 - pv->ttime : 1800);
            }
        }
    }
    int32_t vi = PUSH(w, ver);
    if (vi < 0) return -1;
    a = &w->alloc.v[ai];
    jwg_version_t *v = &w->ver.v[vi];
    v->alloc = ai;
    v->tdate = tdate;
    v->ttime = ttime;
    v->eind = eind;
    v->reden = (int8_t)reden;
    v->volume = a->volume;
    if (a->freq == 6) {
        /* the total hours of the period: the weekly hours over its weeks;
         * an extension adds the weeks it adds, anything else keeps it */
        if (a->nver == 0) {
            v->volume = a->volume * (int32_t)((eind - a->ingang + 7) / 7);
        } else {
            const jwg_version_t *pv = &w->ver.v[a->ver[a->nver - 1]];
            v->volume = pv->volume;
            if (reden == 4 && pv->eind != JW_DATE_NONE && eind > pv->eind)
                v->volume += a->volume * (int32_t)((eind - pv->eind + 6) / 7);
        }
    }
    if (a->aspecifiek) {
        int64_t prev = a->nver ? w->ver.v[a->ver[a->nver - 1]].budget : 0;
        int64_t b = (eind != JW_DATE_NONE && reden != 13 && reden != 5 && reden != 9)
                        ? aspecifiek_budget(w, a, eind) : prev;
        v->budget = b > prev ? b : prev;
    }
    a->ver[a->nver++] = vi;
    int32_t mi = new_msg(w, JWG_301, vi, tdate, ttime, a->gemeente, a->provider);
    if (mi < 0) return -1;
    w->ver.v[vi].msg = mi;
    return vi;
}

static int32_t add_start(jwg_world_t *w, jwg_rng_t *r, int32_t ai, jw_date_t begin,
                         jw_date_t not_before, int32_t not_before_tod)
{
    jw_date_t dag = add_workdays(begin, report_delay(r));
    if (dag < not_before) dag = add_workdays(not_before, 0);
    int32_t tod = office_time(r);
    after(r, dag, &tod, not_before, not_before_tod);
    int32_t si = PUSH(w, start_rec);
    if (si < 0) return -1;
    jwg_start_t *s = &w->start_rec.v[si];
    s->alloc = ai;
    s->begin = begin;
    s->dag = dag;
    s->tod = tod;
    const jwg_alloc_t *a = &w->alloc.v[ai];
    int32_t mi = new_msg(w, JWG_305, si, dag, tod, a->provider, a->gemeente);
    if (mi < 0) return -1;
    w->start_rec.v[si].msg = mi;
    return si;
}

static int32_t add_stop(jwg_world_t *w, jwg_rng_t *r, int32_t ai, int32_t start, int reden,
                        jw_date_t eind, jw_date_t not_before, int32_t not_before_tod)
{
    jw_date_t dag = add_workdays(eind, report_delay(r));
    const jwg_start_t *s = &w->start_rec.v[start];
    if (dag < s->dag) dag = s->dag;
    if (dag < not_before) dag = add_workdays(not_before, 0);
    int32_t tod = office_time(r);
    after(r, dag, &tod, s->dag, s->tod);
    after(r, dag, &tod, not_before, not_before_tod);
    jw_date_t begin = s->begin;
    int32_t pi = PUSH(w, stop_rec);
    if (pi < 0) return -1;
    jwg_stop_t *p = &w->stop_rec.v[pi];
    p->alloc = ai;
    p->begin = begin;
    p->eind = eind;
    p->reden = (int8_t)reden;
    p->dag = dag;
    p->tod = tod;
    const jwg_alloc_t *a = &w->alloc.v[ai];
    int32_t mi = new_msg(w, JWG_307, pi, dag, tod, a->provider, a->gemeente);
    if (mi < 0) return -1;
    w->stop_rec.v[pi].msg = mi;
    return pi;
}

/* ---- choices ---------------------------------------------------------- */

static int age_on(jw_date_t birth, jw_date_t d)
{
    int by, bm, bd, y, m, dd;
    jw_date_to_ymd(birth, &by, &bm, &bd);
    jw_date_to_ymd(d, &y, &m, &dd);
    int age = y - by;
    if (m < bm || (m == bm && dd < bd)) age--;
    return age;
}

/* Jeugdwet care ends before 23; allocations of a youth end at least 120
 * days before the 23rd birthday so that every message (declarations come
 * a month or two later) still finds the youth 22 at most. */
static jw_date_t care_limit(const jwg_world_t *w, int32_t youth)
{
    return jw_date_add_months(w->youth.v[youth].birth, 12 * 23) - 120;
}

static const char *cat_of(int prod) { return jwg_products[prod].cat; }

static int pick_category(jwg_rng_t *r, int age)
{
    int wts[16];
    for (int i = 0; i < jwg_n_categories; i++) {
        const jwg_category_t *c = &jwg_categories[i];
        wts[i] = (age >= c->min_age && age <= c->max_age) ? c->weight : 0;
    }
    int i = jwg_rng_weighted(r, wts, jwg_n_categories);
    return i < 0 ? 0 : i;
}

/* A product of category cat not in the mask of blocked products; -1 when
 * every product of the category is blocked. */
static int pick_product(jwg_rng_t *r, const char *cat, uint32_t blocked)
{
    int wts[32], any = 0;
    for (int i = 0; i < jwg_n_products; i++) {
        wts[i] = (strcmp(jwg_products[i].cat, cat) == 0 && !(blocked >> i & 1u)) ? jwg_products[i].weight : 0;
        any |= wts[i] > 0;
    }
    return any ? jwg_rng_weighted(r, wts, jwg_n_products) : -1;
}

/* Products the youth already holds a (non-void) allocation for that still
 * runs on day t: a new allocation of those would overlap (OP259). */
static uint32_t blocked_products(const jwg_world_t *w, int32_t youth, jw_date_t t)
{
    uint32_t mask = 0;
    for (size_t i = (size_t)w->youth.v[youth].first_alloc; i < w->alloc.n; i++) {
        const jwg_alloc_t *a = &w->alloc.v[i];
        if (a->youth != youth || a->outcome == JWG_OUT_VOIDED || a->nver == 0) continue;
        jw_date_t e = w->ver.v[a->ver[a->nver - 1]].eind;
        if (e != JW_DATE_NONE && e < t) continue;
        mask |= 1u << a->product;
        if (a->aspecifiek) /* Categorie only: it covers the whole category */
            for (int k = 0; k < jwg_n_products; k++)
                if (!strcmp(jwg_products[k].cat, jwg_products[a->product].cat)) mask |= 1u << k;
    }
    return mask;
}

/* 1 when the youth holds an allocation of category cat running on day t
 * (an aspecifiek one would then overlap it at category level). */
static int category_running(const jwg_world_t *w, int32_t youth, const char *cat, jw_date_t t)
{
    uint32_t mask = blocked_products(w, youth, t);
    for (int k = 0; k < jwg_n_products; k++)
        if ((mask >> k & 1u) && !strcmp(jwg_products[k].cat, cat)) return 1;
    return 0;
}

static int offers(const jwg_world_t *w, int p, int prod)
{
    return (int)(w->prov[p].offer >> prod & 1u);
}

/* A provider offering prod, other than avoid, by weight; prefer keeps
 * `prefer` when it offers prod (half of the time). -1 when nobody else
 * offers it. One draw in [0, total weight without avoid) and a binary
 * search in the product's cumulative weights: the same choice as a weighted
 * draw over every provider, at a cost that does not grow with their number. */
static int pick_provider(const jwg_world_t *w, jwg_rng_t *r, int prod, int avoid, int prefer)
{
    if (prefer >= 0 && prefer != avoid && offers(w, prefer, prod) && jwg_rng_pct(r, 50))
        return prefer;
    const int32_t *idx = w->pick_idx + w->pick_off[prod];
    const int64_t *cum = w->pick_cum + w->pick_off[prod];
    int n = w->pick_n[prod];
    if (n == 0) return -1;
    int64_t total = cum[n - 1], skip_lo = 0, skip_w = 0;
    if (avoid >= 0 && offers(w, avoid, prod)) {
        int lo = 0, hi = n - 1;
        while (lo < hi) { /* idx is ascending: the position of avoid */
            int mid = (lo + hi) / 2;
            if (idx[mid] < avoid) lo = mid + 1;
            else hi = mid;
        }
        skip_lo = lo ? cum[lo - 1] : 0;
        skip_w = cum[lo] - skip_lo;
    }
    if (total - skip_w <= 0) return -1;
    int64_t x = jwg_rng_range(r, 0, (int)(total - skip_w - 1));
    if (skip_w && x >= skip_lo) x += skip_w;
    int lo = 0, hi = n - 1;
    while (lo < hi) { /* the first with cum > x */
        int mid = (lo + hi) / 2;
        if (cum[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return idx[lo];
}

static int cat_index(const char *cat)
{
    for (int c = 0; c < jwg_n_categories; c++)
        if (!strcmp(jwg_categories[c].cat, cat)) return c;
    return -1;
}

static uint32_t cat_products(const char *cat)
{
    uint32_t m = 0;
    for (int k = 0; k < jwg_n_products; k++)
        if (!strcmp(jwg_products[k].cat, cat)) m |= 1u << k;
    return m;
}

/* How many aanbieders the region has: about one per 30 youths in care at
 * a time, at least the fixed table. A youth of an archive of Y years is in
 * care for about 2.82 Y / (Y + 7.07) years of it (fitted to seed 1 with
 * 1000-2000 youths: 0.35 for one year, 0.85 for three, 1.17 for five; the
 * first years ramp up from an empty region), so youths x that / Y are in
 * care at a time on average. */
static double care_years(double y) { return 2.82 * y / (y + 7.07); }

static int aanbieders_for(int youths, int years, int history)
{
    double y = years > 0 ? years : 1;
    double in_care = (double)youths * (2.82 * y / (y + 7.07)) / y;
    if (history > 0) {
        /* youths arrive at one rate over history + period: the care inside
         * the period is that of the whole run less that of the history's
         * own years (the youths of the history that are still in care at
         * start are what the period gains) */
        double h = history, rate = (double)youths / y;
        in_care = rate * ((y + h) * care_years(y + h) - h * care_years(h)) / y;
    }
    double n = in_care / 30.0 + 0.5;
    if (n < jwg_n_providers) n = jwg_n_providers;
    if (n > JWG_MAX_AANBIEDERS) n = JWG_MAX_AANBIEDERS;
    return (int)n;
}

static int make_aanbieders(jwg_world_t *w)
{
    int n = aanbieders_for(w->youths, w->years, w->history);
    w->prov = calloc((size_t)n, sizeof *w->prov);
    w->pick_idx = calloc((size_t)n * (size_t)jwg_n_products, sizeof *w->pick_idx);
    w->pick_cum = calloc((size_t)n * (size_t)jwg_n_products, sizeof *w->pick_cum);
    if (!w->prov || !w->pick_idx || !w->pick_cum) return -1;
    w->nprov = n;
    jwg_aanbieders_make(w->prov, n);
    int32_t off = 0;
    for (int k = 0; k < jwg_n_products; k++) {
        int64_t cum = 0;
        w->pick_off[k] = off;
        for (int p = 0; p < n; p++) {
            if (!offers(w, p, k) || w->prov[p].weight <= 0) continue;
            cum += w->prov[p].weight;
            w->pick_idx[off] = p;
            w->pick_cum[off] = cum;
            off++;
        }
        w->pick_n[k] = off - w->pick_off[k];
    }
    for (int c = 0; c < jwg_n_categories; c++) {
        uint32_t m = cat_products(jwg_categories[c].cat);
        w->cat_prov[c] = 0;
        for (int p = 0; p < n; p++) w->cat_prov[c] += (w->prov[p].offer & m) != 0;
    }
    return 0;
}

/* ---- allocations and their lifecycle ---------------------------------- */

typedef struct {
    int32_t youth, traj;
    int prod, provider;
    jw_date_t decide;      /* when the request / decision happens */
    jw_date_t want_ingang; /* JW_DATE_NONE: decided here */
    int allow_vot;
    int32_t copy_vot;      /* corrected allocation: honour this VOT again */
} alloc_req_t;

/* Create the allocation, its optional VOT and its first JW301 version. */
static int32_t new_alloc(jwg_world_t *w, jwg_rng_t *r, const alloc_req_t *q)
{
    const jwg_product_t *p = &jwg_products[q->prod];
    const jwg_youth_t *y = &w->youth.v[q->youth];
    int32_t ai = PUSH(w, alloc);
    if (ai < 0) return -1;
    jwg_alloc_t *a = &w->alloc.v[ai];
    a->youth = q->youth;
    a->traj = q->traj;
    a->gemeente = y->gemeente;
    a->provider = (int16_t)q->provider;
    a->product = (int16_t)q->prod;
    a->vot = -1;
    a->replaces = -1;
    a->outcome_msg = -1;
    a->volume = jwg_rng_range(r, p->vol_min, p->vol_max);
    if (strcmp(p->cat, "45") == 0 && p->eenheid == 4 && jwg_rng_pct(r, 8) &&
        !category_running(w, q->youth, p->cat, q->want_ingang != JW_DATE_NONE ? q->want_ingang : q->decide)) {
        a->aspecifiek = 1;
        a->volume = jwg_rng_range(r, 1, 3);
    }
    int open = !a->aspecifiek && p->open_pct > 0 && jwg_rng_pct(r, p->open_pct);
    a->freq = (uint8_t)p->freq;
    {
        /* a third of the hourly allocations with a fixed period are a total
         * of hours within it (Frequentie 6), from 2021 (3.x) on */
        jw_date_t cs100;
        jw_date_from_ymd(2021, 1, 1, &cs100);
        int f6 = jwg_rng_pct(r, 35);
        if (!a->aspecifiek && p->eenheid == 4 && p->freq == 2 && q->decide >= cs100 && f6) a->freq = 6;
    }

    jw_date_t tdate;
    int32_t vi_vot = -1;
    if (q->copy_vot >= 0) {
        tdate = q->decide;
    } else if (q->allow_vot && jwg_rng_pct(r, p->vot_pct)) {
        vi_vot = PUSH(w, vot);
        if (vi_vot < 0) return -1;
        jw_date_t vdate = weekday_on_or_after(q->decide);
        static const int dw[11] = {8, 18, 18, 14, 11, 9, 7, 5, 4, 3, 3};
        tdate = add_workdays(vdate, jwg_rng_weighted(r, dw, 11));
        jwg_vot_t *v = &w->vot.v[vi_vot];
        v->alloc = ai;
        v->dag = vdate;
        v->tod = office_time(r);
        v->ingang = q->want_ingang != JW_DATE_NONE ? q->want_ingang : vdate + jwg_rng_range(r, 0, 14);
        /* COD327 shares: wijkteam/gemeente, huisarts, jeugdarts, GI,
         * medisch specialist, zelfverwijzer, rechter. */
        static const int tw[7] = {44, 30, 5, 6, 9, 4, 2};
        static const int tv[7] = {1, 2, 3, 4, 5, 6, 8};
        int t = tv[jwg_rng_weighted(r, tw, 7)];
        if (strcmp(p->cat, "48") == 0) t = jwg_rng_pct(r, 70) ? 4 : 8;
        v->vtype = (int8_t)t;
        if (t >= 2 && t <= 5) {
            if (jwg_rng_pct(r, 80)) {
                v->vkind = 1;
                if (t == 4) {
                    memcpy(v->vagb, "75750080", 9);
                } else {
                    static const char *const pre[4] = {"0102", "0103", "1000", "0300"};
                    int n = jwg_rng_range(r, 0, 39);
                    char tmp[32];
                    snprintf(tmp, sizeof tmp, "%s%02d%02d", pre[t - 2], a->gemeente % 100, n % 100);
                    memcpy(v->vagb, tmp, 8);
                    v->vagb[8] = '\0';
                }
            } else {
                v->vkind = 2;
            }
        }
        a->vot = vi_vot;
    } else {
        tdate = weekday_on_or_after(q->decide);
    }

    jw_date_t ingang;
    if (q->want_ingang != JW_DATE_NONE)
        ingang = q->want_ingang;
    else if (vi_vot >= 0)
        ingang = w->vot.v[vi_vot].ingang;
    else if (strcmp(p->cat, "46") == 0)
        ingang = tdate;
    else
        ingang = tdate + jwg_rng_range(r, 0, 14);
    tdate = weekday_on_or_after(tdate);
    if (ingang < tdate) ingang = tdate;
    a->ingang = ingang;

    jw_date_t eind = JW_DATE_NONE;
    jw_date_t limit = care_limit(w, q->youth);
    if (!open) eind = ingang + jwg_rng_range(r, p->dur_min, p->dur_max) - 1;
    if (eind != JW_DATE_NONE && eind > limit) eind = limit < ingang + 13 ? ingang + 13 : limit;

    if (vi_vot >= 0) {
        jwg_vot_t *v = &w->vot.v[vi_vot];
        v->eind = eind;
        if (a->aspecifiek) v->budget = aspecifiek_budget(w, a, eind);
        int32_t mi = new_msg(w, JWG_315, vi_vot, v->dag, v->tod, a->provider, a->gemeente);
        if (mi < 0) return -1;
        w->vot.v[vi_vot].msg = mi;
    }
    if (q->copy_vot >= 0) a->vot = q->copy_vot;

    int32_t vi = add_version(w, r, ai, tdate, 0, eind);
    if (vi < 0) return -1;
    if (vi_vot >= 0) {
        const jwg_vot_t *v = &w->vot.v[vi_vot];
        after(r, w->ver.v[vi].tdate, &w->ver.v[vi].ttime, v->dag, v->tod);
        w->msg.v[w->ver.v[vi].msg].tod = w->ver.v[vi].ttime;
    }
    w->ver.v[vi].with_ref = (uint8_t)(w->alloc.v[ai].vot >= 0);
    return ai;
}

static int ext_pct(const char *cat)
{
    if (!strcmp(cat, "48")) return 60;
    if (!strcmp(cat, "43") || !strcmp(cat, "44")) return 45;
    if (!strcmp(cat, "41")) return 40;
    if (!strcmp(cat, "46")) return 10;
    return 35;
}

static jw_date_t last_vdate(const jwg_world_t *w, const jwg_alloc_t *a)
{
    return w->ver.v[a->ver[a->nver - 1]].tdate;
}

static void set_outcome(jwg_world_t *w, int32_t ai, int out, int32_t msg)
{
    w->alloc.v[ai].outcome = (uint8_t)out;
    w->alloc.v[ai].outcome_msg = msg;
}

/* Close an open allocation (or shorten one) after a stop: JW301 05. */
static int shorten_after_stop(jwg_world_t *w, jwg_rng_t *r, int32_t ai, int32_t stop, jw_date_t eind,
                              int reden)
{
    const jwg_stop_t *s = &w->stop_rec.v[stop];
    jw_date_t d = add_workdays(s->dag, jwg_rng_range(r, 0, 8));
    int32_t vi = add_version(w, r, ai, d, reden, eind);
    if (vi < 0) return -1;
    jwg_version_t *v = &w->ver.v[vi];
    after(r, v->tdate, &v->ttime, s->dag, s->tod);
    w->msg.v[v->msg].tod = v->ttime;
    return vi;
}

/* Run the lifecycle of allocation ai; *end_out receives the last day of
 * the trajectory's allocation episode (following switches). */
static int lifecycle(jwg_world_t *w, jwg_rng_t *r, int32_t ai, int depth, jw_date_t *end_out)
{
    jwg_alloc_t *a = &w->alloc.v[ai];
    const jwg_product_t *p = &jwg_products[a->product];
    const jwg_version_t *v1 = &w->ver.v[a->ver[0]];
    jw_date_t tdate = v1->tdate, eind = v1->eind, ingang = a->ingang;
    int32_t ttime = v1->ttime;
    int open = eind == JW_DATE_NONE;

    /* Voided: a new version with 13 and Einddatum = Ingangsdatum, never
     * started, sometimes replaced by a corrected allocation. */
    if (jwg_rng_pct(r, 4)) {
        int32_t vi = add_version(w, r, ai, add_workdays(tdate, jwg_rng_range(r, 1, 8)), 13, ingang);
        if (vi < 0) return -1;
        set_outcome(w, ai, JWG_OUT_VOIDED, w->ver.v[vi].msg);
        *end_out = ingang;
        if (depth < 3 && jwg_rng_pct(r, 60)) {
            const jwg_alloc_t *old = &w->alloc.v[ai];
            alloc_req_t q = {old->youth, old->traj, old->product, old->provider,
                             w->ver.v[vi].tdate, ingang, 0, old->vot};
            if (jwg_rng_pct(r, 40)) {
                int alt = pick_product(r, cat_of(old->product), blocked_products(w, old->youth, ingang));
                if (alt >= 0 && offers(w, q.provider, alt)) q.prod = alt;
            }
            jw_date_t vdate = w->ver.v[vi].tdate;
            int32_t vtime = w->ver.v[vi].ttime;
            int32_t bi = new_alloc(w, r, &q);
            if (bi < 0) return -1;
            jwg_version_t *nv = &w->ver.v[w->alloc.v[bi].ver[0]];
            after(r, nv->tdate, &nv->ttime, vdate, vtime);
            w->msg.v[nv->msg].tod = nv->ttime;
            w->alloc.v[bi].replaces = ai;
            return lifecycle(w, r, bi, depth + 1, end_out);
        }
        return 0;
    }

    jw_date_t limit = care_limit(w, a->youth);
    jw_date_t planned = open ? ingang + jwg_rng_range(r, 180, 900) : eind;
    if (open && planned > limit) planned = limit < ingang + 60 ? ingang + 60 : limit;

    if (!open && jwg_rng_pct(r, 2)) {
        set_outcome(w, ai, JWG_OUT_NOSTART, w->ver.v[a->ver[0]].msg);
        *end_out = planned;
        return 0;
    }

    /* Wait from allocation to start: right-skewed within the product's
     * range (the smaller of two draws). */
    int w1 = jwg_rng_range(r, p->wait_min, p->wait_max);
    int w2 = jwg_rng_range(r, p->wait_min, p->wait_max);
    jw_date_t begin = dmax(ingang, tdate + (w1 < w2 ? w1 : w2));
    if (begin > planned - 14) begin = ingang;
    if (begin > planned) begin = planned;
    int32_t s0 = add_start(w, r, ai, begin, tdate, ttime);
    if (s0 < 0) return -1;
    a = &w->alloc.v[ai];
    a->ndeliv = 1;
    a->dfrom[0] = begin;
    a->dto[0] = planned;
    a->dstart[0] = s0;
    a->dstop[0] = -1;
    jw_date_t sdag = w->start_rec.v[s0].dag;

    /* Volume (Frequentie 6) or Budget raised on the aanbieder's request
     * (a JW317 before it, RedenWijziging 12), in the first half of the
     * period, before any extension. */
    if (!open && (w->alloc.v[ai].freq == 6 || w->alloc.v[ai].aspecifiek) && jwg_rng_pct(r, 45)) {
        int n = 1 + jwg_rng_pct(r, 25);
        jw_date_t lo = dmax(sdag, last_vdate(w, &w->alloc.v[ai])) + 14, hi = sdag + (eind - sdag) / 2;
        for (int i = 0; i < n && lo <= hi; i++) {
            jw_date_t d = jwg_rng_range(r, lo, hi);
            int32_t pct = jwg_rng_range(r, 110, 150);
            int32_t vi = add_version(w, r, ai, d, 12, eind);
            if (vi < 0) return -1;
            jwg_version_t *nv = &w->ver.v[vi];
            const jwg_version_t *pv = &w->ver.v[w->alloc.v[ai].ver[w->alloc.v[ai].nver - 2]];
            if (w->alloc.v[ai].aspecifiek) {
                int64_t b = (pv->budget * pct / 100 + 99) / 100 * 100;
                nv->budget = b > 99999999 ? 99999999 : b;
            } else {
                nv->volume = (pv->volume * pct + 99) / 100;
            }
            lo = nv->tdate + 14;
        }
    }

    /* Extensions (oprekken): before the old end, after the start. */
    jw_date_t cur_end = eind;
    if (!open && jwg_rng_pct(r, ext_pct(p->cat))) {
        int n = 1 + jwg_rng_pct(r, 40) + jwg_rng_pct(r, 20);
        for (int i = 0; i < n; i++) {
            jw_date_t ed = weekday_on_or_after(cur_end - jwg_rng_range(r, 7, 30));
            if (ed >= cur_end || ed <= dmax(last_vdate(w, &w->alloc.v[ai]), sdag)) break;
            jw_date_t ne = jw_date_add_months(cur_end, jwg_rng_range(r, 3, 12));
            if (ne > limit) ne = limit;
            if (ne <= cur_end + 30) break;
            if (add_version(w, r, ai, ed, 4, ne) < 0) return -1;
            cur_end = ne;
        }
        planned = cur_end;
        w->alloc.v[ai].dto[0] = planned;
    }

    /* The end of care. */
    int can_switch = depth < 3;
    if (can_switch) {
        /* another aanbieder offers something of the category */
        int c = cat_index(p->cat);
        int self = (w->prov[w->alloc.v[ai].provider].offer & cat_products(p->cat)) != 0;
        can_switch = c >= 0 && w->cat_prov[c] - self > 0;
    }
    static const int tw[4] = {62, 18, 10, 10};
    int term = jwg_rng_weighted(r, tw, 4);
    if (term == 2 && !can_switch) term = 0;
    jw_date_t lv = last_vdate(w, &w->alloc.v[ai]);

    if (term == 1) { /* early end */
        jw_date_t lo = dmax(begin + 14, lv + 1), hi = planned - 7;
        if (lo > hi) {
            term = 0;
        } else {
            jw_date_t x = jwg_rng_range(r, lo, hi);
            static const int rw[4] = {30, 15, 40, 15};
            static const int rv[4] = {32, 33, 34, 35};
            int reden = rv[jwg_rng_weighted(r, rw, 4)];
            int32_t st = add_stop(w, r, ai, s0, reden, x, lv, 0);
            if (st < 0) return -1;
            w->alloc.v[ai].dto[0] = x;
            w->alloc.v[ai].dstop[0] = st;
            if (shorten_after_stop(w, r, ai, st, x, 5) < 0) return -1;
            set_outcome(w, ai, JWG_OUT_EARLY, w->stop_rec.v[st].msg);
            *end_out = x;
            return 0;
        }
    }
    if (term == 2) { /* provider switch */
        jw_date_t lo = dmax(begin + 30, lv + 1), hi = planned - 30;
        if (lo > hi) {
            term = 0;
        } else {
            jw_date_t d = weekday_on_or_after(jwg_rng_range(r, lo, hi));
            jw_date_t s = d + jwg_rng_range(r, 7, 30);
            if (s > planned - 1) s = planned - 1;
            int32_t vi = add_version(w, r, ai, d, 9, s);
            if (vi < 0) return -1;
            int32_t st = add_stop(w, r, ai, s0, 38, s, w->ver.v[vi].tdate, w->ver.v[vi].ttime);
            if (st < 0) return -1;
            w->alloc.v[ai].dto[0] = s;
            w->alloc.v[ai].dstop[0] = st;
            set_outcome(w, ai, JWG_OUT_SWITCH, w->ver.v[vi].msg);

            const jwg_alloc_t *old = &w->alloc.v[ai];
            jw_date_t ni = s + 1 + jwg_rng_range(r, -14, 13);
            if (jwg_rng_pct(r, 60)) ni = s + 1 + jwg_rng_range(r, 0, 3);
            /* Same product with another provider when that does not overlap
             * the old allocation (OP259), else another product of the
             * segment; failing both, start the day after the old end. */
            int prod = -1, np = -1;
            for (int attempt = 0; attempt < 2 && np < 0; attempt++) {
                if (attempt == 1) ni = s + 1;
                uint32_t mask = blocked_products(w, old->youth, ni);
                if (!(mask >> old->product & 1u)) {
                    prod = old->product;
                    np = pick_provider(w, r, prod, old->provider, -1);
                }
                for (int tries = 0; tries < 8 && np < 0; tries++) {
                    prod = pick_product(r, cat_of(old->product), mask);
                    if (prod < 0) break;
                    np = pick_provider(w, r, prod, old->provider, -1);
                }
            }
            if (ni > limit - 60) np = -1; /* too close to 23: no new allocation */
            if (np < 0) { /* nobody else can take over: the care just ends */
                *end_out = s;
                return 0;
            }
            alloc_req_t q = {old->youth, old->traj, prod, np, d + jwg_rng_range(r, 0, 5), JW_DATE_NONE,
                             1, -1};
            jw_date_t dec = weekday_on_or_after(q.decide);
            if (ni < dec) ni = dec;
            q.want_ingang = ni;
            int32_t bi = new_alloc(w, r, &q);
            if (bi < 0) return -1;
            jwg_version_t *nv = &w->ver.v[w->alloc.v[bi].ver[0]];
            after(r, nv->tdate, &nv->ttime, w->ver.v[vi].tdate, w->ver.v[vi].ttime);
            w->msg.v[nv->msg].tod = nv->ttime;
            return lifecycle(w, r, bi, depth + 1, end_out);
        }
    }
    if (term == 3) { /* temporary stop */
        jw_date_t lo = dmax(begin + 14, lv + 1), hi = planned - 30;
        if (lo > hi) {
            term = 0;
        } else {
            jw_date_t t = jwg_rng_range(r, lo, hi);
            int32_t st = add_stop(w, r, ai, s0, 20, t, lv, 0);
            if (st < 0) return -1;
            w->alloc.v[ai].dto[0] = t;
            w->alloc.v[ai].dstop[0] = st;
            jw_date_t rs = t + jwg_rng_range(r, 7, 60);
            if (jwg_rng_pct(r, 60) && rs <= planned - 14) {
                int32_t s1 = add_start(w, r, ai, rs, w->stop_rec.v[st].dag, w->stop_rec.v[st].tod);
                if (s1 < 0) return -1;
                jwg_alloc_t *aa = &w->alloc.v[ai];
                aa->ndeliv = 2;
                aa->dfrom[1] = rs;
                aa->dto[1] = planned;
                aa->dstart[1] = s1;
                aa->dstop[1] = -1;
                int32_t st2 = add_stop(w, r, ai, s1, 31, planned, 0, 0);
                if (st2 < 0) return -1;
                w->alloc.v[ai].dstop[1] = st2;
                if (open && shorten_after_stop(w, r, ai, st2, planned, 5) < 0) return -1;
                set_outcome(w, ai, JWG_OUT_TEMP_RESTART, w->stop_rec.v[st2].msg);
                *end_out = planned;
                return 0;
            }
            jw_date_t z = t + jwg_rng_range(r, 0, 30);
            if (z > planned) z = planned;
            static const int rw[4] = {30, 25, 35, 10};
            static const int rv[4] = {31, 32, 34, 35};
            int reden = rv[jwg_rng_weighted(r, rw, 4)];
            const jwg_stop_t *ts = &w->stop_rec.v[st];
            int32_t st2 = add_stop(w, r, ai, s0, reden, z, ts->dag + 1, 0);
            if (st2 < 0) return -1;
            if ((open || z < cur_end) && shorten_after_stop(w, r, ai, st2, z, 5) < 0) return -1;
            set_outcome(w, ai, JWG_OUT_TEMP_DEFINITIVE, w->stop_rec.v[st2].msg);
            *end_out = z;
            return 0;
        }
    }
    /* natural end, sometimes at an earlier end the gemeente set after a
     * reassessment while care went on (intrekking, 05) */
    if (!open && jwg_rng_pct(r, 10)) {
        jw_date_t lo = dmax(dmax(sdag, lv) + 1, begin + 30), hi = planned - 45;
        if (lo <= hi) {
            jw_date_t d = jwg_rng_range(r, lo, hi);
            jw_date_t ne = jwg_rng_range(r, d + 14, planned - 14);
            int32_t vi = add_version(w, r, ai, d, 5, ne);
            if (vi < 0) return -1;
            w->ver.v[vi].intrekking = 1;
            planned = ne;
            w->alloc.v[ai].dto[0] = planned;
        }
    }
    int32_t st = add_stop(w, r, ai, s0, 31, planned, 0, 0);
    if (st < 0) return -1;
    w->alloc.v[ai].dstop[0] = st;
    if (open) {
        if (shorten_after_stop(w, r, ai, st, planned, 5) < 0) return -1;
        set_outcome(w, ai, JWG_OUT_NATURAL_OPEN, w->stop_rec.v[st].msg);
    } else {
        set_outcome(w, ai, JWG_OUT_NATURAL, w->stop_rec.v[st].msg);
    }
    *end_out = planned;
    return 0;
}

/* ---- youths and trajectories ------------------------------------------ */

typedef struct {
    int next_prefix;   /* 9999, 9998, ... */
    int next_suffix;   /* 0000 .. 9999 */
} bsn_seq_t;

static int next_bsn(bsn_seq_t *s, char out[10])
{
    while (s->next_prefix >= 1000) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "%04d%04d", s->next_prefix % 10000, s->next_suffix % 10000);
        if (++s->next_suffix > 9999) {
            s->next_suffix = 0;
            s->next_prefix--;
        }
        if (jw_bsn_complete(prefix, out) == 0 && strcmp(out, "000000000") != 0) return 0;
    }
    return -1;
}

static void make_youth(jwg_youth_t *y, jwg_rng_t *r, jw_date_t first)
{
    static const int aw[6] = {7, 15, 22, 30, 17, 9};
    static const int alo[6] = {0, 4, 8, 12, 16, 18};
    static const int ahi[6] = {3, 7, 11, 15, 17, 20};
    int band = jwg_rng_weighted(r, aw, 6);
    int age = jwg_rng_range(r, alo[band], ahi[band]);
    y->birth = jw_date_add_months(first, -12 * age) - jwg_rng_range(r, 0, 364);
    y->geslacht = (uint8_t)(jwg_rng_pct(r, 52) ? 1 : 2);
    y->voornaam = (int16_t)jwg_rng_range(r, 0, (y->geslacht == 1 ? jwg_n_names_m : jwg_n_names_f) - 1);
    y->surname = (int16_t)jwg_rng_range(r, 0, jwg_n_surnames - 1);
    y->ouder_geslacht = (uint8_t)(jwg_rng_pct(r, 70) ? 2 : 1);
    y->ouder_voornaam = (int16_t)jwg_rng_range(r, 0, (y->ouder_geslacht == 1 ? jwg_n_names_m : jwg_n_names_f) - 1);
    int gw[32];
    for (int i = 0; i < jwg_n_gemeenten; i++) gw[i] = jwg_gemeenten[i].weight;
    y->gemeente = (int16_t)jwg_rng_weighted(r, gw, jwg_n_gemeenten);
    const jwg_gemeente_t *g = &jwg_gemeenten[y->gemeente];
    y->street = (int16_t)jwg_rng_range(r, 0, jwg_n_streets - 1);
    y->huisnummer = (int16_t)jwg_rng_range(r, 1, 180);
    /* NL postcode letters: never SA, SD or SS, and F I O Q U Y are unused. */
    static const char L[] = "ABCEGHJKLMNPRTVWXZ";
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d%c%c", jwg_rng_range(r, g->pc_lo, g->pc_hi) % 10000, L[jwg_rng_range(r, 0, 17)],
             L[jwg_rng_range(r, 0, 17)]);
    memcpy(y->postcode, tmp, 7);
    snprintf(tmp, sizeof tmp, "06%08d", jwg_rng_range(r, 10000000, 99999999));
    memcpy(y->telefoon, tmp, 11);
}

static int gen_youth(jwg_world_t *w, int32_t yi, bsn_seq_t *bsn)
{
    jwg_rng_t rr, *r = &rr;
    jwg_rng_seed(r, w->seed, 1, (uint64_t)yi);
    /* the first youths arrive in the period; those of the history
     * (--history) after them, in [sim_start, start) */
    int period = w->end - w->start + 1;
    jw_date_t first = yi < w->youths ? w->start + jwg_rng_range(r, 0, period - 1)
                                     : w->sim_start + jwg_rng_range(r, 0, w->start - w->sim_start - 1);

    int32_t idx = PUSH(w, youth);
    if (idx < 0) return -1;
    jwg_youth_t *y = &w->youth.v[idx];
    if (next_bsn(bsn, y->bsn) < 0) return -1;
    make_youth(y, r, first);
    y->first_alloc = (int32_t)w->alloc.n;

    static const int nw[4] = {35, 30, 20, 15};
    int ntraj = 1 + jwg_rng_weighted(r, nw, 4);
    int prev_prod = -1, prev_provider = -1;
    jw_date_t prev_ingang = 0, prev_end = 0;
    for (int k = 0; k < ntraj; k++) {
        int rel = JWG_REL_FIRST;
        jw_date_t decide = first, want = JW_DATE_NONE;
        int prod;
        int age;
        if (k == 0) {
            age = age_on(w->youth.v[yi].birth, decide);
            prod = pick_product(r, jwg_categories[pick_category(r, age)].cat, 0);
        } else {
            int same = jwg_rng_pct(r, 60);
            static const int rw[4] = {10, 25, 35, 30};
            rel = JWG_REL_STACK + jwg_rng_weighted(r, rw, 4);
            if (rel == JWG_REL_STACK && (!same || prev_end - prev_ingang < 120)) rel = JWG_REL_DOOR;
            jw_date_t target;
            switch (rel) {
            case JWG_REL_STACK: target = prev_ingang + jwg_rng_range(r, 30, prev_end - prev_ingang - 60); break;
            case JWG_REL_DOOR: target = prev_end + 1 + jwg_rng_range(r, -14, 13); break;
            case JWG_REL_RECIDIVE: target = prev_end + jwg_rng_range(r, 15, 180); break;
            default: target = prev_end + jwg_rng_range(r, 181, 720); break;
            }
            age = age_on(w->youth.v[yi].birth, target);
            /* never a second allocation of a product the youth still holds
             * (OP259): a stacked or overlapping one takes another product */
            uint32_t mask = blocked_products(w, yi, target < w->sim_start ? w->sim_start : target);
            prod = -1;
            if (same) {
                for (int c = 0; c < jwg_n_categories; c++)
                    if (!strcmp(jwg_categories[c].cat, cat_of(prev_prod)) && age >= jwg_categories[c].min_age &&
                        age <= jwg_categories[c].max_age)
                        prod = !(mask >> prev_prod & 1u) && jwg_rng_pct(r, 50) ? prev_prod
                                                                              : pick_product(r, cat_of(prev_prod), mask);
            }
            if (prod < 0) {
                for (int tries = 0; tries < 8 && prod < 0; tries++)
                    prod = pick_product(r, jwg_categories[pick_category(r, age)].cat, mask);
                if (prod < 0) break;
            }
            int same_cat = !strcmp(cat_of(prod), cat_of(prev_prod));
            if (rel == JWG_REL_STACK || rel == JWG_REL_DOOR) {
                want = target;
                decide = target - jwg_rng_range(r, 0, 21);
            } else {
                decide = target;
            }
            if (!same_cat) rel = JWG_REL_OTHER;
        }
        if (age >= 22 || decide > w->end) break;
        if (decide < w->sim_start) decide = w->sim_start;
        if (want != JW_DATE_NONE && want < decide) want = decide;
        int provider = pick_provider(w, r, prod, -1, prev_provider);
        if (provider < 0) break;

        int32_t ti = PUSH(w, traj_rel);
        if (ti < 0 || PUSH(w, traj_emitted) < 0) return -1;
        w->traj_rel.v[ti] = (uint8_t)rel;

        alloc_req_t q = {yi, ti, prod, provider, decide, want, strcmp(cat_of(prod), "46") != 0, -1};
        int32_t ai = new_alloc(w, r, &q);
        if (ai < 0) return -1;
        jw_date_t end = 0;
        if (lifecycle(w, r, ai, 0, &end) < 0) return -1;
        const jwg_alloc_t *last = &w->alloc.v[w->alloc.n - 1];
        prev_prod = last->product;
        prev_provider = last->provider;
        prev_ingang = last->ingang;
        prev_end = end;
    }
    return 0;
}

/* ---- declarations ------------------------------------------------------ */

static jw_date_t month_next(jw_date_t m)
{
    return jw_date_month_last(m) + 1;
}

/* Dagtekening of the JW323 of (provider, gemeente) for DeclaratiePeriode m:
 * the provider's billing day in the next month, a little jitter, a
 * working day. Increasing in m, which the bucket search relies on. */
static jw_date_t decl_day(const jwg_world_t *w, int provider, int gemeente, jw_date_t m)
{
    jw_date_t base = month_next(m) + w->prov[provider].bill_day;
    uint64_t h = jwg_hash4(w->seed, 323, (uint64_t)(provider * 64 + gemeente), (uint64_t)(int64_t)m);
    return weekday_on_or_after(base + (jw_date_t)(h % 4));
}

/* First DeclaratiePeriode >= from whose JW323 is dated on/after avail;
 * JW_DATE_NONE when that JW323 would fall after the archive. */
static jw_date_t find_bucket(const jwg_world_t *w, int provider, int gemeente, jw_date_t from,
                             jw_date_t avail)
{
    jw_date_t m = jw_date_month_first(from);
    while (decl_day(w, provider, gemeente, m) < avail) m = month_next(m);
    return decl_day(w, provider, gemeente, m) > w->end ? JW_DATE_NONE : m;
}

static int32_t volume_for(const jwg_alloc_t *a, const jwg_product_t *p, jwg_rng_t *r, int days,
                          int pdays, int dim)
{
    int f = jwg_rng_range(r, 650, 1000);
    int64_t v;
    if (a->aspecifiek || p->eenheid == 4) {
        /* hours per week */
        v = (int64_t)a->volume * days * f / 7000;
        int64_t cap = (int64_t)a->volume * ((pdays + 6) / 7);
        if (v < 1) v = 1;
        if (v > cap) v = cap;
    } else if (p->eenheid == 16) {
        v = (int64_t)a->volume * days * f / ((int64_t)dim * 1000);
        if (v < 1) v = 1;
        if (v > a->volume) v = a->volume;
    } else if (p->eenheid == 14) {
        v = days < a->volume ? days : a->volume;
    } else {
        v = 1;
    }
    return (int32_t)v;
}

static int build_lines(jwg_world_t *w)
{
    jwg_rng_t rr, *r = &rr;
    jwg_rng_seed(r, w->seed, 2, 0);
    jw_date_t cs100;
    jw_date_from_ymd(2021, 1, 1, &cs100);

    for (size_t ai = 0; ai < w->alloc.n; ai++) {
        const jwg_alloc_t *a = &w->alloc.v[ai];
        if (a->outcome == JWG_OUT_VOIDED || a->ndeliv == 0) continue;
        const jwg_product_t *p = &jwg_products[a->product];
        jw_date_t final_eind = eind_or_never(w->ver.v[a->ver[a->nver - 1]].eind);
        jw_date_t dlast = a->dto[a->ndeliv - 1];
        int64_t spent = 0, spent_vol = 0;
        for (jw_date_t m = jw_date_month_first(a->dfrom[0]); m <= dlast; m = month_next(m)) {
            jw_date_t ml = jw_date_month_last(m);
            if (m > w->end) continue;
            jw_date_t pb = dmax(m, a->ingang), pe = dmin(ml, final_eind);
            if (pb > pe) continue;
            int days = 0;
            for (int i = 0; i < a->ndeliv; i++) {
                jw_date_t f = dmax(a->dfrom[i], pb), t = dmin(a->dto[i], pe);
                if (t >= f) days += t - f + 1;
            }
            if (days == 0) continue;
            int y, mo;
            jw_date_to_ymd(m, &y, &mo, NULL);
            int32_t vol = volume_for(a, p, r, days, pe - pb + 1, jw_date_days_in_month(y, mo));
            int64_t tarief = jwg_tarief(&w->prov[a->provider], a->product, m);
            if (a->aspecifiek) {
                int64_t budget = 0;
                for (int k = 0; k < a->nver; k++) {
                    const jwg_version_t *v = &w->ver.v[a->ver[k]];
                    budget = v->budget;
                    if (eind_or_never(v->eind) >= m) break;
                }
                int64_t left = budget - spent;
                if ((int64_t)vol * tarief > left) vol = (int32_t)(left > 0 ? left / tarief : 0);
                if (vol <= 0) continue;
            }
            if (a->freq == 6) {
                /* within the total hours of the version in force (TR322) */
                int64_t total = 0;
                for (int k = 0; k < a->nver; k++) {
                    const jwg_version_t *v = &w->ver.v[a->ver[k]];
                    total = v->volume;
                    if (eind_or_never(v->eind) >= m) break;
                }
                if (spent_vol + vol > total) vol = (int32_t)(total - spent_vol);
                if (vol <= 0) continue;
            }
            /* When is this line ready to be declared? */
            jw_date_t avail = ml + 1;
            for (int k = 1; k < a->nver; k++) {
                const jwg_version_t *pv = &w->ver.v[a->ver[k - 1]], *v = &w->ver.v[a->ver[k]];
                if (dmin(eind_or_never(pv->eind), eind_or_never(v->eind)) <= ml) avail = dmax(avail, v->tdate);
            }
            for (int i = 0; i < a->ndeliv; i++) {
                if (a->dfrom[i] > ml || a->dto[i] < m) continue;
                avail = dmax(avail, w->start_rec.v[a->dstart[i]].dag);
                if (a->dstop[i] >= 0 && w->stop_rec.v[a->dstop[i]].eind <= ml)
                    avail = dmax(avail, w->stop_rec.v[a->dstop[i]].dag);
            }
            jw_date_t bucket = find_bucket(w, a->provider, a->gemeente, m, avail);
            if (bucket == JW_DATE_NONE) continue;
            /* care before 2021 goes into a JW303, the last one for 2020-12 */
            if (m < cs100 && bucket >= cs100) bucket = jw_date_month_first(cs100 - 1);
            int32_t li = PUSH(w, line);
            if (li < 0) return -1;
            a = &w->alloc.v[ai];
            jwg_line_t *l = &w->line.v[li];
            l->alloc = (int32_t)ai;
            l->youth = a->youth;
            l->month = m;
            l->pbegin = pb;
            l->pend = pe;
            l->vol = vol;
            l->prod = a->product;
            l->tarief = tarief;
            l->bedrag = (int64_t)vol * tarief;
            l->dc = 'D';
            l->vorig = -1;
            l->credited_by = -1;
            l->avail = avail;
            l->bucket = bucket;
            l->decl = -1;
            spent += l->bedrag;
            spent_vol += vol;
        }
    }

    /* Credits, and corrected debits in the same later message. */
    jwg_rng_seed(r, w->seed, 3, 0);
    size_t n = w->line.n;
    for (size_t i = 0; i < n; i++) {
        if (!jwg_rng_permille(r, 25)) continue;
        const jwg_line_t *d = &w->line.v[i];
        const jwg_alloc_t *a = &w->alloc.v[d->alloc];
        jw_date_t dday = decl_day(w, a->provider, a->gemeente, d->bucket);
        jw_date_t avail = dday + jwg_rng_range(r, 15, 75);
        jw_date_t b = find_bucket(w, a->provider, a->gemeente, month_next(d->bucket), avail);
        int fix = jwg_rng_pct(r, 75);
        int cut = d->vol >= 2 ? jwg_rng_range(r, 1, d->vol / 4 > 1 ? d->vol / 4 : 1) : 0;
        if (b == JW_DATE_NONE) continue;
        if (d->month < cs100 && b >= cs100) continue; /* no JW303 after 2020 */
        int32_t ci = PUSH(w, line);
        if (ci < 0) return -1;
        jwg_line_t *c = &w->line.v[ci];
        *c = w->line.v[i];
        c->dc = 'C';
        c->vorig = (int32_t)i;
        c->avail = avail;
        c->bucket = b;
        w->line.v[i].credited_by = ci;
        w->credits++;
        if (fix && cut > 0) {
            int32_t fi = PUSH(w, line);
            if (fi < 0) return -1;
            jwg_line_t *f = &w->line.v[fi];
            *f = w->line.v[i];
            f->credited_by = -1;
            f->vol -= cut;
            f->bedrag = (int64_t)f->vol * f->tarief;
            f->corrected = 1;
            f->avail = avail;
            f->bucket = b;
            w->corrected_debits++;
        }
    }
    return 0;
}

static uint64_t ukey(int64_t v) { return (uint64_t)(v + ((int64_t)1 << 40)); }

static uint64_t when_key(jw_date_t d, int32_t tod) { return (ukey(d) << 20) | (uint64_t)tod; }

static int build_decls(jwg_world_t *w)
{
    jwg_rng_t rr, *r = &rr;
    jwg_rng_seed(r, w->seed, 4, 0);
    jwg_skey_t *keys = malloc((w->line.n ? w->line.n : 1) * sizeof *keys);
    if (!keys) return -1;
    for (size_t i = 0; i < w->line.n; i++) {
        const jwg_line_t *l = &w->line.v[i];
        const jwg_alloc_t *a = &w->alloc.v[l->alloc];
        /* (provider, gemeente, period), client, allocation, month, credit
         * before the re-debit of the same month */
        keys[i].k[0] = ((uint64_t)(uint16_t)a->provider << 16) | (uint64_t)(uint16_t)a->gemeente;
        keys[i].k[0] = (keys[i].k[0] << 32) | (uint64_t)(uint32_t)(l->bucket - w->start + (1 << 20));
        keys[i].k[1] = ((uint64_t)(uint32_t)l->youth << 32) | (uint32_t)l->alloc;
        keys[i].k[2] = (ukey(l->month) << 1) | (l->dc == 'C' ? 0u : 1u);
        keys[i].idx = (int32_t)i;
    }
    qsort(keys, w->line.n, sizeof *keys, jwg_skey_cmp);
    w->decl_lines.n = 0;
    for (size_t i = 0; i < w->line.n; i++) {
        int32_t k = PUSH(w, decl_lines);
        if (k < 0) {
            free(keys);
            return -1;
        }
        w->decl_lines.v[k] = keys[i].idx;
    }
    free(keys);
    size_t i = 0;
    while (i < w->decl_lines.n) {
        const jwg_line_t *l0 = &w->line.v[w->decl_lines.v[i]];
        const jwg_alloc_t *a0 = &w->alloc.v[l0->alloc];
        size_t j = i + 1;
        while (j < w->decl_lines.n) {
            const jwg_line_t *l = &w->line.v[w->decl_lines.v[j]];
            const jwg_alloc_t *a = &w->alloc.v[l->alloc];
            if (a->provider != a0->provider || a->gemeente != a0->gemeente || l->bucket != l0->bucket) break;
            j++;
        }
        int prov = a0->provider, gem = a0->gemeente;
        jw_date_t bucket = l0->bucket;
        int32_t di = PUSH(w, decl);
        if (di < 0) return -1;
        jwg_decl_t *d = &w->decl.v[di];
        d->provider = (int16_t)prov;
        d->gemeente = (int16_t)gem;
        d->month = bucket;
        d->dag = decl_day(w, prov, gem, bucket);
        d->tod = office_time(r);
        d->first = (int32_t)i;
        d->n = (int32_t)(j - i);
        int64_t tot = 0;
        for (size_t k = i; k < j; k++) {
            jwg_line_t *l = &w->line.v[w->decl_lines.v[k]];
            l->decl = di;
            tot += l->dc == 'C' ? -l->bedrag : l->bedrag;
        }
        w->decl.v[di].totaal = tot;
        int32_t mi = new_msg(w, JWG_323, di, w->decl.v[di].dag, w->decl.v[di].tod, prov, gem);
        if (mi < 0) return -1;
        w->decl.v[di].msg = mi;
        i = j;
    }
    return 0;
}

/* ---- answers: refused requests, JW317, JW319, JW325 and the retours ------
 *
 * Shares (per seed, from their own random stream so the rest of the world
 * does not change): 5 % of the requests were preceded by an earlier request
 * for the same care that the gemeente refused with a JW319 (reason 1-7,
 * 2-5 working days later); 8 % of the requests get a JW319 "in onderzoek"
 * before they are honoured; 30 % of the extensions (RedenWijziging 04 with
 * an Einddatum) and every raise of Volume or Budget (12) were asked for by
 * a JW317 5-15 days before (a raise's at least the day after the
 * Ingangsdatum), granted as asked; every JW323
 * gets a JW325 3-10 working days later, refusing 3 % of its plain debit
 * lines; every heenbericht gets a retour 1-3 working days later, 2.5 % of
 * them with an error code, after which the sender resends the same content
 * under a new identification 0-2 working days after the retour (that
 * resend is accepted). So a refused message never changes what the world
 * says, only which message says it. */

static int32_t new_answer(jwg_world_t *w, int32_t of, const char *code, int antwoord, int reden)
{
    int32_t i = PUSH(w, answer);
    if (i < 0) return -1;
    jwg_answer_t *a = &w->answer.v[i];
    a->of = of;
    snprintf(a->code, sizeof a->code, "%s", code ? code : "");
    a->antwoord = (int8_t)antwoord;
    a->reden = (int8_t)reden;
    return i;
}

/* Before numbering: refused earlier requests (they get request numbers). */
static int add_refused_requests(jwg_world_t *w)
{
    jwg_rng_t rr, *r = &rr;
    size_t n0 = w->vot.n;
    jwg_rng_seed(r, w->seed, 20, 0);
    for (size_t i = 0; i < n0; i++) {
        if (!jwg_rng_pct(r, 5)) continue;
        jwg_vot_t base = w->vot.v[i];
        const jwg_alloc_t *a = &w->alloc.v[base.alloc];
        int32_t vi = PUSH(w, vot);
        if (vi < 0) return -1;
        jwg_vot_t *v = &w->vot.v[vi];
        *v = base;
        v->refused = 1;
        v->dag = weekday_on_or_after(base.dag - jwg_rng_range(r, 20, 40));
        v->tod = office_time(r);
        v->msg = new_msg(w, JWG_315, vi, v->dag, v->tod, a->provider, a->gemeente);
        if (v->msg < 0) return -1;
        int32_t ai = new_answer(w, vi, NULL, 1, jwg_rng_range(r, 1, 7));
        if (ai < 0) return -1;
        if (new_msg(w, JWG_319, ai, add_workdays(v->dag, jwg_rng_range(r, 2, 5)), office_time(r),
                    a->gemeente, a->provider) < 0)
            return -1;
        w->requests_refused++;
    }
    return 0;
}

static int build_answers(jwg_world_t *w)
{
    jwg_rng_t rr, *r = &rr;
    jwg_rng_seed(r, w->seed, 21, 0);
    /* JW319 "in onderzoek" on requests that are honoured later */
    for (size_t i = 0; i < w->vot.n; i++) {
        const jwg_vot_t *v = &w->vot.v[i];
        if (v->refused || !jwg_rng_pct(r, 8)) continue;
        const jwg_alloc_t *a = &w->alloc.v[v->alloc];
        jw_date_t d = add_workdays(v->dag, 1);
        if (d >= w->ver.v[a->ver[0]].tdate) continue; /* honoured the next day already */
        int32_t ai = new_answer(w, (int32_t)i, NULL, 2, 0);
        if (ai < 0 || new_msg(w, JWG_319, ai, d, office_time(r), a->gemeente, a->provider) < 0) return -1;
        w->requests_onderzoek++;
    }
    /* JW317 before some extensions and every raise of Volume or Budget */
    for (size_t i = 0; i < w->ver.n; i++) {
        const jwg_version_t *v = &w->ver.v[i];
        if (v->eind == JW_DATE_NONE || (v->reden != 12 && (v->reden != 4 || !jwg_rng_pct(r, 30)))) continue;
        const jwg_alloc_t *a = &w->alloc.v[v->alloc];
        jw_date_t d = weekday_on_or_after(v->tdate - jwg_rng_range(r, 5, 15));
        /* a raise (12) always answers a request: at the latest the day
         * after the Ingangsdatum (raises come 14 days or more after it) */
        if (v->reden == 12 && d <= a->ingang) d = weekday_on_or_after(a->ingang + 1);
        if (d <= a->ingang || d >= v->tdate) continue;
        int32_t ai = new_answer(w, (int32_t)i, NULL, 0, 0);
        if (ai < 0 || new_msg(w, JWG_317, ai, d, office_time(r), a->provider, a->gemeente) < 0) return -1;
        w->vows++;
    }
    /* JW325 on every JW323, refusing some plain debit lines */
    for (size_t i = 0; i < w->decl.n; i++) {
        const jwg_decl_t *d = &w->decl.v[i];
        for (int32_t k = 0; k < d->n; k++) {
            jwg_line_t *l = &w->line.v[w->decl_lines.v[d->first + k]];
            if (l->dc != 'D' || l->credited_by >= 0 || l->corrected || !jwg_rng_pct(r, 3)) continue;
            static const char *const codes[4] = {"9307", "9308", "0611", "9341"};
            snprintf(l->rcode, sizeof l->rcode, "%s", codes[jwg_rng_range(r, 0, 3)]);
            w->lines_refused++;
        }
        int32_t ai = new_answer(w, (int32_t)i, NULL, 0, 0);
        if (ai < 0 || new_msg(w, JWG_325, ai, add_workdays(d->dag, jwg_rng_range(r, 3, 10)), office_time(r),
                              d->gemeente, d->provider) < 0)
            return -1;
    }
    /* a retour for every heenbericht (the resends included, never refused) */
    size_t n_orig = w->msg.n;
    for (size_t i = 0; i < w->msg.n; i++) {
        jwg_msg_t m = w->msg.v[i];
        int rk = jwg_retour_kind(m.kind);
        if (rk < 0) continue;
        const char *code = NULL;
        if (i < n_orig && jwg_rng_permille(r, 25)) {
            static const char *const by_kind[JWG_NTYPES] = {
                [JWG_301] = "9379", [JWG_305] = "9019", [JWG_307] = "9069",
                [JWG_315] = "9347", [JWG_317] = "9349", [JWG_319] = "9355"};
            code = jwg_rng_pct(r, 50) ? "0001" : by_kind[m.kind];
        }
        jw_date_t d = add_workdays(m.dag, jwg_rng_range(r, 1, 3));
        int32_t tod = office_time(r);
        int32_t ai = new_answer(w, (int32_t)i, code, 0, 0);
        if (ai < 0 || new_msg(w, rk, ai, d, tod, m.receiver, m.sender) < 0) return -1;
        if (code) {
            /* the sender resends the same content under a new identification */
            if (new_msg(w, m.kind, m.ref, add_workdays(d, jwg_rng_range(r, 0, 2)), tod + 600 > 86399 ? 86399 : tod + 600,
                        m.sender, m.receiver) < 0)
                return -1;
            w->refused_retours++;
            w->resends++;
        }
    }
    return 0;
}

/* ---- numbering ----------------------------------------------------------- */

static jwg_skey_t *sorted_keys(size_t n)
{
    return malloc((n ? n : 1) * sizeof(jwg_skey_t));
}

static int number_everything(jwg_world_t *w)
{
    int rc = -1;
    jwg_skey_t *ix = NULL;
    uint32_t counter = 0;

    ix = sorted_keys(w->alloc.n);
    if (!ix) goto out;
    for (size_t i = 0; i < w->alloc.n; i++) {
        const jwg_alloc_t *a = &w->alloc.v[i];
        const jwg_version_t *v = &w->ver.v[a->ver[0]];
        ix[i] = (jwg_skey_t){{(uint64_t)a->gemeente, when_key(v->tdate, v->ttime), 0}, (int32_t)i};
    }
    qsort(ix, w->alloc.n, sizeof *ix, jwg_skey_cmp);
    int gem = -1;
    for (size_t i = 0; i < w->alloc.n; i++) {
        jwg_alloc_t *a = &w->alloc.v[ix[i].idx];
        if (a->gemeente != gem) {
            gem = a->gemeente;
            counter = 0;
        }
        /* Six-digit numbers from 100001 up, per gemeente (LDT_Nummer). */
        a->nummer = 100000u + ++counter;
    }
    free(ix);

    ix = sorted_keys(w->vot.n);
    if (!ix) goto out;
    for (size_t i = 0; i < w->vot.n; i++) {
        const jwg_vot_t *v = &w->vot.v[i];
        ix[i] = (jwg_skey_t){{(uint64_t)w->alloc.v[v->alloc].provider, when_key(v->dag, v->tod), 0}, (int32_t)i};
    }
    qsort(ix, w->vot.n, sizeof *ix, jwg_skey_cmp);
    int prov = -1;
    for (size_t i = 0; i < w->vot.n; i++) {
        jwg_vot_t *v = &w->vot.v[ix[i].idx];
        int p = w->alloc.v[v->alloc].provider;
        if (p != prov) {
            prov = p;
            counter = 0;
        }
        v->ref = ++counter;
    }
    free(ix);

    ix = sorted_keys(w->decl.n);
    if (!ix) goto out;
    for (size_t i = 0; i < w->decl.n; i++) {
        const jwg_decl_t *d = &w->decl.v[i];
        ix[i] = (jwg_skey_t){{(uint64_t)d->provider, when_key(d->dag, d->tod), 0}, (int32_t)i};
    }
    qsort(ix, w->decl.n, sizeof *ix, jwg_skey_cmp);
    prov = -1;
    uint32_t refnr = 0;
    for (size_t i = 0; i < w->decl.n; i++) {
        jwg_decl_t *d = &w->decl.v[ix[i].idx];
        if (d->provider != prov) {
            prov = d->provider;
            counter = 0;
            refnr = 0;
        }
        d->nummer = ++counter;
        for (int32_t k = 0; k < d->n; k++) w->line.v[w->decl_lines.v[d->first + k]].refnr = ++refnr;
    }
    rc = 0;
out:
    free(ix);
    return rc;
}

/* ---- totals for the manifest --------------------------------------------- */

/* Set touched[a] for the allocation(s) message m is about: a JW323 or
 * JW325 is about every allocation it declares, a retour about its
 * heenbericht's. */
static void mark_allocs(const jwg_world_t *w, const jwg_msg_t *m, uint8_t *touched)
{
    const jwg_answer_t *an = m->kind >= JWG_NHEEN ? &w->answer.v[m->ref] : NULL;
    const jwg_decl_t *d = NULL;
    switch (m->kind) {
    case JWG_301: touched[w->ver.v[m->ref].alloc] = 1; return;
    case JWG_305: touched[w->start_rec.v[m->ref].alloc] = 1; return;
    case JWG_307: touched[w->stop_rec.v[m->ref].alloc] = 1; return;
    case JWG_315: touched[w->vot.v[m->ref].alloc] = 1; return;
    case JWG_317: touched[w->ver.v[an->of].alloc] = 1; return;
    case JWG_319: touched[w->vot.v[an->of].alloc] = 1; return;
    case JWG_323: d = &w->decl.v[m->ref]; break;
    case JWG_325: d = &w->decl.v[an->of]; break;
    default: mark_allocs(w, &w->msg.v[an->of], touched); return;
    }
    for (int32_t k = 0; k < d->n; k++) touched[w->line.v[w->decl_lines.v[d->first + k]].alloc] = 1;
}

static int count_emitted(jwg_world_t *w)
{
    /* A message exists when it is dated on or after sim_start and, for an
     * answer, what it answers exists too (bit 2); it is in the archive
     * when it exists and is dated in [start, end] (bit 1). Without
     * --history this is: an answer only when what it answers is in the
     * archive too. With it, an answer in the archive to a message from
     * before start is kept, as a real archive holds them. What an answer
     * answers always comes earlier in w->msg. */
    for (size_t i = 0; i < w->msg.n; i++) {
        jwg_msg_t *m = &w->msg.v[i];
        m->emitted = (uint8_t)(m->dag >= w->sim_start ? 2 : 0);
        if (m->kind >= JWG_NHEEN && m->kind != JWG_317 && m->emitted) {
            const jwg_answer_t *a = &w->answer.v[m->ref];
            int32_t of = m->kind == JWG_319 ? w->vot.v[a->of].msg
                         : m->kind == JWG_325 ? w->decl.v[a->of].msg : a->of;
            m->emitted = w->msg.v[of].emitted & 2;
        }
        if (m->emitted && m->dag >= w->start && m->dag <= w->end) m->emitted |= 1;
    }
    for (size_t i = 0; i < w->msg.n; i++) w->msg.v[i].emitted &= 1;

    /* allocations with any message in the archive; a youth is in the
     * archive when one of its allocations is */
    uint8_t *touched = calloc(w->alloc.n ? w->alloc.n : 1, 1);
    if (!touched) return -1;
    for (size_t i = 0; i < w->msg.n; i++)
        if (w->msg.v[i].emitted) mark_allocs(w, &w->msg.v[i], touched);
    memset(w->outcomes, 0, sizeof w->outcomes);
    memset(w->relations, 0, sizeof w->relations);
    w->allocations = w->voided = w->switches = w->extensions = w->aspecifiek = w->open_ended = 0;
    w->volume_changes = w->shortenings = w->freq6 = 0;
    w->with_vot = w->voided_corrected = w->allocations_before = 0;
    for (size_t i = 0; i < w->alloc.n; i++) {
        const jwg_alloc_t *a = &w->alloc.v[i];
        const jwg_version_t *v1 = &w->ver.v[a->ver[0]];
        if (touched[i]) w->youth.v[a->youth].emitted = 1;
        if (touched[i] && v1->tdate < w->start) w->allocations_before++;
        if (!w->msg.v[v1->msg].emitted) continue;
        w->allocations++;
        w->traj_emitted.v[a->traj] = 1;
        if (a->aspecifiek) w->aspecifiek++;
        if (a->replaces >= 0) w->voided_corrected++;
        if (v1->eind == JW_DATE_NONE) w->open_ended++;
        if (v1->with_ref && a->vot >= 0 && w->vot.v[a->vot].alloc == (int32_t)i) w->with_vot++;
        int ext = 0;
        for (int k = 1; k < a->nver; k++) {
            const jwg_version_t *v = &w->ver.v[a->ver[k]];
            if (!w->msg.v[v->msg].emitted) continue;
            if (v->reden == 13) w->voided++;
            if (v->reden == 9) w->switches++;
            if (v->reden == 4) ext = 1;
            if (v->reden == 12) w->volume_changes++;
            if (v->intrekking) w->shortenings++;
        }
        if (a->freq == 6) w->freq6++;
        w->extensions += ext;
        int out = a->outcome;
        if (a->outcome_msg < 0 || !w->msg.v[a->outcome_msg].emitted) out = JWG_OUT_NONE;
        w->outcomes[out]++;
    }
    free(touched);
    /* trajectories (and so the relations) with an allocation issued or
     * requested in the archive */
    for (size_t i = 0; i < w->vot.n; i++)
        if (w->msg.v[w->vot.v[i].msg].emitted) w->traj_emitted.v[w->alloc.v[w->vot.v[i].alloc].traj] = 1;
    w->trajectories = 0;
    for (size_t t = 0; t < w->traj_rel.n; t++)
        if (w->traj_emitted.v[t]) {
            w->trajectories++;
            w->relations[w->traj_rel.v[t]]++;
        }
    w->youths_emitted = 0;
    for (size_t y = 0; y < w->youth.n; y++) w->youths_emitted += w->youth.v[y].emitted;
    return 0;
}

/* Days in care: per youth the union of its allocations' delivery
 * intervals (JW305 .. JW307), clipped to the period. */
static void count_care(jwg_world_t *w)
{
    double total = 0;
    size_t ai = 0;
    w->in_care_at_start = 0;
    for (size_t y = 0; y < w->youth.n; y++) {
        jw_date_t f[64], t[64];
        int n = 0;
        for (; ai < w->alloc.n && w->alloc.v[ai].youth == (int32_t)y; ai++) {
            const jwg_alloc_t *a = &w->alloc.v[ai];
            for (int i = 0; i < a->ndeliv && n < 64; i++) {
                jw_date_t from = dmax(a->dfrom[i], w->start), to = dmin(a->dto[i], w->end);
                if (to < from) continue;
                int k = n++;
                for (; k > 0 && f[k - 1] > from; k--) f[k] = f[k - 1], t[k] = t[k - 1];
                f[k] = from;
                t[k] = to;
            }
        }
        for (int k = 0; k < n; k++)
            if (f[k] == w->start) { /* clipped: delivering on the first day */
                w->in_care_at_start++;
                break;
            }
        jw_date_t cf = 0, ct = -1;
        for (int k = 0; k < n; k++) {
            if (ct >= cf && f[k] <= ct + 1) {
                if (t[k] > ct) ct = t[k];
                continue;
            }
            if (ct >= cf) total += ct - cf + 1;
            cf = f[k];
            ct = t[k];
        }
        if (n && ct >= cf) total += ct - cf + 1;
    }
    w->care_days = total;
}

long jwg_history_youths(const jwg_world_t *w)
{
    if (w->history <= 0 || w->sim_start >= w->start) return 0;
    double hdays = w->start - w->sim_start, pdays = w->end - w->start + 1;
    return (long)((double)w->youths * hdays / pdays + 0.5);
}

int jwg_world_build(jwg_world_t *w)
{
    bsn_seq_t bsn = {9999, 0};
    if (w->history <= 0) w->sim_start = w->start;
    w->youths_history = (int)jwg_history_youths(w);
    if (make_aanbieders(w) < 0) return -1;
    for (int32_t i = 0; i < w->youths + w->youths_history; i++)
        if (gen_youth(w, i, &bsn) < 0 || w->oom) return -1;
    if (build_lines(w) < 0 || w->oom) return -1;
    if (build_decls(w) < 0 || w->oom) return -1;
    if (add_refused_requests(w) < 0 || w->oom) return -1;
    if (number_everything(w) < 0) return -1;
    if (build_answers(w) < 0 || w->oom) return -1;
    if (count_emitted(w) < 0) return -1;
    count_care(w);
    return 0;
}
