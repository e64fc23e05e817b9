#!/usr/bin/env bash
# Builds the project and runs the built-in default case (or the arguments given).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ $# -eq 0 ]; then
  exec build/neuristor run
fi
exec build/neuristor "$@"
