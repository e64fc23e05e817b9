#!/usr/bin/env bash
# The reduced model's cache: an unchanged case (or one that changes only the
# circuits) reuses the stored model; a change of any layout, material,
# boundary, mesh or heat-solver entry rebuilds it; a run with fields needs
# the modes; a damaged or foreign cache file is never trusted or overwritten.
# Checked through summary.json's reduced_model_builds and the log.
#   test_reduced_cache.sh BINARY CASE.prm
set -euo pipefail
binary=$1
case_file=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cache="$work/cache"
common=(--set "Run/Thermal model=reduced" --set "Run/End time=0.15e-6" --set "Run/Plot=false"
        --set "Finite-element coupling/Field output interval=0"
        --set "Layout/Finest cell size=200e-9" --set "Reduced model/Cache folder=$cache" -q)
n=0
fail() { echo "FAIL: $*"; exit 1; }

# run EXPECTED_BUILDS WHAT [--set ...]...
run() {
  local expected=$1 what=$2; shift 2
  n=$((n + 1))
  "$binary" run "$case_file" -o "$work/run$n" "${common[@]}" "$@" > "$work/run$n.out" 2>&1 \
    || { cat "$work/run$n.out"; fail "$what: the run failed"; }
  local builds
  builds=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run']['reduced_model_builds'])" \
             "$work/run$n/summary.json")
  [ "$builds" = "$expected" ] || { grep -i reduced "$work/run$n/log.txt"; fail "$what: $builds builds, expected $expected"; }
  [ -s "$work/run$n/reduced_model.bin" ] || fail "$what: no reduced_model.bin in the run folder"
  echo "ok: $what ($builds builds)"
}

run 1 "first run builds"
run 0 "the same case reuses"
grep -q "from the cache" "$work/run$n/log.txt" || fail "the log does not say the model came from the cache"
run 0 "the same mesh written differently reuses" --set "Layout/Finest cell size=2.0e-07"
run 0 "a circuit change reuses" --set "Circuit/Capacitance=20e-12"
run 0 "a drive change reuses" --set "Circuit/Input=dc(7.5); dc(4.8)"
run 1 "a layout change rebuilds" --set "Layout/Gap=600e-9"
run 1 "a mesh change rebuilds" --set "Layout/Finest cell size=250e-9"
run 1 "a material change rebuilds" --set "Materials/Substrate=Ti"
run 1 "a boundary change rebuilds" --set "Thermal boundary/Sides=adiabatic"
run 1 "a heat-solver change rebuilds" --set "Heat solver/Linear solver tolerance=1e-9"
run 1 "a tolerance change rebuilds" --set "Reduced model/Tolerance=0.005"
run 1 "fields need the modes" --set "Finite-element coupling/Field output interval=50e-9"
run 0 "fields reuse the model with modes" --set "Finite-element coupling/Field output interval=50e-9"
[ -s "$work/run$n/fields/temperature.pvd" ] || fail "no field series from the reduced model"

# A damaged cache file is not used (and is replaced: it is ours).
for file in "$cache"/reduced-*.model; do
  printf 'garbage' | dd of="$file" bs=1 seek=100 conv=notrunc status=none
done
run 1 "a damaged cache file is rebuilt"
grep -q "unusable" "$work/run$n/log.txt" || fail "the log does not name the damaged cache file"
run 0 "and the rebuilt one is reused"

# A file that neuristor did not write is never overwritten.
for file in "$cache"/reduced-*.model; do echo "my notes" > "$file"; done
run 1 "a foreign file in the cache is not used"
for file in "$cache"/reduced-*.model; do
  [ "$(cat "$file")" = "my notes" ] || fail "a foreign file in the cache was overwritten"
done
grep -q "not cached" "$work/run$n/log.txt" || fail "the log does not say why the model was not cached"
echo "all cache checks passed"
