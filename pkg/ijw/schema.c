/* schema.c - compile the embedded iJw XSDs once (see ijw.h).
 *
 * The build embeds the .xsd files in xsd/ once per release plus a wrapper "all.xsd" that
 * imports every message schema of every release (scripts/embed-xsd). One
 * compiled xmlSchema therefore validates any supported message: the root
 * element's namespace picks the declaration, and a root in any other
 * namespace has no declaration and fails validation.
 */
#include "ijw/ijw_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>

#include "ijw/xsd_embed.h"

static const struct jw_xsd_file *xsd_find(const char *url)
{
    if (!url) return NULL;
    for (unsigned i = 0; i < jw_xsd_file_count; i++)
        if (strcmp(jw_xsd_files[i].name, url) == 0) return &jw_xsd_files[i];
    return NULL;
}

/* Serves schema imports from the embedded table during compilation only. */
static xmlParserInputPtr embedded_loader(const char *url, const char *id,
                                         xmlParserCtxtPtr ctxt)
{
    (void)id;
    const struct jw_xsd_file *f = xsd_find(url);
    if (!f) return NULL;
    xmlParserInputPtr in = xmlNewStringInputStream(ctxt, (const xmlChar *)f->text);
    if (!in) return NULL;
    /* The document URL decides how relative schemaLocations resolve. */
    in->filename = (const char *)xmlStrdup((const xmlChar *)f->name);
    return in;
}

/* Installed once the schemas are compiled: messages never load anything. */
static xmlParserInputPtr deny_loader(const char *url, const char *id,
                                     xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void compile_error(void *ctx, xmlErrorPtr e)
{
    char *first = ctx;
    if (first[0] == '\0' && e && e->message)
        snprintf(first, 256, "%s:%d: %s", e->file ? e->file : "?", e->line, e->message);
}

int jw_ijw_schema_new(jw_ijw_schema_t **out)
{
    char first_error[256] = "";
    xmlSchemaParserCtxtPtr pctxt = NULL;
    jw_ijw_schema_t *s = NULL;
    int rc = JW_IJW_ESCHEMA;
    const struct jw_xsd_file *all = xsd_find("all.xsd");

    /* 2.9.14 initialises the XSD type tables lazily behind a plain flag;
     * do it here, before any thread can race on it. */
    xmlInitParser();
    xmlSchemaInitTypes();
    if (!all) goto out;

    s = calloc(1, sizeof *s);
    if (!s) {
        rc = JW_IJW_ENOMEM;
        goto out;
    }
    xmlSetExternalEntityLoader(embedded_loader);
    pctxt = xmlSchemaNewMemParserCtxt(all->text, (int)strlen(all->text));
    if (!pctxt) goto out;
    xmlSchemaSetParserStructuredErrors(pctxt, compile_error, first_error);
    s->schema = xmlSchemaParse(pctxt);
    if (!s->schema) {
        fprintf(stderr, "jw: embedded schemas do not compile: %s\n", first_error);
        goto out;
    }
    rc = JW_IJW_OK;
out:
    xmlSetExternalEntityLoader(deny_loader);
    if (pctxt) xmlSchemaFreeParserCtxt(pctxt);
    if (rc != JW_IJW_OK) {
        jw_ijw_schema_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

void jw_ijw_schema_free(jw_ijw_schema_t *s)
{
    if (!s) return;
    if (s->schema) xmlSchemaFree(s->schema);
    free(s);
}
