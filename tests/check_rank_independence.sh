#!/usr/bin/env bash
# Runs one case on 1, 2 and 4 MPI ranks and requires identical traces,
# spikes and per-device summaries (devices are integrated independently
# within a coupling window, so the partition must not change any number).
set -euo pipefail
binary=$1
case_file=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
for n in 1 2 4; do
  mpirun -np $n --oversubscribe "$binary" run "$case_file" -q -o "$work/np$n" > "$work/np$n.log" 2>&1 \
    || { cat "$work/np$n.log"; exit 1; }
done
for n in 2 4; do
  for f in traces.csv spikes.csv; do
    cmp "$work/np1/$f" "$work/np$n/$f" || { echo "$f differs between 1 and $n ranks"; exit 1; }
  done
  diff <(grep '"device"' "$work/np1/summary.json") <(grep '"device"' "$work/np$n/summary.json") \
    || { echo "summary differs between 1 and $n ranks"; exit 1; }
done
spikes=$(($(wc -l < "$work/np1/spikes.csv") - 1))
[ "$spikes" -gt 5 ] || { echo "too few spikes ($spikes) for a meaningful check"; exit 1; }
echo "identical results on 1, 2 and 4 ranks ($spikes spikes)"
