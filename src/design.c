/* src/design.c: the design table, the Gaussian copula, and the mc design.
 *
 * mc: u_j(i) = es_rng_uniform(seed, j, i), in (0,1): dimensions 2c and 2c+1
 * share the Philox call of counter (i, c) (rng.h).
 * Correlation (Iman & Conover 1982 in spirit, here as a Gaussian copula):
 * z = Phi^-1(u), z' = L z with L L^T = R, R_ab = 2 sin(pi rho_ab / 6) so that
 * the rank correlation of the outputs is rho_ab; u' = Phi(z').  The marginals
 * stay exactly uniform; a stratified design (lhs, sobol) keeps its marginal
 * but loses its exact stratification in the correlated dimensions. */
#include "design.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* the other rows: design_lhs.c, design_sobol.c, design_grid.c, design_saltelli.c */
const es_design_type *const es_designs[] = {&es_design_mc,   &es_design_lhs,      &es_design_sobol,
                                            &es_design_grid, &es_design_saltelli, NULL};

const es_design_type *es_design_find(const char *name)
{
    for (size_t i = 0; es_designs[i]; i++)
        if (strcmp(es_designs[i]->name, name) == 0) return es_designs[i];
    return NULL;
}

const char *es_design_list(void)
{
    static char list[256];
    if (list[0]) return list;
    size_t n = 0;
    while (es_designs[n])
        n++;
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == n ? " or " : ", ");
        strncat(list, sep, sizeof list - strlen(list) - 1);
        strncat(list, es_designs[i]->name, sizeof list - strlen(list) - 1);
    }
    return list;
}

/* ---- the copula ---------------------------------------------------------- */

/* The dimensions that take part in a correlation (cpos[nc]) and the lower
 * Cholesky factor of their normal-score correlation matrix.  NULL with *nc
 * = 0 when there are no correlations; NULL with *nc > 0 when the matrix is
 * not positive definite. */
static gsl_matrix *es_copula_factor(size_t dim, size_t ncorr, const es_design_corr *corr,
                                    size_t *nc, size_t *cpos)
{
    int where[ES_DESIGN_MAXDIM];
    for (size_t k = 0; k < dim; k++)
        where[k] = -1;
    for (size_t c = 0; c < ncorr; c++)
        where[corr[c].a] = where[corr[c].b] = 0;
    size_t n = 0;
    for (size_t k = 0; k < dim; k++)
        if (where[k] == 0) {
            where[k] = (int)n;
            cpos[n++] = k;
        }
    *nc = n;
    if (n == 0) return NULL;
    gsl_matrix *L = gsl_matrix_alloc(n, n);
    if (!L) return NULL;
    gsl_matrix_set_identity(L);
    for (size_t c = 0; c < ncorr; c++) {
        size_t i = (size_t)where[corr[c].a], j = (size_t)where[corr[c].b];
        double r = 2 * sin(M_PI * corr[c].rho / 6);
        gsl_matrix_set(L, i, j, r);
        gsl_matrix_set(L, j, i, r);
    }
    /* GSL's error handler is off in the program; in tests it may not be */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_linalg_cholesky_decomp1(L);
    gsl_set_error_handler(old);
    /* a factor with a tiny pivot makes z' = L z numerically meaningless */
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!(gsl_matrix_get(L, i, i) > 1e-6)) rc = GSL_EDOM;
    if (rc) {
        gsl_matrix_free(L);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) /* decomp1 leaves L^T above the diagonal */
        for (size_t j = i + 1; j < n; j++)
            gsl_matrix_set(L, i, j, 0);
    return L;
}

int es_design_copula_check(size_t dim, size_t ncorr, const es_design_corr *corr)
{
    size_t nc, cpos[ES_DESIGN_MAXDIM];
    if (dim > ES_DESIGN_MAXDIM) return -1;
    gsl_matrix *L = es_copula_factor(dim, ncorr, corr, &nc, cpos);
    if (!L) return nc ? -1 : 0;
    gsl_matrix_free(L);
    return 0;
}

/* Phi(z) = erfc(-z/sqrt 2) / 2 with glibc's erfc: no 1 - x cancellation in
 * the lower tail, about 4 ns against GSL's 11 (the copula evaluates it once
 * per correlated input and point).  The rounding of -z/sqrt 2 costs about
 * z^2 eps relative: 1e-14 (45 ulp) at z = -8.3, where GSL's own error is
 * below 1e-15.  Against gsl_cdf_ugaussian_P the relative difference is below
 * 2e-14 on [-8.3, 8.2], about the range the clamp below leaves (it acts below
 * -8.29 and above 8.17); tests/test_design.c checks it. */
double es_design_phi(double z)
{
    double u = 0.5 * erfc(-z * M_SQRT1_2);
    const double lo = 0x1.0p-54, hi = 1 - 0x1.0p-53;
    return u < lo ? lo : (u > hi ? hi : u);
}

/* ---- a design instance --------------------------------------------------- */

#define ES_COPULA_BLOCK 256 /* points the copula transforms at a time */

struct es_design {
    const es_design_type *type;
    es_design_cfg cfg;
    void *state;
    size_t evals;
    size_t nc;                     /* dimensions in the copula */
    size_t cpos[ES_DESIGN_MAXDIM]; /* their positions */
    gsl_matrix *L;                 /* lower Cholesky factor, nc x nc */
    double *l;                     /* L's rows, packed: row a at l[a (a+1) / 2], a + 1 entries */
    double *z;                     /* normal scores, [nc][block] */
};

es_design *es_design_new(const es_design_type *type, const es_design_cfg *cfg, char *err,
                         size_t errlen)
{
    if (cfg->dim > ES_DESIGN_MAXDIM) {
        snprintf(err, errlen, "design %s: %zu dimensions; at most %d", type->name, cfg->dim,
                 ES_DESIGN_MAXDIM);
        return NULL;
    }
    if (cfg->ncorr && !type->correlations) {
        snprintf(err, errlen,
                 "design %s does not allow correlated inputs (its estimators assume "
                 "independent inputs); remove [correlation] or use mc, lhs or sobol",
                 type->name);
        return NULL;
    }
    es_design *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->type = type;
    d->cfg = *cfg;
    d->evals = type->evals(cfg->dim);
    if (type->init && type->init(&d->state, &d->cfg, err, errlen)) {
        free(d);
        return NULL;
    }
    if (cfg->ncorr) {
        d->L = es_copula_factor(cfg->dim, cfg->ncorr, cfg->corr, &d->nc, d->cpos);
        if (!d->L) {
            snprintf(err, errlen, "the correlation matrix is not positive definite");
            es_design_free(d);
            return NULL;
        }
        d->l = malloc(d->nc * (d->nc + 1) / 2 * sizeof *d->l);
        d->z = malloc(d->nc * ES_COPULA_BLOCK * sizeof *d->z);
        if (!d->l || !d->z) {
            snprintf(err, errlen, "out of memory");
            es_design_free(d);
            return NULL;
        }
        for (size_t a = 0; a < d->nc; a++)
            for (size_t b = 0; b <= a; b++)
                d->l[a * (a + 1) / 2 + b] = gsl_matrix_get(d->L, a, b);
    }
    return d;
}

void es_design_free(es_design *d)
{
    if (!d) return;
    if (d->type->free) d->type->free(d->state);
    gsl_matrix_free(d->L);
    free(d->l);
    free(d->z);
    free(d);
}

const es_design_type *es_design_type_of(const es_design *d)
{
    return d->type;
}

size_t es_design_evals(const es_design *d)
{
    return d->evals;
}

/* The copula over a block of points at a time, column by column: the scores
 * z_a = Phi^-1(u_a), then u'_a = Phi(sum_{b <= a} L_ab z_b) summed in b's
 * order as before, so the bits do not depend on the block. */
void es_design_points(es_design *d, uint64_t first, size_t n, double *const *u)
{
    d->type->points(d->state, &d->cfg, first, n, u);
    if (!d->L) return;
    const size_t nc = d->nc, m = n * d->evals;
    for (size_t off = 0; off < m; off += ES_COPULA_BLOCK) {
        const size_t len = m - off < ES_COPULA_BLOCK ? m - off : ES_COPULA_BLOCK;
        for (size_t a = 0; a < nc; a++) {
            const double *src = u[d->cpos[a]] + off;
            double *z = d->z + a * ES_COPULA_BLOCK;
            for (size_t k = 0; k < len; k++)
                z[k] = gsl_cdf_ugaussian_Pinv(src[k]);
        }
        for (size_t a = 0; a < nc; a++) { /* z' = L z */
            const double *la = d->l + a * (a + 1) / 2;
            double *dst = u[d->cpos[a]] + off, s[ES_COPULA_BLOCK];
            for (size_t k = 0; k < len; k++)
                s[k] = 0;
            for (size_t b = 0; b <= a; b++) {
                const double *zb = d->z + b * ES_COPULA_BLOCK, lab = la[b];
                for (size_t k = 0; k < len; k++)
                    s[k] += lab * zb[k];
            }
            for (size_t k = 0; k < len; k++)
                dst[k] = es_design_phi(s[k]);
        }
    }
}

/* ---- mc: independent uniforms ------------------------------------------- */

static size_t es_one(size_t d)
{
    (void)d;
    return 1;
}

static size_t es_same(size_t d)
{
    return d;
}

static void es_mc_points(void *state, const es_design_cfg *cfg, uint64_t first, size_t n,
                         double *const *u)
{
    (void)state;
    /* dimensions j and j+1 from one Philox call (rng.h) */
    for (size_t j = 0; j < cfg->dim; j += 2)
        es_rng_uniform2_n(cfg->seed, (ES_STREAM_MC + (uint32_t)j) >> 1, first, n, u[j],
                          j + 1 < cfg->dim ? u[j + 1] : NULL);
}

const es_design_type es_design_mc = {
    .name = "mc",
    .help = "independent Monte Carlo: any model or sample count, error ~ 1/sqrt(N); N evaluations",
    .correlations = 1,
    .base_ok = 1,
    .evals = es_one,
    .dims = es_same,
    .init = NULL,
    .points = es_mc_points,
    .free = NULL,
};
