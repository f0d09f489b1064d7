/* Tests for the parser's defences against hostile input (issue: CPU and
 * size limits, CDATA, date window): the parse budget (rule ATTRIBUTES), valid messages up to the 25 MB cap, CDATA read as text, dates
 * outside 1900-01-01..2100-12-31 refused with rule DATE. Expected values
 * come from the fixtures as written, not from program output. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ijw/ijw.h"
#include "test_util.h"

#include "parser_fixture.h"

TestSuite(hostile, .init = setup, .fini = teardown);

/* ---- text helpers ---- */

typedef struct {
    char *s;
    size_t len, cap;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        cr_assert_not_null(b->s);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf_t *b, const char *s) { sb_add(b, s, strlen(s)); }

static char *fixture(const char *path, size_t *len)
{
    char *s = test_read_file(path, len);
    cr_assert_not_null(s, "cannot read %s", path);
    return s;
}

/* The fixture text with the first occurrence of from replaced by to. */
static char *replace1(const char *path, const char *from, const char *to, size_t *len)
{
    size_t n;
    char *src = fixture(path, &n);
    char *at = strstr(src, from);
    cr_assert_not_null(at, "%s not in %s", from, path);
    sbuf_t b = {0};
    sb_add(&b, src, (size_t)(at - src));
    sb_str(&b, to);
    sb_str(&b, at + strlen(from));
    free(src);
    *len = b.len;
    return b.s;
}

static int parse(const char *buf, size_t len, jw_ijw_error_t *err)
{
    return jw_ijw_parse(parser, buf, len, "test", &msg, err);
}

static void assert_refused(const char *buf, size_t len, jw_layer_t layer, const char *rule)
{
    jw_ijw_error_t err;
    int rc = parse(buf, len, &err);
    cr_assert_eq(rc, JW_IJW_EINVALID, "accepted, expected %s", rule);
    cr_assert_eq(err.layer, layer, "layer %s, expected %s (%s: %s)", jw_layer_name(err.layer),
                 jw_layer_name(layer), err.rule, err.message);
    cr_assert_str_eq(err.rule, rule, "rule %s (%s), expected %s", err.rule, err.message, rule);
}

/* ---- item: attribute bombs (the parse budget) ---- */

/* A root with n attributes (or namespace declarations) of ~10 bytes. */
static char *attr_bomb(size_t n, int ns, size_t *len)
{
    sbuf_t b = {0};
    char a[64];
    sb_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<Bericht xmlns=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\"");
    for (size_t i = 0; i < n; i++) {
        snprintf(a, sizeof a, ns ? " xmlns:p%zu=\"u%zu\"" : " a%zu=\"x\"", i, i);
        sb_str(&b, a);
    }
    sb_str(&b, "></Bericht>\n");
    *len = b.len;
    return b.s;
}

Test(hostile, attribute_bomb_1mb_refused_by_budget, .timeout = 120)
{
    size_t len;
    char *s = attr_bomb(100000, 0, &len);
    cr_assert_gt(len, 1000000);
    assert_refused(s, len, JW_LAYER_XML, "ATTRIBUTES");
    free(s);
}

Test(hostile, attribute_bomb_10mb_refused_by_budget, .timeout = 120)
{
    size_t len;
    char *s = attr_bomb(900000, 0, &len);
    cr_assert_gt(len, 10000000);
    assert_refused(s, len, JW_LAYER_XML, "ATTRIBUTES");
    free(s);
}

Test(hostile, namespace_bomb_refused_by_budget, .timeout = 120)
{
    size_t len;
    char *s = attr_bomb(60000, 1, &len);
    assert_refused(s, len, JW_LAYER_XML, "ATTRIBUTES");
    free(s);
}

Test(hostile, seventeen_attributes_on_one_element_refused)
{
    size_t len;
    char *s = attr_bomb(17 - 1, 0, &len); /* + the default namespace = 17 */
    assert_refused(s, len, JW_LAYER_XML, "ATTRIBUTES");
    free(s);
    s = attr_bomb(16 - 1, 0, &len); /* 16: within the budget, fails the XSD */
    assert_refused(s, len, JW_LAYER_XSD, "XSD");
    free(s);
}

Test(hostile, quoted_gt_and_equals_do_not_hide_attributes)
{
    /* '>' and '=' inside quoted values are not the tag's end nor an
     * attribute; 17 real ones still are counted. */
    sbuf_t b = {0};
    char a[64];
    sb_str(&b, "<?xml version=\"1.0\"?>\n<Bericht xmlns=\"urn:x\" q='a>b=c\"' r=\"x>'=\"");
    for (int i = 0; i < 15; i++) {
        snprintf(a, sizeof a, " a%d=\"=>\"", i);
        sb_str(&b, a);
    }
    sb_str(&b, "/>");
    assert_refused(b.s, b.len, JW_LAYER_XML, "ATTRIBUTES");
    free(b.s);
}

Test(hostile, attributes_spread_over_elements_bounded_per_message)
{
    /* 13 data elements with 5 attributes each: 65 > 64 in the message. */
    sbuf_t b = {0};
    sb_str(&b, "<?xml version=\"1.0\"?>\n<Bericht xmlns=\"urn:x\">");
    for (int i = 0; i < 13; i++) sb_str(&b, "<e a=\"1\" b=\"2\" c=\"3\" d=\"4\" e=\"5\"/>");
    sb_str(&b, "</Bericht>");
    assert_refused(b.s, b.len, JW_LAYER_XML, "ATTRIBUTES");
    free(b.s);
}

Test(hostile, doctype_does_not_end_the_count, .timeout = 120)
{
    /* Whatever libxml2 does after a DOCTYPE, the scan goes on counting. */
    size_t len;
    char *s = attr_bomb(1000, 0, &len);
    sbuf_t b = {0};
    sb_str(&b, "<!DOCTYPE x [<!ELEMENT x ANY>]>");
    sb_str(&b, s);
    assert_refused(b.s, b.len, JW_LAYER_XML, "ATTRIBUTES");
    free(b.s);
    free(s);
}

Test(hostile, attributes_in_comments_and_cdata_are_not_counted)
{
    size_t len;
    sbuf_t b = {0};
    sb_str(&b, "<!-- <a");
    for (int i = 0; i < 100; i++) sb_str(&b, " x=\"1\"");
    sb_str(&b, "> --><jw301:Commentaar><![CDATA[<b c=1 d=2 e=3 f=4 g=5 h=6 i=7 j=8 k=9 l=1 m=2 "
               "n=3 o=4 p=5 q=6 r=7 s=8 t=9>]]></jw301:Commentaar>");
    char *s = replace1("fixtures/valid/3_2/jw301.xml", "<jw301:Commentaar>Commentaar client</jw301:Commentaar>",
                       b.s, &len);
    jw_ijw_error_t err;
    cr_assert_eq(parse(s, len, &err), JW_IJW_OK, "%s %s", err.rule, err.message);
    free(s);
    free(b.s);
}

/* ---- item: valid messages of 10-25 MB ---- */

/* A JW323 from fixtures/valid/3_2/jw323.xml with one client and n lines
 * of 100 cents each (unique ReferentieNummer, and a ToewijzingNummer of
 * its own so that no two debits repeat TR416's key), padded with trailing
 * newlines to exactly `size` bytes when size > 0. */
static char *big_323(size_t n, size_t size, size_t *len)
{
    size_t flen;
    char *src = fixture("fixtures/valid/3_2/jw323.xml", &flen);
    char *cl = strstr(src, "<jw323:Clienten>");
    cr_assert_not_null(cl);
    *cl = '\0';
    char total[64];
    snprintf(total, sizeof total, "<ijw:TotaalBedrag>%zu</ijw:TotaalBedrag>", n * 100);
    char *t = strstr(src, "<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>");
    cr_assert_not_null(t);
    sbuf_t b = {0};
    sb_add(&b, src, (size_t)(t - src));
    sb_str(&b, total);
    sb_str(&b, t + strlen("<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>"));
    sb_str(&b, "<jw323:Clienten><jw323:Client><jw323:Bsn>999900006</jw323:Bsn><jw323:Prestaties>\n");
    char line[1024];
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line,
                 "<jw323:Prestatie><jw323:ProductReferentie><ijw:ReferentieNummer>RN%zu</ijw:ReferentieNummer>"
                 "</jw323:ProductReferentie><jw323:ToewijzingNummer>%zu</jw323:ToewijzingNummer>"
                 "<jw323:ProductCategorie>45</jw323:ProductCategorie><jw323:ProductCode>45A03</jw323:ProductCode>"
                 "<jw323:ProductPeriode><ijw:Begindatum>2026-04-01</ijw:Begindatum><ijw:Einddatum>2026-04-30"
                 "</ijw:Einddatum></jw323:ProductPeriode><jw323:GeleverdVolume>1</jw323:GeleverdVolume>"
                 "<jw323:Eenheid>04</jw323:Eenheid><jw323:ProductTarief>100</jw323:ProductTarief>"
                 "<jw323:IngediendBedrag><ijw:Bedrag>100</ijw:Bedrag><ijw:DebetCredit>D</ijw:DebetCredit>"
                 "</jw323:IngediendBedrag></jw323:Prestatie>\n", i, 100000 + i);
        sb_str(&b, line);
    }
    sb_str(&b, "</jw323:Prestaties></jw323:Client></jw323:Clienten></jw323:Declaratie></jw323:Bericht>\n");
    free(src);
    if (size) {
        cr_assert_leq(b.len, size);
        while (b.len < size) sb_add(&b, "\n", 1);
    }
    *len = b.len;
    return b.s;
}

Test(hostile, valid_24mb_declaration_accepted, .timeout = 120)
{
    /* Each line is ~650 bytes: 36 000 lines make ~23.5 MB. */
    size_t len;
    char *s = big_323(36000, 24000000, &len);
    cr_assert_eq(len, 24000000);
    jw_ijw_error_t err;
    int rc = parse(s, len, &err);
    cr_assert_eq(rc, JW_IJW_OK, "%s %s line %d: %s", jw_layer_name(err.layer), err.rule, err.line,
                 err.message);
    cr_assert_eq(msg.n_prestaties, 36000);
    cr_assert_eq(msg.declaratie.totaal, 3600000);
    cr_assert_str_eq(msg.prestaties[35999].referentienummer, "RN35999");
    free(s);
}

Test(hostile, valid_15mb_declaration_accepted, .timeout = 120)
{
    size_t len;
    char *s = big_323(22000, 15000000, &len);
    jw_ijw_error_t err;
    cr_assert_eq(parse(s, len, &err), JW_IJW_OK, "%s %s", err.rule, err.message);
    cr_assert_eq(msg.n_prestaties, 22000);
    free(s);
}

Test(hostile, message_of_25000001_bytes_refused_op179, .timeout = 120)
{
    size_t len;
    char *s = big_323(36000, 25000001, &len);
    cr_assert_eq(len, 25000001);
    assert_refused(s, len, JW_LAYER_XML, "OP179");
    free(s);
    s = big_323(36000, 25000000, &len); /* the cap itself is allowed */
    jw_ijw_error_t err;
    cr_assert_eq(parse(s, len, &err), JW_IJW_OK, "%s %s", err.rule, err.message);
    free(s);
}

Test(hostile, duplicate_reference_found_among_many_lines, .timeout = 120)
{
    /* The uniqueness rule (TR101) on a large message: the last line repeats
     * line 5's ReferentieNummer; reported at the later one (item n). */
    size_t len;
    char *s = big_323(20000, 0, &len);
    char *last = strstr(s, "<ijw:ReferentieNummer>RN19999<");
    cr_assert_not_null(last);
    memcpy(last + strlen("<ijw:ReferentieNummer>"), "RN4    ", 7); /* spaces trimmed */
    jw_ijw_error_t err;
    cr_assert_eq(parse(s, len, &err), JW_IJW_EINVALID);
    cr_assert_str_eq(err.rule, "TR101");
    cr_assert(strstr(err.message, "(item 20000)"), "%s", err.message);
    free(s);
}

/* ---- item: CDATA is text ---- */

static void parse_ok(const char *buf, size_t len)
{
    jw_ijw_error_t err;
    int rc = parse(buf, len, &err);
    cr_assert_eq(rc, JW_IJW_OK, "%s %s: %s", jw_layer_name(err.layer), err.rule, err.message);
}

Test(hostile, bsn_in_cdata_gives_the_same_pseudonym)
{
    size_t len;
    char *plain = fixture("fixtures/valid/3_2/jw301.xml", &len);
    parse_ok(plain, len);
    char yid[sizeof msg.clients[0].yid];
    memcpy(yid, msg.clients[0].yid, sizeof yid);
    cr_assert_neq(yid[0], '\0');
    free(plain);

    char *s = replace1("fixtures/valid/3_2/jw301.xml", "<jw301:Bsn>999900006</jw301:Bsn>",
                       "<jw301:Bsn><![CDATA[999900006]]></jw301:Bsn>", &len);
    parse_ok(s, len);
    cr_assert_eq(msg.clients[0].bsn_valid, 1);
    cr_assert_str_eq(msg.clients[0].yid, yid);
    free(s);

    /* Split over text and CDATA: still one value. */
    s = replace1("fixtures/valid/3_2/jw301.xml", "<jw301:Bsn>999900006</jw301:Bsn>",
                 "<jw301:Bsn>9999<![CDATA[000]]>06</jw301:Bsn>", &len);
    parse_ok(s, len);
    cr_assert_str_eq(msg.clients[0].yid, yid);
    free(s);
}

Test(hostile, identificatie_in_cdata_is_read)
{
    size_t len;
    char *s = replace1("fixtures/valid/3_2/jw301.xml", "<ijw:Identificatie>123456789012</ijw:Identificatie>",
                       "<ijw:Identificatie><![CDATA[123456789012]]></ijw:Identificatie>", &len);
    parse_ok(s, len);
    cr_assert_str_eq(msg.header.identificatie, "123456789012");
    free(s);
}

Test(hostile, afzender_in_cdata_is_read)
{
    size_t len;
    char *s = replace1("fixtures/valid/3_2/jw301.xml", "<jw301:Afzender>0384</jw301:Afzender>",
                       "<jw301:Afzender><![CDATA[0384]]></jw301:Afzender>", &len);
    parse_ok(s, len);
    cr_assert_str_eq(msg.header.afzender, "0384");
    free(s);
}

/* ---- item: the date window ---- */

Test(hostile, window_constants_are_1900_and_2100)
{
    jw_date_t lo, hi;
    cr_assert_eq(jw_date_from_ymd(1900, 1, 1, &lo), 0);
    cr_assert_eq(jw_date_from_ymd(2100, 12, 31, &hi), 0);
    cr_assert_eq(JW_DATE_WINDOW_MIN, lo);
    cr_assert_eq(JW_DATE_WINDOW_MAX, hi);
    cr_assert(jw_date_in_window(lo) && jw_date_in_window(hi));
    cr_assert(!jw_date_in_window(lo - 1) && !jw_date_in_window(hi + 1));
}

static void dates(const char *ingang, const char *eind, int expect_ok)
{
    char a[128], b[128];
    size_t len, len2;
    snprintf(a, sizeof a, "<jw301:Ingangsdatum>%s</jw301:Ingangsdatum>", ingang);
    char *s1 = replace1("fixtures/valid/3_2/jw301.xml", "<jw301:Ingangsdatum>2026-04-01</jw301:Ingangsdatum>", a, &len);
    snprintf(b, sizeof b, "<jw301:Einddatum>%s</jw301:Einddatum>", eind);
    char *at = strstr(s1, "<jw301:Einddatum>2026-07-14</jw301:Einddatum>");
    cr_assert_not_null(at);
    sbuf_t sb = {0};
    sb_add(&sb, s1, (size_t)(at - s1));
    sb_str(&sb, b);
    sb_str(&sb, at + strlen("<jw301:Einddatum>2026-07-14</jw301:Einddatum>"));
    len2 = sb.len;
    if (expect_ok) parse_ok(sb.s, len2);
    else assert_refused(sb.s, len2, JW_LAYER_RULE, "DATE");
    free(s1);
    free(sb.s);
}

Test(hostile, allocation_0001_to_9999_refused_date)
{
    dates("0001-01-01", "9999-12-31", 0);
    dates("1899-12-31", "2026-07-14", 0);
    dates("2026-04-01", "2101-01-01", 0);
    dates("1900-01-01", "2100-12-31", 1); /* the window's edges are inside */
}

Test(hostile, every_date_field_is_windowed)
{
    size_t len;
    char *s = replace1("fixtures/valid/3_2/jw301.xml", "<ijw:Dagtekening>2026-04-01</ijw:Dagtekening>",
                       "<ijw:Dagtekening>9999-04-01</ijw:Dagtekening>", &len);
    assert_refused(s, len, JW_LAYER_RULE, "DATE");
    free(s);
    s = replace1("fixtures/valid/3_2/jw301.xml", "<ijw:Datum>2010-02-14</ijw:Datum>",
                 "<ijw:Datum>1850-02-14</ijw:Datum>", &len);
    jw_ijw_error_t err;
    cr_assert_eq(parse(s, len, &err), JW_IJW_EINVALID);
    cr_assert_str_eq(err.rule, "DATE");
    cr_assert_null(strstr(err.message, "1850"), "a birth date is never quoted: %s", err.message);
    free(s);
    s = replace1("fixtures/valid/3_2/jw323.xml", "<ijw:Begindatum>2026-03-01</ijw:Begindatum>",
                 "<ijw:Begindatum>0999-03-01</ijw:Begindatum>", &len);
    assert_refused(s, len, JW_LAYER_RULE, "DATE");
    free(s);
    s = replace1("fixtures/valid/3_2/jw307.xml", "<jw307:Einddatum>2026-07-17</jw307:Einddatum>",
                 "<jw307:Einddatum>2101-07-17</jw307:Einddatum>", &len);
    assert_refused(s, len, JW_LAYER_RULE, "DATE");
    free(s);
}
