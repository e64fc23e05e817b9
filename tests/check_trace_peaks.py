#!/usr/bin/python3
"""Check that a run's traces show its true spike peaks.

    check_trace_peaks.py RUN_DIR [TOLERANCE]          every spike of spikes.csv has
        a trace row of its device within 5 ns of t_peak whose i_device is within
        TOLERANCE (default 0.02) relative of i_peak, and none above it by more
    check_trace_peaks.py --aliased RUN_DIR [TOLERANCE] the opposite: some spike's
        peak is missed by more than TOLERANCE (traces on the cadence alone)
"""
import csv
import sys


def worst_miss(run):
    spikes = list(csv.DictReader(open(f"{run}/spikes.csv")))
    rows = {}
    for r in csv.DictReader(open(f"{run}/traces.csv")):
        rows.setdefault(r["device"], []).append((float(r["time_s"]), float(r["i_device_A"])))
    worst, where = 0.0, None
    for s in spikes:
        t, peak = float(s["t_peak_s"]), float(s["i_peak_A"])
        near = [i for (tr, i) in rows.get(s["device"], []) if abs(tr - t) <= 5e-9]
        drawn = max(near, default=0.0)
        miss = abs(drawn - peak) / peak
        if miss >= worst:
            worst, where = miss, (s["device"], t, peak, drawn)
    return len(spikes), worst, where


def main(argv):
    aliased = len(argv) > 1 and argv[1] == "--aliased"
    args = argv[2:] if aliased else argv[1:]
    run, tol = args[0], float(args[1]) if len(args) > 1 else 0.02
    n, worst, where = worst_miss(run)
    if n == 0:
        print(f"{run}: no spikes to check")
        return 1
    device, t, peak, drawn = where
    text = (f"{run}: {n} spikes, worst trace peak {drawn * 1e3:.4f} mA against "
            f"{peak * 1e3:.4f} mA (device {device}, {t * 1e9:.2f} ns): {worst * 100:.2f} %")
    ok = worst > tol if aliased else worst <= tol
    print(("ok   " if ok else "FAIL ") + text + (" (aliased as expected)" if aliased else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
