/* tests/test_model.c: the compute-economics kernel against values computed
 * independently (tests/data/model_reference.py, plain Python with MODEL.md's
 * formulas and a bisection for the IRR), and the verification models. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "model.h"
#include "model_econ.h"
#include "model_testfn.h"

/* python3 tests/data/model_reference.py */
static const double want_defaults[ES_ECON_NOUT] = {78.82420116105777,  0.6060606060606061,
                                                   418.6531485751775,  4637.306297150355,
                                                   718808.1010265984,  1322.6069058889411,
                                                   695638328.2213475,  1.0848101664303096e+29,
                                                   0.2813532805321936, 0.4190379149638489,
                                                   4148935866.4638977, 0.01818181818181818,
                                                   0.4166666666666667, 0.75,
                                                   5804447686.072417,  0.2535448479973371};
static const double want_share0[ES_ECON_NOUT] = {78.82420116105777,
                                                 0.6060606060606061,
                                                 418.6531485751775,
                                                 4637.306297150355,
                                                 0.0,
                                                 0.0,
                                                 0.0,
                                                 0.0,
                                                 0.2813532805321936,
                                                 0.4190379149638489,
                                                 0.0,
                                                 0.01818181818181818,
                                                 0.8333333333333334,
                                                 0.5,
                                                 4137781019.405752,
                                                 0.1966502500875128};
static const double want_share1[ES_ECON_NOUT] = {78.82420116105777,
                                                 0.6060606060606061,
                                                 418.6531485751775,
                                                 4637.306297150355,
                                                 1437616.2020531967,
                                                 2645.2138117778823,
                                                 1391276656.442695,
                                                 2.169620332860619e+29,
                                                 0.2813532805321936,
                                                 0.4190379149638489,
                                                 8297871732.927795,
                                                 0.01818181818181818,
                                                 0.0,
                                                 1.0,
                                                 7471114352.739083,
                                                 0.3300507993077869};
static const double want_noroot_npv = -8324242424.242425;

static void eval_at(const double *x, double *y)
{
    const es_model *m = &es_model_econ;
    const double *in[ES_ECON_NIN];
    double *out[ES_ECON_NOUT];
    for (size_t i = 0; i < m->n_inputs; i++)
        in[i] = &x[i];
    for (size_t j = 0; j < m->n_outputs; j++)
        out[j] = &y[j];
    assert_int_equal(m->eval(in, out, 1), 0);
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
        if (!(fabs(got[j] - want[j]) <= tol))
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
    /* MODEL.md's rounded worked values, as a second reading */
    assert_true(fabs(y[ES_ECON_GROSS] - 78.82) < 0.005);
    assert_true(fabs(y[ES_ECON_CA] - 0.2814) < 0.00005);
    assert_true(fabs(y[ES_ECON_CG_PFH] - 0.4190) < 0.00005);
    assert_true(fabs(y[ES_ECON_IRR] - 0.2535) < 0.00005);
}

static void test_chip_share_ends(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    defaults(x);
    x[ES_ECON_F] = 0;
    eval_at(x, y);
    check_all(y, want_share0);
    x[ES_ECON_F] = 1;
    eval_at(x, y);
    check_all(y, want_share1);
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

static void test_irr_without_root(void **state)
{
    (void)state;
    double x[ES_ECON_NIN], y[ES_ECON_NOUT];
    defaults(x);
    x[ES_ECON_R] = 0;
    x[ES_ECON_G] = -0.999;
    x[ES_ECON_H] = 1;
    eval_at(x, y);
    assert_true(isnan(y[ES_ECON_IRR]));
    assert_true(fabs(y[ES_ECON_NPV] / want_noroot_npv - 1) < 1e-12);
}

/* NPV at the IRR is zero; the solver works on the whole bracket */
static void test_irr_is_root(void **state)
{
    (void)state;
    es_econ_flows cf = {
        -100, 0, 0, 200, 3,
    };
    double irr = es_econ_irr(&cf);
    assert_true(fabs(irr - (pow(2, 1.0 / 3) - 1)) < 1e-12);
    es_econ_flows big = {-1, 30, 1, 0, 0};
    assert_true(isnan(es_econ_irr(&big))); /* 2900% is outside (-0.99, 10) */
    es_econ_flows ok = {-1, 10, 1, 0, 0};
    assert_true(fabs(es_econ_irr(&ok) - 9) < 1e-12);
}

static void test_batch_equals_single(void **state)
{
    (void)state;
    const es_model *m = &es_model_econ;
    enum { n = 5 };
    double cols[ES_ECON_NIN][n], outc[ES_ECON_NOUT][n];
    const double *in[ES_ECON_NIN];
    double *out[ES_ECON_NOUT];
    for (size_t i = 0; i < m->n_inputs; i++) {
        for (int k = 0; k < n; k++)
            cols[i][k] = m->inputs[i].def;
        in[i] = cols[i];
    }
    for (int k = 0; k < n; k++)
        cols[ES_ECON_PE][k] = 55 + 10 * k;
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
}

static void test_input_rules(void **state)
{
    (void)state;
    const es_model *m = &es_model_econ;
    char why[96];
    const es_input_info *mfu = &m->inputs[es_model_input_index(m, "mfu")];
    assert_int_equal(es_model_input_valid(mfu, 0, why, sizeof why), -1);
    assert_string_equal(why, "must be > 0");
    assert_int_equal(es_model_input_valid(mfu, 1, why, sizeof why), 0);
    const es_input_info *margin = &m->inputs[es_model_input_index(m, "gpu_margin")];
    assert_int_equal(es_model_input_valid(margin, 1, why, sizeof why), -1);
    const es_input_info *tc = &m->inputs[es_model_input_index(m, "contract_years")];
    assert_int_equal(es_model_input_valid(tc, 6.5, why, sizeof why), -1);
    assert_string_equal(why, "must be a whole number");
    assert_string_equal(es_model_nearest_input(m, "valuation"), "valuation_usd");
    assert_string_equal(es_model_nearest_input(m, "pue_"), "pue");
    assert_null(es_model_nearest_input(m, "zzzzzzzzzzzzzzzzzzzz"));
    assert_ptr_equal(es_model_find("compute_economics"), m);
    assert_null(es_model_find("nope"));
    /* every default is valid */
    for (size_t i = 0; i < m->n_inputs; i++)
        assert_int_equal(es_model_input_valid(&m->inputs[i], m->inputs[i].def, why, sizeof why), 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_chip_share_ends),
        cmocka_unit_test(test_alpha_large_is_poisson),
        cmocka_unit_test(test_irr_without_root),
        cmocka_unit_test(test_irr_is_root),
        cmocka_unit_test(test_batch_equals_single),
        cmocka_unit_test(test_check_box),
        cmocka_unit_test(test_input_rules),
        cmocka_unit_test(test_ishigami_and_sobol_g),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
