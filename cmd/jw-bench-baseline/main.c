/* jw-bench-baseline - bare libxml2 parse + XSD validation of an archive,
 * the yardstick that `make bench` sets jw's pipelines against (SPEC §8).
 *
 *   jw-bench-baseline [--threads N] PATH...
 *   jw-bench-baseline --rules PATH...
 *
 * --rules measures, on one thread and the same in-memory corpus, jw's own
 * parser (jw_ijw_parse: XML, XSD, field extraction) once without and once
 * with the standard's in-message rules, so the rules' cost is a ratio
 * within one run (three alternating rounds, the best of each). Prints:
 *   rules: N messages, without R0 messages/s, with R1 messages/s, cost P %
 *
 * Loads every message into memory first, then parses and validates them
 * with the fastest safe path measured on this machine (faster than building
 * a tree and validating it afterwards):
 * a reused push parser per thread with the compiled schema plugged into
 * the SAX stream, no tree, no field extraction. Prints one line:
 *   baseline: N messages, T s, R messages/s, V valid (threads K)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "ijw/ijw_internal.h"
#include "source/source.h"
#include "version/version.h"

typedef struct {
    char **buf;
    size_t *len;
    size_t n;
} corpus_t;

typedef struct {
    const corpus_t *c;
    xmlSchemaPtr schema;
    size_t from, to;
    size_t valid;
} work_t;

static void quiet(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static void *run(void *arg)
{
    work_t *w = arg;
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.serror = quiet;
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(w->schema);
    xmlSchemaSetValidStructuredErrors(v, quiet, NULL);
    for (size_t i = w->from; i < w->to; i++) {
        xmlCtxtResetPush(ctxt, NULL, 0, NULL, "UTF-8");
        xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
        xmlSchemaSAXPlugPtr plug = xmlSchemaSAXPlug(v, &ctxt->sax, &ctxt->userData);
        xmlParseChunk(ctxt, w->c->buf[i], (int)w->c->len[i], 1);
        xmlSchemaSAXUnplug(plug);
        if (ctxt->wellFormed && xmlSchemaIsValid(v) == 1) w->valid++;
    }
    xmlSchemaFreeValidCtxt(v);
    xmlFreeParserCtxt(ctxt);
    return NULL;
}

/* Messages per second of jw_ijw_parse over the corpus, rules on or off. */
static double jw_rate(const corpus_t *c, const jw_ijw_schema_t *schema, int rules, size_t *ok)
{
    jw_ijw_parser_t *p;
    jw_ijw_msg_t msg;
    jw_ijw_error_t err;
    struct timespec t0, t1;
    if (jw_ijw_parser_new(schema, NULL, &p) != JW_IJW_OK) return -1;
    jw_ijw_parser_set_rules(p, rules);
    jw_ijw_msg_init(&msg);
    *ok = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < c->n; i++)
        if (jw_ijw_parse(p, c->buf[i], c->len[i], NULL, &msg, &err) == JW_IJW_OK) (*ok)++;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    jw_ijw_msg_clear(&msg);
    jw_ijw_parser_free(p);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return secs > 0 ? (double)c->n / secs : 0.0;
}

int main(int argc, char **argv)
{
    int threads = 1, first = 1, rules_mode = 0;
    if (jw_version_requested(argc, argv)) return jw_version_print("jw-bench-baseline");
    if (argc > 2 && strcmp(argv[1], "--threads") == 0) {
        threads = atoi(argv[2]);
        first = 3;
    } else if (argc > 1 && strcmp(argv[1], "--rules") == 0) {
        rules_mode = 1;
        first = 2;
    }
    if (first >= argc || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: jw-bench-baseline [--threads N] PATH...\n");
        return 2;
    }
    corpus_t c = {0};
    size_t cap = 0;
    jw_source_t *src;
    const char *name, *buf;
    size_t len;
    int rc;
    jw_source_open((const char *const *)argv + first, (size_t)(argc - first), &src);
    while ((rc = jw_source_next(src, &name, &buf, &len)) == JW_SOURCE_OK) {
        if (len > JW_SOURCE_MAX_READ) continue;
        if (c.n == cap) {
            cap = cap ? cap * 2 : 1024;
            c.buf = realloc(c.buf, cap * sizeof *c.buf);
            c.len = realloc(c.len, cap * sizeof *c.len);
            if (!c.buf || !c.len) return 1;
        }
        c.buf[c.n] = malloc(len);
        if (!c.buf[c.n]) return 1;
        memcpy(c.buf[c.n], buf, len);
        c.len[c.n++] = len;
    }
    jw_source_close(src);
    if (rc != JW_SOURCE_END) {
        fprintf(stderr, "jw-bench-baseline: read error\n");
        return 1;
    }

    jw_ijw_schema_t *schema;
    if (jw_ijw_schema_new(&schema)) return 1;
    if (rules_mode) {
        /* Alternate three rounds of each and keep each one's best: the
         * machines here are shared, so a single pass is mostly noise. */
        size_t ok0 = 0, ok1 = 0;
        double without = 0, with = 0;
        for (int round = 0; round < 3; round++) {
            double r0 = jw_rate(&c, schema, 0, &ok0);
            double r1 = jw_rate(&c, schema, 1, &ok1);
            if (r0 < 0 || r1 < 0) without = with = -1;
            if (without >= 0 && r0 > without) without = r0;
            if (with >= 0 && r1 > with) with = r1;
        }
        printf("rules: %zu messages, without %.0f messages/s, with %.0f messages/s, cost %.1f %% "
               "(accepted %zu without, %zu with)\n",
               c.n, without, with, without > 0 ? 100.0 * (without - with) / without : 0.0, ok0, ok1);
        for (size_t i = 0; i < c.n; i++) free(c.buf[i]);
        free(c.buf);
        free(c.len);
        jw_ijw_schema_free(schema);
        return without < 0 || with < 0;
    }
    work_t *w = calloc((size_t)threads, sizeof *w);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < threads; i++) {
        w[i].c = &c;
        w[i].schema = schema->schema;
        w[i].from = c.n * (size_t)i / (size_t)threads;
        w[i].to = c.n * (size_t)(i + 1) / (size_t)threads;
        pthread_create(&t[i], NULL, run, &w[i]);
    }
    size_t valid = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        valid += w[i].valid;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("baseline: %zu messages, %.2f s, %.0f messages/s, %zu valid (threads %d)\n", c.n, secs,
           secs > 0 ? (double)c.n / secs : 0.0, valid, threads);
    for (size_t i = 0; i < c.n; i++) free(c.buf[i]);
    free(c.buf);
    free(c.len);
    free(w);
    free(t);
    jw_ijw_schema_free(schema);
    return 0;
}
