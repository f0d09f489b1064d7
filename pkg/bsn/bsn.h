/* bsn.h - the Dutch citizen service number (BSN) check.
 *
 * Only the check lives here; a BSN is never stored or printed by jw
 * (see pseudo.h for the only thing jw keeps: a keyed pseudonym).
 */
#ifndef JW_BSN_H
#define JW_BSN_H

#include <stddef.h>

/* 1 when s[0..len) is nine ASCII digits passing the 11-proef
 * (9*d1 + 8*d2 + ... + 2*d8 - d9 = 0 mod 11, CS002) and is not all zeros;
 * 0 otherwise. */
int jw_bsn_valid(const char *s, size_t len);

/* Complete an 8-digit prefix to a valid BSN: writes 9 digits and a
 * terminator into out. Returns 0, or -1 when no check digit makes the
 * prefix valid (the sum is 10 mod 11). For test and synthetic data. */
int jw_bsn_complete(const char prefix[8], char out[10]);

#endif
