#!/usr/bin/env bash
# tests/install/install.sh [REFERENCE_BIN]: econsweep as a cluster user gets it.
#
#  1. Exports the tracked files of this checkout (git ls-files, with their
#     working-tree content) into a temporary folder: what a fresh clone holds,
#     so a file the build needs but git lacks fails here as in CI, while
#     uncommitted edits of tracked files are still tested.  (Not `git archive
#     HEAD`, which would ignore the edits under test; not `git worktree add`,
#     which would register a worktree in the shared repository.)
#  2. Builds it with -DBUILD_TESTING=OFF where pkg-config cannot see cmocka,
#     and without the AVX2/AVX-512 function clones (-DES_NO_CLONES, as on a
#     CPU other than x86-64), and installs it with `cmake --install` to a
#     temporary prefix.
#  3. Checks the installed layout, the man page, the Lmod modulefile, and runs
#     the installed program on the installed jobs from an empty folder:
#     `check` resolves the scenario by name (beside the jobs, among the
#     installed scenarios, through ECONSWEEP_PATH), `mpiexec -n 2 ... run`
#     writes a complete file in the current folder and nothing in the prefix.
#     Given a reference program as its argument (tools/test passes the
#     development build, with its clones), the installed program's checksum
#     must equal the reference's: the clones give the bits of the baseline.
# tools/test runs it; KEEP=1 keeps the temporary folder.  About 30 s of
# compiling on 2 cores, a few seconds of checks.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
ref=${1:-}
[ -z "$ref" ] || ref=$(cd "$(dirname "$ref")" && pwd)/${ref##*/}
if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_warn_on_fork=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/econsweep-install.XXXXXX")
[ "${KEEP:-0}" = 1 ] && echo "install.sh: keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok: $*"; }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
die() { echo "FAIL: $*"; echo "install.sh: $passes passed, $((fails + 1)) failed"; exit 1; }
t0=$SECONDS

# ---- 1. the tracked files, as a clone has them ----
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    die "$src is not a git checkout; the install test builds what git tracks"
fi
mkdir -p "$tmp/src"
(cd "$src" && git ls-files -z --cached | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f" # a tracked file deleted in the tree is gone
done | tar --null -T - -cf -) | tar -xf - -C "$tmp/src" || die "exporting the tracked files"
commit=$(git -C "$src" describe --always --dirty --abbrev=12)
version=$(sed -n 's/^project(econsweep VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
echo "install.sh: $(git -C "$src" ls-files | wc -l) tracked files of $commit (version $version)"

# ---- 2. build without tests, where cmocka cannot be found; install ----
# pkg-config sees every .pc of the system but cmocka's
mkdir -p "$tmp/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
    for pc in "$d"/*.pc; do
        [ -e "$pc" ] || continue
        case ${pc##*/} in cmocka*.pc) ;; *) [ -e "$tmp/pc/${pc##*/}" ] || ln -s "$pc" "$tmp/pc/" ;; esac
    done
done
PKG_CONFIG_LIBDIR=$tmp/pc pkg-config --exists cmocka && die "cmocka still visible to pkg-config"
prefix=$tmp/prefix
if PKG_CONFIG_LIBDIR=$tmp/pc "$tmp/src/tools/build" "$tmp/build" -DBUILD_TESTING=OFF \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DECONSWEEP_COMMIT="$commit" -DCMAKE_C_FLAGS=-DES_NO_CLONES; then
    syms=$(nm "$tmp/build/econsweep" 2>/dev/null || true)
    clones=$(grep -E '\.(resolver|default|avx2|avx512f|arch_x86_64_v4)$' <<<"$syms" | awk '{print $NF}')
    if ! grep -q ' T es_sweep_run$' <<<"$syms"; then
        bad "nm shows no symbols of the build: cannot tell whether it has clones"
    elif [ -n "$clones" ]; then
        bad "the build without clones has clones: $(head -3 <<<"$clones" | tr '\n' ' ')"
    else
        ok "no function clones in the build (ES_NO_CLONES)"
    fi
    ok "configured and built with -DBUILD_TESTING=OFF, cmocka hidden ($((SECONDS - t0)) s)"
else
    die "build with -DBUILD_TESTING=OFF (log above)"
fi
grep -qi 'cmocka\|python' "$tmp/build/CMakeCache.txt" && bad "the cache mentions cmocka or Python:
$(grep -i 'cmocka\|python' "$tmp/build/CMakeCache.txt" | head -5)" || ok "no cmocka or Python in the configuration"
[ ! -e "$tmp/build/tests" ] && ! grep -qs add_test "$tmp/build/CTestTestfile.cmake" \
    && ok "no tests configured" || bad "tests configured although BUILD_TESTING=OFF"
[ -x "$tmp/build/bench_kernel" ] && ok "bench_kernel built" || bad "bench_kernel missing"
[ -x "$tmp/build/bench_model" ] && ok "bench_model built" || bad "bench_model missing"
t1=$SECONDS
if cmake --install "$tmp/build" >"$tmp/install.log" 2>&1; then
    ok "cmake --install to $prefix"
else
    cat "$tmp/install.log"
    die "cmake --install"
fi
grep -q 'CMake Warning' "$tmp/install.log" && bad "install warned: $(cat "$tmp/install.log")"

# ---- 3a. the layout ----
share=$prefix/share/econsweep
missing=()
want=(bin/econsweep share/man/man1/econsweep.1 share/doc/econsweep/README.md
      "share/econsweep/modulefiles/econsweep/$version.lua")
for f in "$tmp"/src/jobs/*.ini; do want+=("share/econsweep/jobs/${f##*/}"); done
for f in "$tmp"/src/inputs/*.ini; do want+=("share/econsweep/inputs/${f##*/}"); done
for f in "$tmp"/src/slurm/*; do want+=("share/econsweep/slurm/${f##*/}"); done
for f in "$tmp"/src/docs/*.md "$tmp"/src/docs/img/*.png; do want+=("share/doc/econsweep/docs/${f#"$tmp"/src/docs/}"); done
for f in "${want[@]}"; do [ -f "$prefix/$f" ] || missing+=("$f"); done
[ ${#missing[@]} -eq 0 ] && ok "installed: ${#want[@]} files (program, jobs, scenarios, slurm, docs, man page, modulefile)" \
    || bad "not installed: ${missing[*]}"
[ -x "$prefix/bin/econsweep" ] && [ -x "$share/slurm/sweep.sbatch" ] && ok "program and sbatch script executable" \
    || bad "program or sbatch script not executable"
ldd "$prefix/bin/econsweep" | grep -q 'not found' && bad "unresolved libraries: $(ldd "$prefix/bin/econsweep" | grep 'not found')"
ldd "$prefix/bin/econsweep" | grep -qi cmocka && bad "the program links cmocka"
readelf -d "$prefix/bin/econsweep" | grep -i 'path' | grep -q "$tmp" && bad "the program's RUNPATH names the build: $(readelf -d "$prefix/bin/econsweep" | grep -i path)"
grep -rq "$tmp/src\|$tmp/build" "$share" "$prefix/share/doc" && bad "installed files name the build tree: $(grep -rl "$tmp/src\|$tmp/build" "$share")"

# ---- 3b. the man page, checked in place and found by man ----
if bash "$here/manpage.sh" "$prefix/share/man/man1/econsweep.1" "$tmp/src" "$version" >"$tmp/man.log" 2>&1; then
    ok "installed man page: $(cat "$tmp/man.log")"
else
    bad "installed man page: $(cat "$tmp/man.log")"
fi
[ "$(man -M "$prefix/share/man" -w econsweep 2>&1)" = "$prefix/share/man/man1/econsweep.1" ] \
    && ok "man -M PREFIX/share/man finds econsweep(1)" || bad "man -w: $(man -M "$prefix/share/man" -w econsweep 2>&1)"

# ---- 3c. the installed program from an empty folder ----
es=$prefix/bin/econsweep
work=$tmp/work
mkdir -p "$work"
cd "$work" || die "cd $work"
touch "$tmp/installed.stamp"
"$es" --version >"$tmp/v.log" 2>&1 && grep -q "^econsweep $version (commit $commit)" "$tmp/v.log" \
    && ok "--version: $(head -1 "$tmp/v.log")" || bad "--version: $(cat "$tmp/v.log")"
scen() { sed -n 's/^scenario *//p' "$1"; }
"$es" check "$share/jobs/smoke.ini" >"$tmp/check.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(scen "$tmp/check.log")" = "$share/jobs/../inputs/openai_amazon_2026.ini" ] \
    && grep -q '^output  *smoke.h5 ' "$tmp/check.log" \
    && ok "check of the installed job: scenario beside the jobs, output smoke.h5 here" \
    || bad "check of the installed job (exit $rc): $(head -12 "$tmp/check.log")"
# a copy of the job, alone in its folder: the scenario comes from the
# installed share/econsweep/inputs (the program's compiled-in folder)
mkdir -p "$tmp/copy"
cp "$share/jobs/smoke.ini" "$tmp/copy/smoke.ini"
"$es" check "$tmp/copy/smoke.ini" >"$tmp/check2.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(scen "$tmp/check2.log")" = "$share/inputs/openai_amazon_2026.ini" ] \
    && ok "a copied job finds its scenario among the installed ones" \
    || bad "copied job (exit $rc): $(grep -i 'scenario' "$tmp/check2.log")"
# a scenario of that name next to the job comes first
mkdir -p "$tmp/copy2"
cp "$share/jobs/smoke.ini" "$share/inputs/openai_amazon_2026.ini" "$tmp/copy2/"
"$es" check "$tmp/copy2/smoke.ini" >"$tmp/check5.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(scen "$tmp/check5.log")" = "$tmp/copy2/openai_amazon_2026.ini" ] \
    && ok "a scenario next to the job comes before the installed one" \
    || bad "scenario next to the job (exit $rc): $(grep -i 'scenario' "$tmp/check5.log")"
# a scenario only in a folder of ECONSWEEP_PATH; without it, exit 2 naming
# the folders looked in (the installed one among them)
mkdir -p "$tmp/mine" "$tmp/scenarios"
cp "$share/inputs/openai_amazon_2026.ini" "$tmp/scenarios/my_case.ini"
sed 's/^scenario *=.*/scenario = my_case/' "$share/jobs/smoke.ini" >"$tmp/mine/job.ini"
ECONSWEEP_PATH=$tmp/none:$tmp/scenarios "$es" check "$tmp/mine/job.ini" >"$tmp/check3.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(scen "$tmp/check3.log")" = "$tmp/scenarios/my_case.ini" ] \
    && ok "scenario = my_case found through ECONSWEEP_PATH" || bad "ECONSWEEP_PATH (exit $rc): $(head -3 "$tmp/check3.log")"
env -u ECONSWEEP_PATH "$es" check "$tmp/mine/job.ini" >"$tmp/check4.log" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "installed scenarios ($share/inputs)" "$tmp/check4.log" \
    && ok "an unknown scenario: exit 2, the installed folder named" || bad "unknown scenario (exit $rc): $(cat "$tmp/check4.log")"
[ -z "$(ls -A "$work")" ] && ok "check wrote nothing" || bad "check wrote: $(ls -A "$work")"

# run on 2 ranks: the file lands in the current folder, complete
t2=$SECONDS
mpiexec -n 2 "$es" run "$share/jobs/smoke.ini" --samples 3000 >"$tmp/run.out" 2>"$tmp/run.log"
rc=$?
h5attr() { h5dump -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | tr -d '"'; }
if [ $rc -eq 0 ] && [ "$(ls -A "$work")" = smoke.h5 ]; then
    ok "mpiexec -n 2 econsweep run: exit 0, wrote only ./smoke.h5 ($((SECONDS - t2)) s)"
else
    bad "run: exit $rc, folder holds '$(ls -A "$work")': $(tail -5 "$tmp/run.log")"
fi
grep -q "^econsweep: done 3000 samples in .*, wrote smoke.h5$" "$tmp/run.log" \
    && ok "closing line: wrote smoke.h5" || bad "closing line: $(grep 'econsweep: done' "$tmp/run.log")"
status=$(h5attr smoke.h5 status) samples=$(h5attr smoke.h5 samples) done_=$(h5attr smoke.h5 samples_done)
last=$(h5dump -d /sample -s 2999 -c 1 smoke.h5 2>/dev/null | sed -n 's/^ *(2999): //p')
[ "$status" = complete ] && [ "$samples" = 3000 ] && [ "$done_" = 3000 ] && [ "$last" = 2999 ] \
    && [ "$(h5attr smoke.h5 scenario_path)" = "$share/jobs/../inputs/openai_amazon_2026.ini" ] \
    && ok "smoke.h5 complete: status $status, samples $samples, samples_done $done_, last row 2999, installed scenario" \
    || bad "smoke.h5: status '$status', samples '$samples', samples_done '$done_', last row '$last'"
sum=$(grep -o 'checksum [0-9a-f]\{16\}' "$tmp/run.log" | cut -d' ' -f2)
[ -n "$sum" ] && [ "$(h5attr smoke.h5 checksum)" = "$sum" ] && ok "file checksum = closing checksum $sum" \
    || bad "checksum: closing '$sum', file '$(h5attr smoke.h5 checksum)'"
if [ -n "$ref" ]; then
    mkdir -p "$tmp/ref" && (cd "$tmp/ref" && mpiexec -n 1 "$ref" run "$src/jobs/smoke.ini" --samples 3000 2>"$tmp/ref.log")
    refsum=$(grep -o 'checksum [0-9a-f]\{16\}' "$tmp/ref.log" | cut -d' ' -f2)
    [ -n "$refsum" ] && [ "$refsum" = "$sum" ] && ok "same checksum as the development build on 1 rank" \
        || bad "checksum $sum, development build $refsum"
fi
written=$(find "$prefix" -newer "$tmp/installed.stamp")
[ -z "$written" ] && ok "nothing written under the prefix" || bad "written under the prefix: $written"

# ---- 3d. the Lmod modulefile: PATH, MANPATH (system pages kept), ECONSWEEP_PATH ----
lmod_init=/usr/share/lmod/lmod/init/bash
if [ ! -r "$lmod_init" ]; then
    bad "Lmod not found ($lmod_init): install lmod (tools/bootstrap does)"
else
    sys_man=$(man -w man 2>/dev/null || true)
    [ -n "$sys_man" ] || echo "note: no system man page man(1) here; MANPATH's system part is not checked"
    env -u MANPATH -u ECONSWEEP_PATH -u ECONSWEEP_ROOT bash -c '
        . '"$lmod_init"' || exit 9
        module use "$1/share/econsweep/modulefiles" && module load econsweep || exit 9
        echo "path=$(command -v econsweep)"
        echo "man=$(man -w econsweep 2>&1)"
        echo "sysman=$(man -w man 2>/dev/null)"
        echo "epath=$ECONSWEEP_PATH"
        echo "root=$ECONSWEEP_ROOT"
        module help econsweep 2>&1 | grep -q "Shipped scenarios" && echo help=yes
        econsweep check "$2" >/dev/null 2>&1 && echo check=ok
        module unload econsweep
        echo "after=$(command -v econsweep || echo none)"
    ' lmod "$prefix" "$tmp/copy/smoke.ini" >"$tmp/lmod.log" 2>&1
    rc=$?
    got() { sed -n "s/^$1=//p" "$tmp/lmod.log"; }
    if [ $rc -eq 0 ] && [ "$(got path)" = "$prefix/bin/econsweep" ] \
        && [ "$(got man)" = "$prefix/share/man/man1/econsweep.1" ] && [ "$(got sysman)" = "$sys_man" ] \
        && [ "$(got epath)" = "$share/inputs" ] && [ "$(got root)" = "$prefix" ] \
        && [ "$(got help)" = yes ] && [ "$(got check)" = ok ] && [ "$(got after)" = none ]; then
        ok "module load econsweep: PATH, MANPATH (system pages kept), ECONSWEEP_PATH, help; unload restores PATH"
    else
        bad "modulefile (exit $rc): $(cat "$tmp/lmod.log")"
    fi
fi

echo "install.sh: $passes passed, $fails failed ($((SECONDS - t0)) s: build $((t1 - t0)) s, install and checks $((SECONDS - t1)) s)"
[ "$fails" -eq 0 ]
