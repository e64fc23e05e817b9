#!/usr/bin/python3
"""Plot results of the thermal-neuristor simulator.

Usage:
  /usr/bin/python3 scripts/plot_run.py run RUN_DIR      -> RUN_DIR/traces.png
  /usr/bin/python3 scripts/plot_run.py sweep SWEEP_DIR  -> SWEEP_DIR/sweep.png
  /usr/bin/python3 scripts/plot_run.py characterize DIR -> DIR/step_response.png
  /usr/bin/python3 scripts/plot_run.py characterize-sweep DIR -> DIR/coupling_vs_gap.png
  /usr/bin/python3 scripts/plot_run.py integration SWEEP_DIR
      -> SWEEP_DIR/integration.png and integration.csv: per swept value, the
         probability that device 1 fires after n spikes of device 0 (n
         counted between consecutive spikes of device 1; Fig. 3D)
  /usr/bin/python3 scripts/plot_run.py compare OUT RUN_DIR RUN_DIR...
      -> OUT/comparison.png (temperatures and spikes of every run on one time
         axis) and OUT/comparison.csv (per run and device: model, spikes,
         rate, first spike; empty without spikes). Any number of runs, e.g.
         the lumped, reduced and finite-element runs of compare_models.sh
"""
import csv
import json
import os
import sys
import warnings
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

TRACES_HEADER = ["time_s", "device", "v_in_V", "v_device_V", "i_load_A",
                 "i_device_A", "temperature_K", "resistance_ohm", "power_W"]
SPIKES_HEADER = ["device", "t_peak_s", "i_peak_A", "energy_J"]
SWEEP_HEADER = ["point", "value", "x", "device", "spike_count",
                "mean_rate_hz", "state", "mean_spike_energy_J"]
MAX_TRACED = 8
DPI = 120


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


def save_atomic(fig, out):
    """Save *fig* to a temp file next to *out*, then rename it into place."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, dpi=DPI, format="png")
        os.replace(tmp, out)
    except OSError as e:
        raise WriteError(f"cannot write '{out}': {e.strerror or e}") from None
    finally:
        plt.close(fig)
        if tmp.exists():
            tmp.unlink()


def transition_band(prm_path):
    """(low, high) of the VO2 transition, Tc -/+ w/2 over all devices (and 3
    Tc spreads) [K], from the run's parameters.prm; None if it cannot be read."""
    values, section = {}, []
    try:
        with open(prm_path, encoding="utf-8") as f:
            for line in f:
                words = line.split("#", 1)[0].split()
                if words[:1] == ["subsection"]:
                    section.append(" ".join(words[1:]))
                elif words[:1] == ["end"] and section:
                    section.pop()
                elif words[:1] == ["set"] and section == ["VO2"] and "=" in line:
                    name, value = line.split("#", 1)[0].strip()[4:].split("=", 1)
                    values[name.strip()] = [float(v) for v in value.split(",") if v.strip()]
        Tc, w = values["Tc"], values["Hysteresis width w"]
        spread = 3 * values.get("Tc spread", [0.0])[0]  # the deviates' cut
    except (OSError, KeyError, ValueError, IndexError):
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


def cmd_sweep(sweep_dir):
    """Make SWEEP_DIR/sweep.png: mean rate (kHz) and energy per spike (nJ)
    vs swept value per device.

    Only spiking devices have a rate; the other states are drawn at 0 with
    their own markers, and the line joins neighbouring spiking points only."""
    path = sweep_dir / "sweep.csv"
    rows = read_rows(path, SWEEP_HEADER)
    if not rows:
        raise InputError(f"{path}: no data rows")
    meta = read_json(sweep_dir / "sweep.json", optional=True)
    try:
        number = lambda text, scale: float(text) * scale if text.strip() else np.nan
        pts = [(int(r["device"]), float(r["x"]),
                np.nan_to_num(number(r["mean_rate_hz"], 1e-3)), r["state"].strip(),
                number(r["mean_spike_energy_J"], 1e9)) for r in rows]
    except ValueError as e:
        raise InputError(f"{path}: non-numeric value ({e})") from None
    markers = {"spiking": dict(marker="o"),
               "single spike": dict(marker="s", mfc="white"),
               "quiescent": dict(marker="o", mfc="white"),
               "trapped": dict(marker="x", mew=1.5)}
    fig, (ax, ax_e) = plt.subplots(2, 1, sharex=True, figsize=(8, 7),
                                   gridspec_kw={"height_ratios": [3, 2]})
    for k, d in enumerate(sorted({p[0] for p in pts})):
        x, y, st, e = zip(*sorted((p[1], p[2], p[3], p[4]) for p in pts if p[0] == d))
        x, y, st, e, c = np.array(x), np.array(y), np.array(st), np.array(e), f"C{k % 10}"
        ax.plot(x, np.where(st == "spiking", y, np.nan), "-", color=c, lw=1.2,
                label=f"device {d}")
        ax_e.plot(x, e, "o-", color=c, ms=4, lw=1)
        for state, kw in markers.items():
            m = st == state
            ax.plot(x[m], y[m], ls="", color=c, ms=6, **kw)
        other = ~np.isin(st, list(markers))
        ax.plot(x[other], y[other], ls="", color=c, marker="d", ms=5)
    handles, _ = ax.get_legend_handles_labels()
    handles += [Line2D([], [], ls="", color="gray", label=state, **kw)
                for state, kw in markers.items()]
    ax.legend(handles=handles, fontsize=8, loc="best")
    ax_e.set_xlabel(str(meta.get("x_label", "swept value")))
    ax.set_ylabel("mean spike rate (kHz)")
    ax_e.set_ylabel("energy per spike (nJ)")
    for a in (ax, ax_e):
        a.grid(alpha=0.3)
    if "case" in meta:
        ax.set_title(str(meta["case"]))
    fig.tight_layout()
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


def cmd_characterize_sweep(folder):
    """eta(gap) and half-rise delay(gap) of device 1 when device 0 is heated,
    on log-log axes (power laws are lines; the gaps span decades)."""
    names, data = load_table(folder / "sweep.csv")
    meta = read_json(folder / "sweep.json", optional=True)
    x = data[:, names.index("x")]
    scale, unit = (1e6, "um") if np.max(np.abs(x)) < 1e-3 else (1.0, "")
    label = meta.get("x_label", "swept value")
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    plot = (lambda ax, *rest, **kw: ax.loglog(*rest, **kw)) if np.all(x > 0) else \
           (lambda ax, *rest, **kw: ax.semilogy(*rest, **kw))
    plot(a, x * scale, data[:, names.index("eta_10")], "o-")
    a.set_ylabel("coupling eta (rise of 1 / rise of 0)")
    plot(b, x * scale, data[:, names.index("half_rise_delay_10_s")] * 1e9, "s-", color="C1")
    b.set_ylabel("half-rise delay of device 1 (ns)")
    for ax, column, what in ((a, "eta_10", "eta"), (b, "half_rise_delay_10_s", "delay")):
        ax.set_xlabel(f"{label}" + (f" ({unit})" if unit and "(" not in label else ""))
        ax.grid(True, which="both", alpha=0.3)
        y = data[:, names.index(column)]
        if len(x) >= 2 and np.all(x > 0) and np.all(y > 0):  # the least-squares power law
            slope = np.polyfit(np.log(x), np.log(y), 1)[0]
            ax.set_title(f"{what} ~ x^{slope:.2f} (fit over all points)", fontsize=10)
    fig.tight_layout()
    save_atomic(fig, folder / "coupling_vs_gap.png")


def cmd_compare(out, run_dirs):
    """Overlay runs (e.g. lumped, reduced, finite element): temperatures and spikes."""
    runs = []
    for d in run_dirs:
        if not d.is_dir():
            raise InputError(f"{d}: not a directory")
        run, states, names = load_summary(d / "summary.json")
        devices = read_json(d / "summary.json").get("devices", [])
        runs.append((d, run, devices, load_traces(d / "traces.csv"),
                     load_spikes(d / "spikes.csv")))
    out.mkdir(parents=True, exist_ok=True)
    fig, (ax_t, ax_s) = plt.subplots(2, 1, sharex=True, figsize=(11, 7),
                                     gridspec_kw={"height_ratios": [3, 2]})
    styles = ["-", "--", ":", "-."]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    labels, traced = [], set()
    for k, (d, run, devices, tr, (sp_dev, sp_t, _)) in enumerate(runs):
        model = run.get("thermal_model", "?")
        if "reduced_model_order" in run:
            model += f", order {run['reduced_model_order']}"
        labels.append(f"{d.name} ({model})")
        for dev in np.unique(tr["device"]).astype(int)[:MAX_TRACED]:
            sel = tr["device"] == dev
            ax_t.plot(tr["time_s"][sel] * 1e6, tr["temperature_K"][sel],
                      styles[k % len(styles)], color=colours[dev % len(colours)], lw=1.2)
            traced.add(dev)
        y = k + 0.8 * (sp_dev + 0.5) / max(1, len(devices))
        ax_s.scatter(sp_t * 1e6, y, marker="|", s=120,
                     c=[colours[i % len(colours)] for i in sp_dev])
    # Line style = run, colour = device: one legend entry each, not one per pair.
    ax_t.set_ylabel("temperature (K)")
    ax_t.legend(handles=[Line2D([], [], ls=styles[k % len(styles)], color="gray", label=label)
                         for k, label in enumerate(labels)]
                + [Line2D([], [], color=colours[dev % len(colours)], label=f"device {dev}")
                   for dev in sorted(traced)], fontsize=8, loc="upper right")
    ax_t.grid(alpha=0.3)
    ax_s.set_yticks(np.arange(len(runs)) + 0.4)
    ax_s.set_yticklabels(labels, fontsize=8)
    ax_s.set_xlabel("time (\u00b5s)")
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
    meta = read_json(sweep_dir / "sweep.json")
    rows = read_rows(sweep_dir / "sweep.csv", SWEEP_HEADER)
    try:
        x_of = {int(r["point"]): float(r["x"]) for r in rows}
    except ValueError as e:
        raise InputError(f"{sweep_dir / 'sweep.csv'}: non-numeric value ({e})") from None
    if not x_of:
        raise InputError(f"{sweep_dir / 'sweep.csv'}: no data rows")
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
    ax.set_xticklabels([f"{v:g}" for v in x], rotation=45 if len(points) > 12 else 0)
    ax.set_yticks(range(1, INTEGRATION_SHOWN + 1))
    ax.set_yticklabels([str(n) for n in range(1, INTEGRATION_SHOWN)] + [f">={INTEGRATION_SHOWN}"])
    ax.set_xlabel(str(meta.get("x_label", "swept value")))
    ax.set_ylabel(f"spikes of device {source} integrated by device {target}")
    fig.colorbar(image, ax=ax, label="firing probability (%)")
    ax.set_title(str(meta.get("case", "")) + "\nempty column: fewer than two spikes of "
                 f"device {target}", fontsize=9)
    fig.tight_layout()
    save_atomic(fig, sweep_dir / "integration.png")


COMMANDS = {"run": lambda d: cmd_run(d), "sweep": lambda d: cmd_sweep(d),
            "characterize": lambda d: cmd_characterize(d),
            "characterize-sweep": lambda d: cmd_characterize_sweep(d),
            "integration": lambda d: cmd_integration(d)}


def main(argv):
    """Dispatch the sub-commands; return the exit status."""
    compare = len(argv) >= 4 and argv[1] == "compare"
    if not compare and (len(argv) != 3 or argv[1] not in COMMANDS):
        print("usage: plot_run.py {run|sweep|characterize|characterize-sweep|integration} FOLDER\n"
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
