#!/usr/bin/env bash
# tests/mpi/designs.sh: every design (mc, lhs with correlations, sobol plain
# and shifted, grid, saltelli on a sobol and an lhs base) gives bit-identical
# files on 1 and 3 ranks, and identical rows for two chunk sizes; check shows
# the design and the evaluations.  An output varying only by rounding gets NaN
# sensitivity indices.
. "$(dirname "$0")/lib.sh"
scen=$ES_SRC/inputs/openai_amazon_2026.ini
inputs='[exit_valuation_usd]
dist = lognormal
median = 1.0e12
p95 = 3.0e12
LEVELS
[mfu]
dist = uniform
low = 0.3
high = 0.45
LEVELS
[investment_usd]
dist = triangular
low = 1.0e10
mode = 1.0e10
high = 2.5e10
LEVELS
[electricity_usd_per_mwh]
dist = uniform
low = 55
high = 120
LEVELS
'
corr='[correlation]
exit_valuation_usd ~ investment_usd = 0.5
mfu ~ electricity_usd_per_mwh = -0.3
'
make_job() { # make_job NAME DESIGN SAMPLES EXTRA-SWEEP-LINES LEVELS CORR
    local body=${inputs//LEVELS/$5}
    printf '[sweep]\nscenario = %s\ndesign = %s\nsamples = %s\nseed = 3\nstore = all\n%b\n%s\n%s\n[events]\nnpv_negative = investor_npv_usd < 0\n' \
        "$scen" "$2" "$3" "$4" "$body" "$6" >"$ES_TMP/$1.ini"
}
make_job mc mc 2500 "" "" "$corr"
make_job lhs lhs 2500 "" "" "$corr"
make_job sobol sobol 2500 "" "" "$corr"
make_job sobolshift sobol 2500 "scramble = shift" "" "$corr"
make_job grid grid 2400 "" "levels = L" ""
# 8 x 5 x 6 x 10 levels = 2400 points
/usr/bin/python3 - "$ES_TMP/grid.ini" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
want, k = ["8", "5", "6", "10"], 0
for i, l in enumerate(lines):
    if l == "levels = L":
        lines[i] = "levels = " + want[k]
        k += 1
open(p, "w").write("\n".join(lines))
PY
make_job saltelli saltelli 600 "base = sobol" "" ""
make_job saltellilhs saltelli 600 "base = lhs" "" ""
for d in mc lhs sobol sobolshift grid saltelli saltellilhs; do
    job=$ES_TMP/$d.ini
    if ! "$ES_BIN" check "$job" >"$ES_TMP/$d.check" 2>&1; then bad "$d: check"; cat "$ES_TMP/$d.check"; continue; fi
    design=$(sed -n 's/^design     //p' "$ES_TMP/$d.check")
    evals=$(sed -n 's/^samples    [0-9]* (evaluations \([0-9]*\))$/\1/p' "$ES_TMP/$d.check")
    case $d in
    saltelli*) [ "$evals" = $((600 * 6)) ] ;; grid) [ "$evals" = 2400 ] ;; *) [ "$evals" = 2500 ] ;;
    esac && ok "$d: check shows design '$design' and $evals evaluations" || bad "$d: check evaluations ($evals)"
    for n in 1 3; do
        run_np $n run "$job" -o "$ES_TMP/$d-$n.h5" 2>"$ES_TMP/$d-$n.log" || { bad "$d: $n ranks"; cat "$ES_TMP/$d-$n.log"; }
    done
    same=1
    for g in /sample /inputs /outputs /summary /events /sensitivity /state; do
        out=$(h5diff "$ES_TMP/$d-1.h5" "$ES_TMP/$d-3.h5" $g $g 2>&1) && [ -z "$out" ] || { same=0; echo "$g: $out" | head -3; }
    done
    [ $same = 1 ] && [ "$(closing_checksum "$ES_TMP/$d-1.log")" = "$(closing_checksum "$ES_TMP/$d-3.log")" ] \
        && ok "$d: 1 and 3 ranks bit-identical" || bad "$d: 1 and 3 ranks differ"
    for c in 300 700; do
        sed "s/^seed = 3$/seed = 3\nchunk = $c/" "$job" >"$ES_TMP/$d-c$c.ini"
        run_np 2 run "$ES_TMP/$d-c$c.ini" -o "$ES_TMP/$d-c$c.h5" 2>/dev/null || bad "$d: chunk $c"
    done
    out=$(h5diff "$ES_TMP/$d-c300.h5" "$ES_TMP/$d-c700.h5" /inputs /inputs 2>&1) && [ -z "$out" ] \
        && out=$(h5diff "$ES_TMP/$d-c300.h5" "$ES_TMP/$d-c700.h5" /outputs /outputs 2>&1) && [ -z "$out" ] \
        && ok "$d: identical rows with chunks of 300 and 700" || { bad "$d: rows differ with the chunk"; echo "$out" | head -3; }
done
# a grid's samples are the product of its levels: check and run refuse another
# count alike (exit 2), naming both numbers
"$ES_BIN" check "$ES_TMP/grid.ini" --samples 5 >/dev/null 2>"$ES_TMP/g.log"
rc=$?
run_np 1 run "$ES_TMP/grid.ini" --samples 5 -o "$ES_TMP/g5.h5" 2>"$ES_TMP/g2.log"
rc2=$?
[ $rc -eq 2 ] && [ $rc2 -eq 2 ] && grep -q "design grid: 5 samples, but the levels multiply to 2400" "$ES_TMP/g.log" \
    && grep -q "design grid: 5 samples, but the levels multiply to 2400" "$ES_TMP/g2.log" && [ ! -e "$ES_TMP/g5.h5" ] \
    && ok "grid with another sample count: check and run refuse it alike" || { bad "grid --samples: exits $rc, $rc2"; cat "$ES_TMP/g.log" "$ES_TMP/g2.log"; }
uniform() { # uniform NAME LOW HIGH...: input sections with uniform distributions
    while [ $# -ge 3 ]; do
        printf '[%s]\ndist = uniform\nlow = %s\nhigh = %s\n' "$1" "$2" "$3"
        shift 3
    done
}
# an output that varies only by rounding (gpu_tax_saving_usd does not depend on
# mfu: c_g - c_a and F are 1/U and U) gets NaN indices, as a constant one does,
# under saltelli (Sobol) and lhs (rank indices); a real output keeps its own
for d in saltelli lhs; do
    cat >"$ES_TMP/round-$d.ini" <<EOF
[sweep]
model = compute_economics
scenario = $scen
design = $d
samples = 2048
seed = 11
store = summary
[exit_valuation_usd]
dist = lognormal
median = 1e12
p95 = 3e12
EOF
    uniform dilution 0.1 0.3 mfu 0.3 0.5 >>"$ES_TMP/round-$d.ini"
    run_np 2 run "$ES_TMP/round-$d.ini" -o "$ES_TMP/round-$d.h5" 2>"$ES_TMP/round.log" || { bad "round-$d: run"; cat "$ES_TMP/round.log"; }
    /usr/bin/python3 - "$ES_TMP/round-$d.h5" <<'PY' && ok "$d: an output varying only by rounding gets NaN indices" || bad "$d: rounding-level output"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
s, m = f["sensitivity"], f["summary"]
outs = [x.decode() for x in s["output"][:]]
var = [x.decode() for x in m["variable"][:]]
stat = [x.decode() for x in m["statistic"][:]]
sv = m["moments"][var.index("gpu_tax_saving_usd")]
spread = sv[stat.index("std")] / abs(sv[stat.index("mean")])
keys = [k for k in ("sobol_first", "sobol_total", "spearman", "prcc", "first_order") if k in s]
o, n = outs.index("gpu_tax_saving_usd"), outs.index("investor_npv_usd")
good = 0 < spread < 64 * 2.220446049250313e-16 and all(np.isnan(s[k][o]).all() for k in keys)
good = good and all(np.isfinite(s[k][n]).all() for k in keys)
if not good:
    print("spread", spread, {k: (s[k][o], s[k][n]) for k in keys}, file=sys.stderr)
sys.exit(0 if good else 1)
PY
done
# a real spread far below 1e-12 relative keeps its indices: the stake I/V with
# V uniform on [5.5e11, 5.5e11 + 0.5] (about 5e-13 relative) against V
cat >"$ES_TMP/tiny.ini" <<EOF
[sweep]
model = compute_economics
scenario = $scen
design = lhs
samples = 4000
seed = 5
store = summary
EOF
uniform valuation_usd 5.5e11 550000000000.5 chip_share 0.3 0.7 >>"$ES_TMP/tiny.ini"
run_np 2 run "$ES_TMP/tiny.ini" -o "$ES_TMP/tiny.h5" 2>"$ES_TMP/tiny.log" || { bad "tiny spread: run"; cat "$ES_TMP/tiny.log"; }
/usr/bin/python3 - "$ES_TMP/tiny.h5" <<'PY' && ok "a real spread of 5e-13 relative keeps its indices (Spearman of I/V with V near -1)" || bad "tiny real spread"
import sys, h5py
s = h5py.File(sys.argv[1], "r")["sensitivity"]
outs = [x.decode() for x in s["output"][:]]
ins = [x.decode() for x in s["input"][:]]
rho = s["spearman"][outs.index("equity_stake"), ins.index("valuation_usd")]
print("spearman", rho, file=sys.stderr)
sys.exit(0 if rho < -0.99 else 1)
PY
# a grid input's distribution attribute gives its levels (8 x 5 x 6 x 10)
/usr/bin/python3 - "$ES_TMP/grid-1.h5" <<'PY' && ok "grid: each input's distribution attribute gives its levels" || bad "grid: levels attribute"
import sys, re, h5py
f = h5py.File(sys.argv[1], "r")
want = {"exit_valuation_usd": 8, "mfu": 5, "investment_usd": 6, "electricity_usd_per_mwh": 10}
got = {}
for k in want:
    m = re.search(r", grid levels (\d+)$", f["inputs"][k].attrs["distribution"])
    got[k] = int(m.group(1)) if m else None
print(got, file=sys.stderr)
sys.exit(0 if got == want else 1)
PY
finish
