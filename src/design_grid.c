/* src/design_grid.c: the full factorial grid.
 *
 * Dimension j has L_j >= 1 levels (cfg->levels[j]); the grid has N = L_0 L_1
 * ... L_(d-1) points (cfg->points must equal it).  Point i is written in mixed
 * radix with the FIRST dimension varying slowest (row-major, like the scan's
 * cells and C arrays):
 *
 *   i = ((k_0 L_1 + k_1) L_2 + k_2) ... ,   u_j(i) = (k_j + 1/2) / L_j,
 *
 * the midpoints of L_j equal-probability bins, i.e. the quantiles
 * (k + 0.5)/L_j of each input.  A chunk finds the digits of its first point
 * by division and steps the rest like an odometer.  No randomness: the points
 * depend on (i, levels) only.  No correlations (a grid has no joint law to
 * correlate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"

typedef struct {
    size_t dim;                        /* dimensions */
    uint32_t levels[ES_DESIGN_MAXDIM]; /* L_j */
} es_grid;

static int es_grid_init(void **state, const es_design_cfg *cfg, char *err, size_t errlen)
{
    if (cfg->dim > ES_DESIGN_MAXDIM) {
        snprintf(err, errlen, "design grid: %zu dimensions; at most %d", cfg->dim,
                 ES_DESIGN_MAXDIM);
        return -1;
    }
    if (cfg->dim > 0 && !cfg->levels) {
        snprintf(err, errlen, "design grid: no levels given");
        return -1;
    }
    uint64_t prod = 1;
    int overflow = 0;
    for (size_t j = 0; j < cfg->dim; j++) {
        if (cfg->levels[j] < 1) {
            snprintf(err, errlen, "design grid: dimension %zu has %u levels; expected at least 1",
                     j, cfg->levels[j]);
            return -1;
        }
        if (prod > UINT64_MAX / cfg->levels[j])
            overflow = 1;
        else
            prod *= cfg->levels[j];
    }
    if (overflow) {
        snprintf(err, errlen, "design grid: the levels multiply to more than 2^64 points");
        return -1;
    }
    if (prod != cfg->points) {
        snprintf(err, errlen,
                 "design grid: the levels multiply to %llu points but samples = %llu; "
                 "set samples = %llu",
                 (unsigned long long)prod, (unsigned long long)cfg->points,
                 (unsigned long long)prod);
        return -1;
    }
    es_grid *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    g->dim = cfg->dim;
    if (cfg->dim) memcpy(g->levels, cfg->levels, cfg->dim * sizeof *g->levels);
    *state = g;
    return 0;
}

static void es_grid_points(void *state, const es_design_cfg *cfg, uint64_t first, size_t n,
                           double *const *u)
{
    (void)cfg;
    const es_grid *g = state;
    const size_t d = g->dim;
    uint32_t k[ES_DESIGN_MAXDIM];
    uint64_t r = first;
    for (size_t j = d; j-- > 0;) {
        k[j] = (uint32_t)(r % g->levels[j]);
        r /= g->levels[j];
    }
    for (size_t p = 0; p < n; p++) {
        for (size_t j = 0; j < d; j++)
            u[j][p] = (k[j] + 0.5) / g->levels[j];
        for (size_t j = d; j-- > 0;) { /* the last dimension varies fastest */
            if (++k[j] < g->levels[j]) break;
            k[j] = 0;
        }
    }
}

static void es_grid_free(void *state)
{
    free(state);
}

static size_t es_grid_evals(size_t d)
{
    (void)d;
    return 1;
}

static size_t es_grid_dims(size_t d)
{
    return d;
}

const es_design_type es_design_grid = {
    .name = "grid",
    .help =
        "full factorial at the (k+0.5)/K quantiles (levels = K): few inputs; prod(K) evaluations",
    .correlations = 0,
    .base_ok = 0,
    .evals = es_grid_evals,
    .dims = es_grid_dims,
    .init = es_grid_init,
    .points = es_grid_points,
    .free = es_grid_free,
};
