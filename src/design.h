/* src/design.h: sampling designs as a type table, in the style of gsl_rng_type.
 *
 * A design maps a design-point index to unit points in (0,1)^d.  Every point
 * depends only on (seed, dimension, index) and the design's parameters, never
 * on the rank or the order of computation, so any rank can compute any chunk
 * and the results are bit-identical for any number of ranks.  No design holds
 * the whole sample: a point is computed from its index in O(1) memory (O(d)
 * for Sobol and the grid).
 *
 * A design point may need several model evaluations (Saltelli: d + 2).  The
 * points of indices [first, first+n) are written as u[j][k*evals + e]: input
 * dimension j < d, point k, evaluation e < evals.
 *
 * The rows (one file each, formulas and references there):
 *   mc        design.c          independent Philox uniforms
 *   lhs       design_lhs.c      strata by a keyed Feistel permutation, O(1) memory
 *   sobol     design_sobol.c    Joe-Kuo Sobol points from the index (Gray code),
 *                               optional digital shift; not GSL's gsl_qrng_sobol,
 *                               which stops at 40 dimensions and cannot skip ahead
 *   grid      design_grid.c     full factorial, first dimension slowest
 *   saltelli  design_saltelli.c A, B, A_B^(j) from one 2d-dimensional base point
 *
 * Rank correlations between inputs go through a Gaussian copula applied after
 * the type's points (designs that allow it: mc, lhs, sobol).  The design owns
 * that step; the loader only asks whether a set of correlations is valid.  A
 * correlated dimension keeps its marginal exactly but loses lhs's exact
 * stratification and sobol's net structure. */
#ifndef ES_DESIGN_H
#define ES_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#define ES_DESIGN_MAXDIM 64 /* uncertain inputs a design takes */

/* The Philox dimensions (rng.h) the designs draw from, for design dimension
 * j: disjoint for any j < 2^16, so no two uses share a random stream.  The
 * uniforms of mc and of lhs's jitter are es_rng_uniform dimensions, two to a
 * Philox counter (counters [0, 0x8000) and [0x8000, 0x10000)); the lhs keys
 * and the sobol shift take the words of counters 0x20000 + j and 0x30000 + j. */
enum {
    ES_STREAM_MC = 0,               /* mc: u_j(i) = uniform(seed, j, i) */
    ES_STREAM_LHS_JITTER = 0x10000, /* lhs: the jitter within the stratum */
    ES_STREAM_LHS_KEY = 0x20000,    /* lhs: the Feistel round keys */
    ES_STREAM_SOBOL = 0x30000,      /* sobol: the digital shift */
};

/* A Spearman rank correlation between dimensions a and b. */
typedef struct {
    size_t a, b;
    double rho;
} es_design_corr;

/* What a design is built from (a loaded job fills it; tests build it by hand). */
typedef struct {
    uint64_t seed;
    size_t dim;                        /* d: uncertain inputs */
    uint64_t points;                   /* N: design points (lhs strata, grid size, saltelli base) */
    size_t max_n;                      /* the most points asked for in one call (the chunk) */
    const uint32_t *levels;            /* grid: levels of each dimension, [dim] */
    const struct es_design_type *base; /* saltelli: design of the 2d-dimensional base point */
    int scramble;                      /* sobol: 0 none, 1 random digital shift keyed on seed */
    size_t ncorr;                      /* rank correlations (designs with .correlations only) */
    const es_design_corr *corr;
} es_design_cfg;

typedef struct es_design_type {
    const char *name;
    const char *help; /* one line: what it is and when to use it */
    int correlations; /* 1: the Gaussian copula may follow (correlated inputs allowed) */
    int base_ok;      /* 1: may serve as the base design of saltelli */
    /* model evaluations per design point, and unit dimensions the type draws, for d inputs */
    size_t (*evals)(size_t d);
    size_t (*dims)(size_t d);
    /* Prepare a private state (allocated by init, freed by free).  Returns 0, or
     * -1 with a reason in err. */
    int (*init)(void **state, const es_design_cfg *cfg, char *err, size_t errlen);
    /* Points first .. first+n-1 (n <= cfg->max_n): u[j][k*evals + e] for
     * j < cfg->dim and evals = evals(cfg->dim), values in the open interval
     * (0,1).  A base design is built with dim = 2d by the design it serves. */
    void (*points)(void *state, const es_design_cfg *cfg, uint64_t first, size_t n,
                   double *const *u);
    void (*free)(void *state);
} es_design_type;

extern const es_design_type es_design_mc;
extern const es_design_type es_design_lhs;
extern const es_design_type es_design_sobol;
extern const es_design_type es_design_grid;
extern const es_design_type es_design_saltelli;

/* The designs this program carries, NULL-terminated. */
extern const es_design_type *const es_designs[];
const es_design_type *es_design_find(const char *name);
/* "mc, lhs, sobol, grid or saltelli", for messages. */
const char *es_design_list(void);

typedef struct es_design es_design;

/* A design ready to compute points: the type's state and the copula.
 * Returns NULL with a reason in err. */
es_design *es_design_new(const es_design_type *type, const es_design_cfg *cfg, char *err,
                         size_t errlen);
void es_design_free(es_design *d);
const es_design_type *es_design_type_of(const es_design *d);
size_t es_design_evals(const es_design *d); /* evaluations per point */

/* Points first .. first+n-1 (n <= cfg.max_n): u[j][k*evals + e] for j < dim,
 * after the copula. */
void es_design_points(es_design *d, uint64_t first, size_t n, double *const *u);

/* Is this set of rank correlations among dim dimensions usable?  0 yes; -1
 * when the normal-score matrix (2 sin(pi rho / 6)) is not positive definite. */
int es_design_copula_check(size_t dim, size_t ncorr, const es_design_corr *corr);

/* Phi(z) kept inside (0,1), so that unbounded quantile functions stay finite. */
double es_design_phi(double z);

#endif
