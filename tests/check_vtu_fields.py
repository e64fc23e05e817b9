"""pvbatch script of tests/test_vtu_output.sh: reads the last field snapshot
of finite-element runs with ParaView and checks it against the run's own
traces.csv: every device's channel average of temperature_K equals its
traced temperature, the heat source integrates to the traced powers,
temperature_K - temperature_rise_K is T0 everywhere, and all runs (1 and
2 MPI ranks) hold the same field.
    pvbatch check_vtu_fields.py T0 RUN_DIR [RUN_DIR...]   (exit 1 on failure)"""
import csv
import sys
import xml.etree.ElementTree as ET

from paraview import servermanager as sm
from paraview.simple import IntegrateVariables, OpenDataFile, PythonCalculator, Threshold


def integrals(source):
    iv = IntegrateVariables(Input=source)
    iv.UpdatePipeline()
    return sm.Fetch(iv)


def last_trace_rows(run):
    rows = list(csv.DictReader(open(run + "/traces.csv")))
    t_end = float(rows[-1]["time_s"])
    return t_end, {int(r["device"]): r for r in rows if float(r["time_s"]) == t_end}


def check(run, T0, failures):
    sets = list(ET.parse(run + "/fields/temperature.pvd").getroot().iter("DataSet"))
    t, path = float(sets[-1].get("timestep")), run + "/fields/" + sets[-1].get("file")
    t_trace, rows = last_trace_rows(run)
    if abs(t - t_trace) > 1e-6 * t_trace:
        failures.append(f"{run}: last snapshot at {t} s, last trace row at {t_trace} s")
    reader = OpenDataFile(path)
    reader.UpdatePipeline()
    data = sm.Fetch(reader)
    file_time = data.GetFieldData().GetArray("TIME").GetValue(0)
    if abs(file_time - t) > 1e-9 * t:
        failures.append(f"{run}: TIME {file_time} in the file, {t} in the .pvd")
    offset = PythonCalculator(Input=reader, ArrayName="T0",
                              Expression="temperature_K - temperature_rise_K")
    offset.UpdatePipeline()
    low, high = sm.Fetch(offset).GetPointData().GetArray("T0").GetRange()
    if abs(low - T0) > 1e-3 or abs(high - T0) > 1e-3:
        failures.append(f"{run}: temperature_K - temperature_rise_K spans {low}..{high}, not {T0}")
    whole = integrals(reader)
    source = whole.GetCellData().GetArray("heat_source_W_per_m3").GetValue(0)
    power = sum(float(r["power_W"]) for r in rows.values())
    if abs(source - power) > 1e-5 * power:
        failures.append(f"{run}: heat source integrates to {source} W, traced powers {power} W")
    result = {"rise_integral": whole.GetPointData().GetArray("temperature_rise_K").GetValue(0)}
    for device, row in sorted(rows.items()):
        th = Threshold(Input=reader, Scalars=["CELLS", "device_id"],
                       LowerThreshold=device - 0.5, UpperThreshold=device + 0.5)
        part = integrals(th)
        mean = (part.GetPointData().GetArray("temperature_K").GetValue(0) /
                part.GetCellData().GetArray("Volume").GetValue(0))
        traced = float(row["temperature_K"])
        print(f"{run}: device {device} channel mean {mean:.6f} K, traced {traced:.6f} K")
        if abs(mean - traced) > 1e-3:
            failures.append(f"{run}: device {device} channel mean {mean} K, traced {traced} K")
        result[device] = mean
    print(f"{run}: {data.GetNumberOfCells()} cells, heat source {source:.6g} W (traced {power:.6g} W)")
    return result


T0 = float(sys.argv[1])
failures = []
results = [check(run, T0, failures) for run in sys.argv[2:]]
for other, run in zip(results[1:], sys.argv[3:]):
    for key, value in results[0].items():
        if abs(other[key] - value) > 1e-6 * abs(value):
            failures.append(f"{run}: {key} = {other[key]}, first run {value}")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
