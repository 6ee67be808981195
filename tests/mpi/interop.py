#!/usr/bin/python3
"""tests/mpi/interop.py MODE FILE...: a result file as h5py, xarray (engine
h5netcdf) and pandas see it.

  rows FILE          a complete file with rows (the smoke job): root
                     attributes, /sample, rows and their attributes, summaries
                     against the rows, xarray groups with the sample dimension
  summary FILE       /summary, /events and /sensitivity in xarray: dimension
                     names, units and values equal to h5py's
  frames FILE        a partial file: a DataFrame of inputs and outputs of the
                     finished rows only, by h5py + pandas and by xarray, equal
                     to each other and to the summaries (which count finished
                     rows only); pandas.read_hdf refuses the file
  scan FILE OUT      a scan of two inputs in xarray: the scanned inputs as
                     coordinates in front (see check_scan for the layout);
                     the file checked is copied to OUT
  docs DOC DIR       every python and sh example of DOC runs in DIR (which
                     holds the files it names), and DOC names every root
                     attribute and dataset of DIR's files
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings

import h5py
import numpy as np
import pandas as pd
import xarray as xr

warnings.simplefilter("ignore")
MISSING = np.iinfo(np.uint64).max


def names(d):
    return list(d.asstr()[:])


def check_rows(path):
    f = h5py.File(path, "r")
    a = f.attrs
    for key in ["schema", "econsweep_version", "model", "design", "seed", "samples", "evaluations",
                "chunk", "ranks", "status", "fingerprint", "created_utc", "finished_utc", "host",
                "slurm_job_id", "job_text", "scenario_text"]:
        assert key in a, "root attribute %s missing" % key
    # no Conventions attribute: the file follows no convention it could name in full
    assert "Conventions" not in a
    assert a["schema"] == 2 and a["status"] == "complete" and isinstance(a["status"], str)
    assert "[sweep]" in a["job_text"] and "valuation_usd" in a["scenario_text"]
    n = int(a["samples"])
    assert f["sample"].shape == (n,) and f["sample"].dtype == np.uint64
    assert (f["sample"][:] == np.arange(n)).all()
    assert f["outputs/investor_irr"].chunks == (int(a["chunk"]),)
    assert f["outputs/investor_irr"].dims[0].label == "sample"
    assert f["outputs/investor_irr"].dims[0][0].name == "/sample"
    assert f["inputs/fixed"].attrs["pue"] == 1.15
    assert "lognormal" in f["inputs/valuation_usd"].attrs["distribution"]
    for g in ("inputs", "outputs"):
        for name, d in f[g].items():
            if isinstance(d, h5py.Dataset):
                assert d.attrs["units"] and d.attrs["long_name"], name
    # summaries agree with the rows: count, mean within rounding, min and max exactly
    for g in ("inputs", "outputs"):
        for name, d in f[g].items():
            if not isinstance(d, h5py.Dataset):
                continue
            x = d[:]
            s = f["summary"][name].attrs
            fin = x[~np.isnan(x)]
            assert s["count"] == fin.size and s["nan_count"] == n - fin.size, name
            assert s["min"] == fin.min() and s["max"] == fin.max(), name
            assert abs(s["mean"] - fin.mean()) <= 1e-12 * max(abs(fin).max(), 1e-300), name
            # numpy's own rounding: a constant column has std 1e-14 there, exactly 0 here
            tol = 1e-9 * fin.std(ddof=1) + 1e-12 * abs(fin.mean())
            assert abs(s["std"] - fin.std(ddof=1)) <= tol, name
            assert abs(s["stderr"] - s["std"] / np.sqrt(fin.size)) <= 1e-15 * s["std"], name
    # xarray, one group at a time, the dimension named "sample"
    root = xr.open_dataset(path, engine="h5netcdf")
    assert root.sizes["sample"] == n
    for g in ("inputs", "outputs"):
        ds = xr.open_dataset(path, engine="h5netcdf", group=g)
        assert dict(ds.sizes) == {"sample": n}, ds.sizes
        for name in ds.data_vars:
            assert ds[name].dims == ("sample",)
            assert ds[name].attrs["units"] == f[g][name].attrs["units"], name
        first = list(ds.data_vars)[0]
        np.testing.assert_array_equal(ds[first].values, f[g][first][:])
    ds = xr.open_dataset(path, engine="h5netcdf", group="outputs")
    df = ds.to_dataframe()
    assert len(df) == n and "investor_npv_usd" in df.columns
    print("rows: h5py and xarray read %s: %d samples, %d outputs" % (path, n, len(ds.data_vars)))


def check_summary(path):
    f = h5py.File(path, "r")
    s = xr.open_dataset(path, engine="h5netcdf", group="summary")
    var, stat = names(f["summary/variable"]), names(f["summary/statistic"])
    assert s.moments.dims == ("variable", "statistic"), s.moments.dims
    assert list(s.variable.values) == var and list(s.statistic.values) == stat
    assert s.quantiles.dims == ("variable", "quantile_p")
    np.testing.assert_array_equal(s.quantile_p.values, f["summary/quantile_p"][:])
    np.testing.assert_array_equal(s.moments.values, f["summary/moments"][:])
    np.testing.assert_array_equal(s.quantiles.values, f["summary/quantiles"][:])
    h = xr.open_dataset(path, engine="h5netcdf", group="summary/investor_npv_usd",
                        phony_dims="sort")
    assert h.histogram_counts.dims == ("bin",) and h.histogram_edges.dims == ("edge",)
    # units: per variable, the same as the rows' own attribute
    units = dict(zip(var, names(f["summary/units"])))
    assert list(s.units.values) == names(f["summary/units"])
    for g in ("inputs", "outputs"):
        for name, d in f[g].items():
            if isinstance(d, h5py.Dataset):
                assert units[name] == d.attrs["units"], name
    assert units["investor_npv_usd"] == "USD" and units["asic_usd_per_pflop_hour"] == "USD/(1e15 s-1 h)"
    mean = s.moments.sel(variable="investor_npv_usd", statistic="mean").item()
    assert mean == f["summary/investor_npv_usd"].attrs["mean"]
    ev = xr.open_dataset(path, engine="h5netcdf", group="events")
    assert ev.probability.dims == ("event",) and ev.probability.attrs["units"] == "1"
    assert list(ev.event.values) == names(f["events/event"])
    np.testing.assert_array_equal(ev.probability.values, f["events/probability"][:])
    np.testing.assert_array_equal(ev["count"].values / ev.samples.values, ev.probability.values)
    sens = xr.open_dataset(path, engine="h5netcdf", group="sensitivity")
    assert sens.prcc.dims == ("output", "input"), sens.prcc.dims
    assert list(sens.input.values) == names(f["sensitivity/input"])
    np.testing.assert_array_equal(sens.prcc.values, f["sensitivity/prcc"][:])
    print("summary: xarray reads /summary %s, /events %s, /sensitivity %s" % (
        dict(s.moments.sizes), dict(ev.probability.sizes), dict(sens.prcc.sizes)))


def check_frames(path):
    """A partial file: the finished rows, in pandas and in xarray."""
    f = h5py.File(path, "r")
    a = f.attrs
    assert a["status"] == "partial"
    sample = f["sample"][:]
    done = sample != MISSING
    k = int(done.sum())
    assert 0 < k < int(a["rows"]) and k == int(a["samples_done"]), (k, a["samples_done"])
    cols = {name: d[:][done] for g in ("inputs", "outputs") for name, d in f[g].items()
            if isinstance(d, h5py.Dataset)}
    df = pd.DataFrame(cols, index=pd.Index(sample[done], name="sample"))
    assert len(df) == k and df.index.is_unique
    # xarray: the same frame, from the inputs and outputs groups on the sample dimension
    ds = xr.merge([xr.open_dataset(path, engine="h5netcdf", group=g) for g in ("inputs", "outputs")])
    root = xr.open_dataset(path, engine="h5netcdf")
    xdf = ds.where(root["sample"] != MISSING, drop=True).to_dataframe()
    assert len(xdf) == k
    pd.testing.assert_frame_equal(xdf[df.columns].reset_index(drop=True), df.reset_index(drop=True),
                                  check_dtype=False)
    # the rows not done are NaN in every column
    for g in ("inputs", "outputs"):
        for name, d in f[g].items():
            if isinstance(d, h5py.Dataset):
                assert np.isnan(d[:][~done]).all(), name
    # the statistics count exactly the finished rows
    var, stat = names(f["summary/variable"]), names(f["summary/statistic"])
    m = f["summary/moments"][:]
    for name in df.columns:
        x = df[name].to_numpy()
        fin = x[np.isfinite(x)]
        row = m[var.index(name)]
        assert row[stat.index("count")] == fin.size, name
        assert row[stat.index("nan_count")] == k - fin.size, name
        assert abs(row[stat.index("mean")] - fin.mean()) <= 1e-12 * max(abs(fin).max(), 1e-300), name
    ev = f["events"]
    assert (ev["samples"][:] == k).all()
    cond_npv = np.sum(df["investor_npv_usd"].to_numpy() < 0)
    assert ev["count"][names(ev["event"]).index("npv_negative")] == cond_npv
    # pandas.read_hdf reads only pandas' own HDFStore layout
    try:
        pd.read_hdf(path)
        raise AssertionError("pandas.read_hdf read an econsweep file")
    except (ValueError, TypeError, KeyError) as e:
        why = str(e)
    print("frames: %d of %s rows finished, DataFrame %s; pandas.read_hdf: %s" % (
        k, a["rows"], df.shape, why))


def check_scan(path, out=None):
    """A scan of two inputs.  With /scan/<input> also in /summary, /events and
    /sensitivity (hard links), xarray gives the scanned inputs as coordinates;
    a copy goes to out for the README's examples."""
    f = h5py.File(path, "r")
    scan = list(f["events/probability"].attrs["DIMENSION_LABELS"][:2])
    scan = [s.decode() if isinstance(s, bytes) else s for s in scan]
    assert len(scan) == 2 and all(s in f["scan"] for s in scan), scan
    # the links /summary, /events and /sensitivity carry to /scan/<input>:
    # without them xarray cannot name the scan dimensions (a KeyError)
    for g in ("summary", "events", "sensitivity"):
        assert all(s in f[g] for s in scan), (g, scan, list(f[g]))
    if out:
        shutil.copy(path, out)
    n = [f["scan"][s].shape[0] for s in scan]
    ev = xr.open_dataset(path, engine="h5netcdf", group="events")
    assert ev.probability.dims == (scan[0], scan[1], "event"), ev.probability.dims
    for s in scan:
        np.testing.assert_array_equal(ev[s].values, f["scan"][s][:])
        assert ev[s].attrs["units"] == f["scan"][s].attrs["units"]
    np.testing.assert_array_equal(ev.probability.values, f["events/probability"][:])
    p = ev.probability.sel(event="npv_negative").to_pandas()
    assert p.shape == tuple(n) and p.index.name == scan[0] and p.columns.name == scan[1]
    s = xr.open_dataset(path, engine="h5netcdf", group="summary")
    assert s.moments.dims == (scan[0], scan[1], "variable", "statistic")
    med = s.quantiles.sel(variable="investor_npv_usd", quantile_p=0.5)
    assert med.dims == (scan[0], scan[1])
    v = names(f["summary/variable"]).index("investor_npv_usd")
    q = list(f["summary/quantile_p"][:]).index(0.5)
    np.testing.assert_array_equal(med.values, f["summary/quantiles"][:, :, v, q])
    sens = xr.open_dataset(path, engine="h5netcdf", group="sensitivity")
    assert sens.prcc.dims == (scan[0], scan[1], "output", "input")
    # /scan lists its inputs in the order of [scan] (the scan dimensions'),
    # which decodes /cell; the counts of an event from the rows so decoded
    # are the file's
    assert list(f["scan"]) == scan, (list(f["scan"]), scan)
    if "cell" in f and "outputs" in f:
        cell = f["cell"][:]
        done = cell != np.iinfo(np.uint64).max
        idx = np.unravel_index(cell[done], [len(f["scan"][k]) for k in f["scan"]])
        neg = f["outputs/investor_npv_usd"][:][done] < 0
        counts = np.zeros(n, dtype=np.int64)
        np.add.at(counts, idx, neg)
        e = names(f["events/event"]).index("npv_negative")
        np.testing.assert_array_equal(counts, f["events/count"][:, :, e])
    # the per-variable groups and every other group open with phony_dims,
    # scan or not: the histograms' last dimensions have scales (bin, edge)
    h = xr.open_dataset(path, engine="h5netcdf", group="summary/investor_npv_usd",
                        phony_dims="sort")
    assert h.histogram_counts.dims == (scan[0], scan[1], "bin"), h.histogram_counts.dims
    assert h.histogram_edges.dims == (scan[0], scan[1], "edge"), h.histogram_edges.dims
    np.testing.assert_array_equal(h.histogram_counts.values,
                                  f["summary/investor_npv_usd/histogram_counts"][:])
    for g in ("events", "state"):
        xr.open_dataset(path, engine="h5netcdf", group=g, phony_dims="sort")
    print("scan: xarray reads P(npv_negative) over %s x %s" % tuple(scan))


def run_docs(doc, folder):
    text = open(doc).read()
    blocks = re.findall(r"```(python|sh)\n(.*?)```", text, re.S)
    assert len(blocks) >= 5, "examples in %s: %d" % (doc, len(blocks))
    for i, (lang, code) in enumerate(blocks):
        cmd = ["/usr/bin/python3", "-c", code] if lang == "python" else ["bash", "-euo", "pipefail", "-c", code]
        r = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            print(r.stdout[-2000:], r.stderr[-2000:])
            raise AssertionError("example %d (%s) of %s failed" % (i + 1, lang, doc))
        assert r.stdout.strip(), "example %d printed nothing" % (i + 1)
    # the page names every root attribute and every dataset of the files
    for name in os.listdir(folder):
        if not name.endswith(".h5"):
            continue
        f = h5py.File(os.path.join(folder, name), "r")
        for key in f.attrs:
            assert "`%s`" % key in text or ", `%s`" % key in text, "root attribute %s undocumented" % key
        seen = set()
        f.visit(lambda p: seen.add(p.split("/")[-1]) if isinstance(f[p], h5py.Dataset) else None)
        scanned = set(f["scan"]) if "scan" in f else set()
        summarised = set(names(f["summary/variable"]))
        for d in sorted(seen - scanned - summarised):
            assert d in text, "dataset %s of %s undocumented" % (d, name)
    print("docs: %d examples of %s ran" % (len(blocks), doc))


mode = sys.argv[1]
if mode == "rows":
    check_rows(sys.argv[2])
elif mode == "summary":
    check_summary(sys.argv[2])
elif mode == "frames":
    check_frames(sys.argv[2])
elif mode == "scan":
    check_scan(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else tempfile.mktemp(suffix=".h5"))
elif mode == "docs":
    run_docs(sys.argv[2], sys.argv[3])
else:
    sys.exit("unknown mode " + mode)
