#!/usr/bin/env bash
# The reduced model's checkpoints: a run killed after a checkpoint and
# resumed on 2 ranks equals the uninterrupted run (traces and spikes), with
# the model taken from the cache on resume.
#   test_reduced_checkpoint.sh BINARY CASE.prm
set -euo pipefail
binary=$1
case_file=$2
work=$(mktemp -d)
trap 'kill -9 ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# Long enough in simulated time that the run can be stopped after its first checkpoint.
common=(--quiet --set "Run/Thermal model=reduced" --set "Run/End time=30e-6"
        --set "Run/Checkpoint interval=0.5e-6" --set "Run/Plot=false"
        --set "Finite-element coupling/Field output interval=0"
        --set "Reduced model/Cache folder=$work/cache")
cd "$work"
"$binary" run "$case_file" -o full "${common[@]}" > full.log 2>&1 || { cat full.log; exit 1; }

"$binary" run "$case_file" -o cut "${common[@]}" > cut.log 2>&1 &
pid=$!
for _ in $(seq 3000); do
  [ -f cut.partial/checkpoint.bin ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.01
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[ ! -d cut ] || { echo "the run finished before it could be stopped; lengthen it"; exit 1; }
[ -f cut.partial/checkpoint.bin ] || { echo "the killed run left no checkpoint"; cat cut.log; exit 1; }
rows_at_kill=$(wc -l < cut.partial/traces.csv)

mpirun -np 2 --oversubscribe "$binary" run "$case_file" -o cut "${common[@]}" --resume > resume.log 2>&1 \
  || { cat resume.log; exit 1; }
grep -q "Resumed from" resume.log || { echo "no resume in the log"; exit 1; }
grep -q "from the cache" cut/log.txt || { echo "the resumed run rebuilt the model"; exit 1; }

/usr/bin/python3 - full cut <<'PY'
import csv, sys
def rows(run, name):
    return list(csv.reader(open(f"{run}/{name}")))
for name in ("traces.csv", "spikes.csv"):
    a, b = rows(sys.argv[1], name), rows(sys.argv[2], name)
    assert a[0] == b[0] and len(a) == len(b), (name, len(a), len(b))
    worst = max((abs(float(x) - float(y)) / max(abs(float(x)), abs(float(y)), 1e-30)
                 for r, s in zip(a[1:], b[1:]) for x, y in zip(r, s)), default=0.0)
    assert worst < 1e-6, (name, worst)  # G reused for weights equal to 1e-9, as in FE
    print(f"{name}: {len(a) - 1} rows, worst relative difference {worst:.2e}")
assert len(rows(sys.argv[1], "spikes.csv")) - 1 >= 10, "too few spikes to compare"
PY
echo "killed with $rows_at_kill trace lines written; resumed on 2 ranks: same traces and spikes"
