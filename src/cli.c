/* src/cli.c: the command line (DESIGN.md, "Command line") and `check`. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "plan.h"

void es_cli_usage(FILE *f)
{
    fputs("usage:\n"
          "  mpirun -n P econsweep run JOB.ini [-o OUT.h5] [--samples N] [--seed S]\n"
          "                                    [--store all|outputs|summary] [--force]\n"
          "  econsweep check JOB.ini     validate the job; print the resolved plan\n"
          "  econsweep --help | --version\n"
          "\n"
          "run options:\n"
          "  -o, --output OUT.h5   write here instead of the job's [sweep] output\n"
          "  --samples N           sample count (whole number, 1e6 accepted)\n"
          "  --seed S              seed of the random streams (0 .. 2^64-1)\n"
          "  --store MODE          all: inputs and outputs per sample; outputs: outputs only;\n"
          "                        summary: no per-sample rows (for 1e9 samples and beyond)\n"
          "  --force               replace an existing output file\n"
          "\n"
          "Rank 0 prints progress to stderr every 10 s and one closing line with samples/s\n"
          "and a checksum that does not depend on the number of ranks.\n"
          "\n"
          "exit codes: 0 done; 1 usage (or output exists without --force); 2 bad job or\n"
          "scenario; 3 I/O or MPI failure; 4 interrupted by a signal, file closed with\n"
          "status \"partial\"; 5 a verification check failed.\n"
          "\n"
          "Not in this version: design lhs|sobol|grid|saltelli, --resume, --part, report, merge.\n",
          f);
}

static int es_usage_err(char *err, size_t errlen, const char *fmt, const char *a)
{
    snprintf(err, errlen, fmt, a);
    return ES_EXIT_USAGE;
}

int es_cli_parse(int argc, char **argv, es_cli *cli, char *err, size_t errlen)
{
    memset(cli, 0, sizeof *cli);
    cli->run.store = -1;
    if (argc < 2) return es_usage_err(err, errlen, "%s", "no command given");
    const char *c = argv[1];
    if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
        cli->cmd = ES_CMD_HELP;
        return 0;
    }
    if (!strcmp(c, "--version") || !strcmp(c, "-V")) {
        cli->cmd = ES_CMD_VERSION;
        return 0;
    }
    if (!strcmp(c, "check")) {
        cli->cmd = ES_CMD_CHECK;
        if (argc != 3 || argv[2][0] == '-')
            return es_usage_err(err, errlen, "%s",
                                "check takes one job file: econsweep check JOB.ini");
        cli->path = argv[2];
        return 0;
    }
    if (!strcmp(c, "report") || !strcmp(c, "merge"))
        return es_usage_err(err, errlen, "'%s' is not available in this version of econsweep", c);
    if (strcmp(c, "run") != 0)
        return es_usage_err(err, errlen, "unknown command '%s'; expected run or check", c);
    cli->cmd = ES_CMD_RUN;
    es_run_opts *o = &cli->run;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--resume") || !strcmp(a, "--part")) {
            return es_usage_err(err, errlen, "%s is not available in this version of econsweep", a);
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--samples") ||
                   !strcmp(a, "--seed") || !strcmp(a, "--store")) {
            if (!val) return es_usage_err(err, errlen, "%s needs a value", a);
            i++;
            if (a[1] == 'o' || !strcmp(a, "--output")) {
                if (!*val) return es_usage_err(err, errlen, "%s needs a file name", a);
                o->output = val;
            } else if (!strcmp(a, "--samples")) {
                if (es_parse_count(val, 1, (uint64_t)1 << 53, &o->samples))
                    return es_usage_err(
                        err, errlen, "--samples '%s': expected a whole number from 1 to 2^53", val);
                o->has_samples = 1;
            } else if (!strcmp(a, "--seed")) {
                if (es_parse_count(val, 0, UINT64_MAX, &o->seed))
                    return es_usage_err(
                        err, errlen, "--seed '%s': expected a whole number from 0 to 2^64-1", val);
                o->has_seed = 1;
            } else {
                o->store = es_store_find(val);
                if (o->store < 0)
                    return es_usage_err(err, errlen,
                                        "--store '%s': expected all, outputs or summary", val);
            }
        } else if (a[0] == '-') {
            return es_usage_err(err, errlen, "unknown option '%s' (see econsweep --help)", a);
        } else if (o->job_path) {
            return es_usage_err(err, errlen, "one job file only; '%s' is a second one", a);
        } else {
            o->job_path = a;
        }
    }
    if (!o->job_path)
        return es_usage_err(err, errlen, "%s", "run needs a job file: econsweep run JOB.ini");
    return 0;
}

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

int es_cli_check(const char *path, FILE *out, FILE *errf)
{
    es_job job;
    char err[8192];
    int n = es_job_load(&job, path, err, sizeof err);
    if (n) {
        fputs(err, errf);
        fprintf(errf, "econsweep: %s: %d error%s\n", path, n, n == 1 ? "" : "s");
        return ES_EXIT_BADJOB;
    }
    const es_model *m = job.model;
    es_plan plan;
    if (es_plan_init(&plan, &job, err, sizeof err)) {
        fprintf(errf, "econsweep: %s: %s\n", path, err);
        es_job_free(&job);
        return ES_EXIT_BADJOB;
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
    fprintf(out, "seed       %llu\n", (unsigned long long)job.seed);
    fprintf(out, "store      %s\n", es_store_name(job.store));
    fprintf(out, "output     %s (about %s)\n", job.output, size);
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
    fprintf(out, "\noutputs: %zu\n", m->n_outputs);
    for (size_t j = 0; j < m->n_outputs; j++)
        fprintf(out, "  %-26s %-9s %s\n", m->outputs[j].name, m->outputs[j].unit,
                m->outputs[j].long_name);
    es_job_free(&job);
    return 0;
}
