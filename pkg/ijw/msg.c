/* msg.c - message records, error records and small tables (see ijw.h). */
#include "ijw/ijw_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jw_ijw_strerror(int rc)
{
    switch (rc) {
    case JW_IJW_OK: return "ok";
    case JW_IJW_EINVALID: return "message rejected";
    case JW_IJW_ENOMEM: return "out of memory";
    case JW_IJW_ESCHEMA: return "embedded schemas failed to compile";
    case JW_IJW_EARG: return "invalid argument";
    default: return "unknown ijw error";
    }
}

const char *jw_layer_name(jw_layer_t layer)
{
    switch (layer) {
    case JW_LAYER_XML: return "XML";
    case JW_LAYER_XSD: return "XSD";
    case JW_LAYER_RULE: return "RULE";
    default: return "NONE";
    }
}

int jw_ijw_berichtcode(jw_msg_type_t type)
{
    switch (type) {
    case JW_MSG_301: return 436;
    case JW_MSG_305: return 438;
    case JW_MSG_307: return 440;
    case JW_MSG_315: return 446;
    case JW_MSG_323: return 490;
    case JW_MSG_302: return 437;
    case JW_MSG_306: return 439;
    case JW_MSG_308: return 441;
    case JW_MSG_316: return 447;
    case JW_MSG_317: return 486;
    case JW_MSG_318: return 487;
    case JW_MSG_319: return 488;
    case JW_MSG_320: return 489;
    case JW_MSG_325: return 491;
    default: return 0;
    }
}

jw_msg_type_t jw_ijw_type_from_code(int code)
{
    switch (code) {
    case 436: return JW_MSG_301;
    case 438: return JW_MSG_305;
    case 440: return JW_MSG_307;
    case 446: return JW_MSG_315;
    case 490: return JW_MSG_323;
    case 437: return JW_MSG_302;
    case 439: return JW_MSG_306;
    case 441: return JW_MSG_308;
    case 447: return JW_MSG_316;
    case 486: return JW_MSG_317;
    case 487: return JW_MSG_318;
    case 488: return JW_MSG_319;
    case 489: return JW_MSG_320;
    case 491: return JW_MSG_325;
    default: return JW_MSG_UNKNOWN;
    }
}

jw_msg_type_t jw_ijw_retour_of(jw_msg_type_t type)
{
    switch (type) {
    case JW_MSG_302: return JW_MSG_301;
    case JW_MSG_306: return JW_MSG_305;
    case JW_MSG_308: return JW_MSG_307;
    case JW_MSG_316: return JW_MSG_315;
    case JW_MSG_318: return JW_MSG_317;
    case JW_MSG_320: return JW_MSG_319;
    default: return JW_MSG_UNKNOWN;
    }
}

int jw_ijw_is_retour(jw_msg_type_t type)
{
    return jw_ijw_retour_of(type) != JW_MSG_UNKNOWN;
}

void jw_ijw_msg_init(jw_ijw_msg_t *msg)
{
    memset(msg, 0, sizeof *msg);
}

void jw_ijw_msg_clear(jw_ijw_msg_t *msg)
{
    free(msg->clients);
    free(msg->toewijzingen);
    free(msg->verzoeken);
    free(msg->leveringen);
    free(msg->prestaties);
    free(msg->wijzigingen);
    jw_ijw_msg_init(msg);
}

void jw_ijw_redact(char *text)
{
    size_t i = 0;
    while (text[i]) {
        if (text[i] >= '0' && text[i] <= '9') {
            size_t j = i;
            while (text[j] >= '0' && text[j] <= '9') j++;
            if (j - i >= 9) memset(text + i, '*', j - i);
            i = j;
        } else {
            i++;
        }
    }
}

/* Drop "{namespace}" prefixes from libxml2 messages: they are long and say
 * nothing the element name does not. */
static void strip_namespaces(char *text)
{
    char *w = text;
    for (char *r = text; *r;) {
        if (*r == '{') {
            char *close = strchr(r, '}');
            if (close) {
                r = close + 1;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}

void jw_ijw_error_set(jw_ijw_error_t *err, jw_layer_t layer, const char *rule,
                      int line, const char *fmt, ...)
{
    va_list ap;
    err->layer = layer;
    snprintf(err->rule, sizeof err->rule, "%s", rule);
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* Trailing newlines from libxml2 messages. */
    size_t n = strlen(err->message);
    while (n > 0 && (err->message[n - 1] == '\n' || err->message[n - 1] == ' '))
        err->message[--n] = '\0';
    strip_namespaces(err->message);
    jw_ijw_redact(err->message);
}
