/* src/model_testfn.c: verification models with known answers.
 *
 * Ishigami (Ishigami & Homma 1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1,
 *   x_i ~ U(-pi, pi), a = 7, b = 0.1.
 * Sobol G (Saltelli & Sobol 1995): f = prod_i (|4 x_i - 2| + a_i) / (1 + a_i),
 *   x_i ~ U(0, 1), here with a = (0, 1, 4.5, 9, 99, 99, 99, 99). */
#include "model_testfn.h"

#include <math.h>

static const es_input_info es_ishigami_inputs[3] = {
    {"x1", "1", "Ishigami x1", 0, -M_PI, M_PI, 1, 1, 0},
    {"x2", "1", "Ishigami x2", 0, -M_PI, M_PI, 1, 1, 0},
    {"x3", "1", "Ishigami x3", 0, -M_PI, M_PI, 1, 1, 0},
};
static const es_output_info es_ishigami_outputs[1] = {{"y", "1", "Ishigami function", 1}};

static int es_ishigami_eval(const double *const *in, double *const *out, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double s1 = sin(in[0][k]), s2 = sin(in[1][k]), x3 = in[2][k];
        out[0][k] = s1 + ES_ISHIGAMI_A * s2 * s2 + ES_ISHIGAMI_B * x3 * x3 * x3 * x3 * s1;
    }
    return 0;
}

const es_model es_model_ishigami = {
    "ishigami",
    "Ishigami test function (a = 7, b = 0.1)",
    3,
    es_ishigami_inputs,
    1,
    es_ishigami_outputs,
    es_ishigami_eval,
    NULL,
};

const double es_sobol_g_a[ES_SOBOL_G_DIM] = {0, 1, 4.5, 9, 99, 99, 99, 99};

static const es_input_info es_sobol_g_inputs[ES_SOBOL_G_DIM] = {
    {"x1", "1", "Sobol G x1", 0.5, 0, 1, 1, 1, 0}, {"x2", "1", "Sobol G x2", 0.5, 0, 1, 1, 1, 0},
    {"x3", "1", "Sobol G x3", 0.5, 0, 1, 1, 1, 0}, {"x4", "1", "Sobol G x4", 0.5, 0, 1, 1, 1, 0},
    {"x5", "1", "Sobol G x5", 0.5, 0, 1, 1, 1, 0}, {"x6", "1", "Sobol G x6", 0.5, 0, 1, 1, 1, 0},
    {"x7", "1", "Sobol G x7", 0.5, 0, 1, 1, 1, 0}, {"x8", "1", "Sobol G x8", 0.5, 0, 1, 1, 1, 0},
};
static const es_output_info es_sobol_g_outputs[1] = {{"y", "1", "Sobol G function", 1}};

static int es_sobol_g_eval(const double *const *in, double *const *out, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double y = 1;
        for (int i = 0; i < ES_SOBOL_G_DIM; i++)
            y *= (fabs(4 * in[i][k] - 2) + es_sobol_g_a[i]) / (1 + es_sobol_g_a[i]);
        out[0][k] = y;
    }
    return 0;
}

const es_model es_model_sobol_g = {
    "sobol_g",
    "Sobol G test function, a = (0, 1, 4.5, 9, 99, 99, 99, 99)",
    ES_SOBOL_G_DIM,
    es_sobol_g_inputs,
    1,
    es_sobol_g_outputs,
    es_sobol_g_eval,
    NULL,
};
