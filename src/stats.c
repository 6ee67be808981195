/* src/stats.c: the table of statistics, sets of states, packing, checksum. */
#include "stats.h"

#include "clones.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* one line each, in the order they are emitted */
const es_stat_type *const es_stat_types[] = {
    &es_stat_moments, &es_stat_sketch, &es_stat_events, &es_stat_rank, &es_stat_sobol, NULL,
};

struct es_statset {
    const es_plan *plan;
    int pass;
    size_t n;
    const es_stat_type *type[16];
    void *state[16];
};

es_statset *es_statset_new(const es_plan *p, int pass, const es_stat_ctx *ctx)
{
    es_statset *ss = calloc(1, sizeof *ss);
    if (!ss) return NULL;
    ss->plan = p;
    ss->pass = pass;
    for (size_t i = 0; es_stat_types[i]; i++) {
        const es_stat_type *t = es_stat_types[i];
        if (t->pass != pass || (t->wanted && !t->wanted(p))) continue;
        void *s = t->create(p, ctx);
        if (!s) {
            es_statset_free(ss);
            return NULL;
        }
        ss->type[ss->n] = t;
        ss->state[ss->n++] = s;
    }
    return ss;
}

void es_statset_free(es_statset *ss)
{
    if (!ss) return;
    for (size_t i = 0; i < ss->n; i++)
        ss->type[i]->destroy(ss->state[i]);
    free(ss);
}

void es_statset_reset(es_statset *ss)
{
    for (size_t i = 0; i < ss->n; i++)
        ss->type[i]->reset(ss->state[i], ss->plan);
}

int es_statset_add(es_statset *ss, const es_seg *seg)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->type[i]->add(ss->state[i], ss->plan, seg)) return -1;
    return 0;
}

void es_put_u64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

uint64_t es_get_u64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* Each state: 32 bytes of name (NUL padded), 8 of length, then the bytes. */
#define ES_STATSET_HEAD 40

size_t es_statset_pack_size(const es_statset *ss)
{
    size_t n = 0;
    for (size_t i = 0; i < ss->n; i++)
        n += ES_STATSET_HEAD + ss->type[i]->pack_size(ss->state[i], ss->plan);
    return n;
}

void es_statset_pack(const es_statset *ss, unsigned char *buf)
{
    for (size_t i = 0; i < ss->n; i++) {
        size_t len = ss->type[i]->pack_size(ss->state[i], ss->plan);
        memset(buf, 0, 32);
        strncpy((char *)buf, ss->type[i]->name, 31);
        es_put_u64(buf + 32, len);
        ss->type[i]->pack(ss->state[i], ss->plan, buf + ES_STATSET_HEAD);
        buf += ES_STATSET_HEAD + len;
    }
}

/* The names and lengths of the packed states match the set's and fill len. */
static int es_statset_check_heads(const es_statset *ss, const unsigned char *buf, size_t len)
{
    size_t i = 0;
    while (len > 0) {
        if (len < ES_STATSET_HEAD || i >= ss->n) return -1;
        uint64_t n = es_get_u64(buf + 32);
        if (strncmp((const char *)buf, ss->type[i]->name, 32) != 0 || n > len - ES_STATSET_HEAD)
            return -1;
        buf += ES_STATSET_HEAD + n;
        len -= ES_STATSET_HEAD + (size_t)n;
        i++;
    }
    return i == ss->n ? 0 : -1;
}

int es_statset_merge_packed(es_statset *ss, const unsigned char *buf, size_t len)
{
    /* a truncated or misassembled buffer is refused before any state changes */
    if (es_statset_check_heads(ss, buf, len)) return -1;
    size_t i = 0;
    while (len > 0) {
        if (len < ES_STATSET_HEAD || i >= ss->n) return -1;
        char name[33];
        memcpy(name, buf, 32);
        name[32] = '\0';
        uint64_t n = es_get_u64(buf + 32);
        if (strcmp(name, ss->type[i]->name) != 0 || n > len - ES_STATSET_HEAD) return -1;
        if (ss->type[i]->merge_packed(ss->state[i], ss->plan, buf + ES_STATSET_HEAD, (size_t)n))
            return -1;
        buf += ES_STATSET_HEAD + n;
        len -= ES_STATSET_HEAD + (size_t)n;
        i++;
    }
    return i == ss->n ? 0 : -1;
}

int es_statset_emit(const es_statset *ss, es_results *r)
{
    const es_plan *p = ss->plan;
    /* the scan's coordinates, once, with the first pass */
    if (ss->pass == 1)
        for (size_t s = 0; s < p->nscan; s++) {
            const es_scan *sc = &p->job->scan[s];
            const es_input_info *in = &p->model->inputs[sc->input];
            char path[ES_RES_PATHMAX];
            snprintf(path, sizeof path, "/scan/%s", in->name);
            es_res_array *a = es_results_coord_f64(r, path, sc->n, sc->values);
            if (!a || es_res_attr_str(a, "units", in->unit) ||
                es_res_attr_str(a, "long_name", in->long_name))
                return -1;
        }
    for (size_t i = 0; i < ss->n; i++)
        if (ss->type[i]->emit(ss->state[i], p, r)) return -1;
    return r->oom ? -1 : 0;
}

const void *es_statset_find(const es_statset *ss, const es_stat_type *type)
{
    if (!ss) return NULL;
    for (size_t i = 0; i < ss->n; i++)
        if (ss->type[i] == type) return ss->state[i];
    return NULL;
}

const es_plan *es_statset_plan(const es_statset *ss)
{
    return ss->plan;
}

es_res_array *es_stats_array(es_results *r, const es_plan *p, const char *path, es_res_type type,
                             int ninner, const uint64_t *inner)
{
    uint64_t dims[ES_RES_MAXRANK];
    int rank = 0;
    for (size_t s = 0; s < p->nscan; s++)
        dims[rank++] = p->scan_n[s];
    for (int k = 0; k < ninner; k++)
        dims[rank++] = inner[k];
    es_res_array *a = es_results_add(r, path, type, rank, dims);
    if (!a) return NULL;
    for (size_t s = 0; s < p->nscan; s++) {
        char c[ES_RES_PATHMAX];
        snprintf(c, sizeof c, "/scan/%s", p->model->inputs[p->job->scan[s].input].name);
        es_res_dim(a, (int)s, c);
    }
    return a;
}

void es_wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    const double z = 1.959963984540054; /* the 97.5% normal quantile */
    double nn = (double)n, ph = (double)k / nn, z2 = z * z;
    double c = (ph + z2 / (2 * nn)) / (1 + z2 / nn);
    double h = z / (1 + z2 / nn) * sqrt(ph * (1 - ph) / nn + z2 / (4 * nn * nn));
    *lo = k == 0 ? 0.0 : c - h;
    *hi = k == n ? 1.0 : c + h;
}

/* splitmix64's finaliser (Steele, Lea & Flood 2014) */
static uint64_t es_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A column loop of 64-bit integer arithmetic (each value's bits read with
 * memcpy, which GCC vectorises here): the same sum with any vector width,
 * AVX-512's 64-bit multiplies in the x86-64-v4 clone. */
ES_CLONES_V4 uint64_t es_checksum(uint64_t first, size_t n, uint32_t var, const double *x)
{
    uint64_t sum = 0, vkey = es_mix64(0x9e3779b97f4a7c15ull * ((uint64_t)var + 1));
    for (size_t k = 0; k < n; k++) {
        uint64_t bits;
        memcpy(&bits, &x[k], sizeof bits);
        sum += es_mix64(bits ^ es_mix64((first + k) ^ vkey));
    }
    return sum;
}
