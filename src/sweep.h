/* src/sweep.h: the parallel sweep: rank 0 hands out chunks, every rank
 * computes, all write one shared HDF5 file. */
#ifndef ES_SWEEP_H
#define ES_SWEEP_H

#include <mpi.h>
#include <stdint.h>

/* Exit codes (DESIGN.md). */
enum {
    ES_EXIT_OK = 0,
    ES_EXIT_USAGE = 1,
    ES_EXIT_BADJOB = 2,
    ES_EXIT_IO = 3,
    ES_EXIT_INTERRUPTED = 4,
    ES_EXIT_VERIFY = 5
};

typedef struct {
    const char *job_path;
    const char *output; /* -o, or NULL for the job's */
    int has_samples;
    uint64_t samples; /* --samples */
    int has_seed;
    uint64_t seed; /* --seed */
    int store;     /* --store as es_store_kind, or -1 */
    int force;     /* --force */
} es_run_opts;

/* SIGTERM, SIGINT and SIGUSR1 set a flag the sweep checks at chunk
 * boundaries.  main installs them before MPI_Init; es_sweep_run again. */
void es_sweep_install_signals(void);

/* Runs the job on every rank of comm; returns the exit code (same on all ranks). */
int es_sweep_run(MPI_Comm comm, const es_run_opts *o);

#endif
