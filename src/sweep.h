/* src/sweep.h: the parallel sweep: rank 0 hands out chunks, every rank
 * computes, all write one shared HDF5 file. */
#ifndef ES_SWEEP_H
#define ES_SWEEP_H

#include <mpi.h>

#include "runopts.h"

/* SIGTERM, SIGINT, SIGHUP and SIGUSR1 set a flag the sweep checks between
 * blocks of rows; SIGPIPE is ignored (progress output must never stop the
 * work).  main installs them before MPI_Init; es_sweep_run again. */
void es_sweep_install_signals(void);

/* Runs the job on every rank of comm; returns the exit code (same on all ranks). */
int es_sweep_run(MPI_Comm comm, const es_run_opts *o);

/* `econsweep merge OUT PART...` on one rank (comm of size 1): checks that the
 * parts are of one job, disjoint and complete, and writes OUT equal to the
 * run of the whole job: rows copied, statistics merged from the parts'
 * checkpoints, the sensitivity pass, results, checksum.  Returns the exit code. */
int es_sweep_merge(MPI_Comm comm, const char *out, int nparts, const char *const *parts, int force,
                   int argc, char **argv);

#endif
