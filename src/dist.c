/* src/dist.c: quantile functions over GSL.
 *
 * uniform     low + u (high - low)
 * loguniform  exp(ln low + u (ln high - ln low))
 * normal      mean + sd Phi^-1(u)
 * truncnormal mean + sd Phi^-1(Phi(a) + u (Phi(b) - Phi(a))), a, b standardised
 *             bounds; in the upper tail through Q = 1 - Phi for accuracy
 * lognormal   median exp(sigma Phi^-1(u)), sigma = ln(p95 / median) / Phi^-1(0.95)
 * triangular  closed-form inverse of the piecewise quadratic CDF
 * pert        low + (high - low) B^-1(u; 1 + lambda (mode-low)/(high-low),
 *             1 + lambda (high-mode)/(high-low)), lambda = 4 by default
 * beta        low + (high - low) B^-1(u; alpha, beta)
 *
 * B^-1, the inverse regularised incomplete beta function, is solved on
 * GSL's CDF gsl_cdf_beta_P (safeguarded Newton), not taken from
 * gsl_cdf_beta_Pinv, which fails to converge for shapes such as (1, 300).
 * It is solved once at 127 nodes u = i/128; between them a cubic Hermite
 * interpolation (slope dx/du = 1/pdf) starts the iteration inside the
 * bracket of the two nodes: one or two CDF evaluations a draw, against
 * about ten inside gsl_cdf_beta_Pinv.
 * (Vose, "Risk Analysis", 3rd ed., ch. 9; GSL manual, "Random Number Distributions"). */
#include "dist.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    const char *par[ES_DIST_MAXPAR]; /* parameter names, NULL-terminated */
    unsigned optional;               /* bit i: parameter i may be omitted */
    const char *help;
} es_dist_spec;

static const es_dist_spec es_dist_specs[ES_DIST_COUNT] = {
    [ES_DIST_CONSTANT] = {"constant", {"value"}, 0u, "value"},
    [ES_DIST_UNIFORM] = {"uniform", {"low", "high"}, 0u, "low, high"},
    [ES_DIST_LOGUNIFORM] = {"loguniform", {"low", "high"}, 0u, "low > 0, high"},
    [ES_DIST_NORMAL] = {"normal", {"mean", "sd"}, 0u, "mean, sd"},
    [ES_DIST_TRUNCNORMAL] = {"truncnormal",
                             {"mean", "sd", "low", "high"},
                             0u,
                             "mean, sd, low, high"},
    [ES_DIST_LOGNORMAL] = {"lognormal", {"median", "sigma", "p95"}, 6u, "median, and sigma or p95"},
    [ES_DIST_TRIANGULAR] = {"triangular", {"low", "mode", "high"}, 0u, "low, mode, high"},
    [ES_DIST_PERT] = {"pert",
                      {"low", "mode", "high", "lambda"},
                      8u,
                      "low, mode, high [, lambda = 4]"},
    [ES_DIST_BETA] = {"beta", {"alpha", "beta", "low", "high"}, 0u, "alpha, beta, low, high"},
};

/* Phi^-1(0.95) */
#define ES_Z95 1.6448536269514722

const char *es_dist_kind_name(es_dist_kind kind)
{
    return (kind >= 0 && kind < ES_DIST_COUNT) ? es_dist_specs[kind].name : NULL;
}

int es_dist_kind_find(const char *name)
{
    for (int k = 0; k < ES_DIST_COUNT; k++)
        if (strcmp(name, es_dist_specs[k].name) == 0) return k;
    return -1;
}

const char *es_dist_kind_list(void)
{
    return "constant, uniform, loguniform, normal, truncnormal, lognormal, triangular, pert, "
           "beta";
}

const char *es_dist_param_help(es_dist_kind kind)
{
    return (kind >= 0 && kind < ES_DIST_COUNT) ? es_dist_specs[kind].help : "";
}

static int es_dist_fail(char *err, size_t errlen, int *bad, int which, const char *fmt,
                        const char *a, double x)
{
    snprintf(err, errlen, fmt, a, x);
    *bad = which;
    return -1;
}

/* (k) ln(y), with 0 when k == 0 even at y = 0 */
static double es_klog(double k, double y)
{
    return k == 0 ? 0 : k * log(y);
}

/* The lower quantile of beta(a, b): y with P(y; a, b) = u, searched in the
 * bracket [lo, hi] from y0.  Newton steps on GSL's CDF when they stay in the
 * bracket, else bisection (geometric while the bracket spans more than a
 * factor 2, so a tail quantile of 1e-100 takes a few dozen steps).  Stops
 * when Newton's next correction, about |f'/2f| dy^2, is below rounding, or
 * the bracket is a few ulps wide.  With a, b >= 0.1 and u >= 2^-54 the
 * quantile lies above DBL_MIN. */
static double es_beta_lower(double a, double b, double lnbeta, double u, double lo, double hi,
                            double y0)
{
    if (!(lo > DBL_MIN)) lo = DBL_MIN;
    double y = (y0 > lo && y0 < hi) ? y0 : (hi > 2 * lo ? sqrt(lo * hi) : 0.5 * (lo + hi));
    for (int it = 0; it < 400; it++) {
        double F = gsl_cdf_beta_P(y, a, b) - u;
        if (F == 0) return y;
        if (F > 0)
            hi = y;
        else
            lo = y;
        if (hi - lo <= 4 * DBL_EPSILON * hi) {
            /* a few ulps: take the best of the bracket (steep tails) */
            double fl = fabs(gsl_cdf_beta_P(lo, a, b) - u), fh = fabs(gsl_cdf_beta_P(hi, a, b) - u);
            double fy = fabs(F);
            return fy <= fl && fy <= fh ? y : (fl <= fh ? lo : hi);
        }
        double f = exp(es_klog(a - 1, y) + es_klog(b - 1, 1 - y) - lnbeta);
        double yn = y - F / f;
        int newton = f > 0 && isfinite(yn) && yn > lo && yn < hi;
        if (!newton) yn = hi > 2 * lo ? sqrt(lo * hi) : 0.5 * (lo + hi);
        double step = fabs(yn - y);
        y = yn;
        if (newton) {
            double curv = fabs((a - 1) / y - (b - 1) / (1 - y));
            if (0.5 * curv * step * step <= DBL_EPSILON * y || step <= DBL_EPSILON * y) break;
        }
    }
    return y;
}

/* beta(a, b) quantile on [0, 1], solved in the half where the answer has
 * full relative precision: x for u <= 1/2, else 1 - y with P(y; b, a) = 1 - u
 * (the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)); 1 - u is exact for our u. */
static double es_beta_solve(const es_dist *d, double u, double lo, double hi, double x0)
{
    const double a = d->q[1], b = d->q[2];
    if (u <= 0.5) return es_beta_lower(a, b, d->lnbeta, u, lo, hi, x0);
    return 1 - es_beta_lower(b, a, d->lnbeta, 1 - u, 1 - hi, 1 - lo, 1 - x0);
}

static void es_beta_table(es_dist *d, double a, double b)
{
    d->q[1] = a;
    d->q[2] = b;
    d->lnbeta = gsl_sf_lnbeta(a, b);
    d->tab_x[0] = 0;
    d->tab_x[ES_DIST_NTAB] = 1;
    for (int i = 1; i < ES_DIST_NTAB; i++)
        d->tab_x[i] = es_beta_solve(d, (double)i / ES_DIST_NTAB, 0, 1, 0.5);
    for (int i = 0; i <= ES_DIST_NTAB; i++) {
        double x = d->tab_x[i];
        double f = exp(es_klog(a - 1, x) + es_klog(b - 1, 1 - x) - d->lnbeta);
        d->tab_s[i] = (f > 0 && isfinite(f)) ? 1 / f : NAN; /* dx/du */
    }
}

/* The start: cubic Hermite between the two nodes around u (their slopes
 * dx/du known), linear where a slope is infinite; then es_beta_solve. */
static double es_beta_quantile(const es_dist *d, double u)
{
    double t = u * ES_DIST_NTAB;
    int i = (int)t;
    if (i >= ES_DIST_NTAB) i = ES_DIST_NTAB - 1;
    if (i < 0) i = 0;
    double h = t - i, lo = d->tab_x[i], hi = d->tab_x[i + 1], x;
    if (isfinite(d->tab_s[i]) && isfinite(d->tab_s[i + 1])) {
        double h2 = h * h, h3 = h2 * h, du = 1.0 / ES_DIST_NTAB;
        x = (2 * h3 - 3 * h2 + 1) * lo + (h3 - 2 * h2 + h) * d->tab_s[i] * du +
            (3 * h2 - 2 * h3) * hi + (h3 - h2) * d->tab_s[i + 1] * du;
    } else {
        x = lo + h * (hi - lo);
    }
    return es_beta_solve(d, u, lo, hi, x);
}

int es_dist_init(es_dist *d, es_dist_kind kind, size_t n, const char *const names[],
                 const double values[], int *bad, char *err, size_t errlen)
{
    const es_dist_spec *s = &es_dist_specs[kind];
    int given[ES_DIST_MAXPAR] = {0};
    int where[ES_DIST_MAXPAR] = {-1, -1, -1, -1};
    memset(d, 0, sizeof *d);
    d->kind = kind;
    *bad = -1;

    for (size_t i = 0; i < n; i++) {
        int slot = -1;
        for (int j = 0; j < ES_DIST_MAXPAR && s->par[j]; j++)
            if (strcmp(names[i], s->par[j]) == 0) slot = j;
        if (slot < 0) {
            snprintf(err, errlen, "'%s' is not a parameter of %s (it takes %s)", names[i], s->name,
                     s->help);
            *bad = (int)i;
            return -1;
        }
        if (!isfinite(values[i]))
            return es_dist_fail(err, errlen, bad, (int)i, "%s must be a finite number, got %g",
                                names[i], values[i]);
        given[slot] = 1;
        where[slot] = (int)i;
        d->p[slot] = values[i];
    }
    for (int j = 0; j < ES_DIST_MAXPAR && s->par[j]; j++) {
        if (!given[j] && !(s->optional & (1u << j))) {
            snprintf(err, errlen, "%s needs '%s' (it takes %s)", s->name, s->par[j], s->help);
            return -1;
        }
    }

    double *p = d->p;
    switch (kind) {
    case ES_DIST_CONSTANT:
        break;
    case ES_DIST_UNIFORM:
    case ES_DIST_LOGUNIFORM:
        if (!(p[0] < p[1]))
            return es_dist_fail(err, errlen, bad, where[1], "%s must be greater than low (%g)",
                                "high", p[0]);
        if (kind == ES_DIST_LOGUNIFORM && !(p[0] > 0))
            return es_dist_fail(err, errlen, bad, where[0], "%s must be > 0 for loguniform, got %g",
                                "low", p[0]);
        if (kind == ES_DIST_LOGUNIFORM) {
            d->q[0] = log(p[0]);
            d->q[1] = log(p[1]) - log(p[0]);
        }
        break;
    case ES_DIST_NORMAL:
        if (!(p[1] > 0))
            return es_dist_fail(err, errlen, bad, where[1], "%s must be > 0, got %g", "sd", p[1]);
        break;
    case ES_DIST_TRUNCNORMAL: {
        if (!(p[1] > 0))
            return es_dist_fail(err, errlen, bad, where[1], "%s must be > 0, got %g", "sd", p[1]);
        if (!(p[2] < p[3]))
            return es_dist_fail(err, errlen, bad, where[3], "%s must be greater than low (%g)",
                                "high", p[2]);
        double a = (p[2] - p[0]) / p[1], b = (p[3] - p[0]) / p[1];
        if (a > 0) { /* both ends in the upper tail: work with Q = 1 - Phi */
            d->q[0] = gsl_cdf_ugaussian_Q(a);
            d->q[1] = gsl_cdf_ugaussian_Q(b);
            d->q[2] = 1;
        } else {
            d->q[0] = gsl_cdf_ugaussian_P(a);
            d->q[1] = gsl_cdf_ugaussian_P(b);
            d->q[2] = 0;
        }
        if (!(fabs(d->q[1] - d->q[0]) > 1e-300)) {
            snprintf(err, errlen,
                     "[low, high] = [%g, %g] holds no probability mass of "
                     "normal(mean=%g, sd=%g)",
                     p[2], p[3], p[0], p[1]);
            *bad = where[2];
            return -1;
        }
        break;
    }
    case ES_DIST_LOGNORMAL:
        if (!(p[0] > 0))
            return es_dist_fail(err, errlen, bad, where[0], "%s must be > 0, got %g", "median",
                                p[0]);
        if (given[1] && given[2]) {
            snprintf(err, errlen, "lognormal takes sigma or p95, not both");
            *bad = where[2];
            return -1;
        }
        if (!given[1] && !given[2]) {
            snprintf(err, errlen, "lognormal needs 'sigma' or 'p95' beside 'median'");
            return -1;
        }
        if (given[1] && !(p[1] > 0))
            return es_dist_fail(err, errlen, bad, where[1], "%s must be > 0, got %g", "sigma",
                                p[1]);
        if (given[2]) {
            if (!(p[2] > p[0]))
                return es_dist_fail(err, errlen, bad, where[2],
                                    "%s must be greater than the median (%g)", "p95", p[0]);
            p[1] = log(p[2] / p[0]) / ES_Z95;
        }
        p[2] = p[0] * exp(p[1] * ES_Z95);
        break;
    case ES_DIST_TRIANGULAR:
    case ES_DIST_PERT:
        if (!(p[0] < p[2]))
            return es_dist_fail(err, errlen, bad, where[2], "%s must be greater than low (%g)",
                                "high", p[0]);
        if (!(p[1] >= p[0] && p[1] <= p[2])) {
            snprintf(err, errlen, "mode must lie in [low, high] = [%g, %g], got %g", p[0], p[2],
                     p[1]);
            *bad = where[1];
            return -1;
        }
        d->q[0] = (p[1] - p[0]) / (p[2] - p[0]); /* CDF at the mode */
        if (kind == ES_DIST_PERT) {
            if (!given[3]) p[3] = 4;
            if (!(p[3] > 0 && p[3] <= 1000))
                return es_dist_fail(err, errlen, bad, where[3], "%s must be in (0, 1000], got %g",
                                    "lambda", p[3]);
            es_beta_table(d, 1 + p[3] * d->q[0], 1 + p[3] * (1 - d->q[0]));
        }
        break;
    case ES_DIST_BETA:
        /* the range over which the quantile is solved to full precision */
        if (!(p[0] >= 0.1 && p[0] <= 1e4))
            return es_dist_fail(err, errlen, bad, where[0], "%s must be in [0.1, 10000], got %g",
                                "alpha", p[0]);
        if (!(p[1] >= 0.1 && p[1] <= 1e4))
            return es_dist_fail(err, errlen, bad, where[1], "%s must be in [0.1, 10000], got %g",
                                "beta", p[1]);
        if (!(p[2] < p[3]))
            return es_dist_fail(err, errlen, bad, where[3], "%s must be greater than low (%g)",
                                "high", p[2]);
        es_beta_table(d, p[0], p[1]);
        break;
    default:
        snprintf(err, errlen, "unknown distribution kind %d", (int)kind);
        return -1;
    }
    return 0;
}

double es_dist_quantile(const es_dist *d, double u)
{
    const double *p = d->p, *q = d->q;
    switch (d->kind) {
    case ES_DIST_CONSTANT:
        return p[0];
    case ES_DIST_UNIFORM:
        return p[0] + u * (p[1] - p[0]);
    case ES_DIST_LOGUNIFORM:
        return exp(q[0] + u * q[1]);
    case ES_DIST_NORMAL:
        return p[0] + p[1] * gsl_cdf_ugaussian_Pinv(u);
    case ES_DIST_TRUNCNORMAL: {
        double z;
        if (q[2] != 0)
            z = gsl_cdf_ugaussian_Qinv(q[0] - u * (q[0] - q[1]));
        else
            z = gsl_cdf_ugaussian_Pinv(q[0] + u * (q[1] - q[0]));
        double x = p[0] + p[1] * z;
        return x < p[2] ? p[2] : (x > p[3] ? p[3] : x);
    }
    case ES_DIST_LOGNORMAL:
        return p[0] * exp(p[1] * gsl_cdf_ugaussian_Pinv(u));
    case ES_DIST_TRIANGULAR: {
        double w = p[2] - p[0];
        if (u < q[0]) return p[0] + sqrt(u * w * (p[1] - p[0]));
        return p[2] - sqrt((1 - u) * w * (p[2] - p[1]));
    }
    case ES_DIST_PERT:
        return p[0] + (p[2] - p[0]) * es_beta_quantile(d, u);
    case ES_DIST_BETA:
        return p[2] + (p[3] - p[2]) * es_beta_quantile(d, u);
    default:
        return NAN;
    }
}

void es_dist_quantile_n(const es_dist *d, const double *u, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = es_dist_quantile(d, u[i]);
}

void es_dist_support(const es_dist *d, es_bound *lo, es_bound *hi)
{
    const double *p = d->p;
    lo->open = hi->open = 0;
    switch (d->kind) {
    case ES_DIST_CONSTANT:
        lo->v = hi->v = p[0];
        break;
    case ES_DIST_UNIFORM:
    case ES_DIST_LOGUNIFORM:
        lo->v = p[0];
        hi->v = p[1];
        break;
    case ES_DIST_NORMAL:
        lo->v = -INFINITY;
        hi->v = INFINITY;
        lo->open = hi->open = 1;
        break;
    case ES_DIST_TRUNCNORMAL:
        lo->v = p[2];
        hi->v = p[3];
        break;
    case ES_DIST_LOGNORMAL:
        lo->v = 0;
        hi->v = INFINITY;
        lo->open = hi->open = 1;
        break;
    case ES_DIST_TRIANGULAR:
    case ES_DIST_PERT:
        lo->v = p[0];
        hi->v = p[2];
        break;
    case ES_DIST_BETA:
        lo->v = p[2];
        hi->v = p[3];
        break;
    default:
        lo->v = hi->v = NAN;
    }
}

void es_dist_describe(const es_dist *d, char *buf, size_t len)
{
    const es_dist_spec *s = &es_dist_specs[d->kind];
    size_t used = (size_t)snprintf(buf, len, "%s(", s->name);
    int first = 1;
    for (int j = 0; j < ES_DIST_MAXPAR && s->par[j] && used < len; j++) {
        if (d->kind == ES_DIST_LOGNORMAL && j == 2)
            break; /* p95 is derived: median and sigma say it all */
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%.6g", first ? "" : ", ", s->par[j],
                                 d->p[j]);
        first = 0;
    }
    if (used < len) snprintf(buf + used, len - used, ")");
}
