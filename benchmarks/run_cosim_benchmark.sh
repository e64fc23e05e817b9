#!/usr/bin/env bash
# Wall time of the electro-thermal co-simulation: the tutorial's two devices
# (cases/tutorial_pair.prm: 100 nm mesh, ~10 k DoFs) for 20 us of simulated
# time on 1 and 2 ranks, with the field series written; prints the split into
# operator setup, field solves, unit responses, device Newton and output.
# With --array, also the 8 x 8 lattice (cases/finite_element/
# array_8x8_corner.prm, 140 k DoFs) on 2 ranks for ARRAY_END_S (default its
# own 2 us; about 13 minutes).
#   run_cosim_benchmark.sh BUILD_DIR [END_TIME_S] [--array [ARRAY_END_S]]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
end=${2:-20e-6}
array=false
array_end=2e-6
if [ "${3:-}" = "--array" ]; then
  array=true
  array_end=${4:-$array_end}
fi
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
report() { grep -E "Mesh:|Heat:|Done in|Steps|FE:|Total wallclock"; }
for np in 1 2; do
  echo "== two devices, $end s, $np rank(s)"
  mpirun -np $np --oversubscribe "$build/neuristor" run "$source_dir/cases/tutorial_pair.prm" \
    -q -o "$work/np$np" --set "Run/End time=$end" --set "Run/Plot=false" | report
done
if $array; then
  echo "== 8 x 8 array, $array_end s, 2 ranks"
  mpirun -np 2 --oversubscribe "$build/neuristor" run \
    "$source_dir/cases/finite_element/array_8x8_corner.prm" \
    -q -o "$work/array" --set "Run/End time=$array_end" --set "Run/Plot=false" | report
fi
