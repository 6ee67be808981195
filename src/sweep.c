/* src/sweep.c: the run on every rank: load, plan, dispatch, checkpoints, the
 * sensitivity pass, the results.
 *
 * Dispatch: rank 0 hands out blocks of consecutive chunks in increasing order
 * on request and computes chunks itself between requests.  A block is a share
 * of what is left (guided self-scheduling: left / (2 x ranks), from 1 to 64
 * chunks), so rank 0 answers far fewer requests than there are chunks while
 * the last blocks stay small enough to balance the ranks.  A worker keeps one
 * request open: it asks for the next block as soon as it receives one, so a
 * reply is waiting when it finishes.  An epoch ends when a rank's row buffer is full,
 * the checkpoint interval has passed, a stop signal arrives, or every chunk
 * is handed out: rank 0 answers every open request with the epoch's end and
 * all ranks, together, learn which chunks were done, merge their statistics
 * into rank 0's (a binomial tree of packed states), and rank 0 packs its
 * merged state as a checkpoint.  Then each rank writes its rows, marks its
 * chunks done and writes the checkpoint (collective HDF5 calls): on a
 * writer thread while it computes the next epoch in a second row buffer
 * when MPI gives MPI_THREAD_MULTIPLE; in line without it, with
 * ECONSWEEP_WRITE_BEHIND=0, when one buffer holds every chunk of the run,
 * or when a rank has no memory for a second buffer or no thread
 * (src/writer.h).
 * Statistics merge exactly (integer counts and exact sums), so the results
 * do not depend on which rank did which chunk, nor on how chunks were
 * grouped into epochs, parts or resumed runs.
 *
 * A stop signal drops the chunk a rank is computing (at the next block of a
 * few thousand evaluations): its rows are written as NaN and it is computed
 * again on resume.
 *
 * Every MPI or HDF5 failure ends the whole job at once with MPI_Abort and
 * exit code 3: the other ranks may be waiting in a collective call that
 * would never complete, and a job that hangs burns its allocation. */
#define _DEFAULT_SOURCE /* flock */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt.h"
#include "job.h"
#include "pipe.h"
#include "plan.h"
#include "report.h"
#include "results.h"
#include "stats.h"
#include "store.h"
#include "verify.h"
#include "writer.h"

#define ES_TAG_REQ 11
#define ES_TAG_REPLY 12
#define ES_TAG_STATE 13
#define ES_REPLY_FLUSH (-1)
#define ES_REPLY_DONE (-2)
#define ES_REPLY_STOP (-3)
#define ES_EPOCH_BYTES ((size_t)64 << 20) /* row buffer per rank */
#define ES_CHECKPOINT_SECONDS 60.0

/* ---- failures: one message, then the whole job ends ---- */

static char es_fail_unlink[ES_JOB_PATHMAX]; /* a file of ours to remove on failure */

static void es_abort(MPI_Comm comm)
{
    if (es_fail_unlink[0]) unlink(es_fail_unlink);
    fflush(stderr);
    MPI_Abort(comm, ES_EXIT_IO);
}

static void es_mpi_fail(MPI_Comm comm, const char *call, int rc, int line)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0, rank = -1;
    MPI_Error_string(rc, msg, &len);
    MPI_Comm_rank(comm, &rank);
    fprintf(stderr, "econsweep: rank %d: MPI call %s failed (src/sweep.c:%d): %s\n", rank, call,
            line, msg);
    es_abort(comm);
}

#define ES_MPI(call)                                                                               \
    do {                                                                                           \
        int es_mpi_rc_ = (call);                                                                   \
        if (es_mpi_rc_ != MPI_SUCCESS) es_mpi_fail(comm, #call, es_mpi_rc_, __LINE__);             \
    } while (0)

/* ---- signals ---- */

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
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* ---- progress: plain lines on stderr, never a reason to stop ---- */

static int es_quiet = 0;

static void es_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void es_say(const char *fmt, ...)
{
    if (es_quiet) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (n < 0 || fflush(stderr) != 0) es_quiet = 1; /* a closed pipe: stop printing */
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

static double es_progress_interval(void)
{
    const char *s = getenv("ECONSWEEP_PROGRESS_SECONDS");
    double v = s ? atof(s) : 10.0;
    return v > 0 ? v : 10.0;
}

/* ---- the run ---- */

struct es_run;

/* One epoch of a rank: its rows and the chunks it did.  Two of them take
 * turns: the computing thread fills one while the writer writes the other. */
typedef struct {
    struct es_run *run;
    size_t nslot;         /* chunks in the buffer (done or dropped) */
    double *rowbuf;       /* [nvars][cap*chunk] */
    uint64_t *slot_first; /* first row */
    size_t *slot_len, *slot_off;
    unsigned char *slot_missing;
    size_t ndone, capdone; /* chunks done this epoch */
    uint64_t *done_id, *done_sum;
    /* the file's part of the epoch's end, for the writer */
    uint64_t extent;     /* rows the row datasets hold after it */
    size_t keep;         /* slots written (those inside the extent) */
    unsigned char *blob; /* rank 0: the checkpoint */
    uint64_t bloblen, rows_done;
} es_epoch;

typedef struct es_run {
    MPI_Comm comm;
    int rank, size;
    const es_run_opts *o;
    es_job job;
    int have_job;
    es_plan plan;
    const char *out;           /* the path the user named */
    char path[ES_JOB_PATHMAX]; /* the file written: out, or a temporary beside it */
    int temp;                  /* path is a temporary renamed over out at the end */
    dev_t dev;                 /* the file written, as created or opened */
    ino_t ino;
    es_run_info info;
    es_pipe *pipe;
    double *anchor;
    es_stat_ctx ctx;
    es_statset *stats; /* pass 1: this rank's chunks since the last checkpoint (rank 0: all) */
    es_store *st;
    /* rank 0: the done state */
    unsigned char *mask;
    uint64_t checksum, rows_done, generation;
    uint64_t todo; /* chunks of this run not done */
    /* this rank's epoch */
    size_t cap;     /* chunks a row buffer holds */
    es_epoch ep[2]; /* ep[cur] is computed; the other is written or free */
    int cur;
    es_writer *writer; /* the file's part of an epoch's end, behind the computing */
    uint64_t epochs;   /* epochs ended in this run */
    uint64_t computed; /* rows this rank computed in the run */
    uint64_t extent;   /* rows the row datasets hold (the same on every rank) */
    double t0, last_ckpt, every;
    int stopped;
    int complete;
    int merging;         /* econsweep merge: nparts parts */
    char *job_effective; /* the job text with the command line's overrides */
    char *merge_history; /* merge: the parts' histories, in part order */
    es_results results;
} es_run;

/* Rank 0 reads and checks the files; the others parse rank 0's text, so all
 * hold the same job even when the files change meanwhile. */
static void es_bcast_str(MPI_Comm comm, char **s)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    unsigned long long n = rank == 0 ? strlen(*s) + 1 : 0;
    ES_MPI(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm));
    if (rank != 0) {
        *s = malloc(n);
        if (!*s) es_abort(comm);
    }
    ES_MPI(MPI_Bcast(*s, (int)n, MPI_CHAR, 0, comm));
}

static int es_run_load(es_run *run)
{
    MPI_Comm comm = run->comm;
    const es_run_opts *o = run->o;
    char err[8192];
    int status = 0;
    if (run->rank == 0) {
        int n = es_job_load(&run->job, o->job_path, err, sizeof err);
        if (n) {
            fputs(err, stderr);
            fprintf(stderr, "econsweep: %s: %d error%s; nothing was run\n", o->job_path, n,
                    n == 1 ? "" : "s");
            status = ES_EXIT_BADJOB;
        }
    }
    ES_MPI(MPI_Bcast(&status, 1, MPI_INT, 0, comm));
    if (status) return status;
    char *jt = run->rank == 0 ? run->job.job_text : NULL;
    char *st = run->rank == 0 ? run->job.scenario_text : NULL;
    char *sp = run->rank == 0 ? run->job.scenario_path : NULL;
    es_bcast_str(comm, &jt);
    es_bcast_str(comm, &st);
    es_bcast_str(comm, &sp);
    if (run->rank != 0) {
        es_job_mem_file f[] = {
            {o->job_path, jt, strlen(jt)}, {sp, st, strlen(st)}, {NULL, NULL, 0}};
        int n = es_job_load_with(&run->job, o->job_path, es_job_mem_reader, f, err, sizeof err);
        free(jt);
        free(st);
        free(sp);
        if (n) {
            fprintf(stderr, "econsweep: rank %d cannot parse rank 0's job: %s", run->rank, err);
            es_abort(comm);
        }
    }
    run->have_job = 1;
    es_job *job = &run->job;
    if (o->has_samples) job->samples = o->samples;
    if (o->has_seed) job->seed = o->seed;
    if (o->store >= 0) job->store = (es_store_kind)o->store;
    run->out = o->output ? o->output : job->output;
    char where[ES_JOB_PATHMAX + 64];
    snprintf(where, sizeof where, "econsweep: %s", o->job_path);
    if (es_plan_init(&run->plan, job, err, sizeof err) != 0) {
        status = ES_EXIT_BADJOB;
        /* the chunk count and the buffers' size follow from chunk and
         * samples: name that line (other plan errors name their own) */
        if (strstr(err, "chunk")) es_job_plan_where(job, o->has_samples, where, sizeof where);
    } else if (o->has_part && es_plan_set_part(&run->plan, o->part, o->parts, err, sizeof err))
        status = ES_EXIT_USAGE;
    if (status && run->rank == 0) fprintf(stderr, "%s: %s\n", where, err);
    return status;
}

/* ---- pre-flight checks on rank 0: nothing is created when they fail ---- */

static void es_dirname(const char *path, char *dir, size_t len)
{
    snprintf(dir, len, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, len, ".");
}

static int es_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && a[0] && b[0] && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int es_preflight(es_run *run)
{
    const es_run_opts *o = run->o;
    const char *out = run->out;
    struct stat sb;
    /* a symbolic link exists even when its target does not (--force replaces the
     * link itself, never its target) */
    int exists = lstat(out, &sb) == 0;
    if (exists && S_ISLNK(sb.st_mode) && stat(out, &sb) != 0) {
        if (!o->force) {
            fprintf(stderr,
                    "econsweep: %s is a symbolic link to a file that does not exist; refusing "
                    "to write through it (pass --force to replace the link, or -o)\n",
                    out);
            return ES_EXIT_USAGE;
        }
        lstat(out, &sb);
    }
    if (exists && S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "econsweep: %s is a folder; expected a file name for the output%s\n", out,
                o->output ? " (-o)" : " (the job's [sweep] output)");
        return ES_EXIT_USAGE;
    }
    if (es_same_file(out, run->job.path) || es_same_file(out, run->job.scenario_path)) {
        fprintf(stderr,
                "econsweep: the output %s is the job or scenario file itself; refusing "
                "to overwrite an input\n",
                out);
        return ES_EXIT_USAGE;
    }
    if (o->resume) {
        if (!exists) {
            fprintf(stderr,
                    "econsweep: --resume: %s does not exist; nothing to resume (run "
                    "without --resume to start)\n",
                    out);
            return ES_EXIT_USAGE;
        }
        snprintf(run->path, sizeof run->path, "%s", out);
        return 0;
    }
    if (exists && !o->force) {
        if (run->merging)
            fprintf(stderr,
                    "econsweep: %s exists; refusing to overwrite it (pass --force to "
                    "replace it)\n",
                    out);
        else
            fprintf(stderr,
                    "econsweep: %s exists; refusing to overwrite it (pass --resume to continue "
                    "an interrupted run of the same job, --force to replace it, or -o to write "
                    "elsewhere)\n",
                    out);
        return ES_EXIT_USAGE;
    }
    if (exists && !S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode)) {
        fprintf(stderr, "econsweep: %s exists and is not a regular file\n", out);
        return ES_EXIT_IO;
    }
    char dir[ES_JOB_PATHMAX];
    es_dirname(out, dir, sizeof dir);
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "econsweep: cannot create %s: folder %s does not exist\n", out, dir);
        return ES_EXIT_IO;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "econsweep: cannot create %s: folder %s is not writable: %s\n", out, dir,
                strerror(errno));
        return ES_EXIT_IO;
    }
    if (exists) {
        /* --force: a new file beside the old one, renamed over it at the end,
         * so that a failed run leaves the old file (and a symlink's target) whole */
        const char *base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
        if ((size_t)snprintf(run->path, sizeof run->path, "%s/.%s.econsweep-%ld.tmp", dir, base,
                             (long)getpid()) >= sizeof run->path) {
            fprintf(stderr, "econsweep: %s: path too long\n", out);
            return ES_EXIT_USAGE;
        }
        run->temp = 1;
    } else {
        snprintf(run->path, sizeof run->path, "%s", out);
    }
    return 0;
}

/* Rank 0 holds a shared flock on the file while the run writes it, and a run
 * that is to --resume the file first claims an exclusive one, held until it
 * has reopened the file: it fails while the file is being written (or read:
 * HDF5's readers take shared flocks too, so h5dump and h5py still read the
 * file during a run), and of two resumes at once only one gets in.  flock
 * is independent of the record locks MPI-IO may take.  Released before the
 * serial finish, whose HDF5 open takes an exclusive lock of its own. */
static int es_lock_fd = -1;

/* --resume claims the file: an exclusive flock, held until the run has
 * reopened it and then turned into the shared one (es_lock_take), so that of
 * two runs resuming one file at once only one gets in (a probe released
 * before the reopen let both in).  0, or -1 when another process holds a
 * lock on it. */
static int es_lock_claim(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0; /* no file: the resume fails on its own */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        close(fd);
        return busy ? -1 : 0;
    }
    es_lock_fd = fd;
    return 0;
}

/* The shared lock of a run writing the file: taken on a new file, or the
 * claim of a resumed one turned shared.  0, or -1 when another process took
 * the file in between. */
static int es_lock_take(const char *path)
{
    if (es_lock_fd >= 0) return flock(es_lock_fd, LOCK_SH | LOCK_NB) == 0 ? 0 : -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
        close(fd);
        return 0;
    }
    es_lock_fd = fd;
    return 0;
}

static void es_lock_release(void)
{
    if (es_lock_fd >= 0) close(es_lock_fd); /* closing releases the lock */
    es_lock_fd = -1;
}

/* --resume: rank 0 reads the newest valid checkpoint and checks that the file
 * is this job's, then hands the done state to the run. */
static int es_resume_read(es_run *run, unsigned char **blob, uint64_t *len)
{
    es_file_head head;
    char err[2048];
    /* read first (HDF5's own open takes a shared flock, which the claim
     * would refuse), then claim: a run that has the file open refuses it */
    int rrc = es_store_read_checkpoint(run->path, &head, blob, len, err, sizeof err);
    if (es_lock_claim(run->path)) {
        fprintf(stderr,
                "econsweep: --resume: refusing %s: another process has it open (a run still "
                "writing it, or a reader)\n",
                run->path);
        if (!rrc) es_file_head_free(&head);
        free(*blob);
        *blob = NULL;
        return ES_EXIT_USAGE;
    }
    if (rrc && head.no_checkpoint) {
        /* its run stopped before the first checkpoint (killed early; a Slurm
         * requeue resumes it): nothing is done, so the run starts from the
         * beginning in this file, once it is known to be this job's (below) */
        *blob = NULL;
        *len = 0;
    } else if (rrc) {
        es_lock_release();
        fprintf(stderr, "econsweep: --resume: %s\n", err);
        return ES_EXIT_BADJOB;
    }
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)run->info.fingerprint);
    const char *why = NULL;
    char store_why[256];
    if (head.schema != ES_SCHEMA)
        why = "it was written by another version of econsweep (schema differs)";
    else if (strcmp(head.model, run->plan.model->name) != 0)
        why = "it is of another model";
    else if (strcmp(head.design, run->plan.design->name) != 0)
        why = "it is of another design";
    else if (strcmp(head.fingerprint, fp) != 0)
        why = "it is of another job (the job or scenario text, seed, samples, chunk or design "
              "differ)";
    else if (head.part != run->plan.part || head.parts != run->plan.parts)
        why = "it is another part of the job (--part differs)";
    else if (strcmp(head.store, es_store_name(run->job.store)) != 0) {
        /* the store mode is not in the fingerprint (it changes no result), but
         * a file's datasets follow it: resuming with another would drop rows
         * or find none to write into */
        snprintf(store_why, sizeof store_why,
                 "it was written with store = %s, and this run asks for store = %s; resume "
                 "with --store %s",
                 head.store, es_store_name(run->job.store), head.store);
        why = store_why;
    } else if (strcmp(head.status, "complete") == 0)
        why = "it is complete; there is nothing to resume";
    if (!why && head.no_checkpoint)
        es_say("econsweep: --resume: %s holds no checkpoint (its run stopped before the "
               "first): nothing to keep, the run starts from the beginning in it\n",
               run->path);
    es_file_head_free(&head);
    if (why) {
        es_lock_release();
        fprintf(stderr, "econsweep: --resume: refusing %s: %s\n", run->path, why);
        free(*blob);
        *blob = NULL;
        return ES_EXIT_BADJOB;
    }
    return 0;
}

/* ---- buffers and statistics on every rank ---- */

/* The row buffer, on 2 MiB boundaries and marked for transparent huge pages
 * where the kernel has them: a first touch of its 64 MiB then takes 32 page
 * faults instead of 16384 (a page fault costs up to 20 us in a virtual
 * machine: 0.3 s of a 2 s run with store = all, measured with perf).  Once
 * per run: where the kernel would have to compact memory for a huge page
 * and cannot, it gives small pages. */
static double *es_alloc_rows(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    size_t len = (bytes + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, len);
#ifdef MADV_HUGEPAGE
    if (p) (void)madvise(p, len, MADV_HUGEPAGE); /* advice only: fine when refused */
#endif
    return p;
}

static int es_epoch_alloc(es_run *run, es_epoch *e, size_t rowbytes, size_t slots)
{
    e->run = run;
    e->rowbuf = rowbytes ? es_alloc_rows(slots * rowbytes) : NULL;
    e->slot_first = malloc(slots * sizeof *e->slot_first);
    e->slot_len = malloc(slots * sizeof *e->slot_len);
    e->slot_off = malloc(slots * sizeof *e->slot_off);
    e->slot_missing = malloc(slots);
    e->capdone = 64;
    e->done_id = malloc(e->capdone * sizeof *e->done_id);
    e->done_sum = malloc(e->capdone * sizeof *e->done_sum);
    return (rowbytes && !e->rowbuf) || !e->slot_first || !e->slot_len || !e->slot_off ||
                   !e->slot_missing || !e->done_id || !e->done_sum
               ? -1
               : 0;
}

static void es_epoch_free(es_epoch *e)
{
    free(e->rowbuf);
    free(e->slot_first);
    free(e->slot_len);
    free(e->slot_off);
    free(e->slot_missing);
    free(e->done_id);
    free(e->done_sum);
    free(e->blob);
}

static void es_epoch_write(void *job);

/* Rows are written behind the computing when MPI allows a second thread to
 * call it (main asks for MPI_THREAD_MULTIPLE unless ECONSWEEP_WRITE_BEHIND
 * is 0).  Each rank decides alone: every rank makes the same collective
 * HDF5 calls in the same order, whichever of its threads makes them. */
static int es_write_behind(void)
{
    int level = MPI_THREAD_SINGLE;
    MPI_Query_thread(&level);
    return level == MPI_THREAD_MULTIPLE;
}

static int es_run_prepare(es_run *run)
{
    const es_plan *p = &run->plan;
    char err[512];
    run->pipe = es_pipe_new(p, err, sizeof err);
    if (!run->pipe) {
        fprintf(stderr, "econsweep: rank %d: %s\n", run->rank, err);
        return -1;
    }
    es_pipe_set_stop(run->pipe, &es_stop_signal);
    run->anchor = es_pipe_anchors(run->pipe);
    run->ctx.pass1 = NULL;
    run->ctx.anchor = run->anchor;
    run->stats = run->anchor ? es_statset_new(p, 1, &run->ctx) : NULL;
    size_t rowbytes = p->job->store == ES_STORE_SUMMARY ? 0 : (size_t)p->chunk * p->nvars * 8;
    size_t cap = rowbytes ? ES_EPOCH_BYTES / rowbytes : (size_t)-1;
    uint64_t chunks = p->chunk_hi - p->chunk_lo;
    if (cap < 1) cap = 1;
    if (rowbytes && cap > 64) cap = 64;
    if (cap > chunks) cap = (size_t)chunks;
    run->cap = cap;
    size_t slots = rowbytes ? cap : 1;
    /* only stored rows are worth a thread (without them an epoch's end
     * writes a few bytes of marks and a checkpoint), and a second buffer
     * only when one cannot hold every chunk of the run */
    int behind = rowbytes && cap < chunks && es_write_behind();
    int bad = !run->anchor || !run->stats || es_epoch_alloc(run, &run->ep[0], rowbytes, slots);
    if (!bad && behind) {
        /* without a second buffer or a thread, this rank writes in line */
        const char *why =
            es_epoch_alloc(run, &run->ep[1], rowbytes, slots) ? "no memory for a second row buffer"
            : !(run->writer = es_writer_new(es_epoch_write, 1)) ? "cannot start a writer thread"
                                                                : NULL;
        if (why) {
            fprintf(stderr, "econsweep: rank %d: %s; rows are written in line\n", run->rank, why);
            es_epoch_free(&run->ep[1]);
            memset(&run->ep[1], 0, sizeof run->ep[1]);
        }
    }
    if (!bad && !run->writer) {
        run->writer = es_writer_new(es_epoch_write, 0);
        bad = !run->writer;
    }
    if (bad) {
        fprintf(stderr, "econsweep: rank %d: out of memory for a chunk of %llu rows\n", run->rank,
                (unsigned long long)p->chunk);
        return -1;
    }
    return 0;
}

static void es_run_free(es_run *run)
{
    es_writer_free(run->writer); /* first: its thread holds run */
    es_pipe_free(run->pipe);
    free(run->anchor);
    es_statset_free(run->stats);
    free(run->mask);
    es_epoch_free(&run->ep[0]);
    es_epoch_free(&run->ep[1]);
    es_results_free(&run->results);
    free(run->job_effective);
    free(run->merge_history);
    if (run->have_job) es_job_free(&run->job);
}

/* Column v of epoch e's row buffer. */
static double *es_rowcol(const es_run *run, const es_epoch *e, size_t v)
{
    return e->rowbuf + v * run->cap * run->plan.chunk;
}

/* Compute chunk c, or record it as dropped (stop).  Returns 0, or -1 when the
 * model runs out of memory. */
static int es_do_chunk(es_run *run, uint64_t c, int drop)
{
    const es_plan *p = &run->plan;
    uint64_t first = es_plan_chunk_first(p, c);
    size_t len = es_plan_chunk_len(p, c);
    int rc = drop ? 1 : es_pipe_run(run->pipe, first, len, run->stats);
    if (rc < 0) return -1;
    es_epoch *e = &run->ep[run->cur];
    if (e->rowbuf) {
        size_t s = e->nslot++, off = s * (size_t)p->chunk;
        e->slot_first[s] = first;
        e->slot_len[s] = len;
        e->slot_off[s] = off;
        e->slot_missing[s] = rc == 1;
        if (rc == 0) /* a dropped chunk's NaN rows are filled at the epoch's end, if needed */
            for (size_t v = 0; v < p->nvars; v++)
                memcpy(es_rowcol(run, e, v) + off, es_pipe_col(run->pipe, v), len * sizeof(double));
    }
    if (rc == 1) return 0;
    if (e->ndone == e->capdone) {
        size_t nc = 2 * e->capdone;
        uint64_t *a = realloc(e->done_id, nc * sizeof *a);
        if (!a) return -1;
        e->done_id = a;
        uint64_t *b = realloc(e->done_sum, nc * sizeof *b);
        if (!b) return -1;
        e->done_sum = b;
        e->capdone = nc;
    }
    e->done_id[e->ndone] = c;
    e->done_sum[e->ndone++] = es_pipe_checksum(run->pipe);
    run->computed += len;
    return 0;
}

/* ---- the epoch's end: rows, done marks, statistics, checkpoint ---- */

/* Merge every rank's packed statistics into rank 0's, along a binomial tree;
 * ranks other than 0 start afresh. */
static void es_reduce_stats(MPI_Comm comm, int rank, int size, es_statset *ss)
{
    for (int step = 1; step < size; step <<= 1) {
        if (rank & step) {
            unsigned long long n = es_statset_pack_size(ss);
            unsigned char *buf = malloc(n ? n : 1);
            if (!buf || n > (unsigned long long)INT32_MAX) {
                fprintf(stderr, "econsweep: rank %d: cannot pack %llu bytes of statistics\n", rank,
                        n);
                es_abort(comm);
            }
            es_statset_pack(ss, buf);
            ES_MPI(MPI_Send(&n, 1, MPI_UNSIGNED_LONG_LONG, rank - step, ES_TAG_STATE, comm));
            ES_MPI(MPI_Send(buf, (int)n, MPI_BYTE, rank - step, ES_TAG_STATE, comm));
            free(buf);
            es_statset_reset(ss);
            return;
        }
        if (rank + step < size) {
            unsigned long long n;
            ES_MPI(MPI_Recv(&n, 1, MPI_UNSIGNED_LONG_LONG, rank + step, ES_TAG_STATE, comm,
                            MPI_STATUS_IGNORE));
            unsigned char *buf = malloc(n ? n : 1);
            if (!buf) {
                fprintf(stderr, "econsweep: rank %d: out of memory merging statistics\n", rank);
                es_abort(comm);
            }
            ES_MPI(MPI_Recv(buf, (int)n, MPI_BYTE, rank + step, ES_TAG_STATE, comm,
                            MPI_STATUS_IGNORE));
            if (es_statset_merge_packed(ss, buf, n)) {
                fprintf(stderr,
                        "econsweep: rank %d: statistics from rank %d do not match; "
                        "internal error\n",
                        rank, rank + step);
                es_abort(comm);
            }
            free(buf);
        }
    }
}

/* Rank 0: the checkpoint blob of the done state, generation gen. */
static unsigned char *es_make_blob(es_run *run, uint64_t gen, unsigned long long *len)
{
    const es_plan *p = &run->plan;
    size_t slen = es_statset_pack_size(run->stats);
    *len = es_ckpt_size(p->nchunks, slen);
    unsigned char *blob = malloc(*len);
    unsigned char *sbuf = malloc(slen ? slen : 1);
    if (!blob || !sbuf) {
        fprintf(stderr, "econsweep: rank 0: out of memory for a checkpoint\n");
        es_abort(run->comm);
    }
    es_statset_pack(run->stats, sbuf);
    es_ckpt c = {
        gen, run->info.fingerprint, p->nchunks, run->checksum, run->rows_done, run->mask, sbuf,
        slen};
    es_ckpt_write(blob, &c);
    free(sbuf);
    return blob;
}

/* The next checkpoint of the done state: rank 0 packs it (*blob; NULL on
 * the others) and every rank learns its length and the rows it counts. */
static void es_pack_checkpoint(es_run *run, unsigned char **blob, uint64_t *len,
                               uint64_t *rows_done)
{
    MPI_Comm comm = run->comm;
    unsigned long long n = 0;
    *blob = run->rank == 0 ? es_make_blob(run, ++run->generation, &n) : NULL;
    unsigned long long hdr[2] = {n, run->rows_done};
    ES_MPI(MPI_Bcast(hdr, 2, MPI_UNSIGNED_LONG_LONG, 0, comm));
    *len = hdr[0];
    *rows_done = hdr[1];
}

static void es_write_checkpoint(es_run *run)
{
    unsigned char *blob;
    uint64_t len, rows;
    es_pack_checkpoint(run, &blob, &len, &rows);
    if (es_store_checkpoint(run->st, blob, len, rows)) es_abort(run->comm);
    free(blob);
}

/* The writer's job: the file's part of epoch e's end, in the order that
 * keeps the file honest at every moment: rows, then the chunks marked done,
 * then the checkpoint that counts them.  Every rank's writer makes the same
 * collective HDF5 calls in the same order (one epoch after another).  A
 * failure ends the job from here, as it would from the computing thread. */
static void es_epoch_write(void *job)
{
    es_epoch *e = job;
    es_run *run = e->run;
    MPI_Comm comm = run->comm;
    if (e->rowbuf) {
        const double *cols[ES_JOB_MAXIN + 256];
        for (size_t v = 0; v < run->plan.nvars; v++)
            cols[v] = es_rowcol(run, e, v);
        if (es_store_write_rows(run->st, e->extent, e->keep, e->slot_first, e->slot_len,
                                e->slot_off, e->slot_missing, cols))
            es_abort(comm);
    }
    if (es_store_mark_chunks(run->st, e->ndone, e->done_id, e->done_sum)) es_abort(comm);
    if (es_store_checkpoint(run->st, e->blob, e->bloblen, e->rows_done)) es_abort(comm);
    free(e->blob);
    e->blob = NULL;
}

/* The epoch's end, on every rank together.  The messages (which chunks were
 * done, the extent, the statistics) are exchanged here; the file's part is
 * handed to the writer, and the next epoch is computed in the other buffer
 * while it writes.  last: no epoch follows (the writer is waited for). */
static void es_epoch_end(es_run *run, int last)
{
    MPI_Comm comm = run->comm;
    const es_plan *p = &run->plan;
    es_epoch *e = &run->ep[run->cur];
    /* rank 0 learns which chunks were done and dropped */
    int n = (int)e->ndone;
    int *counts = run->rank == 0 ? malloc((size_t)run->size * sizeof(int)) : NULL;
    int *displs = run->rank == 0 ? malloc((size_t)run->size * sizeof(int)) : NULL;
    if (run->rank == 0 && (!counts || !displs)) es_abort(comm);
    ES_MPI(MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, comm));
    int total = 0;
    if (run->rank == 0)
        for (int r = 0; r < run->size; r++) {
            displs[r] = total;
            total += counts[r];
        }
    uint64_t *ids = run->rank == 0 ? malloc((size_t)(total ? total : 1) * 16) : NULL;
    if (run->rank == 0 && !ids) es_abort(comm);
    ES_MPI(MPI_Gatherv(e->done_id, n, MPI_UINT64_T, ids, counts, displs, MPI_UINT64_T, 0, comm));
    ES_MPI(MPI_Gatherv(e->done_sum, n, MPI_UINT64_T, ids ? ids + total : NULL, counts, displs,
                       MPI_UINT64_T, 0, comm));
    /* the extent: every row up to the last chunk done.  A chunk dropped by an
     * interruption below it is written as NaN rows (a hole the file must not
     * show as numbers); one above it is not written at all: writing NaN over
     * a whole chunk costs as much as its rows, at the moment a stop must be
     * quick (Open MPI's mpiexec kills the ranks 1 s after passing a TERM on) */
    uint64_t top = 0;
    for (size_t s = 0; s < e->nslot; s++) {
        uint64_t end = e->slot_first[s] + e->slot_len[s];
        if (!e->slot_missing[s] && end > top) top = end;
    }
    uint64_t extent = 0, row_off = es_plan_chunk_first(p, p->chunk_lo);
    top = top > row_off ? top - row_off : 0;
    ES_MPI(MPI_Allreduce(&top, &extent, 1, MPI_UINT64_T, MPI_MAX, comm));
    if (extent < run->extent) extent = run->extent;
    run->extent = extent;
    e->extent = extent;
    e->keep = 0;
    if (e->rowbuf) {
        size_t keep = 0; /* the slots inside the extent, in place */
        for (size_t s = 0; s < e->nslot; s++)
            if (e->slot_first[s] + e->slot_len[s] <= row_off + extent) {
                if (e->slot_missing[s])
                    for (size_t v = 0; v < p->nvars; v++) {
                        double *dst = es_rowcol(run, e, v) + e->slot_off[s];
                        for (size_t k = 0; k < e->slot_len[s]; k++)
                            dst[k] = NAN;
                    }
                e->slot_first[keep] = e->slot_first[s];
                e->slot_len[keep] = e->slot_len[s];
                e->slot_off[keep] = e->slot_off[s];
                e->slot_missing[keep++] = e->slot_missing[s];
            }
        e->keep = keep;
    }
    es_reduce_stats(comm, run->rank, run->size, run->stats);
    if (run->rank == 0) {
        for (int i = 0; i < total; i++) {
            es_ckpt_set(run->mask, ids[i]);
            run->checksum += ids[total + i];
            run->rows_done += es_plan_chunk_len(p, ids[i]);
            run->todo--;
        }
    }
    free(ids);
    free(counts);
    free(displs);
    /* the checkpoint of the state after this epoch, packed now: the next
     * epoch changes the statistics */
    es_pack_checkpoint(run, &e->blob, &e->bloblen, &e->rows_done);
    es_writer_submit(run->writer, e); /* after the other epoch's write is done */
    run->epochs++;
    if (es_writer_threaded(run->writer)) run->cur ^= 1;
    run->ep[run->cur].nslot = 0;
    run->ep[run->cur].ndone = 0;
    if (last) es_writer_wait(run->writer);
    run->last_ckpt = MPI_Wtime();
}

/* ---- rank 0's side of the dispatch ---- */

#define ES_BLOCK_MAX 64 /* chunks in one reply (ECONSWEEP_BLOCK_MAX sets it: 1 to 1024) */

typedef struct {
    es_run *run;
    uint64_t next;      /* next chunk to consider */
    uint64_t left;      /* chunks not done and not handed out */
    uint64_t requests;  /* replies sent (the dispatcher's load) */
    uint64_t block_max; /* chunks in one reply at most */
    size_t *assigned;   /* chunks given to each rank this epoch */
    int *told;          /* worker received the epoch's end */
    int ntold;
    long long closing; /* 0, or the reply that ends the epoch */
    uint64_t *progress;
    int stop_seen;
} es_dispatch;

/* The next chunk not done, or nchunks of the part when none is left. */
static uint64_t es_next_todo(es_dispatch *d)
{
    const es_plan *p = &d->run->plan;
    while (d->next < p->chunk_hi && es_ckpt_done(d->run->mask, d->next))
        d->next++;
    return d->next;
}

/* The next block for rank r: its first chunk (and *count chunks), or a
 * negative reply that ends the epoch. */
static long long es_decide(es_dispatch *d, int r, long long *count)
{
    es_run *run = d->run;
    *count = 0;
    if (d->closing) return d->closing;
    if (d->stop_seen || es_stop_signal) return d->closing = ES_REPLY_STOP;
    if (es_next_todo(d) == run->plan.chunk_hi) return d->closing = ES_REPLY_DONE;
    if (d->assigned[r] == run->cap || MPI_Wtime() - run->last_ckpt >= run->every)
        return d->closing = ES_REPLY_FLUSH;
    uint64_t k = d->left / (2 * (uint64_t)run->size);
    if (k < 1) k = 1;
    if (k > d->block_max) k = d->block_max;
    if (k > run->cap - d->assigned[r]) k = run->cap - d->assigned[r];
    uint64_t first = d->next, n = 0;
    while (n < k && d->next < run->plan.chunk_hi && !es_ckpt_done(run->mask, d->next)) {
        d->next++;
        n++;
    }
    d->assigned[r] += n;
    d->left -= n;
    *count = (long long)n;
    return (long long)first;
}

static void es_serve_one(es_dispatch *d, int source)
{
    MPI_Comm comm = d->run->comm;
    uint64_t req[2];
    MPI_Status s;
    ES_MPI(MPI_Recv(req, 2, MPI_UINT64_T, source, ES_TAG_REQ, comm, &s));
    int r = s.MPI_SOURCE;
    d->progress[r] = req[0];
    if (req[1]) d->stop_seen = 1;
    long long reply[2];
    reply[0] = es_decide(d, r, &reply[1]);
    if (reply[0] < 0) {
        d->told[r] = 1;
        d->ntold++;
    }
    d->requests++;
    ES_MPI(MPI_Send(reply, 2, MPI_LONG_LONG, r, ES_TAG_REPLY, comm));
}

/* Serve every request that has arrived.  An MPI_Iprobe that finds nothing
 * drives MPI's progress engine once but does not look again (Open MPI's ob1),
 * so a request that came in while rank 0 was computing is often seen only by
 * the second probe: probing until two in a row find nothing keeps workers
 * from waiting a whole chunk for their reply. */
static void es_serve_pending(es_dispatch *d)
{
    MPI_Comm comm = d->run->comm;
    int misses = 0;
    while (misses < 2) {
        int flag = 0;
        ES_MPI(MPI_Iprobe(MPI_ANY_SOURCE, ES_TAG_REQ, comm, &flag, MPI_STATUS_IGNORE));
        if (flag) {
            es_serve_one(d, MPI_ANY_SOURCE);
            misses = 0;
        } else {
            misses++;
        }
    }
}

static void es_progress(es_run *run, es_dispatch *d)
{
    const es_plan *p = &run->plan;
    d->progress[0] = run->computed;
    uint64_t done = 0;
    for (int r = 0; r < run->size; r++)
        done += d->progress[r];
    uint64_t total = es_plan_part_rows(p);
    double el = MPI_Wtime() - run->t0, rate = el > 0 ? (double)done / el : 0;
    uint64_t left = total > done + run->rows_done ? total - done - run->rows_done : 0;
    char eta[32];
    es_fmt_hms(rate > 0 ? (double)left / rate : -1, eta, sizeof eta);
    uint64_t shown = done + run->rows_done;
    if (shown > total) shown = total;
    es_say("econsweep: progress %llu/%llu samples (%.1f%%), %.0f samples/s, ETA %s\n",
           (unsigned long long)shown, (unsigned long long)total,
           100.0 * (double)shown / (double)total, rate, eta);
}

static int es_pass1_rank0(es_run *run)
{
    MPI_Comm comm = run->comm;
    es_dispatch d;
    memset(&d, 0, sizeof d);
    d.run = run;
    d.next = run->plan.chunk_lo;
    d.left = run->todo;
    d.block_max = ES_BLOCK_MAX;
    const char *bm = getenv("ECONSWEEP_BLOCK_MAX");
    if (bm && atoi(bm) >= 1 && atoi(bm) <= 1024) d.block_max = (uint64_t)atoi(bm);
    d.assigned = calloc((size_t)run->size, sizeof(size_t));
    d.told = calloc((size_t)run->size, sizeof(int));
    d.progress = calloc((size_t)run->size, sizeof(uint64_t));
    if (!d.assigned || !d.told || !d.progress) es_abort(comm);
    double interval = es_progress_interval(), last = MPI_Wtime();
    /* every worker asks at once when an epoch starts: answer them all before
     * computing, so none waits for rank 0's chunk */
    for (int r = 1; r < run->size; r++)
        es_serve_one(&d, MPI_ANY_SOURCE);
    for (;;) {
        es_serve_pending(&d);
        if (!d.closing) {
            long long n, c = es_decide(&d, 0, &n);
            if (c >= 0) {
                for (long long i = 0; i < n; i++) {
                    if (es_do_chunk(run, (uint64_t)(c + i), es_stop_signal != 0)) {
                        fprintf(stderr, "econsweep: rank 0: out of memory evaluating the model\n");
                        es_abort(comm);
                    }
                    if (i + 1 < n) es_serve_pending(&d);
                }
                double now = MPI_Wtime();
                if (now - last >= interval) {
                    es_progress(run, &d);
                    last = now;
                }
                continue;
            }
        }
        while (d.ntold < run->size - 1)
            es_serve_one(&d, MPI_ANY_SOURCE);
        long long how = d.closing;
        ES_MPI(MPI_Bcast(&how, 1, MPI_LONG_LONG, 0, comm));
        es_epoch_end(run, how != ES_REPLY_FLUSH);
        if (how != ES_REPLY_FLUSH) {
            run->stopped = how == ES_REPLY_STOP;
            break;
        }
        d.closing = 0;
        d.ntold = 0;
        memset(d.assigned, 0, (size_t)run->size * sizeof(size_t));
        memset(d.told, 0, (size_t)run->size * sizeof(int));
        for (int r = 1; r < run->size; r++)
            es_serve_one(&d, MPI_ANY_SOURCE);
    }
    if (getenv("ECONSWEEP_DISPATCH_STATS"))
        es_say("econsweep: dispatcher: %llu replies for %llu chunks in %.3f s\n",
               (unsigned long long)d.requests, (unsigned long long)run->plan.nchunks,
               MPI_Wtime() - run->t0);
    free(d.assigned);
    free(d.told);
    free(d.progress);
    return 0;
}

static int es_pass1_worker(es_run *run)
{
    MPI_Comm comm = run->comm;
    for (;;) {
        uint64_t req[2] = {run->computed, es_stop_signal != 0};
        long long reply[2];
        ES_MPI(MPI_Send(req, 2, MPI_UINT64_T, 0, ES_TAG_REQ, comm));
        ES_MPI(MPI_Recv(reply, 2, MPI_LONG_LONG, 0, ES_TAG_REPLY, comm, MPI_STATUS_IGNORE));
        /* keep one request open while computing */
        while (reply[0] >= 0) {
            req[0] = run->computed;
            req[1] = es_stop_signal != 0;
            ES_MPI(MPI_Send(req, 2, MPI_UINT64_T, 0, ES_TAG_REQ, comm));
            for (long long i = 0; i < reply[1]; i++)
                if (es_do_chunk(run, (uint64_t)(reply[0] + i), es_stop_signal != 0)) {
                    fprintf(stderr, "econsweep: rank %d: out of memory evaluating the model\n",
                            run->rank);
                    es_abort(comm);
                }
            ES_MPI(MPI_Recv(reply, 2, MPI_LONG_LONG, 0, ES_TAG_REPLY, comm, MPI_STATUS_IGNORE));
        }
        long long how;
        ES_MPI(MPI_Bcast(&how, 1, MPI_LONG_LONG, 0, comm));
        es_epoch_end(run, how != ES_REPLY_FLUSH);
        if (how != ES_REPLY_FLUSH) {
            run->stopped = how == ES_REPLY_STOP;
            break;
        }
    }
    return 0;
}

/* ---- pass 2: the sensitivity pass over the first design points ---- */

static es_statset *es_pass2(es_run *run, es_statset **pass1_out)
{
    MPI_Comm comm = run->comm;
    const es_plan *p = &run->plan;
    /* every rank needs pass 1's merged states (the outputs' distributions) */
    unsigned long long n = run->rank == 0 ? es_statset_pack_size(run->stats) : 0;
    ES_MPI(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm));
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf) es_abort(comm);
    if (run->rank == 0) es_statset_pack(run->stats, buf);
    ES_MPI(MPI_Bcast(buf, (int)n, MPI_BYTE, 0, comm));
    es_statset *p1 = es_statset_new(p, 1, &run->ctx);
    if (!p1 || es_statset_merge_packed(p1, buf, n)) {
        fprintf(stderr, "econsweep: rank %d: cannot rebuild the merged statistics\n", run->rank);
        es_abort(comm);
    }
    free(buf);
    *pass1_out = p1;
    es_stat_ctx ctx2 = {p1, run->anchor};
    es_statset *s2 = es_statset_new(p, 2, &ctx2);
    if (!s2) es_abort(comm);
    /* rank r takes an equal share of the cells x sens_points rows */
    uint64_t R = p->cells * p->sens_points;
    uint64_t lo = (uint64_t)((unsigned __int128)R * (unsigned)run->rank / (unsigned)run->size);
    uint64_t hi =
        (uint64_t)((unsigned __int128)R * (unsigned)(run->rank + 1) / (unsigned)run->size);
    int stopped = 0;
    for (uint64_t j = lo; j < hi && !stopped;) {
        uint64_t cell = j / p->sens_points, i = j % p->sens_points;
        uint64_t len = p->sens_points - i;
        if (len > hi - j) len = hi - j;
        if (len > p->chunk) len = p->chunk;
        int rc = es_pipe_run(run->pipe, cell * p->points + i, (size_t)len, s2);
        if (rc < 0) {
            fprintf(stderr, "econsweep: rank %d: out of memory in the sensitivity pass\n",
                    run->rank);
            es_abort(comm);
        }
        stopped = rc == 1;
        j += len;
    }
    int any = 0;
    ES_MPI(MPI_Allreduce(&stopped, &any, 1, MPI_INT, MPI_MAX, comm));
    if (any) {
        es_statset_free(s2);
        return NULL;
    }
    es_reduce_stats(comm, run->rank, run->size, s2);
    return s2;
}

/* ---- the end ---- */

/* The command that continues this run: the command line as typed, without
 * --force, with --resume (so that every override of the run is kept). */
static const char *es_resume_command(es_run *run)
{
    static char cmd[sizeof run->info.command_line + 64];
    const es_run_opts *o = run->o;
    size_t used = 0;
    int has_resume = 0;
    for (int i = 0; o->argv && i < o->argc; i++) {
        const char *a = o->argv[i];
        if (strcmp(a, "--force") == 0) continue;
        has_resume |= strcmp(a, "--resume") == 0;
        int quote = a[0] == '\0' || strpbrk(a, " \t\"'\\$;&|<>*?") != NULL;
        int n = snprintf(cmd + used, sizeof cmd - used, quote ? "%s'%s'" : "%s%s", i ? " " : "", a);
        if (n < 0 || (size_t)n >= sizeof cmd - used) break;
        used += (size_t)n;
    }
    if (!has_resume && used + 10 < sizeof cmd) snprintf(cmd + used, sizeof cmd - used, " --resume");
    return cmd;
}

static void es_closing_line(es_run *run, double secs)
{
    const es_plan *p = &run->plan;
    uint64_t done = 0, mine = run->computed;
    MPI_Comm comm = run->comm;
    ES_MPI(MPI_Allreduce(&mine, &done, 1, MPI_UINT64_T, MPI_SUM, comm));
    if (run->rank != 0) return;
    double rate = secs > 0 ? (double)done / secs : 0;
    char evals[96] = "";
    if (p->evals > 1)
        snprintf(evals, sizeof evals, " (%llu model evaluations, %.0f/s)",
                 (unsigned long long)(es_plan_part_rows(p) * p->evals), rate * (double)p->evals);
    if (run->merging && run->complete)
        es_say("econsweep: merged %d parts: %llu samples in %.2f s, checksum %016llx, wrote %s\n",
               run->merging, (unsigned long long)p->rows, secs, (unsigned long long)run->checksum,
               run->out);
    else if (run->complete)
        es_say("econsweep: done %llu samples%s in %.2f s, %.0f samples/s total, %.0f samples/s "
               "per rank (%d rank%s), checksum %016llx, wrote %s\n",
               (unsigned long long)es_plan_part_rows(p), evals, secs, rate, rate / run->size,
               run->size, run->size == 1 ? "" : "s", (unsigned long long)run->checksum, run->out);
    else
        es_say("econsweep: interrupted by signal after %llu of %llu samples (%.2f s); %s is "
               "closed with status \"partial\"; continue with: %s\n",
               (unsigned long long)run->rows_done, (unsigned long long)es_plan_part_rows(p), secs,
               run->out, es_resume_command(run));
}

/* Rank 0: the provenance every rank writes. */
static void es_run_info_fill(es_run *run)
{
    const es_run_opts *o = run->o;
    size_t used = 0;
    for (int i = 0; o->argv && i < o->argc; i++) {
        const char *a = o->argv[i];
        int quote = a[0] == '\0' || strpbrk(a, " \t\"'\\$;&|<>*?") != NULL;
        int n = snprintf(run->info.command_line + used, sizeof run->info.command_line - used,
                         quote ? "%s'%s'" : "%s%s", i ? " " : "", a);
        if (n < 0 || (size_t)n >= sizeof run->info.command_line - used) break;
        used += (size_t)n;
    }
    if (!getcwd(run->info.cwd, sizeof run->info.cwd)) snprintf(run->info.cwd, 2, "?");
    int len = 0;
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    MPI_Get_library_version(v, &len);
    v[strcspn(v, "\n,")] = '\0';
    snprintf(run->info.mpi_version, sizeof run->info.mpi_version, "%s", v);
    es_utc_now(run->info.created_utc, sizeof run->info.created_utc);
    if (gethostname(run->info.host, sizeof run->info.host - 1) != 0)
        snprintf(run->info.host, sizeof run->info.host, "unknown");
    for (int i = 0; i < 6; i++) {
        const char *v = getenv(es_slurm_vars[i]);
        snprintf(run->info.slurm[i], sizeof run->info.slurm[i], "%s", v ? v : "");
    }
    run->info.ranks = run->size;
    run->info.fingerprint = es_job_fingerprint(&run->job);
}

/* Rank 0: take a checkpoint's done state and statistics into the run. */
static int es_run_take_blob(es_run *run, const unsigned char *blob, uint64_t len, const char *from)
{
    const es_plan *p = &run->plan;
    es_ckpt c;
    size_t mlen = (size_t)((p->nchunks + 7) / 8);
    if (es_ckpt_read(blob, (size_t)len, &c) || c.nchunks != p->nchunks ||
        es_statset_merge_packed(run->stats, c.stats, (size_t)c.stats_len)) {
        fprintf(stderr,
                "econsweep: the checkpoint in %s does not match this job's statistics; start "
                "afresh with --force\n",
                from);
        return -1;
    }
    for (size_t i = 0; i < mlen; i++) {
        if (run->mask[i] & c.mask[i]) {
            fprintf(stderr,
                    "econsweep: %s holds chunks another part holds too; expected "
                    "disjoint parts\n",
                    from);
            return -1;
        }
        run->mask[i] |= c.mask[i];
    }
    run->checksum += c.checksum;
    run->rows_done += c.rows_done;
    if (c.generation > run->generation) run->generation = c.generation;
    return 0;
}

/* Every rank: buffers; rank 0: the done state, empty or a checkpoint's. */
/* The job text with the command line's overrides, the same on every rank. */
static void es_run_effective_text(es_run *run)
{
    const es_run_opts *o = run->o;
    const char *keys[4], *vals[4];
    char samples[32], seed[32];
    size_t n = 0;
    if (o->has_samples) {
        snprintf(samples, sizeof samples, "%llu", (unsigned long long)o->samples);
        keys[n] = "samples";
        vals[n++] = samples;
    }
    if (o->has_seed) {
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
        keys[n] = "seed";
        vals[n++] = seed;
    }
    if (o->store >= 0) {
        keys[n] = "store";
        vals[n++] = es_store_name((es_store_kind)o->store);
    }
    if (o->output) {
        keys[n] = "output";
        vals[n++] = o->output;
    }
    free(run->job_effective);
    run->job_effective = es_job_text_with(run->job.job_text, n, keys, vals);
    run->info.job_effective = run->job_effective;
}

static int es_run_start(es_run *run, const unsigned char *blob, uint64_t bloblen)
{
    MPI_Comm comm = run->comm;
    const es_plan *p = &run->plan;
    ES_MPI(MPI_Bcast(&run->info, (int)sizeof run->info, MPI_BYTE, 0, comm));
    es_run_effective_text(run);
    ES_MPI(MPI_Bcast(run->path, (int)sizeof run->path, MPI_CHAR, 0, comm));
    ES_MPI(MPI_Bcast(&run->temp, 1, MPI_INT, 0, comm));
    int bad = es_run_prepare(run) != 0, anybad = 0;
    ES_MPI(MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, comm));
    if (anybad) return ES_EXIT_IO;
    if (run->rank == 0) {
        run->mask = calloc((size_t)((p->nchunks + 7) / 8) + 1, 1);
        if (!run->mask) es_abort(comm);
        if (blob && es_run_take_blob(run, blob, bloblen, run->path)) es_abort(comm);
        for (uint64_t c = p->chunk_lo; c < p->chunk_hi; c++)
            run->todo += !es_ckpt_done(run->mask, c);
    }
    return 0;
}

/* Create the file, or open it to resume.  A new file (or our temporary) is
 * removed if the run fails. */
static void es_run_open(es_run *run, int resume)
{
    MPI_Comm comm = run->comm;
    int created = 0;
    run->st = resume ? es_store_reopen(comm, run->path, &run->plan, &run->info)
                     : es_store_create(comm, run->path, &run->plan, &run->info, &created);
    /* only a file this run created is removed on failure: one that another
     * process created first (two runs started at once) is not ours */
    if (created) snprintf(es_fail_unlink, sizeof es_fail_unlink, "%s", run->path);
    if (!run->st) es_abort(comm);
    run->extent = es_store_extent(run->st);
    int lost = run->rank == 0 && es_lock_take(run->path) != 0;
    if (lost) {
        fprintf(stderr,
                "econsweep: %s: another process took the file while this run opened it (a "
                "second --resume?); stopping\n",
                run->path);
        es_abort(comm);
    }
    if (run->rank == 0) {
        struct stat sb;
        if (stat(run->path, &sb) == 0) {
            run->dev = sb.st_dev;
            run->ino = sb.st_ino;
        }
    }
    run->last_ckpt = MPI_Wtime();
}

/* The phases' times on rank 0, printed at the end when ECONSWEEP_PHASES is
 * set (for performance work: what does not shrink with more ranks). */
static double es_phase_t[8];
static const char *es_phase_name[8];
static int es_nphase;

static void es_phase(const char *name)
{
    if (es_nphase < 8) {
        es_phase_t[es_nphase] = MPI_Wtime();
        es_phase_name[es_nphase++] = name;
    }
}

static void es_phase_print(const es_run *run)
{
    if (run->rank != 0 || !getenv("ECONSWEEP_PHASES")) return;
    double prev = run->t0;
    for (int i = 0; i < es_nphase; i++) {
        es_say("econsweep: phase %-44s %8.3f s\n", es_phase_name[i], es_phase_t[i] - prev);
        prev = es_phase_t[i];
    }
    es_say(
        "econsweep: %llu epoch%s, rows written %s\n", (unsigned long long)run->epochs,
        run->epochs == 1 ? "" : "s",
        run->ep[0].rowbuf
            ? (run->writer && es_writer_threaded(run->writer) ? "behind the computing" : "in line")
            : "(none: store = summary)");
}

/* Pass 1 over every chunk not done.  Returns 1 on every rank when all are done. */
static int es_run_pass1(es_run *run)
{
    MPI_Comm comm = run->comm;
    if (run->rank == 0)
        es_pass1_rank0(run);
    else
        es_pass1_worker(run);
    int all_done = run->rank == 0 ? run->todo == 0 : 0;
    ES_MPI(MPI_Bcast(&all_done, 1, MPI_INT, 0, comm));
    return all_done;
}

/* Pass 2, the results, the file's close and finish, the closing lines and
 * [verify].  Returns the exit code. */
static int es_run_end(es_run *run, int all_done)
{
    MPI_Comm comm = run->comm;
    const es_plan *p = &run->plan;
    es_statset *p1 = NULL, *s2 = NULL;
    es_phase("pass 1 (every chunk, its rows and checkpoints)");
    if (all_done && p->parts == 1) s2 = es_pass2(run, &p1);
    es_phase("pass 2 (the sensitivity pass)");
    run->complete = all_done && (p->parts > 1 || s2 != NULL);
    if (run->rank == 0) {
        es_results_init(&run->results);
        if (es_statset_emit(run->stats, &run->results) ||
            (s2 && es_statset_emit(s2, &run->results))) {
            fprintf(stderr, "econsweep: rank 0: out of memory for the results\n");
            es_abort(comm);
        }
    }
    es_statset_free(p1);
    es_statset_free(s2);
    es_phase("results (derived from the merged statistics)");

    if (es_store_close(run->st)) es_abort(comm);
    run->st = NULL;
    es_phase("closing the parallel file");
    int status = 0;
    if (run->merging && !run->complete) {
        es_lock_release();
        /* a merge stopped by a signal (its sensitivity pass, the one long
         * step): the new file is removed, the parts are untouched, and the
         * same command does it all again */
        unlink(run->path);
        es_fail_unlink[0] = '\0';
        fprintf(stderr,
                "econsweep: merge interrupted by a signal; %s is not written (the parts are "
                "untouched): run the same merge again\n",
                run->out);
        return ES_EXIT_INTERRUPTED;
    }
    if (run->rank == 0) {
        unsigned long long flen = 0;
        unsigned char *fblob = run->complete ? es_make_blob(run, 1, &flen) : NULL;
        /* the shared lock goes just before the finish's own (exclusive)
         * HDF5 open: released earlier, a --resume could take the file while
         * the final state is packed */
        es_lock_release();
        if (es_store_finish(run->path, &run->results, run->complete, run->rows_done, run->checksum,
                            fblob, flen)) {
            /* HDF5 may hold the file open after a failed close (a full disk):
             * its shutdown in MPI_Finalize would then crash; end here instead.
             * A new file (or our temporary) is removed; a resumed one kept. */
            fprintf(stderr, "econsweep: %s: the results could not be written%s\n", run->path,
                    es_fail_unlink[0] ? "; the file is removed" : "");
            es_abort(comm);
        }
        free(fblob);
        es_phase("writing the results (rank 0)");
        if (!status && run->temp && rename(run->path, run->out) != 0) {
            fprintf(stderr, "econsweep: cannot rename %s to %s: %s\n", run->path, run->out,
                    strerror(errno));
            status = ES_EXIT_IO;
        }
        struct stat sb;
        if (!status &&
            (stat(run->out, &sb) != 0 || sb.st_dev != run->dev || sb.st_ino != run->ino)) {
            fprintf(stderr,
                    "econsweep: %s is no longer the file this run wrote (it or its folder was "
                    "removed or replaced during the run); the results are lost\n",
                    run->out);
            status = ES_EXIT_IO;
        }
        if (status && run->temp) unlink(run->path);
    }
    ES_MPI(MPI_Bcast(&status, 1, MPI_INT, 0, comm));
    es_fail_unlink[0] = '\0';
    if (status) return status;
    es_closing_line(run, MPI_Wtime() - run->t0);
    es_phase_print(run);
    int vrc = 0;
    if (run->rank == 0 && run->complete) {
        if (!es_quiet) es_print_closing_table(stderr, &run->job, p, &run->results);
        if (run->job.n_verify && p->parts > 1) {
            /* a part's statistics are of its share of the samples, not the
             * job's: the known answers are checked once, by merge */
            es_say("econsweep: [verify] is checked when the parts are merged, not on part "
                   "%llu/%llu\n",
                   (unsigned long long)p->part, (unsigned long long)p->parts);
        } else if (run->job.n_verify) {
            char msg[16384];
            vrc = es_verify_check(&run->job, p, &run->results, msg, sizeof msg);
            es_say("%s", msg);
            if (vrc)
                es_say("econsweep: %d verification check%s failed\n", vrc, vrc == 1 ? "" : "s");
        }
    }
    ES_MPI(MPI_Bcast(&vrc, 1, MPI_INT, 0, comm));
    if (!run->complete) return ES_EXIT_INTERRUPTED;
    return vrc ? ES_EXIT_VERIFY : ES_EXIT_OK;
}

static void es_run_init(es_run *run, MPI_Comm comm, const es_run_opts *o)
{
    memset(run, 0, sizeof *run);
    run->comm = comm;
    run->o = o;
    MPI_Comm_rank(comm, &run->rank);
    MPI_Comm_size(comm, &run->size);
    es_sweep_install_signals();
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    run->t0 = MPI_Wtime();
    run->every = o->checkpoint_every > 0 ? o->checkpoint_every : ES_CHECKPOINT_SECONDS;
}

int es_sweep_run(MPI_Comm comm, const es_run_opts *o)
{
    es_run run;
    es_run_init(&run, comm, o);
    int rc = es_run_load(&run); /* the same on every rank */
    unsigned char *blob = NULL;
    uint64_t bloblen = 0;
    if (!rc) {
        if (run.rank == 0) {
            es_run_info_fill(&run);
            rc = es_preflight(&run);
            if (!rc && o->resume) rc = es_resume_read(&run, &blob, &bloblen);
        }
        ES_MPI(MPI_Bcast(&rc, 1, MPI_INT, 0, comm));
    }
    if (!rc) rc = es_run_start(&run, blob, bloblen);
    free(blob);
    if (!rc) {
        es_run_open(&run, o->resume);
        es_phase("start (load, checks, the file created)");
        rc = es_run_end(&run, es_run_pass1(&run));
    }
    es_run_free(&run);
    return rc;
}

/* ---- merge: the parts of a job array, joined into the whole job's file ---- */

/* The job as a part file records it: its texts, and the overrides its run took. */
static int es_merge_load(es_run *run, const es_file_head *h, es_run_opts *o)
{
    char err[8192];
    es_job_mem_file f[] = {{h->job_path, h->job_text, strlen(h->job_text)},
                           {h->scenario_path, h->scenario_text, strlen(h->scenario_text)},
                           {NULL, NULL, 0}};
    if (es_job_load_with(&run->job, h->job_path, es_job_mem_reader, f, err, sizeof err)) {
        fprintf(stderr, "econsweep: merge: the job recorded in the parts does not load:\n%s", err);
        return ES_EXIT_BADJOB;
    }
    run->have_job = 1;
    /* the parts' command-line overrides, as a whole run with them would record
     * them in its job_text (es_run_effective_text) */
    if (h->samples != run->job.samples) {
        o->has_samples = 1;
        o->samples = h->samples;
    }
    if (h->seed != run->job.seed) {
        o->has_seed = 1;
        o->seed = h->seed;
    }
    int st = es_store_find(h->store);
    if (st >= 0 && (es_store_kind)st != run->job.store) o->store = st;
    run->job.samples = h->samples;
    run->job.seed = h->seed;
    if (st >= 0) run->job.store = (es_store_kind)st;
    if (es_plan_init(&run->plan, &run->job, err, sizeof err)) {
        fprintf(stderr, "econsweep: merge: %s\n", err);
        return ES_EXIT_BADJOB;
    }
    es_run_info_fill(run);
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)run->info.fingerprint);
    if (strcmp(fp, h->fingerprint) != 0) {
        fprintf(stderr,
                "econsweep: merge: the job rebuilt from %s does not match its fingerprint; "
                "internal error or a damaged file\n",
                h->job_path);
        return ES_EXIT_BADJOB;
    }
    return 0;
}

/* Rank 0 (alone): check the parts and take their done states.  Returns 0 or
 * an exit code. */
static int es_merge_parts(es_run *run, int nparts, const char *const *parts, const es_file_head *h0)
{
    const es_plan *p = &run->plan;
    unsigned char *seen = calloc(h0->parts ? h0->parts : 1, 1);
    char **hist = calloc(h0->parts ? h0->parts : 1, sizeof *hist);
    if (!seen || !hist) {
        free(seen);
        free(hist);
        return ES_EXIT_IO;
    }
    int rc = 0;
    for (int i = 0; i < nparts && !rc; i++) {
        es_file_head h;
        unsigned char *blob = NULL;
        uint64_t len = 0;
        char err[2048];
        if (es_store_read_checkpoint(parts[i], &h, &blob, &len, err, sizeof err)) {
            fprintf(stderr, "econsweep: merge: %s\n", err);
            rc = ES_EXIT_BADJOB;
        } else if (strcmp(h.fingerprint, h0->fingerprint) != 0 || h.parts != h0->parts) {
            fprintf(stderr, "econsweep: merge: %s is not a part of the same job as %s (%s)\n",
                    parts[i], parts[0],
                    h.parts != h0->parts ? "another number of parts" : "another job");
            rc = ES_EXIT_BADJOB;
        } else if (strcmp(h.store, h0->store) != 0) {
            fprintf(stderr,
                    "econsweep: merge: %s was written with store = %s and %s with store = %s; "
                    "the parts of one file must share a store mode\n",
                    parts[i], h.store, parts[0], h0->store);
            rc = ES_EXIT_BADJOB;
        } else if (h.parts < 2) {
            fprintf(stderr, "econsweep: merge: %s is not a part (it was not run with --part)\n",
                    parts[i]);
            rc = ES_EXIT_BADJOB;
        } else if (seen[h.part]) {
            fprintf(stderr, "econsweep: merge: part %llu/%llu is given twice (%s)\n",
                    (unsigned long long)h.part, (unsigned long long)h.parts, parts[i]);
            rc = ES_EXIT_BADJOB;
        } else if (strcmp(h.status, "complete") != 0) {
            fprintf(stderr,
                    "econsweep: merge: part %llu/%llu (%s) is not complete: resume it first "
                    "(econsweep run JOB --part %llu/%llu -o %s --resume)\n",
                    (unsigned long long)h.part, (unsigned long long)h.parts, parts[i],
                    (unsigned long long)h.part, (unsigned long long)h.parts, parts[i]);
            rc = ES_EXIT_BADJOB;
        } else {
            seen[h.part] = 1;
            hist[h.part] = h.history;
            h.history = NULL;
            if (h.ranks > run->info.ranks_rows) run->info.ranks_rows = (int)h.ranks;
            if (es_run_take_blob(run, blob, len, parts[i])) rc = ES_EXIT_BADJOB;
        }
        es_file_head_free(&h);
        free(blob);
    }
    if (!rc && (uint64_t)nparts != h0->parts) {
        char missing[512] = "";
        for (uint64_t k = 0; k < h0->parts && strlen(missing) < 480; k++)
            if (!seen[k])
                snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%llu",
                         missing[0] ? ", " : "", (unsigned long long)k);
        fprintf(stderr, "econsweep: merge: %d of %llu parts given; missing part%s %s\n", nparts,
                (unsigned long long)h0->parts, h0->parts - (uint64_t)nparts > 1 ? "s" : "",
                missing);
        rc = ES_EXIT_BADJOB;
    }
    /* the merged file's history: the parts' lines in part order, then its own */
    size_t total = 1;
    for (uint64_t k = 0; k < h0->parts; k++)
        total += hist[k] ? strlen(hist[k]) + 1 : 0;
    if (!rc && (run->merge_history = malloc(total)) != NULL) {
        size_t used = 0;
        for (uint64_t k = 0; k < h0->parts; k++) {
            if (!hist[k] || !hist[k][0]) continue;
            size_t n = strlen(hist[k]);
            memcpy(run->merge_history + used, hist[k], n);
            used += n;
            if (hist[k][n - 1] != '\n') run->merge_history[used++] = '\n';
        }
        run->merge_history[used] = '\0';
        run->info.history_before = run->merge_history;
    }
    for (uint64_t k = 0; k < h0->parts; k++)
        free(hist[k]);
    free(hist);
    free(seen);
    run->todo = 0;
    for (uint64_t c = 0; !rc && c < p->nchunks; c++)
        run->todo += !es_ckpt_done(run->mask, c);
    if (!rc && run->todo) {
        fprintf(stderr, "econsweep: merge: the parts leave %llu chunks undone; internal error\n",
                (unsigned long long)run->todo);
        rc = ES_EXIT_BADJOB;
    }
    return rc;
}

int es_sweep_merge(MPI_Comm comm, const char *out, int nparts, const char *const *parts, int force,
                   int argc, char **argv)
{
    es_run_opts o;
    memset(&o, 0, sizeof o);
    o.argc = argc; /* the merge command, for the file's provenance */
    o.argv = argv;
    o.output = out;
    o.force = force;
    o.store = -1;
    es_file_head h0;
    unsigned char *blob0 = NULL;
    uint64_t len0 = 0;
    char err[2048];
    if (es_store_read_checkpoint(parts[0], &h0, &blob0, &len0, err, sizeof err)) {
        fprintf(stderr, "econsweep: merge: %s\n", err);
        return ES_EXIT_BADJOB;
    }
    free(blob0);
    if (!h0.job_text || !h0.scenario_text) {
        fprintf(stderr, "econsweep: merge: %s is not an econsweep file of this version\n",
                parts[0]);
        es_file_head_free(&h0);
        return ES_EXIT_BADJOB;
    }
    o.job_path = h0.job_path;
    /* the output is never one of the parts it is made from */
    for (int i = 0; i < nparts; i++)
        if (es_same_file(out, parts[i])) {
            fprintf(stderr,
                    "econsweep: merge: the output %s is the part %s itself; refusing to "
                    "overwrite an input\n",
                    out, parts[i]);
            es_file_head_free(&h0);
            return ES_EXIT_USAGE;
        }
    es_run run;
    es_run_init(&run, comm, &o);
    run.out = out;
    run.merging = nparts;
    int rc = es_merge_load(&run, &h0, &o);
    if (!rc) rc = es_preflight(&run);
    if (!rc) rc = es_run_start(&run, NULL, 0);
    if (!rc) rc = es_merge_parts(&run, nparts, parts, &h0);
    if (!rc) {
        es_run_open(&run, 0);
        for (int i = 0; i < nparts; i++)
            if (es_store_copy_part(run.st, parts[i])) es_abort(comm);
        es_write_checkpoint(&run);
        rc = es_run_end(&run, 1);
    }
    es_run_free(&run);
    es_file_head_free(&h0);
    return rc;
}
