/* tests/test_events.c: event probabilities: exact counts on hand-built rows
 * (outputs, uncertain, scanned and fixed inputs, NaN and infinite values),
 * Wilson intervals against SciPy's, order-free merging, and the [verify]
 * lookup of a probability. */
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

/* Sobol G with x1..x3 uncertain; x8 is scanned (0.25, 0.75) and x5 stays
 * at its model default 0.5.  Variables: x1 x2 x3 y. */
static const char *job_text = "[sweep]\nmodel = sobol_g\nsamples = 1000\nchunk = 100\n"
                              "[x1]\ndist = uniform\nlow = 0\nhigh = 1\n"
                              "[x2]\ndist = uniform\nlow = 0\nhigh = 1\n"
                              "[x3]\ndist = uniform\nlow = 0\nhigh = 1\n";

enum { EV_Y_LOW, EV_X1_GE_X2, EV_X1_GT_X8, EV_Y_LE_X5, NEV };

typedef struct {
    es_job job;
    es_plan plan;
} fixture;

static es_varref in_ref(int i)
{
    return (es_varref){0, i};
}

static void set_event(es_job *job, int i, const char *name, const char *text, es_varref lhs,
                      es_cmp op, int rhs_is_var, es_varref rhs, double value)
{
    es_event *e = &job->events[i];
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->text, sizeof e->text, "%s", text);
    e->lhs = lhs;
    e->op = op;
    e->rhs_is_var = rhs_is_var;
    e->rhs_var = rhs;
    e->rhs_value = value;
    e->line = 10 + i;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    es_job_mem_file files[] = {{"t.ini", job_text, strlen(job_text)}, {NULL, NULL, 0}};
    char err[1024];
    if (es_job_load_with(&f->job, "t.ini", es_job_mem_reader, files, err, sizeof err)) {
        fprintf(stderr, "%s", err);
        return -1;
    }
    /* what the [scan] and [events] loader will fill */
    f->job.n_scan = 1;
    f->job.scan[0].input = 7;
    f->job.scan[0].n = 2;
    f->job.scan[0].values = malloc(2 * sizeof(double));
    f->job.scan[0].values[0] = 0.25;
    f->job.scan[0].values[1] = 0.75;
    es_varref y = {1, 0}, none = {0, 0};
    set_event(&f->job, EV_Y_LOW, "y_low", "y < 1", y, ES_CMP_LT, 0, none, 1.0);
    set_event(&f->job, EV_X1_GE_X2, "x1_ge_x2", "x1 >= x2", in_ref(0), ES_CMP_GE, 1, in_ref(1), 0);
    set_event(&f->job, EV_X1_GT_X8, "x1_gt_x8", "x1 > x8", in_ref(0), ES_CMP_GT, 1, in_ref(7), 0);
    set_event(&f->job, EV_Y_LE_X5, "y_le_x5", "y <= x5", y, ES_CMP_LE, 1, in_ref(4), 0);
    f->job.n_events = NEV;
    if (es_plan_init(&f->plan, &f->job, err, sizeof err)) return -1;
    if (f->plan.cells != 2 || f->plan.nvars != 4 || f->job.value[4] != 0.5) return -1;
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

static void add_rows(es_statset *ss, const es_plan *p, uint64_t cell, uint64_t point, size_t n,
                     const double *const *v)
{
    double scan[1];
    es_plan_cell_values(p, cell, scan);
    es_seg seg = {cell * p->points + point, n, cell, point, 1, NULL, NULL, NULL, v, scan};
    assert_int_equal(es_statset_add(ss, &seg), 0);
}

static const es_res_array *find(const es_results *r, const char *path)
{
    const es_res_array *a = es_results_find(r, path);
    assert_non_null(a);
    return a;
}

/* eight rows with every kind of side, counted by hand */
static void test_exact_counts(void **state)
{
    fixture *f = *state;
    const double x1[8] = {0.1, 0.9, 0.5, NAN, 0.3, 0.8, 0.5, 0.2};
    const double x2[8] = {0.2, 0.1, 0.5, 0.4, NAN, 0.7, 0.6, 0.2};
    const double x3[8] = {0};
    const double y[8] = {0.5, 1.0, 2.0, 0.9, NAN, 0.4, 1.5, -INFINITY};
    const double *v[4] = {x1, x2, x3, y};
    es_statset *ss = es_statset_new(&f->plan, 1, NULL);
    assert_non_null(ss);
    assert_non_null(es_statset_find(ss, &es_stat_events));
    add_rows(ss, &f->plan, 0, 0, 5, v); /* cell 0 in two segments */
    const double *v5[4] = {x1 + 5, x2 + 5, x3 + 5, y + 5};
    add_rows(ss, &f->plan, 0, 5, 3, v5);
    add_rows(ss, &f->plan, 1, 0, 8, v);
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_statset_emit(ss, &r), 0);

    /* y < 1: 0.5, 0.9, 0.4, -inf of 7 non-NaN; x1 >= x2: rows 1, 2, 5, 7 of 6;
     * x1 > x8: 5 of 7 above 0.25, 2 of 7 above 0.75; y <= 0.5: 0.5, 0.4, -inf */
    const uint64_t count[2][NEV] = {{4, 4, 5, 3}, {4, 4, 2, 3}};
    const uint64_t samples[2][NEV] = {{7, 6, 7, 7}, {7, 6, 7, 7}};
    const es_res_array *c = find(&r, "/events/count"), *s = find(&r, "/events/samples");
    const es_res_array *pr = find(&r, "/events/probability");
    assert_int_equal(c->type, ES_RES_U64);
    assert_int_equal(c->rank, 2);
    assert_int_equal(c->dims[0], 2);
    assert_int_equal(c->dims[1], NEV);
    assert_string_equal(c->dimnames[0], "/scan/x8");
    assert_string_equal(c->dimnames[1], "/events/event");
    for (int cell = 0; cell < 2; cell++)
        for (int i = 0; i < NEV; i++) {
            assert_int_equal(((const uint64_t *)c->data)[cell * NEV + i], count[cell][i]);
            assert_int_equal(((const uint64_t *)s->data)[cell * NEV + i], samples[cell][i]);
            double p = ((const double *)pr->data)[cell * NEV + i];
            assert_true(p == (double)count[cell][i] / (double)samples[cell][i]);
        }
    /* labels */
    const es_res_array *ev = find(&r, "/events/event"), *cond = find(&r, "/events/condition");
    assert_true(ev->is_coord);
    assert_string_equal(((char *const *)ev->data)[EV_X1_GT_X8], "x1_gt_x8");
    assert_string_equal(((char *const *)cond->data)[EV_Y_LE_X5], "y <= x5");
    /* the [verify] lookup of a probability, per cell */
    int found = 0;
    double p = es_verify_lookup(&f->plan, &r, "probability", "x1_gt_x8", "", 1, &found);
    assert_true(found && p == 2.0 / 7);
    es_results_free(&r);
    es_statset_free(ss);
}

/* Wilson intervals as SciPy gives them (binomtest(k, n).proportion_ci(0.95,
 * method='wilson')) for the counts of test_exact_counts */
static void test_wilson_values(void **state)
{
    fixture *f = *state;
    const double x[7] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
    const double y[7] = {0.1, 0.2, 0.3, 0.4, 1.5, 1.6, 1.7}; /* y < 1: 4 of 7 */
    const double *v[4] = {x, x, x, y};
    es_statset *ss = es_statset_new(&f->plan, 1, NULL);
    add_rows(ss, &f->plan, 0, 0, 7, v);
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_statset_emit(ss, &r), 0);
    const double *lo = find(&r, "/events/probability_lo")->data;
    const double *hi = find(&r, "/events/probability_hi")->data;
    /* cell 0: y < 1 4/7, x1 >= x2 7/7, x1 > 0.25 5/7, y <= 0.5 4/7 */
    assert_true(fabs(lo[EV_Y_LOW] - 0.250458364528) < 1e-11);
    assert_true(fabs(hi[EV_Y_LOW] - 0.841780144749) < 1e-11);
    assert_true(fabs(lo[EV_X1_GT_X8] - 0.358934451833) < 1e-11);
    assert_true(fabs(hi[EV_X1_GT_X8] - 0.917781075996) < 1e-11);
    assert_true(hi[EV_X1_GE_X2] == 1.0 && fabs(lo[EV_X1_GE_X2] - 0.645669564933) < 1e-11);
    /* cell 1 saw no rows: no samples, no probability */
    const uint64_t *s = find(&r, "/events/samples")->data;
    const double *pr = find(&r, "/events/probability")->data;
    assert_int_equal(s[NEV + EV_Y_LOW], 0);
    assert_true(isnan(pr[NEV + EV_Y_LOW]) && isnan(lo[NEV + EV_Y_LOW]));
    es_results_free(&r);
    es_statset_free(ss);
}

static unsigned char *pack(es_statset *ss, size_t *n)
{
    *n = es_statset_pack_size(ss);
    unsigned char *b = malloc(*n);
    es_statset_pack(ss, b);
    return b;
}

/* chunks merged forward, backward or counted at once give the same bytes */
static void test_merge_order_free(void **state)
{
    fixture *f = *state;
    enum { n = 10000, chunk = 777 };
    static double x1[n], x2[n], x3[n], y[n];
    for (int i = 0; i < n; i++) {
        x1[i] = es_rng_uniform(7, 0, (uint64_t)i);
        x2[i] = es_rng_uniform(7, 1, (uint64_t)i);
        x3[i] = 0;
        y[i] = i % 97 == 0 ? NAN : 2 * es_rng_uniform(7, 2, (uint64_t)i);
    }
    const double *v[4] = {x1, x2, x3, y};
    es_statset *one = es_statset_new(&f->plan, 1, NULL);
    es_statset *fwd = es_statset_new(&f->plan, 1, NULL);
    es_statset *bwd = es_statset_new(&f->plan, 1, NULL);
    for (uint64_t cell = 0; cell < 2; cell++)
        add_rows(one, &f->plan, cell, 0, n, v);
    int nch = (n + chunk - 1) / chunk;
    for (int pass = 0; pass < 2; pass++)
        for (int t = 0; t < 2 * nch; t++) {
            int c = pass == 0 ? t : 2 * nch - 1 - t, cell = c / nch, s = (c % nch) * chunk;
            int len = s + chunk <= n ? chunk : n - s;
            const double *vs[4] = {x1 + s, x2 + s, x3 + s, y + s};
            es_statset *part = es_statset_new(&f->plan, 1, NULL);
            add_rows(part, &f->plan, (uint64_t)cell, (uint64_t)s, (size_t)len, vs);
            size_t bn;
            unsigned char *b = pack(part, &bn);
            assert_int_equal(es_statset_merge_packed(pass == 0 ? fwd : bwd, b, bn), 0);
            free(b);
            es_statset_free(part);
        }
    /* the whole sets (moments too) for one cutting in two orders */
    size_t n1, n2;
    unsigned char *b1 = pack(fwd, &n1), *b2 = pack(bwd, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    /* the event counts also for another cutting (one segment a cell) */
    size_t n0 = es_stat_events.pack_size(es_statset_find(one, &es_stat_events), &f->plan);
    unsigned char *b0 = malloc(n0), *b3 = malloc(n0);
    es_stat_events.pack(es_statset_find(one, &es_stat_events), &f->plan, b0);
    es_stat_events.pack(es_statset_find(fwd, &es_stat_events), &f->plan, b3);
    assert_memory_equal(b0, b3, n0);
    free(b3);
    /* a damaged or foreign state is refused */
    assert_int_not_equal(es_statset_merge_packed(fwd, b1, n1 - 8), 0);
    const void *ev = es_statset_find(one, &es_stat_events);
    size_t en = es_stat_events.pack_size(ev, &f->plan);
    assert_int_equal(en, 16 + 16 * 2 * NEV);
    unsigned char *eb = malloc(en);
    es_stat_events.pack(ev, &f->plan, eb);
    void *fresh = es_stat_events.create(&f->plan, NULL);
    assert_int_equal(es_stat_events.merge_packed(fresh, &f->plan, eb, en), 0);
    es_put_u64(eb + 16, es_get_u64(eb + 24) + 1); /* the first count above its samples */
    assert_int_not_equal(es_stat_events.merge_packed(fresh, &f->plan, eb, en), 0);
    es_stat_events.destroy(fresh);
    free(eb);
    free(b0);
    free(b1);
    free(b2);
    /* the counts themselves: y < 1 about half of the non-NaN rows */
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_statset_emit(one, &r), 0);
    const uint64_t *s = find(&r, "/events/samples")->data, *c = find(&r, "/events/count")->data;
    assert_int_equal(s[EV_Y_LOW], n - (n + 96) / 97);
    double ph = (double)c[EV_Y_LOW] / (double)s[EV_Y_LOW];
    assert_true(fabs(ph - 0.5) < 4 * sqrt(0.25 / (double)s[EV_Y_LOW]));
    es_results_free(&r);
    es_statset_free(one);
    es_statset_free(fwd);
    es_statset_free(bwd);
}

/* no [events]: no state, nothing emitted */
static void test_not_wanted(void **state)
{
    fixture *f = *state;
    f->job.n_events = 0;
    es_statset *ss = es_statset_new(&f->plan, 1, NULL);
    assert_null(es_statset_find(ss, &es_stat_events));
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_statset_emit(ss, &r), 0);
    assert_null(es_results_find(&r, "/events/count"));
    es_results_free(&r);
    es_statset_free(ss);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exact_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wilson_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_order_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_wanted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
