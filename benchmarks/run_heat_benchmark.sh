#!/usr/bin/env bash
# Heat-equation cost against DoFs on 1 and 2 ranks (usage: BUILD_DIR [max refinements]).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
max=${2:-1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for r in $(seq 0 "$max"); do
  for np in 1 2; do
    mpirun -np $np --oversubscribe "$build/benchmarks/heat_benchmark" "$r"
  done
done
