#!/usr/bin/env bash
# cases/finite_element/array_3x3_corner.prm on its stated 12.5 nm mesh
# (1.03 M DoFs), 1 us on one rank, with its reduced model taken from
# tests/data/reduced_models (building it takes 13 min on 2 ranks):
#   - the corner (device 0) spikes at least 3 times;
#   - its column answers once each, device 3 before device 6, after the
#     corner's third spike; nothing else fires;
#   - every spike within 2 % of the converged 6.25 nm result (the case's
#     --check-mesh: the corner at 303.0, 586.7, 865.4 ns, device 3 at
#     888.6 ns, device 6 at 908.2 ns).
# If the stored model no longer matches the case (a changed Layout,
# Materials, Heat solver or Reduced model entry, or builder version), the
# test stops rather than build it; rebuild the file with
#   build/neuristor run cases/finite_element/array_3x3_corner.prm \
#     --set "Reduced model/Cache folder=tests/data/reduced_models" \
#     --set "Finite-element coupling/Field output interval=0"
# and remove the old one.
#   test_array_3x3_case.sh BINARY SOURCE_DIR
source "$(dirname "$0")/case_checks.sh"
case_file=$source_dir/cases/finite_element/array_3x3_corner.prm
require_mesh "$case_file" 12.5e-9
mkdir "$work/cache"
cp "$source_dir"/tests/data/reduced_models/*.model "$work/cache/"

"$binary" run "$case_file" -o "$work/array" --set "Run/End time=1e-6" --set "Run/Plot=false" \
  --set "Finite-element coupling/Field output interval=0" \
  --set "Reduced model/Cache folder=$work/cache" > "$work/array.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2> /dev/null; do
  if grep -q "building (not in the cache)" "$work/array.log"; then
    kill "$pid"
    echo "FAIL: the stored reduced model no longer matches the case; rebuild it (see this script's header)"
    exit 1
  fi
  sleep 1
done
wait "$pid" || { cat "$work/array.log"; exit 1; }
grep "Reduced model:" "$work/array.log"

check_regime <<'PY'
import csv
times = {d: [] for d in range(9)}
for r in csv.DictReader(open(f"{work}/array/spikes.csv")):
    times[int(r["device"])].append(float(r["t_peak_s"]))
print({d: [f"{t * 1e9:.1f}" for t in ts] for d, ts in times.items() if ts}, "(ns)")
corner, d3, d6 = times[0], times[3], times[6]
check(len(corner) >= 3, f"the corner spikes {len(corner)} times")
check(len(d3) == 1 and len(d6) == 1, "its column answers once each")
if corner[2:] and d3 and d6:
    check(corner[2] < d3[0] < d6[0], "device 3 after the corner's third spike, device 6 after it")
check(all(not times[d] for d in (1, 2, 4, 5, 7, 8)), "nothing fires along the rows")
converged = {0: [303.0e-9, 586.7e-9, 865.4e-9], 3: [888.6e-9], 6: [908.2e-9]}
for d, ref in converged.items():
    shift = max((abs(t - r) / r for t, r in zip(times[d], ref)), default=1)
    check(len(times[d]) == len(ref) and shift < 0.02,
          f"device {d} within 2 % of 6.25 nm (largest shift {100 * shift:.2f} %)")
PY
