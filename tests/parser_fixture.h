/* parser_fixture.h - one parser per test: a compiled schema, a pseudonymiser
 * with a fixed key (byte i = 7i) and a message, made before and freed after
 * each test of a suite that names setup/teardown as its init/fini. For
 * tests that parse messages; included by one test file each (statics). */
#ifndef JW_PARSER_FIXTURE_H
#define JW_PARSER_FIXTURE_H

#include <criterion/criterion.h>

#include "ijw/ijw.h"
#include "pseudo/pseudo.h"

static jw_ijw_schema_t *schema;
static jw_ijw_parser_t *parser;
static jw_pseudo_t *pseudo;
static jw_ijw_msg_t msg;

static void setup(void)
{
    unsigned char key[32];
    for (int i = 0; i < 32; i++) key[i] = (unsigned char)(i * 7);
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

#endif
