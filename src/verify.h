/* src/verify.h: the job's [verify] checks against a run's results.
 *
 * A check names a statistic of /summary ("mean", "std", "p50", ...), of
 * /sensitivity ("spearman", "prcc", "first_order", "sobol_first",
 * "sobol_total", the last two also with "_se", "_lo", "_hi"), or an event's
 * "probability", with the output (and input) it is about; with a scan it
 * holds in every cell.  Pure: the report is text in a buffer. */
#ifndef ES_VERIFY_H
#define ES_VERIFY_H

#include <stddef.h>

#include "job.h"
#include "plan.h"
#include "results.h"

/* Is stat a statistic a check may name?  1 yes. */
int es_verify_known_stat(const char *stat);
/* Is stat a statistic of /sensitivity?  1 yes. */
int es_verify_sens_stat(const char *stat);

/* Check every [verify] line; one line of text per check (and cell) into
 * msg.  Returns the number of failed checks (a value not in the results
 * fails). */
int es_verify_check(const es_job *job, const es_plan *p, const es_results *r, char *msg,
                    size_t len);

/* Look up one value: statistic stat of a (and b) in cell; NaN when absent. */
double es_verify_lookup(const es_plan *p, const es_results *r, const char *stat, const char *a,
                        const char *b, uint64_t cell, int *found);

#endif
