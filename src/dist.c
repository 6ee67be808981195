/* src/dist.c: quantile functions, one row of es_dist_types per distribution.
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
 * Phi^-1 is GSL's gsl_cdf_ugaussian_Pinv (Wichura's AS241, full precision,
 * about 11 ns a call here: UNU.RAN's PINV would save 5 ns of it and lose the
 * relative accuracy of the far tails, so the normal family keeps it).
 *
 * B^-1, the inverse regularised incomplete beta function, two ways:
 * - UNU.RAN's PINV (Derflinger, Hoermann and Leydold, "Random variate
 *   generation by numerical inversion when only the density is known", ACM
 *   TOMACS 20(4), 2010): Newton interpolation of the inverse CDF on
 *   intervals chosen so that the u-error |F(Q(u)) - u| stays below 1e-12,
 *   with Gauss-Lobatto integration of the density; set up once per
 *   distribution (0.3 to 1.5 ms) at its first quantile, then about 8 ns a
 *   draw.  Used where the density is bounded (both shapes >= 1, which every
 *   pert is), and only after its u-error is checked against GSL's CDF at
 *   2048 + 14 points (the mid-points of 2048 equal cells of u and the tails
 *   down to 1e-14): above 1e-12 anywhere, the other way is taken.  The setup
 *   runs the same arithmetic on every rank of a run (same binary, same libm),
 *   so the table and every quantile are the same bits on every rank.
 * - otherwise, solved on GSL's CDF gsl_cdf_beta_P (safeguarded Newton), not
 *   taken from gsl_cdf_beta_Pinv, which fails to converge for shapes such as
 *   (1, 300).  It is solved once at 127 nodes u = i/128; between them a
 *   cubic Hermite interpolation (slope dx/du = 1/pdf) starts the iteration
 *   inside the bracket of the two nodes: one or two CDF evaluations a draw,
 *   about 350 ns, against about ten inside gsl_cdf_beta_Pinv; full precision.
 * Measured on the shipped study's three pert inputs: PINV 8 ns a draw, the
 * tabulated Newton 350 ns (bench/bench_dist.c).
 * (Vose, "Risk Analysis", 3rd ed., ch. 9; GSL manual, "Random Number
 * Distributions"; UNU.RAN user manual, "PINV".) */
#include "dist.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unuran.h>

#include "clones.h"

/* Phi^-1(0.95) */
#define ES_Z95 1.6448536269514722
/* the u-resolution asked of PINV, and checked */
#define ES_PINV_URES 1e-12

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

/* ---- UNU.RAN's PINV for the standard beta ------------------------------- */

/* Is PINV's u-error within ES_PINV_URES at the check points?  F can be no
 * closer to u than one step of x allows: pdf(x) times two ulps of x. */
static int es_pinv_checks(const UNUR_GEN *g, double a, double b)
{
    const int cells = 2048;
    const double tails[7] = {1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2};
    for (int i = 0; i < cells + 14; i++) {
        double u = i < cells ? (i + 0.5) / cells
                             : (i - cells < 7 ? tails[i - cells] : 1 - tails[i - cells - 7]);
        double x = unur_pinv_eval_approxinvcdf(g, u);
        if (!(x >= 0 && x <= 1)) return 0;
        double tol = ES_PINV_URES + gsl_ran_beta_pdf(x, a, b) * 2 * DBL_EPSILON;
        if (!(fabs(gsl_cdf_beta_P(x, a, b) - u) <= tol)) return 0;
    }
    return 1;
}

/* Build PINV for beta(a, b) on [0, 1]; NULL when it fails or misses the
 * u-resolution.  First from the density (PINV's default); where its Newton
 * search of the tails gives up (a steep one-sided density such as beta(30,
 * 2)), from UNU.RAN's CDF.  UNU.RAN's error handler is turned off: the core
 * prints nothing, and a failure here only means the tabulated Newton. */
static UNUR_GEN *es_pinv_build(double a, double b)
{
    if (!(a >= 1 && b >= 1)) return NULL; /* a pole at an end: PINV loses accuracy there */
    unur_set_error_handler_off();
    double par[2] = {a, b};
    UNUR_GEN *g = NULL;
    for (int use_cdf = 0; use_cdf < 2 && !g; use_cdf++) {
        UNUR_DISTR *distr = unur_distr_beta(par, 2);
        if (!distr) return NULL;
        UNUR_PAR *pp = unur_pinv_new(distr);
        if (pp && unur_pinv_set_u_resolution(pp, ES_PINV_URES) == UNUR_SUCCESS &&
            unur_pinv_set_order(pp, 5) == UNUR_SUCCESS &&
            (!use_cdf || unur_pinv_set_usecdf(pp) == UNUR_SUCCESS))
            g = unur_init(pp); /* consumes pp, also when it fails */
        else if (pp)
            unur_par_free(pp);
        unur_distr_free(distr);
    }
    if (g && !es_pinv_checks(g, a, b)) {
        unur_free(g);
        g = NULL;
    }
    return g;
}

/* The PINV generator, built at the first call.  d is never defined const
 * (es_dist values live in jobs and tests): writing through the cast is the
 * lazy set-up dist.h announces. */
static const UNUR_GEN *es_pinv_of(const es_dist *cd)
{
    es_dist *d = (es_dist *)cd;
    if (d->pinv_state == 0) {
        d->pinv = es_pinv_build(d->q[1], d->q[2]);
        d->pinv_state = d->pinv ? 1 : -1;
    }
    return d->pinv_state == 1 ? d->pinv : NULL;
}

/* x[k] = lo + w B^-1(u[k]) */
static void es_beta_quantile_n(const es_dist *d, double lo, double w, const double *u, double *x,
                               size_t n)
{
    const UNUR_GEN *g = es_pinv_of(d);
    if (g) {
        for (size_t k = 0; k < n; k++) {
            double y = unur_pinv_eval_approxinvcdf(g, u[k]);
            y = y < 0 ? 0 : (y > 1 ? 1 : y);
            x[k] = lo + w * y;
        }
    } else {
        for (size_t k = 0; k < n; k++)
            x[k] = lo + w * es_beta_quantile(d, u[k]);
    }
}

void es_dist_free(es_dist *d)
{
    if (d->pinv) unur_free(d->pinv);
    d->pinv = NULL;
    d->pinv_state = 0;
}

/* ---- the rows ----------------------------------------------------------- */

/* The loops below are plain column loops: GCC vectorises those without a
 * library call (uniform, triangular; -fno-math-errno lets sqrt in). */

static int es_none_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                        size_t errlen)
{
    (void)d, (void)given, (void)where, (void)bad, (void)err, (void)errlen;
    return 0;
}

static void es_constant_q(const es_dist *d, const double *u, double *x, size_t n)
{
    (void)u;
    for (size_t k = 0; k < n; k++)
        x[k] = d->p[0];
}

static void es_constant_support(const es_dist *d, es_bound *lo, es_bound *hi)
{
    lo->v = hi->v = d->p[0];
}

static int es_uniform_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                           size_t errlen)
{
    (void)given;
    if (!(d->p[0] < d->p[1]))
        return es_dist_fail(err, errlen, bad, where[1], "%s must be greater than low (%g)", "high",
                            d->p[0]);
    return 0;
}

/* Cloned (clones.h): one product and one sum a value, rounded the same at any width */
ES_CLONES static void es_uniform_q(const es_dist *d, const double *u, double *x, size_t n)
{
    const double lo = d->p[0], w = d->p[1] - d->p[0];
    for (size_t k = 0; k < n; k++)
        x[k] = lo + u[k] * w;
}

/* [p0, p1]: uniform, loguniform */
static void es_p01_support(const es_dist *d, es_bound *lo, es_bound *hi)
{
    lo->v = d->p[0];
    hi->v = d->p[1];
}

static int es_loguniform_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                              size_t errlen)
{
    if (es_uniform_init(d, given, where, bad, err, errlen)) return -1;
    if (!(d->p[0] > 0))
        return es_dist_fail(err, errlen, bad, where[0], "%s must be > 0 for loguniform, got %g",
                            "low", d->p[0]);
    d->q[0] = log(d->p[0]);
    d->q[1] = log(d->p[1]) - log(d->p[0]);
    return 0;
}

static void es_loguniform_q(const es_dist *d, const double *u, double *x, size_t n)
{
    for (size_t k = 0; k < n; k++)
        x[k] = exp(d->q[0] + u[k] * d->q[1]);
}

static int es_sd_check(es_dist *d, const int where[], int *bad, char *err, size_t errlen)
{
    if (!(d->p[1] > 0))
        return es_dist_fail(err, errlen, bad, where[1], "%s must be > 0, got %g", "sd", d->p[1]);
    return 0;
}

static int es_normal_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                          size_t errlen)
{
    (void)given;
    return es_sd_check(d, where, bad, err, errlen);
}

static void es_normal_q(const es_dist *d, const double *u, double *x, size_t n)
{
    for (size_t k = 0; k < n; k++)
        x[k] = d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(u[k]);
}

static void es_real_line(const es_dist *d, es_bound *lo, es_bound *hi)
{
    (void)d;
    lo->v = -INFINITY;
    hi->v = INFINITY;
    lo->open = hi->open = 1;
}

static int es_truncnormal_init(es_dist *d, const int given[], const int where[], int *bad,
                               char *err, size_t errlen)
{
    (void)given;
    double *p = d->p;
    if (es_sd_check(d, where, bad, err, errlen)) return -1;
    if (!(p[2] < p[3]))
        return es_dist_fail(err, errlen, bad, where[3], "%s must be greater than low (%g)", "high",
                            p[2]);
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
    return 0;
}

static void es_truncnormal_q(const es_dist *d, const double *u, double *x, size_t n)
{
    const double *p = d->p, *q = d->q;
    for (size_t k = 0; k < n; k++) {
        double z = q[2] != 0 ? gsl_cdf_ugaussian_Qinv(q[0] - u[k] * (q[0] - q[1]))
                             : gsl_cdf_ugaussian_Pinv(q[0] + u[k] * (q[1] - q[0]));
        double v = p[0] + p[1] * z;
        x[k] = v < p[2] ? p[2] : (v > p[3] ? p[3] : v);
    }
}

/* [p2, p3]: truncnormal, beta */
static void es_p23_support(const es_dist *d, es_bound *lo, es_bound *hi)
{
    lo->v = d->p[2];
    hi->v = d->p[3];
}

static int es_lognormal_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                             size_t errlen)
{
    double *p = d->p;
    if (!(p[0] > 0))
        return es_dist_fail(err, errlen, bad, where[0], "%s must be > 0, got %g", "median", p[0]);
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
        return es_dist_fail(err, errlen, bad, where[1], "%s must be > 0, got %g", "sigma", p[1]);
    if (given[2]) {
        if (!(p[2] > p[0]))
            return es_dist_fail(err, errlen, bad, where[2],
                                "%s must be greater than the median (%g)", "p95", p[0]);
        p[1] = log(p[2] / p[0]) / ES_Z95;
    }
    p[2] = p[0] * exp(p[1] * ES_Z95);
    return 0;
}

static void es_lognormal_q(const es_dist *d, const double *u, double *x, size_t n)
{
    for (size_t k = 0; k < n; k++)
        x[k] = d->p[0] * exp(d->p[1] * gsl_cdf_ugaussian_Pinv(u[k]));
}

static void es_positive_line(const es_dist *d, es_bound *lo, es_bound *hi)
{
    (void)d;
    lo->v = 0;
    hi->v = INFINITY;
    lo->open = hi->open = 1;
}

/* low < high, mode in [low, high]; q0 = the CDF at the mode */
static int es_three_point_init(es_dist *d, const int where[], int *bad, char *err, size_t errlen)
{
    double *p = d->p;
    if (!(p[0] < p[2]))
        return es_dist_fail(err, errlen, bad, where[2], "%s must be greater than low (%g)", "high",
                            p[0]);
    if (!(p[1] >= p[0] && p[1] <= p[2])) {
        snprintf(err, errlen, "mode must lie in [low, high] = [%g, %g], got %g", p[0], p[2], p[1]);
        *bad = where[1];
        return -1;
    }
    d->q[0] = (p[1] - p[0]) / (p[2] - p[0]);
    return 0;
}

static int es_triangular_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                              size_t errlen)
{
    (void)given;
    return es_three_point_init(d, where, bad, err, errlen);
}

/* below the mode low + sqrt(u w (mode-low)), above it high - sqrt((1-u) w
 * (high-mode)): one square root of the side's argument.  Cloned (clones.h):
 * products, a correctly rounded sqrt and selects, the same bits. */
ES_CLONES static void es_triangular_q(const es_dist *d, const double *u, double *x, size_t n)
{
    const double lo = d->p[0], hi = d->p[2], c = d->q[0], w = d->p[2] - d->p[0];
    const double wl = w * (d->p[1] - d->p[0]), wh = w * (d->p[2] - d->p[1]);
    for (size_t k = 0; k < n; k++) { /* both sides computed: a select, no branch */
        const double al = u[k] * wl, ah = (1 - u[k]) * wh;
        const int below = u[k] < c;
        const double s = sqrt(below ? al : ah), xl = lo + s, xh = hi - s;
        x[k] = below ? xl : xh;
    }
}

/* [p0, p2]: triangular, pert */
static void es_p02_support(const es_dist *d, es_bound *lo, es_bound *hi)
{
    lo->v = d->p[0];
    hi->v = d->p[2];
}

static int es_pert_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                        size_t errlen)
{
    double *p = d->p;
    if (es_three_point_init(d, where, bad, err, errlen)) return -1;
    if (!given[3]) p[3] = 4;
    if (!(p[3] > 0 && p[3] <= 1000))
        return es_dist_fail(err, errlen, bad, where[3], "%s must be in (0, 1000], got %g", "lambda",
                            p[3]);
    es_beta_table(d, 1 + p[3] * d->q[0], 1 + p[3] * (1 - d->q[0]));
    return 0;
}

static void es_pert_q(const es_dist *d, const double *u, double *x, size_t n)
{
    es_beta_quantile_n(d, d->p[0], d->p[2] - d->p[0], u, x, n);
}

static int es_beta_init(es_dist *d, const int given[], const int where[], int *bad, char *err,
                        size_t errlen)
{
    (void)given;
    double *p = d->p;
    /* the range over which the quantile is solved to full precision */
    if (!(p[0] >= 0.1 && p[0] <= 1e4))
        return es_dist_fail(err, errlen, bad, where[0], "%s must be in [0.1, 10000], got %g",
                            "alpha", p[0]);
    if (!(p[1] >= 0.1 && p[1] <= 1e4))
        return es_dist_fail(err, errlen, bad, where[1], "%s must be in [0.1, 10000], got %g",
                            "beta", p[1]);
    if (!(p[2] < p[3]))
        return es_dist_fail(err, errlen, bad, where[3], "%s must be greater than low (%g)", "high",
                            p[2]);
    es_beta_table(d, p[0], p[1]);
    return 0;
}

static void es_beta_q(const es_dist *d, const double *u, double *x, size_t n)
{
    es_beta_quantile_n(d, d->p[2], d->p[3] - d->p[2], u, x, n);
}

static const es_dist_type es_dist_constant = {
    .name = "constant",
    .par = {"value"},
    .help = "value",
    .init = es_none_init,
    .quantile_n = es_constant_q,
    .support = es_constant_support,
};
static const es_dist_type es_dist_uniform = {
    .name = "uniform",
    .par = {"low", "high"},
    .help = "low, high",
    .init = es_uniform_init,
    .quantile_n = es_uniform_q,
    .support = es_p01_support,
};
static const es_dist_type es_dist_loguniform = {
    .name = "loguniform",
    .par = {"low", "high"},
    .help = "low > 0, high",
    .init = es_loguniform_init,
    .quantile_n = es_loguniform_q,
    .support = es_p01_support,
};
static const es_dist_type es_dist_normal = {
    .name = "normal",
    .par = {"mean", "sd"},
    .help = "mean, sd",
    .init = es_normal_init,
    .quantile_n = es_normal_q,
    .support = es_real_line,
};
static const es_dist_type es_dist_truncnormal = {
    .name = "truncnormal",
    .par = {"mean", "sd", "low", "high"},
    .help = "mean, sd, low, high",
    .init = es_truncnormal_init,
    .quantile_n = es_truncnormal_q,
    .support = es_p23_support,
};
static const es_dist_type es_dist_lognormal = {
    .name = "lognormal",
    .par = {"median", "sigma", "p95"},
    .optional = 6u,
    .help = "median, and sigma or p95",
    .shown = 2, /* p95 is derived: median and sigma say it all */
    .init = es_lognormal_init,
    .quantile_n = es_lognormal_q,
    .support = es_positive_line,
};
static const es_dist_type es_dist_triangular = {
    .name = "triangular",
    .par = {"low", "mode", "high"},
    .help = "low, mode, high",
    .init = es_triangular_init,
    .quantile_n = es_triangular_q,
    .support = es_p02_support,
};
static const es_dist_type es_dist_pert = {
    .name = "pert",
    .par = {"low", "mode", "high", "lambda"},
    .optional = 8u,
    .help = "low, mode, high [, lambda = 4]",
    .init = es_pert_init,
    .quantile_n = es_pert_q,
    .support = es_p02_support,
};
static const es_dist_type es_dist_beta = {
    .name = "beta",
    .par = {"alpha", "beta", "low", "high"},
    .help = "alpha, beta, low, high",
    .init = es_beta_init,
    .quantile_n = es_beta_q,
    .support = es_p23_support,
};

/* constant first (ES_DIST_CONSTANT) */
const es_dist_type *const es_dist_types[] = {
    &es_dist_constant,    &es_dist_uniform,
    &es_dist_loguniform,  &es_dist_normal,
    &es_dist_truncnormal, &es_dist_lognormal,
    &es_dist_triangular,  &es_dist_pert,
    &es_dist_beta,        NULL,
};

/* ---- the table's users ---------------------------------------------------- */

static int es_dist_count(void)
{
    int n = 0;
    while (es_dist_types[n])
        n++;
    return n;
}

const char *es_dist_kind_name(es_dist_kind kind)
{
    return (kind >= 0 && kind < es_dist_count()) ? es_dist_types[kind]->name : NULL;
}

int es_dist_kind_find(const char *name)
{
    for (int k = 0; es_dist_types[k]; k++)
        if (strcmp(name, es_dist_types[k]->name) == 0) return k;
    return -1;
}

const char *es_dist_kind_list(void)
{
    static char list[256];
    if (list[0]) return list;
    for (int k = 0; es_dist_types[k]; k++) {
        if (k) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, es_dist_types[k]->name, sizeof list - strlen(list) - 1);
    }
    return list;
}

const char *es_dist_param_help(es_dist_kind kind)
{
    return (kind >= 0 && kind < es_dist_count()) ? es_dist_types[kind]->help : "";
}

int es_dist_init(es_dist *d, es_dist_kind kind, size_t n, const char *const names[],
                 const double values[], int *bad, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    *bad = -1;
    if (!(kind >= 0 && kind < es_dist_count())) {
        snprintf(err, errlen, "unknown distribution kind %d", (int)kind);
        return -1;
    }
    const es_dist_type *s = es_dist_types[kind];
    int given[ES_DIST_MAXPAR] = {0};
    int where[ES_DIST_MAXPAR] = {-1, -1, -1, -1};
    d->kind = kind;
    d->type = s;
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
    return s->init(d, given, where, bad, err, errlen);
}

double es_dist_quantile(const es_dist *d, double u)
{
    double x;
    d->type->quantile_n(d, &u, &x, 1);
    return x;
}

void es_dist_quantile_n(const es_dist *d, const double *u, double *x, size_t n)
{
    d->type->quantile_n(d, u, x, n);
}

void es_dist_support(const es_dist *d, es_bound *lo, es_bound *hi)
{
    lo->open = hi->open = 0;
    d->type->support(d, lo, hi);
}

void es_dist_describe(const es_dist *d, char *buf, size_t len)
{
    const es_dist_type *s = d->type;
    size_t used = (size_t)snprintf(buf, len, "%s(", s->name);
    int first = 1;
    for (int j = 0; j < ES_DIST_MAXPAR && s->par[j] && used < len; j++) {
        if (s->shown && j >= s->shown) break;
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%.6g", first ? "" : ", ", s->par[j],
                                 d->p[j]);
        first = 0;
    }
    if (used < len) snprintf(buf + used, len - used, ")");
}

int es_dist_uses_pinv(const es_dist *d)
{
    if (d->type != &es_dist_pert && d->type != &es_dist_beta) return -1;
    return es_pinv_of(d) != NULL;
}
