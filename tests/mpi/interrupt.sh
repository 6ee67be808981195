#!/usr/bin/env bash
# tests/mpi/interrupt.sh: SIGUSR1 (what Slurm sends before the time limit)
# stops the run at a chunk boundary: exit 4, status "partial", the finished
# chunks marked done and their rows equal to an uninterrupted run.
. "$(dirname "$0")/lib.sh"
job=$ES_SRC/jobs/smoke.ini # mc: a row depends on its index alone, not on the sample count
mpiexec --oversubscribe -n 2 "$ES_BIN" run "$job" -o "$ES_TMP/int.h5" --samples 4000000 --store outputs 2>"$ES_TMP/int.log" &
pid=$!
# wait until the file exists and some work is done, then signal mpiexec (it forwards USR1)
for _ in $(seq 1 100); do [ -s "$ES_TMP/int.h5" ] && break; sleep 0.1; done
sleep 1.5
kill -USR1 "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 4 ] && ok "exit 4 after SIGUSR1" || { bad "exit $rc after SIGUSR1"; cat "$ES_TMP/int.log"; }
[ "$(h5attr "$ES_TMP/int.h5" status)" = partial ] && ok "status partial" || bad "status not partial"
grep -q "interrupted by signal" "$ES_TMP/int.log" && ok "closing line says interrupted" || bad "closing line"
if m=$(/usr/bin/python3 "$ES_SRC/tests/mpi/check_partial.py" "$ES_TMP/int.h5"); then
    ok "done chunks and NaN rows consistent ($m rows in the file)"
    run_np 2 run "$job" -o "$ES_TMP/ref.h5" --samples "$m" --store outputs 2>"$ES_TMP/ref.log"
    /usr/bin/python3 "$ES_SRC/tests/mpi/check_partial.py" "$ES_TMP/int.h5" "$ES_TMP/ref.h5" >/dev/null \
        && ok "done rows equal an uninterrupted run" || bad "done rows differ"
else
    bad "done chunks"
fi
finish
