/* src/report.h: results as text for people: the table that ends a run, and
 * `econsweep report`. */
#ifndef ES_REPORT_H
#define ES_REPORT_H

#include <stdio.h>

#include "job.h"
#include "plan.h"
#include "results.h"

/* The short table at the end of `run`: the main outputs (mean with its
 * interval, p5, p50, p95), the events with their intervals, and the top
 * three drivers of each main output. */
void es_print_closing_table(FILE *f, const es_job *job, const es_plan *p, const es_results *r);

#endif
