/* src/stat_events.c: event probabilities of the job's [events], counted exactly.
 *
 * An event is "lhs OP rhs" with OP one of <, <=, >, >= and each side an
 * output, an input or (rhs) a number.  An uncertain input or an output is
 * read from the stored rows (seg->v); a scanned input is the cell's value
 * (seg->scan); any other input is fixed at its scenario value (job->value).
 * Per scan cell and event, over the stored rows (the first evaluation of
 * each row, as the file stores it):
 *   samples = rows where neither side is NaN,
 *   count   = those rows where the comparison holds,
 *   probability = count / samples, with Wilson's 95% interval (Wilson 1927,
 *   es_wilson), which stays inside [0, 1] and is not degenerate at 0 or n.
 * Infinite values compare as numbers (an NPV of -inf is below 0).  Both
 * counts are integers, so merging is exact and order-free.
 *
 * Memory: 16 bytes per cell and event. */
#include <math.h>
#include <stdlib.h>

#include "stats.h"

/* One side of a comparison: a column of the stored rows, a scanned input
 * or a constant. */
typedef struct {
    int var;      /* plan variable (column of seg->v), or -1 */
    int scan;     /* index of a scanned input in seg->scan, or -1 */
    double value; /* the constant, when var and scan are -1 */
} es_ev_side;

typedef struct {
    size_t nev;      /* events */
    uint64_t cells;  /* scan cells */
    es_ev_side *lhs; /* [nev] */
    es_ev_side *rhs; /* [nev] */
    uint64_t *hits;  /* [cells][nev]: rows where the condition holds */
    uint64_t *n;     /* [cells][nev]: rows where both sides are not NaN */
} es_events;

static int es_events_wanted(const es_plan *p)
{
    return p->job->n_events > 0;
}

static es_ev_side es_ev_side_of(const es_plan *p, es_varref r)
{
    es_ev_side s = {-1, -1, NAN};
    int v = es_plan_var_of(p, r);
    if (v >= 0) {
        s.var = v;
        return s;
    }
    for (size_t k = 0; k < p->nscan; k++)
        if (p->job->scan[k].input == r.index) {
            s.scan = (int)k;
            return s;
        }
    s.value = p->job->value[r.index];
    return s;
}

static void es_events_destroy(void *s)
{
    es_events *st = s;
    if (!st) return;
    free(st->lhs);
    free(st->rhs);
    free(st->hits);
    free(st->n);
    free(st);
}

static void es_events_reset(void *s, const es_plan *p)
{
    (void)p;
    es_events *st = s;
    for (size_t i = 0; i < (size_t)st->cells * st->nev; i++)
        st->hits[i] = st->n[i] = 0;
}

static void *es_events_create(const es_plan *p, const es_stat_ctx *ctx)
{
    (void)ctx;
    es_events *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->nev = p->job->n_events;
    st->cells = p->cells;
    size_t count = (size_t)p->cells * st->nev;
    st->lhs = malloc((st->nev ? st->nev : 1) * sizeof *st->lhs);
    st->rhs = malloc((st->nev ? st->nev : 1) * sizeof *st->rhs);
    st->hits = calloc(count ? count : 1, sizeof *st->hits);
    st->n = calloc(count ? count : 1, sizeof *st->n);
    if (!st->lhs || !st->rhs || !st->hits || !st->n) {
        es_events_destroy(st);
        return NULL;
    }
    for (size_t i = 0; i < st->nev; i++) {
        const es_event *e = &p->job->events[i];
        st->lhs[i] = es_ev_side_of(p, e->lhs);
        if (e->rhs_is_var) {
            st->rhs[i] = es_ev_side_of(p, e->rhs_var);
        } else {
            st->rhs[i] = (es_ev_side){-1, -1, e->rhs_value};
        }
    }
    return st;
}

/* The column of a side in this segment (NULL for a constant) and its constant. */
static const double *es_ev_col(const es_ev_side *s, const es_seg *seg, double *c)
{
    *c = s->scan >= 0 ? seg->scan[s->scan] : s->value;
    return s->var >= 0 ? seg->v[s->var] : NULL;
}

static int es_ev_holds(es_cmp op, double a, double b)
{
    switch (op) {
    case ES_CMP_LT:
        return a < b;
    case ES_CMP_LE:
        return a <= b;
    case ES_CMP_GT:
        return a > b;
    case ES_CMP_GE:
        return a >= b;
    }
    return 0;
}

static int es_events_add(void *s, const es_plan *p, const es_seg *seg)
{
    es_events *st = s;
    for (size_t i = 0; i < st->nev; i++) {
        const es_cmp op = p->job->events[i].op;
        double ac, bc;
        const double *a = es_ev_col(&st->lhs[i], seg, &ac);
        const double *b = es_ev_col(&st->rhs[i], seg, &bc);
        uint64_t hits = 0, n = 0;
        for (size_t k = 0; k < seg->n; k++) {
            double x = a ? a[k] : ac, y = b ? b[k] : bc;
            if (isnan(x) || isnan(y)) continue;
            n++;
            hits += (uint64_t)es_ev_holds(op, x, y);
        }
        st->hits[seg->cell * st->nev + i] += hits;
        st->n[seg->cell * st->nev + i] += n;
    }
    return 0;
}

/* Packed: nev, cells, then (hits, samples) of every cell and event. */
static size_t es_events_pack_size(const void *s, const es_plan *p)
{
    (void)p;
    const es_events *st = s;
    return 16 + 16 * (size_t)st->cells * st->nev;
}

static void es_events_pack(const void *s, const es_plan *p, unsigned char *buf)
{
    (void)p;
    const es_events *st = s;
    es_put_u64(buf, st->nev);
    es_put_u64(buf + 8, st->cells);
    buf += 16;
    for (size_t i = 0; i < (size_t)st->cells * st->nev; i++, buf += 16) {
        es_put_u64(buf, st->hits[i]);
        es_put_u64(buf + 8, st->n[i]);
    }
}

static int es_events_merge_packed(void *s, const es_plan *p, const unsigned char *buf, size_t len)
{
    es_events *st = s;
    if (len != es_events_pack_size(s, p) || es_get_u64(buf) != st->nev ||
        es_get_u64(buf + 8) != st->cells)
        return -1;
    buf += 16;
    for (size_t i = 0; i < (size_t)st->cells * st->nev; i++, buf += 16) {
        uint64_t h = es_get_u64(buf), n = es_get_u64(buf + 8);
        if (h > n) return -1;
        st->hits[i] += h;
        st->n[i] += n;
    }
    return 0;
}

static int es_events_emit(const void *s, const es_plan *p, es_results *r)
{
    const es_events *st = s;
    const es_job *job = p->job;
    const char *names[ES_JOB_MAXEVENTS];
    for (size_t i = 0; i < st->nev; i++)
        names[i] = job->events[i].name;
    uint64_t nev = st->nev;
    es_res_array *ce = es_results_coord_str(r, "/events/event", st->nev, names);
    es_res_array *cond = es_results_add(r, "/events/condition", ES_RES_STR, 1, &nev);
    if (!ce || !cond) return -1;
    es_res_dim(cond, 0, "/events/event");
    es_res_attr_str(cond, "long_name", "the condition of each event, as written in [events]");
    for (size_t i = 0; i < st->nev; i++)
        if (es_res_set_str(cond, i, job->events[i].text)) return -1;

    static const struct {
        const char *path, *long_name;
        es_res_type type;
    } arr[5] = {
        {"/events/count", "rows where the condition holds", ES_RES_U64},
        {"/events/samples", "rows where neither side of the condition is NaN", ES_RES_U64},
        {"/events/probability", "probability of the event: count / samples", ES_RES_F64},
        {"/events/probability_lo", "lower end of the Wilson 95% interval", ES_RES_F64},
        {"/events/probability_hi", "upper end of the Wilson 95% interval", ES_RES_F64},
    };
    es_res_array *a[5];
    for (int k = 0; k < 5; k++) {
        a[k] = es_stats_array(r, p, arr[k].path, arr[k].type, 1, &nev);
        if (!a[k]) return -1;
        es_res_dim(a[k], (int)p->nscan, "/events/event");
        es_res_attr_str(a[k], "long_name", arr[k].long_name);
        es_res_attr_str(a[k], "units", "1");
    }
    es_res_attr_str(a[2], "method", "exact count over the stored rows");
    es_res_attr_str(a[3], "method", "Wilson score interval, 95% (Wilson 1927)");
    es_res_attr_str(a[4], "method", "Wilson score interval, 95% (Wilson 1927)");
    uint64_t *cnt = a[0]->data, *smp = a[1]->data;
    double *pr = a[2]->data, *lo = a[3]->data, *hi = a[4]->data;
    for (size_t i = 0; i < (size_t)st->cells * st->nev; i++) {
        cnt[i] = st->hits[i];
        smp[i] = st->n[i];
        pr[i] = st->n[i] ? (double)st->hits[i] / (double)st->n[i] : NAN;
        es_wilson(st->hits[i], st->n[i], &lo[i], &hi[i]);
    }
    return r->oom ? -1 : 0;
}

const es_stat_type es_stat_events = {
    .name = "events",
    .pass = 1,
    .wanted = es_events_wanted,
    .create = es_events_create,
    .destroy = es_events_destroy,
    .reset = es_events_reset,
    .add = es_events_add,
    .pack_size = es_events_pack_size,
    .pack = es_events_pack,
    .merge_packed = es_events_merge_packed,
    .emit = es_events_emit,
};
