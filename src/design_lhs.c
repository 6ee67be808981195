/* src/design_lhs.c: Latin hypercube sampling from the sample index.
 *
 * Sample i (0 <= i < N) of dimension j lies in stratum pi_j(i) of N:
 *
 *   u_j(i) = (pi_j(i) + w_j(i)) / N,   w_j(i) = uniform(seed, ES_STREAM_LHS_JITTER + j, i),
 *
 * (McKay, Beckman and Conover, Technometrics 21(2), 1979), with pi_j a keyed
 * pseudo-random permutation of [0, N) that is evaluated at one index in O(1)
 * memory, so no rank ever holds a permutation of N entries:
 *
 * - a balanced Feistel network on 2h bits, h the least with 4^h >= N (the
 *   smallest even bit count that holds N): x = (L, R), h bits each, and
 *   ES_LHS_ROUNDS rounds (L, R) <- (R, L ^ F(R ^ k_r) mod 2^h).  Every round
 *   is invertible whatever F is, so the network permutes [0, 4^h) (Luby and
 *   Rackoff, SIAM J. Comput. 17(2), 1988);
 * - cycle walking: apply the network until the value falls below N.  Walking
 *   along the network's cycle from i < N reaches a value < N (i itself at the
 *   latest), and distinct starting points reach distinct values, so this is a
 *   permutation of [0, N) (Black and Rogaway, "Ciphers with arbitrary finite
 *   domains", CT-RSA 2002).  4^h < 4N: 4^h / N < 4 passes on average;
 * - F is the 64-bit finalizer of SplitMix64 (Steele, Lea and Flood, OOPSLA
 *   2014; constants of Stafford's "Mix13"), the round keys k_r 64-bit words
 *   of Philox(seed; counter = (r/2, ES_STREAM_LHS_KEY + j)).
 *
 * Cost (AMD EPYC, the AVX-512 clone; perf shares of bench_kernel at
 * 3ed1fb1): about 3 ns per point and dimension at 4^h / N = 1.05 (the
 * network, the list of values to walk on and the division by N), about 15
 * ns at 4^h / N = 4; the jitter's Philox about 1.5 ns.
 *
 * A point depends on (seed, j, i, N) only.  u lies in the closed stratum
 * [pi/N, (pi+1)/N] up to the rounding of its edges (the sum and the quotient
 * are rounded monotonically), and is kept below 1 (the top stratum's sum can
 * round up to N).  With the copula, a correlated dimension keeps its uniform
 * marginal but loses exact stratification. */
#include <stdio.h>
#include <stdlib.h>

#include "clones.h"
#include "design.h"
#include "rng.h"

#define ES_LHS_ROUNDS 6
#define ES_LHS_BLOCK 256 /* indices permuted at a time (pend[] holds 16-bit positions) */

typedef struct {
    uint64_t n;                     /* N: strata */
    unsigned half;                  /* h: bits of each Feistel half */
    uint64_t mask;                  /* 2^h - 1 */
    size_t dim;                     /* dimensions */
    uint64_t (*key)[ES_LHS_ROUNDS]; /* round keys of each dimension */
} es_lhs;

static inline uint64_t es_lhs_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* one pass of the Feistel network over [0, 4^h) */
static inline uint64_t es_lhs_feistel(const uint64_t *key, unsigned h, uint64_t mask, uint64_t x)
{
    uint64_t l = x >> h, r = x & mask;
    for (int k = 0; k < ES_LHS_ROUNDS; k++) {
        uint64_t t = l ^ (es_lhs_mix(r ^ key[k]) & mask);
        l = r;
        r = t;
    }
    return (l << h) | r;
}

/* u[k] = (pi(first + k) + w[k]) / N for k < n (n <= ES_LHS_BLOCK): pi by
 * cycle walking.  The first pass of the network runs over the whole block as
 * one column loop; the indices it leaves outside [0, N) (a share 1 - N / 4^h
 * of them, up to three quarters) walk on, pass after pass, as a packed list
 * of their values v[] and positions pend[]: each pass is again a column loop
 * over v[], then the values are put back and the list is packed without a
 * branch.  Cloned (clones.h): the Feistel network's 64-bit products
 * vectorise with AVX-512 (vpmullq).  Integer arithmetic, and the float steps
 * are one conversion, one add and one divide, each correctly rounded: every
 * clone gives the same bits. */
ES_CLONES_V4
static void es_lhs_column(const es_lhs *s, const uint64_t *key, uint64_t first, size_t n,
                          const double *restrict w, double *restrict u)
{
    uint64_t x[ES_LHS_BLOCK], v[ES_LHS_BLOCK];
    uint16_t pend[ES_LHS_BLOCK];
    const unsigned h = s->half;
    const uint64_t mask = s->mask, N = s->n;
    for (size_t k = 0; k < n; k++)
        x[k] = es_lhs_feistel(key, h, mask, first + k);
    size_t np = 0;
    for (size_t k = 0; k < n; k++) {
        pend[np] = (uint16_t)k;
        v[np] = x[k];
        np += x[k] >= N;
    }
    while (np) {
        for (size_t q = 0; q < np; q++)
            v[q] = es_lhs_feistel(key, h, mask, v[q]);
        size_t m = 0;
        for (size_t q = 0; q < np; q++) {
            x[pend[q]] = v[q];
            pend[m] = pend[q];
            v[m] = v[q];
            m += v[q] >= N;
        }
        np = m;
    }
    const double Nd = (double)N, below1 = 0x1.fffffffffffffp-1;
    for (size_t k = 0; k < n; k++) {
        double v = ((double)x[k] + w[k]) / Nd;
        u[k] = v < 1 ? v : below1;
    }
}

static int es_lhs_init(void **state, const es_design_cfg *cfg, char *err, size_t errlen)
{
    if (cfg->points == 0) {
        snprintf(err, errlen, "design lhs: no points");
        return -1;
    }
    es_lhs *s = calloc(1, sizeof *s);
    if (s) s->key = calloc(cfg->dim ? cfg->dim : 1, sizeof *s->key);
    if (!s || !s->key) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->n = cfg->points;
    s->dim = cfg->dim;
    unsigned h = 0;
    while (h < 32 && ((uint64_t)1 << (2 * h)) < cfg->points)
        h++;
    s->half = h;
    s->mask = h == 32 ? UINT32_MAX : ((uint64_t)1 << h) - 1;
    for (size_t j = 0; j < cfg->dim; j++)
        for (unsigned r = 0; r < ES_LHS_ROUNDS; r += 2) {
            uint32_t w[4];
            es_rng_words(cfg->seed, ES_STREAM_LHS_KEY + (uint32_t)j, r / 2, w);
            s->key[j][r] = ((uint64_t)w[0] << 32) | w[1];
            if (r + 1 < ES_LHS_ROUNDS) s->key[j][r + 1] = ((uint64_t)w[2] << 32) | w[3];
        }
    *state = s;
    return 0;
}

/* The jitters of dimensions j and j+1 come from one Philox call (rng.h). */
static void es_lhs_points(void *state, const es_design_cfg *cfg, uint64_t first, size_t n,
                          double *const *u)
{
    const es_lhs *s = state;
    double w0[ES_LHS_BLOCK], w1[ES_LHS_BLOCK];
    for (size_t off = 0; off < n; off += ES_LHS_BLOCK) {
        const size_t m = n - off < ES_LHS_BLOCK ? n - off : ES_LHS_BLOCK;
        for (size_t j = 0; j < s->dim; j += 2) {
            const int two = j + 1 < s->dim;
            const uint32_t pair = (ES_STREAM_LHS_JITTER + (uint32_t)j) >> 1;
            es_rng_uniform2_n(cfg->seed, pair, first + off, m, w0, two ? w1 : NULL);
            es_lhs_column(s, s->key[j], first + off, m, w0, u[j] + off);
            if (two) es_lhs_column(s, s->key[j + 1], first + off, m, w1, u[j + 1] + off);
        }
    }
}

static void es_lhs_free(void *state)
{
    es_lhs *s = state;
    if (!s) return;
    free(s->key);
    free(s);
}

static size_t es_lhs_evals(size_t d)
{
    (void)d;
    return 1;
}

static size_t es_lhs_dims(size_t d)
{
    return d;
}

const es_design_type es_design_lhs = {
    .name = "lhs",
    .help = "Latin hypercube: every input stratified, less variance than mc; N evaluations",
    .correlations = 1,
    .base_ok = 1,
    .evals = es_lhs_evals,
    .dims = es_lhs_dims,
    .init = es_lhs_init,
    .points = es_lhs_points,
    .free = es_lhs_free,
};
