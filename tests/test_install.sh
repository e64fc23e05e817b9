#!/usr/bin/env bash
# `cmake --install BUILD --prefix DIR` gives a neuristor that runs and plots
# from any folder, also after the whole prefix has been moved.
#   test_install.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
[ -x "$work/prefix/bin/neuristor" ] || { echo "no bin/neuristor installed"; exit 1; }
mv "$work/prefix" "$work/moved"
mkdir "$work/elsewhere"
cd "$work/elsewhere"
"$work/moved/bin/neuristor" run "$work/moved/share/neuristor/cases/fig2_single_device_12p5V.prm" \
  -q -o run --set "Run/End time=6e-6" > run.log 2>&1 || { cat run.log; exit 1; }
[ -f run/summary.json ] || { echo "no results"; exit 1; }
size=$(stat -c %s run/traces.png 2>/dev/null || echo 0)
[ "$size" -gt 10000 ] || { echo "the installed binary drew no plot"; cat run.log; exit 1; }
grep -q "Warning" run.log && { cat run.log; exit 1; }
echo "installed, moved, run from another folder: traces.png of $size bytes"
