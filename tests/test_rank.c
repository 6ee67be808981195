/* tests/test_rank.c: the rank sensitivity statistic through the whole
 * pipeline, as the sweep runs it: pass 1 over every chunk, then pass 2 over
 * the first sens_points design points of each cell with pass 1's merged
 * set.  Known indices (Ishigami, Sobol G), a correlation artefact that PRCC
 * removes, NaN columns, and identical bytes for any grouping of the rows. */
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

#include <gsl/gsl_multifit.h>

#include "job.h"
#include "pipe.h"
#include "plan.h"
#include "rng.h"
#include "sketch.h"
#include "stats.h"
#include "verify.h"

typedef struct {
    es_job job;
    es_plan plan;
    es_pipe *pipe;
    double *anchor;
    es_statset *p1, *p2;
    es_results res;
} run;

static void run_free(run *r)
{
    es_results_free(&r->res);
    es_statset_free(r->p2);
    es_statset_free(r->p1);
    free(r->anchor);
    es_pipe_free(r->pipe);
    es_job_free(&r->job);
    free(r);
}

/* Load a job from text (no plan yet). */
static run *load_job(const char *text)
{
    run *r = calloc(1, sizeof *r);
    es_job_mem_file files[] = {{"t.ini", text, strlen(text)}, {NULL, NULL, 0}};
    char err[2048];
    if (es_job_load_with(&r->job, "t.ini", es_job_mem_reader, files, err, sizeof err)) {
        fprintf(stderr, "%s", err);
        fail();
    }
    return r;
}

/* The plan, the pipeline and the anchors; sens: design points of the
 * sensitivity pass (0: the job's). */
static run *prepare(run *r, uint64_t sens)
{
    char err[2048];
    if (sens) r->job.sens_samples = sens;
    assert_int_equal(es_plan_init(&r->plan, &r->job, err, sizeof err), 0);
    r->pipe = es_pipe_new(&r->plan, err, sizeof err);
    assert_non_null(r->pipe);
    r->anchor = es_pipe_anchors(r->pipe);
    assert_non_null(r->anchor);
    es_results_init(&r->res);
    return r;
}

static run *load(const char *text, uint64_t sens)
{
    return prepare(load_job(text), sens);
}

/* Pass 1 over every chunk, each chunk's state packed and merged as the
 * sweep's ranks do. */
static void pass1(run *r)
{
    const es_plan *p = &r->plan;
    es_stat_ctx ctx = {NULL, r->anchor};
    r->p1 = es_statset_new(p, 1, &ctx);
    es_statset *chunk = es_statset_new(p, 1, &ctx);
    assert_non_null(r->p1);
    assert_non_null(chunk);
    for (uint64_t c = 0; c < p->nchunks; c++) {
        es_statset_reset(chunk);
        assert_int_equal(
            es_pipe_run(r->pipe, es_plan_chunk_first(p, c), es_plan_chunk_len(p, c), chunk), 0);
        size_t n = es_statset_pack_size(chunk);
        unsigned char *b = malloc(n);
        es_statset_pack(chunk, b);
        assert_int_equal(es_statset_merge_packed(r->p1, b, n), 0);
        free(b);
    }
    es_statset_free(chunk);
}

static es_statset *pass2_new(run *r)
{
    es_stat_ctx ctx = {r->p1, r->anchor};
    es_statset *s = es_statset_new(&r->plan, 2, &ctx);
    assert_non_null(s);
    return s;
}

/* Pass 2 into s over design points [lo, hi) of every cell, in pieces of
 * `step` rows (at most a chunk). */
static void pass2_rows(run *r, es_statset *s, uint64_t lo, uint64_t hi, uint64_t step)
{
    const es_plan *p = &r->plan;
    if (step > p->chunk) step = p->chunk;
    for (uint64_t c = 0; c < p->cells; c++)
        for (uint64_t i = lo; i < hi; i += step) {
            uint64_t n = hi - i < step ? hi - i : step;
            assert_int_equal(es_pipe_run(r->pipe, c * p->points + i, (size_t)n, s), 0);
        }
}

/* Every array the sketch and rank statistics emit carries a long_name (an
 * array found again after later ones were added: adding may move them). */
static void check_long_names(const es_results *res)
{
    size_t seen = 0;
    for (size_t i = 0; i < res->n; i++) {
        const es_res_array *a = res->a[i];
        if (a->is_coord || a->type == ES_RES_GROUP) continue;
        if (strncmp(a->path, "/sensitivity/", 13) && !strstr(a->path, "/histogram_") &&
            !strstr(a->path, "/sketch_") && strncmp(a->path, "/summary/quantiles", 18))
            continue;
        const es_res_attr *t = es_res_attr_find(a, "long_name");
        assert_non_null(t);
        assert_true(t->is_str && strlen(t->str) > 10);
        seen++;
    }
    assert_true(seen > 3);
}

/* Pass 2 as the sweep ends a run: both passes' results in one set. */
static void pass2(run *r, uint64_t step)
{
    r->p2 = pass2_new(r);
    pass2_rows(r, r->p2, 0, r->plan.sens_points, step);
    assert_int_equal(es_statset_emit(r->p1, &r->res), 0);
    assert_int_equal(es_statset_emit(r->p2, &r->res), 0);
    check_long_names(&r->res);
}

static double stat(run *r, const char *name, const char *out, const char *in)
{
    int found = 0;
    double v = es_verify_lookup(&r->plan, &r->res, name, out, in, 0, &found);
    assert_true(found);
    return v;
}

static unsigned char *pack(const es_statset *s, size_t *n)
{
    *n = es_statset_pack_size(s);
    unsigned char *b = malloc(*n);
    es_statset_pack(s, b);
    return b;
}

static const char *ishigami = "[sweep]\nmodel = ishigami\nsamples = 131072\nseed = 3\n"
                              "chunk = 8192\ndesign = mc\n"
                              "[x1]\ndist = uniform\nlow = -3.141592653589793\n"
                              "high = 3.141592653589793\n"
                              "[x2]\ndist = uniform\nlow = -3.141592653589793\n"
                              "high = 3.141592653589793\n"
                              "[x3]\ndist = uniform\nlow = -3.141592653589793\n"
                              "high = 3.141592653589793\n";

/* Ishigami (a = 7, b = 0.1) with 2^17 Monte Carlo points: first-order
 * indices 0.3139, 0.4424, 0 (Ishigami and Homma 1990; Saltelli et al. 2008)
 * and no rank correlation with x3 (y is even in x3).
 *
 * Bounds: over seeds 1..20 of this job the estimates had standard
 * deviations 0.0014, 0.0031 and 0.0001 and mean errors -0.0003, -0.0010 and
 * +0.0004 (the binning biases of stat_rank.c with M = 50: +(M-1)/n = 0.0004
 * for x3); 0.015 is more than four standard deviations plus the bias, and
 * 0.002 for x3 more than fifteen.  Spearman's coefficient with x3 had
 * standard deviation 0.0026 (1/sqrt(n) = 0.0028): bound 0.012. */
static void test_ishigami(void **state)
{
    (void)state;
    run *r = load(ishigami, 0);
    assert_true(r->plan.sens_points == 131072);
    pass1(r);
    pass2(r, 8192);
    double s1 = stat(r, "first_order", "y", "x1"), s2 = stat(r, "first_order", "y", "x2");
    double s3 = stat(r, "first_order", "y", "x3");
    assert_true(fabs(s1 - 0.3139) < 0.015);
    assert_true(fabs(s2 - 0.4424) < 0.015);
    assert_true(fabs(s3) < 0.002);
    assert_true(fabs(stat(r, "spearman", "y", "x3")) < 0.012);
    /* y rises with x1 on most of its range: a clear positive rank correlation */
    assert_true(stat(r, "spearman", "y", "x1") > 0.3);
    /* the rows used: every point (y is always finite) */
    const es_res_array *rows = es_results_find(&r->res, "/sensitivity/rank_rows");
    assert_non_null(rows);
    assert_true(((const uint64_t *)rows->data)[0] == 131072);
    /* labels as attributes */
    const es_res_array *a = es_results_find(&r->res, "/sensitivity/prcc");
    assert_string_equal(es_res_attr_find(a, "rows")->str, "y");
    assert_string_equal(es_res_attr_find(a, "columns")->str, "x1 x2 x3");
    run_free(r);
}

/* The rows of pass 2 split into pieces of other sizes, and into parts
 * merged in reverse through their bytes: the same bytes. */
static void test_grouping(void **state)
{
    (void)state;
    run *r = load(ishigami, 20000);
    assert_true(r->plan.sens_points == 20000);
    pass1(r);
    es_statset *a = pass2_new(r), *b = pass2_new(r), *c = pass2_new(r);
    pass2_rows(r, a, 0, 20000, 8192);
    pass2_rows(r, b, 0, 20000, 777);
    /* four parts of uneven sizes, merged last to first */
    const uint64_t cut[] = {0, 3, 9001, 9002, 20000};
    for (int k = 3; k >= 0; k--) {
        es_statset *part = pass2_new(r);
        pass2_rows(r, part, cut[k], cut[k + 1], 1000);
        size_t n;
        unsigned char *bytes = pack(part, &n);
        assert_int_equal(es_statset_merge_packed(c, bytes, n), 0);
        free(bytes);
        es_statset_free(part);
    }
    /* every row alone instead of in tiles summed column by column */
    es_statset *e = pass2_new(r);
    es_stat_rank_tiles = 0;
    pass2_rows(r, e, 0, 20000, 8192);
    es_stat_rank_tiles = 1;
    size_t na, nb, nc, ne;
    unsigned char *pa = pack(a, &na), *pb = pack(b, &nb), *pc = pack(c, &nc), *pe = pack(e, &ne);
    assert_int_equal(na, nb);
    assert_int_equal(na, nc);
    assert_int_equal(na, ne);
    assert_memory_equal(pa, pb, na);
    assert_memory_equal(pa, pc, na);
    assert_memory_equal(pa, pe, na);
    free(pe);
    es_statset_free(e);
    /* damaged bytes are refused */
    assert_int_not_equal(es_statset_merge_packed(a, pa, na - 1), 0);
    free(pa);
    free(pb);
    free(pc);
    es_statset_free(a);
    es_statset_free(b);
    es_statset_free(c);
    run_free(r);
}

/* Tiles against rows one by one on rows that take both paths: 2 scan cells,
 * negative cloud margins and small exit valuations, so that some IRRs have
 * no root (a non-finite output: that row is added alone). */
static void test_tiles_mixed(void **state)
{
    (void)state;
    const char *job = "[sweep]\nmodel = compute_economics\nsamples = 4000\nseed = 3\n"
                      "chunk = 600\n"
                      "[investment_usd]\ndist = uniform\nlow = 1.0e10\nhigh = 2.5e10\n"
                      "[cloud_margin]\ndist = uniform\nlow = -0.2\nhigh = 0.3\n"
                      "[exit_valuation_usd]\ndist = uniform\nlow = 1e10\nhigh = 1e12\n"
                      "[scan]\nchip_share = 0.3 0.6\n";
    run *r = load(job, 0);
    assert_true(r->plan.cells == 2 && r->plan.sens_points == 4000);
    pass1(r);
    es_statset *a = pass2_new(r), *b = pass2_new(r);
    pass2_rows(r, a, 0, 4000, 333);
    es_stat_rank_tiles = 0;
    pass2_rows(r, b, 0, 4000, 333);
    es_stat_rank_tiles = 1;
    size_t na, nb;
    unsigned char *pa = pack(a, &na), *pb = pack(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(pa, pb, na);
    /* both paths were taken: some IRRs are NaN, most are not */
    assert_int_equal(es_statset_emit(r->p1, &r->res), 0);
    int f;
    for (uint64_t c = 0; c < 2; c++) {
        double nan = es_verify_lookup(&r->plan, &r->res, "nan_count", "investor_irr", "", c, &f);
        print_message("cell %d: found %d, %g NaN IRRs of 4000\n", (int)c, f, nan);
        assert_true(f && nan > 10 && nan < 3000);
    }
    free(pa);
    free(pb);
    es_statset_free(a);
    es_statset_free(b);
    run_free(r);
}

/* Sobol G with a = (0, 1, 4.5, 9) on x1..x4, x5 constant (its column is
 * NaN), x6..x8 fixed: S_i = V_i / V with V_i = 1/(3 (1 + a_i)^2) and
 * V = prod (1 + V_i) - 1: 0.7165, 0.1791, 0.0237, 0.0072.  With 2^16 points
 * (M = 40 classes) over seeds 1..20 the estimates' standard deviations were
 * at most 0.0026 and the largest mean error +0.0008 (x4: the bias
 * (M-1)(1-S)/n = 0.0006); bound 0.012.  Spearman with x1: sd 0.0029. */
static void test_sobol_g(void **state)
{
    (void)state;
    const char *job = "[sweep]\nmodel = sobol_g\nsamples = 65536\nseed = 9\nchunk = 4096\n"
                      "[x1]\ndist = uniform\nlow = 0\nhigh = 1\n"
                      "[x2]\ndist = uniform\nlow = 0\nhigh = 1\n"
                      "[x3]\ndist = uniform\nlow = 0\nhigh = 1\n"
                      "[x4]\ndist = uniform\nlow = 0\nhigh = 1\n"
                      "[x5]\ndist = constant\nvalue = 0.5\n";
    run *r = load(job, 0);
    pass1(r);
    pass2(r, 4096);
    const double a[4] = {0, 1, 4.5, 9};
    double Vi[4], V = 1;
    for (int i = 0; i < 4; i++) {
        Vi[i] = 1 / (3 * (1 + a[i]) * (1 + a[i]));
        V *= 1 + Vi[i];
    }
    V -= 1;
    const char *names[4] = {"x1", "x2", "x3", "x4"};
    for (int i = 0; i < 4; i++)
        assert_true(fabs(stat(r, "first_order", "y", names[i]) - Vi[i] / V) < 0.012);
    /* y is V-shaped in each input: no monotone trend, rank correlations near 0 */
    assert_true(fabs(stat(r, "spearman", "y", "x1")) < 0.02);
    assert_true(isnan(stat(r, "first_order", "y", "x5")));
    assert_true(isnan(stat(r, "spearman", "y", "x5")));
    assert_true(isnan(stat(r, "prcc", "y", "x5")));
    assert_false(isnan(stat(r, "prcc", "y", "x1")));
    run_free(r);
}

/* Two correlated inputs, only one drives the output: runway_quarters =
 * (1 - chip_share) investment / burn does not depend on the valuation, which
 * is rank-correlated 0.8 with the investment.  Spearman sees the valuation
 * through the investment; PRCC does not.  The signs of the real drivers are
 * the model's.  n = 20000; over seeds 1..20: Spearman of the valuation
 * 0.506 (sd 0.005), its PRCC -0.004 (sd 0.007, largest 0.016), PRCC of the
 * investment 0.875, chip share -0.941, burn -0.911 (sd <= 0.002).  Bounds:
 * 0.05 for the PRCC that must vanish (seven sd), 0.8 in magnitude for the
 * drivers. */
static void test_prcc_artefact(void **state)
{
    (void)state;
    const char *job = "[sweep]\nmodel = compute_economics\nsamples = 20000\nseed = 5\n"
                      "chunk = 4096\n"
                      "[valuation_usd]\ndist = lognormal\nmedian = 5.5e11\np95 = 8.0e11\n"
                      "[investment_usd]\ndist = uniform\nlow = 1.0e10\nhigh = 2.5e10\n"
                      "[chip_share]\ndist = uniform\nlow = 0.3\nhigh = 0.7\n"
                      "[burn_usd_per_quarter]\ndist = lognormal\nmedian = 1.2e10\nsigma = 0.2\n"
                      "[correlation]\nvaluation_usd ~ investment_usd = 0.8\n";
    run *r = load(job, 0);
    pass1(r);
    pass2(r, 4096);
    const char *y = "runway_quarters";
    double rho_v = stat(r, "spearman", y, "valuation_usd");
    double prcc_v = stat(r, "prcc", y, "valuation_usd");
    assert_true(rho_v > 0.3);
    assert_true(fabs(prcc_v) < 0.05);
    assert_true(stat(r, "spearman", y, "investment_usd") > 0.4);
    assert_true(stat(r, "prcc", y, "investment_usd") > 0.8);
    assert_true(stat(r, "prcc", y, "chip_share") < -0.8);
    assert_true(stat(r, "prcc", y, "burn_usd_per_quarter") < -0.8);
    /* the first-order index of the valuation is what its correlation carries */
    assert_true(stat(r, "first_order", y, "investment_usd") >
                stat(r, "first_order", y, "valuation_usd"));
    /* chips_delivered = f I / (mu C_chip) rises with the chip share */
    assert_true(stat(r, "spearman", "chips_delivered", "chip_share") > 0.3);
    assert_true(stat(r, "prcc", "chips_delivered", "chip_share") > 0.8);
    run_free(r);
}

/* The sketch's CDF helper of the "sketch" statistic ranks pass 1's values. */
static void test_sketch_cdf_helper(void **state)
{
    (void)state;
    run *r = load(ishigami, 1000);
    pass1(r);
    const void *sk = es_statset_find(r->p1, &es_stat_sketch);
    assert_non_null(sk);
    size_t y = r->plan.d; /* the output */
    double lo = es_stat_sketch_cdf(sk, &r->plan, 0, y, -100);
    double hi = es_stat_sketch_cdf(sk, &r->plan, 0, y, 100);
    assert_true(lo == 0 && hi == 1);
    /* the median of y (3.5 + 0.88 at the mean, 3.37 analytic median) ranks near 1/2 */
    double q = es_sketch_quantile(es_stat_sketch_get(sk, &r->plan, 0, y), 0.5);
    assert_true(fabs(es_stat_sketch_cdf(sk, &r->plan, 0, y, q) - 0.5) < 0.01);
    /* the quantiles and their intervals in /summary */
    es_results res;
    es_results_init(&res);
    assert_int_equal(es_statset_emit(r->p1, &res), 0);
    int found;
    double p50 = es_verify_lookup(&r->plan, &res, "p50", "y", "", 0, &found);
    assert_true(found && p50 == q);
    const es_res_array *lo50 = es_results_find(&res, "/summary/quantiles_lo");
    const es_res_array *hi50 = es_results_find(&res, "/summary/quantiles_hi");
    const es_res_array *qq = es_results_find(&res, "/summary/quantiles");
    assert_non_null(lo50);
    size_t k = (y * 9) + 4; /* variable y, p = 0.5 */
    double *l = lo50->data, *h = hi50->data, *m = qq->data;
    assert_true(l[k] < m[k] && m[k] < h[k]);
    /* histogram: below + counts + above = count */
    const es_res_array *hc = es_results_find(&res, "/summary/y/histogram_counts");
    const es_res_array *hb = es_results_find(&res, "/summary/y/histogram_below");
    const es_res_array *ha = es_results_find(&res, "/summary/y/histogram_above");
    assert_non_null(hc);
    uint64_t tot = ((uint64_t *)hb->data)[0] + ((uint64_t *)ha->data)[0];
    for (int i = 0; i < 40; i++)
        tot += ((uint64_t *)hc->data)[i];
    assert_true(tot == 131072);
    /* the 0.5% tails: about 655 values each side */
    assert_true(((uint64_t *)hb->data)[0] > 500 && ((uint64_t *)hb->data)[0] < 800);
    es_results_free(&res);
    run_free(r);
}

/* Straight computations of the three indices over given rows, to check the
 * fixed-point sums and the matrix inverse against: Pearson's correlation in
 * double; PRCC as the correlation of the residuals of U_j and R after a
 * least-squares fit on the other inputs' ranks (GSL's multifit); S_j from
 * class means. */
static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t k = 0; k < n; k++) {
        ma += a[k];
        mb += b[k];
    }
    ma /= (double)n;
    mb /= (double)n;
    for (size_t k = 0; k < n; k++) {
        sab += (a[k] - ma) * (b[k] - mb);
        saa += (a[k] - ma) * (a[k] - ma);
        sbb += (b[k] - mb) * (b[k] - mb);
    }
    return sab / sqrt(saa * sbb);
}

static void residual(double *const *x, size_t nx, const double *y, size_t n, double *res)
{
    gsl_matrix *X = gsl_matrix_alloc(n, nx + 1), *cov = gsl_matrix_alloc(nx + 1, nx + 1);
    gsl_vector *c = gsl_vector_alloc(nx + 1), *r = gsl_vector_alloc(n);
    gsl_vector_const_view yv = gsl_vector_const_view_array(y, n);
    for (size_t k = 0; k < n; k++) {
        gsl_matrix_set(X, k, 0, 1);
        for (size_t j = 0; j < nx; j++)
            gsl_matrix_set(X, k, j + 1, x[j][k]);
    }
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, nx + 1);
    double chi2;
    gsl_multifit_linear(X, &yv.vector, c, cov, &chi2, w);
    gsl_multifit_linear_residuals(X, &yv.vector, c, r);
    for (size_t k = 0; k < n; k++)
        res[k] = gsl_vector_get(r, k);
    gsl_multifit_linear_free(w);
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(r);
}

static double first_order(const double *u, const double *y, size_t n, size_t M)
{
    double *sum = calloc(M, sizeof *sum), *cnt = calloc(M, sizeof *cnt), mean = 0, ss = 0, b = 0;
    for (size_t k = 0; k < n; k++) {
        size_t c = (size_t)floor(u[k] * (double)M);
        sum[c] += y[k];
        cnt[c]++;
        mean += y[k];
    }
    mean /= (double)n;
    for (size_t k = 0; k < n; k++)
        ss += (y[k] - mean) * (y[k] - mean);
    for (size_t c = 0; c < M; c++)
        if (cnt[c]) b += cnt[c] * (sum[c] / cnt[c] - mean) * (sum[c] / cnt[c] - mean);
    free(sum);
    free(cnt);
    return b / ss;
}

/* Rows built by hand on the econ model's plan (4 inputs and all its outputs), with
 * outputs that are NaN or infinite on some rows: each output's indices use
 * exactly its finite rows, and agree with straight computations in double
 * (to 1e-7: the ranks are quantised to 2^-32, z to 2^-24). */
static void test_nonfinite_rows(void **state)
{
    (void)state;
    enum { n = 5000, d = 4 };
    const char *job = "[sweep]\nmodel = compute_economics\nsamples = 5000\nseed = 5\n"
                      "[valuation_usd]\ndist = uniform\nlow = 5e11\nhigh = 6e11\n"
                      "[investment_usd]\ndist = uniform\nlow = 1.0e10\nhigh = 2.5e10\n"
                      "[chip_share]\ndist = uniform\nlow = 0.3\nhigh = 0.7\n"
                      "[burn_usd_per_quarter]\ndist = uniform\nlow = 1e10\nhigh = 2e10\n";
    run *r = load(job, 0);
    const es_plan *p = &r->plan;
    assert_int_equal(p->d, d);
    static double ubuf[d][n], vbuf[d + 32][n];
    const int nout = (int)p->n_out;
    assert_true(nout >= 3 && nout <= 32);
    for (size_t k = 0; k < n; k++) {
        for (int j = 0; j < d; j++)
            ubuf[j][k] = es_rng_uniform(17, (uint32_t)j, k);
        for (int j = 0; j < d; j++)
            vbuf[j][k] = ubuf[j][k];
        double u0 = ubuf[0][k], u1 = ubuf[1][k], u2 = ubuf[2][k], u3 = ubuf[3][k];
        vbuf[d + 0][k] = u2 < 0.1 ? NAN : u0 + 0.5 * u1 * u1 + 0.3 * u3; /* some NaN */
        vbuf[d + 1][k] = exp(3 * u1) - 2 * u0 + u0 * u2;                 /* always finite */
        vbuf[d + 2][k] = u3 > 0.95 ? INFINITY : -1e9 * u3 * (1 + u0);    /* negative, some inf */
        for (int o = 3; o < nout; o++)
            vbuf[d + o][k] = 7.25; /* constant: no rank correlation */
    }
    const double *u[d], *v[d + 32];
    for (int j = 0; j < d; j++)
        u[j] = ubuf[j];
    for (int j = 0; j < d + nout; j++)
        v[j] = vbuf[j];
    es_stat_ctx ctx = {NULL, r->anchor};
    r->p1 = es_statset_new(p, 1, &ctx);
    es_seg all = {0, n, 0, 0, 1, u, NULL, NULL, v, NULL};
    assert_int_equal(es_statset_add(r->p1, &all), 0);
    r->p2 = pass2_new(r);
    /* pass 2 in two pieces */
    const double *u2p[d], *v2p[d + 32];
    for (size_t piece = 0; piece < 2; piece++) {
        size_t off = piece ? 1234 : 0, len = piece ? n - 1234 : 1234;
        for (int j = 0; j < d; j++)
            u2p[j] = ubuf[j] + off;
        for (int j = 0; j < d + nout; j++)
            v2p[j] = vbuf[j] + off;
        es_seg seg = {off, len, 0, off, 1, u2p, NULL, NULL, v2p, NULL};
        assert_int_equal(es_statset_add(r->p2, &seg), 0);
    }
    assert_int_equal(es_statset_emit(r->p2, &r->res), 0);
    const es_res_array *rows = es_results_find(&r->res, "/sensitivity/rank_rows");
    const uint64_t *nr = rows->data;
    size_t fin[3] = {0, 0, 0};
    for (size_t k = 0; k < n; k++) {
        fin[0] += ubuf[2][k] >= 0.1;
        fin[1]++;
        fin[2] += ubuf[3][k] <= 0.95;
    }
    for (int o = 0; o < 3; o++)
        assert_true(nr[o] == fin[o]);
    const void *sk = es_statset_find(r->p1, &es_stat_sketch);
    const size_t M = (size_t)floor(cbrt(5000.0)); /* 17 classes */
    const char *in[d] = {"valuation_usd", "investment_usd", "chip_share", "burn_usd_per_quarter"};
    static double U[d][n], R[n], Y[n], res_u[n], res_r[n];
    for (int o = 0; o < 3; o++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++) {
            double y = vbuf[d + o][k];
            if (!isfinite(y)) continue;
            for (int j = 0; j < d; j++)
                U[j][m] = ubuf[j][k];
            R[m] = es_stat_sketch_cdf(sk, p, 0, (size_t)d + (size_t)o, y);
            Y[m++] = y;
        }
        const char *out = es_plan_var_name(p, (size_t)d + (size_t)o);
        for (int j = 0; j < d; j++) {
            double rho = pearson(U[j], R, m);
            assert_true(fabs(stat(r, "spearman", out, in[j]) - rho) < 1e-7);
            double *others[d - 1];
            for (int i = 0, t = 0; i < d; i++)
                if (i != j) others[t++] = U[i];
            residual(others, d - 1, U[j], m, res_u);
            residual(others, d - 1, R, m, res_r);
            assert_true(fabs(stat(r, "prcc", out, in[j]) - pearson(res_u, res_r, m)) < 1e-7);
            assert_true(fabs(stat(r, "first_order", out, in[j]) - first_order(U[j], Y, m, M)) <
                        1e-7);
        }
    }
    /* y0 rises with u0 and u1: positive */
    assert_true(stat(r, "prcc", es_plan_var_name(p, d), "valuation_usd") > 0.5);
    /* a constant output: NaN */
    assert_true(isnan(stat(r, "spearman", es_plan_var_name(p, d + 3), "valuation_usd")));
    assert_true(isnan(stat(r, "first_order", es_plan_var_name(p, d + 3), "chip_share")));
    run_free(r);
}

/* A scan of two electricity prices: every result gains the scan dimension
 * in front, each cell has its own sketches and indices.  The energy cost is
 * proportional to the price, and 160/40 = 2^2 shifts the sketch's buckets by
 * exactly two octaves, so its ranks, Spearman and PRCC are the same bits in
 * both cells, and its quantiles scale by 4 up to the sketch's accuracy. */
static void test_scan(void **state)
{
    (void)state;
    const char *job = "[sweep]\nmodel = compute_economics\nsamples = 3000\nseed = 8\nchunk = 700\n"
                      "[investment_usd]\ndist = uniform\nlow = 1.0e10\nhigh = 2.5e10\n"
                      "[chip_share]\ndist = uniform\nlow = 0.3\nhigh = 0.7\n"
                      "[mfu]\ndist = uniform\nlow = 0.3\nhigh = 0.45\n";
    run *r = load_job(job);
    int pe = -1;
    for (size_t i = 0; i < r->job.model->n_inputs; i++)
        if (!strcmp(r->job.model->inputs[i].name, "electricity_usd_per_mwh")) pe = (int)i;
    assert_true(pe >= 0);
    r->job.n_scan = 1;
    r->job.scan[0].input = pe;
    r->job.scan[0].n = 2;
    r->job.scan[0].values = malloc(2 * sizeof(double));
    r->job.scan[0].values[0] = 40;
    r->job.scan[0].values[1] = 160;
    prepare(r, 0);
    const es_plan *p = &r->plan;
    assert_true(p->cells == 2 && p->rows == 6000);
    pass1(r);
    pass2(r, 700);
    const char *scan = "/scan/electricity_usd_per_mwh";
    const es_res_array *q = es_results_find(&r->res, "/summary/quantiles");
    assert_true(q->rank == 3 && q->dims[0] == 2 && !strcmp(q->dimnames[0], scan));
    const es_res_array *sp = es_results_find(&r->res, "/sensitivity/spearman");
    const es_res_array *pr = es_results_find(&r->res, "/sensitivity/prcc");
    assert_true(sp->rank == 3 && sp->dims[0] == 2 && !strcmp(sp->dimnames[0], scan));
    assert_true(pr->rank == 3 && !strcmp(pr->dimnames[1], "/sensitivity/output"));
    const char *e = "energy_cost_usd_per_year";
    int f0, f1;
    for (size_t j = 0; j < p->d; j++) {
        const char *in = es_plan_var_name(p, j);
        double a = es_verify_lookup(p, &r->res, "spearman", e, in, 0, &f0);
        double b = es_verify_lookup(p, &r->res, "spearman", e, in, 1, &f1);
        assert_true(f0 && f1 && a == b);
        a = es_verify_lookup(p, &r->res, "prcc", e, in, 0, &f0);
        b = es_verify_lookup(p, &r->res, "prcc", e, in, 1, &f1);
        assert_true(a == b);
        a = es_verify_lookup(p, &r->res, "first_order", e, in, 0, &f0);
        b = es_verify_lookup(p, &r->res, "first_order", e, in, 1, &f1);
        assert_true(fabs(a - b) < 1e-9);
    }
    /* more chips with a larger investment: more energy */
    assert_true(es_verify_lookup(p, &r->res, "prcc", e, "investment_usd", 1, &f1) > 0.8);
    const char *qs[] = {"p05", "p50", "p95"};
    for (int k = 0; k < 3; k++) {
        double a = es_verify_lookup(p, &r->res, qs[k], e, "", 0, &f0);
        double b = es_verify_lookup(p, &r->res, qs[k], e, "", 1, &f1);
        assert_true(f0 && f1 && fabs(b / (4 * a) - 1) < 2 * ES_SKETCH_ALPHA);
    }
    /* the histogram of each cell holds that cell's rows; the sketch lists both cells */
    const es_res_array *hc = es_results_find(&r->res, "/summary/investment_usd/histogram_counts");
    const es_res_array *hb = es_results_find(&r->res, "/summary/investment_usd/histogram_below");
    const es_res_array *ha = es_results_find(&r->res, "/summary/investment_usd/histogram_above");
    assert_true(hc->rank == 2 && hc->dims[0] == 2 && hc->dims[1] == 40);
    for (int c = 0; c < 2; c++) {
        uint64_t tot = ((uint64_t *)hb->data)[c] + ((uint64_t *)ha->data)[c];
        for (int i = 0; i < 40; i++)
            tot += ((uint64_t *)hc->data)[c * 40 + i];
        assert_true(tot == 3000);
    }
    const es_res_array *cell = es_results_find(&r->res, "/summary/investment_usd/sketch_cell");
    const es_res_array *cnt = es_results_find(&r->res, "/summary/investment_usd/sketch_count");
    uint64_t per[2] = {0, 0};
    for (uint64_t i = 0; i < cell->dims[0]; i++)
        per[((uint64_t *)cell->data)[i]] += ((uint64_t *)cnt->data)[i];
    assert_true(per[0] == 3000 && per[1] == 3000);
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami),       cmocka_unit_test(test_grouping),
        cmocka_unit_test(test_tiles_mixed),    cmocka_unit_test(test_sobol_g),
        cmocka_unit_test(test_prcc_artefact),  cmocka_unit_test(test_sketch_cdf_helper),
        cmocka_unit_test(test_nonfinite_rows), cmocka_unit_test(test_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
