/* src/results.c: named, labelled arrays in memory. */
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void es_results_init(es_results *r)
{
    memset(r, 0, sizeof *r);
}

static void es_res_array_free(es_res_array *a)
{
    if (a->type == ES_RES_STR && a->data) {
        char **s = a->data;
        uint64_t n = es_res_size(a);
        for (uint64_t i = 0; i < n; i++)
            free(s[i]);
    }
    free(a->data);
    for (size_t i = 0; i < a->nattr; i++)
        free(a->attr[i].str);
    free(a->attr);
}

void es_results_free(es_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        es_res_array_free(r->a[i]);
        free(r->a[i]);
    }
    free(r->a);
    memset(r, 0, sizeof *r);
}

uint64_t es_res_size(const es_res_array *a)
{
    uint64_t n = 1;
    for (int k = 0; k < a->rank; k++)
        n *= a->dims[k];
    return n;
}

es_res_array *es_results_add(es_results *r, const char *path, es_res_type type, int rank,
                             const uint64_t *dims)
{
    if (rank < 0 || rank > ES_RES_MAXRANK || strlen(path) >= ES_RES_PATHMAX) {
        r->oom = 1;
        return NULL;
    }
    if (r->n == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 32;
        es_res_array **na = realloc(r->a, nc * sizeof *na);
        if (!na) {
            r->oom = 1;
            return NULL;
        }
        r->a = na;
        r->cap = nc;
    }
    es_res_array *a = calloc(1, sizeof *a);
    if (!a) {
        r->oom = 1;
        return NULL;
    }
    snprintf(a->path, sizeof a->path, "%s", path);
    a->type = type;
    a->rank = rank;
    for (int k = 0; k < rank; k++)
        a->dims[k] = dims[k];
    uint64_t n = es_res_size(a);
    size_t elem = type == ES_RES_STR ? sizeof(char *) : 8;
    if (type == ES_RES_GROUP) a->rank = 0;
    a->data = calloc(n ? n : 1, elem);
    if (!a->data) {
        free(a);
        r->oom = 1;
        return NULL;
    }
    if (type == ES_RES_F64)
        for (uint64_t i = 0; i < n; i++)
            ((double *)a->data)[i] = NAN;
    r->a[r->n++] = a;
    return a;
}

es_res_array *es_results_coord_str(es_results *r, const char *path, size_t n,
                                   const char *const *names)
{
    uint64_t dn = n;
    es_res_array *a = es_results_add(r, path, ES_RES_STR, 1, &dn);
    if (!a) return NULL;
    a->is_coord = 1;
    snprintf(a->dimnames[0], sizeof a->dimnames[0], "%s", path);
    for (size_t i = 0; i < n; i++)
        if (es_res_set_str(a, i, names[i])) {
            r->oom = 1;
            return NULL;
        }
    return a;
}

es_res_array *es_results_coord_f64(es_results *r, const char *path, size_t n, const double *values)
{
    uint64_t dn = n;
    es_res_array *a = es_results_add(r, path, ES_RES_F64, 1, &dn);
    if (!a) return NULL;
    a->is_coord = 1;
    snprintf(a->dimnames[0], sizeof a->dimnames[0], "%s", path);
    memcpy(a->data, values, n * sizeof(double));
    return a;
}

void es_res_dim(es_res_array *a, int k, const char *coord_path)
{
    if (a && k >= 0 && k < a->rank)
        snprintf(a->dimnames[k], sizeof a->dimnames[k], "%s", coord_path);
}

static es_res_attr *es_res_attr_new(es_res_array *a, const char *name)
{
    if (!a) return NULL;
    for (size_t i = 0; i < a->nattr; i++)
        if (strcmp(a->attr[i].name, name) == 0) {
            free(a->attr[i].str);
            a->attr[i].str = NULL;
            return &a->attr[i];
        }
    if (a->nattr == a->capattr) {
        size_t nc = a->capattr ? 2 * a->capattr : 8;
        es_res_attr *na = realloc(a->attr, nc * sizeof *na);
        if (!na) return NULL;
        a->attr = na;
        a->capattr = nc;
    }
    es_res_attr *t = &a->attr[a->nattr++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    return t;
}

int es_res_attr_str(es_res_array *a, const char *name, const char *value)
{
    es_res_attr *t = es_res_attr_new(a, name);
    if (!t) return -1;
    t->is_str = 1;
    t->str = strdup(value);
    return t->str ? 0 : -1;
}

int es_res_attr_f64(es_res_array *a, const char *name, double value)
{
    es_res_attr *t = es_res_attr_new(a, name);
    if (!t) return -1;
    t->is_str = 0;
    t->num = value;
    return 0;
}

int es_res_set_str(es_res_array *a, size_t i, const char *s)
{
    char **v = a->data;
    free(v[i]);
    v[i] = strdup(s);
    return v[i] ? 0 : -1;
}

int es_results_take(es_results *r, es_results *from)
{
    if (r->n + from->n > r->cap) {
        size_t nc = r->n + from->n + 32;
        es_res_array **na = realloc(r->a, nc * sizeof *na);
        if (!na) {
            r->oom = 1;
            return -1;
        }
        r->a = na;
        r->cap = nc;
    }
    for (size_t i = 0; i < from->n; i++)
        r->a[r->n++] = from->a[i];
    free(from->a);
    memset(from, 0, sizeof *from);
    return 0;
}

const es_res_array *es_results_find(const es_results *r, const char *path)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->a[i]->path, path) == 0) return r->a[i];
    return NULL;
}

es_res_array *es_results_find_mut(es_results *r, const char *path)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->a[i]->path, path) == 0) return r->a[i];
    return NULL;
}

long es_res_label(const es_results *r, const char *coord_path, const char *label)
{
    const es_res_array *c = es_results_find(r, coord_path);
    if (!c || c->type != ES_RES_STR || c->rank != 1) return -1;
    char *const *s = c->data;
    for (uint64_t i = 0; i < c->dims[0]; i++)
        if (s[i] && strcmp(s[i], label) == 0) return (long)i;
    return -1;
}

const es_res_attr *es_res_attr_find(const es_res_array *a, const char *name)
{
    for (size_t i = 0; i < a->nattr; i++)
        if (strcmp(a->attr[i].name, name) == 0) return &a->attr[i];
    return NULL;
}
