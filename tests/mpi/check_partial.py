#!/usr/bin/python3
"""tests/mpi/check_partial.py FILE [REFERENCE]: an interrupted file marks a
prefix of whole chunks done and counts them in samples_done (prints that
count); with REFERENCE, a complete run of exactly that many samples, the done
rows must equal it bit for bit (values depend on the sample index alone)."""
import sys

import h5py
import numpy as np

f = h5py.File(sys.argv[1], "r")
done = f["state/chunk_done"][:]
chunk = int(f.attrs["chunk"])
n = int(f.attrs["samples"])
k = int(done.sum())
assert 0 < k < len(done), "expected some but not all chunks done, got %d of %d" % (k, len(done))
# chunks are handed out in order and an epoch finishes all it handed out: a prefix
assert done[:k].all() and not done[k:].any(), "done chunks are not a prefix"
m = min(k * chunk, n)
assert int(f.attrs["samples_done"]) == m
assert (f["sample"][:m] == np.arange(m)).all(), "sample index of done rows"
if len(sys.argv) > 2:
    ref = h5py.File(sys.argv[2], "r")
    assert ref.attrs["status"] == "complete"
    for name, d in ref["outputs"].items():
        a, b = f["outputs"][name][:m], d[:]
        same = (a.view(np.uint64) == b.view(np.uint64)).all()
        assert same, "rows of %s differ from the uninterrupted run" % name
    print("done rows equal the uninterrupted run")
print(m)
