/* state.c - jwctl commands that read a state store:
 *   events [--live] [--since SEQ]   event log as JSON Lines
 *   deadletters                     dead letters as JSON Lines
 *   youth BSN|-                     one youth's live events and episodes
 * The store is opened read-only; readers never block jwd's writer. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bsn/bsn.h"
#include "event/event.h"
#include "jwctl.h"
#include "pseudo/pseudo.h"
#include "store/store.h"
#include "traject/traject.h"

typedef struct {
    char *json;        /* owned: the event as JSON (event.h) */
    size_t len;
    char date[11];
    char id[17];
    char type[20], segment[32], gemeente[9], aanbieder[9], cls[16];
    int64_t toewijzing; /* -1 when absent */
} ev_t;

typedef struct {
    ev_t *ev;
    size_t n, cap;
    const char *yid;   /* filter, or NULL */
    uint64_t since;
    int failed;
    jw_json_t text;    /* scratch for the JSON of one event */
} ev_list_t;

/* The event record's yid matches the filter (or there is none). */
static int wanted(const ev_list_t *l, const jw_event_view_t *v)
{
    char y[40];
    if (!l->yid) return 1;
    return jw_event_get_str(v, JW_EK_YID, y, sizeof y) == 0 && strcmp(y, l->yid) == 0;
}

static void field(const jw_event_view_t *v, jw_event_key_t k, char *out, size_t cap)
{
    if (jw_event_get_str(v, k, out, cap)) out[0] = '\0';
}

static int keep_event(ev_list_t *l, uint64_t seq, const void *val, size_t vlen)
{
    jw_event_view_t v;
    if (jw_event_view(val, vlen, &v)) {
        fprintf(stderr, "jwctl: event %llu: %s\n", (unsigned long long)seq, jw_event_strerror(JW_EVENT_EBADREC));
        return -1;
    }
    if (!wanted(l, &v)) return 0;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 1024;
        ev_t *ne = realloc(l->ev, ncap * sizeof *ne);
        if (!ne) return -1;
        l->ev = ne;
        l->cap = ncap;
    }
    if (jw_event_json(val, vlen, seq, &l->text)) return -1;
    ev_t *e = &l->ev[l->n];
    memset(e, 0, sizeof *e);
    e->json = strndup(l->text.buf, l->text.len);
    if (!e->json) return -1;
    e->len = l->text.len;
    field(&v, JW_EK_DATE, e->date, sizeof e->date);
    sodium_bin2hex(e->id, sizeof e->id, v.id, 8);
    field(&v, JW_EK_TYPE, e->type, sizeof e->type);
    field(&v, JW_EK_SEGMENT, e->segment, sizeof e->segment);
    field(&v, JW_EK_GEMEENTE, e->gemeente, sizeof e->gemeente);
    field(&v, JW_EK_AANBIEDER, e->aanbieder, sizeof e->aanbieder);
    field(&v, JW_EK_CLASS, e->cls, sizeof e->cls);
    if (jw_event_get_int(&v, JW_EK_TOEWIJZING, &e->toewijzing)) e->toewijzing = -1;
    l->n++;
    return 0;
}

static int print_event_cb(uint64_t seq, const void *val, size_t vlen, void *ctx)
{
    ev_list_t *l = ctx;
    jw_event_view_t v;
    if (jw_event_view(val, vlen, &v)) {
        fprintf(stderr, "jwctl: event %llu: %s\n", (unsigned long long)seq, jw_event_strerror(JW_EVENT_EBADREC));
        return -1;
    }
    if (!wanted(l, &v)) return 0;
    if (jw_event_json(val, vlen, seq, &l->text)) return -1;
    fwrite(l->text.buf, 1, l->text.len, stdout);
    fputc('\n', stdout);
    return 0;
}

static int live_cb(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    return keep_event(ctx, seq, rec, len) ? -1 : 0;
}

static int cmp_ev(const void *a, const void *b)
{
    const ev_t *x = a, *y = b;
    int c = strcmp(x->date, y->date);
    return c ? c : strcmp(x->id, y->id);
}

static int read_live(jw_txn_t *txn, void *ctx)
{
    return jw_traject_live_events(txn, live_cb, ctx);
}

static int read_log(jw_txn_t *txn, void *ctx)
{
    ev_list_t *l = ctx;
    return jw_store_events_since(txn, l->since, print_event_cb, l);
}

static void free_list(ev_list_t *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->ev[i].json);
    free(l->ev);
    jw_json_free(&l->text);
}

static int open_store(const char *state, jw_store_t **store)
{
    jw_store_options_t so = {0};
    so.read_only = 1;
    int rc = jw_store_open(state, &so, store);
    if (rc) fprintf(stderr, "jwctl: %s: %s\n", state, jw_store_strerror(rc));
    return rc;
}

/* Live events (optionally one youth's) sorted by (date, id) into l. */
static int collect_live(jw_store_t *store, ev_list_t *l)
{
    int rc = jw_store_read(store, read_live, l);
    if (rc) {
        fprintf(stderr, "jwctl: reading events: %s\n", jw_store_strerror(rc));
        return rc;
    }
    if (l->n) qsort(l->ev, l->n, sizeof *l->ev, cmp_ev);
    return 0;
}

int jwctl_events(const char *state, int argc, char **argv)
{
    int live = 0;
    ev_list_t l = {0};
    jw_store_t *store = NULL;
    int status = 2;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--live") == 0) live = 1;
        else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) l.since = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: jwctl --state DIR events [--live] [--since SEQ]\n");
            return 2;
        }
    }
    if (open_store(state, &store)) goto out;
    if (live) {
        if (collect_live(store, &l)) goto out;
        for (size_t i = 0; i < l.n; i++) {
            fwrite(l.ev[i].json, 1, l.ev[i].len, stdout);
            fputc('\n', stdout);
        }
    } else {
        int rc = jw_store_read(store, read_log, &l);
        if (rc) {
            fprintf(stderr, "jwctl: reading events: %s\n", jw_store_strerror(rc));
            goto out;
        }
    }
    status = 0;
out:
    free_list(&l);
    jw_store_close(store);
    return status;
}

static int dl_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    (void)key;
    (void)klen;
    (*(size_t *)ctx)++;
    fwrite(val, 1, vlen, stdout);
    fputc('\n', stdout);
    return 0;
}

static int read_deadletters(jw_txn_t *txn, void *ctx)
{
    return jw_store_iter(txn, JW_DB_DEADLETTERS, NULL, 0, dl_cb, ctx);
}

int jwctl_deadletters(const char *state, int argc, char **argv)
{
    (void)argv;
    jw_store_t *store = NULL;
    size_t n = 0;
    int status = 2;
    if (argc != 0) {
        fprintf(stderr, "usage: jwctl --state DIR deadletters\n");
        return 2;
    }
    if (open_store(state, &store)) goto out;
    int rc = jw_store_read(store, read_deadletters, &n);
    if (rc) {
        fprintf(stderr, "jwctl: reading dead letters: %s\n", jw_store_strerror(rc));
        goto out;
    }
    fprintf(stderr, "jwctl: %zu dead letters\n", n);
    status = 0;
out:
    jw_store_close(store);
    return status;
}

int jwctl_youth(const char *state, const char *key_file, int argc, char **argv)
{
    char bsn[32] = "", yid[JW_YID_HEX_LEN + 1], keypath[4096];
    jw_pseudo_t *pseudo = NULL;
    jw_store_t *store = NULL;
    ev_list_t l = {0};
    int status = 2, rc;

    if (argc != 1) {
        fprintf(stderr, "usage: jwctl --state DIR youth BSN   (or '-' to read the BSN from stdin)\n");
        return 2;
    }
    if (strcmp(argv[0], "-") == 0) {
        if (!fgets(bsn, sizeof bsn, stdin)) bsn[0] = '\0';
        bsn[strcspn(bsn, "\r\n")] = '\0';
    } else {
        snprintf(bsn, sizeof bsn, "%s", argv[0]);
    }
    if (!jw_bsn_valid(bsn, strlen(bsn))) {
        /* Never echo the input: it may be a BSN with a typo. */
        fprintf(stderr, "jwctl: not a valid BSN (9 digits passing the 11-proef)\n");
        goto out;
    }
    if (key_file) snprintf(keypath, sizeof keypath, "%s", key_file);
    else snprintf(keypath, sizeof keypath, "%s/pseudonym.key", state);
    /* Only open an existing key: a new key would match nobody. */
    FILE *kf = fopen(keypath, "rb");
    if (!kf) {
        fprintf(stderr, "jwctl: %s: no key file (use --key-file)\n", keypath);
        goto out;
    }
    fclose(kf);
    if ((rc = jw_pseudo_open(keypath, &pseudo))) {
        fprintf(stderr, "jwctl: %s: %s\n", keypath, jw_pseudo_strerror(rc));
        goto out;
    }
    jw_pseudo_yid(pseudo, bsn, strlen(bsn), yid);
    sodium_memzero(bsn, sizeof bsn); /* not a plain memset: that can be optimised away */
    if (open_store(state, &store)) goto out;
    l.yid = yid;
    if (collect_live(store, &l)) goto out;

    printf("youth %s\n", yid);
    printf("episodes (allocation basis):\n");
    printf("  %-10s %-8s %-14s %-10s %-10s %-10s %s\n", "toewijzing", "gemeente", "segment", "aanbieder",
           "start", "end", "class");
    for (size_t i = 0; i < l.n; i++) {
        const ev_t *e = &l.ev[i];
        char tw[24] = "";
        if (strcmp(e->type, "start") != 0) continue;
        if (e->toewijzing >= 0) snprintf(tw, sizeof tw, "%lld", (long long)e->toewijzing);
        /* The matching stop, if any. */
        char end[11] = "open";
        for (size_t k = 0; k < l.n; k++) {
            const ev_t *s2 = &l.ev[k];
            if (strcmp(s2->type, "stop") == 0 && strcmp(s2->gemeente, e->gemeente) == 0 &&
                s2->toewijzing == e->toewijzing)
                snprintf(end, sizeof end, "%s", s2->date);
        }
        const char *tw_s = tw, *gem = e->gemeente, *seg = e->segment, *aan = e->aanbieder, *cls = e->cls;
        printf("  %-10s %-8s %-14s %-10s %-10s %-10s %s\n", tw_s, gem, seg, aan, e->date, end, cls);
    }
    printf("live events:\n");
    for (size_t i = 0; i < l.n; i++) {
        fwrite(l.ev[i].json, 1, l.ev[i].len, stdout);
        fputc('\n', stdout);
    }
    status = 0;
out:
    sodium_memzero(bsn, sizeof bsn); /* every path, the refused ones too */
    free_list(&l);
    jw_store_close(store);
    jw_pseudo_free(pseudo);
    return status;
}

int jwctl_store_stats(const char *state, int argc, char **argv)
{
    (void)argv;
    jw_store_t *store = NULL;
    jw_store_stat_t st;
    jw_traject_totals_t sc;
    int status = 2;
    if (argc != 0) {
        fprintf(stderr, "usage: jwctl --state DIR stats\n");
        return 2;
    }
    if (open_store(state, &store)) goto out;
    if (jw_store_stat(store, &st) || jw_store_read(store, jw_traject_totals_read, &sc)) {
        fprintf(stderr, "jwctl: cannot read store statistics\n");
        goto out;
    }
    const jw_traject_counts_t *c = &sc.counts;
    printf("last_seq %llu\n", (unsigned long long)sc.last_seq);
    printf("messages %llu\napplied %llu\nduplicates %llu\n", (unsigned long long)c->messages,
           (unsigned long long)c->applied, (unsigned long long)c->duplicates);
    printf("deadletters %llu\ndeadletters_xml %llu\ndeadletters_xsd %llu\ndeadletters_rule %llu\n",
           (unsigned long long)c->deadletters, (unsigned long long)c->deadletters_by_layer[JW_LAYER_XML],
           (unsigned long long)c->deadletters_by_layer[JW_LAYER_XSD],
           (unsigned long long)c->deadletters_by_layer[JW_LAYER_RULE]);
    printf("events_emitted %llu\nevents_retracted %llu\n", (unsigned long long)c->events_emitted,
           (unsigned long long)c->events_retracted);
    /* Messages read by the legacy path, per iJw 2.x release (the rest is 3.x). */
    for (int r = 0; r < 4; r++)
        printf("applied_legacy_2.%d %llu\n", r + 1, (unsigned long long)c->applied_legacy[r]);
    for (int db = 0; db < JW_DB_COUNT; db++)
        printf("db %-12s entries %llu bytes %llu\n", jw_store_db_name((jw_db_t)db),
               (unsigned long long)st.entries[db], (unsigned long long)st.bytes[db]);
    printf("used_bytes %llu\n", (unsigned long long)st.used_size);
    printf("map_bytes %llu\n", (unsigned long long)st.map_size);
    printf("file_bytes %llu\n", (unsigned long long)st.file_size);
    status = 0;
out:
    jw_store_close(store);
    return status;
}
