/* src/stat_moments.c: count, non-finite counts, mean with its 95% interval,
 * standard deviation, standard error, minimum and maximum of every variable.
 *
 * Within a segment, sums of x - K and (x - K)^2 run in double in 8 lanes,
 * lane l taking rows l, l+8, l+16, ... of the segment in order (so that the
 * compiler vectorises them; the lanes are fixed by the segment, not by the
 * machine, so every rank and vector width gives the same bits), K being the
 * variable's value at design point 0 of the cell (known to every rank before
 * the run, so the shift is the same in every chunk and keeps the variance
 * accurate when the mean is large against the spread).  Each lane's sums go
 * into exact accumulators (xsum.h): merging is order-free.  A segment with a
 * non-finite value takes one lane, in row order.  A minimum or maximum
 * that is zero is kept as +0 (the sketch counts -0 as +0 too): which zero a
 * comparison keeps depends on the order, and so would the merged state.
 * At the end, with S1 = sum (x-K), S2 = sum (x-K)^2 over n finite values:
 *   mean = K + S1/n,  var = (S2 - S1^2/n) / (n - 1),  stderr = sqrt(var/n),
 *   mean interval = mean -+ t(0.975, n-1) stderr  (Student's t).
 * NaN and infinite values are counted apart and enter no moment.
 *
 * Values so large that a segment's |sum of (x - K)| or sum of squares
 * exceeds ES_MOM_BIG = 2^900 (a spread above about 1e135), or would
 * overflow: that segment's sums are taken instead of (x c - K c), c = 2^-520
 * (a power of two: exact scaling), into a second pair of exact sums, and the
 * moments are formed in those scaled units and scaled back at the end.  The
 * unscaled sums then hold at most 2^62 segment sums of at most 2^900 each,
 * below 2^962, so they round to finite doubles however many segments are
 * merged; the mean and the standard deviation of any finite values are
 * finite and right, never a silent 0 or an infinity. */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clones.h"
#include "stats.h"
#include "xsum.h"

#define ES_MOM_SCALE 0x1p-520 /* c: the scale of the second pair of sums */
#define ES_MOM_BIG 0x1p900    /* segment sums above this go to the scaled pair */

typedef struct {
    uint64_t n, nan, pinf, ninf;
    double min, max;
    es_xsum s1, s2;   /* sums of (x - K) and (x - K)^2, segment by segment */
    es_xsum s1b, s2b; /* the same of (x c - K c), for segments whose sums overflow */
} es_mom;

typedef struct {
    size_t count; /* cells * nvars */
    double *anchor;
    es_mom *m;
} es_moments;

static void es_mom_init(es_mom *m)
{
    memset(m, 0, sizeof *m);
    m->min = INFINITY;
    m->max = -INFINITY;
    es_xsum_init(&m->s1);
    es_xsum_init(&m->s2);
    es_xsum_init(&m->s1b);
    es_xsum_init(&m->s2b);
}

static void es_moments_reset(void *s, const es_plan *p)
{
    (void)p;
    es_moments *st = s;
    for (size_t i = 0; i < st->count; i++)
        es_mom_init(&st->m[i]);
}

static void es_moments_destroy(void *s)
{
    es_moments *st = s;
    if (!st) return;
    free(st->anchor);
    free(st->m);
    free(st);
}

static void *es_moments_create(const es_plan *p, const es_stat_ctx *ctx)
{
    es_moments *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->count = (size_t)p->cells * p->nvars;
    st->anchor = malloc(st->count * sizeof *st->anchor);
    st->m = malloc(st->count * sizeof *st->m);
    if (!st->anchor || !st->m) {
        es_moments_destroy(st);
        return NULL;
    }
    for (size_t i = 0; i < st->count; i++) {
        double k = ctx && ctx->anchor ? ctx->anchor[i] : 0;
        st->anchor[i] = isfinite(k) ? k : 0;
    }
    es_moments_reset(st, p);
    return st;
}

#define ES_MOM_LANES 8

/* A segment in ES_MOM_LANES lanes: the lanes' sums of x - K and (x - K)^2,
 * their minima and maxima.  Lane l takes rows k with k mod ES_MOM_LANES = l,
 * in order.  Returns 0, or 1 when a value is not finite (the lanes are then
 * of no use). */
ES_CLONES static int es_mom_lanes(const double *restrict x, size_t n, double K, double *restrict s1,
                                  double *restrict s2, double *restrict lo, double *restrict hi)
{
    enum { L = ES_MOM_LANES };
    double a[L], q[L], mn[L], mx[L];
    int64_t bad[L];
    for (int l = 0; l < L; l++) {
        a[l] = q[l] = 0;
        mn[l] = INFINITY;
        mx[l] = -INFINITY;
        bad[l] = 0;
    }
    size_t k = 0;
    /* The lanes loop is kept a loop (not unrolled into 8 scalar chains, whose
     * minima and maxima GCC cannot vectorise), so that it becomes one vector
     * operation per line in the AVX2 and AVX-512 clones: each lane still adds
     * its rows in order, the same bits. */
    for (; k + L <= n; k += L)
#pragma GCC unroll 1
        for (int l = 0; l < L; l++) {
            const double xv = x[k + l], dv = xv - K;
            a[l] += dv;
            q[l] += dv * dv;
            mn[l] = xv < mn[l] ? xv : mn[l];
            mx[l] = xv > mx[l] ? xv : mx[l];
            bad[l] |= !(fabs(xv) <= DBL_MAX);
        }
    for (int l = 0; k < n; k++, l++) {
        const double xv = x[k], dv = xv - K;
        a[l] += dv;
        q[l] += dv * dv;
        mn[l] = xv < mn[l] ? xv : mn[l];
        mx[l] = xv > mx[l] ? xv : mx[l];
        bad[l] |= !(fabs(xv) <= DBL_MAX);
    }
    int64_t any = 0;
    for (int l = 0; l < L; l++) {
        s1[l] = a[l];
        s2[l] = q[l];
        lo[l] = mn[l];
        hi[l] = mx[l];
        any |= bad[l];
    }
    return any != 0;
}

/* The fast path of a segment: 0 when done, -1 when the segment has a
 * non-finite value or a lane's sum overflows (then nothing is changed). */
static int es_mom_add_lanes(es_mom *m, const double *x, size_t n, double K)
{
    enum { L = ES_MOM_LANES };
    double s1[L], s2[L], mn[L], mx[L];
    if (es_mom_lanes(x, n, K, s1, s2, mn, mx)) return -1;
    /* the lanes' sums together (a bound: the exact sums are at most these) */
    double t1 = 0, t2 = 0;
    for (int l = 0; l < L; l++) {
        t1 += fabs(s1[l]);
        t2 += s2[l];
    }
    if (!(t1 <= ES_MOM_BIG && t2 <= ES_MOM_BIG)) return -1;
    double lo = m->min, hi = m->max;
    for (int l = 0; l < L; l++) {
        lo = mn[l] < lo ? mn[l] : lo;
        hi = mx[l] > hi ? mx[l] : hi;
    }
    m->min = lo == 0 ? 0.0 : lo; /* a zero extreme as +0, whichever zero came first */
    m->max = hi == 0 ? 0.0 : hi;
    m->n += n;
    for (int l = 0; l < L; l++) {
        es_xsum_add(&m->s1, s1[l]);
        es_xsum_add(&m->s2, s2[l]);
    }
    return 0;
}

static int es_moments_add(void *s, const es_plan *p, const es_seg *seg)
{
    es_moments *st = s;
    for (size_t v = 0; v < p->nvars; v++) {
        es_mom *m = &st->m[seg->cell * p->nvars + v];
        const double K = st->anchor[seg->cell * p->nvars + v];
        const double *x = seg->v[v];
        if (es_mom_add_lanes(m, x, seg->n, K) == 0) continue;
        double sum = 0, sum2 = 0, lo = m->min, hi = m->max;
        uint64_t n = 0;
        for (size_t k = 0; k < seg->n; k++) {
            double xv = x[k];
            if (!isfinite(xv)) {
                if (isnan(xv))
                    m->nan++;
                else if (xv > 0)
                    m->pinf++;
                else
                    m->ninf++;
                continue;
            }
            double dv = xv - K;
            sum += dv;
            sum2 += dv * dv;
            lo = xv < lo ? xv : lo;
            hi = xv > hi ? xv : hi;
            n++;
        }
        m->n += n;
        m->min = lo == 0 ? 0.0 : lo; /* as in es_mom_add_lanes */
        m->max = hi == 0 ? 0.0 : hi;
        if (fabs(sum) <= ES_MOM_BIG && sum2 <= ES_MOM_BIG) {
            es_xsum_add(&m->s1, sum);
            es_xsum_add(&m->s2, sum2);
            continue;
        }
        /* the segment's sums are too large (or overflow): again, in units of 2^520 */
        const double c = ES_MOM_SCALE, Kc = K * c;
        double sb = 0, s2b = 0;
        for (size_t k = 0; k < seg->n; k++)
            if (isfinite(x[k])) {
                double dv = x[k] * c - Kc;
                sb += dv;
                s2b += dv * dv;
            }
        es_xsum_add(&m->s1b, sb);
        es_xsum_add(&m->s2b, s2b);
    }
    return 0;
}

static size_t es_moments_pack_size(const void *s, const es_plan *p)
{
    (void)p;
    const es_moments *st = s;
    size_t n = 8;
    for (size_t i = 0; i < st->count; i++)
        n += 48 + es_xsum_pack_size(&st->m[i].s1) + es_xsum_pack_size(&st->m[i].s2) +
             es_xsum_pack_size(&st->m[i].s1b) + es_xsum_pack_size(&st->m[i].s2b);
    return n;
}

static uint64_t es_f64_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static double es_bits_f64(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static void es_moments_pack(const void *s, const es_plan *p, unsigned char *buf)
{
    (void)p;
    const es_moments *st = s;
    es_put_u64(buf, st->count);
    buf += 8;
    for (size_t i = 0; i < st->count; i++) {
        const es_mom *m = &st->m[i];
        es_put_u64(buf, m->n);
        es_put_u64(buf + 8, m->nan);
        es_put_u64(buf + 16, m->pinf);
        es_put_u64(buf + 24, m->ninf);
        es_put_u64(buf + 32, es_f64_bits(m->min));
        es_put_u64(buf + 40, es_f64_bits(m->max));
        buf += 48;
        buf += es_xsum_pack(&m->s1, buf);
        buf += es_xsum_pack(&m->s2, buf);
        buf += es_xsum_pack(&m->s1b, buf);
        buf += es_xsum_pack(&m->s2b, buf);
    }
}

static int es_moments_merge_packed(void *s, const es_plan *p, const unsigned char *buf, size_t len)
{
    (void)p;
    es_moments *st = s;
    if (len < 8 || es_get_u64(buf) != st->count) return -1;
    buf += 8;
    len -= 8;
    for (size_t i = 0; i < st->count; i++) {
        if (len < 48) return -1;
        es_mom *m = &st->m[i];
        m->n += es_get_u64(buf);
        m->nan += es_get_u64(buf + 8);
        m->pinf += es_get_u64(buf + 16);
        m->ninf += es_get_u64(buf + 24);
        double lo = es_bits_f64(es_get_u64(buf + 32)), hi = es_bits_f64(es_get_u64(buf + 40));
        if (lo < m->min) m->min = lo;
        if (hi > m->max) m->max = hi;
        m->min = m->min == 0 ? 0.0 : m->min; /* a state written before zeros were +0 */
        m->max = m->max == 0 ? 0.0 : m->max;
        buf += 48;
        len -= 48;
        es_xsum *dst[4] = {&m->s1, &m->s2, &m->s1b, &m->s2b};
        for (int q = 0; q < 4; q++) {
            es_xsum t;
            size_t k = es_xsum_unpack(&t, buf, len);
            if (!k) return -1;
            es_xsum_merge(dst[q], &t);
            buf += k;
            len -= k;
        }
    }
    return len == 0 ? 0 : -1;
}

/* The statistics of es_moments_names, in that order. */
enum { M_COUNT, M_NAN, M_INF, M_MEAN, M_MEAN_LO, M_MEAN_HI, M_STD, M_STDERR, M_MIN, M_MAX, M_N };
static const char *const es_moments_names[M_N] = {
    "count", "nan_count", "inf_count", "mean", "mean_lo", "mean_hi", "std", "stderr", "min", "max"};

static void es_mom_values(const es_mom *m, double K, double *out)
{
    for (int i = 0; i < M_N; i++)
        out[i] = NAN;
    out[M_COUNT] = (double)m->n;
    out[M_NAN] = (double)m->nan;
    out[M_INF] = (double)(m->pinf + m->ninf);
    if (m->n == 0) return;
    double n = (double)m->n, s1h, s1l, s2h, s2l, bh, bl, b2h, b2l;
    es_xsum_round2(&m->s1, &s1h, &s1l);
    es_xsum_round2(&m->s2, &s2h, &s2l);
    es_xsum_round2(&m->s1b, &bh, &bl);
    es_xsum_round2(&m->s2b, &b2h, &b2l);
    out[M_MIN] = m->min;
    out[M_MAX] = m->max;
    if (bh != 0 || b2h != 0) {
        /* some segments' sums overflowed: every moment in units of 2^520 */
        const double c = ES_MOM_SCALE;
        double t1 = bh + bl + (s1h + s1l) * c, t2 = b2h + b2l + (s2h + s2l) * c * c;
        double mean = ldexp(K * c + t1 / n, 520);
        out[M_MEAN] = mean < m->min ? m->min : (mean > m->max ? m->max : mean);
        if (m->n < 2) return;
        double ss = t2 - t1 * (t1 / n), var = ss > 0 ? ss / (n - 1) : 0;
        out[M_STD] = ldexp(sqrt(var), 520);
        out[M_STDERR] = out[M_STD] / sqrt(n);
        double t = gsl_cdf_tdist_Pinv(0.975, n - 1);
        out[M_MEAN_LO] = out[M_MEAN] - t * out[M_STDERR];
        out[M_MEAN_HI] = out[M_MEAN] + t * out[M_STDERR];
        return;
    }
    double d = s1h / n + s1l / n; /* mean - K */
    out[M_MEAN] = K + d;
    /* the mean lies in [min, max]; rounding must not put it outside */
    if (out[M_MEAN] < m->min) out[M_MEAN] = m->min;
    if (out[M_MEAN] > m->max) out[M_MEAN] = m->max;
    if (m->n < 2) return;
    /* S2 - S1^2/n with S1^2/n = S1 d, the product's rounding error kept */
    double pr = s1h * d, pe = fma(s1h, d, -pr);
    double ss = (s2h - pr) + (s2l - pe - s1l * d);
    double var = ss > 0 ? ss / (n - 1) : 0;
    if (m->min == m->max) var = 0;
    out[M_STD] = sqrt(var);
    out[M_STDERR] = sqrt(var / n);
    double t = gsl_cdf_tdist_Pinv(0.975, n - 1);
    out[M_MEAN_LO] = out[M_MEAN] - t * out[M_STDERR];
    out[M_MEAN_HI] = out[M_MEAN] + t * out[M_STDERR];
}

static int es_moments_emit(const void *s, const es_plan *p, es_results *r)
{
    const es_moments *st = s;
    const char **names = malloc(p->nvars * sizeof *names);
    if (!names) return -1;
    for (size_t v = 0; v < p->nvars; v++)
        names[v] = es_plan_var_name(p, v);
    es_res_array *cv = es_results_coord_str(r, "/summary/variable", p->nvars, names);
    free(names);
    es_res_array *cs = es_results_coord_str(r, "/summary/statistic", M_N, es_moments_names);
    uint64_t nv = p->nvars, inner[2] = {p->nvars, M_N};
    es_res_array *units = es_results_add(r, "/summary/units", ES_RES_STR, 1, &nv);
    es_res_array *kind = es_results_add(r, "/summary/kind", ES_RES_STR, 1, &nv);
    es_res_array *a = es_stats_array(r, p, "/summary/moments", ES_RES_F64, 2, inner);
    if (!cv || !cs || !units || !kind || !a) return -1;
    es_res_dim(units, 0, "/summary/variable");
    es_res_dim(kind, 0, "/summary/variable");
    es_res_dim(a, (int)p->nscan, "/summary/variable");
    es_res_dim(a, (int)p->nscan + 1, "/summary/statistic");
    es_res_attr_str(a, "long_name", "moments of every uncertain input and output");
    es_res_attr_str(a, "units", "see /summary/units");
    for (size_t v = 0; v < p->nvars; v++) {
        es_res_set_str(units, v, es_plan_var_unit(p, v));
        es_res_set_str(kind, v, es_plan_var_is_output(p, v) ? "output" : "input");
    }
    double *out = a->data;
    for (uint64_t c = 0; c < p->cells; c++)
        for (size_t v = 0; v < p->nvars; v++) {
            size_t i = (size_t)c * p->nvars + v;
            es_mom_values(&st->m[i], st->anchor[i], out + i * M_N);
        }
    /* without a scan, also as attributes of /summary/<name> (schema 1 readers) */
    if (p->nscan == 0)
        for (size_t v = 0; v < p->nvars; v++) {
            char path[ES_RES_PATHMAX];
            snprintf(path, sizeof path, "/summary/%s", es_plan_var_name(p, v));
            es_res_array *g = es_results_find_mut(r, path);
            if (!g) g = es_results_add(r, path, ES_RES_GROUP, 0, NULL);
            if (!g) return -1;
            for (int k = 0; k < M_N; k++)
                es_res_attr_f64(g, es_moments_names[k], out[v * M_N + k]);
            es_res_attr_str(g, "units", es_plan_var_unit(p, v));
            es_res_attr_str(g, "long_name", es_plan_var_long_name(p, v));
            es_res_attr_str(g, "kind", es_plan_var_is_output(p, v) ? "output" : "input");
        }
    return r->oom ? -1 : 0;
}

const es_stat_type es_stat_moments = {
    .name = "moments",
    .pass = 1,
    .wanted = NULL,
    .create = es_moments_create,
    .destroy = es_moments_destroy,
    .reset = es_moments_reset,
    .add = es_moments_add,
    .pack_size = es_moments_pack_size,
    .pack = es_moments_pack,
    .merge_packed = es_moments_merge_packed,
    .emit = es_moments_emit,
};
