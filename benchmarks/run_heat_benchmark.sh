#!/usr/bin/env bash
# Heat-equation cost against DoFs on 1 and 2 ranks, two-device layout
# (finest cell 25 nm, then every cell size halved: 125 k and 836 k DoFs;
# with --large also 40 nm halved twice, 3.3 M DoFs): setup, seconds per
# step, CG iterations, peak memory per DoF and what the mesh, DoFs and
# matrices hold. Then the peer problem (benchmarks/dolfinx_heat_step.py) at
# n = 64 and 100 on 1 rank, REPS (default 3) alternating runs: ours with
# BoomerAMG, Jacobi and block Jacobi (and block Jacobi with the source
# assembled at every step, as DOLFINx does), DOLFINx with default BoomerAMG,
# tuned BoomerAMG and Jacobi; medians of seconds per step and the ratio of
# the best of each (DOLFINx comes with scripts/install_dependencies.sh --bench).
#   run_heat_benchmark.sh [BUILD_DIR] [--large | --peer (the peer comparison only)]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
sizes=("0 25e-9" "1 25e-9")
[ "${2:-}" = "--large" ] && sizes+=("2 40e-9")
[ "${2:-}" = "--peer" ] && sizes=()
for size in ${sizes[@]+"${sizes[@]}"}; do
  for np in 1 2; do
    # shellcheck disable=SC2086
    mpirun -np $np --oversubscribe "$build/benchmarks/heat_benchmark" $size
  done
done

if ! /usr/bin/python3 -c "import dolfinx" 2>/dev/null; then
  echo "DOLFINx is missing: scripts/install_dependencies.sh --bench installs it; peer comparison skipped"
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
reps=${REPS:-3}
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
