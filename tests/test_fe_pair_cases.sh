#!/usr/bin/env bash
# The two-device finite-element cases (cases/finite_element: excitatory_pair,
# cascade_train_50/80, inhibitory_pair) as written, on their stated 12.5 nm
# mesh (shown converged against 6.25 nm, cases/finite_element/README.md),
# with shortened end times: each shows the behaviour it is named for.
#   1:1 excitation: B answers every spike of A 5-40 ns later;
#   2:1 (A raised to 5.8 V): between two answers of B, two spikes of A;
#   pulse trains: A once per pulse at 50 %, twice at 80 %; B answers 1:1 / 2:1;
#   inhibition: B alone keeps spiking, with A it is trapped after a few spikes.
# The four cases share one layout, so one reduced model (built here once).
#   test_fe_pair_cases.sh BINARY SOURCE_DIR
source "$(dirname "$0")/case_checks.sh"
cases=$source_dir/cases/finite_element
launcher=(mpirun -np 2)

for c in excitatory_pair cascade_train_50 cascade_train_80 inhibitory_pair; do
  require_mesh "$cases/$c.prm" 12.5e-9
done

run() {  # run NAME CASE END_TIME [--set ...]
  local name=$1 end=$3
  case_file=$cases/$2.prm
  shift 3
  run_case "$name" --set "Run/End time=$end" --set "Run/Plot=false" \
    --set "Finite-element coupling/Field output interval=0" \
    --set "Reduced model/Cache folder=$work/cache" "$@"
}
run one_to_one excitatory_pair 3e-6
run two_to_one excitatory_pair 5e-6 --set "Circuit/Input=dc(5.8); dc(5.15)"
run train_50 cascade_train_50 3e-6
run train_80 cascade_train_80 3e-6
run inhibited inhibitory_pair 3e-6   # trapped: metallic for Run/Trapped time (2 us)
run b_alone inhibitory_pair 1.5e-6 --set "Circuit/Input=dc(0); dc(20.4)"
[ "$(ls "$work/cache" | wc -l)" = 1 ] || { ls "$work/cache"; echo "expected one shared model"; exit 1; }
# Its traces show the true spike peaks (Run/Trace every step during spikes).
/usr/bin/python3 "$source_dir/tests/check_trace_peaks.py" "$work/one_to_one"

/usr/bin/python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
def spikes(name, device):
    rows = csv.DictReader(open(f"{work}/{name}/spikes.csv"))
    return sorted(float(r["t_peak_s"]) for r in rows if int(r["device"]) == device)
def state(name, device):
    return json.load(open(f"{work}/{name}/summary.json"))["devices"][device]["state"]
def answers(a, b, after=0.0):
    """B's spikes after `after`, each with the lag behind A's latest spike."""
    return [(tb, tb - max(ta for ta in a if ta <= tb)) for tb in b if tb > after]
def show(name):
    a, b = spikes(name, 0), spikes(name, 1)
    print(f"{name}: A {len(a)} spikes, B {len(b)} ({state(name, 0)}, {state(name, 1)}); "
          f"A at {' '.join(f'{t * 1e6:.3f}' for t in a)} us; B at {' '.join(f'{t * 1e6:.3f}' for t in b)} us")
    return a, b
def locked(a, b, after, lo=5e-9, hi=40e-9):
    for tb, lag in answers(a, b, after):
        assert lo <= lag <= hi, (tb, lag, a, b)

# 1:1: every spike of A answered, B never fires on its own after start-up.
a, b = show("one_to_one")
assert len(a) >= 4 and len(b) == len(a), (a, b)
locked(a, b, 0)

# 2:1: from 2 us on, B answers every second spike of A.
a, b = show("two_to_one")
assert len(a) == 2 * len(b), (a, b)
late = [tb for tb in b if tb > 2e-6]
assert len(late) >= 2, b
locked(a, b, 2e-6)
for t0, t1 in zip(late, late[1:]):
    assert sum(t0 < ta < t1 for ta in a) == 2, (t0, t1, a)

# Pulse trains (1 us period): A fires once per pulse at 50 %, twice at 80 %.
# B's first spike is its own start-up spike (alone it fires once at 0.65 us);
# after the first us it only answers A, 1:1 at 50 %, every second at 80 %.
for name, per_pulse in (("train_50", 1), ("train_80", 2)):
    a, b = show(name)
    for k in range(3):
        assert sum(k * 1e-6 <= t < (k + 1) * 1e-6 for t in a) == per_pulse, (name, k, a)
    assert sum(t < 1e-6 for t in b) == 1, (name, b)
    locked(a, b, 1e-6)
    assert len([t for t in b if t > 1e-6]) == 2, (name, b)

# Inhibition: B alone spikes to the end; next to A it is trapped metallic.
a, b = show("b_alone")
assert state("b_alone", 1) == "spiking" and len(b) >= 8 and b[-1] > 1.3e-6, b
a, b = show("inhibited")
assert len(a) >= 5, a
assert state("inhibited", 1) == "trapped" and 1 <= len(b) <= 6 and b[-1] < 0.8e-6, b
PY
