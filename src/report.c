/* src/report.c: results as text. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "verify.h"

/* Is output j one to show?  The model's main outputs, or all of a small model. */
static int es_show_output(const es_plan *p, size_t j)
{
    int any = 0;
    for (size_t k = 0; k < p->n_out; k++)
        any |= p->model->outputs[k].main;
    return any ? p->model->outputs[j].main : j < 8;
}

void es_print_closing_table(FILE *f, const es_job *job, const es_plan *p, const es_results *r)
{
    (void)job;
    int found;
    if (p->cells > 1) {
        fprintf(f, "econsweep: %llu scan cells; see econsweep report for the table of each\n",
                (unsigned long long)p->cells);
        return;
    }
    fprintf(f, "\n%-28s %-12s %-36s %12s %12s %12s\n", "output", "unit", "mean [95% interval]",
            "p5", "p50", "p95");
    for (size_t j = 0; j < p->n_out; j++) {
        if (!es_show_output(p, j)) continue;
        const char *name = p->model->outputs[j].name;
        double m = es_verify_lookup(p, r, "mean", name, "", 0, &found);
        double lo = es_verify_lookup(p, r, "mean_lo", name, "", 0, &found);
        double hi = es_verify_lookup(p, r, "mean_hi", name, "", 0, &found);
        double q5 = es_verify_lookup(p, r, "p05", name, "", 0, &found);
        double q50 = es_verify_lookup(p, r, "p50", name, "", 0, &found);
        double q95 = es_verify_lookup(p, r, "p95", name, "", 0, &found);
        char mean[64];
        snprintf(mean, sizeof mean, "%.4g [%.4g, %.4g]", m, lo, hi);
        fprintf(f, "%-28s %-12s %-36s %12.4g %12.4g %12.4g\n", name, p->model->outputs[j].unit,
                mean, q5, q50, q95);
    }
    const es_res_array *ev = es_results_find(r, "/events/event");
    if (ev && ev->dims[0]) {
        fprintf(f, "\n%-28s %-40s %s\n", "event", "condition", "probability [95% interval]");
        char *const *names = ev->data;
        for (uint64_t e = 0; e < ev->dims[0]; e++) {
            double pr = es_verify_lookup(p, r, "probability", names[e], "", 0, &found);
            const es_res_array *lo = es_results_find(r, "/events/probability_lo");
            const es_res_array *hi = es_results_find(r, "/events/probability_hi");
            const es_res_array *cond = es_results_find(r, "/events/condition");
            fprintf(f, "%-28s %-40s %.4f [%.4f, %.4f]\n", names[e],
                    cond ? ((char *const *)cond->data)[e] : "", pr,
                    lo ? ((const double *)lo->data)[e] : NAN,
                    hi ? ((const double *)hi->data)[e] : NAN);
        }
    }
    const es_res_array *prcc = es_results_find(r, "/sensitivity/prcc");
    if (prcc && p->d > 0) {
        fprintf(f, "\ntop drivers (partial rank correlation)\n");
        for (size_t j = 0; j < p->n_out; j++) {
            if (!es_show_output(p, j)) continue;
            const char *name = p->model->outputs[j].name;
            size_t best[3] = {0, 0, 0};
            double bv[3] = {-1, -1, -1}, val[3] = {0, 0, 0};
            for (size_t k = 0; k < p->d; k++) {
                double x = es_verify_lookup(p, r, "prcc", name, es_plan_var_name(p, k), 0, &found);
                if (!isfinite(x)) continue;
                for (int t = 0; t < 3; t++)
                    if (fabs(x) > bv[t]) {
                        for (int u = 2; u > t; u--) {
                            bv[u] = bv[u - 1];
                            best[u] = best[u - 1];
                            val[u] = val[u - 1];
                        }
                        bv[t] = fabs(x);
                        best[t] = k;
                        val[t] = x;
                        break;
                    }
            }
            fprintf(f, "  %-26s", name);
            for (int t = 0; t < 3; t++)
                if (bv[t] >= 0)
                    fprintf(f, " %s %+.3f%s", es_plan_var_name(p, best[t]), val[t],
                            t < 2 && bv[t + 1] >= 0 ? "," : "");
            fprintf(f, "\n");
        }
    }
    fflush(f);
}

int es_report_main(const struct es_cli *cli, FILE *out, FILE *errf)
{
    (void)out;
    fprintf(errf, "econsweep: report %s: not available in this version of econsweep\n", cli->path);
    return ES_EXIT_USAGE;
}
