#!/usr/bin/env bash
# scripts/plot_run.py on fabricated folders (no simulator needed): the sweep
# plots of one swept entry (3 points, 2 devices; and its `integration`) and
# of two (a 2 x 3 grid), a characterize sweep of one device and one of two
# with a missing eta, and a comparison of two points of a sweep. Checks,
# from the PNGs' "plot_run" text chunk (titles, axis labels, legends, data):
#   - every PNG exists and every axis label of a physical quantity has its
#     unit in parentheses, SI-prefixed from the data (a gap of 1e-6..3e-6 m
#     in µm, latencies in µs, rates in kHz, R_th in K/mW);
#   - the grid figure labels its axes with both swept entries;
#   - empty CSV cells are not drawn (no point, not a zero);
#   - legends name the devices, do not cover a panel, and label the compared
#     runs by the entry they differ in; a bad sweep.json is refused.
#   tests/test_sweep_plots.sh SCRATCH_DIR
# Exit 0 pass, 1 fail. PLOT_RUN=path/to/plot_run.py tests another copy.
set -euo pipefail
scratch=${1:?usage: test_sweep_plots.sh SCRATCH_DIR}
here=$(cd "$(dirname "$0")" && pwd)
script=${PLOT_RUN:-$here/../scripts/plot_run.py}
python=/usr/bin/python3

mkdir -p "$scratch"
work=$(mktemp -d "$scratch/sweep_plots.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT  # KEEP=1: keep the folders to look at
fail() { echo "FAIL: $*"; exit 1; }
plot() { "$python" "$script" "$@" > "$work/plot.log" 2>&1 || { cat "$work/plot.log"; fail "plot_run.py $*"; }; }

# One entry (a gap, 1-3 µm), devices A and B: B is quiescent, then fires once, then spikes.
mkdir -p "$work/line"
cat > "$work/line/sweep.csv" <<'CSV'
point,value_1,x_1_m,device,name,state,spike_count,first_spike_s,mean_rate_hz,count_ratio,mean_spike_energy_J
0,1e-6,1e-06,0,A,spiking,5,2.5e-06,300000,1,5e-09
0,1e-6,1e-06,1,B,quiescent,0,,,,
1,2e-6,2e-06,0,A,spiking,6,2.4e-06,320000,1,5.1e-09
1,2e-6,2e-06,1,B,single spike,1,8e-06,,6,4e-09
2,3e-6,3e-06,0,A,spiking,7,2.3e-06,340000,1,5.2e-09
2,3e-6,3e-06,1,B,spiking,3,5e-06,150000,2.333333,4.2e-09
CSV
cat > "$work/line/sweep.json" <<'JSON'
{"case": "pair, gap sweep", "points": 3, "mpi_ranks": 1, "devices": 2, "names": ["A", "B"],
 "entries": [{"entry": "Layout/Gap", "axis_label": "gap (m)", "unit": "m", "value_column": "value_1",
              "x_column": "x_1_m", "x": [1e-6, 2e-6, 3e-6]}]}
JSON

# Two entries: V_in (2 values, slowest) x gap (3 values); point = i1 * 3 + i2.
mkdir -p "$work/grid"
{
  echo "point,value_1,x_1_V,value_2,x_2_m,device,name,state,spike_count,first_spike_s,mean_rate_hz,count_ratio,mean_spike_energy_J"
  echo "0,dc(10),10,0.5e-6,5e-07,0,A,spiking,6,2e-06,300000,1,5e-09"
  echo "0,dc(10),10,0.5e-6,5e-07,1,B,spiking,3,3e-06,150000,2,4e-09"
  echo "1,dc(10),10,1e-6,1e-06,0,A,spiking,6,2e-06,300000,1,5e-09"
  echo "1,dc(10),10,1e-6,1e-06,1,B,single spike,1,9e-06,,6,4e-09"
  echo "2,dc(10),10,1.5e-6,1.5e-06,0,A,spiking,6,2e-06,300000,1,5e-09"
  echo "2,dc(10),10,1.5e-6,1.5e-06,1,B,quiescent,0,,,,"
  echo "3,dc(12),12,0.5e-6,5e-07,0,A,spiking,8,1e-06,400000,1,5e-09"
  echo "3,dc(12),12,0.5e-6,5e-07,1,B,spiking,8,1.5e-06,400000,1,4e-09"
  echo "4,dc(12),12,1e-6,1e-06,0,A,spiking,8,1e-06,400000,1,5e-09"
  echo "4,dc(12),12,1e-6,1e-06,1,B,spiking,4,4e-06,200000,2,4e-09"
  echo "5,dc(12),12,1.5e-6,1.5e-06,0,A,trapped,1,1e-06,,1,5e-09"
  echo "5,dc(12),12,1.5e-6,1.5e-06,1,B,quiescent,0,,,,"
} > "$work/grid/sweep.csv"
cat > "$work/grid/sweep.json" <<'JSON'
{"case": "pair, V_in x gap", "points": 6, "mpi_ranks": 1, "devices": 2, "names": ["A", "B"],
 "entries": [{"entry": "Circuit/Input", "axis_label": "V_in (V)", "unit": "V", "value_column": "value_1",
              "x_column": "x_1_V", "x": [10, 12]},
             {"entry": "Layout/Gap", "axis_label": "gap (m)", "unit": "m", "value_column": "value_2",
              "x_column": "x_2_m", "x": [0.5e-6, 1e-6, 1.5e-6]}]}
JSON

# Characterize sweeps: one device (no eta, no delay); two devices with one eta missing.
characterize_json='{"entries": [{"entry": "Layout/Gap", "axis_label": "gap (m)", "unit": "m",
  "value_column": "value_1", "x_column": "x_1_m", "x": [5e-7, 1e-6, 2e-6]}]}'
mkdir -p "$work/char1" "$work/char2"
cat > "$work/char1/sweep.csv" <<'CSV'
point,value_1,x_1_m,R_th_0_K_per_W,eta_10,half_rise_delay_10_s
0,0.5e-6,5e-07,163171.7,,
1,1e-6,1e-06,163202.2,,
2,2e-6,2e-06,163230.9,,
CSV
cat > "$work/char2/sweep.csv" <<'CSV'
point,value_1,x_1_m,R_th_0_K_per_W,eta_10,half_rise_delay_10_s
0,0.5e-6,5e-07,163171.7,0.037,4.1e-08
1,1e-6,1e-06,163202.2,,9.0e-08
2,2e-6,2e-06,163230.9,0.0095,2.0e-07
CSV
echo "$characterize_json" > "$work/char1/sweep.json"
echo "$characterize_json" > "$work/char2/sweep.json"

# Two points of a sweep (parameters.prm differ in Circuit/Input only); B peaks last, near the end.
make_run() { # folder input peak_time_s
  mkdir -p "$1"
  printf 'subsection Circuit\n  set Input = %s # the input\nend\nsubsection Run\n  set Device names = A, B\nend\n' "$2" > "$1/parameters.prm"
  cat > "$1/summary.json" <<JSON
{"run": {"case": "pair", "thermal_model": "lumped"},
 "devices": [{"device": 0, "name": "A", "spike_count": 1, "state": "single spike", "mean_rate_hz": null, "first_spike_s": 1e-6},
             {"device": 1, "name": "B", "spike_count": 1, "state": "single spike", "mean_rate_hz": null, "first_spike_s": $3}]}
JSON
  printf 'device,t_peak_s,i_peak_A,energy_J\n0,1e-06,0.001,5e-09\n1,%s,0.001,5e-09\n' "$3" > "$1/spikes.csv"
  {
    echo "time_s,device,v_in_V,v_device_V,i_load_A,i_device_A,temperature_K,resistance_ohm,power_W"
    for t in 0 1e-6 2e-6 3e-6 4e-6 5e-6; do
      echo "$t,0,10,5,1e-4,1e-4,325,5e4,5e-4"
      echo "$t,1,10,5,1e-4,1e-4,330,5e4,5e-4"
    done
  } > "$1/traces.csv"
}
make_run "$work/run_a" "dc(11)" 4.9e-6
make_run "$work/run_b" "dc(12)" 4.8e-6

# Spikes of the one-entry points, for `integration` (B fires after 2 of A's spikes at 3 µm).
for n in 0 1 2; do
  mkdir -p "$work/line/point_00$n"
  printf 'device,t_peak_s,i_peak_A,energy_J\n0,1e-06,0.001,5e-09\n1,1.5e-06,0.001,5e-09\n0,2e-06,0.001,5e-09\n0,3e-06,0.001,5e-09\n1,3.5e-06,0.001,5e-09\n' \
    > "$work/line/point_00$n/spikes.csv"
done

plot sweep "$work/line"
plot integration "$work/line"
plot sweep "$work/grid"
plot characterize-sweep "$work/char1"
plot characterize-sweep "$work/char2"
plot compare "$work/compare" "$work/run_a" "$work/run_b"

# A sweep.json without its entries is refused (exit 1, the file named).
mkdir -p "$work/bad" && cp "$work/line/sweep.csv" "$work/bad/"
echo '{"case": "no entries"}' > "$work/bad/sweep.json"
status=0; "$python" "$script" sweep "$work/bad" > "$work/bad.log" 2>&1 || status=$?
if [ "$status" != 1 ] || ! grep -q "sweep.json" "$work/bad.log"; then
  fail "a sweep.json without entries: exit $status, $(cat "$work/bad.log")"
fi

PLOT_RUN_SCRIPT=$script "$python" - "$work" <<'PY'
import importlib.util, json, math, os, sys
from PIL import Image

work = sys.argv[1]
failures = []

def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)

def describe(png):
    """The plot_run JSON of a PNG, {} (a failure) without the file or chunk."""
    path = os.path.join(work, png)
    check(os.path.isfile(path) and os.path.getsize(path) > 5000, f"{png} exists")
    if not os.path.isfile(path):
        return {"panels": [], "legends": []}
    text = Image.open(path).text.get("plot_run")
    check(text is not None, f"{png} carries its description")
    return json.loads(text) if text else {"panels": [], "legends": []}

def panel(figure, word):
    """The panel (not a colour bar) whose title or y label contains *word*."""
    found = [p for p in figure["panels"] if not p["colorbar"] and word in p["title"] + p["ylabel"]]
    check(len(found) == 1, f"one panel about '{word}'")
    return found[0] if found else {"title": "", "xlabel": "", "ylabel": "", "lines": [], "meshes": []}

def line(p, label):
    found = [l for l in p["lines"] if l["label"] == label]
    check(len(found) == 1, f"{p['title']!r}: one line '{label}'")
    return found[0] if found else {"y": [], "finite": -1, "points": -1}

def same(values, expected):
    return len(values) == len(expected) and all(
        (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))
        for a, b in zip(values, expected))

def legend_texts(figure):
    return [t for g in figure["legends"] for t in g["texts"]] + \
           [t for p in figure["panels"] for t in p.get("legend", {}).get("texts", [])]

def legends_clear(figure, png):
    legends = figure["legends"] + [p["legend"] for p in figure["panels"] if "legend" in p]
    check(legends and not any(g["covers_a_panel"] for g in legends), f"{png}: no legend covers a panel")

# The SI helper itself.
spec = importlib.util.spec_from_file_location("plot_run", os.environ["PLOT_RUN_SCRIPT"])
plot_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plot_run)
for values, unit, expected in (([1e-6, 3e-6], "m", "\u00b5m"), ([5e-7, 9.9e-7], "m", "nm"),
                               ([2.5e-6, 8e-6], "s", "\u00b5s"), ([4e-8, 2e-7], "s", "ns"),
                               ([1.5e5, 3.4e5], "Hz", "kHz"), ([2e6], "Hz", "MHz"),
                               ([4e-9], "J", "nJ"), ([1.6e5], "K/W", "K/mW"), ([12.5], "V", "V"),
                               ([float("nan"), 3e-6], "m", "\u00b5m"), ([0.5, 2.0], "", "")):
    factor, shown = plot_run.si_scale(values, unit)
    top = max(abs(v) for v in values if v == v) * factor
    check(shown == expected and (not unit or 1 <= top < 1000), f"si_scale({values}, {unit!r}) -> {shown!r}")
check(plot_run.scaled_label("gap (m)", [2e-6], "m")[1] == "gap (\u00b5m)", "'gap (m)' becomes 'gap (\u00b5m)'")

# One entry.
line_fig = describe("line/sweep.png")
panels = [p for p in line_fig["panels"] if not p["colorbar"]]
check(len(panels) == 5, f"sweep.png of one entry: 5 panels ({len(panels)})")
check(all(p["xlabel"] == "gap (\u00b5m)" for p in panels), "every panel's x label is 'gap (\u00b5m)'")
latency, rate = panel(line_fig, "latency"), panel(line_fig, "rate")
ratio, energy = panel(line_fig, "ratio"), panel(line_fig, "energy")
check(latency["ylabel"].endswith("(\u00b5s)"), f"latency in \u00b5s: {latency['ylabel']!r}")
check(rate["ylabel"].endswith("(kHz)"), f"rate in kHz: {rate['ylabel']!r}")
check(energy["ylabel"].endswith("(nJ)"), f"energy in nJ: {energy['ylabel']!r}")
check(same(line(latency, "B")["y"], [None, 8.0, 5.0]), "B's latency: none at 1 \u00b5m, 8 and 5 \u00b5s")
check(same(line(latency, "A")["y"], [2.5, 2.4, 2.3]), "A's latency in \u00b5s")
check(same(line(ratio, "A:B")["y"], [None, 6.0, 2.333333]), "count ratio A:B: none without a spike of B")
check(line(rate, "B")["finite"] == 1 and line(rate, "B").get("min") == 150.0,
      "B's rate: one point (150 kHz), none where B has no rate")
check(all(v is None or v > 0 for p in (latency, ratio, rate, energy) for l in p["lines"] for v in l.get("y", [])),
      "no missing value drawn as 0")
texts = legend_texts(line_fig)
check({"A", "B", "spiking", "quiescent", "single spike"} <= set(texts), f"legend: names and states {texts}")
legends_clear(line_fig, "line/sweep.png")

integration = describe("line/integration.png")
check([p["xlabel"] for p in integration["panels"] if not p["colorbar"]] == ["gap (\u00b5m)"],
      "integration: x label 'gap (\u00b5m)'")

# Two entries.
grid_fig = describe("grid/sweep.png")
maps = [p for p in grid_fig["panels"] if not p["colorbar"]]
check(len(maps) == 3, f"grid: state of A, state of B, count ratio ({len(maps)} panels)")
check(all(p["xlabel"] == "V_in (V)" and p["ylabel"] == "gap (\u00b5m)" for p in maps),
      "grid panels: x 'V_in (V)', y 'gap (\u00b5m)'")
for name in ("A", "B"):
    state = panel(grid_fig, f"state of {name}")
    check([m["shape"] for m in state["meshes"]] == [[3, 2]] and state["meshes"][0]["finite"] == 6,
          f"state of {name}: a 3 x 2 map, every cell coloured")
ratio_map = panel(grid_fig, "count ratio")
check(len(ratio_map["meshes"]) == 1 and ratio_map["meshes"][0]["finite"] == 4
      and ratio_map["meshes"][0]["min"] == 1.0 and ratio_map["meshes"][0]["max"] == 6.0,
      "count ratio map: 4 cells with a value (1..6), 2 blank where B has no spike")
bars = [p for p in grid_fig["panels"] if p["colorbar"]]
check(len(bars) == 1 and "spikes of A per spike of B" in bars[0]["ylabel"], "the ratio's colour bar is labelled")
check({"spiking", "single spike", "quiescent", "trapped"} <= set(legend_texts(grid_fig)), "grid: state legend")
legends_clear(grid_fig, "grid/sweep.png")

# Characterize sweeps.
one = describe("char1/coupling_vs_gap.png")
check(len(one["panels"]) == 1 and "R_th" in one["panels"][0]["ylabel"],
      "one device: R_th only (no eta or delay panel of empty cells)")
check(one["panels"][0]["ylabel"].endswith("(K/mW)") and one["panels"][0]["xlabel"] == "gap (\u00b5m)",
      f"R_th in K/mW against gap in \u00b5m: {one['panels'][0]['ylabel']!r}")
two = describe("char2/coupling_vs_gap.png")
eta, delay = panel(two, "eta"), panel(two, "delay")
check(same(line(eta, eta["lines"][0]["label"] if eta["lines"] else "")["y"], [0.037, None, 0.0095]),
      "eta: the missing value is a gap, not a 0")
check(delay["ylabel"].endswith("(ns)") and all(p["xlabel"] == "gap (\u00b5m)" for p in two["panels"]),
      f"delay in ns: {delay['ylabel']!r}")

# Comparison of two points of one sweep.
compare = describe("compare/comparison.png")
texts = legend_texts(compare)
check({"Circuit/Input = dc(11)", "Circuit/Input = dc(12)", "A", "B"} <= set(texts),
      f"comparison legend: runs by the varied entry, devices by name {texts}")
check(all(p["xlabel"] in ("", "time (\u00b5s)") for p in compare["panels"]), "comparison: time in \u00b5s")
legends_clear(compare, "compare/comparison.png")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
PY
echo "PASS: sweep plots"
