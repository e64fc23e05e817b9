#!/usr/bin/env bash
# cases/fe_distance_three_devices.prm as written (12.5 nm, reduced model),
# 2 us on 2 ranks: the nearer device is excited, the farther one is not.
#   - A spikes at least 3 times;
#   - B (0.5 um) answers every spike of A 5-50 ns later, and fires no other;
#   - C (1.5 um) fires at most its start-up spike (before 0.7 us).
#   test_fe_distance_case.sh BINARY SOURCE_DIR
source "$(dirname "$0")/case_checks.sh"
case_file=$source_dir/cases/fe_distance_three_devices.prm
require_mesh "$case_file" 12.5e-9
launcher=(mpirun -np 2)
run_case distance --set "Run/End time=2e-6" --set "Run/Plot=false" \
  --set "Finite-element coupling/Field output interval=0" --set "Reduced model/Cache folder=$work/cache"

check_regime <<'PY'
import csv
times = {0: [], 1: [], 2: []}
for r in csv.DictReader(open(f"{work}/distance/spikes.csv")):
    times[int(r["device"])].append(float(r["t_peak_s"]))
a, b, c = times[0], times[1], times[2]
print("A", [f"{t * 1e9:.0f}" for t in a], "B", [f"{t * 1e9:.0f}" for t in b],
      "C", [f"{t * 1e9:.0f}" for t in c], "(ns)")
check(len(a) >= 3, f"A: {len(a)} spikes")
answers = [next((t for t in b if 5e-9 <= t - s <= 50e-9), None) for s in a if s < 2e-6 - 50e-9]
check(all(x is not None for x in answers), "B answers every spike of A within 5-50 ns")
check(len(b) == len(answers), f"B fires only answers ({len(b)} spikes)")
check(len(c) <= 1 and all(t < 0.7e-6 for t in c), f"C: only a start-up spike ({len(c)})")
PY
