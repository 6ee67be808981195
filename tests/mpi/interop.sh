#!/usr/bin/env bash
# tests/mpi/interop.sh [SLOW]: result files as h5py, xarray (engine h5netcdf)
# and pandas read them: a complete file with rows, the summaries, events and
# sensitivity, a scan of two inputs, a partial file's finished rows as a
# DataFrame, and every example of docs/analysis.md.  SLOW: the program built
# with ES_SLOW_MS (econsweep_faulty), for an interruption at a chosen time.
. "$(dirname "$0")/lib.sh"
slow=${1:-}
py=/usr/bin/python3
check=$ES_SRC/tests/mpi/interop.py
scenario=$ES_SRC/inputs/openai_amazon_2026.ini
# the smoke job with the events of the shipped study
sed -e "s#^scenario .*#scenario = $scenario#" "$ES_SRC/jobs/smoke.ini" >"$ES_TMP/ev.ini"
printf '\n[events]\nnpv_negative = investor_npv_usd < 0\nstake_below_cost = stake_multiple < 1\n' >>"$ES_TMP/ev.ini"
# a scan of entry valuation and electricity price (neither uncertain)
awk '/^\[(valuation_usd|electricity_usd_per_mwh)\]/{skip=1; next} /^\[/{skip=0} !skip' "$ES_TMP/ev.ini" \
    | sed '/^valuation_usd ~/d' >"$ES_TMP/scan.ini"
printf '\n[scan]\nvaluation_usd = 5e11 7.5e11 1e12\nelectricity_usd_per_mwh = 40 to 120 step 40\n' >>"$ES_TMP/scan.ini"

run_np 2 run "$ES_SRC/jobs/smoke.ini" -o "$ES_TMP/i.h5" 2>"$ES_TMP/i.log" && ok "run smoke" || { bad "run smoke"; cat "$ES_TMP/i.log"; }
$py "$check" rows "$ES_TMP/i.h5" && ok "rows in h5py and xarray" || bad "rows in h5py and xarray"

mkdir -p "$ES_TMP/docs"
run_np 2 run "$ES_TMP/ev.ini" -o "$ES_TMP/docs/openai_amazon.h5" --samples 3000 2>"$ES_TMP/ev.log" \
    && ok "run with events" || { bad "run with events"; cat "$ES_TMP/ev.log"; }
$py "$check" summary "$ES_TMP/docs/openai_amazon.h5" && ok "summaries, events, sensitivity in xarray" \
    || bad "summaries, events, sensitivity in xarray"

run_np 2 run "$ES_TMP/scan.ini" -o "$ES_TMP/scan.h5" --samples 400 2>"$ES_TMP/scan.log" \
    && ok "run a scan of two inputs" || { bad "run a scan"; cat "$ES_TMP/scan.log"; }
$py "$check" scan "$ES_TMP/scan.h5" "$ES_TMP/docs/openai_amazon_scan.h5" \
    && ok "scan coordinates in xarray" || bad "scan coordinates in xarray"

# a partial file: stopped by SIGUSR1 after its first checkpoint
if [ -n "$slow" ]; then
    ES_SLOW_MS=20 mpiexec --oversubscribe -n 2 "$slow" run "$ES_TMP/ev.ini" -o "$ES_TMP/part.h5" \
        --samples 200000 --checkpoint-every 1 2>"$ES_TMP/part.log" &
else
    mpiexec --oversubscribe -n 2 "$ES_BIN" run "$ES_TMP/ev.ini" -o "$ES_TMP/part.h5" \
        --samples 20000000 --store all 2>"$ES_TMP/part.log" &
fi
pid=$!
wait_checkpoint "$ES_TMP/part.h5"
sleep 0.5
kill -USR1 $pid
wait $pid
[ $? -eq 4 ] && ok "interrupted run exits 4" || { bad "interrupted run"; tail -3 "$ES_TMP/part.log"; }
$py "$check" frames "$ES_TMP/part.h5" && ok "finished rows of a partial file as a DataFrame" \
    || bad "finished rows of a partial file"

$py "$check" docs "$ES_SRC/docs/analysis.md" "$ES_TMP/docs" && ok "docs/analysis.md examples run" \
    || bad "docs/analysis.md examples"
# the README's copy of the section, run the same way
sed -n '/^## Analysing results$/,/^## Interrupted runs$/p' "$ES_SRC/README.md" >"$ES_TMP/readme_analysis.md"
$py "$check" docs "$ES_TMP/readme_analysis.md" "$ES_TMP/docs" && ok "the README's Analysing results examples run" \
    || bad "README Analysing results examples"
finish
