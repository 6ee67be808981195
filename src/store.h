/* src/store.h: the HDF5 file of a run (schema 2, docs/design.md).
 *
 * While the run lasts the file is open on every rank through the MPI-IO
 * driver, and every es_store_* call is collective: every rank calls it, with
 * the same arguments where they describe the file and its own rows (maybe
 * none) where they are data.  At the end the parallel file is closed and rank
 * 0 alone writes the results (es_store_results) with the serial driver.
 *
 * Rows: /sample, /cell (scans), /inputs/<name>, /outputs/<name>, extendible
 * along the row dimension; they hold rows [row_offset, row_offset + extent)
 * of the job (row_offset > 0 in a part of a job array).  Every row inside
 * the extent is either computed or, for a chunk dropped by an interruption,
 * NaN (and /sample = 2^64-1): never a number that was not computed.
 *
 * State: /state/chunk_done, /state/chunk_checksum (per chunk, informational)
 * and two slots /state/checkpoint_a and _b, written alternately, each a
 * self-checking blob (es_ckpt) of the done mask and the merged statistics:
 * a run killed while writing one slot still has the other.
 *
 * Errors: a function prints the HDF5 call, the object path, the rank and
 * HDF5's own error text (or errno's) to stderr and returns -1.  The caller
 * must end the job (MPI_Abort): the other ranks may be inside a collective
 * call that will never complete. */
#ifndef ES_STORE_H
#define ES_STORE_H

#include <mpi.h>
#include <stdint.h>

#include "plan.h"
#include "results.h"

#define ES_SCHEMA 2
#define ES_SAMPLE_MISSING UINT64_MAX /* /sample of a row that was not computed */

/* What rank 0 knows about the run and every rank writes the same. */
typedef struct {
    char created_utc[32];
    char host[256];
    char slurm[6][128]; /* SLURM_JOB_ID and friends, "" when unset */
    int ranks;
    int ranks_rows; /* merge: the most ranks a part ran on (the file's "ranks"); 0: ranks */
    uint64_t fingerprint;
    char command_line[8192];    /* argv, quoted where needed */
    char cwd[ES_JOB_PATHMAX];   /* the working directory */
    char mpi_version[256];      /* MPI_Get_library_version, first line */
    const char *job_effective;  /* the job text with the command line's overrides; set on
                                   every rank after the broadcast (a pointer) */
    const char *history_before; /* merge: the parts' histories, put before the file's
                                   own first line (NULL: none) */
} es_run_info;

extern const char *const es_slurm_vars[6];

typedef struct es_store es_store;

/* Create a new file (it must not exist) with every dataset and the
 * provenance attributes; status "partial".  *created: 1 once the file exists
 * because of this call (so that a failure after it may remove it; a file
 * that another process created first is not ours). */
es_store *es_store_create(MPI_Comm comm, const char *path, const es_plan *p,
                          const es_run_info *info, int *created);
/* Open a file to resume it (es_store_read_checkpoint has checked it); the
 * resume is recorded (history, resumes, the Slurm attributes of this start). */
es_store *es_store_reopen(MPI_Comm comm, const char *path, const es_plan *p,
                          const es_run_info *info);

/* Write rows: this rank's nseg runs of rows, run s being rows [first[s],
 * first[s] + len[s]) of the job with column v at cols[v] + off[s] (v over
 * uncertain inputs then outputs).  missing[s]: the run was not computed (its
 * columns hold NaN; /sample and /cell get 2^64-1).  extent: the rows the
 * datasets must hold from row_offset (the same on every rank). */
int es_store_write_rows(es_store *st, uint64_t extent, size_t nseg, const uint64_t *first,
                        const size_t *len, const size_t *off, const unsigned char *missing,
                        const double *const *cols);

/* The rows the row datasets hold now (a resumed file's, at first). */
uint64_t es_store_extent(const es_store *st);

/* Mark chunks done: this rank's n chunks ids[] with their checksums. */
int es_store_mark_chunks(es_store *st, size_t n, const uint64_t *ids, const uint64_t *sums);

/* Write a checkpoint blob (rank 0's bytes; len the same on every rank) into
 * the slot after the last one, set samples_done (the rows it holds, the same
 * on every rank), and flush the file. */
int es_store_checkpoint(es_store *st, const unsigned char *blob, uint64_t len, uint64_t rows_done);

/* Close the parallel file (collective).  Its status stays "partial". */
int es_store_close(es_store *st);

/* Abandon: close what can be closed without collective calls (after a failure). */
void es_store_abandon(es_store *st);

/* Rank 0, after the parallel close, with the serial driver: replace the
 * results groups (/summary, /events, /sensitivity, /scan, /verify) with r,
 * then set the rows done, the checksum, the finish time and, last, the
 * status.  final_blob (or NULL): the checkpoint to keep, alone, in a complete
 * file.  Returns 0, or -1 (message printed). */
int es_store_finish(const char *path, const es_results *r, int complete, uint64_t rows_done,
                    uint64_t checksum, const unsigned char *final_blob, uint64_t final_len);

/* Rank 0, before the parallel open, for --resume: read the newest valid
 * checkpoint blob and the root attributes needed to check the file.
 * Returns 0 with *blob (malloc'd) and *len, or -1 with a message in err.  */
typedef struct {
    char fingerprint[32];
    char model[64];
    char design[32];
    char status[16];
    char store[16];
    int64_t schema;
    uint64_t part, parts;
    uint64_t samples, seed;
    char job_path[ES_JOB_PATHMAX];
    char scenario_path[ES_JOB_PATHMAX];
    char *job_text;      /* malloc'd (es_file_head_free) */
    char *scenario_text; /* malloc'd */
    char *history;       /* malloc'd */
    int64_t ranks;
    int no_checkpoint; /* a file of this schema whose run stopped before its first checkpoint */
} es_file_head;
void es_file_head_free(es_file_head *head);
int es_store_read_checkpoint(const char *path, es_file_head *head, unsigned char **blob,
                             uint64_t *len, char *err, size_t errlen);

/* Copy a complete part's rows (rows [row_offset, row_offset + n) of the job)
 * and its chunks' done marks and checksums into st (a file being merged; a
 * single rank).  Returns 0, or -1 (message printed). */
int es_store_copy_part(es_store *st, const char *part);

/* Now in UTC as 2026-11-27T00:37:31Z. */
void es_utc_now(char *buf, size_t len);

#endif
