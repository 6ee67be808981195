#!/usr/bin/env bash
# tests/mpi/fault.sh FAULTY: an HDF5 write that fails mid-run on one rank
# (injected with --wrap=H5Dwrite) ends the whole job with exit 3, a message
# naming the call, the dataset, the rank and HDF5's own text, and a file that
# does not claim to be complete.
. "$(dirname "$0")/lib.sh"
faulty=$1
ES_FAULT_RANK=1 ES_FAULT_AT=3 mpiexec --oversubscribe -n 2 "$faulty" run "$ES_SRC/jobs/smoke.ini" \
    -o "$ES_TMP/f.h5" >"$ES_TMP/f.log" 2>&1
rc=$?
[ $rc -eq 3 ] && ok "exit 3 on a failed write" || { bad "exit $rc on a failed write"; cat "$ES_TMP/f.log"; }
grep -q "rank 1: HDF5 H5Dwrite failed on /inputs/[a-z_]* in $ES_TMP/f.h5: injected: no space left on device" "$ES_TMP/f.log" \
    && ok "message names call, dataset, rank, file and HDF5's text" || { bad "message"; cat "$ES_TMP/f.log"; }
status=$(h5attr "$ES_TMP/f.h5" status)
[ "$status" != complete ] && ok "file not marked complete (status '$status')" || bad "file marked complete"
# the same program without a fault completes: the wrapper alone changes nothing
mpiexec --oversubscribe -n 2 "$faulty" run "$ES_SRC/jobs/smoke.ini" -o "$ES_TMP/g.h5" 2>"$ES_TMP/g.log" \
    && ok "no fault, no failure" || bad "faulty build fails without a fault"
finish
