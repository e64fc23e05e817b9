#include "solver/app/run_settings.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"
#include "circuits/device_circuit.h"
#include "solver/thermal_models/registry.h"

#include <cmath>

namespace neuristor
{
  void
  RunSettings::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.declare_entry("Case name", "single device, 12.5 V",
                      Anything(), "Name of the case, shown in logs and plots.");
    prm.declare_entry("Thermal model", "lumped", Selection(thermal_models::registry().selection_pattern()),
                      "How heat couples the devices (solver/thermal_models/): " +
                        thermal_models::registry().documentation() + ".");
    prm.declare_entry("Device model", "VO2", Selection(device_circuits::registry().selection_pattern()),
                      "The device in its circuit (circuits/device_circuits.cc): " +
                        device_circuits::registry().documentation() + ".");
    prm.declare_entry("End time", "20e-6", Double(0),
                      "Simulated time span [s].");
    prm.declare_entry("Trace interval", "10e-9", Double(0),
                      "Time between rows of traces.csv [s] (samples come "
                      "from each device's dense output, exactly at multiples "
                      "of this interval).");
    prm.declare_entry("Trace every step during spikes", "true", dealii::Patterns::Bool(),
                      "Also write a row at the end of every time step while a "
                      "device spikes, so that traces.csv and traces.png show "
                      "the true spike peaks (those of spikes.csv), not the "
                      "Trace interval's aliased samples [boolean].");
    prm.declare_entry("Traced devices", "all", Anything(),
                      "Devices whose traces are written: 'all', 'none', or a "
                      "comma-separated list of device indices (from 0).");
    prm.declare_entry("Device names", "", Anything(),
                      "Names of the devices in the log, summary.json and plots: one "
                      "per device, comma-separated, in device order (e.g. 'A, B'); "
                      "empty for 'device 0', 'device 1', ...");
    prm.declare_entry("Probes", "", Anything(),
                      "Points whose temperature is written to probes.csv over "
                      "time (finite element and reduced models): 'name: x, y, z' "
                      "in m, separated by ';', e.g. 'gap: 0, 0, 0; under A: 0, "
                      "-0.3e-6, -0.1e-6' (the substrate's top face is z = 0); "
                      "empty for none.");
    prm.declare_entry("Probe interval", "0", Double(0),
                      "Simulated time between rows of probes.csv [s]: a row at "
                      "the end of the first step at or after each multiple; 0 "
                      "for the Trace interval.");
    prm.declare_entry("Trapped time", "2e-6", Double(0),
                      "A device still metallic at the end, for longer than "
                      "this, is reported as 'trapped' [s].");
    prm.declare_entry("Progress interval", "2", Double(0),
                      "Wall-clock time between progress lines [s]; 0 for a "
                      "quiet run.");
    prm.declare_entry("Checkpoint interval", "0", Double(0),
                      "Simulated time between checkpoints of a finite-element run "
                      "[s]; 0 for none. The run folder keeps the last one "
                      "(checkpoint.bin), also when the run is interrupted; "
                      "'neuristor run CASE -o DIR --resume' goes on from it, on any "
                      "number of MPI ranks and with a later End time if wanted.");
    prm.declare_entry("Plot", "true", Bool(),
                      "Draw traces.png with scripts/plot_run.py (needs "
                      "python3-matplotlib).");
  }

  void
  RunSettings::parse_parameters(const dealii::ParameterHandler &prm)
  {
    case_name         = prm.get("Case name");
    thermal_model     = prm.get("Thermal model");
    device_model      = prm.get("Device model");
    end_time          = prm.get_double("End time");
    trace_interval    = prm.get_double("Trace interval");
    trace_spikes      = prm.get_bool("Trace every step during spikes");
    traced_devices    = parameter_tools::trim(prm.get("Traced devices"));
    trapped_time      = prm.get_double("Trapped time");
    device_names.clear();
    if (!parameter_tools::trim(prm.get("Device names")).empty())
      for (const auto &name : parameter_tools::split(prm.get("Device names"), ','))
        {
          device_names.push_back(parameter_tools::trim(name));
          if (device_names.back().empty())
            throw InputError("Run/Device names", "has an empty name");
        }
    probes         = parse_probes(prm.get("Probes"));
    probe_interval = prm.get_double("Probe interval") > 0 ? prm.get_double("Probe interval") :
                                                            trace_interval;
    progress_interval = prm.get_double("Progress interval");
    checkpoint_interval = prm.get_double("Checkpoint interval");
    plot              = prm.get_bool("Plot");
    if (!(end_time > 0))
      throw InputError("Run/End time", "must be > 0");
    if (!(trace_interval > 0))
      throw InputError("Run/Trace interval", "must be > 0");
  }

  std::vector<Probe>
  RunSettings::parse_probes(const std::string &text)
  {
    std::vector<Probe> probes;
    for (const auto &item : parameter_tools::split(text, ';'))
      {
        const auto colon = item.find(':');
        Probe      probe;
        probe.name = parameter_tools::trim(item.substr(0, colon));
        if (colon == std::string::npos || probe.name.empty())
          throw InputError("Run/Probes", "'" + item + "' is not 'name: x, y, z'");
        const auto xyz = parameter_tools::split(item.substr(colon + 1), ',');
        if (xyz.size() != 3)
          throw InputError("Run/Probes", "the probe '" + probe.name + "' needs three "
                                         "coordinates x, y, z [m], not " +
                                           std::to_string(xyz.size()));
        for (unsigned int d = 0; d < 3; ++d)
          probe.point[d] =
            parameter_tools::parse_number(xyz[d], "Run/Probes", "probe '" + probe.name + "': ");
        for (const auto &other : probes)
          if (other.name == probe.name)
            throw InputError("Run/Probes", "two probes are named '" + probe.name + "'");
        probes.push_back(probe);
      }
    return probes;
  }

  std::string
  RunSettings::device_name(const unsigned int i) const
  {
    return i < device_names.size() ? device_names[i] : "device " + std::to_string(i);
  }

  void
  RunSettings::check_device_names(const unsigned int n_devices) const
  {
    if (!device_names.empty() && device_names.size() != n_devices)
      throw InputError("Run/Device names", "gives " + std::to_string(device_names.size()) +
                                             " names for " + std::to_string(n_devices) +
                                             " devices");
  }

  std::vector<bool>
  RunSettings::traced(const unsigned int n_devices) const
  {
    if (traced_devices == "all")
      return std::vector<bool>(n_devices, true);
    std::vector<bool> flags(n_devices, false);
    if (traced_devices == "none")
      return flags;
    for (const auto &item : parameter_tools::split(traced_devices, ','))
      {
        const double i = parameter_tools::parse_number(item, "Run/Traced devices");
        if (i != std::floor(i) || i < 0 || i >= n_devices)
          throw InputError("Run/Traced devices",
                           "'" + item + "' is not a device index from 0 to " +
                             std::to_string(n_devices - 1));
        flags[static_cast<unsigned int>(i)] = true;
      }
    return flags;
  }
} // namespace neuristor
