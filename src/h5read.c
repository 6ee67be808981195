/* src/h5read.c: an econsweep result file read back with serial HDF5.
 *
 * The file is untrusted input (a copy cut short by a full disk, a flipped
 * bit, someone else's HDF5 file): every call is checked, nothing is
 * allocated before its size is checked against ES_H5READ_MAXELEM, links
 * other than hard links (a soft link, an external link into another file)
 * are not followed, and the walk reads two levels of groups at most.  HDF5's
 * automatic error printing is off; its innermost message goes into err. */
#include "h5read.h"

#include <errno.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Values the reader takes from one file, in all: the summaries of a scan of
 * 1e4 cells of 30 variables are 3e6; more is not a file this report shows. */
#define ES_H5READ_MAXELEM ((uint64_t)1 << 26)
#define ES_H5READ_MAXSTR 65536  /* bytes of a fixed-length string */
#define ES_H5READ_MAXOBJ 100000 /* datasets and attributes read, in all */

typedef struct {
    es_results *r;
    const char *name; /* the file, for messages */
    uint64_t elems;   /* values read so far */
    size_t objects;   /* datasets and attributes read so far */
    es_h5read_status st;
    char *err;
    size_t errlen;
} es_h5r;

/* HDF5's innermost message for the current error stack, which is cleared. */
static herr_t es_h5r_walk(unsigned n, const H5E_error2_t *e, void *data)
{
    char *out = data;
    if (n == 0 && e->desc && *e->desc) snprintf(out, 200, "%s", e->desc);
    return 0;
}

static void es_h5r_detail(char *buf)
{
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, es_h5r_walk, buf);
    H5Eclear2(H5E_DEFAULT);
}

static es_h5read_status es_h5r_fail(es_h5r *c, es_h5read_status st, const char *fmt,
                                    const char *what)
{
    if (c->st != ES_H5READ_OK) return c->st; /* the first reason stands */
    char detail[200], msg[400];
    es_h5r_detail(detail);
    snprintf(msg, sizeof msg, fmt, what);
    if (st == ES_H5READ_DAMAGED && detail[0])
        snprintf(c->err, c->errlen, "%s: %s (HDF5: %s)", c->name, msg, detail);
    else
        snprintf(c->err, c->errlen, "%s: %s", c->name, msg);
    c->st = st;
    return st;
}

/* ---- attributes ---- */

/* Attributes of the HDF5 dimension-scale machinery: structure, not content. */
static int es_h5r_ds_attr(const char *name)
{
    static const char *const skip[] = {"CLASS",
                                       "NAME",
                                       "REFERENCE_LIST",
                                       "DIMENSION_LIST",
                                       "DIMENSION_LABELS",
                                       "_Netcdf4Dimid",
                                       "_Netcdf4Coordinates"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strcmp(name, skip[i]) == 0) return 1;
    return 0;
}

/* Read a scalar string attribute (variable or fixed length, file type t)
 * into a new buffer; NULL on failure. */
static char *es_h5r_read_scalar_str(hid_t obj, hid_t t)
{
    char *out = NULL;
    H5T_cset_t cset = H5Tget_cset(t);
    hid_t mt = H5Tcopy(H5T_C_S1);
    if (mt < 0 || cset < 0) goto done;
    if (H5Tset_cset(mt, cset) < 0) goto done; /* HDF5 converts no character sets */
    htri_t var = H5Tis_variable_str(t);
    if (var > 0) {
        char *s = NULL;
        if (H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Aread(obj, mt, &s) < 0) goto done;
        out = strdup(s ? s : "");
        if (s) H5free_memory(s);
    } else if (var == 0) {
        size_t sz = H5Tget_size(t);
        if (sz == 0 || sz > ES_H5READ_MAXSTR) goto done;
        char *buf = calloc(1, sz + 1);
        if (!buf) goto done;
        if (H5Tset_size(mt, sz + 1) < 0 || H5Tset_strpad(mt, H5T_STR_NULLTERM) < 0 ||
            H5Aread(obj, mt, buf) < 0) {
            free(buf);
            goto done;
        }
        buf[sz] = '\0';
        out = buf;
    }
done:
    if (mt >= 0) H5Tclose(mt);
    return out;
}

/* One attribute onto a: a scalar (one element) string or number.  Integers
 * keep their exact decimal text in str beside num (a 64-bit seed does not
 * fit a double).  Others are skipped. */
static int es_h5r_attr(es_h5r *c, hid_t obj, const char *name, es_res_array *a)
{
    if (es_h5r_ds_attr(name) || strlen(name) >= sizeof a->attr[0].name) return 0;
    if (++c->objects > ES_H5READ_MAXOBJ) return -1;
    hid_t at = H5Aopen(obj, name, H5P_DEFAULT);
    if (at < 0) return -1;
    hid_t sp = H5Aget_space(at), t = H5Aget_type(at);
    int rc = -1;
    if (sp < 0 || t < 0) goto done;
    if (H5Sget_simple_extent_npoints(sp) != 1) {
        rc = 0; /* an array attribute: not one of econsweep's */
        goto done;
    }
    H5T_class_t cls = H5Tget_class(t);
    if (cls == H5T_STRING) {
        char *s = es_h5r_read_scalar_str(at, t);
        if (!s) goto done;
        rc = es_res_attr_str(a, name, s) ? -2 : 0;
        free(s);
    } else if (cls == H5T_INTEGER) {
        H5T_sign_t sg = H5Tget_sign(t);
        char txt[32];
        double v;
        if (sg == H5T_SGN_NONE) {
            unsigned long long u;
            if (H5Aread(at, H5T_NATIVE_ULLONG, &u) < 0) goto done;
            v = (double)u;
            snprintf(txt, sizeof txt, "%llu", u);
        } else if (sg == H5T_SGN_2) {
            long long i;
            if (H5Aread(at, H5T_NATIVE_LLONG, &i) < 0) goto done;
            v = (double)i;
            snprintf(txt, sizeof txt, "%lld", i);
        } else {
            goto done;
        }
        if (es_res_attr_f64(a, name, v)) {
            rc = -2;
            goto done;
        }
        es_res_attr *x = &a->attr[a->nattr - 1];
        x->str = strdup(txt); /* NULL only without memory: the number stays */
        rc = 0;
    } else if (cls == H5T_FLOAT) {
        double v;
        if (H5Aread(at, H5T_NATIVE_DOUBLE, &v) < 0) goto done;
        rc = es_res_attr_f64(a, name, v) ? -2 : 0;
    } else {
        rc = 0;
    }
done:
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    H5Aclose(at);
    return rc;
}

typedef struct {
    es_h5r *c;
    es_res_array *a;
    const char *path;
} es_h5r_attrctx;

static herr_t es_h5r_attr_cb(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    es_h5r_attrctx *x = data;
    int rc = es_h5r_attr(x->c, obj, name, x->a);
    if (rc == -2) {
        es_h5r_fail(x->c, ES_H5READ_NOMEM, "out of memory reading %s", x->path);
        return -1;
    }
    if (rc < 0) {
        es_h5r_fail(x->c, ES_H5READ_DAMAGED, "cannot read the attributes of %s", x->path);
        return -1;
    }
    return 0;
}

static int es_h5r_attrs(es_h5r *c, hid_t obj, const char *path, es_res_array *a)
{
    es_h5r_attrctx x = {c, a, path};
    hsize_t idx = 0;
    if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_NATIVE, &idx, es_h5r_attr_cb, &x) < 0) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot read the attributes of %s", path);
        return -1;
    }
    return 0;
}

/* ---- datasets ---- */

static int es_h5r_read_strings(hid_t d, hid_t ft, es_res_array *a, uint64_t n)
{
    H5T_cset_t cset = H5Tget_cset(ft);
    htri_t var = H5Tis_variable_str(ft);
    hid_t mt = H5Tcopy(H5T_C_S1);
    int rc = -1;
    if (mt < 0 || cset < 0 || var < 0 || H5Tset_cset(mt, cset) < 0) goto done;
    if (var) {
        char **s = calloc(n ? n : 1, sizeof *s);
        hid_t sp = H5Dget_space(d);
        if (!s || sp < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0) {
            free(s);
            if (sp >= 0) H5Sclose(sp);
            goto done;
        }
        if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) >= 0) {
            rc = 0;
            for (uint64_t i = 0; i < n && !rc; i++)
                rc = es_res_set_str(a, i, s[i] ? s[i] : "") ? -2 : 0;
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, s);
        }
        H5Sclose(sp);
        free(s);
    } else {
        size_t sz = H5Tget_size(ft);
        if (sz == 0 || sz > ES_H5READ_MAXSTR || n > ES_H5READ_MAXELEM / (sz + 1)) goto done;
        char *buf = calloc(n ? n : 1, sz + 1);
        if (!buf) {
            rc = -2;
            goto done;
        }
        if (H5Tset_size(mt, sz + 1) >= 0 && H5Tset_strpad(mt, H5T_STR_NULLTERM) >= 0 &&
            H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) {
            rc = 0;
            for (uint64_t i = 0; i < n && !rc; i++) {
                buf[i * (sz + 1) + sz] = '\0';
                rc = es_res_set_str(a, i, buf + i * (sz + 1)) ? -2 : 0;
            }
        }
        free(buf);
    }
done:
    if (mt >= 0) H5Tclose(mt);
    return rc;
}

/* One dataset at path into an array: numbers as F64, U64 or I64, strings as
 * STR; other types (compound, references) and null spaces are skipped. */
static int es_h5r_dataset(es_h5r *c, hid_t d, const char *path)
{
    if (++c->objects > ES_H5READ_MAXOBJ) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "more objects than an econsweep file holds (at %s)",
                    path);
        return -1;
    }
    hid_t sp = H5Dget_space(d), ft = H5Dget_type(d);
    int rc = -1;
    if (sp < 0 || ft < 0) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot read the shape of %s", path);
        goto done;
    }
    H5S_class_t sc = H5Sget_simple_extent_type(sp);
    int rank = sc == H5S_SCALAR ? 0 : H5Sget_simple_extent_ndims(sp);
    H5T_class_t cls = H5Tget_class(ft);
    if (sc == H5S_NULL || rank < 0 || rank > ES_RES_MAXRANK ||
        (cls != H5T_FLOAT && cls != H5T_INTEGER && cls != H5T_STRING)) {
        rc = 0; /* not one of econsweep's arrays: skipped */
        goto done;
    }
    if (sc != H5S_SCALAR && sc != H5S_SIMPLE) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot read the shape of %s", path);
        goto done;
    }
    hsize_t hd[H5S_MAX_RANK];
    uint64_t dims[ES_RES_MAXRANK], n = 1;
    if (rank > 0 && H5Sget_simple_extent_dims(sp, hd, NULL) != rank) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot read the shape of %s", path);
        goto done;
    }
    for (int k = 0; k < rank; k++) {
        dims[k] = hd[k];
        if (dims[k] && n > ES_H5READ_MAXELEM / dims[k])
            n = ES_H5READ_MAXELEM + 1;
        else
            n *= dims[k];
    }
    if (n > ES_H5READ_MAXELEM - c->elems) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "%s holds more values than a summary the report reads",
                    path);
        goto done;
    }
    c->elems += n;
    es_res_type type = cls == H5T_FLOAT                  ? ES_RES_F64
                       : cls == H5T_STRING               ? ES_RES_STR
                       : H5Tget_sign(ft) == H5T_SGN_NONE ? ES_RES_U64
                                                         : ES_RES_I64;
    es_res_array *a = es_results_add(c->r, path, type, rank, dims);
    if (!a) {
        es_h5r_fail(c, ES_H5READ_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    int rr;
    if (type == ES_RES_STR) {
        rr = es_h5r_read_strings(d, ft, a, n);
    } else {
        hid_t mt = type == ES_RES_F64   ? H5T_NATIVE_DOUBLE
                   : type == ES_RES_U64 ? H5T_NATIVE_UINT64
                                        : H5T_NATIVE_INT64;
        rr = n == 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->data) >= 0 ? 0 : -1;
    }
    if (rr == -2) {
        es_h5r_fail(c, ES_H5READ_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    if (rr < 0) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot read %s", path);
        goto done;
    }
    /* dimension labels, resolved to coordinates once everything is read */
    for (int k = 0; k < rank; k++) {
        char label[ES_RES_PATHMAX - 8];
        ssize_t len = H5DSget_label(d, (unsigned)k, label, sizeof label);
        if (len > 0 && (size_t)len < sizeof label)
            snprintf(a->dimnames[k], sizeof a->dimnames[k], "?%s", label);
        H5Eclear2(H5E_DEFAULT);
    }
    if (rank == 1 && H5DSis_scale(d) > 0) {
        a->is_coord = 1;
        snprintf(a->dimnames[0], sizeof a->dimnames[0], "%s", path);
    }
    H5Eclear2(H5E_DEFAULT);
    /* of a dataset's attributes, only its unit: the long names and methods
     * are for people reading the file, and every string read is a chance for
     * a damaged file to trip HDF5 */
    htri_t hu = H5Aexists(d, "units");
    H5Eclear2(H5E_DEFAULT);
    rc = 0;
    if (hu > 0) {
        int ra = es_h5r_attr(c, d, "units", a);
        if (ra == -2) {
            es_h5r_fail(c, ES_H5READ_NOMEM, "out of memory reading %s", path);
            rc = -1;
        } else if (ra < 0) {
            es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot read the units of %s", path);
            rc = -1;
        }
    }
done:
    if (ft >= 0) H5Tclose(ft);
    if (sp >= 0) H5Sclose(sp);
    return rc;
}

/* ---- groups ---- */

typedef struct {
    es_h5r *c;
    const char *path;
    int depth; /* 0: /summary, /events, ...; 1: /summary/<name> */
} es_h5r_walkctx;

static int es_h5r_group(es_h5r *c, hid_t g, const char *path, int depth);

static herr_t es_h5r_link_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    es_h5r_walkctx *w = data;
    es_h5r *c = w->c;
    /* only hard links: a soft or external link could lead anywhere, even into
     * another file */
    if (info->type != H5L_TYPE_HARD) return 0;
    char path[ES_RES_PATHMAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", w->path, name) >= sizeof path) return 0;
    /* the quantile sketches: enough to compute quantiles again, not shown */
    if (w->depth == 1 && strncmp(name, "sketch_", 7) == 0) return 0;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o < 0) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot open %s", path);
        return -1;
    }
    int rc = 0;
    H5I_type_t t = H5Iget_type(o);
    if (t == H5I_DATASET)
        rc = es_h5r_dataset(c, o, path);
    else if (t == H5I_GROUP && w->depth == 0)
        rc = es_h5r_group(c, o, path, 1);
    H5Oclose(o);
    return rc < 0 ? -1 : 0;
}

static int es_h5r_group(es_h5r *c, hid_t g, const char *path, int depth)
{
    es_h5r_walkctx w = {c, path, depth};
    hsize_t idx = 0;
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_NATIVE, &idx, es_h5r_link_cb, &w) < 0) {
        es_h5r_fail(c, ES_H5READ_DAMAGED, "cannot list %s", path);
        return -1;
    }
    return 0;
}

/* The group part of a dataset's path ("/summary" of "/summary/moments"). */
static void es_h5r_parent(const char *path, char *out, size_t len)
{
    snprintf(out, len, "%s", path);
    char *s = strrchr(out, '/');
    if (s) *s = '\0';
}

/* Name each labelled dimension by its coordinate: the label's dataset in
 * the array's own group, else in /scan, if it is one-dimensional and as long
 * as the dimension; else leave it unnamed. */
static void es_h5r_resolve_dims(es_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        es_res_array *a = r->a[i];
        for (int k = 0; k < a->rank; k++) {
            if (a->dimnames[k][0] != '?') continue;
            char label[ES_RES_PATHMAX], dir[ES_RES_PATHMAX], cand[2][2 * ES_RES_PATHMAX];
            snprintf(label, sizeof label, "%s", a->dimnames[k] + 1);
            a->dimnames[k][0] = '\0';
            es_h5r_parent(a->path, dir, sizeof dir);
            snprintf(cand[0], sizeof cand[0], "%s/%s", dir, label);
            snprintf(cand[1], sizeof cand[1], "/scan/%s", label);
            for (int j = 0; j < 2; j++) {
                const es_res_array *co = es_results_find(r, cand[j]);
                size_t len = strlen(cand[j]);
                if (co && co->rank == 1 && co->dims[0] == a->dims[k] && len < ES_RES_PATHMAX) {
                    memcpy(a->dimnames[k], cand[j], len + 1);
                    break;
                }
            }
        }
    }
}

/* ---- the file ---- */

static int es_h5r_root_int(const es_res_array *root, const char *name, double *v)
{
    const es_res_attr *a = es_res_attr_find(root, name);
    if (!a || a->is_str) return -1;
    *v = a->num;
    return 0;
}

es_h5read_status es_h5read_fid(hid_t f, const char *name, es_results *r, char *err, size_t errlen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    es_h5r c = {r, name, 0, 0, ES_H5READ_OK, err, errlen};
    err[0] = '\0';
    es_res_array *root = es_results_add(r, "/", ES_RES_GROUP, 0, NULL);
    if (!root) return es_h5r_fail(&c, ES_H5READ_NOMEM, "%s", "out of memory");
    if (es_h5r_attrs(&c, f, "/", root)) return c.st;
    root = es_results_find_mut(r, "/");
    double schema = 0;
    const es_res_attr *ver = es_res_attr_find(root, "econsweep_version");
    if (es_h5r_root_int(root, "schema", &schema) || !ver || !ver->is_str)
        return es_h5r_fail(&c, ES_H5READ_NOT_ECONSWEEP, "%s",
                           "an HDF5 file, but not an econsweep result (no root attributes "
                           "'schema' and 'econsweep_version')");
    if (schema != ES_H5READ_MAX_SCHEMA) {
        char why[300];
        snprintf(why, sizeof why,
                 "written by econsweep %.40s with file schema %.0f; this econsweep (%s) reads "
                 "schema %d%s",
                 ver->str, schema, ECONSWEEP_VERSION, ES_H5READ_MAX_SCHEMA,
                 schema > ES_H5READ_MAX_SCHEMA
                     ? ": a newer econsweep wrote it, update econsweep"
                     : ": an older econsweep wrote it, run the job again");
        return es_h5r_fail(&c, ES_H5READ_SCHEMA, "%s", why);
    }
    /* rows: only how many /sample holds */
    double stored = 0;
    if (H5Lexists(f, "/sample", H5P_DEFAULT) > 0) {
        hid_t d = H5Dopen2(f, "/sample", H5P_DEFAULT);
        hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
        hsize_t n = 0;
        if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 1 ||
            H5Sget_simple_extent_dims(sp, &n, NULL) != 1) {
            if (sp >= 0) H5Sclose(sp);
            if (d >= 0) H5Dclose(d);
            return es_h5r_fail(&c, ES_H5READ_DAMAGED, "%s", "cannot read the shape of /sample");
        }
        stored = (double)n;
        H5Sclose(sp);
        H5Dclose(d);
    }
    H5Eclear2(H5E_DEFAULT);
    if (es_res_attr_f64(root, "rows_stored", stored))
        return es_h5r_fail(&c, ES_H5READ_NOMEM, "%s", "out of memory");
    static const char *const groups[] = {"/summary", "/events", "/sensitivity", "/scan"};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        htri_t ex = H5Lexists(f, groups[i], H5P_DEFAULT);
        if (ex < 0) return es_h5r_fail(&c, ES_H5READ_DAMAGED, "cannot find %s", groups[i]);
        if (ex == 0) continue;
        hid_t g = H5Gopen2(f, groups[i], H5P_DEFAULT);
        if (g < 0) return es_h5r_fail(&c, ES_H5READ_DAMAGED, "cannot open %s", groups[i]);
        int rc = es_h5r_group(&c, g, groups[i], 0);
        H5Gclose(g);
        if (rc) return c.st;
    }
    if (r->oom) return es_h5r_fail(&c, ES_H5READ_NOMEM, "%s", "out of memory");
    es_h5r_resolve_dims(r);
    return ES_H5READ_OK;
}

es_h5read_status es_h5read(const char *path, es_results *r, char *err, size_t errlen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return ES_H5READ_MISSING;
    }
    if (S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "%s is a folder, not a result file", path);
        return ES_H5READ_MISSING;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return ES_H5READ_MISSING;
    }
    fclose(fp);
    if (sb.st_size == 0) {
        snprintf(err, errlen, "%s is empty, not an HDF5 file", path);
        return ES_H5READ_NOT_HDF5;
    }
    htri_t is = H5Fis_hdf5(path);
    H5Eclear2(H5E_DEFAULT);
    if (is <= 0) {
        snprintf(err, errlen, "%s is not an HDF5 file (no HDF5 signature)", path);
        return ES_H5READ_NOT_HDF5;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        char detail[200];
        es_h5r_detail(detail);
        snprintf(err, errlen,
                 "%s is an HDF5 file HDF5 cannot open (%s): cut short or damaged; if a run was "
                 "killed while writing it, 'h5clear -s %s' may help",
                 path, detail[0] ? detail : "no detail from HDF5", path);
        return ES_H5READ_DAMAGED;
    }
    es_h5read_status st = es_h5read_fid(f, path, r, err, errlen);
    H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return st;
}
