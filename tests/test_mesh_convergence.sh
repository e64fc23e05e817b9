#!/usr/bin/env bash
# Spike times of the two-device case converge under mesh refinement: the
# tutorial pair on finest cells of 100, 50 and 25 nm. For A's spike times and
# B's temperature rise at the end (heat that crossed the gap), the change from
# 50 to 25 nm must be under a third of the change from 100 to 50 nm (observed
# order > 1.58) and small in absolute terms.
#   test_mesh_convergence.sh BINARY CASE END_TIME [OUT_DIR]
# With OUT_DIR the runs are kept there (for the mesh study in the notes).
set -euo pipefail
binary=$1
case_file=$2
end_time=$3
work=${4:-$(mktemp -d)}
[ -n "${4:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
for h in 100 50 25; do
  "$binary" run "$case_file" -q -o "$work/h$h" --set "Layout/Finest cell size=${h}e-9" \
    --set "Run/End time=$end_time" --set "Run/Plot=false" \
    --set "Finite-element coupling/Field output interval=0" > "$work/h$h.log" 2>&1 \
    || { cat "$work/h$h.log"; exit 1; }
  grep "^Heat:" "$work/h$h.log" || true
done
/usr/bin/python3 - "$work" <<'PY'
import csv, sys
work = sys.argv[1]
def spikes(h, device):
    return [float(r["t_peak_s"]) for r in csv.DictReader(open(f"{work}/h{h}/spikes.csv"))
            if r["device"] == device]
def final_rise(h, device):
    rows = [r for r in csv.DictReader(open(f"{work}/h{h}/traces.csv")) if r["device"] == device]
    return float(rows[-1]["temperature_K"]) - float(rows[0]["temperature_K"])
quantities = {}
a = {h: spikes(h, "0") for h in (100, 50, 25)}
n = min(len(v) for v in a.values())
assert n >= 1, a
for k in range(n):
    quantities[f"A spike {k + 1} [ns]"] = {h: a[h][k] * 1e9 for h in a}
b = {h: spikes(h, "1") for h in (100, 50, 25)}
if min(len(v) for v in b.values()) >= 1:
    quantities["B first spike [ns]"] = {h: b[h][0] * 1e9 for h in b}
quantities["B rise at the end [K]"] = {h: final_rise(h, "1") for h in (100, 50, 25)}
ok = True
for name, q in quantities.items():
    d1, d2 = abs(q[50] - q[100]), abs(q[25] - q[50])
    ratio = d1 / d2 if d2 > 0 else float("inf")
    extrapolated = q[25] + (q[25] - q[50]) / 3  # Richardson, order 2
    good = d2 < d1 / 3 and d2 < 0.05 * abs(q[25])
    ok &= good
    print(f"{name}: 100 nm {q[100]:.4g}, 50 nm {q[50]:.4g}, 25 nm {q[25]:.4g}; "
          f"changes {d1:.3g} then {d2:.3g} (ratio {ratio:.2f}); "
          f"extrapolated {extrapolated:.4g} {'ok' if good else 'NOT CONVERGING'}")
sys.exit(0 if ok else 1)
PY
