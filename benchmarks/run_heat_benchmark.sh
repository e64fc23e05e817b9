#!/usr/bin/env bash
# Heat-equation cost against DoFs on 1 and 2 ranks, two-device layout
# (finest cell 25 nm, then every cell size halved: 125 k and 836 k DoFs;
# with --large also 40 nm halved twice, 3.3 M DoFs): setup, seconds per
# step, CG iterations, peak memory per DoF and what the mesh, DoFs and
# matrices hold. Then the peer problem (benchmarks/dolfinx_heat_step.py) at
# n = 64 and 100 on 1 rank, ours against DOLFINx with default BoomerAMG,
# tuned BoomerAMG and Jacobi, with the ratio of seconds per step
# (DOLFINx comes with scripts/install_dependencies.sh --bench).
#   run_heat_benchmark.sh [BUILD_DIR] [--large]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
sizes=("0 25e-9" "1 25e-9")
[ "${2:-}" = "--large" ] && sizes+=("2 40e-9")
for size in "${sizes[@]}"; do
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
for n in 64 100; do
  "$build/benchmarks/heat_benchmark" cube $n 10 | tee -a "$log"
  for config in amg amg-tuned jacobi; do
    /usr/bin/python3 "$here/dolfinx_heat_step.py" $n 10 $config 2>/dev/null | tee -a "$log"
  done
done
python3 - "$log" <<'PY'
import re, sys
ours, peer = {}, {}
for line in open(sys.argv[1]):
    m = re.search(r"n (\d+), ranks \d+, DoFs \d+: .*then ([\d.e+-]+) s per step", line)
    if not m:
        continue
    n, t = int(m.group(1)), float(m.group(2))
    if line.startswith("cube"):
        ours[n] = t
    else:
        config = line.split()[1]
        if n not in peer or t < peer[n][0]:
            peer[n] = (t, config)
for n in sorted(ours):
    if n in peer:
        print(f"n = {n}: ours {ours[n]:.4g} s per step, best DOLFINx ({peer[n][1]}) {peer[n][0]:.4g} s: "
              f"ours is {peer[n][0] / ours[n]:.2f}x faster")
PY
