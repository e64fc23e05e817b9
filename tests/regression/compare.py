#!/usr/bin/python3
"""Compare a run folder with a stored reference (regression tests).

    compare.py record RUN_DIR REFERENCE_DIR     store spikes, summary, trace sample
    compare.py check  RUN_DIR REFERENCE_DIR TOL compare with relative tolerance TOL

What is compared, and how:
  spikes.csv    same number of spikes per device; t_peak within TOL relative
                (at least 1e-12 s); i_peak and energy within 10 TOL relative
  summary.json  per device: spike_count and state equal; mean_rate_hz and
                first_spike_s within TOL relative (-1 and null both mean none)
  traces        about 100 rows of traces.csv (the reference keeps only those):
                each column within 100 TOL relative or its absolute floor
                (1 uV, 1 nA, 1 uK, 1e-3 Ohm, 1 pW); rows are matched by time
                and device
Spike fronts are steep: a time shift of TOL x t moves a sampled current by
far more than TOL, hence the looser trace tolerance.
"""
import csv
import json
import math
import sys
from pathlib import Path

TRACE_ROWS = 100
TRACE_FLOORS = {"v_in_V": 1e-6, "v_device_V": 1e-6, "i_load_A": 1e-9, "i_device_A": 1e-9,
                "temperature_K": 1e-6, "resistance_ohm": 1e-3, "power_W": 1e-12}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def devices_of(summary_path):
    data = json.loads(Path(summary_path).read_text())
    return {int(d["device"]): d for d in data["devices"]}


def close(a, b, rel, floor=0.0):
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), floor)


def optional_number(value):
    """-1 and null both say 'none' (older summaries wrote -1)."""
    if value is None or value == -1:
        return None
    return float(value)


def record(run, ref):
    ref.mkdir(parents=True, exist_ok=True)
    (ref / "spikes.csv").write_text((run / "spikes.csv").read_text())
    (ref / "summary.json").write_text((run / "summary.json").read_text())
    with open(run / "traces.csv", newline="") as f:
        lines = f.read().splitlines()
    stride = max(1, (len(lines) - 1) // TRACE_ROWS)
    sample = [lines[0]] + lines[1::stride]
    (ref / "traces_sample.csv").write_text("\n".join(sample) + "\n")
    print(f"recorded {ref}: {len(lines) - 1} trace rows -> {len(sample) - 1}")


def check_spikes(run, ref, tol, errors):
    got, want = read_csv(run / "spikes.csv"), read_csv(ref / "spikes.csv")
    by_device = lambda rows: {d: [r for r in rows if r["device"] == d]
                              for d in {r["device"] for r in rows}}
    got_d, want_d = by_device(got), by_device(want)
    for device in sorted(set(got_d) | set(want_d)):
        g, w = got_d.get(device, []), want_d.get(device, [])
        if len(g) != len(w):
            errors.append(f"device {device}: {len(g)} spikes, reference {len(w)}")
            continue
        for k, (a, b) in enumerate(zip(g, w)):
            if not close(float(a["t_peak_s"]), float(b["t_peak_s"]), tol, 1e-12):
                errors.append(f"device {device} spike {k}: t_peak {a['t_peak_s']}, "
                              f"reference {b['t_peak_s']}")
            for key in ("i_peak_A", "energy_J"):
                if not close(float(a[key]), float(b[key]), 10 * tol):
                    errors.append(f"device {device} spike {k}: {key} {a[key]}, reference {b[key]}")
    return len(want)


def check_summary(run, ref, tol, errors):
    got, want = devices_of(run / "summary.json"), devices_of(ref / "summary.json")
    if set(got) != set(want):
        errors.append(f"summary devices {sorted(got)} != reference {sorted(want)}")
        return
    for d in sorted(want):
        g, w = got[d], want[d]
        for key in ("spike_count", "state"):
            if g[key] != w[key]:
                errors.append(f"device {d}: {key} {g[key]}, reference {w[key]}")
        for key in ("mean_rate_hz", "first_spike_s"):
            a, b = optional_number(g.get(key)), optional_number(w.get(key))
            if (a is None) != (b is None) or (a is not None and not close(a, b, tol, 1e-12)):
                errors.append(f"device {d}: {key} {g.get(key)}, reference {w.get(key)}")


def check_traces(run, ref, tol, errors):
    want = read_csv(ref / "traces_sample.csv")
    got = {(r["time_s"], r["device"]): r for r in read_csv(run / "traces.csv")}
    worst = 0.0
    for w in want:
        g = got.get((w["time_s"], w["device"]))
        if g is None:
            errors.append(f"traces: no row at t = {w['time_s']} for device {w['device']}")
            continue
        for key, floor in TRACE_FLOORS.items():
            a, b = float(g[key]), float(w[key])
            if not close(a, b, 100 * tol, floor):
                errors.append(f"traces t = {w['time_s']} device {w['device']}: {key} {a}, "
                              f"reference {b}")
            elif max(abs(a), abs(b)) > floor:
                worst = max(worst, abs(a - b) / max(abs(a), abs(b)))
    return len(want), worst


def check(run, ref, tol):
    errors = []
    n_spikes = check_spikes(run, ref, tol, errors)
    check_summary(run, ref, tol, errors)
    n_rows, worst = check_traces(run, ref, tol, errors)
    if errors:
        print(f"{run} differs from {ref}:")
        for e in errors[:20]:
            print("  " + e)
        if len(errors) > 20:
            print(f"  ... and {len(errors) - 20} more")
        return 1
    print(f"same as the reference: {n_spikes} spikes, {n_rows} trace rows "
          f"(worst relative trace difference {worst:.1e}, tolerance {tol:g})")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "record":
        record(Path(argv[2]), Path(argv[3]))
        return 0
    if len(argv) == 5 and argv[1] == "check":
        tol = float(argv[4])
        if not (tol > 0 and math.isfinite(tol)):
            print("compare.py: TOL must be a positive number", file=sys.stderr)
            return 2
        return check(Path(argv[2]), Path(argv[3]), tol)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
