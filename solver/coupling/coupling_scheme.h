#pragma once

#include "circuits/device_circuit.h"
#include "solver/io/checkpoint.h"
#include "solver/coupling/spike_detector.h"

#include <deal.II/base/mpi.h>

#include <cmath>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace neuristor
{
  /** Counters reported in the summary and by the benchmark. */
  struct IntegrationStatistics
  {
    unsigned long steps = 0, rejected_steps = 0, reversals = 0;
    unsigned long windows = 0, rejected_windows = 0, coupling_passes = 0;
    unsigned long thermal_solves = 0, newton_iterations = 0; // finite-element mode
  };

  /** What the network integrator hands out while it runs. */
  struct RunSink
  {
    /** Trace samples of one accepted window from all ranks (root only). */
    std::function<void(std::vector<Sample> &&)> samples;
    /** Progress after each window: time, window length, spikes so far. */
    std::function<void(double, double, unsigned long)> progress;
  };

  /** Per-device result at the end of a run (gathered on every rank). */
  struct DeviceOutcome
  {
    unsigned int device;
    bool         in_spike;            // a spike still running at the end
    Spike        running;             // that spike
    double       quiet_metallic_time; // s metallic without a spike at the end
    double       F;                   // insulating fraction at the end
    double       V, T;
  };

  /**
   * The first multiple of `interval` after t [s]; t a rounding short of a
   * multiple counts as on it (so an output or checkpoint is not repeated).
   */
  inline double
  next_multiple(const double t, const double interval)
  {
    return (std::floor(t / interval + 1e-9) + 1) * interval;
  }

  /** The end state of `device` from its spike detector. */
  DeviceOutcome
  device_outcome(const unsigned int   device,
                 const SpikeDetector &detector,
                 const double         V,
                 const double         T);

  /**
   * Every rank's trace rows, in order of time then device, to the sink on
   * rank 0 (collective).
   */
  void
  emit_samples(const MPI_Comm comm, const std::vector<Sample> &local, const RunSink &sink);

  /** Every rank's spikes in order of peak time then device, on rank 0 or on all (collective). */
  std::vector<Spike>
  gather_spikes(const MPI_Comm comm, const std::vector<Spike> &local, const bool on_all_ranks);

  /**
   * A coupling scheme: how the devices and a thermal model are advanced
   * together in time (waveform relaxation over windows for the lumped
   * network, a monolithic Newton per step for the heat equation). A thermal
   * model creates the scheme that suits it; the run talks to this interface
   * only. Checkpoints and field output are hooks a scheme calls when it can.
   */
  class CouplingScheme
  {
  public:
    virtual ~CouplingScheme() = default;

    /**
     * Run to t_end (from t = 0, or on from a loaded state); returns the
     * finished spikes of all devices (on rank 0 at least).
     */
    virtual std::vector<Spike>
    run(const double t_end, const RunSink &sink) = 0;

    /** Simulated time reached [s]. */
    virtual double
    time() const = 0;

    /** Write the whole state for a checkpoint (collective). */
    virtual void
    save(BinaryWriter &out) const;

    /** Continue from a saved state: the next run() goes on from its time. */
    virtual void
    load(BinaryReader &in);

    /**
     * Write the thermal model's field at the present time as snapshot
     * `index` into `folder`; returns the file name for the .pvd series.
     */
    virtual std::string
    write_field(const std::string &folder, const unsigned int index) const;

    /** A closing line about the thermal model's work (solves, DoFs), if any. */
    virtual void
    report(std::ostream &log) const;

    /**
     * The temperatures [K] at the context's probes now (collective; only
     * for thermal models with has_probes()).
     */
    virtual std::vector<double>
    probe_temperatures() const;

    /** Called (on every rank) when a field snapshot is due, after a step. */
    std::function<void(double)> field_output;

    /** Called (on every rank) after every accepted step, with the time reached. */
    std::function<void(double)> step_end;

    /**
     * Called (on every rank) after the step that reaches each multiple of
     * checkpoint_interval [s of simulated time] and at the end; it saves
     * the state with save().
     */
    std::function<void(double)> checkpoint;
    double                      checkpoint_interval = 0;

    const IntegrationStatistics &
    statistics() const
    {
      return stats;
    }

    /** End states of all devices (valid on every rank after run()). */
    const std::vector<DeviceOutcome> &
    outcomes() const
    {
      return final_outcomes;
    }

    /** Counters of the thermal model for summary.json (e.g. reduced-model builds). */
    const std::map<std::string, double> &
    model_counters() const
    {
      return counters;
    }

  protected:
    IntegrationStatistics         stats;
    std::map<std::string, double> counters;
    std::vector<DeviceOutcome> final_outcomes;
  };

} // namespace neuristor
