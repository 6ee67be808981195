/* tests/test_sketch.c: the quantile sketch: its bucket table, its relative
 * accuracy on 1e6 draws of known distributions against the exact sample
 * quantiles, order-free merging to identical bytes, exact constants and
 * extremes, canonical bytes and the refusal of damaged ones, the CDF, and
 * the distribution-free quantile interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first */
#include <cmocka.h>

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sketch.h"

#define N 1000000

/* the key of 1.0: octave 1074, bucket 0 */
#define KEY_ONE (1 + (int64_t)ES_SKETCH_K * 1074)

/* The bucket table: lower bounds are 2^(j/70) to an ulp, each bound falls
 * in its own bucket and the double just below it in the previous one, at
 * every octave, for both signs and for subnormals. */
static void test_table(void **state)
{
    (void)state;
    for (int j = 0; j <= ES_SKETCH_K; j++) {
        double lo, hi;
        es_sketch_key_bounds(KEY_ONE + j, &lo, &hi);
        double want = exp2(j / (double)ES_SKETCH_K);
        assert_true(fabs(lo - want) <= 0x1p-52 * want);
        if (j == ES_SKETCH_K) break;
        /* the ratio of a bucket's ends: gamma to an ulp */
        assert_true(fabs(hi / lo - exp2(1.0 / ES_SKETCH_K)) < 4e-16);
        for (int e = -1074; e <= 1023; e += (e < -1000 || e > 1000) ? 1 : 37) {
            double L = ldexp(lo, e);
            if (e < -1022 && ldexp(L, -e) != lo) continue; /* not representable there */
            int64_t k = KEY_ONE + j + (int64_t)ES_SKETCH_K * e;
            assert_int_equal(es_sketch_key(L), k);
            assert_int_equal(es_sketch_key(-L), -k);
            /* the double below is in the bucket below (subnormal octaves: not every
             * bucket holds a double) */
            if (e >= -1022) assert_int_equal(es_sketch_key(nextafter(L, 0)), k - 1);
        }
    }
    /* a sweep of mantissas against floor(70 log2 m), away from the bounds */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (int i = 0; i < 200000; i++) {
        double m = 1 + gsl_rng_uniform(r);
        long double f = 70.0L * log2l((long double)m);
        if (fabsl(f - roundl(f)) < 1e-12L) continue;
        int e = (int)gsl_rng_uniform_int(r, 2098) - 1074;
        double x = ldexp(m, e);
        if (e < -1022) continue;
        assert_int_equal(es_sketch_key(x), KEY_ONE + (int64_t)floorl(f) + 70 * (int64_t)e);
    }
    gsl_rng_free(r);
    assert_int_equal(es_sketch_key(0.0), 0);
    assert_int_equal(es_sketch_key(-0.0), 0);
    assert_int_equal(es_sketch_key(DBL_TRUE_MIN), 1);
    assert_int_equal(es_sketch_key(DBL_MAX), ES_SKETCH_KEYMAX);
    assert_int_equal(es_sketch_key(-DBL_MAX), -ES_SKETCH_KEYMAX);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* es_sketch_add_n sorts values by their bits (normal, subnormal, zero,
 * non-finite) before finding a bucket: every bucket it fills holds exactly
 * the values es_sketch_key puts there (test_table checks those keys), for
 * every bucket bound of many octaves and the double just below it, both
 * signs, the ends of the normal range, subnormals, zeros, random values, and
 * non-finite values (skipped); and min, max and the count are those of the
 * finite values. */
static void test_add_keys(void **state)
{
    (void)state;
    const size_t cap = 400000;
    double *x = malloc(cap * sizeof *x);
    int64_t *key = malloc(cap * sizeof *key);
    assert_non_null(x);
    assert_non_null(key);
    size_t n = 0;
    for (int j = 0; j < ES_SKETCH_K; j++) {
        double lo, hi;
        es_sketch_key_bounds(KEY_ONE + j, &lo, &hi);
        for (int e = -1074; e <= 1023; e += (e < -1010 || e > 1010) ? 1 : 13) {
            double L = ldexp(lo, e);
            if (L == 0 || !isfinite(L)) continue;
            const double v[4] = {L, -L, nextafter(L, 0), -nextafter(L, 0)};
            for (int i = 0; i < 4; i++)
                x[n++] = v[i];
        }
    }
    const double ends[] = {DBL_MIN,
                           nextafter(DBL_MIN, 0),
                           DBL_TRUE_MIN,
                           DBL_MAX,
                           -DBL_MIN,
                           -nextafter(DBL_MIN, 0),
                           -DBL_TRUE_MIN,
                           -DBL_MAX,
                           0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           nextafter(2.0, 0),
                           nextafter(1.0, 2)};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        x[n++] = ends[i];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 29);
    while (n < cap - 3) {
        uint64_t bits = ((uint64_t)gsl_rng_get(r) << 32) ^ gsl_rng_get(r);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v)) x[n++] = v;
    }
    gsl_rng_free(r);
    const size_t finite = n;
    x[n++] = NAN;
    x[n++] = INFINITY;
    x[n++] = -INFINITY;
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < finite; i++) {
        key[i] = es_sketch_key(x[i]);
        double w = x[i] == 0 ? 0.0 : x[i];
        mn = w < mn ? w : mn;
        mx = w > mx ? w : mx;
    }
    qsort(key, finite, sizeof *key, cmp_i64);
    es_sketch s;
    es_sketch_init(&s);
    assert_int_equal(es_sketch_add_n(&s, x, n), 0);
    assert_true(es_sketch_count(&s) == finite);
    assert_memory_equal(&s.min, &mn, sizeof mn);
    assert_memory_equal(&s.max, &mx, sizeof mx);
    es_sketch_iter it = ES_SKETCH_ITER_INIT;
    es_sketch_bucket b;
    size_t at = 0;
    while (es_sketch_next(&s, &it, &b)) {
        size_t c = 0;
        while (at + c < finite && key[at + c] == b.key)
            c++;
        if (c == 0 || c != b.count)
            fail_msg("bucket %lld holds %llu values, es_sketch_key gives %zu", (long long)b.key,
                     (unsigned long long)b.count, c);
        at += c;
    }
    assert_true(at == finite);
    es_sketch_free(&s);
    free(key);
    free(x);
}

/* Every quantile p = 0.01 .. 0.99 of the sketch within alpha |x_(k)| of the
 * exact order statistic x_(k), k = floor(p (n-1)); and the ranker agrees with
 * the CDF, which is within one bucket's mass of the exact mid-rank. */
static void check_accuracy(double *x, size_t n)
{
    es_sketch s;
    es_sketch_init(&s);
    assert_int_equal(es_sketch_add_n(&s, x, n), 0);
    gsl_sort(x, 1, n);
    assert_true(es_sketch_count(&s) == n);
    double worst = 0;
    for (int i = 1; i <= 99; i++) {
        double p = i / 100.0;
        uint64_t k = es_sketch_rank_of(p, n);
        assert_true(k == (uint64_t)floor(p * (double)(n - 1)));
        double q = es_sketch_quantile(&s, p), xk = x[k];
        assert_true(fabs(q - xk) <= ES_SKETCH_ALPHA * fabs(xk));
        if (xk != 0 && fabs(q - xk) / fabs(xk) > worst) worst = fabs(q - xk) / fabs(xk);
    }
    /* the guarantee is nearly reached (the bound is not loose) */
    assert_true(worst > 0.5 * ES_SKETCH_ALPHA);
    assert_true(es_sketch_rank_value(&s, 0) == x[0]);
    assert_true(es_sketch_rank_value(&s, n - 1) == x[n - 1]);
    es_sketch_ranker rk;
    assert_int_equal(es_sketch_ranker_init(&rk, &s), 0);
    for (size_t k = 0; k < n; k += 997) {
        double c = es_sketch_cdf(&s, x[k]);
        assert_true(c == es_sketch_ranker_cdf(&rk, x[k]));
        assert_true(c > 0 && c < 1);
        /* within the mass of x's bucket of the exact mid-rank of x */
        size_t lo = k, hi = k;
        while (lo > 0 && x[lo - 1] == x[k])
            lo--;
        while (hi + 1 < n && x[hi + 1] == x[k])
            hi++;
        double mid = ((double)lo + (double)hi + 1) / 2 / (double)n;
        int64_t key = es_sketch_key(x[k]);
        double bl, bu;
        es_sketch_key_bounds(key, &bl, &bu);
        size_t a = lo, b = hi;
        while (a > 0 && es_sketch_key(x[a - 1]) == key)
            a--;
        while (b + 1 < n && es_sketch_key(x[b + 1]) == key)
            b++;
        assert_true(fabs(c - mid) <= (double)(b - a + 1) / (double)n);
    }
    es_sketch_ranker_free(&rk);
    es_sketch_free(&s);
}

static void test_normal(void **state)
{
    (void)state;
    double *x = malloc(N * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    for (size_t i = 0; i < N; i++)
        x[i] = 100 + 15 * gsl_ran_gaussian(r, 1);
    check_accuracy(x, N);
    /* a standard normal crosses zero: both signs, tiny values near the median */
    for (size_t i = 0; i < N; i++)
        x[i] = gsl_ran_gaussian(r, 1);
    check_accuracy(x, N);
    gsl_rng_free(r);
    free(x);
}

static void test_lognormal(void **state)
{
    (void)state;
    double *x = malloc(N * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2);
    for (size_t i = 0; i < N; i++)
        x[i] = gsl_ran_lognormal(r, log(5.5e11), 2.0);
    check_accuracy(x, N);
    gsl_rng_free(r);
    free(x);
}

/* 30% normal(-5, 2), 20% exact zeros (some -0), 50% lognormal */
static void fill_mixture(double *x, size_t n, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        if (u < 0.3)
            x[i] = -5 + 2 * gsl_ran_gaussian(r, 1);
        else if (u < 0.5)
            x[i] = u < 0.4 ? 0.0 : -0.0;
        else
            x[i] = gsl_ran_lognormal(r, 0, 1.5);
    }
    gsl_rng_free(r);
}

static void test_mixture(void **state)
{
    (void)state;
    double *x = malloc(N * sizeof *x);
    fill_mixture(x, N, 3);
    check_accuracy(x, N);
    free(x);
}

static unsigned char *pack(const es_sketch *s, size_t *n)
{
    *n = es_sketch_pack_size(s);
    unsigned char *b = malloc(*n);
    assert_int_equal(es_sketch_pack(s, b), *n);
    return b;
}

static void assert_same_bytes(const es_sketch *a, const es_sketch *b)
{
    size_t na, nb;
    unsigned char *pa = pack(a, &na), *pb = pack(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(pa, pb, na);
    free(pa);
    free(pb);
}

/* Chunks of uneven sizes merged forward, backward, as a tree, and through
 * packed bytes: always the bytes of one sketch of all the values. */
static void test_merge_order_free(void **state)
{
    (void)state;
    enum { n = 200000, parts = 37 };
    double *x = malloc(n * sizeof *x);
    fill_mixture(x, n, 4);
    size_t cut[parts + 1];
    for (int i = 0; i <= parts; i++)
        cut[i] = (size_t)((double)n * (i * (double)i) / (parts * (double)parts));
    es_sketch one, part[parts], fwd, bwd, tree[parts], bytes;
    es_sketch_init(&one);
    es_sketch_add_n(&one, x, n);
    for (int i = 0; i < parts; i++) {
        es_sketch_init(&part[i]);
        assert_int_equal(es_sketch_add_n(&part[i], x + cut[i], cut[i + 1] - cut[i]), 0);
    }
    es_sketch_init(&fwd);
    es_sketch_init(&bwd);
    es_sketch_init(&bytes);
    for (int i = 0; i < parts; i++) {
        assert_int_equal(es_sketch_merge(&fwd, &part[i]), 0);
        assert_int_equal(es_sketch_merge(&bwd, &part[parts - 1 - i]), 0);
        size_t len;
        unsigned char *b = pack(&part[(i * 11) % parts], &len);
        assert_int_equal(es_sketch_merge_packed(&bytes, b, len), len);
        free(b);
    }
    /* a binary tree of merges */
    for (int i = 0; i < parts; i++) {
        es_sketch_init(&tree[i]);
        es_sketch_merge(&tree[i], &part[i]);
    }
    for (int w = 1; w < parts; w *= 2)
        for (int i = 0; i + w < parts; i += 2 * w)
            es_sketch_merge(&tree[i], &tree[i + w]);
    assert_same_bytes(&one, &fwd);
    assert_same_bytes(&one, &bwd);
    assert_same_bytes(&one, &tree[0]);
    assert_same_bytes(&one, &bytes);
    /* a reset sketch keeps its pages but packs as an empty one */
    es_sketch empty;
    es_sketch_init(&empty);
    es_sketch_reset(&fwd);
    assert_same_bytes(&fwd, &empty);
    es_sketch_free(&one);
    es_sketch_free(&fwd);
    es_sketch_free(&bwd);
    es_sketch_free(&bytes);
    for (int i = 0; i < parts; i++) {
        es_sketch_free(&part[i]);
        es_sketch_free(&tree[i]);
    }
    free(x);
}

/* A constant column gives its value exactly at every probability. */
static void test_constant(void **state)
{
    (void)state;
    const double c[] = {78.82420116105777, -3.3e-7, 0.0, 1e300};
    double x[1000];
    for (size_t t = 0; t < sizeof c / sizeof c[0]; t++) {
        for (int i = 0; i < 1000; i++)
            x[i] = c[t];
        es_sketch s;
        es_sketch_init(&s);
        es_sketch_add_n(&s, x, 1000);
        for (int i = 0; i <= 100; i++)
            assert_true(es_sketch_quantile(&s, i / 100.0) == c[t]);
        /* ties: the mid-rank exactly */
        assert_true(es_sketch_cdf(&s, c[t]) == 0.5);
        assert_true(es_sketch_count_below(&s, c[t], 0) == 0);
        assert_true(es_sketch_count_below(&s, c[t], 1) == 1000);
        es_sketch_free(&s);
    }
}

/* Subnormals, the largest doubles and zeros land in buckets that hold
 * them; NaN and infinities are not added. */
static void test_extremes(void **state)
{
    (void)state;
    const double x[] = {
        DBL_TRUE_MIN, 3 * DBL_TRUE_MIN, DBL_MIN / 3, DBL_MIN, -DBL_MIN / 7, -DBL_TRUE_MIN,
        DBL_MAX,      -DBL_MAX,         0.0,         -0.0,    1.0,          NAN,
        -INFINITY,    INFINITY};
    const size_t n = sizeof x / sizeof x[0], finite = n - 3;
    es_sketch s;
    es_sketch_init(&s);
    assert_int_equal(es_sketch_add_n(&s, x, n), 0);
    assert_true(es_sketch_count(&s) == finite);
    assert_true(s.min == -DBL_MAX && s.max == DBL_MAX);
    for (size_t i = 0; i < finite; i++) {
        int64_t k = es_sketch_key(x[i]);
        assert_true(k >= -ES_SKETCH_KEYMAX && k <= ES_SKETCH_KEYMAX);
        double lo, hi;
        es_sketch_key_bounds(k, &lo, &hi);
        /* bounds are rounded to doubles: in subnormal octaves they may meet x */
        if (x[i] > 0) assert_true(lo <= x[i] && (x[i] < hi || x[i] < DBL_MIN));
        if (x[i] < 0) assert_true((lo < x[i] || x[i] > -DBL_MIN) && x[i] <= hi);
        if (x[i] == 0) assert_true(k == 0);
    }
    assert_true(isinf(es_sketch_key_value(ES_SKETCH_KEYMAX)) == 0);
    /* the order statistics, within the guarantee (subnormals: plus half a spacing) */
    double y[sizeof x / sizeof x[0]];
    memcpy(y, x, finite * sizeof *y);
    gsl_sort(y, 1, finite);
    for (size_t k = 0; k < finite; k++) {
        double q = es_sketch_rank_value(&s, k);
        assert_true(2 * fabs(q - y[k]) <= 2 * ES_SKETCH_ALPHA * fabs(y[k]) + DBL_TRUE_MIN);
    }
    /* the buckets in key order add up to the count */
    es_sketch_iter it = ES_SKETCH_ITER_INIT;
    es_sketch_bucket b;
    uint64_t tot = 0;
    int64_t prev = INT64_MIN;
    while (es_sketch_next(&s, &it, &b)) {
        assert_true(b.key > prev && b.count > 0);
        prev = b.key;
        tot += b.count;
    }
    assert_true(tot == finite);
    assert_int_equal(es_sketch_nbuckets(&s), finite - 1); /* the two zeros share a bucket */
    es_sketch_free(&s);
}

/* Pages: one per octave that holds values, a directory of a few more. */
static void test_memory(void **state)
{
    (void)state;
    double x[2000];
    for (int i = 0; i < 2000; i++)
        x[i] = ldexp(1.0 + i / 2000.0, i % 20); /* octaves 0 .. 19 */
    es_sketch s;
    es_sketch_init(&s);
    es_sketch_add_n(&s, x, 2000);
    int pages = 0;
    for (int32_t i = 0; i < s.pos.n; i++)
        pages += s.pos.page[i] != NULL;
    assert_int_equal(pages, 20);
    assert_true(s.pos.n <= 25 && s.neg.n == 0);
    es_sketch_free(&s);
}

static void test_pack_roundtrip(void **state)
{
    (void)state;
    enum { n = 50000 };
    double *x = malloc(n * sizeof *x);
    fill_mixture(x, n, 5);
    es_sketch s, t;
    es_sketch_init(&s);
    es_sketch_init(&t);
    es_sketch_add_n(&s, x, n);
    size_t len;
    unsigned char *b = pack(&s, &len);
    /* a few bytes per bucket */
    assert_true(len < ES_SKETCH_PACKMIN + 4 * es_sketch_nbuckets(&s));
    assert_int_equal(es_sketch_unpack(&t, b, len), len);
    assert_same_bytes(&s, &t);
    for (int i = 0; i <= 100; i++)
        assert_true(es_sketch_quantile(&s, i / 100.0) == es_sketch_quantile(&t, i / 100.0));
    assert_true(t.min == s.min && t.max == s.max && t.zero == s.zero);
    /* an empty sketch too */
    es_sketch e, f;
    es_sketch_init(&e);
    es_sketch_init(&f);
    size_t el;
    unsigned char *eb = pack(&e, &el);
    assert_int_equal(el, ES_SKETCH_PACKMIN);
    assert_int_equal(es_sketch_unpack(&f, eb, el), el);
    assert_true(es_sketch_count(&f) == 0 && isnan(es_sketch_quantile(&f, 0.5)));
    free(eb);
    free(b);
    free(x);
    es_sketch_free(&s);
    es_sketch_free(&t);
}

/* FNV-1a as the sketch uses it, to forge well-hashed bad buffers */
static uint64_t fnv(const unsigned char *b, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static void rehash(unsigned char *b, size_t len)
{
    uint64_t h = fnv(b, len - 8);
    for (int i = 0; i < 8; i++)
        b[len - 8 + i] = (unsigned char)(h >> (8 * i));
}

/* Damaged bytes are refused and leave the sketch unchanged: any one byte
 * changed, any truncation, and well-hashed bytes that break a rule. */
static void test_corrupt(void **state)
{
    (void)state;
    enum { n = 3000 };
    double x[n];
    fill_mixture(x, n, 6);
    es_sketch s, t;
    es_sketch_init(&s);
    es_sketch_init(&t);
    es_sketch_add_n(&s, x, n);
    es_sketch_add_n(&t, x, 100);
    size_t len, tl;
    unsigned char *b = pack(&s, &len), *before = pack(&t, &tl);
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit += 3) {
            b[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(es_sketch_merge_packed(&t, b, len), 0);
            b[i] ^= (unsigned char)(1u << bit);
        }
    for (size_t l = 0; l < len; l++)
        assert_int_equal(es_sketch_merge_packed(&t, b, l), 0);
    /* the count does not match the buckets */
    unsigned char *c = malloc(len < 64 ? 64 : len); /* len > 56: the compiler cannot know */
    memcpy(c, b, len);
    c[8] ^= 1;
    rehash(c, len);
    assert_int_equal(es_sketch_merge_packed(&t, c, len), 0);
    /* the minimum is not in the first bucket */
    memcpy(c, b, len);
    double lo = 1.5;
    memcpy(c + 24, &lo, 8);
    rehash(c, len);
    assert_int_equal(es_sketch_merge_packed(&t, c, len), 0);
    /* another K */
    memcpy(c, b, len);
    c[4] = 64;
    rehash(c, len);
    assert_int_equal(es_sketch_merge_packed(&t, c, len), 0);
    size_t al;
    unsigned char *after = pack(&t, &al);
    assert_int_equal(al, tl);
    assert_memory_equal(after, before, tl);
    /* and the good bytes are taken */
    assert_int_equal(es_sketch_merge_packed(&t, b, len), len);
    assert_true(es_sketch_count(&t) == n + 100);
    free(c);
    free(after);
    free(before);
    free(b);
    es_sketch_free(&s);
    es_sketch_free(&t);
}

/* CDF and counts below on a small known set: 0..9 and ten 20s. */
static void test_cdf(void **state)
{
    (void)state;
    double x[20];
    for (int i = 0; i < 10; i++) {
        x[i] = i;
        x[10 + i] = 20;
    }
    es_sketch s;
    es_sketch_init(&s);
    es_sketch_add_n(&s, x, 20);
    /* 0 is alone in its bucket: mid-rank 0.5 of 20 */
    assert_true(es_sketch_cdf(&s, 0) == 0.5 / 20);
    /* the ten 20s sit at the top of their bucket, which the maximum clamps:
     * (10 + 0.5 + 9) / 20 rather than their mid-rank 15 / 20, within the
     * bucket's mass 10 / 20 as promised */
    assert_true(fabs(es_sketch_cdf(&s, 20) - 19.5 / 20) < 1e-15);
    assert_true(es_sketch_cdf(&s, -1) == 0 && es_sketch_cdf(&s, 21) == 1);
    /* each of 1..9 alone in its bucket: exactly its mid-rank */
    for (int i = 1; i < 10; i++)
        assert_true(fabs(es_sketch_cdf(&s, i) - (i + 0.5) / 20) < 1e-15);
    /* an empty bucket between the values: the count below it */
    assert_true(es_sketch_cdf(&s, 15) == 10.0 / 20);
    assert_true(es_sketch_count_below(&s, 15, 0) == 10);
    assert_true(es_sketch_count_below(&s, 20, 1) == 20);
    assert_true(es_sketch_count_below(&s, -1, 1) == 0);
    es_sketch_free(&s);
}

/* Binomial ranks of the 95% interval of a quantile */
static void test_quantile_ci(void **state)
{
    (void)state;
    uint64_t l, u;
    /* the median of 100 values: x_(40) .. x_(61) (coverage 0.9648) */
    es_quantile_ci_ranks(100, 0.5, &l, &u);
    assert_true(l == 40 && u == 61);
    /* p = 0.01 of 100 values: no lower bound at 95% */
    es_quantile_ci_ranks(100, 0.01, &l, &u);
    assert_true(l == 0 && u == 4);
    /* the coverage is at least 95% and one rank less on either side breaks it */
    const uint64_t ns[] = {30, 1000, 99999, 100000};
    const double ps[] = {0.01, 0.05, 0.25, 0.5, 0.9, 0.99};
    for (size_t a = 0; a < 4; a++)
        for (size_t k = 0; k < 6; k++) {
            uint64_t n = ns[a];
            double p = ps[k];
            es_quantile_ci_ranks(n, p, &l, &u);
            double below = l ? gsl_cdf_binomial_P((unsigned)(l - 1), p, (unsigned)n) : 0;
            double above = u <= n ? gsl_cdf_binomial_Q((unsigned)(u - 1), p, (unsigned)n) : 0;
            assert_true(below <= 0.025 && above <= 0.025);
            if (l < n) assert_true(gsl_cdf_binomial_P((unsigned)l, p, (unsigned)n) > 0.025);
            if (u > 1) assert_true(gsl_cdf_binomial_Q((unsigned)(u - 2), p, (unsigned)n) > 0.025);
        }
    /* the normal approximation from 2^31 on agrees with the exact ranks to one */
    uint64_t l2, u2;
    for (size_t k = 0; k < 6; k++) {
        es_quantile_ci_ranks(2147483647u, ps[k], &l, &u);
        es_quantile_ci_ranks(2147483648u, ps[k], &l2, &u2);
        assert_true(llabs((long long)l2 - (long long)l) <= 1);
        assert_true(llabs((long long)u2 - (long long)u) <= 1);
    }
    /* at 1e9 (exact) and 1e12 (normal) the interval is about 2 x 1.96 sqrt(n p (1-p)) wide */
    es_quantile_ci_ranks(1000000000ull, 0.5, &l, &u);
    assert_true(fabs((double)(u - l) - 2 * 1.959964 * sqrt(0.25e9)) < 3);
    es_quantile_ci_ranks(1000000000000ull, 0.1, &l, &u);
    assert_true(fabs((double)(u - l) - 2 * 1.959964 * sqrt(0.09e12)) < 3);
    assert_true(fabs((double)(u + l) / 2 - 1e11) < 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),       cmocka_unit_test(test_add_keys),
        cmocka_unit_test(test_normal),      cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_mixture),     cmocka_unit_test(test_merge_order_free),
        cmocka_unit_test(test_constant),    cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_memory),      cmocka_unit_test(test_pack_roundtrip),
        cmocka_unit_test(test_corrupt),     cmocka_unit_test(test_cdf),
        cmocka_unit_test(test_quantile_ci),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
