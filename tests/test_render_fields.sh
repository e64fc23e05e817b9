#!/usr/bin/env bash
# scripts/render_fields.py end to end: a tiny two-device characterisation,
# two frames at requested times, a ParaView state, and bad input; then the
# tutorial pair cut short after B's first spike: the default picture shows
# the heat crossing the gap to B (pixels), which a linear 0..max scale hides.
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
    lo, hi = f["colour_range_K"]   # default: logarithmic, largest rise / 1000 .. largest
    assert hi > 1.0 and abs(lo - hi / 1000) <= 1e-9 * hi, f["colour_range_K"]
    img = mpimg.imread(os.path.join(render, f["file"]))[:, :, :3]
    assert img.shape[0] >= 500 and img.shape[1] >= 500, img.shape
    std = float(img.std())
    assert std > 0.05, f"{f['file']}: nearly blank image (pixel std {std:.3f})"
    images.append(img)
    print(f"  {f['file']}: {f['time_label']} (requested {req:g} s), pixel std {std:.3f}")
assert frames[0]["colour_range_K"] == frames[1]["colour_range_K"]
mapping = manifest["colour_mapping"]
assert mapping["scale"] == "log" and mapping["range_K"] == frames[0]["colour_range_K"], mapping
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
if pv "$work/bad_range.log" "$run" --range 0 50; then fail "a log range from 0 was accepted"; fi
grep -q "error: --range 0 50: logarithmic colours (the default) need MIN > 0; add --linear" \
  "$work/bad_range.log" || { cat "$work/bad_range.log"; fail "no clear --range message"; }
# Without a display: refused before anything is written (ParaView would abort).
if env -u DISPLAY pvbatch "$script" "$run" > "$work/no_display.log" 2>&1; then
  fail "a render without DISPLAY was accepted"
fi
grep -q "error: DISPLAY is not set" "$work/no_display.log" \
  || { cat "$work/no_display.log"; fail "no clear message without DISPLAY"; }
[ "$(ls "$run/render")" = "$before" ] || fail "bad input changed $run/render"
if ls -d "$run"/render.partial-* > /dev/null 2>&1; then fail "a partial folder was left behind"; fi

echo "bad input: $((SECONDS - start)) s"

# The physics in the default picture. The tutorial pair (cases/README.md) up
# to just after B's first spike; frames at t = 0 (no rise anywhere: the
# colour of far, unheated substrate) and at the last snapshot at or before
# B's first spike peak (spikes.csv), when A's heat tips B over. Inside B's
# channel and in the gap between A and B the colour must differ clearly from
# the t = 0 colour at the same pixels (device boxes in pixels: frames.json).
# With --linear (the earlier default, 0 .. the largest rise, set by A's
# channel at ~230 K) the gap's few kelvin are the bottom 2 % of the scale
# and its check fails: rendered too, to show that the check can fail.
pair="$work/pair"
"$binary" run "$here/../cases/tutorial_pair.prm" -o "$pair" --quiet \
  --set "Run/End time=1.06e-6" --set "Run/Plot=false" \
  > "$work/pair.log" 2>&1 || { cat "$work/pair.log"; fail "tutorial pair run"; }
t_b=$("$python" - "$pair" <<'EOF'
import csv, sys, xml.etree.ElementTree as ET
run = sys.argv[1]
spikes = [float(r["t_peak_s"]) for r in csv.DictReader(open(run + "/spikes.csv"))
          if r["device"] == "1"]
assert spikes, "B (device 1) never fired"
pvd = ET.parse(run + "/fields/temperature.pvd").getroot()
stored = {float(d.get("timestep")) for d in pvd.iter("DataSet")}
print(repr(max(t for t in stored if t <= min(spikes))))
EOF
) || fail "B's first spike"
echo "pair run: $((SECONDS - start)) s (B's first spike: snapshot at $t_b s)"
pv "$work/pair_render.log" "$pair" --times "0,$t_b" \
  || { cat "$work/pair_render.log"; fail "render_fields.py of the pair"; }
pv "$work/pair_linear.log" "$pair" --times "0,$t_b" --linear --output "$work/pair_linear" \
  || { cat "$work/pair_linear.log"; fail "render_fields.py --linear of the pair"; }
echo "pair renders: $((SECONDS - start)) s"

"$python" - "$pair/render" "$work/pair_linear" <<'EOF' || fail "the default picture hides the heat at B"
import json, os, sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg

MARGIN = 0.3   # RGB distance (0..sqrt(3)) from the zero-rise colour

def inner(box, keep=0.5):
    """Rows and columns of the middle `keep` of a pixel box (clear of outlines)."""
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * (1 - keep) / 2, (y1 - y0) * (1 - keep) / 2
    return (slice(int(round(y0 + dy)), int(round(y1 - dy))),
            slice(int(round(x0 + dx)), int(round(x1 - dx))))

def distances(render):
    """The colour mapping; per region (B's channel, the gap from A to B) the RGB
    distance of its median colour at B's spike from that at t = 0; and the
    near-black (Tc contour) pixels in B's box at t = 0 and at the spike."""
    m = json.load(open(os.path.join(render, "frames.json")))
    zero, spike = (mpimg.imread(os.path.join(render, f["file"]))[:, :, :3] for f in m["frames"])
    boxes = {d["label"]: d["box_px"] for d in m["top_view"]["devices"]}
    a, b = sorted((boxes["A"], boxes["B"]))
    regions = {"B": boxes["B"], "gap": [a[2], max(a[1], b[1]), b[0], min(a[3], b[3])]}
    out = {}
    for name, box in regions.items():
        rows, cols = inner(box)
        med = [np.median(img[rows, cols].reshape(-1, 3), axis=0) for img in (zero, spike)]
        out[name] = float(np.linalg.norm(med[1] - med[0]))
    x0, y0, x1, y1 = (int(round(v)) for v in boxes["B"])
    black = [int((img[y0:y1, x0:x1].max(axis=2) < 0.06).sum()) for img in (zero, spike)]
    return m["colour_mapping"], out, black

default, d, black = distances(sys.argv[1])
linear, l, _ = distances(sys.argv[2])
print("  at B's first spike, RGB distance from the zero-rise colour: "
      f"default ({default['scale']} {default['range_K'][0]:.3g}..{default['range_K'][1]:.4g} K): "
      f"B {d['B']:.3f}, gap {d['gap']:.3f}; --linear ({linear['range_K'][0]:.3g}.."
      f"{linear['range_K'][1]:.4g} K): B {l['B']:.3f}, gap {l['gap']:.3f}; "
      f"Tc contour pixels in B's box {black[1]} (t = 0: {black[0]})")
lo, hi = default["range_K"]
assert default["scale"] == "log" and abs(lo - hi / 1000) <= 1e-9 * hi, default
tr = default["transition"]   # tutorial_pair.prm: the default Tc 332.8 K, T0 325 K
assert tr["Tc_K"] == [332.8] and tr["ambient_K"] == 325.0, tr
assert abs(tr["Tc_rise_K"][0] - 7.8) < 1e-9 and default["Tc_marked"], default
assert linear["scale"] == "linear" and linear["range_K"] == [0.0, hi], linear
assert d["B"] > MARGIN, f"B's channel looks unheated at its first spike ({d['B']:.3f})"
assert d["gap"] > MARGIN, f"no heat visible in the gap from A to B ({d['gap']:.3f})"
assert black[1] >= 20 and black[0] == 0, f"no Tc contour across B ({black})"
# the check has teeth: on the linear scale the heat in the gap is invisible
assert l["gap"] < MARGIN, f"--linear shows the gap's heat too ({l['gap']:.3f}): check too weak"
EOF

echo "render_fields.py: frames, labels, state, bad input and the pair's heat OK in $((SECONDS - start)) s"
