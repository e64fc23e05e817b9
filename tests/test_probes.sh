#!/usr/bin/env bash
# Point probes (Run/Probes -> probes.csv) of the tutorial pair:
#  1. physics: after A's first spike its heat reaches the point under A, then
#     the middle of the gap, then B, each later and lower; a point 3 um away
#     barely moves;
#  2. the same values on 1 and 2 MPI ranks, and equal to ParaView's own
#     interpolation (ProbeLocation) of the last field snapshot;
#  3. a run extended with --resume continues probes.csv exactly;
#  4. the reduced model's probes (its field rebuilt from the modes) follow the
#     finite element's;
#  5. probes with the lumped model, outside the substrate, or malformed are
#     refused before any output.
#   test_probes.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
case_file=$source_dir/cases/tutorial_pair.prm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"

probes="under A: 0, -0.3e-6, 0; gap: 0, 0, 0; B: 0, 0.3e-6, 0.05e-6; far: 3e-6, 3e-6, -1e-6"
common=(--quiet --set "Run/Probes=$probes" --set "Run/Probe interval=2e-9" --set "Run/Plot=false"
        --set "Finite-element coupling/Field output interval=100e-9")
run() { # run NAME [ARGS...]: the tutorial pair into NAME
  local name=$1; shift
  "$@" "$case_file" -o "$name" "${common[@]}" > "$name.log" 2>&1 || { cat "$name.log"; fail "run $name"; }
}
run one "$binary" run --set "Run/End time=0.6e-6"
run two mpirun -np 2 "$binary" run --set "Run/End time=0.6e-6"
run short "$binary" run --set "Run/End time=0.4e-6" --set "Run/Checkpoint interval=0.2e-6"
cp short/probes.csv probes_at_0.4us.csv
"$binary" run "$case_file" -o short "${common[@]}" --set "Run/End time=0.6e-6" \
  --set "Run/Checkpoint interval=0.2e-6" --resume > resume.log 2>&1 || { cat resume.log; fail "resume"; }
run reduced "$binary" run --set "Run/End time=0.6e-6" --set "Run/Thermal model=reduced"

/usr/bin/python3 - <<'PY' || fail "probes.csv"
import csv
def table(run):
    return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(f"{run}/probes.csv"))]
one, two, resumed, reduced = table("one"), table("two"), table("short"), table("reduced")
names = ["T_under A_K", "T_gap_K", "T_B_K", "T_far_K"]
assert list(one[0]) == ["time_s"] + names, list(one[0])
T0 = 325.0
# 1. A's first spike heats the point under it, then the gap, then B.
a_spike = min(float(r["t_peak_s"]) for r in csv.DictReader(open("one/spikes.csv")) if r["device"] == "0")
window = [r for r in one if a_spike - 20e-9 <= r["time_s"] <= a_spike + 100e-9]
peak = {n: max(window, key=lambda r: r[n]) for n in names}
rise = {n: peak[n][n] - T0 for n in names}
print("after A's spike at %.4g s:" % a_spike,
      ", ".join("%s +%.3g K at %.4g s" % (n, rise[n], peak[n]["time_s"]) for n in names))
assert rise["T_under A_K"] > 2 * rise["T_gap_K"] > 0, rise
assert peak["T_under A_K"]["time_s"] <= peak["T_gap_K"]["time_s"] < peak["T_B_K"]["time_s"], peak
assert max(r["T_far_K"] for r in one) - T0 < 0.05 * rise["T_gap_K"], "the far point moved"
# 2. Rank independence (CG sums differ in the last digits).
assert [r["time_s"] for r in one] == [r["time_s"] for r in two]
worst = max(abs(a[n] - b[n]) for a, b in zip(one, two) for n in names)
assert worst < 1e-5, f"1 vs 2 ranks: {worst} K"
# 3. The resumed run keeps its rows up to 0.4 us and goes on to 0.6 us like
# the straight run (which did not end a step at 0.4 us: within the tolerances).
before = open("probes_at_0.4us.csv").read()
assert open("short/probes.csv").read().startswith(before), "resuming changed the rows before 0.4 us"
assert abs(resumed[-1]["time_s"] - 0.6e-6) < 1e-15 and len(resumed) > len(before.splitlines()) + 10
straight = {round(r["time_s"] / 2e-9): r for r in one}
worst = max(abs(r[n] - straight[round(r["time_s"] / 2e-9)][n]) / rise[n]
            for r in resumed if round(r["time_s"] / 2e-9) in straight for n in names[:3])
assert worst < 0.05, f"resumed vs straight: {worst:.3f} of the rise"
# 4. Reduced against full finite element, relative to each probe's largest
# rise (measured: 2.6 % under A, 3.0 % in the gap, 9.4 % inside B's channel,
# where the modes of a device's own heating are the coarsest).
for n, allowed in zip(names[:3], (0.05, 0.05, 0.12)):
    full = {round(r["time_s"] / 2e-9): r[n] for r in one}
    red = {round(r["time_s"] / 2e-9): r[n] for r in reduced}
    top = max(v - T0 for v in full.values())
    gap = max(abs(red[k] - full[k]) for k in full if k in red) / top
    print(f"reduced vs full, {n}: {100 * gap:.2f} % of its largest rise ({top:.3g} K)")
    assert gap < allowed, (n, gap)
PY
echo "ok: probes show the heat crossing the gap; 1 = 2 ranks; resume continues them; reduced follows"

# 2b. ParaView's interpolation of the last snapshot at the probes' points.
if command -v pvbatch > /dev/null; then
  cat > probe_check.py <<'PY'
import csv, sys, xml.etree.ElementTree as ET
from paraview import servermanager as sm
from paraview.simple import OpenDataFile, ProbeLocation
run, points = sys.argv[1], {"under A": (0, -0.3e-6, 0), "gap": (0, 0, 0), "B": (0, 0.3e-6, 0.05e-6)}
sets = list(ET.parse(run + "/fields/temperature.pvd").getroot().iter("DataSet"))
t, path = float(sets[-1].get("timestep")), run + "/fields/" + sets[-1].get("file")
last = list(csv.DictReader(open(run + "/probes.csv")))[-1]
assert abs(float(last["time_s"]) - t) < 1e-12 * t, (last["time_s"], t)
reader = OpenDataFile(path)
for name, p in points.items():
    probe = ProbeLocation(Input=reader, ProbeType="Fixed Radius Point Source")
    probe.ProbeType.Center = p
    probe.UpdatePipeline()
    value = sm.Fetch(probe).GetPointData().GetArray("temperature_K").GetValue(0)
    ours = float(last[f"T_{name}_K"])
    print(f"{name}: probes.csv {ours:.6f} K, ParaView {value:.6f} K")
    if abs(value - ours) > 1e-4:  # the VTU holds 32-bit floats
        sys.exit(1)
PY
  xvfb-run -a pvbatch --disable-xdisplay-test probe_check.py one > paraview.log 2>&1 ||
    { cat paraview.log; fail "probes.csv against ParaView's ProbeLocation"; }
  grep "probes.csv" paraview.log
  echo "ok: probes.csv equals ParaView's interpolation of the last snapshot"
fi

# 5. Refused before any output.
expect_refusal() {
  local pattern=$1 status=0; shift
  "$binary" run "$@" -o refused > refused.log 2>&1 || status=$?
  [ "$status" -eq 1 ] && grep -qF -- "$pattern" refused.log || { cat refused.log; fail "not refused ($pattern)"; }
  [ ! -e refused ] || fail "a refused run wrote its folder"
}
expect_refusal "has no temperature field to probe" --set "Run/Probes=gap: 0, 0, 0"
expect_refusal "lies outside the substrate" "$case_file" --set "Run/Probes=sky: 0, 0, 1e-6"
expect_refusal "is not 'name: x, y, z'" "$case_file" --set "Run/Probes=0, 0, 0"
expect_refusal "needs three coordinates" "$case_file" --set "Run/Probes=gap: 0, 0"
expect_refusal "two probes are named 'gap'" "$case_file" --set "Run/Probes=gap: 0, 0, 0; gap: 0, 0, 0"
echo "ok: bad probes refused"
