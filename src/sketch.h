/* src/sketch.h: a mergeable quantile sketch with a guaranteed relative accuracy.
 *
 * A logarithmic histogram in the manner of DDSketch (Masson, Rim and Lee,
 * "DDSketch: a fast and fully-mergeable quantile sketch with relative-error
 * guarantees", PVLDB 12(12), 2019), with integer counts and no bucket
 * collapsing, so that merging is exact and order-free.
 *
 * Buckets.  Every octave [2^e, 2^(e+1)) of |x| is cut into K = 70 buckets at
 * B[j] 2^e, B[j] = 2^(j/70) rounded to the nearest double (exact hex-float
 * constants in sketch.c), so a bucket [L, U) has U/L = gamma = 2^(1/70) =
 * 1.00995 (to one ulp).  The bucket of x is found WITHOUT log(): the exponent
 * e comes from the double's bits, the sub-bucket j from a 128-entry table on
 * the top 7 bits of the mantissa plus one comparison with B[j+1] (every
 * table cell is narrower than the narrowest bucket, so it holds at most one
 * boundary).  Integer arithmetic and comparisons only: two machines give the
 * same buckets, counts and bytes.  Every finite double has a bucket,
 * subnormals included (e from -1074 to 1023: 2098 octaves on each side).
 *
 * Keys.  A bucket is named by an integer key, increasing with x: for x > 0,
 * key = 1 + 70 (e + 1074) + j (1 .. 146860); for x < 0 the key of |x|
 * negated (so a negative bucket holds x in (-U, -L]); zero (of either sign)
 * is key 0.  Key k > 0 covers [B[j] 2^e, B[j+1] 2^e) with i = k - 1,
 * e = floor(i / 70) - 1074, j = i mod 70.
 *
 * Guarantee.  Let x_(0) <= ... <= x_(n-1) be the values added (NaN and
 * infinities are never added: the caller counts them).  The rank-k
 * estimate q = es_sketch_rank_value(s, k) is the bucket's harmonic midpoint
 * 2 L U / (L + U), clamped to [min, max] (both kept exactly), and
 *     |q - x_(k)| <= alpha |x_(k)|,   alpha = (gamma - 1)/(gamma + 1) = 0.00495101 <= 0.005
 * (ES_SKETCH_ALPHA = 0.0049511 also covers the estimate's few roundings),
 * plus, for a subnormal x_(k) only, half the subnormal spacing (2^-1075).
 * k = 0 and k = n - 1 give min and max exactly; a constant column gives its
 * value exactly.  The quantile at probability p is the rank-k order
 * statistic with k = floor(p (n - 1)) (0-based; the "lower" rule).
 *
 * Memory.  A bucket's count is a uint64_t.  Buckets live in pages of one
 * octave (70 counts, 560 bytes) allocated when a value first falls in that
 * octave, found through a directory of 8 bytes per octave between the
 * smallest and largest octave seen on each side.  Per variable: 64 bytes
 * of header + 560 bytes per octave that holds values + 8 bytes per octave
 * spanned.  A variable spread over six decades (20 octaves) takes about
 * 11.5 KB; the bound, every finite double on both signs, is 2.4 MB.  Packed
 * (canonical) bytes: 56 bytes + 2 to 20 (typically 2 to 4) bytes per
 * non-empty bucket.
 *
 * Cost.  Adding a value: a few integer operations, one table lookup, one
 * comparison and a counter increment (no log, no division): 6.8 ns a value
 * measured (1e7 lognormal values in chunks of 16384, -O2).  Merging:
 * one addition per bucket.  A quantile or a CDF: a walk over the pages
 * (es_sketch_ranker gives the CDF in O(1), about 25 ns, after one walk). */
#ifndef ES_SKETCH_H
#define ES_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

#define ES_SKETCH_K 70 /* buckets per octave */
/* the relative accuracy (gamma - 1)/(gamma + 1) = 0.00495101, rounded up */
#define ES_SKETCH_ALPHA 0.0049511
#define ES_SKETCH_EMIN (-1074)                             /* exponent of the smallest subnormal */
#define ES_SKETCH_OCTAVES 2098                             /* exponents -1074 .. 1023 */
#define ES_SKETCH_KEYMAX (ES_SKETCH_OCTAVES * ES_SKETCH_K) /* largest key: 146860 */
#define ES_SKETCH_PACKMIN 56                               /* bytes of an empty packed sketch */

/* One sign's buckets: pages of ES_SKETCH_K counts, one per octave. */
typedef struct {
    int32_t lo;      /* octave (e + 1074) of page[0] */
    int32_t n;       /* octaves the directory spans */
    uint64_t **page; /* [n]: NULL, or ES_SKETCH_K counts */
} es_sketch_side;

typedef struct {
    es_sketch_side pos, neg; /* buckets of x > 0, and of |x| for x < 0 */
    uint64_t zero;           /* values equal to zero (of either sign) */
    uint64_t n;              /* values added */
    double min, max;         /* of the values added (+0 for a zero); +inf, -inf when empty */
} es_sketch;

void es_sketch_init(es_sketch *s);
void es_sketch_free(es_sketch *s);
void es_sketch_reset(es_sketch *s); /* empty; the pages stay allocated */

/* Add the finite values of x[n]; NaN and infinities are skipped.  Returns 0,
 * or -1 when out of memory (then some values may be added, some not). */
int es_sketch_add_n(es_sketch *s, const double *x, size_t n);
/* s := s + t exactly.  Returns 0, or -1 when out of memory (s unchanged). */
int es_sketch_merge(es_sketch *s, const es_sketch *t);

uint64_t es_sketch_count(const es_sketch *s);
/* The 0-based rank of the p-quantile among n values: floor(p (n - 1)),
 * p clamped to [0, 1]. */
uint64_t es_sketch_rank_of(double p, uint64_t n);
/* The estimate of x_(k) (see the guarantee); NaN when k >= n. */
double es_sketch_rank_value(const es_sketch *s, uint64_t k);
/* es_sketch_rank_value(s, es_sketch_rank_of(p, n)). */
double es_sketch_quantile(const es_sketch *s, double p);

/* The interpolated mid-rank of x, in (0, 1) for x in [min, max]: with C the
 * values in buckets below x's bucket, c the values in it, and t in [0, 1]
 * the position of x between the bucket's ends clamped to [min, max] (t = 1/2
 * when those coincide, as for zero or a constant column),
 *     F(x) = (C + 1/2 + t (c - 1)) / n   (c >= 1),   C / n   (c = 0).
 * It is the exact mid-rank / n of x when the values in each bucket are
 * evenly spaced (ties get the mid-rank of their group exactly), and is off
 * by at most c / n otherwise.  NaN when the sketch is empty. */
double es_sketch_cdf(const es_sketch *s, double x);
/* The values below x (inclusive: at or below), interpolated the same way and
 * rounded to an integer, so that it is monotone in x and between 0 and n. */
uint64_t es_sketch_count_below(const es_sketch *s, double x, int inclusive);

/* The key of a finite x (0 for NaN and infinities), the bounds of a key's
 * bucket (lower = upper = 0 for key 0; for a negative key lower = -U,
 * upper = -L; rounded to doubles, so in subnormal octaves, where a bucket is
 * narrower than the spacing of doubles, a bound may equal the values in it;
 * the top bucket's U is +inf), and its estimate. */
int64_t es_sketch_key(double x);
void es_sketch_key_bounds(int64_t key, double *lower, double *upper);
double es_sketch_key_value(int64_t key);

/* Non-empty buckets in increasing key order:
 *     es_sketch_iter it = ES_SKETCH_ITER_INIT; es_sketch_bucket b;
 *     while (es_sketch_next(s, &it, &b)) ...                              */
typedef struct {
    int64_t key;
    double lower, upper; /* the bucket's bounds, as es_sketch_key_bounds */
    uint64_t count;
} es_sketch_bucket;
typedef struct {
    int stage; /* 0 negative side, 1 zero, 2 positive side, 3 done */
    int32_t i; /* directory position */
    int j;     /* bucket in the page */
} es_sketch_iter;
#define ES_SKETCH_ITER_INIT                                                                        \
    {                                                                                              \
        0, -1, -1                                                                                  \
    }
int es_sketch_next(const es_sketch *s, es_sketch_iter *it, es_sketch_bucket *b);
/* Non-empty buckets, the zero bucket included. */
size_t es_sketch_nbuckets(const es_sketch *s);

/* Canonical bytes: equal sketches pack to equal bytes, whatever order or
 * grouping their values were added or merged in.  Layout, little endian:
 * "ESDD", u32 K, u64 n, u64 zero, f64 min, f64 max, u64 M, then M non-empty
 * non-zero buckets in increasing key order as LEB128 varints (the first key
 * zigzag-coded, then key differences; each count), then a u64 FNV-1a hash of
 * all bytes before it.  pack returns the bytes written (= pack_size). */
size_t es_sketch_pack_size(const es_sketch *s);
size_t es_sketch_pack(const es_sketch *s, unsigned char *buf);
/* Add a packed sketch to s.  Returns the bytes read, or 0 when the bytes are
 * not a valid sketch (bad magic, hash, order, counts, bounds...) or memory
 * runs out; s is then unchanged. */
size_t es_sketch_merge_packed(es_sketch *s, const unsigned char *buf, size_t len);
/* Replace s by a packed sketch (reset, then merge_packed). */
size_t es_sketch_unpack(es_sketch *s, const unsigned char *buf, size_t len);

/* A read-only cumulative index of a sketch for many CDF calls: the same
 * value as es_sketch_cdf in O(1).  The sketch must not change while the
 * ranker is in use. */
typedef struct {
    const es_sketch *s;
    uint64_t negc, posc; /* values below zero, above zero */
    uint64_t *before[2]; /* [side][n+1]: values of the side in octaves nearer zero */
    uint64_t **pre[2];   /* [side][n]: NULL, or per bucket the side's values nearer zero */
    int32_t nside[2];    /* the sides' directory lengths when the ranker was made */
} es_sketch_ranker;
int es_sketch_ranker_init(es_sketch_ranker *r, const es_sketch *s); /* 0, or -1 (memory) */
void es_sketch_ranker_free(es_sketch_ranker *r);
double es_sketch_ranker_cdf(const es_sketch_ranker *r, double x);

/* ---- the "sketch" statistic (stat_sketch.c) ---- */

/* The sketch of variable var in a cell, from a state of es_stat_sketch. */
const es_sketch *es_stat_sketch_get(const void *state, const es_plan *p, uint64_t cell, size_t var);
/* es_sketch_cdf of that sketch: the interpolated rank of x in (0, 1). */
double es_stat_sketch_cdf(const void *state, const es_plan *p, uint64_t cell, size_t var, double x);

/* Distribution-free 95% interval of the p-quantile of n values: 1-based
 * order-statistic ranks l <= u with P(x_(l) <= xi_p <= x_(u)) >= 0.95
 * (P(B < l) <= 0.025 and P(B >= u) <= 0.025 for B ~ Binomial(n, p): l the
 * largest, u the smallest such rank).  l = 0 means no lower bound at 95%,
 * u = n + 1 no upper bound.  Exact binomial tails (GSL) for n < 2^31, the
 * normal approximation (continuity and skewness corrected) above. */
void es_quantile_ci_ranks(uint64_t n, double p, uint64_t *l, uint64_t *u);

#endif
