/* tests/test_pipe.c: the chunk pipeline's guards: a sampled input the input
 * cannot take is never passed on as a number (it becomes NaN and is counted),
 * and buffers follow the chunk actually used, never more than the rows. */
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
#include "pipe.h"
#include "plan.h"
#include "stats.h"
#include "verify.h"

static int load(es_job *job, const char *text)
{
    es_job_mem_file f[] = {{"t.ini", text, strlen(text)}, {NULL, NULL, 0}};
    char err[2048];
    int n = es_job_load_with(job, "t.ini", es_job_mem_reader, f, err, sizeof err);
    if (n) fprintf(stderr, "%s", err);
    return n;
}

/* A distribution the loader would refuse (its quantiles overflow), put in
 * place after loading: every value it gives that is not a valid mfu becomes
 * NaN, the model's outputs follow, and the summaries count them. */
static void test_invalid_inputs_are_nan(void **state)
{
    (void)state;
    es_job job;
    assert_int_equal(load(&job, "[sweep]\nsamples = 4000\nchunk = 1000\n"
                                "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"),
                     0);
    int i = es_model_input_index(job.model, "mfu");
    /* a normal of sd 10 around 0.38: most draws fall outside (0, 1] */
    const char *names[2] = {"mean", "sd"};
    const double values[2] = {0.38, 10};
    int bad = 0;
    char err[256];
    es_dist_free(&job.dist[i]);
    assert_int_equal(es_dist_init(&job.dist[i], (es_dist_kind)es_dist_kind_find("normal"), 2, names,
                                  values, &bad, err, sizeof err),
                     0);
    es_plan plan;
    assert_int_equal(es_plan_init(&plan, &job, err, sizeof err), 0);
    es_pipe *pp = es_pipe_new(&plan, err, sizeof err);
    assert_non_null(pp);
    double *anchor = es_pipe_anchors(pp);
    es_stat_ctx ctx = {NULL, anchor};
    es_statset *ss = es_statset_new(&plan, 1, &ctx);
    size_t nan_in = 0, inside = 0;
    for (uint64_t c = 0; c < plan.nchunks; c++) {
        size_t len = es_plan_chunk_len(&plan, c);
        assert_int_equal(es_pipe_run(pp, es_plan_chunk_first(&plan, c), len, ss), 0);
        const double *x = es_pipe_col(pp, 0); /* the one uncertain input */
        for (size_t k = 0; k < len; k++) {
            if (isnan(x[k]))
                nan_in++;
            else {
                assert_true(x[k] > 0 && x[k] <= 1);
                inside++;
            }
        }
    }
    assert_true(nan_in > 3000 && inside > 50);
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_statset_emit(ss, &r), 0);
    int found = 0;
    double counted = es_verify_lookup(&plan, &r, "nan_count", "mfu", "", 0, &found);
    assert_true(found && counted == (double)nan_in);
    double npv_nan =
        es_verify_lookup(&plan, &r, "nan_count", "asic_usd_per_pflop_hour", "", 0, &found);
    assert_true(found && npv_nan == (double)nan_in);
    es_results_free(&r);
    es_statset_free(ss);
    free(anchor);
    es_pipe_free(pp);
    es_job_free(&job);
}

/* a 10-sample job with chunk = 4194304 takes buffers for 10 rows */
static void test_buffers_follow_the_rows(void **state)
{
    (void)state;
    es_job job;
    assert_int_equal(load(&job, "[sweep]\nsamples = 10\nchunk = 4194304\n"
                                "[mfu]\ndist = uniform\nlow = 0.2\nhigh = 0.5\n"),
                     0);
    es_plan plan;
    char err[256];
    assert_int_equal(es_plan_init(&plan, &job, err, sizeof err), 0);
    assert_int_equal(plan.chunk, 10);
    assert_true(es_plan_buffer_bytes(&plan, plan.chunk) < 100000);
    es_job_free(&job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_inputs_are_nan),
        cmocka_unit_test(test_buffers_follow_the_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
