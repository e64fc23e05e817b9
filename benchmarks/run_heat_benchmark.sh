#!/usr/bin/env bash
# Heat-equation cost against DoFs on 1 and 2 ranks, two-device layout
# (finest cell 25 nm, then every cell size halved: 125 k and 836 k DoFs;
# with --large also 40 nm halved twice, 3.07 M DoFs), in two configurations
# alternating REPS (default 3; 1 for the 3.07 M point) times: the default
# (consistent mass: three matrices; block Jacobi with ILU(0)) and the
# low-memory one (lumped mass: one matrix; local symmetric SOR, no copy of
# it). Medians of setup, seconds per step, CG iterations and peak memory
# per DoF, and what the mesh, DoFs and matrices hold. Then the peer problem
# (benchmarks/dolfinx_heat_step.py) at n = 64 and 100 on 1 rank, REPS
# alternating runs: ours with BoomerAMG, Jacobi and block Jacobi (and block
# Jacobi with the source assembled at every step, as DOLFINx does), DOLFINx
# with default BoomerAMG, tuned BoomerAMG and Jacobi; medians of seconds per
# step and the ratio of the best of each (DOLFINx comes with
# scripts/install_dependencies.sh --bench).
#   run_heat_benchmark.sh [BUILD_DIR] [--large | --layout (no peer) | --peer (the peer only)]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
reps=${REPS:-3}
sizes=("0 25e-9" "1 25e-9")
[ "${2:-}" = "--large" ] && sizes+=("2 40e-9")
[ "${2:-}" = "--peer" ] && sizes=()
layout_log=$(mktemp)
log=$(mktemp)
trap 'rm -f "$layout_log" "$log"' EXIT
for size in ${sizes[@]+"${sizes[@]}"}; do
  runs=$reps
  [ "$size" = "2 40e-9" ] && runs=1
  for np in 1 2; do
    for rep in $(seq "$runs"); do
      for config in "Heat solver/Mass matrix=consistent" "Heat solver/Mass matrix=lumped;Heat solver/Preconditioner=ssor"; do
        IFS=';' read -r -a settings <<< "$config"
        # shellcheck disable=SC2086
        mpirun -np $np --oversubscribe "$build/benchmarks/heat_benchmark" $size "${settings[@]}" | tee -a "$layout_log"
      done
    done
  done
done
if [ ${#sizes[@]} -gt 0 ]; then
  python3 - "$layout_log" <<'PY'
import re, statistics, sys
from collections import defaultdict
runs = defaultdict(list)  # (mass, preconditioner, DoFs, ranks) -> [(setup, s/step, its, B/DoF)]
pattern = (r"(\w+) mass, ([\w ]+): ranks (\d+), DoFs (\d+): setup \(mesh, DoFs, assembly\) ([\d.e+-]+) s,"
           r".*reused steps ([\d.e+-]+) s each, ([\d.e+-]+) CG its;.*\(([\d.e+-]+) B/DoF;")
for line in open(sys.argv[1]):
    m = re.match(pattern, line)
    if m:
        runs[(m.group(1), m.group(2), int(m.group(4)), int(m.group(3)))].append(
            [float(m.group(i)) for i in (5, 6, 7, 8)])
print("medians: DoFs, ranks, configuration: setup s, s per step (CG its), peak B/DoF (all ranks)")
for key in sorted(runs, key=lambda k: (k[2], k[3], k[0])):
    med = [statistics.median(v[i] for v in runs[key]) for i in range(4)]
    print(f"  {key[2]:>8} {key[3]} {key[0]} mass + {key[1]} ({len(runs[key])} runs): "
          f"{med[0]:.3g} s, {med[1]:.3g} s ({med[2]:.1f}), {med[3]:.0f} B/DoF")
for dofs, ranks in sorted({(k[2], k[3]) for k in runs}):
    default = [v for k, v in runs.items() if k[:1] == ("consistent",) and k[2:] == (dofs, ranks)]
    low = [v for k, v in runs.items() if k[:1] == ("lumped",) and k[2:] == (dofs, ranks)]
    if default and low:
        t = statistics.median(v[1] for v in low[0]) / statistics.median(v[1] for v in default[0])
        b = statistics.median(v[3] for v in low[0]) / statistics.median(v[3] for v in default[0])
        print(f"  {dofs} DoFs, {ranks} rank(s): low-memory / default = {t:.2f}x the time per step, "
              f"{b:.2f}x the peak memory")
PY
fi
[ "${2:-}" = "--layout" ] && exit 0

if ! /usr/bin/python3 -c "import dolfinx" 2>/dev/null; then
  echo "DOLFINx is missing: scripts/install_dependencies.sh --bench installs it; peer comparison skipped"
  exit 0
fi
for n in 64 100; do
  for rep in $(seq "$reps"); do
    for p in amg jacobi "block jacobi"; do
      "$build/benchmarks/heat_benchmark" cube $n 10 "Heat solver/Preconditioner=$p" | tee -a "$log"
    done
    "$build/benchmarks/heat_benchmark" cube $n 10 reassemble "Heat solver/Preconditioner=block jacobi" | tee -a "$log"
    for config in amg amg-tuned jacobi; do
      /usr/bin/python3 "$here/dolfinx_heat_step.py" $n 10 $config 2>/dev/null | tee -a "$log"
    done
  done
done
python3 - "$log" <<'PY'
import re, statistics, sys
from collections import defaultdict
times = defaultdict(list)  # (code, configuration, n) -> seconds per step
for line in open(sys.argv[1]):
    m = re.match(r"(cube|dolfinx) (.+) n (\d+), ranks \d+, DoFs \d+: .*then ([\d.e+-]+) s per step", line)
    if m:
        times[(m.group(1), m.group(2), int(m.group(3)))].append(float(m.group(4)))
median = {key: statistics.median(values) for key, values in times.items()}
for n in sorted({key[2] for key in median}):
    print(f"n = {n} (medians of {len(times[next(k for k in median if k[2] == n)])} runs, seconds per step):")
    for (code, config, size), t in sorted(median.items()):
        if size == n:
            print(f"  {'ours' if code == 'cube' else 'DOLFINx'} {config}: {t:.4g}")
    def best(code, keep=lambda c: True):
        return min((t, c) for (k, c, size), t in median.items() if k == code and size == n and keep(c))
    peer, ours = best("dolfinx"), best("cube", lambda c: "reassemble" not in c)
    print(f"  best: ours {ours[1]} {ours[0]:.4g} s, DOLFINx {peer[1]} {peer[0]:.4g} s: "
          f"ours {peer[0] / ours[0]:.2f}x faster")
    reassembled = best("cube", lambda c: "reassemble" in c)
    print(f"  ours with the source reassembled each step ({reassembled[1]}): "
          f"{peer[0] / reassembled[0]:.2f}x faster")
PY
