"""Render the 3-D temperature fields of a neuristor run folder with ParaView.

Headless frames (Debian 12 packages paraview, python3-paraview, xvfb, xauth,
and ffmpeg for --movie; scripts/install_dependencies.sh installs them):

  xvfb-run -a pvbatch --disable-xdisplay-test scripts/render_fields.py RUN_DIR [options]

  reads   RUN_DIR/fields/<series>.pvd (written by `neuristor run` in
          finite-element or reduced-array mode and by `neuristor
          characterize`; absolute times in s, fields temperature rise,
          material_id, device_id) and RUN_DIR/parameters.prm (VO2 Tc, the
          ambient temperature, device and material names; optional)
  writes  RUN_DIR/render/frame_NNNN.png, RUN_DIR/render/frames.json
          (and RUN_DIR/render/movie.mp4 with --movie)

(--disable-xdisplay-test is optional: it skips ParaView's X display probe,
which closes an X connection and opens the next at once; some Xvfb setups drop
that second connection and pvbatch aborts with "bad X server connection".)

Each frame (1280 x 1080 by default) shows, with one colour scale of the
temperature rise above the ambient (K) for all frames:
  top    the top surface from above, zoomed on the device channels and the
         gaps between them (their bounds plus --margin, left of the colour
         legend); VO2 channel outlines (magenta), Ti/Au electrode outlines
         (white), each device's name (Run/Device names, else its id) beside
         it (outlines and names left out above 100 devices), the VO2
         transition as a black contour line where the rise equals Tc - T0
         and as a 'Tc' mark on the colour legend, a legend of the outline
         colours and material_ids, scale bar, time label (ns below 1 us, us
         above), white ticks marking the cut;
  bottom a vertical cut through the devices' centre line (along the row of
         devices; along the channel for a single device) at the same scale
         and horizontal position as the top view, the surface near its top:
         the heat under the devices and the gap.

Colours, by default logarithmic from max/1000 to max (max: the largest rise
of the whole series): the hot channel (hundreds of K) and the few kelvin that
reach a neighbour, where the VO2 transition happens (Tc - T0 = 7.8 K above
the 325 K ambient with the default VO2), are both visible. Rises below
max/1000 take the lowest colour (a series whose rise is never positive gets
linear colours, with a note). On a linear 0..max scale that transition
window is the bottom few percent of the legend (--linear shows it). Without
Tc, Hysteresis width w (section VO2) and Ambient temperature (section Thermal
network) in parameters.prm, or with Tc - T0 outside the range, the legend
says that the transition is not marked.

Options:
  --series NAME      which RUN_DIR/fields/NAME.pvd (default: the first by name)
  --times t1,t2,...  render the stored times nearest to these (seconds); a time
                     outside the series is an error
  --all              render every stored time
                     (default: 5 frames evenly spread over the stored steps)
  --linear           linear colours (default range 0 .. max)
  --log              logarithmic colours (the default; range max/1000 .. max)
  --range MIN MAX    colour range of the temperature rise in K (logarithmic:
                     MIN > 0; with --linear any MIN < MAX)
  --colour-map NAME  a ParaView colour preset (default Turbo)
  --movie            also encode the frames to movie.mp4 (needs ffmpeg; without
                     it: a note on stderr and only the frames)
  --output DIR       output folder (default RUN_DIR/render); written as a
                     temporary DIR.partial-* and renamed when complete; an
                     existing DIR is replaced only if it is an earlier render
                     (holds frames.json)
  --state FILE.pvsm  instead of frames, save a ParaView state of the same
                     pipeline (two views, absolute path to the .pvd, at the
                     first --times value, else the last stored time); open it
                     interactively with
                       paraview --state FILE.pvsm
  --margin METRES    margin around the device channels in the top view
                     (default: half a channel's larger extent, e.g. 250 nm
                     for 100 x 500 nm channels)
  --size W H, --fps N: image size (default 1280 1080), movie frame rate
                     (default 4)

material_id (written by the solver, materials/thermal_materials.h): 0 the
substrate (sapphire), 1 the VO2 channels, 2 the Ti adhesion layer, 3 the Au
electrodes and leads (the materials of each role: parameters.prm, section
Materials). device_id: the device whose channel the cell is in, -1 elsewhere.

frames.json lists per frame: file, requested_time_s (null unless given with
--times), rendered_time_s, time_label (the exact text drawn: 't = %.4g ns'
below 1 us, else 't = %.4g us', of the rendered time) and colour_range_K;
colour_mapping (scale 'log' or 'linear', range_K, how the range was chosen,
the transition read from parameters.prm (null without it): Tc_K, ambient_K,
Tc_rise_K, band_rise_K (Tc -/+ w/2), and Tc_marked: whether the Tc rise lies
inside the range and is marked); material_ids; top_view (camera centre,
width, metres per pixel, the view's pixel size and, up to 100 devices, per
device its id, label, box in metres and box_px [x0, y0, x1, y1], pixels of
the whole image from its top left corner); the cut plane and the scale-bar
length.

Bad input (missing folder, no .pvd, unknown series, time outside the series,
missing .pvtu/.vtu, missing fields, an --output folder that is not an earlier
render) stops with 'render_fields.py: error: ...' naming the file or option,
exit code 2, and writes nothing.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PROG = "render_fields.py"
DEFAULT_FRAMES = 5
# One Python expression: ParaView's PythonAnnotation evaluates it with the
# data time in t_value, both for frames and in the saved state.
TIME_LABEL_EXPRESSION = ("('t = %.4g ns' % (t_value * 1e9)) if t_value < 1e-6 "
                         "else ('t = %.4g us' % (t_value * 1e6))")
VO2_COLOUR = [1.0, 0.25, 1.0]
ELECTRODE_COLOUR = [1.0, 1.0, 1.0]
TC_COLOUR = [0.0, 0.0, 0.0]
MAX_OUTLINED_DEVICES = 100  # more outlines and names would hide the field
TEXT_COLOUR = [1.0, 1.0, 1.0]
BACKGROUND = [0.20, 0.21, 0.25]
BACKDROP = [0.0, 0.0, 0.0, 0.55]   # behind legend text
COLOUR_MAP = "Turbo"
LOG_DECADES = 3             # default logarithmic range: max / 10^3 .. max
TOP_SHARE = 0.66            # of the image height: the top view
FIELD_SHARE = (0.80, 0.86)  # of the top view: where the framed channels go
                            # (left of the colour legend, below the title)
AUTO_MARGIN = 0.5           # default margin, of one channel's larger extent
# material_id values (materials/thermal_materials.h, ThermalMaterials::Id):
# (id, role entry in parameters.prm section Materials, default material)
MATERIAL_ROLES = [(0, "Substrate", "Sapphire"), (1, "Channel", "VO2"),
                  (2, "Adhesion layer", "Ti"), (3, "Electrode", "Au")]


class InputError(Exception):
    """Bad input; the message names the file or option."""


def time_label(t):
    """The label text for time t in seconds (same as TIME_LABEL_EXPRESSION)."""
    return eval(TIME_LABEL_EXPRESSION, {}, {"t_value": t})


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG, description="Render RUN_DIR/fields/*.pvd with ParaView "
        "(run as: xvfb-run -a pvbatch scripts/render_fields.py RUN_DIR ...).")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--series", metavar="NAME")
    sel = p.add_mutually_exclusive_group()
    sel.add_argument("--times", metavar="T1,T2,...")
    sel.add_argument("--all", action="store_true")
    p.add_argument("--range", nargs=2, type=float, metavar=("MIN", "MAX"))
    scale = p.add_mutually_exclusive_group()
    scale.add_argument("--log", action="store_true")
    scale.add_argument("--linear", action="store_true")
    p.add_argument("--colour-map", default=COLOUR_MAP, metavar="PRESET")
    p.add_argument("--movie", action="store_true")
    p.add_argument("--output", metavar="DIR")
    p.add_argument("--state", metavar="FILE.pvsm")
    p.add_argument("--size", nargs=2, type=int, metavar=("W", "H"),
                   default=[1280, 1080])
    p.add_argument("--margin", type=float, metavar="METRES")
    p.add_argument("--fps", type=float, default=4.0)
    a = p.parse_args(argv)
    if a.range is not None:
        lo, hi = a.range
        if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
            raise InputError(f"--range {lo:g} {hi:g}: need finite MIN < MAX")
        if not a.linear and not lo > 0:
            raise InputError(f"--range {lo:g} {hi:g}: logarithmic colours (the default) "
                             "need MIN > 0; add --linear for a linear range")
    if a.size[0] < 200 or a.size[1] < 200:
        raise InputError(f"--size {a.size[0]} {a.size[1]}: need at least 200 x 200")
    if a.margin is not None and not (a.margin >= 0):
        raise InputError(f"--margin {a.margin:g}: need a margin >= 0 (metres)")
    if not (a.fps > 0):
        raise InputError(f"--fps {a.fps:g}: need a positive frame rate")
    if a.state is not None and a.movie:
        raise InputError("--state writes a state file, not frames: drop --movie")
    if a.state is not None and a.all:
        raise InputError("--state writes a state file, not frames: drop --all")
    return a


def parse_times_option(text):
    times = []
    for item in text.split(","):
        item = item.strip()
        try:
            t = float(item)
        except ValueError:
            raise InputError(f"--times: '{item}' is not a number (seconds)")
        if not math.isfinite(t):
            raise InputError(f"--times: '{item}' is not a finite time")
        times.append(t)
    if not times:
        raise InputError("--times: no time given")
    return times


def find_series(run_dir, series):
    """The absolute path of the .pvd to render."""
    if not os.path.isdir(run_dir):
        raise InputError(f"{run_dir}: run folder not found")
    fields = os.path.join(run_dir, "fields")
    if not os.path.isdir(fields):
        raise InputError(f"{fields}: no 'fields' folder in the run folder "
                         "(was it written by 'neuristor characterize' with "
                         "Field outputs > 0?)")
    available = sorted(f[:-4] for f in os.listdir(fields) if f.endswith(".pvd"))
    if not available:
        raise InputError(f"{fields}: no .pvd series in the folder")
    if series is None:
        name = available[0]
    else:
        name = series[:-4] if series.endswith(".pvd") else series
        if name not in available:
            raise InputError(f"--series {series}: no {os.path.join(fields, name + '.pvd')}; "
                             f"available: {', '.join(available)}")
    return os.path.abspath(os.path.join(fields, name + ".pvd")), name


def read_pvd(pvd):
    """Sorted unique times of the collection; checks every referenced file."""
    try:
        root = ET.parse(pvd).getroot()
    except (ET.ParseError, OSError) as e:
        raise InputError(f"{pvd}: not a readable .pvd file ({e})")
    folder = os.path.dirname(pvd)
    times = set()
    for ds in root.iter("DataSet"):
        f, ts = ds.get("file"), ds.get("timestep")
        if f is None or ts is None:
            raise InputError(f"{pvd}: DataSet without 'file' or 'timestep'")
        try:
            t = float(ts)
        except ValueError:
            raise InputError(f"{pvd}: timestep '{ts}' is not a number")
        path = os.path.join(folder, f)
        if not os.path.isfile(path):
            raise InputError(f"{pvd}: referenced file {path} not found")
        if path.endswith(".pvtu"):
            try:
                pieces = [p.get("Source") for p in ET.parse(path).getroot().iter("Piece")]
            except (ET.ParseError, OSError) as e:
                raise InputError(f"{path}: not a readable .pvtu file ({e})")
            for piece in pieces:
                pp = os.path.join(os.path.dirname(path), piece or "")
                if not piece or not os.path.isfile(pp):
                    raise InputError(f"{path}: piece {pp} not found")
        times.add(t)
    if not times:
        raise InputError(f"{pvd}: the collection holds no time steps")
    return sorted(times)


def select_frames(args, times):
    """List of (requested time or None, stored time)."""
    if args.times is not None:
        requested = parse_times_option(args.times)
        span = times[-1] - times[0]
        tol = 1e-9 * max(span, abs(times[-1])) + 1e-30
        out = []
        for t in requested:
            if t < times[0] - tol or t > times[-1] + tol:
                raise InputError(
                    f"--times: {t:g} s is outside the series "
                    f"({times[0]:.6g} s .. {times[-1]:.6g} s, {len(times)} steps)")
            out.append((t, min(times, key=lambda s: (abs(s - t), s))))
        return out
    if args.all or len(times) <= DEFAULT_FRAMES:
        return [(None, t) for t in times]
    idx = sorted({round(i * (len(times) - 1) / (DEFAULT_FRAMES - 1))
                  for i in range(DEFAULT_FRAMES)})
    return [(None, times[i]) for i in idx]


def prepare_output(run_dir, output):
    """(final folder, temporary folder); refuses to replace a non-render folder."""
    final = os.path.abspath(output if output else os.path.join(run_dir, "render"))
    if os.path.exists(final):
        if not os.path.isdir(final) or not os.path.isfile(os.path.join(final, "frames.json")):
            raise InputError(f"--output {final}: exists and is not an earlier render "
                             "(no frames.json); choose another folder")
    parent = os.path.dirname(final)
    if not os.path.isdir(parent):
        raise InputError(f"--output {final}: parent folder {parent} not found")
    try:
        tmp = tempfile.mkdtemp(prefix=os.path.basename(final) + ".partial-", dir=parent)
    except OSError as e:
        raise InputError(f"--output {final}: cannot write in {parent} ({e})")
    return final, tmp


def nice_length(target):
    """1, 2 or 5 times a power of ten, at most target."""
    e = math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * 10 ** e <= target:
            return m * 10 ** e
    return 10 ** e


# --------------------------------------------------------------------------
# The run's parameters: VO2 transition, device and material names
# --------------------------------------------------------------------------

def read_prm(path):
    """{'Section/Entry': 'value'} of a deal.II parameter file (the way
    plot_run.py's transition_band reads it); {} if it cannot be read."""
    values, section = {}, []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                text = line.split("#", 1)[0].strip()
                words = text.split()
                if words[:1] == ["subsection"]:
                    section.append(" ".join(words[1:]))
                elif words[:1] == ["end"] and section:
                    section.pop()
                elif words[:1] == ["set"] and "=" in text:
                    name, value = text[4:].split("=", 1)
                    values["/".join(section + [name.strip()])] = value.strip()
    except (OSError, UnicodeDecodeError):
        return {}
    return values


def numbers(text):
    return [float(v) for v in text.split(",") if v.strip()]


def transition(prm):
    """The VO2 transition as rises above the ambient T0 (the field's zero):
    Tc_rise_K (one per distinct Tc) and band_rise_K (Tc -/+ w/2, and 3 Tc
    spreads, as traces.png draws it); None without these entries."""
    try:
        tc = numbers(prm["VO2/Tc"])
        w = numbers(prm["VO2/Hysteresis width w"])
        t0 = float(prm["Thermal network/Ambient temperature"])
        spread = 3 * float(prm.get("VO2/Tc spread", "0"))
    except (KeyError, ValueError):
        return None
    if not tc or not w:
        return None
    distinct = sorted(set(tc))
    return {"Tc_K": distinct, "ambient_K": t0,
            "Tc_rise_K": [round(v - t0, 9) for v in distinct],
            "band_rise_K": [round(min(tc) - max(w) / 2 - spread - t0, 9),
                            round(max(tc) + max(w) / 2 + spread - t0, 9)]}


def device_label(names, k):
    """Run/Device names' entry for device k, else its id."""
    return names[k] if k < len(names) and names[k] else str(k)


def run_info(run_dir):
    """What parameters.prm says about the picture."""
    prm = read_prm(os.path.join(run_dir, "parameters.prm"))
    names = [s.strip() for s in prm.get("Run/Device names", "").split(",")]
    materials = {i: prm.get("Materials/" + role, default) or default
                 for i, role, default in MATERIAL_ROLES}
    return {"transition": transition(prm), "device_names": names, "materials": materials}


# --------------------------------------------------------------------------
# Colour mapping
# --------------------------------------------------------------------------

def series_range(pvd, times):
    """(min, max) of the temperature rise over the whole series."""
    import paraview.simple as ps
    reader = ps.PVDReader(FileName=pvd)
    reader.UpdatePipelineInformation()
    reader.UpdatePipeline(times[0])
    assoc, rise = find_array(reader, ["rise", "temperature_rise_K", "temperature rise"], "rise")
    if rise is None:
        raise InputError(f"{pvd}: no temperature-rise field")
    lo, hi = math.inf, -math.inf
    for t in times:
        reader.UpdatePipeline(t)
        arrays = reader.CellData if assoc == "CELLS" else reader.PointData
        r = arrays[rise].GetRange()
        lo, hi = min(lo, r[0]), max(hi, r[1])
    ps.Delete(reader)
    return lo, hi


def default_range(scale, lo, hi):
    """The colour range of a series whose rise spans lo..hi."""
    if scale == "log":
        return [hi * 10.0 ** -LOG_DECADES, hi]
    # from 0 (small negative undershoots of the solution are not shown)
    if hi > 0:
        return [0.0, hi]
    return [lo, 0.0] if lo < 0 else [0.0, 1.0]


def colour_mapping(args, pvd, times, trans):
    """The colour scale of every frame: scale ('log' or 'linear'), range_K,
    range_from, the transition and which of its Tc rises are marked."""
    scale = "linear" if args.linear else "log"
    if args.range is not None:
        lo_hi, source = list(args.range), "--range"
    else:
        lo, hi = series_range(pvd, times)
        if scale == "log" and not hi > 0:
            if args.log:
                raise InputError(f"--log: {pvd}: the temperature rise is never positive")
            print(f"{PROG}: note: the temperature rise is never positive: linear colours",
                  file=sys.stderr)
            scale = "linear"
        lo_hi = default_range(scale, lo, hi)
        source = ("largest rise of the series / 1e%d .. largest rise" % LOG_DECADES
                  if scale == "log" else "0 .. largest rise of the series")
    tc = trans["Tc_rise_K"] if trans else []
    marked = [v for v in tc if lo_hi[0] <= v <= lo_hi[1]]
    return {"scale": scale, "range_K": lo_hi, "range_from": source,
            "transition": trans, "Tc_rise_marked_K": marked, "Tc_marked": bool(marked),
            "Tc_marks": ("'Tc' on the colour legend, black contour lines in both views"
                         if marked else None)}


# --------------------------------------------------------------------------
# ParaView part
# --------------------------------------------------------------------------

def find_array(source, exact, fragment):
    """(association, name) of the first array named in exact, else containing fragment."""
    cells = list(source.CellData.keys())
    points = list(source.PointData.keys())
    for name in exact:
        if name in cells:
            return "CELLS", name
        if name in points:
            return "POINTS", name
    for assoc, names in (("CELLS", cells), ("POINTS", points)):
        for name in names:
            if fragment in name.lower():
                return assoc, name
    return None, None


def device_boxes(ps, grid, device_field, np):
    """{device id: [xmin, xmax, ymin, ymax, zmin, zmax]} of each device's channel cells."""
    from paraview import servermanager as sm
    from vtk.util.numpy_support import vtk_to_numpy
    th = ps.Threshold(registrationName="active channels", Input=grid)
    th.Scalars = ["CELLS", device_field]
    th.LowerThreshold, th.UpperThreshold = -0.5, 1e9
    th.ThresholdMethod = "Between"
    data = sm.Fetch(th)
    ps.Delete(th)
    if data is None or data.GetNumberOfCells() == 0:
        return {}
    pts = vtk_to_numpy(data.GetPoints().GetData())
    conn = vtk_to_numpy(data.GetCells().GetConnectivityArray())
    starts = vtk_to_numpy(data.GetCells().GetOffsetsArray())[:-1]
    lo = np.minimum.reduceat(pts[conn], starts)
    hi = np.maximum.reduceat(pts[conn], starts)
    ids = vtk_to_numpy(data.GetCellData().GetArray(device_field)).round().astype(int)
    boxes = {}
    for k in np.unique(ids):
        sel = ids == k
        a, b = lo[sel].min(axis=0), hi[sel].max(axis=0)
        boxes[int(k)] = [float(v) for v in (a[0], b[0], a[1], b[1], a[2], b[2])]
    return boxes


def box_centre(b):
    return [0.5 * (b[0] + b[1]), 0.5 * (b[2] + b[3]), 0.5 * (b[4] + b[5])]


def union(boxes):
    return [min(b[0] for b in boxes), max(b[1] for b in boxes),
            min(b[2] for b in boxes), max(b[3] for b in boxes),
            min(b[4] for b in boxes), max(b[5] for b in boxes)]


class Framing:
    """The top view's camera, and where world points land in the image.

    The device channels plus a margin fill FIELD_SHARE of the top view
    (left of the colour legend); the cut view below has the same scale and
    horizontal position, so a device in the cut is under itself in the top
    view."""

    def __init__(self, region, row_axis, margin, substrate, z_top, size, np):
        self.np = np
        W, H = size
        self.W, self.top_h = W, int(round(H * TOP_SHARE))
        self.side_h = H - self.top_h
        self.a = np.zeros(3); self.a[row_axis] = 1.0         # screen right
        self.n = np.zeros(3); self.n[1 - row_axis] = 1.0
        self.z = np.array([0.0, 0.0, 1.0])
        self.up = np.cross(self.a, -self.z)                  # screen up (top view)
        r, q = 2 * row_axis, 2 * (1 - row_axis)
        lo_r = max(region[r] - margin, substrate[r])
        hi_r = min(region[r + 1] + margin, substrate[r + 1])
        lo_n = max(region[q] - margin, substrate[q])
        hi_n = min(region[q + 1] + margin, substrate[q + 1])
        self.m_per_px = max((hi_r - lo_r) / (FIELD_SHARE[0] * W),
                            (hi_n - lo_n) / (FIELD_SHARE[1] * self.top_h))
        # the region's centre at FIELD_SHARE[0] / 2 of the width, half height
        shift = (0.5 - 0.5 * FIELD_SHARE[0]) * W * self.m_per_px
        self.centre = (self.a * (0.5 * (lo_r + hi_r) + shift)
                       + self.n * 0.5 * (lo_n + hi_n) + self.z * z_top)
        self.half_w = 0.5 * W * self.m_per_px
        self.half_h = 0.5 * self.top_h * self.m_per_px
        self.framed_m = [lo_r, hi_r, lo_n, hi_n]

    def set_camera(self, view):
        c = self.centre
        view.CameraFocalPoint = [float(v) for v in c]
        view.CameraPosition = [float(v) for v in c + self.z * 10 * self.half_w]
        view.CameraViewUp = [float(v) for v in self.up]
        view.CameraParallelScale = self.half_h

    def to_px(self, p, view_size):
        """(x, y) image pixels of world point p in the top view of view_size
        (its real size: the layout may take a pixel for the separator)."""
        w, h = view_size
        s = h / (2 * self.half_h)                             # px per metre
        d = self.np.asarray(p) - self.centre
        return (0.5 * w + float(d @ self.a) * s, 0.5 * h - float(d @ self.up) * s)

    def box_px(self, box, view_size):
        """[x0, y0, x1, y1] image pixels of a box's top-view footprint."""
        corners = [self.to_px([x, y, box[5]], view_size)
                   for x in box[0:2] for y in box[2:4]]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return [min(xs), min(ys), max(xs), max(ys)]

    def manifest(self):
        return {"centre_m": [float(v) for v in self.centre], "width_m": 2 * self.half_w,
                "height_m": 2 * self.half_h, "metres_per_px": self.m_per_px,
                "screen_right_axis": "xyz"[int(self.np.argmax(self.a))],
                "screen_up": [float(v) for v in self.up],
                "framed_region_m": self.framed_m}


class Scene:
    """The pipeline, views and layout for one series."""

    def __init__(self, pvd, name, times, mapping, info, args, run_dir):
        import paraview.simple as ps
        import numpy as np
        self.ps, self.np = ps, np
        self.size = list(args.size)
        self.mapping, self.info = mapping, info
        ps._DisableFirstRenderCameraReset()
        self._read(pvd, name, times)
        self._geometry(times)
        margin = args.margin if args.margin is not None else self.default_margin()
        self.framing = Framing(self.region, self.row_axis, margin, self.grid_bounds,
                               self.z_top, args.size, np)
        self.frame = self.framing.manifest()
        self.lut = self._colours(args.colour_map)
        self.top = self._top_view(f"{os.path.basename(os.path.abspath(run_dir))} / {name}")
        self.side = self._cut_view()
        self._layout()
        scene = ps.GetAnimationScene()
        scene.UpdateAnimationUsingDataTimeSteps()
        self.scene = scene
        self.fix_colours()

    # ---- data
    def _read(self, pvd, name, times):
        ps = self.ps
        reader = ps.PVDReader(registrationName=name + ".pvd", FileName=pvd)
        reader.UpdatePipelineInformation()
        reader.UpdatePipeline(times[0])
        if reader.GetDataInformation().GetNumberOfCells() == 0:
            raise InputError(f"{pvd}: the first time step has no cells")
        self.reader = reader
        self.rise_assoc, self.rise = find_array(
            reader, ["rise", "temperature_rise_K", "temperature rise"], "rise")
        if self.rise is None:
            raise InputError(f"{pvd}: no temperature-rise field (arrays: "
                             f"{', '.join(list(reader.PointData.keys()) + list(reader.CellData.keys()))})")
        mat_assoc, self.material = find_array(reader, ["material", "material_id"], "material")
        dev_assoc, self.device = find_array(reader, ["device", "device_id"], "device")
        if self.material is None:
            raise InputError(f"{pvd}: no material field")
        # deal.II writes cell-wise constants (material, device) as discontinuous
        # point data: make them cell data, then merge the duplicated points.
        to_cells = [n for a, n in ((mat_assoc, self.material), (dev_assoc, self.device))
                    if a == "POINTS"]
        src = reader
        if to_cells:
            src = ps.PointDatatoCellData(registrationName="cell materials", Input=reader)
            src.ProcessAllArrays = 0
            src.PointDataArraytoprocess = to_cells
            src.PassPointData = 1
        self.grid = ps.CleantoGrid(registrationName="merged grid", Input=src)
        self.grid.UpdatePipeline(times[0])
        self.grid_bounds = self.grid.GetDataInformation().GetBounds()
        self.vo2 = self._threshold("VO2", 0.5, 1.5, self.material)
        self.electrodes = self._threshold("Ti Au electrodes", 1.5, 3.5, self.material)
        parts = self._threshold("devices and electrodes", 0.5, 1e9, self.material)
        parts.UpdatePipeline(times[0])
        if parts.GetDataInformation().GetNumberOfCells() == 0:
            raise InputError(f"{pvd}: no device cells (material >= 1)")
        self.parts_bounds = parts.GetDataInformation().GetBounds()
        self.z_top = self.parts_bounds[5]

    def _threshold(self, label, lo, hi, array):
        th = self.ps.Threshold(registrationName=label, Input=self.grid)
        th.Scalars = ["CELLS", array]
        th.LowerThreshold, th.UpperThreshold = lo, hi
        th.ThresholdMethod = "Between"
        return th

    def _geometry(self, times):
        """Device boxes and centres, the region to frame, the cut plane."""
        np = self.np
        self.boxes = device_boxes(self.ps, self.grid, self.device, np) if self.device else {}
        self.vo2.UpdatePipeline(times[0])
        vb = (self.vo2.GetDataInformation().GetBounds()
              if self.vo2.GetDataInformation().GetNumberOfCells() > 0 else None)
        fallback = list(vb or self.parts_bounds)
        self.region = union(list(self.boxes.values())) if self.boxes else fallback
        centres = np.array([box_centre(b) for b in self.boxes.values()] or [box_centre(fallback)])
        if len(centres) >= 2:
            spread = centres.max(axis=0) - centres.min(axis=0)
            row_axis = 0 if spread[0] >= spread[1] else 1
        else:
            # single device: along its longer horizontal extent (the channel)
            row_axis = 0 if (fallback[1] - fallback[0]) >= (fallback[3] - fallback[2]) else 1
        normal_axis = 1 - row_axis
        mid = 0.5 * (centres.min(axis=0) + centres.max(axis=0))
        # through the device nearest the middle (for lattices: one real row)
        self.nearest = centres[np.argmin(np.linalg.norm(centres[:, :2] - mid[:2], axis=1))]
        self.row_axis, self.normal_axis = row_axis, normal_axis
        self.cut_at = float(self.nearest[normal_axis])
        self.outlined = len(centres) <= MAX_OUTLINED_DEVICES
        self.cut = {"normal_axis": "xy"[normal_axis], "position_m": self.cut_at,
                    "row_axis": "xy"[row_axis],
                    "device_centres_m": [[float(v) for v in c] for c in centres]}

    def default_margin(self):
        """Half of a channel's larger horizontal extent (without device ids:
        of the framed region's)."""
        boxes = list(self.boxes.values()) or [self.region]
        return AUTO_MARGIN * max(max(b[1] - b[0], b[3] - b[2]) for b in boxes)

    # ---- colours
    def _colours(self, colour_map):
        # range and scale first: the preset's colours then spread evenly over
        # the range, in log space on a log scale
        lut = self.ps.GetColorTransferFunction(self.rise)
        lut.AutomaticRescaleRangeMode = "Never"
        lut.RescaleTransferFunction(*self.mapping["range_K"])
        lut.UseLogScale = int(self.mapping["scale"] == "log")
        if not lut.ApplyPreset(colour_map, True):
            raise InputError(f"--colour-map {colour_map}: no such ParaView preset")
        trans, marked = self.mapping["transition"], self.mapping["Tc_rise_marked_K"]
        if marked:
            lut.Annotations = sum((["%.9g" % rise, "Tc (%.4g K)" % tc]
                                   for tc, rise in zip(trans["Tc_K"], trans["Tc_rise_K"])
                                   if rise in marked), [])
        return lut

    def fix_colours(self):
        # Show() and ColorBy() may rescale to the current data: pin the range.
        lo, hi = self.mapping["range_K"]
        self.lut.AutomaticRescaleRangeMode = "Never"
        self.lut.RescaleTransferFunction(lo, hi)
        self.ps.GetOpacityTransferFunction(self.rise).RescaleTransferFunction(lo, hi)

    # ---- drawing helpers
    def new_view(self, label):
        v = self.ps.CreateView("RenderView", registrationName=label)
        v.OrientationAxesVisibility = 0
        v.CameraParallelProjection = 1
        try:
            v.UseColorPaletteForBackground = 0
        except AttributeError:
            pass
        v.Background = BACKGROUND
        v.EnableRenderOnInteraction = 0
        return v

    def show_field(self, src, view):
        d = self.ps.Show(src, view)
        d.Representation = "Surface"
        d.ColorArrayName = [self.rise_assoc, self.rise]   # not ColorBy(): it rescales
        d.LookupTable = self.lut
        d.SetScalarBarVisibility(view, False)
        return d

    def show_lines(self, src, view, colour, width):
        d = self.ps.Show(src, view)
        d.Representation = "Surface"
        d.ColorArrayName = ['POINTS', '']
        d.AmbientColor = colour
        d.DiffuseColor = colour
        d.LineWidth = width
        d.Ambient, d.Diffuse = 1.0, 0.0      # unlit: the same colour everywhere
        return d

    def outline(self, src, label):
        surf = self.ps.ExtractSurface(Input=src)
        fe = self.ps.FeatureEdges(registrationName=label, Input=surf)
        fe.BoundaryEdges, fe.FeatureEdges = 0, 1
        fe.NonManifoldEdges, fe.ManifoldEdges = 0, 0
        fe.FeatureAngle = 30.0
        return fe

    def slice_of(self, src, label):
        s = self.ps.Slice(registrationName=label, Input=src)
        s.SliceType = "Plane"
        s.SliceType.Origin = [float(v) for v in self.nearest]
        s.SliceType.Normal = [float(v) for v in self.framing.n]
        try:
            s.HyperTreeGridSlicer = "Plane"
        except AttributeError:
            pass
        return s

    def slice_outline(self, src, label):
        fe = self.ps.FeatureEdges(registrationName=label,
                                  Input=self.slice_of(src, label + " cut"))
        fe.BoundaryEdges, fe.FeatureEdges = 1, 0
        fe.NonManifoldEdges, fe.ManifoldEdges = 0, 0
        return fe

    def tc_contour(self, surface, view, label):
        """Black lines where the rise equals a marked Tc rise."""
        if not self.mapping["Tc_marked"]:
            return
        if self.rise_assoc == "CELLS":
            surface = self.ps.CellDatatoPointData(registrationName=label + " points",
                                                  Input=surface)
        c = self.ps.Contour(registrationName=label, Input=surface)
        c.ContourBy = ["POINTS", self.rise]
        c.Isosurfaces = list(self.mapping["Tc_rise_marked_K"])
        c.ComputeScalars = 0
        self.show_lines(c, view, TC_COLOUR, 2.5)

    def text(self, view, s, where, size_, colour=TEXT_COLOUR, bold=False, backdrop=False):
        t = self.ps.Text(Text=s)
        d = self.ps.Show(t, view)
        if isinstance(where, str):
            d.WindowLocation = where
        else:
            d.WindowLocation = "Any Location"
            d.Position = list(where)
        d.FontSize = size_
        d.Color = colour
        d.Bold = int(bold)
        d.Shadow = 1
        if backdrop:                          # legible over any field colour
            d.ShowBorder = "Always"
            d.BackgroundColor = BACKDROP
            d.BorderColor = BACKDROP[:3]
            d.BorderThickness = 0
            d.CornerRadius = 0
        return d

    def ruler(self, view, length, start):
        ps = self.ps
        r = ps.Ruler(registrationName="scale bar %g m" % length,
                     Point1=[float(v) for v in start],
                     Point2=[float(v) for v in start + length * self.framing.a])
        d = ps.Show(r, view)
        if length >= 1e-6:
            d.Scale, d.LabelFormat = 1e6, "%g um"
        else:
            d.Scale, d.LabelFormat = 1e9, "%g nm"
        d.Color = TEXT_COLOUR
        d.AxisColor = TEXT_COLOUR
        d.AxisLineWidth = 3.0
        d.FontSize = 18
        d.Graduation = 0
        d.NumberOfTicks = 0
        return d

    # ---- top view
    def _top_view(self, title):
        ps, f = self.ps, self.framing
        top = self.new_view("top surface")
        surface = ps.ExtractSurface(registrationName="outer surface", Input=self.grid)
        self.show_field(surface, top)
        if self.outlined:
            self.show_lines(self.outline(self.electrodes, "electrode outlines"), top,
                            ELECTRODE_COLOUR, 2.0)
            self.show_lines(self.outline(self.vo2, "VO2 outlines"), top, VO2_COLOUR, 2.0)
            self._device_labels(top)
        self.tc_contour(surface, top, "Tc contour")
        self._time_label(top)
        self.text(top, f"{title}: top surface from above", "Upper Center", 16)
        self._material_legend(top)
        self._colour_legend(top)
        f.set_camera(top)
        # scale bar: lower left, about a fifth of the width
        bar_len = nice_length(0.2 * 2 * f.half_w)
        start = f.centre - f.a * 0.92 * f.half_w - f.up * 0.82 * f.half_h + f.z * 1e-3 * f.half_w
        self.ruler(top, bar_len, start)
        self.scale_bar_m = bar_len
        self._cut_ticks(top)
        return top

    def _time_label(self, view):
        annot = self.ps.PythonAnnotation(registrationName="time label", Input=self.reader)
        annot.ArrayAssociation = "Field Data"
        annot.Expression = TIME_LABEL_EXPRESSION
        self.annot = annot
        ad = self.ps.Show(annot, view)
        ad.WindowLocation = "Upper Left Corner"
        ad.FontSize = 30
        ad.Bold = 1
        ad.Color = TEXT_COLOUR

    def label_font_size(self):
        """28 points, smaller where devices are closer on screen (10 at least)."""
        np, f = self.np, self.framing
        if len(self.boxes) < 2:
            return 28
        px = np.array([f.to_px(box_centre(b), (f.W, f.top_h)) for b in self.boxes.values()])
        gaps = np.linalg.norm(px[:, None, :] - px[None, :, :], axis=2)
        np.fill_diagonal(gaps, np.inf)
        return int(max(10, min(28, 0.7 * gaps.min())))

    def _device_labels(self, view):
        """Each device's name just right of its channel's upper end."""
        f = self.framing
        size = self.label_font_size()
        for k, box in sorted(self.boxes.items()):
            corners = [self.np.array([x, y, box[5]]) for x in box[0:2] for y in box[2:4]]
            anchor = max(corners, key=lambda p: float(p @ f.a) + float(p @ f.up))
            anchor[2] = self.z_top + 0.01 * f.half_w         # above everything
            t = self.ps.Text(registrationName=f"device label {k}",
                             Text=device_label(self.info["device_names"], k))
            d = self.ps.Show(t, view)
            d.TextPropMode = "Billboard 3D Text"
            d.BillboardPosition = [float(v) for v in anchor]
            d.DisplayOffset = [4, -size]
            d.FontSize = size
            d.Bold = 1
            d.Shadow = 1
            d.Color = TEXT_COLOUR

    def _material_legend(self, view):
        """Outline colours and material_ids, lower right under the colour legend."""
        m = self.info["materials"]
        lines = []
        if self.outlined:
            lines += [(f"magenta outline: {m[1]} channel (material_id 1)", VO2_COLOUR),
                      (f"white outline: {m[2]}/{m[3]} electrodes (material_id 2, 3)",
                       ELECTRODE_COLOUR)]
            if self.boxes:
                named = any(self.info["device_names"])
                lines.append(("labels: device " + ("names (Run/Device names)" if named else "ids"),
                              TEXT_COLOUR))
        else:
            lines.append((f"no outlines or labels ({len(self.cut['device_centres_m'])} devices)",
                          TEXT_COLOUR))
        lines.append((f"no outline: {m[0]} substrate (material_id 0)", TEXT_COLOUR))
        lines.append((self._tc_legend_line(), TEXT_COLOUR))
        for i, (s, colour) in enumerate(reversed(lines)):
            self.text(view, s, (0.70, 0.012 + 0.034 * i), 14, colour, backdrop=True)

    def _tc_legend_line(self):
        trans = self.mapping["transition"]
        if trans is None:
            return "VO2 transition not marked (no Tc in parameters.prm)"
        rises = ", ".join("%.3g" % v for v in trans["Tc_rise_K"])
        if not self.mapping["Tc_marked"]:
            return f"Tc - T0 = {rises} K: outside the colour range, not marked"
        return (f"black line: Tc isotherm, rise Tc - T0 = {rises} K "
                f"(T0 = {trans['ambient_K']:.4g} K)")

    def _colour_legend(self, view):
        bar = self.ps.GetScalarBar(self.lut, view)
        log = self.mapping["scale"] == "log"
        bar.Title = "temperature rise (K)" + (", log scale" if log else "")
        bar.ComponentTitle = ""
        bar.TitleColor = TEXT_COLOUR
        bar.LabelColor = TEXT_COLOUR
        bar.TitleFontSize = 18
        bar.LabelFontSize = 16
        bar.WindowLocation = "Any Location"
        bar.Orientation = "Vertical"
        bar.Position = [0.86, 0.24]
        bar.ScalarBarLength = 0.62
        bar.RangeLabelFormat = "%.4g"
        bar.AddRangeLabels = 1
        bar.DrawAnnotations = 1
        bar.AddRangeAnnotations = 0
        bar.Visibility = 1

    def _cut_ticks(self, view):
        """White ticks at both edges of the top view, on the cut line."""
        f = self.framing
        on_cut = f.centre.copy()
        on_cut[self.normal_axis] = self.cut_at
        on_cut[2] = self.z_top + 1e-3 * f.half_w
        for sign in (-1.0, 1.0):
            tick = self.ps.Line(registrationName="cut marker %+d" % sign,
                                Point1=[float(v) for v in on_cut + sign * f.a * 0.99 * f.half_w],
                                Point2=[float(v) for v in on_cut + sign * f.a * 0.95 * f.half_w])
            self.show_lines(tick, view, TEXT_COLOUR, 4.0)

    # ---- cut view
    def _cut_view(self):
        f = self.framing
        side = self.new_view("vertical cut")
        cut = self.slice_of(self.grid, "cut")
        self.show_field(cut, side)
        if self.outlined:
            self.show_lines(self.slice_outline(self.electrodes, "electrode cut outlines"), side,
                            ELECTRODE_COLOUR, 2.0)
            self.show_lines(self.slice_outline(self.vo2, "VO2 cut outlines"), side,
                            VO2_COLOUR, 2.0)
        self.tc_contour(cut, side, "Tc contour in the cut")
        h_side = 0.5 * f.side_h * f.m_per_px
        centre = f.centre.copy()
        centre[self.normal_axis] = self.cut_at
        centre[2] = self.z_top + 0.25 * h_side - h_side    # top surface near the top edge
        look = self.np.cross(f.z, f.a)                      # viewing direction
        side.CameraFocalPoint = [float(v) for v in centre]
        side.CameraPosition = [float(v) for v in centre - look * 10 * f.half_w]
        side.CameraViewUp = [0.0, 0.0, 1.0]
        side.CameraParallelScale = h_side
        self.text(side, "vertical cut along the devices (%s = %.3g um, white ticks in the "
                  "top view), same colours and scale" % ("xy"[self.normal_axis], self.cut_at * 1e6),
                  "Upper Left Corner", 16)
        start = centre - f.a * 0.92 * f.half_w - f.z * 0.78 * h_side + f.n * 1e-3 * f.half_w
        self.ruler(side, self.scale_bar_m, start)
        return side

    def _layout(self):
        layout = self.ps.CreateLayout("neuristor fields")
        layout.SplitVertical(0, self.framing.top_h / self.size[1])
        layout.AssignView(1, self.top)
        layout.AssignView(2, self.side)
        layout.SetSize(*self.size)
        self.layout = layout

    # ---- frames
    def set_time(self, t):
        self.scene.AnimationTime = t
        for v in (self.top, self.side):
            v.ViewTime = t

    def label_text(self, t):
        """The label the PythonAnnotation draws at time t (fetched)."""
        from paraview import servermanager as sm
        self.annot.UpdatePipeline(t)
        table = sm.Fetch(self.annot)
        col = table.GetColumn(0) if table is not None and table.GetNumberOfColumns() else None
        if col is None or col.GetNumberOfTuples() == 0:
            return None
        return str(col.GetValue(0))

    def render(self, t, path):
        self.set_time(t)
        self.fix_colours()
        self.ps.Render(self.top)
        self.ps.Render(self.side)
        self.ps.SaveScreenshot(path, self.layout, ImageResolution=list(self.size),
                               TransparentBackground=0)

    def devices_manifest(self):
        """Per device (up to MAX_OUTLINED_DEVICES): id, label, box in metres
        and in image pixels (call after a render: uses the top view's size)."""
        if not self.outlined:
            return None
        size = list(self.top.ViewSize)
        return [{"id": k, "label": device_label(self.info["device_names"], k), "box_m": box,
                 "box_px": [round(v, 1) for v in self.framing.box_px(box, size)]}
                for k, box in sorted(self.boxes.items())]


def encode_movie(folder, fps):
    ffmpeg = shutil.which("ffmpeg")
    out = os.path.join(folder, "movie.mp4")
    for codec in (["-c:v", "libx264", "-pix_fmt", "yuv420p"], ["-c:v", "mpeg4", "-q:v", "3"]):
        cmd = [ffmpeg, "-y", "-loglevel", "error", "-framerate", str(fps),
               "-i", os.path.join(folder, "frame_%04d.png"),
               "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"] + codec + [out]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode == 0 and os.path.isfile(out):
            return "movie.mp4"
        last = r.stdout.strip()
    raise RuntimeError(f"ffmpeg could not encode {out}: {last}")


def range_text(mapping):
    lo, hi = mapping["range_K"]
    return f"{mapping['scale']} colour range {lo:.4g}..{hi:.4g} K"


def save_state(scene, t, state, pvd):
    import paraview.simple as ps
    scene.set_time(t)
    scene.fix_colours()
    fd, partial = tempfile.mkstemp(prefix=os.path.basename(state) + ".partial-",
                                   dir=os.path.dirname(state))
    os.close(fd)
    try:
        ps.SaveState(partial)
        ET.parse(partial)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)
        os.replace(partial, state)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    print(f"State {state} (series {pvd}, time {time_label(t)}, {range_text(scene.mapping)}); "
          f"open it with:\n  paraview --state {state}")


def render_frames(scene, frames, folder):
    """Render every (requested, stored) time; the frames' manifest entries."""
    entries = []
    for i, (req, t) in enumerate(frames):
        file = "frame_%04d.png" % i
        scene.render(t, os.path.join(folder, file))
        drawn = scene.label_text(t)
        label = time_label(t)
        if drawn is not None and drawn != label:
            raise RuntimeError(f"time label drawn '{drawn}' differs from '{label}'")
        entries.append({"file": file, "requested_time_s": req, "rendered_time_s": t,
                        "time_label": label, "colour_range_K": scene.mapping["range_K"]})
        print(f"  {file}: {label}" + ("" if req is None else f" (requested {req:g} s)"))
    return entries


def manifest(args, run_dir, name, pvd, times, scene, entries, movie):
    top_view = dict(scene.frame, view_size_px=list(scene.top.ViewSize),
                    devices=scene.devices_manifest())
    return {
        "run_dir": run_dir, "series": name, "pvd": pvd,
        "rise_field": scene.rise, "material_field": scene.material,
        "device_field": scene.device,
        "material_ids": {str(i): f"{role}: {scene.info['materials'][i]}"
                         for i, role, _ in MATERIAL_ROLES},
        "selection": "times" if args.times is not None else ("all" if args.all else "default"),
        "stored_times_s": times, "colour_range_K": scene.mapping["range_K"],
        "colour_map": args.colour_map, "log_scale": scene.mapping["scale"] == "log",
        "colour_mapping": scene.mapping, "image_size_px": list(args.size),
        "top_view": top_view, "cut": scene.cut, "scale_bar_m": scene.scale_bar_m,
        "time_label_format": "'t = %.4g ns' below 1 us, else 't = %.4g us'",
        "movie": movie, "frames": entries}


def publish(tmp, final):
    """Rename tmp to final, replacing an earlier render."""
    old = None
    if os.path.exists(final):
        old = tempfile.mkdtemp(prefix=os.path.basename(final) + ".old-",
                               dir=os.path.dirname(final))
        os.rename(final, os.path.join(old, "render"))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    os.rename(tmp, final)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def main(argv):
    args = parse_args(argv)
    run_dir = os.path.abspath(args.run_dir)
    pvd, name = find_series(run_dir, args.series)
    times = read_pvd(pvd)
    frames = select_frames(args, times)
    if not os.environ.get("DISPLAY"):
        # Without X, Debian's ParaView aborts at its first view (SIGABRT,
        # which Python cannot catch): refuse before anything is written.
        raise InputError("DISPLAY is not set, and Debian's ParaView renders through X: "
                         "run as 'xvfb-run -a pvbatch --disable-xdisplay-test "
                         "scripts/render_fields.py ...'")
    if args.state is None:
        final, tmp = prepare_output(run_dir, args.output)
    else:
        state = os.path.abspath(args.state)
        if not os.path.isdir(os.path.dirname(state)):
            raise InputError(f"--state {state}: folder {os.path.dirname(state)} not found")
    if args.movie and shutil.which("ffmpeg") is None:
        print(f"{PROG}: note: ffmpeg is not installed: no movie.mp4, only the frames "
              "(apt-get install ffmpeg)", file=sys.stderr)
    try:
        info = run_info(run_dir)
        mapping = colour_mapping(args, pvd, times, info["transition"])
        scene = Scene(pvd, name, times, mapping, info, args, run_dir)
        if args.state is not None:
            save_state(scene, frames[0][1] if args.times is not None else times[-1], state, pvd)
            return 0
        entries = render_frames(scene, frames, tmp)
        movie = None
        if args.movie and shutil.which("ffmpeg") is not None:
            movie = encode_movie(tmp, args.fps)
        with open(os.path.join(tmp, "frames.json"), "w") as f:
            json.dump(manifest(args, run_dir, name, pvd, times, scene, entries, movie),
                      f, indent=2)
            f.write("\n")
        publish(tmp, final)
        tmp = None
        print(f"{len(entries)} frames in {final}" + (f" and {movie}" if movie else "")
              + f" ({range_text(mapping)})")
        return 0
    finally:
        if args.state is None and tmp is not None and os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except InputError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        code = 2
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)
