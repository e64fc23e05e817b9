#!/usr/bin/env bash
# Lumped-mode throughput on the 64 x 64 lattice (device-microseconds per
# wall-clock second) on 1 and 2 MPI ranks, with the time split, compared
# with a straightforward PyTorch explicit-Euler implementation at 10 ns; and
# the spike-time accuracy of both against a tight-tolerance reference.
#   usage: benchmarks/run_lumped_benchmark.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cases=$here/../cases
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
end=20e-6
echo "== neuristor lumped mode: 64 x 64 lattice, eta 0.02, 11.5 V, noise, ${end} s =="
for np in 1 2; do
  mpirun -np $np --oversubscribe "$build/neuristor" run "$cases/lattice_64x64_zhang.prm" -q \
    -o "$work/np$np" --set "Run/End time=$end" --set "Run/Traced devices=none" \
    --set "Run/Plot=false" > "$work/np$np.log"
  wall=$(grep -o '"wall_time_s": [0-9.e+-]*' "$work/np$np/summary.json" | awk '{print $2}')
  awk -v w="$wall" -v np=$np -v e=$end 'BEGIN {printf "ranks %d: wall %.3f s, %.0f device-us/s\n", np, w, 4096*e*1e6/w}'
  grep -E "device integration|coupling exchange|output  " "$work/np$np.log" | awk -F'|' '{print "   " $2 $5}'
done

echo "== spike-time accuracy, single device at 12.5 V, 20 us (reference: rtol 1e-9) =="
run_single() { "$build/neuristor" run -q -o "$work/s$1" --set "Circuit/Input=dc(12.5)" --set "Run/Plot=false" \
  --set "Time integration/Relative tolerance=$1" --set "Time integration/Absolute voltage tolerance=$1" \
  --set "Time integration/Absolute temperature tolerance=$1" > /dev/null; }
run_single 1e-9
run_single 1e-4
ours=$(awk -F, 'NR>1 {print $2}' "$work/s1e-4/spikes.csv" | paste -sd' ')
ref=$(awk -F, 'NR>1 {print $2}' "$work/s1e-9/spikes.csv" | paste -sd' ')
echo "reference peaks (us): $(for t in $ref; do awk -v t=$t 'BEGIN{printf "%.4f ", t*1e6}'; done)"
echo "neuristor default tolerance, max error: $(python3 -c "
a='$ours'.split(); b='$ref'.split()
print('%.2f ns' % (1e9*max(abs(float(x)-float(y)) for x,y in zip(a,b))) if len(a)==len(b) else 'spike count differs')")"

if /usr/bin/python3 -c "import torch" 2> /dev/null; then
  echo "== PyTorch reference (explicit Euler, dt = 10 ns, 1 thread) =="
  /usr/bin/python3 "$here/pytorch_reference.py" --rows 64 --cols 64 --eta 0.02 --vin 11.5 --noise 1000 \
    --t-end $end --dt 1e-8 --threads 1 | grep -E "throughput|wall"
  # Its spike starts (F < 1/2) against ours at the reference tolerance, same criterion.
  /usr/bin/python3 "$here/pytorch_reference.py" --rows 1 --cols 1 --vin 12.5 --t-end $end --dt 1e-8 \
    --spikes-csv "$work/torch.csv" > /dev/null
  /usr/bin/python3 "$here/pytorch_reference.py" --rows 1 --cols 1 --vin 12.5 --t-end $end --dt 1e-10 \
    --spikes-csv "$work/torch_fine.csv" > /dev/null
  python3 -c "
import csv
a=[float(r['t_s']) for r in csv.DictReader(open('$work/torch.csv'))]
b=[float(r['t_s']) for r in csv.DictReader(open('$work/torch_fine.csv'))]
print('PyTorch Euler 10 ns, max spike-start error vs its own dt = 0.1 ns run: %.1f ns' % (1e9*max(abs(x-y) for x,y in zip(a,b))))"
else
  echo "(PyTorch not installed: scripts/install_dependencies.sh --bench adds python3-torch)"
fi
