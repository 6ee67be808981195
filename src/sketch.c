/* src/sketch.c: the logarithmic quantile sketch (sketch.h states its guarantee).
 *
 * Bucket of a finite x != 0: with |x| = m 2^e, m in [1, 2) (a subnormal is
 * first scaled by 2^64, exactly), the octave is b = e + 1074 and the
 * sub-bucket the j with B[j] <= m < B[j+1], found as j = T[top 7 bits of m]
 * and one step up when m >= B[j+1].  T[c] is the bucket of 1 + c/128; the
 * narrowest bucket (B[1] - B[0] = 0.00995) is wider than a table cell
 * (1/128 = 0.0078), so a cell holds at most one boundary and one comparison
 * settles it.  tests/test_sketch.c checks B and T against exp2 and the rule.
 *
 * Estimate of a bucket [L, U): 2 L U / (L + U), whose relative distance to
 * any point of [L, U] is at most (U - L)/(U + L) = (gamma - 1)/(gamma + 1). */
#include "sketch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define K ES_SKETCH_K

/* B[j] = 2^(j/70) rounded to nearest (computed with exact rational arithmetic) */
static const double es_sketch_B[K + 1] = {
    0x1.0000000000000p+0, 0x1.028c2af3c1ff5p+0, 0x1.051ed35254d7bp+0, 0x1.07b809a43b568p+0,
    0x1.0a57de9c16bc7p+0, 0x1.0cfe6317120a2p+0, 0x1.0faba81d4e5dfp+0, 0x1.125fbee250664p+0,
    0x1.151ab8c56eea2p+0, 0x1.17dca752426bep+0, 0x1.1aa59c4115e7dp+0, 0x1.1d75a97758b26p+0,
    0x1.204ce10811781p+0, 0x1.232b55345262fp+0, 0x1.2611186bae675p+0, 0x1.28fe3d4cafbb7p+0,
    0x1.2bf2d6a54f7dap+0, 0x1.2eeef7736e8a3p+0, 0x1.31f2b2e54f85dp+0, 0x1.34fe1c5a121edp+0,
    0x1.381147622f886p+0, 0x1.3b2c47bff8329p+0, 0x1.3e4f316812c30p+0, 0x1.417a1881fc50ep+0,
    0x1.44ad116889e7bp+0, 0x1.47e830aa6b53ep+0, 0x1.4b2b8b0aaf3c7p+0, 0x1.4e773581488d9p+0,
    0x1.51cb453b9536cp+0, 0x1.5527cf9ce6406p+0, 0x1.588cea3f093bep+0, 0x1.5bfaaaf2d311fp+0,
    0x1.5f7127c0ac32ap+0, 0x1.62f076e91e2a5p+0, 0x1.6678aee5629f8p+0, 0x1.6a09e667f3bcdp+0,
    0x1.6da4345d1e0adp+0, 0x1.7147afeb93bdcp+0, 0x1.74f47075017a0p+0, 0x1.78aa8d96a493ep+0,
    0x1.7c6a1f29e2ce6p+0, 0x1.80333d44e39bep+0, 0x1.8406003b2ae5cp+0, 0x1.87e2809e355e7p+0,
    0x1.8bc8d73e16610p+0, 0x1.8fb91d2a17639p+0, 0x1.93b36bb158fffp+0, 0x1.97b7dc637595cp+0,
    0x1.9bc68911258c0p+0, 0x1.9fdf8bcce533dp+0, 0x1.a402feeb9c533p+0, 0x1.a830fd0547591p+0,
    0x1.ac69a0f5a241cp+0, 0x1.b0ad05dcd52e0p+0, 0x1.b4fb472022b1ap+0, 0x1.b954806a97df0p+0,
    0x1.bdb8cdadbe120p+0, 0x1.c2284b224e80ap+0, 0x1.c6a31548e794dp+0, 0x1.cb2948eac4142p+0,
    0x1.cfbb031a741a5p+0, 0x1.d458613497eacp+0, 0x1.d90180e09c9e4p+0, 0x1.ddb680117ab12p+0,
    0x1.e2777d0676770p+0, 0x1.e744964be278bp+0, 0x1.ec1deabbe3c14p+0, 0x1.f103997f381f4p+0,
    0x1.f5f5c20dfe5f2p+0, 0x1.faf4843080836p+0, 0x1.0000000000000p+1};

/* T[c]: the largest j with B[j] <= 1 + c/128 */
static const unsigned char es_sketch_T[128] = {
    0,  0,  1,  2,  3,  3,  4,  5,  6,  6,  7,  8,  9,  9,  10, 11, 11, 12, 13, 13, 14, 15,
    16, 16, 17, 18, 18, 19, 19, 20, 21, 21, 22, 23, 23, 24, 25, 25, 26, 26, 27, 28, 28, 29,
    29, 30, 31, 31, 32, 32, 33, 33, 34, 34, 35, 36, 36, 37, 37, 38, 38, 39, 39, 40, 40, 41,
    41, 42, 43, 43, 44, 44, 45, 45, 46, 46, 47, 47, 48, 48, 49, 49, 49, 50, 50, 51, 51, 52,
    52, 53, 53, 54, 54, 55, 55, 56, 56, 56, 57, 57, 58, 58, 59, 59, 60, 60, 60, 61, 61, 62,
    62, 63, 63, 63, 64, 64, 65, 65, 65, 66, 66, 67, 67, 68, 68, 68, 69, 69};

/* ---- buckets ---- */

/* Octave b and sub-bucket j of the normal double whose bits are a (> 0):
 * j = T[top 7 bits of the mantissa], one up when m >= B[j+1], compared on
 * the bits (for positive doubles the order of the bits is the order of the
 * values, and B[K] = 2 lies above every m). */
static inline int es_sketch_find(uint64_t a, int32_t *b)
{
    const uint64_t frac = a & 0x000fffffffffffffull;
    int j = es_sketch_T[frac >> 45];
    uint64_t bb;
    memcpy(&bb, &es_sketch_B[j + 1], sizeof bb);
    j += (0x3ff0000000000000ull | frac) >= bb;
    *b = (int32_t)(a >> 52) - 1023 - ES_SKETCH_EMIN;
    return j;
}

/* Octave b and sub-bucket j of a finite x != 0; returns 1 when x < 0. */
static inline int es_sketch_locate(double x, int32_t *b, int *j)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t a = bits & 0x7fffffffffffffffull;
    int32_t shift = 0;
    if ((a >> 52) == 0) { /* subnormal: scale by 2^64, exactly */
        double y = fabs(x) * 0x1p64;
        memcpy(&a, &y, sizeof a);
        shift = 64;
    }
    *j = es_sketch_find(a, b);
    *b -= shift;
    return (int)(bits >> 63);
}

static int64_t es_sketch_key_of(int neg, int32_t b, int j)
{
    int64_t k = 1 + (int64_t)K * b + j;
    return neg ? -k : k;
}

int64_t es_sketch_key(double x)
{
    if (x == 0 || !isfinite(x)) return 0;
    int32_t b;
    int j;
    int neg = es_sketch_locate(x, &b, &j);
    return es_sketch_key_of(neg, b, j);
}

/* the bounds of |x| in a positive key's bucket: B[j] 2^e and B[j+1] 2^e, by a
 * product with 2^e where 2^e is a normal double (exact, the bits of ldexp,
 * and no libm call: the ranker of pass 2 takes bounds for every output of
 * every row), by ldexp below */
static void es_sketch_abs_bounds(int64_t k, double *L, double *U)
{
    int64_t i = k - 1;
    int e = (int)(i / K) + ES_SKETCH_EMIN, j = (int)(i % K);
    if (e >= -1022) {
        const uint64_t pb = (uint64_t)(e + 1023) << 52;
        double p2;
        memcpy(&p2, &pb, sizeof p2);
        *L = es_sketch_B[j] * p2;
        *U = es_sketch_B[j + 1] * p2;
    } else {
        *L = ldexp(es_sketch_B[j], e);
        *U = ldexp(es_sketch_B[j + 1], e);
    }
}

void es_sketch_key_bounds(int64_t key, double *lower, double *upper)
{
    if (key == 0) {
        *lower = *upper = 0;
        return;
    }
    double L, U;
    es_sketch_abs_bounds(key < 0 ? -key : key, &L, &U);
    if (key > 0) {
        *lower = L;
        *upper = U;
    } else {
        *lower = -U;
        *upper = -L;
    }
}

double es_sketch_key_value(int64_t key)
{
    if (key == 0) return 0;
    int64_t k = key < 0 ? -key : key, i = k - 1;
    int e = (int)(i / K) + ES_SKETCH_EMIN, j = (int)(i % K);
    const double l = es_sketch_B[j], u = es_sketch_B[j + 1];
    /* the harmonic midpoint in [1, 2], then scaled: no overflow at the top octave */
    double v = ldexp(2 * l * u / (l + u), e);
    return key < 0 ? -v : v;
}

/* ---- state ---- */

static void es_side_init(es_sketch_side *sd)
{
    sd->lo = 0;
    sd->n = 0;
    sd->page = NULL;
}

static void es_side_free(es_sketch_side *sd)
{
    for (int32_t i = 0; i < sd->n; i++)
        free(sd->page[i]);
    free(sd->page);
    es_side_init(sd);
}

void es_sketch_init(es_sketch *s)
{
    es_side_init(&s->pos);
    es_side_init(&s->neg);
    s->zero = 0;
    s->n = 0;
    s->min = INFINITY;
    s->max = -INFINITY;
}

void es_sketch_free(es_sketch *s)
{
    es_side_free(&s->pos);
    es_side_free(&s->neg);
    es_sketch_init(s);
}

void es_sketch_reset(es_sketch *s)
{
    es_sketch_side *sides[2] = {&s->neg, &s->pos};
    for (int k = 0; k < 2; k++)
        for (int32_t i = 0; i < sides[k]->n; i++)
            if (sides[k]->page[i]) memset(sides[k]->page[i], 0, K * sizeof(uint64_t));
    s->zero = 0;
    s->n = 0;
    s->min = INFINITY;
    s->max = -INFINITY;
}

/* The page of octave b, allocated (and the directory grown) when missing. */
static uint64_t *es_side_page_slow(es_sketch_side *sd, int32_t b)
{
    if (b < sd->lo || b >= sd->lo + sd->n) {
        /* grow the directory to cover b, with a little room on that side */
        int32_t lo = sd->n ? sd->lo : b, hi = sd->n ? sd->lo + sd->n : b + 1;
        if (b < lo) lo = b - 2 < 0 ? 0 : b - 2;
        if (b >= hi) hi = b + 3 > ES_SKETCH_OCTAVES ? ES_SKETCH_OCTAVES : b + 3;
        uint64_t **np = calloc((size_t)(hi - lo), sizeof *np);
        if (!np) return NULL;
        for (int32_t i = 0; i < sd->n; i++)
            np[sd->lo - lo + i] = sd->page[i];
        free(sd->page);
        sd->page = np;
        sd->lo = lo;
        sd->n = hi - lo;
    }
    uint64_t **pp = &sd->page[b - sd->lo];
    if (!*pp) *pp = calloc(K, sizeof(uint64_t));
    return *pp;
}

/* the common case inline: the octave's page exists */
static inline uint64_t *es_side_page(es_sketch_side *sd, int32_t b)
{
    uint32_t i = (uint32_t)(b - sd->lo);
    if (i < (uint32_t)sd->n && sd->page[i]) return sd->page[i];
    return es_side_page_slow(sd, b);
}

int es_sketch_add_n(es_sketch *s, const double *x, size_t n)
{
    double lo = s->min, hi = s->max;
    uint64_t added = 0, zero = 0;
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        double v = x[k];
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        const uint64_t a = bits & 0x7fffffffffffffffull;
        int32_t b;
        int j;
        if (a - 0x0010000000000000ull < 0x7fe0000000000000ull) { /* normal */
            j = es_sketch_find(a, &b);
        } else if (a >= 0x7ff0000000000000ull) { /* infinite or NaN: skipped */
            continue;
        } else if (a == 0) {
            v = 0.0; /* -0 counts as +0: min and max must not depend on the order */
            zero++;
            goto range;
        } else { /* subnormal */
            es_sketch_locate(v, &b, &j);
        }
        uint64_t *pg = es_side_page(bits >> 63 ? &s->neg : &s->pos, b);
        if (!pg) {
            rc = -1;
            continue;
        }
        pg[j]++;
    range:
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        added++;
    }
    s->min = lo;
    s->max = hi;
    s->zero += zero;
    s->n += added;
    return rc;
}

static int es_side_merge(es_sketch_side *a, const es_sketch_side *t, int apply)
{
    for (int32_t i = 0; i < t->n; i++) {
        const uint64_t *tp = t->page[i];
        if (!tp) continue;
        int any = 0;
        for (int j = 0; j < K; j++)
            any |= tp[j] != 0;
        if (!any) continue;
        uint64_t *pg = es_side_page(a, t->lo + i);
        if (!pg) return -1;
        if (apply)
            for (int j = 0; j < K; j++)
                pg[j] += tp[j];
    }
    return 0;
}

int es_sketch_merge(es_sketch *s, const es_sketch *t)
{
    /* every page first, so that running out of memory changes no count */
    if (es_side_merge(&s->neg, &t->neg, 0) || es_side_merge(&s->pos, &t->pos, 0)) return -1;
    es_side_merge(&s->neg, &t->neg, 1);
    es_side_merge(&s->pos, &t->pos, 1);
    s->zero += t->zero;
    s->n += t->n;
    if (t->min < s->min) s->min = t->min;
    if (t->max > s->max) s->max = t->max;
    return 0;
}

uint64_t es_sketch_count(const es_sketch *s)
{
    return s->n;
}

/* ---- iteration ---- */

int es_sketch_next(const es_sketch *s, es_sketch_iter *it, es_sketch_bucket *bk)
{
    for (;;) {
        if (it->stage == 0) { /* negative side: far octaves first, high j first */
            const es_sketch_side *sd = &s->neg;
            if (it->i < 0) {
                it->i = sd->n - 1;
                it->j = K;
            }
            while (it->i >= 0) {
                const uint64_t *pg = sd->page[it->i];
                if (pg)
                    while (--it->j >= 0)
                        if (pg[it->j]) {
                            bk->key = es_sketch_key_of(1, sd->lo + it->i, it->j);
                            bk->count = pg[it->j];
                            es_sketch_key_bounds(bk->key, &bk->lower, &bk->upper);
                            return 1;
                        }
                it->i--;
                it->j = K;
            }
            it->stage = 1;
        }
        if (it->stage == 1) {
            it->stage = 2;
            it->i = -1;
            if (s->zero) {
                bk->key = 0;
                bk->count = s->zero;
                bk->lower = bk->upper = 0;
                return 1;
            }
        }
        if (it->stage == 2) {
            const es_sketch_side *sd = &s->pos;
            if (it->i < 0) {
                it->i = 0;
                it->j = -1;
            }
            while (it->i < sd->n) {
                const uint64_t *pg = sd->page[it->i];
                if (pg)
                    while (++it->j < K)
                        if (pg[it->j]) {
                            bk->key = es_sketch_key_of(0, sd->lo + it->i, it->j);
                            bk->count = pg[it->j];
                            es_sketch_key_bounds(bk->key, &bk->lower, &bk->upper);
                            return 1;
                        }
                it->i++;
                it->j = -1;
            }
            it->stage = 3;
        }
        return 0;
    }
}

size_t es_sketch_nbuckets(const es_sketch *s)
{
    size_t m = 0;
    es_sketch_iter it = ES_SKETCH_ITER_INIT;
    es_sketch_bucket b;
    while (es_sketch_next(s, &it, &b))
        m++;
    return m;
}

/* ---- quantiles ---- */

uint64_t es_sketch_rank_of(double p, uint64_t n)
{
    if (n == 0) return 0;
    if (!(p > 0)) return 0;
    if (p >= 1) return n - 1;
    double k = floor(p * (double)(n - 1));
    return k >= (double)(n - 1) ? n - 1 : (uint64_t)k;
}

double es_sketch_rank_value(const es_sketch *s, uint64_t k)
{
    if (k >= s->n) return NAN;
    if (k == 0) return s->min;
    if (k == s->n - 1) return s->max;
    es_sketch_iter it = ES_SKETCH_ITER_INIT;
    es_sketch_bucket b;
    uint64_t cum = 0;
    while (es_sketch_next(s, &it, &b)) {
        cum += b.count;
        if (k < cum) {
            double q = es_sketch_key_value(b.key);
            return q < s->min ? s->min : q > s->max ? s->max : q;
        }
    }
    return NAN; /* not reached: the counts add up to n */
}

double es_sketch_quantile(const es_sketch *s, double p)
{
    return es_sketch_rank_value(s, es_sketch_rank_of(p, s->n));
}

/* ---- ranks ---- */

/* Values of a side in octaves nearer zero than b, or in octave b below j;
 * *c: the count of bucket (b, j); *total: the side's values. */
static void es_side_nearer(const es_sketch_side *sd, int32_t b, int j, uint64_t *nearer,
                           uint64_t *c, uint64_t *total)
{
    uint64_t near = 0, all = 0;
    *c = 0;
    for (int32_t i = 0; i < sd->n; i++) {
        const uint64_t *pg = sd->page[i];
        if (!pg) continue;
        int32_t oct = sd->lo + i;
        for (int jj = 0; jj < K; jj++) {
            all += pg[jj];
            if (oct < b || (oct == b && jj < j)) near += pg[jj];
            if (oct == b && jj == j) *c = pg[jj];
        }
    }
    *nearer = near;
    *total = all;
}

/* The position t in [0, 1] of x in the bucket `key` clamped to [min, max],
 * or -1 when that range is a single point (zero, or all its values equal). */
static double es_sketch_pos(const es_sketch *s, int64_t key, double x, double *point)
{
    double lo, hi;
    es_sketch_key_bounds(key, &lo, &hi);
    if (s->min > lo) lo = s->min;
    if (s->max < hi) hi = s->max;
    *point = lo;
    if (!(hi > lo)) return -1;
    double t = (x - lo) / (hi - lo);
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

/* C: values in buckets below x's; c: values in x's bucket */
static double es_sketch_cdf_of(const es_sketch *s, int64_t key, double x, uint64_t C, uint64_t c)
{
    if (s->n == 0) return NAN;
    if (x < s->min) return 0;
    if (x > s->max) return 1;
    if (c == 0) return (double)C / (double)s->n;
    double point, t = es_sketch_pos(s, key, x, &point);
    if (t < 0) t = 0.5;
    return ((double)C + 0.5 + t * (double)(c - 1)) / (double)s->n;
}

static uint64_t es_sketch_below_of(const es_sketch *s, int64_t key, double x, int inclusive,
                                   uint64_t C, uint64_t c)
{
    if (s->n == 0 || x < s->min) return 0;
    if (x > s->max) return s->n;
    if (c == 0) return C;
    double point, t = es_sketch_pos(s, key, x, &point);
    if (t < 0) return C + ((inclusive ? x >= point : x > point) ? c : 0);
    return C + (uint64_t)floor(t * (double)c + 0.5);
}

/* C and c of x's bucket by walking the pages */
static int64_t es_sketch_cum(const es_sketch *s, double x, uint64_t *C, uint64_t *c)
{
    uint64_t near, total, negc, cc;
    if (x == 0) {
        es_side_nearer(&s->neg, 0, 0, &near, &cc, &negc);
        *C = negc;
        *c = s->zero;
        return 0;
    }
    int32_t b;
    int j;
    int neg = es_sketch_locate(x, &b, &j);
    if (neg) {
        es_side_nearer(&s->neg, b, j, &near, c, &total);
        *C = total - near - *c;
    } else {
        es_side_nearer(&s->neg, 0, 0, &near, &cc, &negc);
        es_side_nearer(&s->pos, b, j, &near, c, &total);
        *C = negc + s->zero + near;
    }
    return es_sketch_key_of(neg, b, j);
}

double es_sketch_cdf(const es_sketch *s, double x)
{
    if (s->n == 0 || isnan(x)) return NAN;
    if (x < s->min) return 0;
    if (x > s->max) return 1;
    uint64_t C, c;
    int64_t key = es_sketch_cum(s, x, &C, &c);
    return es_sketch_cdf_of(s, key, x, C, c);
}

uint64_t es_sketch_count_below(const es_sketch *s, double x, int inclusive)
{
    if (s->n == 0 || isnan(x) || x < s->min) return 0;
    if (x > s->max) return s->n;
    uint64_t C, c;
    int64_t key = es_sketch_cum(s, x, &C, &c);
    return es_sketch_below_of(s, key, x, inclusive, C, c);
}

int es_sketch_ranker_init(es_sketch_ranker *r, const es_sketch *s)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    const es_sketch_side *sides[2] = {&s->neg, &s->pos};
    for (int k = 0; k < 2; k++) {
        const es_sketch_side *sd = sides[k];
        r->before[k] = calloc((size_t)sd->n + 1, sizeof(uint64_t));
        r->pre[k] = calloc((size_t)sd->n + 1, sizeof(uint64_t *));
        if (!r->before[k] || !r->pre[k]) {
            es_sketch_ranker_free(r);
            return -1;
        }
        r->nside[k] = sd->n;
        uint64_t run = 0;
        for (int32_t i = 0; i < sd->n; i++) {
            r->before[k][i] = run;
            const uint64_t *pg = sd->page[i];
            if (!pg) continue;
            uint64_t *pre = malloc(K * sizeof *pre);
            if (!pre) {
                es_sketch_ranker_free(r);
                return -1;
            }
            r->pre[k][i] = pre;
            for (int j = 0; j < K; j++) {
                pre[j] = run;
                run += pg[j];
            }
        }
        r->before[k][sd->n] = run;
        if (k == 0)
            r->negc = run;
        else
            r->posc = run;
    }
    return 0;
}

void es_sketch_ranker_free(es_sketch_ranker *r)
{
    for (int k = 0; k < 2; k++) {
        if (r->pre[k])
            for (int32_t i = 0; i < r->nside[k]; i++)
                free(r->pre[k][i]);
        free(r->pre[k]);
        free(r->before[k]);
    }
    memset(r, 0, sizeof *r);
}

double es_sketch_ranker_cdf(const es_sketch_ranker *r, double x)
{
    const es_sketch *s = r->s;
    if (s->n == 0 || isnan(x)) return NAN;
    if (x < s->min) return 0;
    if (x > s->max) return 1;
    if (x == 0) return es_sketch_cdf_of(s, 0, x, r->negc, s->zero);
    int32_t b;
    int j;
    int neg = es_sketch_locate(x, &b, &j);
    const es_sketch_side *sd = neg ? &s->neg : &s->pos;
    int32_t i = b - sd->lo;
    uint64_t near, c = 0;
    if (i < 0)
        near = 0;
    else if (i >= sd->n)
        near = r->before[neg ? 0 : 1][sd->n];
    else if (sd->page[i]) {
        near = r->pre[neg ? 0 : 1][i][j];
        c = sd->page[i][j];
    } else
        near = r->before[neg ? 0 : 1][i];
    uint64_t C = neg ? r->negc - near - c : r->negc + s->zero + near;
    return es_sketch_cdf_of(s, es_sketch_key_of(neg, b, j), x, C, c);
}

/* ---- canonical bytes ---- */

static const unsigned char es_sketch_magic[4] = {'E', 'S', 'D', 'D'};

static void es_put64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t es_get64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static size_t es_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t es_varint_put(unsigned char *b, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        b[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (unsigned char)v;
    return n;
}

/* Returns the bytes read, 0 when malformed (too long, truncated, or not minimal). */
static size_t es_varint_get(const unsigned char *b, size_t len, uint64_t *v)
{
    uint64_t r = 0;
    for (size_t i = 0; i < len && i < 10; i++) {
        uint64_t d = b[i] & 0x7f;
        if (i == 9 && d > 1) return 0;
        r |= d << (7 * i);
        if (!(b[i] & 0x80)) {
            if (i > 0 && d == 0) return 0; /* a non-minimal encoding */
            *v = r;
            return i + 1;
        }
    }
    return 0;
}

static uint64_t es_zigzag(int64_t k)
{
    return ((uint64_t)k << 1) ^ (uint64_t)(k >> 63);
}

static int64_t es_unzigzag(uint64_t z)
{
    return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

/* FNV-1a, 64 bits */
static uint64_t es_fnv(const unsigned char *b, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
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

size_t es_sketch_pack_size(const es_sketch *s)
{
    size_t n = ES_SKETCH_PACKMIN;
    es_sketch_iter it = ES_SKETCH_ITER_INIT;
    es_sketch_bucket b;
    int64_t prev = 0;
    int first = 1;
    while (es_sketch_next(s, &it, &b)) {
        if (b.key == 0) continue;
        n += es_varint_size(first ? es_zigzag(b.key) : (uint64_t)(b.key - prev));
        n += es_varint_size(b.count);
        prev = b.key;
        first = 0;
    }
    return n;
}

size_t es_sketch_pack(const es_sketch *s, unsigned char *buf)
{
    memcpy(buf, es_sketch_magic, 4);
    buf[4] = K;
    buf[5] = buf[6] = buf[7] = 0;
    es_put64(buf + 8, s->n);
    es_put64(buf + 16, s->zero);
    es_put64(buf + 24, es_f64_bits(s->min));
    es_put64(buf + 32, es_f64_bits(s->max));
    size_t m = 0, o = 48;
    es_sketch_iter it = ES_SKETCH_ITER_INIT;
    es_sketch_bucket b;
    int64_t prev = 0;
    while (es_sketch_next(s, &it, &b)) {
        if (b.key == 0) continue;
        o += es_varint_put(buf + o, m == 0 ? es_zigzag(b.key) : (uint64_t)(b.key - prev));
        o += es_varint_put(buf + o, b.count);
        prev = b.key;
        m++;
    }
    es_put64(buf + 40, m);
    es_put64(buf + o, es_fnv(buf, o));
    return o + 8;
}

/* Walk the buckets of a packed sketch: check them (s NULL), make their
 * pages (add 0), or add their counts (add 1).  Returns the bytes read, 0
 * when malformed or out of memory. */
static size_t es_sketch_walk(es_sketch *s, int add, const unsigned char *buf, size_t len,
                             uint64_t m, int64_t *first, int64_t *last, uint64_t *sum)
{
    size_t o = 48;
    int64_t prev = 0;
    uint64_t total = 0;
    for (uint64_t i = 0; i < m; i++) {
        uint64_t kv, c;
        size_t r = es_varint_get(buf + o, len - o, &kv);
        if (!r) return 0;
        o += r;
        r = es_varint_get(buf + o, len - o, &c);
        if (!r || c == 0) return 0;
        o += r;
        if (kv > 2 * (uint64_t)ES_SKETCH_KEYMAX || (i > 0 && kv == 0)) return 0;
        int64_t key = i == 0 ? es_unzigzag(kv) : prev + (int64_t)kv;
        if (key == 0 || key > ES_SKETCH_KEYMAX || key < -ES_SKETCH_KEYMAX) return 0;
        if (i == 0) *first = key;
        if (total + c < total) return 0;
        total += c;
        prev = key;
        if (s) {
            int64_t a = key < 0 ? -key : key;
            uint64_t *pg = es_side_page(key < 0 ? &s->neg : &s->pos, (int32_t)((a - 1) / K));
            if (!pg) return 0;
            if (add) pg[(a - 1) % K] += c;
        }
    }
    *last = prev;
    *sum = total;
    return o;
}

size_t es_sketch_merge_packed(es_sketch *s, const unsigned char *buf, size_t len)
{
    if (len < ES_SKETCH_PACKMIN || memcmp(buf, es_sketch_magic, 4) != 0 || buf[4] != K || buf[5] ||
        buf[6] || buf[7])
        return 0;
    uint64_t n = es_get64(buf + 8), zero = es_get64(buf + 16), m = es_get64(buf + 40);
    double lo = es_bits_f64(es_get64(buf + 24)), hi = es_bits_f64(es_get64(buf + 32));
    if (m > 2 * (uint64_t)ES_SKETCH_KEYMAX || m > (len - ES_SKETCH_PACKMIN) / 2) return 0;
    int64_t first = 0, last = 0;
    uint64_t sum = 0;
    /* the hash follows the buckets: 8 bytes are kept back for it */
    size_t o = es_sketch_walk(NULL, 0, buf, len - 8, m, &first, &last, &sum);
    if (!o || es_get64(buf + o) != es_fnv(buf, o)) return 0;
    if (sum + zero < sum || sum + zero != n) return 0;
    if (n == 0) {
        if (es_f64_bits(lo) != es_f64_bits(INFINITY) || es_f64_bits(hi) != es_f64_bits(-INFINITY))
            return 0;
    } else {
        /* min and max are finite, not -0, ordered, and in the extreme buckets */
        if (!isfinite(lo) || !isfinite(hi) || lo > hi || es_f64_bits(lo) == es_f64_bits(-0.0) ||
            es_f64_bits(hi) == es_f64_bits(-0.0))
            return 0;
        int64_t kmin = m ? first : 0, kmax = m ? last : 0;
        if (zero && kmin > 0) kmin = 0;
        if (zero && kmax < 0) kmax = 0;
        if (es_sketch_key(lo) != kmin || es_sketch_key(hi) != kmax) return 0;
    }
    /* pages first: running out of memory leaves every count unchanged */
    if (!es_sketch_walk(s, 0, buf, len - 8, m, &first, &last, &sum)) return 0;
    es_sketch_walk(s, 1, buf, len - 8, m, &first, &last, &sum);
    s->n += n;
    s->zero += zero;
    if (n) {
        if (lo < s->min) s->min = lo;
        if (hi > s->max) s->max = hi;
    }
    return o + 8;
}

size_t es_sketch_unpack(es_sketch *s, const unsigned char *buf, size_t len)
{
    es_sketch t;
    es_sketch_init(&t);
    size_t r = es_sketch_merge_packed(&t, buf, len);
    if (!r) {
        es_sketch_free(&t);
        return 0;
    }
    es_sketch_free(s);
    *s = t;
    return r;
}
