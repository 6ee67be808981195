/* src/dist.h: probability distributions as quantile functions of a uniform.
 *
 * A distribution is built once from named parameters (as a job file gives
 * them), checked, and then maps u in (0,1) to a value by its inverse CDF.
 * Pure: no I/O, no global state. */
#ifndef ES_DIST_H
#define ES_DIST_H

#include <stddef.h>

typedef enum {
    ES_DIST_CONSTANT,
    ES_DIST_UNIFORM,
    ES_DIST_LOGUNIFORM,
    ES_DIST_NORMAL,
    ES_DIST_TRUNCNORMAL,
    ES_DIST_LOGNORMAL,
    ES_DIST_TRIANGULAR,
    ES_DIST_PERT,
    ES_DIST_BETA,
    ES_DIST_COUNT
} es_dist_kind;

#define ES_DIST_MAXPAR 4
#define ES_DIST_NTAB 128 /* intervals of the beta quantile table */

typedef struct {
    es_dist_kind kind;
    double p[ES_DIST_MAXPAR]; /* parameters in the order of es_dist_param_names */
    double q[4];              /* derived constants used by the quantile function */
    /* pert and beta: the standard beta quantile x(u) at u = i / ES_DIST_NTAB
     * and its slope dx/du, the start of a Newton polish on the CDF */
    double tab_x[ES_DIST_NTAB + 1];
    double tab_s[ES_DIST_NTAB + 1];
    double lnbeta; /* ln B(alpha, beta) */
} es_dist;

/* One end of an interval; open means the end itself is excluded. */
typedef struct {
    double v;
    int open;
} es_bound;

/* Name of a kind ("lognormal"); NULL when out of range. */
const char *es_dist_kind_name(es_dist_kind kind);
/* Kind for a name, or -1. */
int es_dist_kind_find(const char *name);
/* Comma-separated list of every kind, for messages. */
const char *es_dist_kind_list(void);
/* A one-line description of the parameters a kind takes ("low, mode, high [, lambda]"). */
const char *es_dist_param_help(es_dist_kind kind);

/* Build a distribution from n named parameters.  Returns 0, or -1 with a
 * message in err; *bad is then the index of the offending parameter, or -1
 * when the problem is a parameter that is missing. */
int es_dist_init(es_dist *d, es_dist_kind kind, size_t n, const char *const names[],
                 const double values[], int *bad, char *err, size_t errlen);

double es_dist_quantile(const es_dist *d, double u);
void es_dist_quantile_n(const es_dist *d, const double *u, double *x, size_t n);

/* The support: the smallest interval that holds every value. */
void es_dist_support(const es_dist *d, es_bound *lo, es_bound *hi);

/* A short text such as "lognormal(median=5.5e+11, sigma=0.226)". */
void es_dist_describe(const es_dist *d, char *buf, size_t len);

#endif
