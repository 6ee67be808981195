/* src/model.c: the table of models and lookups over it. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const es_model es_model_econ;
extern const es_model es_model_ishigami;
extern const es_model es_model_sobol_g;

const es_model *const es_models[] = {&es_model_econ, &es_model_ishigami, &es_model_sobol_g, NULL};

const es_model *es_model_find(const char *name)
{
    for (size_t i = 0; es_models[i]; i++)
        if (strcmp(es_models[i]->name, name) == 0) return es_models[i];
    return NULL;
}

int es_model_input_index(const es_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_inputs; i++)
        if (strcmp(m->inputs[i].name, name) == 0) return (int)i;
    return -1;
}

int es_model_output_index(const es_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_outputs; i++)
        if (strcmp(m->outputs[i].name, name) == 0) return (int)i;
    return -1;
}

size_t es_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return la > lb ? la : lb; /* names are short; long strings are never close */
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *es_model_nearest_input(const es_model *m, const char *name)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < m->n_inputs; i++) {
        size_t d = es_edit_distance(name, m->inputs[i].name);
        /* a name that starts the same way is a strong hint ("valuation" -> valuation_usd) */
        size_t ln = strlen(name);
        if (ln >= 4 && strncmp(name, m->inputs[i].name, ln) == 0) d = d < 2 ? d : 2;
        if (d < bd) {
            bd = d;
            best = m->inputs[i].name;
        }
    }
    return (best && bd <= 1 + strlen(name) / 2) ? best : NULL;
}

int es_model_input_valid(const es_input_info *in, double x, char *buf, size_t len)
{
    if (!isfinite(x)) {
        snprintf(buf, len, "must be a finite number");
        return -1;
    }
    if (x < in->lo || (x == in->lo && !in->lo_in)) {
        snprintf(buf, len, "must be %s %g", in->lo_in ? ">=" : ">", in->lo);
        return -1;
    }
    if (x > in->hi || (x == in->hi && !in->hi_in)) {
        snprintf(buf, len, "must be %s %g", in->hi_in ? "<=" : "<", in->hi);
        return -1;
    }
    if (in->whole && x != floor(x)) {
        snprintf(buf, len, "must be a whole number");
        return -1;
    }
    return 0;
}

int es_model_eval_point(const es_model *m, const double *in, double *out)
{
    const double **ip = malloc(m->n_inputs * sizeof *ip);
    double **op = malloc(m->n_outputs * sizeof *op);
    int rc = -1;
    if (ip && op) {
        for (size_t i = 0; i < m->n_inputs; i++)
            ip[i] = &in[i];
        for (size_t j = 0; j < m->n_outputs; j++)
            op[j] = &out[j];
        rc = m->eval(ip, op, 1) ? -1 : 0;
    }
    free(ip);
    free(op);
    return rc;
}

/* The step of input i at x in direction dir (+1 or -1), or 0 when no step
 * that way stays valid. */
static double es_model_step(const es_input_info *in, double x, int dir)
{
    char why[96];
    double step;
    if (in->whole)
        step = 1;
    else if (isfinite(in->lo) && isfinite(in->hi))
        step = 0.01 * (in->hi - in->lo);
    else
        step = x != 0 ? 0.01 * fabs(x) : 0.01;
    for (int k = 0; k < 64; k++, step *= 0.5) {
        double y = x + dir * step;
        if (y != x && es_model_input_valid(in, y, why, sizeof why) == 0) return dir * step;
        if (in->whole) break; /* half a whole step is not whole */
    }
    return 0;
}

/* Did an output change?  NaN against a number is a change, NaN against NaN
 * is not; else a relative difference above 1e-12 (rounding noise stays
 * below it; a real dependence on a 1% step stays far above it). */
static int es_model_changed(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) != isnan(b);
    if (a == b) return 0;
    if (isinf(a) || isinf(b)) return 1;
    return fabs(a - b) > 1e-12 * fmax(fabs(a), fabs(b));
}

int es_model_dependencies(const es_model *m, const double *base, const unsigned char *varies,
                          unsigned char *dep)
{
    size_t ni = m->n_inputs, no = m->n_outputs;
    double *ctx = malloc(ni * sizeof *ctx), *x = malloc(ni * sizeof *x);
    double *y0 = malloc(no * sizeof *y0), *y1 = malloc(no * sizeof *y1);
    int rc = -1;
    if (!ctx || !x || !y0 || !y1) goto done;
    memset(dep, 0, no);
    /* contexts: the base, then every varying input stepped up, then down */
    for (int c = 0; c < 3; c++) {
        for (size_t i = 0; i < ni; i++) {
            ctx[i] = base[i];
            if (c == 0 || !varies[i]) continue;
            int dir = c == 1 ? 1 : -1;
            double st = es_model_step(&m->inputs[i], base[i], dir);
            if (st == 0) st = es_model_step(&m->inputs[i], base[i], -dir);
            ctx[i] = base[i] + st;
        }
        if (es_model_eval_point(m, ctx, y0)) goto done;
        for (size_t i = 0; i < ni; i++) {
            if (!varies[i]) continue;
            for (int dir = -1; dir <= 1; dir += 2) {
                double st = es_model_step(&m->inputs[i], ctx[i], dir);
                if (st == 0) continue;
                memcpy(x, ctx, ni * sizeof *x);
                x[i] = ctx[i] + st;
                if (es_model_eval_point(m, x, y1)) goto done;
                for (size_t j = 0; j < no; j++)
                    if (es_model_changed(y0[j], y1[j])) dep[j] = 1;
            }
        }
    }
    rc = 0;
done:
    free(ctx);
    free(x);
    free(y0);
    free(y1);
    return rc;
}
