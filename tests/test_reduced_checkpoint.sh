#!/usr/bin/env bash
# The reduced model's checkpoints: a run killed after a checkpoint and
# resumed on 2 ranks equals the uninterrupted run (traces and spikes), with
# the model taken from the cache on resume.
#   test_reduced_checkpoint.sh BINARY CASE.prm
set -euo pipefail
binary=$1
case_file=$2
work=$(mktemp -d)
trap 'kill -9 ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# Long enough in simulated time that the run can be stopped after its first checkpoint.
common=(--quiet --set "Run/Thermal model=reduced" --set "Run/End time=30e-6"
        --set "Run/Checkpoint interval=0.5e-6" --set "Run/Plot=false"
        --set "Finite-element coupling/Field output interval=0"
        --set "Reduced model/Cache folder=$work/cache")
here=$(cd "$(dirname "$0")" && pwd)
cd "$work"
source "$here/kill_and_resume.sh"
kill_and_resume "$binary" "$case_file" 10 "${common[@]}"
grep -q "from the cache" cut/log.txt || { echo "the resumed run rebuilt the model"; exit 1; }
[ ! -e full/fields ] || { echo "Field output interval = 0 left a fields/ folder"; exit 1; }
