#!/usr/bin/env bash
# Lumped vs reduced vs finite element model for one case, on the same layout.
#
# Usage: scripts/compare_models.sh CASE.prm OUT [--set "Section/Entry=value"]...
#
#   1. neuristor characterize CASE -> OUT/characterize   (R_th, C_eff, eta_ij
#      and delays read off the case's Layout by the 3-D heat equation, with
#      the reduced model's step responses and delays beside them:
#      Characterization/Reduced model comparison)
#   2. neuristor run CASE (as written, finite element)  -> OUT/finite_element
#   3. neuristor run CASE, reduced-order model of the same heat equation
#      -> OUT/reduced
#        --set "Run/Thermal model=reduced"
#   4. neuristor run CASE in lumped mode, fed with step 1 -> OUT/lumped
#        --set "Run/Thermal model=lumped"
#        --set "Thermal network/Coupling=characterization"
#        --set "Thermal network/Characterization folder=OUT/characterize"
#   5. scripts/plot_run.py compare OUT/comparison OUT/lumped OUT/reduced
#      OUT/finite_element -> OUT/comparison/comparison.png and comparison.csv
#      (three models side by side: lumped with the characterized steady eta,
#      reduced, full finite element; the CSV has one row per model and device)
#
# Every --set given after OUT is passed to characterize and all three runs
# (after the ones above, so it can also override the characterization
# settings, e.g. --set "Characterization/End time=8e-6", or keep the reduced
# model's cache elsewhere, --set "Reduced model/Cache folder=DIR" or =none;
# by default it is ~/.cache/neuristor). The characterization skips the
# truncation check and field output and lasts 4 us, as in step 6 of the
# tutorial in cases/README.md.
#
# The binary is build/neuristor of this repository (as in run_default.sh,
# but without building); set NEURISTOR=/path/to/neuristor to use another one,
# and PYTHON to use another python3 (default /usr/bin/python3).
set -euo pipefail

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
}

if [ $# -lt 2 ]; then
  echo "compare_models.sh: need a case file and an output folder" >&2
  usage
  exit 2
fi

case_file=$1
out=$2
shift 2

if [ ! -f "$case_file" ]; then
  echo "compare_models.sh: case file '$case_file' not found" >&2
  exit 1
fi

# Remaining arguments: only --set ENTRY pairs (or --set=ENTRY).
overrides=()
while [ $# -gt 0 ]; do
  case "$1" in
    --set)
      if [ $# -lt 2 ]; then
        echo "compare_models.sh: --set needs a value \"Section/Entry=value\"" >&2
        exit 2
      fi
      overrides+=(--set "$2")
      shift 2
      ;;
    --set=*)
      overrides+=(--set "${1#--set=}")
      shift
      ;;
    *)
      echo "compare_models.sh: unknown argument '$1' (only --set \"Section/Entry=value\")" >&2
      usage
      exit 2
      ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${NEURISTOR:-$repo/build/neuristor}
python=${PYTHON:-/usr/bin/python3}
if [ ! -x "$bin" ]; then
  echo "compare_models.sh: simulator '$bin' not found or not executable" \
       "(build it with scripts/build.sh or set NEURISTOR)" >&2
  exit 1
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

mkdir -p "$out"
out=$(cd "$out" && pwd)   # absolute, so the lumped run finds the folder

stage() { echo "== $1" >&2; }
fail() { echo "compare_models.sh: $1 failed (see above and $2/log.txt)" >&2; exit 1; }

# ${overrides[@]+...}: an empty array is fine under 'set -u' on old bash too.
stage "characterize $case_file -> $out/characterize"
"$bin" characterize "$case_file" -o "$out/characterize" \
  --set "Characterization/Truncation check=false" \
  --set "Characterization/Field outputs=0" \
  --set "Characterization/End time=4e-6" \
  --set "Characterization/Reduced model comparison=true" \
  ${overrides[@]+"${overrides[@]}"} || fail "characterize" "$out/characterize"

stage "finite element run -> $out/finite_element"
"$bin" run "$case_file" -o "$out/finite_element" --quiet \
  --set "Run/Thermal model=finite element" \
  ${overrides[@]+"${overrides[@]}"} || fail "finite-element run" "$out/finite_element"

stage "reduced run -> $out/reduced"
"$bin" run "$case_file" -o "$out/reduced" --quiet \
  --set "Run/Thermal model=reduced" \
  ${overrides[@]+"${overrides[@]}"} || fail "reduced run" "$out/reduced"

stage "lumped run (characterized eta, R_th, C_eff) -> $out/lumped"
"$bin" run "$case_file" -o "$out/lumped" --quiet \
  --set "Run/Thermal model=lumped" \
  --set "Thermal network/Coupling=characterization" \
  --set "Thermal network/Characterization folder=$out/characterize" \
  ${overrides[@]+"${overrides[@]}"} || fail "lumped run" "$out/lumped"

stage "comparison -> $out/comparison"
"$python" "$repo/scripts/plot_run.py" compare "$out/comparison" \
  "$out/lumped" "$out/reduced" "$out/finite_element" || { echo "compare_models.sh: plot_run.py compare failed" >&2; exit 1; }

cat "$out/comparison/comparison.csv"
