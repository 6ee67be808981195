/* src/h5read.h: an econsweep result file read back with serial HDF5 (no MPI
 * launch), as the labelled arrays of results.h that a run produced.
 *
 * Read: the root attributes (as the attributes of a group array at "/"),
 * and every dataset of /summary (with its per-variable groups, but not the
 * quantile sketches), /events, /sensitivity and /scan, with their "units"
 * attribute.  A dimension labelled L (DIMENSION_LABELS) is
 * named by the coordinate of that name in the dataset's own group, else by
 * /scan/L.  Not read: the rows (/inputs, /outputs can be 1e9 long) and
 * /state; the root group gets one made-up attribute, rows_stored, the extent
 * of /sample (0 when the file stores no rows).
 *
 * Any file, however damaged, gives either the arrays or an error with a
 * one-line reason: every HDF5 call is checked, ranks, sizes and types are
 * checked before anything is allocated, HDF5's own printing is off. */
#ifndef ES_H5READ_H
#define ES_H5READ_H

#include <hdf5.h>
#include <stddef.h>

#include "results.h"

/* The newest file layout this program reads (store.h's ES_SCHEMA when this
 * reader was written). */
#define ES_H5READ_MAX_SCHEMA 2

typedef enum {
    ES_H5READ_OK = 0,
    ES_H5READ_MISSING,       /* cannot open the file at all (errno) */
    ES_H5READ_NOT_HDF5,      /* no HDF5 signature */
    ES_H5READ_DAMAGED,       /* HDF5, but HDF5 cannot read it (truncated, corrupt) */
    ES_H5READ_NOT_ECONSWEEP, /* HDF5, without econsweep's root attributes */
    ES_H5READ_SCHEMA,        /* an econsweep file of another schema */
    ES_H5READ_NOMEM          /* out of memory */
} es_h5read_status;

/* Read the file at path into r (initialised by the caller, freed by the
 * caller whatever the result).  Returns ES_H5READ_OK or another status with
 * a one-line reason in err (naming the file). */
es_h5read_status es_h5read(const char *path, es_results *r, char *err, size_t errlen);

/* The same from a file already open (an in-memory image: the fuzzer); name
 * is used in messages only. */
es_h5read_status es_h5read_fid(hid_t f, const char *name, es_results *r, char *err, size_t errlen);

#endif
