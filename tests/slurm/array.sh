#!/usr/bin/env bash
# tests/slurm/array.sh: slurm/submit array P: a job array of P parts and the
# merge that depends on it (afterok).  The merged file equals an mpiexec run
# of the whole job; a task that fails keeps the merge from running (Slurm
# cancels it); the failed task rerun alone (ECONSWEEP_PARTS) and a merge by
# hand finish the job.  Nothing is submitted when the job is bad or an output
# exists.
. "$(dirname "$0")/../mpi/lib.sh"
. "$(dirname "$0")/lib.sh"
export ECONSWEEP=$ES_BIN
smoke=$ES_SRC/jobs/smoke.ini n=30000
sb=(--ntasks=1 --time=5 --output="$ES_TMP/%x-%A_%a.out" --chdir="$ES_TMP")
run_np 2 run "$smoke" -o "$ES_TMP/ref.h5" --samples $n --store all 2>/dev/null

ids() { # ids OUTPUT: "array ID" and "merge ID" lines -> aid, mid
    aid=$(echo "$1" | sed -n 's/^array \([0-9]*\)$/\1/p')
    mid=$(echo "$1" | sed -n 's/^merge \([0-9]*\)$/\1/p')
}
tasks() { # tasks ID: "K STATE EXIT" of every task of an array, K ascending
    scontrol show job -o "$1" | tr ' ' '\n' | awk -F= '
        $1 == "ArrayTaskId" { k = $2 } $1 == "JobState" { s = $2 } $1 == "ExitCode" { print k, s, $2 }' | sort -n
}

# three parts, then the merge
out=$("$ES_SRC/slurm/submit" array 3 "$smoke" s.h5 "${sb[@]}" -- --samples $n --store all)
ids "$out"
[ -n "$aid" ] && [ -n "$mid" ] && ok "submit printed the array ($aid) and merge ($mid) ids" || bad "submit: $out"
[ "$(jobfield "$mid" Dependency)" = "afterok:${aid}_*(unfulfilled)" ] && ok "the merge waits for afterok:$aid" \
    || bad "merge dependency $(jobfield "$mid" Dependency)"
wait_job "$aid" 90 && wait_job "$mid" 60
[ "$(tasks "$aid" | tr '\n' ' ')" = "0 COMPLETED 0:0 1 COMPLETED 0:0 2 COMPLETED 0:0 " ] \
    && ok "3 array tasks completed" || { bad "array tasks: $(tasks "$aid")"; cat "$ES_TMP"/econsweep-"$aid"_*.out; }
for k in 0 1 2; do
    [ "$(h5attr "$ES_TMP/s.part$k.h5" part)" = $k ] && [ "$(h5attr "$ES_TMP/s.part$k.h5" parts)" = 3 ] \
        && [ -s "$ES_TMP/econsweep-${aid}_$k.out" ] && ok "s.part$k.h5 is part $k/3, log econsweep-${aid}_$k.out" || bad "part $k"
done
[ "$(jobfield "$mid" JobState)" = COMPLETED ] && [ "$(jobfield "$mid" ExitCode)" = 0:0 ] \
    && ok "the merge ran after the array" || { bad "merge: $(jobfield "$mid" JobState)"; cat "$ES_TMP/econsweep-merge-$mid.out"; }
same_as "$ES_TMP/ref.h5" "$ES_TMP/s.h5" "3 array tasks merged"

# nothing submitted: a bad job, an existing output, an existing part
printf '[sweep]\nmodel = nosuch\n' >"$ES_TMP/bad.ini"
out=$("$ES_SRC/slurm/submit" array 3 "$ES_TMP/bad.ini" b.h5 "${sb[@]}" 2>&1)
[ $? -eq 2 ] && ! echo "$out" | grep -q '^array' && ok "a bad job: exit 2, nothing submitted" || bad "bad job: $out"
out=$("$ES_SRC/slurm/submit" array 3 "$smoke" s.h5 "${sb[@]}" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "s.h5 exists" && ok "an existing output: exit 1, nothing submitted" || bad "$out"
for opts in "-- --bogus" "-- --part 0/3" "-- --resume --force"; do
    out=$("$ES_SRC/slurm/submit" array 3 "$smoke" o.h5 "${sb[@]}" $opts 2>&1)
    [ $? -eq 1 ] && echo "$out" | grep -q "^slurm/submit: " && ! echo "$out" | grep -q '^array' \
        && ok "run options '$opts': exit 1, nothing submitted" || bad "run options '$opts': $out"
done
out=$("$ES_SRC/slurm/submit" array 1 "$smoke" o.h5 "${sb[@]}" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "P must be a whole number >= 2" && ok "one part: exit 1, nothing submitted" || bad "array 1: $out"
echo junk >"$ES_TMP/f.part1.h5"
out=$("$ES_SRC/slurm/submit" array 3 "$smoke" f.h5 "${sb[@]}" -- --samples $n 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q "f.part1.h5 exists: pass -- --resume" && ok "an existing part: exit 1, nothing submitted" || bad "$out"
jid=$(sbatch --parsable --array=1 "${sb[@]}" "$ES_SRC/slurm/array.sbatch" "$smoke" g.h5)
wait_job "$jid" 30
[ "$(tasks "$jid")" = "1 FAILED 1:0" ] && grep -q "the array must be --array=0-(P-1) for P parts (it is 1-1)" "$ES_TMP/econsweep-${jid}_1.out" \
    && ok "an array not 0-(P-1) without ECONSWEEP_PARTS: exit 1" || bad "array 1: $(tasks "$jid")"

# a task that fails (its part is not an HDF5 file: --resume refuses it, exit
# 2): the merge never runs
out=$("$ES_SRC/slurm/submit" array 3 "$smoke" f.h5 "${sb[@]}" -- --samples $n --store all --resume)
ids "$out"
wait_job "$aid" 90 && wait_job "$mid" 30
[ "$(tasks "$aid" | tr '\n' ' ')" = "0 COMPLETED 0:0 1 FAILED 2:0 2 COMPLETED 0:0 " ] \
    && grep -q "f.part1.h5 is not an HDF5 file" "$ES_TMP/econsweep-${aid}_1.out" \
    && ok "task 1 failed (exit 2), tasks 0 and 2 completed" || bad "tasks: $(tasks "$aid")"
[ "$(jobfield "$mid" JobState)" = CANCELLED ] && [ "$(jobfield "$mid" Reason)" = DependencyNeverSatisfied ] \
    && [ ! -e "$ES_TMP/f.h5" ] && ok "the merge did not run (CANCELLED, DependencyNeverSatisfied)" \
    || bad "merge after a failed task: $(jobfield "$mid" JobState) $(jobfield "$mid" Reason)"
# rerun task 1 alone, then merge by hand
rm "$ES_TMP/f.part1.h5"
jid=$(ECONSWEEP_PARTS=3 sbatch --parsable --array=1 "${sb[@]}" "$ES_SRC/slurm/array.sbatch" "$smoke" f.h5 \
    --samples $n --store all --resume)
wait_job "$jid" 30
[ "$(tasks "$jid")" = "1 COMPLETED 0:0" ] && [ "$(h5attr "$ES_TMP/f.part1.h5" part)" = 1 ] \
    && ok "task 1 rerun alone (ECONSWEEP_PARTS=3 --array=1)" || bad "rerun: $(tasks "$jid")"
jid=$(sbatch --parsable --output="$ES_TMP/%x-%j.out" --chdir="$ES_TMP" "$ES_SRC/slurm/merge.sbatch" f.h5 3)
wait_job "$jid" 30
[ "$(jobfield "$jid" ExitCode)" = 0:0 ] && ok "merge.sbatch by hand" || { bad "merge.sbatch"; cat "$ES_TMP/econsweep-merge-$jid.out"; }
same_as "$ES_TMP/ref.h5" "$ES_TMP/f.h5" "a failed task rerun, merged"
finish
