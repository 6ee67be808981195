/* src/job.h: job and scenario files (INI) loaded and validated into a plain struct.
 *
 * Pure: reads the files it is given (through a reader that tests and the
 * fuzzer can replace) and returns errors as "file:line: what, expected what"
 * text; it prints nothing. */
#ifndef ES_JOB_H
#define ES_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "design.h"
#include "dist.h"
#include "model.h"

#define ES_JOB_MAXIN 64     /* inputs a model may have */
#define ES_JOB_MAXCORR 64   /* correlation entries in one job */
#define ES_JOB_MAXEVENTS 64 /* [events] entries */
#define ES_JOB_MAXVERIFY 64 /* [verify] entries */
#define ES_JOB_MAXSCAN 3    /* scanned inputs */
#define ES_JOB_NAMEMAX 64   /* event names */
#define ES_JOB_PATHMAX 4096
#define ES_JOB_MAXFILE ((size_t)4 << 20) /* bytes of a job or scenario file */
#define ES_JOB_MAXSCANVALUES 1000000     /* values of one scanned input */

typedef enum { ES_STORE_ALL, ES_STORE_OUTPUTS, ES_STORE_SUMMARY } es_store_kind;

/* A model variable named in [events] or [verify]: an input or an output. */
typedef struct {
    int is_output; /* 0: input, 1: output */
    int index;     /* in the model's input or output table */
} es_varref;

typedef enum { ES_CMP_LT, ES_CMP_LE, ES_CMP_GT, ES_CMP_GE } es_cmp;

/* [events] name = lhs OP rhs, rhs a number or a variable. */
typedef struct {
    char name[ES_JOB_NAMEMAX];
    char text[256]; /* the condition as written, blanks normalised: "investor_npv_usd < 0" */
    es_varref lhs;
    es_cmp op;
    int rhs_is_var; /* 1: rhs_var, 0: rhs_value */
    es_varref rhs_var;
    double rhs_value;
    int line;
} es_event;

/* [scan] input = v1 v2 ...  or  input = a to b step s */
typedef struct {
    int input;      /* model input index */
    size_t n;       /* values */
    double *values; /* [n], owned by the job */
    int line;
} es_scan;

/* [verify] STATISTIC(OUTPUT[, INPUT]) = VALUE +- TOLERANCE */
typedef struct {
    char stat[32];          /* a statistic of /summary ("mean", "p50", ...) or /sensitivity
                               ("spearman", "sobol_total", ...), or "probability" of an event */
    char text[256];         /* the line's key and value as written, for messages */
    char a[ES_JOB_NAMEMAX]; /* OUTPUT (or an uncertain input, or an event name) */
    char b[ES_JOB_NAMEMAX]; /* INPUT, "" when not given */
    double value, tol;
    int line;
} es_verify;

typedef struct {
    int a, b;   /* input indices in the model table, a < b */
    double rho; /* Spearman rank correlation */
    int line;   /* line in the job file */
} es_corr;

typedef struct {
    char path[ES_JOB_PATHMAX]; /* the job file, as given */
    /* the scenario file found: a path with a '/' relative to the job file's
     * folder, or a name found next to the job, in ECONSWEEP_DATADIR or in
     * ECONSWEEP_PATH; "" if none */
    char scenario_path[ES_JOB_PATHMAX];
    char output[ES_JOB_PATHMAX]; /* as written: a relative path is relative to the current folder */
    int scenario_line;           /* line of [sweep] scenario, 0 when absent */
    int output_line;             /* line of [sweep] output, 0 when absent */
    int samples_line;            /* line of [sweep] samples, 0 when absent */
    int chunk_line;              /* line of [sweep] chunk, 0 when absent */
    const es_model *model;
    const es_design_type *design;
    const es_design_type *base; /* saltelli: its base design (default sobol) */
    int scramble;               /* sobol: 0 none, 1 random digital shift */
    uint64_t samples;           /* design points (saltelli: base points; grid: product of levels) */
    uint64_t seed;
    uint64_t chunk;        /* rows per chunk of work and per HDF5 chunk; 0: automatic */
    uint64_t sens_samples; /* design points per cell in the sensitivity pass (cap) */
    es_store_kind store;
    double value[ES_JOB_MAXIN];    /* scenario value of every input (model default if unset) */
    int value_line[ES_JOB_MAXIN];  /* its line in the scenario file, 0 for a model default */
    int uncertain[ES_JOB_MAXIN];   /* 1: input i has a distribution in the job */
    es_dist dist[ES_JOB_MAXIN];    /* its distribution */
    int dist_line[ES_JOB_MAXIN];   /* the line of its 'dist' key */
    uint32_t levels[ES_JOB_MAXIN]; /* grid: levels of input i (0 when not given) */
    size_t n_unc;                  /* uncertain inputs */
    int unc[ES_JOB_MAXIN];         /* their model indices, in model order */
    size_t n_corr;
    es_corr corr[ES_JOB_MAXCORR];
    size_t n_events;
    es_event events[ES_JOB_MAXEVENTS];
    size_t n_scan;
    es_scan scan[ES_JOB_MAXSCAN];
    size_t n_verify;
    es_verify verify[ES_JOB_MAXVERIFY];
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
/* Where a plan's error (the rows, chunks or buffers the job makes) points:
 * "FILE:LINE: [sweep] chunk" or "... samples", the key the job sets and the
 * command line does not override (samples_given: --samples was given), else
 * "FILE". */
void es_job_plan_where(const es_job *job, int samples_given, char *buf, size_t len);

const char *es_store_name(es_store_kind s);
int es_store_find(const char *name);

/* The job's rank correlations as pairs of positions among the uncertain
 * inputs (corr[n_corr]), for the design. */
void es_job_design_corr(const es_job *job, es_design_corr *corr);
/* Name, unit of a variable reference. */
const char *es_varref_name(const es_model *m, es_varref r);

/* A whole number in [lo, hi], as digits or as a decimal like 1e6 or 1.5e3,
 * read exactly (never through a double): 0, or -1 with the reason ("is not a
 * whole number", "is above 2^64-1", ...) in *why when why is not NULL. */
int es_parse_whole(const char *s, uint64_t lo, uint64_t hi, uint64_t *out, const char **why);
/* The same without the reason.  0 or -1. */
int es_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* 64-bit FNV-1a fingerprint of what fixes a run's values: model, job and
 * scenario text, seed, design, samples and chunk. */
uint64_t es_job_fingerprint(const es_job *job);

/* The job text as a run used it: the [sweep] keys[k] set to values[k] (n of
 * them, at most 16), each marked "set on the command line" with what the
 * file said.  A new string (malloc), NULL when out of memory. */
char *es_job_text_with(const char *text, size_t n, const char *const *keys,
                       const char *const *values);

#endif
