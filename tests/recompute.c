/* tests/recompute.c JOB OUT.h5: reads samples back from a run's file and
 * recomputes them from scratch: the unit point from (seed, dimension, index),
 * the input through its distribution, the outputs through the model.  Stored
 * and recomputed values must be equal bit for bit. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "job.h"
#include "plan.h"

static int read_at(hid_t file, const char *path, hid_t type, uint64_t i, void *out)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t fs = H5Dget_space(d);
    hsize_t start = i, one = 1;
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &one, NULL);
    hid_t ms = H5Screate_simple(1, &one, NULL);
    herr_t rc = H5Dread(d, type, ms, fs, H5P_DEFAULT, out);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
    return rc < 0 ? -1 : 0;
}

static uint64_t attr_u64(hid_t file, const char *name)
{
    uint64_t v = 0;
    hid_t a = H5Aopen(file, name, H5P_DEFAULT);
    if (a >= 0) {
        H5Aread(a, H5T_NATIVE_UINT64, &v);
        H5Aclose(a);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: recompute JOB OUT.h5\n");
        return 2;
    }
    es_job job;
    char err[4096];
    if (es_job_load(&job, argv[1], err, sizeof err)) {
        fputs(err, stderr);
        return 2;
    }
    hid_t f = H5Fopen(argv[2], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return 2;
    job.seed = attr_u64(f, "seed");
    job.samples = attr_u64(f, "samples");
    es_plan plan;
    if (es_plan_init(&plan, &job, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    es_design_corr corr[ES_JOB_MAXCORR];
    es_design_cfg cfg;
    es_plan_design_cfg(&plan, 1, corr, &cfg);
    es_design *des = es_design_new(job.design, &cfg, err, sizeof err);
    if (!des) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    const es_model *m = job.model;
    uint64_t n = job.samples;
    uint64_t picks[] = {0, 1, n / 3, n / 2, n - 2, n - 1, 12345 % n, 99991 % n};
    int passed = 0, failed = 0;
    for (size_t p = 0; p < sizeof picks / sizeof picks[0]; p++) {
        uint64_t i = picks[p];
        double u[ES_JOB_MAXIN], x[ES_JOB_MAXIN], y[64], stored;
        double *ucol[ES_JOB_MAXIN];
        for (size_t k = 0; k < job.n_unc; k++)
            ucol[k] = &u[k];
        es_design_points(des, i, 1, ucol);
        const double *in[ES_JOB_MAXIN];
        double *out[64];
        for (size_t v = 0; v < m->n_inputs; v++) {
            x[v] = job.value[v];
            in[v] = &x[v];
        }
        for (size_t k = 0; k < job.n_unc; k++) {
            int v = job.unc[k];
            char path[256];
            snprintf(path, sizeof path, "/inputs/%s", m->inputs[v].name);
            double want = es_dist_quantile(&job.dist[v], u[k]);
            if (read_at(f, path, H5T_NATIVE_DOUBLE, i, &stored) || memcmp(&stored, &want, 8)) {
                printf("FAIL: sample %llu %s stored %.17g recomputed %.17g\n",
                       (unsigned long long)i, path, stored, want);
                failed++;
            } else {
                passed++;
            }
            x[v] = stored; /* the model runs on what the file says */
        }
        for (size_t j = 0; j < m->n_outputs; j++)
            out[j] = &y[j];
        m->eval(in, out, 1);
        for (size_t j = 0; j < m->n_outputs; j++) {
            char path[256];
            snprintf(path, sizeof path, "/outputs/%s", m->outputs[j].name);
            if (read_at(f, path, H5T_NATIVE_DOUBLE, i, &stored) || memcmp(&stored, &y[j], 8)) {
                printf("FAIL: sample %llu %s stored %.17g recomputed %.17g\n",
                       (unsigned long long)i, path, stored, y[j]);
                failed++;
            } else {
                passed++;
            }
        }
    }
    H5Fclose(f);
    es_design_free(des);
    es_job_free(&job);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
