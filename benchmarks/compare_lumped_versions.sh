#!/usr/bin/env bash
# Two builds of neuristor on the lumped 64 x 64 lattice
# (cases/lattice_64x64_zhang.prm, 20 us): N pairs of runs, alternating
# which goes first, each timed by its own summary (the run's wall time, one
# rank). Prints the medians, the median of the per-pair ratios A/B (above 1:
# B is faster) and how many pairs B won. On a shared machine this resolves
# a few per cent where single runs of benchmark_lumped move by tens of per
# cent; it also says whether the last pair gave the same spikes.
#   usage: benchmarks/compare_lumped_versions.sh NEURISTOR_A NEURISTOR_B [N] [--set "Section/Entry=value" ...]
set -euo pipefail
shopt -s inherit_errexit # a failed run stops the script
if (($# < 2)); then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
a=$1 b=$2
shift 2
pairs=15
if (($# > 0)) && [[ $1 != --* ]]; then
  pairs=$1
  shift
fi
for bin in "$a" "$b"; do
  [[ -x $bin ]] || { echo "not an executable: $bin" >&2; exit 2; }
done
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {  # run BINARY NAME [--set ...] -> wall time of the run [s]
  local bin=$1 name=$2
  shift 2
  "$bin" run "$here/../cases/lattice_64x64_zhang.prm" -q -o "$work/$name" \
    --set "Run/End time=20e-6" --set "Run/Traced devices=none" --set "Run/Plot=false" "$@" > /dev/null
  /usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['run']['wall_time_s'])" \
    "$work/$name/summary.json"
}
ta=() tb=()
for ((i = 0; i < pairs; ++i)); do
  if ((i % 2 == 0)); then
    ta+=("$(run "$a" A "$@")") tb+=("$(run "$b" B "$@")")
  else
    tb+=("$(run "$b" B "$@")") ta+=("$(run "$a" A "$@")")
  fi
done
same=no
cmp -s "$work/A/spikes.csv" "$work/B/spikes.csv" && same=yes
/usr/bin/python3 - "${ta[*]}" "${tb[*]}" "$same" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
ratios = [x / y for x, y in zip(a, b)]
print(f"A {statistics.median(a):.3f} s, B {statistics.median(b):.3f} s (medians of {len(a)}); "
      f"median of the per-pair ratios A/B {statistics.median(ratios):.3f}; "
      f"B faster in {sum(r > 1 for r in ratios)} of {len(ratios)} pairs; identical spikes (last pair): {sys.argv[3]}")
PY
