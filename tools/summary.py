#!/usr/bin/python3
"""tools/summary.py OUT.h5: print the summaries of an econsweep file as a table
(a stop-gap for tools/demo until `econsweep report` exists)."""
import sys

import h5py

f = h5py.File(sys.argv[1], "r")
a = f.attrs
print("%s: model %s, %d samples (%s), seed %d, %d ranks, checksum %s" % (
    sys.argv[1], a["model"], a["samples"], a["status"], a["seed"], a["ranks"], a["checksum"]))
print("%-26s %-9s %12s %12s %12s %12s %6s" % ("variable", "unit", "mean", "std", "min", "max", "NaN"))
for kind in ("input", "output"):
    for name, g in f["summary"].items():
        if not isinstance(g, h5py.Group) or "kind" not in g.attrs:
            continue
        s = g.attrs
        if s["kind"] != kind:
            continue
        print("%-26s %-9s %12.5g %12.4g %12.5g %12.5g %6d" % (
            name, s["units"], s["mean"], s["std"], s["min"], s["max"], s["nan_count"]))
