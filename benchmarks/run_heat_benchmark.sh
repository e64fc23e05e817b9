#!/usr/bin/env bash
# Heat-equation cost against DoFs on 1 and 2 ranks, two-device layout:
# 125 k and 954 k DoFs (finest cell 25 nm, 0 and 1 global refinements);
# with --large also 3.5 M DoFs (40 nm, 2 refinements; 2 ranks, ~15 GB).
#   run_heat_benchmark.sh [BUILD_DIR] [--large]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for r in 0 1; do
  for np in 1 2; do
    mpirun -np $np --oversubscribe "$build/benchmarks/heat_benchmark" "$r" 25e-9
  done
done
if [ "${2:-}" = "--large" ]; then
  mpirun -np 2 --oversubscribe "$build/benchmarks/heat_benchmark" 2 40e-9
fi
