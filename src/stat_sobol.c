/* src/stat_sobol.c: first-order and total Sobol indices from a Saltelli design,
 * with standard errors and 95% intervals from batch means.
 *
 * The design (design = saltelli) evaluates each base point i at evals = d+2
 * points: e = 0 is A_i, e = 1 is B_i, e = 2+j is A_i with column j taken from
 * B_i (AB_j); evaluation e of row k of a segment is y[out][k*evals + e].
 * Per scan cell, output and uncertain input j, over the N base points:
 *   V_j  = 1/N sum_i f(B_i) (f(AB_j,i) - f(A_i))        (Saltelli et al. 2010, table 2 (b))
 *   VT_j = 1/(2N) sum_i (f(A_i) - f(AB_j,i))^2         (Jansen 1999; Saltelli 2010 table 2 (f))
 *   V    = variance of f over the 2N evaluations A_i and B_i (denominator 2N - 1)
 *   S_j  = V_j / V,   ST_j = VT_j / V.
 *
 * Shift.  f(B) in the first-order product is replaced by f(B) - K, K the
 * output's value at design point 0 of the cell (es_stat_ctx.anchor, known to
 * every rank before the run).  This leaves the estimator's expectation
 * unchanged: E[K (f(AB_j) - f(A))] = K (E f(AB_j) - E f(A)) = 0, because AB_j,
 * like A, is a point with independent uniform coordinates, so f(AB_j) and f(A)
 * have the same distribution.  It removes a term K' (f(AB_j) - f(A)) of mean
 * zero but of variance K'^2 Var(f(AB_j) - f(A)) that an output with a mean
 * K' far from 0 would otherwise add (and the digits it would cancel).  The
 * total term and V do not depend on K at all; V's sums are shifted too, to
 * keep digits (as in stat_moments.c).
 *
 * Standard errors by batch means: the base points are cut into B = 32 fixed
 * blocks, point i in block floor(i B / N).  Each block gives its own S_j,b and
 * ST_j,b from its own sums; with m the blocks holding two rows or more and a
 * positive variance,
 *   se = sd_b(S_j,b) / sqrt(m),  interval = S_j -+ t(0.975, m - 1) se,
 * S_j itself from the full sums.  With random (mc) base points the blocks
 * are independent and this is the usual batch-means error of the full
 * estimate; with quasi-random base points the full estimate is usually more
 * accurate than the blocks suggest, and the se is conservative.
 *
 * Exactness.  Within a segment, the terms of the rows of one block are
 * summed in double in row order (a fixed order: segments are cut from the
 * plan's chunks and cells only); each such sum goes into an exact sum
 * (xsum.h) per (cell, output, block).  Merging is exact, so any grouping of
 * chunks (ranks, parts, resume) merges into the same bytes in any order.
 * (Adding every row's terms to the exact sums would make the state
 * independent of the chunk size too, but costs about 17 ns a term: 0.5 us
 * an evaluation for 15 outputs and 15 inputs, half the economics model's
 * own cost; the double sums cost about 2 ns a term.)  A row with a NaN or
 * infinite output in any of its d+2 evaluations is skipped for that output
 * and counted (attribute skipped_rows).
 *
 * Memory: per cell and output, 32 blocks x (2 + 2d) exact sums of 576 bytes
 * and two counts: 32 x (2 + 2d) x 576 B, about 147 kB for d = 3, 332 kB for
 * d = 8, 590 kB for d = 15 (the economics job: 15 outputs, 8.8 MB a cell).
 * Packed, an exact sum takes 16 bytes plus 8 per digit in use (about 90
 * bytes here: 24 kB for Ishigami, 58 kB for the 8-input Sobol G). */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xsum.h"

#define ES_SOBOL_BLOCKS 32

/* The sums of one (cell, output, block), at es_sobol.sum + index * nsum:
 * [0] sum of (f_A - K) + (f_B - K), [1] of (f_A - K)^2 + (f_B - K)^2,
 * [2 + j] of (f_B - K)(f_ABj - f_A), [2 + d + j] of (f_A - f_ABj)^2. */
typedef struct {
    size_t d, n_out; /* uncertain inputs, outputs */
    uint64_t cells;  /* scan cells */
    uint64_t points; /* base points per cell (N) */
    size_t nsum;     /* exact sums per block: 2 + 2d */
    size_t nblk;     /* cells * n_out * ES_SOBOL_BLOCKS */
    double *anchor;  /* [cells][n_out]: K */
    uint64_t *n;     /* [nblk]: rows used */
    uint64_t *skip;  /* [nblk]: rows skipped (a non-finite output) */
    es_xsum *sum;    /* [nblk][nsum] */
    double *pending; /* [nsum]: the double sums of one block's rows in a segment */
} es_sobol;

/* The Saltelli design: the one with d + 2 evaluations per point named
 * "saltelli" (es_design_find("saltelli") once the design is in the table;
 * compared by name so that a test can stand in its own type). */
static int es_sobol_wanted(const es_plan *p)
{
    return p->design && p->design->name && strcmp(p->design->name, "saltelli") == 0 && p->d >= 1 &&
           p->evals == p->d + 2;
}

static void es_sobol_destroy(void *s)
{
    es_sobol *st = s;
    if (!st) return;
    free(st->anchor);
    free(st->n);
    free(st->skip);
    free(st->sum);
    free(st->pending);
    free(st);
}

static void es_sobol_reset(void *s, const es_plan *p)
{
    (void)p;
    es_sobol *st = s;
    for (size_t i = 0; i < st->nblk; i++) {
        st->n[i] = st->skip[i] = 0;
        for (size_t k = 0; k < st->nsum; k++)
            es_xsum_init(&st->sum[i * st->nsum + k]);
    }
}

static void *es_sobol_create(const es_plan *p, const es_stat_ctx *ctx)
{
    es_sobol *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->d = p->d;
    st->n_out = p->n_out;
    st->cells = p->cells;
    st->points = p->points;
    st->nsum = 2 + 2 * p->d;
    st->nblk = (size_t)p->cells * p->n_out * ES_SOBOL_BLOCKS;
    size_t na = (size_t)p->cells * p->n_out;
    st->anchor = malloc((na ? na : 1) * sizeof *st->anchor);
    st->n = malloc((st->nblk ? st->nblk : 1) * sizeof *st->n);
    st->skip = malloc((st->nblk ? st->nblk : 1) * sizeof *st->skip);
    st->sum = malloc((st->nblk ? st->nblk : 1) * st->nsum * sizeof *st->sum);
    st->pending = malloc(st->nsum * sizeof *st->pending);
    if (!st->anchor || !st->n || !st->skip || !st->sum || !st->pending) {
        es_sobol_destroy(st);
        return NULL;
    }
    for (uint64_t c = 0; c < p->cells; c++)
        for (size_t o = 0; o < p->n_out; o++) {
            double k = ctx && ctx->anchor ? ctx->anchor[c * p->nvars + p->d + o] : 0;
            st->anchor[c * p->n_out + o] = isfinite(k) ? k : 0;
        }
    es_sobol_reset(st, p);
    return st;
}

/* The block of base point i: floor(i B / N), and the first point of block b:
 * ceil(b N / B) (the least i with floor(i B / N) >= b). */
static uint64_t es_sobol_block(uint64_t i, uint64_t N)
{
    return (uint64_t)((unsigned __int128)i * ES_SOBOL_BLOCKS / N);
}

static uint64_t es_sobol_block_first(uint64_t b, uint64_t N)
{
    unsigned __int128 t = (unsigned __int128)b * N;
    return (uint64_t)((t + ES_SOBOL_BLOCKS - 1) / ES_SOBOL_BLOCKS);
}

static int es_sobol_add(void *s, const es_plan *p, const es_seg *seg)
{
    (void)p;
    es_sobol *st = s;
    const size_t d = st->d, E = seg->evals, ns = st->nsum;
    if (E != d + 2) return -1;
    double *t = st->pending;
    /* runs of rows in one block */
    for (size_t k0 = 0; k0 < seg->n;) {
        uint64_t b = es_sobol_block(seg->point + k0, st->points);
        uint64_t next = es_sobol_block_first(b + 1, st->points);
        size_t k1 =
            next - (seg->point + k0) < seg->n - k0 ? k0 + (size_t)(next - seg->point - k0) : seg->n;
        for (size_t o = 0; o < st->n_out; o++) {
            size_t blk = (seg->cell * st->n_out + o) * ES_SOBOL_BLOCKS + b;
            const double K = st->anchor[seg->cell * st->n_out + o];
            uint64_t used = 0, skipped = 0;
            for (size_t q = 0; q < ns; q++)
                t[q] = 0;
            for (size_t k = k0; k < k1; k++) {
                const double *f = seg->y[o] + k * E;
                int finite = 1;
                for (size_t e = 0; e < E; e++)
                    finite &= isfinite(f[e]) != 0;
                if (!finite) {
                    skipped++;
                    continue;
                }
                const double a = f[0] - K, bb = f[1] - K;
                t[0] += a + bb;
                t[1] += a * a + bb * bb;
                for (size_t j = 0; j < d; j++) {
                    const double dj = f[2 + j] - f[0];
                    t[2 + j] += bb * dj;
                    t[2 + d + j] += dj * dj;
                }
                used++;
            }
            es_xsum *sum = &st->sum[blk * ns];
            for (size_t q = 0; q < ns; q++)
                es_xsum_add(&sum[q], t[q]);
            st->n[blk] += used;
            st->skip[blk] += skipped;
        }
        k0 = k1;
    }
    return 0;
}

/* Packed: cells, n_out, d, blocks, then per (cell, output, block) the two
 * counts and the 2 + 2d exact sums. */
static size_t es_sobol_pack_size(const void *s, const es_plan *p)
{
    (void)p;
    const es_sobol *st = s;
    size_t n = 32 + 16 * st->nblk;
    for (size_t i = 0; i < st->nblk * st->nsum; i++)
        n += es_xsum_pack_size(&st->sum[i]);
    return n;
}

static void es_sobol_pack(const void *s, const es_plan *p, unsigned char *buf)
{
    (void)p;
    const es_sobol *st = s;
    es_put_u64(buf, st->cells);
    es_put_u64(buf + 8, st->n_out);
    es_put_u64(buf + 16, st->d);
    es_put_u64(buf + 24, ES_SOBOL_BLOCKS);
    buf += 32;
    for (size_t i = 0; i < st->nblk; i++) {
        es_put_u64(buf, st->n[i]);
        es_put_u64(buf + 8, st->skip[i]);
        buf += 16;
        for (size_t q = 0; q < st->nsum; q++)
            buf += es_xsum_pack(&st->sum[i * st->nsum + q], buf);
    }
}

static int es_sobol_merge_packed(void *s, const es_plan *p, const unsigned char *buf, size_t len)
{
    (void)p;
    es_sobol *st = s;
    if (len < 32 || es_get_u64(buf) != st->cells || es_get_u64(buf + 8) != st->n_out ||
        es_get_u64(buf + 16) != st->d || es_get_u64(buf + 24) != ES_SOBOL_BLOCKS)
        return -1;
    buf += 32;
    len -= 32;
    for (size_t i = 0; i < st->nblk; i++) {
        if (len < 16) return -1;
        st->n[i] += es_get_u64(buf);
        st->skip[i] += es_get_u64(buf + 8);
        buf += 16;
        len -= 16;
        for (size_t q = 0; q < st->nsum; q++) {
            es_xsum t;
            size_t k = es_xsum_unpack(&t, buf, len);
            if (!k) return -1;
            es_xsum_merge(&st->sum[i * st->nsum + q], &t);
            buf += k;
            len -= k;
        }
    }
    return len == 0 ? 0 : -1;
}

/* The variance of m values from the exact sums s1 (of x - K) and s2 (of
 * (x - K)^2): (S2 - S1^2/m) / (m - 1), with S1^2/m = S1 (S1/m) and the
 * product's rounding error kept (as in stat_moments.c).  NaN for m < 2. */
static double es_sobol_var(const es_xsum *s1, const es_xsum *s2, double m)
{
    if (m < 2) return NAN;
    double s1h, s1l, s2h, s2l;
    es_xsum_round2(s1, &s1h, &s1l);
    es_xsum_round2(s2, &s2h, &s2l);
    double dm = s1h / m + s1l / m;
    double pr = s1h * dm, pe = fma(s1h, dm, -pr);
    double ss = (s2h - pr) + (s2l - pe - s1l * dm);
    return ss > 0 ? ss / (m - 1) : 0;
}

/* First-order and total indices of every input from the sums of n rows. */
static void es_sobol_indices(const es_xsum *sum, size_t d, uint64_t n, double K, double *first,
                             double *total)
{
    double V = es_sobol_var(&sum[0], &sum[1], 2.0 * (double)n);
    /* a spread at rounding level is no variance to share out (stat_rank.c) */
    double mean = K + es_xsum_round(&sum[0]) / (2.0 * (double)n); /* the sums are of y - K */
    int varies = V > 0 && sqrt(V) > ES_STAT_ROUNDING_SPREAD * fabs(mean);
    for (size_t j = 0; j < d; j++) {
        first[j] = total[j] = NAN;
        if (!varies) continue;
        first[j] = es_xsum_round(&sum[2 + j]) / (double)n / V;
        total[j] = es_xsum_round(&sum[2 + d + j]) / (2.0 * (double)n) / V;
    }
}

/* The eight arrays, in this order. */
enum {
    SB_FIRST,
    SB_FIRST_SE,
    SB_FIRST_LO,
    SB_FIRST_HI,
    SB_TOTAL,
    SB_TOTAL_SE,
    SB_TOTAL_LO,
    SB_TOTAL_HI,
    SB_N
};

/* Estimates, standard errors and intervals of one (cell, output) into
 * out[SB_N][d]. */
static int es_sobol_cell_values(const es_sobol *st, size_t base, double *const *out, uint64_t *used)
{
    const size_t d = st->d, ns = st->nsum;
    const double K = st->anchor[base / ES_SOBOL_BLOCKS];
    es_xsum *tot = malloc(ns * sizeof *tot);
    double *bf = malloc(ES_SOBOL_BLOCKS * d * sizeof *bf);
    double *bt = malloc(ES_SOBOL_BLOCKS * d * sizeof *bt);
    if (!tot || !bf || !bt) {
        free(tot);
        free(bf);
        free(bt);
        return -1;
    }
    uint64_t n = 0;
    for (size_t q = 0; q < ns; q++)
        es_xsum_init(&tot[q]);
    int m = 0; /* blocks with an estimate */
    for (size_t b = 0; b < ES_SOBOL_BLOCKS; b++) {
        const es_xsum *s = &st->sum[(base + b) * ns];
        uint64_t nb = st->n[base + b];
        n += nb;
        for (size_t q = 0; q < ns; q++)
            es_xsum_merge(&tot[q], &s[q]);
        if (nb < 2) continue;
        es_sobol_indices(s, d, nb, K, bf + (size_t)m * d, bt + (size_t)m * d);
        if (isnan(bf[(size_t)m * d])) continue; /* a constant block */
        m++;
    }
    *used = n;
    for (size_t k = 0; k < SB_N; k++)
        for (size_t j = 0; j < d; j++)
            out[k][j] = NAN;
    if (n >= 2) es_sobol_indices(tot, d, n, K, out[SB_FIRST], out[SB_TOTAL]);
    if (m >= 2) {
        double t = gsl_cdf_tdist_Pinv(0.975, m - 1);
        for (int w = 0; w < 2; w++) {
            const double *bv = w == 0 ? bf : bt;
            const int e = w == 0 ? SB_FIRST : SB_TOTAL;
            for (size_t j = 0; j < d; j++) {
                double mean = 0, ss = 0;
                for (int b = 0; b < m; b++)
                    mean += bv[(size_t)b * d + j];
                mean /= m;
                for (int b = 0; b < m; b++) {
                    double r = bv[(size_t)b * d + j] - mean;
                    ss += r * r;
                }
                double se = sqrt(ss / (m - 1) / m);
                out[e + 1][j] = se;
                out[e + 2][j] = out[e][j] - t * se;
                out[e + 3][j] = out[e][j] + t * se;
            }
        }
    }
    free(tot);
    free(bf);
    free(bt);
    return 0;
}

/* names joined by single blanks */
static char *es_join(const es_plan *p, size_t from, size_t to)
{
    size_t len = 1;
    for (size_t v = from; v < to; v++)
        len += strlen(es_plan_var_name(p, v)) + 1;
    char *s = malloc(len);
    if (!s) return NULL;
    s[0] = '\0';
    for (size_t v = from; v < to; v++) {
        if (v > from) strcat(s, " ");
        strcat(s, es_plan_var_name(p, v));
    }
    return s;
}

/* /sensitivity/output and /sensitivity/input, unless another statistic
 * (rank) made them already. */
static int es_sobol_coords(const es_plan *p, es_results *r)
{
    const char **names = malloc((p->nvars ? p->nvars : 1) * sizeof *names);
    if (!names) return -1;
    for (size_t v = 0; v < p->nvars; v++)
        names[v] = es_plan_var_name(p, v);
    int rc = 0;
    if (!es_results_find(r, "/sensitivity/output") &&
        !es_results_coord_str(r, "/sensitivity/output", p->n_out, names + p->d))
        rc = -1;
    if (!es_results_find(r, "/sensitivity/input") &&
        !es_results_coord_str(r, "/sensitivity/input", p->d, names))
        rc = -1;
    free(names);
    return rc;
}

static int es_sobol_emit(const void *s, const es_plan *p, es_results *r)
{
    const es_sobol *st = s;
    static const char *const path[SB_N] = {
        "/sensitivity/sobol_first",    "/sensitivity/sobol_first_se", "/sensitivity/sobol_first_lo",
        "/sensitivity/sobol_first_hi", "/sensitivity/sobol_total",    "/sensitivity/sobol_total_se",
        "/sensitivity/sobol_total_lo", "/sensitivity/sobol_total_hi"};
    static const char *const long_name[SB_N] = {
        "first-order Sobol index",
        "standard error of the first-order Sobol index (batch means)",
        "lower end of the 95% interval of the first-order Sobol index",
        "upper end of the 95% interval of the first-order Sobol index",
        "total Sobol index",
        "standard error of the total Sobol index (batch means)",
        "lower end of the 95% interval of the total Sobol index",
        "upper end of the 95% interval of the total Sobol index"};
    static const char *const first_method =
        "Saltelli et al. (2010): S_j = mean(f_B (f_ABj - f_A)) / V, V the variance of f over A "
        "and B";
    static const char *const total_method =
        "Jansen (1999): ST_j = mean((f_A - f_ABj)^2) / 2 / V, V the variance of f over A and B";
    static const char *const se_method =
        "batch means over 32 fixed blocks of base points (point i in block floor(32 i / N)): "
        "standard deviation of the block indices / sqrt(blocks)";
    static const char *const ci_method = "estimate -+ t(0.975, blocks - 1) standard error";
    if (es_sobol_coords(p, r)) return -1;
    char *rows = es_join(p, p->d, p->nvars), *cols = es_join(p, 0, p->d);
    if (!rows || !cols) {
        free(rows);
        free(cols);
        return -1;
    }
    uint64_t inner[2] = {st->n_out, st->d}, skipped = 0;
    for (size_t i = 0; i < st->nblk; i++)
        skipped += st->skip[i];
    es_res_array *a[SB_N];
    int rc = 0;
    for (int k = 0; k < SB_N && !rc; k++) {
        a[k] = es_stats_array(r, p, path[k], ES_RES_F64, 2, inner);
        if (!a[k]) {
            rc = -1;
            break;
        }
        es_res_dim(a[k], (int)p->nscan, "/sensitivity/output");
        es_res_dim(a[k], (int)p->nscan + 1, "/sensitivity/input");
        const char *method = k == SB_FIRST                            ? first_method
                             : k == SB_TOTAL                          ? total_method
                             : (k == SB_FIRST_SE || k == SB_TOTAL_SE) ? se_method
                                                                      : ci_method;
        if (es_res_attr_str(a[k], "rows", rows) || es_res_attr_str(a[k], "columns", cols) ||
            es_res_attr_str(a[k], "long_name", long_name[k]) ||
            es_res_attr_str(a[k], "method", method) || es_res_attr_str(a[k], "units", "1") ||
            es_res_attr_f64(a[k], "blocks", ES_SOBOL_BLOCKS) ||
            es_res_attr_f64(a[k], "skipped_rows", (double)skipped))
            rc = -1;
    }
    free(rows);
    free(cols);
    if (rc) return -1;
    double *vals = malloc(SB_N * st->d * sizeof *vals);
    if (!vals) return -1;
    double *out[SB_N];
    for (int k = 0; k < SB_N; k++)
        out[k] = vals + (size_t)k * st->d;
    uint64_t used_min = UINT64_MAX;
    for (uint64_t c = 0; c < st->cells && !rc; c++)
        for (size_t o = 0; o < st->n_out && !rc; o++) {
            uint64_t used;
            size_t co = (size_t)c * st->n_out + o;
            rc = es_sobol_cell_values(st, co * ES_SOBOL_BLOCKS, out, &used);
            if (used < used_min) used_min = used;
            for (int k = 0; k < SB_N && !rc; k++)
                memcpy((double *)a[k]->data + co * st->d, out[k], st->d * sizeof(double));
        }
    free(vals);
    if (!rc)
        for (int k = 0; k < SB_N; k++)
            es_res_attr_f64(a[k], "base_points_used_min", (double)used_min);
    return rc || r->oom ? -1 : 0;
}

const es_stat_type es_stat_sobol = {
    .name = "sobol",
    .pass = 1,
    .wanted = es_sobol_wanted,
    .create = es_sobol_create,
    .destroy = es_sobol_destroy,
    .reset = es_sobol_reset,
    .add = es_sobol_add,
    .pack_size = es_sobol_pack_size,
    .pack = es_sobol_pack,
    .merge_packed = es_sobol_merge_packed,
    .emit = es_sobol_emit,
};
