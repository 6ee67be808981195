/* src/rng.h: counter-based uniform random numbers (Philox4x32-10).
 *
 * Every uniform is a pure function of (seed, dimension, sample index): no
 * state, no dependence on rank, thread or call order. */
#ifndef ES_RNG_H
#define ES_RNG_H

#include <stdint.h>

/* The four 32-bit words of Philox4x32-10 for counter (index, dim) and key seed. */
void es_rng_words(uint64_t seed, uint32_t dim, uint64_t index, uint32_t out[4]);

/* A uniform in the open interval (0,1): the top 53 bits of the first two words,
 * offset by half a step, so 0 and 1 are never returned. */
double es_rng_uniform(uint64_t seed, uint32_t dim, uint64_t index);

/* Two independent uniforms of the same counter (words 0-1 and 2-3). */
void es_rng_uniform2(uint64_t seed, uint32_t dim, uint64_t index, double u[2]);

#endif
