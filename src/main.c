/* src/main.c: a thin main over the cli, sweep, report and merge modules.  MPI
 * is started only for `run`, so `check`, `report`, `merge` and `--help` work
 * on a login node. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "sweep.h"

/* Output that cannot be written (a closed stdout, /dev/full) is a failure. */
static int es_flush_ok(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "econsweep: cannot write the output: %s\n", strerror(errno));
        return rc ? rc : ES_EXIT_IO;
    }
    return rc;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts the process; inside an MPI job that loses
     * every rank's work.  Off, GSL returns error codes (which the code checks)
     * and NaN values (which the summaries count). */
    gsl_set_error_handler_off();
    es_cli cli;
    char err[512];
    int rc = es_cli_parse(argc, argv, &cli, err, sizeof err);
    if (rc) {
        /* under mpiexec every rank gets here: one message is enough */
        if (es_launcher_rank() == 0) {
            fprintf(stderr, "econsweep: %s\n", err);
            fprintf(stderr, "econsweep: see 'econsweep %s%s--help'\n",
                    cli.cmd > ES_CMD_VERSION ? es_cli_cmd_name(cli.cmd) : "",
                    cli.cmd > ES_CMD_VERSION ? " " : "");
        }
        return rc;
    }
    if (cli.help || cli.cmd == ES_CMD_HELP) {
        if (es_launcher_rank() == 0) es_cli_usage(stdout, cli.cmd);
        return es_flush_ok(0);
    }
    switch (cli.cmd) {
    case ES_CMD_VERSION:
        /* `run --version` under mpiexec: every rank gets here, one speaks */
        if (es_launcher_rank() == 0) es_cli_version(stdout);
        return es_flush_ok(0);
    case ES_CMD_CHECK:
        return es_flush_ok(es_cli_check(&cli, stdout, stderr));
    case ES_CMD_REPORT:
        return es_flush_ok(es_report_main(&cli, stdout, stderr));
    case ES_CMD_MERGE:
        /* one process (an MPI singleton: the store writes through MPI-IO) */
        MPI_Init(&argc, &argv);
        rc = es_sweep_merge(MPI_COMM_SELF, cli.merge_out, cli.nparts, cli.parts, cli.force,
                            cli.run.argc, cli.run.argv);
        MPI_Finalize();
        return rc;
    default:
        break;
    }
    /* `run`: under mpiexec every rank gets here; only rank 0 speaks */
    es_sweep_install_signals(); /* a warning signal during start-up is not lost */
    /* a second thread writes rows behind the computing when MPI allows it
     * (the sweep checks what it was given and writes in line otherwise);
     * ECONSWEEP_WRITE_BEHIND=0 asks for no thread support, so rows are
     * written in line */
    const char *wb = getenv("ECONSWEEP_WRITE_BEHIND");
    if (wb && strcmp(wb, "0") == 0) {
        MPI_Init(&argc, &argv);
    } else {
        int provided = MPI_THREAD_SINGLE;
        MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    }
    rc = es_sweep_run(MPI_COMM_WORLD, &cli.run);
    MPI_Finalize();
    return rc;
}
