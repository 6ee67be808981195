/* src/design_saltelli.c: the Saltelli/Jansen scheme for first-order and total
 * Sobol' indices.
 *
 * Base point k (k < N) is ONE point (a, b) of a 2d-dimensional base design
 * (cfg->base: sobol, lhs or mc, with dim = 2d and N points): the row A_k = a
 * = its dimensions 0..d-1 and the row B_k = b = its dimensions d..2d-1.  Its
 * d + 2 evaluations are
 *
 *   e = 0: A_k,   e = 1: B_k,   e = 2 + j: A_B^(j)_k = A_k with column j from B_k,
 *
 * from which, with f_A, f_B, f_ABj their model values and V the variance,
 *
 *   S_j  = mean(f_B (f_ABj - f_A)) / V          (Saltelli et al. 2010, table 2 (b))
 *   ST_j = mean((f_A - f_ABj)^2) / (2 V)        (Jansen 1999; Saltelli et al. 2010 (f))
 *
 * (A. Saltelli et al., "Variance based sensitivity analysis of model output.
 * Design and estimator for the total sensitivity index", Comput. Phys.
 * Commun. 181, 259-270, 2010; M. J. W. Jansen, Comput. Phys. Commun. 117,
 * 35-43, 1999.)  A and B must be independent: taking them as two halves of one
 * 2d-dimensional quasi-random point makes them so; taking them from one
 * d-dimensional sequence at two index ranges (or alternate points) does not,
 * because the points of a digital sequence at related indices are digitally
 * shifted copies of one another, and the indices come out far off (Dakota
 * discussion 207; OpenTURNS issue 1000; tests/test_design.c shows it).
 *
 * Inputs must be independent (the indices' definitions assume it), so no
 * copula.  Cost: N (d + 2) model evaluations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"

/* base points computed at a time (the buffer is 2d x this, whatever the chunk) */
#define ES_SALTELLI_BLOCK 512

typedef struct {
    size_t d;                          /* inputs */
    const es_design_type *base;        /* the base design */
    es_design_cfg bcfg;                /* its configuration: 2d dimensions, N points */
    void *bstate;                      /* its state */
    double *buf;                       /* base points, 2d x block */
    double *col[2 * ES_DESIGN_MAXDIM]; /* columns of buf */
} es_saltelli;

static size_t es_saltelli_evals(size_t d)
{
    return d + 2;
}

static size_t es_saltelli_dims(size_t d)
{
    return 2 * d;
}

static void es_saltelli_free(void *state)
{
    es_saltelli *s = state;
    if (!s) return;
    if (s->base && s->base->free) s->base->free(s->bstate);
    free(s->buf);
    free(s);
}

static int es_saltelli_init(void **state, const es_design_cfg *cfg, char *err, size_t errlen)
{
    const es_design_type *base = cfg->base;
    if (!base || !base->base_ok || base->evals(2 * cfg->dim) != 1) {
        snprintf(err, errlen, "design saltelli: base = %s; expected sobol, lhs or mc",
                 base ? base->name : "(none)");
        return -1;
    }
    if (cfg->dim == 0 || cfg->dim > ES_DESIGN_MAXDIM) {
        snprintf(err, errlen, "design saltelli: %zu inputs; expected 1 to %d", cfg->dim,
                 ES_DESIGN_MAXDIM);
        return -1;
    }
    es_saltelli *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->d = cfg->dim;
    size_t block = cfg->max_n < ES_SALTELLI_BLOCK ? cfg->max_n : ES_SALTELLI_BLOCK;
    if (block == 0) block = 1;
    memset(&s->bcfg, 0, sizeof s->bcfg);
    s->bcfg.seed = cfg->seed;
    s->bcfg.dim = 2 * cfg->dim;
    s->bcfg.points = cfg->points;
    s->bcfg.max_n = block;
    s->bcfg.scramble = cfg->scramble;
    s->buf = malloc(2 * cfg->dim * block * sizeof *s->buf);
    if (!s->buf) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < 2 * cfg->dim; j++)
        s->col[j] = s->buf + j * block;
    char berr[200];
    if (base->init && base->init(&s->bstate, &s->bcfg, berr, sizeof berr)) {
        snprintf(err, errlen, "design saltelli, base %s: %s", base->name, berr);
        free(s->buf);
        free(s);
        return -1;
    }
    s->base = base;
    *state = s;
    return 0;
}

static void es_saltelli_points(void *state, const es_design_cfg *cfg, uint64_t first, size_t n,
                               double *const *u)
{
    (void)cfg;
    es_saltelli *s = state;
    const size_t d = s->d, E = d + 2;
    for (size_t off = 0; off < n; off += s->bcfg.max_n) {
        size_t m = n - off < s->bcfg.max_n ? n - off : s->bcfg.max_n;
        s->base->points(s->bstate, &s->bcfg, first + off, m, s->col);
        for (size_t j = 0; j < d; j++) {
            const double *a = s->col[j], *b = s->col[d + j];
            double *out = u[j] + off * E;
            for (size_t k = 0; k < m; k++) {
                double *row = out + k * E;
                row[0] = a[k];
                row[1] = b[k];
                for (size_t e = 2; e < E; e++)
                    row[e] = a[k];
                row[2 + j] = b[k];
            }
        }
    }
}

const es_design_type es_design_saltelli = {
    .name = "saltelli",
    .help =
        "first and total Sobol' indices (Saltelli/Jansen), independent inputs; N (d+2) evaluations",
    .correlations = 0,
    .base_ok = 0,
    .evals = es_saltelli_evals,
    .dims = es_saltelli_dims,
    .init = es_saltelli_init,
    .points = es_saltelli_points,
    .free = es_saltelli_free,
};
