#!/usr/bin/env bash
# traces.csv shows the true spike peaks (those of spikes.csv, within 2 %) in
# every mode: lumped (the built-in default device), finite element (the
# tutorial pair) and reduced (the regression pair). With
# Run/Trace every step during spikes = false the 10 ns cadence alone misses
# them (by more than 2 % in the tutorial pair): what the check is there to
# catch.
#   test_trace_peaks.sh BINARY SOURCE_DIR
source "$(dirname "$0")/case_checks.sh"
check() { /usr/bin/python3 "$source_dir/tests/check_trace_peaks.py" "$@"; }
short=(--set "Run/Plot=false" --set "Finite-element coupling/Field output interval=0")

case_file=
run_case lumped --set "Run/End time=10e-6" "${short[@]}"
check "$work/lumped"
# Lumped spikes are wider (a 0.8 % miss): the opposite check at 0.5 %.
run_case lumped_cadence --set "Run/End time=10e-6" "${short[@]}" \
  --set "Run/Trace every step during spikes=false"
check --aliased "$work/lumped_cadence" 0.005

case_file=$source_dir/cases/tutorial_pair.prm
run_case tutorial "${short[@]}"
check "$work/tutorial"
run_case tutorial_cadence "${short[@]}" --set "Run/Trace every step during spikes=false"
check --aliased "$work/tutorial_cadence"

case_file=$source_dir/tests/regression/reduced_pair.prm
run_case reduced "${short[@]}"
check "$work/reduced"
