/* src/sweep.c: chunk dispatch, the per-chunk pipeline, epochs and interruption.
 *
 * Rank 0 hands out chunk indices in increasing order on request and computes
 * chunks itself between requests.  A worker keeps exactly one request open:
 * it asks for the next chunk as soon as it receives one, so a reply is
 * waiting when it finishes.  Rows are buffered per rank; when a rank's buffer
 * is full, all chunks are handed out, or a stop signal arrives, rank 0
 * answers every open request with "flush" and all ranks write their rows in
 * one collective call per dataset (an empty selection where a rank has
 * none).  Every chunk handed out is finished by the flush, so the chunks done
 * form a prefix, and rank 0 merges their accumulators in chunk order: the
 * summaries do not depend on the number of ranks.
 *
 * Chunk pipeline: sample indices -> design (unit points) -> dist (inputs)
 * -> model (outputs, whole chunk) -> stats (chunk accumulators) -> rows. */
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "design.h"
#include "job.h"
#include "stats.h"
#include "store.h"

#define ES_TAG_REQ 11
#define ES_TAG_REPLY 12
#define ES_REPLY_FLUSH (-1)
#define ES_REPLY_DONE (-2)
#define ES_REPLY_STOP (-3)
#define ES_EPOCH_BYTES ((size_t)64 << 20) /* row buffer per rank */

/* MPI calls return their errors (MPI_ERRORS_RETURN is set on the
 * communicator); a failure is reported with the call, the place and the rank,
 * and the job is aborted with exit code 3, since the other ranks may be
 * waiting in a collective call that will never complete. */
static void es_mpi_fail(MPI_Comm comm, const char *call, int rc, int line)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0, rank = -1;
    MPI_Error_string(rc, msg, &len);
    MPI_Comm_rank(comm, &rank);
    fprintf(stderr, "econsweep: rank %d: MPI call %s failed (src/sweep.c:%d): %s\n", rank, call,
            line, msg);
    MPI_Abort(comm, ES_EXIT_IO);
}

#define ES_MPI(call)                                                                               \
    do {                                                                                           \
        int es_mpi_rc_ = (call);                                                                   \
        if (es_mpi_rc_ != MPI_SUCCESS) es_mpi_fail(comm, #call, es_mpi_rc_, __LINE__);             \
    } while (0)

static volatile sig_atomic_t es_stop_signal = 0;

static void es_on_signal(int sig)
{
    es_stop_signal = sig;
}

void es_sweep_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = es_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

/* ---- the job on every rank ---- */

static void es_bcast_str(MPI_Comm comm, char **s)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    unsigned long long n = rank == 0 ? strlen(*s) + 1 : 0;
    ES_MPI(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm));
    if (rank != 0) {
        *s = malloc(n);
        if (!*s) MPI_Abort(comm, ES_EXIT_IO);
    }
    ES_MPI(MPI_Bcast(*s, (int)n, MPI_CHAR, 0, comm));
}

/* Rank 0 reads and checks the files; the others parse rank 0's text, so all
 * hold the same job even when the files change meanwhile. */
static int es_load_everywhere(MPI_Comm comm, const char *path, es_job *job)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    char err[8192];
    int status = 0;
    if (rank == 0) {
        int n = es_job_load(job, path, err, sizeof err);
        if (n) {
            fputs(err, stderr);
            fprintf(stderr, "econsweep: %s: %d error%s; nothing was run\n", path, n,
                    n == 1 ? "" : "s");
            status = ES_EXIT_BADJOB;
        }
    }
    ES_MPI(MPI_Bcast(&status, 1, MPI_INT, 0, comm));
    if (status) return status;
    char *jt = rank == 0 ? job->job_text : NULL, *st = rank == 0 ? job->scenario_text : NULL;
    char *sp = rank == 0 ? job->scenario_path : NULL;
    es_bcast_str(comm, &jt);
    es_bcast_str(comm, &st);
    es_bcast_str(comm, &sp);
    if (rank != 0) {
        es_job_mem_file f[] = {{path, jt, strlen(jt)}, {sp, st, strlen(st)}, {NULL, NULL, 0}};
        int n = es_job_load_with(job, path, es_job_mem_reader, f, err, sizeof err);
        free(jt);
        free(st);
        free(sp);
        if (n) {
            fprintf(stderr, "econsweep: rank %d cannot parse rank 0's job: %s", rank, err);
            MPI_Abort(comm, ES_EXIT_IO);
        }
    }
    return 0;
}

/* ---- per-rank buffers ---- */

typedef struct {
    const es_job *job;
    es_design design;
    es_epoch ep;
    size_t nvars;
    double *u;     /* unit points, [n_unc][chunk] */
    double *fixed; /* fixed input columns, [n_inputs][chunk] (only fixed ones filled) */
    const double **in;
    double **out;
    double **ucol;
    uint64_t checksum;  /* sum over this rank's chunks */
    uint64_t completed; /* samples this rank computed */
} es_worker;

static int es_worker_init(es_worker *w, const es_job *job, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->job = job;
    const es_model *m = job->model;
    if (es_design_init(&w->design, job, err, errlen)) return -1;
    size_t ch = job->chunk, nunc = job->n_unc, nout = m->n_outputs;
    w->nvars = nunc + nout;
    size_t slot = ch * (nunc + nout + 1) * 8;
    size_t cap = ES_EPOCH_BYTES / (slot ? slot : 1);
    uint64_t nchunks = (job->samples + ch - 1) / ch;
    cap = cap < 1 ? 1 : (cap > 64 ? 64 : cap);
    if (cap > nchunks) cap = (size_t)nchunks;
    es_epoch *ep = &w->ep;
    ep->cap = cap;
    ep->stride = ch;
    ep->id = malloc(cap * sizeof *ep->id);
    ep->first = malloc(cap * sizeof *ep->first);
    ep->len = malloc(cap * sizeof *ep->len);
    ep->sample = malloc(cap * ch * sizeof *ep->sample);
    ep->unc = malloc((nunc ? nunc : 1) * cap * ch * sizeof(double));
    ep->out = malloc(nout * cap * ch * sizeof(double));
    ep->acc = malloc(cap * w->nvars * sizeof(es_acc));
    ep->checksum = malloc(cap * sizeof(uint64_t));
    w->u = malloc((nunc ? nunc : 1) * ch * sizeof(double));
    w->fixed = malloc(m->n_inputs * ch * sizeof(double));
    w->in = malloc(m->n_inputs * sizeof(double *));
    w->out = malloc(nout * sizeof(double *));
    w->ucol = malloc((nunc ? nunc : 1) * sizeof(double *));
    if (!ep->id || !ep->first || !ep->len || !ep->sample || !ep->unc || !ep->out || !ep->acc ||
        !ep->checksum || !w->u || !w->fixed || !w->in || !w->out || !w->ucol) {
        snprintf(err, errlen, "out of memory for %zu chunks of %zu samples", cap, ch);
        return -1;
    }
    for (size_t i = 0; i < m->n_inputs; i++)
        if (!job->uncertain[i])
            for (size_t k = 0; k < ch; k++)
                w->fixed[i * ch + k] = job->value[i];
    for (size_t k = 0; k < nunc; k++)
        w->ucol[k] = w->u + k * ch;
    return 0;
}

static void es_worker_free(es_worker *w)
{
    es_epoch *ep = &w->ep;
    free(ep->id);
    free(ep->first);
    free(ep->len);
    free(ep->sample);
    free(ep->unc);
    free(ep->out);
    free(ep->acc);
    free(ep->checksum);
    free(w->u);
    free(w->fixed);
    free(w->in);
    free(w->out);
    free(w->ucol);
}

/* Compute chunk c into the next slot of the epoch buffer. */
static int es_compute_chunk(es_worker *w, uint64_t c)
{
    const es_job *job = w->job;
    const es_model *m = job->model;
    es_epoch *ep = &w->ep;
    size_t s = ep->n, ch = job->chunk, col = ep->cap * ch;
    uint64_t first = c * ch;
    size_t len = (size_t)(job->samples - first < ch ? job->samples - first : ch);

    es_design_points(&w->design, first, len, w->ucol);
    size_t pos = 0;
    for (size_t i = 0; i < m->n_inputs; i++) {
        if (job->uncertain[i]) {
            double *dst = ep->unc + pos * col + s * ch;
            es_dist_quantile_n(&job->dist[i], w->ucol[pos], dst, len);
            w->in[i] = dst;
            pos++;
        } else {
            w->in[i] = w->fixed + i * ch;
        }
    }
    for (size_t j = 0; j < m->n_outputs; j++)
        w->out[j] = ep->out + j * col + s * ch;
    if (m->eval(w->in, w->out, len)) return -1;
    uint64_t *ids = ep->sample + s * ch;
    for (size_t k = 0; k < len; k++)
        ids[k] = first + k;
    es_acc *acc = ep->acc + s * w->nvars;
    for (size_t v = 0; v < w->nvars; v++) {
        es_acc_init(&acc[v]);
        const double *x = v < job->n_unc ? ep->unc + v * col + s * ch : w->out[v - job->n_unc];
        es_acc_add(&acc[v], x, len);
    }
    uint64_t sum = 0;
    for (size_t j = 0; j < m->n_outputs; j++)
        sum += es_checksum(first, len, (uint32_t)j, w->out[j]);
    ep->checksum[s] = sum;
    w->checksum += sum;
    ep->id[s] = c;
    ep->first[s] = first;
    ep->len[s] = len;
    ep->n++;
    w->completed += len;
    return 0;
}

/* ---- epoch end: rows to the file, accumulators to rank 0 in chunk order ---- */

typedef struct {
    es_acc *total;   /* merged so far, [nvars] (rank 0) */
    uint64_t merged; /* chunks merged (rank 0) */
    es_acc *pending; /* received this epoch, [chunks][nvars] (rank 0) */
    uint64_t *ids;
    int *counts, *displs;
} es_merge;

static int es_epoch_end(MPI_Comm comm, es_store *st, es_worker *w, es_merge *mg)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (es_store_write_epoch(st, &w->ep)) return -1;
    es_epoch *ep = &w->ep;
    int n = (int)ep->n;
    ES_MPI(MPI_Gather(&n, 1, MPI_INT, mg->counts, 1, MPI_INT, 0, comm));
    int total = 0;
    if (rank == 0)
        for (int r = 0; r < size; r++) {
            mg->displs[r] = total;
            total += mg->counts[r];
        }
    /* ids first, then the accumulators as bytes */
    uint64_t *ids = rank == 0 ? malloc((size_t)(total ? total : 1) * sizeof(uint64_t)) : NULL;
    es_acc *accs =
        rank == 0 ? malloc((size_t)(total ? total : 1) * w->nvars * sizeof(es_acc)) : NULL;
    if (rank == 0 && (!ids || !accs)) {
        fprintf(stderr, "econsweep: rank 0: out of memory merging an epoch\n");
        MPI_Abort(comm, ES_EXIT_IO);
    }
    ES_MPI(
        MPI_Gatherv(ep->id, n, MPI_UINT64_T, ids, mg->counts, mg->displs, MPI_UINT64_T, 0, comm));
    int bytes = (int)(w->nvars * sizeof(es_acc));
    if (rank == 0)
        for (int r = 0; r < size; r++) {
            mg->counts[r] *= bytes;
            mg->displs[r] *= bytes;
        }
    ES_MPI(
        MPI_Gatherv(ep->acc, n * bytes, MPI_BYTE, accs, mg->counts, mg->displs, MPI_BYTE, 0, comm));
    if (rank == 0) {
        /* the epoch's chunks are exactly merged .. merged+total-1 */
        es_acc **byid = malloc((size_t)(total ? total : 1) * sizeof(es_acc *));
        if (!byid) MPI_Abort(comm, ES_EXIT_IO);
        for (int i = 0; i < total; i++)
            byid[i] = NULL;
        for (int i = 0; i < total; i++) {
            uint64_t off = ids[i] - mg->merged;
            if (ids[i] < mg->merged || off >= (uint64_t)total || byid[off]) {
                fprintf(stderr, "econsweep: rank 0: chunk %llu out of order; internal error\n",
                        (unsigned long long)ids[i]);
                MPI_Abort(comm, ES_EXIT_IO);
            }
            byid[off] = accs + (size_t)i * w->nvars;
        }
        for (int i = 0; i < total; i++)
            for (size_t v = 0; v < w->nvars; v++)
                es_acc_merge(&mg->total[v], &byid[i][v]);
        mg->merged += (uint64_t)total;
        free(byid);
    }
    free(ids);
    free(accs);
    ep->n = 0;
    return 0;
}

/* ---- progress ---- */

static double es_progress_interval(void)
{
    const char *s = getenv("ECONSWEEP_PROGRESS_SECONDS");
    double v = s ? atof(s) : 10.0;
    return v > 0 ? v : 10.0;
}

static void es_fmt_hms(double s, char *buf, size_t len)
{
    if (!(s >= 0) || s > 1e8) {
        snprintf(buf, len, "?");
        return;
    }
    unsigned long t = (unsigned long)(s + 0.5);
    snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

static void es_progress(uint64_t done, uint64_t total, double elapsed)
{
    double rate = elapsed > 0 ? done / elapsed : 0;
    char eta[32];
    es_fmt_hms(rate > 0 ? (total - done) / rate : -1, eta, sizeof eta);
    fprintf(stderr, "econsweep: progress %llu/%llu samples (%.1f%%), %.0f samples/s, ETA %s\n",
            (unsigned long long)done, (unsigned long long)total, 100.0 * done / total, rate, eta);
    fflush(stderr);
}

/* ---- pre-flight checks on rank 0: nothing is created when they fail ---- */

static int es_preflight(const char *out, int force)
{
    struct stat sb;
    if (stat(out, &sb) == 0) {
        if (!force) {
            fprintf(stderr,
                    "econsweep: %s exists; refusing to overwrite it (pass --force to replace it, "
                    "or -o to write elsewhere)\n",
                    out);
            return ES_EXIT_USAGE;
        }
        if (!S_ISREG(sb.st_mode)) {
            fprintf(stderr, "econsweep: %s exists and is not a regular file\n", out);
            return ES_EXIT_IO;
        }
    }
    char dir[ES_JOB_PATHMAX];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "econsweep: cannot create %s: folder %s does not exist\n", out, dir);
        return ES_EXIT_IO;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "econsweep: cannot create %s: folder %s is not writable: %s\n", out, dir,
                strerror(errno));
        return ES_EXIT_IO;
    }
    return 0;
}

/* ---- the run ---- */

/* Rank 0's side: serve open requests without blocking, or (block) until
 * every worker has been told how the epoch ends. */
typedef struct {
    int size;
    uint64_t next, nchunks;
    size_t cap;
    size_t *assigned; /* chunks given to each rank this epoch */
    int *told;        /* worker received the epoch's end */
    int ntold;
    long long closing; /* 0, or the reply that ends the epoch */
    uint64_t *completed;
    int stop_seen;
} es_dispatch;

static long long es_decide(es_dispatch *d, int r)
{
    if (d->closing) return d->closing;
    if (d->stop_seen || es_stop_signal) return d->closing = ES_REPLY_STOP;
    if (d->next == d->nchunks) return d->closing = ES_REPLY_DONE;
    if (d->assigned[r] == d->cap) return d->closing = ES_REPLY_FLUSH;
    d->assigned[r]++;
    return (long long)d->next++;
}

static void es_serve_one(MPI_Comm comm, es_dispatch *d, int source)
{
    uint64_t req[2];
    MPI_Status s;
    ES_MPI(MPI_Recv(req, 2, MPI_UINT64_T, source, ES_TAG_REQ, comm, &s));
    int r = s.MPI_SOURCE;
    d->completed[r] = req[0];
    if (req[1]) d->stop_seen = 1;
    long long reply = es_decide(d, r);
    if (reply < 0) {
        d->told[r] = 1;
        d->ntold++;
    }
    ES_MPI(MPI_Send(&reply, 1, MPI_LONG_LONG, r, ES_TAG_REPLY, comm));
}

/* Serve every request that has arrived.  An MPI_Iprobe that finds nothing
 * drives MPI's progress engine once but does not look again (Open MPI's ob1),
 * so a request that came in while rank 0 was computing is often seen only by
 * the second probe: probing until two in a row find nothing keeps workers
 * from waiting a whole chunk for their reply. */
static void es_serve_pending(MPI_Comm comm, es_dispatch *d)
{
    int misses = 0;
    while (misses < 2) {
        int flag = 0;
        ES_MPI(MPI_Iprobe(MPI_ANY_SOURCE, ES_TAG_REQ, comm, &flag, MPI_STATUS_IGNORE));
        if (flag) {
            es_serve_one(comm, d, MPI_ANY_SOURCE);
            misses = 0;
        } else {
            misses++;
        }
    }
}

int es_sweep_run(MPI_Comm comm, const es_run_opts *o)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    es_sweep_install_signals();
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    double t0 = MPI_Wtime();

    es_job job;
    int rc = es_load_everywhere(comm, o->job_path, &job);
    if (rc) return rc;
    if (o->has_samples) job.samples = o->samples;
    if (o->has_seed) job.seed = o->seed;
    if (o->store >= 0) job.store = (es_store_kind)o->store;
    const char *out = o->output ? o->output : job.output;

    int status = 0;
    if (rank == 0) status = es_preflight(out, o->force);
    ES_MPI(MPI_Bcast(&status, 1, MPI_INT, 0, comm));
    if (status) {
        es_job_free(&job);
        return status;
    }

    es_run_info info;
    memset(&info, 0, sizeof info);
    if (rank == 0) {
        es_utc_now(info.created_utc, sizeof info.created_utc);
        if (gethostname(info.host, sizeof info.host - 1) != 0)
            snprintf(info.host, sizeof info.host, "unknown");
        for (int i = 0; i < 6; i++) {
            const char *v = getenv(es_slurm_vars[i]);
            snprintf(info.slurm[i], sizeof info.slurm[i], "%s", v ? v : "");
        }
        info.ranks = size;
        info.fingerprint = es_job_fingerprint(&job);
    }
    ES_MPI(MPI_Bcast(&info, (int)sizeof info, MPI_BYTE, 0, comm));

    es_worker w;
    char err[256];
    int bad = es_worker_init(&w, &job, err, sizeof err) != 0;
    int anybad = 0;
    ES_MPI(MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, comm));
    if (anybad) {
        if (bad) fprintf(stderr, "econsweep: rank %d: %s\n", rank, err);
        es_worker_free(&w);
        es_job_free(&job);
        return ES_EXIT_IO;
    }

    es_store *st = es_store_create(comm, out, &job, &info, o->force);
    if (!st) MPI_Abort(comm, ES_EXIT_IO); /* a rank may be inside a collective call */

    es_merge mg;
    memset(&mg, 0, sizeof mg);
    mg.total = malloc(w.nvars * sizeof(es_acc));
    mg.counts = malloc((size_t)size * sizeof(int));
    mg.displs = malloc((size_t)size * sizeof(int));
    if (!mg.total || !mg.counts || !mg.displs) MPI_Abort(comm, ES_EXIT_IO);
    for (size_t v = 0; v < w.nvars; v++)
        es_acc_init(&mg.total[v]);

    const uint64_t nchunks = (job.samples + job.chunk - 1) / job.chunk;
    int stopped = 0;
    if (rank == 0) {
        es_dispatch d;
        memset(&d, 0, sizeof d);
        d.size = size;
        d.nchunks = nchunks;
        d.cap = w.ep.cap;
        d.assigned = calloc((size_t)size, sizeof(size_t));
        d.told = calloc((size_t)size, sizeof(int));
        d.completed = calloc((size_t)size, sizeof(uint64_t));
        if (!d.assigned || !d.told || !d.completed) MPI_Abort(comm, ES_EXIT_IO);
        double interval = es_progress_interval(), last = MPI_Wtime();
        /* every worker asks at once when an epoch starts: answer them all
         * before computing, so none waits for rank 0's chunk */
        for (int r = 1; r < size; r++)
            es_serve_one(comm, &d, MPI_ANY_SOURCE);
        for (;;) {
            es_serve_pending(comm, &d);
            if (!d.closing) {
                long long c = es_decide(&d, 0);
                if (c >= 0) {
                    if (es_compute_chunk(&w, (uint64_t)c)) {
                        fprintf(stderr, "econsweep: rank 0: model evaluation out of memory\n");
                        MPI_Abort(comm, ES_EXIT_IO);
                    }
                    double now = MPI_Wtime();
                    if (now - last >= interval) {
                        d.completed[0] = w.completed;
                        uint64_t done = 0;
                        for (int r = 0; r < size; r++)
                            done += d.completed[r];
                        es_progress(done, job.samples, now - t0);
                        last = now;
                    }
                    continue;
                }
            }
            while (d.ntold < size - 1)
                es_serve_one(comm, &d, MPI_ANY_SOURCE);
            if (es_epoch_end(comm, st, &w, &mg)) MPI_Abort(comm, ES_EXIT_IO);
            if (d.closing != ES_REPLY_FLUSH) {
                stopped = d.closing == ES_REPLY_STOP;
                break;
            }
            d.closing = 0;
            d.ntold = 0;
            memset(d.assigned, 0, (size_t)size * sizeof(size_t));
            memset(d.told, 0, (size_t)size * sizeof(int));
            for (int r = 1; r < size; r++)
                es_serve_one(comm, &d, MPI_ANY_SOURCE);
        }
        free(d.assigned);
        free(d.told);
        free(d.completed);
    } else {
        uint64_t req[2] = {0, 0};
        long long reply;
        for (;;) {
            req[0] = w.completed;
            req[1] = es_stop_signal != 0;
            ES_MPI(MPI_Send(req, 2, MPI_UINT64_T, 0, ES_TAG_REQ, comm));
            ES_MPI(MPI_Recv(&reply, 1, MPI_LONG_LONG, 0, ES_TAG_REPLY, comm, MPI_STATUS_IGNORE));
            /* keep one request open while computing */
            while (reply >= 0) {
                req[0] = w.completed;
                req[1] = es_stop_signal != 0;
                ES_MPI(MPI_Send(req, 2, MPI_UINT64_T, 0, ES_TAG_REQ, comm));
                if (es_compute_chunk(&w, (uint64_t)reply)) {
                    fprintf(stderr, "econsweep: rank %d: model evaluation out of memory\n", rank);
                    MPI_Abort(comm, ES_EXIT_IO);
                }
                ES_MPI(
                    MPI_Recv(&reply, 1, MPI_LONG_LONG, 0, ES_TAG_REPLY, comm, MPI_STATUS_IGNORE));
            }
            if (es_epoch_end(comm, st, &w, &mg)) MPI_Abort(comm, ES_EXIT_IO);
            if (reply != ES_REPLY_FLUSH) {
                stopped = reply == ES_REPLY_STOP;
                break;
            }
        }
    }

    /* summaries: rank 0's merge, the same bytes on every rank */
    ES_MPI(MPI_Bcast(mg.total, (int)(w.nvars * sizeof(es_acc)), MPI_BYTE, 0, comm));
    uint64_t checksum = 0, done = 0, mine = w.completed;
    ES_MPI(MPI_Allreduce(&w.checksum, &checksum, 1, MPI_UINT64_T, MPI_SUM, comm));
    ES_MPI(MPI_Allreduce(&mine, &done, 1, MPI_UINT64_T, MPI_SUM, comm));
    int complete = !stopped && done == job.samples;
    if (es_store_finish(st, mg.total, checksum, done, complete) || es_store_close(st))
        MPI_Abort(comm, ES_EXIT_IO);
    double secs = MPI_Wtime() - t0;

    if (rank == 0) {
        double rate = secs > 0 ? done / secs : 0;
        if (complete)
            fprintf(stderr,
                    "econsweep: done %llu samples in %.2f s, %.0f samples/s total, %.0f "
                    "samples/s per rank (%d rank%s), checksum %016llx, wrote %s\n",
                    (unsigned long long)done, secs, rate, rate / size, size, size == 1 ? "" : "s",
                    (unsigned long long)checksum, out);
        else
            fprintf(stderr,
                    "econsweep: interrupted by signal after %llu of %llu samples (%.2f s); %s is "
                    "closed with status \"partial\" and /state/chunk_done marks the finished "
                    "chunks\n",
                    (unsigned long long)done, (unsigned long long)job.samples, secs, out);
    }
    free(mg.total);
    free(mg.counts);
    free(mg.displs);
    es_worker_free(&w);
    es_job_free(&job);
    return complete ? ES_EXIT_OK : ES_EXIT_INTERRUPTED;
}
