/* src/pipe.h: the chunk pipeline, design -> distributions -> model -> statistics.
 *
 * One pipeline per rank (and in bench_kernel, the fuzzer and merge), with
 * buffers for one chunk of plan->chunk rows.  es_pipe_run evaluates rows
 * [first, first+n): the design's unit points for each row's design point,
 * the uncertain inputs through their quantile functions, the scanned inputs
 * from the row's cell, the model on the whole chunk at once; then it hands
 * the rows, cell by cell, to a set of statistics.  Pure: no MPI, no HDF5. */
#ifndef ES_PIPE_H
#define ES_PIPE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "stats.h"

typedef struct es_pipe es_pipe;

/* Returns NULL with a reason in err. */
es_pipe *es_pipe_new(const es_plan *p, char *err, size_t errlen);
void es_pipe_free(es_pipe *pp);

/* Evaluate rows [first, first+n), n <= plan->chunk, and add them to ss (may
 * be NULL).  Returns 0; 1 when the stop flag was raised (the rows are
 * dropped: nothing was added to ss); -1 when the model or a statistic runs
 * out of memory. */
int es_pipe_run(es_pipe *pp, uint64_t first, size_t n, es_statset *ss);

/* A flag es_pipe_run checks between blocks of a few thousand evaluations,
 * so that a signal stops a long chunk promptly.  NULL: none. */
void es_pipe_set_stop(es_pipe *pp, const volatile sig_atomic_t *flag);

/* After es_pipe_run: the stored rows, column v (uncertain inputs, then
 * outputs) of the n rows, and the checksum of every evaluation's outputs. */
const double *es_pipe_col(const es_pipe *pp, size_t v);
uint64_t es_pipe_checksum(const es_pipe *pp);

/* Row (cell, design point 0) of every cell: anchor[cell * nvars + v], the
 * shift of the moments (es_stat_ctx).  Returns a new array, NULL when out of
 * memory. */
double *es_pipe_anchors(es_pipe *pp);

/* Time spent in each stage since es_pipe_new, in seconds (bench_kernel). */
typedef struct {
    double design, dist, model, stats;
} es_pipe_times;
void es_pipe_timing(es_pipe *pp, int on);
es_pipe_times es_pipe_get_times(const es_pipe *pp);

#endif
