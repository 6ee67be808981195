#!/usr/bin/env bash
# tests/mpi/resume.sh SLOW JOB SAMPLES: a run interrupted at a random time (SIGUSR1
# to mpiexec, SIGTERM to mpiexec, SIGKILL of every process) and resumed on
# another rank count ends equal to an uninterrupted run: rows, summaries,
# events, sensitivity, state and checksum.  A file of another job or another
# store mode, a complete file and a missing file are refused.
. "$(dirname "$0")/lib.sh"
slow=$1 job=$2 n=$3 # slow: the program with chunks made 20 ms longer (ES_SLOW_MS)
groups="/sample /inputs /outputs /summary /events /sensitivity /state"
run_np 2 run "$job" -o "$ES_TMP/ref.h5" --samples "$n" --store all 2>"$ES_TMP/ref.log" \
    && ok "uninterrupted run" || { bad "uninterrupted run"; cat "$ES_TMP/ref.log"; }
refsum=$(closing_checksum "$ES_TMP/ref.log")

same_as_ref() { # same_as_ref FILE LABEL: equal to the uninterrupted run, whose closing line gave refsum
    same_as "$ES_TMP/ref.h5" "$1" "$2"
    [ "$(h5attr "$1" checksum)" = "$refsum" ] && ok "$2: checksum is the reference run's closing one" || bad "$2: checksum $refsum"
}

start_run() { # start_run FILE: in the background; waits for the first checkpoint
    ES_SLOW_MS=20 mpiexec --oversubscribe -n 2 "$slow" run "$job" -o "$1" --samples "$n" --store all \
        --checkpoint-every 1 2>"$1.log" &
    pid=$!
    wait_checkpoint "$1"
    sleep "0.$((RANDOM % 8))"
}

# SIGUSR1: exit 4, a partial file whose unwritten rows read as NaN, the command to resume
start_run "$ES_TMP/usr1.h5"
kill -USR1 $pid
wait $pid
rc=$?
[ $rc -eq 4 ] && ok "USR1: exit 4" || { bad "USR1: exit $rc"; tail -3 "$ES_TMP/usr1.h5.log"; }
/usr/bin/python3 "$ES_SRC/tests/mpi/check_partial.py" "$ES_TMP/usr1.h5" >/dev/null \
    && ok "USR1: done rows computed, the rest NaN" || bad "USR1: partial file"
grep -q "continue with: $slow run $job -o $ES_TMP/usr1.h5 --samples $n --store all --checkpoint-every 1 --resume$" "$ES_TMP/usr1.h5.log" \
    && ok "USR1: the closing line says how to resume" || bad "USR1: no resume hint"
run_np 3 run "$job" -o "$ES_TMP/usr1.h5" --samples "$n" --store all --resume 2>"$ES_TMP/r.log" \
    && ok "USR1: resumed on 3 ranks" || { bad "USR1: resume"; cat "$ES_TMP/r.log"; }
same_as_ref "$ES_TMP/usr1.h5" "USR1 + resume on 3 ranks"
/usr/bin/python3 - "$ES_TMP/usr1.h5" <<'PY' && ok "the resume is in the file's history" || bad "history"
import sys
import h5py
a = h5py.File(sys.argv[1], "r").attrs
h = a["history"].strip().split("\n")
assert len(h) == 2 and " created on 2 ranks " in h[0] and " resumed on 3 ranks " in h[1], h
assert a["resumes"] == 1 and a["ranks"] == 3 and a["slurm_restart_count"] == 0
PY

# SIGTERM to mpiexec (Open MPI's mpiexec exits 1), resumed on 1 rank.  Open
# MPI gives the ranks odls_base_sigkill_timeout seconds between TERM and KILL:
# 1 s by default, which a loaded test machine may not meet; 3 s here.
export OMPI_MCA_odls_base_sigkill_timeout=3
start_run "$ES_TMP/term.h5"
kill -TERM $pid
wait $pid
unset OMPI_MCA_odls_base_sigkill_timeout
[ "$(h5attr "$ES_TMP/term.h5" status)" = partial ] && ok "TERM: status partial" || bad "TERM: status"
run_np 1 run "$job" -o "$ES_TMP/term.h5" --samples "$n" --store all --resume 2>"$ES_TMP/r.log" \
    && ok "TERM: resumed on 1 rank" || { bad "TERM: resume"; cat "$ES_TMP/r.log"; }
same_as_ref "$ES_TMP/term.h5" "TERM + resume on 1 rank"

# SIGKILL of mpiexec and every rank: no chance to close; resume from the last checkpoint
start_run "$ES_TMP/kill.h5"
pkill -9 -f -- "-o $ES_TMP/kill.h5"
wait $pid 2>/dev/null
# the killed file wrote no results: report rebuilds them from its checkpoint
"$ES_BIN" report "$ES_TMP/kill.h5" >"$ES_TMP/kr.txt" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "from the last checkpoint: the run was killed before its finish" "$ES_TMP/kr.txt" \
    && grep -q "continue with: .* --samples $n --store all --checkpoint-every 1 --resume" "$ES_TMP/kr.txt" \
    && grep -q "^  investor_npv_usd " "$ES_TMP/kr.txt" \
    && ok "KILL: report reads the killed file's checkpoint and says how to resume it" \
    || { bad "KILL: report (exit $rc)"; head -5 "$ES_TMP/kr.txt"; }
run_np 2 run "$job" -o "$ES_TMP/kill.h5" --samples "$n" --store all --resume 2>"$ES_TMP/r.log" \
    && ok "KILL: resumed on 2 ranks" || { bad "KILL: resume"; cat "$ES_TMP/r.log"; }
same_as_ref "$ES_TMP/kill.h5" "KILL + resume"

# SIGKILL before the first checkpoint (a node lost early; Slurm requeues
# with --resume): the file holds nothing to keep, and --resume starts the
# run from the beginning in it
ES_SLOW_MS=300 mpiexec --oversubscribe -n 2 "$slow" run "$job" -o "$ES_TMP/early.h5" --samples "$n" --store all \
    2>/dev/null &
pid=$!
for i in $(seq 100); do [ -s "$ES_TMP/early.h5" ] && break; sleep 0.1; done
sleep 0.5
pkill -9 -f -- "-o $ES_TMP/early.h5"
wait $pid 2>/dev/null
run_np 2 run "$job" -o "$ES_TMP/early.h5" --samples "$n" --store all --resume 2>"$ES_TMP/e.log" \
    && grep -q "early.h5 holds no checkpoint (its run stopped before the first): nothing to keep, the run starts from the beginning in it" "$ES_TMP/e.log" \
    && ok "KILL before the first checkpoint: --resume starts from the beginning" || { bad "KILL before the first checkpoint: resume"; cat "$ES_TMP/e.log"; }
same_as_ref "$ES_TMP/early.h5" "KILL before the first checkpoint + resume"

# two resumes of one file started together: one continues it, the other is
# refused (exit 1) before it writes anything, and the file ends equal to the
# reference (a probe released before the reopen let both in: garbage rows)
start_run "$ES_TMP/race0.h5"
kill -USR1 $pid
wait $pid
for t in 1 2 3; do
    cp "$ES_TMP/race0.h5" "$ES_TMP/race.h5"
    run_np 1 run "$job" -o "$ES_TMP/race.h5" --samples "$n" --store all --resume 2>"$ES_TMP/ra.log" &
    pa=$!
    run_np 1 run "$job" -o "$ES_TMP/race.h5" --samples "$n" --store all --resume 2>"$ES_TMP/rb.log" &
    pb=$!
    wait $pa
    ra=$?
    wait $pb
    rb=$?
    [ "$((ra + rb))" -eq 1 ] && [ "$((ra * rb))" -eq 0 ] && grep -q "refusing .*race.h5: another process has it open" "$ES_TMP/ra.log" "$ES_TMP/rb.log" \
        && ok "two resumes at once ($t): one runs, one refused (exits $ra, $rb)" || { bad "two resumes at once ($t): exits $ra, $rb"; cat "$ES_TMP/ra.log" "$ES_TMP/rb.log"; }
    same_as_ref "$ES_TMP/race.h5" "two resumes at once ($t)"
done

# refusals: exit 2 with a reason, the file untouched
start_run "$ES_TMP/other.h5"
kill -USR1 $pid
wait $pid
sum=$(md5sum <"$ES_TMP/other.h5")
run_np 1 run "$job" -o "$ES_TMP/other.h5" --samples "$n" --store all --seed 4242 --resume 2>"$ES_TMP/r.log"
rc=$?
[ $rc -eq 2 ] && grep -q "refusing .*other.h5: it is of another job" "$ES_TMP/r.log" && [ "$(md5sum <"$ES_TMP/other.h5")" = "$sum" ] \
    && ok "another job's file refused (exit 2), untouched" || { bad "another job: exit $rc"; cat "$ES_TMP/r.log"; }
for store in summary outputs; do # the store mode is not in the fingerprint, and checked apart
    run_np 1 run "$job" -o "$ES_TMP/other.h5" --samples "$n" --store $store --resume 2>"$ES_TMP/r.log"
    rc=$?
    [ $rc -eq 2 ] && grep -q "refusing .*other.h5: it was written with store = all, and this run asks for store = $store; resume with --store all" "$ES_TMP/r.log" \
        && [ "$(md5sum <"$ES_TMP/other.h5")" = "$sum" ] \
        && ok "a file of another store mode refused (--store $store, exit 2), untouched" || { bad "another store: exit $rc"; cat "$ES_TMP/r.log"; }
done
run_np 1 run "$job" -o "$ES_TMP/ref.h5" --samples "$n" --store all --resume 2>"$ES_TMP/r.log"
[ $? -eq 2 ] && grep -q "it is complete; there is nothing to resume" "$ES_TMP/r.log" && ok "a complete file refused" || bad "complete file"
run_np 1 run "$job" -o "$ES_TMP/none.h5" --samples "$n" --resume 2>"$ES_TMP/r.log"
[ $? -eq 1 ] && grep -q "does not exist; nothing to resume" "$ES_TMP/r.log" && ok "a missing file refused" || bad "missing file"
finish
