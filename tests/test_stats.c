/* tests/test_stats.c: the statistics seam: moments through packed, merged
 * states, order-free merging, and the checksum. */
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
#include "plan.h"
#include "rng.h"
#include "stats.h"
#include "verify.h"

/* A job of the Ishigami model: three uncertain inputs and one output, so
 * the plan has four variables. */
static const char *job_text = "[sweep]\nmodel = ishigami\nsamples = 1000\nchunk = 100\n"
                              "[x1]\ndist = uniform\nlow = -3\nhigh = 3\n"
                              "[x2]\ndist = uniform\nlow = -3\nhigh = 3\n"
                              "[x3]\ndist = uniform\nlow = -3\nhigh = 3\n";

typedef struct {
    es_job job;
    es_plan plan;
    double anchor[4];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    es_job_mem_file files[] = {{"t.ini", job_text, strlen(job_text)}, {NULL, NULL, 0}};
    char err[1024];
    if (es_job_load_with(&f->job, "t.ini", es_job_mem_reader, files, err, sizeof err)) {
        fprintf(stderr, "%s", err);
        return -1;
    }
    if (es_plan_init(&f->plan, &f->job, err, sizeof err)) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    es_job_free(&f->job);
    free(f);
    return 0;
}

/* add x[n] as every one of the four variables */
static void add_col(es_statset *ss, const double *x, size_t n, uint64_t first)
{
    const double *v[4] = {x, x, x, x};
    es_seg seg = {first, n, 0, first, 1, NULL, NULL, NULL, v, NULL};
    assert_int_equal(es_statset_add(ss, &seg), 0);
}

static double stat_of(const es_plan *p, es_statset *ss, const char *stat)
{
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_statset_emit(ss, &r), 0);
    int found = 0;
    double v = es_verify_lookup(p, &r, stat, "y", "", 0, &found);
    assert_true(found);
    es_results_free(&r);
    return v;
}

static void test_known_values(void **state)
{
    fixture *f = *state;
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9, NAN, INFINITY};
    for (int k = 0; k < 4; k++)
        f->anchor[k] = 1000; /* a shift far from the data changes nothing */
    es_stat_ctx ctx = {NULL, f->anchor};
    es_statset *ss = es_statset_new(&f->plan, 1, &ctx);
    assert_non_null(ss);
    add_col(ss, x, 10, 0);
    assert_true(stat_of(&f->plan, ss, "count") == 8);
    assert_true(stat_of(&f->plan, ss, "nan_count") == 1);
    assert_true(stat_of(&f->plan, ss, "inf_count") == 1);
    assert_true(stat_of(&f->plan, ss, "mean") == 5);
    assert_true(fabs(stat_of(&f->plan, ss, "std") - sqrt(32.0 / 7)) < 1e-14);
    assert_true(fabs(stat_of(&f->plan, ss, "stderr") - sqrt(32.0 / 7 / 8)) < 1e-14);
    assert_true(stat_of(&f->plan, ss, "min") == 2 && stat_of(&f->plan, ss, "max") == 9);
    /* Student's t with 7 degrees of freedom: 2.364624 */
    double half = stat_of(&f->plan, ss, "mean_hi") - 5;
    assert_true(fabs(half - 2.364624251592785 * sqrt(32.0 / 7 / 8)) < 1e-12);
    es_statset_free(ss);
}

/* a constant column has exactly its value as mean and no spread */
static void test_constant(void **state)
{
    fixture *f = *state;
    double x[1000];
    for (int i = 0; i < 1000; i++)
        x[i] = 78.82420116105777;
    for (int k = 0; k < 4; k++)
        f->anchor[k] = 3.0;
    es_stat_ctx ctx = {NULL, f->anchor};
    es_statset *ss = es_statset_new(&f->plan, 1, &ctx);
    add_col(ss, x, 1000, 0);
    add_col(ss, x, 333, 1000);
    assert_true(stat_of(&f->plan, ss, "mean") == 78.82420116105777);
    assert_true(stat_of(&f->plan, ss, "std") == 0);
    assert_true(stat_of(&f->plan, ss, "count") == 1333);
    es_statset_free(ss);
}

static unsigned char *pack(es_statset *ss, size_t *n)
{
    *n = es_statset_pack_size(ss);
    unsigned char *b = malloc(*n);
    es_statset_pack(ss, b);
    return b;
}

/* chunks merged in any grouping and order give the same bytes; the result
 * equals one pass to rounding */
static void test_merge_order_free(void **state)
{
    fixture *f = *state;
    enum { n = 10000, chunk = 777 };
    static double x[n];
    for (int i = 0; i < n; i++)
        x[i] = 1e6 + es_rng_uniform(5, 0, (uint64_t)i) * 3;
    for (int k = 0; k < 4; k++)
        f->anchor[k] = x[0];
    es_stat_ctx ctx = {NULL, f->anchor};
    /* forward: one state per chunk, merged in chunk order */
    es_statset *fwd = es_statset_new(&f->plan, 1, &ctx);
    es_statset *bwd = es_statset_new(&f->plan, 1, &ctx);
    es_statset *one = es_statset_new(&f->plan, 1, &ctx);
    add_col(one, x, n, 0);
    int nch = (n + chunk - 1) / chunk;
    for (int pass = 0; pass < 2; pass++)
        for (int t = 0; t < nch; t++) {
            int c = pass == 0 ? t : nch - 1 - t;
            int s = c * chunk, len = s + chunk <= n ? chunk : n - s;
            es_statset *part = es_statset_new(&f->plan, 1, &ctx);
            add_col(part, x + s, (size_t)len, (uint64_t)s);
            size_t bn;
            unsigned char *b = pack(part, &bn);
            assert_int_equal(es_statset_merge_packed(pass == 0 ? fwd : bwd, b, bn), 0);
            free(b);
            es_statset_free(part);
        }
    size_t n1, n2;
    unsigned char *b1 = pack(fwd, &n1), *b2 = pack(bwd, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    /* a damaged state is refused */
    assert_int_not_equal(es_statset_merge_packed(fwd, b1, n1 - 3), 0);
    free(b1);
    free(b2);
    double m = stat_of(&f->plan, fwd, "mean"), m1 = stat_of(&f->plan, one, "mean");
    assert_true(fabs(m - m1) <= 1e-15 * m1);
    double s = stat_of(&f->plan, fwd, "std"), s1 = stat_of(&f->plan, one, "std");
    assert_true(fabs(s / s1 - 1) < 1e-12);
    /* uniform(0,3): variance 0.75 within 4 standard errors */
    assert_true(fabs(s * s - 0.75) < 4 * sqrt(0.75 * 0.75 * 0.8 / n));
    es_statset_free(fwd);
    es_statset_free(bwd);
    es_statset_free(one);
}

/* Zeros of both signs as the least or the greatest value: the merged state
 * has the same bytes in either merge order, and that extreme is +0, on the
 * lanes' path and on the row-order path (a segment with a NaN). */
static void test_signed_zero_extremes(void **state)
{
    fixture *f = *state;
    for (int k = 0; k < 4; k++)
        f->anchor[k] = 0;
    es_stat_ctx ctx = {NULL, f->anchor};
    const double neg[3] = {-0.0, 1, 2}, pos[3] = {0.0, 3, 4}, nan[3] = {-0.0, NAN, 5};
    const double lows[3] = {-0.0, -1, -2}, highs[3] = {0.0, -3, -4};
    const double *cols[3][2] = {{neg, pos}, {pos, nan}, {lows, highs}};
    for (int c = 0; c < 3; c++) {
        unsigned char *b[2];
        size_t nb[2];
        for (int order = 0; order < 2; order++) {
            es_statset *all = es_statset_new(&f->plan, 1, &ctx);
            for (int t = 0; t < 2; t++) {
                es_statset *part = es_statset_new(&f->plan, 1, &ctx);
                int which = order ? 1 - t : t;
                add_col(part, cols[c][which], 3, (uint64_t)(3 * which));
                size_t pn;
                unsigned char *pb = pack(part, &pn);
                assert_int_equal(es_statset_merge_packed(all, pb, pn), 0);
                free(pb);
                es_statset_free(part);
            }
            b[order] = pack(all, &nb[order]);
            const char *stat = c == 2 ? "max" : "min";
            double z = stat_of(&f->plan, all, stat);
            assert_true(z == 0 && !signbit(z));
            es_statset_free(all);
        }
        assert_int_equal(nb[0], nb[1]);
        assert_memory_equal(b[0], b[1], nb[0]);
        free(b[0]);
        free(b[1]);
    }
}

/* values near the largest double: the sums of a segment overflow, and the
 * moments are formed in scaled units instead (never a silent 0 or a wrong
 * mean); merged across segments as any other sums */
static void test_huge_values(void **state)
{
    fixture *f = *state;
    enum { n = 1000 };
    static double x[n];
    const double a = 1e307, h = 1.6e308 / (n - 1);
    for (int k = 0; k < n; k++)
        x[k] = a + k * h;
    for (int k = 0; k < 4; k++)
        f->anchor[k] = x[0];
    es_stat_ctx ctx = {NULL, f->anchor};
    es_statset *ss = es_statset_new(&f->plan, 1, &ctx);
    add_col(ss, x, 600, 0);
    add_col(ss, x + 600, n - 600, 600);
    double mean = stat_of(&f->plan, ss, "mean"), sd = stat_of(&f->plan, ss, "std");
    double want_mean = a + h * (n - 1) / 2.0, want_sd = h * sqrt(n * (n + 1) / 12.0);
    assert_true(fabs(mean / want_mean - 1) < 1e-12);
    assert_true(fabs(sd / want_sd - 1) < 1e-12);
    assert_true(isfinite(stat_of(&f->plan, ss, "mean_hi")));
    es_statset_free(ss);
    /* a spread of 1e11 to 1e160: squares overflow, the spread does not */
    for (int k = 0; k < n; k++)
        x[k] = k % 2 ? 1e160 : 1e11;
    for (int k = 0; k < 4; k++)
        f->anchor[k] = x[0]; /* a run's shift is a value of the data: design point 0 */
    ss = es_statset_new(&f->plan, 1, &ctx);
    add_col(ss, x, n, 0);
    sd = stat_of(&f->plan, ss, "std");
    assert_true(fabs(sd / (0.5e160 * sqrt(n / (n - 1.0))) - 1) < 1e-12);
    assert_true(fabs(stat_of(&f->plan, ss, "mean") / 0.5e160 - 1) < 1e-12);
    es_statset_free(ss);
    /* +-3e153 about 0: each lane's sum of squares (16 x 9e306) is finite,
     * their total is not; and two segments whose totals overflow only when
     * merged.  The standard deviation is 3e153 sqrt(n/(n-1)) either way. */
    for (int k = 0; k < 128; k++)
        x[k] = k % 2 ? -3e153 : 3e153;
    for (int k = 0; k < 4; k++)
        f->anchor[k] = 0;
    const int len[2][2] = {{128, 0}, {16, 16}};
    for (int c = 0; c < 2; c++) {
        ss = es_statset_new(&f->plan, 1, &ctx);
        add_col(ss, x, (size_t)len[c][0], 0);
        if (len[c][1]) add_col(ss, x + len[c][0], (size_t)len[c][1], (uint64_t)len[c][0]);
        const double m = len[c][0] + len[c][1];
        sd = stat_of(&f->plan, ss, "std");
        assert_true(fabs(sd / (3e153 * sqrt(m / (m - 1))) - 1) < 1e-12);
        assert_true(fabs(stat_of(&f->plan, ss, "mean")) < 1e140);
        es_statset_free(ss);
    }
}

static void test_checksum_order_free(void **state)
{
    (void)state;
    double x[100];
    for (int i = 0; i < 100; i++)
        x[i] = i * 0.5;
    uint64_t whole = es_checksum(1000, 100, 3, x);
    uint64_t parts = es_checksum(1060, 40, 3, x + 60) + es_checksum(1000, 60, 3, x);
    assert_true(whole == parts);
    assert_true(es_checksum(1000, 100, 4, x) != whole); /* variable matters */
    assert_true(es_checksum(1001, 100, 3, x) != whole); /* index matters */
    x[50] = nextafter(x[50], 1e9);
    assert_true(es_checksum(1000, 100, 3, x) != whole); /* one ulp matters */
}

static void test_wilson(void **state)
{
    (void)state;
    double lo, hi;
    /* 50 of 100: 0.4038 .. 0.5962 (Wilson 1927, z = 1.96) */
    es_wilson(50, 100, &lo, &hi);
    assert_true(fabs(lo - 0.40383153) < 1e-6 && fabs(hi - 0.59616847) < 1e-6);
    es_wilson(0, 10, &lo, &hi);
    assert_true(lo == 0 && fabs(hi - 0.27753) < 1e-4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_known_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_order_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signed_zero_extremes, setup, teardown),
        cmocka_unit_test(test_checksum_order_free),
        cmocka_unit_test(test_wilson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
