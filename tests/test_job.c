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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    /* shipped jobs may name their scenario (scenario = openai_amazon_2026): from
     * the source tree it is found through ECONSWEEP_PATH */
    setenv("ECONSWEEP_PATH", src("inputs"), 1);
    int rc = es_job_load(&j, src("jobs/openai_amazon.ini"), err, sizeof err);
    if (rc) fail_msg("%s", err);
    assert_string_equal(j.model->name, "compute_economics");
    assert_true(j.samples == 1000000 && j.seed == 20261127 && j.chunk == 0);
    assert_true(j.n_unc >= 15);
    assert_ptr_equal(j.design, es_design_find("lhs"));
    assert_true(j.n_corr >= 2);
    assert_true(j.n_events >= 3);
    /* relative to the current folder as written, never joined to the job's folder (issue 14) */
    assert_null(strstr(j.output, "jobs/"));
    assert_true(j.output_line > 0);
    assert_true(strlen(j.scenario_path) > 22);
    assert_string_equal(j.scenario_path + strlen(j.scenario_path) - 22, "openai_amazon_2026.ini");
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

/* Every input of docs/model.md, with its default, is in the shipped scenario. */
static void test_scenario_holds_every_input(void **state)
{
    (void)state;
    es_job j;
    char err[4096];
    setenv("ECONSWEEP_PATH", src("inputs"), 1);
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

/* an input whose section fails is not also called fixed by the correlation
 * and the event that name it: one error, its own */
static void test_one_error_per_cause(void **state)
{
    (void)state;
    char err[4096] = "";
    es_job j;
    int n = load_mem(&j,
                     "[sweep]\nscenario = scen.ini\nsamples = 100\n[mfu]\ndist = uniform\n"
                     "low = 0.5\nhigh = 0.1\n[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.2\n"
                     "[correlation]\nmfu ~ pue = 0.3\n[events]\nlow_mfu = mfu < 0.2\n",
                     good_scen, err, sizeof err);
    if (n != 1 || strstr(err, "is fixed in this job")) fail_msg("%d errors:\n%s", n, err);
}

/* 200 bad lines and a short buffer: whole lines only, then one line saying
 * how many are left out; the count is every error */
static void test_long_error_list(void **state)
{
    (void)state;
    char job[16384], err[2048];
    int n = snprintf(job, sizeof job, "[sweep]\nscenario = scen.ini\nsamples = 100\n[events]\n");
    for (int i = 0; i < 200; i++)
        n += snprintf(job + n, sizeof job - (size_t)n, "ev%d = mfu < 1\n", i);
    es_job j;
    assert_int_equal(load_mem(&j, job, good_scen, err, sizeof err), 200);
    int lines = 0, shown = 0;
    for (char *p = err, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) fail_msg("the list ends inside a line: '%s'", p);
        *nl = '\0';
        if (strncmp(p, "dir/job.ini:", 12) == 0 && strstr(p, "expected an output or an input"))
            shown++;
        else if (sscanf(p, "(%d more errors not shown)", &n) != 1 || n != 200 - shown)
            fail_msg("line '%s' after %d errors", p, shown);
        lines++;
    }
    assert_true(shown > 5 && lines == shown + 1);
}

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
    assert_string_equal(j.output, "out/x.h5"); /* relative to the current folder */
    assert_string_equal(j.scenario_path, "dir/scen.ini");
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
    expect(SW "chunk = 16777217\n", NULL, "dir/job.ini:4: [sweep] chunk: '16777217' is too large",
           "expected 0 (automatic) or a whole number of samples from 1 to 16777216");
    expect(SW "chunk = 1.5\n", NULL, "dir/job.ini:4: [sweep] chunk: '1.5' is not a whole number",
           NULL);
    expect(SW "design = montecarlo\n", NULL, "dir/job.ini:4: [sweep] design", "unknown design");
    expect(SW "design = latin\n", NULL, "dir/job.ini:4: [sweep] design: unknown design", NULL);
    expect(SW "store = some\n", NULL, "dir/job.ini:4: [sweep] store", "all, outputs or summary");
    expect(SW "model = econ\n", NULL, "dir/job.ini:4: [sweep] model: unknown model 'econ'",
           "compute_economics");
    expect("[sweep]\nscenario = ./missing.ini\nsamples = 5\n", NULL,
           "dir/job.ini:2: [sweep] scenario: dir/./missing.ini: cannot open: No such file",
           "expected a readable scenario");
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
    /* a number below the smallest double rounds to 0: refused; a subnormal
     * one is a finite double and taken */
    expect(SW "[mfu]\ndist = uniform\nlow = 1e-400\nhigh = 0.5\n", NULL,
           "dir/job.ini:6:", "finite");
    {
        es_job sj;
        char serr[4096] = "";
        if (load_mem(&sj, SW "[mfu]\ndist = uniform\nlow = 4e-320\nhigh = 0.5\n", good_scen, serr,
                     sizeof serr))
            fail_msg("a subnormal low refused: %s", serr);
        es_job_free(&sj);
    }
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
    /* an empty or comments-only scenario is an error (issue 9), not model defaults */
    expect(SW, "", "dir/scen.ini: the scenario file is empty; expected input values", NULL);
    expect(SW, "; nothing\n\n# here\n", "dir/scen.ini: the scenario holds only comments", NULL);
    /* an over-long line is reported, not split into two lines; a long comment is fine */
    char longline[400];
    memset(longline, '1', sizeof longline);
    memcpy(longline, "[a]\nmfu = 0.", 12);
    memcpy(longline + 380, "\n", 2);
    expect(SW, longline, "dir/scen.ini:2: the line is longer than", NULL);
}

/* ---- [sweep]: the keys of the designs ---- */

static void test_sweep_keys(void **state)
{
    (void)state;
    es_job j;
    accept(SW, NULL, &j);
    assert_string_equal(j.design->name, "mc");
    assert_true(j.chunk == 0);             /* absent: automatic */
    assert_true(j.sens_samples == 131072); /* the default cap of the sensitivity pass */
    assert_true(j.base ==
                es_design_find("sobol")); /* saltelli's default base (NULL until sobol lands) */
    assert_int_equal(j.scramble, 0);
    es_job_free(&j);
    accept(SW "design = mc\nchunk = 0\nsensitivity_samples = 1e3\n", NULL, &j);
    assert_true(j.chunk == 0 && j.sens_samples == 1000);
    es_job_free(&j);
    expect(SW "design = montecarlo\n", NULL,
           "dir/job.ini:4: [sweep] design: unknown design 'montecarlo'; expected", "mc");
    expect(SW "sensitivity_samples = 0\n", NULL,
           "dir/job.ini:4: [sweep] sensitivity_samples: '0' is too small",
           "a whole number from 1 to 2^53");
    expect(SW "sensitivity_samples = 1e54\n", NULL,
           "dir/job.ini:4: [sweep] sensitivity_samples: '1e54' is above 2^64-1", NULL);
    expect(SW "base = nosuch\n", NULL, "dir/job.ini:4: [sweep] base: unknown design 'nosuch'",
           NULL);
    expect(SW "base = mc\n", NULL,
           "dir/job.ini:4: [sweep] base: only design = saltelli has a base design (this job's "
           "design is mc)",
           NULL);
    expect(SW "scramble = shift\n", NULL,
           "dir/job.ini:4: [sweep] scramble: only Sobol points are scrambled", "design is mc");
    expect(SW "scramble = none\n", NULL, "dir/job.ini:4: [sweep] scramble: only Sobol points",
           NULL);
    expect(SW "scramble = zigzag\n", NULL,
           "dir/job.ini:4: [sweep] scramble: 'zigzag'; expected none or shift", NULL);
    expect(SW "sensitivity = 5\n", NULL, "dir/job.ini:4: [sweep] sensitivity: unknown key",
           "sensitivity_samples");
    if (es_design_find("lhs")) {
        accept(SW "design = lhs\n", NULL, &j);
        assert_string_equal(j.design->name, "lhs");
        es_job_free(&j);
    }
    if (es_design_find("sobol")) {
        accept(SW "design = sobol\nscramble = shift\n", NULL, &j);
        assert_string_equal(j.design->name, "sobol");
        assert_int_equal(j.scramble, 1);
        es_job_free(&j);
    }
    if (es_design_find("saltelli") && es_design_find("lhs")) {
        accept(SW "design = saltelli\nbase = lhs\n", NULL, &j);
        assert_string_equal(j.base->name, "lhs");
        es_job_free(&j);
        expect(SW "design = saltelli\nbase = lhs\nscramble = shift\n", NULL,
               "dir/job.ini:6: [sweep] scramble: only Sobol points", "saltelli with base = lhs");
        if (es_design_find("grid"))
            expect(SW "design = saltelli\nbase = grid\n", NULL,
                   "dir/job.ini:5: [sweep] base: design 'grid' cannot serve as saltelli's base",
                   NULL);
    }
    if (es_design_find("saltelli") && es_design_find("sobol")) {
        accept(SW "design = saltelli\nscramble = shift\n", NULL, &j);
        assert_string_equal(j.base->name, "sobol");
        assert_int_equal(j.scramble, 1);
        es_job_free(&j);
    }
}

/* Whole numbers are read exactly, in any notation, with the true reason. */
static void test_whole_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint64_t v;
        const char *why; /* NULL: accepted */
    } t[] = {
        {"1e19", 10000000000000000000ull, NULL},
        {"18446744073709551615", UINT64_MAX, NULL},
        {"1.8446744073709551615e19", UINT64_MAX, NULL},
        {"+1E6", 1000000, NULL},
        {"1.5e3", 1500, NULL},
        {"100e-2", 1, NULL},
        {"0.5e1", 5, NULL},
        {"0001", 1, NULL},
        {"-0", 0, NULL},
        {"0e99999999999999999999", 0, NULL},
        {"9007199254740993", 9007199254740993ull, NULL}, /* 2^53 + 1: no double holds it */
        {"18446744073709551616", 0, "is above 2^64-1"},
        {"2e19", 0, "is above 2^64-1"},
        {"1e999999999999999999", 0, "is above 2^64-1"},
        {"1.5", 0, "is not a whole number"},
        {"1e-3", 0, "is not a whole number"},
        {"1.50", 0, "is not a whole number"},
        {"-1", 0, "is negative"},
        {"abc", 0, "is not a number"},
        {"1e", 0, "is not a number"},
        {"e5", 0, "is not a number"},
        {".", 0, "is not a number"},
        {"", 0, "is not a number"},
        {"0x10", 0, "is not a number"},
        {"1 000", 0, "is not a number"},
        {"inf", 0, "is not a number"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t v = 77;
        const char *why = NULL;
        int rc = es_parse_whole(t[i].s, 0, UINT64_MAX, &v, &why);
        if (t[i].why == NULL) {
            if (rc != 0 || v != t[i].v)
                fail_msg("'%s': rc %d, %llu", t[i].s, rc, (unsigned long long)v);
        } else {
            if (rc == 0) fail_msg("'%s' accepted as %llu", t[i].s, (unsigned long long)v);
            assert_string_equal(why, t[i].why);
        }
    }
    const char *why;
    uint64_t v;
    assert_int_equal(es_parse_whole("5", 6, 10, &v, &why), -1);
    assert_string_equal(why, "is too small");
    assert_int_equal(es_parse_whole("11", 6, 10, &v, &why), -1);
    assert_string_equal(why, "is too large");
    es_job j;
    accept(SW "seed = 1e19\n", NULL, &j);
    assert_true(j.seed == 10000000000000000000ull);
    es_job_free(&j);
    expect(SW "seed = 2e19\n", NULL, "dir/job.ini:4: [sweep] seed: '2e19' is above 2^64-1",
           "expected a whole number from 0 to 2^64-1");
    expect(SW "seed = 1.5\n", NULL, "dir/job.ini:4: [sweep] seed: '1.5' is not a whole number",
           NULL);
}

/* ---- the parser: one rule for section names, comments, odd bytes ---- */

static void test_section_names_one_rule(void **state)
{
    (void)state;
    es_job j;
    /* blanks and tabs inside the brackets: the correlation must be applied */
    accept("[ sweep ]\nscenario = scen.ini\nsamples = 100\n"
           "[\tmfu ]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
           "[ pue\t]\ndist = uniform\nlow = 1.1\nhigh = 1.3\n"
           "[ correlation ]   ; rank\nmfu ~ pue = 0.9\n",
           NULL, &j);
    assert_int_equal((int)j.n_unc, 2);
    assert_int_equal((int)j.n_corr, 1);
    assert_true(j.corr[0].rho == 0.9 && j.corr[0].line == 13);
    es_job_free(&j);
    expect(SW "[ mfu ]\ndist = normal\nmean = 0.3\nsd = 0.1\n", NULL,
           "dir/job.ini:5: [mfu] dist: normal can give mfu = -inf", NULL);
    expect(SW "[ swep ]\n", NULL, "dir/job.ini:4: [swep]: unknown section; did you mean [sweep]",
           NULL);
    expect(SW "[ ]\n", NULL, "dir/job.ini:4: '[ ]' names no section; expected '[name]'", NULL);
    expect(SW "[mfu] dist = pert\n", NULL,
           "dir/job.ini:4: '[mfu] dist = pert': text after ']'; expected only a comment", NULL);
    /* a section name longer than inih's 50 characters is not cut */
    expect(SW "[valuation_usd_valuation_usd_valuation_usd_valuation_usd_x]\ndist = constant\n"
              "value = 1\n",
           NULL, "[valuation_usd_valuation_usd_valuation_usd_valuation_usd_x]", NULL);
}

static void test_keys_above_first_section(void **state)
{
    (void)state;
    expect("samples = 3\n[sweep]\nscenario = scen.ini\nsamples = 100\n", NULL,
           "dir/job.ini:1: samples: a key above the first section; expected every key below a "
           "'[section]' line",
           NULL);
    expect(SW, "mfu = 0.3\n[a]\npue = 1.2\n", "dir/scen.ini:1: mfu: a key above the first section",
           NULL);
    expect(SW "= 5\n", NULL, "dir/job.ini:4: no key before the '='", NULL);
}

static void test_inline_comments(void **state)
{
    (void)state;
    es_job j;
    accept(SW "output = x.h5 # note\nstore = summary\t; tab before\n", NULL, &j);
    assert_string_equal(j.output, "x.h5");
    assert_int_equal(j.store, ES_STORE_SUMMARY);
    es_job_free(&j);
    expect(SW "output = x.h5;note\n", NULL,
           "dir/job.ini:4: 'output = x.h5;note': ';' inside a value; an inline comment needs a "
           "blank before it",
           NULL);
    expect(SW "output = x#1.h5\n", NULL, "dir/job.ini:4: 'output = x#1.h5': '#' inside a value",
           NULL);
    expect(SW "[mfu];c\ndist = constant\nvalue = 0.3\n", NULL, "dir/job.ini:4: '[mfu];c': ';'",
           NULL);
    expect(SW, "[a]\nmfu = 0.3;x\n", "dir/scen.ini:2: 'mfu = 0.3;x': ';' inside a value", NULL);
    /* one message, not a cascade: the value before the ';' is kept */
    es_job k;
    char err[4096];
    assert_int_equal(load_mem(&k, SW "seed = 4;x\n", good_scen, err, sizeof err), 1);
}

static void test_odd_bytes_escaped(void **state)
{
    (void)state;
    es_job j;
    /* a byte-order mark starting the file is fine */
    accept("\xEF\xBB\xBF" SW, NULL, &j);
    es_job_free(&j);
    /* one in the middle (two files joined) is shown escaped */
    expect(SW "\xEF\xBB\xBFseed = 3\n", NULL,
           "dir/job.ini:4: a byte-order mark (\\xEF\\xBB\\xBF) starts the line", NULL);
    expect(SW "se\xEF\xBB\xBF"
              "ed = 3\n",
           NULL, "dir/job.ini:4: 'se\\xEF\\xBB\\xBFed = 3': a byte-order mark (\\xEF\\xBB\\xBF)",
           NULL);
    expect(SW "seed = 3\x01\n", NULL,
           "dir/job.ini:4: 'seed = 3\\x01': the line holds the control byte \\x01", NULL);
    expect(SW "output = a\rb.h5\n", NULL, "the control byte \\x0D", NULL);
    /* no byte outside printable ASCII reaches a message unescaped */
    char err[4096] = "";
    load_mem(&j, SW "s\xC3\xA9\x1B[2Jed = 3\n", good_scen, err, sizeof err);
    for (const char *c = err; *c; c++)
        if (*c != '\n' && ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f))
            fail_msg("raw byte 0x%02x in:\n%s", (unsigned char)*c, err);
    assert_non_null(strstr(err, "s\\xC3\\xA9\\x1B[2Jed"));
    /* CRLF line ends are plain line ends */
    accept("[sweep]\r\nscenario = scen.ini\r\nsamples = 100\r\n", "[a]\r\nmfu = 0.3\r\n", &j);
    assert_true(j.samples == 100);
    es_job_free(&j);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Loading is linear: 1 MB job files of repeated keys, unknown keys, sections
 * and events load in well under a second (the quadratic check took 21.6 s);
 * larger files are refused with their size. */
static void test_large_files(void **state)
{
    (void)state;
    static const char *const line[] = {"seed = 1\n", "key%d = 1\n", "[sec%d]\nx = 1\n",
                                       "e%d = investor_npv_usd < 0\n", "mfu ~ pue = 0.1\n"};
    static const char *const head[] = {SW, SW, SW, SW "[events]\n",
                                       SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
                                          "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\n"
                                          "[correlation]\n"};
    size_t cap = (1 << 20) + 256;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t kind = 0; kind < sizeof line / sizeof line[0]; kind++) {
        size_t n = (size_t)snprintf(text, cap, "%s", head[kind]);
        for (int i = 0; n < (1 << 20); i++)
            n += (size_t)snprintf(text + n, cap - n, line[kind], i);
        es_job_mem_file f[] = {
            {"dir/job.ini", text, n}, {"dir/scen.ini", good_scen, strlen(good_scen)}, {0}};
        es_job j;
        char err[4096];
        double t0 = now();
        int rc = es_job_load_with(&j, "dir/job.ini", es_job_mem_reader, f, err, sizeof err);
        double dt = now() - t0;
        printf("# a %zu-byte job of lines like '%.*s': %d errors in %.3f s\n", n,
               (int)strcspn(line[kind], "\n"), line[kind], rc, dt);
        /* every line is an error, each reported: no cap on the count, no
         * line lost.  The time is printed, not asserted (tests assert values;
         * a quadratic loader would run into ctest's timeout) */
        assert_true(rc > 1000);
    }
    free(text);
    /* above the cap: refused with its size, whatever reads the file */
    size_t big = ES_JOB_MAXFILE + 1;
    char *b = malloc(big);
    assert_non_null(b);
    memset(b, ';', big);
    es_job_mem_file f[] = {{"dir/job.ini", b, big}, {0}};
    es_job j;
    char err[512];
    assert_int_equal(es_job_load_with(&j, "dir/job.ini", es_job_mem_reader, f, err, sizeof err), 1);
    char want[128];
    snprintf(want, sizeof want,
             "dir/job.ini: the file has %zu bytes; expected a job file of at most 4 MiB", big);
    assert_non_null(strstr(err, want));
    free(b);
}

/* ---- inputs: the grid's levels, extreme quantiles ---- */

#define GRID "[sweep]\nscenario = scen.ini\ndesign = grid\n"

static void test_grid_levels(void **state)
{
    (void)state;
    expect(SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 4\n", NULL,
           "dir/job.ini:8: [mfu] levels: only design = grid takes levels (this job's design is mc)",
           NULL);
    if (!es_design_find("grid")) return;
    es_job j;
    accept(GRID "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 4\n"
                "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\nlevels = 5\n",
           NULL, &j);
    assert_true(j.samples == 20); /* no samples key: the product of the levels */
    assert_int_equal(j.levels[es_model_input_index(j.model, "mfu")], 4);
    assert_int_equal(j.levels[es_model_input_index(j.model, "pue")], 5);
    es_job_free(&j);
    accept(GRID "samples = 20\n[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 4\n"
                "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\nlevels = 5\n",
           NULL, &j);
    es_job_free(&j);
    expect(GRID "samples = 21\n[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 4\n"
                "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\nlevels = 5\n",
           NULL,
           "dir/job.ini:4: [sweep] samples = 21, but the grid's levels give 5 (pue) x 4 (mfu) = 20 "
           "points; "
           "expected samples = 20",
           NULL);
    /* a constant is one level without being told */
    accept(GRID "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 4\n"
                "[pue]\ndist = constant\nvalue = 1.2\n",
           NULL, &j);
    assert_true(j.samples == 4);
    assert_int_equal(j.levels[es_model_input_index(j.model, "pue")], 1);
    es_job_free(&j);
    expect(GRID "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 4\n"
                "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\n",
           NULL, "dir/job.ini:9: [pue]: design = grid needs 'levels = K' in every uncertain input",
           NULL);
    expect(GRID "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 0\n", NULL,
           "dir/job.ini:8: [mfu] levels: '0' is too small; expected a whole number of grid levels",
           NULL);
    expect(GRID "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 1048576\n"
                "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\nlevels = 1048576\n"
                "[load_factor]\ndist = uniform\nlow = 0.5\nhigh = 0.9\nlevels = 1048576\n",
           NULL, "dir/job.ini:4: [mfu] levels: the grid has more than 2^53 points", NULL);
    expect(GRID "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\nlevels = 4\n"
                "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\nlevels = 5\n"
                "[correlation]\nmfu ~ pue = 0.3\n",
           NULL,
           "dir/job.ini:14: [correlation]: design = grid takes no correlations (a full factorial "
           "grid has independent axes)",
           NULL);
}

static void test_saltelli_rules(void **state)
{
    (void)state;
    /* Sobol indices need saltelli: checked whatever designs this build has */
    expect(SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
              "[verify]\nsobol_total(investor_npv_usd, mfu) = 0.5 +- 0.1\n",
           NULL,
           "dir/job.ini:9: [verify] sobol_total(investor_npv_usd, mfu): Sobol indices need design "
           "= saltelli (this job's design is mc)",
           NULL);
    if (!es_design_find("saltelli")) return;
    expect(SW "design = saltelli\n[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
              "[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\n[correlation]\nmfu ~ pue = 0.3\n",
           NULL,
           "dir/job.ini:13: [correlation]: design = saltelli takes no correlations (its Sobol "
           "indices assume independent inputs)",
           NULL);
    es_job j;
    accept(SW "design = saltelli\n[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
              "[verify]\nsobol_total(investor_npv_usd, mfu) = 0.5 +- 0.5\n",
           NULL, &j);
    assert_string_equal(j.verify[0].stat, "sobol_total");
    es_job_free(&j);
}

static void test_extreme_quantiles(void **state)
{
    (void)state;
    /* overflows to -inf on every row (issue 9) */
    expect(SW "[investment_usd]\ndist = triangular\nlow = 1\nmode = 1e200\nhigh = 1e300\n", NULL,
           "dir/job.ini:5: [investment_usd] dist: triangular(",
           "gives investment_usd = -inf at the unit coordinate u = 2^-54 (the design's extreme), "
           "but investment_usd must be a finite number");
    /* zeros and infinities */
    expect(SW "[valuation_usd]\ndist = lognormal\nmedian = 5e11\nsigma = 500\n", NULL,
           "dir/job.ini:5: [valuation_usd] dist: lognormal(",
           "gives valuation_usd = 0 at the unit coordinate u = 2^-54 (the design's extreme), but "
           "valuation_usd must be > 0; expected parameters whose quantiles stay finite");
    expect(SW "[valuation_usd]\ndist = lognormal\nmedian = 1e300\nsigma = 10\n", NULL,
           "gives valuation_usd = inf at the unit coordinate u = 1 - 2^-53", NULL);
    es_job j; /* a wide but sound lognormal stays accepted */
    accept(SW "[valuation_usd]\ndist = lognormal\nmedian = 5e11\nsigma = 3\n", NULL, &j);
    es_job_free(&j);
}

/* ---- [events] ---- */

static void test_events(void **state)
{
    (void)state;
    es_job j;
    accept(SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
              "[events]\nnpv_negative = investor_npv_usd<0\n"
              "asic_cheaper = asic_usd_per_pflop_hour  <   gpu_usd_per_pflop_hour\n"
              "low_mfu = mfu <= 0.3\nbig = investor_irr>=1e-2\nrunway_short = runway_quarters > "
              "-1.5\n",
           NULL, &j);
    assert_int_equal((int)j.n_events, 5);
    const es_event *e = j.events;
    assert_string_equal(e[0].name, "npv_negative");
    assert_string_equal(e[0].text, "investor_npv_usd < 0");
    assert_true(e[0].lhs.is_output &&
                e[0].lhs.index == es_model_output_index(j.model, "investor_npv_usd"));
    assert_true(e[0].op == ES_CMP_LT && !e[0].rhs_is_var && e[0].rhs_value == 0);
    assert_int_equal(e[0].line, 9);
    assert_string_equal(e[1].text, "asic_usd_per_pflop_hour < gpu_usd_per_pflop_hour");
    assert_true(e[1].rhs_is_var && e[1].rhs_var.is_output &&
                e[1].rhs_var.index == es_model_output_index(j.model, "gpu_usd_per_pflop_hour"));
    assert_true(e[2].op == ES_CMP_LE && !e[2].lhs.is_output &&
                e[2].lhs.index == es_model_input_index(j.model, "mfu") && e[2].rhs_value == 0.3);
    assert_string_equal(e[2].text, "mfu <= 0.3");
    assert_true(e[3].op == ES_CMP_GE && e[3].rhs_value == 0.01);
    assert_string_equal(e[3].text, "investor_irr >= 1e-2");
    assert_true(e[4].op == ES_CMP_GT && e[4].rhs_value == -1.5);
    es_job_free(&j);
#define EV SW "[events]\n"
    expect(EV "neg = investor_npv < 0\n", NULL,
           "dir/job.ini:5: [events] neg: 'investor_npv' is not an input or output of model "
           "compute_economics; did you mean 'investor_npv_usd'?",
           NULL);
    expect(EV "x = mfu < gpu_usd_per_pflop_hou\n", NULL,
           "dir/job.ini:5: [events] x: mfu is fixed in this job", NULL);
    expect(EV "x = investor_npv_usd < gpu_usd_per_pflop_hou\n", NULL,
           "dir/job.ini:5: [events] x: 'gpu_usd_per_pflop_hou' is not an input or output",
           "did you mean 'gpu_usd_per_pflop_hour'?");
    expect(EV "x = chip_markup > 1\n", NULL,
           "dir/job.ini:5: [events] x: chip_markup is fixed in this job; expected an output or an "
           "input with a distribution",
           NULL);
    expect(EV "x = investor_npv_usd == 0\n", NULL,
           "dir/job.ini:5: [events] x: 'investor_npv_usd == 0'", "OP one of <, <=, >, >=");
    expect(EV "x = investor_npv_usd\n", NULL,
           "dir/job.ini:5: [events] x: 'investor_npv_usd' has no comparison", NULL);
    expect(EV "x = investor_npv_usd < \n", NULL, "dir/job.ini:5: [events] x:", "OP one of");
    expect(EV "x = 0 < investor_npv_usd < 5\n", NULL, "dir/job.ini:5: [events] x:", "OP one of");
    expect(EV "x = 0 > investor_npv_usd\n", NULL,
           "dir/job.ini:5: [events] x: '0 > investor_npv_usd' compares a number with a variable; "
           "expected the variable first ('investor_npv_usd < 0')",
           NULL);
    expect(EV "npv negative = investor_npv_usd < 0\n", NULL,
           "dir/job.ini:5: [events] 'npv negative': an event's name is a letter or '_'", NULL);
    expect(EV "1st = investor_npv_usd < 0\n", NULL,
           "dir/job.ini:5: [events] '1st': an event's name", NULL);
    expect(EV "neg = investor_npv_usd < 0\nneg = investor_npv_usd < 1\n", NULL,
           "dir/job.ini:6: [events] neg: duplicate key (first set at line 5)", NULL);
    /* a scanned input is one value per cell: not an event */
    expect(SW "[scan]\nmfu = 0.3 0.4\n[events]\nx = mfu < 0.35\n", NULL,
           "dir/job.ini:7: [events] x: mfu is scanned (one value per cell)", NULL);
}

/* ---- [scan] ---- */

static void test_scan(void **state)
{
    (void)state;
    es_job j;
    accept(SW "[scan]\nvaluation_usd = 5e11 6e11 7.5e11 1e12\n"
              "electricity_usd_per_mwh = 40 to 160 step 20\nmfu = 0.1 to 0.3 step 0.1\n",
           NULL, &j);
    assert_int_equal((int)j.n_scan, 3);
    assert_int_equal(j.scan[0].input, es_model_input_index(j.model, "valuation_usd"));
    assert_int_equal(j.scan[0].line, 5);
    assert_int_equal((int)j.scan[0].n, 4);
    assert_true(j.scan[0].values[2] == 7.5e11);
    assert_int_equal((int)j.scan[1].n, 7);
    assert_true(j.scan[1].values[0] == 40 && j.scan[1].values[6] == 160);
    /* 0.1 + 2 * 0.1 is 0.30000000000000004: b is reached within rounding and kept exact */
    assert_int_equal((int)j.scan[2].n, 3);
    assert_true(j.scan[2].values[2] == 0.3);
    assert_int_equal((int)j.n_unc, 0);
    es_job_free(&j);
    accept(SW "[scan]\ncontract_years = 5 to 9 step 2\n", NULL, &j);
    assert_int_equal((int)j.scan[0].n, 3); /* 5 7 9 */
    assert_true(j.scan[0].values[2] == 9);
    es_job_free(&j);
    accept(SW "[scan]\nmfu = 0.2 to 0.45 step 0.1\n", NULL, &j);
    assert_int_equal((int)j.scan[0].n, 3); /* 0.2 0.3 0.4: 0.45 not reached */
    es_job_free(&j);
#define SC SW "[scan]\n"
    expect(SC "mfu = 0.2 to 0.5 step 0\n", NULL,
           "dir/job.ini:5: [scan] mfu: step 0; expected a step > 0", NULL);
    expect(SC "mfu = 0.2 to 0.5 step -0.1\n", NULL, "dir/job.ini:5: [scan] mfu: step -0.1", NULL);
    expect(SC "mfu = 0.5 to 0.2 step 0.1\n", NULL,
           "dir/job.ini:5: [scan] mfu: 0.5 to 0.2; expected a to b with b >= a", NULL);
    expect(SC "mfu = 0.1 to 0.9 step 1e-9\n", NULL,
           "dir/job.ini:5: [scan] mfu: 0.1 to 0.9 step 1e-09 gives more than 1000000 values", NULL);
    expect(SC "mfu = 0.1 to 0.9\n", NULL, "dir/job.ini:5: [scan] mfu: '0.1 to 0.9'",
           "'a to b step s'");
    expect(SC "mfu = 0.1 0.x\n", NULL, "dir/job.ini:5: [scan] mfu: '0.x' is not a finite decimal",
           NULL);
    expect(SC "mfu = 0 0.5\n", NULL, "dir/job.ini:5: [scan] mfu: the 1st value, 0: mfu must be > 0",
           NULL);
    expect(SC "mfu = 0.2 to 1.2 step 0.5\n", NULL,
           "dir/job.ini:5: [scan] mfu: the 3rd value, 1.2: mfu must be <= 1", NULL);
    expect(SC "contract_years = 5 5.5\n", NULL,
           "dir/job.ini:5: [scan] contract_years: the 2nd value, 5.5: contract_years must be a "
           "whole number",
           NULL);
    expect(SC "mfu = 0.3 0.4 0.3\n", NULL, "dir/job.ini:5: [scan] mfu: the value 0.3 appears twice",
           NULL);
    expect(SC "mfuu = 0.3\n", NULL,
           "dir/job.ini:5: [scan] mfuu: not an input of model compute_economics; did you mean "
           "'mfu'?",
           NULL);
    expect(SC "mfu =\n", NULL, "dir/job.ini:5: [scan] mfu: no values", NULL);
    expect(SC, NULL, "dir/job.ini:4: [scan] is empty", NULL);
    expect(SC "mfu = 0.3 0.4\npue = 1.1 1.2\nload_factor = 0.5 0.6\nchip_share = 0.4 0.5\n", NULL,
           "dir/job.ini:8: [scan] chip_share: a fourth scanned input; expected one to three", NULL);
    /* a scanned input with a distribution: both lines named */
    expect(SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n[scan]\nmfu = 0.3 0.4\n", NULL,
           "dir/job.ini:9: [scan] mfu: mfu has a distribution too (section [mfu] at line 4)", NULL);
    /* the scan's range joins the rules between inputs, at the scan's line */
    expect(SC "die_area_mm2 = 600 20000\n", NULL,
           "dir/job.ini:5: [die_area_mm2]: gross dies per wafer must be > 0", NULL);
}

/* ---- [verify] ---- */

static void test_verify(void **state)
{
    (void)state;
    es_job j;
    accept(SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
              "[events]\nnpv_neg = investor_npv_usd < 0\n"
              "[verify]\nmean(investor_npv_usd) = 1e9 +- 2e9\np50( mfu ) = 0.35+-0.01\n"
              "probability(npv_neg) = 0.3 +- 0.1\nspearman(investor_npv_usd, mfu) = 0 +- 1\n"
              "prcc(investor_irr,mfu) = 0.01 +- 0.01\n",
           NULL, &j);
    assert_int_equal((int)j.n_verify, 5);
    const es_verify *v = j.verify;
    assert_string_equal(v[0].stat, "mean");
    assert_string_equal(v[0].a, "investor_npv_usd");
    assert_string_equal(v[0].b, "");
    assert_true(v[0].value == 1e9 && v[0].tol == 2e9);
    assert_int_equal(v[0].line, 11);
    assert_string_equal(v[0].text, "mean(investor_npv_usd) = 1e9 +- 2e9");
    assert_string_equal(v[1].stat, "p50");
    assert_string_equal(v[1].a, "mfu");
    assert_true(v[1].value == 0.35 && v[1].tol == 0.01);
    assert_string_equal(v[2].stat, "probability");
    assert_string_equal(v[2].a, "npv_neg");
    assert_string_equal(v[3].b, "mfu");
    assert_string_equal(v[4].stat, "prcc");
    assert_string_equal(v[4].a, "investor_irr");
    es_job_free(&j);
#define VE SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n[verify]\n"
    expect(VE "meen(investor_npv_usd) = 1 +- 1\n", NULL,
           "dir/job.ini:9: [verify] meen(investor_npv_usd): unknown statistic 'meen'; did you mean "
           "'mean'?",
           NULL);
    /* only the Sobol indices have standard errors and intervals in the file */
    expect(VE "prcc_se(investor_npv_usd, mfu) = 0 +- 1\n", NULL,
           "dir/job.ini:9: [verify] prcc_se(investor_npv_usd, mfu): unknown statistic 'prcc_se'",
           "the Sobol indices also with _se, _lo, _hi");
    expect(VE "first_order_hi(investor_npv_usd, mfu) = 0 +- 1\n", NULL,
           "dir/job.ini:9: [verify] first_order_hi(investor_npv_usd, mfu): unknown statistic",
           NULL);
    expect(VE "sobol_total_se(investor_npv_usd, mfu) = 0 +- 1\n", NULL,
           "dir/job.ini:9: [verify] sobol_total_se(investor_npv_usd, mfu): Sobol indices need "
           "design = saltelli",
           NULL);
    expect(VE "mean(investor_npv) = 1 +- 1\n", NULL,
           "dir/job.ini:9: [verify] mean(investor_npv): 'investor_npv' is not an input or output",
           "did you mean 'investor_npv_usd'?");
    expect(VE "mean(chip_markup) = 1 +- 1\n", NULL,
           "dir/job.ini:9: [verify] mean(chip_markup): chip_markup is fixed in this job", NULL);
    expect(VE "mean(investor_npv_usd, mfu) = 1 +- 1\n", NULL,
           "dir/job.ini:9: [verify] mean(investor_npv_usd, mfu): mean is about one variable", NULL);
    expect(VE "spearman(investor_npv_usd) = 1 +- 1\n", NULL,
           "dir/job.ini:9: [verify] spearman(investor_npv_usd): spearman is about an output and an "
           "input; expected spearman(OUTPUT, INPUT)",
           NULL);
    expect(VE "spearman(mfu, investor_npv_usd) = 1 +- 1\n", NULL,
           "'mfu' is an input; expected an output first", NULL);
    expect(VE "spearman(investor_npv_usd, investor_irr) = 1 +- 1\n", NULL,
           "'investor_irr' is an output; expected an uncertain input second", NULL);
    expect(VE "spearman(investor_npv_usd, pue) = 1 +- 1\n", NULL,
           "[verify] spearman(investor_npv_usd, pue): pue is fixed in this job", NULL);
    expect(VE "probability(npv) = 0.5 +- 0.1\n", NULL,
           "dir/job.ini:9: [verify] probability(npv): 'npv' is not an event of this job", NULL);
    expect(VE "mean(investor_npv_usd) = 1 +/- 1\n", NULL,
           "dir/job.ini:9: [verify] mean(investor_npv_usd): '1 +/- 1'; expected 'VALUE +- "
           "TOLERANCE'",
           NULL);
    expect(VE "mean(investor_npv_usd) = 1 +- -1\n", NULL,
           "expected 'VALUE +- TOLERANCE' with a "
           "tolerance >= 0",
           NULL);
    expect(VE "mean investor_npv_usd = 1 +- 1\n", NULL,
           "dir/job.ini:9: [verify] 'mean investor_npv_usd': expected 'STATISTIC(OUTPUT) = VALUE",
           NULL);
    expect(VE "spearman(investor_npv_usd, mfu, pue) = 1 +- 1\n", NULL,
           "[verify] 'spearman(investor_npv_usd, mfu, pue)': expected", NULL);
    expect(SW "[events]\nnpv_neg = investor_npv_usd < 0\n[verify]\nprobability(npv_ng) = 0.5 "
              "+- 0.1\n",
           NULL, "'npv_ng' is not an event of this job; did you mean 'npv_neg'?", NULL);
}

/* ---- where files are ---- */

static void test_output_relative_to_current_folder(void **state)
{
    (void)state;
    es_job j;
    es_job_mem_file f[] = {{"deep/dir/job.ini", SW "output = runs/x.h5\n", strlen(SW) + 19},
                           {"deep/dir/scen.ini", good_scen, strlen(good_scen)},
                           {NULL, NULL, 0}};
    char err[1024];
    if (es_job_load_with(&j, "deep/dir/job.ini", es_job_mem_reader, f, err, sizeof err))
        fail_msg("%s", err);
    assert_string_equal(j.output, "runs/x.h5");
    assert_int_equal(j.output_line, 4);
    es_job_free(&j);
    f[0].len = strlen(SW);
    assert_int_equal(
        es_job_load_with(&j, "deep/dir/job.ini", es_job_mem_reader, f, err, sizeof err), 0);
    assert_string_equal(j.output, "job.h5"); /* the job's stem, in the current folder */
    es_job_free(&j);
}

static void test_scenario_by_name(void **state)
{
    (void)state;
    es_job j;
    char err[2048];
    const char *job = "[sweep]\nscenario = openai_amazon_2026\nsamples = 10\n";
    /* next to the job file first, ".ini" added */
    es_job_mem_file f[] = {{"d/job.ini", job, strlen(job)},
                           {"d/openai_amazon_2026.ini", good_scen, strlen(good_scen)},
                           {"/p2/openai_amazon_2026.ini", "[a]\nmfu = 0.5\n", 13},
                           {NULL, NULL, 0}};
    setenv("ECONSWEEP_PATH", "/nowhere:/p2", 1);
    if (es_job_load_with(&j, "d/job.ini", es_job_mem_reader, f, err, sizeof err))
        fail_msg("%s", err);
    assert_string_equal(j.scenario_path, "d/openai_amazon_2026.ini");
    assert_true(j.value[es_model_input_index(j.model, "mfu")] == 0.38);
    es_job_free(&j);
    /* then in ECONSWEEP_PATH's folders, in order */
    f[1].path = "elsewhere/openai_amazon_2026.ini";
    if (es_job_load_with(&j, "d/job.ini", es_job_mem_reader, f, err, sizeof err))
        fail_msg("%s", err);
    assert_string_equal(j.scenario_path, "/p2/openai_amazon_2026.ini");
    assert_true(j.value[es_model_input_index(j.model, "mfu")] == 0.5);
    es_job_free(&j);
    /* the inputs folder beside the job's folder (source tree and installed share/econsweep)
     * comes before ECONSWEEP_PATH */
    f[1].path = "d/../inputs/openai_amazon_2026.ini";
    if (es_job_load_with(&j, "d/job.ini", es_job_mem_reader, f, err, sizeof err))
        fail_msg("%s", err);
    assert_string_equal(j.scenario_path, "d/../inputs/openai_amazon_2026.ini");
    es_job_free(&j);
    f[1].path = "elsewhere/openai_amazon_2026.ini";
    /* with ".ini" written, and a job in the current folder */
    const char *job2 = "[sweep]\nscenario = openai_amazon_2026.ini\nsamples = 10\n";
    es_job_mem_file g[] = {{"job.ini", job2, strlen(job2)},
                           {"./openai_amazon_2026.ini", good_scen, strlen(good_scen)},
                           {NULL, NULL, 0}};
    if (es_job_load_with(&j, "job.ini", es_job_mem_reader, g, err, sizeof err)) fail_msg("%s", err);
    assert_string_equal(j.scenario_path, "./openai_amazon_2026.ini");
    es_job_free(&j);
    /* nowhere: the places searched are named */
    unsetenv("ECONSWEEP_PATH");
    assert_int_equal(es_job_load_with(&j, "d/job.ini", es_job_mem_reader, f, err, sizeof err), 1);
    if (!strstr(err, "d/job.ini:2: [sweep] scenario: no scenario 'openai_amazon_2026' "
                     "(openai_amazon_2026.ini) next to the job (in d), in d/../inputs, among the "
                     "installed scenarios (") ||
        !strstr(err, "or in ECONSWEEP_PATH (not set) (job files, with a [sweep] section, are "
                     "passed over); expected a scenario's name or a path with a '/' (relative to "
                     "the job file)"))
        fail_msg("%s", err);
    /* a path with a '/' is relative to the job file, as before */
    const char *job3 = "[sweep]\nscenario = ../inputs/s.ini\nsamples = 10\n";
    es_job_mem_file h[] = {{"d/job.ini", job3, strlen(job3)},
                           {"d/../inputs/s.ini", good_scen, strlen(good_scen)},
                           {NULL, NULL, 0}};
    if (es_job_load_with(&j, "d/job.ini", es_job_mem_reader, h, err, sizeof err))
        fail_msg("%s", err);
    assert_string_equal(j.scenario_path, "d/../inputs/s.ini");
    es_job_free(&j);
}

/* The same through the file reader, on real files in a temporary folder. */
static void test_real_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/es_test_job_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char jobs[300], inputs[300], job[400], scen[400], err[2048];
    snprintf(jobs, sizeof jobs, "%s/jobs", dir);
    snprintf(inputs, sizeof inputs, "%s/share", dir);
    assert_int_equal(mkdir(jobs, 0700), 0);
    assert_int_equal(mkdir(inputs, 0700), 0);
    snprintf(job, sizeof job, "%s/j.ini", jobs);
    snprintf(scen, sizeof scen, "%s/base_case.ini", inputs);
    FILE *f = fopen(job, "w");
    fputs("[sweep]\nscenario = base_case\nsamples = 10\n", f);
    fclose(f);
    f = fopen(scen, "w");
    fputs("[a]\nmfu = 0.41\n", f);
    fclose(f);
    es_job j;
    /* found in the second folder of ECONSWEEP_PATH, after a missing one */
    char path[700];
    snprintf(path, sizeof path, "%s/none:%s", dir, inputs);
    setenv("ECONSWEEP_PATH", path, 1);
    if (es_job_load(&j, job, err, sizeof err)) fail_msg("%s", err);
    assert_string_equal(j.scenario_path, scen);
    assert_true(j.value[es_model_input_index(j.model, "mfu")] == 0.41);
    es_job_free(&j);
    unsetenv("ECONSWEEP_PATH");
    assert_int_equal(es_job_load(&j, job, err, sizeof err), 1);
    assert_non_null(strstr(err, ":2: [sweep] scenario: no scenario 'base_case' (base_case.ini)"));
    /* a folder, a missing file */
    assert_int_equal(es_job_load(&j, jobs, err, sizeof err), 1);
    assert_non_null(strstr(err, "cannot read: Is a directory; expected a readable job file"));
    snprintf(path, sizeof path, "%s/nope.ini", dir);
    assert_int_equal(es_job_load(&j, path, err, sizeof err), 1);
    assert_non_null(strstr(err, "nope.ini: cannot open: No such file or directory"));
    /* a file above the cap is refused while reading, with the cap */
    f = fopen(scen, "w");
    for (size_t i = 0; i < (ES_JOB_MAXFILE >> 10) + 1; i++)
        for (int k = 0; k < 1024; k++)
            fputc(k % 64 == 63 ? '\n' : ';', f);
    fclose(f);
    assert_int_equal(es_job_load(&j, scen, err, sizeof err), 1);
    assert_non_null(strstr(err, "file is larger than 4 MiB"));
    remove(job);
    remove(scen);
    rmdir(jobs);
    rmdir(inputs);
    rmdir(dir);
}

/* A rule joining inputs is reported at the line that set the value breaking it. */
static void test_rule_at_its_line(void **state)
{
    (void)state;
    /* the scenario's die area breaks it: the scenario's line, not the job's */
    expect(SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n",
           "[a]\nmfu = 0.38\n[wafer]\nwafer_diameter_mm = 300\ndie_area_mm2 = 12000\n",
           "dir/scen.ini:5: die_area_mm2 = 12000: gross dies per wafer must be > 0", NULL);
    /* a wide rim from the scenario with a die area from the job: the job's line */
    expect(SW "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"
              "[die_area_mm2]\ndist = uniform\nlow = 500\nhigh = 9000\n",
           "[a]\nedge_exclusion_mm = 20\n",
           "dir/job.ini:9: [die_area_mm2]: gross dies per wafer must be > 0", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_jobs),
        cmocka_unit_test(test_scenario_holds_every_input),
        cmocka_unit_test(test_correct_file),
        cmocka_unit_test(test_sweep_errors),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_correlation_errors),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_sweep_keys),
        cmocka_unit_test(test_whole_numbers),
        cmocka_unit_test(test_section_names_one_rule),
        cmocka_unit_test(test_keys_above_first_section),
        cmocka_unit_test(test_inline_comments),
        cmocka_unit_test(test_odd_bytes_escaped),
        cmocka_unit_test(test_large_files),
        cmocka_unit_test(test_grid_levels),
        cmocka_unit_test(test_saltelli_rules),
        cmocka_unit_test(test_extreme_quantiles),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_output_relative_to_current_folder),
        cmocka_unit_test(test_scenario_by_name),
        cmocka_unit_test(test_real_files),
        cmocka_unit_test(test_rule_at_its_line),
        cmocka_unit_test(test_long_error_list),
        cmocka_unit_test(test_one_error_per_cause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
