/* src/job.h: job and scenario files (INI) loaded and validated into a plain struct.
 *
 * Pure: reads the files it is given (through a reader that tests and the
 * fuzzer can replace) and returns errors as "file:line: what, expected what"
 * text; it prints nothing. */
#ifndef ES_JOB_H
#define ES_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "model.h"

#define ES_JOB_MAXIN 64   /* inputs a model may have */
#define ES_JOB_MAXCORR 64 /* correlation entries in one job */
#define ES_JOB_PATHMAX 4096

typedef enum {
    ES_DESIGN_MC,
    ES_DESIGN_LHS,
    ES_DESIGN_SOBOL,
    ES_DESIGN_GRID,
    ES_DESIGN_SALTELLI
} es_design_kind;
typedef enum { ES_STORE_ALL, ES_STORE_OUTPUTS, ES_STORE_SUMMARY } es_store_kind;

typedef struct {
    int a, b;   /* input indices in the model table, a < b */
    double rho; /* Spearman rank correlation */
    int line;   /* line in the job file */
} es_corr;

typedef struct {
    char path[ES_JOB_PATHMAX];          /* the job file, as given */
    char scenario_path[ES_JOB_PATHMAX]; /* resolved against the job file's folder; "" if none */
    char output[ES_JOB_PATHMAX];        /* resolved against the job file's folder */
    const es_model *model;
    es_design_kind design;
    uint64_t samples; /* sample points */
    uint64_t seed;
    uint64_t chunk; /* samples per chunk of work and per HDF5 chunk */
    es_store_kind store;
    double value[ES_JOB_MAXIN];   /* scenario value of every input (model default if unset) */
    int value_line[ES_JOB_MAXIN]; /* its line in the scenario file, 0 for a model default */
    int uncertain[ES_JOB_MAXIN];  /* 1: input i has a distribution in the job */
    es_dist dist[ES_JOB_MAXIN];   /* its distribution */
    int dist_line[ES_JOB_MAXIN];  /* the line of its 'dist' key */
    size_t n_unc;                 /* uncertain inputs */
    int unc[ES_JOB_MAXIN];        /* their model indices, in model order */
    size_t n_corr;
    es_corr corr[ES_JOB_MAXCORR];
    char *job_text;      /* the job file, verbatim */
    char *scenario_text; /* the scenario file, verbatim ("" if none) */
} es_job;

/* Reads a whole file into a new NUL-terminated buffer.  Returns 0, or -1 with
 * the reason in err. */
typedef int (*es_job_reader)(const char *path, char **text, size_t *len, char *err, size_t errlen,
                             void *ctx);

int es_job_read_file(const char *path, char **text, size_t *len, char *err, size_t errlen,
                     void *ctx);

/* Files served from memory (ranks other than 0, tests, the fuzzer): ctx is an
 * array of es_job_mem_file ended by one with text NULL; path "*" matches any
 * path not matched before it. */
typedef struct {
    const char *path;
    const char *text; /* need not be NUL-terminated */
    size_t len;
} es_job_mem_file;

int es_job_mem_reader(const char *path, char **text, size_t *len, char *err, size_t errlen,
                      void *ctx);

/* Load and validate a job (and the scenario it names).  Returns 0, or the
 * number of errors found with one "file:line: message" per line in err
 * (truncated to errlen).  On error the job holds nothing to free. */
int es_job_load(es_job *job, const char *path, char *err, size_t errlen);
int es_job_load_with(es_job *job, const char *path, es_job_reader reader, void *ctx, char *err,
                     size_t errlen);
void es_job_free(es_job *job);

const char *es_design_name(es_design_kind d);
const char *es_store_name(es_store_kind s);
int es_store_find(const char *name);

/* The Gaussian copula of the job's rank correlations: the nc uncertain
 * inputs that take part (their positions among the uncertain inputs in
 * cpos[nc]) and the lower Cholesky factor L (nc x nc, row major, room for
 * ES_JOB_MAXIN^2) of their normal-score correlations 2 sin(pi rho / 6).
 * Returns 0, or -1 when that matrix is not positive definite. */
int es_job_copula(const es_job *job, size_t *nc, size_t *cpos, double *L);

/* A whole number in [lo, hi], as digits or as a decimal like 1e6.  0 or -1. */
int es_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* 64-bit FNV-1a fingerprint of what fixes a run's values: model, job and
 * scenario text, seed, design, samples and chunk. */
uint64_t es_job_fingerprint(const es_job *job);

/* Bytes the output file will take for per-sample rows (an estimate). */
uint64_t es_job_output_bytes(const es_job *job);

#endif
