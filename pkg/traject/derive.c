/* derive.c - a youth's facts -> the youth's events (SPEC §4).
 *
 * Pure: the result depends only on the facts and the profile, never on
 * the order in which the facts arrived. Rules, each from SPEC §3-4:
 * - an allocation is (gemeente, ToewijzingNummer); its latest version by
 *   (Toewijzingsdatum, Toewijzingstijd) wins; ties go to the version with
 *   the larger content hash, then the larger message identity, so equal
 *   timestamps still give one answer;
 * - RedenWijziging 13, and 01 with Einddatum = Ingangsdatum, void it;
 * - episodes are ordered by (Ingangsdatum, ToewijzingNummer, gemeente);
 *   P of A is the earlier episode in A's scope with the latest end (open
 *   end = latest; ties: the later one in that order);
 * - a delivery fact is keyed (gemeente, ToewijzingNummer, Product,
 *   Begindatum[, Einddatum, RedenBeeindiging]); the latest by message date
 *   (then message identity) wins; status 3 deletes.
 */
#include "traject/traject_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* Digests are worked out for every event of a youth on each
 * re-derivation, so they use SipHash-2-4 (libsodium's short hash) over
 * the binary body, not a hash of the JSON text. */
void traject_body_digest(const uint8_t *body, size_t len, uint8_t dig[8])
{
    /* SipHash with a fixed key: a digest, not a secret; the key only has
     * to be the same everywhere. */
    static const unsigned char key[crypto_shorthash_KEYBYTES] = "jw event digest";
    crypto_shorthash(dig, body, len, key);
}

void traject_scope_key(char kind, const char *a, int64_t tn, const char *ref, scope_key_t *k)
{
    memset(k, 0, sizeof *k); /* padding too: the tag hashes the bytes */
    k->kind = kind;
    if (a) memcpy(k->a, a, strnlen(a, sizeof k->a - 1));
    k->tn = tn;
    if (ref) memcpy(k->ref, ref, strnlen(ref, sizeof k->ref - 1));
}

void traject_scope_tag(char kind, const char *a, int64_t tn, const char *ref, uint8_t tag[8])
{
    scope_key_t k;
    traject_scope_key(kind, a, tn, ref, &k);
    traject_body_digest((const uint8_t *)&k, sizeof k, tag);
}

int traject_scope_has(const scope_t *sc, char kind, const char *a, int64_t tn, const char *ref)
{
    if (!sc || sc->all) return 1;
    if (kind == 'A') return sc->chain;
    for (size_t i = 0; i < sc->n; i++) {
        const scope_key_t *k = &sc->key[i];
        if (k->kind != kind || strncmp(k->a, a, sizeof k->a) != 0) continue;
        if (kind == 'D' ? k->tn == tn : strncmp(k->ref, ref, sizeof k->ref) == 0) return 1;
    }
    return 0;
}

/* ---- helpers ---- */

static int cmp_alloc_version(const void *a, const void *b)
{
    const rec_alloc_t *x = a, *y = b;
    int c = strcmp(x->gemeente, y->gemeente);
    if (c) return c;
    if (x->tn != y->tn) return x->tn < y->tn ? -1 : 1;
    if (x->toewijzingsdatum != y->toewijzingsdatum) return x->toewijzingsdatum < y->toewijzingsdatum ? -1 : 1;
    if (x->toewijzingstijd != y->toewijzingstijd) return x->toewijzingstijd < y->toewijzingstijd ? -1 : 1;
    c = memcmp(x->content, y->content, sizeof x->content);
    if (c) return c;
    return strcmp(x->msg, y->msg);
}

typedef struct {
    const rec_alloc_t *eff;      /* latest version */
    jw_date_t first_datum;       /* earliest Toewijzingsdatum (wait clock) */
    const char *referentie;      /* ReferentieAanbieder of any version */
    const char *segment;
    int void_;
    /* classification */
    int has_prev;
    size_t prev;                 /* index into episodes */
    int cls;
    int gap;                     /* valid when has_prev and prev not open */
    int continued;               /* a later doorstroom start has this as P */
} episode_t;

static int cmp_episode(const void *a, const void *b)
{
    const episode_t *x = a, *y = b;
    if (x->eff->ingang != y->eff->ingang) return x->eff->ingang < y->eff->ingang ? -1 : 1;
    if (x->eff->tn != y->eff->tn) return x->eff->tn < y->eff->tn ? -1 : 1;
    return strcmp(x->eff->gemeente, y->eff->gemeente);
}

static int64_t end_or_max(const rec_alloc_t *r)
{
    return r->eind == JW_DATE_NONE ? INT64_MAX : (int64_t)r->eind;
}

static void two_digits(int v, char buf[3])
{
    buf[0] = (char)('0' + (v / 10) % 10);
    buf[1] = (char)('0' + v % 10);
    buf[2] = '\0';
}

/* Finish the body in out->one and append it as an event. Its digest
 * (a keyed 64-bit hash of the binary body) is what a re-derivation
 * compares; the event id (a hash of the JSON text) is only worked out for
 * events that turn out to be new (apply.c). */
int traject_emit(derivation_t *out, jw_date_t date, const char *gemeente, const uint8_t tag[8])
{
    jw_event_w_t *j = &out->one;
    if (jw_event_w_finish(j)) return JW_TRAJECT_ENOMEM;
    if (out->n == out->cap) {
        size_t ncap = out->cap ? out->cap * 2 : 16;
        derived_t *ne = realloc(out->ev, ncap * sizeof *ne);
        if (!ne) return JW_TRAJECT_ENOMEM;
        out->ev = ne;
        out->cap = ncap;
    }
    derived_t *e = &out->ev[out->n++];
    memset(e, 0, sizeof *e);
    e->date = date;
    size_t gl = strnlen(gemeente, sizeof e->gemeente - 1); /* cut as snprintf did */
    memcpy(e->gemeente, gemeente, gl);
    e->gemeente[gl] = '\0';
    e->body_off = out->text.len;
    e->body_len = j->len;
    traject_body_digest(j->buf, j->len, e->dig);
    memcpy(e->tag, tag, 8);
    jw_event_w_raw(&out->text, j->buf, j->len);
    if (jw_event_w_finish(&out->text)) return JW_TRAJECT_ENOMEM;
    return 0;
}

/* The body of every event starts the same way. */
static void body_begin(derivation_t *out, const jw_profile_t *profile, const char *type,
                       const char *msg, const char *yid)
{
    jw_event_w_t *j = &out->one;
    jw_event_w_reset(j);
    jw_event_w_str(j, JW_EK_TYPE, type);
    jw_event_w_str(j, JW_EK_PROFILE, jw_profile_name(profile));
    jw_event_w_str(j, JW_EK_MSG, msg);
    jw_event_w_str(j, JW_EK_YID, yid);
}

/* "release":"2.N" on what the legacy path read (3.x events carry none, so
 * their ids are unchanged). */
static void legacy_field(jw_event_w_t *j, uint8_t legacy)
{
    char rel[4] = {'2', '.', (char)('0' + legacy % 10), '\0'};
    if (legacy) jw_event_w_str(j, JW_EK_RELEASE, rel);
}

static void alloc_fields(jw_event_w_t *j, const rec_alloc_t *r, const char *segment)
{
    legacy_field(j, r->legacy);
    jw_event_w_str(j, JW_EK_GEMEENTE, r->gemeente);
    jw_event_w_str(j, JW_EK_AANBIEDER, r->aanbieder);
    jw_event_w_int(j, JW_EK_TOEWIJZING, r->tn);
    jw_event_w_str(j, JW_EK_SEGMENT, segment);
    jw_event_w_str(j, JW_EK_CATEGORIE, r->categorie[0] ? r->categorie : NULL);
    jw_event_w_str(j, JW_EK_PRODUCT, r->code[0] ? r->code : NULL);
}

static void class_fields(jw_event_w_t *j, const episode_t *eps, const episode_t *a)
{
    jw_event_w_str(j, JW_EK_CLASS, jw_class_name((jw_class_t)a->cls));
    if (a->has_prev && eps[a->prev].eff->eind != JW_DATE_NONE) jw_event_w_int(j, JW_EK_GAP_DAYS, a->gap);
    else jw_event_w_null(j, JW_EK_GAP_DAYS);
    if (a->has_prev) {
        const rec_alloc_t *p = eps[a->prev].eff;
        jw_event_w_open(j, JW_EK_PREV);
        jw_event_w_str(j, JW_EK_GEMEENTE, p->gemeente);
        jw_event_w_int(j, JW_EK_TOEWIJZING, p->tn);
        jw_event_w_str(j, JW_EK_AANBIEDER, p->aanbieder);
        if (p->eind != JW_DATE_NONE) {
            jw_event_w_date(j, JW_EK_END, p->eind);
        } else {
            jw_event_w_null(j, JW_EK_END);
        }
        jw_event_w_close(j);
    } else {
        jw_event_w_null(j, JW_EK_PREV);
    }
}

/* ---- allocations -> episodes -> start/stop/transfer/recidive ---- */

static int derive_allocations(const jw_profile_t *profile, const char *yid,
                              rec_alloc_t *allocs, size_t n, const rec_request_t *reqs,
                              size_t n_reqs, const scope_t *want, derivation_t *out,
                              episode_t **eps_out, size_t *n_eps_out)
{
    episode_t *eps = NULL;
    size_t n_eps = 0;
    int rc = 0;

    *eps_out = NULL;
    *n_eps_out = 0;
    if (n == 0) return 0;
    qsort(allocs, n, sizeof *allocs, cmp_alloc_version);
    eps = calloc(n, sizeof *eps);
    if (!eps) return JW_TRAJECT_ENOMEM;

    for (size_t i = 0; i < n;) {
        size_t j = i;
        jw_date_t first = allocs[i].toewijzingsdatum;
        const char *ref = NULL;
        while (j < n && strcmp(allocs[j].gemeente, allocs[i].gemeente) == 0 &&
               allocs[j].tn == allocs[i].tn) {
            if (allocs[j].toewijzingsdatum < first) first = allocs[j].toewijzingsdatum;
            if (!ref && allocs[j].referentie[0]) ref = allocs[j].referentie;
            j++;
        }
        const rec_alloc_t *eff = &allocs[j - 1];
        int void_ = eff->reden == 13 || (eff->reden == 1 && eff->eind == eff->ingang);
        if (!void_) {
            episode_t *e = &eps[n_eps++];
            e->eff = eff;
            e->first_datum = first;
            e->referentie = ref;
            e->segment = jw_profile_segment(profile, eff->categorie, eff->code);
        }
        i = j;
    }
    qsort(eps, n_eps, sizeof *eps, cmp_episode);

    /* Classification: P = latest-ending earlier episode in scope (ties:
     * the later one in episode order). Kept as a running best per scope
     * (one for all care, or one per segment), which picks exactly the
     * episode a scan over all earlier episodes would, in O(n x segments)
     * instead of O(n^2): a youth with 40 000 allocations took seconds per
     * message. */
    int scope_all = jw_profile_scope_all(profile);
    struct {
        const char *segment;
        size_t best;
    } *scopes = calloc(n_eps ? n_eps : 1, sizeof *scopes);
    size_t n_scopes = 0;
    if (!scopes) {
        free(eps);
        return JW_TRAJECT_ENOMEM;
    }
    for (size_t a = 0; a < n_eps; a++) {
        episode_t *A = &eps[a];
        int found = 0;
        size_t best = 0, sc = 0;
        while (sc < n_scopes && !scope_all && strcmp(scopes[sc].segment, A->segment) != 0) sc++;
        if (sc < n_scopes) {
            found = 1;
            best = scopes[sc].best;
        }
        /* A is an earlier episode for every later one in its scope. */
        if (sc == n_scopes) {
            scopes[n_scopes].segment = A->segment;
            scopes[n_scopes++].best = a;
        } else if (end_or_max(A->eff) >= end_or_max(eps[scopes[sc].best].eff)) {
            scopes[sc].best = a;
        }
        A->has_prev = found;
        A->prev = best;
        int gap = 0;
        jw_date_t prev_end = found ? eps[best].eff->eind : JW_DATE_NONE;
        A->cls = (int)jw_profile_classify(profile, found, prev_end, A->eff->ingang, &gap);
        A->gap = gap;
        /* A P outside the profile's lookback makes the start instroom:
         * then it is not this start's previous episode either. */
        if (found && A->cls == JW_CLASS_INSTROOM) A->has_prev = 0;
        if (found && A->cls == JW_CLASS_DOORSTROOM) eps[best].continued = 1;
    }
    free(scopes);

    jw_class_t ret_class = jw_profile_return_class(profile);
    /* The episodes are always worked out (a delivery takes its segment and
     * wait clock from its allocation's); the chain's events only when the
     * chain is in scope. */
    uint8_t chain_tag[8];
    traject_scope_tag('A', NULL, 0, NULL, chain_tag);
    size_t n_emit = traject_scope_has(want, 'A', NULL, 0, NULL) ? n_eps : 0;
    for (size_t a = 0; a < n_emit && !rc; a++) {
        episode_t *A = &eps[a];
        const rec_alloc_t *r = A->eff;
        jw_event_w_t *j = &out->one;

        /* start */
        body_begin(out, profile, "start", r->msg, yid);
        alloc_fields(j, r, A->segment);
        jw_event_w_date(j, JW_EK_DATE, r->ingang);
        class_fields(j, eps, A);
        /* Request linked by ReferentieAanbieder (IND-14b). */
        /* The earliest (by dagtekening, then message) of the requests
         * with this (aanbieder, referentie): reqs is sorted by exactly
         * that (cmp_request), so it is the first of their run, found by
         * binary search (a scan per episode was O(episodes x requests)). */
        const rec_request_t *req = NULL;
        if (A->referentie) {
            size_t lo = 0, hi = n_reqs;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(reqs[mid].aanbieder, r->aanbieder);
                if (!c) c = strcmp(reqs[mid].referentie, A->referentie);
                if (c < 0) lo = mid + 1;
                else hi = mid;
            }
            if (lo < n_reqs && strcmp(reqs[lo].aanbieder, r->aanbieder) == 0 &&
                strcmp(reqs[lo].referentie, A->referentie) == 0)
                req = &reqs[lo];
        }
        if (req) {
            jw_event_w_date(j, JW_EK_REQUEST_DATE, req->dagtekening);
        } else {
            jw_event_w_null(j, JW_EK_REQUEST_DATE);
        }
        jw_event_w_date(j, JW_EK_TOEWIJZINGSDATUM, A->first_datum);
        if ((rc = traject_emit(out, r->ingang, r->gemeente, chain_tag))) break;

        /* recidive: the profile's return-to-care class */
        if (A->cls == (int)ret_class) {
            body_begin(out, profile, "recidive", r->msg, yid);
            alloc_fields(j, r, A->segment);
            jw_event_w_date(j, JW_EK_DATE, r->ingang);
            class_fields(j, eps, A);
            if ((rc = traject_emit(out, r->ingang, r->gemeente, chain_tag))) break;
        }

        /* transfer: doorstroom from another provider */
        if (A->has_prev && A->cls == JW_CLASS_DOORSTROOM &&
            strcmp(eps[A->prev].eff->aanbieder, r->aanbieder) != 0) {
            const rec_alloc_t *p = eps[A->prev].eff;
            body_begin(out, profile, "transfer", r->msg, yid);
            jw_event_w_str(j, JW_EK_GEMEENTE, r->gemeente);
            jw_event_w_str(j, JW_EK_FROM_AANBIEDER, p->aanbieder);
            jw_event_w_str(j, JW_EK_TO_AANBIEDER, r->aanbieder);
            jw_event_w_str(j, JW_EK_SEGMENT, A->segment);
            jw_event_w_int(j, JW_EK_TOEWIJZING, r->tn);
            jw_event_w_int(j, JW_EK_PREV_TOEWIJZING, p->tn);
            jw_event_w_date(j, JW_EK_DATE, r->ingang);
            if ((rc = traject_emit(out, r->ingang, r->gemeente, chain_tag))) break;
        }

        /* stop: planned or actual end, when known */
        if (r->eind != JW_DATE_NONE) {
            char rw[3];
            body_begin(out, profile, "stop", r->msg, yid);
            alloc_fields(j, r, A->segment);
            jw_event_w_date(j, JW_EK_START, r->ingang);
            jw_event_w_date(j, JW_EK_DATE, r->eind);
            if (r->reden != JW_NONE) {
                two_digits(r->reden, rw);
                jw_event_w_str(j, JW_EK_REASON, rw);
            } else {
                jw_event_w_null(j, JW_EK_REASON);
            }
            jw_event_w_int(j, JW_EK_DURATION_DAYS, (int64_t)r->eind - r->ingang + 1);
            jw_event_w_str(j, JW_EK_CLASS, jw_class_name((jw_class_t)A->cls));
            jw_event_w_bool(j, JW_EK_CONTINUED, A->continued);
            if ((rc = traject_emit(out, r->eind, r->gemeente, chain_tag))) break;
        }
    }
    if (rc) {
        free(eps);
        return rc;
    }
    *eps_out = eps;
    *n_eps_out = n_eps;
    return 0;
}

/* ---- deliveries ---- */

static int cmp_delivery(const void *a, const void *b)
{
    const rec_delivery_t *x = a, *y = b;
    int c;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    if ((c = strcmp(x->gemeente, y->gemeente))) return c;
    if (x->tn != y->tn) return x->tn < y->tn ? -1 : 1;
    if ((c = strcmp(x->categorie, y->categorie))) return c;
    if ((c = strcmp(x->code, y->code))) return c;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->kind == 307) {
        if (x->eind != y->eind) return x->eind < y->eind ? -1 : 1;
        if (x->reden != y->reden) return x->reden < y->reden ? -1 : 1;
    }
    if (x->dagtekening != y->dagtekening) return x->dagtekening < y->dagtekening ? -1 : 1;
    if ((c = strcmp(x->msg, y->msg))) return c;
    return x->status - y->status;
}

static int same_delivery_key(const rec_delivery_t *x, const rec_delivery_t *y)
{
    return x->kind == y->kind && strcmp(x->gemeente, y->gemeente) == 0 && x->tn == y->tn &&
           strcmp(x->categorie, y->categorie) == 0 && strcmp(x->code, y->code) == 0 &&
           x->begin == y->begin &&
           (x->kind != 307 || (x->eind == y->eind && x->reden == y->reden));
}

static int derive_deliveries(const jw_profile_t *profile, const char *yid,
                             rec_delivery_t *dels, size_t n, const episode_t *eps,
                             size_t n_eps, const scope_t *sc, derivation_t *out)
{
    uint8_t tag[8];
    char rb[3];
    int rc = 0;
    if (n == 0) return 0;
    qsort(dels, n, sizeof *dels, cmp_delivery);

    for (size_t i = 0; i < n && !rc;) {
        size_t j = i;
        while (j < n && same_delivery_key(&dels[i], &dels[j])) j++;
        const rec_delivery_t *r = &dels[j - 1]; /* latest fact wins */
        i = j;
        if (r->status != 1) continue;
        if (!traject_scope_has(sc, 'D', r->gemeente, r->tn, NULL)) continue;
        traject_scope_tag('D', r->gemeente, r->tn, NULL, tag);

        /* The allocation it belongs to, if known. */
        const episode_t *ep = NULL;
        for (size_t e = 0; e < n_eps; e++)
            if (eps[e].eff->tn == r->tn && strcmp(eps[e].eff->gemeente, r->gemeente) == 0)
                ep = &eps[e];
        const char *segment = ep ? ep->segment : jw_profile_segment(profile, r->categorie, r->code);
        jw_event_w_t *jj = &out->one;

        body_begin(out, profile, r->kind == 305 ? "delivery_start" : "delivery_stop", r->msg, yid);
        legacy_field(jj, r->legacy);
        jw_event_w_str(jj, JW_EK_GEMEENTE, r->gemeente);
        jw_event_w_str(jj, JW_EK_AANBIEDER, r->aanbieder);
        if (r->tn != JW_NONE) jw_event_w_int(jj, JW_EK_TOEWIJZING, r->tn);
        else jw_event_w_null(jj, JW_EK_TOEWIJZING);
        jw_event_w_str(jj, JW_EK_SEGMENT, segment);
        jw_event_w_str(jj, JW_EK_CATEGORIE, r->categorie[0] ? r->categorie : NULL);
        jw_event_w_str(jj, JW_EK_PRODUCT, r->code[0] ? r->code : NULL);
        /* msg_date: the Dagtekening of the message that reported it (IND-23
         * timeliness: sent within 5 working days of the date it reports). */
        jw_event_w_date(jj, JW_EK_MSG_DATE, r->dagtekening);
        if (r->kind == 305) {
            jw_event_w_date(jj, JW_EK_DATE, r->begin);
            /* wait_days only for the first live start of the allocation:
             * compared with the other *winning* facts only, so a start
             * deleted (status 3) or replaced by a later fact with the same
             * key no longer counts as an earlier start. */
            int first = ep != NULL;
            for (size_t k = 0; first && k < n; k++) {
                const rec_delivery_t *o = &dels[k];
                if (k + 1 < n && same_delivery_key(o, &dels[k + 1])) continue; /* superseded */
                if (o->kind == 305 && o->status == 1 && o->tn == r->tn &&
                    strcmp(o->gemeente, r->gemeente) == 0 && o->begin < r->begin)
                    first = 0;
            }
            if (first) jw_event_w_int(jj, JW_EK_WAIT_DAYS, (int64_t)r->begin - ep->first_datum);
            else jw_event_w_null(jj, JW_EK_WAIT_DAYS);
            rc = traject_emit(out, r->begin, r->gemeente, tag);
        } else {
            jw_event_w_date(jj, JW_EK_START, r->begin);
            jw_event_w_date(jj, JW_EK_DATE, r->eind);
            two_digits(r->reden, rb);
            jw_event_w_str(jj, JW_EK_REASON, rb);
            rc = traject_emit(out, r->eind, r->gemeente, tag);
        }
    }
    return rc;
}

/* ---- requests ---- */

static int cmp_request(const void *a, const void *b)
{
    const rec_request_t *x = a, *y = b;
    int c;
    if ((c = strcmp(x->aanbieder, y->aanbieder))) return c;
    if ((c = strcmp(x->referentie, y->referentie))) return c;
    if (x->dagtekening != y->dagtekening) return x->dagtekening < y->dagtekening ? -1 : 1;
    return strcmp(x->msg, y->msg);
}

static int derive_requests(const jw_profile_t *profile, const char *yid, rec_request_t *reqs,
                           size_t n, const scope_t *sc, derivation_t *out)
{
    char vw[3];
    uint8_t tag[8];
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i;
        while (j < n && strcmp(reqs[j].aanbieder, reqs[i].aanbieder) == 0 &&
               strcmp(reqs[j].referentie, reqs[i].referentie) == 0)
            j++;
        const rec_request_t *r = &reqs[j - 1];
        i = j;
        if (!traject_scope_has(sc, 'Q', r->aanbieder, 0, r->referentie)) continue;
        traject_scope_tag('Q', r->aanbieder, 0, r->referentie, tag);
        jw_event_w_t *jj = &out->one;
        body_begin(out, profile, "request", r->msg, yid);
        legacy_field(jj, r->legacy);
        jw_event_w_str(jj, JW_EK_GEMEENTE, r->gemeente);
        jw_event_w_str(jj, JW_EK_AANBIEDER, r->aanbieder);
        jw_event_w_str(jj, JW_EK_SEGMENT, jw_profile_segment(profile, r->categorie, r->code));
        jw_event_w_str(jj, JW_EK_CATEGORIE, r->categorie[0] ? r->categorie : NULL);
        jw_event_w_str(jj, JW_EK_PRODUCT, r->code[0] ? r->code : NULL);
        jw_event_w_date(jj, JW_EK_DATE, r->ingang);
        jw_event_w_date(jj, JW_EK_MSG_DATE, r->dagtekening);
        if (r->verwijzer != JW_NONE) {
            two_digits(r->verwijzer, vw);
            jw_event_w_str(jj, JW_EK_VERWIJZER, vw);
        } else {
            jw_event_w_null(jj, JW_EK_VERWIJZER);
        }
        rc = traject_emit(out, r->ingang, r->gemeente, tag);
    }
    return rc;
}

int traject_derive(const jw_profile_t *profile, const char *yid, const rec_alloc_t *allocs,
                   size_t n_allocs, const rec_delivery_t *dels, size_t n_dels,
                   const rec_request_t *reqs, size_t n_reqs, const scope_t *sc,
                   derivation_t *out)
{
    rec_alloc_t *a = NULL;
    rec_delivery_t *dl = NULL;
    rec_request_t *rq = NULL;
    episode_t *eps = NULL;
    size_t n_eps = 0;
    int rc = JW_TRAJECT_ENOMEM;

    out->n = 0;
    jw_event_w_reset(&out->text);
    /* Sorting needs writable copies; inputs stay untouched. */
    if (n_allocs && !(a = malloc(n_allocs * sizeof *a))) goto out;
    if (n_dels && !(dl = malloc(n_dels * sizeof *dl))) goto out;
    if (n_reqs && !(rq = malloc(n_reqs * sizeof *rq))) goto out;
    if (n_allocs) memcpy(a, allocs, n_allocs * sizeof *a);
    if (n_dels) memcpy(dl, dels, n_dels * sizeof *dl);
    if (n_reqs) memcpy(rq, reqs, n_reqs * sizeof *rq);
    if (n_reqs) qsort(rq, n_reqs, sizeof *rq, cmp_request);

    rc = derive_allocations(profile, yid, a, n_allocs, rq, n_reqs, sc, out, &eps, &n_eps);
    if (!rc) rc = derive_deliveries(profile, yid, dl, n_dels, eps, n_eps, sc, out);
    if (!rc) rc = derive_requests(profile, yid, rq, n_reqs, sc, out);
out:
    free(a);
    free(dl);
    free(rq);
    free(eps);
    return rc;
}
