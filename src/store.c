/* src/store.c: parallel HDF5 writing through the MPI-IO driver.
 *
 * Layout (schema 1): root attributes; /sample (uint64 dimension scale);
 * /inputs/<name> and /outputs/<name> (float64, chunked on the job's chunk,
 * the /sample scale attached); /inputs/fixed (attributes); /summary/<name>
 * (attributes); /state (chunk_done, chunk_checksum, chunk_acc).
 *
 * Metadata operations are collective (H5Pset_all_coll_metadata_ops,
 * H5Pset_coll_metadata_write); raw data goes through collective H5Dwrite,
 * with an empty selection on ranks that have no rows. */
#include "store.h"

#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const es_slurm_vars[6] = {"SLURM_JOB_ID",        "SLURM_ARRAY_JOB_ID",
                                      "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT",
                                      "SLURM_JOB_NODELIST",  "SLURM_CLUSTER_NAME"};

struct es_store {
    MPI_Comm comm;
    int rank;
    char path[ES_JOB_PATHMAX];
    const es_job *job;
    hid_t file, dxpl;
    hid_t sample;          /* /sample or -1 */
    hid_t *unc;            /* /inputs/<name> or -1 each */
    hid_t *out;            /* /outputs/<name> or -1 each */
    hid_t done, csum, acc; /* /state datasets */
    uint64_t nchunks;
    size_t nvars;
};

/* ---- errors: the call, the object, the rank, and HDF5's own words ---- */

static herr_t es_h5_walk(unsigned n, const H5E_error2_t *e, void *data)
{
    char *buf = data;
    size_t used = strlen(buf);
    if (used < 900 && e->desc && *e->desc)
        snprintf(buf + used, 1024 - used, "%s%s (%s)", n ? "; " : "", e->desc, e->func_name);
    return 0;
}

static int es_h5_fail(const es_store *st, const char *call, const char *object)
{
    char detail[1024] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, es_h5_walk, detail);
    H5Eclear2(H5E_DEFAULT);
    fprintf(stderr, "econsweep: rank %d: HDF5 %s failed on %s in %s: %s\n", st->rank, call, object,
            st->path, detail[0] ? detail : "no detail from HDF5");
    return -1;
}

/* Checks one HDF5 call; on failure reports and returns -1 from the caller. */
#define ES_H5CHECK(st, expr, object)                                                               \
    do {                                                                                           \
        if ((expr) < 0) return es_h5_fail((st), #expr, (object));                                  \
    } while (0)

/* ---- attributes ---- */

static int es_attr_str(es_store *st, hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    ES_H5CHECK(st, t, name);
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return es_h5_fail(st, "H5Tset_size", name);
    }
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = 0;
    if (a < 0)
        rc = es_h5_fail(st, "H5Acreate2", name);
    else if (H5Awrite(a, t, &value) < 0)
        rc = es_h5_fail(st, "H5Awrite", name);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return rc;
}

static int es_attr_num(es_store *st, hid_t obj, const char *name, hid_t type, const void *v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = 0;
    if (a < 0)
        rc = es_h5_fail(st, "H5Acreate2", name);
    else if (H5Awrite(a, type, v) < 0)
        rc = es_h5_fail(st, "H5Awrite", name);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return rc;
}

static int es_attr_f64(es_store *st, hid_t obj, const char *name, double v)
{
    return es_attr_num(st, obj, name, H5T_NATIVE_DOUBLE, &v);
}

static int es_attr_u64(es_store *st, hid_t obj, const char *name, uint64_t v)
{
    return es_attr_num(st, obj, name, H5T_NATIVE_UINT64, &v);
}

/* Replace an attribute that may exist (status, finished_utc). */
static int es_attr_str_set(es_store *st, hid_t obj, const char *name, const char *value)
{
    htri_t ex = H5Aexists(obj, name);
    ES_H5CHECK(st, ex, name);
    if (ex > 0) ES_H5CHECK(st, H5Adelete(obj, name), name);
    return es_attr_str(st, obj, name, value);
}

/* ---- datasets ---- */

static hid_t es_dset_rows(es_store *st, hid_t loc, const char *name, hid_t type, const char *units,
                          const char *long_name)
{
    hsize_t n = st->job->samples;
    hsize_t c = st->job->chunk < n ? st->job->chunk : n;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = -1;
    if (sp < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, &c) < 0 ||
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0) {
        es_h5_fail(st, "H5Pset_chunk", name);
    } else {
        d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d < 0) es_h5_fail(st, "H5Dcreate2", name);
    }
    if (dcpl >= 0) H5Pclose(dcpl);
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0 &&
        (es_attr_str(st, d, "units", units) || es_attr_str(st, d, "long_name", long_name))) {
        H5Dclose(d);
        return -1;
    }
    return d;
}

static hid_t es_dset_plain(es_store *st, hid_t loc, const char *name, hid_t type, int rank,
                           const hsize_t *dims)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = -1;
    if (sp >= 0 && dcpl >= 0 && H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) >= 0 &&
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC) >= 0)
        d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0) es_h5_fail(st, "H5Dcreate2", name);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (sp >= 0) H5Sclose(sp);
    return d;
}

void es_utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

static int es_store_root_attrs(es_store *st, const es_run_info *info)
{
    const es_job *job = st->job;
    hid_t f = st->file;
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)info->fingerprint);
    if (es_attr_u64(st, f, "schema", ES_SCHEMA) ||
        es_attr_str(st, f, "econsweep_version", ECONSWEEP_VERSION) ||
        es_attr_str(st, f, "model", job->model->name) ||
        es_attr_str(st, f, "design", es_design_name(job->design)) ||
        es_attr_u64(st, f, "seed", job->seed) || es_attr_u64(st, f, "samples", job->samples) ||
        es_attr_u64(st, f, "evaluations", job->samples) ||
        es_attr_u64(st, f, "chunk", job->chunk) ||
        es_attr_u64(st, f, "ranks", (uint64_t)info->ranks) ||
        es_attr_str(st, f, "store", es_store_name(job->store)) ||
        es_attr_str(st, f, "status", "partial") || es_attr_str(st, f, "fingerprint", fp) ||
        es_attr_str(st, f, "created_utc", info->created_utc) ||
        es_attr_str(st, f, "finished_utc", "") || es_attr_str(st, f, "host", info->host) ||
        es_attr_str(st, f, "job_path", job->path) ||
        es_attr_str(st, f, "job_text", job->job_text) ||
        es_attr_str(st, f, "scenario_path", job->scenario_path) ||
        es_attr_str(st, f, "scenario_text", job->scenario_text) ||
        es_attr_str(st, f, "Conventions", "CF-1.8") ||
        es_attr_str(st, f, "title", job->model->long_name))
        return -1;
    for (int i = 0; i < 6; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s", es_slurm_vars[i]);
        for (char *c = name; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        if (es_attr_str(st, f, name, info->slurm[i])) return -1;
    }
    return 0;
}

es_store *es_store_create(MPI_Comm comm, const char *path, const es_job *job,
                          const es_run_info *info, int force)
{
    es_store *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    MPI_Comm_rank(comm, &st->rank);
    st->comm = comm;
    st->job = job;
    snprintf(st->path, sizeof st->path, "%s", path);
    st->file = st->dxpl = st->sample = st->done = st->csum = st->acc = -1;
    st->nvars = job->n_unc + job->model->n_outputs;
    st->nchunks = (job->samples + job->chunk - 1) / job->chunk;
    st->unc = malloc((job->n_unc + 1) * sizeof(hid_t));
    st->out = malloc((job->model->n_outputs + 1) * sizeof(hid_t));
    if (!st->unc || !st->out) {
        free(st->unc);
        free(st->out);
        free(st);
        return NULL;
    }
    for (size_t k = 0; k < job->n_unc; k++)
        st->unc[k] = -1;
    for (size_t j = 0; j < job->model->n_outputs; j++)
        st->out[j] = -1;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 ||
        H5Pset_all_coll_metadata_ops(fapl, 1) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0) {
        es_h5_fail(st, "H5Pset_fapl_mpio", "/");
        goto fail;
    }
    st->file = H5Fcreate(path, force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    fapl = -1;
    if (st->file < 0) {
        es_h5_fail(st, "H5Fcreate", "/");
        goto fail;
    }
    st->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (st->dxpl < 0 || H5Pset_dxpl_mpio(st->dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
        es_h5_fail(st, "H5Pset_dxpl_mpio", "/");
        goto fail;
    }
    if (es_store_root_attrs(st, info)) goto fail;

    const es_model *m = job->model;
    hid_t gin = H5Gcreate2(st->file, "inputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (gin < 0) {
        es_h5_fail(st, "H5Gcreate2", "/inputs");
        goto fail;
    }
    hid_t gfix = H5Gcreate2(gin, "fixed", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int bad = gfix < 0;
    if (bad) es_h5_fail(st, "H5Gcreate2", "/inputs/fixed");
    for (size_t i = 0; i < m->n_inputs && !bad; i++)
        if (!job->uncertain[i]) bad = es_attr_f64(st, gfix, m->inputs[i].name, job->value[i]) != 0;
    if (gfix >= 0) H5Gclose(gfix);
    hid_t gout = bad ? -1 : H5Gcreate2(st->file, "outputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (!bad && gout < 0) {
        es_h5_fail(st, "H5Gcreate2", "/outputs");
        bad = 1;
    }
    if (!bad && job->store != ES_STORE_SUMMARY) {
        st->sample = es_dset_rows(st, st->file, "sample", H5T_NATIVE_UINT64, "1", "sample index");
        bad = st->sample < 0;
        if (!bad && H5DSset_scale(st->sample, "sample") < 0)
            bad = es_h5_fail(st, "H5DSset_scale", "/sample") != 0;
        for (size_t k = 0; k < job->n_unc && !bad && job->store == ES_STORE_ALL; k++) {
            const es_input_info *in = &m->inputs[job->unc[k]];
            char desc[256];
            es_dist_describe(&job->dist[job->unc[k]], desc, sizeof desc);
            st->unc[k] =
                es_dset_rows(st, gin, in->name, H5T_NATIVE_DOUBLE, in->unit, in->long_name);
            bad = st->unc[k] < 0 || es_attr_str(st, st->unc[k], "distribution", desc) ||
                  H5DSattach_scale(st->unc[k], st->sample, 0) < 0 ||
                  H5DSset_label(st->unc[k], 0, "sample") < 0;
            if (bad && st->unc[k] >= 0) es_h5_fail(st, "H5DSattach_scale", in->name);
        }
        for (size_t j = 0; j < m->n_outputs && !bad; j++) {
            const es_output_info *o = &m->outputs[j];
            st->out[j] = es_dset_rows(st, gout, o->name, H5T_NATIVE_DOUBLE, o->unit, o->long_name);
            bad = st->out[j] < 0 || H5DSattach_scale(st->out[j], st->sample, 0) < 0 ||
                  H5DSset_label(st->out[j], 0, "sample") < 0;
            if (bad && st->out[j] >= 0) es_h5_fail(st, "H5DSattach_scale", o->name);
        }
    }
    if (gout >= 0) H5Gclose(gout);
    H5Gclose(gin);
    if (bad) goto fail;

    hid_t gs = H5Gcreate2(st->file, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (gs < 0) {
        es_h5_fail(st, "H5Gcreate2", "/state");
        goto fail;
    }
    hsize_t d1 = st->nchunks, d3[3] = {st->nchunks, st->nvars, 6};
    st->done = es_dset_plain(st, gs, "chunk_done", H5T_NATIVE_UINT8, 1, &d1);
    st->csum =
        st->done < 0 ? -1 : es_dset_plain(st, gs, "chunk_checksum", H5T_NATIVE_UINT64, 1, &d1);
    st->acc = st->csum < 0 ? -1 : es_dset_plain(st, gs, "chunk_acc", H5T_NATIVE_DOUBLE, 3, d3);
    bad = st->acc < 0;
    if (!bad) {
        /* the order of variables in chunk_acc, and of the six numbers */
        char *names = malloc(st->nvars * 64 + 1);
        bad = names == NULL;
        if (names) {
            names[0] = '\0';
            for (size_t v = 0; v < st->nvars; v++) {
                const char *nm =
                    v < job->n_unc ? m->inputs[job->unc[v]].name : m->outputs[v - job->n_unc].name;
                strcat(names, v ? " " : "");
                strncat(names, nm, 62);
            }
            bad = es_attr_str(st, st->acc, "variables", names) ||
                  es_attr_str(st, st->acc, "fields", "count nan_count mean m2 min max") ||
                  es_attr_u64(st, gs, "chunk", job->chunk) ||
                  es_attr_u64(st, gs, "chunks", st->nchunks);
            free(names);
        }
    }
    H5Gclose(gs);
    if (bad) goto fail;
    return st;
fail:
    es_store_close(st);
    return NULL;
}

/* Select the epoch's rows: in the file, [first, first+len) of each chunk; in
 * memory, [slot*stride, slot*stride+len).  Both iterate in the same order. */
static int es_select_rows(es_store *st, const es_epoch *ep, hid_t fsp, hid_t msp)
{
    if (ep->n == 0) {
        ES_H5CHECK(st, H5Sselect_none(fsp), "row selection");
        ES_H5CHECK(st, H5Sselect_none(msp), "row selection");
        return 0;
    }
    for (size_t c = 0; c < ep->n; c++) {
        hsize_t fs = ep->first[c], ms = c * ep->stride, cnt = ep->len[c];
        H5S_seloper_t op = c == 0 ? H5S_SELECT_SET : H5S_SELECT_OR;
        ES_H5CHECK(st, H5Sselect_hyperslab(fsp, op, &fs, NULL, &cnt, NULL), "row selection");
        ES_H5CHECK(st, H5Sselect_hyperslab(msp, op, &ms, NULL, &cnt, NULL), "row selection");
    }
    return 0;
}

static int es_write_rows(es_store *st, hid_t d, hid_t type, const void *buf, const es_epoch *ep,
                         const char *name)
{
    hsize_t mdim = ep->cap * ep->stride;
    if (mdim == 0) mdim = 1;
    hid_t msp = H5Screate_simple(1, &mdim, NULL);
    hid_t fsp = H5Dget_space(d);
    int rc = (msp < 0 || fsp < 0) ? es_h5_fail(st, "H5Dget_space", name) : 0;
    if (!rc) rc = es_select_rows(st, ep, fsp, msp);
    if (!rc && H5Dwrite(d, type, msp, fsp, st->dxpl, buf) < 0)
        rc = es_h5_fail(st, "H5Dwrite", name);
    if (msp >= 0) H5Sclose(msp);
    if (fsp >= 0) H5Sclose(fsp);
    return rc;
}

/* Per-chunk state rows: dataset of [nchunks, inner...]; buf holds ep->n rows. */
static int es_write_state(es_store *st, hid_t d, hid_t type, const void *buf, const es_epoch *ep,
                          int rank, const hsize_t *inner, const char *name)
{
    hid_t fsp = H5Dget_space(d);
    hsize_t mdim[3] = {ep->n ? ep->n : 1, inner[0], inner[1]};
    hid_t msp = H5Screate_simple(rank, mdim, NULL);
    int rc = (msp < 0 || fsp < 0) ? es_h5_fail(st, "H5Dget_space", name) : 0;
    if (!rc && ep->n == 0) {
        if (H5Sselect_none(fsp) < 0 || H5Sselect_none(msp) < 0)
            rc = es_h5_fail(st, "H5Sselect_none", name);
    } else if (!rc) {
        H5Sselect_all(msp);
        for (size_t c = 0; c < ep->n && !rc; c++) {
            hsize_t start[3] = {ep->id[c], 0, 0}, cnt[3] = {1, inner[0], inner[1]};
            if (H5Sselect_hyperslab(fsp, c ? H5S_SELECT_OR : H5S_SELECT_SET, start, NULL, cnt,
                                    NULL) < 0)
                rc = es_h5_fail(st, "H5Sselect_hyperslab", name);
        }
    }
    if (!rc && H5Dwrite(d, type, msp, fsp, st->dxpl, buf) < 0)
        rc = es_h5_fail(st, "H5Dwrite", name);
    if (msp >= 0) H5Sclose(msp);
    if (fsp >= 0) H5Sclose(fsp);
    return rc;
}

int es_store_write_epoch(es_store *st, const es_epoch *ep)
{
    const es_job *job = st->job;
    const size_t col = ep->cap * ep->stride;
    if (job->store != ES_STORE_SUMMARY) {
        if (es_write_rows(st, st->sample, H5T_NATIVE_UINT64, ep->sample, ep, "/sample")) return -1;
        char path[128];
        for (size_t k = 0; k < job->n_unc && job->store == ES_STORE_ALL; k++) {
            snprintf(path, sizeof path, "/inputs/%s", job->model->inputs[job->unc[k]].name);
            if (es_write_rows(st, st->unc[k], H5T_NATIVE_DOUBLE, ep->unc + k * col, ep, path))
                return -1;
        }
        for (size_t j = 0; j < job->model->n_outputs; j++) {
            snprintf(path, sizeof path, "/outputs/%s", job->model->outputs[j].name);
            if (es_write_rows(st, st->out[j], H5T_NATIVE_DOUBLE, ep->out + j * col, ep, path))
                return -1;
        }
    }
    /* state after rows: a chunk marked done has its rows on disk */
    size_t nrow = ep->n ? ep->n : 1;
    double *accrows = malloc(nrow * st->nvars * 6 * sizeof(double));
    uint8_t *ones = malloc(nrow);
    if (!accrows || !ones) {
        free(accrows);
        free(ones);
        fprintf(stderr, "econsweep: rank %d: out of memory writing /state\n", st->rank);
        return -1;
    }
    for (size_t c = 0; c < ep->n; c++) {
        ones[c] = 1;
        for (size_t v = 0; v < st->nvars; v++) {
            const es_acc *a = &ep->acc[c * st->nvars + v];
            double *r = &accrows[(c * st->nvars + v) * 6];
            r[0] = (double)a->n;
            r[1] = (double)a->nan;
            r[2] = a->mean;
            r[3] = a->m2;
            r[4] = a->min;
            r[5] = a->max;
        }
    }
    hsize_t none[2] = {1, 1}, inner[2] = {st->nvars, 6};
    int rc =
        es_write_state(st, st->acc, H5T_NATIVE_DOUBLE, accrows, ep, 3, inner, "/state/chunk_acc") ||
        es_write_state(st, st->csum, H5T_NATIVE_UINT64, ep->checksum, ep, 1, none,
                       "/state/chunk_checksum") ||
        es_write_state(st, st->done, H5T_NATIVE_UINT8, ones, ep, 1, none, "/state/chunk_done");
    free(accrows);
    free(ones);
    if (rc) return -1;
    ES_H5CHECK(st, H5Fflush(st->file, H5F_SCOPE_GLOBAL), "/");
    return 0;
}

int es_store_finish(es_store *st, const es_acc *acc, uint64_t checksum, uint64_t samples_done,
                    int complete)
{
    const es_job *job = st->job;
    const es_model *m = job->model;
    hid_t g = H5Gcreate2(st->file, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ES_H5CHECK(st, g, "/summary");
    int rc = 0;
    for (size_t v = 0; v < st->nvars && !rc; v++) {
        const char *name =
            v < job->n_unc ? m->inputs[job->unc[v]].name : m->outputs[v - job->n_unc].name;
        const char *unit =
            v < job->n_unc ? m->inputs[job->unc[v]].unit : m->outputs[v - job->n_unc].unit;
        const es_acc *a = &acc[v];
        hid_t s = H5Gcreate2(g, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (s < 0) {
            rc = es_h5_fail(st, "H5Gcreate2", name);
            break;
        }
        rc = es_attr_u64(st, s, "count", a->n) || es_attr_u64(st, s, "nan_count", a->nan) ||
             es_attr_f64(st, s, "mean", a->n ? a->mean : NAN) ||
             es_attr_f64(st, s, "std", es_acc_std(a)) ||
             es_attr_f64(st, s, "stderr", es_acc_stderr(a)) ||
             es_attr_f64(st, s, "min", a->n ? a->min : NAN) ||
             es_attr_f64(st, s, "max", a->n ? a->max : NAN) || es_attr_str(st, s, "units", unit) ||
             es_attr_str(st, s, "kind", v < job->n_unc ? "input" : "output");
        H5Gclose(s);
    }
    H5Gclose(g);
    if (rc) return -1;
    char cs[32], fin[32];
    snprintf(cs, sizeof cs, "%016llx", (unsigned long long)checksum);
    es_utc_now(fin, sizeof fin);
    /* every rank must write the same value: rank 0's clock decides */
    int mrc = MPI_Bcast(fin, sizeof fin, MPI_CHAR, 0, st->comm);
    if (mrc != MPI_SUCCESS) {
        fprintf(stderr, "econsweep: rank %d: MPI call MPI_Bcast of finished_utc failed (%d)\n",
                st->rank, mrc);
        return -1;
    }
    if (es_attr_str_set(st, st->file, "checksum", cs) ||
        es_attr_u64(st, st->file, "samples_done", samples_done) ||
        es_attr_str_set(st, st->file, "finished_utc", fin) ||
        es_attr_str_set(st, st->file, "status", complete ? "complete" : "partial"))
        return -1;
    ES_H5CHECK(st, H5Fflush(st->file, H5F_SCOPE_GLOBAL), "/");
    return 0;
}

int es_store_close(es_store *st)
{
    if (!st) return 0;
    int rc = 0;
    for (size_t k = 0; k < st->job->n_unc; k++)
        if (st->unc[k] >= 0) H5Dclose(st->unc[k]);
    for (size_t j = 0; j < st->job->model->n_outputs; j++)
        if (st->out[j] >= 0) H5Dclose(st->out[j]);
    hid_t ds[4] = {st->sample, st->done, st->csum, st->acc};
    for (int i = 0; i < 4; i++)
        if (ds[i] >= 0) H5Dclose(ds[i]);
    if (st->dxpl >= 0) H5Pclose(st->dxpl);
    if (st->file >= 0 && H5Fclose(st->file) < 0) rc = es_h5_fail(st, "H5Fclose", "/");
    free(st->unc);
    free(st->out);
    free(st);
    return rc;
}
