/* fuzz/fuzz_job.c: libFuzzer target for the job and scenario loader.
 *
 * The input is a job file, optionally followed by a line "%%%%" and a
 * scenario file (served for whatever path the job's scenario key names).
 * An accepted job is then run through the chunk pipeline (es_pipe: design,
 * distributions, model) for a few rows at the start and the end, since the
 * loader's promise is that an accepted job never makes the kernel
 * misbehave: every sampled input must be finite and inside its valid range
 * (issue 9), which this target checks and aborts on. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "pipe.h"
#include "plan.h"

enum { ES_FUZZ_ROWS = 4 }; /* rows evaluated at each end */

static void es_fuzz_rows(const es_plan *p, es_pipe *pp, uint64_t first, size_t n)
{
    if (es_pipe_run(pp, first, n, NULL) != 0) return;
    const es_job *job = p->job;
    for (size_t v = 0; v < p->d; v++) {
        const es_input_info *in = &p->model->inputs[job->unc[v]];
        const double *x = es_pipe_col(pp, v);
        for (size_t k = 0; k < n; k++) {
            char why[96];
            if (es_model_input_valid(in, x[k], why, sizeof why)) {
                fprintf(stderr, "accepted job sampled %s = %g at row %llu: %s\n", in->name, x[k],
                        (unsigned long long)(first + k), why);
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the job, and after a "%%%%" line the scenario, served for any path */
    es_job_mem_file f[] = {
        {"fuzz/job.ini", (const char *)data, size}, {NULL, NULL, 0}, {NULL, NULL, 0}};
    static const char sep[] = "\n%%%%\n";
    for (size_t i = 0; i + sizeof sep - 1 <= size; i++)
        if (memcmp(data + i, sep, sizeof sep - 1) == 0) {
            f[0].len = i;
            f[1].path = "*";
            f[1].text = (const char *)data + i + sizeof sep - 1;
            f[1].len = size - i - (sizeof sep - 1);
            break;
        }
    es_job job;
    char err[2048];
    if (es_job_load_with(&job, "fuzz/job.ini", es_job_mem_reader, f, err, sizeof err) != 0)
        return 0;
    (void)es_job_fingerprint(&job);
    es_plan p;
    if (es_plan_init(&p, &job, err, sizeof err) == 0) {
        /* buffers for a few rows, whatever chunk the job asks for */
        if (p.chunk > ES_FUZZ_ROWS) p.chunk = ES_FUZZ_ROWS;
        es_pipe *pp = es_pipe_new(&p, err, sizeof err);
        if (pp) {
            size_t n = (size_t)p.chunk;
            es_fuzz_rows(&p, pp, 0, n);
            es_fuzz_rows(&p, pp, p.rows - n, n);
            es_pipe_free(pp);
        }
    }
    es_job_free(&job);
    return 0;
}
