# tests/mpi/lib.sh: shared by the MPI tests.  Sourced with ES_BIN (the
# program), ES_SRC (the source tree) and ES_TMP (a scratch folder) set.
set -u
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# no fork warnings, no shared-memory segment clashes between parallel tests
export OMPI_MCA_mpi_warn_on_fork=0
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok: $*"; }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
run_np() { # run_np N args...: econsweep under mpiexec with N ranks
    local n=$1; shift
    mpiexec --oversubscribe -n "$n" "$ES_BIN" "$@"
}
closing_checksum() { grep -o 'checksum [0-9a-f]\{16\}' "$1" | tail -1 | cut -d' ' -f2; }
h5attr() { # h5attr FILE NAME: a scalar root attribute's value
    h5dump -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | tr -d '"'
}
wait_checkpoint() { # wait_checkpoint FILE: until a run writing FILE has a chunk done (30 s at most)
    for _ in $(seq 1 600); do
        [ -s "$1" ] && h5dump -d /state/chunk_done "$1" 2>/dev/null | grep -q ' 1,' && return 0
        sleep 0.05
    done
    return 1
}
same_as() { # same_as REF FILE LABEL: h5diff of each of $groups that REF has, the checksum, the status
    local g out
    for g in $groups; do
        h5ls "$1$g" >/dev/null 2>&1 || continue
        out=$(h5diff "$1" "$2" "$g" "$g" 2>&1) && [ -z "$out" ] \
            && ok "$3: $g equals the uninterrupted run" || { bad "$3: $g differs"; echo "$out" | head -5; }
    done
    [ -n "$(h5attr "$1" checksum)" ] && [ "$(h5attr "$1" checksum)" = "$(h5attr "$2" checksum)" ] \
        && ok "$3: checksum $(h5attr "$2" checksum)" || bad "$3: checksum"
    [ "$(h5attr "$2" status)" = complete ] && ok "$3: status complete" || bad "$3: status"
}
finish() {
    echo "$passes passed, $fails failed"
    [ "$fails" -eq 0 ]
}
rm -rf "$ES_TMP"
mkdir -p "$ES_TMP"
