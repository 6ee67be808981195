#!/usr/bin/env bash
# tests/slurm/requeue.sh SLOW: slurm/sweep.sbatch against a real time limit.
# A run of about 50 s (chunks slowed by ES_SLOW_MS in SLOW, the test build,
# and a short sensitivity pass) is submitted with --time=1 and a 20 s warning
# (--signal=B:USR1@20; Slurm looks every 30 s, so the warning comes 20 to 50 s
# before the limit, 10 to 40 s after the start).  The warning stops the run
# (USR1 to the batch shell, forwarded by srun, exit 4) and the script
# requeues the job.  The test then gives the pending job more time
# (scontrol update TimeLimit) so that one more start (SLURM_RESTART_COUNT 1)
# finishes it with --resume, and the file equals an uninterrupted run's.
. "$(dirname "$0")/../mpi/lib.sh"
. "$(dirname "$0")/lib.sh"
slow=$1
# the smoke job with a short sensitivity pass (it is not resumable: an
# interruption during it repeats it)
job=$ES_TMP/slow.ini n=50000
sed '/^\[sweep\]/a sensitivity_samples = 4096' "$ES_SRC/jobs/smoke.ini" >"$job"
export ECONSWEEP_PATH=$ES_SRC/inputs
run_np 2 run "$job" -o "$ES_TMP/ref.h5" --samples "$n" --store all 2>"$ES_TMP/ref.log" \
    || { bad "uninterrupted run"; cat "$ES_TMP/ref.log"; }

t0=$(date +%s)
jid=$(ECONSWEEP=$slow ES_SLOW_MS=900 sbatch --parsable --ntasks=2 --time=1 --signal=B:USR1@20 \
    --output="$ES_TMP/%x-%j.out" --chdir="$ES_TMP" \
    "$ES_SRC/slurm/sweep.sbatch" "$job" t.h5 --samples "$n" --store all)
log=$ES_TMP/econsweep-$jid.out
for _ in $(seq 1 400); do # the first requeue: at most 50 s, and the job waits ~6 s to restart
    [ "$(jobfield "$jid" Restarts)" = 1 ] && break
    [ "$(jobfield "$jid" JobState)" = COMPLETED ] && break
    sleep 0.25
done
scontrol update JobId="$jid" TimeLimit=5
t1=$(($(date +%s) - t0))
wait_job "$jid" 120
restarts=$(jobfield "$jid" Restarts)
echo "job $jid: requeued after $t1 s, $(jobfield "$jid" JobState) after $(($(date +%s) - t0)) s, $restarts restarts"
[ "$(jobfield "$jid" JobState)" = COMPLETED ] && [ "$(jobfield "$jid" ExitCode)" = 0:0 ] \
    && ok "the job completed (exit 0)" || { bad "job state $(jobfield "$jid" JobState)"; cat "$log"; }
[ "$restarts" = 1 ] && ok "the time-limit warning requeued it once" || bad "$restarts restarts"
grep -q "sweep.sbatch: USR1 received" "$log" && grep -q "sweep.sbatch: requeuing job $jid" "$log" \
    && grep -q "interrupted by signal after [0-9]* of $n samples" "$log" \
    && ok "USR1 forwarded, exit 4, requeued by the script" || bad "no USR1, interruption and requeue in the log"
grep -q "sweep.sbatch: job $jid start 1 .*: continuing t.h5" "$log" \
    && grep -q -- "-o t.h5 --resume --samples $n" "$log" && ok "the restart resumed (--resume)" || bad "restart without --resume"
! grep -q "DUE TO TIME LIMIT" "$log" && ok "the warning, not the limit, stopped it" || bad "killed by the time limit"
same_as "$ES_TMP/ref.h5" "$ES_TMP/t.h5" "requeued at the time limit and resumed"
finish
