/* src/plan.h: what a loaded job means in rows, evaluations and chunks.
 *
 * The one place that turns a job into numbers of work: design points per
 * cell, scan cells, stored rows, model evaluations per row, chunks, dataset
 * extents and the file size estimate.  Pure: no MPI, no HDF5, no printing.
 *
 * Rows are what the file stores, one per design point and scan cell: row r
 * is design point r % points of cell r / points (common random numbers: the
 * same design point in every cell).  A row costs `evals` model evaluations
 * (Saltelli: the A, B and d mixed points); the row stores the first (A). */
#ifndef ES_PLAN_H
#define ES_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "design.h"
#include "job.h"

#define ES_PLAN_CHUNK_EVALS 16384 /* evaluations per chunk when the job sets no chunk */
#define ES_PLAN_MAX_BUFFER ((uint64_t)1 << 30) /* bytes of chunk buffers a rank may take */
#define ES_PLAN_MAX_STATS ((uint64_t)4 << 30)  /* bytes of statistics a rank may hold */
#define ES_PLAN_MAX_CHUNKS ((uint64_t)1 << 28) /* chunks of a run: 2.4 GB of done marks */

typedef struct {
    const es_job *job;
    const es_model *model;
    const es_design_type *design;
    size_t d;        /* uncertain inputs (design dimensions) */
    size_t n_out;    /* model outputs */
    size_t nvars;    /* d + n_out: every summarised variable, inputs first */
    size_t evals;    /* model evaluations per row */
    uint64_t points; /* design points per cell */
    size_t nscan;    /* scanned inputs, 0 to 3 */
    uint64_t scan_n[ES_JOB_MAXSCAN];
    uint64_t cells;       /* product of scan_n, 1 without a scan */
    uint64_t rows;        /* cells * points */
    uint64_t evaluations; /* rows * evals */
    uint64_t chunk;       /* rows per chunk */
    uint64_t nchunks;
    uint64_t chunk_lo, chunk_hi;   /* this run's chunks: all, or one part */
    uint32_t part, parts;          /* --part K/P (0/1 without) */
    uint64_t sens_points;          /* design points per cell in the sensitivity pass */
    uint32_t levels[ES_JOB_MAXIN]; /* grid levels in design order (the uncertain inputs') */
} es_plan;

/* Returns 0, or -1 with a reason in err. */
int es_plan_init(es_plan *p, const es_job *job, char *err, size_t errlen);
/* Restrict the plan to part k of n (0 <= k < n): a contiguous range of chunks.
 * Returns 0, or -1 with a reason in err (more parts than chunks). */
int es_plan_set_part(es_plan *p, uint32_t k, uint32_t n, char *err, size_t errlen);

/* The first row and the row count of chunk c. */
uint64_t es_plan_chunk_first(const es_plan *p, uint64_t c);
size_t es_plan_chunk_len(const es_plan *p, uint64_t c);
/* The rows of this run's chunks [chunk_lo, chunk_hi): all, or one part's. */
uint64_t es_plan_part_rows(const es_plan *p);

/* Variable v (inputs first, then outputs): name, unit, long name, and its
 * input or output index in the model. */
const char *es_plan_var_name(const es_plan *p, size_t v);
const char *es_plan_var_unit(const es_plan *p, size_t v);
const char *es_plan_var_long_name(const es_plan *p, size_t v);
int es_plan_var_is_output(const es_plan *p, size_t v);
/* The variable index of a model input or output, or -1 (a fixed input). */
int es_plan_var_of(const es_plan *p, es_varref r);

/* The scanned inputs' values in cell c (vals[nscan]). */
void es_plan_cell_values(const es_plan *p, uint64_t cell, double *vals);

/* The design configuration of the job (pointers into the job and *corr,
 * which must hold job->n_corr entries), for max_n points a call. */
void es_plan_design_cfg(const es_plan *p, size_t max_n, es_design_corr *corr, es_design_cfg *cfg);

/* Bytes of the buffers one rank holds for a chunk: the pipeline's columns
 * (unit points, inputs, outputs of chunk * evals evaluations) and one chunk of
 * stored rows.  es_plan_init refuses a chunk whose buffers exceed
 * ES_PLAN_MAX_BUFFER. */
uint64_t es_plan_buffer_bytes(const es_plan *p, uint64_t chunk);

/* Bytes of statistics a rank holds, an estimate (every scan cell keeps its
 * own): es_plan_init refuses a job above ES_PLAN_MAX_STATS. */
uint64_t es_plan_stats_bytes(const es_plan *p);

/* Bytes of the output file (rows, state), an estimate. */
uint64_t es_plan_output_bytes(const es_plan *p);

#endif
