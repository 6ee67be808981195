/* src/store.c: the HDF5 file: parallel rows and checkpoints, serial results.
 *
 * Parallel phase (MPI-IO driver): metadata operations are collective
 * (H5Pset_all_coll_metadata_ops, H5Pset_coll_metadata_write); raw data goes
 * through collective H5Dwrite, with an empty selection on ranks that have
 * nothing to write.  Row datasets are chunked on the plan's chunk and
 * extendible: their extent grows to the highest row written, so a reader
 * never sees rows that were not written (HDF5 allocates chunks early under
 * MPI-IO, so a fill value would cost a second write of every row).
 *
 * Serial phase (rank 0, after the parallel close): the results, written as
 * datasets with dimension scales so that h5py, xarray and pandas read them.
 *
 * Every failure is reported with the call, the object, the rank, the file,
 * and HDF5's error stack read at once (any later HDF5 call would clear it),
 * or errno's reason when HDF5 has none. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_version.h>

#include "ckpt.h"

const char *const es_slurm_vars[6] = {"SLURM_JOB_ID",        "SLURM_ARRAY_JOB_ID",
                                      "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT",
                                      "SLURM_JOB_NODELIST",  "SLURM_CLUSTER_NAME"};

struct es_store {
    MPI_Comm comm;
    int rank;
    char path[ES_JOB_PATHMAX];
    const es_plan *p;
    hid_t file, dxpl;
    hid_t dxpl_rows; /* independent I/O: each rank writes whole chunks of its own */
    size_t nrow;     /* row datasets */
    hid_t *rowd;     /* /sample, /cell (scan), /inputs/<name>..., /outputs/<name>... */
    int *rowsrc;     /* -1 sample, -2 cell, v >= 0 variable v */
    char (*rowname)[ES_RES_PATHMAX];
    uint64_t extent; /* rows held */
    uint64_t row_offset;
    hid_t done, csum, slot[2];
    int next_slot;
};

/* ---- errors: the call, the object, the rank, and HDF5's own words ---- */

/* HDF5's error stack, innermost first: the cause and the outermost effect. */
typedef struct {
    char first[300], last[300];
    unsigned n;
} es_h5_stack;

static herr_t es_h5_walk(unsigned n, const H5E_error2_t *e, void *data)
{
    es_h5_stack *st = data;
    if (!e->desc || !*e->desc) return 0;
    char *dst = st->n == 0 ? st->first : st->last;
    snprintf(dst, sizeof st->first, "%s (%s)", e->desc, e->func_name);
    st->n = n + 1;
    return 0;
}

/* HDF5's words for the current error stack, which is then cleared: the
 * innermost cause and the outermost effect. */
static void es_h5_detail(char *buf, size_t len)
{
    es_h5_stack st;
    memset(&st, 0, sizeof st);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, es_h5_walk, &st);
    H5Eclear2(H5E_DEFAULT);
    if (st.n == 0)
        buf[0] = '\0';
    else if (st.n == 1 || !st.last[0])
        snprintf(buf, len, "%s", st.first);
    else
        snprintf(buf, len, "%s, so: %s", st.first, st.last);
    for (char *c = buf; *c; c++) /* one message, one line: HDF5's texts hold newlines */
        if (*c == '\n' || *c == '\r') *c = ' ';
}

/* Report a failed call; errno_at_fail is errno read right after it. */
static int es_h5_report(int rank, const char *path, const char *call, const char *object,
                        int errno_at_fail)
{
    char detail[700];
    es_h5_detail(detail, sizeof detail);
    char why[1200];
    if (errno_at_fail)
        snprintf(why, sizeof why, "%s%s%s", strerror(errno_at_fail), detail[0] ? "; HDF5: " : "",
                 detail);
    else
        snprintf(why, sizeof why, "%s", detail[0] ? detail : "no detail from HDF5");
    /* MPI-IO does not say why a write failed; a full file system is the usual reason */
    char dir[ES_JOB_PATHMAX], space[ES_JOB_PATHMAX + 96] = "";
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    struct statvfs vfs;
    if (statvfs(dir, &vfs) == 0 && vfs.f_blocks > 0) {
        double free_b = (double)vfs.f_bavail * (double)vfs.f_frsize;
        if (free_b < 16.0 * 1024 * 1024)
            snprintf(space, sizeof space, " (the file system of %s has %.0f bytes free)", dir,
                     free_b);
    }
    if (rank >= 0)
        fprintf(stderr, "econsweep: rank %d: HDF5 %s failed on %s in %s: %s%s\n", rank, call,
                object, path, why, space);
    else
        fprintf(stderr, "econsweep: HDF5 %s failed on %s in %s: %s%s\n", call, object, path, why,
                space);
    return -1;
}

static int es_h5_fail(const es_store *st, const char *call, const char *object)
{
    /* ES_H5CHECK passes the whole expression: name the function only */
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(call, "("), call);
    return es_h5_report(st->rank, st->path, name, object, 0);
}

#define ES_H5CHECK(st, expr, object)                                                               \
    do {                                                                                           \
        if ((expr) < 0) return es_h5_fail((st), #expr, (object));                                  \
    } while (0)

/* ---- attributes ---- */

static int es_attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return -1;
    int rc = -1;
    hid_t sp = -1, a = -1;
    if (H5Tset_size(t, H5T_VARIABLE) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
        (sp = H5Screate(H5S_SCALAR)) >= 0) {
        htri_t ex = H5Aexists(obj, name);
        if (ex > 0) H5Adelete(obj, name);
        a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0 && H5Awrite(a, t, &value) >= 0) rc = 0;
    }
    if (a >= 0) H5Aclose(a);
    if (sp >= 0) H5Sclose(sp);
    H5Tclose(t);
    return rc;
}

static int es_attr_num(hid_t obj, const char *name, hid_t type, const void *v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    if (sp < 0) return -1;
    htri_t ex = H5Aexists(obj, name);
    if (ex > 0) H5Adelete(obj, name);
    hid_t a = H5Acreate2(obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = (a >= 0 && H5Awrite(a, type, v) >= 0) ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return rc;
}

static int es_attr_f64(hid_t obj, const char *name, double v)
{
    return es_attr_num(obj, name, H5T_NATIVE_DOUBLE, &v);
}

static int es_attr_u64(hid_t obj, const char *name, uint64_t v)
{
    return es_attr_num(obj, name, H5T_NATIVE_UINT64, &v);
}

void es_utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

/* ---- creating the file ---- */

static char *es_read_attr_dup(hid_t f, const char *name);

/* One line of the file's history: when, what, where. */
static void es_history_line(const es_run_info *info, const char *what, char *buf, size_t len)
{
    char when[32];
    es_utc_now(when, sizeof when);
    snprintf(buf, len, "%s %s on %d rank%s of %s%s%s%s%s: %s\n", when, what, info->ranks,
             info->ranks == 1 ? "" : "s", info->host, info->slurm[0][0] ? ", Slurm job " : "",
             info->slurm[0], info->slurm[3][0] ? " restart " : "", info->slurm[3],
             info->command_line);
}

/* The Slurm attributes of this start (strings; the restart count a number). */
static int es_slurm_attrs(hid_t f, const es_run_info *info)
{
    for (int i = 0; i < 6; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s", es_slurm_vars[i]);
        for (char *c = name; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        int bad = strcmp(es_slurm_vars[i], "SLURM_RESTART_COUNT") == 0
                      ? es_attr_u64(f, name, strtoull(info->slurm[i], NULL, 10))
                      : es_attr_str(f, name, info->slurm[i]);
        if (bad) return -1;
    }
    return 0;
}

static int es_store_root_attrs(es_store *st, const es_run_info *info)
{
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    char hdf5v[32];
    snprintf(hdf5v, sizeof hdf5v, "%u.%u.%u", maj, min, rel);
    const es_plan *p = st->p;
    const es_job *job = p->job;
    hid_t f = st->file;
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)info->fingerprint);
    if (es_attr_u64(f, "schema", ES_SCHEMA) ||
        es_attr_str(f, "econsweep_version", ECONSWEEP_VERSION) ||
        es_attr_str(f, "model", p->model->name) || es_attr_str(f, "design", p->design->name) ||
        es_attr_u64(f, "seed", job->seed) || es_attr_u64(f, "samples", p->points) ||
        es_attr_u64(f, "cells", p->cells) || es_attr_u64(f, "rows", p->rows) ||
        es_attr_u64(f, "evaluations", p->evaluations) ||
        es_attr_u64(f, "evaluations_per_row", p->evals) || es_attr_u64(f, "chunk", p->chunk) ||
        es_attr_u64(f, "chunks", p->nchunks) || es_attr_u64(f, "part", p->part) ||
        es_attr_u64(f, "parts", p->parts) || es_attr_u64(f, "row_offset", st->row_offset) ||
        es_attr_u64(f, "ranks", (uint64_t)(info->ranks_rows ? info->ranks_rows : info->ranks)) ||
        es_attr_str(f, "store", es_store_name(job->store)) || es_attr_str(f, "status", "partial") ||
        es_attr_str(f, "fingerprint", fp) || es_attr_str(f, "created_utc", info->created_utc) ||
        es_attr_str(f, "finished_utc", "") || es_attr_str(f, "host", info->host) ||
        es_attr_str(f, "job_path", job->path) ||
        es_attr_str(f, "job_text", info->job_effective ? info->job_effective : job->job_text) ||
        es_attr_str(f, "job_file_text", job->job_text) ||
        es_attr_str(f, "command_line", info->command_line) ||
        es_attr_str(f, "working_directory", info->cwd) ||
        es_attr_str(f, "econsweep_commit", ECONSWEEP_COMMIT) ||
        es_attr_str(f, "mpi_library", info->mpi_version) || es_attr_str(f, "hdf5_library", hdf5v) ||
        es_attr_str(f, "gsl_library", gsl_version) ||
        es_attr_str(f, "rng",
                    "Philox4x32-10 (Random123): key = seed, counter = (sample "
                    "index, dimension)") ||
        es_attr_str(f, "copula",
                    job->n_corr ? "Gaussian copula: normal scores correlated "
                                  "2 sin(pi rho / 6), GSL Cholesky factor"
                                : "none (independent inputs)") ||
        es_attr_str(f, "scenario_path", job->scenario_path) ||
        es_attr_str(f, "scenario_text", job->scenario_text) ||
        es_attr_str(f, "title", p->model->long_name) || es_attr_u64(f, "samples_done", 0) ||
        es_attr_str(f, "checksum", ""))
        return es_h5_fail(st, "H5Acreate2", "/ (root attributes)");
    /* the restart count is a number (0 when not under Slurm or never restarted) */
    if (es_slurm_attrs(f, info)) return es_h5_fail(st, "H5Acreate2", "/ (slurm_*)");
    char line[ES_JOB_PATHMAX + 9000];
    es_history_line(info, info->history_before ? "merged" : "created", line, sizeof line);
    char *hist = line;
    if (info->history_before) {
        size_t nb = strlen(info->history_before), nl = strlen(line);
        hist = malloc(nb + nl + 1);
        if (!hist) return es_h5_fail(st, "malloc", "/ (history)");
        memcpy(hist, info->history_before, nb);
        memcpy(hist + nb, line, nl + 1);
    }
    int bad = es_attr_str(f, "history", hist) || es_attr_u64(f, "resumes", 0);
    if (hist != line) free(hist);
    if (bad) return es_h5_fail(st, "H5Acreate2", "/ (history)");
    return 0;
}

static hid_t es_dset_rows(es_store *st, const char *path, hid_t type, const void *fill)
{
    hsize_t n = 0, maxn = H5S_UNLIMITED, c = st->p->chunk;
    hid_t sp = H5Screate_simple(1, &n, &maxn);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    hid_t d = -1;
    if (sp < 0 || dcpl < 0 || lcpl < 0 || H5Pset_chunk(dcpl, 1, &c) < 0 ||
        H5Pset_fill_value(dcpl, type, fill) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0 ||
        H5Pset_create_intermediate_group(lcpl, 1) < 0)
        es_h5_fail(st, "H5Pset_chunk", path);
    else if ((d = H5Dcreate2(st->file, path, type, sp, lcpl, dcpl, H5P_DEFAULT)) < 0)
        es_h5_fail(st, "H5Dcreate2", path);
    if (lcpl >= 0) H5Pclose(lcpl);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (sp >= 0) H5Sclose(sp);
    return d;
}

static hid_t es_dset_fixed(es_store *st, const char *path, hid_t type, hsize_t n, int unlimited,
                           hsize_t chunk)
{
    hsize_t maxn = unlimited ? H5S_UNLIMITED : n;
    hid_t sp = H5Screate_simple(1, &n, &maxn);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    hid_t d = -1;
    int ok = sp >= 0 && dcpl >= 0 && lcpl >= 0 && H5Pset_create_intermediate_group(lcpl, 1) >= 0;
    if (ok && unlimited) ok = H5Pset_chunk(dcpl, 1, &chunk) >= 0;
    if (ok && !unlimited)
        ok = H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) >= 0 &&
             H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC) >= 0;
    if (!ok)
        es_h5_fail(st, "H5Pcreate", path);
    else if ((d = H5Dcreate2(st->file, path, type, sp, lcpl, dcpl, H5P_DEFAULT)) < 0)
        es_h5_fail(st, "H5Dcreate2", path);
    if (lcpl >= 0) H5Pclose(lcpl);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (sp >= 0) H5Sclose(sp);
    return d;
}

static es_store *es_store_alloc(MPI_Comm comm, const char *path, const es_plan *p)
{
    es_store *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    MPI_Comm_rank(comm, &st->rank);
    st->comm = comm;
    st->p = p;
    snprintf(st->path, sizeof st->path, "%s", path);
    st->file = st->dxpl = st->done = st->csum = st->slot[0] = st->slot[1] = -1;
    st->dxpl_rows = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(st->dxpl_rows, H5FD_MPIO_INDEPENDENT);
    st->row_offset = es_plan_chunk_first(p, p->chunk_lo);
    const es_job *job = p->job;
    size_t n = 0;
    if (job->store != ES_STORE_SUMMARY) {
        n = 1 + (p->nscan ? 1 : 0) + p->n_out + (job->store == ES_STORE_ALL ? p->d : 0);
    }
    st->nrow = n;
    st->rowd = malloc((n + 1) * sizeof *st->rowd);
    st->rowsrc = malloc((n + 1) * sizeof *st->rowsrc);
    st->rowname = malloc((n + 1) * sizeof *st->rowname);
    if (!st->rowd || !st->rowsrc || !st->rowname) {
        free(st->rowd);
        free(st->rowsrc);
        free(st->rowname);
        free(st);
        return NULL;
    }
    size_t k = 0;
    if (n) {
        st->rowsrc[k] = -1;
        snprintf(st->rowname[k++], ES_RES_PATHMAX, "/sample");
        if (p->nscan) {
            st->rowsrc[k] = -2;
            snprintf(st->rowname[k++], ES_RES_PATHMAX, "/cell");
        }
        for (size_t v = 0; v < p->nvars; v++) {
            if (v < p->d && job->store != ES_STORE_ALL) continue;
            st->rowsrc[k] = (int)v;
            snprintf(st->rowname[k++], ES_RES_PATHMAX, "/%s/%s", v < p->d ? "inputs" : "outputs",
                     es_plan_var_name(p, v));
        }
    }
    for (size_t i = 0; i < n; i++)
        st->rowd[i] = -1;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return st;
}

static hid_t es_fapl_mpio(es_store *st)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_mpio(fapl, st->comm, MPI_INFO_NULL) < 0 ||
        H5Pset_all_coll_metadata_ops(fapl, 1) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0) {
        es_h5_fail(st, "H5Pset_fapl_mpio", "/");
        if (fapl >= 0) H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

static int es_store_make_rows(es_store *st)
{
    const es_plan *p = st->p;
    const double nan = NAN;
    const uint64_t missing = ES_SAMPLE_MISSING;
    for (size_t i = 0; i < st->nrow; i++) {
        int src = st->rowsrc[i];
        hid_t type = src < 0 ? H5T_NATIVE_UINT64 : H5T_NATIVE_DOUBLE;
        st->rowd[i] = es_dset_rows(st, st->rowname[i], type,
                                   src < 0 ? (const void *)&missing : (const void *)&nan);
        if (st->rowd[i] < 0) return -1;
        hid_t d = st->rowd[i];
        int bad = 0;
        if (src == -1) {
            bad =
                H5DSset_scale(d, "sample") < 0 ||
                es_attr_str(d, "long_name", "sample index: row of the job (2^64-1: not computed)");
        } else if (src == -2) {
            bad = es_attr_str(d, "long_name",
                              "scan cell of the row (row-major over /scan, in the order of [scan]; "
                              "2^64-1: not computed)");
        } else {
            const es_job *job = p->job;
            bad = es_attr_str(d, "units", es_plan_var_unit(p, (size_t)src)) ||
                  es_attr_str(d, "long_name", es_plan_var_long_name(p, (size_t)src));
            if (!bad && (size_t)src < p->d) {
                char desc[256];
                es_dist_describe(&job->dist[job->unc[src]], desc, sizeof desc);
                /* a grid samples the distribution at its levels' quantiles */
                size_t dl = strlen(desc);
                if (strcmp(p->design->name, "grid") == 0 && dl < sizeof desc)
                    snprintf(desc + dl, sizeof desc - dl, ", grid levels %u",
                             (unsigned)(p->levels[src] ? p->levels[src] : 1));
                bad = es_attr_str(d, "distribution", desc);
            }
        }
        if (!bad && src != -1)
            bad = H5DSattach_scale(d, st->rowd[0], 0) < 0 || H5DSset_label(d, 0, "sample") < 0;
        if (bad) return es_h5_fail(st, "H5DSattach_scale", st->rowname[i]);
    }
    /* the value of every fixed input */
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(st->file, "/inputs/fixed", lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (g < 0) return es_h5_fail(st, "H5Gcreate2", "/inputs/fixed");
    int bad = 0;
    for (size_t i = 0; i < p->model->n_inputs && !bad; i++)
        if (!p->job->uncertain[i]) {
            int scanned = 0;
            for (size_t s = 0; s < p->nscan; s++)
                scanned |= p->job->scan[s].input == (int)i;
            if (!scanned) bad = es_attr_f64(g, p->model->inputs[i].name, p->job->value[i]);
        }
    H5Gclose(g);
    if (bad) return es_h5_fail(st, "H5Acreate2", "/inputs/fixed");
    if (H5Lexists(st->file, "/outputs", H5P_DEFAULT) <= 0) {
        hid_t go = H5Gcreate2(st->file, "/outputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (go < 0) return es_h5_fail(st, "H5Gcreate2", "/outputs");
        H5Gclose(go);
    }
    return 0;
}

static int es_store_make_state(es_store *st)
{
    const es_plan *p = st->p;
    st->done = es_dset_fixed(st, "/state/chunk_done", H5T_NATIVE_UINT8, p->nchunks, 0, 0);
    if (st->done < 0) return -1;
    st->csum = es_dset_fixed(st, "/state/chunk_checksum", H5T_NATIVE_UINT64, p->nchunks, 0, 0);
    if (st->csum < 0) return -1;
    const char *names[2] = {"/state/checkpoint_a", "/state/checkpoint_b"};
    for (int s = 0; s < 2; s++) {
        st->slot[s] = es_dset_fixed(st, names[s], H5T_NATIVE_UINT8, 0, 1, 1 << 16);
        if (st->slot[s] < 0) return -1;
    }
    if (es_attr_str(st->done, "long_name", "1: the chunk's rows are written and summarised") ||
        es_attr_str(st->slot[0], "long_name",
                    "checkpoint (done chunks and merged statistics), written alternately with "
                    "checkpoint_b; the newer valid one counts"))
        return es_h5_fail(st, "H5Acreate2", "/state");
    return 0;
}

es_store *es_store_create(MPI_Comm comm, const char *path, const es_plan *p,
                          const es_run_info *info, int *created)
{
    *created = 0;
    es_store *st = es_store_alloc(comm, path, p);
    if (!st) return NULL;
    hid_t fapl = es_fapl_mpio(st);
    if (fapl < 0) goto fail;
    st->file = H5Fcreate(path, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    if (st->file < 0) {
        /* MPI-IO's errors do not set errno: ask the file system directly why
         * the file cannot be created */
        int e = 0;
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0)
            e = errno;
        else {
            close(fd);
            unlink(path);
        }
        es_h5_report(st->rank, st->path, "H5Fcreate", "/", e);
        H5Pclose(fapl);
        goto fail;
    }
    *created = 1;
    H5Pclose(fapl);
    st->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (st->dxpl < 0 || H5Pset_dxpl_mpio(st->dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
        es_h5_fail(st, "H5Pset_dxpl_mpio", "/");
        goto fail;
    }
    if (es_store_root_attrs(st, info) || es_store_make_rows(st) || es_store_make_state(st))
        goto fail;
    if (H5Fflush(st->file, H5F_SCOPE_GLOBAL) < 0) {
        es_h5_fail(st, "H5Fflush", "/");
        goto fail;
    }
    return st;
fail:
    es_store_abandon(st);
    return NULL;
}

es_store *es_store_reopen(MPI_Comm comm, const char *path, const es_plan *p,
                          const es_run_info *info)
{
    es_store *st = es_store_alloc(comm, path, p);
    if (!st) return NULL;
    hid_t fapl = es_fapl_mpio(st);
    if (fapl < 0) goto fail;
    errno = 0;
    st->file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    if (st->file < 0) {
        int e = errno;
        es_h5_report(st->rank, st->path, "H5Fopen", "/", e);
        H5Pclose(fapl);
        goto fail;
    }
    H5Pclose(fapl);
    st->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (st->dxpl < 0 || H5Pset_dxpl_mpio(st->dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
        es_h5_fail(st, "H5Pset_dxpl_mpio", "/");
        goto fail;
    }
    for (size_t i = 0; i < st->nrow; i++) {
        st->rowd[i] = H5Dopen2(st->file, st->rowname[i], H5P_DEFAULT);
        if (st->rowd[i] < 0) {
            es_h5_fail(st, "H5Dopen2", st->rowname[i]);
            goto fail;
        }
    }
    if (st->nrow) {
        hid_t sp = H5Dget_space(st->rowd[0]);
        hsize_t n = 0;
        if (sp < 0 || H5Sget_simple_extent_dims(sp, &n, NULL) < 0) {
            es_h5_fail(st, "H5Sget_simple_extent_dims", "/sample");
            if (sp >= 0) H5Sclose(sp);
            goto fail;
        }
        H5Sclose(sp);
        st->extent = n;
    }
    const char *names[4] = {"/state/chunk_done", "/state/chunk_checksum", "/state/checkpoint_a",
                            "/state/checkpoint_b"};
    hid_t *ids[4] = {&st->done, &st->csum, &st->slot[0], &st->slot[1]};
    for (int i = 0; i < 4; i++) {
        *ids[i] = H5Dopen2(st->file, names[i], H5P_DEFAULT);
        if (*ids[i] < 0) {
            es_h5_fail(st, "H5Dopen2", names[i]);
            goto fail;
        }
    }
    /* write next into the slot that does not hold the newest blob: its length
     * tells (an empty or shorter slot is older or torn; the reader decided) */
    st->next_slot = 0;
    {
        hsize_t n[2] = {0, 0};
        for (int s = 0; s < 2; s++) {
            hid_t sp = H5Dget_space(st->slot[s]);
            if (sp >= 0) {
                H5Sget_simple_extent_dims(sp, &n[s], NULL);
                H5Sclose(sp);
            }
        }
        /* the generation decides; read the two headers' generation fields */
        uint64_t gen[2] = {0, 0};
        for (int s = 0; s < 2; s++)
            if (n[s] >= 24) {
                unsigned char h[24];
                hsize_t start = 0, cnt = 24;
                hid_t fs = H5Dget_space(st->slot[s]), ms = H5Screate_simple(1, &cnt, NULL);
                H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &cnt, NULL);
                if (H5Dread(st->slot[s], H5T_NATIVE_UINT8, ms, fs, st->dxpl, h) >= 0)
                    for (int b = 0; b < 8; b++)
                        gen[s] |= (uint64_t)h[16 + b] << (8 * b);
                H5Sclose(ms);
                H5Sclose(fs);
            }
        st->next_slot = gen[0] > gen[1] ? 1 : 0;
    }
    /* the resume in the file's history; the Slurm attributes of this start */
    {
        char *old = es_read_attr_dup(st->file, "history");
        char line[ES_JOB_PATHMAX + 9000];
        es_history_line(info, "resumed", line, sizeof line);
        size_t n = (old ? strlen(old) : 0) + strlen(line) + 1;
        char *hist = malloc(n);
        int64_t resumes = 0;
        hid_t a = H5Aopen(st->file, "resumes", H5P_DEFAULT);
        if (a >= 0) {
            H5Aread(a, H5T_NATIVE_INT64, &resumes);
            H5Aclose(a);
        }
        int bad = !hist;
        if (hist) {
            snprintf(hist, n, "%s%s", old ? old : "", line);
            bad = es_attr_str(st->file, "history", hist) ||
                  es_attr_u64(st->file, "resumes", (uint64_t)resumes + 1) ||
                  es_attr_u64(st->file, "ranks", (uint64_t)info->ranks) ||
                  es_slurm_attrs(st->file, info);
        }
        free(old);
        free(hist);
        if (bad) {
            es_h5_fail(st, "H5Awrite", "/ (history)");
            goto fail;
        }
    }
    return st;
fail:
    es_store_abandon(st);
    return NULL;
}

/* ---- rows ---- */

int es_store_write_rows(es_store *st, uint64_t extent, size_t nseg, const uint64_t *first,
                        const size_t *len, const size_t *off, const unsigned char *missing,
                        const double *const *cols)
{
    if (st->nrow == 0) return 0;
    const es_plan *p = st->p;
    if (extent > st->extent) { /* rows are never taken away */
        hsize_t e = extent;
        for (size_t i = 0; i < st->nrow; i++)
            ES_H5CHECK(st, H5Dset_extent(st->rowd[i], &e), st->rowname[i]);
        st->extent = extent;
    }
    /* memory: one buffer per column, segments at off[s]; /sample and /cell built here */
    size_t mlen = 1;
    for (size_t s = 0; s < nseg; s++)
        if (off[s] + len[s] > mlen) mlen = off[s] + len[s];
    uint64_t *ibuf = malloc(mlen * sizeof *ibuf);
    if (!ibuf) {
        fprintf(stderr, "econsweep: rank %d: out of memory writing rows\n", st->rank);
        return -1;
    }
    hsize_t md = mlen;
    hid_t msp = H5Screate_simple(1, &md, NULL);
    hid_t fsp = H5Screate_simple(1, (hsize_t[]){extent ? extent : 1}, NULL);
    int rc = (msp < 0 || fsp < 0) ? es_h5_fail(st, "H5Screate_simple", "rows") : 0;
    if (!rc && nseg == 0) {
        if (H5Sselect_none(msp) < 0 || H5Sselect_none(fsp) < 0)
            rc = es_h5_fail(st, "H5Sselect_none", "rows");
    }
    for (size_t s = 0; s < nseg && !rc; s++) {
        hsize_t fs = first[s] - st->row_offset, ms = off[s], cnt = len[s];
        H5S_seloper_t op = s == 0 ? H5S_SELECT_SET : H5S_SELECT_OR;
        if (H5Sselect_hyperslab(fsp, op, &fs, NULL, &cnt, NULL) < 0 ||
            H5Sselect_hyperslab(msp, op, &ms, NULL, &cnt, NULL) < 0)
            rc = es_h5_fail(st, "H5Sselect_hyperslab", "rows");
    }
    for (size_t i = 0; i < st->nrow && !rc; i++) {
        int src = st->rowsrc[i];
        const void *buf;
        hid_t type = H5T_NATIVE_DOUBLE;
        if (src < 0) {
            type = H5T_NATIVE_UINT64;
            for (size_t s = 0; s < nseg; s++)
                for (size_t k = 0; k < len[s]; k++) {
                    uint64_t row = first[s] + k;
                    ibuf[off[s] + k] =
                        missing[s] ? ES_SAMPLE_MISSING : (src == -1 ? row : row / p->points);
                }
            buf = ibuf;
        } else {
            buf = cols[src];
        }
        if (H5Dwrite(st->rowd[i], type, msp, fsp, st->dxpl_rows, buf) < 0)
            rc = es_h5_fail(st, "H5Dwrite", st->rowname[i]);
    }
    if (msp >= 0) H5Sclose(msp);
    if (fsp >= 0) H5Sclose(fsp);
    free(ibuf);
    return rc;
}

uint64_t es_store_extent(const es_store *st)
{
    return st->extent;
}

int es_store_mark_chunks(es_store *st, size_t n, const uint64_t *ids, const uint64_t *sums)
{
    hsize_t nc = st->p->nchunks, mn = n ? n : 1;
    hid_t fsp = H5Screate_simple(1, &nc, NULL), msp = H5Screate_simple(1, &mn, NULL);
    unsigned char *ones = malloc(mn);
    hsize_t *coord = malloc(mn * sizeof *coord);
    int rc = (fsp < 0 || msp < 0 || !ones || !coord)
                 ? es_h5_fail(st, "H5Screate_simple", "/state/chunk_done")
                 : 0;
    if (!rc) {
        for (size_t i = 0; i < n; i++) {
            ones[i] = 1;
            coord[i] = ids[i];
        }
        if (n == 0) {
            if (H5Sselect_none(fsp) < 0 || H5Sselect_none(msp) < 0)
                rc = es_h5_fail(st, "H5Sselect_none", "/state/chunk_done");
        } else if (H5Sselect_elements(fsp, H5S_SELECT_SET, n, coord) < 0) {
            rc = es_h5_fail(st, "H5Sselect_elements", "/state/chunk_done");
        }
    }
    if (!rc && H5Dwrite(st->csum, H5T_NATIVE_UINT64, msp, fsp, st->dxpl, sums) < 0)
        rc = es_h5_fail(st, "H5Dwrite", "/state/chunk_checksum");
    if (!rc && H5Dwrite(st->done, H5T_NATIVE_UINT8, msp, fsp, st->dxpl, ones) < 0)
        rc = es_h5_fail(st, "H5Dwrite", "/state/chunk_done");
    if (fsp >= 0) H5Sclose(fsp);
    if (msp >= 0) H5Sclose(msp);
    free(ones);
    free(coord);
    return rc;
}

int es_store_checkpoint(es_store *st, const unsigned char *blob, uint64_t len, uint64_t rows_done)
{
    const char *name = st->next_slot ? "/state/checkpoint_b" : "/state/checkpoint_a";
    hid_t d = st->slot[st->next_slot];
    hsize_t n = len, have = 0;
    /* grow only: shrinking a chunked dataset under MPI-IO prunes chunks on some
     * ranks only, and the ranks' views of the file's end then differ (a
     * collective call mismatch at the next flush).  The blob says its own
     * length; bytes after it are ignored. */
    hid_t sp0 = H5Dget_space(d);
    if (sp0 < 0 || H5Sget_simple_extent_dims(sp0, &have, NULL) < 0) {
        if (sp0 >= 0) H5Sclose(sp0);
        return es_h5_fail(st, "H5Dget_space", name);
    }
    H5Sclose(sp0);
    if (n > have) ES_H5CHECK(st, H5Dset_extent(d, &n), name);
    hid_t fsp = H5Dget_space(d), msp = H5Screate_simple(1, (hsize_t[]){n ? n : 1}, NULL);
    int rc = (fsp < 0 || msp < 0) ? es_h5_fail(st, "H5Dget_space", name) : 0;
    if (!rc && (st->rank != 0 || n == 0)) {
        if (H5Sselect_none(fsp) < 0 || H5Sselect_none(msp) < 0)
            rc = es_h5_fail(st, "H5Sselect_none", name);
    } else if (!rc) {
        hsize_t start = 0;
        if (H5Sselect_hyperslab(fsp, H5S_SELECT_SET, &start, NULL, &n, NULL) < 0)
            rc = es_h5_fail(st, "H5Sselect_hyperslab", name);
    }
    if (!rc && H5Dwrite(d, H5T_NATIVE_UINT8, msp, fsp, st->dxpl, blob) < 0)
        rc = es_h5_fail(st, "H5Dwrite", name);
    if (fsp >= 0) H5Sclose(fsp);
    if (msp >= 0) H5Sclose(msp);
    if (rc) return rc;
    /* readers of a file being written (or killed) see what the checkpoint holds */
    if (es_attr_u64(st->file, "samples_done", rows_done))
        return es_h5_fail(st, "H5Awrite", "/samples_done");
    ES_H5CHECK(st, H5Fflush(st->file, H5F_SCOPE_GLOBAL), "/");
    st->next_slot ^= 1;
    return 0;
}

static void es_store_release(es_store *st)
{
    for (size_t i = 0; i < st->nrow; i++)
        if (st->rowd[i] >= 0) H5Dclose(st->rowd[i]);
    hid_t ds[4] = {st->done, st->csum, st->slot[0], st->slot[1]};
    for (int i = 0; i < 4; i++)
        if (ds[i] >= 0) H5Dclose(ds[i]);
    if (st->dxpl >= 0) H5Pclose(st->dxpl);
    if (st->dxpl_rows >= 0) H5Pclose(st->dxpl_rows);
}

int es_store_close(es_store *st)
{
    int rc = 0;
    es_store_release(st);
    if (H5Fclose(st->file) < 0) rc = es_h5_fail(st, "H5Fclose", "/");
    free(st->rowd);
    free(st->rowsrc);
    free(st->rowname);
    free(st);
    return rc;
}

void es_store_abandon(es_store *st)
{
    if (!st) return;
    /* no collective call may follow a failure: the file handle is left to
     * MPI_Abort, only local objects are released */
    free(st->rowd);
    free(st->rowsrc);
    free(st->rowname);
    free(st);
}

/* ---- results, serial ---- */

static hid_t es_res_h5type(es_res_type t, hid_t *strtype)
{
    switch (t) {
    case ES_RES_F64:
        return H5T_NATIVE_DOUBLE;
    case ES_RES_U64:
        return H5T_NATIVE_UINT64;
    case ES_RES_I64:
        return H5T_NATIVE_INT64;
    default:
        *strtype = H5Tcopy(H5T_C_S1);
        H5Tset_size(*strtype, H5T_VARIABLE);
        H5Tset_cset(*strtype, H5T_CSET_UTF8);
        return *strtype;
    }
}

static int es_res_write_attrs(hid_t obj, const es_res_array *a)
{
    for (size_t i = 0; i < a->nattr; i++) {
        const es_res_attr *t = &a->attr[i];
        if (t->is_str ? es_attr_str(obj, t->name, t->str) : es_attr_f64(obj, t->name, t->num))
            return -1;
    }
    return 0;
}

static void es_res_basename(const char *path, char *out, size_t len)
{
    const char *s = strrchr(path, '/');
    snprintf(out, len, "%s", s ? s + 1 : path);
}

/* Replace a checkpoint slot's bytes (serial). */
static int es_write_slot(hid_t f, const char *path, const char *name, const unsigned char *blob,
                         uint64_t len)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return es_h5_report(-1, path, "H5Dopen2", name, 0);
    hsize_t n = len;
    int rc = 0;
    if (H5Dset_extent(d, &n) < 0)
        rc = es_h5_report(-1, path, "H5Dset_extent", name, 0);
    else if (n && H5Dwrite(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, blob) < 0)
        rc = es_h5_report(-1, path, "H5Dwrite", name, 0);
    H5Dclose(d);
    return rc;
}

int es_store_finish(const char *path, const es_results *r, int complete, uint64_t rows_done,
                    uint64_t checksum, const unsigned char *final_blob, uint64_t final_len)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    errno = 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) return es_h5_report(-1, path, "H5Fopen", "/", errno);
    const char *groups[] = {"/summary", "/events", "/sensitivity", "/scan", "/verify"};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (H5Lexists(f, groups[i], H5P_DEFAULT) > 0 && H5Ldelete(f, groups[i], H5P_DEFAULT) < 0) {
            H5Fclose(f);
            return es_h5_report(-1, path, "H5Ldelete", groups[i], 0);
        }
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    /* The results groups, made again with their links' creation order
     * tracked: h5py lists a group by name unless it tracks that order, and
     * /scan's order is [scan]'s (the order of the scan dimensions and of
     * /cell's row-major index). */
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    int bad = gcpl < 0 ||
              H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0] && !bad; i++) {
        size_t n = strlen(groups[i]);
        int used = 0;
        for (size_t k = 0; k < r->n && !used; k++)
            used = strncmp(r->a[k]->path, groups[i], n) == 0 && r->a[k]->path[n] == '/';
        hid_t g = used ? H5Gcreate2(f, groups[i], H5P_DEFAULT, gcpl, H5P_DEFAULT) : 0;
        if (g < 0) {
            es_h5_report(-1, path, "H5Gcreate2", groups[i], 0);
            bad = 1;
        } else if (used)
            H5Gclose(g);
    }
    if (gcpl >= 0) H5Pclose(gcpl);
    if (bad) {
        H5Pclose(lcpl);
        H5Fclose(f);
        return -1;
    }
    /* HDF5 1.10 allocates and zeroes its whole type-conversion buffer (1 MiB
     * by default) for every H5Dwrite that converts (the strings), however
     * small the dataset: 64 KiB keeps the results' ~100 writes from zeroing
     * 100 MiB (0.08 -> 0.01 s) */
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (dxpl >= 0) H5Pset_buffer(dxpl, (size_t)64 << 10, NULL, NULL);
    int rc = 0;
    hid_t *ids = calloc(r->n ? r->n : 1, sizeof *ids);
    if (!ids) rc = -1;
    for (size_t i = 0; i < r->n && !rc; i++) {
        const es_res_array *a = r->a[i];
        ids[i] = -1;
        if (a->type == ES_RES_GROUP) {
            htri_t ex = H5Lexists(f, a->path, H5P_DEFAULT);
            hid_t g = ex > 0 ? H5Gopen2(f, a->path, H5P_DEFAULT)
                             : H5Gcreate2(f, a->path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
            if (g < 0 || es_res_write_attrs(g, a))
                rc = es_h5_report(-1, path, "H5Gcreate2", a->path, 0);
            if (g >= 0) H5Gclose(g);
            continue;
        }
        hsize_t dims[ES_RES_MAXRANK];
        for (int k = 0; k < a->rank; k++)
            dims[k] = a->dims[k];
        hid_t strtype = -1;
        hid_t type = es_res_h5type(a->type, &strtype);
        hid_t sp = a->rank ? H5Screate_simple(a->rank, dims, NULL) : H5Screate(H5S_SCALAR);
        hid_t d = sp < 0 ? -1 : H5Dcreate2(f, a->path, type, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        if (d < 0 ||
            (es_res_size(a) > 0 &&
             H5Dwrite(d, type, H5S_ALL, H5S_ALL, dxpl >= 0 ? dxpl : H5P_DEFAULT, a->data) < 0) ||
            es_res_write_attrs(d, a))
            rc = es_h5_report(-1, path, "H5Dwrite", a->path, 0);
        ids[i] = d;
        if (sp >= 0) H5Sclose(sp);
        if (strtype >= 0) H5Tclose(strtype);
    }
    /* coordinates become dimension scales, then every dimension gets its own */
    for (size_t i = 0; i < r->n && !rc; i++)
        if (r->a[i]->is_coord && ids[i] >= 0) {
            char base[ES_RES_PATHMAX];
            es_res_basename(r->a[i]->path, base, sizeof base);
            if (H5DSset_scale(ids[i], base) < 0)
                rc = es_h5_report(-1, path, "H5DSset_scale", r->a[i]->path, 0);
        }
    for (size_t i = 0; i < r->n && !rc; i++) {
        const es_res_array *a = r->a[i];
        if (a->is_coord || a->type == ES_RES_GROUP || ids[i] < 0) continue;
        for (int k = 0; k < a->rank && !rc; k++) {
            if (!a->dimnames[k][0]) continue;
            size_t j = 0;
            while (j < r->n && strcmp(r->a[j]->path, a->dimnames[k]) != 0)
                j++;
            if (j == r->n || ids[j] < 0) continue;
            char base[ES_RES_PATHMAX];
            es_res_basename(a->dimnames[k], base, sizeof base);
            if (H5DSattach_scale(ids[i], ids[j], (unsigned)k) < 0 ||
                H5DSset_label(ids[i], (unsigned)k, base) < 0)
                rc = es_h5_report(-1, path, "H5DSattach_scale", a->path, 0);
        }
    }
    /* netCDF-4 readers (xarray's h5netcdf and netcdf4 engines) look for a
     * dimension's scale in the dataset's own group and above it, never in a
     * sibling group: each scanned input's coordinate /scan/<input> gets a
     * second name (a hard link: the same dataset) in every group whose arrays
     * carry the scan dimensions, so that xr.open_dataset(f, group="summary")
     * has the scanned values as coordinates. */
    for (size_t i = 0; i < r->n && !rc; i++) {
        const es_res_array *a = r->a[i];
        if (!a->is_coord || strncmp(a->path, "/scan/", 6) != 0) continue;
        static const char *const with_scan[] = {"/summary", "/events", "/sensitivity"};
        for (size_t g = 0; g < sizeof with_scan / sizeof with_scan[0] && !rc; g++) {
            char link[2 * ES_RES_PATHMAX];
            snprintf(link, sizeof link, "%s/%s", with_scan[g], a->path + 6);
            if (H5Lexists(f, with_scan[g], H5P_DEFAULT) <= 0 || H5Lexists(f, link, H5P_DEFAULT) > 0)
                continue;
            if (H5Lcreate_hard(f, a->path, f, link, H5P_DEFAULT, H5P_DEFAULT) < 0)
                rc = es_h5_report(-1, path, "H5Lcreate_hard", link, 0);
        }
    }
    for (size_t i = 0; i < r->n; i++)
        if (ids && ids[i] > 0) H5Dclose(ids[i]);
    free(ids);
    H5Pclose(lcpl);
    if (dxpl >= 0) H5Pclose(dxpl);
    /* a complete file keeps the final checkpoint in both slots: the same bytes whatever
     * the ranks and epochs were */
    if (!rc && final_blob)
        rc = es_write_slot(f, path, "/state/checkpoint_a", final_blob, final_len) ||
             es_write_slot(f, path, "/state/checkpoint_b", final_blob, final_len);
    if (!rc) {
        char cs[32], fin[32];
        snprintf(cs, sizeof cs, "%016llx", (unsigned long long)checksum);
        es_utc_now(fin, sizeof fin);
        /* the status last: a file is complete only when all else is written */
        if (es_attr_str(f, "checksum", cs) || es_attr_u64(f, "samples_done", rows_done) ||
            es_attr_str(f, "finished_utc", fin) ||
            es_attr_str(f, "status", complete ? "complete" : "partial"))
            rc = es_h5_report(-1, path, "H5Awrite", "/ (status)", 0);
    }
    errno = 0;
    if (H5Fclose(f) < 0 && !rc) rc = es_h5_report(-1, path, "H5Fclose", "/", errno);
    return rc;
}

/* ---- resume: the newest valid checkpoint ---- */

static int es_read_attr_str(hid_t f, const char *name, char *out, size_t len)
{
    out[0] = '\0';
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a);
    int rc = -1;
    if (H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            char *s = NULL;
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(t)); /* HDF5 converts no character sets */
            if (H5Aread(a, mt, &s) >= 0 && s) {
                snprintf(out, len, "%s", s);
                H5free_memory(s);
                rc = 0;
            }
            H5Tclose(mt);
        }
    }
    H5Tclose(t);
    H5Aclose(a);
    return rc;
}

/* A string attribute, malloc'd; NULL when absent. */
static char *es_read_attr_dup(hid_t f, const char *name)
{
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return NULL;
    hid_t t = H5Aget_type(a);
    char *out = NULL;
    if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
        char *s = NULL;
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        if (H5Aread(a, mt, &s) >= 0 && s) {
            out = strdup(s);
            H5free_memory(s);
        }
        H5Tclose(mt);
    }
    H5Tclose(t);
    H5Aclose(a);
    return out;
}

void es_file_head_free(es_file_head *head)
{
    free(head->job_text);
    free(head->scenario_text);
    free(head->history);
    head->job_text = head->scenario_text = head->history = NULL;
}

static int es_read_attr_i64(hid_t f, const char *name, int64_t *v)
{
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0) return -1;
    int rc = H5Aread(a, H5T_NATIVE_INT64, v) < 0 ? -1 : 0;
    H5Aclose(a);
    return rc;
}

int es_store_read_checkpoint(const char *path, es_file_head *head, unsigned char **blob,
                             uint64_t *len, char *err, size_t errlen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    memset(head, 0, sizeof *head);
    *blob = NULL;
    *len = 0;
    errno = 0;
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0) {
        int e = errno;
        FILE *fp = fopen(path, "rb");
        if (!fp)
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        else {
            fclose(fp);
            snprintf(err, errlen,
                     "%s is not an HDF5 file HDF5 can open (%s); if a run was killed while "
                     "writing it, try 'h5clear -s %s' and --resume again, or start afresh "
                     "with --force",
                     path, e ? strerror(e) : "no HDF5 signature", path);
        }
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        char detail[700];
        es_h5_detail(detail, sizeof detail);
        snprintf(err, errlen,
                 "cannot open %s (%s): a run killed while writing it can leave it so; try "
                 "'h5clear -s %s' and --resume again, or start afresh with --force",
                 path, detail[0] ? detail : "no detail from HDF5", path);
        return -1;
    }
    int64_t part = 0, parts = 1;
    es_read_attr_i64(f, "schema", &head->schema);
    es_read_attr_str(f, "fingerprint", head->fingerprint, sizeof head->fingerprint);
    es_read_attr_str(f, "model", head->model, sizeof head->model);
    es_read_attr_str(f, "design", head->design, sizeof head->design);
    es_read_attr_str(f, "status", head->status, sizeof head->status);
    es_read_attr_i64(f, "part", &part);
    es_read_attr_i64(f, "parts", &parts);
    head->part = (uint64_t)part;
    head->parts = (uint64_t)parts;
    int64_t samples = 0, seed = 0;
    es_read_attr_i64(f, "samples", &samples);
    hid_t sa = H5Aopen(f, "seed", H5P_DEFAULT);
    if (sa >= 0) {
        H5Aread(sa, H5T_NATIVE_UINT64, &head->seed);
        H5Aclose(sa);
    }
    (void)seed;
    head->samples = (uint64_t)samples;
    es_read_attr_str(f, "store", head->store, sizeof head->store);
    es_read_attr_str(f, "job_path", head->job_path, sizeof head->job_path);
    es_read_attr_str(f, "scenario_path", head->scenario_path, sizeof head->scenario_path);
    head->job_text = es_read_attr_dup(f, "job_file_text"); /* the file as read, not overridden */
    head->scenario_text = es_read_attr_dup(f, "scenario_text");
    head->history = es_read_attr_dup(f, "history");
    es_read_attr_i64(f, "ranks", &head->ranks);
    const char *names[2] = {"/state/checkpoint_a", "/state/checkpoint_b"};
    uint64_t best_gen = 0;
    for (int s = 0; s < 2; s++) {
        hid_t d = H5Dopen2(f, names[s], H5P_DEFAULT);
        if (d < 0) continue;
        hid_t sp = H5Dget_space(d);
        hsize_t n = 0;
        H5Sget_simple_extent_dims(sp, &n, NULL);
        H5Sclose(sp);
        unsigned char *buf = n ? malloc(n) : NULL;
        es_ckpt c;
        if (buf && H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 &&
            es_ckpt_read(buf, n, &c) == 0 && c.generation > best_gen) {
            free(*blob);
            *blob = buf;
            *len = n;
            best_gen = c.generation;
        } else {
            free(buf);
        }
        H5Dclose(d);
    }
    H5Eclear2(H5E_DEFAULT);
    H5Fclose(f);
    if (!*blob && head->schema == 0) {
        snprintf(err, errlen, "%s is not an econsweep result file (it has no schema attribute)",
                 path);
        return -1;
    }
    if (!*blob && head->schema != ES_SCHEMA) {
        snprintf(err, errlen,
                 "%s is an econsweep file of schema %lld, which this version (schema %d) does "
                 "not continue",
                 path, (long long)head->schema, ES_SCHEMA);
        return -1;
    }
    if (!*blob) {
        head->no_checkpoint = 1;
        snprintf(err, errlen,
                 "%s holds no valid checkpoint (the run stopped before its first one); "
                 "start afresh with --force",
                 path);
        return -1;
    }
    return 0;
}

/* ---- merge: a part's rows and marks ---- */

int es_store_copy_part(es_store *st, const char *part)
{
    const es_plan *p = st->p;
    errno = 0;
    hid_t f = H5Fopen(part, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return es_h5_report(st->rank, part, "H5Fopen", "/", errno);
    int rc = 0;
    /* the rows: every double dataset of the output, block by block */
    int64_t off = 0;
    es_read_attr_i64(f, "row_offset", &off);
    hsize_t n = 0;
    if (st->nrow) {
        hid_t d = H5Dopen2(f, "/sample", H5P_DEFAULT);
        hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
        if (sp < 0 || H5Sget_simple_extent_dims(sp, &n, NULL) < 0)
            rc = es_h5_report(st->rank, part, "H5Dopen2", "/sample", 0);
        if (sp >= 0) H5Sclose(sp);
        if (d >= 0) H5Dclose(d);
    }
    const size_t B = (size_t)1 << 16;
    double *buf = st->nrow ? malloc(B * p->nvars * sizeof *buf) : NULL;
    const double **cols = malloc((p->nvars + 1) * sizeof *cols);
    if ((st->nrow && !buf) || !cols) rc = -1;
    for (hsize_t first = 0; !rc && first < n; first += B) {
        hsize_t cnt = n - first < B ? n - first : B;
        for (size_t i = 0; i < st->nrow && !rc; i++) {
            int src = st->rowsrc[i];
            if (src < 0) continue;
            double *col = buf + (size_t)src * B;
            cols[src] = col;
            hid_t d = H5Dopen2(f, st->rowname[i], H5P_DEFAULT);
            hid_t fs = d >= 0 ? H5Dget_space(d) : -1, ms = H5Screate_simple(1, &cnt, NULL);
            if (d < 0 || fs < 0 ||
                H5Sselect_hyperslab(fs, H5S_SELECT_SET, &first, NULL, &cnt, NULL) < 0 ||
                H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, col) < 0)
                rc = es_h5_report(st->rank, part, "H5Dread", st->rowname[i], 0);
            if (fs >= 0) H5Sclose(fs);
            H5Sclose(ms);
            if (d >= 0) H5Dclose(d);
        }
        uint64_t row = (uint64_t)off + first, end = row + cnt;
        size_t len = (size_t)cnt, zero = 0;
        unsigned char miss = 0;
        if (!rc && es_store_write_rows(st, end > st->extent ? end : st->extent, 1, &row, &len,
                                       &zero, &miss, cols))
            rc = -1;
    }
    free(buf);
    free(cols);
    /* the done marks and checksums of the part's chunks */
    uint8_t *done = malloc(p->nchunks ? p->nchunks : 1);
    uint64_t *sums = malloc((p->nchunks ? p->nchunks : 1) * sizeof *sums);
    uint64_t *ids = malloc((p->nchunks ? p->nchunks : 1) * sizeof *ids);
    if (!done || !sums || !ids) rc = -1;
    if (!rc) {
        hid_t d1 = H5Dopen2(f, "/state/chunk_done", H5P_DEFAULT);
        hid_t d2 = H5Dopen2(f, "/state/chunk_checksum", H5P_DEFAULT);
        if (d1 < 0 || d2 < 0 ||
            H5Dread(d1, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done) < 0 ||
            H5Dread(d2, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, sums) < 0)
            rc = es_h5_report(st->rank, part, "H5Dread", "/state", 0);
        if (d1 >= 0) H5Dclose(d1);
        if (d2 >= 0) H5Dclose(d2);
    }
    size_t k = 0;
    for (uint64_t c = 0; !rc && c < p->nchunks; c++)
        if (done[c]) {
            ids[k] = c;
            sums[k++] = sums[c];
        }
    if (!rc && es_store_mark_chunks(st, k, ids, sums)) rc = -1;
    free(done);
    free(sums);
    free(ids);
    H5Fclose(f);
    return rc;
}
