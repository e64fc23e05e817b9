#!/usr/bin/env bash
# scripts/render_fields.py end to end: a tiny two-device characterisation,
# two frames at requested times, a ParaView state, and bad input.
#   tests/test_render_fields.sh NEURISTOR_BINARY SCRATCH_DIR
# Exit 0 pass, 1 fail, 77 skipped (no ParaView / Xvfb).
set -euo pipefail
binary=${1:?usage: test_render_fields.sh NEURISTOR_BINARY SCRATCH_DIR}
scratch=${2:?usage: test_render_fields.sh NEURISTOR_BINARY SCRATCH_DIR}
here=$(cd "$(dirname "$0")" && pwd)
script="$here/../scripts/render_fields.py"
case_file="$here/../cases/two_devices_characterize.prm"
python=/usr/bin/python3

if ! command -v pvbatch > /dev/null || ! command -v xvfb-run > /dev/null \
   || ! "$python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('paraview') is None)"; then
  echo "SKIPPED: ParaView not installed (needs pvbatch, python3-paraview and xvfb-run;"
  echo "         scripts/install_dependencies.sh installs them)"
  exit 77
fi

mkdir -p "$scratch"
work=$(mktemp -d "$scratch/render_fields.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# pvbatch under a virtual X server. --disable-xdisplay-test: ParaView's display
# probe closes an X connection and opens the next at once, which some Xvfb
# setups drop ("bad X server connection ... Aborting"); retry that case too.
pv() {
  local log=$1; shift
  local attempt rc
  for attempt in 1 2 3; do
    set +e
    xvfb-run -a pvbatch --disable-xdisplay-test "$script" "$@" > "$log" 2>&1
    rc=$?
    set -e
    grep -q "bad X server connection" "$log" || return $rc
    echo "  (X server dropped the connection, attempt $attempt)"
  done
  return $rc
}

start=$SECONDS
run="$work/run"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -np 2 "$binary" characterize "$case_file" -o "$run" \
  --set "Layout/Finest cell size=100e-9" --set "Layout/Substrate size x=8e-6" \
  --set "Layout/Substrate size y=8e-6" --set "Layout/Substrate thickness=4e-6" \
  --set "Characterization/Truncation check=false" \
  --set "Characterization/End time=1e-6" --set "Characterization/Field outputs=4" \
  > "$work/characterize.log" 2>&1 || { cat "$work/characterize.log"; fail "characterize run"; }
pvd=$(ls "$run"/fields/*.pvd | head -n 1)
[ -f "$pvd" ] || fail "no .pvd in $run/fields"
echo "characterize: $((SECONDS - start)) s"

# Two requested times, each a bit off a stored time.
read -r t1 t2 <<< "$("$python" - "$pvd" <<'EOF'
import sys, xml.etree.ElementTree as ET
times = sorted({float(d.get("timestep")) for d in ET.parse(sys.argv[1]).getroot().iter("DataSet")})
assert len(times) >= 3, times
print("%.9g %.9g" % (times[1] * 1.03, times[-1] * 0.995))
EOF
)"
pv "$work/render.log" "$run" --times "$t1,$t2" \
  || { cat "$work/render.log"; fail "render_fields.py --times $t1,$t2"; }
echo "render: $((SECONDS - start)) s"

"$python" - "$pvd" "$run/render" "$t1" "$t2" <<'EOF' || fail "frames check"
import json, os, sys, xml.etree.ElementTree as ET
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg

pvd, render, requested = sys.argv[1], sys.argv[2], [float(t) for t in sys.argv[3:5]]
times = sorted({float(d.get("timestep")) for d in ET.parse(pvd).getroot().iter("DataSet")})

def label(t):  # the format render_fields.py documents
    return "t = %.4g ns" % (t * 1e9) if t < 1e-6 else "t = %.4g us" % (t * 1e6)

manifest = json.load(open(os.path.join(render, "frames.json")))
frames = manifest["frames"]
assert len(frames) == 2, frames
images = []
for f, req in zip(frames, requested):
    nearest = min(times, key=lambda s: abs(s - req))
    assert abs(f["requested_time_s"] - req) <= 1e-12 * req, (f, req)
    assert abs(f["rendered_time_s"] - nearest) <= 1e-12 * nearest, (f, nearest)
    assert f["time_label"] == label(nearest), (f["time_label"], label(nearest))
    lo, hi = f["colour_range_K"]
    assert lo == 0.0 and hi > 1.0, f["colour_range_K"]
    img = mpimg.imread(os.path.join(render, f["file"]))[:, :, :3]
    assert img.shape[0] >= 500 and img.shape[1] >= 500, img.shape
    std = float(img.std())
    assert std > 0.05, f"{f['file']}: nearly blank image (pixel std {std:.3f})"
    images.append(img)
    print(f"  {f['file']}: {f['time_label']} (requested {req:g} s), pixel std {std:.3f}")
assert frames[0]["colour_range_K"] == frames[1]["colour_range_K"]
diff = float(np.abs(images[0] - images[1]).mean())
assert diff > 1e-3, f"frames at different times look the same (mean difference {diff:.2e})"
EOF

# A ParaView state with the same pipeline, pointing at the run folder.
pv "$work/state.log" "$run" --state "$work/view.pvsm" --times "$t2" \
  || { cat "$work/state.log"; fail "render_fields.py --state"; }
[ -s "$work/view.pvsm" ] || fail "no state file"
"$python" - "$work/view.pvsm" "$pvd" <<'EOF' || fail "state file check"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
files = [e.get("value") for e in root.iter("Element") if e.get("value", "").endswith(".pvd")]
assert sys.argv[2] in files, (files, sys.argv[2])
EOF
echo "state: $((SECONDS - start)) s"

# Bad input: clear message, non-zero exit, the earlier render untouched.
before=$(ls "$run/render")
if pv "$work/bad.log" "$run" --series no_such_series; then fail "a bad --series was accepted"; fi
grep -q "error: --series no_such_series" "$work/bad.log" || { cat "$work/bad.log"; fail "no clear --series message"; }
if pv "$work/bad_time.log" "$run" --times 1; then fail "a time outside the series was accepted"; fi
grep -q "outside the series" "$work/bad_time.log" || { cat "$work/bad_time.log"; fail "no clear --times message"; }
# Without a display: refused before anything is written (ParaView would abort).
if env -u DISPLAY pvbatch "$script" "$run" > "$work/no_display.log" 2>&1; then
  fail "a render without DISPLAY was accepted"
fi
grep -q "error: DISPLAY is not set" "$work/no_display.log" \
  || { cat "$work/no_display.log"; fail "no clear message without DISPLAY"; }
[ "$(ls "$run/render")" = "$before" ] || fail "bad input changed $run/render"
if ls -d "$run"/render.partial-* > /dev/null 2>&1; then fail "a partial folder was left behind"; fi

echo "render_fields.py: frames, labels, state and bad input OK in $((SECONDS - start)) s"
