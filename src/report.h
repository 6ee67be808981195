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

struct es_cli;
/* `econsweep report FILE [--format text|csv|json] [--plots DIR]`: serial HDF5,
 * no MPI launch.  Returns the exit code. */
int es_report_main(const struct es_cli *cli, FILE *out, FILE *errf);

#endif
