/* writer.h: one job at a time done behind the caller's back.
 *
 * The sweep hands the file's part of an epoch's end (rows, done marks,
 * checkpoint) to a writer and goes on computing the next epoch.  A writer is
 * a thread that runs fn(job) for each job handed to it, in the order handed,
 * one at a time; es_writer_submit waits until the previous job is done before
 * it hands the next, so the caller owns at most two buffers: the one it
 * fills and the one being written.
 *
 * A writer made with threaded = 0 runs each job inside es_writer_submit
 * (the same order, no thread): the sweep's choice where MPI does not give
 * MPI_THREAD_MULTIPLE, with ECONSWEEP_WRITE_BEHIND=0, when one buffer holds
 * every chunk, or when no second buffer or thread can be had.
 *
 * The thread blocks every signal but those of its own faults (SIGSEGV and
 * the like), so that a stop signal reaches the computing thread (whose
 * handler sets the stop flag) and never interrupts a write.
 * fn must not return on failure when other ranks wait on it: the sweep's
 * job aborts the MPI job itself, as the computing thread would.
 *
 * Only one thread uses HDF5 at any time: the writer while a job is pending,
 * the caller after es_writer_wait.  That is what a parallel HDF5 built
 * without thread safety (Debian's) allows; the hand-over's mutex orders the
 * two threads' memory. */
#ifndef ES_WRITER_H
#define ES_WRITER_H

typedef struct es_writer es_writer;

/* A writer running fn; NULL when out of memory or when the thread cannot be
 * started. */
es_writer *es_writer_new(void (*fn)(void *job), int threaded);

/* Hand job to the writer, after the job before it is done. */
void es_writer_submit(es_writer *w, void *job);

/* Wait until every job handed over is done. */
void es_writer_wait(es_writer *w);

/* 1 if jobs run on a thread of their own. */
int es_writer_threaded(const es_writer *w);

/* Wait, stop the thread and free (NULL is fine). */
void es_writer_free(es_writer *w);

#endif
