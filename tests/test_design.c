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

/* nunc dimensions; with rho != 0, dimensions 0 and 2 correlated */
static es_design *mc_with(size_t nunc, double rho, es_design_corr *corr)
{
    es_design_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = 99;
    cfg.dim = nunc;
    cfg.points = 1000000;
    cfg.max_n = 20000;
    if (rho != 0) {
        corr[0].a = 0;
        corr[0].b = 2;
        corr[0].rho = rho;
        cfg.ncorr = 1;
        cfg.corr = corr;
    }
    char err[128];
    es_design *d = es_design_new(&es_design_mc, &cfg, err, sizeof err);
    assert_non_null(d);
    return d;
}

static void test_mc_is_rng(void **state)
{
    (void)state;
    es_design_corr corr[1];
    es_design *d = mc_with(3, 0, corr);
    double c0[10], c1[10], c2[10];
    double *u[3] = {c0, c1, c2};
    es_design_points(d, 1000, 10, u);
    for (int k = 0; k < 10; k++)
        for (int dim = 0; dim < 3; dim++)
            assert_true(u[dim][k] == es_rng_uniform(99, (uint32_t)dim, 1000 + (uint64_t)k));
    /* a point depends on its index only: computing 1003..1005 alone gives the same */
    double d0[3], d1[3], d2[3];
    double *v[3] = {d0, d1, d2};
    es_design_points(d, 1003, 3, v);
    assert_memory_equal(d1, c1 + 3, sizeof d1);
    es_design_free(d);
}

static void test_rank_correlation(void **state)
{
    (void)state;
    const double rho = 0.6;
    es_design_corr corr[1];
    es_design *d = mc_with(3, rho, corr); /* correlates dimensions 0 and 2 */
    enum { n = 20000 };
    double *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = malloc(n * sizeof(double));
    es_design_points(d, 0, n, c);
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
    es_design_free(d);
}

/* an inconsistent set of correlations is refused, a consistent one taken */
static void test_copula_check(void **state)
{
    (void)state;
    es_design_corr ok[1] = {{0, 1, 0.5}};
    assert_int_equal(es_design_copula_check(2, 1, ok), 0);
    /* a ~ b = 0.9, b ~ c = 0.9, a ~ c = -0.9: not positive definite */
    es_design_corr bad[3] = {{0, 1, 0.9}, {1, 2, 0.9}, {0, 2, -0.9}};
    assert_int_equal(es_design_copula_check(3, 3, bad), -1);
    assert_ptr_equal(es_design_find("mc"), &es_design_mc);
    assert_null(es_design_find("montecarlo"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mc_is_rng),
        cmocka_unit_test(test_rank_correlation),
        cmocka_unit_test(test_copula_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
