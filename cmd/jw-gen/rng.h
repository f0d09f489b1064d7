/* rng.h - the generator's own PRNG (xoshiro256** seeded through splitmix64).
 *
 * jw-gen must give byte-identical output for the same options, so nothing
 * here touches rand(), the clock or addresses. A generator is a plain value
 * owned by its caller; independent streams (one per youth, one for the
 * declarations, ...) come from jwg_rng_seed() with a different stream id so
 * that changing how much one part draws does not shift the others.
 */
#ifndef JWG_RNG_H
#define JWG_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} jwg_rng_t;

/* Seed from (seed, stream, sub): any combination gives its own stream. */
void jwg_rng_seed(jwg_rng_t *r, uint64_t seed, uint64_t stream, uint64_t sub);

uint64_t jwg_rng_next(jwg_rng_t *r);

/* Uniform integer in [lo, hi] (inclusive); returns lo when hi <= lo. */
int jwg_rng_range(jwg_rng_t *r, int lo, int hi);

/* 1 with probability pct/100 (pct may be fractional through permille). */
int jwg_rng_pct(jwg_rng_t *r, int pct);
int jwg_rng_permille(jwg_rng_t *r, int permille);

/* 1 with probability p (0 <= p <= 1). */
int jwg_rng_chance(jwg_rng_t *r, double p);

/* Index i in [0, n) with probability w[i] / sum(w); -1 when all are 0. */
int jwg_rng_weighted(jwg_rng_t *r, const int *w, int n);

/* A stateless 64-bit mix of up to four values (for per-key jitter). */
uint64_t jwg_hash4(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

#endif
