#!/usr/bin/env bash
# Lumped-mode throughput against the plain PyTorch baseline
# (benchmarks/pytorch_reference.py: explicit Euler at 10 ns, float64, one
# thread), on the 64 x 64 lattice of cases/lattice_64x64_zhang.prm, 20 us,
# noise on and off at the case's 11.5 V, and with noise at 5 V (a quiet
# array: nothing fires): device-microseconds per CPU-second of both and their
# ratio, medians of REPS alternating runs on one core each (the machine is
# shared: only the ratio within one invocation means something). Then the
# spike-time error of both against a tight-tolerance reference of ours
# (single device at 12.5 V, rtol 1e-9), each by its own spike criterion:
# ours by the current peak, PyTorch's by the start of the metallic episode
# (F < 1/2), located in the reference's densely sampled F(t). Also ours
# one device at a time (Time integration/Batched devices = false), in the
# same alternation, against the default batch. Last, the
# floating-point limit (benchmarks/lumped_limit_benchmark.cc): R(T) timed
# scalar and vectorised over devices, and the throughput of an integrator
# that spent per step only its two R(T) and its arithmetic, and with noise
# per grid point only the drawing of its noise paths.
#   usage: benchmarks/run_lumped_benchmark.sh BUILD_DIR   (REPS=5 by default)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cases=$here/../cases
reps=${REPS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
end=20e-6
if ! /usr/bin/python3 -c "import torch" 2> /dev/null; then
  echo "PyTorch is missing: scripts/install_dependencies.sh --bench adds python3-torch" >&2
  exit 1
fi

ours() {  # ours NOISE VOLTAGE [BATCHED] -> CPU seconds of the run (one rank, one thread: CPU = wall)
  "$build/neuristor" run "$cases/lattice_64x64_zhang.prm" -q -o "$work/ours" \
    --set "Run/End time=$end" --set "Run/Traced devices=none" --set "Run/Plot=false" \
    --set "Thermal network/Noise strength=$1" --set "Circuit/Input=dc($2)" \
    --set "Time integration/Batched devices=${3:-true}" > "$work/ours.log"
  /usr/bin/python3 -c "import json; r = json.load(open('$work/ours/summary.json'))['run']
print(r['wall_time_s']); open('$work/steps_$1_$2', 'w').write(str(r['steps'] / (r['devices'] * r['end_time_s'] * 1e6)))"
}
baseline() {  # baseline NOISE VOLTAGE -> CPU seconds of its time loop
  /usr/bin/python3 "$here/pytorch_reference.py" --rows 64 --cols 64 --eta 0.02 --vin "$2" \
    --noise "$1" --t-end $end --dt 1e-8 --threads 1 --json "$work/torch.json" > /dev/null
  /usr/bin/python3 -c "import json; print(json.load(open('$work/torch.json'))['cpu_s'])"
}

echo "== 64 x 64 lattice, eta 0.02, $end s, medians of $reps alternating runs =="
for scenario in "1000 11.5" "0 11.5" "1000 5"; do
  read -r noise volts <<< "$scenario"
  a=() b=() c=()
  for ((k = 0; k < reps; ++k)); do
    a+=("$(ours $noise $volts)")
    b+=("$(baseline $noise $volts)")
    c+=("$(ours $noise $volts false)")
  done
  /usr/bin/python3 - "$noise" "${a[*]}" "${b[*]}" "$work" "${c[*]}" "$volts" <<'PY'
import statistics, sys
noise, ours, torch = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
single, volts = [float(x) for x in sys.argv[5].split()], sys.argv[6]
work = 4096 * 20  # device-microseconds
o, t = statistics.median(ours), statistics.median(torch)
print(f"{volts:>4} V, noise {noise:>4} K/sqrt(s): neuristor {work / o:9.0f} device-us per CPU-s ({o:.2f} s), "
      f"PyTorch {work / t:9.0f} ({t:.2f} s); ratio {t / o:.2f} (goal {'10' if noise != '0' else '5'})")
print(f"   runs: neuristor {' '.join(f'{x:.2f}' for x in ours)} s; PyTorch {' '.join(f'{x:.2f}' for x in torch)} s")
s = statistics.median(single)
print(f"   one device at a time (Batched devices = false): {s:.2f} s; the batch is {s / o:.2f}x faster")
open(f"{sys.argv[4]}/baseline_{noise}_{volts}", "w").write(str(work / t))
PY
done

echo "== spike-time accuracy: single device at 12.5 V, 20 us; reference: neuristor at rtol 1e-9 =="
single() {  # single NAME TOLERANCE [TRACE_INTERVAL]
  "$build/neuristor" run -q -o "$work/$1" --set "Circuit/Input=dc(12.5)" --set "Run/Plot=false" \
    --set "Run/End time=$end" --set "Run/Trace interval=${3:-50e-9}" \
    --set "Time integration/Relative tolerance=$2" --set "Time integration/Absolute voltage tolerance=$2" \
    --set "Time integration/Absolute temperature tolerance=$2" > /dev/null
}
single reference 1e-9 0.1e-9
single default 1e-4
/usr/bin/python3 "$here/pytorch_reference.py" --rows 1 --cols 1 --vin 12.5 --t-end $end --dt 1e-8 \
  --spikes-csv "$work/torch.csv" > /dev/null
/usr/bin/python3 - "$work" "$here" <<'PY'
import csv, math, sys
work, here = sys.argv[1], sys.argv[2]
sys.path.insert(0, here)
from pytorch_reference import P
peaks = lambda run: [float(r["t_peak_s"]) for r in csv.DictReader(open(f"{work}/{run}/spikes.csv"))]
def error(a, b):
    if len(a) != len(b):
        return f"spike count differs ({len(a)} against {len(b)})"
    return f"{1e9 * max(abs(x - y) for x, y in zip(a, b)):.2f} ns over {len(a)} spikes"
print("neuristor, default tolerance (1e-4), current peaks:", error(peaks("default"), peaks("reference")))
# F(t) of the reference from its dense trace: R = R0 exp(Ea/T) F + k Rm.
starts, armed, previous = [], True, None
for r in csv.DictReader(open(f"{work}/reference/traces.csv")):
    t, T, R = float(r["time_s"]), float(r["temperature_K"]), float(r["resistance_ohm"])
    F = (R - P["k"] * P["Rm"]) / (P["R0"] * math.exp(P["Ea"] / T))
    if armed and F < 0.5 and previous is not None:
        t0, F0 = previous
        starts.append(t0 + (t - t0) * (F0 - 0.5) / (F0 - F))
        armed = False
    elif F > 0.6:
        armed = True
    previous = (t, F)
torch = [float(r["t_s"]) for r in csv.DictReader(open(f"{work}/torch.csv"))]
print("PyTorch, Euler at 10 ns, F < 1/2 crossings:", error(torch, starts))
PY

echo "== floating-point limit: R(T) scalar and vectorised, at the steps per device-us above =="
for noise in 1000 0; do
  echo "11.5 V, noise $noise K/sqrt(s):"
  # With noise, the limit also draws the noise paths on the case's grid (10 ns).
  "$build/benchmarks/lumped_limit_benchmark" "$(cat "$work/steps_${noise}_11.5")" "$(cat "$work/baseline_${noise}_11.5")" \
    $([[ $noise != 0 ]] && echo 10e-9)
done
