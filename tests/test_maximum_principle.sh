#!/usr/bin/env bash
# Node temperatures of the tutorial pair against the ambient (325 K), with
# the consistent and the lumped mass matrix (Heat solver/Mass matrix):
# with the field snapshots (whose landing steps are short), the consistent
# one lets nodes next to a cooling channel dip below the ambient for a few
# ns after a spike, within the bound the README states (3.5 K); the lumped
# one keeps every node at or above it.
#   test_maximum_principle.sh NEURISTOR_BINARY CASE SCRATCH_DIR
set -euo pipefail
binary=$1 case=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
for mass in consistent lumped; do
  "$binary" run -q "$case" -o "$scratch/$mass" --set "Heat solver/Mass matrix=$mass" \
    --set 'Run/End time=5e-6' --set 'Run/Plot=false'
done
/usr/bin/python3 - "$scratch" <<'PY'
import json, sys
from pathlib import Path
def run(mass):
    return json.load(open(Path(sys.argv[1]) / mass / "summary.json"))
consistent, lumped = run("consistent"), run("lumped")
low_c, low_l = consistent["run"]["field_minimum_K"], lumped["run"]["field_minimum_K"]
print(f"lowest node temperature: consistent {low_c:.3f} K, lumped {low_l:.6f} K")
assert 325 - 3.5 <= low_c < 325 - 0.5, low_c   # the undershoot is real and bounded
assert low_l >= 325 - 1e-3, low_l  # none with the lumped mass (but CG round-off, ~1e-6 K)
assert lumped["run"]["field_maximum_K"] > 400, lumped["run"]
# The same spikes on both, within 3 % (1.8 % measured for B).
def times(r):
    return [(d["device"], d["spike_count"], d["first_spike_s"]) for d in r["devices"]]
for (da, na, ta), (db, nb, tb) in zip(times(consistent), times(lumped)):
    assert na == nb, (times(consistent), times(lumped))
    if ta is not None:
        assert abs(tb / ta - 1) < 0.03, (ta, tb)
print("maximum principle: bounded undershoot (consistent), none (lumped)")
PY
