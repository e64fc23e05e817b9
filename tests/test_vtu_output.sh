#!/usr/bin/env bash
# The field series of a finite-element run, read back by ParaView: the
# tutorial pair to 1.2 us on 1 and 2 MPI ranks; tests/check_vtu_fields.py
# compares the last snapshot with traces.csv and the two runs with each other.
#   tests/test_vtu_output.sh NEURISTOR_BINARY CASE SCRATCH_DIR
# Exit 0 pass, 1 fail, 77 skipped (no ParaView / Xvfb).
set -euo pipefail
binary=${1:?usage: test_vtu_output.sh NEURISTOR_BINARY CASE SCRATCH_DIR}
case_file=${2:?usage: test_vtu_output.sh NEURISTOR_BINARY CASE SCRATCH_DIR}
scratch=${3:?usage: test_vtu_output.sh NEURISTOR_BINARY CASE SCRATCH_DIR}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v pvbatch > /dev/null || ! command -v xvfb-run > /dev/null; then
  echo "SKIPPED: ParaView not installed (scripts/install_dependencies.sh installs it)"
  exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$scratch"
work=$(mktemp -d "$scratch/vtu_output.XXXXXX")
trap 'rm -rf "$work"' EXIT

for np in 1 2; do
  mpirun -np $np --oversubscribe "$binary" run "$case_file" -q -o "$work/np$np" \
    --set "Run/End time=1.2e-6" --set "Run/Plot=false" > "$work/np$np.log" 2>&1 \
    || { cat "$work/np$np.log"; echo "FAIL: the run on $np rank(s) failed"; exit 1; }
done
# Retry only when Xvfb drops ParaView's X connection (see test_render_fields.sh).
for attempt in 1 2 3; do
  set +e
  xvfb-run -a pvbatch --disable-xdisplay-test "$here/check_vtu_fields.py" 325 \
    "$work/np1" "$work/np2" > "$work/check.log" 2>&1
  rc=$?
  set -e
  grep -q "bad X server connection" "$work/check.log" || break
done
grep -v "^$" "$work/check.log"
exit $rc
