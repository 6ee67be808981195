/* src/stats.c: Welford updates and Chan's pairwise merge.
 *
 *   add x:    n += 1; d = x - mean; mean += d / n; m2 += d (x - mean)
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

void es_acc_add(es_acc *a, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (isnan(v)) {
            a->nan++;
            continue;
        }
        a->n++;
        double d = v - a->mean;
        a->mean += d / (double)a->n;
        a->m2 += d * (v - a->mean);
        if (v < a->min) a->min = v;
        if (v > a->max) a->max = v;
    }
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
