/* diff.c - the differential XSD check (run by scripts/check-conformance).
 *
 *   conformance-diff OFFICIAL_XSD_DIR VARIANTS_FILE
 *
 * Reads the variants written by tests/conformance/variants.py and decides
 * each twice: with the standard's own XSD (OFFICIAL_XSD_DIR/JW3nn.xsd,
 * compiled by libxml2 from the files) and with jw's parser (its embedded
 * XSDs, jw_ijw_parse). jw counts a variant as valid at the XSD layer when it
 * is accepted or refused only by the in-message rules (the RULE layer comes
 * after the XSD). Every disagreement is printed; the exit status is 1 when
 * there is any, or when fewer variants were read than the caller demands
 * (JW_CONFORMANCE_MIN, default 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "ijw/ijw.h"

#define N_TYPES 14
static const char *const TYPES[N_TYPES] = {"301", "302", "305", "306", "307", "308", "315",
                                           "316", "317", "318", "319", "320", "323", "325"};

static void quiet(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static int type_index(const char *t)
{
    for (int i = 0; i < N_TYPES; i++)
        if (strcmp(TYPES[i], t) == 0) return i;
    return -1;
}

int main(int argc, char **argv)
{
    xmlSchemaPtr official[N_TYPES] = {0};
    xmlSchemaValidCtxtPtr vctxt[N_TYPES] = {0};
    jw_ijw_schema_t *schema = NULL;
    jw_ijw_parser_t *parser = NULL;
    jw_ijw_msg_t msg;
    FILE *in = NULL;
    char *doc = NULL;
    char head[4096];
    long n = 0, disagree = 0, both_valid = 0, both_invalid = 0;
    long per_type[N_TYPES] = {0};
    int rc = 2;

    if (argc != 3) {
        fprintf(stderr, "usage: conformance-diff OFFICIAL_XSD_DIR VARIANTS_FILE\n");
        return 2;
    }
    jw_ijw_msg_init(&msg);
    xmlInitParser();
    /* The official schemas first: jw_ijw_schema_new installs a loader that
     * refuses every external load once its own schemas are compiled. */
    for (int i = 0; i < N_TYPES; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/JW%s.xsd", argv[1], TYPES[i]);
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
        if (!pc) goto out;
        xmlSchemaSetParserStructuredErrors(pc, quiet, NULL);
        official[i] = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
        if (!official[i]) {
            fprintf(stderr, "conformance-diff: %s does not compile\n", path);
            goto out;
        }
        vctxt[i] = xmlSchemaNewValidCtxt(official[i]);
        if (!vctxt[i]) goto out;
        xmlSchemaSetValidStructuredErrors(vctxt[i], quiet, NULL);
    }
    if (jw_ijw_schema_new(&schema) != JW_IJW_OK) goto out;
    if (jw_ijw_parser_new(schema, NULL, &parser) != JW_IJW_OK) goto out;
    in = fopen(argv[2], "rb");
    if (!in) {
        perror(argv[2]);
        goto out;
    }
    while (fgets(head, sizeof head, in)) {
        char type[8], lenline[32];
        size_t len;
        if (strncmp(head, "@ JW", 4) != 0 || sscanf(head + 4, "%7s", type) != 1 ||
            !fgets(lenline, sizeof lenline, in) || sscanf(lenline, "%zu", &len) != 1) {
            fprintf(stderr, "conformance-diff: bad record after %ld variants\n", n);
            goto out;
        }
        head[strcspn(head, "\n")] = '\0';
        int ti = type_index(type);
        char *nd = realloc(doc, len + 1);
        if (ti < 0 || !nd) goto out;
        doc = nd;
        if (fread(doc, 1, len, in) != len || fgetc(in) != '\n') goto out;
        doc[len] = '\0';

        xmlDocPtr d = xmlReadMemory(doc, (int)len, "variant.xml", NULL, XML_PARSE_NONET);
        int off_valid = d && xmlSchemaValidateDoc(vctxt[ti], d) == 0;
        if (d) xmlFreeDoc(d);

        jw_ijw_error_t err;
        int prc = jw_ijw_parse(parser, doc, len, "variant", &msg, &err);
        if (prc != JW_IJW_OK && prc != JW_IJW_EINVALID) {
            fprintf(stderr, "conformance-diff: %s\n", jw_ijw_strerror(prc));
            goto out;
        }
        int jw_valid = prc == JW_IJW_OK || err.layer == JW_LAYER_RULE;
        n++;
        per_type[ti]++;
        if (off_valid != jw_valid) {
            disagree++;
            printf("DISAGREE %s: official %s, jw %s%s%s%s\n", head + 2,
                   off_valid ? "valid" : "invalid", jw_valid ? "valid" : "invalid",
                   jw_valid ? "" : " (", jw_valid ? "" : err.message, jw_valid ? "" : ")");
        } else if (off_valid) {
            both_valid++;
        } else {
            both_invalid++;
        }
    }
    long min = getenv("JW_CONFORMANCE_MIN") ? atol(getenv("JW_CONFORMANCE_MIN")) : 1;
    printf("conformance-diff: %ld variants (", n);
    for (int i = 0; i < N_TYPES; i++) printf("%sJW%s %ld", i ? ", " : "", TYPES[i], per_type[i]);
    printf("): %ld valid for both, %ld invalid for both, %ld disagreements\n", both_valid,
           both_invalid, disagree);
    rc = disagree == 0 && n >= min ? 0 : 1;
    for (int i = 0; i < N_TYPES; i++)
        if (per_type[i] == 0) rc = 1; /* every type must be covered */
out:
    if (in) fclose(in);
    free(doc);
    jw_ijw_msg_clear(&msg);
    jw_ijw_parser_free(parser);
    jw_ijw_schema_free(schema);
    for (int i = 0; i < N_TYPES; i++) {
        if (vctxt[i]) xmlSchemaFreeValidCtxt(vctxt[i]);
        if (official[i]) xmlSchemaFree(official[i]);
    }
    xmlCleanupParser();
    return rc;
}
