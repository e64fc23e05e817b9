#!/usr/bin/env bash
# Builds the project with AddressSanitizer + UndefinedBehaviorSanitizer (gcc
# -fsanitize=address,undefined,float-cast-overflow; deal.II's Release
# flags, which keep -g, since deal.II knows only Debug and Release) into
# build-sanitize/ and runs the GoogleTest tests (neuristor_tests: every test
# it lists, label "unit", through ctest; the fuzz tests among them) under
# them: invalid reads and writes, use after free, leaks in the project's
# code (OpenMPI's are suppressed by tests/sanitizers/lsan.supp), integer and
# float-to-integer overflow, bad shifts, misaligned or null accesses, invalid
# bool/enum values and so on, also in the `neuristor` runs the tests start.
# Exits non-zero on a failing test or on any sanitizer report, and prints
# the reports. (A UBSan report in a child run whose failure the test expects
# shows only as a missing message: gcc's UBSan cannot log to a file here.)
#
# Takes about 40 min on 2 cores the first time (build ~30 min, tests ~9
# min), ~12 min after a change to one file. A developer script: too slow for
# CI, which does not run it.
#
# Usage: scripts/run_sanitizers.sh [CTEST_REGEX]   (default: all unit tests)
#   JOBS=N   parallel build jobs and tests (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-sanitize
jobs=${JOBS:-2}
reports=$build/sanitizer-reports

# The same options at build time (gtest_discover_tests runs the instrumented
# binary) and at test time. ASan's reports go to files in $reports, so that
# one from a child process whose failure a test expects is not lost; gcc's
# UBSan ignores log_path beside ASan, so its reports (fatal: halt_on_error)
# are searched for in the tests' output.
rm -rf "$reports" && mkdir -p "$reports"
# LeakSanitizer: MPI's own allocations are suppressed by name, which needs
# its components kept loaded (no_dlclose.so, preloaded, hence
# verify_asan_link_order=0). hard_rss_limit_mb: a runaway allocation ends
# the test, not the machine.
cc -shared -fPIC -o "$build/no_dlclose.so" tests/sanitizers/no_dlclose.c
export LD_PRELOAD=$build/no_dlclose.so
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:check_initialization_order=1:verify_asan_link_order=0:hard_rss_limit_mb=8192:log_path=$reports/asan"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# float-cast-overflow (a double too large for its integer) is not part of
# gcc's "undefined" group.
sanitize=address,undefined,float-cast-overflow
flags="-g -fsanitize=$sanitize -fno-omit-frame-pointer"
start=$SECONDS
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize" \
  > "$build/build.log" 2>&1 || { cat "$build/build.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target neuristor neuristor_tests >> "$build/build.log" 2>&1 \
  || { tail -50 "$build/build.log"; echo "run_sanitizers: build failed (log: $build/build.log)"; exit 1; }
echo "run_sanitizers: built in $((SECONDS - start)) s"

status=0
(cd "$build" && ctest -j"$jobs" -L unit ${1:+-R "$1"} --output-on-failure) || status=1

if compgen -G "$reports/*" > /dev/null; then
  for f in "$reports"/*; do echo "=== $f"; cat "$f"; done
  echo "run_sanitizers: sanitizer reports in $reports"
  status=1
fi
log=$build/Testing/Temporary/LastTest.log
if grep -q -E "runtime error:|ERROR: [A-Za-z]+Sanitizer" "$log" 2> /dev/null; then
  grep -n -A20 -E "runtime error:|ERROR: [A-Za-z]+Sanitizer" "$log" | head -200
  echo "run_sanitizers: sanitizer reports in the tests' output ($log)"
  status=1
fi
echo "run_sanitizers: $([ $status = 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s"
exit $status
