/* profile.c - loading and querying regional profiles (format: docs/profiles.md). */
#include "profile/profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile_embed.h"

#define MAX_LINE 4096
#define MAX_FILE (1u << 20)
#define MAX_SEG_NAME 32
#define MAX_KEY 96
#define MAX_DAYS 36500   /* 100 years: any longer window is a typo */
#define MAX_MONTHS 1200
#define OVERIG "overig"

typedef struct {
    char *name;
    char *label;       /* NULL = the name */
    int verblijf;
    int declared;      /* named by a `segment NAME = ...` line */
    int wait_days;     /* -1 = no norm */
    double wait_share; /* 0 = no target share */
    int wait_line, share_line;
} segment_t;

typedef struct {
    char cat[3];
    char prefix[6];
    size_t plen; /* 0 = the whole category */
    size_t seg;
    int line;
} token_t;

/* A gemeente of the region (CBS code, name) and its population by year
 * on 1 January, 0-17 and 0-22 years (-1 = not given). */
typedef struct {
    int year;
    int64_t n17, n22;
    int line;
} pop_t;

typedef struct {
    char code[5];
    char *name;
    int line;
    pop_t *pop;
    size_t npop, cappop;
} gemeente_t;

struct jw_profile {
    char *name;
    char *description;
    segment_t *segs;
    size_t nseg, capseg;
    size_t *order; /* segment indices in declaration order */
    size_t norder;
    token_t *toks;
    size_t ntok, captok;
    size_t generiek;
    jw_profile_classes_t classes;
    int small_cells;
    jw_profile_target_t *targets;
    size_t ntarget, captarget;
    gemeente_t *gems; /* in declaration order */
    size_t ngem, capgem;
};

typedef struct {
    char key[MAX_KEY];
    int line;
} seen_t;

typedef struct {
    jw_profile_t *p;
    const char *file; /* label in error messages */
    int line;
    char *err;
    size_t errlen;
    seen_t *seen;
    size_t nseen, capseen;
    int line_stapeling, line_doorstroom, line_recidive, line_lookback;
} parser_t;

/* ---- catalogue of indicators a target may name (SPEC §5) ---- */

enum { U_PCT = 1, U_COUNT = 2, U_DAYS = 4, U_EUR = 8 };

static const struct {
    const char *id;
    unsigned units; /* units an absolute (max/min) target may use; 0 = no targets */
} catalogue[] = {
    {"IND-01", U_COUNT}, {"IND-02", U_COUNT},         {"IND-03", U_COUNT}, {"IND-04", U_COUNT},
    {"IND-05", U_COUNT}, {"IND-06", U_COUNT | U_PCT}, {"IND-07", U_COUNT}, {"IND-09", U_PCT},
    {"IND-10", U_COUNT}, {"IND-11", U_PCT},           {"IND-12", U_DAYS},  {"IND-13", U_COUNT},
    {"IND-14", 0},       {"IND-14b", U_DAYS},         {"IND-15", U_COUNT | U_PCT},
    {"IND-16", U_EUR},   {"IND-17", U_EUR},           {"IND-23", U_PCT},
};

/* JZ020 product categories of iJw 3.2 (reference/ijw-3.2-facts.md §7.1). */
static int jz020_known(const char *cat)
{
    int n = (cat[0] - '0') * 10 + (cat[1] - '0');
    return (n >= 31 && n <= 38) || (n >= 40 && n <= 55);
}

/* ---- small helpers ---- */

const char *jw_profile_strerror(int rc)
{
    switch (rc) {
    case JW_PROFILE_OK: return "ok";
    case JW_PROFILE_ENOMEM: return "out of memory";
    case JW_PROFILE_ENOENT: return "no such profile";
    case JW_PROFILE_ESYNTAX: return "invalid profile";
    case JW_PROFILE_EARG: return "invalid argument";
    default: return "unknown profile error";
    }
}

const char *jw_class_name(jw_class_t c)
{
    switch (c) {
    case JW_CLASS_INSTROOM: return "instroom";
    case JW_CLASS_STAPELING: return "stapeling";
    case JW_CLASS_DOORSTROOM: return "doorstroom";
    case JW_CLASS_RECIDIVE: return "recidive";
    case JW_CLASS_HERNIEUWD: return "hernieuwd";
    }
    return "?";
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Format "FILE:LINE: what" into the caller's err (just "FILE: what" when
 * line is 0) and return JW_PROFILE_ESYNTAX; fail() uses the current line. */
static int fail_at(parser_t *ps, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(parser_t *ps, int line, const char *fmt, ...)
{
    if (ps->err && ps->errlen) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (line > 0) snprintf(ps->err, ps->errlen, "%s:%d: %s", ps->file, line, msg);
        else snprintf(ps->err, ps->errlen, "%s: %s", ps->file, msg);
    }
    return JW_PROFILE_ESYNTAX;
}
#define fail(ps, ...) fail_at((ps), (ps)->line, __VA_ARGS__)

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    void *q = realloc(*arr, nc * elem);
    if (!q) return JW_PROFILE_ENOMEM;
    *arr = q;
    *cap = nc;
    return 0;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_alpha(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }

static char *trim(char *s)
{
    while (is_blank(*s)) s++;
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1])) s[--n] = '\0';
    return s;
}

/* A number: optional sign, digits, optional .digits; *suffix = the rest.
 * Returns 0, or -1 when there are no digits. */
static int split_num(const char *s, double *val, int *is_int, const char **suffix)
{
    const char *q = s;
    if (*q == '+' || *q == '-') q++;
    if (!is_digit(*q)) return -1;
    while (is_digit(*q)) q++;
    *is_int = 1;
    if (*q == '.') {
        q++;
        if (!is_digit(*q)) return -1;
        while (is_digit(*q)) q++;
        *is_int = 0;
    }
    if (q - s > 20) return -1; /* more digits than any setting needs */
    char buf[24];
    memcpy(buf, s, (size_t)(q - s));
    buf[q - s] = '\0';
    *val = strtod(buf, NULL);
    *suffix = q;
    return 0;
}

static int all_alpha(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!is_alpha(*s)) return 0;
    return 1;
}

/* An integer with an optional unit suffix from `units` (a list of
 * NUL-separated names ending in an empty one, e.g. "d\0"); *unit = index
 * of the suffix in the list, -1 for none. */
static int parse_int_unit(parser_t *ps, const char *key, const char *v, long min, long max,
                          const char *units, const char *unit_help, long *out, int *unit)
{
    double d;
    int isint;
    const char *suf;
    if (split_num(v, &d, &isint, &suf) || !isint || (*suf && !all_alpha(suf)))
        return fail(ps, "bad number '%.40s' for %s", v, key);
    *unit = -1;
    if (*suf) {
        int i = 0;
        for (const char *u = units; *u; u += strlen(u) + 1, i++)
            if (strcmp(u, suf) == 0) *unit = i;
        if (*unit < 0) return fail(ps, "unknown unit '%.16s' for %s (%s)", suf, key, unit_help);
    }
    if (d < (double)min || d > (double)max)
        return fail(ps, "%s = %.40s is out of range (%ld..%ld)", key, v, min, max);
    *out = (long)d;
    return 0;
}

/* N d|m|y (years kept as 12 N months), or "none". */
static int parse_span(parser_t *ps, const char *key, const char *v, jw_span_t *out)
{
    if (strcmp(v, "none") == 0) {
        out->unit = JW_SPAN_NONE;
        out->n = 0;
        return 0;
    }
    long n;
    int unit;
    int rc = parse_int_unit(ps, key, v, 1, MAX_DAYS, "d\0m\0y\0",
                            "d days, m calendar months, y years, or none", &n, &unit);
    if (rc) return rc;
    if (unit < 0)
        return fail(ps, "missing unit in %s = %.40s (d days, m calendar months, y years)", key, v);
    if (unit == 0) {
        out->unit = JW_SPAN_DAYS;
        out->n = (int)n;
    } else {
        long months = unit == 1 ? n : n * 12;
        if (months > MAX_MONTHS)
            return fail(ps, "%s = %.40s is out of range (at most 100 years)", key, v);
        out->unit = JW_SPAN_MONTHS;
        out->n = (int)months;
    }
    return 0;
}

static int parse_yesno(parser_t *ps, const char *key, const char *v, int *out)
{
    if (strcmp(v, "yes") == 0) *out = 1;
    else if (strcmp(v, "no") == 0) *out = 0;
    else return fail(ps, "%s must be yes or no, not '%.40s'", key, v);
    return 0;
}

static int valid_seg_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_SEG_NAME || !is_lower(s[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '_') return 0;
    return 1;
}

/* ---- segments ---- */

static long find_seg(const jw_profile_t *p, const char *name)
{
    for (size_t i = 0; i < p->nseg; i++)
        if (strcmp(p->segs[i].name, name) == 0) return (long)i;
    return -1;
}

static int add_seg(jw_profile_t *p, const char *name, size_t *idx)
{
    if (grow((void **)&p->segs, &p->capseg, p->nseg, sizeof *p->segs)) return JW_PROFILE_ENOMEM;
    segment_t *s = &p->segs[p->nseg];
    memset(s, 0, sizeof *s);
    s->wait_days = -1;
    if (!(s->name = dupstr(name))) return JW_PROFILE_ENOMEM;
    *idx = p->nseg++;
    return 0;
}

static int push_order(jw_profile_t *p, size_t idx)
{
    size_t *q = realloc(p->order, (p->norder + 1) * sizeof *q);
    if (!q) return JW_PROFILE_ENOMEM;
    p->order = q;
    p->order[p->norder++] = idx;
    return 0;
}

/* A segment named by a setting: must be declared on an earlier line
 * ("overig" always exists). */
static int ref_seg(parser_t *ps, const char *name, size_t *idx)
{
    long i = find_seg(ps->p, name);
    if (i < 0 || (!ps->p->segs[i].declared && strcmp(name, OVERIG) != 0))
        return fail(ps, "unknown segment '%.40s' (declare it with a 'segment %.40s = ...' line first)",
                    name, name);
    *idx = (size_t)i;
    return 0;
}

static int seg_line(parser_t *ps, const char *name, char *value)
{
    jw_profile_t *p = ps->p;
    int rc;
    if (!valid_seg_name(name))
        return fail(ps, "bad segment name '%.40s' (a-z, 0-9, _, starting with a letter, at most %d)",
                    name, MAX_SEG_NAME);
    if (strcmp(name, "generiek") == 0)
        return fail(ps, "'generiek' is not a segment name (use segment.generiek = NAME)");
    long found = find_seg(p, name);
    size_t idx;
    if (found < 0) {
        if ((rc = add_seg(p, name, &idx))) return rc;
    } else {
        idx = (size_t)found;
    }
    if (!p->segs[idx].declared) {
        p->segs[idx].declared = 1;
        if ((rc = push_order(p, idx))) return rc;
    }
    for (char *save = NULL, *t = strtok_r(value, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        token_t tok;
        memset(&tok, 0, sizeof tok);
        size_t n = strlen(t);
        int ok = n >= 2 && is_digit(t[0]) && is_digit(t[1]) && (n == 2 || t[2] == ':');
        if (ok && n > 2) {
            tok.plen = n - 3;
            ok = tok.plen >= 1 && tok.plen <= 5;
            for (size_t i = 3; ok && i < n; i++) ok = is_alpha(t[i]) || is_digit(t[i]);
        }
        if (!ok)
            return fail(ps, "bad segment token '%.40s' (a JZ020 category such as 45, or category:"
                            "ProductCode prefix such as 45:45A0)", t);
        memcpy(tok.cat, t, 2);
        if (tok.plen) memcpy(tok.prefix, t + 3, tok.plen);
        if (!jz020_known(tok.cat))
            return fail(ps, "unknown JZ020 category '%s' in segment token '%.40s'", tok.cat, t);
        for (size_t i = 0; i < p->ntok; i++)
            if (strcmp(p->toks[i].cat, tok.cat) == 0 && strcmp(p->toks[i].prefix, tok.prefix) == 0)
                return fail(ps, "duplicate segment token '%.40s' (already in segment '%s' at line %d)",
                            t, p->segs[p->toks[i].seg].name, p->toks[i].line);
        tok.seg = idx;
        tok.line = ps->line;
        if (grow((void **)&p->toks, &p->captok, p->ntok, sizeof *p->toks)) return JW_PROFILE_ENOMEM;
        p->toks[p->ntok++] = tok;
    }
    return 0;
}

/* ---- targets ---- */

static int parse_year(parser_t *ps, const char *word, const char *v, int *out)
{
    double d;
    int isint;
    const char *suf;
    if (!v || split_num(v, &d, &isint, &suf) || !isint || *suf || v[0] == '+' || v[0] == '-')
        return fail(ps, "bad year '%.16s' after '%s' in target", v ? v : "", word);
    if (d < 1990 || d > 2100) return fail(ps, "year %.16s after '%s' is out of range (1990..2100)", v, word);
    *out = (int)d;
    return 0;
}

static int target_line(parser_t *ps, const char *key, const char *ind, const char *segname,
                       char *value)
{
    jw_profile_t *p = ps->p;
    jw_profile_target_t t;
    memset(&t, 0, sizeof t);
    t.line = ps->line;
    int rc;

    unsigned units = 0;
    for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++)
        if (strcmp(catalogue[i].id, ind) == 0) {
            t.indicator = catalogue[i].id;
            units = catalogue[i].units;
        }
    if (!t.indicator)
        return fail(ps, "unknown indicator '%.16s' in %s (targets name IND-01..07, 09..13, 14b, "
                        "15..17, 23)", ind, key);
    if (strcmp(ind, "IND-14") == 0)
        return fail(ps, "IND-14 targets are the wait norms: use wait_norm.SEGMENT = DAYS and "
                        "wait_norm.SEGMENT.share = PERCENT");
    if (segname) {
        size_t si;
        if ((rc = ref_seg(ps, segname, &si))) return rc;
        t.segment = p->segs[si].name;
    }

    static const char *help = "expected 'P% base YEAR [by YEAR]', 'P%/y [base YEAR] [by YEAR]', "
                              "'max N[unit] [by YEAR]' or 'min N[unit] [by YEAR]'";
    char *words[8];
    size_t nw = 0;
    for (char *save = NULL, *w = strtok_r(value, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (nw == 8) return fail(ps, "bad target '%.40s': %s", key, help);
        words[nw++] = w;
    }
    size_t i = 0;
    double d;
    int isint;
    const char *suf;
    if (strcmp(words[0], "max") == 0 || strcmp(words[0], "min") == 0) {
        t.kind = words[0][1] == 'a' ? JW_TARGET_MAX : JW_TARGET_MIN;
        if (nw < 2 || split_num(words[1], &d, &isint, &suf) || words[1][0] == '+' ||
            words[1][0] == '-')
            return fail(ps, "bad number '%.40s' in target %s", nw < 2 ? "" : words[1], key);
        static const struct {
            const char *suffix, *what;
            unsigned mask;
            jw_target_unit_t unit;
        } tunits[] = {{"", "counts (no unit)", U_COUNT, JW_TARGET_UNIT_COUNT},
                      {"%", "%", U_PCT, JW_TARGET_UNIT_PERCENT},
                      {"d", "days", U_DAYS, JW_TARGET_UNIT_DAYS},
                      {"eur", "eur", U_EUR, JW_TARGET_UNIT_EUR}};
        size_t k = 0;
        while (k < sizeof tunits / sizeof tunits[0] && strcmp(tunits[k].suffix, suf) != 0) k++;
        if (k == sizeof tunits / sizeof tunits[0]) {
            if (strcmp(suf, "m") == 0 || strcmp(suf, "w") == 0 || strcmp(suf, "y") == 0)
                return fail(ps, "unknown unit '%s' in target %s (write durations in days: 1 month = "
                                "30.4375 days, so 9 months = 274d)", suf, key);
            return fail(ps, "unknown unit '%.16s' in target %s (none = count, %%, d, eur)", suf, key);
        }
        unsigned u = tunits[k].mask;
        t.unit = tunits[k].unit;
        if (!(units & u)) return fail(ps, "%s cannot have a target in %s", ind, tunits[k].what);
        if (u == U_PCT && d > 100) return fail(ps, "share %.16s in target %s is above 100%%", words[1], key);
        t.value = d;
        i = 2;
    } else {
        if (split_num(words[0], &d, &isint, &suf))
            return fail(ps, "bad target '%.40s' for %s: %s", words[0], key, help);
        if (strcmp(suf, "%") == 0) t.kind = JW_TARGET_CHANGE;
        else if (strcmp(suf, "%/y") == 0) t.kind = JW_TARGET_RATE;
        else return fail(ps, "bad target '%.40s' for %s: %s", words[0], key, help);
        if (d < -100 || d > 1000) return fail(ps, "change %.16s in target %s is out of range (-100..1000)", words[0], key);
        if (t.kind == JW_TARGET_RATE && d <= -100)
            return fail(ps, "rate %.16s in target %s must be above -100%%", words[0], key);
        t.value = d;
        t.unit = JW_TARGET_UNIT_PERCENT;
        i = 1;
    }
    if (i < nw && strcmp(words[i], "base") == 0) {
        if (t.kind == JW_TARGET_MAX || t.kind == JW_TARGET_MIN)
            return fail(ps, "target %s: 'base' belongs to a relative change, not to max/min", key);
        if ((rc = parse_year(ps, "base", i + 1 < nw ? words[i + 1] : NULL, &t.base_year))) return rc;
        i += 2;
    }
    if (i < nw && strcmp(words[i], "by") == 0) {
        if ((rc = parse_year(ps, "by", i + 1 < nw ? words[i + 1] : NULL, &t.target_year))) return rc;
        i += 2;
    }
    if (i < nw) return fail(ps, "unexpected '%.40s' in target %s: %s", words[i], key, help);
    if (t.kind == JW_TARGET_CHANGE && !t.base_year)
        return fail(ps, "target %s: a relative change needs 'base YEAR'", key);
    if (t.base_year && t.target_year && t.target_year <= t.base_year)
        return fail(ps, "target %s: 'by %d' is not after 'base %d'", key, t.target_year, t.base_year);

    for (size_t k = 0; k < p->ntarget; k++) {
        const jw_profile_target_t *o = &p->targets[k];
        if (o->indicator == t.indicator && o->segment == t.segment && o->kind == t.kind)
            return fail(ps, "duplicate target %s of the same kind (first at line %d)", key, o->line);
    }
    if (grow((void **)&p->targets, &p->captarget, p->ntarget, sizeof *p->targets))
        return JW_PROFILE_ENOMEM;
    p->targets[p->ntarget++] = t;
    return 0;
}

/* ---- one setting ---- */

static int seen_key(parser_t *ps, const char *key)
{
    for (size_t i = 0; i < ps->nseen; i++)
        if (strcmp(ps->seen[i].key, key) == 0)
            return fail(ps, "duplicate setting '%s' (first at line %d)", key, ps->seen[i].line);
    if (grow((void **)&ps->seen, &ps->capseen, ps->nseen, sizeof *ps->seen)) return JW_PROFILE_ENOMEM;
    snprintf(ps->seen[ps->nseen].key, MAX_KEY, "%s", key);
    ps->seen[ps->nseen].line = ps->line;
    ps->nseen++;
    return 0;
}

static int setting(parser_t *ps, char *key, char *value)
{
    jw_profile_t *p = ps->p;
    jw_profile_classes_t *c = &p->classes;
    int rc;
    long n;
    int unit;

    /* `segment NAME = tokens` */
    if (strncmp(key, "segment", 7) == 0 && is_blank(key[7])) {
        char *name = trim(key + 8);
        return seg_line(ps, name, value);
    }
    if (strlen(key) >= MAX_KEY) return fail(ps, "unknown key '%.40s...'", key);
    for (const char *q = key; *q; q++)
        if (is_blank(*q)) return fail(ps, "unknown key '%.40s'", key);

    char kbuf[MAX_KEY];
    snprintf(kbuf, sizeof kbuf, "%s", key);
    char *part[4];
    size_t np = 0;
    for (char *s = kbuf;;) {
        if (np == 4) return fail(ps, "unknown key '%.40s'", key);
        part[np++] = s;
        char *dot = strchr(s, '.');
        if (!dot) break;
        *dot = '\0';
        s = dot + 1;
    }

    if (strcmp(part[0], "target") == 0 && (np == 2 || np == 3))
        return target_line(ps, key, part[1], np == 3 ? part[2] : NULL, value);

    if ((rc = seen_key(ps, key))) return rc;

    if (np == 1 && strcmp(part[0], "name") == 0) {
        size_t len = strlen(value);
        int ok = len > 0 && len <= 64;
        for (size_t i = 0; ok && i < len; i++)
            ok = is_lower(value[i]) || is_digit(value[i]) || value[i] == '-' || value[i] == '_';
        if (!ok) return fail(ps, "bad name '%.40s' (a-z, 0-9, - and _, at most 64)", value);
        char *d = dupstr(value);
        if (!d) return JW_PROFILE_ENOMEM;
        free(p->name);
        p->name = d;
        return 0;
    }
    if (np == 1 && strcmp(part[0], "description") == 0) {
        char *d = dupstr(value);
        if (!d) return JW_PROFILE_ENOMEM;
        free(p->description);
        p->description = d;
        return 0;
    }
    if (strcmp(part[0], "segment") == 0) {
        size_t si;
        if (np == 2 && strcmp(part[1], "generiek") == 0) {
            if ((rc = ref_seg(ps, value, &si))) return rc;
            p->generiek = si;
            return 0;
        }
        if (np == 3 && strcmp(part[2], "verblijf") == 0) {
            if ((rc = ref_seg(ps, part[1], &si))) return rc;
            return parse_yesno(ps, key, value, &p->segs[si].verblijf);
        }
        if (np == 3 && strcmp(part[2], "label") == 0) {
            if ((rc = ref_seg(ps, part[1], &si))) return rc;
            char *d = dupstr(value);
            if (!d) return JW_PROFILE_ENOMEM;
            free(p->segs[si].label);
            p->segs[si].label = d;
            return 0;
        }
        return fail(ps, "unknown key '%.40s'", key);
    }
    if (strcmp(part[0], "classes") == 0 && np == 2) {
        const char *k = part[1];
        if (strcmp(k, "scope") == 0) {
            if (strcmp(value, "segment") == 0) c->scope_all = 0;
            else if (strcmp(value, "all") == 0) c->scope_all = 1;
            else return fail(ps, "classes.scope must be segment or all, not '%.40s'", value);
            return 0;
        }
        if (strcmp(k, "stapeling_below") == 0 || strcmp(k, "doorstroom_upto") == 0) {
            int st = k[0] == 's';
            if ((rc = parse_int_unit(ps, key, value, st ? -MAX_DAYS : 0, MAX_DAYS, "d\0",
                                     "days only: d", &n, &unit)))
                return rc;
            if (st) c->stapeling_below = (int)n, ps->line_stapeling = ps->line;
            else c->doorstroom_upto = (int)n, ps->line_doorstroom = ps->line;
            return 0;
        }
        if (strcmp(k, "recidive_upto") == 0) {
            ps->line_recidive = ps->line;
            return parse_span(ps, key, value, &c->recidive_upto);
        }
        if (strcmp(k, "lookback") == 0) {
            ps->line_lookback = ps->line;
            return parse_span(ps, key, value, &c->lookback);
        }
        if (strcmp(k, "return_class") == 0) {
            if (strcmp(value, "recidive") == 0) c->return_class = JW_CLASS_RECIDIVE;
            else if (strcmp(value, "hernieuwd") == 0) c->return_class = JW_CLASS_HERNIEUWD;
            else return fail(ps, "classes.return_class must be recidive or hernieuwd, not '%.40s'", value);
            return 0;
        }
        return fail(ps, "unknown key '%.40s'", key);
    }
    if (strcmp(part[0], "wait_norm") == 0 && (np == 2 || (np == 3 && strcmp(part[2], "share") == 0))) {
        size_t si;
        if ((rc = ref_seg(ps, part[1], &si))) return rc;
        segment_t *s = &p->segs[si];
        if (np == 2) {
            if ((rc = parse_int_unit(ps, key, value, 0, 3650, "d\0w\0",
                                     "d days or w weeks; months are not a fixed number of days: "
                                     "write days, 1 month = 30.4375 days", &n, &unit)))
                return rc;
            s->wait_days = (int)(unit == 1 ? n * 7 : n);
            s->wait_line = ps->line;
            return 0;
        }
        double d;
        int isint;
        const char *suf;
        if (split_num(value, &d, &isint, &suf) || value[0] == '+' || value[0] == '-' ||
            (*suf && strcmp(suf, "%") != 0))
            return fail(ps, "bad number '%.40s' for %s (a percentage such as 90)", value, key);
        if (d <= 0 || d > 100) return fail(ps, "%s = %.40s is out of range (above 0, at most 100)", key, value);
        s->wait_share = d;
        s->share_line = ps->line;
        return 0;
    }
    if (strcmp(part[0], "gemeente") == 0 && np == 2) {
        /* gemeente.CODE = Name: a gemeente of the region, CBS code of 4 digits */
        const char *code = part[1];
        if (strlen(code) != 4 || !is_digit(code[0]) || !is_digit(code[1]) || !is_digit(code[2]) ||
            !is_digit(code[3]))
            return fail(ps, "bad gemeente code '%.40s' (the CBS code: 4 digits, e.g. 0935)", code);
        if (!value[0]) return fail(ps, "%s needs the gemeente's name", key);
        if (grow((void **)&p->gems, &p->capgem, p->ngem, sizeof *p->gems)) return JW_PROFILE_ENOMEM;
        gemeente_t *g = &p->gems[p->ngem];
        memset(g, 0, sizeof *g);
        memcpy(g->code, code, 5);
        if (!(g->name = dupstr(value))) return JW_PROFILE_ENOMEM;
        g->line = ps->line;
        p->ngem++;
        return 0;
    }
    if (strcmp(part[0], "population") == 0 && np == 3) {
        /* population.CODE.YEAR = N0_17 N0_22 (inhabitants on 1 January) */
        gemeente_t *g = NULL;
        for (size_t i = 0; i < p->ngem; i++)
            if (strcmp(p->gems[i].code, part[1]) == 0) g = &p->gems[i];
        if (!g) return fail(ps, "population of gemeente '%.40s', which no earlier gemeente.CODE line declares", part[1]);
        char *end;
        long y = strtol(part[2], &end, 10);
        if (*end || end == part[2] || y < 1990 || y > 2100)
            return fail(ps, "bad year '%.40s' in %s (1990-2100)", part[2], key);
        long long a, b;
        char extra;
        if (sscanf(value, "%lld %lld %c", &a, &b, &extra) != 2 || a < 0 || b < a || b > 100000000)
            return fail(ps, "%s = '%.40s': expected two counts, inhabitants 0-17 and 0-22 years "
                            "(0-22 includes 0-17, so not smaller)", key, value);
        if (grow((void **)&g->pop, &g->cappop, g->npop, sizeof *g->pop)) return JW_PROFILE_ENOMEM;
        g->pop[g->npop].year = (int)y;
        g->pop[g->npop].n17 = a;
        g->pop[g->npop].n22 = b;
        g->pop[g->npop].line = ps->line;
        g->npop++;
        return 0;
    }
    if (np == 2 && strcmp(part[0], "small_cells") == 0 && strcmp(part[1], "threshold") == 0) {
        if ((rc = parse_int_unit(ps, key, value, 0, 1000000, "\0", "a count, no unit", &n, &unit)))
            return rc;
        p->small_cells = (int)n;
        return 0;
    }
    return fail(ps, "unknown key '%.40s'", key);
}

/* Cross-setting checks once every line is read. */
static int finish(parser_t *ps)
{
    jw_profile_t *p = ps->p;
    const jw_profile_classes_t *c = &p->classes;
    int rc;
    int l_sd = ps->line_stapeling > ps->line_doorstroom ? ps->line_stapeling : ps->line_doorstroom;
    if (c->stapeling_below > c->doorstroom_upto)
        return fail_at(ps, l_sd, "classes.stapeling_below (%d) is above classes.doorstroom_upto (%d)",
                       c->stapeling_below, c->doorstroom_upto);
    const struct {
        const jw_span_t *s;
        int line;
        const char *key;
    } spans[] = {{&c->recidive_upto, ps->line_recidive, "classes.recidive_upto"},
                 {&c->lookback, ps->line_lookback, "classes.lookback"}};
    for (size_t i = 0; i < 2; i++) {
        const jw_span_t *s = spans[i].s;
        /* the shortest N months are 28 * N days (February) */
        long shortest = s->unit == JW_SPAN_DAYS ? s->n : s->unit == JW_SPAN_MONTHS ? 28L * s->n : 0;
        if (s->unit != JW_SPAN_NONE && shortest <= c->doorstroom_upto) {
            int line = spans[i].line > ps->line_doorstroom ? spans[i].line : ps->line_doorstroom;
            return fail_at(ps, line, "%s is not longer than classes.doorstroom_upto (%d days)",
                           spans[i].key, c->doorstroom_upto);
        }
    }
    for (size_t i = 0; i < p->nseg; i++) {
        const segment_t *s = &p->segs[i];
        if (s->share_line && s->wait_days < 0)
            return fail_at(ps, s->share_line, "wait_norm.%s.share without wait_norm.%s", s->name, s->name);
    }
    long ov = find_seg(p, OVERIG);
    if (!p->segs[ov].declared && (rc = push_order(p, (size_t)ov))) return rc;
    return 0;
}

static int parse_text(const char *file, const char *name, const char *text, size_t len,
                      jw_profile_t **out, char *err, size_t errlen)
{
    int rc = 0;
    parser_t ps;
    memset(&ps, 0, sizeof ps);
    ps.file = file;
    ps.err = err;
    ps.errlen = errlen;
    if (err && errlen) err[0] = '\0';

    jw_profile_t *p = calloc(1, sizeof *p);
    if (!p) {
        rc = JW_PROFILE_ENOMEM;
        goto out;
    }
    ps.p = p;
    p->small_cells = 5;
    /* SPEC §4: the Zuid-Limburg numbers are the defaults. */
    p->classes.scope_all = 0;
    p->classes.stapeling_below = -14;
    p->classes.doorstroom_upto = 14;
    p->classes.recidive_upto.unit = JW_SPAN_DAYS;
    p->classes.recidive_upto.n = 180;
    p->classes.lookback.unit = JW_SPAN_NONE;
    p->classes.return_class = JW_CLASS_RECIDIVE;
    if (!(p->name = dupstr(name)) || !(p->description = dupstr(""))) {
        rc = JW_PROFILE_ENOMEM;
        goto out;
    }
    if ((rc = add_seg(p, OVERIG, &p->generiek))) goto out;

    char buf[MAX_LINE + 1];
    size_t pos = 0;
    while (pos < len) {
        ps.line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *src = text + pos;
        pos += n + (nl ? 1 : 0);
        if (n > 0 && src[n - 1] == '\r') n--;
        if (n > MAX_LINE) {
            rc = fail(&ps, "line too long (more than %d characters)", MAX_LINE);
            goto out;
        }
        if (memchr(src, '\0', n)) {
            rc = fail(&ps, "NUL byte in line");
            goto out;
        }
        memcpy(buf, src, n);
        buf[n] = '\0';
        /* `#` at the start or after a blank begins a comment */
        for (size_t i = 0; i < n; i++)
            if (buf[i] == '#' && (i == 0 || is_blank(buf[i - 1]))) {
                buf[i] = '\0';
                break;
            }
        char *line = trim(buf);
        if (!*line) continue;
        char *eq = strchr(line, '=');
        if (!eq) {
            rc = fail(&ps, "missing '=' in '%.40s' (expected key = value)", line);
            goto out;
        }
        *eq = '\0';
        char *key = trim(line), *value = trim(eq + 1);
        if (!*key) {
            rc = fail(&ps, "missing key before '='");
            goto out;
        }
        if (!*value) {
            rc = fail(&ps, "missing value for '%.40s'", key);
            goto out;
        }
        if ((rc = setting(&ps, key, value))) goto out;
    }
    rc = finish(&ps);

out:
    free(ps.seen);
    if (rc == JW_PROFILE_ENOMEM) set_err(err, errlen, "%s: out of memory", file);
    if (rc) {
        jw_profile_free(p);
        p = NULL;
    }
    *out = p;
    return rc;
}

int jw_profile_parse(const char *name, const char *text, size_t len, jw_profile_t **out, char *err,
                     size_t errlen)
{
    if (out) *out = NULL;
    if (!name || (!text && len) || !out) {
        set_err(err, errlen, "jw_profile_parse: NULL argument");
        return JW_PROFILE_EARG;
    }
    return parse_text(name, name, text ? text : "", len, out, err, errlen);
}

static int load_file(const char *path, jw_profile_t **out, char *err, size_t errlen)
{
    int rc = 0;
    char *buf = NULL;
    char *name = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        rc = JW_PROFILE_ENOENT;
        goto out;
    }
    if (!(buf = malloc(MAX_FILE + 1))) {
        rc = JW_PROFILE_ENOMEM;
        set_err(err, errlen, "%s: out of memory", path);
        goto out;
    }
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    if (ferror(f)) {
        set_err(err, errlen, "%s: read error", path);
        rc = JW_PROFILE_ENOENT;
        goto out;
    }
    if (n > MAX_FILE) {
        set_err(err, errlen, "%s: larger than %u bytes", path, MAX_FILE);
        rc = JW_PROFILE_ESYNTAX;
        goto out;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    if (bl > 8 && strcmp(base + bl - 8, ".profile") == 0) bl -= 8;
    if (!(name = malloc(bl + 1))) {
        rc = JW_PROFILE_ENOMEM;
        set_err(err, errlen, "%s: out of memory", path);
        goto out;
    }
    memcpy(name, base, bl);
    name[bl] = '\0';
    rc = parse_text(path, name, buf, n, out, err, errlen);

out:
    if (f) fclose(f);
    free(buf);
    free(name);
    return rc;
}

int jw_profile_load(const char *name_or_path, jw_profile_t **out, char *err, size_t errlen)
{
    if (out) *out = NULL;
    if (!name_or_path || !out) {
        set_err(err, errlen, "jw_profile_load: NULL argument");
        return JW_PROFILE_EARG;
    }
    size_t n = strlen(name_or_path);
    if (strchr(name_or_path, '/') || (n >= 8 && strcmp(name_or_path + n - 8, ".profile") == 0))
        return load_file(name_or_path, out, err, errlen);
    for (unsigned i = 0; i < jw_profile_file_count; i++)
        if (strcmp(jw_profile_files[i].name, name_or_path) == 0) {
            char file[128];
            snprintf(file, sizeof file, "profiles/%s.profile", jw_profile_files[i].name);
            return parse_text(file, jw_profile_files[i].name, jw_profile_files[i].text,
                              strlen(jw_profile_files[i].text), out, err, errlen);
        }
    if (err && errlen) {
        size_t used = (size_t)snprintf(err, errlen, "no shipped profile '%.64s' (shipped:", name_or_path);
        for (unsigned i = 0; i < jw_profile_file_count && used < errlen; i++)
            used += (size_t)snprintf(err + used, errlen - used, " %s", jw_profile_files[i].name);
        if (used < errlen) snprintf(err + used, errlen - used, ")");
    }
    return JW_PROFILE_ENOENT;
}

void jw_profile_free(jw_profile_t *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nseg; i++) {
        free(p->segs[i].name);
        free(p->segs[i].label);
    }
    free(p->segs);
    free(p->order);
    free(p->toks);
    free(p->targets);
    for (size_t i = 0; i < p->ngem; i++) {
        free(p->gems[i].name);
        free(p->gems[i].pop);
    }
    free(p->gems);
    free(p->name);
    free(p->description);
    free(p);
}

/* ---- queries ---- */

const char *jw_profile_name(const jw_profile_t *p) { return p->name; }
const char *jw_profile_description(const jw_profile_t *p) { return p->description; }

const char *jw_profile_segment(const jw_profile_t *p, const char *categorie, const char *code)
{
    if (!categorie || !categorie[0]) return p->segs[p->generiek].name;
    size_t best = 0; /* "overig" is always segment 0 */
    int best_len = -1;
    for (size_t i = 0; i < p->ntok; i++) {
        const token_t *t = &p->toks[i];
        if (strcmp(t->cat, categorie) != 0) continue;
        if (t->plen == 0) {
            if (best_len < 0) best = t->seg, best_len = 0;
        } else if (code && strncmp(code, t->prefix, t->plen) == 0 && (int)t->plen > best_len) {
            best = t->seg, best_len = (int)t->plen;
        }
    }
    return p->segs[best].name;
}

size_t jw_profile_segment_count(const jw_profile_t *p) { return p->norder; }

const char *jw_profile_segment_name(const jw_profile_t *p, size_t i)
{
    return i < p->norder ? p->segs[p->order[i]].name : NULL;
}

int jw_profile_segment_verblijf(const jw_profile_t *p, const char *segment)
{
    long i = segment ? find_seg(p, segment) : -1;
    return i >= 0 && p->segs[i].verblijf;
}

const char *jw_profile_segment_label(const jw_profile_t *p, const char *segment)
{
    long i = segment ? find_seg(p, segment) : -1;
    if (i < 0) return NULL;
    return p->segs[i].label ? p->segs[i].label : p->segs[i].name;
}

const jw_profile_classes_t *jw_profile_classes(const jw_profile_t *p) { return &p->classes; }
int jw_profile_scope_all(const jw_profile_t *p) { return p->classes.scope_all; }
jw_class_t jw_profile_return_class(const jw_profile_t *p) { return p->classes.return_class; }

/* d + n days or n calendar months (n may be negative), in 64 bits so no
 * input date overflows. */
static int64_t span_add(jw_span_t s, jw_date_t d, int sign)
{
    if (s.unit == JW_SPAN_MONTHS) return jw_date_add_months(d, sign * s.n);
    return (int64_t)d + (int64_t)sign * s.n;
}

jw_class_t jw_profile_classify(const jw_profile_t *p, int has_prev, jw_date_t prev_end,
                               jw_date_t start, int *gap_days)
{
    int scratch;
    if (!gap_days) gap_days = &scratch;
    if (!has_prev) {
        *gap_days = JW_PROFILE_GAP_NONE;
        return JW_CLASS_INSTROOM;
    }
    if (prev_end == JW_DATE_NONE) {
        *gap_days = JW_PROFILE_GAP_OPEN;
        return JW_CLASS_STAPELING;
    }
    int64_t gap = (int64_t)start - prev_end;
    if (gap <= INT_MIN) gap = INT_MIN + 1;
    if (gap >= INT_MAX) gap = INT_MAX - 1;
    *gap_days = (int)gap;

    const jw_profile_classes_t *c = &p->classes;
    if (c->lookback.unit != JW_SPAN_NONE && (int64_t)prev_end < span_add(c->lookback, start, -1))
        return JW_CLASS_INSTROOM;
    if (gap < c->stapeling_below) return JW_CLASS_STAPELING;
    if (gap <= c->doorstroom_upto) return JW_CLASS_DOORSTROOM;
    if (c->recidive_upto.unit == JW_SPAN_NONE) return JW_CLASS_RECIDIVE;
    /* gap > doorstroom_upto >= 0, so prev_end < start and prev_end + 1 is a date */
    int64_t beyond = span_add(c->recidive_upto, prev_end + 1, 1);
    return (int64_t)start < beyond ? JW_CLASS_RECIDIVE : JW_CLASS_HERNIEUWD;
}

int jw_profile_wait_norm(const jw_profile_t *p, const char *segment, int *days, double *share)
{
    long i = segment ? find_seg(p, segment) : -1;
    int has = i >= 0 && p->segs[i].wait_days >= 0;
    if (days) *days = has ? p->segs[i].wait_days : 0;
    if (share) *share = has ? p->segs[i].wait_share : 0;
    return has;
}

int jw_profile_small_cells(const jw_profile_t *p) { return p->small_cells; }

size_t jw_profile_target_count(const jw_profile_t *p) { return p->ntarget; }

const jw_profile_target_t *jw_profile_target(const jw_profile_t *p, size_t i)
{
    return i < p->ntarget ? &p->targets[i] : NULL;
}

/* ---- gemeenten and population ---- */

size_t jw_profile_gemeente_count(const jw_profile_t *p) { return p->ngem; }

const char *jw_profile_gemeente_code(const jw_profile_t *p, size_t i)
{
    return i < p->ngem ? p->gems[i].code : NULL;
}

const char *jw_profile_gemeente_name(const jw_profile_t *p, const char *code)
{
    for (size_t i = 0; code && i < p->ngem; i++)
        if (strcmp(p->gems[i].code, code) == 0) return p->gems[i].name;
    return NULL;
}

static const pop_t *pop_of(const gemeente_t *g, int year)
{
    for (size_t i = 0; i < g->npop; i++)
        if (g->pop[i].year == year) return &g->pop[i];
    return NULL;
}

int jw_profile_population(const jw_profile_t *p, const char *code, int year, int64_t *n17, int64_t *n22)
{
    int64_t a = 0, b = 0;
    int found = 0;
    for (size_t i = 0; i < p->ngem; i++) {
        if (code && strcmp(p->gems[i].code, code) != 0) continue;
        const pop_t *x = pop_of(&p->gems[i], year);
        if (!x) return 0; /* a total needs every gemeente */
        a += x->n17;
        b += x->n22;
        found = 1;
    }
    if (!found) return 0;
    if (n17) *n17 = a;
    if (n22) *n22 = b;
    return 1;
}
