/* manifest.c - manifest.json (see manifest.h). */
#include "manifest.h"

#include <stdio.h>
#include <string.h>

#include "xmlout.h"

static void jstr(jwg_buf_t *b, const char *s)
{
    jwg_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            jwg_buf_putc(b, '\\');
            jwg_buf_putc(b, (char)c);
        } else if (c < 0x20) {
            jwg_buf_printf(b, "\\u%04x", c);
        } else {
            jwg_buf_putc(b, (char)c);
        }
    }
    jwg_buf_putc(b, '"');
}

/* "key": value pairs inside one object; first controls the comma. */
static void key(jwg_buf_t *b, int indent, int *first, const char *k)
{
    jwg_buf_puts(b, *first ? "\n" : ",\n");
    *first = 0;
    for (int i = 0; i < indent; i++) jwg_buf_puts(b, "  ");
    jstr(b, k);
    jwg_buf_puts(b, ": ");
}

static void kv_long(jwg_buf_t *b, int indent, int *first, const char *k, long v)
{
    key(b, indent, first, k);
    jwg_buf_printf(b, "%ld", v);
}

static void kv_str(jwg_buf_t *b, int indent, int *first, const char *k, const char *v)
{
    key(b, indent, first, k);
    jstr(b, v);
}

static void kv_share(jwg_buf_t *b, int indent, int *first, const char *k, double v)
{
    key(b, indent, first, k);
    jwg_buf_printf(b, "%.6g", v);
}

static void kv_double(jwg_buf_t *b, int indent, int *first, const char *k, double v)
{
    key(b, indent, first, k);
    jwg_buf_printf(b, "%.2f", v);
}

static void close_obj(jwg_buf_t *b, int indent)
{
    jwg_buf_puts(b, "\n");
    for (int i = 0; i < indent; i++) jwg_buf_puts(b, "  ");
    jwg_buf_puts(b, "}");
}

void jwg_manifest_write(const jwg_world_t *w, const jwg_schedule_t *s, const jwg_manifest_opts_t *o, jwg_buf_t *b)
{
    char d1[11], d2[11], name[96], name2[96];
    int f = 1;
    jw_date_format(w->start, d1);
    jw_date_format(w->end, d2);
    jwg_buf_puts(b, "{");
    kv_str(b, 1, &f, "generator", "jw-gen");
    key(b, 1, &f, "seed");
    jwg_buf_printf(b, "%llu", (unsigned long long)w->seed);
    kv_long(b, 1, &f, "youths", w->youths);
    kv_long(b, 1, &f, "years", w->years);
    if (w->history > 0) kv_long(b, 1, &f, "history", w->history); /* absent for 0: the same bytes as before */
    kv_str(b, 1, &f, "start", d1);
    kv_str(b, 1, &f, "end", d2);
    kv_share(b, 1, &f, "invalid_share", o->invalid_share);
    kv_share(b, 1, &f, "duplicate_share", o->duplicate_share);
    kv_share(b, 1, &f, "late_share", o->late_share);
    kv_long(b, 1, &f, "files", (long)s->n);

    int g = 1;
    key(b, 1, &f, "totals");
    jwg_buf_puts(b, "{");
    kv_long(b, 2, &g, "files", (long)s->n);
    kv_long(b, 2, &g, "valid", s->valid);
    kv_long(b, 2, &g, "duplicates", s->duplicates);
    kv_long(b, 2, &g, "late", s->late);
    kv_long(b, 2, &g, "invalid", s->invalid);
    close_obj(b, 1);

    static const char *const tn[JWG_NTYPES] = {"JW301", "JW305", "JW307", "JW315", "JW323",
                                               "JW302", "JW306", "JW308", "JW316", "JW317",
                                               "JW318", "JW319", "JW320", "JW325"};
    g = 1;
    key(b, 1, &f, "messages");
    jwg_buf_puts(b, "{");
    for (int t = 0; t < JWG_NTYPES; t++) kv_long(b, 2, &g, tn[t], s->per_type_valid[t]);
    close_obj(b, 1);
    g = 1;
    key(b, 1, &f, "files_per_type");
    jwg_buf_puts(b, "{");
    for (int t = 0; t < JWG_NTYPES; t++) kv_long(b, 2, &g, tn[t], s->per_type_files[t]);
    close_obj(b, 1);
    /* volumes: valid messages (no duplicates, no broken ones) per
     * youth-year of the archive and per youth-year in care (a day in care:
     * some allocation of the youth delivering between its JW305 and JW307) */
    double yy = (double)w->youths * w->years, care = w->care_days / 365.25;
    g = 1;
    key(b, 1, &f, "volumes");
    jwg_buf_puts(b, "{");
    kv_long(b, 2, &g, "aanbieders", w->nprov);
    kv_double(b, 2, &g, "youth_years", yy);
    kv_double(b, 2, &g, "youth_years_in_care", care);
    kv_double(b, 2, &g, "messages_per_youth_year", yy > 0 ? (double)s->valid / yy : 0.0);
    kv_double(b, 2, &g, "messages_per_youth_year_in_care", care > 0 ? (double)s->valid / care : 0.0);
    close_obj(b, 1);
    g = 1;
    key(b, 1, &f, "releases");
    jwg_buf_puts(b, "{");
    kv_long(b, 2, &g, "3.0", s->per_release[0]);
    kv_long(b, 2, &g, "3.1", s->per_release[1]);
    kv_long(b, 2, &g, "3.2", s->per_release[2]);
    long legacy = s->per_release[3] + s->per_release[4] + s->per_release[5] + s->per_release[6];
    if (legacy) {
        kv_long(b, 2, &g, "2.1", s->per_release[3]);
        kv_long(b, 2, &g, "2.2", s->per_release[4]);
        kv_long(b, 2, &g, "2.3", s->per_release[5]);
        kv_long(b, 2, &g, "2.4", s->per_release[6]);
    }
    close_obj(b, 1);
    if (legacy)
        kv_str(b, 1, &f, "legacy",
               "Messages dated before 2021 are written as iJw 2.x in the structure jw reconstructed "
               "(2.2; 2.3 from 2019-04-01; 2.4 from 2020-03-30): JW301 with a Beschikking level and a "
               "Clienten list, JW305/JW307/JW315 with a Clienten list, and care up to December 2020 "
               "declared with JW303 (432, one declaration in four a factuur 450) and answered with JW304 "
               "(433/451); the JW303 for December 2020 may be dated January 2021, and a credit that "
               "would fall in a 2021 declaration is not made (no JW303 after 2020). Retours, JW317 and "
               "JW319 before 2021 are written in the 3.0 form. The series start from an empty region "
               "(trajectories start in the period), so the first year ramps up: that, not the 2.x/3.x "
               "change, is the rise from the first year to the next.");

    long layer_xml = s->invalid_by_mut[JWG_MUT_XML_TRUNCATED];
    long layer_xsd = s->invalid_by_mut[JWG_MUT_XSD_MISSING] + s->invalid_by_mut[JWG_MUT_XSD_BADDATE] +
                     s->invalid_by_mut[JWG_MUT_XSD_MISSPELLED];
    long layer_rule = s->invalid_by_mut[JWG_MUT_CS002] + s->invalid_by_mut[JWG_MUT_CS003] +
                      s->invalid_by_mut[JWG_MUT_TR358];
    g = 1;
    key(b, 1, &f, "invalid_layers");
    jwg_buf_puts(b, "{");
    kv_long(b, 2, &g, "XML", layer_xml);
    kv_long(b, 2, &g, "XSD", layer_xsd);
    kv_long(b, 2, &g, "RULE", layer_rule);
    close_obj(b, 1);
    g = 1;
    key(b, 1, &f, "invalid_rules");
    jwg_buf_puts(b, "{");
    kv_long(b, 2, &g, "XML", layer_xml);
    kv_long(b, 2, &g, "XSD", layer_xsd);
    kv_long(b, 2, &g, "CS002", s->invalid_by_mut[JWG_MUT_CS002]);
    kv_long(b, 2, &g, "CS003", s->invalid_by_mut[JWG_MUT_CS003]);
    kv_long(b, 2, &g, "TR358", s->invalid_by_mut[JWG_MUT_TR358]);
    close_obj(b, 1);

    long requests = 0, lines = 0;
    for (size_t i = 0; i < w->msg.n; i++)
        if (w->msg.v[i].emitted && w->msg.v[i].kind == JWG_315) requests++;
    for (size_t i = 0; i < w->decl.n; i++)
        if (w->msg.v[w->decl.v[i].msg].emitted) lines += w->decl.v[i].n;
    g = 1;
    key(b, 1, &f, "model");
    jwg_buf_puts(b, "{");
    kv_long(b, 2, &g, "youths", w->youths_emitted);
    if (w->history > 0) {
        kv_long(b, 2, &g, "youths_in_care_at_start", w->in_care_at_start);
        kv_long(b, 2, &g, "allocations_before_start", w->allocations_before);
    }
    kv_long(b, 2, &g, "trajectories", w->trajectories);
    kv_long(b, 2, &g, "allocations", w->allocations);
    kv_long(b, 2, &g, "voided_allocations", w->voided);
    kv_long(b, 2, &g, "voided_corrected", w->voided_corrected);
    kv_long(b, 2, &g, "provider_switches", w->switches);
    kv_long(b, 2, &g, "extensions", w->extensions);
    kv_long(b, 2, &g, "volume_or_budget_changes", w->volume_changes);
    kv_long(b, 2, &g, "shortenings", w->shortenings);
    kv_long(b, 2, &g, "frequentie_6", w->freq6);
    kv_long(b, 2, &g, "open_ended", w->open_ended);
    kv_long(b, 2, &g, "aspecifiek", w->aspecifiek);
    kv_long(b, 2, &g, "requests", requests);
    kv_long(b, 2, &g, "allocations_from_request", w->with_vot);
    kv_long(b, 2, &g, "declarations", s->per_type_valid[JWG_323]);
    kv_long(b, 2, &g, "declaration_lines", lines);
    kv_long(b, 2, &g, "credits", w->credits);
    kv_long(b, 2, &g, "corrected_debits", w->corrected_debits);
    close_obj(b, 1);

    /* answers in the archive: refused retours (each followed by a resend),
     * JW319 refusals and "in onderzoek", JW317 requests, refused lines */
    long r_refused = 0, a_refused = 0, a_onderzoek = 0, vows = 0, l_refused = 0;
    int64_t c_refused = 0;
    for (size_t i = 0; i < w->msg.n; i++) {
        const jwg_msg_t *m = &w->msg.v[i];
        if (!m->emitted || m->kind < JWG_NHEEN) continue;
        const jwg_answer_t *a = &w->answer.v[m->ref];
        if (m->kind == JWG_317) vows++;
        else if (m->kind == JWG_319) a_refused += a->antwoord == 1, a_onderzoek += a->antwoord == 2;
        else if (m->kind == JWG_325) {
            const jwg_decl_t *d = &w->decl.v[a->of];
            for (int32_t k = 0; k < d->n; k++) {
                const jwg_line_t *l = &w->line.v[w->decl_lines.v[d->first + k]];
                if (l->rcode[0]) l_refused++, c_refused += l->bedrag;
            }
        } else if (a->code[0]) r_refused++;
    }
    g = 1;
    key(b, 1, &f, "answers");
    jwg_buf_puts(b, "{");
    kv_long(b, 2, &g, "retours_refused", r_refused);
    kv_long(b, 2, &g, "requests_refused", a_refused);
    kv_long(b, 2, &g, "requests_in_onderzoek", a_onderzoek);
    kv_long(b, 2, &g, "change_requests", vows);
    kv_long(b, 2, &g, "lines_refused", l_refused);
    kv_long(b, 2, &g, "cents_refused", (long)c_refused);
    close_obj(b, 1);

    g = 1;
    key(b, 1, &f, "lifecycles");
    jwg_buf_puts(b, "{");
    for (int i = 0; i < JWG_NOUT; i++) kv_long(b, 2, &g, jwg_outcome_name(i), w->outcomes[i]);
    close_obj(b, 1);
    g = 1;
    key(b, 1, &f, "trajectory_relations");
    jwg_buf_puts(b, "{");
    for (int i = 0; i < JWG_NREL; i++) kv_long(b, 2, &g, jwg_relation_name(i), w->relations[i]);
    close_obj(b, 1);

    key(b, 1, &f, "invalid");
    jwg_buf_puts(b, "[");
    int first = 1;
    for (size_t i = 0; i < s->n; i++) {
        const jwg_entry_t *e = &s->v[i];
        if (e->what != JWG_ENTRY_INVALID) continue;
        jwg_entry_name(w, s, e, name, sizeof name);
        jwg_entry_name(w, s, &s->v[e->original], name2, sizeof name2);
        jwg_buf_puts(b, first ? "\n    {" : ",\n    {");
        first = 0;
        jwg_buf_puts(b, "\"file\": ");
        jstr(b, name);
        jwg_buf_puts(b, ", \"layer\": ");
        jstr(b, jwg_mut_layer(e->mut));
        jwg_buf_puts(b, ", \"rule\": ");
        jstr(b, jwg_mut_rule(e->mut));
        jwg_buf_puts(b, ", \"detail\": ");
        jstr(b, jwg_mut_detail(e->mut));
        jwg_buf_puts(b, ", \"valid_file\": ");
        jstr(b, name2);
        jwg_buf_puts(b, "}");
    }
    jwg_buf_puts(b, first ? "]" : "\n  ]");

    key(b, 1, &f, "duplicates");
    jwg_buf_puts(b, "[");
    first = 1;
    for (size_t i = 0; i < s->n; i++) {
        const jwg_entry_t *e = &s->v[i];
        if (e->what != JWG_ENTRY_DUPLICATE) continue;
        jwg_entry_name(w, s, e, name, sizeof name);
        jwg_entry_name(w, s, &s->v[e->original], name2, sizeof name2);
        jwg_buf_puts(b, first ? "\n    {" : ",\n    {");
        first = 0;
        jwg_buf_puts(b, "\"file\": ");
        jstr(b, name);
        jwg_buf_puts(b, ", \"original\": ");
        jstr(b, name2);
        jwg_buf_puts(b, "}");
    }
    jwg_buf_puts(b, first ? "]" : "\n  ]");

    key(b, 1, &f, "late");
    jwg_buf_puts(b, "[");
    first = 1;
    for (size_t i = 0; i < s->n; i++) {
        const jwg_entry_t *e = &s->v[i];
        if (e->what != JWG_ENTRY_VALID || !e->late) continue;
        jwg_entry_name(w, s, e, name, sizeof name);
        jwg_buf_puts(b, first ? "\n    " : ",\n    ");
        first = 0;
        jstr(b, name);
    }
    jwg_buf_puts(b, first ? "]" : "\n  ]");
    jwg_buf_puts(b, "\n}\n");
}
