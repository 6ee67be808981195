/* src/design.h: sample index -> unit point in (0,1)^d.
 *
 * A point depends only on (seed, dimension, sample index), so any rank can
 * compute any chunk, in any order, and get the same numbers.  Rank
 * correlations between inputs go through a Gaussian copula applied point by
 * point. */
#ifndef ES_DESIGN_H
#define ES_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"

typedef struct {
    es_design_kind kind;
    uint64_t seed;
    size_t dim;                               /* uncertain inputs */
    size_t nc;                                /* dimensions taking part in a correlation */
    size_t cpos[ES_JOB_MAXIN];                /* their positions among the uncertain inputs */
    double chol[ES_JOB_MAXIN * ES_JOB_MAXIN]; /* lower Cholesky factor, nc x nc, row major */
} es_design;

/* Returns 0, or -1 with a reason in err. */
int es_design_init(es_design *d, const es_job *job, char *err, size_t errlen);

/* Points first .. first+n-1: u[j][k] is dimension j of sample first+k. */
void es_design_points(const es_design *d, uint64_t first, size_t n, double *const *u);

#endif
