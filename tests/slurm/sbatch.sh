#!/usr/bin/env bash
# tests/slurm/sbatch.sh SLOW: slurm/sweep.sbatch through a real Slurm (started
# by tools/test with tests/slurm/cluster.sh; SLURM_CONF points at it).  A run
# completes on 2 tasks under srun and equals an mpiexec run; a run that fails
# or that finds its output complete is not requeued; a cancel (TERM) ends the
# job with a partial file that the same command with --resume completes; a
# restart that finishes nothing is not requeued again.  SLOW is the test build
# whose chunks ES_SLOW_MS slows down.
. "$(dirname "$0")/../mpi/lib.sh"
sweep=$ES_SRC/slurm/sweep.sbatch
smoke=$ES_SRC/jobs/smoke.ini

# usage errors, before any srun (no Slurm needed)
out=$(bash "$sweep" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "usage: sbatch \[sbatch options\] slurm/sweep.sbatch JOB.ini \[OUT.h5\]" \
    && ok "no job: usage, exit 1" || bad "no job: $out"
out=$(ECONSWEEP=$ES_BIN bash "$sweep" "$smoke" -o x.h5 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "give the output as the second argument" && ok "-o refused" || bad "-o: $out"
out=$(ECONSWEEP=$ES_BIN bash "$sweep" "$smoke" x.h5 --resume --force 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "exclude each other" && ok "--resume with --force refused" || bad "$out"
out=$(ECONSWEEP=$ES_TMP/none bash "$sweep" "$smoke" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "cannot find the program '$ES_TMP/none'" && ok "a missing program is named" || bad "$out"
diff <(sed -n '/^# ---- below this line/,$p' "$sweep") <(sed -n '/^# ---- below this line/,$p' "$ES_SRC/slurm/array.sbatch") \
    && ok "array.sbatch runs the same script as sweep.sbatch" || bad "sweep.sbatch and array.sbatch differ"

. "$(dirname "$0")/lib.sh"
slow=$1
export ECONSWEEP=$ES_BIN
submit() { # submit ARGS...: sbatch with 2 tasks, logs and files in ES_TMP; prints the job id
    sbatch --parsable --ntasks=2 --time=5 --output="$ES_TMP/%x-%j.out" --chdir="$ES_TMP" "$sweep" "$@"
}

# a whole run, the output from the job ([sweep] output = smoke.h5)
run_np 3 run "$smoke" -o "$ES_TMP/m.h5" 2>"$ES_TMP/m.log"
jid=$(submit "$smoke")
wait_job "$jid" 60
[ "$(jobfield "$jid" JobState)" = COMPLETED ] && [ "$(jobfield "$jid" ExitCode)" = 0:0 ] \
    && ok "complete run: exit 0 (job $jid)" || { bad "complete run: $(jobfield "$jid" JobState)"; cat "$ES_TMP/econsweep-$jid.out"; }
[ "$(h5attr "$ES_TMP/smoke.h5" status)" = complete ] && ok "the job's output smoke.h5, complete" || bad "status"
[ "$(h5attr "$ES_TMP/smoke.h5" slurm_job_id)" = "$jid" ] && ok "slurm_job_id recorded" || bad "slurm_job_id"
[ "$(h5attr "$ES_TMP/smoke.h5" ranks)" = 2 ] && ok "2 ranks under srun --mpi=pmix" || bad "ranks"
cs=$(closing_checksum "$ES_TMP/econsweep-$jid.out")
[ -n "$cs" ] && [ "$cs" = "$(closing_checksum "$ES_TMP/m.log")" ] && ok "checksum equals mpiexec's ($cs)" || bad "checksum under Slurm"
h5diff "$ES_TMP/smoke.h5" "$ES_TMP/m.h5" /outputs /outputs && ok "rows equal mpiexec's" || bad "rows differ"

# failures end the job: never requeued
sum=$(md5sum <"$ES_TMP/smoke.h5")
jid=$(submit "$smoke")
wait_job "$jid" 60
[ "$(jobfield "$jid" ExitCode)" = 1:0 ] && [ "$(jobfield "$jid" Restarts)" = 0 ] \
    && grep -q "smoke.h5 exists; refusing to overwrite" "$ES_TMP/econsweep-$jid.out" \
    && ok "the output exists: exit 1, not requeued" || { bad "existing output: $(jobfield "$jid" ExitCode)"; cat "$ES_TMP/econsweep-$jid.out"; }
jid=$(submit "$smoke" smoke.h5 --resume)
wait_job "$jid" 60
[ "$(jobfield "$jid" ExitCode)" = 2:0 ] && [ "$(jobfield "$jid" Restarts)" = 0 ] \
    && grep -q "it is complete; there is nothing to resume" "$ES_TMP/econsweep-$jid.out" \
    && ok "--resume of a complete file: exit 2, not requeued" || { bad "resume complete: $(jobfield "$jid" ExitCode)"; cat "$ES_TMP/econsweep-$jid.out"; }
[ "$(md5sum <"$ES_TMP/smoke.h5")" = "$sum" ] && ok "the complete file is untouched" || bad "complete file changed"
jid=$(submit "$smoke" "$ES_TMP/none/x.h5")
wait_job "$jid" 60
[ "$(jobfield "$jid" ExitCode)" = 3:0 ] && [ "$(jobfield "$jid" Restarts)" = 0 ] \
    && ok "an output folder that does not exist: exit 3, not requeued" || { bad "bad folder: $(jobfield "$jid" ExitCode)"; cat "$ES_TMP/econsweep-$jid.out"; }

# scancel (TERM to every process): the ranks close a partial file, exit 4, no
# requeue; the same command with --resume completes it
n=20000
run_np 2 run "$smoke" -o "$ES_TMP/ref.h5" --samples $n --store all 2>/dev/null
jid=$(ECONSWEEP=$slow ES_SLOW_MS=150 submit "$smoke" c.h5 --samples $n --store all)
for _ in $(seq 1 200); do [ -s "$ES_TMP/c.h5" ] && break; sleep 0.1; done
sleep 2
scancel "$jid"
wait_job "$jid" 60
log=$ES_TMP/econsweep-$jid.out
[ "$(jobfield "$jid" JobState)" = CANCELLED ] && [ "$(jobfield "$jid" Restarts)" = 0 ] \
    && grep -q "interrupted by TERM, not by the time-limit warning: not requeued" "$log" \
    && ok "scancel: cancelled, not requeued" || { bad "scancel: $(jobfield "$jid" JobState)"; cat "$log"; }
grep -q "srun: error: .*Exited with exit code 4" "$log" && ok "scancel: the ranks exited 4 under srun" || bad "scancel: ranks' exit"
[ "$(h5attr "$ES_TMP/c.h5" status)" = partial ] && ok "scancel: status partial" || bad "scancel: status"
jid=$(submit "$smoke" c.h5 --samples $n --store all --resume)
wait_job "$jid" 60
[ "$(jobfield "$jid" ExitCode)" = 0:0 ] && grep -q "start 0 .*: continuing c.h5" "$ES_TMP/econsweep-$jid.out" \
    && ok "resubmitted with --resume: completed" || { bad "resume after scancel"; cat "$ES_TMP/econsweep-$jid.out"; }
same_as "$ES_TMP/ref.h5" "$ES_TMP/c.h5" "cancelled and resubmitted"

# a start that finishes nothing (the warning comes before its first chunk
# ends) is requeued no more: the job ends with exit 4 instead of looping
stop_after() { # stop_after START SECONDS: USR1 to the batch shell, SECONDS after START's srun
    for _ in $(seq 1 200); do
        grep -q "job $jid start $1 " "$ES_TMP/econsweep-$jid.out" 2>/dev/null && break
        sleep 0.1
    done
    sleep "$2"
    scancel --batch --signal=USR1 "$jid"
}
jid=$(ECONSWEEP=$slow ES_SLOW_MS=3000 submit "$smoke" e.h5)
stop_after 0 6 # a chunk or two per rank done
stop_after 1 1 # none
wait_job "$jid" 60
log=$ES_TMP/econsweep-$jid.out
[ "$(jobfield "$jid" ExitCode)" = 4:0 ] && [ "$(jobfield "$jid" Restarts)" = 1 ] \
    && grep -q "this start finished no sample ([1-9][0-9]* done, as before): not requeued" "$log" \
    && ok "a start without progress: exit 4, not requeued again" || { bad "no progress: $(jobfield "$jid" ExitCode) $(jobfield "$jid" Restarts)"; cat "$log"; }
finish
