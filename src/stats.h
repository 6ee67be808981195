/* src/stats.h: mergeable accumulators and the order-free checksum.
 *
 * An accumulator holds count, NaN count, mean, sum of squared deviations,
 * min and max.  Two accumulators merge into the accumulator of all their
 * values, up to rounding (Chan, Golub & LeVeque 1979); merging in a
 * fixed order (chunk index) makes the result independent of how many ranks
 * computed the chunks. */
#ifndef ES_STATS_H
#define ES_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t n;   /* finite values seen */
    uint64_t nan; /* NaN values seen */
    double mean;
    double m2; /* sum of squared deviations from the mean */
    double min, max;
} es_acc;

void es_acc_init(es_acc *a);
void es_acc_add(es_acc *a, const double *x, size_t n);
/* a := a followed by b */
void es_acc_merge(es_acc *a, const es_acc *b);
double es_acc_var(const es_acc *a);    /* sample variance, n - 1 */
double es_acc_std(const es_acc *a);    /* sqrt of it */
double es_acc_stderr(const es_acc *a); /* std / sqrt(n) */

/* Checksum of values: a sum mod 2^64 of a hash of (sample index, variable,
 * bits of the value), so it does not depend on the order of summation. */
uint64_t es_checksum(uint64_t first, size_t n, uint32_t var, const double *x);

#endif
