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
