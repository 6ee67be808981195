/* tests/test_writer.c: the writer that does the file's part of an epoch's end
 * behind the computing (src/writer.c): jobs run one at a time, in the order
 * handed; submit returns only after the job before is done (so the caller
 * may reuse that job's buffer); wait and free wait for everything handed;
 * the thread has the stop signals blocked (not its own faults'); the inline writer does the same
 * inside submit. */
#define _POSIX_C_SOURCE 200809L /* nanosleep, pthread_sigmask */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "writer.h"

typedef struct {
    int id;
    atomic_int done;  /* set by the job when it ends (read while it runs) */
    int running_seen; /* how many jobs were running when it started (besides it) */
    int sig_blocked;  /* stop signals blocked, fault signals not */
    pthread_t thread; /* the thread that ran it */
    int gated;        /* waits for the gate */
} job;

static atomic_int gate; /* a gated job ends only once the test opens the gate */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int order[64], norder, running;

static void nap_ms(int ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

static void run_job(void *arg)
{
    job *j = arg;
    pthread_mutex_lock(&log_mu);
    j->running_seen = running++;
    pthread_mutex_unlock(&log_mu);
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    j->sig_blocked = sigismember(&cur, SIGUSR1) == 1 && sigismember(&cur, SIGTERM) == 1 &&
                     sigismember(&cur, SIGINT) == 1 && sigismember(&cur, SIGHUP) == 1 &&
                     sigismember(&cur, SIGSEGV) == 0 && sigismember(&cur, SIGBUS) == 0;
    j->thread = pthread_self();
    nap_ms(j->id % 3 == 0 ? 20 : 2); /* some jobs slower than the hand-over */
    while (j->gated && !atomic_load(&gate))
        nap_ms(1);
    pthread_mutex_lock(&log_mu);
    order[norder++] = j->id;
    running--;
    pthread_mutex_unlock(&log_mu);
    j->done = 1;
}

/* a writer with a fresh log */
static es_writer *fresh(int threaded)
{
    norder = 0;
    running = 0;
    es_writer *w = es_writer_new(run_job, threaded);
    assert_non_null(w);
    assert_int_equal(es_writer_threaded(w), threaded);
    return w;
}

static void test_threaded_order_and_handover(void **state)
{
    (void)state;
    es_writer *w = fresh(1);
    job jobs[40] = {{0}};
    for (int i = 0; i < 40; i++) {
        jobs[i].id = i;
        es_writer_submit(w, &jobs[i]);
        /* two buffers suffice: the job before this one is done */
        if (i > 0) assert_int_equal(jobs[i - 1].done, 1);
    }
    es_writer_wait(w);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(jobs[i].done, 1);
        assert_int_equal(order[i], i);
        assert_int_equal(jobs[i].running_seen, 0); /* one at a time */
        assert_int_equal(jobs[i].sig_blocked, 1);
        assert_false(pthread_equal(jobs[i].thread, pthread_self()));
    }
    assert_int_equal(norder, 40);
    es_writer_free(w);
}

static void test_threaded_runs_behind(void **state)
{
    (void)state;
    es_writer *w = fresh(1);
    atomic_store(&gate, 0);
    job a = {.id = 1, .gated = 1};
    es_writer_submit(w, &a);
    /* submit returned while the job still runs on the thread */
    assert_int_equal(a.done, 0);
    atomic_store(&gate, 1);
    es_writer_wait(w);
    assert_int_equal(a.done, 1);
    /* the caller's signal mask is its own again */
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    assert_int_equal(sigismember(&cur, SIGUSR1), 0);
    es_writer_free(w);
}

static void test_free_waits(void **state)
{
    (void)state;
    es_writer *w = fresh(1);
    job a = {.id = 6};
    es_writer_submit(w, &a);
    es_writer_free(w); /* waits for the job, then joins */
    assert_int_equal(a.done, 1);
    assert_int_equal(norder, 1);
    es_writer_free(NULL);
}

static void test_inline(void **state)
{
    (void)state;
    es_writer *w = fresh(0);
    job jobs[5] = {{0}};
    for (int i = 0; i < 5; i++) {
        jobs[i].id = i;
        es_writer_submit(w, &jobs[i]);
        assert_int_equal(jobs[i].done, 1); /* done inside submit */
        assert_true(pthread_equal(jobs[i].thread, pthread_self()));
    }
    es_writer_wait(w);
    for (int i = 0; i < 5; i++)
        assert_int_equal(order[i], i);
    es_writer_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threaded_order_and_handover),
        cmocka_unit_test(test_threaded_runs_behind),
        cmocka_unit_test(test_free_waits),
        cmocka_unit_test(test_inline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
