/* src/stats.h: statistics as a type table of opaque, mergeable states.
 *
 * Each statistic (moments, quantile sketch, events, rank sensitivity, Sobol
 * indices) is one es_stat_type row in one file.  A state is filled from
 * segments of evaluated rows, packed into bytes, merged from bytes, and at
 * the end turned into results (results.h).  Merging is exact (integer counts
 * and exact sums, xsum.h), so any grouping of chunks (ranks, parts, resume)
 * gives the same bytes: the sweep moves and merges packed states without
 * knowing what is inside.
 *
 * Two passes: pass 1 sees every row; pass 2 (the sensitivity pass) sees the
 * first plan->sens_points design points of every cell again, after pass 1's
 * states are merged, so that it can rank outputs by their distribution. */
#ifndef ES_STATS_H
#define ES_STATS_H

/* A variable whose standard deviation is at most this share of its mean's
 * magnitude, 64 units in the last place, varies only by the rounding of its
 * formula (an input that cancels out of it: gpu_tax_saving_usd against mfu
 * spreads by about 4 ulp): its sensitivity indices are NaN, as a constant's.
 * A real spread of 1e-13 relative keeps its indices. */
#define ES_STAT_ROUNDING_SPREAD (64 * 2.220446049250313e-16)

#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "results.h"

/* Rows [first, first+n) of one scan cell, as the pipeline evaluated them. */
typedef struct {
    uint64_t first;         /* first row */
    size_t n;               /* rows */
    uint64_t cell;          /* scan cell of every row here */
    uint64_t point;         /* design point of the first row */
    size_t evals;           /* evaluations per row (plan->evals) */
    const double *const *u; /* [d][n*evals]: unit coordinates after the copula (input ranks) */
    const double *const *x; /* [d][n*evals]: uncertain input values */
    const double *const *y; /* [n_out][n*evals]: outputs */
    const double *const *v; /* [nvars][n]: the stored (first) evaluation of each row:
                               uncertain inputs, then outputs */
    const double *scan;     /* [nscan]: the scanned inputs' values in this cell */
} es_seg;

typedef struct es_statset es_statset;

/* What a state is created with. */
typedef struct {
    const es_statset *pass1; /* pass 2: the merged states of pass 1; NULL in pass 1 */
    const double *anchor;    /* [cells][nvars]: row (cell, point 0) of every variable, a
                                shift known to every rank before the run */
} es_stat_ctx;

typedef struct es_stat_type {
    const char *name; /* also the name of its packed state in /state */
    int pass;         /* 1 or 2 */
    /* Is it computed for this plan?  NULL: always. */
    int (*wanted)(const es_plan *p);
    /* A new empty state; NULL when out of memory. */
    void *(*create)(const es_plan *p, const es_stat_ctx *ctx);
    void (*destroy)(void *s);
    void (*reset)(void *s, const es_plan *p); /* back to empty */
    int (*add)(void *s, const es_plan *p, const es_seg *seg);
    size_t (*pack_size)(const void *s, const es_plan *p);
    void (*pack)(const void *s, const es_plan *p, unsigned char *buf);
    /* Merge packed bytes into s.  Returns 0, or -1 when the bytes are not a
     * state of this plan. */
    int (*merge_packed)(void *s, const es_plan *p, const unsigned char *buf, size_t len);
    /* Describe the state as results. */
    int (*emit)(const void *s, const es_plan *p, es_results *r);
} es_stat_type;

/* 0: the rank statistic adds every row alone, as tests/test_rank.c checks
 * its tiles against (1, the default: tiles of rows summed column by column;
 * the same integers). */
extern int es_stat_rank_tiles;

extern const es_stat_type es_stat_moments;
extern const es_stat_type es_stat_sketch;
extern const es_stat_type es_stat_events;
extern const es_stat_type es_stat_rank;
extern const es_stat_type es_stat_sobol;

/* Every statistic, NULL-terminated, in the order they are emitted. */
extern const es_stat_type *const es_stat_types[];

/* The states of one pass. */
es_statset *es_statset_new(const es_plan *p, int pass, const es_stat_ctx *ctx);
void es_statset_free(es_statset *ss);
void es_statset_reset(es_statset *ss);
int es_statset_add(es_statset *ss, const es_seg *seg);
/* Packed: for each state, its name, length and bytes. */
size_t es_statset_pack_size(const es_statset *ss);
void es_statset_pack(const es_statset *ss, unsigned char *buf);
int es_statset_merge_packed(es_statset *ss, const unsigned char *buf, size_t len);
int es_statset_emit(const es_statset *ss, es_results *r);
/* The state of a type in the set, or NULL. */
const void *es_statset_find(const es_statset *ss, const es_stat_type *type);
const es_plan *es_statset_plan(const es_statset *ss);

/* Checksum of values: a sum mod 2^64 of a hash of (evaluation index,
 * variable, bits of the value), so it does not depend on the order of
 * summation. */
uint64_t es_checksum(uint64_t first, size_t n, uint32_t var, const double *x);

/* ---- shared helpers for statistics ---- */

/* The 95% confidence interval of a proportion k/n (Wilson 1927). */
void es_wilson(uint64_t k, uint64_t n, double *lo, double *hi);

/* An array with the scan's dimensions in front of inner[ninner]: its
 * dimensions are scan_n[0..nscan) then inner, the scan ones named by their
 * coordinates /scan/<input>.  NULL when out of memory. */
es_res_array *es_stats_array(es_results *r, const es_plan *p, const char *path, es_res_type type,
                             int ninner, const uint64_t *inner);

/* Byte packing, little endian. */
void es_put_u64(unsigned char *b, uint64_t v);
uint64_t es_get_u64(const unsigned char *b);

#endif
