#!/usr/bin/python3
"""Plot results of the thermal-neuristor simulator.

Usage:
  /usr/bin/python3 scripts/plot_run.py run RUN_DIR      -> RUN_DIR/traces.png
  /usr/bin/python3 scripts/plot_run.py sweep SWEEP_DIR  -> SWEEP_DIR/sweep.png
      one swept entry: spike count, first-spike latency, count ratio to
      device 0, mean rate (markers per state) and energy per spike against
      the swept value; two entries (a grid): the state of each device and
      the count ratios over the grid
  /usr/bin/python3 scripts/plot_run.py characterize DIR -> DIR/step_response.png
  /usr/bin/python3 scripts/plot_run.py characterize-sweep DIR -> DIR/coupling_vs_gap.png
      R_th of device 0, and eta and half-rise delay of device 1 when device
      0 is heated (where the sweep has two devices), against the swept value
  /usr/bin/python3 scripts/plot_run.py integration SWEEP_DIR
      -> SWEEP_DIR/integration.png and integration.csv: per swept value, the
         probability that device 1 fires after n spikes of device 0 (n
         counted between consecutive spikes of device 1; Fig. 3D)
  /usr/bin/python3 scripts/plot_run.py compare OUT RUN_DIR RUN_DIR...
      -> OUT/comparison.png (temperatures and spikes of every run on one time
         axis) and OUT/comparison.csv (per run and device: model, spikes,
         rate, first spike; empty without spikes). Any number of runs, e.g.
         the lumped, reduced and finite-element runs of compare_models.sh.
         Runs whose parameters.prm differ in one entry only (points of a
         sweep) are labelled "Entry = value", others by their folder name
  /usr/bin/python3 scripts/plot_run.py preview DIR      -> DIR/preview.png
      the layout and mesh of DIR/preview.json (`neuristor preview CASE`):
      top view of the devices and electrodes (parts coloured by material,
      devices labelled "id name" up to 100 devices, mesh edges) beside the
      whole substrate, and a vertical x-z cut through device 0 over the whole
      depth and near the top surface; the title counts cells and DoFs. Above
      600 grid lines along an axis in a panel, every k-th one is drawn (said
      in the panel's title)

Every PNG carries its title, its panels' titles, axis labels, texts, legends
and a summary of the plotted data (per line: points, finite points, range;
per colour mesh: shape, cells with a value; per line collection: segments)
as JSON in its PNG text chunk "plot_run"
(PIL: Image.open(png).text["plot_run"]), for tests and scripts.

Axes show SI values with a prefix chosen from the data (si_scale): a gap of
1e-6..3e-6 m is drawn in µm, a latency in ns or µs, a rate in kHz or MHz.
Missing values (empty CSV cells) are gaps in the lines, never zeros.
"""
import csv
import json
import math
import os
import re
import sys
import warnings
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection, QuadMesh  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

TRACES_HEADER = ["time_s", "device", "v_in_V", "v_device_V", "i_load_A",
                 "i_device_A", "temperature_K", "resistance_ohm", "power_W"]
SPIKES_HEADER = ["device", "t_peak_s", "i_peak_A", "energy_J"]
# Columns sweep.csv must have besides those of the swept entries (value_k, x_k_<unit>).
SWEEP_COLUMNS = ["point", "device", "name", "state", "spike_count", "first_spike_s",
                 "mean_rate_hz", "count_ratio", "mean_spike_energy_J"]
CHARACTERIZE_SWEEP_COLUMNS = ["point", "R_th_0_K_per_W", "eta_10", "half_rise_delay_10_s"]
MAX_TRACED = 8
MAX_GRID_DEVICES = 4  # state maps drawn in a two-entry sweep
DPI = 120
METADATA_KEY = "plot_run"  # PNG text chunk with describe_figure()'s JSON
SMALL_LINE = 64  # lines with at most this many points keep their y values in it

# Device states (summary.json, sweep.csv): marker in line plots, colour in maps.
STATE_MARKERS = {"spiking": dict(marker="o"),
                 "single spike": dict(marker="s", mfc="white"),
                 "quiescent": dict(marker="o", mfc="white"),
                 "trapped": dict(marker="x", mew=1.5)}
OTHER_STATE_MARKER = dict(marker="d")
STATE_COLOURS = {"quiescent": "#d9d9d9", "single spike": "#9ecae1",
                 "spiking": "#3182bd", "trapped": "#e6550d"}
SI_PREFIXES = {-15: "f", -12: "p", -9: "n", -6: "\u00b5", -3: "m", 0: "", 3: "k", 6: "M", 9: "G"}


class InputError(Exception):
    """Missing or malformed input; the message names the file and reason."""


class WriteError(Exception):
    """An output file could not be written (full disk, permissions): exit code 3."""


WRITE_FAILED = 3


def check_header(path, expected):
    """Fail unless the first line of the CSV at *path* equals *expected*."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    with open(path, newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f), None)
    if header is None or [h.strip() for h in header] != expected:
        raise InputError(f"{path}: bad header, expected {','.join(expected)}")


def read_rows(path, expected):
    """Read a small CSV (quote-aware) into a list of dicts after a header check."""
    check_header(path, expected)
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, fieldnames=expected))[1:]
    for n, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise InputError(f"{path}: line {n}: expected {len(expected)} fields")
    return rows


def read_json(path, optional=False):
    """Load a JSON object; return {} for a missing optional file."""
    if not path.is_file():
        if optional:
            return {}
        raise InputError(f"{path}: file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: invalid JSON ({e})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: top level is not a JSON object")
    return data


def load_traces(path):
    """Return traces.csv as a dict column name -> float array."""
    check_header(path, TRACES_HEADER)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # empty-file warning
            data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    except ValueError as e:
        msg = " ".join(str(e).split(";")[0].split())
        raise InputError(f"{path}: malformed data ({msg})") from None
    if data.shape[0] == 0:
        raise InputError(f"{path}: no data rows")
    if data.shape[1] != len(TRACES_HEADER):
        raise InputError(f"{path}: expected {len(TRACES_HEADER)} columns")
    return {name: data[:, k] for k, name in enumerate(TRACES_HEADER)}


def load_spikes(path):
    """Return spikes.csv as arrays (device, t_peak_s, i_peak_A); may be empty."""
    rows = read_rows(path, SPIKES_HEADER)
    try:
        dev = np.array([int(r["device"]) for r in rows], dtype=int)
        t = np.array([float(r["t_peak_s"]) for r in rows])
        i = np.array([float(r["i_peak_A"]) for r in rows])
    except ValueError as e:
        raise InputError(f"{path}: non-numeric value ({e})") from None
    return dev, t, i


def load_summary(path):
    """Return (run dict, {device: state}, {device: name}) from summary.json."""
    data = read_json(path)
    devices = data.get("devices", [])
    run = data.get("run", {})
    if not isinstance(devices, list) or not isinstance(run, dict):
        raise InputError(f"{path}: 'run' must be an object, 'devices' a list")
    try:
        states = {int(d["device"]): str(d.get("state", "?")) for d in devices}
        names = {int(d["device"]): str(d.get("name", f"device {d['device']}")) for d in devices}
    except (TypeError, KeyError, ValueError):
        raise InputError(f"{path}: each device entry needs an integer 'device'") from None
    return run, states, names


def finite_summary(values):
    """Points, finite points and their range of an array (NaN: not drawn)."""
    v = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan).ravel()
    finite = v[np.isfinite(v)]
    summary = {"points": int(v.size), "finite": int(finite.size)}
    if finite.size:
        summary.update(min=float(finite.min()), max=float(finite.max()))
    return summary


def describe_line(line):
    """A line of a panel: its label, finite_summary of its y, and the y
    values themselves (null: not drawn) for a short line."""
    y = np.asarray(line.get_ydata(), dtype=float)
    summary = {"label": str(line.get_label()), **finite_summary(y)}
    if y.size <= SMALL_LINE:
        summary["y"] = [float(v) if np.isfinite(v) else None for v in y]
    return summary


def describe_mesh(mesh):
    """A colour mesh (pcolormesh): its shape in cells (rows, columns) and
    finite_summary of its values (masked: blank)."""
    rows, columns = (n - 1 for n in mesh.get_coordinates().shape[:2])
    return {"shape": [rows, columns], **finite_summary(mesh.get_array())}


def describe_legend(legend, fig, renderer):
    """A legend's texts and whether it covers a panel's drawing area."""
    box = legend.get_window_extent(renderer)
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.axison]
    return {"texts": [t.get_text() for t in legend.get_texts()],
            "covers_a_panel": any(box.overlaps(ax.get_window_extent(renderer)) for ax in panels)}


def describe_figure(fig):
    """What a figure shows, for tests: its title (suptitle); per panel
    (colour bars too) the title, axis labels, the lines in data coordinates,
    colour meshes, texts written in it, line collections (label, number of
    segments) and legend; the figure's own legends."""
    renderer = fig.canvas.get_renderer()
    panels = []
    for ax in fig.axes:
        titles = (ax.get_title(loc) for loc in ("left", "center", "right"))
        panel = {"title": " ".join(t for t in titles if t),
                 "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
                 "colorbar": ax.get_label() == "<colorbar>",
                 "lines": [describe_line(line) for line in ax.get_lines()
                           if line.get_transform() is ax.transData],
                 "meshes": [describe_mesh(m) for m in ax.collections if isinstance(m, QuadMesh)],
                 "texts": [t.get_text() for t in ax.texts],
                 "segments": [{"label": str(c.get_label()), "count": len(c.get_segments())}
                              for c in ax.collections if isinstance(c, LineCollection)]}
        if ax.get_legend() is not None:
            panel["legend"] = describe_legend(ax.get_legend(), fig, renderer)
        panels.append(panel)
    title = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return {"title": title, "panels": panels,
            "legends": [describe_legend(g, fig, renderer) for g in fig.legends]}


def save_atomic(fig, out):
    """Save *fig* to a temp file next to *out*, then rename it into place;
    the PNG carries describe_figure() in its text chunk METADATA_KEY."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        metadata = {METADATA_KEY: json.dumps(describe_figure(fig))}
        fig.savefig(tmp, dpi=DPI, format="png", metadata=metadata)
        os.replace(tmp, out)
    except OSError as e:
        raise WriteError(f"cannot write '{out}': {e.strerror or e}") from None
    finally:
        plt.close(fig)
        if tmp.exists():
            tmp.unlink()


def si_scale(values, unit):
    """(factor, prefixed unit) to show *values* given in the SI *unit*: the
    prefix that puts the largest finite magnitude in [1, 1000). In a unit
    'A/B' the prefix goes on B (K/W -> K/mW). No unit, a power (m^2) or no
    value: (1, unit)."""
    v = np.abs(np.asarray(values, dtype=float).ravel())
    v = v[np.isfinite(v) & (v > 0)]
    if not unit or "^" in unit or not v.size:
        return 1.0, unit
    exponent = int(np.clip(3 * math.floor(math.log10(v.max()) / 3), -15, 9))
    numerator, slash, denominator = unit.partition("/")
    if slash:
        exponent = max(exponent, -9)
        return 10.0 ** -exponent, f"{numerator}/{SI_PREFIXES[-exponent]}{denominator}"
    return 10.0 ** -exponent, SI_PREFIXES[exponent] + unit


def scaled_label(name, values, unit):
    """(factor, axis label) for *values* in *unit*: "name (prefixed unit)";
    a unit already in parentheses at the end of *name* is replaced."""
    factor, shown = si_scale(values, unit)
    if not unit:
        return factor, name
    return factor, re.sub(r"\s*\([^()]*\)\s*$", "", name) + f" ({shown})"


def read_prm(path):
    """The entries of a parameters.prm as {"Section/Entry": value text}
    (nested sections joined by '/'); {} if it cannot be read."""
    values, section = {}, []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                words = line.split("#", 1)[0].split()
                if words[:1] == ["subsection"]:
                    section.append(" ".join(words[1:]))
                elif words[:1] == ["end"] and section:
                    section.pop()
                elif words[:1] == ["set"] and "=" in line:
                    name, value = line.split("#", 1)[0].strip()[4:].split("=", 1)
                    values["/".join(section + [name.strip()])] = value.strip()
    except (OSError, UnicodeDecodeError):
        return {}
    return values


def transition_band(prm_path):
    """(low, high) of the VO2 transition, Tc -/+ w/2 over all devices (and 3
    Tc spreads) [K], from the run's parameters.prm; None if it cannot be read."""
    values = read_prm(prm_path)
    try:
        numbers = lambda name: [float(v) for v in values[f"VO2/{name}"].split(",") if v.strip()]
        Tc, w = numbers("Tc"), numbers("Hysteresis width w")
        spread = 3 * (numbers("Tc spread") if "VO2/Tc spread" in values else [0.0])[0]
    except (KeyError, ValueError, IndexError):
        return None
    return min(Tc) - max(w) / 2 - spread, max(Tc) + max(w) / 2 + spread


def plot_traces(tr, spikes, states, names, title, band=None):
    """Stacked panels against time in us: input voltages; device voltages on
    their own axis; load and device currents with the spike peaks; device
    temperatures with the VO2 transition band (band, K); and, if some
    devices are not spiking, their temperature rise above their start on
    the scale of the heat their neighbours send them (below the band's top)."""
    devices = np.unique(tr["device"]).astype(int)
    sp_dev, sp_t, sp_i = spikes
    receivers = [d for d in devices if states.get(d) != "spiking"]
    ratios = [1, 2, 2, 2] + ([1.6] if receivers and len(receivers) < len(devices) else [])
    fig, axes = plt.subplots(len(ratios), 1, sharex=True, figsize=(11, 2.1 * sum(ratios) / 1.6),
                             gridspec_kw={"height_ratios": ratios})
    ax_in, ax_v, ax_i, ax_t = axes[:4]
    ax_rise = axes[4] if len(axes) > 4 else None
    same_vin = all(np.array_equal(tr["v_in_V"][tr["device"] == devices[0]],
                                  tr["v_in_V"][tr["device"] == d]) for d in devices)
    rise_top = rise_bottom = 0.0
    for k, d in enumerate(devices):
        m = tr["device"] == d
        t_us, color = tr["time_s"][m] * 1e6, f"C{k % 10}"
        if not same_vin or k == 0:
            ax_in.plot(t_us, tr["v_in_V"][m], lw=1, color="k" if same_vin else color,
                       label="all devices" if same_vin else names.get(d, f"device {d}"))
        ax_v.plot(t_us, tr["v_device_V"][m], color=color, lw=1.2,
                  label=f"{names.get(d, f'device {d}')} ({states.get(d, '?')})")
        ax_i.plot(t_us, tr["i_load_A"][m] * 1e3, color=color, lw=1.2)
        ax_i.plot(t_us, tr["i_device_A"][m] * 1e3, color=color, lw=0.6, alpha=0.6)
        s = sp_dev == d
        ax_i.plot(sp_t[s] * 1e6, sp_i[s] * 1e3, "o", color=color, ms=4)
        ax_t.plot(t_us, tr["temperature_K"][m], color=color, lw=1.2)
        if ax_rise is not None and d in receivers:
            T = tr["temperature_K"][m]
            ax_rise.plot(t_us, T - T[0], color=color, lw=1.2, label=names.get(d, f"device {d}"))
            # On the scale of the heat received, not of the device's own spikes.
            below = T < band[1] if band else T <= np.percentile(T, 90)
            if np.any(below):
                rise_top = max(rise_top, float(np.max(T[below] - T[0])))
                rise_bottom = min(rise_bottom, float(np.min(T[below] - T[0])))
    if band:
        ax_t.axhspan(*band, color="0.85", zorder=0, label="VO2 transition (Tc ± w/2)")
        ax_t.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    outside = dict(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax_in.legend(**outside)
    ax_v.legend(**outside)
    ax_i.legend(handles=[Line2D([], [], color="gray", lw=1.2, label="load current"),
                         Line2D([], [], color="gray", lw=0.6, label="device current"),
                         Line2D([], [], color="gray", ls="", marker="o", ms=4,
                                label="spike peak")], **outside)
    ax_in.set_ylabel("input (V)")
    ax_v.set_ylabel("device voltage (V)")
    ax_i.set_ylabel("current (mA)")
    ax_t.set_ylabel("temperature (K)")
    if ax_rise is not None:
        ax_rise.set_ylabel("rise (K)")
        if rise_top > 0:
            ax_rise.set_ylim(rise_bottom - 0.05 * rise_top, 1.15 * rise_top)
        ax_rise.legend(**outside)
        ax_rise.set_title("devices not spiking: temperature rise above their start, "
                          "below the transition's top", fontsize=9, loc="left")
    axes[-1].set_xlabel("time (µs)")
    for ax in axes:
        ax.grid(alpha=0.3)
    ax_in.set_title(title)
    fig.tight_layout()
    return fig


def plot_raster(spikes, n_devices, title):
    """Spike raster plus population rate histogram for many devices."""
    sp_dev, sp_t, _ = spikes
    fig, (ax_r, ax_h) = plt.subplots(2, 1, sharex=True, figsize=(10, 7),
                                     gridspec_kw={"height_ratios": [3, 1]})
    t_us = sp_t * 1e6
    ms = float(np.clip(250.0 / n_devices, 1.5, 8.0))
    ax_r.plot(t_us, sp_dev, "|" if n_devices <= 64 else ".", ms=ms, mew=1.2, color="k")
    ax_r.set_ylim(-0.5, n_devices - 0.5)
    ax_r.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(t_us):
        lo = min(0.0, t_us.min())
        hi = t_us.max() if t_us.max() > lo else lo + 1.0
        nbins = min(100, max(10, len(t_us) // 20))
        counts, edges = np.histogram(t_us, np.linspace(lo, hi, nbins + 1))
        width_s = (edges[1] - edges[0]) * 1e-6
        ax_h.stairs(counts / width_s / n_devices / 1e3, edges, fill=True, alpha=0.6)
    else:
        ax_r.text(0.5, 0.5, "no spikes", transform=ax_r.transAxes, ha="center")
    ax_r.set_ylabel("device index")
    ax_h.set_ylabel("rate / device (kHz)")
    ax_h.set_xlabel("time (µs)")
    for ax in (ax_r, ax_h):
        ax.grid(alpha=0.3)
    ax_r.set_title(f"{title} — {n_devices} devices, {len(t_us)} spikes")
    fig.tight_layout()
    return fig


def cmd_run(run_dir):
    """Make RUN_DIR/traces.png (traces for <= 8 devices, raster otherwise)."""
    run, states, names = load_summary(run_dir / "summary.json")
    spikes = load_spikes(run_dir / "spikes.csv")
    title = str(run.get("case", run_dir.resolve().name))
    if len(states) > MAX_TRACED:
        fig = plot_raster(spikes, max(len(states), int(spikes[0].max(initial=-1)) + 1), title)
    else:
        fig = plot_traces(load_traces(run_dir / "traces.csv"), spikes, states, names, title,
                          transition_band(run_dir / "parameters.prm"))
    save_atomic(fig, run_dir / "traces.png")


def read_columns(path, required):
    """A CSV with a header line as (header, {column: list of cell texts});
    fails without the *required* columns or without data rows."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]] if rows else []
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{path}: bad header, missing column(s) {','.join(missing)}")
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(f"{path}: line {n}: expected {len(header)} fields")
    if len(rows) < 2:
        raise InputError(f"{path}: no data rows")
    return header, {name: [row[k] for row in rows[1:]] for k, name in enumerate(header)}


class Entry:
    """A swept entry of sweep.json: name, axis label, SI unit ("" without
    one), the sweep.csv column of its numeric value, and its values in the
    order of the sweep."""

    def __init__(self, data, header, path):
        if not isinstance(data, dict) or data.get("x_column") not in header:
            raise InputError(f"{path}: every one of 'entries' needs an 'x_column' of sweep.csv")
        self.column = data["x_column"]
        self.name = str(data.get("entry", self.column))
        self.label = str(data.get("axis_label") or self.name)
        self.unit = str(data.get("unit") or "")
        try:
            self.values = np.array(data.get("x", []), dtype=float).ravel()
        except (TypeError, ValueError):
            raise InputError(f"{path}: 'x' of entry {self.name} is not a list of numbers") from None

    def axis(self):
        """(factor, axis label) for this entry's values, SI-prefixed."""
        return scaled_label(self.label, self.values, self.unit)


class Sweep:
    """sweep.csv and sweep.json of a sweep folder; the swept entries."""

    def __init__(self, folder, required):
        self.csv = folder / "sweep.csv"
        header, self.cells = read_columns(self.csv, required)
        meta_path = folder / "sweep.json"
        self.meta = read_json(meta_path)
        entries = self.meta.get("entries")
        if not isinstance(entries, list) or len(entries) not in (1, 2):
            raise InputError(f"{meta_path}: 'entries' must list one or two swept entries")
        self.entries = [Entry(e, header, meta_path) for e in entries]
        self.point = self.integers("point")

    def numbers(self, column):
        """A column as floats; an empty cell (no value) is NaN."""
        try:
            return np.array([float(c) if c.strip() else np.nan for c in self.cells[column]])
        except ValueError as e:
            raise InputError(f"{self.csv}: column {column}: non-numeric value ({e})") from None

    def integers(self, column):
        """A column of non-negative integers (no empty cell)."""
        values = self.numbers(column)
        if not np.all((values >= 0) & (values == np.round(values))):
            raise InputError(f"{self.csv}: column {column}: not a non-negative integer everywhere")
        return values.astype(int)

    def texts(self, column):
        """A column's cells, stripped."""
        return np.array([c.strip() for c in self.cells[column]])


class RunSweep(Sweep):
    """A sweep of runs: one row per point and device."""

    def __init__(self, folder):
        super().__init__(folder, SWEEP_COLUMNS)
        self.device = self.integers("device")
        self.state = self.texts("state")
        self.devices = sorted(set(self.device.tolist()))
        names = self.texts("name")
        self.names = {d: names[self.device == d][0] or f"device {d}" for d in self.devices}
        if len(self.entries) == 2:
            n1, n2 = (len(e.values) for e in self.entries)
            if np.any(self.point >= n1 * n2):
                raise InputError(f"{self.csv}: a point beyond the {n1} x {n2} grid of sweep.json")

    def series(self, device, values):
        """Entry 1's value, *values* and the state of one device's rows,
        ordered by entry 1's value."""
        mine = self.device == device
        x = self.numbers(self.entries[0].column)[mine]
        order = np.argsort(x, kind="stable")
        return x[order], np.asarray(values)[mine][order], self.state[mine][order]

    def grid(self, device, values):
        """*values* of one device on the grid of a two-entry sweep, indexed
        [i2, i1] (entry 1 along x); point = i1 * n2 + i2. NaN: no row."""
        n1, n2 = (len(e.values) for e in self.entries)
        out = np.full((n2, n1), np.nan)
        mine = self.device == device
        i1, i2 = np.divmod(self.point[mine], n2)
        out[i2, i1] = np.asarray(values, dtype=float)[mine]
        return out


def device_colour(device):
    """The colour of a device in every plot."""
    return f"C{device % 10}"


def state_markers(ax, x, y, states, colour, **kw):
    """A marker per point showing its state (STATE_MARKERS)."""
    for state in np.unique(states):
        here = states == state
        ax.plot(x[here], y[here], ls="", color=colour, ms=6,
                **STATE_MARKERS.get(state, OTHER_STATE_MARKER), **kw)


def known_first(states, known):
    """The distinct *states*: those in *known* in its order, then the others sorted."""
    present = set(states.tolist())
    return [s for s in known if s in present] + sorted(present - set(known))


def state_legend_handles(states):
    """Legend entries (gray) for the state markers of *states*."""
    return [Line2D([], [], ls="", color="gray", label=s, **STATE_MARKERS.get(s, OTHER_STATE_MARKER))
            for s in states]


def split_at_changes(x, y, keys):
    """x, y with a NaN point inserted between neighbours whose *keys* differ,
    so that a line through them is not joined across a change (of state)."""
    cut = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return np.insert(x.astype(float), cut, np.nan), np.insert(y.astype(float), cut, np.nan)


def rate_line(ax, x, rate, states, colour, label):
    """The f–V curve of one device: the rate where there is one, a line only
    between neighbours of the same state, markers per state; the points
    without a rate as state markers along the panel's bottom edge (placed in
    axes coordinates: not data, not a rate of 0)."""
    has = np.isfinite(rate)
    ax.plot(*split_at_changes(x, rate, states), "-", color=colour, lw=1.2, label=label)
    state_markers(ax, x[has], rate[has], states[has], colour)
    state_markers(ax, x[~has], np.full((~has).sum(), 0.03), states[~has], colour,
                  transform=ax.get_xaxis_transform(), clip_on=False)


def figure_legend(fig, handles, title=""):
    """A legend above the panels (never over the data) under the figure's
    *title*; lays the figure out below them."""
    height = fig.get_size_inches()[1]
    columns = max(1, min(len(handles), 6))
    top = 1 - (0.45 if title else 0.1) / height
    if title:
        fig.suptitle(title, y=1 - 0.1 / height, va="top")
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, top), ncol=columns,
               fontsize=8, frameon=False)
    rows = math.ceil(len(handles) / columns)
    fig.tight_layout(rect=(0, 0, 1, top - (0.22 * rows + 0.1) / height))


def sweep_line_panels(sweep):
    """The panels of a one-entry sweep: (sweep.csv column, quantity, SI unit,
    title); the count ratio only with two devices or more."""
    panels = [("spike_count", "spike count", "", "spikes per run"),
              ("first_spike_s", "first-spike latency", "s", "time of the first spike peak")]
    if len(sweep.devices) >= 2:
        first = sweep.names[sweep.devices[0]]
        panels.append(("count_ratio", f"spikes of {first} per spike", "",
                       f"count ratio {first}:device (2: 2:1 locking)"))
    return panels + [("mean_rate_hz", "mean spike rate", "Hz",
                      "mean rate (markers at the bottom: no rate)"),
                     ("mean_spike_energy_J", "energy per spike", "J", "energy per spike")]


def plot_sweep_lines(sweep):
    """A one-entry sweep: each quantity of sweep_line_panels() against the
    swept value, a line per device (at most MAX_TRACED); no value, no point."""
    x_factor, x_label = sweep.entries[0].axis()
    devices, panels = sweep.devices[:MAX_TRACED], sweep_line_panels(sweep)
    rows = math.ceil(len(panels) / 2)
    fig, axes = plt.subplots(rows, 2, sharex=True, figsize=(11, 2.9 * rows + 1.2), squeeze=False)
    first = sweep.names[devices[0]]
    for ax, (column, quantity, unit, title) in zip(axes.flat, panels):
        values = sweep.numbers(column)
        factor, label = scaled_label(quantity, values, unit)
        for d in devices[1:] if column == "count_ratio" else devices:
            x, y, states = sweep.series(d, values * factor)
            name = f"{first}:{sweep.names[d]}" if column == "count_ratio" else sweep.names[d]
            if column == "mean_rate_hz":
                rate_line(ax, x * x_factor, y, states, device_colour(d), name)
            else:
                ax.plot(x * x_factor, y, "o-", color=device_colour(d), ms=4, lw=1.2, label=name)
        if column == "spike_count":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if column == "mean_rate_hz":  # the f–V curve from 0; no-rate markers below its points
            ax.set_ylim(bottom=0)
        ax.set(xlabel=x_label, ylabel=label, title=title)
        ax.title.set_fontsize(9)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(panels):]:
        fig.delaxes(ax)
    devices_note = f" (first {len(devices)} of {len(sweep.devices)} devices)" \
        if len(devices) < len(sweep.devices) else ""
    handles = [Line2D([], [], color=device_colour(d), lw=1.5, label=sweep.names[d]) for d in devices]
    figure_legend(fig, handles + state_legend_handles(known_first(sweep.state, STATE_MARKERS)),
                  str(sweep.meta.get("case", "")) + devices_note)
    return fig


def grid_panel(ax, sweep, values, **mesh):
    """A colour map of *values* ([i2, i1]) over the two swept entries, one
    cell per point (any spacing), SI-prefixed tick labels; no value: blank."""
    (n2, n1), (e1, e2) = values.shape, sweep.entries
    image = ax.pcolormesh(np.arange(n1 + 1) - 0.5, np.arange(n2 + 1) - 0.5,
                          np.ma.masked_invalid(values), **mesh)
    for axis, entry in ((ax.xaxis, e1), (ax.yaxis, e2)):
        factor, label = entry.axis()
        ticks = np.arange(0, len(entry.values), max(1, math.ceil(len(entry.values) / 10)))
        axis.set_ticks(ticks, [f"{v * factor:.3g}" for v in entry.values[ticks]])
        axis.set_label_text(label)
    return image


def plot_sweep_grid(sweep):
    """A two-entry sweep: the state of each device (at most MAX_GRID_DEVICES)
    over the grid of the two swept values, and below, the count ratio of
    each device to device 0 (blank: no spike), with its values written in."""
    devices = sweep.devices[:MAX_GRID_DEVICES]
    states = known_first(sweep.state, STATE_COLOURS)
    codes = np.array([states.index(s) for s in sweep.state], dtype=float)
    colours = ListedColormap([STATE_COLOURS.get(s, f"C{6 + k % 4}") for k, s in enumerate(states)])
    norm = BoundaryNorm(np.arange(len(states) + 1) - 0.5, len(states))
    rows = 2 if len(devices) >= 2 else 1
    fig, axes = plt.subplots(rows, len(devices), squeeze=False,
                             figsize=(4.6 * len(devices) + 0.6, 3.9 * rows + 1))
    for ax, d in zip(axes[0], devices):
        grid_panel(ax, sweep, sweep.grid(d, codes), cmap=colours, norm=norm)
        ax.set_title(f"state of {sweep.names[d]}", fontsize=10)
    ratio = sweep.numbers("count_ratio")
    first = sweep.names[devices[0]]
    for ax, d in zip(axes[-1][1:] if rows == 2 else [], devices[1:]):
        values = sweep.grid(d, ratio)
        image = grid_panel(ax, sweep, values, cmap="viridis")
        for (i2, i1), v in np.ndenumerate(values):
            if np.isfinite(v) and values.size <= 150:
                ax.text(i1, i2, f"{v:.3g}", ha="center", va="center", fontsize=8,
                        color="w" if image.norm(v) < 0.6 else "k")
        fig.colorbar(image, ax=ax, label=f"spikes of {first} per spike of {sweep.names[d]}")
        ax.set_title(f"count ratio {first}:{sweep.names[d]} (blank: no spike)", fontsize=10)
    if rows == 2:
        fig.delaxes(axes[1][0])  # device 0's ratio to itself is 1
    figure_legend(fig, [Patch(color=colours(k), label=s) for k, s in enumerate(states)],
                  str(sweep.meta.get("case", "")))
    return fig


def cmd_sweep(sweep_dir):
    """Make SWEEP_DIR/sweep.png: lines against the swept value for one
    swept entry (plot_sweep_lines), maps over the grid for two
    (plot_sweep_grid)."""
    sweep = RunSweep(sweep_dir)
    fig = plot_sweep_lines(sweep) if len(sweep.entries) == 1 else plot_sweep_grid(sweep)
    save_atomic(fig, sweep_dir / "sweep.png")


def load_table(path):
    """A numeric CSV with a header: (names, 2-D array)."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    with open(path, encoding="utf-8") as f:
        names = next(csv.reader(f), None)
    if not names:
        raise InputError(f"{path}: empty file")
    data = np.atleast_2d(np.loadtxt(path, delimiter=",", skiprows=1))
    if data.shape[1] != len(names):
        raise InputError(f"{path}: rows do not match the header")
    return names, data


def cmd_characterize(folder):
    """Step responses: rise of every device when device j is heated, on log
    axes (the neighbours rise a few percent of the heated device), each
    neighbour labelled with its eta and its half-rise delay (a dot on its
    curve) from characterization.json; the reduced model's
    (Characterization/Reduced model comparison), if there, dashed in the
    same colour."""
    files = sorted(folder.glob("step_response_device_*.csv"),
                   key=lambda p: int(p.stem.rsplit("_", 1)[1]))
    if not files:
        raise InputError(f"{folder}: no step_response_device_*.csv")
    info = read_json(folder / "characterization.json", optional=True)
    eta, delay = info.get("eta"), info.get("half_rise_delay_s")
    shown = files[:4]
    fig, axes = plt.subplots(1, len(shown), figsize=(5.5 * len(shown), 4.5), squeeze=False)
    for ax, path in zip(axes[0], shown):
        heated = int(path.stem.rsplit("_", 1)[1])
        names, data = load_table(path)
        t_ns = data[:, 0] * 1e9
        full = [c for c, name in enumerate(names) if name.startswith("rise_device_")][:8]
        top = max(np.max(data[:, c]) for c in full)
        for col in full:
            device = int(names[col][len("rise_device_"):-len("_K")])
            label = f"device {device}"
            if device == heated:
                label += " (heated)"
            elif eta and delay:
                label += f": eta {eta[device][heated]:.3g}, half rise {delay[device][heated] * 1e9:.3g} ns"
            line, = ax.loglog(t_ns, data[:, col], label=label)
            if device != heated and delay:
                t50 = delay[device][heated] * 1e9
                ax.plot([t50], [np.interp(t50, t_ns, data[:, col])], "o", color=line.get_color())
            reduced = f"reduced_rise_device_{device}_K"
            if reduced in names:
                ax.loglog(t_ns, data[:, names.index(reduced)], "--", color=line.get_color(),
                          label=f"device {device}, reduced")
        ax.set_ylim(top * 1e-4, top * 2)
        ax.set_xlabel("time after the power step (ns)")
        ax.set_ylabel("temperature rise (K)")
        ax.set_title(f"device {heated} heated (dots: half rise)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    save_atomic(fig, folder / "step_response.png")


def log_scale(ax, which):
    """Log scale on ax's *which* ("x" or "y") axis with plain tick labels
    (1, 10; and 2, 5 between them when the axis spans at most two decades)."""
    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    low, high = sorted(axis.get_view_interval())
    if high <= 100 * low:
        axis.set_minor_formatter(FuncFormatter(
            lambda v, _: f"{v:g}" if f"{v:.0e}"[0] in "25" else ""))


def power_law_title(x, y):
    """"~ x^slope" of the least-squares power law over the points where x
    and y are positive, or "" with fewer than two."""
    use = (x > 0) & (y > 0) & np.isfinite(y)
    if use.sum() < 2:
        return ""
    slope = np.polyfit(np.log(x[use]), np.log(y[use]), 1)[0]
    return f"~ x^{slope:.2f} (fit over {use.sum()} points)"


def cmd_characterize_sweep(folder):
    """R_th of device 0, and eta and half-rise delay of device 1 when device 0
    is heated, against the swept value; log axes for eta and the delay
    (power laws are lines; gaps span decades). A quantity without any value
    (eta and delay of a single device) gets no panel; a missing value no point."""
    sweep = Sweep(folder, CHARACTERIZE_SWEEP_COLUMNS)
    if len(sweep.entries) != 1:
        raise InputError(f"{folder / 'sweep.json'}: a characterize sweep has one swept entry")
    x_factor, x_label = sweep.entries[0].axis()
    x = sweep.numbers(sweep.entries[0].column)
    order = np.argsort(x, kind="stable")
    quantities = [("R_th_0_K_per_W", "thermal resistance R_th of device 0", "K/W", False),
                  ("eta_10", "coupling eta (rise of 1 / rise of 0)", "", True),
                  ("half_rise_delay_10_s", "half-rise delay of device 1", "s", True)]
    shown = [q for q in quantities if np.isfinite(sweep.numbers(q[0])).any()]
    fig, axes = plt.subplots(1, len(shown), figsize=(5 * len(shown), 4), squeeze=False)
    for ax, (column, quantity, unit, power_law) in zip(axes[0], shown):
        y = sweep.numbers(column)[order]
        factor, label = scaled_label(quantity, y, unit)
        ax.plot(x[order] * x_factor, y * factor, "o-", label=quantity)
        if np.all(x > 0):
            log_scale(ax, "x")
        if power_law and np.all(y[np.isfinite(y)] > 0):
            log_scale(ax, "y")
            ax.set_title(power_law_title(x[order], y), fontsize=10)
        ax.set(xlabel=x_label, ylabel=label)
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    save_atomic(fig, folder / "coupling_vs_gap.png")


def run_labels(run_dirs, models):
    """Labels of compared runs: "Entry = value" when their parameters.prm
    differ in exactly one entry (points of a sweep), else the folder name;
    with the thermal model when the runs' models differ."""
    prms = [read_prm(d / "parameters.prm") for d in run_dirs]
    keys = sorted(set().union(*prms))
    varied = [k for k in keys if len({p.get(k) for p in prms}) > 1]
    if len(run_dirs) >= 2 and all(prms) and len(varied) == 1:
        labels = [f"{varied[0]} = {p.get(varied[0], '')}" for p in prms]
    else:
        labels = [d.name for d in run_dirs]
    if len(set(models)) > 1:
        labels = [label if model in label else f"{label} ({model})"
                  for label, model in zip(labels, models)]
    return labels


def model_name(run):
    """The thermal model of a run (summary.json's "run"), with its order if reduced."""
    model = str(run.get("thermal_model", "?"))
    if "reduced_model_order" in run:
        model += f", order {run['reduced_model_order']}"
    return model


def cmd_compare(out, run_dirs):
    """Overlay runs (e.g. lumped, reduced, finite element): temperatures and spikes."""
    runs, device_names = [], {}
    for d in run_dirs:
        if not d.is_dir():
            raise InputError(f"{d}: not a directory")
        run, states, names = load_summary(d / "summary.json")
        devices = read_json(d / "summary.json").get("devices", [])
        runs.append((d, run, devices, load_traces(d / "traces.csv"),
                     load_spikes(d / "spikes.csv")))
        for device, name in names.items():
            device_names.setdefault(device, name)
    out.mkdir(parents=True, exist_ok=True)
    fig, (ax_t, ax_s) = plt.subplots(2, 1, sharex=True, figsize=(11, 7),
                                     gridspec_kw={"height_ratios": [3, 2]})
    styles = ["-", "--", ":", "-."]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    labels, traced = run_labels(run_dirs, [model_name(run) for _, run, _, _, _ in runs]), set()
    t_factor, t_label = scaled_label("time", [tr["time_s"].max() for _, _, _, tr, _ in runs], "s")
    for k, (d, run, devices, tr, (sp_dev, sp_t, _)) in enumerate(runs):
        for dev in np.unique(tr["device"]).astype(int)[:MAX_TRACED]:
            sel = tr["device"] == dev
            ax_t.plot(tr["time_s"][sel] * t_factor, tr["temperature_K"][sel],
                      styles[k % len(styles)], color=colours[dev % len(colours)], lw=1.2)
            traced.add(dev)
        y = k + 0.8 * (sp_dev + 0.5) / max(1, len(devices))
        ax_s.scatter(sp_t * t_factor, y, marker="|", s=120,
                     c=[colours[i % len(colours)] for i in sp_dev])
    # Line style = run, colour = device: one legend entry each, not one per pair.
    ax_t.set_ylabel("temperature (K)")
    ax_t.legend(handles=[Line2D([], [], ls=styles[k % len(styles)], color="gray", label=label)
                         for k, label in enumerate(labels)]
                + [Line2D([], [], color=colours[dev % len(colours)],
                          label=device_names.get(dev, f"device {dev}"))
                   for dev in sorted(traced)],
                fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # not over the last peaks
    ax_t.grid(alpha=0.3)
    ax_s.set_yticks(np.arange(len(runs)) + 0.4)
    ax_s.set_yticklabels(labels, fontsize=8)
    ax_s.set_xlabel(t_label)
    ax_s.set_title("spikes (colour and height within a row = device)", fontsize=9)
    ax_s.grid(alpha=0.3)
    fig.tight_layout()
    save_atomic(fig, out / "comparison.png")
    keys = ["device", "spike_count", "mean_rate_hz", "first_spike_s", "state"]
    rows = ["run,thermal_model," + ",".join(keys)]
    for d, run, devices, _, _ in runs:
        for dev in devices:
            # null (e.g. first_spike_s of a device without spikes) -> empty field
            values = ["" if dev.get(k) is None else str(dev[k]) for k in keys]
            rows.append(f"{d.name},{run.get('thermal_model', '?')}," + ",".join(values))
    write_text_atomic(out / "comparison.csv", rows)


def write_text_atomic(path, lines):
    """Write *lines* to a temp file next to *path*, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text("\n".join(lines) + "\n")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write '{path}': {e.strerror or e}") from None


INTEGRATION_SHOWN = 10  # the heatmap's top row holds n >= this


def integrated_counts(spikes_csv, source, target):
    """Numbers of *source* spikes between consecutive *target* spikes."""
    dev, t, _ = load_spikes(spikes_csv)
    t_source, t_target = np.sort(t[dev == source]), np.sort(t[dev == target])
    inside = np.searchsorted(t_source, t_target, side="right")
    return np.diff(inside)


def cmd_integration(sweep_dir, source=0, target=1):
    """Integrate-and-fire statistics of a sweep (Fig. 3D of Qiu et al.): per
    point, the probability that *target* fires after n spikes of *source*,
    n counted between consecutive spikes of *target*.
    -> SWEEP_DIR/integration.csv and integration.png (heatmap, in %)."""
    sweep = Sweep(sweep_dir, ["point"])
    if len(sweep.entries) != 1:
        raise InputError(f"{sweep_dir / 'sweep.json'}: integration needs one swept entry")
    x_of = dict(zip(sweep.point.tolist(), sweep.numbers(sweep.entries[0].column).tolist()))
    lines = ["point,x,target_spikes,n_integrated,count,probability"]
    points = sorted(x_of)
    grid = np.zeros((INTEGRATION_SHOWN, len(points)))
    for column, point in enumerate(points):
        counts = integrated_counts(sweep_dir / f"point_{point:03d}" / "spikes.csv",
                                   source, target)
        values, numbers = np.unique(counts, return_counts=True)
        for n, c in zip(values, numbers):
            lines.append(f"{point},{x_of[point]:.10g},{len(counts) + 1},{n},{c},"
                         f"{c / len(counts):.6g}")
            grid[min(max(n, 1), INTEGRATION_SHOWN) - 1, column] += 100 * c / len(counts)
    write_text_atomic(sweep_dir / "integration.csv", lines)

    x = np.array([x_of[p] for p in points])
    fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(points) + 2), 5.5))
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=100,
                      extent=(-0.5, len(points) - 0.5, 0.5, INTEGRATION_SHOWN + 0.5))
    for (row, column), value in np.ndenumerate(grid):
        if value >= 0.5:
            ax.text(column, row + 1, f"{value:.0f}", ha="center", va="center", fontsize=7,
                    color="white" if value < 60 else "black")
    ax.set_xticks(range(len(points)))
    x_factor, x_label = sweep.entries[0].axis()
    ax.set_xticklabels([f"{v * x_factor:.4g}" for v in x], rotation=45 if len(points) > 12 else 0)
    ax.set_yticks(range(1, INTEGRATION_SHOWN + 1))
    ax.set_yticklabels([str(n) for n in range(1, INTEGRATION_SHOWN)] + [f">={INTEGRATION_SHOWN}"])
    ax.set_xlabel(x_label)
    ax.set_ylabel(f"spikes of device {source} integrated by device {target}")
    fig.colorbar(image, ax=ax, label="firing probability (%)")
    ax.set_title(str(sweep.meta.get("case", "")) + "\nempty column: fewer than two spikes of "
                 f"device {target}", fontsize=9)
    fig.tight_layout()
    save_atomic(fig, sweep_dir / "integration.png")


# `preview`: the layout and mesh of DIR/preview.json (neuristor preview CASE).
PREVIEW_MAX_LINES = 600  # grid lines drawn along an axis in a panel; more: every k-th
PREVIEW_MAX_LABELS = 100  # devices labelled "id name" in the top view
# Part colours by the material's role (preview.json "materials"), else its name.
ROLE_COLOURS = (("substrate", "#dde4ec"), ("channel", "#d23fbd"), ("adhesion", "#8a94a3"),
                ("electrode", "#e8b923"), ("lead", "#e8b923"))
MATERIAL_COLOURS = {"sapphire": "#dde4ec", "vo2": "#d23fbd", "ti": "#8a94a3",
                    "titanium": "#8a94a3", "au": "#e8b923", "gold": "#e8b923"}
GRID_STYLE = dict(colors="black", linewidths=0.3, zorder=3)


def preview_boxes(entries):
    """(lo, hi) of JSON boxes {"lo_m": [x, y, z], "hi_m": [...]} as (n, 3) arrays."""
    if not entries:
        return np.empty((0, 3)), np.empty((0, 3))
    lo, hi = (np.array([e[key] for e in entries], dtype=float) for key in ("lo_m", "hi_m"))
    if lo.shape != (len(entries), 3) or hi.shape != lo.shape:
        raise ValueError("a box needs lo_m and hi_m of 3 numbers each")
    if not (np.isfinite(lo).all() and np.isfinite(hi).all() and (lo < hi).all()):
        raise ValueError("a box has a non-finite corner or lo_m >= hi_m")
    return lo, hi


class Preview:
    """DIR/preview.json: boxes as (n, 3) arrays in m, the substrate's as
    (lo, hi); devices' ids, names, centres; materials; grid lines; counts."""

    def __init__(self, path):
        data = read_json(path)
        try:
            (self.sub_lo,), (self.sub_hi,) = preview_boxes([data["substrate"]])
            parts = list(data["parts"])
            self.lo, self.hi = preview_boxes(parts)
            self.material = np.array([int(p["material_id"]) for p in parts], dtype=int)
            devices = list(data.get("devices", []))
            self.ids = [int(d["id"]) for d in devices]
            self.names = [str(d.get("name", d["id"])) for d in devices]
            self.centres = np.array([d["centre_m"][:2] for d in devices], dtype=float).reshape(-1, 2)
            self.dev_lo, self.dev_hi = preview_boxes(devices)
            self.materials = {int(m["material_id"]): (str(m["material"]), str(m.get("role", "")))
                              for m in data.get("materials", [])}
            for p in parts:  # a material only the parts name
                self.materials.setdefault(int(p["material_id"]), (str(p.get("material", "?")), ""))
            self.lines = [np.sort(np.array(data["grid_lines_m"][a], dtype=float)) for a in "xyz"]
            mesh = data["mesh"]
            self.cells, self.dofs = int(mesh["cells"]), int(mesh["dofs"])
            self.grid_cells = [int(n) for n in mesh["grid_cells"]]
            self.finest, self.largest = float(mesh["finest_cell_m"]), float(mesh["largest_cell_m"])
            self.aspect = float(mesh["largest_aspect_ratio"])
            self.case = str(data.get("case", path.parent.resolve().name))
            self.thermal_model = str(data.get("thermal_model", "?"))
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise InputError(f"{path}: malformed preview ({type(e).__name__}: {e})") from None
        if len(self.grid_cells) != 3 or any(len(v) and not np.isfinite(v).all() for v in self.lines):
            raise InputError(f"{path}: malformed preview (mesh/grid_cells or grid_lines_m)")

    def colour(self, material_id):
        name, role = self.materials.get(material_id, ("?", ""))
        for word, colour in ROLE_COLOURS:
            if word in role.lower():
                return colour
        return MATERIAL_COLOURS.get(name.lower(), f"C{material_id % 10}")

    def zoom(self):
        """(x0, x1, y0, y1) of the devices and electrodes (the parts after
        the substrate) plus a margin, at most 3:1, within the substrate."""
        lo, hi = np.vstack([self.lo[1:], self.dev_lo]), np.vstack([self.hi[1:], self.dev_hi])
        if not len(lo):
            return self.sub_lo[0], self.sub_hi[0], self.sub_lo[1], self.sub_hi[1]
        (x0, y0), (x1, y1) = lo[:, :2].min(axis=0), hi[:, :2].max(axis=0)
        margin = 0.08 * max(x1 - x0, y1 - y0)
        w, h = x1 - x0 + 2 * margin, y1 - y0 + 2 * margin
        w, h = max(w, h / 3), max(h, w / 3)
        view = []
        for axis, centre, size in ((0, (x0 + x1) / 2, w), (1, (y0 + y1) / 2, h)):
            low, high = self.sub_lo[axis], self.sub_hi[axis]
            size = min(size, high - low)
            start = min(max(centre - size / 2, low), high - size)
            view += [start, start + size]
        return tuple(view)

    def title(self):
        nx, ny, nz = self.grid_cells
        return (f"{self.case} \u2014 {self.thermal_model} model: layout and mesh\n"
                f"{self.cells:,} cells, {self.dofs:,} DoFs, grid {nx} \u00d7 {ny} \u00d7 {nz}, "
                f"finest cell {si_text(self.finest, 'm')}, largest {si_text(self.largest, 'm')}, "
                f"largest aspect ratio {self.aspect:.3g}")


def si_text(value, unit):
    """*value* in *unit* with the SI prefix of si_scale, e.g. "12 nm"."""
    factor, shown = si_scale([value], unit)
    return f"{value * factor:.3g} {shown}"


def ordinal(k):
    """2 -> "2nd", 11 -> "11th"."""
    return f"{k}" + ("th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th"))


def lines_in_view(values, low, high):
    """The grid lines within [low, high], every k-th past PREVIEW_MAX_LINES: (lines, k)."""
    inside = values[(values >= low) & (values <= high)]
    k = max(1, math.ceil(len(inside) / PREVIEW_MAX_LINES))
    return inside[::k], k


def stride_note(strides):
    """Title text for the grid-line strides {axis name: k}, e.g. "mesh edges:
    every 5th x and every y grid line"."""
    if len(set(strides.values())) == 1:
        k = next(iter(strides.values()))
        return f"mesh edges: every {ordinal(k) + ' ' if k > 1 else ''}grid line"
    return "mesh edges: " + " and ".join(f"every {ordinal(k) + ' ' if k > 1 else ''}{a}"
                                         for a, k in strides.items()) + " grid line"


def draw_boxes(ax, lo, hi, colours, factors):
    """Filled rectangles [lo, hi] (n, 2) in m, drawn in order (later on top)."""
    (fx, fy) = factors
    x0, y0, x1, y1 = lo[:, 0] * fx, lo[:, 1] * fy, hi[:, 0] * fx, hi[:, 1] * fy
    corners = np.stack([np.stack(c, axis=-1) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))],
                       axis=1)
    ax.add_collection(PolyCollection(corners, facecolors=colours, edgecolors="none",
                                     linewidths=0, zorder=1, label="parts"))


def draw_segments(ax, label, starts, ends, lines):
    """Grid lines from *starts* to *ends* ((n, 2) points in axis units), the
    fainter the more *lines* share the panel, so that the parts show."""
    if len(starts):
        alpha = float(np.clip(0.55 * math.sqrt(150 / max(lines, 1)), 0.2, 0.55))
        ax.add_collection(LineCollection(np.stack([starts, ends], axis=1), label=label,
                                         alpha=alpha, **GRID_STYLE))


def view_axes(ax, view, factors, labels):
    (x0, x1, y0, y1), (fx, fy) = view, factors
    ax.set_xlim(x0 * fx, x1 * fx)
    ax.set_ylim(y0 * fy, y1 * fy)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])


def top_view_axes(ax, view):
    """Set up a top view (x-y) of *view* = (x0, x1, y0, y1) [m]: limits,
    SI-prefixed labels; returns the factor of the axis units."""
    factor, x_label = scaled_label("x", view, "m")
    view_axes(ax, view, (factor, factor), (x_label, scaled_label("y", view, "m")[1]))
    return factor


def preview_top(ax, pv, factor, colours, labels):
    """Draw a top view once laid out (top_view_axes): its limits widened to
    the panel's shape (equal aspect), the parts in it, the x and y grid lines
    over them (over the substrate), and the device labels if *labels*;
    returns the strides' title text."""
    box = ax.get_position()
    width, height = ax.figure.get_size_inches()
    shape = (box.height * height) / (box.width * width)  # panel height / width
    (x0, x1), (y0, y1) = (np.array(ax.get_xlim()) / factor, np.array(ax.get_ylim()) / factor)
    grow_x, grow_y = max(0, (y1 - y0) / shape - (x1 - x0)), max(0, (x1 - x0) * shape - (y1 - y0))
    x0, x1, y0, y1 = x0 - grow_x / 2, x1 + grow_x / 2, y0 - grow_y / 2, y1 + grow_y / 2
    view_axes(ax, (x0, x1, y0, y1), (factor, factor), (ax.get_xlabel(), ax.get_ylabel()))
    inside = (pv.lo[:, 0] < x1) & (pv.hi[:, 0] > x0) & (pv.lo[:, 1] < y1) & (pv.hi[:, 1] > y0)
    draw_boxes(ax, pv.lo[inside, :2], pv.hi[inside, :2], colours[inside], (factor, factor))
    xs, kx = lines_in_view(pv.lines[0], x0, x1)
    ys, ky = lines_in_view(pv.lines[1], y0, y1)
    ya, yb = max(y0, pv.sub_lo[1]) * factor, min(y1, pv.sub_hi[1]) * factor
    xa, xb = max(x0, pv.sub_lo[0]) * factor, min(x1, pv.sub_hi[0]) * factor
    lines = max(len(xs), len(ys))
    draw_segments(ax, "x grid lines", np.column_stack([xs * factor, np.full(len(xs), ya)]),
                  np.column_stack([xs * factor, np.full(len(xs), yb)]), lines)
    draw_segments(ax, "y grid lines", np.column_stack([np.full(len(ys), xa), ys * factor]),
                  np.column_stack([np.full(len(ys), xb), ys * factor]), lines)
    if labels:
        for d, name, (cx, cy) in zip(pv.ids, pv.names, pv.centres):
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                ax.text(cx * factor, cy * factor, f"{d} {name}", ha="center", va="center",
                        fontsize=7, zorder=5, clip_on=True,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", alpha=0.75, lw=0))
    return stride_note({"x": kx, "y": ky})


def preview_cut(ax, pv, view, y_cut, colours):
    """Vertical cut (x-z) at y = *y_cut* of *view* = (x0, x1, z0, z1) [m]:
    the parts the plane meets, the z grid lines through the solid (the
    substrate below z = 0, the parts above) and the x grid lines from the
    substrate's bottom to the top of the solid; returns the strides' text."""
    x0, x1, z0, z1 = view
    fx, x_label = scaled_label("x", view[:2], "m")
    fz, z_label = scaled_label("z", view[2:], "m")
    cut = (pv.lo[:, 1] <= y_cut) & (pv.hi[:, 1] >= y_cut) & (pv.lo[:, 0] < x1) & (pv.hi[:, 0] > x0)
    lo, hi, cut_colours = pv.lo[cut][:, [0, 2]], pv.hi[cut][:, [0, 2]], colours[cut]
    draw_boxes(ax, lo, hi, cut_colours, (fx, fz))
    above = lo[:, 1] >= 0  # parts on the substrate
    xs, kx = lines_in_view(pv.lines[0], max(x0, pv.sub_lo[0]), min(x1, pv.sub_hi[0]))
    covers = (lo[above, 0][None, :] <= xs[:, None]) & (hi[above, 0][None, :] >= xs[:, None])
    tops = np.max(np.where(covers, hi[above, 1][None, :], 0.0), axis=1, initial=0.0)
    bottom = max(z0, pv.sub_lo[2])
    zs, kz = lines_in_view(pv.lines[2], z0, z1)
    lines = max(len(xs), len(zs))
    draw_segments(ax, "x grid lines", np.column_stack([xs * fx, np.full(len(xs), bottom * fz)]),
                  np.column_stack([xs * fx, np.minimum(tops, z1) * fz]), lines)
    xa, xb = max(x0, pv.sub_lo[0]), min(x1, pv.sub_hi[0])
    starts, ends = [], []
    below = zs[zs <= 0]
    starts.append(np.column_stack([np.full(len(below), xa), below]))
    ends.append(np.column_stack([np.full(len(below), xb), below]))
    for z in zs[zs > 0]:  # over the parts at that height only
        on = above & (lo[:, 1] <= z) & (hi[:, 1] >= z)
        starts.append(np.column_stack([np.maximum(lo[on, 0], x0), np.full(on.sum(), z)]))
        ends.append(np.column_stack([np.minimum(hi[on, 0], x1), np.full(on.sum(), z)]))
    draw_segments(ax, "z grid lines", np.vstack(starts) * [fx, fz], np.vstack(ends) * [fx, fz], lines)
    view_axes(ax, view, (fx, fz), (x_label, z_label))
    return stride_note({"x": kx, "z": kz})


def plot_preview(pv):
    """The preview figure: top view zoomed on the devices beside the whole
    substrate (the zoom marked), and an x-z cut through device 0's centre
    over the whole depth and near the top surface."""
    colours = np.array([pv.colour(m) for m in pv.material], dtype=object)
    fig = plt.figure(figsize=(14, 11))
    grid = fig.add_gridspec(2, 2, width_ratios=[3, 2], height_ratios=[3, 2])
    zoom_ax, whole_ax = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    depth_ax, surface_ax = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])

    zoom = pv.zoom()
    substrate = (pv.sub_lo[0], pv.sub_hi[0], pv.sub_lo[1], pv.sub_hi[1])
    zoom_factor, whole_factor = top_view_axes(zoom_ax, zoom), top_view_axes(whole_ax, substrate)
    labelled = len(pv.ids) <= PREVIEW_MAX_LABELS
    zoom_title = "top view of the devices and electrodes; " + (
        "no devices" if not pv.ids else "devices labelled \"id name\"" if labelled else
        f"{len(pv.ids)} devices: labels omitted (more than {PREVIEW_MAX_LABELS})")
    whole_title = "whole substrate (red: the area on the left)"
    for ax, title in ((zoom_ax, zoom_title), (whole_ax, whole_title)):  # till laid out
        ax.set_title(f"{title}\n{stride_note({'x': 1})}", fontsize=9)

    if pv.ids:
        y_cut, through = pv.centres[0][1], f" through device {pv.ids[0]} {pv.names[0]}"
    else:
        y_cut, through = (pv.sub_lo[1] + pv.sub_hi[1]) / 2, ""
    top = max(float(pv.hi[:, 2].max(initial=0.0)), 0.0)
    depth = pv.sub_hi[2] - pv.sub_lo[2]
    top = top if top > 0 else 0.05 * depth
    note = preview_cut(depth_ax, pv, (pv.sub_lo[0], pv.sub_hi[0], pv.sub_lo[2], top + 0.03 * depth),
                       y_cut, colours)
    depth_ax.set_title(f"x\u2013z cut at y = {si_text(y_cut, 'm')}{through}: whole depth\n{note}",
                       fontsize=9)
    below = min(depth, 4 * top)
    note = preview_cut(surface_ax, pv, (zoom[0], zoom[1], -below, 1.2 * top), y_cut, colours)
    surface_ax.set_title(f"the same cut near the top surface (z = 0), zoomed\n{note}", fontsize=9)

    handles = [Patch(fc=pv.colour(m), ec="0.4", lw=0.5,
                     label=f"{name}: {role} (material_id {m})" if role else f"{name} (material_id {m})")
               for m, (name, role) in sorted(pv.materials.items())]
    handles.append(Line2D([], [], color="black", lw=0.6, label="mesh edges (grid lines)"))
    height = fig.get_size_inches()[1]
    columns = min(len(handles), 3)
    rows = math.ceil(len(handles) / columns)
    fig.suptitle(pv.title(), y=1 - 0.1 / height, va="top", fontsize=11)
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.05 / height),
               ncol=columns, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, (0.22 * rows + 0.2) / height, 1, 1 - 0.55 / height))

    # The top views in their laid-out limits; the zoom's marked on the substrate.
    note = preview_top(zoom_ax, pv, zoom_factor, colours, labelled)
    zoom_ax.set_title(f"{zoom_title}\n{note}", fontsize=9)
    note = preview_top(whole_ax, pv, whole_factor, colours, False)
    whole_ax.set_title(f"{whole_title}\n{note}", fontsize=9)
    (x0, x1), (y0, y1) = (np.array(zoom_ax.get_xlim()) / zoom_factor,
                          np.array(zoom_ax.get_ylim()) / zoom_factor)
    whole_ax.add_patch(Rectangle((x0 * whole_factor, y0 * whole_factor), (x1 - x0) * whole_factor,
                                 (y1 - y0) * whole_factor, fill=False, ec="red", lw=1.2, zorder=4,
                                 label="zoomed area"))
    return fig


def cmd_preview(folder):
    """Make DIR/preview.png from DIR/preview.json (plot_preview)."""
    save_atomic(plot_preview(Preview(folder / "preview.json")), folder / "preview.png")


COMMANDS = {"run": lambda d: cmd_run(d), "sweep": lambda d: cmd_sweep(d),
            "characterize": lambda d: cmd_characterize(d),
            "characterize-sweep": lambda d: cmd_characterize_sweep(d),
            "integration": lambda d: cmd_integration(d), "preview": lambda d: cmd_preview(d)}


def main(argv):
    """Dispatch the sub-commands; return the exit status."""
    compare = len(argv) >= 4 and argv[1] == "compare"
    if not compare and (len(argv) != 3 or argv[1] not in COMMANDS):
        print("usage: plot_run.py {run|sweep|characterize|characterize-sweep|integration|preview} FOLDER\n"
              "       plot_run.py compare OUT RUN_DIR [RUN_DIR...]", file=sys.stderr)
        return 2
    folder = Path(argv[2])
    try:
        if compare:
            cmd_compare(folder, [Path(a) for a in argv[3:]])
            return 0
        if not folder.is_dir():
            raise InputError(f"{folder}: not a directory")
        COMMANDS[argv[1]](folder)
    except InputError as e:
        print(f"plot_run.py: error: {e}", file=sys.stderr)
        return 1
    except WriteError as e:
        print(f"plot_run.py: error: {e}", file=sys.stderr)
        return WRITE_FAILED
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"plot_run.py: error: {folder}: {type(e).__name__}: "
              f"{' '.join(str(e).split())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
