/* bench/bench_kernel.c JOB [SAMPLES]: time each stage of the per-chunk
 * pipeline on one core, without MPI or HDF5: design points, every uncertain
 * input's quantile function, the model's batch evaluation, the accumulators
 * and the checksum.  Prints ns per sample per stage and the share of each. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "design.h"
#include "job.h"
#include "stats.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

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
    const size_t ch = job.chunk;
    const uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 200000;
    const es_model *m = job.model;
    es_design d;
    if (es_design_init(&d, &job, err, sizeof err))
        return 2;
    double *u = malloc(job.n_unc * ch * sizeof *u), *x = malloc(m->n_inputs * ch * sizeof *x);
    double *y = malloc(m->n_outputs * ch * sizeof *y);
    double *ucol[ES_JOB_MAXIN], *ycol[64];
    const double *xcol[ES_JOB_MAXIN];
    for (size_t k = 0; k < job.n_unc; k++)
        ucol[k] = u + k * ch;
    for (size_t i = 0; i < m->n_inputs; i++) {
        xcol[i] = x + i * ch;
        for (size_t k = 0; k < ch; k++)
            x[i * ch + k] = job.value[i];
    }
    for (size_t j = 0; j < m->n_outputs; j++)
        ycol[j] = y + j * ch;
    double t_design = 0, t_dist[ES_JOB_MAXIN] = {0}, t_model = 0, t_stats = 0;
    es_acc acc;
    uint64_t sum = 0;
    for (uint64_t first = 0; first < n; first += ch) {
        size_t len = (size_t)(n - first < ch ? n - first : ch);
        double t0 = now();
        es_design_points(&d, first, len, ucol);
        double t1 = now();
        t_design += t1 - t0;
        for (size_t k = 0; k < job.n_unc; k++) {
            int i = job.unc[k];
            double a = now();
            es_dist_quantile_n(&job.dist[i], ucol[k], x + i * ch, len);
            t_dist[k] += now() - a;
        }
        double t2 = now();
        m->eval(xcol, ycol, len);
        double t3 = now();
        t_model += t3 - t2;
        for (size_t j = 0; j < m->n_outputs; j++) {
            es_acc_init(&acc);
            es_acc_add(&acc, ycol[j], len);
            sum += es_checksum(first, len, (uint32_t)j, ycol[j]);
        }
        for (size_t k = 0; k < job.n_unc; k++) {
            es_acc_init(&acc);
            es_acc_add(&acc, x + job.unc[k] * ch, len);
        }
        t_stats += now() - t3;
    }
    double t_dists = 0;
    for (size_t k = 0; k < job.n_unc; k++)
        t_dists += t_dist[k];
    double total = t_design + t_dists + t_model + t_stats;
    printf("bench_kernel %s: %llu samples, one core, %.0f samples/s, %.0f ns/sample\n", argv[1],
           (unsigned long long)n, n / total, 1e9 * total / n);
    printf("  %-34s %9.1f ns/sample %5.1f%%\n", "design (Philox + copula)", 1e9 * t_design / n,
           100 * t_design / total);
    for (size_t k = 0; k < job.n_unc; k++) {
        char desc[64];
        snprintf(desc, sizeof desc, "quantile %s (%s)", m->inputs[job.unc[k]].name,
                 es_dist_kind_name(job.dist[job.unc[k]].kind));
        printf("  %-34.34s %9.1f ns/sample %5.1f%%\n", desc, 1e9 * t_dist[k] / n,
               100 * t_dist[k] / total);
    }
    printf("  %-34s %9.1f ns/sample %5.1f%%\n", "model eval (all outputs)", 1e9 * t_model / n,
           100 * t_model / total);
    printf("  %-34s %9.1f ns/sample %5.1f%%\n", "accumulators + checksum", 1e9 * t_stats / n,
           100 * t_stats / total);
    printf("  (checksum %016llx)\n", (unsigned long long)sum);
    free(u);
    free(x);
    free(y);
    es_job_free(&job);
    return 0;
}
