#!/usr/bin/env bash
# tests/mpi/cli.sh: exit codes and "no damage": a bad job creates nothing, an
# existing output is never overwritten without --force, a missing folder is
# an I/O error before anything is created.
. "$(dirname "$0")/lib.sh"
smoke=$ES_SRC/jobs/smoke.ini
expect_rc() { # expect_rc WANT LABEL cmd...
    local want=$1 label=$2; shift 2
    "$@" >"$ES_TMP/out.log" 2>"$ES_TMP/err.log"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$label (exit $rc)"; else bad "$label: exit $rc, expected $want"; cat "$ES_TMP/err.log"; fi
}
expect_rc 0 "--help" "$ES_BIN" --help
grep -q "econsweep run JOB.ini" "$ES_TMP/out.log" && ok "--help lists the commands" || bad "--help text"
for c in run check report merge; do
    expect_rc 0 "$c --help" "$ES_BIN" "$c" --help
    grep -q "^usage: .*econsweep $c" "$ES_TMP/out.log" && ok "$c --help has its own usage" || bad "$c --help text"
done
grep -q -- "--samples=N" <("$ES_BIN" run --help) && ok "run --help lists options" || bad "run --help options"
# under mpiexec, run --help prints once and exits 0, without an error
expect_rc 0 "run --help on 2 ranks" run_np 2 run --help
[ "$(grep -c '^usage:' "$ES_TMP/out.log")" = 1 ] && [ ! -s "$ES_TMP/err.log" ] && ok "run --help printed once, no error" || bad "run --help under mpiexec"
expect_rc 0 "--version" "$ES_BIN" --version
grep -q "^econsweep [0-9.]* (commit [0-9a-f]" "$ES_TMP/out.log" && grep -q "MPI:  Open MPI" "$ES_TMP/out.log" \
    && grep -q "HDF5: 1\." "$ES_TMP/out.log" && grep -q "GSL:  2\." "$ES_TMP/out.log" \
    && ok "version line with commit and library versions" || { bad "version line"; cat "$ES_TMP/out.log"; }
for c in run check report merge; do
    "$ES_BIN" "$c" -V >"$ES_TMP/v1.log" 2>&1 && "$ES_BIN" "$c" --version >"$ES_TMP/v2.log" 2>&1 \
        && cmp -s "$ES_TMP/v1.log" "$ES_TMP/out.log" && cmp -s "$ES_TMP/v2.log" "$ES_TMP/out.log" \
        && ok "$c -V and $c --version print the version" || bad "$c -V"
done
expect_rc 1 "no command" "$ES_BIN"
expect_rc 1 "unknown command" "$ES_BIN" frobnicate
expect_rc 1 "a command is named in full" "$ES_BIN" rust "$smoke"
grep -q "unknown command 'rust'" "$ES_TMP/err.log" && ok "rust is not run" || bad "rust message"
expect_rc 1 "help of an unknown command" "$ES_BIN" help bogus
grep -q "help 'bogus': unknown command" "$ES_TMP/err.log" && ok "help names the unknown command" || bad "help bogus message"
expect_rc 1 "--part K/1 (one part is the whole job)" "$ES_BIN" run "$smoke" --part 0/1 -o "$ES_TMP/p1.h5"
grep -q "for the whole job leave --part out" "$ES_TMP/err.log" && [ ! -e "$ES_TMP/p1.h5" ] && ok "--part 0/1 says why" || bad "--part 0/1 message"
expect_rc 1 "report --plots= (no folder)" "$ES_BIN" report "$smoke" --plots=
# a plan the job's keys cannot make (too many chunks) names the key's line
printf '[sweep]\nmodel = compute_economics\nsamples = 1e13\nchunk = 512\nseed = 1\n' >"$ES_TMP/plan.ini"
for cmd in check run; do
    expect_rc 2 "$cmd: too many chunks" "$ES_BIN" $cmd "$ES_TMP/plan.ini" -o "$ES_TMP/plan.h5"
    grep -q "^$ES_TMP/plan.ini:4: \[sweep\] chunk: 10000000000000 rows in chunks of 512 make" "$ES_TMP/err.log" \
        && [ ! -e "$ES_TMP/plan.h5" ] && ok "$cmd: the plan's error names file, line and key" || { bad "$cmd: plan error"; cat "$ES_TMP/err.log"; }
done
expect_rc 1 "--resume with --force" "$ES_BIN" run "$smoke" --resume --force
expect_rc 1 "check takes no --force" "$ES_BIN" check "$smoke" --force
# output that cannot be written is a failure
"$ES_BIN" --help >/dev/full 2>/dev/null && bad "--help to /dev/full exit 0" || ok "--help to /dev/full fails"
"$ES_BIN" check "$smoke" >/dev/full 2>/dev/null && bad "check to /dev/full exit 0" || ok "check to /dev/full fails"
"$ES_BIN" check "$smoke" >&- 2>/dev/null && bad "check to a closed stdout exit 0" || ok "check to a closed stdout fails"
expect_rc 1 "unknown option" run_np 1 run "$smoke" --frob
expect_rc 1 "--samples 0" run_np 1 run "$smoke" --samples 0
expect_rc 1 "--store bad" run_np 2 run "$smoke" --store some
grep -c "expected all, outputs or summary" "$ES_TMP/err.log" | grep -qx 1 && ok "usage error printed once on 2 ranks" || bad "usage error count"

# check
expect_rc 0 "check smoke" "$ES_BIN" check "$smoke"
grep -Eq "^  valuation_usd +USD +lognormal\(median=5.5e\+11, sigma=0.227797\) +3.781e\+11 +5.5e\+11 +8e\+11$" "$ES_TMP/out.log" \
    && ok "check prints a distribution with p5, p50, p95" || { bad "check distribution line"; cat "$ES_TMP/out.log"; }
grep -Eq "^  chip_markup +1 +fixed 1.5$" "$ES_TMP/out.log" && ok "check prints fixed values" || bad "check fixed line"
grep -q "^samples    5000 (evaluations 5000)$" "$ES_TMP/out.log" && grep -q "^chunk      512 samples (10 chunks)$" "$ES_TMP/out.log" \
    && grep -Eq "^output     .*smoke.h5 \(about [0-9.]+ [KM]iB\)$" "$ES_TMP/out.log" && grep -q "^design     mc$" "$ES_TMP/out.log" \
    && ok "check prints design, samples, chunk and size" || bad "check plan header"
grep -q "^  valuation_usd ~ investment_usd = 0.4$" "$ES_TMP/out.log" && ok "check prints correlations" || bad "check correlations"
printf '[sweep]\nsamples = 10\n[mfu]\ndist = normal\nmean = 0.4\nsd = 0.1\n' >"$ES_TMP/bad.ini"
expect_rc 2 "check bad job" "$ES_BIN" check "$ES_TMP/bad.ini"
grep -q "bad.ini:4: \[mfu\] dist: normal can give mfu = -inf, but mfu must be > 0" "$ES_TMP/err.log" && ok "check names file:line" || { bad "check message"; cat "$ES_TMP/err.log"; }

# check shows which outputs the job can move, warns of a main output that cannot,
# and with --base evaluates the scenario (docs/model.md's worked values)
printf '[sweep]\nscenario = %s\nsamples = 1000\n[electricity_usd_per_mwh]\ndist = uniform\nlow = 50\nhigh = 100\n[pue]\ndist = uniform\nlow = 1.1\nhigh = 1.3\n' \
    "$ES_SRC/inputs/openai_amazon_2026.ini" >"$ES_TMP/elec.ini"
expect_rc 0 "check --base" "$ES_BIN" check "$ES_TMP/elec.ini" --base
grep -Eq "^  investor_npv_usd +USD +fixed " "$ES_TMP/out.log" && grep -Eq "^  asic_usd_per_pflop_hour .* varies " "$ES_TMP/out.log" \
    && ok "check marks outputs fixed or varying" || { bad "check dependencies"; cat "$ES_TMP/out.log"; }
grep -q "^warning: .* main outputs cannot vary in this job:.* investor_npv_usd" "$ES_TMP/out.log" \
    && ok "check warns that the NPV cannot vary" || bad "check fixed-output warning"
grep -Eq "^  investor_npv_usd +5\.8044477e\+09 USD$" "$ES_TMP/out.log" && grep -Eq "^  investor_irr +0\.25354485 year-1$" "$ES_TMP/out.log" \
    && grep -Eq "^  asic_usd_per_pflop_hour +0\.56442107 " "$ES_TMP/out.log" && ok "check --base: docs/model.md's worked values" \
    || bad "check --base values"
"$ES_BIN" check "$smoke" >"$ES_TMP/out.log"
grep -q "^warning: .*cannot vary" "$ES_TMP/out.log" && bad "smoke job warned" || ok "no warning when every main output varies"

# a scan too large for a rank's memory is refused before anything runs
printf '[sweep]\nscenario = %s\nsamples = 10\n[mfu]\ndist = uniform\nlow = 0.3\nhigh = 0.4\n[scan]\npue = 1.0 to 2.0 step 0.001\nload_factor = 0.1 to 1.0 step 0.001\n' \
    "$ES_SRC/inputs/openai_amazon_2026.ini" >"$ES_TMP/bigscan.ini"
expect_rc 2 "a scan of 901901 cells" "$ES_BIN" check "$ES_TMP/bigscan.ini"
grep -q "\[scan\] (line 9): the scan's 901901 cells keep statistics of about .* GiB per rank" "$ES_TMP/err.log" \
    && ok "the scan's memory named, nothing allocated" || { bad "big scan message"; cat "$ES_TMP/err.log"; }

# the example jobs of the README and the man page are valid as printed
mkdir -p "$ES_TMP/ex"
awk '/^    ; jobs\/mine.ini$/ {on = 1} on && /^[^ ]/ {exit} on {sub(/^    /, ""); print}' "$ES_SRC/README.md" >"$ES_TMP/ex/mine.ini"
awk '/^\.SS Example$/ {on = 1; next} on && /^\.RE$/ {exit} on && !/^\./ {print}' "$ES_SRC/docs/econsweep.1" >"$ES_TMP/ex/man.ini"
for ex in mine man; do
    grep -q "^\[correlation\]$" "$ES_TMP/ex/$ex.ini" || bad "the $ex example job was not extracted"
    ECONSWEEP_PATH=$ES_SRC/inputs expect_rc 0 "the $ex example job checks" "$ES_BIN" check "$ES_TMP/ex/$ex.ini"
done

# the README's layout: jobs/mine.ini names the scenario "mine", which is
# inputs/mine.ini; the job file itself, next to the job, is passed over
mkdir -p "$ES_TMP/lay/jobs" "$ES_TMP/lay/inputs"
sed 's|^scenario .*|scenario = mine|' "$smoke" >"$ES_TMP/lay/jobs/mine.ini"
expect_rc 2 "a scenario name that only a job file has" "$ES_BIN" check "$ES_TMP/lay/jobs/mine.ini"
grep -q "mine.ini:[0-9]*: \[sweep\] scenario: no scenario 'mine' (mine.ini) .* (job files, with a \[sweep\] section, are passed over)" "$ES_TMP/err.log" \
    && ok "the job file is not its own scenario" || { bad "job file taken as scenario"; cat "$ES_TMP/err.log"; }
cp "$ES_SRC/inputs/openai_amazon_2026.ini" "$ES_TMP/lay/inputs/mine.ini"
expect_rc 0 "jobs/mine.ini finds inputs/mine.ini" "$ES_BIN" check "$ES_TMP/lay/jobs/mine.ini"
grep -q "^scenario   .*/jobs/../inputs/mine.ini$" "$ES_TMP/out.log" && ok "the scenario of the same name in ../inputs" || bad "scenario line"
# the same with the section header written "[ sweep ]", which the reader accepts
sed 's|^\[sweep\]|[ sweep ]|' "$ES_TMP/lay/jobs/mine.ini" >"$ES_TMP/lay/jobs/mine2.ini"
sed -i 's|^scenario .*|scenario = mine2|' "$ES_TMP/lay/jobs/mine2.ini"
grep -q '^\[ sweep \]' "$ES_TMP/lay/jobs/mine2.ini" || bad "test set-up: no [ sweep ] header"
cp "$ES_SRC/inputs/openai_amazon_2026.ini" "$ES_TMP/lay/inputs/mine2.ini"
expect_rc 0 "jobs/mine2.ini with [ sweep ] finds inputs/mine2.ini" "$ES_BIN" check "$ES_TMP/lay/jobs/mine2.ini"
grep -q "^scenario   .*/jobs/../inputs/mine2.ini$" "$ES_TMP/out.log" && ok "[ sweep ]: the job file is not its own scenario" || bad "[ sweep ]: scenario line"

# the largest sample counts: check answers at once (it summed the rows chunk
# by chunk: hours at 2^53), and a run of more chunks than the file can mark
# is refused with the chunk that would do
expect_rc 0 "check of 1e12 samples" timeout 20 "$ES_BIN" check "$ES_SRC/jobs/openai_amazon.ini" --samples 1e12 --store summary
grep -q "^samples    1000000000000 " "$ES_TMP/out.log" && grep -q "^estimate " "$ES_TMP/out.log" \
    && ok "check of 1e12 samples: plan and estimate" || { bad "check of 1e12 samples"; cat "$ES_TMP/out.log"; }
expect_rc 2 "check of 2^53 samples in chunks of 512" timeout 20 "$ES_BIN" check "$smoke" --samples 9007199254740992
grep -q "smoke.ini:[0-9]*: \[sweep\] chunk: 9007199254740992 rows in chunks of 512 make 17592186044416 chunks; at most 268435456" "$ES_TMP/err.log" \
    && ok "too many chunks: said so" || { bad "too many chunks message"; cat "$ES_TMP/err.log"; }
expect_rc 2 "check of 1e14 samples in chunks of 512" "$ES_BIN" check "$smoke" --samples 1e14 --store summary
grep -q "use chunk >= 372530$" "$ES_TMP/err.log" && ok "too many chunks: the least chunk named" || { bad "least chunk"; cat "$ES_TMP/err.log"; }
expect_rc 2 "run of 2^53 samples in chunks of 512" run_np 2 run "$smoke" --samples 9007199254740992 --store summary -o "$ES_TMP/never.h5"
[ ! -e "$ES_TMP/never.h5" ] && grep -q "make 17592186044416 chunks" "$ES_TMP/err.log" \
    && ok "run refuses too many chunks, creates nothing" || { bad "run of too many chunks"; cat "$ES_TMP/err.log"; }

# ECONSWEEP_PHASES: rank 0 prints its phases, which add up to the run's time
ECONSWEEP_PHASES=1 run_np 2 run "$smoke" -o "$ES_TMP/ph.h5" --samples 20000 >/dev/null 2>"$ES_TMP/ph.log"
/usr/bin/python3 - "$ES_TMP/ph.log" <<'PY' && ok "ECONSWEEP_PHASES: 6 phases that add up to the closing line's time" || { bad "phases"; cat "$ES_TMP/ph.log"; }
import re, sys
t = open(sys.argv[1]).read()
ph = [float(x) for x in re.findall(r"^econsweep: phase .* ([0-9.]+) s$", t, re.M)]
total = float(re.search(r"^econsweep: done .* in ([0-9.]+) s,", t, re.M).group(1))
assert len(ph) == 6 and t.count("econsweep: phase ") == 6, ph
assert all(x >= 0 for x in ph) and sum(ph) <= total + 0.01, (ph, total)
PY

# run: a bad job creates nothing
expect_rc 2 "run bad job" run_np 2 run "$ES_TMP/bad.ini" -o "$ES_TMP/never.h5"
[ ! -e "$ES_TMP/never.h5" ] && ok "bad job: no output created" || bad "bad job left a file"
expect_rc 2 "run missing job" run_np 1 run "$ES_TMP/nope.ini" -o "$ES_TMP/never.h5"
grep -q "nope.ini: cannot open" "$ES_TMP/err.log" && ok "missing job named" || bad "missing job message"

# run: refuse to overwrite
expect_rc 0 "first run" run_np 2 run "$smoke" -o "$ES_TMP/a.h5" --samples 1000
sum1=$(md5sum <"$ES_TMP/a.h5")
expect_rc 1 "second run refuses" run_np 2 run "$smoke" -o "$ES_TMP/a.h5" --samples 2000
grep -q "refusing to overwrite" "$ES_TMP/err.log" && ok "refusal explained" || bad "refusal message"
[ "$(md5sum <"$ES_TMP/a.h5")" = "$sum1" ] && ok "existing output untouched" || bad "existing output changed"
expect_rc 0 "--force replaces" run_np 2 run "$smoke" -o "$ES_TMP/a.h5" --samples 2000 --force
[ "$(h5attr "$ES_TMP/a.h5" samples)" = 2000 ] && ok "forced file holds the new run" || bad "forced file"

# run: a missing folder is an I/O error, nothing created
expect_rc 3 "missing folder" run_np 2 run "$smoke" -o "$ES_TMP/no/such/dir/x.h5"
grep -q "folder $ES_TMP/no/such/dir does not exist" "$ES_TMP/err.log" && ok "folder named" || bad "folder message"

# overrides land in the file; getopt_long forms: --opt=value, -oFILE, --
expect_rc 0 "overrides" run_np 1 run "$smoke" -o"$ES_TMP/o.h5" --samples=777 --seed 5 --store=outputs
expect_rc 0 "check with overrides" "$ES_BIN" check --samples=1e3 -- "$smoke"
grep -q "^samples    1000 (evaluations 1000)$" "$ES_TMP/out.log" && ok "check shows the overridden plan" || bad "check overrides"
expect_rc 0 "check warns of an existing output" "$ES_BIN" check "$smoke" -o "$ES_TMP/a.h5"
grep -q "warning: .*a.h5 exists: run would refuse it" "$ES_TMP/out.log" && ok "check warns the output exists" || bad "check existing output warning"
expect_rc 0 "check warns of a missing folder" "$ES_BIN" check "$smoke" -o "$ES_TMP/nope/x.h5"
grep -q "warning: the output's folder .*nope does not exist" "$ES_TMP/out.log" && ok "check warns the folder is missing" || bad "check folder warning"
grep -Eq "^estimate   [0-9]+ samples/s on one core here" "$ES_TMP/out.log" && ok "check estimates the run time" || bad "check estimate"
[ "$(h5attr "$ES_TMP/o.h5" samples)" = 777 ] && [ "$(h5attr "$ES_TMP/o.h5" seed)" = 5 ] && ok "samples and seed overridden" || bad "overrides"
h5ls "$ES_TMP/o.h5/outputs/mfu_never_an_output" >/dev/null 2>&1 && bad "h5ls finds what is not there" || ok "h5ls reports a missing object"
h5ls "$ES_TMP/o.h5/outputs/investor_irr" >/dev/null 2>&1 && ok "store outputs keeps output rows" || bad "store outputs lost output rows"
h5ls "$ES_TMP/o.h5/inputs/mfu" >/dev/null 2>&1 && bad "store outputs kept input rows" || ok "store outputs drops input rows"
expect_rc 0 "store summary" run_np 2 run "$smoke" -o "$ES_TMP/s.h5" --store summary
h5ls "$ES_TMP/s.h5/sample" >/dev/null 2>&1 && bad "store summary kept /sample" || ok "store summary has no /sample"
h5ls "$ES_TMP/s.h5/outputs/investor_irr" >/dev/null 2>&1 && bad "store summary kept output rows" || ok "store summary has no output rows"
h5dump -a /summary/mfu/mean "$ES_TMP/s.h5" >/dev/null 2>&1 && ok "store summary has summaries" || bad "summary missing"

# progress lines (interval shortened for the test) and one closing line, from rank 0 only.
# Rank 0 prints after a block of its chunks once the interval has passed: 0.01 s
# is well below one chunk's time however fast the machine (pass 1 of this run
# took 0.18 s on 3 ranks of the 2-core test machine, so 0.2 s could leave no line)
ECONSWEEP_PROGRESS_SECONDS=0.01 run_np 3 run "$ES_SRC/jobs/openai_amazon.ini" -o "$ES_TMP/p.h5" \
    --samples 300000 --store summary 2>"$ES_TMP/p.log"
grep -Eq '^econsweep: progress [0-9]+/300000 samples \([0-9.]+%\), [0-9]+ samples/s, ETA [0-9]+:[0-9]{2}:[0-9]{2}$' "$ES_TMP/p.log" \
    && ok "progress lines" || { bad "progress lines"; cat "$ES_TMP/p.log"; }
[ "$(grep -c '^econsweep: done 300000 samples in' "$ES_TMP/p.log")" = 1 ] && ok "one closing line" || bad "closing lines"
grep -Eq 'samples/s total, [0-9]+ samples/s per rank \(3 ranks\), checksum [0-9a-f]{16}' "$ES_TMP/p.log" \
    && ok "closing line: rate total, per rank, checksum" || bad "closing line format"
finish
