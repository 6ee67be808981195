/* src/cli.h: subcommands, options (getopt_long) and usage, and `check`. */
#ifndef ES_CLI_H
#define ES_CLI_H

#include <stdio.h>

#include "runopts.h"

typedef enum {
    ES_CMD_NONE,
    ES_CMD_HELP,
    ES_CMD_VERSION,
    ES_CMD_RUN,
    ES_CMD_CHECK,
    ES_CMD_REPORT,
    ES_CMD_MERGE
} es_cmd;

#define ES_CLI_MAXPARTS 4096

typedef struct es_cli {
    es_cmd cmd;
    int help;           /* `econsweep CMD --help` */
    es_run_opts run;    /* run, and check (which shows the plan a run would follow) */
    int base;           /* check --base */
    const char *path;   /* report: the file */
    const char *format; /* report --format text|csv|json */
    const char *plots;  /* report --plots DIR */
    int force;          /* merge --force */
    const char *merge_out;
    int nparts;
    const char *parts[ES_CLI_MAXPARTS];
} es_cli;

/* Parse argv.  Returns 0, or ES_EXIT_USAGE with a one-line reason in err. */
int es_cli_parse(int argc, char **argv, es_cli *cli, char *err, size_t errlen);
/* Usage of one command (ES_CMD_HELP or NONE: the overview). */
void es_cli_usage(FILE *f, es_cmd cmd);
/* The name of a command ("run"). */
const char *es_cli_cmd_name(es_cmd cmd);
/* `econsweep --version`: version, commit, MPI, HDF5 and GSL versions. */
void es_cli_version(FILE *f);
/* `econsweep check JOB.ini [overrides] [--base]`: validate and print the plan;
 * returns the exit code. */
int es_cli_check(const es_cli *cli, FILE *out, FILE *errf);
/* The rank the launcher gave this process (from its environment), before
 * MPI_Init: usage errors are printed by rank 0 only.  0 when not launched. */
int es_launcher_rank(void);

#endif
