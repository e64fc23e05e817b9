#!/usr/bin/env bash
# scripts/plot_run.py preview on fabricated preview.json files (no simulator
# needed; the format of `neuristor preview CASE`):
#   small: 2 devices "A" and "B" side by side, their VO2 channels, Ti/Au
#          electrodes and leads, ~50 grid lines per axis;
#   large: 150 devices (10 x 15 lattice), 3000 grid lines per axis.
# Checks, from the PNGs' "plot_run" text chunk (title, panel titles, axis
# labels, texts, legends, line collections):
#   - the four panels (top view zoomed on the devices, whole substrate, x-z
#     cut over the whole depth and near the top surface) have SI-prefixed
#     axis labels: x/y in µm, the whole depth in µm, the top surface in nm;
#   - the legend names every material with its role and material_id, and
#     covers no panel;
#   - the small case labels its devices "0 A" and "1 B"; the large one has no
#     label and says why (150 devices, more than 100) in a panel title;
#   - the title has the case, the thermal model, cells and DoFs with
#     thousands separators, the grid nx × ny × nz, the finest and largest
#     cell SI-prefixed and the largest aspect ratio;
#   - every grid line of the small case is drawn on the whole substrate; the
#     large one draws at most 600 per axis and panel and says "every k-th";
#   - the large case takes under 20 s; a preview.json without "mesh" is
#     refused (exit 1, the file named) and leaves no PNG.
#   tests/test_preview_plot.sh SCRATCH_DIR
# Exit 0 pass, 1 fail. PLOT_RUN=path/to/plot_run.py tests another copy;
# KEEP=1 keeps the folders (and PNGs) to look at.
set -euo pipefail
scratch=${1:?usage: test_preview_plot.sh SCRATCH_DIR}
here=$(cd "$(dirname "$0")" && pwd)
script=${PLOT_RUN:-$here/../scripts/plot_run.py}
python=/usr/bin/python3

mkdir -p "$scratch"
work=$(mktemp -d "$scratch/preview_plot.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Fabricate the two preview.json files: a lattice of devices as mesh/layout.cc
# builds them (channel along x; VO2, Ti and Au under each electrode; Ti and
# Au leads), substrate 10 µm deep, grid lines through every part face plus
# evenly spaced ones up to the wanted number per axis.
"$python" - "$work" <<'PY'
import json, os, sys
import numpy as np

L, W, t_vo2, t_ti, t_au, overlap, lead, lead_w, H = 500e-9, 100e-9, 100e-9, 15e-9, 40e-9, 200e-9, 1e-6, 100e-9, 10e-6
MATERIALS = [(0, "substrate", "sapphire"), (1, "device channel (VO2)", "VO2"),
             (2, "adhesion layer", "Ti"), (3, "electrodes and leads", "Au")]

def box(lo, hi):
    return {"lo_m": [float(v) for v in lo], "hi_m": [float(v) for v in hi]}

def make(folder, rows, columns, names, lines_per_axis, cells, dofs):
    pitch_x, pitch_y = 2 * (L / 2 + overlap + lead) + 1e-6, 1e-6
    centres = [((c - (columns - 1) / 2) * pitch_x, (r - (rows - 1) / 2) * pitch_y)
               for r in range(rows) for c in range(columns)]
    X = columns * pitch_x + 20e-6
    Y = rows * pitch_y + 20e-6
    parts = [dict(box((-X / 2, -Y / 2, -H), (X / 2, Y / 2, 0)), what="substrate",
                  material_id=0, material="sapphire", device=-1, owner=-1)]
    devices = []
    top = t_vo2 + t_ti + t_au
    for i, (cx, cy) in enumerate(centres):
        def add(u0, u1, half, z0, z1, m, device, what):
            parts.append(dict(box((cx + u0, cy - half, z0), (cx + u1, cy + half, z1)),
                              what=f"device {i} {what}", material_id=m,
                              material=MATERIALS[m][2], device=device, owner=i))
        a, e = L / 2, L / 2 + overlap
        f = e + lead
        add(-a, a, W / 2, 0, t_vo2, 1, i, "channel")
        for s in (-1, 1):
            u0, u1 = (-e, -a) if s < 0 else (a, e)
            l0, l1 = (-f, -e) if s < 0 else (e, f)
            add(u0, u1, W / 2, 0, t_vo2, 1, -1, "VO2 under electrode")
            add(u0, u1, W / 2, t_vo2, t_vo2 + t_ti, 2, -1, "Ti on VO2")
            add(u0, u1, W / 2, t_vo2 + t_ti, top, 3, -1, "Au on VO2")
            add(l0, l1, lead_w / 2, 0, t_ti, 2, -1, "Ti lead")
            add(l0, l1, lead_w / 2, t_ti, top, 3, -1, "Au lead")
        devices.append(dict(box((cx - a, cy - W / 2, 0), (cx + a, cy + W / 2, t_vo2)),
                            id=i, name=names[i], centre_m=[cx, cy]))
    lines = {}
    for k, axis in enumerate("xyz"):
        faces = np.unique([p[key][k] for p in parts for key in ("lo_m", "hi_m")])
        lo, hi = faces.min(), faces.max()
        fill = np.linspace(lo, hi, max(2, lines_per_axis - len(faces) + 2))
        near = np.abs(fill[:, None] - faces[None, :]).min(axis=1) < 0.3 * (fill[1] - fill[0])
        grid = np.unique(np.round(np.concatenate([faces, fill[~near]]), 15))  # no sliver cells
        lines[axis] = grid.tolist()
    finest = min(float(np.diff(lines[a]).min()) for a in "xyz")
    largest = max(float(np.diff(lines[a]).max()) for a in "xyz")
    data = {"substrate": box(parts[0]["lo_m"], parts[0]["hi_m"]), "parts": parts,
            "devices": devices,
            "materials": [{"material_id": m, "role": r, "material": n} for m, r, n in MATERIALS],
            "case": os.path.basename(folder), "thermal_model": "finite element",
            "grid_lines_m": lines,
            "mesh": {"cells": cells, "dofs": dofs,
                     "grid_cells": [len(lines[a]) - 1 for a in "xyz"],
                     "finest_cell_m": finest, "largest_cell_m": largest,
                     "largest_aspect_ratio": 12.345}}
    os.makedirs(folder)
    with open(os.path.join(folder, "preview.json"), "w") as out:
        json.dump(data, out)
    print(f"{os.path.basename(folder)}: {len(parts)} parts, {len(devices)} devices, "
          f"grid lines {[len(lines[a]) for a in 'xyz']}")

work = sys.argv[1]
make(os.path.join(work, "small"), 2, 1, ["A", "B"], 50, 123456, 1234567)
make(os.path.join(work, "large"), 10, 15, [f"n{i}" for i in range(150)], 3000, 987654321, 1002003004)
PY

plot() {  # plot_run.py preview FOLDER; prints its wall time in s (messages: stderr)
  local start end
  start=$(date +%s.%N)
  "$python" "$script" preview "$1" > "$1/plot.log" 2>&1 || { cat "$1/plot.log" >&2; fail "plot_run.py preview $1" >&2; }
  end=$(date +%s.%N)
  "$python" -c "print(f'{$end - $start:.2f}')"
}
small_s=$(plot "$work/small")
large_s=$(plot "$work/large")
echo "plot_run.py preview: small case ${small_s} s, large case (3000 lines per axis, 150 devices) ${large_s} s"

# A preview.json without its mesh counts: refused, the file named, no PNG.
mkdir -p "$work/bad"
"$python" -c "import json,sys; d=json.load(open(sys.argv[1])); del d['mesh']; json.dump(d, open(sys.argv[2], 'w'))" \
  "$work/small/preview.json" "$work/bad/preview.json"
status=0
"$python" "$script" preview "$work/bad" > "$work/bad/plot.log" 2>&1 || status=$?
[ "$status" = 1 ] || fail "a preview.json without 'mesh': exit status $status, expected 1"
grep -q "preview.json" "$work/bad/plot.log" || fail "the error names preview.json: $(cat "$work/bad/plot.log")"
[ ! -e "$work/bad/preview.png" ] || fail "a refused preview.json leaves no preview.png"

"$python" - "$work" "$large_s" <<'PY'
import json, os, re, sys
from PIL import Image

work, large_seconds = sys.argv[1], float(sys.argv[2])
failures = []

def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)

def describe(case):
    path = os.path.join(work, case, "preview.png")
    check(os.path.isfile(path) and os.path.getsize(path) > 20000, f"{case}/preview.png exists")
    if not os.path.isfile(path):
        return {"title": "", "panels": [], "legends": []}
    text = Image.open(path).text.get("plot_run")
    check(text is not None, f"{case}/preview.png carries its description")
    return json.loads(text) if text else {"title": "", "panels": [], "legends": []}

EMPTY = {"title": "", "xlabel": "", "ylabel": "", "texts": [], "segments": []}

def panel(figure, words, case):
    found = [p for p in figure["panels"] if not p["colorbar"] and words in p["title"]]
    check(len(found) == 1, f"{case}: one panel titled '...{words}...'")
    return found[0] if found else EMPTY

def segments(p, label):
    return sum(s["count"] for s in p.get("segments", []) if s["label"] == label)

for case in ("small", "large"):
    data = json.load(open(os.path.join(work, case, "preview.json")))
    figure = describe(case)
    panels = [p for p in figure["panels"] if not p["colorbar"]]
    check(len(panels) == 4, f"{case}: four panels ({len(panels)})")
    top = panel(figure, "top view", case)
    whole = panel(figure, "whole substrate", case)
    depth = panel(figure, "whole depth", case)
    surface = panel(figure, "near the top surface", case)

    # SI-prefixed axis labels.
    for p, x, y in ((top, "x (\u00b5m)", "y (\u00b5m)"), (whole, "x (\u00b5m)", "y (\u00b5m)"),
                    (depth, "x (\u00b5m)", "z (\u00b5m)"), (surface, "x (\u00b5m)", "z (nm)")):
        check(p["xlabel"] == x and p["ylabel"] == y,
              f"{case}: '{p['title'].splitlines()[0] if p['title'] else '?'}' labelled {x!r}, {y!r}: "
              f"{p['xlabel']!r}, {p['ylabel']!r}")
    check(all(re.fullmatch(r"[xyz] \((nm|\u00b5m|mm)\)", p[k]) for p in panels for k in ("xlabel", "ylabel")),
          f"{case}: every axis label is 'x|y|z (nm|\u00b5m|mm)'")

    # Legend: every material with its role and material_id; clear of the panels.
    texts = [t for g in figure["legends"] for t in g["texts"]] + \
            [t for p in figure["panels"] for t in p.get("legend", {}).get("texts", [])]
    for m in data["materials"]:
        check(any(m["material"] in t and m["role"] in t and f"material_id {m['material_id']}" in t
                  for t in texts),
              f"{case}: legend names {m['material']} ({m['role']}) with material_id {m['material_id']}")
    legends = figure["legends"] + [p["legend"] for p in figure["panels"] if "legend" in p]
    check(legends and not any(g["covers_a_panel"] for g in legends), f"{case}: no legend covers a panel")

    # Title: case, model, counts.
    title, mesh = figure.get("title", ""), data["mesh"]
    nx, ny, nz = mesh["grid_cells"]
    for piece in (data["case"], "finite element", f"{mesh['cells']:,} cells", f"{mesh['dofs']:,} DoFs",
                  f"grid {nx} \u00d7 {ny} \u00d7 {nz}", "aspect ratio 12.3"):
        check(piece in title, f"{case}: title has {piece!r}")
    check(re.search(r"finest cell [\d.]+ (pm|nm|\u00b5m),", title) and re.search(r"largest [\d.]+ (nm|\u00b5m|mm),", title),
          f"{case}: title has the finest and largest cell SI-prefixed: {title!r}")

    # The cut shows the layers: parts and z grid lines near the surface.
    check(segments(surface, "z grid lines") > 0 and segments(surface, "x grid lines") > 0,
          f"{case}: the cut near the top surface draws x and z grid lines")

    lines = data["grid_lines_m"]
    if case == "small":
        labels = [t for p in figure["panels"] for t in p.get("texts", [])]
        check("0 A" in top["texts"] and "1 B" in top["texts"], f"small: devices labelled '0 A', '1 B' {labels}")
        check(segments(whole, "x grid lines") == len(lines["x"]) and
              segments(whole, "y grid lines") == len(lines["y"]),
              f"small: every grid line over the whole substrate ({segments(whole, 'x grid lines')} x, "
              f"{segments(whole, 'y grid lines')} y of {len(lines['x'])}, {len(lines['y'])})")
        check(not any("every" in p["title"] and "th grid line" in p["title"] for p in panels),
              "small: no panel thins its grid lines")
    else:
        check(not any(p.get("texts") for p in figure["panels"]), "large: no device label")
        check("150 devices" in top["title"] and "labels omitted" in top["title"],
              f"large: the top view says why there are no labels: {top['title']!r}")
        # (z lines above the substrate are drawn part by part: more segments than lines)
        counts = [segments(p, f"{a} grid lines") for p in panels for a in "xy"]
        check(max(counts) <= 600, f"large: at most 600 x and y grid lines per panel {counts}")
        check(re.search(r"every \d+(st|nd|rd|th) (z )?grid line", depth["title"]) is not None,
              f"large: the whole depth thins its 3000 z grid lines: {depth['title']!r}")
        check(300 < segments(whole, "x grid lines") <= 600, "large: the whole substrate shows 300-600 x grid lines")
        check(re.search(r"every \d+(st|nd|rd|th) .*grid line", whole["title"]) is not None,
              f"large: 'every k-th grid line' in the whole substrate's title: {whole['title']!r}")
        check(large_seconds < 20, f"large: plotted in {large_seconds:.1f} s (< 20 s)")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
PY
echo "PASS"
