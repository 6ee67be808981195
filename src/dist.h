/* src/dist.h: probability distributions as quantile functions of a uniform,
 * as a type table (es_dist_type, one row per distribution in dist.c).
 *
 * A distribution is built once from named parameters (as a job file gives
 * them), checked, and then maps u in (0,1) to a value by its inverse CDF.
 * Pure: no I/O.  A distribution whose quantile is an approximation built by
 * UNU.RAN (pert and beta: see dist.c) builds it at its first quantile, keeps
 * it, and releases it in es_dist_free; copying an es_dist moves that
 * ownership along (free exactly one of the copies).  The first quantile of
 * such a distribution writes to it: do not share one between threads before
 * a first es_dist_quantile. */
#ifndef ES_DIST_H
#define ES_DIST_H

#include <stddef.h>

/* A kind is the index of a row of es_dist_types[]; the first row is constant. */
typedef int es_dist_kind;
#define ES_DIST_CONSTANT 0

#define ES_DIST_MAXPAR 4
#define ES_DIST_NTAB 128 /* intervals of the beta quantile table */

/* One end of an interval; open means the end itself is excluded. */
typedef struct {
    double v;
    int open;
} es_bound;

typedef struct es_dist es_dist;

/* A distribution, in the style of gsl_rng_type. */
typedef struct es_dist_type {
    const char *name;                /* as written after 'dist =' */
    const char *par[ES_DIST_MAXPAR]; /* parameter names, NULL-terminated */
    unsigned optional;               /* bit i: parameter i may be omitted */
    const char *help;                /* the parameters, one line */
    int shown;                       /* parameters es_dist_describe prints (0: all) */
    /* Check the parameters in d->p (given[i]: parameter i was given, where[i]:
     * its position among the names passed to es_dist_init) and derive d->q.
     * Returns 0, or -1 with a message in err and *bad the position of the
     * offending parameter (-1: one is missing). */
    int (*init)(es_dist *d, const int given[], const int where[], int *bad, char *err,
                size_t errlen);
    /* x[k] = Q(u[k]) for k < n; u in the open interval (0,1) */
    void (*quantile_n)(const es_dist *d, const double *u, double *x, size_t n);
    /* the smallest interval that holds every value */
    void (*support)(const es_dist *d, es_bound *lo, es_bound *hi);
} es_dist_type;

/* The rows, NULL-terminated, in kind order. */
extern const es_dist_type *const es_dist_types[];

struct es_dist {
    es_dist_kind kind;        /* row of es_dist_types */
    const es_dist_type *type; /* es_dist_types[kind] */
    double p[ES_DIST_MAXPAR]; /* parameters in the order of the type's par */
    double q[4];              /* derived constants used by the quantile function */
    /* pert and beta: the standard beta quantile x(u) at u = i / ES_DIST_NTAB
     * and its slope dx/du, the start of a Newton polish on the CDF (used
     * where UNU.RAN's PINV cannot reach a u-error of 1e-12) */
    double tab_x[ES_DIST_NTAB + 1];
    double tab_s[ES_DIST_NTAB + 1];
    double lnbeta;  /* ln B(alpha, beta) */
    void *pinv;     /* UNU.RAN PINV generator of the standard beta; NULL until built */
    int pinv_state; /* 0 not tried yet, 1 built (pinv), -1 not usable: the table */
};

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
/* Release what the distribution built (its PINV table); d stays usable. */
void es_dist_free(es_dist *d);

double es_dist_quantile(const es_dist *d, double u);
void es_dist_quantile_n(const es_dist *d, const double *u, double *x, size_t n);

/* The support: the smallest interval that holds every value. */
void es_dist_support(const es_dist *d, es_bound *lo, es_bound *hi);

/* A short text such as "lognormal(median=5.5e+11, sigma=0.226)". */
void es_dist_describe(const es_dist *d, char *buf, size_t len);

/* pert and beta: 1 when the quantile is UNU.RAN's PINV (u-error <= 1e-12),
 * 0 when it is the tabulated Newton solution (full precision); -1 for other
 * kinds.  Builds the PINV table if not yet tried. */
int es_dist_uses_pinv(const es_dist *d);

#endif
