#!/usr/bin/env bash
# tests/mpi/report.sh SLOW: `econsweep report` on every kind of result file:
# Monte Carlo with events, Saltelli (Ishigami), scans of one and of two
# inputs, a partial file (SIGUSR1), a part of a job array (--part).  Each in
# text, CSV and JSON against h5py's reading (report_check.py); plots and the
# page in headless Chromium (report_page.py); gnuplot missing; the errors
# (missing, not HDF5, not econsweep's, newer schema) in one line with exit 3;
# the closing table of a run.  SLOW: the program built with ES_SLOW_MS.
. "$(dirname "$0")/lib.sh"
slow=$1
py=/usr/bin/python3
check=$ES_SRC/tests/mpi/report_check.py
page=$ES_SRC/tests/mpi/report_page.py
T=$ES_TMP
command -v chromium >/dev/null || bad "chromium is not installed (tools/bootstrap installs it)"

# ---- the jobs: the smoke job with events; scans of one and two inputs ----
sed -e "s#^scenario .*#scenario = $ES_SRC/inputs/openai_amazon_2026.ini#" "$ES_SRC/jobs/smoke.ini" >"$T/mc.ini"
printf '\n[events]\nnpv_negative = investor_npv_usd < 0\nasic_cheaper = asic_usd_per_pflop_hour < gpu_usd_per_pflop_hour\n' >>"$T/mc.ini"
awk '/^\[electricity_usd_per_mwh\]/{skip=1; next} /^\[/{skip=0} !skip' "$T/mc.ini" >"$T/scan1.ini"
printf '\n[scan]\nelectricity_usd_per_mwh = 40 80 120\n' >>"$T/scan1.ini"
awk '/^\[(electricity_usd_per_mwh|valuation_usd)\]/{skip=1; next} /^\[/{skip=0} !skip' "$T/mc.ini" \
    | sed '/^valuation_usd ~/d' >"$T/scan2.ini"
printf '\n[scan]\nvaluation_usd = 5e11 7.5e11 1e12\nelectricity_usd_per_mwh = 40 80 120 160\n' >>"$T/scan2.ini"

run_ok() { # run_ok LABEL args...: a run that must succeed
    local label=$1; shift
    run_np 2 run "$@" 2>"$T/$label.log" && ok "run $label" || { bad "run $label"; tail -5 "$T/$label.log"; }
}
run_ok mc "$T/mc.ini" -o "$T/mc.h5" --samples 3000
run_ok ish "$ES_SRC/jobs/ishigami.ini" -o "$T/ish.h5" --samples 4096
run_ok scan1 "$T/scan1.ini" -o "$T/scan1.h5" --samples 1000
run_ok scan2 "$T/scan2.ini" -o "$T/scan2.h5" --samples 400
run_ok part "$T/mc.ini" -o "$T/part.h5" --samples 3000 --part 1/2
run_ok part0 "$T/mc.ini" -o "$T/part0.h5" --samples 3000 --part 0/2
"$ES_BIN" merge "$T/merged.h5" "$T/part0.h5" "$T/part.h5" 2>"$T/merged.log" && ok "merge of the two parts" \
    || { bad "merge"; cat "$T/merged.log"; }
# a partial file: SIGUSR1 after the first checkpoint, chunks slowed down to 20 ms
ES_SLOW_MS=20 mpiexec --oversubscribe -n 2 "$slow" run "$T/mc.ini" -o "$T/partial.h5" \
    --samples 100000 --checkpoint-every 1 2>"$T/partial.log" &
pid=$!
wait_checkpoint "$T/partial.h5"
# report while the run writes the file: it says so, and gives no command to
# continue a run that is still going
"$ES_BIN" report "$T/partial.h5" >"$T/live.txt" 2>&1
grep -q "another process has the file open (a run still writing it?): report it again when the run has ended" "$T/live.txt" \
    && ! grep -q "continue with" "$T/live.txt" && ok "a file being written: report says so" || { bad "live report"; head -5 "$T/live.txt"; }
sleep 0.3
kill -USR1 $pid
wait $pid
[ $? -eq 4 ] && ok "run partial (exit 4)" || { bad "run partial"; tail -3 "$T/partial.log"; }
# from another folder, the command to continue it goes to the run's folder
(cd / && "$ES_BIN" report "$T/partial.h5") >"$T/away.txt" 2>&1
grep -q "continue with: cd '$PWD' && .* --resume$" "$T/away.txt" && ok "report from elsewhere: continue in the run's folder" \
    || { bad "report from elsewhere"; grep continue "$T/away.txt"; }

# ---- the closing table of a run ----
grep -q "^main outputs$" "$T/mc.log" && grep -Eq "^  investor_npv_usd +-?\\\$[0-9.]+[kMBT]? \[" "$T/mc.log" \
    && grep -q "^events$" "$T/mc.log" && grep -Eq "^  npv_negative +[0-9.]+% \[" "$T/mc.log" \
    && grep -Eq "^  investor_npv_usd +exit_valuation_usd [+-]0\.[0-9]{3} " "$T/mc.log" \
    && ok "closing table: main outputs with units, events, drivers" || { bad "closing table"; cat "$T/mc.log"; }
grep -q "3 scan cells: econsweep report FILE shows each" "$T/scan1.log" && grep -q "^events, by scan cell$" "$T/scan1.log" \
    && ok "closing table of a scan" || { bad "closing table of a scan"; cat "$T/scan1.log"; }

# ---- text, CSV and JSON of each file against h5py ----
for x in mc:complete ish:complete scan1:complete scan2:complete part:part partial:partial merged:complete; do
    f=${x%%:*} kind=${x#*:}
    rc=0
    "$ES_BIN" report "$T/$f.h5" >"$T/$f.txt" 2>"$T/$f.err" || rc=1
    "$ES_BIN" report "$T/$f.h5" --format csv >"$T/$f.csv" 2>>"$T/$f.err" || rc=1
    "$ES_BIN" report "$T/$f.h5" --format=json >"$T/$f.json" 2>>"$T/$f.err" || rc=1
    [ $rc -eq 0 ] && [ ! -s "$T/$f.err" ] && ok "$f: report in three formats, exit 0, nothing on stderr" \
        || { bad "$f: report"; cat "$T/$f.err"; }
    $py "$check" "$T/$f.h5" "$T/$f" "$kind" && ok "$f: reports agree with h5py" || bad "$f: reports against h5py"
done
# the text's provenance block, line by line, with the file's own values
for key in job model design run program rows status; do
    grep -Eq "^  $key +[^ ]" "$T/mc.txt" || bad "mc: the text has no '$key' line"
done
grep -q "^  design   $(h5attr "$T/mc.h5" design), 3000 samples, seed $(h5attr "$T/mc.h5" seed)," "$T/mc.txt" \
    && grep -q "^  program  econsweep .*checksum $(h5attr "$T/mc.h5" checksum)$" "$T/mc.txt" \
    && grep -q "^  run      2 ranks on " "$T/mc.txt" \
    && ok "mc: text provenance: job, model, design, run, program, rows, status" || { bad "mc: text provenance"; head -12 "$T/mc.txt"; }
grep -q "^  status   complete: 3000 of 3000 rows" "$T/merged.txt" && ok "merged: reported as complete" \
    || { bad "merged: status"; head -12 "$T/merged.txt"; }
grep -Eq "^    x1 +[+-]0\.[0-9]{3} +0\.[0-9]{3} +0\.[23][0-9]* \[[-0-9.]+, [0-9.]+\] +0\.5[0-9]* \[0\.5" "$T/ish.txt" \
    && ok "ish: x1 with PRCC, first-order, Sobol first and total with intervals" || { bad "ish: Sobol columns"; cat "$T/ish.txt"; }

# ---- plots and the page ----
plots() { # plots FILE TABLES STEMS
    local f=$1
    "$ES_BIN" report "$T/$f.h5" --plots "$T/plots_$f" >"$T/$f.plots.txt" 2>"$T/$f.plots.err" \
        && grep -q "plots (PNG and SVG) and the page $T/plots_$f/index.html" "$T/$f.plots.err" \
        && cmp -s "$T/$f.plots.txt" "$T/$f.txt" \
        && ok "$f: --plots, the same tables on stdout" || { bad "$f: --plots"; cat "$T/$f.plots.err"; }
    $py "$page" "$T/plots_$f" "$2" "$3" && ok "$f: plots and page in Chromium" || bad "$f: plots and page"
}
plots mc provenance,outputs,inputs,events,drivers \
    hist_investor_npv_usd,cdf_investor_npv_usd,tornado_investor_npv_usd,hist_die_yield,tornado_stake_multiple
plots ish provenance,outputs,inputs,drivers hist_y,cdf_y,tornado_y,sobol_y
plots scan1 provenance,outputs,inputs,events,drivers \
    band_investor_irr,band_asic_usd_per_pflop_hour,event_npv_negative,event_asic_cheaper,cdf_investor_npv_usd
plots scan2 provenance,outputs,inputs,events,drivers \
    heat_event_npv_negative,heat_event_asic_cheaper,heat_p50_investor_npv_usd,heat_p50_gpu_tax_saving_usd
plots partial provenance,outputs,inputs,events hist_investor_npv_usd,cdf_investor_npv_usd
grep -q "^top drivers: none yet (the sensitivity pass runs when every row is done)$" "$T/partial.txt" \
    && ok "partial: no drivers yet, said so" || bad "partial: drivers line"
grep -q "^top drivers: none in a part (the sensitivity pass runs when the parts are merged)$" "$T/part.txt" \
    && ok "part: no drivers in a part, said so" || bad "part: drivers line"
grep -q 'class="note" id="status">PARTIAL' "$T/plots_partial/index.html" && ok "partial: the page says so" \
    || bad "partial: no note on the page"

# gnuplot missing: a clear message, the tables still printed, exit 3
mkdir -p "$T/nopath"
PATH=$T/nopath "$ES_BIN" report "$T/mc.h5" --plots "$T/plots_none" >"$T/none.txt" 2>"$T/none.err"
rc=$?
[ $rc -eq 3 ] && grep -q "needs gnuplot" "$T/none.err" && [ "$(wc -l <"$T/none.err")" -eq 1 ] \
    && cmp -s "$T/none.txt" "$T/mc.txt" && grep -q 'id="plots-note">no plots: gnuplot is not installed' "$T/plots_none/index.html" \
    && ok "no gnuplot: one line, exit 3, tables printed, page without plots" || { bad "no gnuplot (exit $rc)"; cat "$T/none.err"; }

# the script gnuplot reads: a histogram's axis starts at 0 (autoscale would
# start it near the lowest bar and hide the bars of a nearly flat histogram)
mkdir -p "$T/gpwrap"
printf '#!/bin/sh\ntee "%s/gp.script" | exec %s\n' "$T" "$(command -v gnuplot)" >"$T/gpwrap/gnuplot"
chmod +x "$T/gpwrap/gnuplot"
PATH=$T/gpwrap:$PATH "$ES_BIN" report "$T/mc.h5" --plots "$T/plots_wrap" >/dev/null 2>&1 \
    && awk '/^set output .hist_investor_npv_usd\.svg./{h=1} h && /^set yrange/{print; exit}' "$T/gp.script" | grep -q '^set yrange \[0:\*\]$' \
    && ok "a histogram's axis starts at 0" || { bad "histogram axis"; grep -n 'yrange\|set output' "$T/gp.script" | head; }

# hostile names (an edited file): nothing reaches a shell, gnuplot's command
# line or the page's markup
cp "$T/mc.h5" "$T/hostile.h5"
$py - "$T/hostile.h5" "$T" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r+")
t = sys.argv[2]
bad = ["a'`touch %s/pwned1`" % t, "b\nEOD\nsystem('touch %s/pwned2')\nplot sin(x)" % t,
       '<script>document.title="pwned3"</script>', "d\" @x $(touch %s/pwned4)" % t]
f["events/event"][...] = np.array(bad[:2], dtype=h5py.string_dtype())
names = list(f["sensitivity/input"].asstr()[:])
names[:4] = bad
f["sensitivity/input"][...] = np.array(names, dtype=h5py.string_dtype())
PY
"$ES_BIN" report "$T/hostile.h5" --plots "$T/plots_hostile" >"$T/hostile.txt" 2>"$T/hostile.err"
rc=$?
[ $rc -eq 0 ] && ! ls "$T"/pwned* >/dev/null 2>&1 && ! grep -q "<script" "$T/plots_hostile/index.html" \
    && grep -q "&lt;script&gt;" "$T/plots_hostile/index.html" && [ -s "$T/plots_hostile/tornado_investor_npv_usd.svg" ] \
    && ok "hostile names: plots drawn, nothing run, no markup" || { bad "hostile names (exit $rc)"; cat "$T/hostile.err"; ls "$T"/pwned* 2>/dev/null; }

# ---- errors: one line, exit 3, no crash ----
err_case() { # err_case LABEL PATTERN FILE
    "$ES_BIN" report "$3" >"$T/e.out" 2>"$T/e.err"
    local rc=$?
    [ $rc -eq 3 ] && [ "$(wc -l <"$T/e.err")" -eq 1 ] && grep -q -- "$2" "$T/e.err" && [ ! -s "$T/e.out" ] \
        && ok "$1: exit 3, one line" || { bad "$1: exit $rc"; cat "$T/e.err"; }
}
err_case "missing file" "cannot open $T/nope.h5: No such file or directory" "$T/nope.h5"
echo "not a result" >"$T/text.h5"
err_case "a text file" "is not an HDF5 file" "$T/text.h5"
: >"$T/empty.h5"
err_case "an empty file" "is empty" "$T/empty.h5"
err_case "a folder" "is a folder" "$T"
$py -c "import h5py, sys; f = h5py.File(sys.argv[1], 'w'); f['x'] = [1, 2]; f.attrs['schema'] = 2" "$T/other.h5"
err_case "HDF5, not econsweep's" "not an econsweep result" "$T/other.h5"
cp "$T/mc.h5" "$T/newer.h5"
$py -c "import h5py, numpy, sys; h5py.File(sys.argv[1], 'r+').attrs['schema'] = numpy.uint64(3)" "$T/newer.h5"
err_case "a newer schema" "schema 3; this econsweep .* reads schema 2: a newer econsweep wrote it" "$T/newer.h5"
cp "$T/mc.h5" "$T/noprob.h5"
$py -c "import h5py, sys; del h5py.File(sys.argv[1], 'r+')['events/probability']" "$T/noprob.h5"
err_case "events without their probabilities" "/events/probability, count or samples is missing: the file is damaged" "$T/noprob.h5"
head -c 100000 "$T/mc.h5" >"$T/cut.h5"
err_case "a file cut short" "HDF5 cannot open (truncated file" "$T/cut.h5"
finish
