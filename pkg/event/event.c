/* event.c - the binary event record: writer, checker, reader, JSON (see
 * event.h for the format). */
#include "event/event.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

enum {
    TAG_STR = 1,
    TAG_HEX = 2,
    TAG_INT = 3,
    TAG_DATE = 4,
    TAG_BOOL_F = 5,
    TAG_BOOL_T = 6,
    TAG_NULL = 7,
    TAG_OPEN = 8,
    TAG_CLOSE = 9,
};

/* Strings longer than this are not events' (the longest field is a
 * message identity or a list of error codes); the checker refuses them so
 * a damaged length cannot ask for a huge buffer. */
#define MAX_STR 4096

static const char *const key_names[JW_EK_COUNT] = {
    [JW_EK_TYPE] = "type", [JW_EK_PROFILE] = "profile", [JW_EK_MSG] = "msg",
    [JW_EK_YID] = "yid", [JW_EK_RELEASE] = "release", [JW_EK_GEMEENTE] = "gemeente",
    [JW_EK_AANBIEDER] = "aanbieder", [JW_EK_TOEWIJZING] = "toewijzing",
    [JW_EK_SEGMENT] = "segment", [JW_EK_CATEGORIE] = "categorie", [JW_EK_PRODUCT] = "product",
    [JW_EK_DATE] = "date", [JW_EK_CLASS] = "class", [JW_EK_GAP_DAYS] = "gap_days",
    [JW_EK_PREV] = "prev", [JW_EK_END] = "end", [JW_EK_REQUEST_DATE] = "request_date",
    [JW_EK_TOEWIJZINGSDATUM] = "toewijzingsdatum", [JW_EK_FROM_AANBIEDER] = "from_aanbieder",
    [JW_EK_TO_AANBIEDER] = "to_aanbieder", [JW_EK_PREV_TOEWIJZING] = "prev_toewijzing",
    [JW_EK_START] = "start", [JW_EK_REASON] = "reason", [JW_EK_DURATION_DAYS] = "duration_days",
    [JW_EK_CONTINUED] = "continued", [JW_EK_MSG_DATE] = "msg_date", [JW_EK_WAIT_DAYS] = "wait_days",
    [JW_EK_VERWIJZER] = "verwijzer", [JW_EK_PERIOD] = "period", [JW_EK_VOLUME] = "volume",
    [JW_EK_UNIT] = "unit", [JW_EK_AMOUNT_CENTS] = "amount_cents", [JW_EK_REFERENTIE] = "referentie",
    [JW_EK_CREDITS] = "credits", [JW_EK_RETRACTS] = "retracts", [JW_EK_RETRACTS_SEQ] = "retracts_seq",
    [JW_EK_REFUSES] = "refuses", [JW_EK_CODES] = "codes", [JW_EK_CODE] = "code",
    [JW_EK_REDEN] = "reden", [JW_EK_MESSAGE] = "message", [JW_EK_LINE] = "line",
    [JW_EK_DAYS] = "days", [JW_EK_IDENTITY] = "identity", [JW_EK_SOURCE] = "source",
    [JW_EK_RULE] = "rule", [JW_EK_LAYER] = "layer",
};

const char *jw_event_strerror(int rc)
{
    switch (rc) {
    case JW_EVENT_OK: return "ok";
    case JW_EVENT_ENOMEM: return "out of memory";
    case JW_EVENT_EBADREC: return "malformed event record";
    case JW_EVENT_ENOTFOUND: return "event field absent";
    case JW_EVENT_ETYPE: return "event field of another kind";
    case JW_EVENT_ETOOLONG: return "event field too long";
    default: return "unknown event error";
    }
}

const char *jw_event_key_name(jw_event_key_t k)
{
    return k > JW_EK_NONE && k < JW_EK_COUNT ? key_names[k] : NULL;
}

jw_event_key_t jw_event_key_lookup(const char *name, size_t len)
{
    for (int k = 1; k < JW_EK_COUNT; k++)
        if (strlen(key_names[k]) == len && memcmp(key_names[k], name, len) == 0)
            return (jw_event_key_t)k;
    return JW_EK_NONE;
}

typedef struct {
    const uint8_t *p, *end;
} cur_t;

typedef struct {
    uint8_t key, tag;
    const uint8_t *p; /* STR/HEX payload */
    size_t n;
    int64_t i;
} field_t;

static int next_field(cur_t *c, field_t *f, int *depth);

/* ---- writer ---- */

void jw_event_w_init(jw_event_w_t *w)
{
    memset(w, 0, sizeof *w);
}

void jw_event_w_reset(jw_event_w_t *w)
{
    w->len = 0;
    w->failed = 0;
    w->depth = 0;
}

void jw_event_w_free(jw_event_w_t *w)
{
    free(w->buf);
    jw_event_w_init(w);
}

static uint8_t *room(jw_event_w_t *w, size_t extra)
{
    if (w->failed) return NULL;
    if (w->len + extra > w->cap) {
        size_t ncap = w->cap ? w->cap : 256;
        while (ncap < w->len + extra) ncap *= 2;
        uint8_t *nb = realloc(w->buf, ncap);
        if (!nb) {
            w->failed = 1;
            return NULL;
        }
        w->buf = nb;
        w->cap = ncap;
    }
    return w->buf + w->len;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void head(jw_event_w_t *w, jw_event_key_t k, uint8_t tag, size_t extra)
{
    assert(k > JW_EK_NONE && k < JW_EK_COUNT);
    uint8_t *p = room(w, 2 + extra);
    if (!p) return;
    p[0] = (uint8_t)k;
    p[1] = tag;
    w->len += 2;
}

static int lower_hex32(const char *s, size_t n)
{
    if (n != 32) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

void jw_event_w_str(jw_event_w_t *w, jw_event_key_t k, const char *v)
{
    if (!v) {
        jw_event_w_null(w, k);
        return;
    }
    size_t n = strlen(v);
    assert(n <= MAX_STR);
    if (lower_hex32(v, n)) {
        /* A pseudonym (or any 32-digit hex string) in half the bytes. */
        head(w, k, TAG_HEX, 16);
        uint8_t *p = room(w, 16);
        if (!p) return;
        sodium_hex2bin(p, 16, v, 32, NULL, NULL, NULL); /* cannot fail: 32 hex digits checked */
        w->len += 16;
        return;
    }
    head(w, k, TAG_STR, 10 + n);
    uint8_t *p = room(w, 10 + n);
    if (!p) return;
    size_t h = put_varint(p, n);
    memcpy(p + h, v, n);
    w->len += h + n;
}

static void put_int(jw_event_w_t *w, jw_event_key_t k, uint8_t tag, int64_t v)
{
    head(w, k, tag, 10);
    uint8_t *p = room(w, 10);
    if (!p) return;
    w->len += put_varint(p, zigzag(v));
}

void jw_event_w_int(jw_event_w_t *w, jw_event_key_t k, int64_t v)
{
    put_int(w, k, TAG_INT, v);
}

void jw_event_w_date(jw_event_w_t *w, jw_event_key_t k, jw_date_t d)
{
    put_int(w, k, TAG_DATE, d);
}

void jw_event_w_null(jw_event_w_t *w, jw_event_key_t k)
{
    head(w, k, TAG_NULL, 0);
}

void jw_event_w_bool(jw_event_w_t *w, jw_event_key_t k, int v)
{
    head(w, k, v ? TAG_BOOL_T : TAG_BOOL_F, 0);
}

void jw_event_w_open(jw_event_w_t *w, jw_event_key_t k)
{
    assert(w->depth == 0);
    head(w, k, TAG_OPEN, 0);
    w->depth++;
}

void jw_event_w_close(jw_event_w_t *w)
{
    assert(w->depth == 1);
    uint8_t *p = room(w, 2);
    w->depth--;
    if (!p) return;
    p[0] = 0;
    p[1] = TAG_CLOSE;
    w->len += 2;
}

void jw_event_w_raw(jw_event_w_t *w, const uint8_t *body, size_t len)
{
    if (!len) return;
    uint8_t *p = room(w, len);
    if (!p) return;
    memcpy(p, body, len);
    w->len += len;
}

int jw_event_w_copy(jw_event_w_t *w, const uint8_t *body, size_t len, const jw_event_key_t *k,
                    const char *const *v, size_t n)
{
    cur_t c = {body, len ? body + len : body};
    int depth = 0;
    field_t f;
    while (c.p < c.end) {
        const uint8_t *at = c.p;
        int top = depth == 0;
        if (next_field(&c, &f, &depth)) return JW_EVENT_EBADREC;
        size_t r = n;
        if (top && (f.tag == TAG_STR || f.tag == TAG_HEX))
            for (r = 0; r < n && k[r] != (jw_event_key_t)f.key; r++) {}
        if (r < n) jw_event_w_str(w, k[r], v[r]);
        else jw_event_w_raw(w, at, (size_t)(c.p - at));
    }
    if (depth) return JW_EVENT_EBADREC;
    return jw_event_w_finish(w);
}

int jw_event_w_finish(const jw_event_w_t *w)
{
    return w->failed ? JW_EVENT_ENOMEM : JW_EVENT_OK;
}

/* ---- one field at a time, bounds-checked ---- */

static int get_varint(cur_t *c, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->end) return -1;
        uint8_t b = *c->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* The next field; depth tracks OPEN/CLOSE (at most one level). */
static int next_field(cur_t *c, field_t *f, int *depth)
{
    uint64_t v;
    if (c->end - c->p < 2) return -1;
    f->key = c->p[0];
    f->tag = c->p[1];
    c->p += 2;
    f->p = NULL;
    f->n = 0;
    f->i = 0;
    if (f->tag == TAG_CLOSE) {
        if (f->key != 0 || *depth != 1) return -1;
        (*depth)--;
        return 0;
    }
    if (f->key == JW_EK_NONE || f->key >= JW_EK_COUNT) return -1;
    switch (f->tag) {
    case TAG_STR:
        if (get_varint(c, &v) || v > MAX_STR || (uint64_t)(c->end - c->p) < v) return -1;
        f->p = c->p;
        f->n = (size_t)v;
        if (memchr(f->p, '\0', f->n)) return -1;
        c->p += v;
        return 0;
    case TAG_HEX:
        if (c->end - c->p < 16) return -1;
        f->p = c->p;
        f->n = 16;
        c->p += 16;
        return 0;
    case TAG_INT:
    case TAG_DATE:
        if (get_varint(c, &v)) return -1;
        f->i = unzigzag(v);
        /* a date is absent or in the years 0001..9999 (date.h's range
         * arithmetic; jw never stores dates outside 1900..2100) */
        if (f->tag == TAG_DATE && f->i != JW_DATE_NONE && (f->i < -719162 || f->i > 2932896)) return -1;
        return 0;
    case TAG_BOOL_F:
    case TAG_BOOL_T:
        f->i = f->tag == TAG_BOOL_T;
        return 0;
    case TAG_NULL:
        return 0;
    case TAG_OPEN:
        if (*depth != 0) return -1;
        (*depth)++;
        return 0;
    default:
        return -1;
    }
}

static int check_body(const uint8_t *body, size_t len)
{
    cur_t c = {body, len ? body + len : body};
    int depth = 0;
    field_t f;
    while (c.p < c.end)
        if (next_field(&c, &f, &depth)) return JW_EVENT_EBADREC;
    return depth == 0 ? 0 : JW_EVENT_EBADREC;
}

int jw_event_check(const void *rec, size_t len)
{
    const uint8_t *r = rec;
    if (len < JW_EVENT_HEAD || r[0] != JW_EVENT_VERSION) return JW_EVENT_EBADREC;
    return check_body(r + JW_EVENT_HEAD, len - JW_EVENT_HEAD);
}

/* ---- JSON ---- */

/* The JSON text of one field, appended the way jw_json's writers would
 * append it (json.c: a comma before every member but the first of an
 * object, the same escapes), but without a printf or a strlen per call:
 * this runs for every event a subscriber gets and for every new event's
 * id. test_event checks it against jw_json byte for byte. */
static void put_escaped(jw_json_t *j, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    jw_json_raw(j, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = p[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        jw_json_raw(j, (const char *)p + run, i - run);
        run = i + 1;
        switch (ch) {
        case '"': jw_json_raw(j, "\\\"", 2); break;
        case '\\': jw_json_raw(j, "\\\\", 2); break;
        case '\n': jw_json_raw(j, "\\n", 2); break;
        case '\r': jw_json_raw(j, "\\r", 2); break;
        case '\t': jw_json_raw(j, "\\t", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            jw_json_raw(j, esc, 6);
        }
        }
    }
    jw_json_raw(j, (const char *)p + run, n - run);
    jw_json_raw(j, "\"", 1);
}

static void put_key(jw_json_t *j, const char *k)
{
    char buf[40];
    size_t n = 0, kl = strlen(k);
    if (j->need_comma) buf[n++] = ',';
    buf[n++] = '"';
    memcpy(buf + n, k, kl);
    n += kl;
    buf[n++] = '"';
    buf[n++] = ':';
    jw_json_raw(j, buf, n);
    j->need_comma = 1;
}

static void put_i64(jw_json_t *j, int64_t v)
{
    char buf[24];
    size_t n = sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        buf[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[--n] = '-';
    jw_json_raw(j, buf + n, sizeof buf - n);
}

static int render_field(jw_json_t *j, const field_t *f)
{
    if (f->tag == TAG_CLOSE) {
        jw_json_raw(j, "}", 1);
        j->need_comma = 1;
        j->depth--;
        return 0;
    }
    char small[40];
    put_key(j, key_names[f->key]);
    switch (f->tag) {
    case TAG_STR: put_escaped(j, f->p, f->n); return 0;
    case TAG_HEX:
        sodium_bin2hex(small, sizeof small, f->p, 16);
        put_escaped(j, (const uint8_t *)small, 32);
        return 0;
    case TAG_INT: put_i64(j, f->i); return 0;
    case TAG_DATE:
        jw_date_format((jw_date_t)f->i, small);
        put_escaped(j, (const uint8_t *)small, strlen(small));
        return 0;
    case TAG_BOOL_F: jw_json_raw(j, "false", 5); return 0;
    case TAG_BOOL_T: jw_json_raw(j, "true", 4); return 0;
    case TAG_NULL: jw_json_raw(j, "null", 4); return 0;
    case TAG_OPEN:
        jw_json_raw(j, "{", 1);
        j->need_comma = 0;
        j->depth++;
        return 0;
    default: return JW_EVENT_EBADREC;
    }
}

static int render_body(const uint8_t *body, size_t len, jw_json_t *out)
{
    cur_t c = {body, len ? body + len : body};
    int depth = 0, rc;
    field_t f;
    while (c.p < c.end) {
        if (next_field(&c, &f, &depth)) return JW_EVENT_EBADREC;
        if ((rc = render_field(out, &f))) return rc;
    }
    if (depth) return JW_EVENT_EBADREC;
    return jw_json_finish(out) ? JW_EVENT_ENOMEM : 0;
}

int jw_event_body_json(const uint8_t *body, size_t len, jw_json_t *out)
{
    out->depth = 1;
    out->need_comma = 0;
    return render_body(body, len, out);
}

int jw_event_body_id(const uint8_t *body, size_t len, jw_json_t *scratch, uint8_t id[8])
{
    jw_json_reset(scratch);
    int rc = jw_event_body_json(body, len, scratch);
    if (rc) return rc;
    crypto_generichash(id, 8, (const unsigned char *)scratch->buf, scratch->len, NULL, 0);
    return 0;
}

void jw_event_record(const uint8_t id[8], const uint8_t *body, size_t len, uint8_t *out)
{
    out[0] = JW_EVENT_VERSION;
    memcpy(out + 1, id, 8);
    if (len) memcpy(out + JW_EVENT_HEAD, body, len);
}

int jw_event_json(const void *rec, size_t len, uint64_t seq, jw_json_t *out)
{
    const uint8_t *r = rec;
    char head_[64], idhex[17];
    if (len < JW_EVENT_HEAD || r[0] != JW_EVENT_VERSION) return JW_EVENT_EBADREC;
    sodium_bin2hex(idhex, sizeof idhex, r + 1, 8);
    int n = snprintf(head_, sizeof head_, "{\"id\":\"%s\",\"seq\":%llu,", idhex, (unsigned long long)seq);
    jw_json_reset(out);
    jw_json_raw(out, head_, (size_t)n);
    int rc = jw_event_body_json(r + JW_EVENT_HEAD, len - JW_EVENT_HEAD, out);
    if (rc) return rc;
    jw_json_raw(out, "}", 1);
    return jw_json_finish(out) ? JW_EVENT_ENOMEM : 0;
}

/* ---- reader ---- */

static int view_fields(const uint8_t *p, size_t len, int nested, jw_event_view_t *v)
{
    cur_t c = {p, len ? p + len : p};
    int depth = nested ? 1 : 0;
    field_t f;
    memset(v->f, 0, sizeof v->f);
    while (c.p < c.end) {
        if (next_field(&c, &f, &depth)) return JW_EVENT_EBADREC;
        if (f.tag == TAG_CLOSE) {
            if (nested) return 0;
            continue;
        }
        if (nested && depth > 1) return JW_EVENT_EBADREC;
        jw_event_field_t *o = &v->f[f.key];
        o->tag = f.tag;
        o->p = f.p;
        o->n = f.n;
        o->i = f.i;
        if (f.tag == TAG_OPEN) {
            /* Skip the nested object: remember where it starts and ends. */
            const uint8_t *start = c.p;
            while (depth) {
                if (next_field(&c, &f, &depth)) return JW_EVENT_EBADREC;
            }
            o->p = start;
            o->n = (size_t)(c.p - start);
        }
    }
    if (nested || depth) return JW_EVENT_EBADREC;
    return 0;
}

int jw_event_view(const void *rec, size_t len, jw_event_view_t *v)
{
    const uint8_t *r = rec;
    if (len < JW_EVENT_HEAD || r[0] != JW_EVENT_VERSION) return JW_EVENT_EBADREC;
    v->id = r + 1;
    v->body = r + JW_EVENT_HEAD;
    v->body_len = len - JW_EVENT_HEAD;
    return view_fields(v->body, v->body_len, 0, v);
}

int jw_event_view_sub(const jw_event_field_t *f, jw_event_view_t *sub)
{
    if (f->tag != TAG_OPEN) return f->tag ? JW_EVENT_ETYPE : JW_EVENT_ENOTFOUND;
    sub->id = NULL;
    sub->body = f->p;
    sub->body_len = f->n;
    return view_fields(f->p, f->n, 1, sub);
}

static const jw_event_field_t *field(const jw_event_view_t *v, jw_event_key_t k)
{
    if (k <= JW_EK_NONE || k >= JW_EK_COUNT) return NULL;
    const jw_event_field_t *f = &v->f[k];
    return f->tag && f->tag != TAG_NULL ? f : NULL;
}

int jw_event_is_null(const jw_event_view_t *v, jw_event_key_t k)
{
    return k > JW_EK_NONE && k < JW_EK_COUNT && v->f[k].tag == TAG_NULL;
}

int jw_event_get_str(const jw_event_view_t *v, jw_event_key_t k, char *out, size_t cap)
{
    const jw_event_field_t *f = field(v, k);
    if (cap) out[0] = '\0';
    if (!f) return JW_EVENT_ENOTFOUND;
    if (f->tag == TAG_HEX) {
        if (cap < 33) return JW_EVENT_ETOOLONG;
        sodium_bin2hex(out, cap, f->p, 16);
        return 0;
    }
    if (f->tag == TAG_DATE) {
        if (cap < 11) return JW_EVENT_ETOOLONG;
        jw_date_format((jw_date_t)f->i, out);
        return 0;
    }
    if (f->tag != TAG_STR) return JW_EVENT_ETYPE;
    if (f->n + 1 > cap) return JW_EVENT_ETOOLONG;
    memcpy(out, f->p, f->n);
    out[f->n] = '\0';
    return 0;
}

int jw_event_get_bytes(const jw_event_view_t *v, jw_event_key_t k, const char **p, size_t *n)
{
    const jw_event_field_t *f = field(v, k);
    if (!f) return JW_EVENT_ENOTFOUND;
    if (f->tag != TAG_STR) return JW_EVENT_ETYPE;
    *p = (const char *)f->p;
    *n = f->n;
    return 0;
}

int jw_event_get_int(const jw_event_view_t *v, jw_event_key_t k, int64_t *out)
{
    const jw_event_field_t *f = field(v, k);
    if (!f) return JW_EVENT_ENOTFOUND;
    if (f->tag != TAG_INT) return JW_EVENT_ETYPE;
    *out = f->i;
    return 0;
}

int jw_event_get_date(const jw_event_view_t *v, jw_event_key_t k, jw_date_t *out)
{
    const jw_event_field_t *f = field(v, k);
    if (!f) return JW_EVENT_ENOTFOUND;
    if (f->tag != TAG_DATE) return JW_EVENT_ETYPE;
    *out = (jw_date_t)f->i;
    return 0;
}

int jw_event_get_bool(const jw_event_view_t *v, jw_event_key_t k, int *out)
{
    const jw_event_field_t *f = field(v, k);
    if (!f) return JW_EVENT_ENOTFOUND;
    if (f->tag != TAG_BOOL_F && f->tag != TAG_BOOL_T) return JW_EVENT_ETYPE;
    *out = (int)f->i;
    return 0;
}
