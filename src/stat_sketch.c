/* src/stat_sketch.c: quantiles, their intervals and histograms of every
 * variable, from one quantile sketch (sketch.h) per (scan cell, variable).
 *
 * Pass 1 adds every stored row's finite values (NaN and infinities are
 * counted by the moments, never here).  Sketches merge exactly, so the
 * results do not depend on ranks, parts or resumes.  Emitted:
 *
 * /summary/quantiles [scan..., variable, quantile_p]: the rank-k order
 *   statistic, k = floor(p (n - 1)) (0-based), read from the sketch:
 *   |q - x_(k)| <= 0.0049511 |x_(k)|; exact at k = 0 and n - 1 and for a
 *   constant column.
 * /summary/quantiles_lo, _hi: a distribution-free 95% interval of the
 *   population p-quantile xi_p from order statistics (e.g. Hahn and Meeker,
 *   "Statistical Intervals", 1991, ch. 5): with B ~ Binomial(n, p),
 *   P(x_(l) <= xi_p <= x_(u)) >= P(l <= B < u) >= 0.95 for the largest l with
 *   P(B < l) <= 0.025 and the smallest u with P(B >= u) <= 0.025 (1-based
 *   ranks).  Exact binomial tails from GSL (gsl_cdf_binomial_P/Q, a binary
 *   search of about 2 x 31 calls of a microsecond) for n < 2^31, above that
 *   the normal approximation with continuity correction and the
 *   Cornish-Fisher skewness term (without it the ranks are off by about
 *   (z^2 - 1)|1 - 2p|/6 = 0.5 whatever n; with it they agree with the exact
 *   ones to one rank at n = 2^31, as tests/test_sketch.c checks).  x_(l) and x_(u) are read
 *   from the sketch, so each end carries the sketch's relative error too.
 *   -inf (+inf) when no order statistic bounds the interval at 95% (for
 *   example p = 0.01 with fewer than 299 values).
 * /summary/<name>/histogram_edges [scan..., 41], histogram_counts
 *   [scan..., 40]: 40 equal-width bins between the sketch's 0.5% and 99.5%
 *   quantiles (a constant column: q -+ max(0.5, 2^-40 |q|)); bins are
 *   [e_i, e_i+1), the last one closed.  A count is N(e_i+1) - N(e_i) with
 *   N(x) the values below x (es_sketch_count_below): whole buckets below x,
 *   plus the share of x's bucket below x by linear interpolation inside the
 *   bucket (clamped to [min, max]), rounded to an integer.  So counts are
 *   integers, histogram_below + sum(counts) + histogram_above = count, and
 *   a count is exact up to the two edge buckets' shares.
 * /summary/<name>/sketch_key, sketch_count, sketch_cell [M]: the non-empty
 *   buckets of every cell's sketch (cell = the row-major index of the scan
 *   cell), enough to compute any other quantile or CDF later (report, merge).
 *
 * Cost: adding a value is a few integer operations (sketch.h); emitting is a
 * walk over each sketch's pages per quantile and per histogram edge.
 * Memory: one sketch per (cell, variable), sketch.h gives its size. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sketch.h"
#include "stats.h"

#define ES_NQ 9
#define ES_NBINS 40
static const double es_quantile_p[ES_NQ] = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};

typedef struct {
    size_t count;  /* cells * nvars */
    es_sketch *sk; /* [cell * nvars + var] */
} es_sketchstat;

static void es_sketchstat_destroy(void *s)
{
    es_sketchstat *st = s;
    if (!st) return;
    if (st->sk)
        for (size_t i = 0; i < st->count; i++)
            es_sketch_free(&st->sk[i]);
    free(st->sk);
    free(st);
}

static void *es_sketchstat_create(const es_plan *p, const es_stat_ctx *ctx)
{
    (void)ctx;
    es_sketchstat *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->count = (size_t)p->cells * p->nvars;
    st->sk = malloc((st->count ? st->count : 1) * sizeof *st->sk);
    if (!st->sk) {
        free(st);
        return NULL;
    }
    for (size_t i = 0; i < st->count; i++)
        es_sketch_init(&st->sk[i]);
    return st;
}

static void es_sketchstat_reset(void *s, const es_plan *p)
{
    (void)p;
    es_sketchstat *st = s;
    for (size_t i = 0; i < st->count; i++)
        es_sketch_reset(&st->sk[i]);
}

static int es_sketchstat_add(void *s, const es_plan *p, const es_seg *seg)
{
    es_sketchstat *st = s;
    for (size_t v = 0; v < p->nvars; v++)
        if (es_sketch_add_n(&st->sk[seg->cell * p->nvars + v], seg->v[v], seg->n)) return -1;
    return 0;
}

static size_t es_sketchstat_pack_size(const void *s, const es_plan *p)
{
    (void)p;
    const es_sketchstat *st = s;
    size_t n = 8;
    for (size_t i = 0; i < st->count; i++)
        n += es_sketch_pack_size(&st->sk[i]);
    return n;
}

static void es_sketchstat_pack(const void *s, const es_plan *p, unsigned char *buf)
{
    (void)p;
    const es_sketchstat *st = s;
    es_put_u64(buf, st->count);
    buf += 8;
    for (size_t i = 0; i < st->count; i++)
        buf += es_sketch_pack(&st->sk[i], buf);
}

static int es_sketchstat_merge_packed(void *s, const es_plan *p, const unsigned char *buf,
                                      size_t len)
{
    (void)p;
    es_sketchstat *st = s;
    if (len < 8 || es_get_u64(buf) != st->count) return -1;
    buf += 8;
    len -= 8;
    for (size_t i = 0; i < st->count; i++) {
        size_t k = es_sketch_merge_packed(&st->sk[i], buf, len);
        if (!k) return -1;
        buf += k;
        len -= k;
    }
    return len == 0 ? 0 : -1;
}

const es_sketch *es_stat_sketch_get(const void *state, const es_plan *p, uint64_t cell, size_t var)
{
    const es_sketchstat *st = state;
    if (!st || cell >= p->cells || var >= p->nvars) return NULL;
    return &st->sk[cell * p->nvars + var];
}

double es_stat_sketch_cdf(const void *state, const es_plan *p, uint64_t cell, size_t var, double x)
{
    const es_sketch *s = es_stat_sketch_get(state, p, cell, var);
    return s ? es_sketch_cdf(s, x) : NAN;
}

/* ---- the interval of a quantile ---- */

#define ES_Z975 1.959963984540054   /* the 97.5% normal quantile */
#define ES_CI_EXACT_MAX 2147483647u /* GSL's binomial takes unsigned int counts */

void es_quantile_ci_ranks(uint64_t n, double p, uint64_t *l, uint64_t *u)
{
    *l = 0;
    *u = n + 1;
    if (n == 0 || !(p > 0 && p < 1)) return;
    if (n <= ES_CI_EXACT_MAX) {
        /* l: the largest with P(B <= l - 1) <= 0.025 (l = 0 always qualifies) */
        uint64_t a = 0, b = n + 1; /* a qualifies, b does not (P(B <= n) = 1) */
        while (b - a > 1) {
            uint64_t m = a + (b - a) / 2;
            if (gsl_cdf_binomial_P((unsigned)(m - 1), p, (unsigned)n) <= 0.025)
                a = m;
            else
                b = m;
        }
        *l = a;
        /* u: the smallest with P(B >= u) = Q(u - 1) <= 0.025 (u = n + 1 qualifies) */
        a = 0;
        b = n + 1; /* a does not qualify (P(B >= 0) = 1), b does */
        while (b - a > 1) {
            uint64_t m = a + (b - a) / 2;
            if (gsl_cdf_binomial_Q((unsigned)(m - 1), p, (unsigned)n) <= 0.025)
                b = m;
            else
                a = m;
        }
        *u = b;
        return;
    }
    /* P(B <= k) ~ G(k + 1/2), G's quantiles from the Cornish-Fisher expansion
     * to the skewness term: x_q = np + s z_q + (z_q^2 - 1)(1 - 2p)/6.  Then
     * l - 1 = floor(x_0.025 - 1/2) and u - 1 = ceil(x_0.975 - 1/2). */
    double np = (double)n * p, s = sqrt(np * (1 - p));
    double skew = (ES_Z975 * ES_Z975 - 1) * (1 - 2 * p) / 6;
    double lo = floor(np - ES_Z975 * s + skew + 0.5), hi = ceil(np + ES_Z975 * s + skew + 0.5);
    *l = lo < 0 ? 0 : (uint64_t)lo;
    *u = hi > (double)n ? n + 1 : (uint64_t)hi;
}

/* ---- results ---- */

/* The histogram of one sketch: edges[41], counts[40], below, above. */
static void es_histogram(const es_sketch *s, double *edges, uint64_t *counts, uint64_t *below,
                         uint64_t *above)
{
    uint64_t n = es_sketch_count(s);
    if (n == 0) {
        for (int i = 0; i <= ES_NBINS; i++)
            edges[i] = NAN;
        memset(counts, 0, ES_NBINS * sizeof *counts);
        *below = *above = 0;
        return;
    }
    double lo = es_sketch_quantile(s, 0.005), hi = es_sketch_quantile(s, 0.995);
    if (!(hi > lo)) {
        double h = fmax(0.5, fabs(lo) * 0x1p-40);
        lo -= h;
        hi += h;
    }
    /* the width as hi/40 - lo/40: finite even for -DBL_MAX .. DBL_MAX */
    const double w = hi / ES_NBINS - lo / ES_NBINS;
    for (int i = 0; i <= ES_NBINS; i++)
        edges[i] = i == ES_NBINS ? hi : lo + w * i;
    uint64_t prev = es_sketch_count_below(s, edges[0], 0);
    *below = prev;
    for (int i = 1; i <= ES_NBINS; i++) {
        uint64_t c = es_sketch_count_below(s, edges[i], i == ES_NBINS);
        counts[i - 1] = c - prev;
        prev = c;
    }
    *above = n - prev;
}

/* es_results_add may move every array it holds: a pointer to one is good
 * only until the next add.  So arrays are added first and found again. */
static es_res_array *es_find(es_results *r, const char *path)
{
    return es_results_find_mut(r, path);
}

static int es_sketch_emit_var(const es_sketchstat *st, const es_plan *p, es_results *r, size_t v)
{
    const char *name = es_plan_var_name(p, v);
    enum { ED, HC, HB, HA, SK, SC, SL, NA };
    static const char *const leaf[NA] = {"histogram_edges", "histogram_counts", "histogram_below",
                                         "histogram_above", "sketch_key",       "sketch_count",
                                         "sketch_cell"};
    char path[NA][ES_RES_PATHMAX];
    for (int k = 0; k < NA; k++)
        snprintf(path[k], sizeof path[k], "/summary/%s/%s", name, leaf[k]);
    uint64_t m = 0, nb = ES_NBINS + 1, nc = ES_NBINS;
    for (uint64_t c = 0; c < p->cells; c++)
        m += es_sketch_nbuckets(&st->sk[c * p->nvars + v]);
    if (!es_stats_array(r, p, path[ED], ES_RES_F64, 1, &nb) ||
        !es_stats_array(r, p, path[HC], ES_RES_U64, 1, &nc) ||
        !es_stats_array(r, p, path[HB], ES_RES_U64, 0, NULL) ||
        !es_stats_array(r, p, path[HA], ES_RES_U64, 0, NULL) ||
        !es_results_add(r, path[SK], ES_RES_I64, 1, &m) ||
        !es_results_add(r, path[SC], ES_RES_U64, 1, &m) ||
        !es_results_add(r, path[SL], ES_RES_U64, 1, &m))
        return -1;
    es_res_array *ed = es_find(r, path[ED]), *hc = es_find(r, path[HC]), *hb = es_find(r, path[HB]);
    es_res_array *ha = es_find(r, path[HA]), *sk = es_find(r, path[SK]), *sc = es_find(r, path[SC]);
    es_res_array *sl = es_find(r, path[SL]);
    /* the last dimension gets a scale too (/summary/edge, /summary/bin): a
     * netCDF reader refuses an array whose scan dimensions have scales and
     * whose last one has none */
    es_res_dim(ed, (int)p->nscan, "/summary/edge");
    es_res_dim(hc, (int)p->nscan, "/summary/bin");
    es_res_attr_str(ed, "long_name",
                    "edges of 40 equal-width bins between the 0.5% and 99.5% "
                    "quantiles");
    es_res_attr_str(ed, "units", es_plan_var_unit(p, v));
    es_res_attr_str(hc, "long_name", "values in each bin [e_i, e_i+1) (the last bin closed)");
    es_res_attr_str(hc, "method",
                    "N(e_i+1) - N(e_i), N(x) = sketch values below x: whole buckets, plus the "
                    "share of x's bucket by linear interpolation, rounded; below + counts + above "
                    "= count");
    es_res_attr_str(hb, "long_name", "values below the first edge");
    es_res_attr_str(ha, "long_name", "values above the last edge");
    es_res_attr_str(sk, "long_name", "quantile sketch: keys of the non-empty buckets");
    es_res_attr_f64(sk, "relative_accuracy", ES_SKETCH_ALPHA);
    es_res_attr_f64(sk, "buckets_per_octave", ES_SKETCH_K);
    es_res_attr_str(sk, "key_rule",
                    "key 0: zero; key k > 0: x in [2^(e + j/70), 2^(e + (j+1)/70)) with i = k - 1, "
                    "e = floor(i/70) - 1074, j = i mod 70; key k < 0: -x in the bucket of -k");
    es_res_attr_str(sk, "estimate",
                    "a bucket's values are estimated by 2 L U / (L + U) clamped to the variable's "
                    "min and max; the rank-k value (0-based, ascending keys) is within 0.0049511 "
                    "relative of the exact one");
    es_res_attr_str(sc, "long_name", "quantile sketch: values in each bucket of sketch_key");
    es_res_attr_str(sl, "long_name",
                    "quantile sketch: scan cell of each bucket (row-major over the /scan "
                    "dimensions, 0 without a scan)");
    double *edges = ed->data;
    uint64_t *counts = hc->data, *below = hb->data, *above = ha->data;
    int64_t *keys = sk->data;
    uint64_t *bc = sc->data, *bcell = sl->data, j = 0;
    for (uint64_t c = 0; c < p->cells; c++) {
        const es_sketch *s = &st->sk[c * p->nvars + v];
        es_histogram(s, edges + c * (ES_NBINS + 1), counts + c * ES_NBINS, below + c, above + c);
        es_sketch_iter it = ES_SKETCH_ITER_INIT;
        es_sketch_bucket b;
        while (es_sketch_next(s, &it, &b)) {
            keys[j] = b.key;
            bc[j] = b.count;
            bcell[j++] = c;
        }
    }
    return r->oom ? -1 : 0;
}

static int es_sketchstat_emit(const void *s, const es_plan *p, es_results *r)
{
    const es_sketchstat *st = s;
    if (!es_results_find(r, "/summary/variable")) {
        const char **names = malloc(p->nvars * sizeof *names);
        if (!names) return -1;
        for (size_t v = 0; v < p->nvars; v++)
            names[v] = es_plan_var_name(p, v);
        es_res_array *cv = es_results_coord_str(r, "/summary/variable", p->nvars, names);
        free(names);
        if (!cv) return -1;
        es_res_attr_str(cv, "long_name", "uncertain inputs, then outputs");
    }
    if (!es_results_find(r, "/summary/bin")) {
        double idx[ES_NBINS + 1];
        for (int i = 0; i <= ES_NBINS; i++)
            idx[i] = i;
        es_res_array *cb = es_results_coord_f64(r, "/summary/bin", ES_NBINS, idx);
        if (!cb) return -1;
        es_res_attr_str(cb, "long_name", "histogram bin number (0 to 39), from low to high");
        es_res_array *ce = es_results_coord_f64(r, "/summary/edge", ES_NBINS + 1, idx);
        if (!ce) return -1;
        es_res_attr_str(ce, "long_name", "histogram edge number (0 to 40), from low to high");
    }
    uint64_t inner[2] = {p->nvars, ES_NQ};
    if (!es_results_coord_f64(r, "/summary/quantile_p", ES_NQ, es_quantile_p) ||
        !es_stats_array(r, p, "/summary/quantiles", ES_RES_F64, 2, inner) ||
        !es_stats_array(r, p, "/summary/quantiles_lo", ES_RES_F64, 2, inner) ||
        !es_stats_array(r, p, "/summary/quantiles_hi", ES_RES_F64, 2, inner))
        return -1;
    es_res_array *cp = es_find(r, "/summary/quantile_p"), *q = es_find(r, "/summary/quantiles");
    es_res_array *ql = es_find(r, "/summary/quantiles_lo"),
                 *qh = es_find(r, "/summary/quantiles_hi");
    es_res_attr_str(cp, "long_name", "probability of each quantile");
    es_res_array *arr[3] = {q, ql, qh};
    for (int a = 0; a < 3; a++) {
        es_res_dim(arr[a], (int)p->nscan, "/summary/variable");
        es_res_dim(arr[a], (int)p->nscan + 1, "/summary/quantile_p");
        es_res_attr_str(arr[a], "units", "see /summary/units");
    }
    es_res_attr_str(q, "long_name", "quantiles of every uncertain input and output");
    es_res_attr_str(q, "method",
                    "the rank-k order statistic x_(k), k = floor(p (n-1)) 0-based, from a "
                    "logarithmic quantile sketch: |q - x_(k)| <= 0.0049511 |x_(k)|");
    es_res_attr_f64(q, "relative_accuracy", ES_SKETCH_ALPHA);
    es_res_attr_str(ql, "long_name", "lower end of the 95% interval of each quantile");
    es_res_attr_str(qh, "long_name", "upper end of the 95% interval of each quantile");
    const char *ci = "distribution-free 95% interval [x_(l), x_(u)] of the population quantile "
                     "(1-based order statistics, binomial ranks: P(B < l) <= 0.025, P(B >= u) <= "
                     "0.025, B ~ Binomial(n, p)), read from the sketch; -inf/+inf: no bound at 95%";
    es_res_attr_str(ql, "method", ci);
    es_res_attr_str(qh, "method", ci);
    double *qv = q->data, *lv = ql->data, *hv = qh->data;
    /* the interval's ranks depend on n only: variables mostly share it */
    uint64_t cn = 0, cl[ES_NQ], cu[ES_NQ];
    for (uint64_t c = 0; c < p->cells; c++)
        for (size_t v = 0; v < p->nvars; v++) {
            const es_sketch *sk = &st->sk[c * p->nvars + v];
            uint64_t n = es_sketch_count(sk);
            size_t o = ((size_t)c * p->nvars + v) * ES_NQ;
            if (n && n != cn) {
                for (int k = 0; k < ES_NQ; k++)
                    es_quantile_ci_ranks(n, es_quantile_p[k], &cl[k], &cu[k]);
                cn = n;
            }
            for (int k = 0; k < ES_NQ; k++) {
                if (n == 0) continue; /* NaN */
                uint64_t l = cl[k], u = cu[k];
                qv[o + k] = es_sketch_quantile(sk, es_quantile_p[k]);
                lv[o + k] = l == 0 ? -INFINITY : es_sketch_rank_value(sk, l - 1);
                hv[o + k] = u > n ? INFINITY : es_sketch_rank_value(sk, u - 1);
            }
        }
    for (size_t v = 0; v < p->nvars; v++)
        if (es_sketch_emit_var(st, p, r, v)) return -1;
    return r->oom ? -1 : 0;
}

const es_stat_type es_stat_sketch = {
    .name = "sketch",
    .pass = 1,
    .wanted = NULL,
    .create = es_sketchstat_create,
    .destroy = es_sketchstat_destroy,
    .reset = es_sketchstat_reset,
    .add = es_sketchstat_add,
    .pack_size = es_sketchstat_pack_size,
    .pack = es_sketchstat_pack,
    .merge_packed = es_sketchstat_merge_packed,
    .emit = es_sketchstat_emit,
};
