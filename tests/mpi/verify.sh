#!/usr/bin/env bash
# tests/mpi/verify.sh: the verification jobs meet their analytic answers
# (Ishigami and Sobol G, design saltelli: mean, std, first and total Sobol
# indices) and exit 0; a job whose [verify] misses says which check and
# exits 5, with its file complete.
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
finish
