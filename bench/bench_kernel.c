/* bench/bench_kernel.c JOB [SAMPLES]: time each stage of the chunk pipeline
 * (es_pipe, the same code the sweep runs) on one core, without MPI or HDF5:
 * design points, quantile functions, the model, the statistics.  Prints
 * samples/s and ns per sample per stage. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "job.h"
#include "pipe.h"
#include "plan.h"
#include "stats.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_kernel JOB.ini [SAMPLES]\n");
        return 1;
    }
    es_job job;
    char err[8192];
    if (es_job_load(&job, argv[1], err, sizeof err)) {
        fputs(err, stderr);
        return 2;
    }
    if (argc > 2) job.samples = strtoull(argv[2], NULL, 10);
    es_plan plan;
    if (es_plan_init(&plan, &job, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    es_pipe *pp = es_pipe_new(&plan, err, sizeof err);
    if (!pp) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    double *anchor = es_pipe_anchors(pp);
    es_stat_ctx ctx = {NULL, anchor};
    es_statset *ss = es_statset_new(&plan, 1, &ctx);
    if (!anchor || !ss) return 2;
    es_pipe_timing(pp, 1);
    uint64_t sum = 0;
    for (uint64_t c = 0; c < plan.nchunks; c++) {
        if (es_pipe_run(pp, es_plan_chunk_first(&plan, c), es_plan_chunk_len(&plan, c), ss))
            return 3;
        sum += es_pipe_checksum(pp);
    }
    es_pipe_times t = es_pipe_get_times(pp);
    double total = t.design + t.dist + t.model + t.stats, n = (double)plan.rows;
    printf("bench_kernel %s: %llu samples (%llu evaluations), one core, %.0f samples/s, %.0f "
           "ns/sample\n",
           argv[1], (unsigned long long)plan.rows, (unsigned long long)plan.evaluations, n / total,
           1e9 * total / n);
    const char *names[4] = {"design (points + copula)", "quantile functions", "model eval",
                            "statistics"};
    double v[4] = {t.design, t.dist, t.model, t.stats};
    for (int i = 0; i < 4; i++)
        printf("  %-34s %9.1f ns/sample %5.1f%%\n", names[i], 1e9 * v[i] / n, 100 * v[i] / total);
    printf("  (checksum %016llx)\n", (unsigned long long)sum);
    es_statset_free(ss);
    free(anchor);
    es_pipe_free(pp);
    es_job_free(&job);
    return 0;
}
