#!/usr/bin/env bash
# tests/mpi/merge.sh: the parts of a job array (run --part K/P), merged, equal
# the run of the whole job (rows, summaries, events, sensitivity, state,
# checksum); missing, duplicate, foreign and unfinished parts are refused,
# merge never overwrites without --force, and a merge stopped by a signal
# leaves nothing behind.
. "$(dirname "$0")/lib.sh"
slow=$1 # the program with chunks slowed by ES_SLOW_MS
check_equal() { # check_equal A B LABEL
    local g out
    for g in /sample /inputs /outputs /summary /events /sensitivity /scan /state; do
        h5ls "$1$g" >/dev/null 2>&1 || continue
        out=$(h5diff "$1" "$2" "$g" "$g" 2>&1) && [ -z "$out" ] \
            && ok "$3: $g equal" || { bad "$3: $g differs"; echo "$out" | head -5; }
    done
    [ "$(h5attr "$1" checksum)" = "$(h5attr "$2" checksum)" ] && ok "$3: checksum" || bad "$3: checksum"
    [ "$(h5attr "$2" status)" = complete ] && ok "$3: merged file complete" || bad "$3: status"
}
for spec in "smoke.ini 30000 3 all" "openai_amazon.ini 20000 2 outputs" "ishigami.ini 20000 4 summary"; do
    set -- $spec
    job=$ES_SRC/jobs/$1 n=$2 P=$3 store=$4
    name=${1%.ini}
    run_np 2 run "$job" -o "$ES_TMP/$name-full.h5" --samples "$n" --store "$store" 2>"$ES_TMP/full.log" \
        || { bad "$name: whole run"; cat "$ES_TMP/full.log"; }
    parts=()
    for k in $(seq $((P - 1)) -1 0); do # any order
        run_np 2 run "$job" -o "$ES_TMP/$name-p$k.h5" --samples "$n" --store "$store" --part "$k/$P" \
            2>"$ES_TMP/p.log" || { bad "$name: part $k/$P"; cat "$ES_TMP/p.log"; }
        parts+=("$ES_TMP/$name-p$k.h5")
    done
    [ "$(h5attr "$ES_TMP/$name-p0.h5" part)" = 0 ] && [ "$(h5attr "$ES_TMP/$name-p0.h5" parts)" = "$P" ] \
        && ok "$name: a part records its part" || bad "$name: part attributes"
    "$ES_BIN" merge "$ES_TMP/$name-merged.h5" "${parts[@]}" 2>"$ES_TMP/m.log" \
        && ok "$name: merge of $P parts" || { bad "$name: merge"; cat "$ES_TMP/m.log"; }
    check_equal "$ES_TMP/$name-full.h5" "$ES_TMP/$name-merged.h5" "$name"
    # the provenance of one run of the whole job: its job text (with the
    # overrides the parts took, the output renamed), the ranks the parts ran
    # on, the merge command, and the parts' history before the merge's line
    /usr/bin/python3 - "$ES_TMP/$name-full.h5" "$ES_TMP/$name-merged.h5" "$P" <<'PY' \
        && ok "$name: merged provenance (job_text, ranks, command_line, history)" || bad "$name: merged provenance"
import sys, h5py
full, merged, P = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), int(sys.argv[3])
a, b = full.attrs, merged.attrs
def settings(text, out):  # the job's (section, key, value) lines, comments dropped
    sec, kv = "", []
    for line in text.replace(out, "OUT").splitlines():
        line = line.split(";", 1)[0].strip()
        if line.startswith("["):
            sec = line
        elif "=" in line:
            k, v = line.split("=", 1)
            kv.append((sec, k.strip(), v.strip()))
    return kv
ja = settings(a["job_text"], sys.argv[1].rsplit("/", 1)[1])
jb = settings(b["job_text"], sys.argv[2].rsplit("/", 1)[1])
hist = b["history"].splitlines()
checks = {
    "job_text": ja == jb and "set on the command line" in b["job_text"],
    "ranks": int(b["ranks"]) == 2,
    "command_line": " merge " in b["command_line"],
    "history": len(hist) == P + 1 and all(" --part " in l for l in hist[:P])
               and " merged on " in hist[P],
}
bad = [k for k, v in checks.items() if not v]
if bad:
    print("differs:", bad, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
done
# refusals: exit 2, nothing written
"$ES_BIN" merge "$ES_TMP/x.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" 2>"$ES_TMP/m.log"
[ $? -eq 2 ] && grep -q "2 of 3 parts given; missing part 2" "$ES_TMP/m.log" && [ ! -e "$ES_TMP/x.h5" ] \
    && ok "a missing part is named" || { bad "missing part"; cat "$ES_TMP/m.log"; }
"$ES_BIN" merge "$ES_TMP/x.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" 2>"$ES_TMP/m.log"
[ $? -eq 2 ] && grep -q "part 0/3 is given twice" "$ES_TMP/m.log" && ok "a duplicate part is refused" || bad "duplicate part"
"$ES_BIN" merge "$ES_TMP/x.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/openai_amazon-p0.h5" 2>"$ES_TMP/m.log"
[ $? -eq 2 ] && grep -q "is not a part of the same job" "$ES_TMP/m.log" && ok "a foreign part is refused" || bad "foreign part"
# a part of another store mode (the store is not in the fingerprint), first or later
run_np 2 run "$ES_SRC/jobs/smoke.ini" -o "$ES_TMP/smoke-s1.h5" --samples 30000 --store summary --part 1/3 2>/dev/null
for order in "p0 s1 p2" "s1 p0 p2"; do
    set -- $order
    "$ES_BIN" merge "$ES_TMP/x.h5" "$ES_TMP/smoke-$1.h5" "$ES_TMP/smoke-$2.h5" "$ES_TMP/smoke-$3.h5" 2>"$ES_TMP/m.log"
    [ $? -eq 2 ] && grep -q "with store = .* the parts of one file must share a store mode" "$ES_TMP/m.log" && [ ! -e "$ES_TMP/x.h5" ] \
        && ok "parts of mixed store modes refused ($order)" || { bad "mixed stores ($order)"; cat "$ES_TMP/m.log"; }
done
"$ES_BIN" merge "$ES_TMP/x.h5" "$ES_TMP/smoke-full.h5" 2>"$ES_TMP/m.log"
[ $? -eq 2 ] && grep -q "is not a part" "$ES_TMP/m.log" && ok "a whole run is not a part" || bad "not a part"
# an unfinished part: interrupted (slowed by ES_SLOW_MS so the signal lands mid-run)
ES_SLOW_MS=200 mpiexec --oversubscribe -n 2 "$slow" run "$ES_SRC/jobs/smoke.ini" -o "$ES_TMP/int-p1.h5" --samples 30000 --part 1/3 \
    --checkpoint-every 1 2>/dev/null &
pid=$!
sleep 1
kill -USR1 $pid
wait $pid
"$ES_BIN" merge "$ES_TMP/x.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/int-p1.h5" "$ES_TMP/smoke-p2.h5" 2>"$ES_TMP/m.log"
[ $? -eq 2 ] && grep -q "part 1/3 .* is not complete: resume it first" "$ES_TMP/m.log" \
    && ok "an unfinished part is refused, with how to resume it" || { bad "unfinished part"; cat "$ES_TMP/m.log"; }
# a merge stopped by a signal (in its sensitivity pass, slowed): exit 4, no
# file left (a new one, or the temporary beside an existing one with --force,
# which stays as it was), the parts untouched; the same merge then succeeds
cp "$ES_TMP/smoke-merged.h5" "$ES_TMP/old.h5"
sum=$(md5sum <"$ES_TMP/old.h5")
psum=$(cat "$ES_TMP"/smoke-p[012].h5 | md5sum)
for out in new.h5 old.h5; do
    ES_SLOW_MS=300 "$slow" merge "$ES_TMP/$out" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/smoke-p2.h5" --force \
        2>"$ES_TMP/mi.log" &
    pid=$!
    sleep 1
    kill -USR1 $pid
    wait $pid
    rc=$?
    left=$(ls -a "$ES_TMP" | grep -c 'econsweep-.*\.tmp$')
    [ $rc -eq 4 ] && grep -q "merge interrupted by a signal; .*$out is not written (the parts are untouched): run the same merge again" "$ES_TMP/mi.log" \
        && [ "$left" = 0 ] && [ "$(cat "$ES_TMP"/smoke-p[012].h5 | md5sum)" = "$psum" ] \
        && ok "an interrupted merge ($out): exit 4, nothing left, parts untouched" || { bad "interrupted merge ($out): exit $rc"; cat "$ES_TMP/mi.log"; }
done
[ ! -e "$ES_TMP/new.h5" ] && [ "$(md5sum <"$ES_TMP/old.h5")" = "$sum" ] && ok "interrupted merges: no new file, the old one as it was" \
    || bad "interrupted merge left a file or changed the old one"
"$ES_BIN" merge "$ES_TMP/new.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/smoke-p2.h5" 2>/dev/null \
    && [ "$(h5attr "$ES_TMP/new.h5" checksum)" = "$(h5attr "$ES_TMP/smoke-full.h5" checksum)" ] \
    && ok "the same merge again succeeds" || bad "merge after an interrupted one"
# a merge killed (SIGKILL) in its sensitivity pass leaves a partial file; report
# says to do the merge again with --force (merge does not resume), and that works
ES_SLOW_MS=300 "$slow" merge "$ES_TMP/killed.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/smoke-p2.h5" 2>/dev/null &
pid=$!
sleep 1.5
kill -9 $pid
wait $pid 2>/dev/null
"$ES_BIN" report "$ES_TMP/killed.h5" >"$ES_TMP/kr.txt" 2>&1
grep -q "continue with: .* merge .*killed.h5 .*smoke-p2.h5 --force$" "$ES_TMP/kr.txt" && ok "a killed merge: report says merge again with --force" \
    || { bad "killed merge: report"; grep -m1 continue "$ES_TMP/kr.txt"; }
"$ES_BIN" merge "$ES_TMP/killed.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/smoke-p2.h5" --force 2>/dev/null \
    && [ "$(h5attr "$ES_TMP/killed.h5" checksum)" = "$(h5attr "$ES_TMP/smoke-full.h5" checksum)" ] \
    && ok "a killed merge done again with --force" || bad "killed merge again"
sum=$(md5sum <"$ES_TMP/smoke-p0.h5")
"$ES_BIN" merge "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/smoke-p2.h5" --force 2>"$ES_TMP/m.log"
[ $? -eq 1 ] && grep -q "is the part .*smoke-p0.h5 itself; refusing to overwrite an input" "$ES_TMP/m.log" \
    && [ "$(md5sum <"$ES_TMP/smoke-p0.h5")" = "$sum" ] && ok "merge never writes over one of its parts" || bad "merge over a part"
sum=$(md5sum <"$ES_TMP/smoke-merged.h5")
"$ES_BIN" merge "$ES_TMP/smoke-merged.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/smoke-p2.h5" 2>"$ES_TMP/m.log"
[ $? -eq 1 ] && [ "$(md5sum <"$ES_TMP/smoke-merged.h5")" = "$sum" ] && ok "merge refuses to overwrite without --force" || bad "overwrite"
"$ES_BIN" merge "$ES_TMP/smoke-merged.h5" "$ES_TMP/smoke-p0.h5" "$ES_TMP/smoke-p1.h5" "$ES_TMP/smoke-p2.h5" --force 2>"$ES_TMP/m.log" \
    && ok "merge --force replaces" || bad "merge --force"
finish
