#!/usr/bin/python3
"""tests/mpi/report_check.py FILE OUT [partial|part|complete]: the reports of
FILE (OUT.txt, OUT.csv, OUT.json, written by `econsweep report`) hold the
numbers h5py reads from the file.

JSON: parses strictly (no NaN or Infinity); the root attributes, the scan,
and for every cell every variable's moments and quantiles, every event and
every output's drivers equal the file's arrays exactly (17 digits), the
drivers in the documented order.  CSV: every number equals the JSON's.
Text: the status line says what the file is; every main output and event is
there; each mean shown, read back through the display units, is within half
a unit of its last digit of the file's mean."""
import csv
import json
import math
import re
import sys

import h5py
import numpy as np

path, out = sys.argv[1], sys.argv[2]
kind = sys.argv[3] if len(sys.argv) > 3 else "complete"
f = h5py.File(path, "r")
a = f.attrs


def strict(x):
    raise ValueError("not JSON: " + x)


rep = json.load(open(out + ".json"), parse_constant=strict)
text = open(out + ".txt").read()


def names(d):
    return list(d.asstr()[:])


def same(x, y):
    """JSON null is NaN or infinite in the file."""
    if x is None:
        return not math.isfinite(y)
    return x == y


# ---- provenance ----
for key, val in a.items():
    if isinstance(val, (bytes, str)):
        assert rep["provenance"][key] == (val.decode() if isinstance(val, bytes) else val), key
    else:
        assert rep["provenance"][key] == val.item(), key
assert rep["complete"] == (a["status"] == "complete")

# ---- scan ----
scan = []
if "scan" in f:
    scan = [s.decode() if isinstance(s, bytes) else s
            for s in f["summary/moments"].attrs["DIMENSION_LABELS"][:-2]]
assert [s["input"] for s in rep["scan"]] == scan
for s in rep["scan"]:
    assert s["values"] == list(f["scan"][s["input"]][:]), s["input"]
    assert s["units"] == f["scan"][s["input"]].attrs["units"]
shape = [f["scan"][s].shape[0] for s in scan]
cells = int(np.prod(shape)) if scan else 1
assert len(rep["cells"]) == cells == int(a["cells"])

# ---- variables, events, drivers, cell by cell ----
var, stat = names(f["summary/variable"]), names(f["summary/statistic"])
units, kinds = names(f["summary/units"]), names(f["summary/kind"])
mom = f["summary/moments"][:].reshape(cells, len(var), len(stat))
qp = list(f["summary/quantile_p"][:])
quant = {k: f["summary/" + k][:].reshape(cells, len(var), len(qp))
         for k in ("quantiles", "quantiles_lo", "quantiles_hi")}
has_ev = "events" in f
if has_ev:
    ev = names(f["events/event"])
    evarr = {k: f["events/" + k][:].reshape(cells, len(ev))
             for k in ("probability", "probability_lo", "probability_hi", "count", "samples")}
sens = {}
if "sensitivity" in f:
    sout, sin = names(f["sensitivity/output"]), names(f["sensitivity/input"])
    for k in ("prcc", "spearman", "first_order", "sobol_first", "sobol_first_lo", "sobol_first_hi",
              "sobol_total", "sobol_total_lo", "sobol_total_hi"):
        if k in f["sensitivity"]:
            sens[k] = f["sensitivity/" + k][:].reshape(cells, len(sout), len(sin))
for c, cell in enumerate(rep["cells"]):
    assert cell["cell"] == c
    idx = np.unravel_index(c, shape) if scan else ()
    for s, i in zip(scan, idx):
        assert cell["scan"][s] == f["scan"][s][i]
    assert [v["name"] for v in cell["variables"]] == var
    for k, v in enumerate(cell["variables"]):
        assert v["units"] == units[k] and v["kind"] == kinds[k]
        for st in ("count", "nan_count", "mean", "mean_lo", "mean_hi", "std", "min", "max"):
            assert same(v[st], mom[c, k, stat.index(st)]), (var[k], st)
        for q, p in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
            for suffix, arr in (("", "quantiles"), ("_lo", "quantiles_lo"), ("_hi", "quantiles_hi")):
                assert same(v[q + suffix], quant[arr][c, k, qp.index(p)]), (var[k], q + suffix)
    if has_ev:
        assert [e["name"] for e in cell["events"]] == ev
        for e, item in enumerate(cell["events"]):
            for k, arr in evarr.items():
                assert same(item[k], arr[c, e]), (ev[e], k)
    if sens:
        assert [d["output"] for d in cell["drivers"]] == sout
        for o, d in enumerate(cell["drivers"]):
            assert sorted(x["input"] for x in d["inputs"]) == sorted(sin)
            for x in d["inputs"]:
                i = sin.index(x["input"])
                for k, arr in sens.items():
                    assert same(x[k], arr[c, o, i]), (sout[o], x["input"], k)
            key = [(x["sobol_total"] if "sobol_total" in sens else
                    (abs(x["prcc"]) if x["prcc"] is not None else None)) for x in d["inputs"]]
            fin = [k for k in key if k is not None]
            assert fin == sorted(fin, reverse=True), "drivers of %s out of order" % sout[o]

# ---- CSV: the same numbers ----
rows = list(csv.DictReader(open(out + ".csv")))
assert rows and list(rows[0].keys())[:4] == ["section", "name", "input", "cell"]
jvar = {(v["name"], c): v for c, cell in enumerate(rep["cells"]) for v in cell["variables"]}
checked = 0
for r in rows:
    if r["section"] in ("input", "output") and r["statistic"] in ("mean", "p50", "nan_count"):
        want = jvar[(r["name"], int(r["cell"]))][r["statistic"]]
        got = float(r["value"])
        assert (want is None and not math.isfinite(got)) or got == want, (r, want)
        checked += 1
    if r["section"] == "provenance" and r["name"] == "status":
        assert r["value"] == a["status"]
assert checked == 3 * len(var) * cells, checked

# ---- text ----
assert text.startswith("econsweep report of %s\n" % path)
done, nrows = int(a["samples_done"]), int(a["rows"])
if kind == "partial":
    assert re.search(r"NOTE: PARTIAL .*: %d of %d rows finished" % (done, nrows), text), "partial"
    assert "--resume" in text
elif kind == "part":
    assert "NOTE: a complete part %d of %d" % (a["part"] + 1, a["parts"]) in text, "part"
    assert "econsweep merge" in text
else:
    assert "NOTE:" not in text and "complete: %d of %d rows" % (done, nrows) in text
if has_ev:
    for e in ev:
        assert re.search(r"^  +%s\b" % e, text, re.M), "event %s" % e

# the display units, read back: (factor to the file's unit, the number's text)
UNIT = {"MW": 1e6, "kW": 1e3}
MULT = {"": 1, "k": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
        "m": 1e-3, "u": 1e-6}


def shown(s, unit):
    """The value and half a unit of the last digit of a shown number."""
    m = re.match(r"^(-?)\$?([0-9]+(?:\.([0-9]*))?(?:e([+-]?[0-9]+))?) ?([kMBGTPEmu]?)(.*)$", s)
    assert m, s
    sign, num, dec, exp, mult, rest = m.groups()
    x = float(num) * (-1 if sign else 1)
    ulp = 10.0 ** -(len(dec) if dec else 0) * (10.0 ** int(exp) if exp else 1)
    if rest.startswith("%"):
        scale = 1e-2
    elif unit in UNIT:
        scale = MULT[mult] / UNIT[unit]   # "1.32 GW" of a MW variable
        mult = ""
    else:
        scale = 1
    if mult and unit not in UNIT:
        scale *= MULT[mult]
    return x * scale, ulp / 2 * scale


if not scan:
    block = text.split("\noutputs\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    seen = 0
    for line in block:
        m = re.match(r"^  (\S+)\s+(.+?) \[", line)
        if not m:
            continue
        k = var.index(m.group(1))
        x, tol = shown(m.group(2), units[k])
        want = mom[0, k, stat.index("mean")]
        assert abs(x - want) <= tol * (1 + 1e-9) + 1e-12 * abs(want), (line, want, x, tol)
        seen += 1
    assert seen == kinds.count("output"), (seen, kinds.count("output"))
else:
    # one row per cell under each main output
    block = text.split("\nmain outputs, by scan cell\n", 1)[1].split("\n\n", 1)[0]
    groups = re.split(r"\n  (?=[a-z])", block)[1:]
    assert groups
    for g in groups:
        assert len(g.strip().splitlines()) == cells + 1, g[:200]
print("report of %s (%s): JSON, CSV and text agree with h5py over %d cell(s)" % (path, kind, cells))
