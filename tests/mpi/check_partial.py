#!/usr/bin/python3
"""tests/mpi/check_partial.py FILE [REFERENCE]: an interrupted file holds rows
up to its extent; every row of a chunk marked done in /state/chunk_done is
computed (its /sample is its index), every other row inside the extent is NaN
with /sample = 2^64-1 (a chunk dropped by the signal), and samples_done counts
the done rows.  Prints the extent.  With REFERENCE, a complete run of at least
that many samples of the same mc job, the done rows must equal it bit for bit
(mc rows depend on the sample index alone)."""
import sys

import h5py
import numpy as np

MISSING = np.uint64(2**64 - 1)
f = h5py.File(sys.argv[1], "r")
assert f.attrs["status"] == "partial"
done = f["state/chunk_done"][:].astype(bool)
chunk = int(f.attrs["chunk"])
n = int(f.attrs["rows"])
m = f["sample"].shape[0]
k = int(done.sum())
assert 0 < k < len(done), "expected some but not all chunks done, got %d of %d" % (k, len(done))
rowdone = np.repeat(done, chunk)[:n][:m]
sample = f["sample"][:]
assert (sample[rowdone] == np.arange(m)[rowdone]).all(), "sample index of done rows"
assert (sample[~rowdone] == MISSING).all(), "rows not done must be marked missing"
for name, d in f["outputs"].items():
    x = d[:]
    assert np.isnan(x[~rowdone]).all(), "rows not done of %s must be NaN" % name
assert int(f.attrs["samples_done"]) == int(np.repeat(done, chunk)[:n].sum())
# every chunk beyond the extent is not done
assert not done[(m + chunk - 1) // chunk:].any(), "a done chunk beyond the extent"
if len(sys.argv) > 2:
    ref = h5py.File(sys.argv[2], "r")
    assert ref.attrs["status"] == "complete"
    for name, d in ref["outputs"].items():
        a, b = f["outputs"][name][:m][rowdone], d[:m][rowdone]
        same = (a.view(np.uint64) == b.view(np.uint64)).all()
        assert same, "rows of %s differ from the uninterrupted run" % name
    print("done rows equal the uninterrupted run", file=sys.stderr)
print(m)
