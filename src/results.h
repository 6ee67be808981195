/* src/results.h: a run's results as named, labelled arrays.
 *
 * The statistics describe what they found as arrays with a path
 * ("/summary/table"), a type, dimensions named by coordinate arrays
 * ("/summary/variable"), and attributes.  The store writes them to HDF5 as
 * they are (coordinates as dimension scales), `[verify]` and the closing
 * table look values up by label, and nothing between knows what a statistic
 * is.  Pure: no HDF5, no printing. */
#ifndef ES_RESULTS_H
#define ES_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#define ES_RES_MAXRANK 6
#define ES_RES_PATHMAX 160

/* GROUP: a group that carries only attributes (no data). */
typedef enum { ES_RES_F64, ES_RES_U64, ES_RES_I64, ES_RES_STR, ES_RES_GROUP } es_res_type;

typedef struct {
    char name[64];
    int is_str;
    char *str; /* owned */
    double num;
} es_res_attr;

typedef struct {
    char path[ES_RES_PATHMAX];
    es_res_type type;
    int rank; /* 0: a scalar */
    uint64_t dims[ES_RES_MAXRANK];
    char dimnames[ES_RES_MAXRANK][ES_RES_PATHMAX]; /* path of each dimension's coordinate, or "" */
    int is_coord;                                  /* a coordinate (dimension scale) itself */
    void *data;                                    /* owned: double, uint64_t, int64_t or char * */
    size_t nattr, capattr;
    es_res_attr *attr;
} es_res_array;

typedef struct {
    es_res_array **a; /* each array allocated on its own: pointers stay valid as arrays are added */
    size_t n, cap;
    int oom; /* an allocation failed: the results are incomplete */
} es_results;

void es_results_init(es_results *r);
void es_results_free(es_results *r);

/* A new array of zeros (NaN for F64) at path with rank dims (dims may be NULL
 * for a scalar); NULL when out of memory (r->oom is then set). */
es_res_array *es_results_add(es_results *r, const char *path, es_res_type type, int rank,
                             const uint64_t *dims);
/* A string coordinate: a 1-D array of names that is a dimension scale. */
es_res_array *es_results_coord_str(es_results *r, const char *path, size_t n,
                                   const char *const *names);
/* A numeric coordinate. */
es_res_array *es_results_coord_f64(es_results *r, const char *path, size_t n, const double *values);
/* Name dimension k of a by the coordinate at path. */
void es_res_dim(es_res_array *a, int k, const char *coord_path);
int es_res_attr_str(es_res_array *a, const char *name, const char *value);
int es_res_attr_f64(es_res_array *a, const char *name, double value);
/* Set a string element (STR arrays); the string is copied. */
int es_res_set_str(es_res_array *a, size_t i, const char *s);

/* Move every array of from into r (from is left empty).  0, or -1 when out of
 * memory (r->oom set). */
int es_results_take(es_results *r, es_results *from);

const es_res_array *es_results_find(const es_results *r, const char *path);
es_res_array *es_results_find_mut(es_results *r, const char *path);
/* Elements of an array (the product of its dimensions). */
uint64_t es_res_size(const es_res_array *a);
/* The index of a label in a string coordinate, or -1. */
long es_res_label(const es_results *r, const char *coord_path, const char *label);
const es_res_attr *es_res_attr_find(const es_res_array *a, const char *name);

#endif
