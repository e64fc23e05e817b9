#pragma once

#include "solver/coupling/trace_settings.h"

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace neuristor
{
  /** The "Run" section: what to simulate for how long and what to record. */
  struct RunSettings
  {
    std::string case_name;
    std::string thermal_model;     // a name from the thermal-model registry
    std::string device_model;      // a name from the device-model registry
    double      end_time;          // s
    double      trace_interval;    // s
    bool        trace_spikes;      // a trace row at every step during spikes
    std::string traced_devices;    // "all", "none" or a list of indices
    std::vector<std::string> device_names; // empty: "device I"
    std::vector<Probe> probes;     // points sampled into probes.csv
    double      probe_interval;    // s
    double      trapped_time;      // s
    double      progress_interval; // s of wall time, 0 = quiet
    double      checkpoint_interval; // s of simulated time, 0 = none
    bool        plot;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);

    /** The probes of Run/Probes ("name: x, y, z; ..."); InputError naming the bad one. */
    static std::vector<Probe>
    parse_probes(const std::string &text);

    /** Device i's name for logs, summary.json and plots ("device i" without names). */
    std::string
    device_name(const unsigned int i) const;

    /** InputError unless there are no names or one per device. */
    void
    check_device_names(const unsigned int n_devices) const;

    /** Which devices write traces; InputError for a bad index. */
    std::vector<bool>
    traced(const unsigned int n_devices) const;
  };
} // namespace neuristor
