/* src/store.h: the shared HDF5 output file (schema 1, DESIGN.md).
 *
 * Every function here is collective over the communicator the file was
 * created with: every rank calls it, with the same arguments where they
 * describe the file, and with its own rows (maybe none) where they are data.
 * On failure a function prints the HDF5 call, the object path, the rank and
 * HDF5's own error text to stderr and returns -1; the caller aborts with
 * exit code 3. */
#ifndef ES_STORE_H
#define ES_STORE_H

#include <mpi.h>
#include <stdint.h>

#include "job.h"
#include "stats.h"

#define ES_SCHEMA 1

/* What rank 0 knows about the run and every rank writes the same. */
typedef struct {
    char created_utc[32];
    char host[256];
    char slurm[6][128]; /* SLURM_JOB_ID and friends, "" when unset */
    int ranks;
    uint64_t fingerprint;
} es_run_info;

extern const char *const es_slurm_vars[6];

/* The rows of one epoch on one rank: chunks in increasing order, packed in
 * slots of job->chunk samples; columns are variable-major. */
typedef struct {
    size_t n;           /* chunks held */
    uint64_t *id;       /* chunk index, [n] */
    uint64_t *first;    /* first sample of the chunk, [n] */
    size_t *len;        /* samples in the chunk, [n] */
    uint64_t *sample;   /* sample index, [cap * chunk] */
    double *unc;        /* uncertain inputs, [n_unc][cap * chunk] */
    double *out;        /* outputs, [n_out][cap * chunk] */
    es_acc *acc;        /* per chunk accumulators, [n][n_unc + n_out] */
    uint64_t *checksum; /* per chunk checksum of outputs, [n] */
    size_t cap;         /* slots */
    size_t stride;      /* samples per slot and column stride unit (job->chunk) */
} es_epoch;

typedef struct es_store es_store;

/* Create the file (exclusive unless force) with every dataset and the
 * provenance attributes; status "partial". */
es_store *es_store_create(MPI_Comm comm, const char *path, const es_job *job,
                          const es_run_info *info, int force);
/* Write one epoch's rows and state (chunk_done, checksums, accumulators), then flush. */
int es_store_write_epoch(es_store *st, const es_epoch *ep);
/* Write /summary from the merged accumulators [n_unc + n_out], the checksum,
 * the finish time, and set status (complete or partial). */
int es_store_finish(es_store *st, const es_acc *acc, uint64_t checksum, uint64_t samples_done,
                    int complete);
int es_store_close(es_store *st);

/* Now in UTC as 2026-11-27T00:37:31Z. */
void es_utc_now(char *buf, size_t len);

#endif
