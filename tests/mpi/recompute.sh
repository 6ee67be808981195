#!/usr/bin/env bash
# tests/mpi/recompute.sh RECOMPUTE JOB: run the job on 3 ranks, then recompute
# samples from the file (design -> dist -> model) bit for bit.
. "$(dirname "$0")/lib.sh"
recompute=$1 job=$2
run_np 3 run "$job" -o "$ES_TMP/r.h5" 2>"$ES_TMP/r.log" && ok "run" || { bad "run"; cat "$ES_TMP/r.log"; }
out=$("$recompute" "$job" "$ES_TMP/r.h5")
rc=$?
echo "$out" | tail -3
[ $rc -eq 0 ] && ok "recomputed samples equal the file" || bad "recompute"
finish
