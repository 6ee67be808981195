#!/usr/bin/env bash
# tests/mpi/verify.sh: the verification jobs meet their analytic answers
# (Ishigami and Sobol G, design saltelli: mean, std, first and total Sobol
# indices) and exit 0; a job whose [verify] misses says which check and
# exits 5, with its file complete.  Parts leave [verify] to merge.
. "$(dirname "$0")/lib.sh"
for j in ishigami sobol_g; do
    run_np 2 run "$ES_SRC/jobs/$j.ini" -o "$ES_TMP/$j.h5" 2>"$ES_TMP/$j.log"
    rc=$?
    n=$(grep -c '^verify: .*, ok$' "$ES_TMP/$j.log")
    [ $rc -eq 0 ] && [ "$n" -ge 8 ] && ! grep -q FAILED "$ES_TMP/$j.log" \
        && ok "$j: exit 0, $n checks ok" || { bad "$j: exit $rc"; grep verify "$ES_TMP/$j.log"; }
done
grep -q '^verify: sobol_total(y, x3) = 0.2437 +- 0.01 (line [0-9]*): 0.24[0-9]*, ok$' "$ES_TMP/ishigami.log" \
    && ok "ishigami: total index of x3 near 0.2437" || bad "ishigami: total index of x3"
# a wrong answer: exit 5, the failing check named, the file still complete
sed 's/^mean(y) *= *3.5 *+- *0.05/mean(y) = 4.0 +- 0.05/' "$ES_SRC/jobs/ishigami.ini" >"$ES_TMP/wrong.ini"
grep -q '^mean(y) = 4.0' "$ES_TMP/wrong.ini" || bad "wrong job not made"
run_np 2 run "$ES_TMP/wrong.ini" -o "$ES_TMP/wrong.h5" 2>"$ES_TMP/wrong.log"
rc=$?
[ $rc -eq 5 ] && ok "a missed check exits 5" || { bad "missed check: exit $rc"; cat "$ES_TMP/wrong.log"; }
grep -q '^verify: mean(y) = 4.0 +- 0.05 (line [0-9]*): 3.5[0-9]*, FAILED: outside the tolerance$' "$ES_TMP/wrong.log" \
    && grep -q "1 verification check failed" "$ES_TMP/wrong.log" && ok "the missed check is named" || bad "missed check message"
[ "$(h5attr "$ES_TMP/wrong.h5" status)" = complete ] && ok "the file is complete all the same" || bad "status"
# parts of a job: [verify] is the whole job's, checked by merge, not by each
# part (a part of 4096 of ishigami's base exits 5 if checked on its own)
for k in 0 1; do
    run_np 2 run "$ES_SRC/jobs/ishigami.ini" --samples 4096 --part $k/2 -o "$ES_TMP/ip$k.h5" 2>"$ES_TMP/ip$k.log"
    rc=$?
    [ $rc -eq 0 ] && grep -q "\[verify\] is checked when the parts are merged, not on part $k/2" "$ES_TMP/ip$k.log" \
        && ! grep -q '^verify: ' "$ES_TMP/ip$k.log" && ok "part $k/2: [verify] left to merge (exit 0)" \
        || { bad "part $k/2: exit $rc"; grep verify "$ES_TMP/ip$k.log"; }
done
"$ES_BIN" merge "$ES_TMP/im.h5" "$ES_TMP/ip0.h5" "$ES_TMP/ip1.h5" 2>"$ES_TMP/im.log"
rc=$?
n=$(grep -c '^verify: .*, ok$' "$ES_TMP/im.log")
[ $rc -eq 0 ] && [ "$n" -ge 8 ] && ok "merge checks [verify] on the whole job: $n checks ok" \
    || { bad "merge verify: exit $rc"; grep verify "$ES_TMP/im.log"; }
sed 's/^mean(y) *= *3.5 *+- *0.05/mean(y) = 4.0 +- 0.05/' "$ES_SRC/jobs/ishigami.ini" >"$ES_TMP/wrongp.ini"
for k in 0 1; do
    run_np 2 run "$ES_TMP/wrongp.ini" --samples 4096 --part $k/2 -o "$ES_TMP/wp$k.h5" 2>/dev/null \
        || bad "wrong job, part $k/2: exit $?"
done
"$ES_BIN" merge "$ES_TMP/wm.h5" "$ES_TMP/wp0.h5" "$ES_TMP/wp1.h5" 2>"$ES_TMP/wm.log"
[ $? -eq 5 ] && grep -q '^verify: mean(y) = 4.0 +- 0.05 (line [0-9]*): .*FAILED' "$ES_TMP/wm.log" \
    && ok "merge exits 5 on a missed check" || { bad "merge missed check"; cat "$ES_TMP/wm.log"; }
finish
