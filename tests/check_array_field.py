"""pvbatch script of tests/test_reduced_array.sh: the reduced array model's
temperature field (the last snapshot of each array run) against its own
traces and against the global reduced model's 3-D field of the same array:
every device's channel cells hold its traced temperature (within 5 % of its
rise, plus 0.05 K: the cells show the channel's centre line, the traces its
average), the bare substrate's top agrees with the global model's field
there (median difference within 1 % of the largest rise on it, every cell
within 5 %: the outer half of the edge devices' tiles, where the patch has
more devices than the array, differs most), temperature_K - temperature_rise_K
is T0, and all array runs (1 and 2 MPI ranks) hold the same field.
    pvbatch check_array_field.py T0 GLOBAL_RUN ARRAY_RUN [ARRAY_RUN...]"""
import csv
import sys
import xml.etree.ElementTree as ET

import numpy as np
from paraview import servermanager as sm
from paraview.simple import CellCenters, OpenDataFile, ResampleWithDataset, Transform
from vtk.numpy_interface import dataset_adapter as dsa


def last_snapshot(run):
    sets = list(ET.parse(run + "/fields/temperature.pvd").getroot().iter("DataSet"))
    return float(sets[-1].get("timestep")), OpenDataFile(run + "/fields/" + sets[-1].get("file"))


def traced_at_end(run):
    rows = list(csv.DictReader(open(run + "/traces.csv")))
    t_end = float(rows[-1]["time_s"])
    return t_end, {int(r["device"]): float(r["temperature_K"]) for r in rows
                   if float(r["time_s"]) == t_end}


def check(run, global_run, T0, failures):
    t, reader = last_snapshot(run)
    t_trace, traced = traced_at_end(run)
    if abs(t - t_trace) > 1e-9 * t_trace:
        failures.append(f"{run}: last snapshot at {t} s, last trace row at {t_trace} s")
    cells = dsa.WrapDataObject(sm.Fetch(reader)).CellData
    device, material = np.asarray(cells["device_id"]), np.asarray(cells["material_id"])
    T, rise = np.asarray(cells["temperature_K"]), np.asarray(cells["temperature_rise_K"])
    if np.abs(T - rise - T0).max() > 1e-3:
        failures.append(f"{run}: temperature_K - temperature_rise_K is not {T0}")
    worst = 0.0
    for i, T_traced in sorted(traced.items()):
        mine = device == i
        if not mine.any():
            failures.append(f"{run}: device {i} has no channel cells")
            continue
        error = abs(T[mine].mean() - T_traced)
        worst = max(worst, error / (T_traced - T0))
        if error > 0.05 * (T_traced - T0) + 0.05:
            failures.append(f"{run}: device {i}: channel cells {T[mine].mean():.4f} K, "
                            f"traced {T_traced:.4f} K")
    print(f"{run}: {len(T)} cells at t = {t:.4e} s; channel cells against the traces: "
          f"largest difference {worst * 100:.2f} % of the rise")

    # The bare substrate's top against the global model's field there.
    t_global, global_field = last_snapshot(global_run)
    if abs(t_global - t) > 1e-9 * t:
        failures.append(f"{global_run}: last snapshot at {t_global} s, the array's at {t} s")
    centres = CellCenters(Input=reader)
    depth = -dsa.WrapDataObject(sm.Fetch(centres)).Points[0][2]
    top = Transform(Input=centres)
    top.Transform.Translate = [0, 0, depth]  # the cell centres moved up to z = 0
    probe = ResampleWithDataset(SourceDataArrays=global_field, DestinationMesh=top)
    probed = dsa.WrapDataObject(sm.Fetch(probe)).PointData
    bare = (material == 0) & (np.asarray(probed["vtkValidPointMask"]) == 1)
    other = np.asarray(probed["temperature_rise_K"])[bare]
    scale = np.abs(other).max()
    differences = np.abs(rise[bare] - other) / scale
    largest, median = differences.max(), np.median(differences)
    print(f"{run}: bare substrate top at {bare.sum()} cells (largest rise {scale:.3f} K): "
          f"differences from the global model: median {median * 100:.2f} %, "
          f"largest {largest * 100:.2f} %")
    if bare.sum() < 0.5 * (material == 0).sum():
        failures.append(f"{run}: only {bare.sum()} of the bare substrate cells lie in the global field")
    if largest > 0.05 or median > 0.01:
        failures.append(f"{run}: the bare substrate's top differs from the global model's "
                        f"by {largest * 100:.2f} % of its largest rise (median {median * 100:.2f} %)")
    return rise


T0 = float(sys.argv[1])
failures = []
fields = [check(run, sys.argv[2], T0, failures) for run in sys.argv[3:]]
for other, run in zip(fields[1:], sys.argv[4:]):
    if other.shape != fields[0].shape or np.abs(other - fields[0]).max() > 1e-6 * np.abs(fields[0]).max():
        failures.append(f"{run}: the field differs from {sys.argv[3]}'s")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
