# Shared by the paper-case tests (arguments BINARY SOURCE_DIR): source it,
# then set case_file. It sets binary, source_dir and a temporary work
# folder removed at exit. run_case NAME [ARGS...] runs the case into $work/NAME (log in
# $work/NAME.log, shown on failure); check_regime runs Python (stdin) with
# check(ok, what) printing ok/FAIL lines and the exit status set by them.
set -euo pipefail
binary=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
launcher=(env)  # e.g. (mpirun -np 2) to run the case on 2 ranks
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# require_mesh CASE.prm SIZE: the case states the finest cell size the test checks.
require_mesh() {
  grep -Eq "^ *set Finest cell size *= *$2" "$1" \
    || { echo "$1 does not state the $2 m mesh this test checks"; exit 1; }
}

run_case() {
  local name=$1
  shift
  "${launcher[@]}" "$binary" run "$case_file" -o "$work/$name" --quiet "$@" > "$work/$name.log" 2>&1 \
    || { cat "$work/$name.log"; exit 1; }
}

check_regime() {
  /usr/bin/python3 -c '
import sys
failures = []
def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)
work = sys.argv[1]
exec(sys.stdin.read())
sys.exit(1 if failures else 0)' "$work"
}
