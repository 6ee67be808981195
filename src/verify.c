/* src/verify.c: known answers checked against the results (exit code 5). */
#include "verify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const es_sens_stats[] = {"spearman",    "prcc",        "first_order",
                                            "sobol_first", "sobol_total", NULL};
static const char *const es_moment_stats[] = {"count",   "nan_count", "inf_count", "mean",
                                              "mean_lo", "mean_hi",   "std",       "stderr",
                                              "min",     "max",       NULL};

static int es_in(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0) return 1;
    return 0;
}

/* "p05" -> 0.05; -1 when s is not a percentile name */
static double es_percentile(const char *s)
{
    if (s[0] != 'p' || !s[1]) return -1;
    for (const char *c = s + 1; *c; c++)
        if (*c < '0' || *c > '9') return -1;
    if (strlen(s + 1) > 3) return -1;
    double v = atof(s + 1);
    return strlen(s + 1) == 3 ? v / 1000 : v / 100;
}

/* a sensitivity statistic: one of the list, the Sobol indices also with
 * _se, _lo or _hi (the rank statistics have no intervals in the file) */
int es_verify_sens_stat(const char *stat)
{
    char base[64];
    snprintf(base, sizeof base, "%s", stat);
    size_t n = strlen(base);
    if (n > 3 && (!strcmp(base + n - 3, "_se") || !strcmp(base + n - 3, "_lo") ||
                  !strcmp(base + n - 3, "_hi"))) {
        base[n - 3] = '\0';
        if (strncmp(base, "sobol_", 6) != 0) return 0;
    }
    return es_in(es_sens_stats, base);
}

int es_verify_known_stat(const char *stat)
{
    return es_in(es_moment_stats, stat) || es_percentile(stat) >= 0 ||
           strcmp(stat, "probability") == 0 || es_verify_sens_stat(stat);
}

/* Element [cell, i, j] of an array with the scan dimensions in front. */
static double es_at(const es_plan *p, const es_res_array *a, uint64_t cell, long i, long j,
                    int *found)
{
    int inner = a->rank - (int)p->nscan;
    if (a->type != ES_RES_F64 || inner < 1 || i < 0 || (inner == 2 && j < 0)) return NAN;
    uint64_t isz = a->dims[p->nscan], jsz = inner == 2 ? a->dims[p->nscan + 1] : 1;
    if ((uint64_t)i >= isz || (inner == 2 && (uint64_t)j >= jsz)) return NAN;
    uint64_t k = (cell * isz + (uint64_t)i) * jsz + (uint64_t)(inner == 2 ? j : 0);
    *found = 1;
    return ((const double *)a->data)[k];
}

double es_verify_lookup(const es_plan *p, const es_results *r, const char *stat, const char *a,
                        const char *b, uint64_t cell, int *found)
{
    *found = 0;
    if (es_in(es_moment_stats, stat)) {
        const es_res_array *t = es_results_find(r, "/summary/moments");
        if (!t) return NAN;
        return es_at(p, t, cell, es_res_label(r, "/summary/variable", a),
                     es_res_label(r, "/summary/statistic", stat), found);
    }
    double q = es_percentile(stat);
    if (q >= 0) {
        const es_res_array *t = es_results_find(r, "/summary/quantiles");
        const es_res_array *qp = es_results_find(r, "/summary/quantile_p");
        if (!t || !qp) return NAN;
        long j = -1;
        for (uint64_t k = 0; k < qp->dims[0]; k++)
            if (fabs(((const double *)qp->data)[k] - q) < 1e-12) j = (long)k;
        return es_at(p, t, cell, es_res_label(r, "/summary/variable", a), j, found);
    }
    if (strcmp(stat, "probability") == 0) {
        const es_res_array *t = es_results_find(r, "/events/probability");
        if (!t) return NAN;
        return es_at(p, t, cell, es_res_label(r, "/events/event", a), 0, found);
    }
    if (es_verify_sens_stat(stat)) {
        char path[ES_RES_PATHMAX];
        snprintf(path, sizeof path, "/sensitivity/%s", stat);
        const es_res_array *t = es_results_find(r, path);
        if (!t) return NAN;
        return es_at(p, t, cell, es_res_label(r, "/sensitivity/output", a),
                     es_res_label(r, "/sensitivity/input", b), found);
    }
    return NAN;
}

int es_verify_check(const es_job *job, const es_plan *p, const es_results *r, char *msg, size_t len)
{
    size_t used = 0;
    int failed = 0;
    if (len) msg[0] = '\0';
    for (size_t i = 0; i < job->n_verify; i++) {
        const es_verify *v = &job->verify[i];
        for (uint64_t c = 0; c < p->cells; c++) {
            int found = 0;
            double x = es_verify_lookup(p, r, v->stat, v->a, v->b, c, &found);
            int ok = found && fabs(x - v->value) <= v->tol;
            failed += !ok;
            char cell[64] = "";
            if (p->cells > 1) snprintf(cell, sizeof cell, " in cell %llu", (unsigned long long)c);
            int n;
            if (!found)
                n = snprintf(msg + used, len - used,
                             "verify: %s (line %d)%s: FAILED: not computed by this run\n", v->text,
                             v->line, cell);
            else
                n = snprintf(msg + used, len - used, "verify: %s (line %d)%s: %.6g, %s\n", v->text,
                             v->line, cell, x, ok ? "ok" : "FAILED: outside the tolerance");
            if (n > 0 && used + (size_t)n < len) used += (size_t)n;
        }
    }
    return failed;
}
