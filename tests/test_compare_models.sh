#!/usr/bin/env bash
# scripts/compare_models.sh on the excitatory pair (cases/finite_element):
# characterize, finite-element run, lumped run fed with the characterization,
# comparison table. Checks what cases/finite_element/README.md reports: both
# models lock B to A (B fires after A's spikes), and B answers A later with
# the heat flow than in the lumped model, which has no transit time.
# A missing case file is refused.
#   test_compare_models.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NEURISTOR=$binary

if bash "$source_dir/scripts/compare_models.sh" "$work/missing.prm" "$work/x" > "$work/bad.log" 2>&1; then
  echo "a missing case file was accepted"; exit 1
fi
grep -q "not found" "$work/bad.log" || { cat "$work/bad.log"; exit 1; }

bash "$source_dir/scripts/compare_models.sh" "$source_dir/cases/finite_element/excitatory_pair.prm" \
  "$work/out" --set "Run/End time=2e-6" --set "Finite-element coupling/Field output interval=0" \
  --set "Run/Plot=false" > "$work/compare.log" 2>&1 || { cat "$work/compare.log"; exit 1; }
/usr/bin/python3 - "$work/out" <<'PY'
import csv, sys
out = sys.argv[1]
table = list(csv.DictReader(open(f"{out}/comparison/comparison.csv")))
assert len(table) == 4, table
def lag(run):
    spikes = list(csv.DictReader(open(f"{out}/{run}/spikes.csv")))
    a = sorted(float(s["t_peak_s"]) for s in spikes if s["device"] == "0")
    b = sorted(float(s["t_peak_s"]) for s in spikes if s["device"] == "1")
    assert len(a) >= 2 and len(b) >= 2, (run, a, b)
    # B's answers: its spikes within 100 ns after one of A's.
    lags = [tb - max(ta for ta in a if ta <= tb) for tb in b if any(ta <= tb for ta in a)]
    lags = [x for x in lags if x < 100e-9]
    assert len(lags) >= 1, (run, a, b)
    return sum(lags) / len(lags)
fe, lumped = lag("finite_element"), lag("lumped")
print(f"B answers A after {fe * 1e9:.1f} ns (finite element) and {lumped * 1e9:.1f} ns (lumped)")
assert fe > 1.3 * lumped, (fe, lumped)
PY
