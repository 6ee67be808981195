#!/usr/bin/env bash
# tests/mpi/behind.sh FAULTY: rows written behind the computing (a writer
# thread per rank, src/writer.c) give the same file as rows written in line
# (ECONSWEEP_WRITE_BEHIND=0) or by an MPI without MPI_THREAD_MULTIPLE, over
# many epochs and on 2 and 3 ranks; a write that fails on the writer thread
# while the ranks compute the next epoch ends the job within seconds (exit 3,
# the call named, a new file removed, a resumed one kept honest: it resumes
# to the uninterrupted run's file).
. "$(dirname "$0")/lib.sh"
faulty=$1
job=$ES_SRC/jobs/smoke.ini
groups="/sample /inputs /outputs /summary /events /sensitivity /state" # for same_as (smoke has no /events)
N=600000 # smoke's epochs hold 64 chunks a rank: 8 epochs on 3 ranks, 10 on 2
for n in 2 3; do
    for wb in 1 0; do
        ECONSWEEP_WRITE_BEHIND=$wb ECONSWEEP_PHASES=1 run_np "$n" run "$job" -o "$ES_TMP/w$wb-$n.h5" \
            --samples $N </dev/null 2>"$ES_TMP/w$wb-$n.log" || bad "run ($n ranks, write behind $wb) exited $?"
    done
    ep=$(sed -n 's/^econsweep: \([0-9]*\) epochs, rows written behind the computing$/\1/p' "$ES_TMP/w1-$n.log")
    [ -n "$ep" ] && [ "$ep" -ge 6 ] && ok "$n ranks: $ep epochs, rows written behind the computing" \
        || { bad "$n ranks: not written behind, or too few epochs ($ep)"; grep econsweep "$ES_TMP/w1-$n.log" | tail -3; }
    grep -q "epochs, rows written in line$" "$ES_TMP/w0-$n.log" && ok "$n ranks: ECONSWEEP_WRITE_BEHIND=0 writes in line" \
        || bad "$n ranks: ECONSWEEP_WRITE_BEHIND=0 not in line"
    same_as "$ES_TMP/w0-$n.h5" "$ES_TMP/w1-$n.h5" "$n ranks, written behind against in line"
done
# the comparison can fail: another seed differs in /outputs
run_np 2 run "$job" -o "$ES_TMP/other.h5" --samples $N --seed 99 </dev/null 2>/dev/null
out=$(h5diff "$ES_TMP/w0-2.h5" "$ES_TMP/other.h5" /outputs /outputs 2>&1)
[ $? -eq 1 ] && [ -n "$out" ] && ok "another seed differs in h5diff" || bad "h5diff did not see another seed"

# An MPI without MPI_THREAD_MULTIPLE (MPI_Query_thread made to say
# MPI_THREAD_SERIALIZED): rows in line, the same file
ES_FAULT_THREAD_LEVEL=2 ECONSWEEP_PHASES=1 mpiexec --oversubscribe -n 2 "$faulty" run "$job" \
    -o "$ES_TMP/serialized.h5" --samples $N </dev/null 2>"$ES_TMP/serialized.log"
grep -q "epochs, rows written in line$" "$ES_TMP/serialized.log" && ok "MPI_THREAD_SERIALIZED: rows written in line" \
    || { bad "MPI_THREAD_SERIALIZED: not in line"; tail -3 "$ES_TMP/serialized.log"; }
same_as "$ES_TMP/w1-2.h5" "$ES_TMP/serialized.h5" "MPI_THREAD_SERIALIZED"

# Rank 1 cannot start its writer thread (a limit on threads): it says so and
# writes in line while rank 0 writes behind; the file is the same
ES_FAULT_CALL=pthread_create ES_FAULT_RANK=1 ES_FAULT_AT=1 mpiexec --oversubscribe -n 2 "$faulty" run "$job" \
    -o "$ES_TMP/nothread.h5" --samples $N </dev/null 2>"$ES_TMP/nothread.log"
rc=$?
[ $rc -eq 0 ] && grep -q "^econsweep: rank 1: cannot start a writer thread; rows are written in line$" "$ES_TMP/nothread.log" \
    && ! grep -q "rank 0: cannot start" "$ES_TMP/nothread.log" && ok "no thread on rank 1: said so, exit 0" \
    || { bad "no thread on rank 1: exit $rc"; tail -3 "$ES_TMP/nothread.log"; }
same_as "$ES_TMP/w1-2.h5" "$ES_TMP/nothread.h5" "no thread on rank 1"

# the program the faults below are injected into writes behind, as the real one
ECONSWEEP_PHASES=1 mpiexec --oversubscribe -n 2 "$faulty" run "$job" -o "$ES_TMP/faulty.h5" --samples $N \
    </dev/null 2>"$ES_TMP/faulty.log"
grep -q "epochs, rows written behind the computing$" "$ES_TMP/faulty.log" \
    && ok "the fault-injection build writes behind" || bad "the fault-injection build does not write behind"

# A fault on the writer thread of rank 1, in the rows of its 2nd epoch (an
# epoch is 29 row datasets, 2 done marks and a checkpoint slot: 32 H5Dwrite
# calls) and in its 3rd flush (the file's creation flushes once: the 2nd
# checkpoint's flush), while both ranks compute on
for c in "H5Dwrite 40" "H5Fflush 3"; do
    set -- $c
    out=$ES_TMP/f-$1.h5
    t0=$(date +%s.%N)
    ES_FAULT_CALL=$1 ES_FAULT_RANK=1 ES_FAULT_AT=$2 timeout 60 mpiexec --oversubscribe -n 2 "$faulty" run "$job" \
        -o "$out" --samples $N </dev/null >"$ES_TMP/f.log" 2>&1
    rc=$?
    secs=$(echo "$(date +%s.%N) - $t0" | bc)
    [ $rc -eq 3 ] && [ "$(echo "$secs < 10" | bc)" = 1 ] && ok "$1 #$2 on rank 1's writer: exit 3 in ${secs%???????} s" \
        || { bad "$1 #$2 on rank 1's writer: exit $rc in $secs s (124 is a hang)"; tail -5 "$ES_TMP/f.log"; }
    grep -q "rank 1: HDF5 $1 failed on .* in $out.*: injected" "$ES_TMP/f.log" \
        && ok "$1 #$2: message names the call, rank 1 and the file" || { bad "$1 #$2: message"; cat "$ES_TMP/f.log"; }
    [ ! -e "$out" ] && ok "$1 #$2: the new file is removed" || bad "$1 #$2: file left"
done

# The file stays honest when the writer fails: a run stopped by USR1 after its
# first checkpoint, resumed with a write that fails in the rows of the resumed
# run's 2nd epoch (exit 3, the file kept: it was not new), holds only done
# chunks whose rows equal the uninterrupted run's, and resumes to that run's
# file.  A checkpoint written before its epoch's rows would claim chunks
# whose rows were never written, and the last resume would skip them.
h=$ES_TMP/honest.h5
ES_SLOW_MS=20 mpiexec --oversubscribe -n 2 "$faulty" run "$job" -o "$h" --samples $N --checkpoint-every 1 \
    </dev/null 2>"$h.log" &
pid=$!
wait_checkpoint "$h" || bad "no checkpoint within 30 s"
kill -USR1 $pid
wait $pid
rc=$?
[ $rc -eq 4 ] && ok "USR1: exit 4" || { bad "USR1: exit $rc"; tail -3 "$h.log"; }
ES_FAULT_CALL=H5Dwrite ES_FAULT_RANK=1 ES_FAULT_AT=40 timeout 60 mpiexec --oversubscribe -n 2 "$faulty" run "$job" \
    -o "$h" --samples $N --resume </dev/null >"$h.log2" 2>&1
rc=$?
[ $rc -eq 3 ] && [ -e "$h" ] && ok "resumed run, writer fault: exit 3, the file kept" \
    || { bad "resumed run, writer fault: exit $rc"; tail -5 "$h.log2"; }
/usr/bin/python3 "$ES_SRC/tests/mpi/check_partial.py" "$h" "$ES_TMP/w0-2.h5" >/dev/null \
    && ok "after the fault: every chunk marked done holds the uninterrupted run's rows, the rest NaN" \
    || bad "after the fault: the file claims rows it does not hold"
run_np 2 run "$job" -o "$h" --samples $N --resume </dev/null 2>"$h.log3" || bad "last resume exited $?"
same_as "$ES_TMP/w0-2.h5" "$h" "resumed after the fault"
finish
