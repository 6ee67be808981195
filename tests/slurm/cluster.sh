#!/usr/bin/env bash
# tests/slurm/cluster.sh start|stop DIR: a real single-node Slurm for the
# tests, with its own slurm.conf, state and logs under DIR.  start writes
# DIR/env (source it: SLURM_CONF) and waits until the node is idle; stop ends
# exactly the daemons start launched, by their PIDs.  Needs root and the
# packages slurm-wlm and munge (tools/bootstrap installs them).
set -euo pipefail
cmd=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)

stop() {
    for d in slurmd slurmctld munged; do
        if [ -f "$dir/$d.pid" ]; then
            pid=$(cat "$dir/$d.pid")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
            rm -f "$dir/$d.pid"
        fi
    done
}

if [ "$cmd" = stop ]; then
    stop
    exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "tests/slurm/cluster.sh: needs root (slurmd runs jobs as users)" >&2; exit 1; }
stop
host=$(hostname)
rm -rf "$dir/state" "$dir/spool" # a fresh cluster each time: no jobs left from an earlier run
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
chown munge:munge "$dir/munge"
chmod 755 "$dir/munge" # munged wants its socket folder open to all
cat >"$dir/slurm.conf" <<CONF
# written by tests/slurm/cluster.sh
ClusterName=econsweep-test
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
# cred_expire: also how long a requeued job waits before it may start again
# (default 120 s; 5 s keeps the requeue tests short)
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=5
CryptoType=crypto/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.daemon.pid
SlurmdPidFile=$dir/slurmd.daemon.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobRequeue=1
MinJobAge=600
KillWait=10
# a requeued job becomes eligible by the clock alone, which only the main
# scheduling loop notices (default every 60 s)
SchedulerParameters=bf_interval=1,sched_interval=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
cat >"$dir/env" <<ENV
export SLURM_CONF=$dir/slurm.conf
ENV

# munged as user munge, on a socket of our own
runuser -u munge -- /usr/sbin/munged --foreground --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/seed" >/dev/null 2>&1 &
echo $! >"$dir/munged.pid"
for _ in $(seq 1 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
export SLURM_CONF=$dir/slurm.conf
slurmctld -D -i >"$dir/slurmctld.out" 2>&1 &
echo $! >"$dir/slurmctld.pid"
sleep 1
slurmd -D >"$dir/slurmd.out" 2>&1 &
echo $! >"$dir/slurmd.pid"
for _ in $(seq 1 60); do
    state=$(sinfo -h -o %t 2>/dev/null | head -1 || true)
    [ "$state" = idle ] && { echo "slurm: node $host idle (SLURM_CONF=$dir/slurm.conf)"; exit 0; }
    sleep 0.5
done
echo "tests/slurm/cluster.sh: the node did not become idle; logs in $dir" >&2
tail -n 5 "$dir/slurmctld.log" "$dir/slurmd.log" "$dir/munge/munged.log" >&2 || true
stop
exit 1
