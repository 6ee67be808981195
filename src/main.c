/* src/main.c: a thin main over the cli and sweep modules.  MPI is started
 * only for `run`, so `check` and `--help` work on a login node. */
#include <gsl/gsl_errno.h>
#include <mpi.h>
#include <stdio.h>

#include "cli.h"
#include "sweep.h"

int main(int argc, char **argv)
{
    /* GSL's default handler aborts the process; inside an MPI job that loses
     * every rank's work.  Off, GSL returns error codes (which the code checks)
     * and NaN values (which the summaries count). */
    gsl_set_error_handler_off();
    es_cli cli;
    char err[512];
    int rc = es_cli_parse(argc, argv, &cli, err, sizeof err);
    if (rc == 0 && cli.cmd != ES_CMD_RUN) {
        switch (cli.cmd) {
        case ES_CMD_HELP:
            es_cli_usage(stdout);
            return 0;
        case ES_CMD_VERSION:
            printf("econsweep %s\n", ECONSWEEP_VERSION);
            return 0;
        case ES_CMD_CHECK:
            return es_cli_check(cli.path, stdout, stderr);
        default:
            return ES_EXIT_USAGE;
        }
    }
    if (rc != 0 && (argc < 2 || argv[1][0] != 'r' || argv[1][1] != 'u')) {
        fprintf(stderr, "econsweep: %s\n", err);
        es_cli_usage(stderr);
        return rc;
    }
    /* `run`: under mpirun every rank gets here; only rank 0 speaks */
    es_sweep_install_signals(); /* a warning signal during start-up is not lost */
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rc != 0) {
        if (rank == 0) fprintf(stderr, "econsweep: %s (see econsweep --help)\n", err);
    } else {
        rc = es_sweep_run(MPI_COMM_WORLD, &cli.run);
    }
    MPI_Finalize();
    return rc;
}
