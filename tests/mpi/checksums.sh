#!/usr/bin/env bash
# tests/mpi/checksums.sh: the shipped jobs give their pinned checksums (a hash
# of every output value with its index, the same for any rank count).  A
# change that moves one of them changes every number of that job: its commit
# must say so and update the value here (as the Cholesky from GSL, the
# Philox words shared by two dimensions and the copula's Phi by erfc did).
. "$(dirname "$0")/lib.sh"
while read -r job extra want; do
    [ -n "$job" ] || continue
    run_np 2 run "$ES_SRC/jobs/$job" -o "$ES_TMP/c.h5" --store summary $extra </dev/null 2>"$ES_TMP/c.log"
    got=$(closing_checksum "$ES_TMP/c.log")
    [ "$got" = "$want" ] && ok "$job $extra: checksum $want" || { bad "$job $extra: checksum $got, pinned $want"; tail -3 "$ES_TMP/c.log"; }
    rm -f "$ES_TMP/c.h5"
done <<'PINNED'
smoke.ini --samples=5000 2ed037a0827553d4
ishigami.ini --samples=65536 1a9b207bc7053ea8
sobol_g.ini --samples=65536 2fa57d0ad086d06b
openai_amazon.ini --samples=20000 a5753ef1f406d1b4
openai_amazon_scan.ini --samples=2000 e073033eee483e37
PINNED
finish
