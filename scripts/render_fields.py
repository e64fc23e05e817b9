"""Render the 3-D temperature fields of a neuristor run folder with ParaView.

Headless frames (Debian 12 packages paraview, python3-paraview, xvfb, xauth,
and ffmpeg for --movie; scripts/install_dependencies.sh installs them):

  xvfb-run -a pvbatch --disable-xdisplay-test scripts/render_fields.py RUN_DIR [options]

  reads   RUN_DIR/fields/<series>.pvd (written by `neuristor characterize`;
          absolute times in s, fields temperature rise, material, device id)
  writes  RUN_DIR/render/frame_NNNN.png, RUN_DIR/render/frames.json
          (and RUN_DIR/render/movie.mp4 with --movie)

(--disable-xdisplay-test is optional: it skips ParaView's X display probe,
which closes an X connection and opens the next at once; some Xvfb setups drop
that second connection and pvbatch aborts with "bad X server connection".)

Each frame (1280 x 1080 by default) shows, with one colour range for the
temperature rise (K) for all frames:
  top    the top surface from above, zoomed on the devices and electrodes
         (their bounds plus --margin), VO2 outlines (magenta), Ti/Au electrode
         outlines (white; left out above 100 devices), colour legend, scale bar, time label (ns below
         1 us, us above), white ticks marking the cut;
  bottom a vertical cut through the devices' centre line (along the row of
         devices; along the channel for a single device), same scale.

Options:
  --series NAME      which RUN_DIR/fields/NAME.pvd (default: the first by name)
  --times t1,t2,...  render the stored times nearest to these (seconds); a time
                     outside the series is an error
  --all              render every stored time
                     (default: 5 frames evenly spread over the stored steps)
  --range MIN MAX    colour range of the temperature rise in K
                     (default: 0 .. the largest rise of the whole series)
  --log              logarithmic colours (default range: max/1000 .. max),
                     shows the spreading heat far better than the linear scale
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
  --size W H, --margin METRES, --fps N: image size (default 1280 1080),
                     margin around the devices in the top view (default 2e-6),
                     movie frame rate (default 4)

frames.json lists per frame: file, requested_time_s (null unless given with
--times), rendered_time_s, time_label (the exact text drawn: 't = %.4g ns'
below 1 us, else 't = %.4g us', of the rendered time) and colour_range_K,
plus the framing, the cut plane and the scale-bar length.

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
MAX_OUTLINED_DEVICES = 100  # more would hide the field
TEXT_COLOUR = [1.0, 1.0, 1.0]
BACKGROUND = [0.20, 0.21, 0.25]
COLOUR_MAP = "Turbo"


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
    p.add_argument("--log", action="store_true")
    p.add_argument("--colour-map", default=COLOUR_MAP, metavar="PRESET")
    p.add_argument("--movie", action="store_true")
    p.add_argument("--output", metavar="DIR")
    p.add_argument("--state", metavar="FILE.pvsm")
    p.add_argument("--size", nargs=2, type=int, metavar=("W", "H"),
                   default=[1280, 1080])
    p.add_argument("--margin", type=float, default=2e-6, metavar="METRES")
    p.add_argument("--fps", type=float, default=4.0)
    a = p.parse_args(argv)
    if a.range is not None:
        lo, hi = a.range
        if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
            raise InputError(f"--range {lo:g} {hi:g}: need finite MIN < MAX")
        if a.log and not lo > 0:
            raise InputError(f"--range {lo:g} {hi:g}: --log needs MIN > 0")
    if a.size[0] < 200 or a.size[1] < 200:
        raise InputError(f"--size {a.size[0]} {a.size[1]}: need at least 200 x 200")
    if not (a.margin >= 0):
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


class Scene:
    """The pipeline, views and layout for one series."""

    def __init__(self, pvd, name, times, colour_range, size, margin, run_dir,
                 colour_map=COLOUR_MAP, log=False):
        import paraview.simple as ps
        from paraview import servermanager as sm
        from vtk.numpy_interface import dataset_adapter as dsa
        import numpy as np
        self.ps, self.np = ps, np
        self.times = times
        self.size = size
        ps._DisableFirstRenderCameraReset()

        reader = ps.PVDReader(registrationName=name + ".pvd", FileName=pvd)
        reader.UpdatePipelineInformation()
        reader.UpdatePipeline(times[0])
        if reader.GetDataInformation().GetNumberOfCells() == 0:
            raise InputError(f"{pvd}: the first time step has no cells")
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
        grid = ps.CleantoGrid(registrationName="merged grid", Input=src)
        self.grid = grid
        grid.UpdatePipeline(times[0])
        gb = grid.GetDataInformation().GetBounds()

        def threshold(label, lo, hi, array, input_=grid):
            th = ps.Threshold(registrationName=label, Input=input_)
            th.Scalars = ["CELLS", array]
            th.LowerThreshold, th.UpperThreshold = lo, hi
            th.ThresholdMethod = "Between"
            return th

        vo2 = threshold("VO2", 0.5, 1.5, self.material)
        electrodes = threshold("Ti Au electrodes", 1.5, 3.5, self.material)
        parts = threshold("devices and electrodes", 0.5, 1e9, self.material)
        parts.UpdatePipeline(times[0])
        if parts.GetDataInformation().GetNumberOfCells() == 0:
            raise InputError(f"{pvd}: no device cells (material >= 1)")
        pb = parts.GetDataInformation().GetBounds()
        z_top = pb[5]

        # Device centres (bounding-box centres of each device's cells).
        centres = []
        if self.device is not None:
            active = threshold("active channels", -0.5, 1e9, self.device)
            cc = ps.CellCenters(Input=active)
            d = dsa.WrapDataObject(sm.Fetch(cc))
            if d.GetNumberOfPoints() > 0:
                ids = np.asarray(d.PointData[self.device])
                pts = np.asarray(d.Points)
                for k in np.unique(ids):
                    q = pts[ids == k]
                    centres.append(0.5 * (q.min(axis=0) + q.max(axis=0)))
            ps.Delete(cc)
            ps.Delete(active)
        vb = None
        vo2.UpdatePipeline(times[0])
        if vo2.GetDataInformation().GetNumberOfCells() > 0:
            vb = vo2.GetDataInformation().GetBounds()
        if not centres:
            b = vb or pb
            centres = [np.array([0.5 * (b[0] + b[1]), 0.5 * (b[2] + b[3]), 0.5 * (b[4] + b[5])])]
        centres = np.array(centres)

        # The cut: vertical plane through the devices' centre line.
        if len(centres) >= 2:
            spread = centres.max(axis=0) - centres.min(axis=0)
            row_axis = 0 if spread[0] >= spread[1] else 1
        else:
            # single device: along its longer horizontal extent (the channel)
            b = vb or pb
            row_axis = 0 if (b[1] - b[0]) >= (b[3] - b[2]) else 1
        normal_axis = 1 - row_axis
        mid = 0.5 * (centres.min(axis=0) + centres.max(axis=0))
        # through the device nearest the middle (for lattices: one real row)
        nearest = centres[np.argmin(np.linalg.norm(centres[:, :2] - mid[:2], axis=1))]
        cut_at = float(nearest[normal_axis])
        self.cut = {"normal_axis": "xy"[normal_axis], "position_m": cut_at,
                    "row_axis": "xy"[row_axis],
                    "device_centres_m": [[float(v) for v in c] for c in centres]}

        # Framing: the devices and electrodes with a margin, inside the substrate.
        a = np.zeros(3); a[row_axis] = 1.0          # screen right
        n = np.zeros(3); n[normal_axis] = 1.0
        z = np.array([0.0, 0.0, 1.0])
        lo_r, hi_r = pb[2 * row_axis] - margin, pb[2 * row_axis + 1] + margin
        lo_n, hi_n = pb[2 * normal_axis] - margin, pb[2 * normal_axis + 1] + margin
        lo_r, hi_r = max(lo_r, gb[2 * row_axis]), min(hi_r, gb[2 * row_axis + 1])
        lo_n, hi_n = max(lo_n, gb[2 * normal_axis]), min(hi_n, gb[2 * normal_axis + 1])
        width = hi_r - lo_r
        height = hi_n - lo_n
        centre = np.zeros(3)
        centre[row_axis] = 0.5 * (lo_r + hi_r)
        centre[normal_axis] = 0.5 * (lo_n + hi_n)
        centre[2] = z_top

        W, H = size
        top_h = int(round(H * 0.62))
        bottom_h = H - top_h
        top_aspect = W / top_h
        # the top view shows at least [width x height]; equal scales in both views
        half_w = max(0.5 * width, 0.5 * height * top_aspect) * 1.04
        self.frame = {"centre_m": [float(v) for v in centre], "width_m": 2 * half_w,
                      "devices_bounds_m": [float(v) for v in pb]}

        # Colours.
        lut = ps.GetColorTransferFunction(self.rise)
        if not lut.ApplyPreset(colour_map, True):
            raise InputError(f"--colour-map {colour_map}: no such ParaView preset")
        if log:
            lut.UseLogScale = 1
        lut.AutomaticRescaleRangeMode = "Never"
        lut.RescaleTransferFunction(*colour_range)
        ps.GetOpacityTransferFunction(self.rise).RescaleTransferFunction(*colour_range)
        self.lut = lut

        def new_view(label):
            v = ps.CreateView("RenderView", registrationName=label)
            v.OrientationAxesVisibility = 0
            v.CameraParallelProjection = 1
            try:
                v.UseColorPaletteForBackground = 0
            except AttributeError:
                pass
            v.Background = BACKGROUND
            v.EnableRenderOnInteraction = 0
            return v

        def show_field(src, view):
            d = ps.Show(src, view)
            d.Representation = "Surface"
            ps.ColorBy(d, (self.rise_assoc, self.rise))
            d.LookupTable = lut
            d.SetScalarBarVisibility(view, False)
            return d

        def show_lines(src, view, colour, width):
            d = ps.Show(src, view)
            d.Representation = "Surface"
            d.ColorArrayName = ['POINTS', '']
            d.AmbientColor = colour
            d.DiffuseColor = colour
            d.LineWidth = width
            d.Ambient, d.Diffuse = 1.0, 0.0      # unlit: the same colour everywhere
            return d

        def outline(src, label):
            surf = ps.ExtractSurface(Input=src)
            fe = ps.FeatureEdges(registrationName=label, Input=surf)
            fe.BoundaryEdges, fe.FeatureEdges = 0, 1
            fe.NonManifoldEdges, fe.ManifoldEdges = 0, 0
            fe.FeatureAngle = 30.0
            return fe

        def slice_of(src, label):
            s = ps.Slice(registrationName=label, Input=src)
            s.SliceType = "Plane"
            s.SliceType.Origin = [float(v) for v in nearest]
            s.SliceType.Normal = [float(v) for v in n]
            try:
                s.HyperTreeGridSlicer = "Plane"
            except AttributeError:
                pass
            return s

        def slice_outline(src, label):
            fe = ps.FeatureEdges(registrationName=label, Input=slice_of(src, label + " cut"))
            fe.BoundaryEdges, fe.FeatureEdges = 1, 0
            fe.NonManifoldEdges, fe.ManifoldEdges = 0, 0
            return fe

        def text(view, s, where, size_, bold=False):
            t = ps.Text(Text=s)
            d = ps.Show(t, view)
            d.WindowLocation = where
            d.FontSize = size_
            d.Color = TEXT_COLOUR
            d.Bold = int(bold)
            return d

        def ruler(view, length, start):
            r = ps.Ruler(registrationName="scale bar %g m" % length,
                         Point1=[float(v) for v in start],
                         Point2=[float(v) for v in start + length * a])
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

        # ---- top view: surface from above
        top = new_view("top surface")
        show_field(grid, top)
        # Outlines of thousands of devices would hide the field.
        outlined = len(centres) <= MAX_OUTLINED_DEVICES
        if outlined:
            show_lines(outline(electrodes, "electrode outlines"), top, ELECTRODE_COLOUR, 2.0)
            show_lines(outline(vo2, "VO2 outlines"), top, VO2_COLOUR, 2.0)
        annot = ps.PythonAnnotation(registrationName="time label", Input=reader)
        annot.ArrayAssociation = "Field Data"
        annot.Expression = TIME_LABEL_EXPRESSION
        self.annot = annot
        ad = ps.Show(annot, top)
        ad.WindowLocation = "Upper Left Corner"
        ad.FontSize = 30
        ad.Bold = 1
        ad.Color = TEXT_COLOUR
        text(top, f"{os.path.basename(os.path.abspath(run_dir))} / {name}\n"
             "top surface from above", "Upper Center", 16)
        text(top, "outlines: VO2 (magenta), Ti/Au electrodes (white)" if outlined else
             f"no outlines ({len(centres)} devices)", "Lower Right Corner", 15)
        bar = ps.GetScalarBar(lut, top)
        bar.Title = "temperature rise (K)"
        bar.ComponentTitle = ""
        bar.TitleColor = TEXT_COLOUR
        bar.LabelColor = TEXT_COLOUR
        bar.TitleFontSize = 18
        bar.LabelFontSize = 16
        bar.WindowLocation = "Any Location"
        bar.Orientation = "Vertical"
        bar.Position = [0.85, 0.10]
        bar.ScalarBarLength = 0.70
        bar.RangeLabelFormat = "%.4g"
        bar.AddRangeLabels = 1
        bar.Visibility = 1
        up_top = np.cross(a, -z)                      # screen up in the top view
        top.CameraFocalPoint = [float(v) for v in centre]
        top.CameraPosition = [float(v) for v in centre + z * 10 * half_w]
        top.CameraViewUp = [float(v) for v in up_top]
        top.CameraParallelScale = half_w / top_aspect
        self.top = top
        # scale bar: lower left, about a fifth of the width
        bar_len = nice_length(0.2 * 2 * half_w)
        h_top = half_w / top_aspect
        start = centre - a * 0.90 * half_w - up_top * 0.80 * h_top + z * 1e-3 * half_w
        ruler(top, bar_len, start)
        self.scale_bar_m = bar_len
        # ticks at both ends of the cut line
        on_cut = centre.copy()
        on_cut[normal_axis] = cut_at
        on_cut[2] = z_top + 1e-3 * half_w
        for sign in (-1.0, 1.0):
            tick = ps.Line(registrationName="cut marker %+d" % sign,
                           Point1=[float(v) for v in on_cut + sign * a * 0.99 * half_w],
                           Point2=[float(v) for v in on_cut + sign * a * 0.95 * half_w])
            show_lines(tick, top, TEXT_COLOUR, 4.0)

        # ---- bottom view: the vertical cut
        side = new_view("vertical cut")
        show_field(slice_of(grid, "cut"), side)
        if outlined:
            show_lines(slice_outline(electrodes, "electrode cut outlines"), side, ELECTRODE_COLOUR, 2.0)
            show_lines(slice_outline(vo2, "VO2 cut outlines"), side, VO2_COLOUR, 2.0)
        side_aspect = W / bottom_h
        h_side = half_w / side_aspect
        side_centre = centre.copy()
        side_centre[normal_axis] = cut_at
        side_centre[2] = z_top + 0.25 * h_side - h_side    # top surface near the top edge
        look = np.cross(z, a)                        # viewing direction
        side.CameraFocalPoint = [float(v) for v in side_centre]
        side.CameraPosition = [float(v) for v in side_centre - look * 10 * half_w]
        side.CameraViewUp = [0.0, 0.0, 1.0]
        side.CameraParallelScale = h_side
        text(side, "vertical cut through the device centres (%s = %.3g um, white ticks "
             "in the top view), same colours" % ("xy"[normal_axis], cut_at * 1e6),
             "Upper Left Corner", 16)
        sstart = side_centre - a * 0.90 * half_w - z * 0.75 * h_side + n * 1e-3 * half_w
        ruler(side, bar_len, sstart)
        self.side = side

        layout = ps.CreateLayout("neuristor fields")
        layout.SplitVertical(0, top_h / H)
        layout.AssignView(1, top)
        layout.AssignView(2, side)
        layout.SetSize(W, H)
        self.layout = layout

        scene = ps.GetAnimationScene()
        scene.UpdateAnimationUsingDataTimeSteps()
        self.scene = scene
        self.colour_range = list(colour_range)
        self.fix_colours()

    def fix_colours(self):
        # Show() and ColorBy() may rescale to the current data: pin the range.
        self.lut.AutomaticRescaleRangeMode = "Never"
        self.lut.RescaleTransferFunction(*self.colour_range)
        self.ps.GetOpacityTransferFunction(self.rise).RescaleTransferFunction(*self.colour_range)

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


def series_range(pvd, times, name):
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
    # from 0 (small negative undershoots of the solution are not shown)
    if hi > 0:
        return [0.0, hi]
    return [lo, 0.0] if lo < 0 else [0.0, 1.0]


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
        colour_range = list(args.range) if args.range else series_range(pvd, times, name)
        if args.log and args.range is None:
            if not colour_range[1] > 0:
                raise InputError(f"--log: {pvd}: the temperature rise is never positive")
            colour_range = [colour_range[1] * 1e-3, colour_range[1]]
        scene = Scene(pvd, name, times, colour_range, args.size, args.margin, run_dir,
                      args.colour_map, args.log)
        if args.state is not None:
            t = frames[0][1] if args.times is not None else times[-1]
            scene.set_time(t)
            scene.fix_colours()
            import paraview.simple as ps
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
            print(f"State {state} (series {pvd}, time {time_label(t)}, colour range "
                  f"{colour_range[0]:.4g}..{colour_range[1]:.4g} K); open it with:\n"
                  f"  paraview --state {state}")
            return 0
        entries = []
        for i, (req, t) in enumerate(frames):
            file = "frame_%04d.png" % i
            scene.render(t, os.path.join(tmp, file))
            drawn = scene.label_text(t)
            label = time_label(t)
            if drawn is not None and drawn != label:
                raise RuntimeError(f"time label drawn '{drawn}' differs from '{label}'")
            entries.append({"file": file, "requested_time_s": req, "rendered_time_s": t,
                            "time_label": label, "colour_range_K": colour_range})
            print(f"  {file}: {label}" + ("" if req is None else f" (requested {req:g} s)"))
        movie = None
        if args.movie and shutil.which("ffmpeg") is not None:
            movie = encode_movie(tmp, args.fps)
        manifest = {
            "run_dir": run_dir, "series": name, "pvd": pvd,
            "rise_field": scene.rise, "material_field": scene.material,
            "device_field": scene.device,
            "selection": "times" if args.times is not None else ("all" if args.all else "default"),
            "stored_times_s": times, "colour_range_K": colour_range,
            "colour_map": args.colour_map, "log_scale": args.log, "image_size_px": list(args.size),
            "top_view": scene.frame, "cut": scene.cut, "scale_bar_m": scene.scale_bar_m,
            "time_label_format": "'t = %.4g ns' below 1 us, else 't = %.4g us'",
            "movie": movie, "frames": entries}
        with open(os.path.join(tmp, "frames.json"), "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        old = None
        if os.path.exists(final):
            old = tempfile.mkdtemp(prefix=os.path.basename(final) + ".old-",
                                   dir=os.path.dirname(final))
            os.rename(final, os.path.join(old, "render"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        os.rename(tmp, final)
        tmp = None
        if old:
            shutil.rmtree(old, ignore_errors=True)
        print(f"{len(entries)} frames in {final}" + (f" and {movie}" if movie else "")
              + f" (colour range {colour_range[0]:.4g}..{colour_range[1]:.4g} K)")
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
