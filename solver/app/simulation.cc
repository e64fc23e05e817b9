#include "solver/app/simulation.h"

#include "solver/io/checkpoint.h"
#include "solver/case/input_error.h"
#include "solver/io/json_file.h"
#include "solver/base/mpi_tools.h"
#include "solver/base/version.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/case/resource_limits.h"
#include "solver/thermal_models/registry.h"
#include "solver/io/vtu_writer.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>

#include <deal.II/base/data_out_base.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace neuristor
{
  namespace
  {
    // The (time, file) records of the field series in a checkpoint, grown
    // record by record: a corrupt count runs out of data (an error), not of
    // memory.
    std::vector<std::pair<double, std::string>>
    read_field_records(BinaryReader &reader)
    {
      std::uint64_t n_records = 0;
      reader(n_records);
      std::vector<std::pair<double, std::string>> records;
      for (std::uint64_t k = 0; k < n_records; ++k)
        {
          double      t = 0;
          std::string name;
          reader(t, name);
          records.emplace_back(t, name);
        }
      return records;
    }
  } // namespace

  Simulation::Simulation(dealii::ParameterHandler &prm)
  {
    parameter_tools::in_subsection(prm, "Run", [&] {
      settings.parse_parameters(prm);
      const std::map<std::string, std::string> neutral = {
        {"End time", "1"}, {"Progress interval", "0"}, {"Checkpoint interval", "0"}, {"Plot", "false"}};
      std::map<std::string, std::string> actual;
      for (const auto &[entry, value] : neutral)
        actual[entry] = prm.get(entry), prm.set(entry, value);
      std::ostringstream text;
      prm.print_parameters(text, dealii::ParameterHandler::ShortText);
      identity = text.str();
      for (const auto &[entry, value] : actual)
        prm.set(entry, value);
    });
    parameter_tools::in_subsection(prm, "Time integration", [&] { integration.parse_parameters(prm); });
    ResourceLimits limits;
    parameter_tools::in_subsection(prm, "Limits", [&] { limits.parse_parameters(prm); });
    {
      auto model = thermal_models::create(settings.thermal_model, prm);
      model->apply_limits(limits);
      thermal = std::move(model);
    }
    const unsigned int             n = thermal->n_devices();
    std::vector<CircuitParameters> circuit;
    parameter_tools::in_subsection(prm, "Circuit", [&] {
      circuit = CircuitParameters::parse_parameters(prm, n);
    });
    circuits = device_circuits::create(settings.device_model, prm, circuit);
    const auto traced = settings.traced(n); // validate now, before any output exists
    settings.check_device_names(n);
    limits.check_run(settings.end_time, settings.trace_interval,
                     std::count(traced.begin(), traced.end(), true), integration.max_step, circuit);
    thermal->check_probes(settings.probes);
    if (!thermal->has_checkpoints() && settings.checkpoint_interval > 0)
      throw InputError("Run/Checkpoint interval",
                       "the " + settings.thermal_model +
                         " thermal model writes no checkpoints; set it to 0 or use "
                         "Run/Thermal model = finite element or reduced");
  }

  RunResult
  Simulation::run(const MPI_Comm comm, RunFolder &folder, std::ostream &console,
                  const bool resume) const
  {
    return execute(comm, &folder, console, resume);
  }

  RunResult
  Simulation::run(const MPI_Comm comm, std::ostream &console) const
  {
    return execute(comm, nullptr, console, false);
  }

  RunResult
  Simulation::execute(const MPI_Comm comm, RunFolder *folder, std::ostream &console,
                      const bool resume) const
  {

    const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
    const unsigned int n_ranks = dealii::Utilities::MPI::n_mpi_processes(comm);
    dealii::ConditionalOStream pcout(console, root);
    dealii::TimerOutput timer(comm, pcout, dealii::TimerOutput::never,
                              dealii::TimerOutput::wall_times);
    const auto start = std::chrono::steady_clock::now();

    pcout << "Case: " << settings.case_name << "\n"
          << "Devices: " << n_devices() << " (" << thermal->description()
          << "), MPI ranks: " << n_ranks << "\n"
          << "End time: " << settings.end_time * 1e6 << " us, tolerances: rel "
          << integration.relative_tolerance << ", "
          << integration.voltage_tolerance << " V, "
          << integration.temperature_tolerance << " K, coupling "
          << integration.coupling_tolerance << " K" << std::endl;

    OutputFile traces;
    collectively(comm, [&]() {
      if (!folder || !root || resume)
        return;
      traces.open(folder->file("traces.csv"));
      traces << "time_s,device,v_in_V,v_device_V,i_load_A,i_device_A,"
                "temperature_K,resistance_ohm,power_W\n";
    });
    RunSink sink;
    if (folder)
      sink.samples = [&traces](std::vector<Sample> &&rows) {
        char line[320];
        for (const auto &s : rows)
          {
            std::snprintf(line, sizeof(line),
                          "%.10g,%u,%.8g,%.8g,%.8g,%.8g,%.9g,%.8g,%.8g\n", s.t,
                          s.device, s.v_in, s.v_device, s.i_load, s.i_device,
                          s.temperature, s.resistance, s.power);
            traces << line;
          }
      };
    double next_report = settings.progress_interval;
    sink.progress = [&](const double t, const double H, const unsigned long spikes) {
      if (!root || settings.progress_interval <= 0)
        return;
      const double wall = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start).count();
      if (wall < next_report && t < settings.end_time)
        return;
      next_report = wall + settings.progress_interval;
      const double fraction = t / settings.end_time;
      std::ostringstream line;
      line << std::fixed << std::setprecision(3) << "  [" << std::setw(3)
           << static_cast<int>(100 * fraction) << "%] t = " << t * 1e6
           << " us of " << settings.end_time * 1e6 << " us | "
           << thermal->step_name() << " "
           << std::setprecision(2) << H * 1e9 << " ns | spikes " << spikes
           << " | wall " << std::setprecision(1) << wall << " s | ETA "
           << (fraction > 0 ? wall * (1 - fraction) / fraction : 0.0) << " s";
      pcout << line.str() << std::endl;
    };

    RunResult                  result;
    std::vector<DeviceOutcome> outcomes;
    integrate(comm, folder, sink, timer, pcout, traces, resume, result, outcomes);

    // A device still in the metallic episode of a spike fired that spike too.
    if (root)
      {
        for (const auto &o : outcomes)
          if (o.in_spike)
            result.spikes.push_back(o.running);
        std::stable_sort(result.spikes.begin(), result.spikes.end(),
                         [](const Spike &a, const Spike &b) { return a.t_peak < b.t_peak; });
      }
    result.spikes = mpi_tools::broadcast(comm, result.spikes);
    result.devices = summarize(result.spikes, outcomes);
    for (const auto &o : outcomes)
      result.final_temperatures.push_back(o.T);
    result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::map<std::string, unsigned int> n_in;
    for (const auto &d : result.devices)
      ++n_in[d.state];
    const auto &st = result.statistics;
    pcout << "Done in " << std::setprecision(3) << result.wall_seconds << " s: "
          << result.spikes.size() << " spikes; devices spiking " << n_in["spiking"]
          << ", single spike " << n_in["single spike"] << ", trapped " << n_in["trapped"]
          << ", quiescent " << n_in["quiescent"] << "\n"
          << "Steps " << st.steps << " (rejected " << st.rejected_steps
          << "), hysteresis reversals " << st.reversals << ", coupling windows "
          << st.windows << " (rejected " << st.rejected_windows << ", passes "
          << st.coupling_passes << ")";
    if (st.thermal_solves > 0)
      pcout << ", thermal solves " << st.thermal_solves << ", device Newton iterations "
            << st.newton_iterations;
    pcout << std::endl;
    if (n_devices() <= 8)
      for (const auto &d : result.devices)
        {
          pcout << "  " << settings.device_name(d.device) << ": " << d.state << ", " << d.spike_count
                << (d.spike_count == 1 ? " spike" : " spikes");
          if (d.mean_rate_hz >= 1e6)
            pcout << ", mean rate " << d.mean_rate_hz * 1e-6 << " MHz";
          else if (d.mean_rate_hz > 0)
            pcout << ", mean rate " << d.mean_rate_hz * 1e-3 << " kHz";
          pcout << std::endl;
        }
    timer.print_wall_time_statistics(comm);

    collectively(comm, [&]() {
      if (!folder || !root)
        return;
      traces.close();
      OutputFile spikes(folder->file("spikes.csv"));
      spikes << "device,t_peak_s,i_peak_A,energy_J\n";
      char line[160];
      for (const auto &s : result.spikes)
        {
          std::snprintf(line, sizeof(line), "%u,%.10g,%.8g,%.8g\n", s.device, s.t_peak,
                        s.i_peak, s.energy);
          spikes << line;
        }
      spikes.close();
      write_summary(folder->file("summary.json"), result, n_ranks);
    });
    return result;
  }

  void
  Simulation::integrate(const MPI_Comm comm, RunFolder *folder, const RunSink &sink,
                        dealii::TimerOutput &timer, dealii::ConditionalOStream &pcout,
                        OutputFile &traces, const bool resume, RunResult &result,
                        std::vector<DeviceOutcome> &outcomes) const
  {
    const bool root   = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
    auto       scheme = thermal->couple(
      CouplingContext{comm, circuits, integration,
                      TraceSettings{settings.trace_interval, settings.trace_spikes},
                      settings.traced(n_devices()), timer, pcout, folder,
                      folder ? settings.probes : std::vector<Probe>()});
    // Probes: a row of probes.csv after the first step at or past each multiple of the interval.
    OutputFile probes;
    double     next_probe = 0;
    if (folder && !settings.probes.empty())
      {
        collectively(comm, [&]() {
          if (!root || resume)
            return;
          probes.open(folder->file("probes.csv"));
          probes << "time_s";
          for (const auto &probe : settings.probes)
            probes << "," << parameter_tools::csv_quote("T_" + probe.name + "_K");
          probes << "\n";
        });
        scheme->step_end = [&](const double t) {
          if (t < next_probe * (1 - 1e-12))
            return;
          const auto T = scheme->probe_temperatures();
          next_probe   = next_multiple(t, settings.probe_interval);
          if (!root)
            return;
          char line[32];
          std::snprintf(line, sizeof(line), "%.10g", t);
          probes << line;
          for (const double value : T)
            {
              std::snprintf(line, sizeof(line), ",%.9g", value);
              probes << line;
            }
          probes << "\n";
        };
      }
    // Field snapshots: fields/temperature_NNNNN.pvtu and one .pvd series.
    std::vector<std::pair<double, std::string>> records;
    const std::string fields = folder ? folder->file("fields").string() : std::string();
    if (folder && thermal->has_field())
      {
        collectively(comm, [&]() {
          if (root)
            std::filesystem::create_directories(fields);
        });
        scheme->field_output = [&](const double t) {
          records.emplace_back(t, scheme->write_field(fields, records.size()));
        };
      }
    if (folder && thermal->has_checkpoints())
      {
        const std::string file = folder->file("checkpoint.bin").string();
        scheme->checkpoint_interval = settings.checkpoint_interval;
        scheme->checkpoint = [&, file](const double) {
          std::ostringstream buffer;
          BinaryWriter       out(root ? &buffer : nullptr);
          out(identity, scheme->time());
          std::uint64_t trace_bytes = 0, probe_bytes = 0;
          collectively(comm, [&]() {
            if (!root)
              return;
            traces.check(); // a checkpoint never points past what reached the disk
            trace_bytes = static_cast<std::uint64_t>(traces.tellp());
            if (probes.is_open())
              {
                probes.check();
                probe_bytes = static_cast<std::uint64_t>(probes.tellp());
              }
          });
          out.put(trace_bytes);
          out.put(probe_bytes);
          out.put(static_cast<std::uint64_t>(records.size()));
          for (const auto &[time, name] : records)
            out.put(time), out.put(name);
          scheme->save(out);
          collectively(comm, [&]() {
            if (!root)
              return;
            // The last checkpoint stays until this one is complete and verified.
            write_file_atomically(file, checkpoint_file::seal(buffer.str()));
          });
        };
        if (resume)
          {
            std::uint64_t trace_bytes = 0, probe_bytes = 0;
            read_checkpoint(file, *scheme, trace_bytes, probe_bytes, records);
            next_probe = next_multiple(scheme->time(), settings.probe_interval);
            collectively(comm, [&]() {
              if (!root)
                return;
              std::filesystem::resize_file(folder->file("traces.csv"), trace_bytes);
              traces.open(folder->file("traces.csv"), std::ios::app);
              if (settings.probes.empty())
                return;
              std::filesystem::resize_file(folder->file("probes.csv"), probe_bytes);
              probes.open(folder->file("probes.csv"), std::ios::app);
            });
            pcout << "Resumed from " << file << " at t = " << scheme->time() * 1e6 << " us"
                  << std::endl;
          }
      }
    result.spikes     = scheme->run(settings.end_time, sink);
    collectively(comm, [&]() {
      if (probes.is_open())
        probes.close();
    });
    result.statistics = scheme->statistics();
    result.model_counters = scheme->model_counters();
    outcomes          = scheme->outcomes();
    if (thermal->has_field())
      write_pvd_series(comm, fields + "/temperature.pvd", records);
    std::ostringstream report;
    scheme->report(report);
    if (!report.str().empty())
      pcout << report.str()
            << (thermal->has_field() ? ", " + std::to_string(records.size()) + " field snapshots" :
                                       std::string())
            << std::endl;
  }

  void
  Simulation::check_checkpoint(const std::string &file) const
  {
    std::istringstream in(checkpoint_file::open(file));
    BinaryReader       reader(in, file);
    check_checkpoint_header(reader, file);
    std::uint64_t trace_bytes = 0, probe_bytes = 0;
    reader(trace_bytes, probe_bytes);
    check_recorded_bytes(file, "traces.csv", trace_bytes);
    if (!settings.probes.empty())
      check_recorded_bytes(file, "probes.csv", probe_bytes);
    // The field records too, before the run folder is touched (the state
    // after them needs the mesh and is read by read_checkpoint).
    read_field_records(reader);
  }

  void
  Simulation::check_recorded_bytes(const std::string &file, const std::string &name,
                                   const std::uint64_t bytes)
  {
    const std::filesystem::path table = std::filesystem::path(file).parent_path() / name;
    std::error_code             ec;
    const auto                  size = std::filesystem::file_size(table, ec);
    if (ec || bytes > size)
      throw std::runtime_error("corrupt checkpoint '" + file + "': it records " +
                               std::to_string(bytes) + " bytes of '" + table.string() +
                               "', which holds " + (ec ? std::string("none") : std::to_string(size)));
  }

  void
  Simulation::check_checkpoint_header(BinaryReader &reader, const std::string &file) const
  {
    std::string saved_identity;
    double      time = 0;
    reader(saved_identity, time);
    if (saved_identity != identity)
      {
        // Name the first entry that differs.
        std::istringstream saved(saved_identity), now(identity);
        std::string        a, b;
        while (std::getline(saved, a) && std::getline(now, b) && a == b)
          ;
        throw InputError(file, "was written with other parameters ('" +
                                 parameter_tools::trim(a) + "', now '" +
                                 parameter_tools::trim(b) +
                                 "'); a resumed run may change only Run/End time, "
                                 "Progress interval, Checkpoint interval and Plot");
      }
    if (!(time < settings.end_time * (1 - 1e-12)))
      throw InputError("Run/End time", "the checkpoint in '" + file + "' is at t = " +
                                         parameter_tools::format_number(time) +
                                         " s already; give a later End time to go on");
  }

  void
  Simulation::read_checkpoint(const std::string                            &file,
                              CouplingScheme                               &integrator,
                              std::uint64_t                                &trace_bytes,
                              std::uint64_t                                &probe_bytes,
                              std::vector<std::pair<double, std::string>> &records) const
  {
    std::istringstream in(checkpoint_file::open(file));
    BinaryReader       reader(in, file);
    check_checkpoint_header(reader, file);
    reader(trace_bytes, probe_bytes);
    records = read_field_records(reader);
    integrator.load(reader);
  }

  std::vector<DeviceSummary>
  Simulation::summarize(const std::vector<Spike>         &spikes,
                        const std::vector<DeviceOutcome> &outcomes) const
  {
    std::vector<std::vector<double>> peaks(n_devices());
    std::vector<double>              energy(n_devices(), 0.0);
    for (const auto &s : spikes)
      peaks[s.device].push_back(s.t_peak), energy[s.device] += s.energy;
    std::vector<DeviceSummary> result;
    for (const auto &o : outcomes)
      {
        const auto  &p = peaks[o.device];
        DeviceSummary d{o.device,          static_cast<unsigned>(p.size()),
                        -1.0,              "quiescent",
                        p.empty() ? -1.0 : p.front(), p.empty() ? -1.0 : p.back(),
                        o.F,               p.empty() ? -1.0 : energy[o.device] / p.size()};
        if (o.quiet_metallic_time >= settings.trapped_time)
          d.state = "trapped";
        else if (p.size() >= 2)
          {
            d.state        = "spiking";
            d.mean_rate_hz = (p.size() - 1) / (p.back() - p.front());
          }
        else if (p.size() == 1)
          d.state = "single spike";
        result.push_back(d);
      }
    return result;
  }

  void
  Simulation::write_summary(const std::string &file, const RunResult &result,
                            const unsigned int n_ranks) const
  {
    const auto &st = result.statistics;
    Json        devices = Json::array();
    for (const auto &d : result.devices)
      devices.push_back(Json{{"device", d.device},
                             {"name", settings.device_name(d.device)},
                             {"spike_count", d.spike_count},
                             {"mean_rate_hz", missing_as_null(d.mean_rate_hz)},
                             {"state", d.state},
                             {"first_spike_s", missing_as_null(d.first_spike_s)},
                             {"last_spike_s", missing_as_null(d.last_spike_s)},
                             {"final_insulating_fraction", d.final_insulating_fraction},
                             {"mean_spike_energy_J", missing_as_null(d.mean_spike_energy_J)}});
    Json run{{"case", settings.case_name},
                   {"thermal_model", settings.thermal_model},
                   {"coupling", thermal->description()},
                   {"devices", n_devices()},
                   {"end_time_s", settings.end_time},
                   {"mpi_ranks", n_ranks},
                   {"wall_time_s", result.wall_seconds},
                   {"relative_tolerance", integration.relative_tolerance},
                   {"steps", st.steps},
                   {"rejected_steps", st.rejected_steps},
                   {"hysteresis_reversals", st.reversals},
                   {"coupling_windows", st.windows},
                   {"thermal_solves", st.thermal_solves},
                   {"total_spikes", result.spikes.size()}};
    for (const auto &[name, value] : result.model_counters)
      if (value == std::floor(value) && std::abs(value) < 1e15) // counts stay integers
        run[name] = static_cast<long long>(value);
      else
        run[name] = value;
    const Json program{{"name", "neuristor"},
                       {"version", version::number},
                       {"commit", version::commit}};
    write_json(file, Json{{"program", program}, {"run", run}, {"devices", devices}});
  }
} // namespace neuristor
