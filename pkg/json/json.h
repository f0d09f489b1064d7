/* json.h - a small JSON text builder (objects written field by field).
 *
 * A jw_json_t owns a growing buffer. Writers never fail midway: on an
 * allocation failure the builder remembers it, later calls do nothing,
 * and jw_json_finish() reports JW_JSON_ENOMEM. Fields are written in the
 * order they are added, so the same calls give the same bytes (event ids
 * are hashes of this text).
 */
#ifndef JW_JSON_H
#define JW_JSON_H

#include <stddef.h>
#include <stdint.h>

enum { JW_JSON_OK = 0, JW_JSON_ENOMEM = -1 };

typedef struct {
    char *buf;      /* owned; NUL-terminated after every call */
    size_t len;
    size_t cap;
    int failed;
    int need_comma; /* inside the innermost open object */
    int depth;
} jw_json_t;

void jw_json_init(jw_json_t *j);
void jw_json_reset(jw_json_t *j);   /* empty the text, keep the buffer */
void jw_json_free(jw_json_t *j);    /* free the buffer; j may be reused after init */

void jw_json_raw(jw_json_t *j, const char *text, size_t len); /* verbatim */
void jw_json_open(jw_json_t *j);                    /* { */
void jw_json_close(jw_json_t *j);                   /* } */
void jw_json_key_open(jw_json_t *j, const char *key); /* "key":{ */
void jw_json_str(jw_json_t *j, const char *key, const char *value); /* NULL -> null */
void jw_json_int(jw_json_t *j, const char *key, int64_t value);
void jw_json_uint(jw_json_t *j, const char *key, uint64_t value);
void jw_json_null(jw_json_t *j, const char *key);
void jw_json_bool(jw_json_t *j, const char *key, int value);
void jw_json_double(jw_json_t *j, const char *key, double value); /* %.6g; NaN -> null */
/* A JSON string literal for s (with quotes), appended; for tools. */
void jw_json_string_value(jw_json_t *j, const char *s);

int jw_json_finish(const jw_json_t *j); /* JW_JSON_OK or JW_JSON_ENOMEM */

#endif
