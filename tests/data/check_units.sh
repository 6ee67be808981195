#!/usr/bin/env bash
# tests/data/check_units.sh TEST_MODEL: every unit string of every model
# (test_model --units lists them from the model tables) parses with
# UDUNITS-2's own parser, the udunits2 program of Debian's udunits-bin.
# Strings without "USD" must parse with the stock database; money strings
# parse once USD is added as a base unit of its own, the one symbol the
# project's convention adds (docs/model.md, "Units").  Exit 77 (skip) when
# udunits2 is not installed.
set -u
bin=${1:?usage: check_units.sh TEST_MODEL}
command -v udunits2 >/dev/null || { echo "SKIP: udunits2 not installed (apt-get install udunits-bin)"; exit 77; }
stock=/usr/share/xml/udunits
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/usd.xml" <<XML
<?xml version="1.0" encoding="US-ASCII"?>
<unit-system>
    <import>$stock/udunits2-prefixes.xml</import>
    <import>$stock/udunits2-base.xml</import>
    <import>$stock/udunits2-derived.xml</import>
    <import>$stock/udunits2-accepted.xml</import>
    <import>$stock/udunits2-common.xml</import>
    <unit><base/><name><singular>US_dollar</singular></name><symbol>USD</symbol></unit>
</unit-system>
XML
fail=0 n=0
# parses UNIT [DATABASE]: udunits2 prints the unit's definition, or an error
parses() {
    local out
    out=$(udunits2 -H "$1" -W "" ${2:+"$2"} </dev/null 2>&1)
    [[ $? -eq 0 && $out != *"Don't recognize"* && $out != *"Couldn't"* ]]
}
"$bin" --units >"$tmp/units.tsv" || { echo "FAIL: $bin --units"; exit 1; }
while IFS=$'\t' read -r model name unit; do
    n=$((n + 1))
    if [[ $unit == *USD* ]]; then
        parses "$unit" "$tmp/usd.xml" || { echo "FAIL: $model $name: '$unit' does not parse with USD added"; fail=1; }
    else
        parses "$unit" || { echo "FAIL: $model $name: '$unit' does not parse with stock UDUNITS-2"; fail=1; }
    fi
done <"$tmp/units.tsv"
[ "$n" -ge 58 ] || { echo "FAIL: only $n unit strings listed"; fail=1; }
# the cost of a PFLOP-hour is not plain USD: USD per (1e15 FLOP/s for an hour),
# 1/3.6e18 USD per FLOP
grep -q "asic_usd_per_pflop_hour	USD/(1e15 s-1 h)$" "$tmp/units.tsv" || { echo "FAIL: the unit of asic_usd_per_pflop_hour"; fail=1; }
got=$(udunits2 -H "USD/(1e15 s-1 h)" -W "USD" "$tmp/usd.xml" </dev/null 2>&1)
[[ $got == *"= 2.77778e-19 USD"* ]] || { echo "FAIL: USD/(1e15 s-1 h) converts as '$got'"; fail=1; }
# and the check can fail: unparseable strings are caught
parses "USD/PFLOP-h" "$tmp/usd.xml" && { echo "FAIL: USD/PFLOP-h parsed"; fail=1; }
parses "1/yr" && { echo "FAIL: 1/yr parsed"; fail=1; }
parses "USD" && { echo "FAIL: USD parsed with the stock database"; fail=1; }
[ $fail = 0 ] && echo "OK: $n unit strings parse with UDUNITS-2"
exit $fail
