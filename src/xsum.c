/* src/xsum.c: exact accumulation of doubles in 32-bit digits.
 *
 * A finite double is m * 2^e with m an integer below 2^53 and -1074 <= e <=
 * 971.  With p = e + 1088 >= 0, m * 2^(p mod 32) (at most 85 bits) is added
 * to digits p/32, p/32+1 and p/32+2, 32 bits each, with no carry: each digit
 * grows by less than 2^32 per addition, so 2^30 additions fit in an int64
 * before the carries are propagated.  The top digits leave room for 2^64
 * additions of the largest double.  Propagated, every digit but the top one
 * lies in [0, 2^32) and the top one carries the sign: one representation per
 * value, which is what pack writes. */
#include "xsum.h"

#include <math.h>
#include <string.h>

#define ES_XSUM_EMIN (-1088)
#define ES_XSUM_MAXADDS (1u << 30)

void es_xsum_init(es_xsum *s)
{
    memset(s, 0, sizeof *s);
}

/* Carry every digit into the next: digits 0..L-2 end in [0, 2^32). */
static void es_xsum_carry(es_xsum *s)
{
    for (int i = 0; i < ES_XSUM_LIMBS - 1; i++) {
        int64_t c = s->d[i] >> 32; /* arithmetic shift: floor division */
        s->d[i] -= c * ((int64_t)1 << 32);
        s->d[i + 1] += c;
    }
    s->adds = 0;
}

static uint32_t es_sat_inc(uint32_t n)
{
    return n == UINT32_MAX ? n : n + 1;
}

void es_xsum_add(es_xsum *s, double x)
{
    if (!isfinite(x)) {
        if (isnan(x))
            s->nan = es_sat_inc(s->nan);
        else if (x > 0)
            s->pinf = es_sat_inc(s->pinf);
        else
            s->ninf = es_sat_inc(s->ninf);
        return;
    }
    if (x == 0) return;
    if (s->adds >= ES_XSUM_MAXADDS) es_xsum_carry(s);
    s->adds++;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int neg = (int)(bits >> 63);
    int be = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    int e;
    if (be == 0) {
        e = -1074; /* subnormal: m * 2^-1074 */
    } else {
        m |= UINT64_C(1) << 52;
        e = be - 1075;
    }
    int p = e - ES_XSUM_EMIN;
    int i = p >> 5, sh = p & 31;
    /* m << sh in three 32-bit digits */
    uint64_t lo = (m << sh) & 0xffffffffu;
    uint64_t mid = ((m << sh) >> 32) & 0xffffffffu;
    uint64_t hi = sh ? (m >> (64 - sh)) : 0;
    /* (m << sh) overflows 64 bits only when sh > 11: hi then holds the top bits */
    if (neg) {
        s->d[i] -= (int64_t)lo;
        s->d[i + 1] -= (int64_t)mid;
        s->d[i + 2] -= (int64_t)hi;
    } else {
        s->d[i] += (int64_t)lo;
        s->d[i + 1] += (int64_t)mid;
        s->d[i + 2] += (int64_t)hi;
    }
}

void es_xsum_merge(es_xsum *s, const es_xsum *t)
{
    es_xsum u = *t;
    es_xsum_carry(&u);
    es_xsum_carry(s);
    /* both digit sets are now below 2^32 in magnitude, but the top ones */
    for (int i = 0; i < ES_XSUM_LIMBS; i++)
        s->d[i] += u.d[i];
    s->adds = 2;
    s->nan = s->nan > UINT32_MAX - t->nan ? UINT32_MAX : s->nan + t->nan;
    s->pinf = s->pinf > UINT32_MAX - t->pinf ? UINT32_MAX : s->pinf + t->pinf;
    s->ninf = s->ninf > UINT32_MAX - t->ninf ? UINT32_MAX : s->ninf + t->ninf;
}

/* The magnitude of a carried accumulator, digits in [0, 2^32), and its sign. */
static int es_xsum_abs(const es_xsum *s, uint32_t *mag)
{
    es_xsum t = *s;
    es_xsum_carry(&t);
    int neg = t.d[ES_XSUM_LIMBS - 1] < 0;
    if (neg) { /* negate: -v = (~v) + 1 in digit form, then carry again */
        for (int i = 0; i < ES_XSUM_LIMBS; i++)
            t.d[i] = -t.d[i];
        es_xsum_carry(&t);
    }
    for (int i = 0; i < ES_XSUM_LIMBS; i++)
        mag[i] = (uint32_t)t.d[i]; /* the top digit is small and non-negative now */
    return neg;
}

/* Round a magnitude (digits in [0, 2^32)) to nearest, ties to even. */
static double es_xsum_mag_round(const uint32_t *mag)
{
    int top = ES_XSUM_LIMBS - 1;
    while (top >= 0 && mag[top] == 0)
        top--;
    if (top < 0) return 0.0;
    /* 64 bits from the top digit down, and a sticky bit for the rest */
    uint64_t w = (uint64_t)mag[top] << 32 | (top >= 1 ? mag[top - 1] : 0);
    uint32_t below = top >= 2 ? mag[top - 2] : 0;
    int sticky = 0;
    for (int i = top - 3; i >= 0 && !sticky; i--)
        sticky = mag[i] != 0;
    int lz = __builtin_clzll(w); /* w > 0: mag[top] != 0 */
    /* bring 64 significant bits into w: shift in the top of `below` */
    if (lz) {
        w = (w << lz) | ((uint64_t)below >> (32 - lz));
        below = (uint32_t)((uint64_t)below << lz);
    }
    sticky |= below != 0;
    /* w holds the top 64 bits; its lowest bit weighs 2^(32*(top-1) + EMIN - lz) */
    int exp = 32 * (top - 1) + ES_XSUM_EMIN - lz;
    /* keep 53 bits; the result stays a normal double unless exp is tiny */
    int drop = 11;
    int minexp = -1074; /* the value of the kept lsb may not go below 2^-1074 */
    if (exp + drop < minexp) drop = minexp - exp;
    if (drop > 64) return 0.0; /* cannot happen: the lsb of the digits is 2^-1088 */
    uint64_t keep = drop == 64 ? 0 : w >> drop;
    uint64_t rest = drop == 64 ? w : w & ((UINT64_C(1) << drop) - 1);
    uint64_t half = UINT64_C(1) << (drop - 1);
    if (rest > half || (rest == half && (sticky || (keep & 1)))) keep++;
    return ldexp((double)keep, exp + drop);
}

double es_xsum_round(const es_xsum *s)
{
    if (s->nan || (s->pinf && s->ninf)) return NAN;
    if (s->pinf) return INFINITY;
    if (s->ninf) return -INFINITY;
    uint32_t mag[ES_XSUM_LIMBS];
    int neg = es_xsum_abs(s, mag);
    double v = es_xsum_mag_round(mag);
    return neg ? -v : v;
}

void es_xsum_round2(const es_xsum *s, double *hi, double *lo)
{
    *hi = es_xsum_round(s);
    if (!isfinite(*hi)) {
        *lo = 0;
        return;
    }
    es_xsum r = *s;
    es_xsum_add(&r, -*hi);
    *lo = es_xsum_round(&r);
}

/* ---- canonical bytes: flags, first digit, count, digits (little endian) ---- */

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

static void es_xsum_span(const es_xsum *t, int *lo, int *n)
{
    int a = 0, b = ES_XSUM_LIMBS - 1;
    while (a < ES_XSUM_LIMBS && t->d[a] == 0)
        a++;
    while (b >= a && t->d[b] == 0)
        b--;
    *lo = a == ES_XSUM_LIMBS ? 0 : a;
    *n = a == ES_XSUM_LIMBS ? 0 : b - a + 1;
}

size_t es_xsum_pack_size(const es_xsum *s)
{
    es_xsum t = *s;
    es_xsum_carry(&t);
    int lo, n;
    es_xsum_span(&t, &lo, &n);
    return 16 + 8 * (size_t)n;
}

size_t es_xsum_pack(const es_xsum *s, unsigned char *buf)
{
    es_xsum t = *s;
    es_xsum_carry(&t);
    int lo, n;
    es_xsum_span(&t, &lo, &n);
    buf[0] = (unsigned char)lo;
    buf[1] = (unsigned char)n;
    buf[2] = buf[3] = 0;
    for (int i = 0; i < 4; i++) {
        buf[4 + i] = (unsigned char)(t.nan >> (8 * i));
        buf[8 + i] = (unsigned char)(t.pinf >> (8 * i));
        buf[12 + i] = (unsigned char)(t.ninf >> (8 * i));
    }
    for (int i = 0; i < n; i++)
        es_put64(buf + 16 + 8 * i, (uint64_t)t.d[lo + i]);
    return 16 + 8 * (size_t)n;
}

size_t es_xsum_unpack(es_xsum *s, const unsigned char *buf, size_t len)
{
    if (len < 16) return 0;
    int lo = buf[0], n = buf[1];
    if (buf[2] || buf[3] || lo + n > ES_XSUM_LIMBS || len < 16 + 8 * (size_t)n) return 0;
    es_xsum_init(s);
    for (int i = 0; i < 4; i++) {
        s->nan |= (uint32_t)buf[4 + i] << (8 * i);
        s->pinf |= (uint32_t)buf[8 + i] << (8 * i);
        s->ninf |= (uint32_t)buf[12 + i] << (8 * i);
    }
    for (int i = 0; i < n; i++) {
        int64_t v = (int64_t)es_get64(buf + 16 + 8 * i);
        /* canonical digits: [0, 2^32) but the top one */
        if (lo + i < ES_XSUM_LIMBS - 1 && (v < 0 || v > (int64_t)0xffffffff)) return 0;
        s->d[lo + i] = v;
    }
    return 16 + 8 * (size_t)n;
}
