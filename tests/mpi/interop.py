#!/usr/bin/python3
"""tests/mpi/interop.py FILE: schema 2 as h5py and xarray see it."""
import sys

import h5py
import numpy as np
import xarray as xr

path = sys.argv[1]
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
    np.testing.assert_array_equal(ds[list(ds.data_vars)[0]].values, f[g][list(ds.data_vars)[0]][:])
ds = xr.open_dataset(path, engine="h5netcdf", group="outputs")
df = ds.to_dataframe()
assert len(df) == n and "investor_npv_usd" in df.columns
print("h5py and xarray read %s: %d samples, %d outputs" % (path, n, len(ds.data_vars)))
