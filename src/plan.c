/* src/plan.c: rows, cells, evaluations and chunks of a job, in one place. */
#include "plan.h"

#include <stdio.h>
#include <string.h>

int es_plan_init(es_plan *p, const es_job *job, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->job = job;
    p->model = job->model;
    p->design = job->design;
    p->d = job->n_unc;
    p->n_out = job->model->n_outputs;
    p->nvars = p->d + p->n_out;
    p->evals = job->design->evals(p->d);
    for (size_t k = 0; k < p->d; k++)
        p->levels[k] = job->levels[job->unc[k]];
    p->points = job->samples;
    p->nscan = job->n_scan;
    p->cells = 1;
    for (size_t s = 0; s < job->n_scan; s++) {
        p->scan_n[s] = job->scan[s].n;
        if (p->scan_n[s] == 0 || p->cells > UINT64_MAX / p->scan_n[s]) {
            snprintf(err, errlen, "the scan has too many cells");
            return -1;
        }
        p->cells *= p->scan_n[s];
    }
    if (p->points == 0) {
        snprintf(err, errlen, "no design points");
        return -1;
    }
    /* rows and evaluations stay below 2^63 so that every index fits everywhere */
    const uint64_t lim = (uint64_t)1 << 62;
    if (p->points > lim / p->cells || p->points * p->cells > lim / p->evals) {
        snprintf(err, errlen,
                 "%llu points x %llu cells x %zu evaluations is more than 2^62 evaluations",
                 (unsigned long long)p->points, (unsigned long long)p->cells, p->evals);
        return -1;
    }
    p->rows = p->points * p->cells;
    p->evaluations = p->rows * p->evals;
    uint64_t chunk = job->chunk;
    if (chunk == 0) chunk = p->evals >= ES_PLAN_CHUNK_EVALS ? 1 : ES_PLAN_CHUNK_EVALS / p->evals;
    /* buffers follow the chunk actually used, never more than the rows */
    if (chunk > p->rows) chunk = p->rows;
    if (es_plan_buffer_bytes(p, chunk) > ES_PLAN_MAX_BUFFER) {
        uint64_t most = chunk;
        while (most > 1 && es_plan_buffer_bytes(p, most) > ES_PLAN_MAX_BUFFER)
            most /= 2;
        snprintf(err, errlen,
                 "chunk = %llu needs %.1f GiB of buffers per rank; at most 1 GiB: use chunk <= "
                 "%llu (or leave chunk out for the automatic size)",
                 (unsigned long long)chunk,
                 (double)es_plan_buffer_bytes(p, chunk) / (double)((uint64_t)1 << 30),
                 (unsigned long long)most);
        return -1;
    }
    p->chunk = chunk;
    p->nchunks = (p->rows + chunk - 1) / chunk;
    if (p->nchunks > ES_PLAN_MAX_CHUNKS) {
        /* every chunk keeps a done mark and a checksum in the file, a bit in
         * memory, and a share of the dispatcher's time */
        uint64_t least = (p->rows + ES_PLAN_MAX_CHUNKS - 1) / ES_PLAN_MAX_CHUNKS;
        int n = snprintf(err, errlen,
                         "%llu rows in chunks of %llu make %llu chunks; at most %llu (each keeps "
                         "a done mark and a checksum in the file): ",
                         (unsigned long long)p->rows, (unsigned long long)chunk,
                         (unsigned long long)p->nchunks, (unsigned long long)ES_PLAN_MAX_CHUNKS);
        if (n < 0 || (size_t)n >= errlen) return -1;
        if (es_plan_buffer_bytes(p, least) <= ES_PLAN_MAX_BUFFER) {
            snprintf(err + n, errlen - (size_t)n, "use chunk >= %llu", (unsigned long long)least);
        } else {
            uint64_t most = least; /* the largest chunk the 1 GiB of buffers allows */
            while (most > 1 && es_plan_buffer_bytes(p, most) > ES_PLAN_MAX_BUFFER)
                most /= 2;
            snprintf(err + n, errlen - (size_t)n,
                     "this job's chunks hold at most about %llu rows (1 GiB of buffers), so it "
                     "runs at most about %.3g rows",
                     (unsigned long long)most, (double)most * (double)ES_PLAN_MAX_CHUNKS);
        }
        return -1;
    }
    p->chunk_lo = 0;
    p->chunk_hi = p->nchunks;
    p->part = 0;
    p->parts = 1;
    /* a grid's first points are a corner of it, not a sample: use all */
    if (job->design == es_design_find("grid") || job->sens_samples >= p->points)
        p->sens_points = p->points;
    else
        p->sens_points = job->sens_samples;
    if (job->design == es_design_find("grid")) {
        uint64_t prod = 1; /* saturates instead of wrapping */
        for (size_t k = 0; k < p->d; k++) {
            uint64_t l = p->levels[k] ? p->levels[k] : 1;
            prod = prod > UINT64_MAX / l ? UINT64_MAX : prod * l;
        }
        if (prod != p->points) {
            snprintf(err, errlen,
                     "design grid: %llu samples, but the levels multiply to %llu (a grid's "
                     "samples are the product of its levels)",
                     (unsigned long long)p->points, (unsigned long long)prod);
            return -1;
        }
    }
    if (es_plan_stats_bytes(p) > ES_PLAN_MAX_STATS) {
        snprintf(err, errlen,
                 "[scan] (line %d): the scan's %llu cells keep statistics of about %.1f GiB per "
                 "rank (each cell its own); at most 4 GiB: scan fewer values",
                 job->n_scan ? job->scan[0].line : 0, (unsigned long long)p->cells,
                 (double)es_plan_stats_bytes(p) / (double)((uint64_t)1 << 30));
        return -1;
    }
    return 0;
}

uint64_t es_plan_stats_bytes(const es_plan *p)
{
    /* per variable: the moments' four exact sums (576 bytes each) and a
     * quantile sketch of a few pages; the rank statistics of pass 2 (about
     * 16 bytes per output, input and class, with up to 64 classes); the
     * Sobol sums of saltelli (32 blocks, 2 + 2d exact sums per output) */
    uint64_t d = p->d, o = p->n_out, classes = 66;
    uint64_t cell = p->nvars * (4 * 576 + 4096) + o * d * 16 * classes + 8 * d * d;
    if (p->evals > 1) cell += o * 32 * (2 + 2 * d) * 576;
    return p->cells * cell;
}

int es_plan_set_part(es_plan *p, uint32_t k, uint32_t n, char *err, size_t errlen)
{
    if (n == 0 || k >= n) {
        snprintf(err, errlen, "part %u/%u: expected K/P with 0 <= K < P", k, n);
        return -1;
    }
    if (n > p->nchunks) {
        snprintf(err, errlen, "%u parts but only %llu chunks; expected at most %llu parts", n,
                 (unsigned long long)p->nchunks, (unsigned long long)p->nchunks);
        return -1;
    }
    /* part k holds chunks [k*C/n, (k+1)*C/n): contiguous, disjoint, complete */
    p->chunk_lo = (uint64_t)((unsigned __int128)p->nchunks * k / n);
    p->chunk_hi = (uint64_t)((unsigned __int128)p->nchunks * (k + 1) / n);
    p->part = k;
    p->parts = n;
    return 0;
}

uint64_t es_plan_chunk_first(const es_plan *p, uint64_t c)
{
    return c * p->chunk;
}

size_t es_plan_chunk_len(const es_plan *p, uint64_t c)
{
    uint64_t first = c * p->chunk;
    return (size_t)(p->rows - first < p->chunk ? p->rows - first : p->chunk);
}

uint64_t es_plan_part_rows(const es_plan *p)
{
    uint64_t lo = es_plan_chunk_first(p, p->chunk_lo);
    uint64_t hi = p->chunk_hi >= p->nchunks ? p->rows : es_plan_chunk_first(p, p->chunk_hi);
    return hi - lo;
}

const char *es_plan_var_name(const es_plan *p, size_t v)
{
    return v < p->d ? p->model->inputs[p->job->unc[v]].name : p->model->outputs[v - p->d].name;
}

const char *es_plan_var_unit(const es_plan *p, size_t v)
{
    return v < p->d ? p->model->inputs[p->job->unc[v]].unit : p->model->outputs[v - p->d].unit;
}

const char *es_plan_var_long_name(const es_plan *p, size_t v)
{
    return v < p->d ? p->model->inputs[p->job->unc[v]].long_name
                    : p->model->outputs[v - p->d].long_name;
}

int es_plan_var_is_output(const es_plan *p, size_t v)
{
    return v >= p->d;
}

int es_plan_var_of(const es_plan *p, es_varref r)
{
    if (r.is_output) return (int)p->d + r.index;
    for (size_t k = 0; k < p->d; k++)
        if (p->job->unc[k] == r.index) return (int)k;
    return -1;
}

void es_plan_cell_values(const es_plan *p, uint64_t cell, double *vals)
{
    /* row-major: the last scanned input varies fastest */
    for (size_t s = p->nscan; s-- > 0;) {
        vals[s] = p->job->scan[s].values[cell % p->scan_n[s]];
        cell /= p->scan_n[s];
    }
}

void es_plan_design_cfg(const es_plan *p, size_t max_n, es_design_corr *corr, es_design_cfg *cfg)
{
    const es_job *job = p->job;
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = job->seed;
    cfg->dim = p->d;
    cfg->points = p->points;
    cfg->max_n = max_n;
    cfg->levels = p->levels;
    cfg->base = job->base;
    cfg->scramble = job->scramble;
    cfg->ncorr = job->n_corr;
    if (job->n_corr) es_job_design_corr(job, corr);
    cfg->corr = corr;
}

uint64_t es_plan_buffer_bytes(const es_plan *p, uint64_t chunk)
{
    uint64_t cols = p->d + p->model->n_inputs + p->n_out; /* u, inputs, outputs */
    uint64_t evals = chunk * p->evals;
    uint64_t rows = chunk * p->nvars * (p->evals > 1 ? 2 : 1); /* the stored rows (+ copy) */
    return 8 * (evals * cols + rows);
}

uint64_t es_plan_output_bytes(const es_plan *p)
{
    const es_job *job = p->job;
    uint64_t cols = 0;
    if (job->store == ES_STORE_ALL)
        cols = 1 + p->d + p->n_out + (p->nscan ? 1 : 0);
    else if (job->store == ES_STORE_OUTPUTS)
        cols = 1 + p->n_out + (p->nscan ? 1 : 0);
    /* this run's rows (a part holds its own), the per-chunk done mask and
     * checksum, and the statistics (the checkpoint and the results: about
     * 10 kB per variable and cell, most of it the quantile sketch) */
    return cols * es_plan_part_rows(p) * 8 + p->nchunks * 9 + p->cells * p->nvars * 10000 + 65536;
}
