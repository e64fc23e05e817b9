#!/usr/bin/env bash
# One regression test: run a case on N MPI ranks and compare spikes, summary
# and a trace sample with the stored reference (tests/regression/NAME/).
#   run_regression.sh BINARY RANKS CASE.prm TOLERANCE
#   run_regression.sh BINARY RANKS CASE.prm --record     (re)store the reference
#   run_regression.sh BINARY RANKS CASE.prm TOLERANCE --differs SECTION/ENTRY=VALUE
#       the comparison must fail for the case changed by that entry (so the
#       check can tell a changed result)
# A reference is recorded once, on 1 rank, and changed only by a commit that
# says why the results changed.
set -euo pipefail
binary=$1
ranks=$2
case_file=$3
mode=$4
overrides=()
expect_difference=false
if [ "${5:-}" = "--differs" ]; then
  expect_difference=true
  overrides=(--set "$6")
fi
here=$(cd "$(dirname "$0")" && pwd)
reference="$here/$(basename "$case_file" .prm)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mpirun -np "$ranks" --oversubscribe "$binary" run "$case_file" -q -o "$work/run" ${overrides[@]+"${overrides[@]}"} > "$work/log" 2>&1 \
  || { cat "$work/log"; exit 1; }
if [ "$mode" = "--record" ]; then
  /usr/bin/python3 "$here/compare.py" record "$work/run" "$reference"
elif $expect_difference; then
  if /usr/bin/python3 "$here/compare.py" check "$work/run" "$reference" "$mode" > "$work/compare.log"; then
    echo "the comparison did not notice: $6"; exit 1
  fi
  echo "the comparison notices $6:"; head -4 "$work/compare.log"
else
  /usr/bin/python3 "$here/compare.py" check "$work/run" "$reference" "$mode"
fi
