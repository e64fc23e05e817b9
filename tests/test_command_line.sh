#!/usr/bin/env bash
# The conventions of a command-line tool:
#  1. --version names the version and the commit; summary.json and
#     parameters.prm carry both;
#  2. COMMAND --help prints that command's help (exit 0), nothing else;
#  3. characterize and calibrate without a case are refused before any output,
#     naming a case that comes with the program;
#  4. a misspelt entry (--set or in a case file) gets a "did you mean";
#  5. a folder entry given relative to the current folder is written absolute
#     to parameters.prm, so that the run folder re-runs from anywhere;
#  6. preview draws the 8 x 8 case's layout and mesh in seconds; a lumped case
#     has no layout and is refused.
#   test_command_line.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"

# expect_refusal LOG PATTERN COMMAND...: exit 1 and PATTERN in the message.
expect_refusal() {
  local log=$1 pattern=$2 status=0
  shift 2
  "$@" > "$log" 2>&1 || status=$?
  [ "$status" -eq 1 ] || { cat "$log"; fail "exit $status, not 1: $*"; }
  grep -q "neuristor: error:" "$log" || { cat "$log"; fail "no error message: $*"; }
  grep -qF -- "$pattern" "$log" || { cat "$log"; fail "message without '$pattern': $*"; }
}

# 1. Version ------------------------------------------------------------------
"$binary" --version > version.txt
grep -Eq '^neuristor [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-z-]+\)$' version.txt ||
  { cat version.txt; fail "--version"; }
version=$(sed -E 's/^neuristor ([^ ]+) .*/\1/' version.txt)
commit=$(sed -E 's/.*\(commit ([^)]+)\)$/\1/' version.txt)
"$binary" run --quiet -o run --set "Run/End time=0.2e-6" --set "Run/Plot=false" > run.log 2>&1 ||
  { cat run.log; fail "short default run"; }
/usr/bin/python3 - "$version" "$commit" <<'PY' || fail "summary.json program"
import json, sys
program = json.load(open("run/summary.json"))["program"]
assert program == {"name": "neuristor", "version": sys.argv[1], "commit": sys.argv[2]}, program
PY
head -1 run/parameters.prm | grep -qF "# Written by $(cat version.txt)" ||
  { head -3 run/parameters.prm; fail "parameters.prm header"; }
# The header is a comment: the run folder's parameters.prm still re-runs.
"$binary" run run/parameters.prm --quiet -o rerun > rerun.log 2>&1 || { cat rerun.log; fail "rerun"; }
cmp <(grep -v wall_time run/summary.json) <(grep -v wall_time rerun/summary.json) > /dev/null ||
  fail "the rerun's summary differs"
echo "ok: $(cat version.txt) in --version, summary.json and parameters.prm"

# 2. Per-command help ---------------------------------------------------------
for command in run characterize calibrate parameters; do
  "$binary" "$command" --help > help.txt 2>&1 || { cat help.txt; fail "$command --help exit"; }
  grep -q "^  neuristor $command" help.txt || { cat help.txt; fail "$command --help text"; }
  [ "$(grep -c '^  neuristor ' help.txt)" -eq 1 ] || { cat help.txt; fail "$command --help prints more"; }
done
[ ! -e results ] || fail "a --help wrote results/"
"$binary" --help | grep -q "neuristor --version" || fail "--help lists --version"
echo "ok: run, characterize, calibrate and parameters --help"

# 3. Tools without a case ------------------------------------------------------
for tool in characterize calibrate; do
  expect_refusal "$tool.log" "needs a case file" "$binary" "$tool"
  example=$(grep -o 'e\.g\. [^ ]*\.prm' "$tool.log" | cut -c6-)
  [ -f "$source_dir/cases/$example" ] || { cat "$tool.log"; fail "$tool names no case that exists"; }
done
[ ! -e results ] || fail "a refused tool wrote results/"
echo "ok: characterize and calibrate refuse to start without a case"

# 4. Did you mean ---------------------------------------------------------------
expect_refusal set.log "did you mean 'Layout/Gap'?" "$binary" run --set "Layout/Gapp=1e-6"
printf 'subsection Run\n  set End time = 1e-7\nend\nsubsection Layout\n  set Gapp = 1e-6\nend\n' > typo.prm
expect_refusal file.log "('Layout/Gapp' on line 5: did you mean 'Layout/Gap'?)" \
  "$binary" run typo.prm
printf '{"Layout": {"Finest cell sise": "50e-9"}}\n' > typo.json
expect_refusal json.log "did you mean 'Layout/Finest cell size'?" "$binary" run typo.json
expect_refusal far.log "check the sections and the spelling" "$binary" run --set "Nothing/Like this=1"
[ ! -e results ] || fail "a refused run wrote results/"
echo "ok: misspelt entries get a suggestion (--set, .prm with its line, .json)"

# 5. Relative paths --------------------------------------------------------------
mkdir -p a b
(cd a && "$binary" run "$source_dir/tests/regression/reduced_pair.prm" --quiet -o out \
   --set "Reduced model/Cache folder=cache" --set "Run/End time=0.1e-6" > ../a.log 2>&1) ||
  { cat a.log; fail "run with a relative cache folder"; }
grep -Eq "^ *set Cache folder *= $work/a/cache( |$)" a/out/parameters.prm ||
  { grep "Cache folder" a/out/parameters.prm; fail "the cache folder is not written absolute"; }
(cd b && "$binary" run ../a/out/parameters.prm -o out > ../b.log 2>&1) || { cat b.log; fail "rerun from b"; }
grep -q "Reduced model: order .* from the cache ($work/a/cache/" b/out/log.txt ||
  { cat b/out/log.txt; fail "the rerun from another folder did not find the cache"; }
[ ! -e b/cache ] || fail "the rerun made a cache of its own in b/"
echo "ok: a relative cache folder is written absolute and found from another folder"

# 6. Preview --------------------------------------------------------------------
# The 8 x 8 array's layout and mesh in seconds, counted without building it.
start=$SECONDS
"$binary" preview "$source_dir/cases/finite_element/array_8x8_corner.prm" -o preview > preview.log 2>&1 ||
  { cat preview.log; fail "preview of the 8 x 8 case"; }
elapsed=$((SECONDS - start))
[ "$elapsed" -lt 30 ] || fail "preview of the 8 x 8 case took $elapsed s (30 s allowed)"
[ -s preview/preview.png ] || { cat preview/plot.log; fail "no preview.png"; }
/usr/bin/python3 - preview <<'PY' || fail "preview.json"
import json, sys
d = json.load(open(f"{sys.argv[1]}/preview.json"))
assert len(d["devices"]) == 64, len(d["devices"])
assert {m["material_id"] for m in d["materials"]} == {0, 1, 2, 3}, d["materials"]
nx, ny, nz = d["mesh"]["grid_cells"]
assert [len(d["grid_lines_m"][a]) for a in "xyz"] == [nx + 1, ny + 1, nz + 1]
# Solid cells: fewer than the box (the void above the substrate), DoFs a bit more.
assert 0 < d["mesh"]["cells"] < nx * ny * nz and d["mesh"]["cells"] < d["mesh"]["dofs"], d["mesh"]
PY
grep -q "Layout: 64 device(s); mesh of" preview.log || { cat preview.log; fail "preview's summary line"; }
expect_refusal preview_lumped.log "no layout to preview" "$binary" preview "$source_dir/cases/fig2_single_device_9V.prm" -o lumped
[ ! -e lumped ] || fail "a refused preview wrote its folder"
echo "ok: preview of the 8 x 8 case in $elapsed s"
