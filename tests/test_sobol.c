/* tests/test_sobol.c: Sobol indices from Saltelli evaluations built here:
 * Ishigami and a 5-dimensional Sobol G against their analytic indices (with
 * the reported standard errors), the formulas and the batch means against
 * a direct recomputation, byte-identical states for any cutting of the rows,
 * the shift by the anchor, and rows with NaN outputs.
 *
 * The evaluations follow the saltelli design's layout: base point i has
 * A_i = (u_0 .. u_{d-1}), B_i = (u_d .. u_{2d-1}) of one 2d-dimensional
 * Philox point (mc, rng.h); row i holds f(A_i), f(B_i), f(AB_1,i) ..
 * f(AB_d,i) at y[i*(d+2) + e], AB_j being A with column j taken from B. */
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
#include "model_testfn.h"
#include "pipe.h"
#include "plan.h"
#include "rng.h"
#include "stats.h"
#include "verify.h"

#define NBASE 65536 /* base points, 2^16 */
#define MAXD 5

/* Until the saltelli design is in the table: a stand-in with its name and
 * its d + 2 evaluations per point (what es_stat_sobol looks at). */
static size_t salt_evals(size_t d)
{
    return d + 2;
}
static const es_design_type fake_saltelli = {.name = "saltelli", .evals = salt_evals};

static const char *ishigami_job = "[sweep]\nmodel = ishigami\nsamples = 65536\n"
                                  "[x1]\ndist = uniform\nlow = -3.141592653589793\n"
                                  "high = 3.141592653589793\n"
                                  "[x2]\ndist = uniform\nlow = -3.141592653589793\n"
                                  "high = 3.141592653589793\n"
                                  "[x3]\ndist = uniform\nlow = -3.141592653589793\n"
                                  "high = 3.141592653589793\n";
static const char *g_job = "[sweep]\nmodel = sobol_g\nsamples = 65536\n"
                           "[x1]\ndist = uniform\nlow = 0\nhigh = 1\n"
                           "[x2]\ndist = uniform\nlow = 0\nhigh = 1\n"
                           "[x3]\ndist = uniform\nlow = 0\nhigh = 1\n"
                           "[x4]\ndist = uniform\nlow = 0\nhigh = 1\n"
                           "[x5]\ndist = uniform\nlow = 0\nhigh = 1\n";

typedef struct {
    es_job job;
    es_plan plan;
    size_t d, E;
    uint64_t N;
    double *y;        /* [N * E] */
    double anchor[8]; /* [nvars]: the output's at point 0 */
    es_stat_ctx ctx;
} fixture;

static double ishigami(const double *u)
{
    double x1 = -M_PI + 2 * M_PI * u[0], x2 = -M_PI + 2 * M_PI * u[1];
    double x3 = -M_PI + 2 * M_PI * u[2];
    return sin(x1) + 7 * sin(x2) * sin(x2) + 0.1 * pow(x3, 4) * sin(x1);
}

static const double g_a[MAXD] = {0, 1, 4.5, 9, 99};
static double sobol_g5(const double *u)
{
    double y = 1;
    for (int i = 0; i < MAXD; i++)
        y *= (fabs(4 * u[i] - 2) + g_a[i]) / (1 + g_a[i]);
    return y;
}

/* The Saltelli evaluations of f at N base points into f->y. */
static void evaluate(fixture *f, double (*fn)(const double *), uint64_t seed)
{
    const size_t d = f->d, E = f->E;
    for (uint64_t i = 0; i < f->N; i++) {
        double a[MAXD], b[MAXD], ab[MAXD];
        for (size_t j = 0; j < d; j++) {
            a[j] = es_rng_uniform(seed, (uint32_t)j, i);
            b[j] = es_rng_uniform(seed, (uint32_t)(d + j), i);
        }
        f->y[i * E] = fn(a);
        f->y[i * E + 1] = fn(b);
        for (size_t j = 0; j < d; j++) {
            memcpy(ab, a, sizeof ab);
            ab[j] = b[j];
            f->y[i * E + 2 + j] = fn(ab);
        }
    }
}

static fixture *make(const char *text, uint64_t N)
{
    fixture *f = calloc(1, sizeof *f);
    es_job_mem_file files[] = {{"t.ini", text, strlen(text)}, {NULL, NULL, 0}};
    char err[1024];
    if (es_job_load_with(&f->job, "t.ini", es_job_mem_reader, files, err, sizeof err)) {
        fprintf(stderr, "%s", err);
        free(f);
        return NULL;
    }
    f->job.samples = N;
    if (es_plan_init(&f->plan, &f->job, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        free(f);
        return NULL;
    }
    /* what the plan of a saltelli job holds */
    f->plan.design = &fake_saltelli;
    f->plan.evals = f->plan.d + 2;
    f->d = f->plan.d;
    f->E = f->plan.evals;
    f->N = N;
    f->y = malloc(N * f->E * sizeof *f->y);
    f->ctx.anchor = f->anchor;
    return f;
}

static void drop(fixture *f)
{
    es_job_free(&f->job);
    free(f->y);
    free(f);
}

static void set_anchor(fixture *f, double k)
{
    for (size_t v = 0; v < f->plan.nvars; v++)
        f->anchor[v] = k;
}

/* rows [first, first+n) of cell 0 as one segment */
static void add_rows(void *st, fixture *f, const double *y, uint64_t first, size_t n)
{
    const double *yy[1] = {y + first * f->E};
    es_seg seg = {first, n, 0, first, f->E, NULL, NULL, yy, NULL, NULL};
    assert_int_equal(es_stat_sobol.add(st, &f->plan, &seg), 0);
}

static unsigned char *pack(const void *st, fixture *f, size_t *n)
{
    *n = es_stat_sobol.pack_size(st, &f->plan);
    unsigned char *b = malloc(*n);
    es_stat_sobol.pack(st, &f->plan, b);
    return b;
}

typedef struct {
    double first[MAXD], first_se[MAXD], first_lo[MAXD], first_hi[MAXD];
    double total[MAXD], total_se[MAXD], total_lo[MAXD], total_hi[MAXD];
    double skipped;
} indices;

static void get(const es_results *r, const char *name, size_t d, double *out)
{
    char path[ES_RES_PATHMAX];
    snprintf(path, sizeof path, "/sensitivity/%s", name);
    const es_res_array *a = es_results_find(r, path);
    assert_non_null(a);
    assert_int_equal(a->rank, 2);
    assert_int_equal(a->dims[1], d);
    assert_string_equal(a->dimnames[0], "/sensitivity/output");
    assert_string_equal(a->dimnames[1], "/sensitivity/input");
    memcpy(out, a->data, d * sizeof *out);
}

static indices emit(const void *st, fixture *f)
{
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_stat_sobol.emit(st, &f->plan, &r), 0);
    indices ix;
    size_t d = f->d;
    get(&r, "sobol_first", d, ix.first);
    get(&r, "sobol_first_se", d, ix.first_se);
    get(&r, "sobol_first_lo", d, ix.first_lo);
    get(&r, "sobol_first_hi", d, ix.first_hi);
    get(&r, "sobol_total", d, ix.total);
    get(&r, "sobol_total_se", d, ix.total_se);
    get(&r, "sobol_total_lo", d, ix.total_lo);
    get(&r, "sobol_total_hi", d, ix.total_hi);
    const es_res_attr *sk =
        es_res_attr_find(es_results_find(&r, "/sensitivity/sobol_first"), "skipped_rows");
    assert_non_null(sk);
    ix.skipped = sk->num;
    es_results_free(&r);
    return ix;
}

/* Each index within tol of the truth and within 4 of its standard errors;
 * the interval is the estimate -+ t(0.975, 31) se. */
static void check_truth(const indices *ix, size_t d, const double *first, const double *total,
                        double tol)
{
    const double t31 = 2.0395134463964077; /* scipy.stats.t.ppf(0.975, 31) */
    for (size_t j = 0; j < d; j++) {
        printf("    x%zu: first %.4f (truth %.4f, se %.4f)  total %.4f (truth %.4f, se %.4f)\n",
               j + 1, ix->first[j], first[j], ix->first_se[j], ix->total[j], total[j],
               ix->total_se[j]);
        assert_true(fabs(ix->first[j] - first[j]) < tol);
        assert_true(fabs(ix->total[j] - total[j]) < tol);
        assert_true(ix->first_se[j] > 0 && ix->total_se[j] >= 0);
        assert_true(fabs(ix->first[j] - first[j]) < 4 * ix->first_se[j]);
        assert_true(fabs(ix->total[j] - total[j]) < 4 * ix->total_se[j] + 1e-12);
        assert_true(fabs(ix->first_hi[j] - ix->first[j] - t31 * ix->first_se[j]) < 1e-12);
        assert_true(fabs(ix->first[j] - ix->first_lo[j] - t31 * ix->first_se[j]) < 1e-12);
        assert_true(fabs(ix->total_hi[j] - ix->total[j] - t31 * ix->total_se[j]) < 1e-12);
    }
}

/* Ishigami (a = 7, b = 0.1): S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424,
 * 0.2437); D = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, D1 = (1 + b pi^4/5)^2/2,
 * D2 = a^2/8, D13 = b^2 pi^8 (1/18 - 1/50) (Ishigami & Homma 1990). */
static void test_ishigami(void **state)
{
    (void)state;
    fixture *f = make(ishigami_job, NBASE);
    assert_non_null(f);
    evaluate(f, ishigami, 20240601);
    set_anchor(f, f->y[0]);
    const double a = 7, b = 0.1, p4 = pow(M_PI, 4), p8 = pow(M_PI, 8);
    const double D = a * a / 8 + b * p4 / 5 + b * b * p8 / 18 + 0.5;
    const double D1 = pow(1 + b * p4 / 5, 2) / 2, D2 = a * a / 8;
    const double D13 = b * b * p8 * (1.0 / 18 - 1.0 / 50);
    const double first[3] = {D1 / D, D2 / D, 0}, total[3] = {(D1 + D13) / D, D2 / D, D13 / D};
    assert_true(fabs(first[0] - 0.3139) < 1e-4 && fabs(total[2] - 0.2437) < 1e-4);
    void *st = es_stat_sobol.create(&f->plan, &f->ctx);
    assert_non_null(st);
    add_rows(st, f, f->y, 0, f->N);
    indices ix = emit(st, f);
    check_truth(&ix, 3, first, total, 0.02);
    assert_true(ix.skipped == 0);
    es_stat_sobol.destroy(st);
    drop(f);
}

/* Sobol G, a = (0, 1, 4.5, 9, 99): V_i = 1/(3 (1 + a_i)^2), V = prod (1 + V_i) - 1,
 * S_i = V_i / V, ST_i = V_i prod_{k != i} (1 + V_k) / V (Saltelli & Sobol 1995). */
static void test_sobol_g(void **state)
{
    (void)state;
    fixture *f = make(g_job, NBASE);
    assert_non_null(f);
    assert_int_equal(f->d, 5);
    evaluate(f, sobol_g5, 77);
    set_anchor(f, f->y[0]);
    double Vi[MAXD], V = 1, first[MAXD], total[MAXD];
    for (int i = 0; i < MAXD; i++) {
        Vi[i] = 1 / (3 * (1 + g_a[i]) * (1 + g_a[i]));
        V *= 1 + Vi[i];
    }
    V -= 1;
    for (int i = 0; i < MAXD; i++) {
        double p = 1;
        for (int k = 0; k < MAXD; k++)
            if (k != i) p *= 1 + Vi[k];
        first[i] = Vi[i] / V;
        total[i] = Vi[i] * p / V;
    }
    void *st = es_stat_sobol.create(&f->plan, &f->ctx);
    add_rows(st, f, f->y, 0, f->N);
    indices ix = emit(st, f);
    check_truth(&ix, MAXD, first, total, 0.02);
    es_stat_sobol.destroy(st);
    drop(f);
}

/* The estimates and batch-means errors recomputed here, in long double and
 * plain loops, for N = 1000 (blocks of 31 and 32 points). */
static void test_formulas(void **state)
{
    (void)state;
    enum { N = 1000, B = 32 };
    fixture *f = make(ishigami_job, N);
    assert_non_null(f);
    evaluate(f, ishigami, 5);
    const double K = f->y[0];
    set_anchor(f, K);
    void *st = es_stat_sobol.create(&f->plan, &f->ctx);
    add_rows(st, f, f->y, 0, 517);
    add_rows(st, f, f->y, 517, N - 517);
    indices ix = emit(st, f);
    const size_t E = f->E;
    /* sums per block: n, sum f, sum f^2 (A and B), first and total terms */
    long double n[B] = {0}, s1[B] = {0}, s2[B] = {0}, pj[B][3] = {{0}}, qj[B][3] = {{0}};
    for (int i = 0; i < N; i++) {
        int b = i * B / N;
        const double *y = f->y + (size_t)i * E;
        n[b]++;
        s1[b] += (long double)y[0] + y[1];
        s2[b] += (long double)y[0] * y[0] + (long double)y[1] * y[1];
        for (int j = 0; j < 3; j++) {
            pj[b][j] += ((long double)y[1] - K) * ((long double)y[2 + j] - y[0]);
            qj[b][j] += ((long double)y[0] - y[2 + j]) * ((long double)y[0] - y[2 + j]);
        }
    }
    long double tn = 0, t1 = 0, t2 = 0, tp[3] = {0}, tq[3] = {0};
    long double bs[B][3], bt[B][3];
    for (int b = 0; b < B; b++) {
        assert_true(n[b] == 31 || n[b] == 32);
        tn += n[b];
        t1 += s1[b];
        t2 += s2[b];
        long double vb = (s2[b] - s1[b] * s1[b] / (2 * n[b])) / (2 * n[b] - 1);
        for (int j = 0; j < 3; j++) {
            tp[j] += pj[b][j];
            tq[j] += qj[b][j];
            bs[b][j] = pj[b][j] / n[b] / vb;
            bt[b][j] = qj[b][j] / (2 * n[b]) / vb;
        }
    }
    long double V = (t2 - t1 * t1 / (2 * tn)) / (2 * tn - 1);
    for (int j = 0; j < 3; j++) {
        double S = (double)(tp[j] / tn / V), ST = (double)(tq[j] / (2 * tn) / V);
        long double ms = 0, mt = 0, vs = 0, vt = 0;
        for (int b = 0; b < B; b++) {
            ms += bs[b][j] / B;
            mt += bt[b][j] / B;
        }
        for (int b = 0; b < B; b++) {
            vs += (bs[b][j] - ms) * (bs[b][j] - ms);
            vt += (bt[b][j] - mt) * (bt[b][j] - mt);
        }
        double se_s = (double)sqrtl(vs / (B - 1) / B), se_t = (double)sqrtl(vt / (B - 1) / B);
        assert_true(fabs(ix.first[j] - S) < 1e-12);
        assert_true(fabs(ix.total[j] - ST) < 1e-12);
        assert_true(fabs(ix.first_se[j] / se_s - 1) < 1e-9);
        assert_true(fabs(ix.total_se[j] / se_t - 1) < 1e-9);
    }
    es_stat_sobol.destroy(st);
    drop(f);
}

/* Rows cut into chunks of 1000 (as a plan cuts them) and grouped into
 * states three ways: all in one state, one state per chunk merged in
 * order, and three "ranks" taking every third chunk, merged backwards: the
 * same bytes.  Another cutting (chunks of 4099, or one segment) sums in
 * another order within a chunk: the same indices to rounding. */
static void test_groupings(void **state)
{
    (void)state;
    enum { CH = 1000 };
    fixture *f = make(ishigami_job, NBASE);
    evaluate(f, ishigami, 11);
    set_anchor(f, f->y[0]);
    const size_t nch = (size_t)((f->N + CH - 1) / CH);
    void *one = es_stat_sobol.create(&f->plan, &f->ctx);
    void *fwd = es_stat_sobol.create(&f->plan, &f->ctx);
    void *bwd = es_stat_sobol.create(&f->plan, &f->ctx);
    void *rank[3];
    for (int k = 0; k < 3; k++)
        rank[k] = es_stat_sobol.create(&f->plan, &f->ctx);
    for (size_t c = 0; c < nch; c++) {
        uint64_t first = c * CH;
        size_t n = first + CH <= f->N ? CH : (size_t)(f->N - first);
        add_rows(one, f, f->y, first, n);
        add_rows(rank[c % 3], f, f->y, first, n);
        void *part = es_stat_sobol.create(&f->plan, &f->ctx);
        add_rows(part, f, f->y, first, n);
        size_t bn;
        unsigned char *b = pack(part, f, &bn);
        assert_int_equal(es_stat_sobol.merge_packed(fwd, &f->plan, b, bn), 0);
        free(b);
        es_stat_sobol.destroy(part);
    }
    for (int k = 2; k >= 0; k--) {
        size_t bn;
        unsigned char *b = pack(rank[k], f, &bn);
        assert_int_equal(es_stat_sobol.merge_packed(bwd, &f->plan, b, bn), 0);
        free(b);
        es_stat_sobol.destroy(rank[k]);
    }
    size_t n0, n1, n2;
    unsigned char *b0 = pack(one, f, &n0), *b1 = pack(fwd, f, &n1), *b2 = pack(bwd, f, &n2);
    assert_int_equal(n0, n1);
    assert_int_equal(n0, n2);
    assert_memory_equal(b0, b1, n0);
    assert_memory_equal(b0, b2, n0);
    /* damaged bytes are refused */
    assert_int_not_equal(es_stat_sobol.merge_packed(fwd, &f->plan, b1, n1 - 1), 0);
    free(b0);
    free(b1);
    free(b2);
    indices ref = emit(one, f);
    const size_t cut[2] = {4099, (size_t)NBASE};
    for (int g = 0; g < 2; g++) {
        void *st = es_stat_sobol.create(&f->plan, &f->ctx);
        for (uint64_t first = 0; first < f->N; first += cut[g])
            add_rows(st, f, f->y, first, first + cut[g] <= f->N ? cut[g] : (size_t)(f->N - first));
        indices ix = emit(st, f);
        for (int j = 0; j < 3; j++) {
            assert_true(fabs(ix.first[j] - ref.first[j]) < 1e-13);
            assert_true(fabs(ix.total[j] - ref.total[j]) < 1e-13);
            assert_true(fabs(ix.first_se[j] - ref.first_se[j]) < 1e-13);
        }
        es_stat_sobol.destroy(st);
    }
    es_stat_sobol.destroy(one);
    es_stat_sobol.destroy(fwd);
    es_stat_sobol.destroy(bwd);
    drop(f);
}

/* An output with a mean of 1e6: with the anchor the indices are those of
 * the unshifted function to rounding; without it (K = 0) the first-order
 * estimator keeps its expectation but its standard error grows by orders
 * of magnitude. */
static void test_shift(void **state)
{
    (void)state;
    fixture *f = make(ishigami_job, 8192);
    evaluate(f, ishigami, 3);
    set_anchor(f, f->y[0]);
    void *st = es_stat_sobol.create(&f->plan, &f->ctx);
    add_rows(st, f, f->y, 0, f->N);
    indices ref = emit(st, f);
    es_stat_sobol.destroy(st);
    for (uint64_t i = 0; i < f->N * f->E; i++)
        f->y[i] += 1e6;
    set_anchor(f, f->y[0]);
    st = es_stat_sobol.create(&f->plan, &f->ctx);
    add_rows(st, f, f->y, 0, f->N);
    indices sh = emit(st, f);
    es_stat_sobol.destroy(st);
    set_anchor(f, 0);
    st = es_stat_sobol.create(&f->plan, &f->ctx);
    add_rows(st, f, f->y, 0, f->N);
    indices raw = emit(st, f);
    es_stat_sobol.destroy(st);
    for (int j = 0; j < 3; j++) {
        assert_true(fabs(sh.first[j] - ref.first[j]) < 1e-7);
        assert_true(fabs(sh.total[j] - ref.total[j]) < 1e-7);
        assert_true(fabs(sh.first_se[j] - ref.first_se[j]) < 1e-7);
        assert_true(raw.first_se[j] > 1000 * ref.first_se[j]);
        printf("    x%d: first %.3e, se %.3e unshifted; %.3e, se %.3e shifted; total %.3e apart\n",
               j + 1, raw.first[j], raw.first_se[j], sh.first[j], sh.first_se[j],
               raw.total[j] - ref.total[j]);
        /* Jansen's term needs no shift; V without it squares values of 1e6 and
         * keeps only about six digits */
        assert_true(fabs(raw.total[j] - ref.total[j]) < 1e-5);
    }
    drop(f);
}

/* Rows with a NaN or infinite output in any evaluation are skipped and
 * counted; the indices equal those of the other rows alone (to rounding:
 * those are summed in other segments). */
static void test_nan_rows(void **state)
{
    (void)state;
    fixture *f = make(ishigami_job, 4096);
    evaluate(f, ishigami, 9);
    set_anchor(f, f->y[0]);
    const uint64_t bad[4] = {7, 1000, 1001, 4095};
    f->y[bad[0] * f->E + 0] = NAN;
    f->y[bad[1] * f->E + 4] = NAN;
    f->y[bad[2] * f->E + 1] = INFINITY;
    f->y[bad[3] * f->E + 2] = NAN;
    void *st = es_stat_sobol.create(&f->plan, &f->ctx);
    add_rows(st, f, f->y, 0, f->N);
    indices all = emit(st, f);
    void *clean = es_stat_sobol.create(&f->plan, &f->ctx);
    uint64_t from = 0;
    for (int k = 0; k < 4; k++) {
        if (bad[k] > from) add_rows(clean, f, f->y, from, (size_t)(bad[k] - from));
        from = bad[k] + 1;
    }
    if (from < f->N) add_rows(clean, f, f->y, from, (size_t)(f->N - from));
    indices ok = emit(clean, f);
    assert_true(all.skipped == 4 && ok.skipped == 0);
    for (int j = 0; j < 3; j++) {
        assert_true(isfinite(all.first[j]) && fabs(all.first[j] - ok.first[j]) < 1e-13);
        assert_true(fabs(all.total[j] - ok.total[j]) < 1e-13);
        assert_true(fabs(all.total_se[j] - ok.total_se[j]) < 1e-13);
    }
    es_stat_sobol.destroy(st);
    es_stat_sobol.destroy(clean);
    drop(f);
}

/* Computed only for the saltelli design; coordinates made by another
 * statistic (rank) are kept, not added twice; [verify] finds the values. */
static void test_set_and_coords(void **state)
{
    (void)state;
    fixture *f = make(ishigami_job, 2048);
    evaluate(f, ishigami, 1);
    set_anchor(f, f->y[0]);
    const es_design_type *mc = f->job.design;
    f->plan.design = mc;
    f->plan.evals = 1;
    es_statset *ss = es_statset_new(&f->plan, 1, &f->ctx);
    assert_null(es_statset_find(ss, &es_stat_sobol));
    es_statset_free(ss);
    f->plan.design = &fake_saltelli;
    f->plan.evals = f->d + 2;
    ss = es_statset_new(&f->plan, 1, &f->ctx);
    assert_non_null(es_statset_find(ss, &es_stat_sobol));
    /* rows through the set: v holds the stored (A) evaluation */
    double *v[4];
    for (int k = 0; k < 4; k++)
        v[k] = malloc(f->N * sizeof(double));
    for (uint64_t i = 0; i < f->N; i++)
        for (int k = 0; k < 4; k++)
            v[k][i] = f->y[i * f->E]; /* only the output's column matters here */
    const double *yy[1] = {f->y};
    es_seg seg = {0, f->N, 0, 0, f->E, NULL, NULL, yy, (const double *const *)v, NULL};
    assert_int_equal(es_statset_add(ss, &seg), 0);
    es_results r;
    es_results_init(&r);
    const char *outs[1] = {"y"}, *ins[3] = {"x1", "x2", "x3"};
    es_results_coord_str(&r, "/sensitivity/output", 1, outs);
    es_results_coord_str(&r, "/sensitivity/input", 3, ins);
    assert_int_equal(es_statset_emit(ss, &r), 0);
    int coords = 0;
    for (size_t i = 0; i < r.n; i++)
        coords += strcmp(r.a[i]->path, "/sensitivity/input") == 0;
    assert_int_equal(coords, 1);
    const es_res_array *a = es_results_find(&r, "/sensitivity/sobol_total");
    assert_string_equal(es_res_attr_find(a, "rows")->str, "y");
    assert_string_equal(es_res_attr_find(a, "columns")->str, "x1 x2 x3");
    int found = 0;
    double st2 = es_verify_lookup(&f->plan, &r, "sobol_first", "y", "x2", 0, &found);
    assert_true(found &&
                st2 == ((const double *)es_results_find(&r, "/sensitivity/sobol_first")->data)[1]);
    double se = es_verify_lookup(&f->plan, &r, "sobol_total_se", "y", "x3", 0, &found);
    assert_true(found && se > 0);
    es_results_free(&r);
    es_results_init(&r); /* without them, the statistic makes its own */
    assert_int_equal(es_statset_emit(ss, &r), 0);
    assert_non_null(es_results_find(&r, "/sensitivity/input"));
    assert_int_equal(es_res_label(&r, "/sensitivity/input", "x3"), 2);
    es_results_free(&r);
    for (int k = 0; k < 4; k++)
        free(v[k]);
    es_statset_free(ss);
    drop(f);
}

/* A stand-in saltelli design with Philox base points, in the layout of the
 * design's contract, for a run through the real pipeline. */
static void salt_points(void *state, const es_design_cfg *cfg, uint64_t first, size_t n,
                        double *const *u)
{
    (void)state;
    const size_t d = cfg->dim, E = d + 2;
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < d; j++) {
            double a = es_rng_uniform(cfg->seed, (uint32_t)j, first + k);
            double b = es_rng_uniform(cfg->seed, (uint32_t)(d + j), first + k);
            u[j][k * E] = a;
            u[j][k * E + 1] = b;
            for (size_t m = 0; m < d; m++)
                u[j][k * E + 2 + m] = m == j ? b : a;
        }
}
static const es_design_type pipe_saltelli = {
    .name = "saltelli", .evals = salt_evals, .points = salt_points};

static void set_verify(es_verify *v, const char *stat, const char *b, double value, double tol)
{
    snprintf(v->stat, sizeof v->stat, "%s", stat);
    snprintf(v->text, sizeof v->text, "%s(y, %s) = %g +- %g", stat, b, value, tol);
    snprintf(v->a, sizeof v->a, "y");
    snprintf(v->b, sizeof v->b, "%s", b);
    v->value = value;
    v->tol = tol;
}

/* A run of the Ishigami job through the pipeline with chunks of `chunk`
 * rows, chunk c into set c % ranks, the sets merged backwards into one;
 * its packed bytes and its results. */
static unsigned char *run_pipe(fixture *f, uint64_t chunk, int ranks, size_t *len, es_results *r)
{
    f->job.chunk = chunk;
    f->job.seed = 4;
    char err[256];
    assert_int_equal(es_plan_init(&f->plan, &f->job, err, sizeof err), 0);
    f->plan.design = &pipe_saltelli;
    f->plan.evals = f->d + 2;
    f->plan.evaluations = f->plan.rows * f->plan.evals;
    es_pipe *pp = es_pipe_new(&f->plan, err, sizeof err);
    assert_non_null(pp);
    double *anchors = es_pipe_anchors(pp);
    assert_non_null(anchors);
    es_stat_ctx ctx = {NULL, anchors};
    es_statset *ss[3], *all = es_statset_new(&f->plan, 1, &ctx);
    for (int k = 0; k < ranks; k++)
        ss[k] = es_statset_new(&f->plan, 1, &ctx);
    assert_non_null(es_statset_find(all, &es_stat_sobol));
    for (uint64_t c = 0; c < f->plan.nchunks; c++)
        assert_int_equal(es_pipe_run(pp, es_plan_chunk_first(&f->plan, c),
                                     es_plan_chunk_len(&f->plan, c), ss[c % (uint64_t)ranks]),
                         0);
    for (int k = ranks - 1; k >= 0; k--) {
        size_t n = es_statset_pack_size(ss[k]);
        unsigned char *b = malloc(n);
        es_statset_pack(ss[k], b);
        assert_int_equal(es_statset_merge_packed(all, b, n), 0);
        free(b);
        es_statset_free(ss[k]);
    }
    *len = es_statset_pack_size(all);
    unsigned char *bytes = malloc(*len);
    es_statset_pack(all, bytes);
    es_results_init(r);
    assert_int_equal(es_statset_emit(all, r), 0);
    es_statset_free(all);
    free(anchors);
    es_pipe_free(pp);
    return bytes;
}

/* The pipeline's segments (design -> distributions -> model, anchors from
 * es_pipe_anchors): one rank and three ranks give the same bytes (moments
 * and sobol), another chunk size the same indices to rounding, and
 * [verify] passes on the answers and fails on a wrong one. */
static void test_through_pipe(void **state)
{
    (void)state;
    fixture *f = make(ishigami_job, NBASE);
    assert_non_null(f);
    size_t n1, n3, n4;
    es_results r1, r3, r4;
    unsigned char *b1 = run_pipe(f, 1000, 1, &n1, &r1);
    unsigned char *b3 = run_pipe(f, 1000, 3, &n3, &r3);
    assert_int_equal(n1, n3);
    assert_memory_equal(b1, b3, n1);
    unsigned char *b4 = run_pipe(f, 4096, 2, &n4, &r4);
    const char *stats[4] = {"sobol_first", "sobol_total", "sobol_first_se", "sobol_total_hi"};
    for (int k = 0; k < 4; k++)
        for (int j = 0; j < 3; j++) {
            const char *in[3] = {"x1", "x2", "x3"};
            int found1 = 0, found4 = 0;
            double v1 = es_verify_lookup(&f->plan, &r1, stats[k], "y", in[j], 0, &found1);
            double v4 = es_verify_lookup(&f->plan, &r4, stats[k], "y", in[j], 0, &found4);
            assert_true(found1 && found4 && fabs(v1 - v4) < 1e-13);
        }
    es_verify *v = f->job.verify;
    set_verify(&v[0], "sobol_first", "x1", 0.3139, 0.02);
    set_verify(&v[1], "sobol_first", "x2", 0.4424, 0.02);
    set_verify(&v[2], "sobol_first", "x3", 0, 0.02);
    set_verify(&v[3], "sobol_total", "x1", 0.5576, 0.02);
    set_verify(&v[4], "sobol_total", "x2", 0.4424, 0.02);
    set_verify(&v[5], "sobol_total", "x3", 0.2437, 0.02);
    f->job.n_verify = 6;
    char msg[2048];
    int failed = es_verify_check(&f->job, &f->plan, &r1, msg, sizeof msg);
    printf("%s", msg);
    assert_int_equal(failed, 0);
    set_verify(&v[6], "sobol_total", "x3", 0.3, 0.02);
    f->job.n_verify = 7;
    assert_int_equal(es_verify_check(&f->job, &f->plan, &r1, msg, sizeof msg), 1);
    es_results_free(&r1);
    es_results_free(&r3);
    es_results_free(&r4);
    free(b1);
    free(b3);
    free(b4);
    drop(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami),       cmocka_unit_test(test_sobol_g),
        cmocka_unit_test(test_formulas),       cmocka_unit_test(test_groupings),
        cmocka_unit_test(test_shift),          cmocka_unit_test(test_nan_rows),
        cmocka_unit_test(test_set_and_coords), cmocka_unit_test(test_through_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
