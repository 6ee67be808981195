#!/usr/bin/env bash
# tests/mpi/scan.sh: a [scan] of 3 x 4 cells with 1000 lhs samples each:
# bit-identical on 1 and 3 ranks; /cell, /scan and the summaries, quantiles
# and events per cell agree with h5py's reading of the rows; and a cell
# equals, row for row, a separate run with the scanned inputs fixed at the
# cell's values (common random numbers: the same design point in every cell);
# parts merged and an interrupted run resumed equal the whole run.
. "$(dirname "$0")/lib.sh"
slow=$1 # the program with chunks slowed by ES_SLOW_MS
scen=$ES_SRC/inputs/openai_amazon_2026.ini
cat >"$ES_TMP/scan.ini" <<JOB
[sweep]
scenario = $scen
design   = lhs
samples  = 1000
seed     = 11
chunk    = 700
store    = all

[exit_valuation_usd]
dist   = lognormal
median = 1.0e12
p95    = 3.0e12

[mfu]
dist = uniform
low  = 0.3
high = 0.45

[investment_usd]
dist = uniform
low  = 1.0e10
high = 2.0e10

[scan]
electricity_usd_per_mwh = 40 80 120
pue = 1.1 to 1.4 step 0.1

[events]
npv_negative = investor_npv_usd < 0
asic_cheaper = asic_usd_per_pflop_hour < gpu_usd_per_pflop_hour
JOB
"$ES_BIN" check "$ES_TMP/scan.ini" >"$ES_TMP/check.log"
grep -q "^scan: 12 cells" "$ES_TMP/check.log" && grep -q "^samples    12000 (evaluations 12000)$" "$ES_TMP/check.log" \
    && grep -Eq "^  pue +4 values: 1.1 1.2 1.3 1.4$" "$ES_TMP/check.log" \
    && ok "check shows the scan, its cells and evaluations" || { bad "check scan"; cat "$ES_TMP/check.log"; }
for n in 1 3; do
    run_np $n run "$ES_TMP/scan.ini" -o "$ES_TMP/s$n.h5" 2>"$ES_TMP/s$n.log" && ok "scan on $n ranks" \
        || { bad "scan on $n ranks"; cat "$ES_TMP/s$n.log"; }
done
for g in /sample /cell /inputs /outputs /summary /events /sensitivity /scan /state; do
    out=$(h5diff "$ES_TMP/s1.h5" "$ES_TMP/s3.h5" $g $g 2>&1) && [ -z "$out" ] && ok "h5diff $g (1 vs 3 ranks)" \
        || { bad "h5diff $g"; echo "$out" | head -5; }
done
# parts and merge, and an interrupted run resumed on 3 ranks, carry the scan:
# both end equal to the whole run on 1 rank
groups="/sample /cell /inputs /outputs /summary /events /sensitivity /scan /state"
for k in 2 0 1; do
    run_np 2 run "$ES_TMP/scan.ini" -o "$ES_TMP/p$k.h5" --part "$k/3" 2>"$ES_TMP/p.log" \
        || { bad "scan part $k/3"; cat "$ES_TMP/p.log"; }
done
"$ES_BIN" merge "$ES_TMP/m.h5" "$ES_TMP/p0.h5" "$ES_TMP/p1.h5" "$ES_TMP/p2.h5" 2>"$ES_TMP/m.log" \
    && ok "scan parts merged" || { bad "scan merge"; cat "$ES_TMP/m.log"; }
same_as "$ES_TMP/s1.h5" "$ES_TMP/m.h5" "scan in 3 parts, merged"
ES_SLOW_MS=300 mpiexec --oversubscribe -n 2 "$slow" run "$ES_TMP/scan.ini" -o "$ES_TMP/r.h5" \
    --checkpoint-every 1 2>"$ES_TMP/r.log" &
pid=$!
wait_checkpoint "$ES_TMP/r.h5"
kill -USR1 $pid
wait $pid
rc=$?
[ $rc -eq 4 ] && ok "scan interrupted (exit 4)" || { bad "scan interrupt: exit $rc"; tail -3 "$ES_TMP/r.log"; }
run_np 3 run "$ES_TMP/scan.ini" -o "$ES_TMP/r.h5" --resume 2>"$ES_TMP/r2.log" \
    && ok "scan resumed on 3 ranks" || { bad "scan resume"; cat "$ES_TMP/r2.log"; }
same_as "$ES_TMP/s1.h5" "$ES_TMP/r.h5" "scan interrupted and resumed"

/usr/bin/python3 - "$ES_TMP/s1.h5" <<'PY' && ok "per-cell summaries, quantiles and events agree with the rows" || bad "per-cell results"
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["cells"] == 12 and f.attrs["rows"] == 12000 and f.attrs["samples"] == 1000
assert list(f["scan/electricity_usd_per_mwh"][:]) == [40, 80, 120]
assert np.allclose(f["scan/pue"][:], [1.1, 1.2, 1.3, 1.4])
cell = f["cell"][:]
assert (cell == np.arange(12000) // 1000).all()
m = f["summary/moments"]
assert m.shape == (3, 4, len(f["summary/variable"]), len(f["summary/statistic"]))
assert m.dims[0].label == "electricity_usd_per_mwh" and m.dims[1].label == "pue"
var = [v.decode() if isinstance(v, bytes) else v for v in f["summary/variable"][:]]
st = [v.decode() if isinstance(v, bytes) else v for v in f["summary/statistic"][:]]
qp = list(f["summary/quantile_p"][:])
ev = [v.decode() if isinstance(v, bytes) else v for v in f["events/event"][:]]
for a in range(3):
    for b in range(4):
        rows = cell == a * 4 + b
        for name in ("asic_usd_per_pflop_hour", "investor_npv_usd", "energy_cost_usd_per_year"):
            y = f["outputs"][name][:][rows]
            mean = m[a, b, var.index(name), st.index("mean")]
            assert abs(mean - y.mean()) <= 1e-12 * abs(y).max(), (a, b, name)
            med = f["summary/quantiles"][a, b, var.index(name), qp.index(0.5)]
            k = int(np.floor(0.5 * (len(y) - 1)))
            exact = np.sort(y)[k]
            assert abs(med - exact) <= 0.005 * abs(exact) + 1e-300, (a, b, name, med, exact)
        npv = f["outputs/investor_npv_usd"][:][rows]
        pr = f["events/probability"][a, b, ev.index("npv_negative")]
        assert pr == np.mean(npv < 0), (a, b, pr)
        ca = f["outputs/asic_usd_per_pflop_hour"][:][rows]
        cg = f["outputs/gpu_usd_per_pflop_hour"][:][rows]
        assert f["events/count"][a, b, ev.index("asic_cheaper")] == np.sum(ca < cg)
# the scanned inputs move the cost, and common random numbers keep the rest equal
e40 = f["outputs/energy_cost_usd_per_year"][:][cell == 0]
e80 = f["outputs/energy_cost_usd_per_year"][:][cell == 4]
assert np.allclose(e80, 2 * e40, rtol=1e-12), "energy cost doubles with the price, row by row"
assert (f["inputs/mfu"][:][cell == 0] == f["inputs/mfu"][:][cell == 11]).all()
PY
# cell (1, 2) = electricity 80, pue 1.3: a separate run with those values fixed
sed -e 's/^pue  *= 1.15 /pue = 1.3 /' -e 's/^electricity_usd_per_mwh = 80 /electricity_usd_per_mwh = 80.0 /' "$scen" >"$ES_TMP/cell.scen.ini"
grep -q "^pue = 1.3 " "$ES_TMP/cell.scen.ini" || bad "scenario edit"
sed -e "s|^scenario .*|scenario = $ES_TMP/cell.scen.ini|" -e '/^\[scan\]/,/^$/d' "$ES_TMP/scan.ini" >"$ES_TMP/cell.ini"
run_np 2 run "$ES_TMP/cell.ini" -o "$ES_TMP/cell.h5" 2>"$ES_TMP/cell.log" || { bad "cell run"; cat "$ES_TMP/cell.log"; }
/usr/bin/python3 - "$ES_TMP/s1.h5" "$ES_TMP/cell.h5" <<'PY' && ok "cell (80, 1.3) equals a separate run row for row" || bad "cell differs from a separate run"
import sys
import h5py
import numpy as np
s, c = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
rows = s["cell"][:] == 1 * 4 + 2
assert rows.sum() == 1000 and c.attrs["rows"] == 1000
for g in ("inputs", "outputs"):
    for name, d in c[g].items():
        if not isinstance(d, h5py.Dataset):
            continue
        a, b = s[g][name][:][rows], d[:]
        assert (a.view(np.uint64) == b.view(np.uint64)).all(), (g, name)
PY
finish
