/* src/rng.c: Philox4x32-10 streams keyed by the seed.
 *
 * Counter = (index low, index high, dimension, 0), key = (seed low, seed high).
 * Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC11. */
#include "rng.h"

#include <Random123/philox.h>

void es_rng_words(uint64_t seed, uint32_t dim, uint64_t index, uint32_t out[4])
{
    philox4x32_ctr_t c = {{(uint32_t)index, (uint32_t)(index >> 32), dim, 0u}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t r = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        out[i] = r.v[i];
}

static double es_rng_to_open01(uint32_t hi, uint32_t lo)
{
    uint64_t bits = (((uint64_t)hi << 32) | lo) >> 11; /* 53 bits */
    return ((double)bits + 0.5) * 0x1.0p-53;
}

double es_rng_uniform(uint64_t seed, uint32_t dim, uint64_t index)
{
    uint32_t w[4];
    es_rng_words(seed, dim, index, w);
    return es_rng_to_open01(w[0], w[1]);
}

void es_rng_uniform2(uint64_t seed, uint32_t dim, uint64_t index, double u[2])
{
    uint32_t w[4];
    es_rng_words(seed, dim, index, w);
    u[0] = es_rng_to_open01(w[0], w[1]);
    u[1] = es_rng_to_open01(w[2], w[3]);
}
