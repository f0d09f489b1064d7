/* Tests for pkg/ijw: every fixture gets the verdict fixtures/expected.tsv
 * gives it; parsed fields equal the values written in the reference
 * examples; hostile documents are refused without expansion or loading;
 * no BSN reaches an error text or the parsed record; parsers are reusable
 * and safe on two threads sharing one schema. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ijw/ijw.h"
#include "test_util.h"

static jw_ijw_schema_t *schema;
static jw_ijw_parser_t *parser;
static jw_pseudo_t *pseudo;
static jw_ijw_msg_t msg;

static void setup(void)
{
    unsigned char key[32];
    for (int i = 0; i < 32; i++) key[i] = (unsigned char)i;
    cr_assert_eq(jw_ijw_schema_new(&schema), JW_IJW_OK);
    cr_assert_eq(jw_pseudo_from_key(key, &pseudo), 0);
    cr_assert_eq(jw_ijw_parser_new(schema, pseudo, &parser), JW_IJW_OK);
    jw_ijw_msg_init(&msg);
}

static void teardown(void)
{
    jw_ijw_msg_clear(&msg);
    jw_ijw_parser_free(parser);
    jw_pseudo_free(pseudo);
    jw_ijw_schema_free(schema);
}

TestSuite(ijw, .init = setup, .fini = teardown);

static int parse_file(const char *path, jw_ijw_error_t *err)
{
    size_t len;
    char *buf = test_read_file(path, &len);
    cr_assert_not_null(buf, "cannot read %s", path);
    int rc = jw_ijw_parse(parser, buf, len, path, &msg, err);
    free(buf);
    return rc;
}

static int parse_buf(const char *buf, size_t len, jw_ijw_error_t *err)
{
    return jw_ijw_parse(parser, buf, len, "test", &msg, err);
}

static jw_date_t D(const char *s)
{
    jw_date_t d;
    cr_assert_eq(jw_date_parse(s, strlen(s), &d), 0, "bad test date %s", s);
    return d;
}

/* ---- every fixture: the verdict written in fixtures/expected.tsv ---- */

Test(ijw, fixtures_expected_verdicts)
{
    FILE *f = fopen("fixtures/expected.tsv", "r");
    char line[1024];
    int n = 0, n_ok = 0, n_err = 0;
    cr_assert_not_null(f, "fixtures/expected.tsv missing");
    while (fgets(line, sizeof line, f)) {
        char *path, *verdict, *layer = NULL, *rule = NULL, *save;
        if (line[0] == '#' || line[0] == '\n') continue;
        line[strcspn(line, "\r\n")] = '\0';
        path = strtok_r(line, "\t", &save);
        verdict = strtok_r(NULL, "\t", &save);
        cr_assert_not_null(verdict, "bad line for %s", path);
        if (strcmp(verdict, "ERR") == 0) {
            layer = strtok_r(NULL, "\t", &save);
            rule = strtok_r(NULL, "\t", &save);
            cr_assert(layer && rule, "ERR line without layer/rule: %s", path);
        }
        jw_ijw_error_t err;
        int rc = parse_file(path, &err);
        n++;
        if (strcmp(verdict, "OK") == 0) {
            n_ok++;
            cr_expect_eq(rc, JW_IJW_OK, "%s: expected OK, got %s %s: %s", path,
                         jw_layer_name(err.layer), err.rule, err.message);
        } else {
            n_err++;
            cr_expect_eq(rc, JW_IJW_EINVALID, "%s: expected %s %s, got OK", path, layer, rule);
            if (rc == JW_IJW_EINVALID) {
                cr_expect_str_eq(jw_layer_name(err.layer), layer, "%s: layer %s (%s %s), expected %s",
                                 path, jw_layer_name(err.layer), err.rule, err.message, layer);
                cr_expect_str_eq(err.rule, rule, "%s: rule %s (%s), expected %s", path, err.rule,
                                 err.message, rule);
            }
        }
    }
    fclose(f);
    /* The fixture set covers every type and release and every rule. */
    cr_assert_geq(n_ok, 20, "only %d valid fixtures", n_ok);
    cr_assert_geq(n_err, 50, "only %d invalid fixtures", n_err);
}

/* ---- parsed values, checked against the reference examples ---- */

Test(ijw, jw301_fields)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw301.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_301);
    cr_assert_eq(msg.header.berichtcode, 436);
    cr_assert_eq(msg.header.versie, 3);
    cr_assert_eq(msg.header.subversie, 2);
    cr_assert_eq(msg.header.release, 2);
    cr_assert_str_eq(msg.header.afzender, "0384");
    cr_assert_str_eq(msg.header.ontvanger, "42420001");
    cr_assert_str_eq(msg.header.identificatie, "123456789012");
    cr_assert_eq(msg.header.dagtekening, D("2026-04-01"));
    cr_assert_eq(msg.n_clients, 1);
    cr_assert_str_eq(msg.clients[0].yid, "df47eabb1ca9ba6a31cff023b444cb13");
    cr_assert_eq(msg.clients[0].birth_ym, 201002);
    cr_assert_eq(msg.clients[0].geslacht, 1);
    cr_assert_eq(msg.n_toewijzingen, 2);
    const jw_ijw_toewijzing_t *t = &msg.toewijzingen[0];
    cr_assert_eq(t->toewijzingnummer, 300201);
    cr_assert_str_eq(t->referentie_aanbieder, "40A12341234");
    cr_assert_str_eq(t->categorie, "55");
    cr_assert_str_eq(t->code, "55A11");
    cr_assert_eq(t->toewijzingsdatum, D("2026-04-01"));
    cr_assert_eq(t->toewijzingstijd, 12 * 3600 + 34 * 60 + 56);
    cr_assert_eq(t->ingangsdatum, D("2026-04-01"));
    cr_assert_eq(t->einddatum, D("2026-07-14"));
    cr_assert_eq(t->reden_wijziging, JW_NONE);
    cr_assert_eq(t->omvang.volume, 2);
    cr_assert_eq(t->omvang.eenheid, 4);
    cr_assert_eq(t->omvang.frequentie, 2);
    cr_assert_eq(t->budget, JW_NONE);
    t = &msg.toewijzingen[1];
    cr_assert_eq(t->toewijzingnummer, 300202);
    cr_assert_str_eq(t->code, "55A12");
    cr_assert_eq(t->einddatum, D("2026-07-19"));
    cr_assert_eq(t->omvang.eenheid, 16);
}

Test(ijw, jw305_jw307_fields)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw305.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_305);
    cr_assert_str_eq(msg.header.afzender, "65656055");
    cr_assert_str_eq(msg.header.ontvanger, "0363");
    cr_assert_eq(msg.n_leveringen, 2);
    cr_assert_eq(msg.leveringen[0].toewijzingnummer, 300201);
    cr_assert_str_eq(msg.leveringen[0].code, "55A11");
    cr_assert_eq(msg.leveringen[0].toewijzing_ingangsdatum, D("2026-04-01"));
    cr_assert_eq(msg.leveringen[0].begindatum, D("2026-04-03"));
    cr_assert_eq(msg.leveringen[0].status, 1);
    cr_assert_eq(msg.leveringen[0].einddatum, JW_DATE_NONE);
    cr_assert_eq(msg.leveringen[1].begindatum, D("2026-04-15"));

    cr_assert_eq(parse_file("fixtures/valid/3_2/jw307.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_307);
    cr_assert_eq(msg.header.dagtekening, D("2026-07-20"));
    cr_assert_eq(msg.n_leveringen, 2);
    cr_assert_eq(msg.leveringen[0].reden_beeindiging, 31);
    cr_assert_eq(msg.leveringen[0].einddatum, D("2026-07-17"));
    cr_assert_eq(msg.leveringen[1].begindatum, D("2026-04-15"));
}

Test(ijw, jw315_fields)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw315.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_315);
    cr_assert_eq(msg.n_verzoeken, 2);
    const jw_ijw_verzoek_t *v = &msg.verzoeken[0];
    cr_assert_str_eq(v->referentie_aanbieder, "40A12341234");
    cr_assert_str_eq(v->categorie, "55");
    cr_assert_str_eq(v->code, "55A11");
    cr_assert_eq(v->toewijzing_ingangsdatum, D("2026-04-01"));
    cr_assert_eq(v->toewijzing_einddatum, D("2027-06-30"));
    cr_assert_eq(v->omvang.volume, 2);
    cr_assert_eq(v->omvang.eenheid, 16);
    cr_assert_eq(v->omvang.frequentie, 4);
    cr_assert_eq(v->verwijzer_type, 1);
    cr_assert_str_eq(v->verwijzer_agb, "");
    cr_assert(v->has_beschikkingnummer && v->has_beschikking_ingangsdatum);
    cr_assert_eq(msg.verzoeken[1].verwijzer_type, 2);
    cr_assert_str_eq(msg.verzoeken[1].verwijzer_agb, "12345678");
}

Test(ijw, jw323_fields)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw323.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_323);
    cr_assert_str_eq(msg.declaratie.nummer, "DN001");
    cr_assert_eq(msg.declaratie.periode_begin, D("2026-04-01"));
    cr_assert_eq(msg.declaratie.periode_eind, D("2026-04-30"));
    cr_assert_eq(msg.n_clients, 2);
    cr_assert_str_eq(msg.clients[1].yid, "07ec4c7978dff49a25f26a42aa310a03");
    cr_assert_geq(msg.n_prestaties, 4);
    const jw_ijw_prestatie_t *p = &msg.prestaties[0];
    cr_assert_eq(p->client, 0);
    cr_assert_str_eq(p->referentienummer, "RN001");
    cr_assert_eq(p->toewijzingnummer, 10072);
    cr_assert_str_eq(p->categorie, "45");
    cr_assert_str_eq(p->code, "45A03");
    cr_assert_eq(p->begindatum, D("2026-04-01"));
    cr_assert_eq(p->einddatum, D("2026-04-30"));
    cr_assert_eq(p->volume, 4);
    cr_assert_eq(p->eenheid, 4);
    cr_assert_eq(p->tarief, 1250);
    cr_assert_eq(p->bedrag, 5000);
    cr_assert_eq(p->dc, 'D');
    cr_assert_eq(msg.prestaties[2].client, 1);
    /* The total equals the sum of the signed lines (TR358). */
    int64_t sum = 0;
    for (size_t i = 0; i < msg.n_prestaties; i++) sum += msg.prestaties[i].bedrag;
    cr_assert_eq(msg.declaratie.totaal, sum);
}

Test(ijw, jw323_credit_is_negative)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw323-credit.xml", &err), JW_IJW_OK, "%s", err.message);
    int credits = 0;
    for (size_t i = 0; i < msg.n_prestaties; i++) {
        const jw_ijw_prestatie_t *p = &msg.prestaties[i];
        if (p->dc == 'C') {
            credits++;
            cr_assert_lt(p->bedrag, 0);
            cr_assert_neq(p->vorig_referentienummer[0], '\0');
        } else {
            cr_assert_geq(p->bedrag, 0);
        }
    }
    cr_assert_geq(credits, 1);
}

/* ---- the other nine message types ---- */

#define OFFICIAL "../shared/reference/official/ijw-3.2/berichten/"

/* A retour names the heenbericht by its copied header and holds its own
 * identification; any code other than 0200/0233, in any class, refuses. */
Test(ijw, retour_fields_and_verdict)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw302.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_302);
    cr_assert(jw_ijw_is_retour(msg.type));
    cr_assert_eq(jw_ijw_retour_of(msg.type), JW_MSG_301);
    cr_assert_eq(msg.header.berichtcode, 437);
    cr_assert_str_eq(msg.header.afzender, "0384");
    cr_assert_str_eq(msg.header.identificatie, "123456789012");
    cr_assert_eq(msg.header.dagtekening, D("2026-04-01"));
    cr_assert_str_eq(msg.retour.identificatie, "R302-0001");
    cr_assert_eq(msg.retour.dagtekening, D("2026-04-02"));
    cr_assert_eq(msg.retour.n_codes, 0);
    cr_assert_eq(msg.retour.refused, 0);
    cr_assert_eq(msg.n_clients, 0);

    cr_assert_eq(parse_file("fixtures/valid/3_2/jw302-geweigerd.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.retour.refused, 1);
    cr_assert_eq(msg.retour.n_codes, 1);
    cr_assert_str_eq(msg.retour.codes[0], "0001");

    /* Body copy with 0200 on every class: accepted, the client pseudonymised. */
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw306.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_306);
    cr_assert_eq(msg.retour.refused, 0);
    cr_assert_eq(msg.retour.n_codes, 1);
    cr_assert_str_eq(msg.retour.codes[0], "0200");
    cr_assert_eq(msg.n_clients, 1);
    cr_assert_neq(msg.clients[0].yid[0], '\0');

    /* The standard's examples: JW306 refused with 8848 (TR135). */
    cr_assert_eq(parse_file(OFFICIAL "JW306.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.retour.refused, 1);
    cr_assert_str_eq(msg.retour.codes[0], "8848");
    cr_assert_str_eq(msg.retour.identificatie, "7ae60051-e0f");
}

Test(ijw, jw317_fields)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw317.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_317);
    cr_assert_eq(msg.n_clients, 1);
    cr_assert_str_eq(msg.verzoek.referentie_aanbieder, "40A12349001");
    cr_assert_eq(msg.verzoek.reden_verzoek, 1);
    cr_assert_eq(msg.n_wijzigingen, 3);
    cr_assert_eq(msg.wijzigingen[0].kind, JW_WIJZIGING_ONGEWIJZIGD);
    cr_assert_eq(msg.wijzigingen[0].toewijzingnummer, 300201);
    cr_assert_eq(msg.wijzigingen[1].kind, JW_WIJZIGING_TEWIJZIGEN);
    cr_assert_eq(msg.wijzigingen[1].toewijzingnummer, 300202);
    cr_assert_eq(msg.wijzigingen[1].gewenste_ingangsdatum, D("2026-06-01"));
    cr_assert_eq(msg.wijzigingen[1].omvang.volume, 6);
    cr_assert_eq(msg.wijzigingen[2].kind, JW_WIJZIGING_NIEUW);
    cr_assert_eq(msg.wijzigingen[2].toewijzingnummer, JW_NONE);
    cr_assert_str_eq(msg.wijzigingen[2].categorie, "45");
    cr_assert_str_eq(msg.wijzigingen[2].code, "45A13");
    cr_assert_eq(msg.wijzigingen[2].einddatum, D("2026-12-31"));
}

Test(ijw, jw319_fields)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw319.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_319);
    cr_assert_eq(msg.n_clients, 0);
    cr_assert_str_eq(msg.verzoek.referentie_aanbieder, "40A12341235");
    cr_assert_eq(msg.verzoek.verzoek_antwoord, 1);
    cr_assert_eq(msg.verzoek.reden_afwijzing, 3);
    cr_assert_str_eq(msg.verzoek.woonplaats_gemeente, "");
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw319-onderzoek.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.verzoek.verzoek_antwoord, 2);
    cr_assert_eq(msg.verzoek.reden_afwijzing, JW_NONE);
    cr_assert_eq(parse_file(OFFICIAL "JW319.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_str_eq(msg.verzoek.referentie_aanbieder, "9003");
    cr_assert_eq(msg.verzoek.reden_afwijzing, 8);
    cr_assert_str_eq(msg.verzoek.woonplaats_gemeente, "1916");
}

Test(ijw, jw325_fields)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw325.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.type, JW_MSG_325);
    cr_assert_str_eq(msg.declaratie.decl_identificatie, "765432198");
    cr_assert_eq(msg.declaratie.decl_dagtekening, D("2026-05-06"));
    cr_assert_str_eq(msg.declaratie.nummer, "DN001");
    cr_assert_eq(msg.declaratie.totaal, 79000);
    cr_assert_eq(msg.declaratie.toegekend, 74000);
    cr_assert_str_eq(msg.declaratie.decl_retourcode, "0200");
    cr_assert_eq(msg.retour.refused, 0);
    cr_assert_str_eq(msg.retour.codes[0], "0200");
    cr_assert_eq(msg.n_clients, 1);
    cr_assert_eq(msg.n_prestaties, 1);
    cr_assert_str_eq(msg.prestaties[0].referentienummer, "RN001");
    cr_assert_str_eq(msg.prestaties[0].retourcode, "0611");
    cr_assert_eq(msg.prestaties[0].bedrag, 5000);

    /* The standard's example: credits, signed negative; three refused lines. */
    cr_assert_eq(parse_file(OFFICIAL "JW325.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.declaratie.totaal, -58000);
    cr_assert_eq(msg.declaratie.toegekend, -34000);
    cr_assert_eq(msg.n_clients, 2);
    cr_assert_eq(msg.n_prestaties, 3);
    cr_assert_str_eq(msg.prestaties[1].referentienummer, "RN002");
    cr_assert_str_eq(msg.prestaties[1].retourcode, "9339");
    cr_assert_eq(msg.prestaties[1].bedrag, -14000);
    cr_assert_eq(msg.prestaties[2].client, 1);
}

/* Every valid example of the standard is accepted; the three the standard
 * itself gets wrong are refused, each for its own defect. JW317 is valid:
 * its NieuwProduct ends (2024-02-28) before it starts (2026-11-01), but no
 * rule the standard lists for the JW317 forbids that (CS003 is not one). */
Test(ijw, official_examples_verdicts)
{
    static const char *ok[] = {"JW301", "JW302", "JW305", "JW306", "JW307", "JW308", "JW316",
                               "JW317", "JW319", "JW320", "JW325"};
    char path[256];
    jw_ijw_error_t err;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(path, sizeof path, OFFICIAL "%s.xml", ok[i]);
        cr_expect_eq(parse_file(path, &err), JW_IJW_OK, "%s: %s %s", path, err.rule, err.message);
    }
    cr_expect_eq(parse_file(OFFICIAL "JW315.xml", &err), JW_IJW_EINVALID);
    cr_expect_eq(err.layer, JW_LAYER_XSD); /* 2027-06-31 */
    cr_expect_eq(parse_file(OFFICIAL "JW318.xml", &err), JW_IJW_EINVALID);
    cr_expect_eq(err.layer, JW_LAYER_XSD);
    cr_expect_eq(parse_file(OFFICIAL "JW323.xml", &err), JW_IJW_EINVALID);
    cr_expect_str_eq(err.rule, "TR101"); /* RN004 twice */
}

Test(ijw, releases_3_0_and_3_1)
{
    jw_ijw_error_t err;
    cr_assert_eq(parse_file("fixtures/valid/3_0/jw301.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.header.release, 0);
    cr_assert_eq(msg.header.subversie, 0);
    cr_assert_eq(parse_file("fixtures/valid/3_1/jw301.xml", &err), JW_IJW_OK, "%s", err.message);
    cr_assert_eq(msg.header.release, 1);
}

/* ---- privacy ---- */

static int contains(const void *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

Test(ijw, bsn_never_in_errors_or_records)
{
    jw_ijw_error_t err;
    static const char *bad[] = {
        "fixtures/invalid/rule-cs002-jw301-bsn.xml",
        "fixtures/invalid/rule-cs002-jw323-bsn.xml",
        "fixtures/invalid/xsd-xsd-jw301-bsn-8-digits.xml",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len;
        char *buf = test_read_file(bad[i], &len);
        cr_assert_not_null(buf, "missing %s", bad[i]);
        cr_assert_eq(jw_ijw_parse(parser, buf, len, bad[i], &msg, &err), JW_IJW_EINVALID);
        /* Find every Bsn value of the file and make sure none is echoed. */
        for (char *b = strstr(buf, "Bsn>"); b; b = strstr(b + 4, "Bsn>")) {
            char val[16] = "";
            sscanf(b + 4, "%15[0-9]", val);
            if (strlen(val) >= 6)
                cr_assert_not(contains(err.message, strlen(err.message), val),
                              "%s: error text holds the BSN: %s", bad[i], err.message);
        }
        free(buf);
    }
    /* A valid message: the record holds the yid, never the BSN digits. */
    cr_assert_eq(parse_file("fixtures/valid/3_2/jw323.xml", &err), JW_IJW_OK);
    cr_assert_not(contains(msg.clients, msg.n_clients * sizeof *msg.clients, "999900006"));
    cr_assert_not(contains(msg.clients, msg.n_clients * sizeof *msg.clients, "999900018"));
    cr_assert_not(contains(&msg, sizeof msg, "999900006"));
}

Test(ijw, redact)
{
    char t[] = "value 999900006 and 12345678 and 1234567890, 0384";
    jw_ijw_redact(t);
    cr_assert_str_eq(t, "value ********* and 12345678 and **********, 0384");
}

/* ---- hostile input ---- */

Test(ijw, billion_laughs_refused)
{
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>\n"
        "<lolz>&lol9;</lolz>";
    jw_ijw_error_t err;
    cr_assert_eq(parse_buf(doc, strlen(doc), &err), JW_IJW_EINVALID);
    cr_assert_eq(err.layer, JW_LAYER_XML);
    cr_assert_str_eq(err.rule, "DOCTYPE");
}

Test(ijw, external_entity_not_loaded)
{
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<r>&x;</r>";
    jw_ijw_error_t err;
    cr_assert_eq(parse_buf(doc, strlen(doc), &err), JW_IJW_EINVALID);
    cr_assert_str_eq(err.rule, "DOCTYPE");
    cr_assert_null(strstr(err.message, "root:"));
}

Test(ijw, undeclared_entity_is_xml_error)
{
    const char *doc = "<?xml version=\"1.0\"?>\n<r>&x;</r>";
    jw_ijw_error_t err;
    cr_assert_eq(parse_buf(doc, strlen(doc), &err), JW_IJW_EINVALID);
    cr_assert_eq(err.layer, JW_LAYER_XML);
    cr_assert_str_eq(err.rule, "XML");
    cr_assert_eq(err.line, 2);
}

Test(ijw, deep_nesting_stopped)
{
    /* 100 000 levels: a pure SAX parse in 2.9.14 has no depth limit of its
     * own; ours stops it. */
    const size_t depth = 100000;
    size_t len = depth * 7 + 64, off = 0;
    char *doc = malloc(len);
    cr_assert_not_null(doc);
    off += (size_t)sprintf(doc, "<?xml version=\"1.0\"?>\n");
    for (size_t i = 0; i < depth; i++) off += (size_t)sprintf(doc + off, "<a>");
    for (size_t i = 0; i < depth; i++) off += (size_t)sprintf(doc + off, "</a>");
    jw_ijw_error_t err;
    cr_assert_eq(parse_buf(doc, off, &err), JW_IJW_EINVALID);
    cr_assert_eq(err.layer, JW_LAYER_XML);
    cr_assert_str_eq(err.rule, "DEPTH");
    free(doc);
}

Test(ijw, oversize_refused_before_parsing)
{
    /* 26 MB of otherwise harmless bytes: refused on size alone (OP179). */
    size_t len = 26u * 1000u * 1000u;
    char *doc = malloc(len);
    cr_assert_not_null(doc);
    memset(doc, ' ', len);
    memcpy(doc, "<?xml version=\"1.0\"?><a>", 24);
    jw_ijw_error_t err;
    cr_assert_eq(parse_buf(doc, len, &err), JW_IJW_EINVALID);
    cr_assert_eq(err.layer, JW_LAYER_XML);
    cr_assert_str_eq(err.rule, "OP179");
    /* The cap itself is 25 000 000 bytes: one byte more is refused. */
    cr_assert_eq(parse_buf(doc, JW_IJW_MAX_BYTES + 1, &err), JW_IJW_EINVALID);
    cr_assert_str_eq(err.rule, "OP179");
    free(doc);
}

Test(ijw, any_bytes_never_crash)
{
    /* Every prefix of a valid message, and the message with each byte
     * flipped in turn over its first 600 bytes: each parse returns OK or
     * EINVALID with a layer, never anything else (ASan watches memory). */
    size_t len;
    char *buf = test_read_file("fixtures/valid/3_2/jw305.xml", &len);
    jw_ijw_error_t err;
    cr_assert_not_null(buf);
    /* Cuts before the root's closing '>' (what follows it is white space). */
    size_t end = len;
    while (end > 0 && buf[end - 1] != '>') end--;
    for (size_t cut = 0; cut < end; cut += 7) {
        int rc = parse_buf(buf, cut, &err);
        cr_assert_eq(rc, JW_IJW_EINVALID, "prefix %zu accepted", cut);
        cr_assert_neq(err.layer, JW_LAYER_NONE);
    }
    for (size_t i = 0; i < len && i < 600; i++) {
        char saved = buf[i];
        buf[i] = (char)(saved ^ 0x5a);
        int rc = parse_buf(buf, len, &err);
        cr_assert(rc == JW_IJW_OK || (rc == JW_IJW_EINVALID && err.layer != JW_LAYER_NONE));
        buf[i] = saved;
    }
    cr_assert_eq(parse_buf(buf, len, &err), JW_IJW_OK);
    free(buf);
}

Test(ijw, parser_reuse_alternating)
{
    size_t lv, li;
    char *valid = test_read_file("fixtures/valid/3_2/jw301.xml", &lv);
    char *invalid = test_read_file("fixtures/invalid/xsd-xsd-jw315-bad-date.xml", &li);
    jw_ijw_error_t err;
    cr_assert(valid && invalid);
    for (int i = 0; i < 50; i++) {
        cr_assert_eq(parse_buf(invalid, li, &err), JW_IJW_EINVALID);
        cr_assert_eq(err.layer, JW_LAYER_XSD);
        cr_assert_eq(parse_buf(valid, lv, &err), JW_IJW_OK, "round %d: %s", i, err.message);
        cr_assert_eq(msg.n_toewijzingen, 2);
    }
    free(valid);
    free(invalid);
}

/* ---- two threads, one schema ---- */

typedef struct {
    const jw_ijw_schema_t *schema;
    const char *valid;
    size_t lv;
    const char *invalid;
    size_t li;
    int wrong;
} thread_arg_t;

static void *thread_main(void *p)
{
    thread_arg_t *a = p;
    jw_ijw_parser_t *prs;
    jw_ijw_msg_t m;
    jw_ijw_error_t err;
    jw_ijw_msg_init(&m);
    if (jw_ijw_parser_new(a->schema, NULL, &prs) != JW_IJW_OK) {
        a->wrong = -1;
        return NULL;
    }
    for (int i = 0; i < 300; i++) {
        if (jw_ijw_parse(prs, a->valid, a->lv, "v", &m, &err) != JW_IJW_OK) a->wrong++;
        if (jw_ijw_parse(prs, a->invalid, a->li, "i", &m, &err) != JW_IJW_EINVALID) a->wrong++;
    }
    jw_ijw_msg_clear(&m);
    jw_ijw_parser_free(prs);
    return NULL;
}

Test(ijw, two_threads_share_schema)
{
    size_t lv, li;
    char *valid = test_read_file("fixtures/valid/3_2/jw323.xml", &lv);
    char *invalid = test_read_file("fixtures/invalid/rule-tr358-jw323-total.xml", &li);
    cr_assert(valid && invalid);
    thread_arg_t a = {schema, valid, lv, invalid, li, 0}, b = a;
    pthread_t ta, tb;
    pthread_create(&ta, NULL, thread_main, &a);
    pthread_create(&tb, NULL, thread_main, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    cr_assert_eq(a.wrong, 0);
    cr_assert_eq(b.wrong, 0);
    free(valid);
    free(invalid);
}

/* ---- the UTF-8 pre-check names the first bad byte ----
 * It skips ASCII eight bytes at a time: a bad byte at every offset of
 * the eight, behind ASCII runs of every length mod 8 and behind a valid
 * two-byte character, is found at exactly its offset (the offsets are the
 * lengths of what precedes it). */
Test(ijw, utf8_precheck_offsets)
{
    static const char *bad[] = {"\xff", "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3"};
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>";
    for (size_t m = 0; m < 10; m++) {
        for (size_t r = 0; r < 10; r++) {
            for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
                char buf[256], want[64];
                size_t n = 0;
                n += (size_t)sprintf(buf + n, "%s", head);
                memset(buf + n, 'x', m), n += m;
                memcpy(buf + n, "\xc3\xa9", 2), n += 2; /* é, valid */
                memset(buf + n, 'y', r), n += r;
                size_t at = n;
                /* "\xc3" last: a lead byte with nothing after it */
                n += (size_t)sprintf(buf + n, "%s%s", bad[k], bad[k][0] == '\xc3' ? "" : "</a>");
                jw_ijw_error_t err;
                cr_assert_eq(parse_buf(buf, n, &err), JW_IJW_EINVALID, "m %zu r %zu k %zu", m, r, k);
                cr_assert_str_eq(err.rule, "OP192", "m %zu r %zu k %zu: %s", m, r, k, err.message);
                snprintf(want, sizeof want, "byte %zu is not valid UTF-8", at);
                cr_assert_str_eq(err.message, want, "m %zu r %zu k %zu", m, r, k);
            }
        }
    }
    /* long valid ASCII and two-byte text: no finding from the pre-check */
    char ok[300];
    size_t n = (size_t)sprintf(ok, "%s", head);
    for (int i = 0; i < 60; i++) n += (size_t)sprintf(ok + n, i % 7 ? "abc" : "\xc3\xa9");
    n += (size_t)sprintf(ok + n, "</a>");
    jw_ijw_error_t err;
    parse_buf(ok, n, &err);
    cr_assert_str_neq(err.rule, "OP192", "%s", err.message);
}
