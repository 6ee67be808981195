/* src/xsum.h: exact sums of doubles (a superaccumulator).
 *
 * The sum of any number of finite doubles is held exactly, as an integer
 * multiple of 2^-1088 in 32-bit digits (in the spirit of Neal's xsum, "Fast
 * exact summation using small and large superaccumulators", 2015).  Adding
 * is exact, so the result does not depend on the order or grouping of the
 * additions: accumulators filled by different ranks, parts or resumed runs
 * merge into the same bytes.  Rounding to double happens once, at the end,
 * to nearest (ties to even).  Infinities and NaNs are counted beside. */
#ifndef ES_XSUM_H
#define ES_XSUM_H

#include <stddef.h>
#include <stdint.h>

#define ES_XSUM_LIMBS 70

typedef struct {
    int64_t d[ES_XSUM_LIMBS]; /* digit i weighs 2^(32 i - 1088); lazily carried */
    uint32_t adds;            /* additions since the last carry propagation */
    uint32_t nan, pinf, ninf; /* non-finite values added (saturating counts) */
} es_xsum;

void es_xsum_init(es_xsum *s);
void es_xsum_add(es_xsum *s, double x);
void es_xsum_merge(es_xsum *s, const es_xsum *t); /* s := s + t, exactly */
/* The sum rounded to nearest double: NaN when a NaN or both infinities were
 * added, an infinity when one was (or the sum overflows). */
double es_xsum_round(const es_xsum *s);
/* The sum as hi + lo, hi = round(sum), lo = round(sum - hi). */
void es_xsum_round2(const es_xsum *s, double *hi, double *lo);

/* Canonical bytes: equal sums pack to equal bytes.  pack_size is at most
 * ES_XSUM_PACKMAX; unpack returns the bytes read, or 0 on malformed input. */
#define ES_XSUM_PACKMAX (16 + 8 * ES_XSUM_LIMBS)
size_t es_xsum_pack_size(const es_xsum *s);
size_t es_xsum_pack(const es_xsum *s, unsigned char *buf);
size_t es_xsum_unpack(es_xsum *s, const unsigned char *buf, size_t len);

#endif
