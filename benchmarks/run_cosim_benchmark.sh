#!/usr/bin/env bash
# Wall time of the electro-thermal co-simulation: the tutorial's two devices
# (cases/tutorial_pair.prm: 100 nm mesh, ~10 k DoFs) for 20 us of simulated
# time on 1 and 2 ranks, with the field series written; prints the split into
# operator setup, field solves, unit responses, device Newton and output.
#   run_cosim_benchmark.sh BUILD_DIR [END_TIME_S]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
end=${2:-20e-6}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for np in 1 2; do
  echo "== two devices, $end s, $np rank(s)"
  mpirun -np $np --oversubscribe "$build/neuristor" run "$source_dir/cases/tutorial_pair.prm" \
    -q -o "$work/np$np" --set "Run/End time=$end" --set "Run/Plot=false" \
    | grep -E "Mesh:|Heat:|Done in|Steps|FE:|Total wallclock"
done
