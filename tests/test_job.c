/* tests/test_job.c: job and scenario loading: the shipped files, and every
 * error the loader must name with file, line, key and what was expected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"

static char path_buf[4096];
static const char *src(const char *rel)
{
    const char *dir = getenv("ES_SOURCE_DIR");
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir ? dir : ".", rel);
    return path_buf;
}

static void test_shipped_jobs(void **state)
{
    (void)state;
    es_job j;
    char err[4096];
    int rc = es_job_load(&j, src("jobs/openai_amazon.ini"), err, sizeof err);
    if (rc) fail_msg("%s", err);
    assert_string_equal(j.model->name, "compute_economics");
    assert_true(j.samples == 1000000 && j.seed == 20261127 && j.chunk == 16384);
    assert_true(j.n_unc >= 15);
    assert_int_equal((int)j.n_corr, 1);
    assert_non_null(strstr(j.output, "jobs/../outputs/openai_amazon.h5"));
    assert_non_null(strstr(j.scenario_text, "valuation_usd"));
    es_job_free(&j);

    rc = es_job_load(&j, src("jobs/smoke.ini"), err, sizeof err);
    if (rc) fail_msg("%s", err);
    assert_true(j.samples == 5000 && j.chunk == 512);
    es_job_free(&j);
    rc = es_job_load(&j, src("jobs/ishigami.ini"), err, sizeof err);
    if (rc) fail_msg("%s", err);
    assert_int_equal((int)j.n_unc, 3);
    assert_int_equal(j.store, ES_STORE_SUMMARY);
    es_job_free(&j);
}

/* Every input of MODEL.md, with its default, is in the shipped scenario. */
static void test_scenario_holds_every_input(void **state)
{
    (void)state;
    es_job j;
    char err[4096];
    assert_int_equal(es_job_load(&j, src("jobs/openai_amazon.ini"), err, sizeof err), 0);
    for (size_t i = 0; i < j.model->n_inputs; i++) {
        if (j.value_line[i] == 0) fail_msg("%s is not in the scenario", j.model->inputs[i].name);
        assert_true(j.value[i] == j.model->inputs[i].def);
    }
    es_job_free(&j);
}

/* ---- files served from memory ---- */

/* job and scenario served from memory as dir/job.ini and dir/scen.ini */
static int load_mem(es_job *j, const char *job, const char *scen, char *err, size_t errlen)
{
    es_job_mem_file f[] = {
        {"dir/job.ini", job, strlen(job)}, {"dir/scen.ini", scen, strlen(scen)}, {NULL, NULL, 0}};
    return es_job_load_with(j, "dir/job.ini", es_job_mem_reader, f, err, errlen);
}

static const char *good_scen = "[a]\nmfu = 0.38\npue = 1.15\n";

/* Loads job (and scenario) text; expects failure with each wanted piece. */
static void expect(const char *job, const char *scen, const char *w1, const char *w2)
{
    es_job j;
    char err[4096] = "";
    int rc = load_mem(&j, job, scen ? scen : good_scen, err, sizeof err);
    if (rc == 0) fail_msg("accepted:\n%s", job);
    if (!strstr(err, w1) || (w2 && !strstr(err, w2)))
        fail_msg("message:\n%s\nlacks '%s' / '%s' for:\n%s", err, w1, w2 ? w2 : "", job);
}

static void accept(const char *job, const char *scen, es_job *j)
{
    char err[4096] = "";
    int rc = load_mem(j, job, scen ? scen : good_scen, err, sizeof err);
    if (rc) fail_msg("rejected:\n%s\nwith:\n%s", job, err);
    assert_string_equal(err, ""); /* a correct file yields no message at all */
}

#define SW "[sweep]\nscenario = scen.ini\nsamples = 100\n"

static void test_correct_file(void **state)
{
    (void)state;
    es_job j;
    accept(SW "seed = 5\nchunk = 1e3\nstore = outputs\noutput = out/x.h5\n"
              "[mfu] ; utilisation\n  dist = pert\n  low = 0.2\n  mode = 0.38\n  high = 0.5\n"
              "[pue]\ndist = uniform\nlow = 1.06\nhigh = 1.4\n"
              "[correlation]\nmfu ~ pue = -0.3   ; rank\n",
           NULL, &j);
    assert_true(j.seed == 5 && j.chunk == 1000 && j.store == ES_STORE_OUTPUTS);
    assert_string_equal(j.output, "dir/out/x.h5");
    assert_int_equal((int)j.n_unc, 2);
    assert_true(j.corr[0].rho == -0.3);
    assert_true(j.value[es_model_input_index(j.model, "mfu")] == 0.38);
    es_job_free(&j);
}

static void test_sweep_errors(void **state)
{
    (void)state;
    expect("", NULL, "dir/job.ini: the file is empty", NULL);
    expect("; only a comment\n", NULL, "no [sweep] section", NULL);
    expect("[sweep]\nseed = 1\n", NULL, "has no 'samples'", NULL);
    expect("; typo\n[sweeep]\nsamples = 3\n", NULL, "dir/job.ini:2: [sweeep]: unknown section",
           "did you mean [sweep]?");
    expect(SW "sede = 3\n", NULL, "dir/job.ini:4: [sweep] sede: unknown key",
           "did you mean 'seed'");
    expect(SW "samples = 20\n", NULL, "dir/job.ini:4: [sweep] samples: duplicate key", "line 3");
    expect("[sweep]\nsamples = 0\n", NULL, "dir/job.ini:2: [sweep] samples", "whole number");
    expect("[sweep]\nsamples = 1.5\n", NULL, "dir/job.ini:2: [sweep] samples", NULL);
    expect("[sweep]\nsamples = -4\n", NULL, "dir/job.ini:2:", NULL);
    expect(SW "seed = x\n", NULL, "dir/job.ini:4: [sweep] seed", NULL);
    expect(SW "chunk = 0\n", NULL, "dir/job.ini:4: [sweep] chunk", NULL);
    expect(SW "design = montecarlo\n", NULL, "dir/job.ini:4: [sweep] design", "unknown design");
    expect(SW "design = latin\n", NULL, "dir/job.ini:4: [sweep] design: unknown design", NULL);
    expect(SW "store = some\n", NULL, "dir/job.ini:4: [sweep] store", "all, outputs or summary");
    expect(SW "model = econ\n", NULL, "dir/job.ini:4: [sweep] model: unknown model 'econ'",
           "compute_economics");
    expect("[sweep]\nscenario = missing.ini\nsamples = 5\n", NULL,
           "dir/job.ini:2: [sweep] scenario: dir/missing.ini", "expected a readable scenario");
    expect(SW "garbage line\n", NULL, "dir/job.ini:4: cannot read this line", NULL);
    expect(SW "[sweep]\nseed = 3\n", NULL, "dir/job.ini:4: section [sweep] appears again", NULL);
    expect(SW "[mfu\n", NULL, "dir/job.ini:4:", "cannot read this line");
}

static void test_input_errors(void **state)
{
    (void)state;
    expect(SW "[valuaton_usd]\ndist = constant\nvalue = 1\n", NULL, "dir/job.ini:4: [valuaton_usd]",
           "did you mean [valuation_usd]");
    expect(SW "[corelation]\nmfu ~ pue = 0.2\n", NULL,
           "dir/job.ini:4: [corelation]: unknown section", "did you mean [correlation]?");
    expect(SW "[nothing_like_it_at_all]\ndist = constant\nvalue = 1\n", NULL,
           "dir/job.ini:4: [nothing_like_it_at_all]: unknown section", NULL);
    expect(SW "[mfu]\ndist = gamma\n", NULL,
           "dir/job.ini:5: [mfu] dist: unknown distribution 'gamma'", "truncnormal");
    expect(SW "[mfu]\nlow = 0.1\n", NULL, "dir/job.ini:4: [mfu]: no 'dist' key", NULL);
    expect(SW "[mfu]\n", NULL, "dir/job.ini:4: [mfu]: no 'dist' key", NULL);
    expect(SW "[mfu]\ndist = uniform\nlow = 0.1\n", NULL,
           "dir/job.ini:5: [mfu] dist: uniform needs 'high'", NULL);
    expect(SW "[mfu]\ndist = uniform\nlow = 0.1\nhigh = 0.5\nmode = 0.3\n", NULL,
           "dir/job.ini:8: [mfu] mode: 'mode' is not a parameter of uniform", NULL);
    expect(SW "[mfu]\ndist = uniform\nlow = abc\nhigh = 0.5\n", NULL,
           "dir/job.ini:6: [mfu] low: 'abc' is not a finite decimal number", NULL);
    expect(SW "[mfu]\ndist = uniform\nlow = 0.1\nhigh = inf\n", NULL,
           "dir/job.ini:7: [mfu] high:", "finite");
    expect(SW "[mfu]\ndist = uniform\nlow = nan\nhigh = 0.5\n", NULL, "dir/job.ini:6:", "finite");
    expect(SW "[mfu]\ndist = uniform\nlow = 1e999\nhigh = 0.5\n", NULL, "dir/job.ini:6:", "finite");
    expect(SW "[mfu]\ndist = uniform\nlow = 0.5\nhigh = 0.5\n", NULL,
           "dir/job.ini:7: [mfu] high: high must be greater than low", NULL);
    expect(SW "[mfu]\ndist = normal\nmean = 0.38\nsd = 0.1\n", NULL,
           "dir/job.ini:5: [mfu] dist: normal can give mfu = -inf, but mfu must be > 0",
           "truncnormal");
    expect(SW "[mfu]\ndist = uniform\nlow = 0\nhigh = 0.5\n", NULL,
           "dir/job.ini:5: [mfu] dist: uniform can give mfu = 0, but mfu must be > 0", NULL);
    expect(SW "[chip_share]\ndist = uniform\nlow = 0.5\nhigh = 1.2\n", NULL,
           "chip_share must be <= 1", NULL);
    expect(SW "[contract_years]\ndist = uniform\nlow = 5\nhigh = 9\n", NULL,
           "dir/job.ini:5: [contract_years] dist: contract_years takes whole numbers", NULL);
    expect(SW "[contract_years]\ndist = constant\nvalue = 6.5\n", NULL,
           "dir/job.ini:6: [contract_years] value = 6.5: contract_years must be a whole number",
           NULL);
    expect(SW "[mfu]\ndist = constant\nvalue = 0\n", NULL,
           "dir/job.ini:6: [mfu] value = 0: mfu must be > 0", NULL);
    expect(SW "[die_area_mm2]\ndist = uniform\nlow = 500\nhigh = 20000\n", NULL,
           "gross dies per wafer must be > 0", "dir/job.ini:5:");
    expect(SW "[die_area_mm2]\ndist = lognormal\nmedian = 650\nsigma = 0.1\n", NULL,
           "gross dies per wafer must be > 0", NULL);
    expect(SW "[mfu]\ndist = constant\nvalue = 0.3\nvalue = 0.4\n", NULL,
           "dir/job.ini:7: [mfu] value: duplicate key", NULL);
    expect(SW "[mfu]\ndist = constant\nvalue = 0.3\n[mfu]\ndist = constant\nvalue = 0.4\n", NULL,
           "dir/job.ini:7: section [mfu] appears again", NULL);
}

static void test_correlation_errors(void **state)
{
    (void)state;
#define TWO                                                                                        \
    "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\n"
    expect(SW TWO "[correlation]\nmfu ~ foo = 0.3\n", NULL,
           "dir/job.ini:13: [correlation] 'foo' is not an input", NULL);
    expect(SW TWO "[correlation]\nmfu ~ load_factor = 0.3\n", NULL,
           "dir/job.ini:13: [correlation] load_factor is fixed in this job", NULL);
    expect(
        SW TWO "[correlation]\nmfu ~ pue = 1.5\n", NULL,
        "dir/job.ini:13: [correlation] mfu ~ pue = '1.5': expected a rank correlation in [-1, 1]",
        NULL);
    expect(SW TWO "[correlation]\nmfu ~ pue = 0.2\npue ~ mfu = 0.1\n", NULL,
           "dir/job.ini:14: [correlation] pue ~ mfu: the pair is already set at line 13", NULL);
    expect(SW TWO "[correlation]\nmfu pue = 0.2\n", NULL, "dir/job.ini:13: [correlation] 'mfu pue'",
           NULL);
    expect(SW TWO "[correlation]\nmfu ~ mfu = 0.2\n", NULL, "two different inputs", NULL);
    expect(SW TWO "[electricity_usd_per_mwh]\ndist = uniform\nlow = 50\nhigh = 90\n"
                  "[correlation]\nmfu ~ pue = 0.95\npue ~ electricity_usd_per_mwh = 0.95\n"
                  "mfu ~ electricity_usd_per_mwh = -0.95\n",
           NULL, "not positive definite", NULL);
}

static void test_scenario_errors(void **state)
{
    (void)state;
    expect(SW, "[a]\nmfu = 0.38\nvaluation = 5e11\n", "dir/scen.ini:3: [a] valuation: not an input",
           "did you mean 'valuation_usd'");
    expect(SW, "[a]\nmfu = 0\n", "dir/scen.ini:2: mfu = 0: mfu must be > 0", NULL);
    expect(SW, "[a]\nmfu = high\n", "dir/scen.ini:2: mfu: 'high' is not a finite decimal number",
           NULL);
    expect(SW, "[a]\nmfu = 0.3\n[b]\nmfu = 0.4\n",
           "dir/scen.ini:4: mfu: set again (first at line 2)", NULL);
    expect(SW, "[a]\ncontract_years = 6.5\n", "dir/scen.ini:2: contract_years = 6.5",
           "whole number");
    expect(SW, "[a]\n[b]\nmfu = 0.3\n", "dir/scen.ini:1: section [a] is empty", NULL);
    expect(SW, "[a]\ndie_area_mm2 = 12000\n", "gross dies per wafer must be > 0", NULL);
    /* an empty scenario is allowed: every input keeps its model default */
    es_job j;
    accept(SW, "", &j);
    assert_true(j.value[es_model_input_index(j.model, "mfu")] == 0.38);
    es_job_free(&j);
    /* an over-long line is reported, not split into two lines */
    char longline[400];
    memset(longline, ' ', sizeof longline);
    memcpy(longline, "[a]\nmfu = 0.38", 14);
    memcpy(longline + 380, "; tail\n", 8);
    expect(SW, longline, "dir/scen.ini:2: the line is longer than", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_jobs),    cmocka_unit_test(test_scenario_holds_every_input),
        cmocka_unit_test(test_correct_file),    cmocka_unit_test(test_sweep_errors),
        cmocka_unit_test(test_input_errors),    cmocka_unit_test(test_correlation_errors),
        cmocka_unit_test(test_scenario_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
