/* fuzz/fuzz_job.c: libFuzzer target for the job and scenario loader.
 *
 * The input is a job file, optionally followed by a line "%%%%" and a
 * scenario file (served for whatever path the job's scenario key names).
 * An accepted job is then run through the pure pipeline for a few samples
 * (design, distributions, model), since the loader's promise is that an
 * accepted job never makes the kernel misbehave. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "job.h"

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
    es_design d;
    if (es_design_init(&d, &job, err, sizeof err) == 0) {
        enum { n = 4 };
        const es_model *m = job.model;
        double u[ES_JOB_MAXIN][n], x[ES_JOB_MAXIN][n], y[64][n];
        double *uc[ES_JOB_MAXIN], *yc[64];
        const double *xc[ES_JOB_MAXIN];
        for (size_t k = 0; k < ES_JOB_MAXIN; k++)
            uc[k] = u[k];
        es_design_points(&d, job.samples > n ? job.samples - n : 0, n, uc);
        size_t pos = 0;
        for (size_t i = 0; i < m->n_inputs; i++) {
            if (job.uncertain[i])
                es_dist_quantile_n(&job.dist[i], u[pos++], x[i], n);
            else
                for (int k = 0; k < n; k++)
                    x[i][k] = job.value[i];
            xc[i] = x[i];
        }
        for (size_t j = 0; j < m->n_outputs && j < 64; j++)
            yc[j] = y[j];
        m->eval(xc, yc, n);
        (void)es_job_fingerprint(&job);
    }
    es_job_free(&job);
    return 0;
}
