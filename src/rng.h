/* src/rng.h: counter-based uniform random numbers (Philox4x32-10).
 *
 * Every uniform is a pure function of (seed, dimension, sample index): no
 * state, no dependence on rank, thread or call order.  One Philox call
 * gives four 32-bit words, two uniforms: dimensions 2c and 2c+1 share the
 * counter (index, c), the first taking words 0-1, the second words 2-3. */
#ifndef ES_RNG_H
#define ES_RNG_H

#include <stddef.h>
#include <stdint.h>

/* The four 32-bit words of Philox4x32-10 for counter (index, c) and key seed. */
void es_rng_words(uint64_t seed, uint32_t c, uint64_t index, uint32_t out[4]);

/* The uniform of dimension dim at index, in the open interval (0,1):
 * es_rng_open01 of words 0-1 (dim even) or 2-3 (dim odd) of counter (index,
 * dim >> 1). */
double es_rng_uniform(uint64_t seed, uint32_t dim, uint64_t index);

/* The uniform of two words, in the open interval (0,1): their top 53 bits b
 * as (b + 1/2) 2^-53, rounded to a double (b + 1/2 rounds to even when b >=
 * 2^52), and the largest double below 1 where that rounds to 1 (b = 2^53 -
 * 1).  0 and 1 are never returned. */
double es_rng_open01(uint32_t hi, uint32_t lo);

/* Dimensions 2 pair and 2 pair + 1 at index, from one call: u[0], u[1]. */
void es_rng_uniform2(uint64_t seed, uint32_t pair, uint64_t index, double u[2]);

/* Batches over indices first .. first+n-1, the same bits as the calls above:
 * u[k] = es_rng_uniform(seed, dim, first + k); u0[k], u1[k] = dimensions
 * 2 pair and 2 pair + 1 (u1 may be NULL). */
void es_rng_uniform_n(uint64_t seed, uint32_t dim, uint64_t first, size_t n, double *u);
void es_rng_uniform2_n(uint64_t seed, uint32_t pair, uint64_t first, size_t n, double *u0,
                       double *u1);

#endif
