/* event.c - read one event (a flat JSON object, SPEC §4 field names) into
 * an ev_t. The reader is strict about what it uses (types, lengths, dates)
 * and skips everything else, nested objects included. */
#include "indicators/ind_internal.h"
#include "event/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p, *end;
} cur_t;

static void ws(cur_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

/* A JSON string into out (cap bytes incl. NUL); escapes other than the
 * simple ones become '?'. Returns 0, -1 on syntax, -2 when too long
 * (out is then truncated, still a string). out may be NULL (skip). */
static int read_string(cur_t *c, char *out, size_t cap)
{
    size_t n = 0;
    int too_long = 0;
    if (c->p >= c->end || *c->p != '"') return -1;
    c->p++;
    while (c->p < c->end && *c->p != '"') {
        char ch = *c->p++;
        if ((unsigned char)ch < 0x20) return -1;
        if (ch == '\\') {
            if (c->p >= c->end) return -1;
            char e = *c->p++;
            switch (e) {
            case '"': case '\\': case '/': ch = e; break;
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'u':
                if (c->end - c->p < 4) return -1;
                c->p += 4;
                ch = '?';
                break;
            default: return -1;
            }
        }
        if (out) {
            if (n + 1 < cap) out[n++] = ch;
            else too_long = 1;
        }
    }
    if (c->p >= c->end) return -1;
    c->p++;
    if (out && cap) out[n] = '\0';
    return too_long ? -2 : 0;
}

/* Skip any JSON value. */
static int skip_value(cur_t *c, int depth)
{
    ws(c);
    if (c->p >= c->end || depth > 16) return -1;
    char ch = *c->p;
    if (ch == '"') return read_string(c, NULL, 0);
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->p++;
        ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return 0;
        }
        for (;;) {
            if (ch == '{') {
                ws(c);
                if (read_string(c, NULL, 0)) return -1;
                ws(c);
                if (c->p >= c->end || *c->p != ':') return -1;
                c->p++;
            }
            if (skip_value(c, depth + 1)) return -1;
            ws(c);
            if (c->p >= c->end) return -1;
            if (*c->p == ',') {
                c->p++;
                continue;
            }
            if (*c->p == close) {
                c->p++;
                return 0;
            }
            return -1;
        }
    }
    /* number, true, false, null */
    const char *s = c->p;
    while (c->p < c->end && (*c->p == '-' || *c->p == '+' || *c->p == '.' ||
                             (*c->p >= '0' && *c->p <= '9') || (*c->p >= 'a' && *c->p <= 'z') ||
                             *c->p == 'E'))
        c->p++;
    return c->p == s ? -1 : 0;
}

/* A scalar value's raw text: kind 's' string (into buf), 'n' number or
 * literal (raw text into buf), 'o' skipped object/array. */
static int read_scalar(cur_t *c, char *buf, size_t cap, char *kind)
{
    ws(c);
    if (c->p >= c->end) return -1;
    if (*c->p == '"') {
        *kind = 's';
        return read_string(c, buf, cap);
    }
    if (*c->p == '{' || *c->p == '[') {
        *kind = 'o';
        buf[0] = '\0';
        return skip_value(c, 0);
    }
    const char *s = c->p;
    if (skip_value(c, 0)) return -1;
    size_t n = (size_t)(c->p - s);
    if (n + 1 > cap) {
        buf[0] = '\0';
        return -2;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    *kind = 'n';
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static int hex_bytes(const char *s, uint8_t *out, size_t n)
{
    if (strlen(s) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
        if (h < 0 || l < 0) return -1;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
    int neg = 0;
    uint64_t v = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        if (v > (UINT64_C(1) << 62)) return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

static const struct {
    const char *name;
    ev_type_t type;
} types[] = {
    {"request", EV_REQUEST},   {"start", EV_START},
    {"stop", EV_STOP},         {"transfer", EV_TRANSFER},
    {"recidive", EV_RECIDIVE}, {"delivery_start", EV_DSTART},
    {"delivery_stop", EV_DSTOP}, {"declared", EV_DECLARED},
    {"retract", EV_RETRACT},   {"refused", EV_REFUSED},
    {"message_refused", EV_MSG_REFUSED}, {"request_refused", EV_REQ_REFUSED},
};

static int class_of(const char *s)
{
    static const char *names[] = {"instroom", "stapeling", "doorstroom", "recidive", "hernieuwd"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

#define FAIL(...)                                      \
    do {                                               \
        snprintf(err, errlen, __VA_ARGS__);            \
        return -1;                                     \
    } while (0)

/* The checks every event gets once its fields are read, from JSON or from
 * a record alike. */
static int finish(ev_t *e, const char *type, const char *profile_name, int have_id, int have_yid,
                  int have_retracts, int have_date, int have_cls, int have_dur, int have_amount,
                  int have_cont, const char *to_aanbieder, const char *message, const char *codes,
                  const jw_profile_t *profile, int *profile_mismatch, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i].name) == 0) e->type = (uint8_t)types[i].type;
    if (e->type == EV_NONE) {
        if (!type[0]) FAIL("no 'type'");
        /* an unknown type is not an error: the caller ignores it */
        return 0;
    }
    if (strcmp(profile_name, jw_profile_name(profile)) != 0) {
        *profile_mismatch = 1;
        FAIL("event of profile '%.64s', not '%.64s'", profile_name, jw_profile_name(profile));
    }
    if (!have_id) FAIL("no 'id'");
    if (!have_yid) FAIL("no 'yid'");
    if (e->type == EV_RETRACT) {
        if (!have_retracts) FAIL("retract without 'retracts'");
        return 0;
    }
    if (e->type == EV_TRANSFER) memcpy(e->aanbieder, to_aanbieder, sizeof e->aanbieder);
    if (e->type == EV_MSG_REFUSED) {
        if (strncmp(message, "JW", 2) != 0 || strlen(message) != 5) FAIL("bad 'message'");
        e->reason = (int32_t)strtol(message + 2, NULL, 10);
        e->credit = strstr(codes, "0001") != NULL;
    }
    if (e->type == EV_REQ_REFUSED && (e->request_date == IND_NONE32 || e->wait_days == IND_NONE32))
        FAIL("request_refused without request_date or days");
    if (e->type != EV_REQUEST && !have_date) FAIL("no 'date'");
    if (e->type == EV_REQUEST && e->msg_date == IND_NONE32) FAIL("request without 'msg_date'");
    if ((e->type == EV_START || e->type == EV_STOP) && !have_cls) FAIL("no 'class'");
    if (e->type == EV_STOP && (!have_dur || !have_cont || e->start == IND_NONE32))
        FAIL("stop without duration_days, continued or start");
    if ((e->type == EV_DECLARED || e->type == EV_REFUSED) && !have_amount)
        FAIL("declared or refused without amount_cents");
    if (e->type != EV_REQUEST && e->type != EV_DECLARED && !e->gemeente[0]) FAIL("no 'gemeente'");
    if (!e->segment[0]) snprintf(e->segment, sizeof e->segment, "overig");
    e->verblijf = (uint8_t)jw_profile_segment_verblijf(profile, e->segment);
    int days = 0;
    double share = 0;
    if (jw_profile_wait_norm(profile, e->segment, &days, &share)) {
        e->has_norm = 1;
        e->norm_days = days;
    }
    return 0;
}

int ind_event_parse(const char *json, size_t len, const jw_profile_t *profile, ev_t *e,
                    int *profile_mismatch, char *err, size_t errlen)
{
    cur_t c = {json, json + len};
    char key[40], val[80], kind = 0;
    char type[24] = "", profile_name[80] = "";
    int have_id = 0, have_yid = 0, have_date = 0, have_retracts = 0, have_cls = 0;
    int have_dur = 0, have_amount = 0, have_cont = 0;
    char to_aanbieder[9] = "";
    char message[8] = "", codes[64] = "";

    memset(e, 0, sizeof *e);
    e->cls = -1;
    e->reason = -1;
    e->date = e->start = e->request_date = e->toewijzingsdatum = e->msg_date = IND_NONE32;
    e->duration = e->wait_days = IND_NONE32;
    *profile_mismatch = 0;

    ws(&c);
    if (c.p >= c.end || *c.p != '{') FAIL("not a JSON object");
    c.p++;
    ws(&c);
    if (c.p < c.end && *c.p == '}') FAIL("empty object");
    for (;;) {
        ws(&c);
        if (read_string(&c, key, sizeof key) == -1) FAIL("bad key");
        ws(&c);
        if (c.p >= c.end || *c.p != ':') FAIL("missing ':'");
        c.p++;
        int rc = read_scalar(&c, val, sizeof val, &kind);
        if (rc == -1) FAIL("bad value of '%.32s'", key);
        int is_null = kind == 'n' && strcmp(val, "null") == 0;
        int is_str = kind == 's';
#define STRFIELD(name, dst)                                                              \
    else if (strcmp(key, name) == 0) {                                                   \
        if (is_null) (dst)[0] = '\0';                                                    \
        else if (!is_str || rc == -2 || strlen(val) >= sizeof(dst))                      \
            FAIL("bad '%s'", name);                                                      \
        else memcpy(dst, val, strlen(val) + 1);                                          \
    }
#define DATEFIELD(name, dst)                                                             \
    else if (strcmp(key, name) == 0) {                                                   \
        jw_date_t d_;                                                                    \
        if (is_null) (dst) = IND_NONE32;                                                 \
        else if (!is_str || jw_date_parse(val, strlen(val), &d_)) FAIL("bad '%s'", name); \
        else (dst) = d_;                                                                 \
    }
        if (rc == -2 && strcmp(key, "msg") != 0 && strcmp(key, "product") != 0 &&
            strcmp(key, "prev") != 0) {
            /* an over-long value of a field we read is an error; others are skipped */
            if (strcmp(key, "type") == 0 || strcmp(key, "id") == 0 || strcmp(key, "yid") == 0 ||
                strcmp(key, "segment") == 0 || strcmp(key, "gemeente") == 0 ||
                strcmp(key, "aanbieder") == 0)
                FAIL("value of '%.32s' too long", key);
        }
        if (strcmp(key, "type") == 0) {
            if (!is_str || strlen(val) >= sizeof type) FAIL("bad 'type'");
            memcpy(type, val, strlen(val) + 1);
        } else if (strcmp(key, "profile") == 0) {
            if (!is_str || strlen(val) >= sizeof profile_name) FAIL("bad 'profile'");
            memcpy(profile_name, val, strlen(val) + 1);
        } else if (strcmp(key, "id") == 0) {
            if (!is_str || hex_bytes(val, e->id, 8)) FAIL("bad 'id'");
            have_id = 1;
        } else if (strcmp(key, "yid") == 0) {
            if (!is_str || hex_bytes(val, e->yid, YID_BIN)) FAIL("bad 'yid'");
            have_yid = 1;
        } else if (strcmp(key, "retracts") == 0) {
            if (!is_str || hex_bytes(val, e->retracts, 8)) FAIL("bad 'retracts'");
            have_retracts = 1;
        }
        STRFIELD("gemeente", e->gemeente)
        STRFIELD("aanbieder", e->aanbieder)
        STRFIELD("from_aanbieder", e->from_aanbieder)
        STRFIELD("to_aanbieder", to_aanbieder)
        STRFIELD("message", message)
        STRFIELD("codes", codes)
        else if (strcmp(key, "days") == 0) {
            int64_t v;
            if (is_null || kind != 'n' || parse_i64(val, &v) || v < -100000 || v > 100000)
                FAIL("bad 'days'");
            e->wait_days = (int32_t)v;
        }
        STRFIELD("segment", e->segment)
        STRFIELD("unit", e->unit)
        else if (strcmp(key, "date") == 0) {
            if (!is_str || jw_date_parse(val, strlen(val), &e->date)) FAIL("bad 'date'");
            have_date = 1;
        }
        DATEFIELD("start", e->start)
        DATEFIELD("request_date", e->request_date)
        DATEFIELD("toewijzingsdatum", e->toewijzingsdatum)
        DATEFIELD("msg_date", e->msg_date)
        else if (strcmp(key, "class") == 0) {
            if (is_str) {
                e->cls = (int8_t)class_of(val);
                if (e->cls < 0) FAIL("unknown class '%.20s'", val);
                have_cls = 1;
            }
        } else if (strcmp(key, "continued") == 0) {
            if (kind != 'n' || (strcmp(val, "true") && strcmp(val, "false"))) FAIL("bad 'continued'");
            e->continued = val[0] == 't';
            have_cont = 1;
        } else if (strcmp(key, "toewijzing") == 0) {
            if (!is_null) {
                if (kind != 'n' || parse_i64(val, &e->toewijzing)) FAIL("bad 'toewijzing'");
                e->has_toew = 1;
            }
        } else if (strcmp(key, "duration_days") == 0 || strcmp(key, "wait_days") == 0) {
            int64_t v;
            if (!is_null) {
                if (kind != 'n' || parse_i64(val, &v) || v < -100000 || v > 100000)
                    FAIL("bad '%s'", key);
                if (key[0] == 'd') {
                    e->duration = (int32_t)v;
                    have_dur = 1;
                } else {
                    e->wait_days = (int32_t)v;
                    e->has_wait = 1;
                }
            }
        } else if (strcmp(key, "reason") == 0) {
            if (!is_null) {
                int64_t v;
                if (!is_str || strlen(val) != 2 || parse_i64(val, &v)) FAIL("bad 'reason'");
                e->reason = (int32_t)v;
            }
        } else if (strcmp(key, "volume") == 0) {
            if (!is_null && (kind != 'n' || parse_i64(val, &e->volume))) FAIL("bad 'volume'");
        } else if (strcmp(key, "amount_cents") == 0) {
            if (kind != 'n' || parse_i64(val, &e->amount)) FAIL("bad 'amount_cents'");
            have_amount = 1;
        } else if (strcmp(key, "credits") == 0) {
            e->credit = !is_null;
        }
#undef STRFIELD
#undef DATEFIELD
        ws(&c);
        if (c.p >= c.end) FAIL("unterminated object");
        if (*c.p == ',') {
            c.p++;
            continue;
        }
        if (*c.p == '}') break;
        FAIL("expected ',' or '}'");
    }

    return finish(e, type, profile_name, have_id, have_yid, have_retracts, have_date, have_cls,
                  have_dur, have_amount, have_cont, to_aanbieder, message, codes, profile,
                  profile_mismatch, err, errlen);
}

/* ---- the same from a binary record (event.h) ----
 *
 * What the store keeps: jw_ind_catch_up reads these directly instead of
 * rendering JSON and parsing it back. Field for field the rules of
 * ind_event_parse above: a null string field is empty, a null date is
 * absent, a field of the wrong kind is an error (test_indicators checks
 * that both readers give the same ev_t for every event of a store). */

/* A string field into dst: absent or null = "", else it must fit. */
static int rec_str(const jw_event_view_t *v, jw_event_key_t k, char *dst, size_t cap)
{
    dst[0] = '\0';
    if (!v->f[k].tag || jw_event_is_null(v, k)) return 0;
    return jw_event_get_str(v, k, dst, cap) == 0 ? 0 : -1;
}

/* A date field: 1 when present (into *out), 0 absent or null, -1 bad. */
static int rec_date(const jw_event_view_t *v, jw_event_key_t k, int32_t *out)
{
    jw_date_t d;
    if (!v->f[k].tag || jw_event_is_null(v, k)) return 0;
    if (jw_event_get_date(v, k, &d) || d == JW_DATE_NONE) return -1;
    *out = d;
    return 1;
}

/* An integer field: 1 present, 0 absent or null, -1 bad. */
static int rec_int(const jw_event_view_t *v, jw_event_key_t k, int64_t *out)
{
    if (!v->f[k].tag || jw_event_is_null(v, k)) return 0;
    return jw_event_get_int(v, k, out) ? -1 : 1;
}

int ind_event_from_record(const void *rec, size_t len, const jw_profile_t *profile, ev_t *e,
                          int *profile_mismatch, char *err, size_t errlen)
{
    jw_event_view_t v;
    char type[24], profile_name[80], hex[40], to_aanbieder[9], message[8], codes[64], val[8];
    int have_id = 0, have_yid = 0, have_date = 0, have_retracts = 0, have_cls = 0;
    int have_dur = 0, have_amount = 0, have_cont = 0, r;
    int64_t i64;

    memset(e, 0, sizeof *e);
    e->cls = -1;
    e->reason = -1;
    e->date = e->start = e->request_date = e->toewijzingsdatum = e->msg_date = IND_NONE32;
    e->duration = e->wait_days = IND_NONE32;
    *profile_mismatch = 0;

    if (jw_event_view(rec, len, &v)) FAIL("not an event record");
    memcpy(e->id, v.id, 8);
    have_id = 1;
    if (rec_str(&v, JW_EK_TYPE, type, sizeof type) || (v.f[JW_EK_TYPE].tag && jw_event_is_null(&v, JW_EK_TYPE)))
        FAIL("bad 'type'");
    if (rec_str(&v, JW_EK_PROFILE, profile_name, sizeof profile_name) ||
        (v.f[JW_EK_PROFILE].tag && jw_event_is_null(&v, JW_EK_PROFILE)))
        FAIL("bad 'profile'");
    if (v.f[JW_EK_YID].tag) {
        if (jw_event_get_str(&v, JW_EK_YID, hex, sizeof hex) || hex_bytes(hex, e->yid, YID_BIN))
            FAIL("bad 'yid'");
        have_yid = 1;
    }
    if (v.f[JW_EK_RETRACTS].tag) {
        if (jw_event_get_str(&v, JW_EK_RETRACTS, hex, sizeof hex) || hex_bytes(hex, e->retracts, 8))
            FAIL("bad 'retracts'");
        have_retracts = 1;
    }
    if (rec_str(&v, JW_EK_GEMEENTE, e->gemeente, sizeof e->gemeente)) FAIL("bad 'gemeente'");
    if (rec_str(&v, JW_EK_AANBIEDER, e->aanbieder, sizeof e->aanbieder)) FAIL("bad 'aanbieder'");
    if (rec_str(&v, JW_EK_FROM_AANBIEDER, e->from_aanbieder, sizeof e->from_aanbieder)) FAIL("bad 'from_aanbieder'");
    if (rec_str(&v, JW_EK_TO_AANBIEDER, to_aanbieder, sizeof to_aanbieder)) FAIL("bad 'to_aanbieder'");
    if (rec_str(&v, JW_EK_MESSAGE, message, sizeof message)) FAIL("bad 'message'");
    if (rec_str(&v, JW_EK_CODES, codes, sizeof codes)) FAIL("bad 'codes'");
    if (rec_str(&v, JW_EK_SEGMENT, e->segment, sizeof e->segment)) FAIL("bad 'segment'");
    if (rec_str(&v, JW_EK_UNIT, e->unit, sizeof e->unit)) FAIL("bad 'unit'");
    if (v.f[JW_EK_DAYS].tag) {
        if (rec_int(&v, JW_EK_DAYS, &i64) != 1 || i64 < -100000 || i64 > 100000) FAIL("bad 'days'");
        e->wait_days = (int32_t)i64;
    }
    if (v.f[JW_EK_DATE].tag) {
        if (rec_date(&v, JW_EK_DATE, &e->date) != 1) FAIL("bad 'date'");
        have_date = 1;
    }
    if (rec_date(&v, JW_EK_START, &e->start) < 0) FAIL("bad 'start'");
    if (rec_date(&v, JW_EK_REQUEST_DATE, &e->request_date) < 0) FAIL("bad 'request_date'");
    if (rec_date(&v, JW_EK_TOEWIJZINGSDATUM, &e->toewijzingsdatum) < 0) FAIL("bad 'toewijzingsdatum'");
    if (rec_date(&v, JW_EK_MSG_DATE, &e->msg_date) < 0) FAIL("bad 'msg_date'");
    if (v.f[JW_EK_CLASS].tag && !jw_event_is_null(&v, JW_EK_CLASS)) {
        char cls[24];
        if (jw_event_get_str(&v, JW_EK_CLASS, cls, sizeof cls) == 0) {
            e->cls = (int8_t)class_of(cls);
            if (e->cls < 0) FAIL("unknown class '%.20s'", cls);
            have_cls = 1;
        }
    }
    if (v.f[JW_EK_CONTINUED].tag) {
        int b;
        if (jw_event_get_bool(&v, JW_EK_CONTINUED, &b)) FAIL("bad 'continued'");
        e->continued = (uint8_t)b;
        have_cont = 1;
    }
    if ((r = rec_int(&v, JW_EK_TOEWIJZING, &e->toewijzing)) < 0) FAIL("bad 'toewijzing'");
    e->has_toew = r == 1;
    if ((r = rec_int(&v, JW_EK_DURATION_DAYS, &i64)) < 0 || (r == 1 && (i64 < -100000 || i64 > 100000)))
        FAIL("bad 'duration_days'");
    if (r == 1) {
        e->duration = (int32_t)i64;
        have_dur = 1;
    }
    if ((r = rec_int(&v, JW_EK_WAIT_DAYS, &i64)) < 0 || (r == 1 && (i64 < -100000 || i64 > 100000)))
        FAIL("bad 'wait_days'");
    if (r == 1) {
        e->wait_days = (int32_t)i64;
        e->has_wait = 1;
    }
    if (v.f[JW_EK_REASON].tag && !jw_event_is_null(&v, JW_EK_REASON)) {
        if (jw_event_get_str(&v, JW_EK_REASON, val, sizeof val) || strlen(val) != 2 || parse_i64(val, &i64))
            FAIL("bad 'reason'");
        e->reason = (int32_t)i64;
    }
    if (rec_int(&v, JW_EK_VOLUME, &e->volume) < 0) FAIL("bad 'volume'");
    if (v.f[JW_EK_AMOUNT_CENTS].tag) {
        if (rec_int(&v, JW_EK_AMOUNT_CENTS, &e->amount) != 1) FAIL("bad 'amount_cents'");
        have_amount = 1;
    }
    e->credit = v.f[JW_EK_CREDITS].tag && !jw_event_is_null(&v, JW_EK_CREDITS);
    if (!v.f[JW_EK_TYPE].tag) type[0] = '\0';
    if (!v.f[JW_EK_PROFILE].tag) profile_name[0] = '\0';
    return finish(e, type, profile_name, have_id, have_yid, have_retracts, have_date, have_cls,
                  have_dur, have_amount, have_cont, to_aanbieder, message, codes, profile,
                  profile_mismatch, err, errlen);
}
