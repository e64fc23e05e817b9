#pragma once

#include "circuits/device_circuit.h"
#include "solver/io/checkpoint.h"
#include "solver/coupling/device_integrator.h"
#include "solver/coupling/coupling_scheme.h"
#include "solver/io/output_file.h"
#include "solver/io/run_folder.h"
#include "solver/app/run_settings.h"
#include "solver/thermal_models/interface.h"

#include <deal.II/base/parameter_handler.h>

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <map>
#include <vector>

namespace neuristor
{
  /** Per-device result as written to summary.json. */
  struct DeviceSummary
  {
    unsigned int device;
    unsigned int spike_count;
    double       mean_rate_hz;  // Hz, only while spiking; -1 otherwise (null in summary.json)
    std::string  state;         // quiescent, single spike, spiking or trapped (README)
    double       first_spike_s; // -1 if none (null in summary.json)
    double       last_spike_s;  // -1 if none
    double       final_insulating_fraction; // F at the end
    double       mean_spike_energy_J; // J, Joule energy per spike; -1 without spikes
  };

  /** Everything a run produces, for tests and sweeps. */
  struct RunResult
  {
    std::vector<DeviceSummary> devices;
    std::vector<Spike>         spikes; // all devices, by time
    std::vector<double>        final_temperatures; // K, per device
    IntegrationStatistics      statistics;
    std::map<std::string, double> model_counters; // of the thermal model, for summary.json
    double                     wall_seconds;

    /** Peak times of one device's spikes, in order [s]. */
    std::vector<double>
    spike_times(const unsigned int device) const
    {
      std::vector<double> times;
      for (const auto &s : spikes)
        if (s.device == device)
          times.push_back(s.t_peak);
      return times;
    }
  };

  /**
   * A run of N thermal neuristors (circuits/, materials/) coupled either by
   * the lumped thermal network (NetworkIntegrator) or by the heat flow
   * through the layout (ElectroThermalIntegrator on the finite-element
   * LayoutHeatModel), with the run folder outputs traces.csv, spikes.csv,
   * summary.json, traces.png and, in finite-element mode, fields/ with a VTU
   * series.
   */
  class Simulation
  {
  public:
    /** Parse and validate (prm declared by case_schema); InputError on bad input. */
    explicit Simulation(dealii::ParameterHandler &prm);

    /**
     * Run and write the outputs into the folder; `console` gets the log
     * (rank 0). With `resume`, go on from the folder's checkpoint.bin
     * (finite-element mode). Returns the results on every rank (spikes on
     * rank 0 only).
     */
    RunResult
    run(const MPI_Comm comm, RunFolder &folder, std::ostream &console,
        const bool resume = false) const;

    /** Run without writing anything (tests, benchmarks). */
    RunResult
    run(const MPI_Comm comm, std::ostream &console) const;

    /**
     * Check that a checkpoint belongs to this case (same parameters apart
     * from Run/End time, Progress interval, Checkpoint interval and Plot)
     * and ends before Run/End time; InputError naming the difference if not.
     * The whole file is verified first (length, checksum, the traces.csv
     * beside it): a corrupt checkpoint is refused before anything is touched.
     */
    void
    check_checkpoint(const std::string &file) const;

    unsigned int
    n_devices() const
    {
      return circuits.size();
    }

    const RunSettings &
    run_settings() const
    {
      return settings;
    }

    const ThermalModelInterface &
    thermal_model() const
    {
      return *thermal;
    }

  private:
    RunResult
    execute(const MPI_Comm comm, RunFolder *folder, std::ostream &console,
            const bool resume) const;

    /**
     * Integrate with the chosen thermal model; fills spikes, statistics,
     * outcomes. `traces` is open unless resuming: then it is cut back to the
     * checkpoint and opened here.
     */
    void
    integrate(const MPI_Comm comm, RunFolder *folder, const RunSink &sink,
              dealii::TimerOutput &timer, dealii::ConditionalOStream &pcout,
              OutputFile &traces, const bool resume, RunResult &result,
              std::vector<DeviceOutcome> &outcomes) const;

    /**
     * Load a checkpoint into the integrator after checking it belongs to
     * this case; InputError if missing or written for other parameters.
     */
    void
    read_checkpoint(const std::string                            &file,
                    CouplingScheme                               &integrator,
                    std::uint64_t                                &trace_bytes,
                    std::uint64_t                                &probe_bytes,
                    std::vector<std::pair<double, std::string>> &records) const;

    /** std::runtime_error if the checkpoint records more bytes of the table `name` beside it than it holds. */
    static void
    check_recorded_bytes(const std::string &file, const std::string &name, const std::uint64_t bytes);

    /** Read and check the start of a checkpoint's payload (parameters, time). */
    void
    check_checkpoint_header(BinaryReader &reader, const std::string &file) const;

    std::vector<DeviceSummary>
    summarize(const std::vector<Spike>         &spikes,
              const std::vector<DeviceOutcome> &outcomes) const;

    void
    write_summary(const std::string &file, const RunResult &result,
                  const unsigned int n_ranks) const;

    RunSettings                                  settings;
    IntegratorSettings                           integration;
    std::shared_ptr<const ThermalModelInterface> thermal;
    DeviceCircuits                               circuits;
    // The parameters a checkpoint must match: all but those a resumed run
    // may change (end time, progress, checkpoint cadence, plotting).
    std::string identity;
  };
} // namespace neuristor
