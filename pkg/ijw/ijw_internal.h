/* ijw_internal.h - shared between the files of pkg/ijw; not public. */
#ifndef JW_IJW_INTERNAL_H
#define JW_IJW_INTERNAL_H

#include "ijw/ijw.h"

#include <libxml/xmlschemas.h>

struct jw_ijw_schema {
    xmlSchemaPtr schema;   /* compiled "all.xsd"; read-only once built */
};

/* Fill an error record; fmt output is redacted (jw_ijw_redact). */
void jw_ijw_error_set(jw_ijw_error_t *err, jw_layer_t layer, const char *rule,
                      int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
