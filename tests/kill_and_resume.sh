# Sourced by the checkpoint tests: one uninterrupted run and one killed
# (SIGKILL) after its first checkpoint, then resumed on 2 ranks, must give the
# same traces and spikes (to 1e-6 relative: the partition changes CG sums,
# and step operators are reused for weights equal to 1e-9).
#   kill_and_resume BINARY CASE MIN_SPIKES RUN_OPTIONS...
# Runs in the current folder: full/, cut/ and their logs; sets pid while the
# cut run is going (kill it in the caller's EXIT trap) and rows_at_kill.
kill_and_resume() {
  local binary=$1 case_file=$2 min_spikes=$3
  shift 3
  "$binary" run "$case_file" -o full "$@" > full.log 2>&1 || { cat full.log; exit 1; }

  "$binary" run "$case_file" -o cut "$@" > cut.log 2>&1 &
  pid=$!
  for _ in $(seq 6000); do
    [ -f cut.partial/checkpoint.bin ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  [ ! -d cut ] || { echo "the run finished before it could be stopped; lengthen it"; exit 1; }
  [ -f cut.partial/checkpoint.bin ] || { echo "the killed run left no checkpoint"; cat cut.log; exit 1; }
  rows_at_kill=$(wc -l < cut.partial/traces.csv)

  mpirun -np 2 --oversubscribe "$binary" run "$case_file" -o cut "$@" --resume > resume.log 2>&1 \
    || { cat resume.log; exit 1; }
  grep -q "Resumed from" resume.log || { echo "no resume in the log"; exit 1; }
  [ ! -d cut.partial ] || { echo "cut.partial left behind"; exit 1; }

  /usr/bin/python3 - full cut "$min_spikes" <<'PY'
import csv, sys
def rows(run, name):
    return list(csv.reader(open(f"{run}/{name}")))
for name in ("traces.csv", "spikes.csv"):
    a, b = rows(sys.argv[1], name), rows(sys.argv[2], name)
    assert a[0] == b[0] and len(a) == len(b), (name, len(a), len(b))
    worst = max((abs(float(x) - float(y)) / max(abs(float(x)), abs(float(y)), 1e-30)
                 for r, s in zip(a[1:], b[1:]) for x, y in zip(r, s)), default=0.0)
    assert worst < 1e-6, (name, worst)
    print(f"{name}: {len(a) - 1} rows, worst relative difference {worst:.2e}")
spikes = len(rows(sys.argv[1], "spikes.csv")) - 1
assert spikes >= int(sys.argv[3]), f"only {spikes} spikes: too few to compare"
PY
  echo "killed with $rows_at_kill trace lines written; resumed on 2 ranks: same traces and spikes"
}
