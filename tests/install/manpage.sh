#!/usr/bin/env bash
# tests/install/manpage.sh MANPAGE SRC_DIR VERSION: the man page renders
# without a single warning and says what the program does.  Fails on:
#  - any message of `man --warnings -l` (groff's warnings), a non-ASCII byte,
#    a line wider than 80 columns when rendered at 80;
#  - a .TH version other than the project's VERSION;
#  - a long or short option of src/cli.c, a command, a [sweep] key of
#    src/job.c, a distribution of src/dist.c, an ECONSWEEP_ variable the
#    sources read, or an exit code of src/runopts.h that the page does not
#    document.
# ctest unit_manpage runs it on docs/econsweep.1; tests/install/install.sh on
# the installed copy.  Needs man-db (and groff-base, which it pulls in).
set -euo pipefail
page=$1 src=$2 version=$3
command -v man >/dev/null || { echo "manpage.sh: man not found: install man-db" >&2; exit 1; }
fail=0
bad() { echo "manpage.sh: $page: $*" >&2; fail=1; }

# 1. groff's warnings, through man as a user would read it
warn=$(MANWIDTH=80 LC_ALL=C man --warnings -l "$page" 2>&1 >/dev/null) || bad "man failed"
[ -z "$warn" ] || bad "man --warnings: $warn"
if LC_ALL=C grep -n '[^ -~]' "$page" | grep -v $'\t' >/dev/null; then
    bad "non-ASCII or control bytes: $(LC_ALL=C grep -n '[^ -~]' "$page" | head -3)"
fi
wide=$(MANWIDTH=80 LC_ALL=C man -l "$page" 2>/dev/null | awk 'length > 80')
[ -z "$wide" ] || bad "lines wider than 80 columns at MANWIDTH=80: $wide"

# 2. the version
th=$(grep -m1 '^\.TH ' "$page")
[[ $th == *"\"econsweep $version\""* ]] || bad ".TH names no \"econsweep $version\": $th"

# 3. what the sources define, each documented
# the tags of the OPTIONS section's entries (the line after each .TP), plain:
# ".BR \-o ", " \-\-output =\fIOUT.h5\fP" -> ".BR -o ,  --output =OUT.h5"
tags=$(awk '/^\.SH OPTIONS/ { f = 1; next } /^\.SH / { f = 0 } f && prev == ".TP" { print } { prev = $0 }' "$page" |
    sed 's/\\-/-/g; s/\\f[BIPR]//g; s/"//g')
longs=$(sed -n 's/^ *{"\([a-z-]*\)", \(no\|required\)_argument.*/\1/p' "$src/src/cli.c")
[ -n "$longs" ] || bad "no long options found in src/cli.c (has its table changed form?)"
for o in $longs; do
    grep -qE -- "(^| )--$o( |=|\$)" <<<"$tags" || bad "option --$o (src/cli.c) has no entry in OPTIONS"
done
shorts=$(grep -o '"-[A-Za-z]"' "$src/src/cli.c" | tr -d '"-' | sort -u)
shorts+=" $(grep 'shortopts =' "$src/src/cli.c" | grep -o '":[a-zA-Z:]*"' | tr -d '":' | fold -w1 | sort -u)"
for o in $shorts; do
    grep -qE -- "(^| )-$o( |,|\$)" <<<"$tags" || bad "option -$o (src/cli.c) has no entry in OPTIONS"
done
# the commands (not "help", which is --help)
cmds=$(sed -n '/es_cmd_names\[\] = {/,/};/p' "$src/src/cli.c" | grep -o '"[a-z]\+"' | tr -d '"' | grep -vx help)
[ -n "$cmds" ] || bad "no commands found in src/cli.c"
for c in $cmds; do
    grep -q "^\.SS \"econsweep $c " "$page" || bad "command $c has no section (.SS \"econsweep $c ...\")"
done
keys=$(sed -n 's/^ *{"\([a-z_]*\)", es_key_.*/\1/p' "$src/src/job.c")
[ -n "$keys" ] || bad "no [sweep] keys found in src/job.c"
for k in $keys; do
    grep -q "^\.B $k\$" "$page" || bad "[sweep] key $k (src/job.c) has no entry (.B $k)"
done
dists=$(sed -n 's/^ *\.name = "\([a-z]*\)",$/\1/p' "$src/src/dist.c")
[ -n "$dists" ] || bad "no distributions found in src/dist.c"
for d in $dists; do
    grep -q "^\.BR $d \":" "$page" || bad "distribution $d (src/dist.c) has no entry"
done
for v in $(grep -oh 'getenv("ECONSWEEP_[A-Z_]*")' "$src"/src/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
    grep -q "^\.B $v\$" "$page" || bad "environment variable $v (read in src/) is not in ENVIRONMENT"
done
codes=$(sed -n 's/^ *ES_EXIT_[A-Z]* = \([0-9]*\),\{0,1\}$/\1/p' "$src/src/runopts.h")
[ -n "$codes" ] || bad "no exit codes found in src/runopts.h"
status=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$page")
for c in $codes; do
    grep -q "^\.B $c\$" <<<"$status" || bad "exit code $c (src/runopts.h) is not in EXIT STATUS"
done

[ $fail -eq 0 ] && echo "manpage.sh: $page: no warnings; documents $(wc -w <<<"$longs") long options, commands, $(wc -w <<<"$keys") [sweep] keys, $(wc -w <<<"$dists") distributions, exit codes $(tr '\n' ' ' <<<"$codes")"
exit $fail
