/* src/model.h: models as tables (name, inputs, outputs, one batch evaluation).
 *
 * As gsl_rng_type makes a generator swappable, es_model makes a model
 * swappable: the sweep knows nothing of economics or test functions. */
#ifndef ES_MODEL_H
#define ES_MODEL_H

#include <stddef.h>

typedef struct {
    const char *name;
    const char *unit;
    const char *long_name;
    double def;          /* default value, in unit */
    double lo, hi;       /* valid range, in unit (may be infinite) */
    unsigned char lo_in; /* 1: lo itself is valid */
    unsigned char hi_in; /* 1: hi itself is valid */
    unsigned char whole; /* 1: only whole numbers are valid */
} es_input_info;

typedef struct {
    const char *name;
    const char *unit;
    const char *long_name;
    unsigned char main; /* 1: a headline output (closing table, report's drivers) */
} es_output_info;

typedef struct es_model {
    const char *name;
    const char *long_name;
    size_t n_inputs;
    const es_input_info *inputs;
    size_t n_outputs;
    const es_output_info *outputs;
    /* Evaluate n samples: in[i][k] is input i of sample k, out[j][k] output j.
     * Returns 0, or -1 when it cannot get working memory. */
    int (*eval)(const double *const *in, double *const *out, size_t n);
    /* Rules that join several inputs.  lo[i], hi[i] bound input i over all
     * samples (equal for a fixed input).  Returns NULL when every sample in
     * the box is valid, else a static message naming the rule. */
    const char *(*check_box)(const double *lo, const double *hi, char *buf, size_t len);
} es_model;

/* The models this program carries, NULL-terminated. */
extern const es_model *const es_models[];

const es_model *es_model_find(const char *name);
/* Index of an input or output by name, or -1. */
int es_model_input_index(const es_model *m, const char *name);
int es_model_output_index(const es_model *m, const char *name);
/* The input name closest to name (edit distance), for "did you mean". */
const char *es_model_nearest_input(const es_model *m, const char *name);
/* Levenshtein distance, exposed for the job module's other suggestions. */
size_t es_edit_distance(const char *a, const char *b);

/* Is x a valid value of input i (range and wholeness)?  0 yes, else -1 with
 * the rule in buf ("must be > 0"). */
int es_model_input_valid(const es_input_info *in, double x, char *buf, size_t len);

/* One evaluation: in[i] is input i, out[j] output j.  Returns the model's
 * eval result (0), or -1 when out of memory. */
int es_model_eval_point(const es_model *m, const double *in, double *out);

/* Which outputs can move when the inputs marked in varies[] move?  dep[j] = 1
 * when some input i with varies[i] changes output j, found numerically (so it
 * holds for any model): each varying input is stepped both ways (a whole step
 * for whole inputs, else 1% of its value, of its range when that is finite, or
 * 0.01 at 0; halved until the step stays valid) at the base point and at two
 * points where the other varying inputs are stepped too, which finds the
 * effect of an input that acts only through a product with another (Ishigami's
 * x3 at x1 = 0).  A change is a relative difference above 1e-12, or a NaN that
 * appears or goes away.  base[] must be valid.  Returns 0, or -1 when the model
 * fails (out of memory). */
int es_model_dependencies(const es_model *m, const double *base, const unsigned char *varies,
                          unsigned char *dep);

#endif
