/* src/rng.c: Philox4x32-10 streams keyed by the seed.
 *
 * Counter = (index low, index high, c, 0), key = (seed low, seed high)
 * (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC11).  A
 * call gives four 32-bit words, two uniforms of 53 bits: dimension dim of a
 * stream takes counter c = dim >> 1 and the words 0-1 (dim even) or 2-3 (dim
 * odd), so one call serves two dimensions.  (Before this pairing, dimension
 * dim took counter c = dim and threw words 2-3 away: every stream but those
 * of even dimensions' first words changed with it, once.)
 *
 * The batch functions compute the rounds for a block of consecutive indices
 * as column loops of 32-bit words, held in 64-bit variables, with 32 x 32 ->
 * 64-bit products, which GCC vectorises (SSE2 pmuludq: two lanes; AVX2 four,
 * AVX-512 eight, on the clones made for those CPUs): integer arithmetic, the
 * same bits on every CPU.  Random123's philox4x32 stays the reference (es_rng_words, the tests). */
#include "rng.h"
#include "clones.h"

#include <Random123/philox.h>

void es_rng_words(uint64_t seed, uint32_t dim, uint64_t index, uint32_t out[4])
{
    philox4x32_ctr_t c = {{(uint32_t)index, (uint32_t)(index >> 32), dim, 0u}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        out[i] = r.v[i];
}

static inline double es_rng_to_open01(uint32_t hi, uint32_t lo)
{
    uint64_t bits = (((uint64_t)hi << 32) | lo) >> 11; /* 53 bits */
    const double u = ((double)bits + 0.5) * 0x1.0p-53;
    return u < 1 ? u : 0x1.fffffffffffffp-1; /* 2^53 - 1/2 rounds to 2^53 */
}

double es_rng_open01(uint32_t hi, uint32_t lo)
{
    return es_rng_to_open01(hi, lo);
}

double es_rng_uniform(uint64_t seed, uint32_t dim, uint64_t index)
{
    uint32_t w[4];
    es_rng_words(seed, dim >> 1, index, w);
    return dim & 1 ? es_rng_to_open01(w[2], w[3]) : es_rng_to_open01(w[0], w[1]);
}

void es_rng_uniform2(uint64_t seed, uint32_t pair, uint64_t index, double u[2])
{
    uint32_t w[4];
    es_rng_words(seed, pair, index, w);
    u[0] = es_rng_to_open01(w[0], w[1]);
    u[1] = es_rng_to_open01(w[2], w[3]);
}

#define ES_RNG_BLOCK 128 /* indices per pass of the rounds */

/* The ten rounds for indices first .. first+n-1 (n <= ES_RNG_BLOCK) of
 * counter c: the words in w[0..3][k].  One round, with the Philox
 * multipliers M0, M1 and the round's key (k0, k1):
 *   (x0, x1, x2, x3) <- (hi(M1 x2) ^ x1 ^ k0, lo(M1 x2), hi(M0 x0) ^ x3 ^ k1, lo(M0 x0)),
 * the key growing by the Weyl constants between rounds. */
ES_CLONES static void es_philox_block(uint64_t seed, uint32_t c, uint64_t first, size_t n,
                                      uint32_t w[4][ES_RNG_BLOCK])
{
    /* The words are held in 64-bit variables below 2^32, so that the
     * vectorised loop works in 64-bit lanes throughout (vpmuludq multiplies
     * their low halves) instead of moving words between 32- and 64-bit
     * lanes every round. */
    const uint64_t lo32 = 0xffffffffu;
    uint64_t ka[10], kb[10];
    ka[0] = (uint32_t)seed;
    kb[0] = (uint32_t)(seed >> 32);
    for (int r = 1; r < 10; r++) {
        ka[r] = (ka[r - 1] + PHILOX_W32_0) & lo32;
        kb[r] = (kb[r - 1] + PHILOX_W32_1) & lo32;
    }
    uint32_t *restrict w0 = w[0], *restrict w1 = w[1], *restrict w2 = w[2], *restrict w3 = w[3];
    for (size_t k = 0; k < n; k++) {
        const uint64_t i = first + k;
        uint64_t x0 = i & lo32, x1 = i >> 32, x2 = c, x3 = 0;
        for (int r = 0; r < 10; r++) {
            const uint64_t p0 = (uint64_t)PHILOX_M4x32_0 * (x0 & lo32);
            const uint64_t p1 = (uint64_t)PHILOX_M4x32_1 * (x2 & lo32);
            const uint64_t y0 = (p1 >> 32) ^ x1 ^ ka[r];
            const uint64_t y2 = (p0 >> 32) ^ x3 ^ kb[r];
            x1 = p1 & lo32;
            x3 = p0 & lo32;
            x0 = y0;
            x2 = y2;
        }
        w0[k] = (uint32_t)x0;
        w1[k] = (uint32_t)x1;
        w2[k] = (uint32_t)x2;
        w3[k] = (uint32_t)x3;
    }
}

/* the uniform of words (hi, lo), for a column.  Cloned: x86-64-v4 converts
 * 64-bit integers to doubles in vectors (AVX-512DQ); the conversion is
 * exact, the sum and the product correctly rounded and the select exact, so
 * every clone gives the same bits. */
ES_CLONES_V4 static void es_rng_open01_n(const uint32_t *restrict hi, const uint32_t *restrict lo,
                                         size_t n, double *restrict u)
{
    for (size_t k = 0; k < n; k++)
        u[k] = es_rng_to_open01(hi[k], lo[k]);
}

void es_rng_uniform2_n(uint64_t seed, uint32_t pair, uint64_t first, size_t n, double *u0,
                       double *u1)
{
    uint32_t w[4][ES_RNG_BLOCK];
    for (size_t off = 0; off < n; off += ES_RNG_BLOCK) {
        size_t m = n - off < ES_RNG_BLOCK ? n - off : ES_RNG_BLOCK;
        es_philox_block(seed, pair, first + off, m, w);
        es_rng_open01_n(w[0], w[1], m, u0 + off);
        if (u1) es_rng_open01_n(w[2], w[3], m, u1 + off);
    }
}

void es_rng_uniform_n(uint64_t seed, uint32_t dim, uint64_t first, size_t n, double *u)
{
    uint32_t w[4][ES_RNG_BLOCK];
    for (size_t off = 0; off < n; off += ES_RNG_BLOCK) {
        size_t m = n - off < ES_RNG_BLOCK ? n - off : ES_RNG_BLOCK;
        es_philox_block(seed, dim >> 1, first + off, m, w);
        if (dim & 1)
            es_rng_open01_n(w[2], w[3], m, u + off);
        else
            es_rng_open01_n(w[0], w[1], m, u + off);
    }
}
