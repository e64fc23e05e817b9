#!/usr/bin/env bash
# Fig. S8 of Qiu et al. (cases/fig_s8_amplitude_sweep.prm): rate coding in
# a cascade. Runs the case's sweep as written and checks the regimes its
# header reports:
#   - A's rate never falls as the pulse amplitude rises, and sits on the
#     steps locked to the 500 kHz pulse train: 1/4 at 21 V, 1/3 at 22 V,
#     1/2 at 26 V, every pulse at 33 V (each within 2 %);
#   - B (quiescent alone) answers 1:1 at 22 V and 2:1 at 26 V;
#   - A firing on every pulse (33 V) traps B.
#   test_amplitude_sweep.sh BINARY SOURCE_DIR
source "$(dirname "$0")/case_checks.sh"
case_file=$source_dir/cases/fig_s8_amplitude_sweep.prm

run_case sweep --set "Run/Plot=false"
run_case b_alone --set "Sweep/Entry=" --set "Circuit/Input=dc(0); dc(13.2)" --set "Run/Plot=false"

check_regime <<'PY'
import csv, json
rows = {(float(r["x_1_V"]), int(r["device"])): r for r in csv.DictReader(open(f"{work}/sweep/sweep.csv"))}
rate = lambda x, d: float(rows[(x, d)]["mean_rate_hz"] or 0)
count = lambda x, d: int(rows[(x, d)]["spike_count"])
amplitudes = sorted({x for x, _ in rows})
rates = [rate(x, 0) for x in amplitudes]
check(all(b >= 0.99 * a for a, b in zip(rates, rates[1:])),
      "A's rate never falls: " + ", ".join(f"{x:g} V {r / 1e3:.0f} kHz" for x, r in zip(amplitudes, rates)))
for x, per in ((21, 4), (22, 3), (26, 2), (33, 1)):
    check(abs(rate(x, 0) - 500e3 / per) <= 0.02 * 500e3 / per,
          f"{x} V: A fires once per {per} pulses ({rate(x, 0) / 1e3:.1f} kHz)")
alone = json.load(open(f"{work}/b_alone/summary.json"))["devices"][1]
check(alone["spike_count"] == 0, f"B alone at 13.2 V: {alone['spike_count']} spikes")
check(count(22, 1) == count(22, 0), f"22 V: 1:1 ({count(22, 0)}:{count(22, 1)})")
check(abs(2 * count(26, 1) - count(26, 0)) <= 1, f"26 V: 2:1 ({count(26, 0)}:{count(26, 1)})")
check(rows[(33, 1)]["state"] == "trapped", f"33 V: B {rows[(33, 1)]['state']}")
PY
