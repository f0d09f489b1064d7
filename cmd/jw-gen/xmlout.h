/* xmlout.h - render one message of the world as iJw 3.x XML.
 *
 * Output follows the published examples: UTF-8 without BOM, the XML
 * declaration, prefixes jwNNN: (message namespace) and ijw: (basisschema),
 * one element per line indented with tabs, CR/LF line ends (OP192). The
 * release (namespace 3_0/3_1/3_2 and BerichtSubversie) follows the
 * Dagtekening (region.h, jwg_release).
 *
 * Broken variants for the invalid share are made from the valid rendering:
 * value-level ones (CS002, CS003, TR358) through jwg_render_opts_t, text-level
 * ones (XML truncation, XSD breakage) by jwg_xml_break() afterwards.
 */
#ifndef JWG_XMLOUT_H
#define JWG_XMLOUT_H

#include "buf.h"
#include "model.h"

/* Kinds of broken message (JWG_MUT_NONE = the valid message). */
enum {
    JWG_MUT_NONE = 0,
    JWG_MUT_XML_TRUNCATED,
    JWG_MUT_XSD_MISSING,   /* a required element removed */
    JWG_MUT_XSD_BADDATE,   /* a date like 2023-02-30 */
    JWG_MUT_XSD_MISSPELLED,/* an element name misspelled */
    JWG_MUT_CS002,         /* BSN failing the 11-proef */
    JWG_MUT_CS003,         /* JW301 Einddatum before Ingangsdatum */
    JWG_MUT_TR358,         /* JW323 TotaalIngediendBedrag off by 100 cents */
    JWG_NMUT
};
const char *jwg_mut_layer(int mut); /* "XML", "XSD", "RULE" */
const char *jwg_mut_rule(int mut);  /* "XML", "XSD", "CS002", ... */
const char *jwg_mut_detail(int mut);

/* BerichtIdentificatie text for a (message kind, counter): a two-letter
 * prefix and eight digits ("TW00000042"). out holds at least 13 bytes. */
void jwg_ident_format(int kind, uint32_t counter, char out[13]);

/* The iJw 2.x release (1-4 for 2.1-2.4) message m is written in, 0 for
 * 3.x: JW301/305/307/315 dated before 2021, JW323 (as JW303) for care
 * before 2021 and its JW325 (as JW304). Retours, JW317 and JW319 stay 3.x. */
int jwg_legacy(const jwg_world_t *w, const jwg_msg_t *m);
/* 1 when a legacy declaration is a factuur (450/451), else a declaratie. */
int jwg_legacy_factuur(const jwg_decl_t *d);

/* Afzender code of message m ("0505" or an AGB). */
const char *jwg_msg_sender_code(const jwg_world_t *w, const jwg_msg_t *m);

/* Append message msg_index of w to b (b is not reset). ident is the
 * BerichtIdentificatie counter to write (a retour's IdentificatieRetour);
 * ident_of gives the counter each message was delivered with (a retour
 * copies its heenbericht's, a JW325 names its JW323's). mut selects a
 * value-level mutation (CS002, CS003, TR358) or JWG_MUT_NONE. Text-level
 * mutations are applied by jwg_xml_break(). */
void jwg_render(const jwg_world_t *w, int32_t msg_index, uint32_t ident, const uint32_t *ident_of,
                int mut, jwg_buf_t *b);

/* Apply a text-level mutation (XML_TRUNCATED, XSD_*) to a rendered message
 * of the given kind in place. salt varies the cut point. Returns 0, or -1
 * when the mutation does not apply to this text. */
int jwg_xml_break(jwg_buf_t *b, int kind, int mut, uint64_t salt);

#endif
