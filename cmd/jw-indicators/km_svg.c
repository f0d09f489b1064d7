/* km_svg.c - the IND-26 survival curve on the dashboard: the Kaplan-Meier
 * estimate S(t) of the episodes that started in the selected period, as
 * a step function with its 95 % confidence band (dashed) and the median
 * line, next to IND-12 (docs/indicators.md, IND-26). */
#include "jwi.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define KW 720
#define KH 300
#define KL 56
#define KR 16
#define KT 24
#define KB 40

static void step_path(jw_json_t *o, const jw_ind_km_t *k, int which, double tmax, const char *attrs)
{
    double pw = KW - KL - KR, ph = KH - KT - KB;
#define X(t) (KL + pw * (double)(t) / tmax)
#define Y(s) (KT + ph * (1.0 - (s)))
    double prev = 1.0;
    jw_ind_textf(o, "<path fill=\"none\" %s d=\"M%.1f,%.1f", attrs, X(0), Y(1.0));
    for (size_t i = 0; i < k->n; i++) {
        const jw_ind_km_row_t *r = &k->rows[i];
        double v = which == 0 ? r->s : which == 1 ? r->lo : r->hi;
        jw_ind_textf(o, " H%.1f", X(r->t));
        if (v != prev) jw_ind_textf(o, " V%.1f", Y(v));
        prev = v;
    }
    jw_ind_textf(o, "\"/>\n");
#undef X
#undef Y
}

int jwi_html_km(jwi_t *app, jw_ind_period_t sel, int pub, int en, jw_json_t *o)
{
    jw_ind_km_t k;
    char per[16];
    int rc = jw_ind_km(app->ind, sel, JW_IND_BY_TOTAL, NULL, &k);
    if (rc) return rc;
    jw_ind_period_format(sel, per);
    jw_ind_textf(o, en ? "<h2>Duration with ongoing care (IND-26): survival of the episodes started in %s</h2>\n"
                       : "<h2>Duur incl. lopende zorg (IND-26): overleving, episodes gestart in %s</h2>\n",
                 per);
    int t = jw_profile_small_cells(app->profile);
    if (k.n == 0) {
        jw_ind_textf(o, "<p class=\"muted\">No episodes started in this period.</p>\n");
        goto out;
    }
    if (pub && t > 0 && ((k.episodes > 0 && k.episodes < t) || (k.ended > 0 && k.ended < t))) {
        jw_ind_textf(o, "<p class=\"muted\">Suppressed (fewer than %d episodes or ends).</p>\n", t);
        goto out;
    }
    double tmax = k.rows[k.n - 1].t;
    if (tmax < 1) tmax = 1;
    double pw = KW - KL - KR, ph = KH - KT - KB;
    jw_ind_textf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                    "role=\"img\" aria-label=\"survival curve\"><title>IND-26 Kaplan-Meier %s</title>\n",
                 KW, KH, KW, KH, per);
    for (int g = 0; g <= 4; g++) {
        double y = KT + ph * (1.0 - g / 4.0);
        jw_ind_textf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e2e2\"/>"
                        "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">%.2f</text>\n",
                     KL, KW - KR, y, y, KL - 6, y + 4, g / 4.0);
    }
    for (int g = 0; g <= 6; g++) {
        double x = KL + pw * g / 6.0;
        jw_ind_textf(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">%.0f</text>\n",
                     x, KH - KB + 16, tmax * g / 6.0);
    }
    jw_ind_textf(o, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">days</text>\n",
                 KW - KR, KH - 6);
    /* the median line S = 0.5 */
    jw_ind_textf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>\n",
                 KL, KW - KR, KT + ph * 0.5, KT + ph * 0.5);
    step_path(o, &k, 1, tmax, "class=\"ci\" stroke=\"#7aa5d6\" stroke-dasharray=\"5 3\" stroke-width=\"1\"");
    step_path(o, &k, 2, tmax, "class=\"ci\" stroke=\"#7aa5d6\" stroke-dasharray=\"5 3\" stroke-width=\"1\"");
    step_path(o, &k, 0, tmax, "class=\"series\" stroke=\"#0550ae\" stroke-width=\"2\"");
    /* censoring marks */
    for (size_t i = 0; i < k.n; i++)
        if (k.rows[i].censored)
            jw_ind_textf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" fill=\"#0550ae\">+"
                            "<title>%d days: %lld still in care</title></text>\n",
                         KL + pw * k.rows[i].t / tmax, KT + ph * (1.0 - k.rows[i].s) + 3, k.rows[i].t,
                         (long long)k.rows[i].censored);
    jw_ind_textf(o, "<text x=\"%d\" y=\"14\" font-size=\"12\" fill=\"#0550ae\">&#8212; S(t), share still in care "
                    "after t days; - - 95%% CI; + censored</text></svg>\n", KL);
    jw_ind_textf(o, "<p class=\"muted\">%lld episodes, %lld ended, %lld still in care at the data horizon. ",
                 (long long)k.episodes, (long long)k.ended, (long long)(k.episodes - k.ended));
    if (k.has_median) {
        char lo[24], hi[24];
        if (k.has_median_lo) snprintf(lo, sizeof lo, "%.0f", k.median_lo);
        else snprintf(lo, sizeof lo, "-");
        if (k.has_median_hi) snprintf(hi, sizeof hi, "%.0f", k.median_hi);
        else snprintf(hi, sizeof hi, "not reached");
        jw_ind_textf(o, "Median %.0f days (95%% CI %s to %s).", k.median, lo, hi);
    } else {
        jw_ind_textf(o, "Median not reached: more than half still in care.");
    }
    jw_ind_textf(o, "</p>\n");
out:
    jw_ind_km_free(&k);
    return 0;
}
