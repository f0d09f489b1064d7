/* deliver.c - delivery schedule (see deliver.h). */
#include "deliver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "region.h"
#include "rng.h"
#include "xmlout.h"

static uint64_t ukey(int64_t v) { return (uint64_t)(v + ((int64_t)1 << 40)); }

static uint64_t when_key(jw_date_t d, int32_t tod) { return (ukey(d) << 20) | (uint64_t)(tod < 0 ? 0 : tod); }

static jw_date_t weekday_on_or_after(jw_date_t d)
{
    int wd = jw_date_weekday(d);
    return wd == 5 ? d + 2 : wd == 6 ? d + 1 : d;
}

/* Whether a message can carry a mutation. */
static int fits(const jwg_world_t *w, const jwg_msg_t *m, int mut)
{
    if (m->kind >= JWG_NHEEN) return 0; /* answers are never broken on purpose */
    switch (mut) {
    case JWG_MUT_CS003: {
        if (m->kind != JWG_301) return 0;
        const jwg_version_t *v = &w->ver.v[m->ref];
        return v->eind != JW_DATE_NONE && v->reden != 13;
    }
    case JWG_MUT_TR358:
        return m->kind == JWG_323 && w->decl.v[m->ref].totaal >= 0;
    default:
        return 1;
    }
}

static int push(jwg_entry_t **v, size_t *n, size_t *cap, const jwg_entry_t *e)
{
    if (jwg_grow((void **)v, cap, *n + 1, sizeof **v)) return -1;
    (*v)[(*n)++] = *e;
    return 0;
}

int jwg_schedule_build(const jwg_world_t *w, const jwg_shares_t *sh, jwg_schedule_t *s)
{
    int rc = -1;
    jwg_entry_t *v = NULL;
    size_t n = 0, cap = 0;
    jwg_skey_t *keys = NULL;
    uint8_t *used = NULL;
    uint32_t *counters = NULL;
    jwg_rng_t rr, *r = &rr;
    memset(s, 0, sizeof *s);

    /* valid messages, some late */
    jwg_rng_seed(r, w->seed, 10, 0);
    for (size_t i = 0; i < w->msg.n; i++) {
        const jwg_msg_t *m = &w->msg.v[i];
        if (!m->emitted) continue;
        jwg_entry_t e = {(int32_t)i, JWG_ENTRY_VALID, 0, JWG_MUT_NONE, 0, m->dag, m->tod, -1, 0};
        if (jwg_rng_chance(r, sh->late_share)) {
            e.late = 1;
            e.dday = weekday_on_or_after(m->dag + jwg_rng_range(r, 7, 56));
            e.dtod = jwg_rng_range(r, 7 * 3600, 19 * 3600);
            s->late++;
        }
        if (push(&v, &n, &cap, &e)) goto out;
        s->valid++;
        s->per_type_valid[m->kind]++;
        int lg = jwg_legacy(w, m);
        s->per_release[lg ? 2 + lg : jwg_release(m->dag)]++;
    }
    size_t nvalid = n;

    /* broken extra messages */
    long ninvalid = lround(sh->invalid_share * (double)nvalid);
    used = calloc(nvalid ? nvalid : 1, 1);
    if (!used) goto out;
    jwg_rng_seed(r, w->seed, 11, 0);
    for (long k = 0; k < ninvalid && nvalid > 0; k++) {
        /* a third per layer; RULE split 40/30/30 over CS002/CS003/TR358;
         * the XSD third split over its three kinds */
        static const int mw[7] = {333, 111, 111, 111, 134, 100, 100};
        static const int mv[7] = {JWG_MUT_XML_TRUNCATED, JWG_MUT_XSD_MISSING, JWG_MUT_XSD_BADDATE,
                                  JWG_MUT_XSD_MISSPELLED, JWG_MUT_CS002, JWG_MUT_CS003, JWG_MUT_TR358};
        int mut = mv[jwg_rng_weighted(r, mw, 7)];
        /* random probes first (cheap), a scan when they all miss */
        int32_t oi = -1;
        for (int tries = 0; tries < 2000 && oi < 0; tries++) {
            int32_t i = jwg_rng_range(r, 0, (int)nvalid - 1);
            if (!used[i] && fits(w, &w->msg.v[v[i].msg], mut)) oi = i;
        }
        for (size_t i = 0; i < nvalid && oi < 0; i++)
            if (!used[i] && fits(w, &w->msg.v[v[i].msg], mut)) oi = (int32_t)i;
        if (oi < 0) {
            mut = JWG_MUT_CS002;
            for (size_t i = 0; i < nvalid && oi < 0; i++)
                if (!used[i] && fits(w, &w->msg.v[v[i].msg], mut)) oi = (int32_t)i;
        }
        if (oi < 0) break;
        used[oi] = 1;
        const jwg_msg_t *m = &w->msg.v[v[oi].msg];
        int32_t tod = m->tod - 1 - jwg_rng_range(r, 0, 1800);
        jwg_entry_t e = {v[oi].msg, JWG_ENTRY_INVALID, 0, (uint8_t)mut, 0, m->dag, tod < 0 ? 0 : tod, oi, 0};
        if (push(&v, &n, &cap, &e)) goto out;
        s->invalid++;
        s->invalid_by_mut[mut]++;
        s->per_type_files[m->kind]++;
    }

    /* BerichtIdentificatie: per (sender, kind) in creation order, the
     * broken message just before the valid one it precedes. With
     * --history the messages dated before start (not in the archive) are
     * numbered too (keys with idx >= n; their serial is their index in
     * w->msg): the archive's numbers continue theirs, and an answer in the
     * archive to one of them names that message's own number. */
    size_t npre = 0;
    if (w->history > 0)
        for (size_t i = 0; i < w->msg.n; i++) npre += w->msg.v[i].dag < w->start;
    keys = malloc((n + npre ? n + npre : 1) * sizeof *keys);
    size_t senders = (size_t)(w->nprov > jwg_n_gemeenten ? w->nprov : jwg_n_gemeenten);
    counters = calloc((size_t)JWG_NTYPES * senders, sizeof *counters);
    s->ident_of = calloc(w->msg.n ? w->msg.n : 1, sizeof *s->ident_of);
    if (!keys || !counters || !s->ident_of) goto out;
    for (size_t i = 0; i < n; i++) {
        const jwg_msg_t *m = &w->msg.v[v[i].msg];
        keys[i].k[0] = when_key(m->dag, m->tod);
        keys[i].k[1] = ((uint64_t)(uint32_t)m->serial << 1) | (v[i].what == JWG_ENTRY_INVALID ? 0u : 1u);
        keys[i].k[2] = 0;
        keys[i].idx = (int32_t)i;
    }
    for (size_t i = 0, k = n; i < w->msg.n && npre > 0; i++) {
        const jwg_msg_t *m = &w->msg.v[i];
        if (m->dag >= w->start) continue;
        keys[k].k[0] = when_key(m->dag, m->tod);
        keys[k].k[1] = ((uint64_t)(uint32_t)m->serial << 1) | 1u;
        keys[k].k[2] = 0;
        keys[k].idx = (int32_t)k;
        k++;
    }
    qsort(keys, n + npre, sizeof *keys, jwg_skey_cmp);
    for (size_t i = 0; i < n + npre; i++) {
        if ((size_t)keys[i].idx >= n) {
            /* a pre-start message: its serial is its index in w->msg */
            int32_t mi = (int32_t)(keys[i].k[1] >> 1);
            const jwg_msg_t *m = &w->msg.v[mi];
            s->ident_of[mi] = ++counters[(size_t)m->kind * senders + (size_t)m->sender];
            continue;
        }
        jwg_entry_t *e = &v[keys[i].idx];
        const jwg_msg_t *m = &w->msg.v[e->msg];
        e->ident = ++counters[(size_t)m->kind * senders + (size_t)m->sender];
    }
    for (size_t i = 0; i < n; i++)
        if (v[i].what == JWG_ENTRY_VALID) s->ident_of[v[i].msg] = v[i].ident;

    /* duplicates: exact copies delivered again 1-30 days later */
    jwg_rng_seed(r, w->seed, 12, 0);
    for (size_t i = 0; i < nvalid; i++) {
        if (!jwg_rng_chance(r, sh->duplicate_share)) continue;
        jwg_entry_t e = v[i];
        e.what = JWG_ENTRY_DUPLICATE;
        e.late = 0;
        e.original = (int32_t)i;
        e.dday = weekday_on_or_after(v[i].dday + jwg_rng_range(r, 1, 30));
        e.dtod = jwg_rng_range(r, 7 * 3600, 19 * 3600);
        if (push(&v, &n, &cap, &e)) goto out;
        s->duplicates++;
    }
    for (size_t i = 0; i < nvalid; i++) s->per_type_files[w->msg.v[v[i].msg].kind]++;
    for (size_t i = nvalid; i < n; i++)
        if (v[i].what == JWG_ENTRY_DUPLICATE) s->per_type_files[w->msg.v[v[i].msg].kind]++;

    /* delivery order */
    free(keys);
    keys = malloc((n ? n : 1) * sizeof *keys);
    if (!keys) goto out;
    for (size_t i = 0; i < n; i++) {
        keys[i].k[0] = when_key(v[i].dday, v[i].dtod);
        keys[i].k[1] = 0;
        keys[i].k[2] = 0;
        keys[i].idx = (int32_t)i;
    }
    qsort(keys, n, sizeof *keys, jwg_skey_cmp);
    /* original entry indices change with the reordering */
    int32_t *pos = malloc((n ? n : 1) * sizeof *pos);
    jwg_entry_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!pos || !sorted) {
        free(pos);
        free(sorted);
        goto out;
    }
    for (size_t i = 0; i < n; i++) pos[keys[i].idx] = (int32_t)i;
    for (size_t i = 0; i < n; i++) {
        sorted[i] = v[keys[i].idx];
        sorted[i].seq = (uint32_t)(i + 1);
        if (sorted[i].original >= 0) sorted[i].original = pos[sorted[i].original];
    }
    free(pos);
    free(v);
    v = sorted;
    s->v = v;
    s->n = n;
    v = NULL;
    rc = 0;
out:
    free(v);
    free(keys);
    free(used);
    free(counters);
    return rc;
}

void jwg_schedule_free(jwg_schedule_t *s)
{
    free(s->v);
    free(s->ident_of);
    memset(s, 0, sizeof *s);
}

void jwg_entry_name(const jwg_world_t *w, const jwg_schedule_t *s, const jwg_entry_t *e, char *out, size_t outlen)
{
    int width = 7;
    for (size_t t = s->n; t >= 10000000; t /= 10) width++;
    const jwg_msg_t *m = &w->msg.v[e->msg];
    char id[13];
    jwg_ident_format(m->kind, e->ident, id);
    snprintf(out, outlen, "%0*u-jw%03d-%s-%s.xml", width, (unsigned)e->seq, jwg_type_number(m->kind),
             jwg_msg_sender_code(w, m), id);
}
