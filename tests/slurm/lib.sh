# tests/slurm/lib.sh: shared by the Slurm tests (sourced after tests/mpi/lib.sh,
# with SLURM_CONF pointing at the cluster of tests/slurm/cluster.sh).
if [ -z "${SLURM_CONF:-}" ] || ! sinfo -h >/dev/null 2>&1; then
    bad "no Slurm to talk to: start one with tests/slurm/cluster.sh start DIR and source DIR/env (tools/test does)"
    finish
    exit 1
fi
export ECONSWEEP_SRUN_MPI=pmix # the test cluster's MpiDefault is none
groups="/sample /inputs /outputs /summary /events /sensitivity"

jobfield() { # jobfield ID FIELD: a field of `scontrol show job` (the first line's)
    scontrol show job -o "$1" 2>/dev/null | head -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

wait_job() { # wait_job ID SECONDS: until the job (every task of an array) has ended
    local t=$(($2 * 4)) s
    while [ $t -gt 0 ]; do
        s=$(scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p' | sort -u)
        [ -n "$s" ] && ! echo "$s" | grep -q -E 'PENDING|RUNNING|REQUEUE|COMPLETING|CONFIGURING|SUSPENDED|RESIZING' && return 0
        sleep 0.25
        t=$((t - 1))
    done
    echo "job $1 did not end within $2 s: $s" >&2
    scancel "$1" 2>/dev/null
    return 1
}
