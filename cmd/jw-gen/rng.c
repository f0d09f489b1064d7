/* rng.c - xoshiro256** and splitmix64 (see rng.h). Both are public-domain
 * algorithms by Blackman and Vigna; reimplemented here. */
#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t jwg_hash4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t x = a;
    uint64_t h = splitmix64(&x);
    x = h ^ b;
    h = splitmix64(&x);
    x = h ^ c;
    h = splitmix64(&x);
    x = h ^ d;
    return splitmix64(&x);
}

void jwg_rng_seed(jwg_rng_t *r, uint64_t seed, uint64_t stream, uint64_t sub)
{
    uint64_t x = jwg_hash4(seed, stream, sub, 0x6a77u /* "jw" */);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    /* xoshiro must not start from all zeros; splitmix64 practically never
     * yields that, but make it impossible. */
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t jwg_rng_next(jwg_rng_t *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

int jwg_rng_range(jwg_rng_t *r, int lo, int hi)
{
    if (hi <= lo) return lo;
    uint64_t span = (uint64_t)((int64_t)hi - (int64_t)lo) + 1u;
    /* Multiply-shift: the bias for spans this small is far below 2^-32. */
    uint64_t x = jwg_rng_next(r) >> 32;
    return (int)((int64_t)lo + (int64_t)((x * span) >> 32));
}

int jwg_rng_permille(jwg_rng_t *r, int permille)
{
    return jwg_rng_range(r, 0, 999) < permille;
}

int jwg_rng_pct(jwg_rng_t *r, int pct)
{
    return jwg_rng_range(r, 0, 99) < pct;
}

int jwg_rng_chance(jwg_rng_t *r, double p)
{
    double u = (double)(jwg_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
    return u < p;
}

int jwg_rng_weighted(jwg_rng_t *r, const int *w, int n)
{
    long total = 0;
    for (int i = 0; i < n; i++) total += w[i] > 0 ? w[i] : 0;
    if (total <= 0) return -1;
    long pick = jwg_rng_range(r, 0, (int)(total - 1));
    for (int i = 0; i < n; i++) {
        if (w[i] <= 0) continue;
        if (pick < w[i]) return i;
        pick -= w[i];
    }
    return n - 1;
}
