/* src/runopts.h: exit codes and the options of `run` (and of `check`, which
 * shows the plan a run would follow).  No MPI here: cli.h includes it. */
#ifndef ES_RUNOPTS_H
#define ES_RUNOPTS_H

#include <stdint.h>

/* Exit codes (docs/design.md). */
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
    int resume;    /* --resume */
    int has_part;
    uint32_t part, parts;    /* --part K/P */
    double checkpoint_every; /* --checkpoint-every SECONDS; 0: the default */
    int argc;                /* the command line, for the file's provenance */
    char **argv;
} es_run_opts;

#endif
