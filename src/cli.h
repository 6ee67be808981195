/* src/cli.h: subcommands, options and usage. */
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

typedef struct {
    es_cmd cmd;
    es_run_opts run;  /* run */
    const char *path; /* check, report: the file */
} es_cli;

/* Parse argv.  Returns 0, or ES_EXIT_USAGE with a one-line reason in err. */
int es_cli_parse(int argc, char **argv, es_cli *cli, char *err, size_t errlen);
void es_cli_usage(FILE *f);
/* `econsweep check JOB.ini`: validate and print the plan; returns the exit code. */
int es_cli_check(const char *path, FILE *out, FILE *errf);

#endif
