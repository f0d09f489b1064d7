/* Refused messages count as not sent (SPEC §3), whatever arrives first.
 *
 * The scenario in fixtures/scenarios/refusals/ (real messages, parsed):
 *   1 JW301 RF-301-A: youth 1, allocation 500001 (45A01) from 2025-01-06, open
 *   2 JW302 refusing RF-301-A with code 9332
 *   3 JW301 RF-301-B: youth 1, allocation 500002 (45A01) from 2025-03-03, open
 *   4 JW302 on RF-301-B without codes (accepted)
 *   5 JW323 RF-323-A: RF-A1 10000 cents (youth 1, 500002), RF-A2 7500 (youth 2)
 *   6 JW325 refusing line RF-A2 (9339); TotaalToegekend 10000
 *   7 JW315 RF-315-A: youth 3 requests RF-REQ-1 (45A01) and RF-REQ-2 (45A02)
 *   8 JW319 refusing RF-REQ-2 (VerzoekAntwoord 1, reason 3)
 * Worked out from the definitions before running:
 *   - 500001 counts as never given: no event names it; 500002 therefore
 *     has no earlier episode and starts as `instroom` (had 500001 counted,
 *     its open end would make 500002 `stapeling`);
 *   - awarded cost = declared - refused = 17500 - 7500 = 10000: one live
 *     `declared` event (RF-A1, 10000) and one `refused` event (RF-A2, 7500);
 *   - one live `request` (RF-REQ-1, product 45A01): RF-REQ-2 left the
 *     waiting figures.
 * The live set is the same for every order of messages 1, 2, 3, 5 and 6
 * (all 120), with 4, 7 and 8 interleaved, and with duplicates. */
#include "traject_harness.h"

#define N_MSG 8
static const char *const FILES[N_MSG] = {
    "fixtures/scenarios/refusals/1-jw301-A.xml", "fixtures/scenarios/refusals/2-jw302-A-geweigerd.xml",
    "fixtures/scenarios/refusals/3-jw301-B.xml", "fixtures/scenarios/refusals/4-jw302-B-akkoord.xml",
    "fixtures/scenarios/refusals/5-jw323.xml",   "fixtures/scenarios/refusals/6-jw325.xml",
    "fixtures/scenarios/refusals/7-jw315.xml",   "fixtures/scenarios/refusals/8-jw319.xml",
};

static jw_ijw_msg_t msgs[N_MSG];
static unsigned char hashes[N_MSG][32];

static void load_messages(void)
{
    jw_ijw_schema_t *schema;
    jw_ijw_parser_t *parser;
    jw_pseudo_t *pseudo;
    unsigned char key[32];
    for (int i = 0; i < 32; i++) key[i] = (unsigned char)(7 * i + 1);
    cr_assert_eq(jw_ijw_schema_new(&schema), JW_IJW_OK);
    cr_assert_eq(jw_pseudo_from_key(key, &pseudo), 0);
    cr_assert_eq(jw_ijw_parser_new(schema, pseudo, &parser), JW_IJW_OK);
    for (int i = 0; i < N_MSG; i++) {
        FILE *f = fopen(FILES[i], "rb");
        cr_assert_not_null(f, "%s", FILES[i]);
        char buf[16384];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        jw_ijw_error_t err;
        jw_ijw_msg_init(&msgs[i]);
        cr_assert_eq(jw_ijw_parse(parser, buf, n, FILES[i], &msgs[i], &err), JW_IJW_OK, "%s: %s %s",
                     FILES[i], err.rule, err.message);
        crypto_hash_sha256(hashes[i], (const unsigned char *)buf, n);
    }
    jw_ijw_parser_free(parser);
    jw_pseudo_free(pseudo);
    jw_ijw_schema_free(schema);
}

static void free_messages(void)
{
    for (int i = 0; i < N_MSG; i++) jw_ijw_msg_clear(&msgs[i]);
}

TestSuite(refusal, .init = load_messages, .fini = free_messages);

typedef struct {
    harness_t *h;
    int i;
} one_t;

static int apply_one(jw_txn_t *txn, void *ctx)
{
    one_t *o = ctx;
    jw_outcome_t outcome;
    int rc = jw_traject_check_profile(o->h->traject, txn);
    if (rc) return rc;
    return jw_traject_apply(o->h->traject, txn, &msgs[o->i], hashes[o->i], &outcome, &o->h->counts);
}

static void apply_msg(harness_t *h, int i)
{
    one_t o = {h, i};
    int rc = jw_store_write(h->store, apply_one, &o);
    cr_assert_eq(rc, 0, "apply %s: %s", FILES[i], jw_traject_strerror(rc));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The live set without seq, sorted, as one string. */
static char *signature(harness_t *h)
{
    live_t l;
    live_load(h, &l);
    for (size_t i = 0; i < l.n; i++) {
        char *s = strstr(l.json[i], "\"seq\":");
        if (s) {
            char *e = strchr(s, ',');
            memmove(s, e + 1, strlen(e + 1) + 1);
        }
    }
    qsort(l.json, l.n, sizeof *l.json, cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < l.n; i++) len += strlen(l.json[i]) + 1;
    char *sig = calloc(1, len);
    for (size_t i = 0; i < l.n; i++) {
        strcat(sig, l.json[i]);
        strcat(sig, "\n");
    }
    live_free(&l);
    return sig;
}

static char *run(const int *order, int n, int twice)
{
    harness_t h;
    harness_open(&h, "zuid-limburg");
    for (int k = 0; k < n; k++) apply_msg(&h, order[k]);
    if (twice)
        for (int k = 0; k < n; k++) apply_msg(&h, order[k]);
    char *sig = signature(&h);
    harness_close(&h);
    return sig;
}

static size_t count(const char *sig, const char *needle)
{
    size_t n = 0;
    for (const char *p = sig; (p = strstr(p, needle)); p++) n++;
    return n;
}

Test(refusal, hand_computed_scenario)
{
    static const int forward[N_MSG] = {0, 1, 2, 3, 4, 5, 6, 7};
    char *sig = run(forward, N_MSG, 0);
    /* the refused JW301 is retracted: nothing names 500001 */
    cr_expect_eq(count(sig, "\"toewijzing\":500001,"), 0, "%s", sig);
    /* 500002 starts as instroom on 2025-03-03 */
    cr_expect_eq(count(sig, "\"type\":\"start\""), 1, "%s", sig);
    cr_expect(strstr(sig, "\"toewijzing\":500002,") && strstr(sig, "\"class\":\"instroom\""), "%s", sig);
    cr_expect_eq(count(sig, "\"class\":\"stapeling\""), 0, "%s", sig);
    /* cost: one declared line of 10000, one refused line of 7500 */
    cr_expect_eq(count(sig, "\"type\":\"declared\""), 1, "%s", sig);
    cr_expect_eq(count(sig, "\"amount_cents\":10000,"), 1, "%s", sig);
    cr_expect_eq(count(sig, "\"type\":\"refused\""), 1, "%s", sig);
    cr_expect(strstr(sig, "\"referentie\":\"RF-A2\",\"code\":\"9339\""), "%s", sig);
    cr_expect_eq(count(sig, "\"amount_cents\":7500,"), 1, "%s", sig);
    /* one request left on the waiting list: RF-REQ-1 (45A01) */
    cr_expect_eq(count(sig, "\"type\":\"request\""), 1, "%s", sig);
    cr_expect(strstr(sig, "\"product\":\"45A01\",\"date\":\"2025-05-01\""), "%s", sig);
    /* the refusals themselves: the JW301 (9332, by the JW302 of 2025-01-08)
     * and RF-REQ-2 (reason 3, 2025-04-15 -> 2025-04-18 = 3 days) */
    cr_expect_eq(count(sig, "\"type\":\"message_refused\""), 1, "%s", sig);
    cr_expect(strstr(sig, "\"date\":\"2025-01-08\",\"message\":\"JW301\",\"refuses\":\"436/0935/RF-301-A\",\"codes\":\"9332\""),
              "%s", sig);
    cr_expect_eq(count(sig, "\"type\":\"request_refused\""), 1, "%s", sig);
    cr_expect(strstr(sig, "\"product\":\"45A02\",\"date\":\"2025-04-18\",\"request_date\":\"2025-04-15\",\"days\":3,\"reden\":\"3\""),
              "%s", sig);
    free(sig);
}

/* Without the refusals the same messages give the other answers, so the
 * scenario tests the refusals and not the data. */
Test(refusal, without_refusals_everything_counts)
{
    static const int heen[5] = {0, 2, 4, 6, 3};
    char *sig = run(heen, 5, 0);
    cr_expect_eq(count(sig, "\"type\":\"start\""), 2, "%s", sig);
    cr_expect_eq(count(sig, "\"class\":\"stapeling\""), 1, "%s", sig);
    cr_expect_eq(count(sig, "\"type\":\"declared\""), 2, "%s", sig);
    cr_expect_eq(count(sig, "\"type\":\"request\""), 2, "%s", sig);
    free(sig);
}

Test(refusal, every_order_same_live_set, .timeout = 240)
{
    static const int forward[N_MSG] = {0, 1, 2, 3, 4, 5, 6, 7};
    char *ref = run(forward, N_MSG, 0);
    int p[5] = {0, 1, 2, 4, 5}; /* the messages that interact */
    size_t c[5] = {0};
    int orders = 1;
    size_t i = 1;
    while (i < 5) {
        if (c[i] < i) {
            size_t k = (i % 2 == 0) ? 0 : c[i];
            int tmp = p[k];
            p[k] = p[i];
            p[i] = tmp;
            /* 3 (accepting retour), 6 (JW315) and 7 (JW319) interleaved,
             * the JW319 first on odd orders */
            int order[N_MSG], n = 0;
            if (orders % 2) order[n++] = 7;
            for (int q = 0; q < 5; q++) {
                order[n++] = p[q];
                if (q == orders % 5) order[n++] = 3;
                if (q == 2) order[n++] = 6;
            }
            if (!(orders % 2)) order[n++] = 7;
            cr_assert_eq(n, N_MSG);
            char *sig = run(order, N_MSG, orders % 9 == 0);
            cr_assert_str_eq(sig, ref, "order %d differs", orders);
            free(sig);
            orders++;
            c[i]++;
            i = 1;
        } else {
            c[i] = 0;
            i++;
        }
    }
    cr_assert_eq(orders, 120);
    free(ref);
}
