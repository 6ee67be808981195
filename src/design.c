/* src/design.c: designs computed from the sample index alone.
 *
 * mc: u_j(i) = Philox(seed; counter = (i, j)), in (0,1).
 * Correlation (Iman & Conover 1982 in spirit, here as a Gaussian copula):
 * z = Phi^-1(u), z' = L z with L L^T = R, R_ab = 2 sin(pi rho_ab / 6) so that
 * the rank correlation of the outputs is rho_ab; u' = Phi(z'). */
#include "design.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"

int es_design_init(es_design *d, const es_job *job, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->kind = job->design;
    d->seed = job->seed;
    d->dim = job->n_unc;
    if (job->design != ES_DESIGN_MC) {
        snprintf(err, errlen, "design %s is not available in this version",
                 es_design_name(job->design));
        return -1;
    }
    if (job->n_corr == 0) return 0;
    if (es_job_copula(job, &d->nc, d->cpos, d->chol)) {
        snprintf(err, errlen, "the correlation matrix is not positive definite");
        return -1;
    }
    return 0;
}

/* Phi(z) kept inside (0,1) so that unbounded quantile functions stay finite. */
static double es_design_phi(double z)
{
    double u = z > 0 ? 1 - gsl_cdf_ugaussian_Q(z) : gsl_cdf_ugaussian_P(z);
    const double lo = 0x1.0p-54, hi = 1 - 0x1.0p-53;
    return u < lo ? lo : (u > hi ? hi : u);
}

void es_design_points(const es_design *d, uint64_t first, size_t n, double *const *u)
{
    for (size_t j = 0; j < d->dim; j++)
        for (size_t k = 0; k < n; k++)
            u[j][k] = es_rng_uniform(d->seed, (uint32_t)j, first + k);
    if (d->nc == 0) return;
    const size_t nc = d->nc;
    double z[ES_JOB_MAXIN];
    for (size_t k = 0; k < n; k++) {
        for (size_t a = 0; a < nc; a++)
            z[a] = gsl_cdf_ugaussian_Pinv(u[d->cpos[a]][k]);
        for (size_t a = 0; a < nc; a++) { /* z' = L z */
            double s = 0;
            for (size_t b = 0; b <= a; b++)
                s += d->chol[a * nc + b] * z[b];
            u[d->cpos[a]][k] = es_design_phi(s);
        }
    }
}
