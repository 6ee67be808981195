/* writer.c: one job at a time on a thread of its own (see writer.h). */
#define _POSIX_C_SOURCE 200809L /* pthread_sigmask */
#include "writer.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

struct es_writer {
    void (*fn)(void *job);
    int threaded;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void *job; /* the job handed over and not yet done, or NULL */
    int quit;  /* es_writer_free asks the thread to end */
};

static void *es_writer_main(void *arg)
{
    es_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->job && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->job) break; /* quit, nothing pending */
        void *job = w->job;
        pthread_mutex_unlock(&w->mu);
        w->fn(job);
        pthread_mutex_lock(&w->mu);
        w->job = NULL;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

es_writer *es_writer_new(void (*fn)(void *job), int threaded)
{
    es_writer *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->fn = fn;
    w->threaded = threaded;
    if (!threaded) return w;
    if (pthread_mutex_init(&w->mu, NULL) != 0) {
        free(w);
        return NULL;
    }
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        free(w);
        return NULL;
    }
    /* the thread starts with every signal blocked but those of its own
     * faults (which must still end the process, with MPI's report) */
    sigset_t all, old;
    sigfillset(&all);
    const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        sigdelset(&all, faults[i]);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&w->thread, NULL, es_writer_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return NULL;
    }
    return w;
}

void es_writer_submit(es_writer *w, void *job)
{
    if (!w->threaded) {
        w->fn(job);
        return;
    }
    pthread_mutex_lock(&w->mu);
    while (w->job)
        pthread_cond_wait(&w->cv, &w->mu);
    w->job = job;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void es_writer_wait(es_writer *w)
{
    if (!w->threaded) return;
    pthread_mutex_lock(&w->mu);
    while (w->job)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

int es_writer_threaded(const es_writer *w)
{
    return w->threaded;
}

void es_writer_free(es_writer *w)
{
    if (!w) return;
    if (w->threaded) {
        pthread_mutex_lock(&w->mu);
        while (w->job)
            pthread_cond_wait(&w->cv, &w->mu);
        w->quit = 1;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
    }
    free(w);
}
