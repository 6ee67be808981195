/* bench/bench_model.c JOB ROWS [REPEATS]: the model alone on one core, over
 * the first ROWS rows of the job (their inputs drawn once by es_pipe, the
 * sweep's own code), evaluated REPEATS times (default 40) in blocks of 4096
 * rows as the pipeline does; prints the best of the repeats in ns a row, and
 * a hash of the outputs (the same for any build with the same bits).
 *
 * The best of many repeats leaves out a VM's slow phases.  Run with ROWS
 * whose columns stay in cache (8192 rows of the shipped job: its 37 input and
 * 21 output columns take 3.8 MB) and with ROWS whose columns do not (65536
 * rows, 30 MB), it shows how much of the model's time is waiting on memory.
 * Jobs with scanned inputs or several evaluations a row, and ROWS above the
 * job's samples, are refused (exit code 2; 1 for bad arguments). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "model.h"
#include "pipe.h"
#include "plan.h"

#define BM_BLOCK 4096

static double bm_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Times the model over the job's first rows; 0, or 2 for a job it cannot
 * time or out of memory, 3 when the pipeline or the model fails. */
static int bm_run(es_job *job, const char *path, size_t rows, int reps)
{
    char err[8192];
    if (rows > job->samples) {
        fprintf(stderr, "bench_model: ROWS = %zu is more than the %llu samples of %s\n", rows,
                (unsigned long long)job->samples, path);
        return 2;
    }
    es_plan plan;
    if (es_plan_init(&plan, job, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (plan.evals != 1 || plan.nscan) {
        fprintf(stderr, "bench_model: %s has %s; use a job without\n", path,
                plan.nscan ? "scanned inputs" : "several evaluations a row");
        return 2;
    }
    es_pipe *pp = es_pipe_new(&plan, err, sizeof err);
    if (!pp) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    const es_model *m = plan.model;
    int rc = 2;
    double **in = calloc(m->n_inputs, sizeof *in), **out = calloc(m->n_outputs, sizeof *out);
    int *var = malloc(m->n_inputs * sizeof *var); /* the pipe's column of input i, or -1 */
    const double **ib = calloc(m->n_inputs, sizeof *ib);
    double **ob = calloc(m->n_outputs, sizeof *ob);
    if (!in || !out || !var || !ib || !ob) goto done;
    for (size_t i = 0; i < m->n_inputs; i++) {
        var[i] = -1;
        for (size_t k = 0; k < plan.d; k++)
            if (job->unc[k] == (int)i) var[i] = (int)k;
        if (!(in[i] = malloc(rows * sizeof(double)))) goto done;
    }
    for (size_t j = 0; j < m->n_outputs; j++)
        if (!(out[j] = malloc(rows * sizeof(double)))) goto done;
    rc = 3;
    size_t have = 0;
    for (uint64_t c = 0; have < rows; c++) {
        const size_t len = es_plan_chunk_len(&plan, c);
        if (es_pipe_run(pp, es_plan_chunk_first(&plan, c), len, NULL)) goto done;
        const size_t take = len < rows - have ? len : rows - have;
        for (size_t i = 0; i < m->n_inputs; i++)
            for (size_t r = 0; r < take; r++)
                in[i][have + r] = var[i] >= 0 ? es_pipe_col(pp, (size_t)var[i])[r] : job->value[i];
        have += take;
    }
    double best = 0;
    for (int r = 0; r < reps; r++) {
        const double t0 = bm_now();
        for (size_t off = 0; off < rows; off += BM_BLOCK) {
            const size_t n = rows - off < BM_BLOCK ? rows - off : BM_BLOCK;
            for (size_t i = 0; i < m->n_inputs; i++)
                ib[i] = in[i] + off;
            for (size_t j = 0; j < m->n_outputs; j++)
                ob[j] = out[j] + off;
            if (m->eval(ib, ob, n)) goto done;
        }
        const double t = bm_now() - t0;
        if (r == 0 || t < best) best = t;
    }
    uint64_t h = 0;
    for (size_t j = 0; j < m->n_outputs; j++)
        for (size_t r = 0; r < rows; r++) {
            uint64_t b;
            memcpy(&b, &out[j][r], sizeof b);
            h = (h ^ b) * 0x100000001b3u;
        }
    printf("bench_model %s: %zu rows, %d repeats, one core: best %.1f ns/row, %.0f rows/s (outputs "
           "hash %016llx)\n",
           path, rows, reps, 1e9 * best / (double)rows, (double)rows / best, (unsigned long long)h);
    rc = 0;
done:
    if (rc == 2) fprintf(stderr, "bench_model: out of memory for %zu rows\n", rows);
    if (rc == 3) fprintf(stderr, "bench_model: the pipeline or the model failed\n");
    for (size_t i = 0; in && i < m->n_inputs; i++)
        free(in[i]);
    for (size_t j = 0; out && j < m->n_outputs; j++)
        free(out[j]);
    free(in);
    free(out);
    free(var);
    free(ib);
    free(ob);
    es_pipe_free(pp);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_model JOB.ini ROWS [REPEATS]\n");
        return 1;
    }
    char *end;
    const unsigned long long rows = strtoull(argv[2], &end, 10);
    const char *reps_text = argc > 3 ? argv[3] : "40";
    char *reps_end;
    const long reps = strtol(reps_text, &reps_end, 10);
    if (*end || rows == 0 || rows > ((size_t)1 << 32) || *reps_end || reps < 1 || reps > 1000000) {
        fprintf(stderr, "bench_model: ROWS must be a whole number in [1, 2^32] and REPEATS one "
                        "in [1, 1000000]\n");
        return 1;
    }
    es_job job;
    char err[8192];
    if (es_job_load(&job, argv[1], err, sizeof err)) {
        fputs(err, stderr);
        return 2;
    }
    int rc = bm_run(&job, argv[1], (size_t)rows, (int)reps);
    es_job_free(&job);
    return rc;
}
