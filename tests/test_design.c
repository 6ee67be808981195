/* tests/test_design.c: unit points from the sample index, and the copula. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "rng.h"

static es_job job_with(size_t nunc, double rho)
{
    es_job j;
    memset(&j, 0, sizeof j);
    j.design = ES_DESIGN_MC;
    j.seed = 99;
    j.n_unc = nunc;
    for (size_t k = 0; k < nunc; k++)
        j.unc[k] = (int)(2 * k + 1); /* model indices need not be contiguous */
    if (rho != 0) {
        j.n_corr = 1;
        j.corr[0].a = 1;
        j.corr[0].b = 5;
        j.corr[0].rho = rho;
    }
    return j;
}

static void test_mc_is_rng(void **state)
{
    (void)state;
    es_job j = job_with(3, 0);
    es_design d;
    char err[128];
    assert_int_equal(es_design_init(&d, &j, err, sizeof err), 0);
    double c0[10], c1[10], c2[10];
    double *u[3] = {c0, c1, c2};
    es_design_points(&d, 1000, 10, u);
    for (int k = 0; k < 10; k++)
        for (int dim = 0; dim < 3; dim++)
            assert_true(u[dim][k] == es_rng_uniform(99, (uint32_t)dim, 1000 + (uint64_t)k));
    /* a point depends on its index only: computing 1003..1005 alone gives the same */
    double d0[3], d1[3], d2[3];
    double *v[3] = {d0, d1, d2};
    es_design_points(&d, 1003, 3, v);
    assert_memory_equal(d1, c1 + 3, sizeof d1);
}

static void test_rank_correlation(void **state)
{
    (void)state;
    const double rho = 0.6;
    es_job j = job_with(3, rho); /* correlates uncertain inputs 0 and 2 */
    es_design d;
    char err[128];
    assert_int_equal(es_design_init(&d, &j, err, sizeof err), 0);
    enum { n = 20000 };
    double *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = malloc(n * sizeof(double));
    es_design_points(&d, 0, n, c);
    /* Spearman = Pearson of the uniforms (they are their own ranks / n) */
    double r02 = gsl_stats_correlation(c[0], 1, c[2], 1, n);
    double r01 = gsl_stats_correlation(c[0], 1, c[1], 1, n);
    /* standard error of a rank correlation ~ (1 - rho^2) / sqrt(n) */
    assert_true(fabs(r02 - rho) < 4 * (1 - rho * rho) / sqrt((double)n));
    assert_true(fabs(r01) < 4 / sqrt((double)n));
    /* the margins stay uniform: mean 1/2 */
    assert_true(fabs(gsl_stats_mean(c[2], 1, n) - 0.5) < 4 * sqrt(1.0 / 12 / n));
    for (int i = 0; i < 3; i++)
        free(c[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mc_is_rng),
        cmocka_unit_test(test_rank_correlation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
