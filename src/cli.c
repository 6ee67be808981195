/* src/cli.c: the command line (docs/design.md, "Command line") and `check`.
 *
 * Options are parsed with glibc's getopt_long (so --samples=1e6, -oOUT.h5 and
 * -- work); every command has its own --help.  Nothing here starts MPI: main
 * does, for `run` only, after the command line is known to be good. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <math.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "job.h"
#include "pipe.h"
#include "plan.h"

#ifndef ECONSWEEP_COMMIT
#define ECONSWEEP_COMMIT "unknown"
#endif

static const char *const es_cmd_names[] = {"",      "help",   "--version", "run",
                                           "check", "report", "merge"};

const char *es_cli_cmd_name(es_cmd cmd)
{
    return es_cmd_names[cmd];
}

static const char es_usage_overview[] =
    "usage:\n"
    "  mpiexec -n P econsweep run JOB.ini [options]   run a study (see econsweep run --help)\n"
    "  econsweep check JOB.ini [options]             validate a job; show the plan\n"
    "  econsweep report OUT.h5 [options]             summarise a result file\n"
    "  econsweep merge OUT.h5 PART.h5...             join the parts of a job array\n"
    "  econsweep help COMMAND | --help | --version\n"
    "\n"
    "exit codes: 0 done; 1 usage (or the output exists); 2 bad job, scenario or file to\n"
    "resume; 3 I/O or MPI failure; 4 interrupted by a signal, file closed with status\n"
    "\"partial\" and resumable; 5 a verification check failed.\n";

static const char es_usage_run[] =
    "usage: mpiexec -n P econsweep run JOB.ini [options]\n"
    "\n"
    "Runs the job on every rank; rank 0 hands out chunks of samples and all ranks write\n"
    "one HDF5 file.  Results are bit-identical for any number of ranks.\n"
    "\n"
    "  -o, --output=OUT.h5       write here instead of the job's [sweep] output\n"
    "      --samples=N           design points (whole number, 1e6 accepted)\n"
    "      --seed=S              seed of the random streams (0 .. 2^64-1)\n"
    "      --store=MODE          all: inputs and outputs per sample; outputs: outputs only;\n"
    "                            summary: no per-sample rows (for 1e9 samples and beyond)\n"
    "      --force               replace an existing output (a new file is renamed over it\n"
    "                            when the run ends; a failed run leaves the old one, one\n"
    "                            stopped by a signal replaces it with its partial file)\n"
    "      --resume              continue an interrupted file of the same job\n"
    "      --part=K/P            run the K-th of P parts (K from 0); join with merge\n"
    "      --checkpoint-every=S  flush the done state at least every S seconds (60)\n"
    "  -h, --help                this text\n"
    "  -V, --version             the version, commit and libraries\n"
    "\n"
    "Stop a run cleanly with SIGUSR1 (through mpiexec or Slurm's --signal): the ranks drop\n"
    "the chunk in progress, write what is done, close the file with status \"partial\" and\n"
    "exit 4; continue with --resume.  Rank 0 prints progress every 10 s\n"
    "(ECONSWEEP_PROGRESS_SECONDS) and one closing line with samples/s and a checksum that\n"
    "does not depend on the number of ranks.\n";

static const char es_usage_check[] =
    "usage: econsweep check JOB.ini [options]\n"
    "\n"
    "Validates the job and its scenario and prints the plan a run would follow: inputs\n"
    "with their distributions, the design, evaluations, chunks, the output file and its\n"
    "size, which outputs can vary, and an estimate of the run time on this machine.\n"
    "Takes run's -o, --samples, --seed, --store and --part, so the plan shown is the\n"
    "run's.  Writes nothing.\n"
    "\n"
    "  -o, --output=OUT.h5   --samples=N   --seed=S   --store=MODE   --part=K/P\n"
    "      --base            also evaluate the model once at the scenario values\n"
    "  -h, --help            this text\n"
    "  -V, --version         the version, commit and libraries\n";

static const char es_usage_report[] =
    "usage: econsweep report OUT.h5 [--format=text|csv|json] [--plots=DIR]\n"
    "\n"
    "Summarises a result file (complete, partial, a part or a merged file) with serial\n"
    "HDF5; no MPI launch is needed: the provenance, the outputs and uncertain inputs\n"
    "(mean with its 95% interval, std, p5, p50, p95, NaN count), the events and the top\n"
    "drivers of each main output; a partial file says how to continue it.\n"
    "\n"
    "      --format=FORMAT   text (the default), csv or json: every number at full\n"
    "                        precision with its unit (json: null where text says NaN)\n"
    "      --plots=DIR       also draw PNG and SVG plots with gnuplot into DIR, with\n"
    "                        DIR/index.html holding the tables and every plot\n"
    "  -h, --help            this text\n"
    "  -V, --version         the version, commit and libraries\n"
    "\n"
    "exit codes: 0 done; 1 usage; 3 the file is missing, not an econsweep result, damaged\n"
    "or of a newer schema, or gnuplot is missing for --plots (the tables are printed).\n";

static const char es_usage_merge[] =
    "usage: econsweep merge OUT.h5 PART.h5... [--force]\n"
    "\n"
    "Joins the parts of a job array (run --part K/P) into one file equal to the run of the\n"
    "whole job: rows, statistics merged from the parts' states, events, sensitivity and\n"
    "checksum, and checks the job's [verify].  The parts must be of one job and one store\n"
    "mode, disjoint and complete; they are never changed.  One process, no mpiexec.\n"
    "\n"
    "      --force           replace an existing OUT.h5 (only once the merge has ended)\n"
    "  -h, --help            this text\n"
    "  -V, --version         the version, commit and libraries\n"
    "\n"
    "exit codes: 0 done; 1 usage, or OUT.h5 exists; 2 a part missing, foreign, unfinished\n"
    "or given twice; 3 I/O; 4 interrupted by a signal (nothing written: run it again);\n"
    "5 a verification check failed.\n";

void es_cli_usage(FILE *f, es_cmd cmd)
{
    switch (cmd) {
    case ES_CMD_RUN:
        fputs(es_usage_run, f);
        break;
    case ES_CMD_CHECK:
        fputs(es_usage_check, f);
        break;
    case ES_CMD_REPORT:
        fputs(es_usage_report, f);
        break;
    case ES_CMD_MERGE:
        fputs(es_usage_merge, f);
        break;
    default:
        fputs(es_usage_overview, f);
    }
}

void es_cli_version(FILE *f)
{
    char mpi[MPI_MAX_LIBRARY_VERSION_STRING] = "";
    int len = 0;
    MPI_Get_library_version(mpi, &len); /* allowed before MPI_Init */
    char *nl = strchr(mpi, '\n');
    if (nl) *nl = '\0';
    char *comma = strchr(mpi, ',');
    if (comma) *comma = '\0';
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    fprintf(f, "econsweep %s (commit %s)\n", ECONSWEEP_VERSION, ECONSWEEP_COMMIT);
    fprintf(f, "  MPI:  %s\n", mpi);
    fprintf(f, "  HDF5: %u.%u.%u (parallel)\n", maj, min, rel);
    fprintf(f, "  GSL:  %s\n", gsl_version);
}

int es_launcher_rank(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return atoi(v);
    }
    return 0;
}

static int es_usage_err(char *err, size_t errlen, const char *fmt, const char *a)
{
    snprintf(err, errlen, fmt, a);
    return ES_EXIT_USAGE;
}

enum {
    OPT_SAMPLES = 256,
    OPT_SEED,
    OPT_STORE,
    OPT_FORCE,
    OPT_RESUME,
    OPT_PART,
    OPT_CKPT,
    OPT_BASE,
    OPT_FORMAT,
    OPT_PLOTS
};

/* "K/P" with 0 <= K < P and P >= 2 (one part is the whole job, which merge
 * would not take as a part) */
static int es_parse_part(const char *s, uint32_t *k, uint32_t *p)
{
    char *end;
    errno = 0;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/' || errno) return -1;
    const char *t = end + 1;
    unsigned long b = strtoul(t, &end, 10);
    if (end == t || *end || errno || b < 2 || a >= b || b > 1000000) return -1;
    *k = (uint32_t)a;
    *p = (uint32_t)b;
    return 0;
}

/* The run-time options shared by run and check. */
static int es_parse_run_opt(int c, const char *arg, es_cli *cli, char *err, size_t errlen)
{
    es_run_opts *o = &cli->run;
    switch (c) {
    case 'o':
        if (!*arg) return es_usage_err(err, errlen, "%s", "-o needs a file name");
        o->output = arg;
        return 0;
    case OPT_SAMPLES:
        if (es_parse_count(arg, 1, (uint64_t)1 << 53, &o->samples))
            return es_usage_err(err, errlen,
                                "--samples '%s': expected a whole number from 1 to 2^53", arg);
        o->has_samples = 1;
        return 0;
    case OPT_SEED:
        if (es_parse_count(arg, 0, UINT64_MAX, &o->seed))
            return es_usage_err(err, errlen,
                                "--seed '%s': expected a whole number from 0 to 2^64-1", arg);
        o->has_seed = 1;
        return 0;
    case OPT_STORE:
        o->store = es_store_find(arg);
        if (o->store < 0)
            return es_usage_err(err, errlen, "--store '%s': expected all, outputs or summary", arg);
        return 0;
    case OPT_PART:
        if (es_parse_part(arg, &o->part, &o->parts))
            return es_usage_err(err, errlen,
                                "--part '%s': expected K/P with 0 <= K < P and 2 <= P (for "
                                "example 0/4; for the whole job leave --part out)",
                                arg);
        o->has_part = 1;
        return 0;
    default:
        return -1;
    }
}

int es_cli_parse(int argc, char **argv, es_cli *cli, char *err, size_t errlen)
{
    memset(cli, 0, sizeof *cli);
    cli->run.store = -1;
    cli->run.argc = argc;
    cli->run.argv = argv;
    cli->format = "text";
    if (argc < 2) return es_usage_err(err, errlen, "%s", "no command given");
    const char *c = argv[1];
    if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
        cli->cmd = ES_CMD_HELP;
        if (argc > 2) {
            for (int k = ES_CMD_RUN; k <= ES_CMD_MERGE; k++)
                if (!strcmp(argv[2], es_cmd_names[k])) cli->cmd = (es_cmd)k;
            if (cli->cmd == ES_CMD_HELP)
                return es_usage_err(
                    err, errlen, "help '%s': unknown command; expected run, check, report or merge",
                    argv[2]);
            cli->help = 1;
        }
        return 0;
    }
    if (!strcmp(c, "--version") || !strcmp(c, "-V")) {
        cli->cmd = ES_CMD_VERSION;
        return 0;
    }
    for (int k = ES_CMD_RUN; k <= ES_CMD_MERGE; k++)
        if (!strcmp(c, es_cmd_names[k])) cli->cmd = (es_cmd)k;
    if (cli->cmd == ES_CMD_NONE)
        return es_usage_err(err, errlen,
                            "unknown command '%s'; expected run, check, report or merge", c);

    static const struct option run_opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"samples", required_argument, NULL, OPT_SAMPLES},
        {"seed", required_argument, NULL, OPT_SEED},
        {"store", required_argument, NULL, OPT_STORE},
        {"force", no_argument, NULL, OPT_FORCE},
        {"resume", no_argument, NULL, OPT_RESUME},
        {"part", required_argument, NULL, OPT_PART},
        {"checkpoint-every", required_argument, NULL, OPT_CKPT},
        {"base", no_argument, NULL, OPT_BASE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"plots", required_argument, NULL, OPT_PLOTS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    /* which long options each command takes */
    static const char *const allowed[] = {
        [ES_CMD_RUN] = " output samples seed store force resume part checkpoint-every help ",
        [ES_CMD_CHECK] = " output samples seed store part base help ",
        [ES_CMD_REPORT] = " format plots help ",
        [ES_CMD_MERGE] = " force help ",
    };
    /* ':' first: a missing value is reported as ':'; no '+': GNU order, so that
     * options may follow the operands (run JOB.ini --samples 5) */
    const char *shortopts = cli->cmd == ES_CMD_RUN || cli->cmd == ES_CMD_CHECK ? ":o:hV" : ":hV";
    opterr = 0;
    optind = 1;
    /* getopt_long permutes what it parses: give it a copy, so that argv stays
     * the command line as typed (recorded in the output file) */
    static char *sub_copy[4096];
    if (argc > 4096) return es_usage_err(err, errlen, "%s", "too many arguments");
    int sub_argc = argc - 1;
    for (int i = 1; i < argc; i++)
        sub_copy[i - 1] = argv[i];
    char **sub_argv = sub_copy;
    int ch, li;
    while ((ch = getopt_long(sub_argc, sub_argv, shortopts, run_opts, &li)) != -1) {
        const char *name = NULL;
        if (ch == '?' || ch == ':') {
            const char *bad = sub_argv[optind - 1];
            if (ch == ':') return es_usage_err(err, errlen, "option '%s' needs a value", bad);
            return es_usage_err(err, errlen, "unknown option '%s'", bad);
        }
        for (int i = 0; run_opts[i].name; i++)
            if (run_opts[i].val == ch) name = run_opts[i].name;
        if (ch == 'h') {
            cli->help = 1;
            return 0;
        }
        if (ch == 'V') { /* every command takes -V, as the man page says */
            cli->cmd = ES_CMD_VERSION;
            return 0;
        }
        char pad[48];
        snprintf(pad, sizeof pad, " %s ", name ? name : "");
        if (!name || !strstr(allowed[cli->cmd], pad)) {
            char what[96];
            snprintf(what, sizeof what, "%s does not take --%s", es_cmd_names[cli->cmd],
                     name ? name : "?");
            return es_usage_err(err, errlen, "%s", what);
        }
        switch (ch) {
        case OPT_FORCE:
            cli->run.force = cli->force = 1;
            break;
        case OPT_RESUME:
            cli->run.resume = 1;
            break;
        case OPT_CKPT: {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || *end || !(v >= 1 && v <= 1e7))
                return es_usage_err(
                    err, errlen, "--checkpoint-every '%s': expected seconds from 1 to 1e7", optarg);
            cli->run.checkpoint_every = v;
            break;
        }
        case OPT_BASE:
            cli->base = 1;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "csv") && strcmp(optarg, "json"))
                return es_usage_err(err, errlen, "--format '%s': expected text, csv or json",
                                    optarg);
            cli->format = optarg;
            break;
        case OPT_PLOTS:
            if (!*optarg) return es_usage_err(err, errlen, "%s", "--plots needs a folder name");
            cli->plots = optarg;
            break;
        default: {
            int rc = es_parse_run_opt(ch, optarg, cli, err, errlen);
            if (rc) return rc < 0 ? es_usage_err(err, errlen, "%s", "bad option") : rc;
        }
        }
    }
    /* the operands */
    int nops = sub_argc - optind;
    char **ops = sub_argv + optind;
    switch (cli->cmd) {
    case ES_CMD_RUN:
    case ES_CMD_CHECK:
        if (nops != 1) {
            char what[128];
            if (nops)
                snprintf(what, sizeof what, "%s takes one job file; got %d", es_cmd_names[cli->cmd],
                         nops);
            else
                snprintf(what, sizeof what, "%s needs a job file: econsweep %s JOB.ini",
                         es_cmd_names[cli->cmd], es_cmd_names[cli->cmd]);
            return es_usage_err(err, errlen, "%s", what);
        }
        cli->run.job_path = ops[0];
        if (cli->run.resume && cli->run.force)
            return es_usage_err(err, errlen, "%s",
                                "--resume and --force exclude each other (resume continues the "
                                "file, force replaces it)");
        break;
    case ES_CMD_REPORT:
        if (nops != 1)
            return es_usage_err(err, errlen, "%s",
                                "report takes one file: econsweep report OUT.h5");
        cli->path = ops[0];
        break;
    case ES_CMD_MERGE:
        if (nops < 2)
            return es_usage_err(err, errlen, "%s",
                                "merge needs an output and at least one part: econsweep merge "
                                "OUT.h5 PART.h5...");
        if (nops - 1 > ES_CLI_MAXPARTS)
            return es_usage_err(err, errlen, "%s", "too many parts (at most 4096)");
        cli->merge_out = ops[0];
        cli->nparts = nops - 1;
        for (int i = 1; i < nops; i++)
            cli->parts[i - 1] = ops[i];
        break;
    default:
        break;
    }
    return 0;
}

/* ---- check ---- */

static void es_fmt_bytes(uint64_t b, char *buf, size_t len)
{
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double x = (double)b;
    int i = 0;
    while (x >= 1024 && i < 5) {
        x /= 1024;
        i++;
    }
    snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", x, u[i]);
}

static double es_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Rows per second of the whole pipeline on this core, from a short timed run
 * of the first rows (at least 0.2 s); -1 when it cannot be measured. */
static double es_measure_rate(const es_plan *whole)
{
    /* the first cell is enough (and a plan of one cell keeps the statistics small) */
    es_plan one = *whole;
    one.cells = 1;
    one.rows = one.points;
    one.nchunks = (one.rows + one.chunk - 1) / one.chunk;
    const es_plan *p = &one;
    char err[256];
    es_pipe *pp = es_pipe_new(p, err, sizeof err);
    if (!pp) return -1;
    double *anchor = es_pipe_anchors(pp);
    es_stat_ctx ctx = {NULL, anchor};
    es_statset *ss = anchor ? es_statset_new(p, 1, &ctx) : NULL;
    double t0 = es_seconds(), el = 0;
    uint64_t rows = 0;
    for (uint64_t c = 0; ss && el < 0.2; c = (c + 1) % p->nchunks) {
        size_t len = es_plan_chunk_len(p, c);
        if (len > 4096) len = 4096;
        if (es_pipe_run(pp, es_plan_chunk_first(p, c), len, ss) != 0) break;
        rows += len;
        el = es_seconds() - t0;
    }
    es_statset_free(ss);
    free(anchor);
    es_pipe_free(pp);
    return rows && el > 0 ? (double)rows / el : -1;
}

static void es_fmt_duration(double s, char *buf, size_t len)
{
    if (s < 120)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, len, "%.0f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
}

int es_cli_check(const es_cli *cli, FILE *out, FILE *errf)
{
    const es_run_opts *o = &cli->run;
    const char *path = o->job_path;
    es_job job;
    char err[8192];
    int n = es_job_load(&job, path, err, sizeof err);
    if (n) {
        fputs(err, errf);
        fprintf(errf, "econsweep: %s: %d error%s\n", path, n, n == 1 ? "" : "s");
        return ES_EXIT_BADJOB;
    }
    if (o->has_samples) job.samples = o->samples;
    if (o->has_seed) job.seed = o->seed;
    if (o->store >= 0) job.store = (es_store_kind)o->store;
    const char *outpath = o->output ? o->output : job.output;
    const es_model *m = job.model;
    es_plan plan;
    int rc = 0;
    char where[ES_JOB_PATHMAX + 64];
    snprintf(where, sizeof where, "econsweep: %s", path);
    if (es_plan_init(&plan, &job, err, sizeof err)) {
        rc = ES_EXIT_BADJOB;
        /* the chunk count and the buffers' size follow from chunk and
         * samples: name that line (other plan errors name their own) */
        if (strstr(err, "chunk")) es_job_plan_where(&job, o->has_samples, where, sizeof where);
    } else if (o->has_part && es_plan_set_part(&plan, o->part, o->parts, err, sizeof err))
        rc = ES_EXIT_USAGE;
    if (rc) {
        fprintf(errf, "%s: %s\n", where, err);
        es_job_free(&job);
        return rc;
    }
    char size[32];
    es_fmt_bytes(es_plan_output_bytes(&plan), size, sizeof size);
    fprintf(out, "job        %s\n", job.path);
    fprintf(out, "model      %s: %s\n", m->name, m->long_name);
    fprintf(out, "scenario   %s\n",
            job.scenario_path[0] ? job.scenario_path : "(none: model defaults)");
    fprintf(out, "design     %s\n", job.design->name);
    fprintf(out, "samples    %llu (evaluations %llu)\n", (unsigned long long)plan.rows,
            (unsigned long long)plan.evaluations);
    fprintf(out, "chunk      %llu samples (%llu chunks)\n", (unsigned long long)plan.chunk,
            (unsigned long long)plan.nchunks);
    if (plan.parts > 1)
        fprintf(out, "part       %u of %u: chunks %llu to %llu\n", plan.part, plan.parts,
                (unsigned long long)plan.chunk_lo, (unsigned long long)plan.chunk_hi - 1);
    fprintf(out, "seed       %llu\n", (unsigned long long)job.seed);
    fprintf(out, "store      %s\n", es_store_name(job.store));
    fprintf(out, "output     %s (about %s)\n", outpath, size);
    fprintf(out, "\ninputs: %zu uncertain, %zu fixed\n", job.n_unc, m->n_inputs - job.n_unc);
    fprintf(out, "  %-24s %-8s %-50s %11s %11s %11s\n", "name", "unit", "value or distribution",
            "p5", "p50", "p95");
    for (size_t i = 0; i < m->n_inputs; i++) {
        const es_input_info *in = &m->inputs[i];
        if (job.uncertain[i]) {
            char d[128];
            es_dist_describe(&job.dist[i], d, sizeof d);
            fprintf(out, "  %-24s %-8s %-50s %11.4g %11.4g %11.4g\n", in->name, in->unit, d,
                    es_dist_quantile(&job.dist[i], 0.05), es_dist_quantile(&job.dist[i], 0.5),
                    es_dist_quantile(&job.dist[i], 0.95));
        } else {
            char v[64];
            snprintf(v, sizeof v, "fixed %.10g%s", job.value[i],
                     job.value_line[i] ? "" : " (model default)");
            fprintf(out, "  %-24s %-8s %s\n", in->name, in->unit, v);
        }
    }
    if (job.n_corr) {
        fprintf(out, "\nrank correlations\n");
        for (size_t c = 0; c < job.n_corr; c++)
            fprintf(out, "  %s ~ %s = %g\n", m->inputs[job.corr[c].a].name,
                    m->inputs[job.corr[c].b].name, job.corr[c].rho);
    }
    if (job.n_scan) {
        fprintf(out,
                "\nscan: %llu cells (the study repeated in each, the same draws in every "
                "cell)\n",
                (unsigned long long)plan.cells);
        for (size_t s = 0; s < job.n_scan; s++) {
            const es_scan *sc = &job.scan[s];
            fprintf(out, "  %-24s %zu values:", m->inputs[sc->input].name, sc->n);
            for (size_t k = 0; k < sc->n && k < 12; k++)
                fprintf(out, " %g", sc->values[k]);
            fprintf(out, "%s\n", sc->n > 12 ? " ..." : "");
        }
    }
    if (job.n_events) {
        fprintf(out, "\nevents\n");
        for (size_t e = 0; e < job.n_events; e++)
            fprintf(out, "  %-24s %s\n", job.events[e].name, job.events[e].text);
    }

    /* which outputs this job can move: found numerically at the scenario values */
    unsigned char varies[ES_JOB_MAXIN] = {0}, dep[256] = {0};
    for (size_t i = 0; i < m->n_inputs; i++)
        varies[i] = job.uncertain[i] && job.dist[i].kind != ES_DIST_CONSTANT;
    for (size_t s = 0; s < job.n_scan; s++)
        varies[job.scan[s].input] = 1;
    int have_dep = m->n_outputs <= 256 && es_model_dependencies(m, job.value, varies, dep) == 0;
    fprintf(out, "\noutputs: %zu%s\n", m->n_outputs,
            have_dep ? " (\"fixed\": no uncertain input of this job moves it)" : "");
    int fixed_main = 0;
    for (size_t j = 0; j < m->n_outputs; j++) {
        const char *mark = !have_dep ? "" : (dep[j] ? "varies" : "fixed ");
        fprintf(out, "  %-26s %-18s %-6s %s\n", m->outputs[j].name, m->outputs[j].unit, mark,
                m->outputs[j].long_name);
        if (have_dep && !dep[j] && m->outputs[j].main) fixed_main++;
    }
    if (have_dep && fixed_main) {
        fprintf(out, "\nwarning: %d main output%s cannot vary in this job:", fixed_main,
                fixed_main == 1 ? "" : "s");
        for (size_t j = 0; j < m->n_outputs; j++)
            if (!dep[j] && m->outputs[j].main) fprintf(out, " %s", m->outputs[j].name);
        fprintf(out, "; give a distribution to an input it depends on\n");
    }
    if (cli->base) {
        double y[256];
        if (m->n_outputs <= 256 && es_model_eval_point(m, job.value, y) == 0) {
            fprintf(out, "\nbase case (every input at its scenario value)\n");
            for (size_t j = 0; j < m->n_outputs; j++)
                fprintf(out, "  %-26s %16.8g %s\n", m->outputs[j].name, y[j], m->outputs[j].unit);
        }
    }

    /* what the run would find on this machine */
    double rate = es_measure_rate(&plan);
    if (rate > 0) {
        uint64_t rows = es_plan_part_rows(&plan);
        double core_s = (double)rows / rate;
        char one[32], per[32];
        es_fmt_duration(core_s, one, sizeof one);
        es_fmt_duration(core_s / 64, per, sizeof per);
        fprintf(out,
                "\nestimate   %.0f samples/s on one core here: about %s on one rank, %s on 64 "
                "(plus the sensitivity pass and I/O)\n",
                rate, one, per);
    }
    struct stat sb;
    if (stat(outpath, &sb) == 0 && S_ISDIR(sb.st_mode))
        fprintf(out, "\nwarning: %s is a folder: run would refuse it; give a file name (-o)\n",
                outpath);
    else if (stat(outpath, &sb) == 0)
        fprintf(out,
                "\nwarning: %s exists: run would refuse it (use --resume to continue it, "
                "--force to replace it, or -o)\n",
                outpath);
    else {
        char dir[ES_JOB_PATHMAX];
        snprintf(dir, sizeof dir, "%s", outpath);
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            dir[1] = '\0';
        else if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
            fprintf(out, "\nwarning: the output's folder %s does not exist: run would fail\n", dir);
    }
    es_job_free(&job);
    return 0;
}
