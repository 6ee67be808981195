/* tests/test_dist.c: quantile functions against GSL's CDFs, moments, and
 * parameter errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "dist.h"
#include "rng.h"

static es_dist make(const char *kind, size_t n, const char *const *names, const double *v)
{
    es_dist d;
    char err[256];
    int bad;
    int k = es_dist_kind_find(kind);
    assert_true(k >= 0);
    int rc = es_dist_init(&d, (es_dist_kind)k, n, names, v, &bad, err, sizeof err);
    if (rc) fail_msg("%s: %s", kind, err);
    return d;
}

typedef double (*cdf_fn)(const es_dist *d, double x);

static double cdf_uniform(const es_dist *d, double x)
{
    return gsl_cdf_flat_P(x, d->p[0], d->p[1]);
}
static double cdf_loguniform(const es_dist *d, double x)
{
    return log(x / d->p[0]) / log(d->p[1] / d->p[0]);
}
static double cdf_normal(const es_dist *d, double x)
{
    return gsl_cdf_gaussian_P(x - d->p[0], d->p[1]);
}
static double cdf_truncnormal(const es_dist *d, double x)
{
    double a = gsl_cdf_gaussian_P(d->p[2] - d->p[0], d->p[1]);
    double b = gsl_cdf_gaussian_P(d->p[3] - d->p[0], d->p[1]);
    return (gsl_cdf_gaussian_P(x - d->p[0], d->p[1]) - a) / (b - a);
}
static double cdf_lognormal(const es_dist *d, double x)
{
    return gsl_cdf_lognormal_P(x, log(d->p[0]), d->p[1]);
}
static double cdf_triangular(const es_dist *d, double x)
{
    double a = d->p[0], c = d->p[1], b = d->p[2];
    if (x <= c) return (x - a) * (x - a) / ((b - a) * (c - a));
    return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
}
static double cdf_pert(const es_dist *d, double x)
{
    double lo = d->p[0], mo = d->p[1], hi = d->p[2], l = d->p[3];
    double al = 1 + l * (mo - lo) / (hi - lo), be = 1 + l * (hi - mo) / (hi - lo);
    return gsl_cdf_beta_P((x - lo) / (hi - lo), al, be);
}
static double cdf_beta(const es_dist *d, double x)
{
    return gsl_cdf_beta_P((x - d->p[2]) / (d->p[3] - d->p[2]), d->p[0], d->p[1]);
}

static void round_trip(const es_dist *d, cdf_fn cdf, double tol)
{
    for (int i = 1; i < 1000; i++) {
        double u = i / 1000.0;
        double x = es_dist_quantile(d, u);
        double back = cdf(d, x);
        if (!(fabs(back - u) <= tol))
            fail_msg("%s: u = %.17g -> x = %.17g -> F(x) = %.17g", es_dist_kind_name(d->kind), u, x,
                     back);
    }
}

#define N(...) ((const char *const[]){__VA_ARGS__})
#define V(...) ((const double[]){__VA_ARGS__})

static void test_round_trip(void **state)
{
    (void)state;
    const double tol = 1e-12;
    es_dist d;
    d = make("uniform", 2, N("low", "high"), V(-1, 3));
    round_trip(&d, cdf_uniform, tol);
    d = make("loguniform", 2, N("low", "high"), V(0.01, 100));
    round_trip(&d, cdf_loguniform, tol);
    d = make("normal", 2, N("mean", "sd"), V(0.38, 0.07));
    round_trip(&d, cdf_normal, tol);
    d = make("truncnormal", 4, N("mean", "sd", "low", "high"), V(0.38, 0.07, 0.2, 0.5));
    round_trip(&d, cdf_truncnormal, tol);
    d = make("truncnormal", 4, N("mean", "sd", "low", "high"), V(0, 1, 2, 5)); /* upper tail */
    round_trip(&d, cdf_truncnormal, tol);
    d = make("lognormal", 2, N("median", "p95"), V(5.5e11, 8e11));
    round_trip(&d, cdf_lognormal, tol);
    d = make("lognormal", 2, N("median", "sigma"), V(1.2e10, 0.2));
    round_trip(&d, cdf_lognormal, tol);
    d = make("triangular", 3, N("low", "mode", "high"), V(55, 80, 120));
    round_trip(&d, cdf_triangular, tol);
    d = make("triangular", 3, N("low", "mode", "high"), V(1, 1, 2)); /* mode at an end */
    round_trip(&d, cdf_triangular, tol);
    d = make("pert", 3, N("low", "mode", "high"), V(530, 650, 800));
    round_trip(&d, cdf_pert, tol);
    es_dist_free(&d);
    d = make("pert", 4, N("low", "mode", "high", "lambda"), V(1.06, 1.15, 1.4, 6));
    round_trip(&d, cdf_pert, tol);
    es_dist_free(&d);
    d = make("beta", 4, N("alpha", "beta", "low", "high"), V(2, 5, 10, 20));
    round_trip(&d, cdf_beta, tol);
    es_dist_free(&d); /* the PINV tables */
    d = make("constant", 1, N("value"), V(42));
    assert_true(es_dist_quantile(&d, 0.3) == 42);
}

/* The beta quantile (table, Hermite start, Newton on GSL's CDF) against
 * GSL's own inverse where that converges, and on the round trip through the
 * CDF everywhere in [0.1, 10000]^2, including shapes where gsl_cdf_beta_Pinv
 * fails to converge (1, 300) and aborts; monotone; inside [0, 1] at the
 * extreme uniforms the generator can give. */
static void test_beta_quantile(void **state)
{
    (void)state;
    const struct {
        double a, b;
        int gsl_ok;
    } shapes[] = {{0.5, 0.5, 1}, {0.3, 2, 1},   {2, 0.3, 1},  {30, 2, 1},
                  {1, 1, 1},     {1, 5, 1},     {5, 1, 1},    {100, 100, 1},
                  {1.8, 3.2, 1}, {2, 5, 1},     {1, 300, 0},  {0.1, 0.1, 0},
                  {0.1, 1e4, 0}, {1e4, 0.1, 0}, {1001, 1, 0}, {1e3, 1e3, 1}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        double a = shapes[s].a, b = shapes[s].b;
        es_dist d = make("beta", 4, N("alpha", "beta", "low", "high"), V(a, b, 0, 1));
        /* PINV where the density is bounded (and GSL's CDF good to 1e-12 to
         * check it), else the tabulated Newton */
        int pinv = es_dist_uses_pinv(&d);
        if (a < 1 || b < 1) assert_int_equal(pinv, 0);
        if (a >= 1 && b >= 1 && a <= 1001 && b <= 300) assert_int_equal(pinv, 1);
        double prev = -1;
        for (int i = 0; i <= 20000; i++) {
            double u = i == 0 ? 0x1.0p-54 : i == 20000 ? 1 - 0x1.0p-53 : i / 20000.0;
            double x = es_dist_quantile(&d, u);
            if (!(x >= prev && x >= 0 && x <= 1))
                fail_msg("beta(%g, %g) at u = %.17g: %.17g after %.17g", a, b, u, x, prev);
            prev = x;
            /* F can be no closer than one step of x: pdf(x) times an ulp */
            double ulp_F = gsl_ran_beta_pdf(x, a, b) * 2 * DBL_EPSILON;
            double back = gsl_cdf_beta_P(x, a, b);
            /* GSL's incomplete beta itself is good to about 1e-12 only up to
             * shapes of 100 (2e-12 at 1000, 3e-11 at 10000) */
            double cdf_tol = (a > 100 || b > 100) ? 1e-10 : 1e-12;
            if (!(fabs(back - u) <= cdf_tol + ulp_F))
                fail_msg("beta(%g, %g): F(q(%.17g)) = %.17g", a, b, u, back);
            if (shapes[s].gsl_ok && i > 0 && i < 20000) {
                double g = gsl_cdf_beta_Pinv(u, a, b);
                /* PINV's error is 1e-12 in u: in x, that over the density */
                double xtol = pinv ? 1e-12 + 1.1e-12 / gsl_ran_beta_pdf(g, a, b) : 1e-12;
                if (!(fabs(x - g) <= xtol))
                    fail_msg("beta(%g, %g) at u = %.17g: %.17g, GSL %.17g", a, b, u, x, g);
            }
        }
        es_dist_free(&d);
    }
}

/* The two ways agree to PINV's u-error; the table is forced by marking PINV
 * as not usable before the first quantile.  es_dist_free releases the table
 * and the distribution stays usable (it builds PINV again, the same bits). */
static void test_pinv_against_table(void **state)
{
    (void)state;
    es_dist d = make("pert", 3, N("low", "mode", "high"), V(530, 650, 800));
    es_dist t = d;
    t.pinv_state = -1;
    assert_int_equal(es_dist_uses_pinv(&d), 1);
    assert_int_equal(es_dist_uses_pinv(&t), 0);
    const double a = d.q[1], b = d.q[2];
    double first[101];
    for (int i = 0; i <= 100; i++) {
        double u = i == 0 ? 0x1.0p-54 : i == 100 ? 1 - 0x1.0p-53 : i / 100.0;
        double x = es_dist_quantile(&d, u), y = es_dist_quantile(&t, u);
        first[i] = x;
        double pdf = gsl_ran_beta_pdf((y - 530) / 270, a, b) / 270;
        if (!(fabs(x - y) <= 1.1e-12 / (pdf > 1e-300 ? pdf : 1e-300) + 1e-12 * 800))
            fail_msg("pert at u = %.17g: PINV %.17g, table %.17g", u, x, y);
    }
    es_dist_free(&d);
    assert_null(d.pinv);
    for (int i = 0; i <= 100; i++) {
        double u = i == 0 ? 0x1.0p-54 : i == 100 ? 1 - 0x1.0p-53 : i / 100.0;
        assert_true(es_dist_quantile(&d, u) == first[i]);
    }
    es_dist_free(&d);
    es_dist_free(&t);
}

/* p95 given means sigma = ln(p95/median)/Phi^-1(0.95) */
static void test_lognormal_p95(void **state)
{
    (void)state;
    es_dist d = make("lognormal", 2, N("median", "p95"), V(5.5e11, 8e11));
    assert_true(fabs(es_dist_quantile(&d, 0.95) / 8e11 - 1) < 1e-12);
    assert_true(fabs(es_dist_quantile(&d, 0.5) / 5.5e11 - 1) < 1e-15);
    assert_true(fabs(d.p[1] - log(8e11 / 5.5e11) / gsl_cdf_ugaussian_Pinv(0.95)) < 1e-15);
}

static void moments(const es_dist *d, double mean, double var)
{
    const int n = 100000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        double x = es_dist_quantile(d, es_rng_uniform(2026, 0, (uint64_t)i));
        s += x;
        s2 += x * x;
    }
    double m = s / n, v = s2 / n - m * m;
    /* mean within 4 standard errors; variance within 10% (heavy tails) */
    if (!(fabs(m - mean) < 4 * sqrt(var / n)))
        fail_msg("%s: mean %.10g, expected %.10g +- %.3g", es_dist_kind_name(d->kind), m, mean,
                 4 * sqrt(var / n));
    if (!(fabs(v / var - 1) < 0.1))
        fail_msg("%s: variance %.10g, expected %.10g", es_dist_kind_name(d->kind), v, var);
}

static void test_moments(void **state)
{
    (void)state;
    es_dist d;
    d = make("uniform", 2, N("low", "high"), V(-1, 3));
    moments(&d, 1, 16.0 / 12);
    d = make("loguniform", 2, N("low", "high"), V(1, 100));
    double l = log(100.0);
    double m1 = 99 / l, m2 = (10000 - 1) / (2 * l);
    moments(&d, m1, m2 - m1 * m1);
    d = make("normal", 2, N("mean", "sd"), V(3, 2));
    moments(&d, 3, 4);
    d = make("truncnormal", 4, N("mean", "sd", "low", "high"), V(0, 1, -1, 2));
    double a = -1, b = 2, z = gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    double pa = gsl_ran_ugaussian_pdf(a), pb = gsl_ran_ugaussian_pdf(b);
    double tm = (pa - pb) / z, tv = 1 + (a * pa - b * pb) / z - tm * tm;
    moments(&d, tm, tv);
    d = make("lognormal", 2, N("median", "sigma"), V(2, 0.5));
    moments(&d, 2 * exp(0.125), (exp(0.25) - 1) * 4 * exp(0.25));
    d = make("triangular", 3, N("low", "mode", "high"), V(1, 2, 4));
    moments(&d, 7.0 / 3, (1 + 4 + 16 - 2 - 4 - 8) / 18.0);
    d = make("pert", 3, N("low", "mode", "high"), V(0, 1, 4));
    moments(&d, 8.0 / 6, 16.0 * 8 / (36 * 7));
    es_dist_free(&d);
    d = make("beta", 4, N("alpha", "beta", "low", "high"), V(2, 5, 10, 20));
    moments(&d, 10 + 10 * 2.0 / 7, 100 * 10.0 / (49 * 8));
    es_dist_free(&d);
}

static void expect_error(const char *kind, size_t n, const char *const *names, const double *v,
                         int want_bad, const char *want_text)
{
    es_dist d;
    char err[256] = "";
    int bad = 99;
    int rc =
        es_dist_init(&d, (es_dist_kind)es_dist_kind_find(kind), n, names, v, &bad, err, sizeof err);
    assert_int_equal(rc, -1);
    assert_int_equal(bad, want_bad);
    if (!strstr(err, want_text)) fail_msg("%s: message '%s' lacks '%s'", kind, err, want_text);
}

static void test_parameter_errors(void **state)
{
    (void)state;
    expect_error("uniform", 1, N("low"), V(1), -1, "needs 'high'");
    expect_error("uniform", 3, N("low", "high", "mode"), V(1, 2, 3), 2, "not a parameter");
    expect_error("uniform", 2, N("low", "high"), V(2, 1), 1, "greater than low");
    expect_error("loguniform", 2, N("low", "high"), V(0, 1), 0, "> 0");
    expect_error("normal", 2, N("mean", "sd"), V(0, 0), 1, "sd must be > 0");
    expect_error("normal", 2, N("mean", "sd"), V(0, INFINITY), 1, "finite");
    expect_error("truncnormal", 4, N("mean", "sd", "low", "high"), V(0, 1, 40, 50), 2,
                 "no probability mass");
    expect_error("lognormal", 3, N("median", "sigma", "p95"), V(1, 0.2, 2), 2, "not both");
    expect_error("lognormal", 1, N("median"), V(1), -1, "sigma' or 'p95'");
    expect_error("lognormal", 2, N("median", "p95"), V(2, 1), 1, "greater than the median");
    expect_error("triangular", 3, N("low", "mode", "high"), V(1, 5, 4), 1, "mode must lie");
    expect_error("pert", 4, N("low", "mode", "high", "lambda"), V(1, 2, 4, -1), 3, "lambda");
    expect_error("beta", 4, N("alpha", "beta", "low", "high"), V(0, 1, 0, 1), 0, "alpha");
    expect_error("beta", 4, N("alpha", "beta", "low", "high"), V(1, 2e4, 0, 1), 1,
                 "beta must be in [0.1, 10000]");
    expect_error("pert", 4, N("low", "mode", "high", "lambda"), V(1, 2, 4, 2000), 3,
                 "lambda must be in (0, 1000]");
    assert_int_equal(es_dist_kind_find("gamma"), -1);
}

static void test_support(void **state)
{
    (void)state;
    es_bound lo, hi;
    es_dist d = make("normal", 2, N("mean", "sd"), V(0.38, 0.07));
    es_dist_support(&d, &lo, &hi);
    assert_true(isinf(lo.v) && lo.v < 0 && isinf(hi.v));
    d = make("lognormal", 2, N("median", "sigma"), V(1, 1));
    es_dist_support(&d, &lo, &hi);
    assert_true(lo.v == 0 && lo.open && isinf(hi.v));
    d = make("pert", 3, N("low", "mode", "high"), V(530, 650, 800));
    es_dist_support(&d, &lo, &hi);
    assert_true(lo.v == 530 && hi.v == 800 && !lo.open && !hi.open);
    /* every quantile stays inside the support, also at the extreme uniforms */
    const double us[] = {0x1.0p-54, 1e-300, 0.5, 1 - 0x1.0p-53};
    d = make("truncnormal", 4, N("mean", "sd", "low", "high"), V(0.38, 0.07, 0.2, 0.5));
    for (int i = 0; i < 4; i++) {
        double x = es_dist_quantile(&d, us[i]);
        assert_true(x >= 0.2 && x <= 0.5);
    }
}

static void test_describe(void **state)
{
    (void)state;
    char buf[128];
    es_dist d = make("triangular", 3, N("low", "mode", "high"), V(55, 80, 120));
    es_dist_describe(&d, buf, sizeof buf);
    assert_string_equal(buf, "triangular(low=55, mode=80, high=120)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_beta_quantile),
        cmocka_unit_test(test_lognormal_p95),    cmocka_unit_test(test_moments),
        cmocka_unit_test(test_parameter_errors), cmocka_unit_test(test_support),
        cmocka_unit_test(test_describe),         cmocka_unit_test(test_pinv_against_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
