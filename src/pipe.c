/* src/pipe.c: one chunk through design, distributions, model and statistics. */
#include "pipe.h"

#include "clones.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct es_pipe {
    const es_plan *p;
    es_design *design;
    size_t cap;        /* evaluations the buffers hold: chunk * evals */
    double *ubuf;      /* [d][cap] unit points */
    double **u;        /* column pointers into ubuf, moved per segment */
    double *xbuf;      /* [n_inputs][cap] model inputs */
    const double **in; /* column pointers for the model */
    double *ybuf;      /* [n_out][cap] outputs */
    double **out;
    double *vbuf;     /* [nvars][chunk] stored rows when evals > 1 */
    const double **v; /* [nvars] stored-row columns */
    double **useg;    /* per segment views */
    const double **xseg, **yseg, **vseg;
    int *scan_pos;      /* model input index -> scan position, or -1 */
    const double **inb; /* model input columns of one block */
    double **outb;      /* model output columns of one block */
    const volatile sig_atomic_t *stop;
    size_t n; /* rows of the last run */
    uint64_t checksum;
    int timing;
    es_pipe_times t;
};

void es_pipe_free(es_pipe *pp)
{
    if (!pp) return;
    es_design_free(pp->design);
    free(pp->ubuf);
    free(pp->u);
    free(pp->xbuf);
    free(pp->in);
    free(pp->ybuf);
    free(pp->out);
    free(pp->vbuf);
    free(pp->v);
    free(pp->useg);
    free(pp->xseg);
    free(pp->yseg);
    free(pp->vseg);
    free(pp->scan_pos);
    free(pp->inb);
    free(pp->outb);
    free(pp);
}

es_pipe *es_pipe_new(const es_plan *p, char *err, size_t errlen)
{
    es_pipe *pp = calloc(1, sizeof *pp);
    if (!pp) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pp->p = p;
    const es_model *m = p->model;
    es_design_corr corr[ES_JOB_MAXCORR];
    es_design_cfg cfg;
    es_plan_design_cfg(p, (size_t)p->chunk, corr, &cfg);
    pp->design = es_design_new(p->design, &cfg, err, errlen);
    if (!pp->design) {
        free(pp);
        return NULL;
    }
    size_t cap = (size_t)p->chunk * p->evals, d1 = p->d ? p->d : 1;
    pp->cap = cap;
    pp->ubuf = malloc(d1 * cap * sizeof(double));
    pp->u = malloc(d1 * sizeof(double *));
    pp->xbuf = malloc(m->n_inputs * cap * sizeof(double));
    pp->in = malloc(m->n_inputs * sizeof(double *));
    pp->ybuf = malloc(p->n_out * cap * sizeof(double));
    pp->out = malloc(p->n_out * sizeof(double *));
    if (p->evals > 1) pp->vbuf = malloc(p->nvars * (size_t)p->chunk * sizeof(double));
    pp->v = malloc(p->nvars * sizeof(double *));
    pp->useg = malloc(d1 * sizeof(double *));
    pp->xseg = malloc(d1 * sizeof(double *));
    pp->yseg = malloc(p->n_out * sizeof(double *));
    pp->vseg = malloc(p->nvars * sizeof(double *));
    pp->scan_pos = malloc(m->n_inputs * sizeof(int));
    pp->inb = malloc(m->n_inputs * sizeof(double *));
    pp->outb = malloc(p->n_out * sizeof(double *));
    if (!pp->inb || !pp->outb || !pp->ubuf || !pp->u || !pp->xbuf || !pp->in || !pp->ybuf ||
        !pp->out || (p->evals > 1 && !pp->vbuf) || !pp->v || !pp->useg || !pp->xseg || !pp->yseg ||
        !pp->vseg || !pp->scan_pos) {
        snprintf(err, errlen, "out of memory for a chunk of %llu rows (%zu evaluations)",
                 (unsigned long long)p->chunk, cap);
        es_pipe_free(pp);
        return NULL;
    }
    const es_job *job = p->job;
    for (size_t i = 0; i < m->n_inputs; i++) {
        pp->scan_pos[i] = -1;
        double *col = pp->xbuf + i * cap;
        pp->in[i] = col;
        if (!job->uncertain[i])
            for (size_t k = 0; k < cap; k++)
                col[k] = job->value[i];
    }
    for (size_t s = 0; s < p->nscan; s++)
        pp->scan_pos[job->scan[s].input] = (int)s;
    for (size_t k = 0; k < p->d; k++)
        pp->u[k] = pp->ubuf + k * cap;
    for (size_t j = 0; j < p->n_out; j++)
        pp->out[j] = pp->ybuf + j * cap;
    for (size_t v = 0; v < p->nvars; v++) {
        if (p->evals > 1)
            pp->v[v] = pp->vbuf + v * p->chunk;
        else
            pp->v[v] = v < p->d ? pp->xbuf + (size_t)job->unc[v] * cap : pp->out[v - p->d];
    }
    return pp;
}

/* the stage timers count this thread's CPU time: other processes on the
 * machine do not inflate them (bench_kernel) */
static double es_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void es_pipe_timing(es_pipe *pp, int on)
{
    pp->timing = on;
}

es_pipe_times es_pipe_get_times(const es_pipe *pp)
{
    return pp->t;
}

void es_pipe_set_stop(es_pipe *pp, const volatile sig_atomic_t *flag)
{
    pp->stop = flag;
}

/* Rows per block: a few thousand evaluations, so that a block's columns stay
 * in cache and a stop signal is seen within milliseconds. */
static size_t es_pipe_block(const es_plan *p)
{
    size_t b = 4096 / p->evals;
    return b ? b : 1;
}

/* x[t] that the input cannot take (outside its range, or not finite)
 * become NaN: a branch-free column loop, vectorised in the clones. */
ES_CLONES static void es_pipe_valid(const es_input_info *in, double *restrict x, size_t n)
{
    const double lo = in->lo, hi = in->hi;
    const int lo_in = !!in->lo_in, hi_in = !!in->hi_in; /* 0 or 1: used with & */
    for (size_t t = 0; t < n; t++) {
        const double v = x[t];
        const int ok = (fabs(v) <= DBL_MAX) & ((v > lo) | ((v == lo) & lo_in)) &
                       ((v < hi) | ((v == hi) & hi_in));
        x[t] = ok ? v : NAN;
    }
}

/* Design points, scanned inputs, quantiles and the model for rows
 * [first+off, first+off+n) of the chunk. */
static int es_pipe_block_run(es_pipe *pp, uint64_t first, size_t off0, size_t n)
{
    const es_plan *p = pp->p;
    const es_model *m = p->model;
    const es_job *job = p->job;
    const size_t E = p->evals;
    double t0 = pp->timing ? es_now() : 0, t1;
    for (size_t off = off0; off < off0 + n;) {
        uint64_t row = first + off, cell = row / p->points, point = row % p->points;
        size_t len =
            (size_t)(p->points - point < off0 + n - off ? p->points - point : off0 + n - off);
        for (size_t k = 0; k < p->d; k++)
            pp->useg[k] = pp->u[k] + off * E;
        es_design_points(pp->design, point, len, pp->useg);
        if (p->nscan) {
            double vals[ES_JOB_MAXSCAN];
            es_plan_cell_values(p, cell, vals);
            for (size_t s = 0; s < p->nscan; s++) {
                double *col = pp->xbuf + (size_t)job->scan[s].input * pp->cap + off * E;
                for (size_t k = 0; k < len * E; k++)
                    col[k] = vals[s];
            }
        }
        off += len;
    }
    if (pp->timing) {
        t1 = es_now();
        pp->t.design += t1 - t0;
        t0 = t1;
    }
    for (size_t k = 0; k < p->d; k++) {
        int i = job->unc[k];
        double *x = pp->xbuf + (size_t)i * pp->cap + off0 * E;
        es_dist_quantile_n(&job->dist[i], pp->u[k] + off0 * E, x, n * E);
        /* a value the input cannot take (an overflowing quantile function) is
         * never passed on as a number: it becomes NaN and is counted */
        es_pipe_valid(&m->inputs[i], x, n * E);
    }
    if (pp->timing) {
        t1 = es_now();
        pp->t.dist += t1 - t0;
        t0 = t1;
    }
    for (size_t i = 0; i < m->n_inputs; i++)
        pp->inb[i] = pp->in[i] + off0 * E;
    for (size_t j = 0; j < p->n_out; j++)
        pp->outb[j] = pp->out[j] + off0 * E;
    if (m->eval(pp->inb, pp->outb, n * E)) return -1;
    if (pp->timing) pp->t.model += es_now() - t0;
    return 0;
}

int es_pipe_run(es_pipe *pp, uint64_t first, size_t n, es_statset *ss)
{
    const es_plan *p = pp->p;
    const es_job *job = p->job;
    const size_t E = p->evals, B = es_pipe_block(p);
    pp->n = n;
    for (size_t off = 0; off < n; off += B) {
        if (pp->stop && *pp->stop) return 1;
        if (es_pipe_block_run(pp, first, off, n - off < B ? n - off : B)) return -1;
    }
    double t0 = pp->timing ? es_now() : 0;
    /* the stored rows: the first evaluation of each row */
    if (E > 1)
        for (size_t v = 0; v < p->nvars; v++) {
            const double *src =
                v < p->d ? pp->xbuf + (size_t)job->unc[v] * pp->cap : pp->out[v - p->d];
            double *dst = pp->vbuf + v * p->chunk;
            for (size_t k = 0; k < n; k++)
                dst[k] = src[k * E];
        }
    uint64_t sum = 0;
    for (size_t j = 0; j < p->n_out; j++)
        sum += es_checksum(first * E, n * E, (uint32_t)j, pp->out[j]);
    pp->checksum = sum;
    if (ss)
        for (size_t off = 0; off < n;) {
            uint64_t row = first + off, cell = row / p->points, point = row % p->points;
            size_t len = (size_t)(p->points - point < n - off ? p->points - point : n - off);
            double vals[ES_JOB_MAXSCAN];
            if (p->nscan) es_plan_cell_values(p, cell, vals);
            for (size_t k = 0; k < p->d; k++) {
                pp->useg[k] = pp->u[k] + off * E;
                pp->xseg[k] = pp->xbuf + (size_t)job->unc[k] * pp->cap + off * E;
            }
            for (size_t j = 0; j < p->n_out; j++)
                pp->yseg[j] = pp->out[j] + off * E;
            for (size_t v = 0; v < p->nvars; v++)
                pp->vseg[v] = pp->v[v] + off;
            es_seg seg = {row,      len,      cell,     point, E, (const double *const *)pp->useg,
                          pp->xseg, pp->yseg, pp->vseg, vals};
            if (es_statset_add(ss, &seg)) return -1;
            off += len;
        }
    if (pp->timing) pp->t.stats += es_now() - t0;
    return 0;
}

const double *es_pipe_col(const es_pipe *pp, size_t v)
{
    return pp->v[v];
}

uint64_t es_pipe_checksum(const es_pipe *pp)
{
    return pp->checksum;
}

double *es_pipe_anchors(es_pipe *pp)
{
    const es_plan *p = pp->p;
    double *a = malloc((size_t)p->cells * p->nvars * sizeof *a);
    if (!a) return NULL;
    const volatile sig_atomic_t *stop = pp->stop;
    pp->stop = NULL; /* anchors are part of the set-up, not of the work */
    for (uint64_t c = 0; c < p->cells; c++) {
        if (es_pipe_run(pp, c * p->points, 1, NULL) != 0) {
            pp->stop = stop;
            free(a);
            return NULL;
        }
        for (size_t v = 0; v < p->nvars; v++)
            a[c * p->nvars + v] = pp->v[v][0];
    }
    pp->stop = stop;
    return a;
}
