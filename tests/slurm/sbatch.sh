#!/usr/bin/env bash
# tests/slurm/sbatch.sh: slurm/sweep.sbatch through a real Slurm (started by
# tools/test with tests/slurm/cluster.sh; SLURM_CONF points at it): the run
# completes on 2 tasks under srun --mpi=pmix, records SLURM_JOB_ID, and its
# checksum equals an mpiexec run of the same job.
. "$(dirname "$0")/../mpi/lib.sh"
if [ -z "${SLURM_CONF:-}" ] || ! sinfo -h >/dev/null 2>&1; then
    bad "no Slurm to talk to: start one with tests/slurm/cluster.sh start DIR and source DIR/env (tools/test does)"
    finish
    exit 1
fi
export ECONSWEEP=$ES_BIN
jid=$(sbatch --parsable --wait --ntasks=2 --time=5 --output="$ES_TMP/slurm-%j.out" \
    --chdir="$ES_TMP" "$ES_SRC/slurm/sweep.sbatch" "$ES_SRC/jobs/smoke.ini" -o "$ES_TMP/s.h5")
rc=$?
[ $rc -eq 0 ] && ok "sbatch --wait exit 0 (job $jid)" || { bad "sbatch exit $rc"; cat "$ES_TMP"/slurm-*.out; }
[ "$(h5attr "$ES_TMP/s.h5" status)" = complete ] && ok "status complete" || bad "status"
[ "$(h5attr "$ES_TMP/s.h5" slurm_job_id)" = "$jid" ] && ok "slurm_job_id recorded" || bad "slurm_job_id"
[ "$(h5attr "$ES_TMP/s.h5" ranks)" = 2 ] && ok "2 ranks under srun" || bad "ranks"
run_np 3 run "$ES_SRC/jobs/smoke.ini" -o "$ES_TMP/m.h5" 2>"$ES_TMP/m.log"
cs=$(closing_checksum "$ES_TMP/slurm-$jid.out")
[ -n "$cs" ] && [ "$cs" = "$(closing_checksum "$ES_TMP/m.log")" ] && ok "checksum equals mpiexec's ($cs)" || bad "checksum under Slurm"
h5diff "$ES_TMP/s.h5" "$ES_TMP/m.h5" /outputs /outputs && ok "rows equal mpiexec's" || bad "rows differ"

# The time-limit warning: --signal=B:USR1@120 makes Slurm send USR1 to the
# batch shell before the limit (up to 60 s earlier than asked, by Slurm's own
# resolution, so a test cannot wait for it); scancel --batch --signal=USR1
# sends the same signal to the same shell when the run is under way.  The
# shell forwards it to srun, the ranks stop at a chunk boundary, exit 4.
sbatch --parsable --wait --ntasks=2 --time=10 --output="$ES_TMP/slurm-%j.out" --chdir="$ES_TMP" \
    "$ES_SRC/slurm/sweep.sbatch" "$ES_SRC/jobs/openai_amazon.ini" -o "$ES_TMP/t.h5" \
    --samples 200000000 --store summary >"$ES_TMP/sbatch.out" 2>&1 &
waiter=$!
for _ in $(seq 1 300); do [ -s "$ES_TMP/t.h5" ] && break; sleep 0.1; done
sleep 2
jid=$(head -1 "$ES_TMP/sbatch.out")
scancel --batch --signal=USR1 "$jid"
rc=0
wait "$waiter" || rc=$?
[ $rc -eq 4 ] && ok "warning signal: exit 4 (job $jid)" || { bad "warning signal: exit $rc"; cat "$ES_TMP/sbatch.out" "$ES_TMP/slurm-$jid.out"; }
[ "$(h5attr "$ES_TMP/t.h5" status)" = partial ] && ok "warning signal: status partial" || bad "status after warning"
grep -q "USR1 received" "$ES_TMP/slurm-$jid.out" && ok "batch shell forwarded USR1" || bad "no USR1 forwarding"
finish
