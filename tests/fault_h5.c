/* tests/fault_h5.c: link-time fault injection (-Wl,--wrap=H5Dwrite) for the
 * program built as econsweep_faulty: on rank ES_FAULT_RANK, the
 * ES_FAULT_AT-th call of H5Dwrite fails as a full disk would, with an error
 * pushed on HDF5's stack.  Other calls go to the real H5Dwrite. */
#include <hdf5.h>
#include <mpi.h>
#include <stdlib.h>

herr_t __real_H5Dwrite(hid_t d, hid_t mt, hid_t ms, hid_t fs, hid_t dxpl, const void *buf);

herr_t __wrap_H5Dwrite(hid_t d, hid_t mt, hid_t ms, hid_t fs, hid_t dxpl, const void *buf)
{
    static long calls = 0;
    const char *at = getenv("ES_FAULT_AT"), *rk = getenv("ES_FAULT_RANK");
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    calls++;
    if (at && rk && atoi(rk) == rank && atol(at) == calls) {
        H5Epush2(H5E_DEFAULT, __FILE__, "H5Dwrite", __LINE__, H5E_ERR_CLS, H5E_DATASET,
                 H5E_WRITEERROR, "injected: no space left on device");
        return -1;
    }
    return __real_H5Dwrite(d, mt, ms, fs, dxpl, buf);
}
