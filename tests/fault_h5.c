/* tests/fault_h5.c: link-time fault injection for the program built as
 * econsweep_faulty (-Wl,--wrap=H5Fcreate,--wrap=H5Dwrite, ...).  With
 * ES_FAULT_CALL=H5Dwrite ES_FAULT_RANK=1 ES_FAULT_AT=3, the 3rd call of
 * H5Dwrite on rank 1 fails as a full disk would, with an error pushed on
 * HDF5's stack; every other call goes to the real function.  Each phase of a
 * run (create, write, checkpoint, close, the serial finish) can so fail on
 * one rank only. */
#include <errno.h>
#include <hdf5.h>
#include <mpi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* 1 when this call of `call` is the one ES_FAULT_* names */
static int es_fault_due(const char *call)
{
    static long calls = 0;
    const char *which = getenv("ES_FAULT_CALL"), *at = getenv("ES_FAULT_AT");
    const char *rk = getenv("ES_FAULT_RANK");
    if (!which || !at || !rk || strcmp(which, call) != 0) return 0;
    int rank = 0, init = 0;
    MPI_Initialized(&init);
    if (init) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (atoi(rk) != rank) return 0;
    return ++calls == atol(at);
}

/* the same, with the error a full disk leaves on HDF5's stack */
static int es_fault_now(const char *call)
{
    if (!es_fault_due(call)) return 0;
    H5Epush2(H5E_DEFAULT, __FILE__, call, __LINE__, H5E_ERR_CLS, H5E_FILE, H5E_WRITEERROR,
             "injected: no space left on device");
    return 1;
}

hid_t __real_H5Fcreate(const char *name, unsigned flags, hid_t fcpl, hid_t fapl);
hid_t __wrap_H5Fcreate(const char *name, unsigned flags, hid_t fcpl, hid_t fapl)
{
    return es_fault_now("H5Fcreate") ? -1 : __real_H5Fcreate(name, flags, fcpl, fapl);
}

hid_t __real_H5Fopen(const char *name, unsigned flags, hid_t fapl);
hid_t __wrap_H5Fopen(const char *name, unsigned flags, hid_t fapl)
{
    return es_fault_now("H5Fopen") ? -1 : __real_H5Fopen(name, flags, fapl);
}

hid_t __real_H5Dcreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t lcpl,
                        hid_t dcpl, hid_t dapl);
hid_t __wrap_H5Dcreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t lcpl,
                        hid_t dcpl, hid_t dapl)
{
    return es_fault_now("H5Dcreate2") ? -1
                                      : __real_H5Dcreate2(loc, name, type, space, lcpl, dcpl, dapl);
}

herr_t __real_H5Dwrite(hid_t d, hid_t mt, hid_t ms, hid_t fs, hid_t dxpl, const void *buf);
herr_t __wrap_H5Dwrite(hid_t d, hid_t mt, hid_t ms, hid_t fs, hid_t dxpl, const void *buf)
{
    return es_fault_now("H5Dwrite") ? -1 : __real_H5Dwrite(d, mt, ms, fs, dxpl, buf);
}

herr_t __real_H5Dset_extent(hid_t d, const hsize_t *size);
herr_t __wrap_H5Dset_extent(hid_t d, const hsize_t *size)
{
    return es_fault_now("H5Dset_extent") ? -1 : __real_H5Dset_extent(d, size);
}

herr_t __real_H5Fflush(hid_t obj, H5F_scope_t scope);
herr_t __wrap_H5Fflush(hid_t obj, H5F_scope_t scope)
{
    return es_fault_now("H5Fflush") ? -1 : __real_H5Fflush(obj, scope);
}

herr_t __real_H5Fclose(hid_t f);
herr_t __wrap_H5Fclose(hid_t f)
{
    return es_fault_now("H5Fclose") ? -1 : __real_H5Fclose(f);
}

/* ES_SLOW_MS=N: every chunk takes N ms longer, so that tests can interrupt a
 * run at a time of their choosing (the chunk is then dropped as usual). */
#include <time.h>

#include "pipe.h"

int __real_es_pipe_run(es_pipe *pp, uint64_t first, size_t n, es_statset *ss);
int __wrap_es_pipe_run(es_pipe *pp, uint64_t first, size_t n, es_statset *ss)
{
    const char *ms = getenv("ES_SLOW_MS");
    if (ms && atoi(ms) > 0) {
        struct timespec t = {atoi(ms) / 1000, (long)(atoi(ms) % 1000) * 1000000L};
        nanosleep(&t, NULL);
    }
    return __real_es_pipe_run(pp, first, n, ss);
}

/* ES_FAULT_THREAD_LEVEL=L: MPI_Query_thread reports level L (an MPI that does
 * not give MPI_THREAD_MULTIPLE), so that the sweep writes rows in line. */
int __real_MPI_Query_thread(int *provided);
int __wrap_MPI_Query_thread(int *provided)
{
    int rc = __real_MPI_Query_thread(provided);
    const char *lv = getenv("ES_FAULT_THREAD_LEVEL");
    if (lv) *provided = atoi(lv);
    return rc;
}

/* ES_FAULT_CALL=pthread_create ES_FAULT_RANK=R ES_FAULT_AT=N: the Nth thread
 * the program itself starts on rank R (the sweep's writer) cannot be started,
 * as under a limit on threads.  MPI's own threads are not affected (its
 * libraries call the real function). */
int __real_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
    return es_fault_due("pthread_create") ? EAGAIN : __real_pthread_create(t, a, fn, arg);
}
