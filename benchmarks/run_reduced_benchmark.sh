#!/usr/bin/env bash
# Reduced thermal model against full finite element on one case (default the
# 8 x 8 lattice with a driven corner, cases/finite_element/array_8x8_corner.prm,
# 140 k DoFs), on RANKS ranks, no field output:
#   1. full finite element                       -> wall time
#   2. reduced, empty cache: model build + run    -> wall time (build from the log)
#   3. reduced again: the model from the cache     -> wall time of the run alone
#   4., 5. the same with the translation-invariant array model (reduced array)
# Prints for each reduced model the ratios (full / reduced run, full / (build
# + run)), the order, the build's solves and a posteriori error, and the
# raster difference to full finite element (spike counts per device, largest
# spike-time shift).
#   run_reduced_benchmark.sh BUILD_DIR [END_TIME_S (20e-6)] [CASE.prm] [RANKS (2)]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
end=${2:-20e-6}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
case_file=${3:-$source_dir/cases/finite_element/array_8x8_corner.prm}
ranks=${4:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
common=(--set "Run/End time=$end" --set "Run/Plot=false"
        --set "Finite-element coupling/Field output interval=0"
        --set "Reduced model/Cache folder=$work/cache" -q)
run() {
  local name=$1; shift
  mpirun -np "$ranks" --oversubscribe "$build/neuristor" run "$case_file" -o "$work/$name" \
    "${common[@]}" "$@" > "$work/$name.out" 2>&1 || { cat "$work/$name.out"; exit 1; }
}
echo "== $(basename "$case_file"), $end s, $ranks rank(s)"
run full --set "Run/Thermal model=finite element"
run reduced_build --set "Run/Thermal model=reduced"
run reduced_cached --set "Run/Thermal model=reduced"
run array_build --set "Run/Thermal model=reduced array"
run array_cached --set "Run/Thermal model=reduced array"
grep -h "Reduced model:\|Reduced array:" "$work/reduced_build/log.txt" "$work/array_build/log.txt" || true
/usr/bin/python3 - "$work" <<'PY'
import csv, json, re, sys
work = sys.argv[1]
def summary(name):
    return json.load(open(f"{work}/{name}/summary.json"))["run"]
def spikes(name):
    table = {}
    with open(f"{work}/{name}/spikes.csv") as f:
        for row in csv.DictReader(f):
            table.setdefault(int(row["device"]), []).append(float(row["t_peak_s"]))
    return table
def build_seconds(name):
    text = open(f"{work}/{name}/log.txt").read()
    m = re.search(r"\| Reduced model: build\s*\|\s*\d+\s*\|\s*([0-9.e+-]+)s", text)
    return float(m.group(1)) if m else float("nan")
full = summary("full")
print(f"full finite element: {full['wall_time_s']:.1f} s, {full['steps']} steps, "
      f"{full['thermal_solves']} solves")
a = spikes("full")
for label, name in (("reduced", "reduced"), ("reduced array", "array")):
    built, cached = summary(f"{name}_build"), summary(f"{name}_cached")
    build = build_seconds(f"{name}_build")
    run = cached["wall_time_s"]
    print(f"{label}: order {built['reduced_model_order']}, build {build:.1f} s "
          f"({built['reduced_model_build_solves']} solves, error "
          f"{100 * built['reduced_model_error']:.2f} % of the peak rise), run {run:.1f} s "
          f"(from the cache: {cached['reduced_model_builds']} builds), {cached['steps']} steps")
    print(f"  speed-up: run {full['wall_time_s'] / run:.1f}x, build + run "
          f"{full['wall_time_s'] / (build + run):.1f}x")
    b = spikes(f"{name}_cached")
    devices = sorted(set(a) | set(b))
    count_diff = [d for d in devices if len(a.get(d, [])) != len(b.get(d, []))]
    shift = max((abs(x - y) for d in devices for x, y in zip(a.get(d, []), b.get(d, []))), default=0)
    print(f"  raster: {sum(map(len, a.values()))} vs {sum(map(len, b.values()))} spikes, "
          f"{len(a)} vs {len(b)} devices firing, count differs on {len(count_diff)} device(s) "
          f"{count_diff[:10]}, largest spike-time shift {shift * 1e9:.2f} ns")
PY
