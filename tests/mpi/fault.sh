#!/usr/bin/env bash
# tests/mpi/fault.sh FAULTY: an HDF5 call that fails on ONE rank, in any phase
# of a run (create, rows, checkpoint, close, the serial finish), ends the whole
# job within seconds (a hang fails the test through `timeout`) with exit 3, a
# message naming the call, the object, the rank, the file and HDF5's text, and
# no file left that claims to be complete (a new file is removed).
. "$(dirname "$0")/lib.sh"
faulty=$1
job=$ES_SRC/jobs/smoke.ini
# call  rank  nth-call  phase
cases="H5Fcreate 1 1 create
H5Dcreate2 1 4 create
H5Dcreate2 0 9 create
H5Dwrite 1 3 rows
H5Dset_extent 1 1 rows
H5Dwrite 0 12 checkpoint
H5Fflush 1 2 checkpoint
H5Fclose 1 1 close
H5Fopen 0 1 finish"
while read -r call rank at phase; do
    out=$ES_TMP/f-$call-$rank-$at.h5
    t0=$(date +%s.%N)
    ES_FAULT_CALL=$call ES_FAULT_RANK=$rank ES_FAULT_AT=$at timeout 60 \
        mpiexec --oversubscribe -n 2 "$faulty" run "$job" -o "$out" --samples 20000 </dev/null >"$ES_TMP/f.log" 2>&1
    rc=$?
    secs=$(echo "$(date +%s.%N) - $t0" | bc)
    label="$call #$at on rank $rank ($phase)"
    [ $rc -eq 3 ] && ok "$label: exit 3 in ${secs%???????} s" || { bad "$label: exit $rc (124 is a hang)"; cat "$ES_TMP/f.log"; }
    grep -q "rank $rank: HDF5 $call failed on .* in $out.*: injected: no space left on device\|HDF5 $call failed on .* in $out.*: injected" "$ES_TMP/f.log" \
        && ok "$label: message names call, object, rank, file and HDF5's text" || { bad "$label: message"; cat "$ES_TMP/f.log"; }
    if [ -e "$out" ]; then
        st=$(h5attr "$out" status)
        [ "$st" != complete ] && ok "$label: file left is not marked complete ($st)" || bad "$label: file marked complete"
    else
        ok "$label: no file left"
    fi
done <<<"$cases"
# the same program without a fault completes: the wrappers alone change nothing
mpiexec --oversubscribe -n 2 "$faulty" run "$job" -o "$ES_TMP/g.h5" 2>"$ES_TMP/g.log" \
    && ok "no fault, no failure" || bad "faulty build fails without a fault"
finish
