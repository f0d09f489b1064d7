/* dups.c - "occurs twice in the message" checks in O(n log n).
 *
 * The RULE layer's uniqueness rules (TR101, TR315, TR383, TR316) compared
 * every item with every earlier one: a 25 MB declaration holds ~50 000
 * lines, and n^2/2 string compares took seconds per message (a CPU budget
 * an attacker controls). Here the items' keys are sorted once instead; the
 * answer is the same: the first item, in document order, whose key an
 * earlier item already had.
 */
#include "ijw/ijw_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_key(const void *a, const void *b)
{
    const jw_ijw_dupkey_t *x = a, *y = b;
    int c = memcmp(x->key, y->key, sizeof x->key);
    if (c) return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

size_t jw_ijw_first_dup(jw_ijw_dupkey_t *keys, size_t n)
{
    size_t first = SIZE_MAX;
    if (n < 2) return first;
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t i = 1; i < n; i++)
        if (memcmp(keys[i].key, keys[i - 1].key, sizeof keys[i].key) == 0 && keys[i].idx < first)
            first = keys[i].idx; /* keys[i-1].idx < keys[i].idx: sorted by (key, idx) */
    return first;
}

int jw_ijw_dupkey_find(const jw_ijw_dupkey_t *sorted, size_t n, const char key[JW_IJW_DUPKEY])
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(sorted[mid].key, key, JW_IJW_DUPKEY);
        if (c == 0) return 1;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

void jw_ijw_dupkey_str(jw_ijw_dupkey_t *k, const char *s, size_t idx)
{
    memset(k->key, 0, sizeof k->key);
    size_t n = strnlen(s, sizeof k->key);
    memcpy(k->key, s, n < sizeof k->key ? n : sizeof k->key);
    k->idx = idx;
}

/* ---- per message type: the index of the first repeated key, SIZE_MAX
 * when none; JW_IJW_ENOMEM when the key array cannot be allocated. ---- */

static jw_ijw_dupkey_t *keys_new(size_t n)
{
    return malloc((n ? n : 1) * sizeof(jw_ijw_dupkey_t));
}

int jw_ijw_dups_301(const jw_ijw_msg_t *m, size_t *dup)
{
    jw_ijw_dupkey_t *k = keys_new(m->n_toewijzingen);
    if (!k) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_toewijzingen; i++) {
        memset(k[i].key, 0, sizeof k[i].key);
        memcpy(k[i].key, &m->toewijzingen[i].toewijzingnummer, sizeof(int64_t));
        k[i].idx = i;
    }
    *dup = jw_ijw_first_dup(k, m->n_toewijzingen);
    free(k);
    return 0;
}

int jw_ijw_dups_315(const jw_ijw_msg_t *m, size_t *dup)
{
    jw_ijw_dupkey_t *k = keys_new(m->n_verzoeken);
    if (!k) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_verzoeken; i++)
        jw_ijw_dupkey_str(&k[i], m->verzoeken[i].referentie_aanbieder, i);
    *dup = jw_ijw_first_dup(k, m->n_verzoeken);
    free(k);
    return 0;
}

/* The key of rules.c's same_levering_key: ToewijzingNummer, Begindatum,
 * Product, and for a stop also RedenBeeindiging and Einddatum. */
int jw_ijw_dups_30x(const jw_ijw_msg_t *m, int stop, size_t *dup)
{
    jw_ijw_dupkey_t *k = keys_new(m->n_leveringen);
    if (!k) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_leveringen; i++) {
        const jw_ijw_levering_t *l = &m->leveringen[i];
        char *p = k[i].key;
        memset(p, 0, sizeof k[i].key);
        memcpy(p, &l->toewijzingnummer, 8);
        memcpy(p + 8, &l->begindatum, 4);
        /* strings up to their NUL: what follows it is not compared */
        memcpy(p + 12, l->categorie, strnlen(l->categorie, sizeof l->categorie));
        memcpy(p + 15, l->code, strnlen(l->code, sizeof l->code));
        if (stop) {
            memcpy(p + 21, &l->reden_beeindiging, 4);
            memcpy(p + 25, &l->einddatum, 4);
        }
        k[i].idx = i;
    }
    *dup = jw_ijw_first_dup(k, m->n_leveringen);
    free(k);
    return 0;
}

/* ref: first repeated ReferentieNummer; vorig: first repeated non-empty
 * VorigReferentieNummer; credit: first credit line whose
 * VorigReferentieNummer is a ReferentieNummer of this message. */
int jw_ijw_dups_323(const jw_ijw_msg_t *m, size_t *ref, size_t *vorig, size_t *credit)
{
    size_t n = m->n_prestaties, nv = 0;
    jw_ijw_dupkey_t *k = keys_new(n), probe;
    if (!k) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (m->prestaties[i].vorig_referentienummer[0])
            jw_ijw_dupkey_str(&k[nv++], m->prestaties[i].vorig_referentienummer, i);
    *vorig = jw_ijw_first_dup(k, nv);
    for (size_t i = 0; i < n; i++) jw_ijw_dupkey_str(&k[i], m->prestaties[i].referentienummer, i);
    *ref = jw_ijw_first_dup(k, n); /* k is now sorted */
    *credit = SIZE_MAX;
    for (size_t i = 0; i < n && *credit == SIZE_MAX; i++) {
        if (m->prestaties[i].dc != 'C') continue;
        jw_ijw_dupkey_str(&probe, m->prestaties[i].vorig_referentienummer, i);
        if (jw_ijw_dupkey_find(k, n, probe.key)) *credit = i;
    }
    free(k);
    return 0;
}

/* ---- TR302/TR386/TR410: two items for the same product overlap ----
 *
 * "The same product" is not an equivalence: no Product (generiek) covers
 * every product, a Categorie without Code every code of the category. The
 * pairs that conflict are therefore: a generiek item with any item; within
 * a category, a category-level item with any item of it; within a
 * (Categorie, Code), any two items. Each of the three is a sweep over the
 * items sorted by begin date, keeping the latest end seen of all items and
 * of the wildcard ones: a pair that overlaps is found when its later-begun
 * item is reached (an earlier wildcard covers it, or it is a wildcard and
 * an earlier item reaches it). O(n log n) instead of n^2/2 compares. */

static int cmp_prod(const void *a, const void *b)
{
    const jw_ijw_product_t *x = a, *y = b;
    int c = strcmp(x->categorie, y->categorie);
    if (c) return c;
    if ((c = strcmp(x->code, y->code))) return c;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_begin(const void *a, const void *b)
{
    const jw_ijw_product_t *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* One sweep over p[0..n) (sorted by begin); level 0: every item is a
 * wildcard; 1: items without Code are; 2: items without Categorie are.
 * Lowers *best to the later document index of an overlapping pair. */
static void sweep(const jw_ijw_product_t *p, size_t n, int level, size_t *best)
{
    int64_t end_all = INT64_MIN, end_wild = INT64_MIN;
    size_t idx_all = 0, idx_wild = 0;
    for (size_t i = 0; i < n; i++) {
        int wild = level == 0 || (level == 1 ? !p[i].code[0] : !p[i].categorie[0]);
        int64_t e = p[i].end == JW_DATE_NONE ? INT64_MAX : (int64_t)p[i].end;
        size_t other = SIZE_MAX;
        if (wild && end_all >= p[i].begin) other = idx_all;
        else if (end_wild >= p[i].begin) other = idx_wild;
        if (other != SIZE_MAX) {
            size_t later = other > p[i].idx ? other : p[i].idx;
            if (later < *best) *best = later;
        }
        if (e > end_all) end_all = e, idx_all = p[i].idx;
        if (wild && e > end_wild) end_wild = e, idx_wild = p[i].idx;
    }
}

int jw_ijw_first_overlap(jw_ijw_product_t *p, size_t n, size_t *out)
{
    size_t best = SIZE_MAX;
    *out = best;
    if (n < 2) return 0;
    /* generiek items against everything */
    qsort(p, n, sizeof *p, cmp_begin);
    sweep(p, n, 2, &best);
    /* by (Categorie, Code, begin): category groups, then code groups */
    qsort(p, n, sizeof *p, cmp_prod);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(p[j].categorie, p[i].categorie) == 0) j++;
        if (p[i].categorie[0] && j - i > 1) {
            /* the category's items by begin: a copy keeps p's code order */
            jw_ijw_product_t *g = malloc((j - i) * sizeof *g);
            if (g) {
                memcpy(g, p + i, (j - i) * sizeof *g);
                qsort(g, j - i, sizeof *g, cmp_begin);
                sweep(g, j - i, 1, &best);
                free(g);
            } else {
                return JW_IJW_ENOMEM; /* never accept unchecked */
            }
            for (size_t k = i; k < j;) {
                size_t l = k;
                while (l < j && strcmp(p[l].code, p[k].code) == 0) l++;
                if (p[k].code[0] && l - k > 1) sweep(p + k, l - k, 0, &best);
                k = l;
            }
        }
        i = j;
    }
    *out = best;
    return 0;
}

/* TR416: the first debit line whose (Client, ToewijzingNummer, Product,
 * ProductPeriode) an earlier debit line of the message has. */
int jw_ijw_dups_416(const jw_ijw_msg_t *m, size_t *dup)
{
    size_t n = 0;
    jw_ijw_dupkey_t *k = keys_new(m->n_prestaties);
    if (!k) return JW_IJW_ENOMEM;
    for (size_t i = 0; i < m->n_prestaties; i++) {
        const jw_ijw_prestatie_t *q = &m->prestaties[i];
        if (q->dc != 'D') continue;
        char *p = k[n].key;
        uint32_t client = (uint32_t)q->client;
        memset(p, 0, sizeof k[n].key);
        memcpy(p, &client, 4);
        memcpy(p + 4, &q->toewijzingnummer, 8);
        memcpy(p + 12, &q->begindatum, 4);
        memcpy(p + 16, &q->einddatum, 4);
        memcpy(p + 20, q->categorie, strnlen(q->categorie, 3));
        memcpy(p + 23, q->code, strnlen(q->code, 6));
        k[n++].idx = i;
    }
    *dup = jw_ijw_first_dup(k, n);
    free(k);
    return 0;
}

/* JW317: dup = the first item whose TR101 key an earlier one has (a
 * current product: its ToewijzingNummer; a NieuwProduct: GewensteIngangs-
 * datum and Product); overlap = TR410 among the NieuwProducts. */
int jw_ijw_dups_317(const jw_ijw_msg_t *m, size_t *dup, size_t *overlap)
{
    size_t n = m->n_wijzigingen, np = 0;
    jw_ijw_dupkey_t *k = keys_new(n);
    jw_ijw_product_t *p = malloc((n ? n : 1) * sizeof *p);
    int rc = 0;
    if (!k || !p) {
        rc = JW_IJW_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const jw_ijw_wijziging_t *w = &m->wijzigingen[i];
        char *q = k[i].key;
        memset(q, 0, sizeof k[i].key);
        k[i].idx = i;
        if (w->kind == JW_WIJZIGING_NIEUW) {
            q[0] = 'N';
            memcpy(q + 1, &w->gewenste_ingangsdatum, 4);
            memcpy(q + 5, w->categorie, strnlen(w->categorie, sizeof w->categorie));
            memcpy(q + 8, w->code, strnlen(w->code, sizeof w->code));
            p[np++] = (jw_ijw_product_t){w->categorie, w->code, w->gewenste_ingangsdatum, w->einddatum, i};
        } else {
            q[0] = 'T';
            memcpy(q + 1, &w->toewijzingnummer, 8);
        }
    }
    *dup = jw_ijw_first_dup(k, n);
    rc = jw_ijw_first_overlap(p, np, overlap);
out:
    free(k);
    free(p);
    return rc;
}
