#!/usr/bin/env bash
# tests/mpi/report_fuzz.sh: `econsweep report` on 120 damaged copies of real
# result files (report_mutate.py: cut short, flipped bits, random bytes) ends
# every time with exit 0 and a report (the JSON parses) or exit 3 and one
# line on stderr; never a signal, never a hang.  (HDF5 1.10 itself crashes
# or loops on some of them; the report's child process turns that into the
# message.)  The libFuzzer target of the same reader: tools/fuzz report.
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
T=$ES_TMP
sed -e "s#^scenario .*#scenario = $ES_SRC/inputs/openai_amazon_2026.ini#" "$ES_SRC/jobs/smoke.ini" >"$T/ev.ini"
printf '\n[events]\nnpv_negative = investor_npv_usd < 0\n' >>"$T/ev.ini"
awk '/^\[electricity_usd_per_mwh\]/{skip=1; next} /^\[/{skip=0} !skip' "$T/ev.ini" >"$T/scan.ini"
printf '\n[scan]\nelectricity_usd_per_mwh = 40 80\n' >>"$T/scan.ini"
run_np 2 run "$T/ev.ini" -o "$T/a.h5" --samples 1500 --store summary 2>"$T/a.log" && ok "seed file with events" \
    || { bad "seed file"; cat "$T/a.log"; }
run_np 2 run "$T/scan.ini" -o "$T/b.h5" --samples 600 --store outputs 2>"$T/b.log" && ok "seed file with a scan" \
    || { bad "seed file with a scan"; cat "$T/b.log"; }
$py "$ES_SRC/tests/mpi/report_mutate.py" "$T/a.h5" "$T/m" 60 0
$py "$ES_SRC/tests/mpi/report_mutate.py" "$T/b.h5" "$T/m" 60 100
reported=0 refused=0 hdf5=0 wrong=0
for f in "$T"/m/m*.h5; do
    timeout 120 "$ES_BIN" report "$f" >"$T/out.txt" 2>"$T/err.txt"
    rc=$?
    if [ $rc -eq 0 ]; then
        timeout 120 "$ES_BIN" report "$f" --format json >"$T/out.json" 2>"$T/err.txt"
        rc=$?
        if [ $rc -eq 0 ] && $py -c 'import json, sys
def bad(x): raise ValueError(x)
json.load(open(sys.argv[1]), parse_constant=bad)' "$T/out.json" && [ ! -s "$T/err.txt" ]; then
            reported=$((reported + 1))
            continue
        fi
    fi
    if [ $rc -eq 3 ] && [ "$(wc -l <"$T/err.txt")" -eq 1 ] && grep -q "^econsweep: report: " "$T/err.txt"; then
        refused=$((refused + 1))
        grep -q "HDF5 failed reading it\|HDF5 did not finish" "$T/err.txt" && hdf5=$((hdf5 + 1))
    else
        wrong=$((wrong + 1))
        echo "$f: exit $rc"; head -3 "$T/err.txt"
    fi
done
echo "120 damaged files: $reported reported, $refused refused in one line ($hdf5 of them crashed or stalled HDF5 in the child)"
[ $wrong -eq 0 ] && ok "120 damaged files: a report or one line and exit 3, no signal, no hang" \
    || bad "$wrong damaged files ended otherwise"
[ $refused -gt 20 ] && [ $reported -gt 20 ] && ok "the damage is both harmless and fatal often enough to test" \
    || bad "mutations too weak or too strong ($reported reported, $refused refused)"
finish
