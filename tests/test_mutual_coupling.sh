#!/usr/bin/env bash
# Figs. S9A and S10 of Qiu et al. on the lumped pairs of the S12/S13 cases.
# S10 (cases/fig_s13_va_sweep.prm, V_B = 14 V, near B's upper edge): at
# V_A = 15 V each device spikes alone, together both are trapped after a few
# spikes (mutual inhibition); at V_A = 12 V A keeps spiking, B is trapped.
# S9A (cases/fig_s12_va_sweep.prm, V_B = 9.4 V): A at 9.6 V is quiescent
# alone, as is B; together they excite each other into steady 1:1 spiking
# (the paper's devices fire a single spike; the seed's model sustains it).
#   test_mutual_coupling.sh BINARY SOURCE_DIR
source "$(dirname "$0")/case_checks.sh"
case_file=$source_dir/cases/fig_s13_va_sweep.prm

point() {  # point NAME V_A V_B
  run_case "$1" --set "Sweep/Entry=" --set "Circuit/Input=dc($2); dc($3)" --set "Run/Plot=false"
}
point both 15 14
point a_alone 15 0
point b_alone 0 14
point inhibited 12 14
case_file=$source_dir/cases/fig_s12_va_sweep.prm
point excited 9.6 9.4
point a_alone_low 9.6 0

check_regime <<'PY'
import json
devices = lambda run: json.load(open(f"{work}/{run}/summary.json"))["devices"]
both = devices("both")
for d in both:
    check(d["state"] == "trapped" and d["spike_count"] <= 5,
          f"V_A 15 V, V_B 14 V: device {d['device']} {d['state']} after {d['spike_count']} spikes")
a, b = devices("a_alone")[0], devices("b_alone")[1]
check(a["state"] == "spiking" and a["spike_count"] >= 20, f"A alone at 15 V: {a['spike_count']} spikes")
check(b["state"] == "spiking" and b["spike_count"] >= 20, f"B alone at 14 V: {b['spike_count']} spikes")
a, b = devices("inhibited")
check(a["state"] == "spiking" and b["state"] == "trapped",
      f"V_A 12 V: A {a['state']} ({a['spike_count']}), B {b['state']} ({b['spike_count']})")
a = devices("a_alone_low")[0]
check(a["spike_count"] == 0, f"A alone at 9.6 V: {a['spike_count']} spikes")
a, b = devices("excited")
check(a["state"] == b["state"] == "spiking" and a["spike_count"] == b["spike_count"] >= 8,
      f"V_A 9.6 V, V_B 9.4 V: {a['spike_count']}:{b['spike_count']} ({a['state']}, {b['state']})")
PY
