#!/usr/bin/env bash
# Runs one case on 1, 2 and 4 MPI ranks and requires identical traces,
# spikes and per-device summaries (devices are integrated independently
# within a coupling window, so the partition must not change any number).
#   check_rank_independence.sh BINARY CASE [REL_TOL [SECTION/ENTRY=VALUE...]]
# With REL_TOL (finite-element runs, whose CG sums depend on the partition
# at the level of the solver tolerance) spike times and counts must agree to
# REL_TOL instead of bit for bit.
set -euo pipefail
binary=$1
case_file=$2
tolerance=${3:-}
shift $(( $# < 3 ? $# : 3 ))
overrides=()
for o in "$@"; do overrides+=(--set "$o"); done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
for n in 1 2 4; do
  mpirun -np $n --oversubscribe "$binary" run "$case_file" -q -o "$work/np$n" ${overrides[@]+"${overrides[@]}"} > "$work/np$n.log" 2>&1 \
    || { cat "$work/np$n.log"; exit 1; }
done
spikes=$(($(wc -l < "$work/np1/spikes.csv") - 1))
if [ -n "$tolerance" ]; then
  for n in 2 4; do
    /usr/bin/python3 - "$work/np1/spikes.csv" "$work/np$n/spikes.csv" "$tolerance" <<'PY' \
      || { echo "spikes differ between 1 and $n ranks"; exit 1; }
import csv, sys
a, b = (list(csv.DictReader(open(f))) for f in sys.argv[1:3])
tol = float(sys.argv[3])
assert len(a) == len(b), (len(a), len(b))
for x, y in zip(a, b):
    assert x["device"] == y["device"], (x, y)
    assert abs(float(x["t_peak_s"]) / float(y["t_peak_s"]) - 1) < tol, (x, y)
PY
  done
  [ "$spikes" -ge 4 ] || { echo "too few spikes ($spikes) for a meaningful check"; exit 1; }
  echo "same spikes to $tolerance on 1, 2 and 4 ranks ($spikes spikes)"
  exit 0
fi
for n in 2 4; do
  for f in traces.csv spikes.csv; do
    cmp "$work/np1/$f" "$work/np$n/$f" || { echo "$f differs between 1 and $n ranks"; exit 1; }
  done
  /usr/bin/python3 - "$work/np1/summary.json" "$work/np$n/summary.json" <<'PY' \
    || { echo "summary differs between 1 and $n ranks"; exit 1; }
import json, sys
def devices(path):
    def refuse(constant):
        raise ValueError(f"{path}: {constant} is not JSON")
    return json.load(open(path), parse_constant=refuse)["devices"]
a, b = devices(sys.argv[1]), devices(sys.argv[2])
assert a == b, (a, b)
PY
done
[ "$spikes" -gt 5 ] || { echo "too few spikes ($spikes) for a meaningful check"; exit 1; }
echo "identical results on 1, 2 and 4 ranks ($spikes spikes)"
