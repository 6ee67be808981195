/* src/stat_rank.c: rank sensitivity of every output to every uncertain input,
 * for every design: Spearman's rank correlation, the partial rank
 * correlation (PRCC) and a first-order index from the given data.
 *
 * Pass 2 (the sensitivity pass) sees the first S = plan->sens_points design
 * points of every scan cell again, after pass 1 is merged.  Per (cell,
 * output), over the rows where the output is finite:
 *
 * Ranks.  The rank of input j is its unit coordinate U_j after the copula
 * (seg->u[j][k * evals]), which is exactly the input's CDF at its value:
 * the population rank, no sorting needed.  The rank of the output is
 * R = F^(y), the CDF of pass 1's merged sketch of that output in that cell
 * (sketch.h: the mid-rank interpolated inside a bucket; off the exact
 * mid-rank by at most the bucket's mass c/n, and exact where the values in
 * a bucket are evenly spread or tied to one value).  Both lie in [0, 1].
 *
 * Spearman (1904): rho_j = corr(U_j, R), Pearson's correlation of the ranks.
 *   Its sampling error is about (1 - rho^2)/sqrt(S).  An output rank off by
 *   at most eps moves rho by at most about 2 sqrt(12) eps.
 * PRCC (as in Dakota; Iman and Conover 1980, Marino et al. 2008): with C the
 *   correlation matrix of (U_1..U_m, R) over the inputs that vary and
 *   P = C^-1 (GSL's Cholesky decomposition and inverse),
 *   prcc_j = -P_jR / sqrt(P_jj P_RR): the correlation of U_j and R once the
 *   linear effect of every other input's rank is removed from both.  It
 *   takes away the artefact of correlated inputs (an input that only moves
 *   with a driver gets a large Spearman but a small PRCC).  A singular C
 *   (inputs ranks perfectly dependent) gives NaN.
 * First-order index from given data (in the spirit of Plischke, Borgonovo
 *   and Smith 2013; Strong and Oakley 2013): the rows are put into M classes
 *   of equal probability by U_j (class floor(M U_j)), and with z the output
 *   standardised by pass 1's mean and standard deviation,
 *     S_j = sum_b n_b (zbar_b - zbar)^2 / sum_i (z_i - zbar)^2,
 *   the share of the output's variance explained by the class means: an
 *   estimate of Var(E[Y | X_j]) / Var(Y).  M = floor(cbrt(S)) in [2, 64]
 *   (with a grid design: the largest level count, at most 64, so each level
 *   is its own class).  Bias: + (M - 1)(1 - S_j)/S from the noise of the
 *   class means (3.8e-4 at S = 131072, M = 50), and - Var within classes of
 *   E[Y | X_j] / Var(Y), O(1/M^2) for a smooth E[Y | X_j] (about 8e-4 for
 *   Ishigami's x1 at M = 50); M ~ S^(1/3) balances the two.
 *
 * Exact, order-free accumulation: U and R are quantised to integers
 * Q = round(2^32 x) (error 2^-33), and products and sums are kept in
 * unsigned __int128: at most 2^64 a term and 2^62 rows, so below 2^126.
 * z is quantised to round(2^24 z) in __int128; pass-2 rows are rows of
 * pass 1, whose z satisfy sum z^2 = N1 - 1 < 2^62, so sum Qz^2 < 2^110 and
 * |sum Qz| < 2^87: no overflow is possible (|z| is clamped to 2^32 as a
 * guard; a pass-1 value has |z| < sqrt(N1) <= 2^31, so the clamp never acts).
 * Every sum is an integer, so any grouping of rows into chunks and ranks
 * merges to the same bytes; the indices are computed from them once, at the
 * end, in double (ranks are bounded, so the centred sums lose no accuracy).
 *
 * NaN: inputs with a constant distribution or a single grid level (their
 * U does not vary), an output that is constant or varies only by rounding
 * (its standard deviation at most 64 ulp of its mean's magnitude, as an output
 * that an input cancels out of: gpu_tax_saving_usd does not depend on mfu), or
 * fewer than 3 rows.
 *
 * Cost per row: d(d+1)/2 + d integer multiply-adds for the inputs (shared by
 * the outputs that are finite together), and per output one O(1) CDF
 * lookup and 2d + 4 multiply-adds.  Rows whose outputs are all finite are
 * gathered in tiles of ES_RK_TILE rows and added column by column: the
 * products as dot products of 32-bit columns (64-bit products, their halves
 * summed apart: exact, vectorised), the class sums of Qz for all outputs of
 * a row at once into 64-bit sums flushed into the 128-bit ones before they
 * could overflow.  The same integers as row by row (tests/test_rank.c
 * compares the bytes).  Measured on jobs/openai_amazon.ini (21 inputs, 21
 * outputs): pass 2 takes 0.19 s for the default 131072 points, the pipeline's
 * recomputation of the rows included.  Memory per cell: about
 * 16 n_out d (M+1) + 8 d M + 8 d^2 bytes (about 200 KB for 15 inputs, 16
 * outputs and M = 50) and the outputs' CDF tables (the size of their
 * sketches); per state, tiles of 4 (d + 3 n_out) ES_RK_TILE bytes and 8 d M
 * n_out bytes of 64-bit class sums. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clones.h"
#include "sketch.h"
#include "stats.h"

typedef unsigned __int128 es_u128;
typedef __int128 es_i128;

#define ES_RK_QSCALE 4294967296.0 /* 2^32: ranks in fixed point */
#define ES_RK_ZSCALE 16777216.0   /* 2^24: standardised outputs in fixed point */
#define ES_RK_MMAX 64             /* classes of the first-order index, at most */
#define ES_RK_TILE 128            /* rows of a tile */

/* Sums over the input ranks of a set of rows. */
typedef struct {
    uint64_t n;    /* rows */
    es_u128 *su;   /* [d] sum QU_j */
    es_u128 *suu;  /* [d(d+1)/2] sum QU_i QU_j, i <= j, row-major upper triangle */
    uint64_t *cnt; /* [d][M] rows in each class of U_j */
} es_rk_in;

/* Sums of one output's rank and standardised value over its finite rows. */
typedef struct {
    es_u128 sr, srr, szz; /* sum QR, sum QR^2, sum Qz^2 */
    es_i128 sz;           /* sum Qz */
    es_u128 *sur;         /* [d] sum QU_j QR */
    es_i128 *zb;          /* [d][M] sum Qz over the rows of each class of U_j */
} es_rk_out;

typedef struct {
    size_t d, nout, M, ntri;
    uint64_t cells;
    es_rk_in *all;          /* [cells]: rows where every output is finite */
    es_rk_in **part;        /* [cells * nout]: rows where output o is finite and another is
                               not; NULL until needed */
    es_rk_out *out;         /* [cells * nout] */
    es_sketch_ranker *rank; /* [cells * nout]: CDF of each output (pass 1's sketch) */
    double *mean, *sd;      /* [cells * nout]: pass 1's moments of each output */
    int *varies;            /* [d]: 0 for a constant distribution or a single grid level */
    /* per-segment scratch */
    uint64_t *qu; /* [d] */
    size_t *cls;  /* [d] */
    int *fin;     /* [nout] */
    /* a tile of rows whose sums are added column by column (es_rk_tile) */
    uint32_t *tq; /* [d][ES_RK_TILE] QU */
    uint8_t *tcl; /* [d][ES_RK_TILE] class of U */
    uint32_t *tr; /* [nout][ES_RK_TILE] QR */
    int64_t *tz;  /* [ES_RK_TILE][nout] Qz, row by row */
    /* the class sums of Qz of the tiles of a segment, [d][M][nout] in 64 bits
     * (zt_bound bounds their magnitude; added to the cell's zb at the end of
     * the segment, or before they could overflow) */
    int64_t *zt;
    uint64_t zt_bound;
} es_rank;

/* ---- blocks ---- */

static int es_rk_in_alloc(es_rk_in *b, size_t d, size_t ntri, size_t M)
{
    b->n = 0;
    b->su = calloc(d ? d : 1, sizeof *b->su);
    b->suu = calloc(ntri ? ntri : 1, sizeof *b->suu);
    b->cnt = calloc(d * M > 0 ? d * M : 1, sizeof *b->cnt);
    return b->su && b->suu && b->cnt ? 0 : -1;
}

static void es_rk_in_free(es_rk_in *b)
{
    if (!b) return;
    free(b->su);
    free(b->suu);
    free(b->cnt);
}

static void es_rk_in_zero(es_rk_in *b, size_t d, size_t ntri, size_t M)
{
    b->n = 0;
    memset(b->su, 0, d * sizeof *b->su);
    memset(b->suu, 0, ntri * sizeof *b->suu);
    memset(b->cnt, 0, d * M * sizeof *b->cnt);
}

static int es_rk_out_alloc(es_rk_out *o, size_t d, size_t M)
{
    o->sr = o->srr = o->szz = 0;
    o->sz = 0;
    o->sur = calloc(d ? d : 1, sizeof *o->sur);
    o->zb = calloc(d * M > 0 ? d * M : 1, sizeof *o->zb);
    return o->sur && o->zb ? 0 : -1;
}

static void es_rk_out_zero(es_rk_out *o, size_t d, size_t M)
{
    o->sr = o->srr = o->szz = 0;
    o->sz = 0;
    memset(o->sur, 0, d * sizeof *o->sur);
    memset(o->zb, 0, d * M * sizeof *o->zb);
}

/* ---- state ---- */

static void es_rank_destroy(void *s)
{
    es_rank *st = s;
    if (!st) return;
    size_t co = (size_t)st->cells * st->nout;
    if (st->all)
        for (uint64_t c = 0; c < st->cells; c++)
            es_rk_in_free(&st->all[c]);
    if (st->part)
        for (size_t i = 0; i < co; i++) {
            es_rk_in_free(st->part[i]);
            free(st->part[i]);
        }
    if (st->out)
        for (size_t i = 0; i < co; i++) {
            free(st->out[i].sur);
            free(st->out[i].zb);
        }
    if (st->rank)
        for (size_t i = 0; i < co; i++)
            es_sketch_ranker_free(&st->rank[i]);
    free(st->all);
    free(st->part);
    free(st->out);
    free(st->rank);
    free(st->mean);
    free(st->sd);
    free(st->varies);
    free(st->qu);
    free(st->cls);
    free(st->fin);
    free(st->tq);
    free(st->tcl);
    free(st->tr);
    free(st->tz);
    free(st->zt);
    free(st);
}

/* Classes of the first-order index: floor(cbrt(S)) in [2, 64]; a grid's
 * largest level count. */
static size_t es_rank_classes(const es_plan *p)
{
    if (p->design == es_design_find("grid")) {
        uint32_t L = 2;
        for (size_t j = 0; j < p->d; j++)
            if (p->levels[j] > L) L = p->levels[j];
        return L > ES_RK_MMAX ? ES_RK_MMAX : L;
    }
    double m = floor(cbrt((double)p->sens_points));
    return m < 2 ? 2 : m > ES_RK_MMAX ? ES_RK_MMAX : (size_t)m;
}

/* Pass 1's mean and standard deviation of every output, from the moments'
 * own results (/summary/moments [scan..., variable, statistic]). */
static int es_rank_moments(es_rank *st, const es_plan *p, const void *mom)
{
    es_results r;
    es_results_init(&r);
    int rc = -1;
    if (es_stat_moments.emit(mom, p, &r) == 0) {
        const es_res_array *a = es_results_find(&r, "/summary/moments");
        long im = es_res_label(&r, "/summary/statistic", "mean");
        long is = es_res_label(&r, "/summary/statistic", "std");
        if (a && a->type == ES_RES_F64 && im >= 0 && is >= 0) {
            size_t ns = (size_t)a->dims[a->rank - 1];
            const double *x = a->data;
            for (uint64_t c = 0; c < p->cells; c++)
                for (size_t o = 0; o < p->n_out; o++) {
                    size_t base = ((size_t)c * p->nvars + p->d + o) * ns;
                    st->mean[c * p->n_out + o] = x[base + (size_t)im];
                    st->sd[c * p->n_out + o] = x[base + (size_t)is];
                }
            rc = 0;
        }
    }
    es_results_free(&r);
    return rc;
}

static void *es_rank_create(const es_plan *p, const es_stat_ctx *ctx)
{
    const void *sk = ctx ? es_statset_find(ctx->pass1, &es_stat_sketch) : NULL;
    const void *mom = ctx ? es_statset_find(ctx->pass1, &es_stat_moments) : NULL;
    if (!sk || !mom) return NULL; /* pass 2 needs pass 1's merged sketches and moments */
    es_rank *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->d = p->d;
    st->nout = p->n_out;
    st->M = es_rank_classes(p);
    st->ntri = p->d * (p->d + 1) / 2;
    st->cells = p->cells;
    size_t co = (size_t)p->cells * p->n_out;
    st->all = calloc(p->cells, sizeof *st->all);
    st->part = calloc(co, sizeof *st->part);
    st->out = calloc(co, sizeof *st->out);
    st->rank = calloc(co, sizeof *st->rank);
    st->mean = malloc(co * sizeof *st->mean);
    st->sd = malloc(co * sizeof *st->sd);
    st->varies = malloc(p->d * sizeof *st->varies);
    st->qu = malloc(p->d * sizeof *st->qu);
    st->cls = malloc(p->d * sizeof *st->cls);
    st->fin = malloc(p->n_out * sizeof *st->fin);
    st->tq = malloc((p->d ? p->d : 1) * ES_RK_TILE * sizeof *st->tq);
    st->tcl = malloc((p->d ? p->d : 1) * ES_RK_TILE * sizeof *st->tcl);
    st->tr = malloc((p->n_out ? p->n_out : 1) * ES_RK_TILE * sizeof *st->tr);
    st->tz = malloc((p->n_out ? p->n_out : 1) * ES_RK_TILE * sizeof *st->tz);
    st->zt = calloc((p->d ? p->d : 1) * st->M * (p->n_out ? p->n_out : 1), sizeof *st->zt);
    if (!st->all || !st->part || !st->out || !st->rank || !st->mean || !st->sd || !st->varies ||
        !st->qu || !st->cls || !st->fin || !st->tq || !st->tcl || !st->tr || !st->tz || !st->zt)
        goto fail;
    for (uint64_t c = 0; c < p->cells; c++)
        if (es_rk_in_alloc(&st->all[c], st->d, st->ntri, st->M)) goto fail;
    for (size_t i = 0; i < co; i++)
        if (es_rk_out_alloc(&st->out[i], st->d, st->M)) goto fail;
    for (uint64_t c = 0; c < p->cells; c++)
        for (size_t o = 0; o < p->n_out; o++) {
            const es_sketch *s = es_stat_sketch_get(sk, p, c, p->d + o);
            if (!s || es_sketch_ranker_init(&st->rank[c * p->n_out + o], s)) goto fail;
        }
    if (es_rank_moments(st, p, mom)) goto fail;
    int grid = p->design == es_design_find("grid");
    for (size_t j = 0; j < p->d; j++) {
        const es_dist *dist = &p->job->dist[p->job->unc[j]];
        st->varies[j] = dist->kind != ES_DIST_CONSTANT && !(grid && p->levels[j] == 1);
    }
    return st;
fail:
    es_rank_destroy(st);
    return NULL;
}

static void es_rank_reset(void *s, const es_plan *p)
{
    (void)p;
    es_rank *st = s;
    size_t co = (size_t)st->cells * st->nout;
    for (uint64_t c = 0; c < st->cells; c++)
        es_rk_in_zero(&st->all[c], st->d, st->ntri, st->M);
    for (size_t i = 0; i < co; i++) {
        if (st->part[i]) es_rk_in_zero(st->part[i], st->d, st->ntri, st->M);
        es_rk_out_zero(&st->out[i], st->d, st->M);
    }
}

/* ---- adding rows ---- */

static inline uint64_t es_rk_q(double u)
{
    if (!(u > 0)) return 0;
    if (u >= 1) return (uint64_t)1 << 32;
    return (uint64_t)(u * ES_RK_QSCALE + 0.5);
}

static inline int64_t es_rk_qz(double z)
{
    const double lim = 4294967296.0; /* |z| <= 2^32: never reached by rows of pass 1 */
    if (z != z) return 0;            /* NaN (not reached: y, the mean and sd are finite) */
    z = z > lim ? lim : z < -lim ? -lim : z;
    double t = z * ES_RK_ZSCALE;
    return (int64_t)(t < 0 ? t - 0.5 : t + 0.5);
}

static void es_rk_in_add(es_rk_in *b, size_t d, size_t M, const uint64_t *qu, const size_t *cls)
{
    b->n++;
    size_t t = 0;
    for (size_t i = 0; i < d; i++) {
        const uint64_t a = qu[i];
        b->su[i] += a;
        for (size_t j = i; j < d; j++)
            b->suu[t++] += (es_u128)a * qu[j];
        b->cnt[i * M + cls[i]]++;
    }
}

/* Qz of output value y of (cell, output) i: standardised by pass 1's moments */
static inline int64_t es_rk_out_qz(const es_rank *st, size_t i, double y)
{
    const double sd = st->sd[i];
    return sd > 0 && isfinite(sd) ? es_rk_qz((y - st->mean[i]) / sd) : 0;
}

/* Row k of the segment, its inputs' QU and classes in st->qu and st->cls:
 * every sum it enters, one by one (rows with a non-finite output, or a rank
 * of exactly 1). */
static int es_rank_add_row(es_rank *st, const es_seg *seg, size_t k)
{
    const size_t d = st->d, nout = st->nout, M = st->M;
    const uint64_t c = seg->cell;
    int all = 1;
    for (size_t o = 0; o < nout; o++) {
        st->fin[o] = isfinite(seg->v[d + o][k]);
        all &= st->fin[o];
    }
    if (all) es_rk_in_add(&st->all[c], d, M, st->qu, st->cls);
    for (size_t o = 0; o < nout; o++) {
        if (!st->fin[o]) continue;
        size_t i = c * nout + o;
        if (!all) {
            if (!st->part[i]) {
                st->part[i] = calloc(1, sizeof *st->part[i]);
                if (!st->part[i] || es_rk_in_alloc(st->part[i], d, st->ntri, M)) return -1;
            }
            es_rk_in_add(st->part[i], d, M, st->qu, st->cls);
        }
        const double y = seg->v[d + o][k];
        const uint64_t qr = es_rk_q(es_sketch_ranker_cdf(&st->rank[i], y));
        const int64_t qz = es_rk_out_qz(st, i, y);
        es_rk_out *ob = &st->out[i];
        ob->sr += qr;
        ob->srr += (es_u128)qr * qr;
        ob->sz += qz;
        ob->szz += (es_u128)((es_i128)qz * qz);
        for (size_t j = 0; j < d; j++) {
            ob->sur[j] += (es_u128)st->qu[j] * qr;
            ob->zb[j * M + st->cls[j]] += qz;
        }
    }
    return 0;
}

/* sum a[k] b[k] over k < m, exactly, for a[k], b[k] < 2^32: each product in
 * 64 bits, its high and low halves summed apart (no carry lost for m < 2^32).
 * A column loop GCC vectorises. */
ES_CLONES static es_u128 es_rk_dot(const uint32_t *restrict a, const uint32_t *restrict b, size_t m)
{
    uint64_t hi = 0, lo = 0;
    for (size_t k = 0; k < m; k++) {
        const uint64_t p = (uint64_t)a[k] * b[k];
        hi += p >> 32;
        lo += p & 0xffffffffu;
    }
    return ((es_u128)hi << 32) + lo;
}

static uint64_t es_rk_sum(const uint32_t *a, size_t m)
{
    uint64_t s = 0;
    for (size_t k = 0; k < m; k++)
        s += a[k];
    return s;
}

/* The tiles' class sums into cell c's zb, exactly; zt is zero again. */
static void es_rk_flush(es_rank *st, uint64_t c)
{
    const size_t d = st->d, nout = st->nout, M = st->M;
    if (st->zt_bound == 0) return;
    for (size_t j = 0; j < d; j++)
        for (size_t b = 0; b < M; b++) {
            int64_t *z = st->zt + (j * M + b) * nout;
            for (size_t o = 0; o < nout; o++) {
                st->out[c * nout + o].zb[j * M + b] += z[o];
                z[o] = 0;
            }
        }
    st->zt_bound = 0;
}

/* The m rows of the tile (every output finite, every QU and QR below 2^32)
 * into the sums of cell c: the same integers es_rank_add_row adds, summed
 * column by column; the class sums of Qz go to zt, a row's outputs at once. */
static void es_rk_tile(es_rank *st, uint64_t c, size_t m)
{
    const size_t d = st->d, nout = st->nout, M = st->M, T = ES_RK_TILE;
    es_rk_in *b = &st->all[c];
    b->n += m;
    size_t t = 0;
    for (size_t i = 0; i < d; i++) {
        const uint32_t *qi = st->tq + i * T;
        const uint8_t *ci = st->tcl + i * T;
        b->su[i] += es_rk_sum(qi, m);
        for (size_t j = i; j < d; j++)
            b->suu[t++] += es_rk_dot(qi, st->tq + j * T, m);
        uint64_t *cnt = b->cnt + i * M;
        for (size_t k = 0; k < m; k++)
            cnt[ci[k]]++;
    }
    /* zt's sums stay within zt_bound, the sum of each added row's largest
     * |Qz|; a row adds at most 2^56 (es_rk_qz's clamp), so flushing when the
     * next row could pass INT64_MAX keeps every sum exact */
    for (size_t k = 0; k < m; k++) {
        const int64_t *qz = st->tz + k * nout;
        uint64_t big = 0;
        for (size_t o = 0; o < nout; o++) {
            const uint64_t a = qz[o] < 0 ? (uint64_t)0 - (uint64_t)qz[o] : (uint64_t)qz[o];
            big = a > big ? a : big;
        }
        if (st->zt_bound > (uint64_t)INT64_MAX - big) es_rk_flush(st, c);
        st->zt_bound += big;
        for (size_t j = 0; j < d; j++) {
            int64_t *restrict dst = st->zt + ((size_t)j * M + st->tcl[j * T + k]) * nout;
            for (size_t o = 0; o < nout; o++)
                dst[o] += qz[o];
        }
    }
    for (size_t o = 0; o < nout; o++) {
        es_rk_out *ob = &st->out[c * nout + o];
        const uint32_t *qr = st->tr + o * T;
        ob->sr += es_rk_sum(qr, m);
        ob->srr += es_rk_dot(qr, qr, m);
        es_i128 sz = 0;
        es_u128 szz = 0;
        for (size_t k = 0; k < m; k++) {
            const int64_t z = st->tz[k * nout + o];
            sz += z;
            szz += (es_u128)((es_i128)z * z);
        }
        ob->sz += sz;
        ob->szz += szz;
        for (size_t j = 0; j < d; j++)
            ob->sur[j] += es_rk_dot(st->tq + j * T, qr, m);
    }
}

int es_stat_rank_tiles = 1;

static int es_rank_add(void *s, const es_plan *p, const es_seg *seg)
{
    es_rank *st = s;
    const size_t d = st->d, nout = st->nout, M = st->M, E = seg->evals, T = ES_RK_TILE;
    const uint64_t c = seg->cell, one = (uint64_t)1 << 32;
    size_t m = 0; /* rows in the tile */
    for (size_t k = 0; k < seg->n; k++) {
        int plain = 1;
        for (size_t j = 0; j < d; j++) {
            uint64_t q = es_rk_q(seg->u[j][k * E]);
            size_t b = (size_t)(((es_u128)q * M) >> 32);
            st->qu[j] = q;
            st->cls[j] = b < M ? b : M - 1;
            plain &= q < one;
        }
        plain &= es_stat_rank_tiles;
        for (size_t o = 0; o < nout && plain; o++)
            plain = isfinite(seg->v[d + o][k]);
        for (size_t o = 0; o < nout && plain; o++) {
            const size_t i = c * nout + o;
            const double y = seg->v[d + o][k];
            const uint64_t qr = es_rk_q(es_sketch_ranker_cdf(&st->rank[i], y));
            plain = qr < one;
            st->tr[o * T + m] = (uint32_t)qr;
            st->tz[m * nout + o] = es_rk_out_qz(st, i, y);
        }
        if (!plain) {
            if (es_rank_add_row(st, seg, k)) return -1;
            continue;
        }
        for (size_t j = 0; j < d; j++) {
            st->tq[j * T + m] = (uint32_t)st->qu[j];
            st->tcl[j * T + m] = (uint8_t)st->cls[j];
        }
        if (++m == T) {
            es_rk_tile(st, c, m);
            m = 0;
        }
    }
    if (m) es_rk_tile(st, c, m);
    es_rk_flush(st, c);
    (void)p;
    return 0;
}

/* ---- bytes ---- */

static size_t es_rk_in_size(const es_rank *st)
{
    return 8 + 16 * (st->d + st->ntri) + 8 * st->d * st->M;
}

static size_t es_rk_out_size(const es_rank *st)
{
    return 16 * 4 + 16 * st->d + 16 * st->d * st->M;
}

static void es_put_u128(unsigned char *b, es_u128 v)
{
    es_put_u64(b, (uint64_t)v);
    es_put_u64(b + 8, (uint64_t)(v >> 64));
}

static es_u128 es_get_u128(const unsigned char *b)
{
    return (es_u128)es_get_u64(b) | ((es_u128)es_get_u64(b + 8) << 64);
}

static unsigned char *es_rk_in_pack(const es_rank *st, const es_rk_in *b, unsigned char *o)
{
    es_put_u64(o, b->n);
    o += 8;
    for (size_t j = 0; j < st->d; j++, o += 16)
        es_put_u128(o, b->su[j]);
    for (size_t t = 0; t < st->ntri; t++, o += 16)
        es_put_u128(o, b->suu[t]);
    for (size_t t = 0; t < st->d * st->M; t++, o += 8)
        es_put_u64(o, b->cnt[t]);
    return o;
}

static const unsigned char *es_rk_in_merge(const es_rank *st, es_rk_in *b, const unsigned char *o)
{
    b->n += es_get_u64(o);
    o += 8;
    for (size_t j = 0; j < st->d; j++, o += 16)
        b->su[j] += es_get_u128(o);
    for (size_t t = 0; t < st->ntri; t++, o += 16)
        b->suu[t] += es_get_u128(o);
    for (size_t t = 0; t < st->d * st->M; t++, o += 8)
        b->cnt[t] += es_get_u64(o);
    return o;
}

static unsigned char *es_rk_out_pack(const es_rank *st, const es_rk_out *b, unsigned char *o)
{
    es_put_u128(o, b->sr);
    es_put_u128(o + 16, b->srr);
    es_put_u128(o + 32, b->szz);
    es_put_u128(o + 48, (es_u128)b->sz);
    o += 64;
    for (size_t j = 0; j < st->d; j++, o += 16)
        es_put_u128(o, b->sur[j]);
    for (size_t t = 0; t < st->d * st->M; t++, o += 16)
        es_put_u128(o, (es_u128)b->zb[t]);
    return o;
}

static const unsigned char *es_rk_out_merge(const es_rank *st, es_rk_out *b, const unsigned char *o)
{
    b->sr += es_get_u128(o);
    b->srr += es_get_u128(o + 16);
    b->szz += es_get_u128(o + 32);
    b->sz = (es_i128)((es_u128)b->sz + es_get_u128(o + 48)); /* two's complement */
    o += 64;
    for (size_t j = 0; j < st->d; j++, o += 16)
        b->sur[j] += es_get_u128(o);
    for (size_t t = 0; t < st->d * st->M; t++, o += 16)
        b->zb[t] = (es_i128)((es_u128)b->zb[t] + es_get_u128(o));
    return o;
}

/* Layout: u64 d, u64 n_out, u64 M, u64 cells; per cell: the all-finite
 * block; per output a byte 1 + its partial block when it holds rows, else a
 * byte 0; then the output blocks.  Integers little endian. */
static size_t es_rank_pack_size(const void *s, const es_plan *p)
{
    (void)p;
    const es_rank *st = s;
    size_t co = (size_t)st->cells * st->nout, n = 32;
    n += st->cells * es_rk_in_size(st) + co * (1 + es_rk_out_size(st));
    for (size_t i = 0; i < co; i++)
        if (st->part[i] && st->part[i]->n) n += es_rk_in_size(st);
    return n;
}

static void es_rank_pack(const void *s, const es_plan *p, unsigned char *o)
{
    (void)p;
    const es_rank *st = s;
    es_put_u64(o, st->d);
    es_put_u64(o + 8, st->nout);
    es_put_u64(o + 16, st->M);
    es_put_u64(o + 24, st->cells);
    o += 32;
    for (uint64_t c = 0; c < st->cells; c++) {
        o = es_rk_in_pack(st, &st->all[c], o);
        for (size_t k = 0; k < st->nout; k++) {
            const es_rk_in *b = st->part[c * st->nout + k];
            *o++ = b && b->n;
            if (b && b->n) o = es_rk_in_pack(st, b, o);
        }
        for (size_t k = 0; k < st->nout; k++)
            o = es_rk_out_pack(st, &st->out[c * st->nout + k], o);
    }
}

static int es_rank_merge_packed(void *s, const es_plan *p, const unsigned char *buf, size_t len)
{
    (void)p;
    es_rank *st = s;
    if (len < 32 || es_get_u64(buf) != st->d || es_get_u64(buf + 8) != st->nout ||
        es_get_u64(buf + 16) != st->M || es_get_u64(buf + 24) != st->cells)
        return -1;
    /* the layout first: flags and length, before anything changes */
    const size_t in = es_rk_in_size(st), out = es_rk_out_size(st);
    size_t need = 32;
    for (uint64_t c = 0; c < st->cells; c++) {
        need += in;
        for (size_t k = 0; k < st->nout; k++) {
            if (need >= len || buf[need] > 1) return -1;
            need += 1 + (buf[need] ? in : 0);
        }
        need += st->nout * out;
        if (need > len) return -1;
    }
    if (need != len) return -1;
    /* the partial blocks this merge needs */
    const unsigned char *o = buf + 32;
    for (uint64_t c = 0; c < st->cells; c++) {
        o += in;
        for (size_t k = 0; k < st->nout; k++) {
            es_rk_in **b = &st->part[c * st->nout + k];
            if (*o++ && !*b) {
                *b = calloc(1, sizeof **b);
                if (!*b || es_rk_in_alloc(*b, st->d, st->ntri, st->M)) return -1;
            }
            if (o[-1]) o += in;
        }
        o += st->nout * out;
    }
    o = buf + 32;
    for (uint64_t c = 0; c < st->cells; c++) {
        o = es_rk_in_merge(st, &st->all[c], o);
        for (size_t k = 0; k < st->nout; k++)
            if (*o++) o = es_rk_in_merge(st, st->part[c * st->nout + k], o);
        for (size_t k = 0; k < st->nout; k++)
            o = es_rk_out_merge(st, &st->out[c * st->nout + k], o);
    }
    return 0;
}

/* ---- the indices ---- */

static double es_u128_d(es_u128 v)
{
    return (double)v;
}

static double es_i128_d(es_i128 v)
{
    return (double)v;
}

/* Spearman, PRCC and first-order indices of one (cell, output) into rows of d. */
static void es_rank_indices(const es_rank *st, uint64_t c, size_t o, double *rho, double *prcc,
                            double *first, uint64_t *rows)
{
    const size_t d = st->d, M = st->M, i = c * st->nout + o;
    const es_rk_in *a = &st->all[c], *b = st->part[i];
    const es_rk_out *ob = &st->out[i];
    for (size_t j = 0; j < d; j++)
        rho[j] = prcc[j] = first[j] = NAN;
    const uint64_t n = a->n + (b ? b->n : 0);
    *rows = n;
    if (n < 3) return;
    /* an output whose spread is at rounding level (ES_STAT_ROUNDING_SPREAD of
     * its mean) does not vary: the ranks of its rounding errors say nothing */
    if (!(st->sd[i] > ES_STAT_ROUNDING_SPREAD * fabs(st->mean[i]))) return;
    const double nn = (double)n, q = ES_RK_QSCALE, q2 = q * q, zq = ES_RK_ZSCALE;
    /* means and (co)variances of the ranks, in [0, 1] units */
    double *mu = malloc((d + 1) * sizeof *mu), *cov = malloc((d + 1) * (d + 1) * sizeof *cov);
    size_t *use = malloc((d + 1) * sizeof *use);
    if (!mu || !cov || !use) goto done;
    for (size_t j = 0; j < d; j++)
        mu[j] = es_u128_d(a->su[j] + (b ? b->su[j] : 0)) / q / nn;
    mu[d] = es_u128_d(ob->sr) / q / nn;
    for (size_t j = 0, t = 0; j < d; j++)
        for (size_t k = j; k < d; k++, t++) {
            double e = es_u128_d(a->suu[t] + (b ? b->suu[t] : 0)) / q2 / nn;
            cov[j * (d + 1) + k] = cov[k * (d + 1) + j] = e - mu[j] * mu[k];
        }
    for (size_t j = 0; j < d; j++)
        cov[j * (d + 1) + d] = cov[d * (d + 1) + j] =
            es_u128_d(ob->sur[j]) / q2 / nn - mu[j] * mu[d];
    cov[d * (d + 1) + d] = es_u128_d(ob->srr) / q2 / nn - mu[d] * mu[d];
    const double tiny = 1e-13; /* a variance of ranks below this is a constant */
    const double vr = cov[d * (d + 1) + d];
    size_t m = 0;
    for (size_t j = 0; j < d; j++)
        if (st->varies[j] && cov[j * (d + 1) + j] > tiny) use[m++] = j;
    /* first-order: between-class over total sum of squares of z */
    const double Z = es_i128_d(ob->sz) / zq;
    const double ss = es_u128_d(ob->szz) / (zq * zq) - Z * (Z / nn);
    for (size_t u = 0; u < m && ss > 0; u++) {
        size_t j = use[u];
        double between = -Z * (Z / nn);
        for (size_t k = 0; k < M; k++) {
            uint64_t nb = a->cnt[j * M + k] + (b ? b->cnt[j * M + k] : 0);
            if (!nb) continue;
            double zb = es_i128_d(ob->zb[j * M + k]) / zq;
            between += zb * (zb / (double)nb);
        }
        first[j] = between / ss;
    }
    if (!(vr > tiny)) goto done; /* a constant output has no rank correlation */
    for (size_t u = 0; u < m; u++) {
        size_t j = use[u];
        rho[j] = cov[j * (d + 1) + d] / sqrt(cov[j * (d + 1) + j] * vr);
    }
    /* PRCC: the inverse of the correlation matrix of (used inputs, output) */
    use[m] = d;
    gsl_matrix *C = gsl_matrix_alloc(m + 1, m + 1);
    if (!C) goto done;
    for (size_t r = 0; r <= m; r++)
        for (size_t k = 0; k <= m; k++) {
            size_t x = use[r], y = use[k];
            double v = cov[x * (d + 1) + y] / sqrt(cov[x * (d + 1) + x] * cov[y * (d + 1) + y]);
            gsl_matrix_set(C, r, k, r == k ? 1.0 : v);
        }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_linalg_cholesky_decomp1(C);
    /* a nearly singular matrix: ranks of inputs (almost) linearly dependent */
    for (size_t r = 0; r <= m && rc == 0; r++)
        if (!(gsl_matrix_get(C, r, r) > 1e-7)) rc = GSL_EDOM;
    if (rc == 0) rc = gsl_linalg_cholesky_invert(C);
    gsl_set_error_handler(old);
    if (rc == 0)
        for (size_t u = 0; u < m; u++) {
            double pjy = gsl_matrix_get(C, u, m), pjj = gsl_matrix_get(C, u, u);
            double pyy = gsl_matrix_get(C, m, m);
            prcc[use[u]] = -pjy / sqrt(pjj * pyy);
        }
    gsl_matrix_free(C);
done:
    free(mu);
    free(cov);
    free(use);
}

static int es_rank_emit(const void *s, const es_plan *p, es_results *r)
{
    const es_rank *st = s;
    const size_t d = st->d, nout = st->nout;
    /* names, also as the space-separated rows and columns attributes */
    const char **in = malloc(d * sizeof *in), **out = malloc(nout * sizeof *out);
    size_t lr = 1, lc = 1;
    for (size_t j = 0; in && j < d; j++)
        lc += strlen(in[j] = es_plan_var_name(p, j)) + 1;
    for (size_t o = 0; out && o < nout; o++)
        lr += strlen(out[o] = es_plan_var_name(p, d + o)) + 1;
    char *rows = malloc(lr), *cols = malloc(lc);
    if (!in || !out || !rows || !cols) {
        free(in);
        free(out);
        free(rows);
        free(cols);
        return -1;
    }
    rows[0] = cols[0] = '\0';
    for (size_t o = 0; o < nout; o++) {
        if (o) strcat(rows, " ");
        strcat(rows, out[o]);
    }
    for (size_t j = 0; j < d; j++) {
        if (j) strcat(cols, " ");
        strcat(cols, in[j]);
    }
    int rc = 0;
    if (!es_results_find(r, "/sensitivity/output") &&
        !es_results_coord_str(r, "/sensitivity/output", nout, out))
        rc = -1;
    if (!es_results_find(r, "/sensitivity/input") &&
        !es_results_coord_str(r, "/sensitivity/input", d, in))
        rc = -1;
    free(in);
    free(out);
    uint64_t inner[2] = {nout, d};
    /* es_results_add may move every array: add them all, then find them */
    static const char *const path[4] = {"/sensitivity/spearman", "/sensitivity/prcc",
                                        "/sensitivity/first_order", "/sensitivity/rank_rows"};
    for (int k = 0; k < 4 && !rc; k++)
        if (!es_stats_array(r, p, path[k], k < 3 ? ES_RES_F64 : ES_RES_U64, k < 3 ? 2 : 1, inner))
            rc = -1;
    if (rc) {
        free(rows);
        free(cols);
        return -1;
    }
    es_res_array *ar[3] = {es_results_find_mut(r, path[0]), es_results_find_mut(r, path[1]),
                           es_results_find_mut(r, path[2])};
    /* inner[0] = nout: rank_rows is [scan..., output] */
    es_res_array *cnt = es_results_find_mut(r, path[3]);
    static const char *const long_name[3] = {
        "Spearman rank correlation of each output with each uncertain input",
        "partial rank correlation coefficient (PRCC) of each output with each uncertain input",
        "first-order sensitivity index from the given data (binned)",
    };
    char method[3][400];
    snprintf(method[0], sizeof method[0],
             "Pearson correlation of the input's unit coordinate (its exact CDF value) and the "
             "output's rank from the merged quantile sketch, over %llu design points per cell",
             (unsigned long long)p->sens_points);
    snprintf(method[1], sizeof method[1],
             "-P_jy / sqrt(P_jj P_yy), P the inverse of the rank correlation matrix of the "
             "varying inputs and the output (Iman and Conover 1980), over %llu design points "
             "per cell",
             (unsigned long long)p->sens_points);
    snprintf(method[2], sizeof method[2],
             "sum_b n_b (mean_b - mean)^2 / sum (y - mean)^2 over %zu equal-probability classes "
             "of the input (bias about +(M-1)(1-S)/n), over %llu design points per cell",
             st->M, (unsigned long long)p->sens_points);
    for (int k = 0; k < 3; k++) {
        es_res_dim(ar[k], (int)p->nscan, "/sensitivity/output");
        es_res_dim(ar[k], (int)p->nscan + 1, "/sensitivity/input");
        es_res_attr_str(ar[k], "rows", rows);
        es_res_attr_str(ar[k], "columns", cols);
        es_res_attr_str(ar[k], "long_name", long_name[k]);
        es_res_attr_str(ar[k], "method", method[k]);
        es_res_attr_str(ar[k], "units", "1");
    }
    es_res_attr_f64(ar[2], "classes", (double)st->M);
    free(rows);
    free(cols);
    es_res_dim(cnt, (int)p->nscan, "/sensitivity/output");
    es_res_attr_str(cnt, "long_name",
                    "rows of the sensitivity pass where the output is finite (the indices' n)");
    uint64_t *nrows = cnt->data;
    for (uint64_t c = 0; c < p->cells; c++)
        for (size_t o = 0; o < nout; o++) {
            size_t base = ((size_t)c * nout + o) * d;
            es_rank_indices(st, c, o, (double *)ar[0]->data + base, (double *)ar[1]->data + base,
                            (double *)ar[2]->data + base, &nrows[c * nout + o]);
        }
    return r->oom ? -1 : 0;
}

static int es_rank_wanted(const es_plan *p)
{
    return p->d > 0 && p->n_out > 0;
}

const es_stat_type es_stat_rank = {
    .name = "rank",
    .pass = 2,
    .wanted = es_rank_wanted,
    .create = es_rank_create,
    .destroy = es_rank_destroy,
    .reset = es_rank_reset,
    .add = es_rank_add,
    .pack_size = es_rank_pack_size,
    .pack = es_rank_pack,
    .merge_packed = es_rank_merge_packed,
    .emit = es_rank_emit,
};
