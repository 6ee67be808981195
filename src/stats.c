/* src/stats.c: two-pass batch summaries and Chan's pairwise merge.
 *
 *   batch:    mean = sum x / n; m2 = sum (x - mean)^2   (two passes)
 *   merge:    d = mean_b - mean_a; n = n_a + n_b; mean = mean_a + d n_b / n;
 *             m2 = m2_a + m2_b + d^2 n_a n_b / n */
#include "stats.h"

#include <math.h>
#include <string.h>

void es_acc_init(es_acc *a)
{
    a->n = a->nan = 0;
    a->mean = a->m2 = 0;
    a->min = INFINITY;
    a->max = -INFINITY;
}

/* A batch is summarised in two passes (the sum of deviations from a shift,
 * then the squared deviations from the batch mean: no division per value,
 * and more accurate than Welford's update) and merged into a as one block.
 * The shift is the batch's first finite value: it takes the offset out of
 * the sum (1e6 + noise loses no digits) and makes a constant batch exact,
 * mean equal to its value and m2 = 0. */
void es_acc_add(es_acc *a, const double *x, size_t n)
{
    es_acc b;
    es_acc_init(&b);
    double shift = 0, sum = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) {
            shift = x[i];
            break;
        }
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (isnan(v)) {
            b.nan++;
            continue;
        }
        b.n++;
        sum += v - shift;
        b.min = v < b.min ? v : b.min;
        b.max = v > b.max ? v : b.max;
    }
    if (b.n) {
        b.mean = shift + sum / (double)b.n;
        double m2 = 0;
        for (size_t i = 0; i < n; i++) {
            double d = x[i] - b.mean;
            if (!isnan(d)) m2 += d * d;
        }
        b.m2 = m2;
    }
    es_acc_merge(a, &b);
}

void es_acc_merge(es_acc *a, const es_acc *b)
{
    a->nan += b->nan;
    if (b->n == 0) return;
    if (a->n == 0) {
        uint64_t nan = a->nan;
        *a = *b;
        a->nan = nan;
        return;
    }
    double na = (double)a->n, nb = (double)b->n, n = na + nb;
    double d = b->mean - a->mean;
    a->mean += d * (nb / n);
    a->m2 += b->m2 + d * d * (na * nb / n);
    a->n += b->n;
    if (b->min < a->min) a->min = b->min;
    if (b->max > a->max) a->max = b->max;
}

double es_acc_var(const es_acc *a)
{
    return a->n > 1 ? a->m2 / (double)(a->n - 1) : NAN;
}
double es_acc_std(const es_acc *a)
{
    return sqrt(es_acc_var(a));
}
double es_acc_stderr(const es_acc *a)
{
    return es_acc_std(a) / sqrt((double)a->n);
}

/* splitmix64's finaliser (Steele, Lea & Flood 2014) */
static uint64_t es_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t es_checksum(uint64_t first, size_t n, uint32_t var, const double *x)
{
    uint64_t sum = 0, vkey = es_mix64(0x9e3779b97f4a7c15ull * ((uint64_t)var + 1));
    for (size_t k = 0; k < n; k++) {
        uint64_t bits;
        memcpy(&bits, &x[k], sizeof bits);
        sum += es_mix64(bits ^ es_mix64((first + k) ^ vkey));
    }
    return sum;
}
