/* src/model.c: the table of models and lookups over it. */
#include "model.h"

#include <math.h>
#include <stdio.h>
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
