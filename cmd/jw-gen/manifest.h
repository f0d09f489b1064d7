/* manifest.h - manifest.json: what the archive holds, for tests and people.
 *
 * Hand-written JSON with a fixed key order (so the bytes depend on the
 * options only). Keys, in order:
 *   generator, seed, youths (arriving in the period), years,
 *   history (only when --history > 0: the bytes without it are those of
 *   before the option), start, end, invalid_share, duplicate_share,
 *   late_share,
 *   files                  total number of files (manifest.json excluded)
 *   totals                 {files, valid, duplicates, late, invalid}
 *   messages               valid messages per type {"JW301": n, ...}
 *   files_per_type         files per type (valid + duplicates + invalid)
 *   releases               valid messages per release {"3.0", "3.1", "3.2"}
 *   invalid_layers         {"XML", "XSD", "RULE"}
 *   invalid_rules          {"XML", "XSD", "CS002", "CS003", "TR358"}
 *   model                  youths (with a message in the archive),
 *                          youths_in_care_at_start and
 *                          allocations_before_start (issued before start,
 *                          with a message in the archive; both only with
 *                          --history), trajectories, allocations (distinct
 *                          ToewijzingNummer per gemeente whose first JW301
 *                          is in the archive), voided_allocations,
 *                          voided_corrected, provider_switches, extensions,
 *                          open_ended, aspecifiek, requests (JW315),
 *                          allocations_from_request, declarations (JW323),
 *                          declaration_lines, credits, corrected_debits
 *   lifecycles             outcome of each allocation (model.h JWG_OUT_*)
 *   trajectory_relations   how each trajectory started relative to the
 *                          youth's previous one: first, stacking,
 *                          doorstroom, recidive, hernieuwd (same
 *                          ProductCategorie), other_segment
 *   invalid                [{file, layer, rule, detail, valid_file}]
 *   duplicates             [{file, original}]
 *   late                   [file, ...]
 */
#ifndef JWG_MANIFEST_H
#define JWG_MANIFEST_H

#include "buf.h"
#include "deliver.h"
#include "model.h"

typedef struct {
    double invalid_share, duplicate_share, late_share;
} jwg_manifest_opts_t;

/* Append the manifest to b (check b->oom afterwards). */
void jwg_manifest_write(const jwg_world_t *w, const jwg_schedule_t *s, const jwg_manifest_opts_t *o, jwg_buf_t *b);

#endif
