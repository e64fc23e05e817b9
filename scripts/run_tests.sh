#!/usr/bin/env bash
# Builds the project and runs the whole test suite (GoogleTest + MPI checks).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd build && ctest -j"$(nproc)" --output-on-failure
