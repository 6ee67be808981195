/* src/report.h: results for people and scripts: the table that ends a run,
 * and `econsweep report FILE` (text, CSV, JSON, plots and a page).
 *
 * Both read the same labelled arrays (results.h): fresh from the run, or
 * read back from the file with serial HDF5 (h5read.h).  report.c holds the
 * view of those arrays, the display units and the tables; report_plot.c the
 * plots (gnuplot) and index.html; report_int.h what they share. */
#ifndef ES_REPORT_H
#define ES_REPORT_H

#include <stdio.h>

#include "job.h"
#include "plan.h"
#include "results.h"

/* The short table at the end of `run`: the main outputs (mean with its
 * interval, p5, p50, p95, in display units), the events with their
 * intervals, and the top three drivers of each main output; with a scan,
 * the events by cell. */
void es_print_closing_table(FILE *f, const es_job *job, const es_plan *p, const es_results *r);

struct es_cli;
/* `econsweep report FILE [--format text|csv|json] [--plots DIR]`: serial HDF5,
 * no MPI launch; the report to out, messages to errf.  Runs in a child
 * process, so that a damaged file that crashes HDF5 is a message.  Returns
 * the exit code: 0, or 3 (ES_EXIT_IO) when the file cannot be read as an
 * econsweep result or a plot cannot be drawn. */
int es_report_main(const struct es_cli *cli, FILE *out, FILE *errf);

#endif
