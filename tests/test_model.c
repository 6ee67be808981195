/* tests/test_model.c: the compute-economics kernel (model 2) against values
 * computed independently (tests/data/model_reference.py, plain Python with
 * docs/model.md's formulas, term-by-term sums and a bisection for the IRR), its
 * edges, the fast IRR against GSL's Brent solver, the dependency finder, and
 * the verification models. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <float.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "model_econ.h"
#include "model_testfn.h"

/* /usr/bin/python3 tests/data/model_reference.py prints these lines: */
static const double want_defaults[ES_ECON_NOUT] = {78.82420116105777,
                                                   0.6060606060606061,
                                                   418.6531485751775,
                                                   4637.306297150355,
                                                   718808.1010265984,
                                                   1322.6069058889411,
                                                   695638328.2213475,
                                                   1.0848101664303096e+29,
                                                   0.5644210745675566,
                                                   0.6463916060590292,
                                                   2470068497.490148,
                                                   0.01818181818181818,
                                                   0.4166666666666667,
                                                   0.75,
                                                   5804447686.072417,
                                                   0.2535448479973371,
                                                   12651022578.068134,
                                                   8333333333.333334,
                                                   7928567788.814202,
                                                   6209213230.59155,
                                                   1.0};
static const double want_share0[ES_ECON_NOUT] = {78.82420116105777,
                                                 0.6060606060606061,
                                                 418.6531485751775,
                                                 4637.306297150355,
                                                 0.0,
                                                 0.0,
                                                 0.0,
                                                 0.0,
                                                 0.5644210745675566,
                                                 0.6463916060590292,
                                                 0.0,
                                                 0.01818181818181818,
                                                 0.8333333333333334,
                                                 0.5,
                                                 4137781019.405752,
                                                 0.1966502500875128,
                                                 0.0,
                                                 10000000000.0,
                                                 7928567788.814202,
                                                 6209213230.59155,
                                                 1.0};
static const double want_share1[ES_ECON_NOUT] = {78.82420116105777,
                                                 0.6060606060606061,
                                                 418.6531485751775,
                                                 4637.306297150355,
                                                 1437616.2020531967,
                                                 2645.2138117778823,
                                                 1391276656.442695,
                                                 2.169620332860619e+29,
                                                 0.5644210745675566,
                                                 0.6463916060590292,
                                                 4940136994.980296,
                                                 0.01818181818181818,
                                                 0.0,
                                                 1.0,
                                                 7471114352.739083,
                                                 0.3300507993077869,
                                                 25302045156.13627,
                                                 6666666666.666667,
                                                 7928567788.814202,
                                                 6209213230.59155,
                                                 1.0};
static const double want_exit[ES_ECON_NOUT] = {78.82420116105777,  0.6060606060606061,
                                               418.6531485751775,  4637.306297150355,
                                               718808.1010265984,  1322.6069058889411,
                                               695638328.2213475,  1.0848101664303096e+29,
                                               0.7345798046899379, 0.8753463794858658,
                                               4241805873.116533,  0.01818181818181818,
                                               0.4166666666666667, 0.75,
                                               17467467973.654522, 0.41646369874324296,
                                               23001859232.85115,  8333333333.333334,
                                               10292663743.368557, 15508137563.619297,
                                               1.7454545454545456};
static const double want_loss[ES_ECON_NOUT] = {78.82420116105777,   0.6060606060606061,
                                               418.6531485751775,   4637.306297150355,
                                               718808.1010265984,   1322.6069058889411,
                                               695638328.2213475,   1.0848101664303096e+29,
                                               0.5644210745675566,  0.6463916060590292,
                                               2470068497.490148,   0.01818181818181818,
                                               0.4166666666666667,  0.75,
                                               -2021004167.4309778, 0.0659517583361523,
                                               12651022578.068134,  8333333333.333334,
                                               -1321427964.802367,  7633757130.704722,
                                               1.6363636363636362};
static const double want_tworoots[ES_ECON_NOUT] = {78.82420116105777,
                                                   0.6060606060606061,
                                                   418.6531485751775,
                                                   4637.306297150355,
                                                   718808.1010265984,
                                                   1322.6069058889411,
                                                   695638328.2213475,
                                                   1.0848101664303096e+29,
                                                   0.5644210745675566,
                                                   0.6463916060590292,
                                                   2470068497.490148,
                                                   0.01818181818181818,
                                                   0.4166666666666667,
                                                   0.75,
                                                   -2388405695.7022576,
                                                   0.028883901323813466,
                                                   12651022578.068134,
                                                   8333333333.333334,
                                                   -264285592.9604734,
                                                   6209213230.59155,
                                                   1.0};
static const double want_noroot[ES_ECON_NOUT] = {78.82420116105777,
                                                 0.6060606060606061,
                                                 418.6531485751775,
                                                 4637.306297150355,
                                                 718808.1010265984,
                                                 1322.6069058889411,
                                                 695638328.2213475,
                                                 1.0848101664303096e+29,
                                                 0.5644210745675566,
                                                 0.6463916060590292,
                                                 2470068497.490148,
                                                 0.01818181818181818,
                                                 0.4166666666666667,
                                                 0.75,
                                                 -8324242424.242425,
                                                 NAN,
                                                 12651022578.068134,
                                                 8333333333.333334,
                                                 0.0,
                                                 9090909.09090909,
                                                 0.001};

static void eval_at(const double *x, double *y)
{
    assert_int_equal(es_model_eval_point(&es_model_econ, x, y), 0);
}

static void defaults(double *x)
{
    for (size_t i = 0; i < es_model_econ.n_inputs; i++)
        x[i] = es_model_econ.inputs[i].def;
}

static void check_all(const double *got, const double *want)
{
    for (int j = 0; j < ES_ECON_NOUT; j++) {
        double tol = 1e-9 * fabs(want[j]);
        if (want[j] == 0) tol = 1e-300;
        if (isnan(want[j]) ? !isnan(got[j]) : !(fabs(got[j] - want[j]) <= tol))
            fail_msg("%s = %.17g, expected %.17g", es_model_econ.outputs[j].name, got[j], want[j]);
    }
}

static void test_defaults(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    defaults(x);
    eval_at(x, y);
    check_all(y, want_defaults);
    /* docs/model.md's rounded worked values, as a second reading */
    const struct {
        int j;
        double v, tol;
    } md[] = {{ES_ECON_GROSS, 78.82, 0.005},  {ES_ECON_YIELD, 0.6061, 5e-5},
              {ES_ECON_CCHIP, 4637, 0.5},     {ES_ECON_NCHIPS, 7.188e5, 50},
              {ES_ECON_PMW, 1323, 0.5},       {ES_ECON_ENERGY, 6.956e8, 5e4},
              {ES_ECON_STAKE, 0.01818, 5e-6}, {ES_ECON_CA, 0.5644, 5e-5},
              {ES_ECON_CG_PFH, 0.6464, 5e-5}, {ES_ECON_SAVING, 2.470e9, 5e5},
              {ES_ECON_KCAP, 1.265e10, 5e6},  {ES_ECON_C0, 8.333e9, 5e5},
              {ES_ECON_MPV, 7.929e9, 5e5},    {ES_ECON_XPV, 6.209e9, 5e5},
              {ES_ECON_MULT, 1, 0},           {ES_ECON_NPV, 5.80e9, 5e6},
              {ES_ECON_IRR, 0.2535, 5e-5}};
    for (size_t k = 0; k < sizeof md / sizeof md[0]; k++)
        if (!(fabs(y[md[k].j] - md[k].v) <= md[k].tol))
            fail_msg("%s = %.17g, docs/model.md says %g", es_model_econ.outputs[md[k].j].name,
                     y[md[k].j], md[k].v);
    /* NPV in parts: X + M - C_0 */
    assert_true(fabs(y[ES_ECON_XPV] + y[ES_ECON_MPV] - y[ES_ECON_C0] - y[ES_ECON_NPV]) <
                1e-6 * y[ES_ECON_NPV]);
}

static void set_case(double *x, const char *const *names, const double *vals, size_t n)
{
    defaults(x);
    for (size_t k = 0; k < n; k++) {
        int i = es_model_input_index(&es_model_econ, names[k]);
        assert_true(i >= 0);
        x[i] = vals[k];
    }
}

/* the other cases of model_reference.py, input for input */
static void test_reference_cases(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    const char *share[] = {"chip_share"};
    set_case(x, share, (double[]){0.0}, 1);
    eval_at(x, y);
    check_all(y, want_share0);
    set_case(x, share, (double[]){1.0}, 1);
    eval_at(x, y);
    check_all(y, want_share1);
    const char *ex[] = {"exit_valuation_usd",  "dilution",
                        "discount_rate",       "horizon_years",
                        "contract_years",      "asic_system_cost_usd",
                        "gpu_system_cost_usd", "facility_capex_usd_per_mw",
                        "facility_life_years"};
    set_case(x, ex, (double[]){1.2e12, 0.2, 0.03, 4, 6, 3000, 15000, 2.0e7, 10}, 9);
    eval_at(x, y);
    check_all(y, want_exit);
    const char *loss[] = {"cloud_margin", "exit_valuation_usd", "horizon_years"};
    set_case(x, loss, (double[]){-0.05, 9.0e11, 8}, 3);
    eval_at(x, y);
    check_all(y, want_loss);
    /* the defaults with a margin of -1%: NPV has two roots, -92.3% and 2.89% */
    const char *two[] = {"cloud_margin"};
    set_case(x, two, (double[]){-0.01}, 1);
    eval_at(x, y);
    check_all(y, want_tworoots);
    const char *nr[] = {"cloud_contract_usd", "exit_valuation_usd", "horizon_years"};
    set_case(x, nr, (double[]){0.0, 5.5e8, 1}, 3);
    eval_at(x, y);
    check_all(y, want_noroot);
    assert_true(isnan(y[ES_ECON_IRR]));
}

/* alpha -> infinity gives Poisson yield exp(-D0 A / 100); at alpha = 1e9 the
 * gap is (D0 A/100)^2 / (2 alpha) ~ 2e-10 relative */
static void test_alpha_large_is_poisson(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    defaults(x);
    x[ES_ECON_ALPHA] = 1e9;
    eval_at(x, y);
    double poisson = exp(-0.10 * 650 / 100);
    assert_true(fabs(y[ES_ECON_YIELD] / poisson - 1) < 1e-9);
    x[ES_ECON_ALPHA] = 1e15;
    eval_at(x, y);
    assert_true(fabs(y[ES_ECON_YIELD] / poisson - 1) < 1e-12);
}

/* alpha -> 0: Y = exp(-alpha log(1 + z/alpha)) -> 1, also where z/alpha
 * overflows (alpha subnormal), which gave exp(-alpha * inf) = 0 before */
static void test_alpha_tiny_yield_is_one(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    defaults(x);
    const double alphas[] = {1e-300, 1e-309, 1e-320, 4.9406564584124654e-324};
    for (size_t k = 0; k < sizeof alphas / sizeof alphas[0]; k++) {
        x[ES_ECON_ALPHA] = alphas[k];
        eval_at(x, y);
        /* 1 - Y ~ alpha (log z - log alpha) < 1e-295 */
        assert_true(y[ES_ECON_YIELD] == 1.0);
        assert_true(isfinite(y[ES_ECON_CDIE]) && y[ES_ECON_CDIE] > 0);
    }
    /* a moderate case against the plain power */
    x[ES_ECON_ALPHA] = 1e-3;
    eval_at(x, y);
    assert_true(fabs(y[ES_ECON_YIELD] / pow(1 + 0.65 / 1e-3, -1e-3) - 1) < 1e-14);
}

/* The stake is I (1-delta) V_X / V: a valuation of 1e-300 with an exit
 * valuation of 1e-300 is the default deal (only the ratio counts), where
 * sigma V_X = (I/V) V_X overflowed to +inf. */
static void test_tiny_valuation(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    defaults(x);
    x[ES_ECON_V] = 1e-300;
    x[ES_ECON_VX] = 1e-300;
    eval_at(x, y);
    assert_true(isinf(y[ES_ECON_STAKE])); /* I/V = 1e310 is past the largest double */
    assert_true(y[ES_ECON_MULT] == 1.0);
    assert_true(fabs(y[ES_ECON_NPV] / want_defaults[ES_ECON_NPV] - 1) < 1e-12);
    assert_true(fabs(y[ES_ECON_XPV] / want_defaults[ES_ECON_XPV] - 1) < 1e-12);
    assert_true(fabs(y[ES_ECON_IRR] - want_defaults[ES_ECON_IRR]) < 1e-12);
}

/* An investment of 1e300: the flows (-C_0, tiny margins, the stake at H = 5)
 * overflow any unscaled NPV at x = -0.99 (1e300 * 100^5); scaled, the IRR is
 * that of -(1/2 + 1/3) now and +1 in five years (the margins are 1e-291 of
 * it): 1.2^(1/5) - 1.  Near the largest double, the NPV stays finite. */
static void test_huge_investment(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    defaults(x);
    x[ES_ECON_I] = 1e300;
    eval_at(x, y);
    assert_true(fabs(y[ES_ECON_IRR] - (pow(1.2, 0.2) - 1)) < 1e-13);
    double npv = 1e300 / pow(1.1, 5) - 1e300 * (0.5 + 0.5 / 1.5);
    assert_true(fabs(y[ES_ECON_NPV] / npv - 1) < 1e-12);
    x[ES_ECON_I] = 1e308; /* C_0 = 0.833 I and X = 0.62 I are finite, so is NPV */
    eval_at(x, y);
    /* every output but the FLOP (1e304 chips for 5 years) and the saving over them */
    for (int j = 0; j < ES_ECON_NOUT; j++)
        if (!isfinite(y[j]) && j != ES_ECON_FLOP && j != ES_ECON_SAVING)
            fail_msg("%s = %g at investment_usd = 1e308", es_model_econ.outputs[j].name, y[j]);
    assert_true(fabs(y[ES_ECON_IRR] - (pow(1.2, 0.2) - 1)) < 1e-13);
    assert_true(y[ES_ECON_NPV] < 0 && y[ES_ECON_NPV] > -DBL_MAX);
    /* unscaled flows given straight to the solver */
    es_econ_flows big = {-1e300 * (0.5 + 0.5 / 1.5), 1.6e9, 7, 1e300, 5};
    assert_true(fabs(es_econ_irr(&big) - (pow(1.2, 0.2) - 1)) < 1e-13);
    assert_true(!isfinite(es_econ_npv(&big, -0.99))); /* why scaling is needed */
}

/* a NaN input (issue 9 counts such samples) gives NaN outputs, never a hang
 * or an int cast of NaN */
static void test_nan_input(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    const int which[] = {ES_ECON_I, ES_ECON_TC, ES_ECON_H, ES_ECON_MC, ES_ECON_VX};
    for (size_t k = 0; k < sizeof which / sizeof which[0]; k++) {
        defaults(x);
        x[which[k]] = NAN;
        eval_at(x, y);
        assert_true(isnan(y[ES_ECON_NPV]) && isnan(y[ES_ECON_IRR]));
    }
}

static void test_irr_without_root(void **state)
{
    (void)state;
    es_econ_flows none = {-10, 0, 7, 0.05, 1}; /* 0.05/(1+x) < 10 on the range */
    assert_true(isnan(es_econ_irr(&none)));
    es_econ_flows nothing = {-1, 0, 0, 0, 0};
    assert_true(isnan(es_econ_irr(&nothing)));
    es_econ_flows far = {-1, 30, 1, 0, 0}; /* 2900% is outside (-0.99, 10) */
    assert_true(isnan(es_econ_irr(&far)));
    es_econ_flows low = {-1, 0, 0, 0.005, 1}; /* 0.005/(1+x) = 1 at x = -0.995 */
    assert_true(isnan(es_econ_irr(&low)));
}

/* NPV at the IRR is zero; the solver works on the whole bracket */
static void test_irr_is_root(void **state)
{
    (void)state;
    es_econ_flows cf = {-100, 0, 0, 200, 3};
    assert_true(fabs(es_econ_irr(&cf) - (pow(2, 1.0 / 3) - 1)) < 1e-15);
    es_econ_flows ok = {-1, 10, 1, 0, 0};
    assert_true(fabs(es_econ_irr(&ok) - 9) < 1e-14);
    es_econ_flows neg = {-1, 0, 0, 0.02, 1}; /* x = -0.98 */
    assert_true(fabs(es_econ_irr(&neg) + 0.98) < 1e-15);
    /* an annuity at x = 0 exactly: 7 payments of 1/7 against 1 */
    es_econ_flows zero = {-1, 1.0 / 7, 7, 0, 0};
    assert_true(fabs(es_econ_irr(&zero)) < 1e-15);
}

/* the closed form of a_n(x) and its slope against the sums, on both sides of
 * the branch at |x| = 1/16 */
static void test_annuity_closed_form(void **state)
{
    (void)state;
    const double xs[] = {-0.99, -0.5,   -0.0625, -0.0624999, -1e-9, 0,  1e-12,
                         0.01,  0.0625, 0.06251, 0.1,        1,     10, 0.25};
    for (int n = 0; n <= 100; n++)
        for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
            long double v = 1.0L / (1.0L + xs[k]), p = 1, a = 0, d = 0;
            for (int t = 1; t <= n; t++) {
                p *= v;
                a += p;
                d -= t * p * v;
            }
            double da, got = es_econ_annuity(n, xs[k], &da);
            if (!(fabsl(got - a) <= 1e-14L * a + 1e-300) ||
                !(fabsl(da - d) <= 1e-12L * fabsl(d) + 1e-300))
                fail_msg("n = %d, x = %g: a = %.17g (sum %.17Lg), da = %.17g (sum %.17Lg)", n,
                         xs[k], got, a, da, d);
        }
}

/* The safeguarded Newton against GSL's Brent solver on random flows of every
 * sign whose NPV has at most one root (15% with negative margins; those with
 * the horizon inside the contract, which may have two roots, are
 * test_irr_two_roots'): the same root to 1e-12 (1 + |x|), the same NaNs.
 * (The largest gap seen is 1.3e-14.) */
static void test_irr_newton_matches_brent(void **state)
{
    (void)state;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2026);
    int roots = 0, nans = 0;
    double worst = 0;
    for (int it = 0; it < 200000; it++) {
        double u = gsl_rng_uniform(g);
        es_econ_flows cf;
        cf.c0 = -pow(10, 4 * gsl_rng_uniform(g) - 2);
        cf.annual = u < 0.1 ? 0 : pow(10, 4 * gsl_rng_uniform(g) - 3);
        if (u > 0.85) cf.annual = -cf.annual * 0.1;
        cf.stake = gsl_rng_uniform(g) < 0.1 ? 0 : pow(10, 5 * gsl_rng_uniform(g) - 2);
        cf.tc = (int)gsl_rng_uniform_int(g, 31);
        cf.h = (int)gsl_rng_uniform_int(g, 31);
        if (cf.annual < 0 && cf.h < cf.tc) continue; /* the flows change sign twice */
        double xn = es_econ_irr(&cf), xb = es_econ_irr_brent(&cf);
        if (isnan(xn) || isnan(xb)) {
            if (isnan(xn) != isnan(xb))
                fail_msg("flows {%.17g, %.17g, %d, %.17g, %d}: Newton %.17g, Brent %.17g", cf.c0,
                         cf.annual, cf.tc, cf.stake, cf.h, xn, xb);
            nans++;
            continue;
        }
        roots++;
        double tol = 1e-12 * (1 + fabs(xb));
        if (!(fabs(xn - xb) <= tol))
            fail_msg("flows {%.17g, %.17g, %d, %.17g, %d}: Newton %.17g, Brent %.17g", cf.c0,
                     cf.annual, cf.tc, cf.stake, cf.h, xn, xb);
        if (fabs(xn - xb) / (1 + fabs(xb)) > worst) worst = fabs(xn - xb) / (1 + fabs(xb));
    }
    gsl_rng_free(g);
    /* both kinds were exercised */
    assert_true(roots > 50000 && nans > 5000);
    print_message("irr: %d roots, %d without, largest gap %.3g (1 + |x|)\n", roots, nans, worst);
}

/* NPV by its definition, in long double */
static long double npv_l(const es_econ_flows *cf, long double x)
{
    long double s = cf->c0, v = 1 / (1 + x), df = 1;
    if (cf->h == 0) s += cf->stake;
    for (int t = 1; t <= (cf->tc > cf->h ? cf->tc : cf->h); t++) {
        df *= v;
        if (t <= cf->tc) s += cf->annual * df;
        if (t == cf->h) s += cf->stake * df;
    }
    return s;
}

/* The largest root of NPV on (-0.99, 10) by brute force: NPV on a grid of
 * 4000 cells evenly spaced in log(1 + x), from the top down to the first
 * sign change, then 100 halvings of that cell; NaN without a sign change. */
static double ref_largest_root(const es_econ_flows *cf)
{
    const int steps = 4000;
    const long double a = log1pl(-0.99L), b = log1pl(10.0L);
    long double px = 10, pf = npv_l(cf, px);
    for (int k = 1; k <= steps; k++) {
        long double x = k == steps ? -0.99L : expm1l(b - (b - a) * k / steps), f = npv_l(cf, x);
        if (f != 0 && pf != 0 && (f > 0) != (pf > 0)) {
            long double lo = x, hi = px, flo = f;
            for (int it = 0; it < 100; it++) {
                long double mid = 0.5L * (lo + hi), fm = npv_l(cf, mid);
                if ((fm > 0) == (flo > 0)) {
                    lo = mid;
                    flo = fm;
                } else {
                    hi = mid;
                }
            }
            return (double)(0.5L * (lo + hi));
        }
        px = x;
        pf = f;
    }
    return NAN;
}

/* Flows with a negative margin and the horizon inside the contract (NPV may
 * have two roots): the IRR is the larger root in the range. */
static void test_irr_two_roots(void **state)
{
    (void)state;
    /* NPV = A (v - v1)(v - v2), v = 1/(1+x), tc = 2, h = 1: c0 = A v1 v2,
     * the flow at t = 1 is A + stake = -A (v1 + v2); roots at x1 and x2 */
    const double pairs[][3] = {/* x1, x2, the IRR */
                               {0.1, 0.5, 0.5}, {-0.5, 0.2, 0.2}, {-0.95, 9.5, 9.5},
                               {0.2, 12, 0.2},  {-0.995, 3, 3},   {-0.995, 12, NAN}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        const double v1 = 1 / (1 + pairs[k][0]), v2 = 1 / (1 + pairs[k][1]), A = -1;
        es_econ_flows cf = {A * v1 * v2, A, 2, -A * (v1 + v2) - A, 1};
        double x = es_econ_irr(&cf), want = pairs[k][2];
        if (isnan(want) ? !isnan(x) : !(fabs(x - want) <= 1e-13 * (1 + fabs(want))))
            fail_msg("roots %g and %g: IRR %.17g, expected %g", pairs[k][0], pairs[k][1], x, want);
    }
    /* random flows of that kind against the brute-force largest root */
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2027);
    int roots = 0, nans = 0, lower = 0;
    for (int it = 0; it < 3000; it++) {
        es_econ_flows cf;
        cf.c0 = -pow(10, 4 * gsl_rng_uniform(g) - 2);
        cf.annual = -pow(10, 4 * gsl_rng_uniform(g) - 4);
        cf.stake = pow(10, 5 * gsl_rng_uniform(g) - 2);
        cf.tc = 2 + (int)gsl_rng_uniform_int(g, 29);
        cf.h = (int)gsl_rng_uniform_int(g, (unsigned long)cf.tc);
        double x = es_econ_irr(&cf), want = ref_largest_root(&cf);
        if (isnan(want) ? !isnan(x) : !(fabs(x - want) <= 1e-12 * (1 + fabs(want))))
            fail_msg("flows {%.17g, %.17g, %d, %.17g, %d}: IRR %.17g, largest root %.17g", cf.c0,
                     cf.annual, cf.tc, cf.stake, cf.h, x, want);
        if (isnan(want)) {
            nans++;
            continue;
        }
        roots++;
        lower += es_econ_npv(&cf, -0.99) < 0; /* a second root below this one */
    }
    gsl_rng_free(g);
    assert_true(roots > 500 && nans > 500 && lower > 200);
    print_message("irr, two roots possible: %d roots (%d with another below), %d without\n", roots,
                  lower, nans);
}

static void test_batch_equals_single(void **state)
{
    (void)state;
    const es_model *m = &es_model_econ;
    enum { n = 7 };
    double cols[ES_ECON_NIN][n], outc[ES_ECON_NOUT][n];
    const double *in[ES_ECON_NIN];
    double *out[ES_ECON_NOUT];
    for (size_t i = 0; i < m->n_inputs; i++) {
        for (int k = 0; k < n; k++)
            cols[i][k] = m->inputs[i].def;
        in[i] = cols[i];
    }
    for (int k = 0; k < n; k++) {
        cols[ES_ECON_PE][k] = 55 + 10 * k;
        cols[ES_ECON_RATE][k] = -0.05 + 0.04 * k; /* both annuity branches */
        cols[ES_ECON_MC][k] = -0.1 + 0.07 * k;    /* both IRR paths */
        cols[ES_ECON_VX][k] = 1e11 * (1 + k);
    }
    for (size_t j = 0; j < m->n_outputs; j++)
        out[j] = outc[j];
    assert_int_equal(m->eval(in, out, n), 0);
    for (int k = 0; k < n; k++) {
        double x[ES_ECON_NIN], y[ES_ECON_NOUT];
        for (size_t i = 0; i < m->n_inputs; i++)
            x[i] = cols[i][k];
        eval_at(x, y);
        for (size_t j = 0; j < m->n_outputs; j++)
            assert_memory_equal(&y[j], &outc[j][k], sizeof(double));
    }
}

/* The IRR of a block (the lockstep Newton iteration and its fallbacks) has
 * the bits of es_econ_irr on the same flows, sample by sample, over flows of
 * every kind: the plain path, IRRs near 0 (the annuity's other branch),
 * negative margins (Brent), no root, NaN inputs, and blocks of every length. */
static void test_batch_irr_bits(void **state)
{
    (void)state;
    const es_model *m = &es_model_econ;
    enum { n = 3001 };
    static double cols[ES_ECON_NIN][n], outc[ES_ECON_NOUT][n];
    const double *in[ES_ECON_NIN];
    double *out[ES_ECON_NOUT];
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 1127);
    for (size_t i = 0; i < m->n_inputs; i++) {
        for (int k = 0; k < n; k++)
            cols[i][k] = m->inputs[i].def;
        in[i] = cols[i];
    }
    for (int k = 0; k < n; k++) {
        cols[ES_ECON_V][k] = 1e11 * (1 + 9 * gsl_rng_uniform(g));
        cols[ES_ECON_VX][k] = cols[ES_ECON_V][k] * pow(10, 2 * gsl_rng_uniform(g) - 1.2);
        cols[ES_ECON_F][k] = gsl_rng_uniform(g);
        cols[ES_ECON_MC][k] = 0.8 * gsl_rng_uniform(g) - (k % 7 == 0 ? 0.9 : 0.1);
        cols[ES_ECON_R][k] = 1e10 * pow(10, 2 * gsl_rng_uniform(g) - 1);
        cols[ES_ECON_TC][k] = 1 + (int)gsl_rng_uniform_int(g, 30);
        cols[ES_ECON_H][k] = (int)gsl_rng_uniform_int(g, 30);
        cols[ES_ECON_DELTA][k] = 0.5 * gsl_rng_uniform(g);
        if (k % 101 == 0) cols[ES_ECON_VX][k] = NAN;
        if (k % 103 == 0) cols[ES_ECON_TC][k] = NAN;
    }
    for (size_t j = 0; j < m->n_outputs; j++)
        out[j] = outc[j];
    int near0 = 0, nan = 0, plain = 0;
    const int lens[] = {1, 2, 37, 255, 256, 257, 700, n};
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        const int len = lens[li];
        assert_int_equal(m->eval(in, out, (size_t)len), 0);
        for (int k = 0; k < len; k++) {
            const double f = cols[ES_ECON_F][k], mu = cols[ES_ECON_MU][k], I = cols[ES_ECON_I][k];
            const double Tc = cols[ES_ECON_TC][k];
            double want = NAN;
            if (Tc >= 0 && Tc <= 1000) {
                const double annual = cols[ES_ECON_MC][k] * cols[ES_ECON_R][k] / Tc;
                const double mult =
                    (1 - cols[ES_ECON_DELTA][k]) * (cols[ES_ECON_VX][k] / cols[ES_ECON_V][k]);
                es_econ_flows cf = {-((1 - f) + f / mu), annual / I, (int)Tc, mult,
                                    (int)cols[ES_ECON_H][k]};
                want = es_econ_irr(&cf);
            }
            if (memcmp(&want, &outc[ES_ECON_IRR][k], sizeof want))
                fail_msg("block of %d, sample %d: irr %.17g, es_econ_irr %.17g", len, k,
                         outc[ES_ECON_IRR][k], want);
            if (len == n) {
                near0 += fabs(want) < 0.0625;
                nan += isnan(want);
                plain += fabs(want) >= 0.0625;
            }
        }
    }
    gsl_rng_free(g);
    print_message("batch irr: %d plain, %d near 0, %d NaN\n", plain, near0, nan);
    assert_true(plain > 1000 && near0 > 100 && nan > 100);
}

static void test_check_box(void **state)
{
    (void)state;
    double lo[ES_ECON_NIN], hi[ES_ECON_NIN];
    defaults(lo);
    defaults(hi);
    char buf[512];
    assert_null(es_model_econ.check_box(lo, hi, buf, sizeof buf));
    hi[ES_ECON_A] = 11000; /* sqrt(2*11000)*2 = 296.6 > 294 */
    assert_non_null(es_model_econ.check_box(lo, hi, buf, sizeof buf));
    assert_non_null(strstr(buf, "gross dies per wafer"));
    hi[ES_ECON_A] = 10000; /* 282.8 < 294 */
    assert_null(es_model_econ.check_box(lo, hi, buf, sizeof buf));
    hi[ES_ECON_E] = 10; /* 280 < 282.8 */
    assert_non_null(es_model_econ.check_box(lo, hi, buf, sizeof buf));
}

static void expect_rule(const char *name, double x, const char *why_want)
{
    const es_model *m = &es_model_econ;
    char why[96];
    int i = es_model_input_index(m, name);
    assert_true(i >= 0);
    int rc = es_model_input_valid(&m->inputs[i], x, why, sizeof why);
    if (why_want) {
        assert_int_equal(rc, -1);
        assert_string_equal(why, why_want);
    } else {
        assert_int_equal(rc, 0);
    }
}

static void test_input_rules(void **state)
{
    (void)state;
    const es_model *m = &es_model_econ;
    char why[96];
    expect_rule("mfu", 0, "must be > 0");
    expect_rule("mfu", 1, NULL);
    expect_rule("gpu_margin", 1, "must be < 1");
    expect_rule("contract_years", 6.5, "must be a whole number");
    /* model 2's new inputs */
    expect_rule("exit_valuation_usd", 0, "must be > 0");
    expect_rule("exit_valuation_usd", 1e-300, NULL);
    expect_rule("dilution", 1, "must be < 1");
    expect_rule("dilution", -0.01, "must be >= 0");
    expect_rule("dilution", 0, NULL);
    expect_rule("asic_system_cost_usd", -1, "must be >= 0");
    expect_rule("asic_system_cost_usd", 0, NULL);
    expect_rule("gpu_system_cost_usd", -1, "must be >= 0");
    expect_rule("facility_capex_usd_per_mw", -1, "must be >= 0");
    expect_rule("facility_capex_usd_per_mw", 0, NULL);
    expect_rule("facility_life_years", 0, "must be > 0");
    assert_int_equal(es_model_input_index(m, "valuation_growth"), -1);
    assert_string_equal(es_model_nearest_input(m, "valuation"), "valuation_usd");
    assert_string_equal(es_model_nearest_input(m, "pue_"), "pue");
    assert_null(es_model_nearest_input(m, "zzzzzzzzzzzzzzzzzzzz"));
    assert_ptr_equal(es_model_find("compute_economics"), m);
    assert_null(es_model_find("nope"));
    /* every default is valid, and the table's defaults are docs/model.md's */
    for (size_t i = 0; i < m->n_inputs; i++)
        assert_int_equal(es_model_input_valid(&m->inputs[i], m->inputs[i].def, why, sizeof why), 0);
    assert_true(m->inputs[ES_ECON_VX].def == 5.5e11 && m->inputs[ES_ECON_DELTA].def == 0);
    assert_true(m->inputs[ES_ECON_CSA].def == 6000 && m->inputs[ES_ECON_CSG].def == 10000);
    assert_true(m->inputs[ES_ECON_KF].def == 1.1e7 && m->inputs[ES_ECON_TF].def == 15);
}

/* Units: UDUNITS-2 strings, "USD" the one added symbol (check_units.sh parses
 * them); the $/PFLOP-hour is not plain USD, counts are "1", no "yr". */
static void test_units(void **state)
{
    (void)state;
    const es_model *m = &es_model_econ;
    assert_string_equal(m->outputs[ES_ECON_CA].unit, "USD/(1e15 s-1 h)");
    assert_string_equal(m->outputs[ES_ECON_CG_PFH].unit, "USD/(1e15 s-1 h)");
    assert_string_equal(m->outputs[ES_ECON_IRR].unit, "year-1");
    assert_string_equal(m->outputs[ES_ECON_RUNWAY].unit, "3 month");
    assert_string_equal(m->outputs[ES_ECON_NCHIPS].unit, "1");
    assert_string_equal(m->inputs[ES_ECON_FA].unit, "s-1");
    assert_string_equal(m->inputs[ES_ECON_PE].unit, "USD/(MW h)");
    for (size_t i = 0; i < m->n_inputs; i++)
        assert_true(m->inputs[i].unit[0] && !strstr(m->inputs[i].unit, "yr") &&
                    !strstr(m->inputs[i].unit, "^"));
    for (size_t j = 0; j < m->n_outputs; j++)
        assert_true(m->outputs[j].unit[0] && !strstr(m->outputs[j].unit, "yr") &&
                    !strstr(m->outputs[j].unit, "quarters"));
    /* the headline outputs */
    const char *mains[] = {
        "investor_npv_usd",       "investor_irr",       "stake_multiple", "asic_usd_per_pflop_hour",
        "gpu_usd_per_pflop_hour", "gpu_tax_saving_usd", "runway_quarters"};
    for (size_t k = 0; k < sizeof mains / sizeof mains[0]; k++)
        assert_true(m->outputs[es_model_output_index(m, mains[k])].main);
}

/* A one-input model whose output turns NaN above 0.5. */
static int nan_eval(const double *const *in, double *const *out, size_t n)
{
    for (size_t k = 0; k < n; k++)
        out[0][k] = in[0][k] > 0.5 ? NAN : 1.0;
    return 0;
}
static const es_input_info nan_in[1] = {{"x", "1", "x", 0.5, 0, 1, 1, 1, 0}};
static const es_output_info nan_out[1] = {{"y", "1", "y", 1}};
static const es_model nan_model = {.name = "nan",
                                   .long_name = "NaN above 0.5",
                                   .n_inputs = 1,
                                   .inputs = nan_in,
                                   .n_outputs = 1,
                                   .outputs = nan_out,
                                   .eval = nan_eval};

static void test_dependencies(void **state)
{
    (void)state;
    const es_model *m = &es_model_econ;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    unsigned char varies[ES_ECON_NIN] = {0}, dep[ES_ECON_NOUT];
    defaults(x);
    assert_int_equal(es_model_eval_point(m, x, y), 0);
    assert_true(fabs(y[ES_ECON_NPV] / want_defaults[ES_ECON_NPV] - 1) < 1e-12);
    /* electricity and PUE alone: the lab's costs move, the investor's NPV not */
    varies[ES_ECON_PE] = varies[ES_ECON_PUE] = 1;
    assert_int_equal(es_model_dependencies(m, x, varies, dep), 0);
    assert_int_equal(dep[ES_ECON_NPV], 0);
    assert_int_equal(dep[ES_ECON_IRR], 0);
    assert_int_equal(dep[ES_ECON_MULT], 0);
    assert_int_equal(dep[ES_ECON_NCHIPS], 0);
    assert_int_equal(dep[ES_ECON_CA], 1);
    assert_int_equal(dep[ES_ECON_CG_PFH], 1);
    assert_int_equal(dep[ES_ECON_ENERGY], 1);
    assert_int_equal(dep[ES_ECON_PMW], 1); /* through PUE */
    /* the exit valuation moves the investor's outputs, not the lab's costs */
    memset(varies, 0, sizeof varies);
    varies[ES_ECON_VX] = 1;
    assert_int_equal(es_model_dependencies(m, x, varies, dep), 0);
    assert_int_equal(dep[ES_ECON_NPV], 1);
    assert_int_equal(dep[ES_ECON_IRR], 1);
    assert_int_equal(dep[ES_ECON_MULT], 1);
    assert_int_equal(dep[ES_ECON_XPV], 1);
    assert_int_equal(dep[ES_ECON_CA], 0);
    assert_int_equal(dep[ES_ECON_RUNWAY], 0);
    /* the entry valuation now moves the NPV too (model 1 cancelled it out) */
    memset(varies, 0, sizeof varies);
    varies[ES_ECON_V] = 1;
    assert_int_equal(es_model_dependencies(m, x, varies, dep), 0);
    assert_int_equal(dep[ES_ECON_NPV], 1);
    /* whole inputs step by whole numbers */
    memset(varies, 0, sizeof varies);
    varies[ES_ECON_TC] = 1;
    assert_int_equal(es_model_dependencies(m, x, varies, dep), 0);
    assert_int_equal(dep[ES_ECON_MPV], 1);
    assert_int_equal(dep[ES_ECON_XPV], 0);

    /* Ishigami: y = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 */
    const es_model *ish = &es_model_ishigami;
    double b[3] = {1, 2, 3};
    unsigned char v3[3] = {0, 0, 1}, d1[1];
    assert_int_equal(es_model_dependencies(ish, b, v3, d1), 0);
    assert_int_equal(d1[0], 1); /* x3 alone moves y */
    double b0[3] = {0, 0, 0};
    assert_int_equal(es_model_dependencies(ish, b0, v3, d1), 0);
    assert_int_equal(d1[0], 0); /* with x1 fixed at 0, x3 cannot: y = 7 sin^2 x2 */
    unsigned char v13[3] = {1, 0, 1};
    assert_int_equal(es_model_dependencies(ish, b0, v13, d1), 0);
    assert_int_equal(d1[0], 1);
    unsigned char none[3] = {0, 0, 0};
    assert_int_equal(es_model_dependencies(ish, b, none, d1), 0);
    assert_int_equal(d1[0], 0);

    /* a NaN that appears is a change; NaN against NaN is not */
    double h[1] = {0.499};
    unsigned char one[1] = {1}, dn[1];
    assert_int_equal(es_model_dependencies(&nan_model, h, one, dn), 0);
    assert_int_equal(dn[0], 1);
    h[0] = 0.1;
    assert_int_equal(es_model_dependencies(&nan_model, h, one, dn), 0);
    assert_int_equal(dn[0], 0);
    h[0] = 0.9;
    assert_int_equal(es_model_dependencies(&nan_model, h, one, dn), 0);
    assert_int_equal(dn[0], 0);
}

static void test_ishigami_and_sobol_g(void **state)
{
    (void)state;
    double x1 = 1, x2 = 2, x3 = 3, y;
    const double *in[3] = {&x1, &x2, &x3};
    double *out[1] = {&y};
    es_model_ishigami.eval(in, out, 1);
    double want = sin(1.0) + 7 * sin(2.0) * sin(2.0) + 0.1 * 81 * sin(1.0);
    assert_true(fabs(y - want) < 1e-14);
    double g[ES_SOBOL_G_DIM];
    const double *gin[ES_SOBOL_G_DIM];
    for (int i = 0; i < ES_SOBOL_G_DIM; i++) {
        g[i] = 0.25;
        gin[i] = &g[i];
    }
    es_model_sobol_g.eval(gin, out, 1);
    /* |4*0.25 - 2| = 1: every factor is (1 + a)/(1 + a) = 1 */
    assert_true(y == 1);
    g[0] = 1; /* factor (2 + 0)/(1 + 0) = 2 */
    es_model_sobol_g.eval(gin, out, 1);
    assert_true(y == 2);
}

/* test_model --units: every model's unit strings, "model<TAB>name<TAB>unit"
 * per line, for tests/data/check_units.sh */
static int print_units(void)
{
    for (size_t k = 0; es_models[k]; k++) {
        const es_model *m = es_models[k];
        for (size_t i = 0; i < m->n_inputs; i++)
            printf("%s\t%s\t%s\n", m->name, m->inputs[i].name, m->inputs[i].unit);
        for (size_t j = 0; j < m->n_outputs; j++)
            printf("%s\t%s\t%s\n", m->name, m->outputs[j].name, m->outputs[j].unit);
    }
    return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--units") == 0) return print_units();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_reference_cases),
        cmocka_unit_test(test_alpha_large_is_poisson),
        cmocka_unit_test(test_alpha_tiny_yield_is_one),
        cmocka_unit_test(test_tiny_valuation),
        cmocka_unit_test(test_huge_investment),
        cmocka_unit_test(test_nan_input),
        cmocka_unit_test(test_irr_without_root),
        cmocka_unit_test(test_batch_irr_bits),
        cmocka_unit_test(test_irr_is_root),
        cmocka_unit_test(test_annuity_closed_form),
        cmocka_unit_test(test_irr_newton_matches_brent),
        cmocka_unit_test(test_irr_two_roots),
        cmocka_unit_test(test_batch_equals_single),
        cmocka_unit_test(test_check_box),
        cmocka_unit_test(test_input_rules),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_dependencies),
        cmocka_unit_test(test_ishigami_and_sobol_g),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
