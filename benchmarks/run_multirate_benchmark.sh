#!/usr/bin/env bash
# Lumped multirate coupling windows (Thermal network/Multirate) off against
# on, one core, medians of REPS alternating runs (the machine is shared:
# only the ratio within one invocation means something):
#  - quiet: a 128 x 128 lattice, eta 0.1, the corner at 12.5 V and the rest
#    at 6 V, 20 us (a cascade in a quiet array);
#  - quiet, 200 ns steps: the same with Maximum time step = 200e-9 when on;
#  - noisy: the 64 x 64 lattice of cases/lattice_64x64_zhang.prm, 20 us;
#  - no noise: the same without noise (synchronous waves).
# For each: wall time and steps per device-us, the speed-up, and the largest
# spike-time difference between the two runs.
#   usage: benchmarks/run_multirate_benchmark.sh BUILD_DIR   (REPS=3 by default)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/quiet.prm" <<'PY'
import sys
inputs = "; ".join(["dc(12.5)"] + ["dc(6)"] * (128 * 128 - 1))
open(sys.argv[1], "w").write(f"""subsection Run
  set End time = 20e-6
  set Traced devices = none
  set Plot = false
end
subsection Thermal network
  set Coupling = lattice
  set Lattice rows = 128
  set Lattice columns = 128
  set Eta = 0.1
end
subsection Circuit
  set Input = {inputs}
end
""")
PY
lattice=(--set "Run/End time=20e-6" --set "Run/Traced devices=none" --set "Run/Plot=false")

one() {  # one NAME CASE MULTIRATE [--set ...] -> "seconds steps_per_device_us"
  local name=$1 case_file=$2 multirate=$3
  shift 3
  "$build/neuristor" run "$case_file" -q -o "$work/$name" \
    --set "Thermal network/Multirate=$multirate" "$@" > "$work/$name.log"
  /usr/bin/python3 -c "import json; r = json.load(open('$work/$name/summary.json'))['run']
print(r['wall_time_s'], r['steps'] / (r['devices'] * r['end_time_s'] * 1e6))"
}

compare() {  # compare LABEL CASE [--set ... for both] -- [--set ... for 'on' only]
  local label=$1 case_file=$2
  shift 2
  local both=() only=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do both+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  only=("$@")
  local off=() on=()
  for ((k = 0; k < reps; ++k)); do
    off+=("$(one off "$case_file" false ${both[@]+"${both[@]}"})")
    on+=("$(one on "$case_file" true ${both[@]+"${both[@]}"} ${only[@]+"${only[@]}"})")
  done
  /usr/bin/python3 - "$label" "$work" "${off[@]}" -- "${on[@]}" <<'PY'
import csv, statistics, sys
label, work = sys.argv[1], sys.argv[2]
rest = sys.argv[3:]
cut = rest.index("--")
off = [tuple(map(float, x.split())) for x in rest[:cut]]
on = [tuple(map(float, x.split())) for x in rest[cut + 1:]]
t_off, t_on = statistics.median(x[0] for x in off), statistics.median(x[0] for x in on)
def spikes(run):
    s = {}
    for r in csv.DictReader(open(f"{work}/{run}/spikes.csv")):
        s.setdefault(r["device"], []).append(float(r["t_peak_s"]))
    return s
a, b = spikes("off"), spikes("on")
counts = sum(len(a.get(d, [])) != len(b.get(d, [])) for d in set(a) | set(b))
shifts = sorted(abs(x - y) for d in a if len(a[d]) == len(b.get(d, [])) for x, y in zip(a[d], b[d]))
print(f"{label:<22} off {t_off:6.2f} s ({off[0][1]:5.1f} steps/device-us), on {t_on:6.2f} s "
      f"({on[0][1]:5.1f}); speed-up {t_off / t_on:.2f}; spikes {sum(map(len, a.values()))}, "
      f"devices with other counts {counts}, spike shifts: median {1e9 * shifts[len(shifts) // 2]:.2f} ns, "
      f"largest {1e9 * shifts[-1]:.2f} ns")
PY
}

echo "== Thermal network/Multirate off against on, medians of $reps alternating runs, one core =="
compare "quiet 128 x 128" "$work/quiet.prm"
compare "quiet, 200 ns steps" "$work/quiet.prm" -- --set "Time integration/Maximum time step=200e-9"
compare "noisy 64 x 64" "$here/../cases/lattice_64x64_zhang.prm" "${lattice[@]}"
compare "64 x 64 without noise" "$here/../cases/lattice_64x64_zhang.prm" "${lattice[@]}" \
  --set "Thermal network/Noise strength=0"
