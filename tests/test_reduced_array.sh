#!/usr/bin/env bash
# The translation-invariant array model (Run/Thermal model = reduced array)
# against the global reduced model of the whole array, on the 8 x 8 corner
# case: the column wave must come out with the same spike count per device
# and every spike time within 2 %. The array model on 1 rank (its patch
# model from the cache) must give the same spikes as on 2 ranks, and reuse
# the model rather than build it. On the case's own mesh (100 nm finest
# cells): on a coarser one the patch and the whole array are meshed too
# differently (200 nm: the corner's spikes 3 % apart, and no wave in one).
#   test_reduced_array.sh BINARY CASE.prm
set -euo pipefail
binary=$1
case_file=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
common=(--set "Run/End time=1.2e-6" --set "Run/Plot=false"
        --set "Finite-element coupling/Field output interval=0"
        --set "Reduced model/Cache folder=$work/cache" -q)
fail() { echo "FAIL: $*"; exit 1; }

# run NAME RANKS MODEL
run() {
  mpirun -np "$2" "$binary" run "$case_file" -o "$work/$1" --set "Run/Thermal model=$3" \
    "${common[@]}" > "$work/$1.out" 2>&1 || { cat "$work/$1.out"; fail "$1: the run failed"; }
}
builds() {
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run']['reduced_model_builds'])" \
    "$work/$1/summary.json"
}

run global 2 "reduced"
run array 2 "reduced array"
run array_np1 1 "reduced array"
grep "Reduced array\|Heat (reduced array)" "$work/array/log.txt"

python3 - "$work/global/spikes.csv" "$work/array/spikes.csv" <<'PY'
import csv, sys
from collections import defaultdict
def spikes(path):
    times = defaultdict(list)
    for row in csv.DictReader(open(path)):
        times[int(row["device"])].append(float(row["t_peak_s"]))
    return times
full, array = spikes(sys.argv[1]), spikes(sys.argv[2])
if len(full) < 8:
    sys.exit(f"FAIL: the global model fires {len(full)} devices; the column wave needs 8")
if sorted(full) != sorted(array):
    sys.exit(f"FAIL: spiking devices differ: global {sorted(full)}, array {sorted(array)}")
worst = 0
for device, times in full.items():
    if len(times) != len(array[device]):
        sys.exit(f"FAIL: device {device}: {len(times)} spikes global, {len(array[device])} array")
    for a, b in zip(times, array[device]):
        worst = max(worst, abs(a - b) / a)
        if abs(a - b) > 0.02 * a:
            sys.exit(f"FAIL: device {device}: spike at {a:.6e} s global, {b:.6e} s array")
print(f"ok: {sum(map(len, full.values()))} spikes of {len(full)} devices agree, "
      f"largest shift {worst * 100:.3f} % of the spike time")
PY

[ "$(builds array)" = "1" ] || fail "the first array run did not build its patch model"
[ "$(builds array_np1)" = "0" ] || fail "the second array run did not reuse the patch model"
cmp "$work/array/spikes.csv" "$work/array_np1/spikes.csv" \
  || fail "the array model's spikes differ between 1 and 2 ranks"
echo "ok: same spikes on 1 and 2 ranks, patch model reused"
