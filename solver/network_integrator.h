#pragma once

#include "circuits/lumped_thermal_network.h"
#include "solver/device_integrator.h"
#include "solver/mpi_tools.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <functional>
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
    bool         in_spike;      // still in a metallic episode at the end
    double       episode_start; // s
    Spike        running;       // that episode as a spike
    double       V, T;
  };

  /** What every integrator reports after run(): counters and end states. */
  class IntegratorReport
  {
  public:
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

  protected:
    IntegrationStatistics      stats;
    std::vector<DeviceOutcome> final_outcomes;
  };

  /**
   * Co-simulates all devices of a lumped thermal network by multirate
   * waveform relaxation: time is cut into coupling windows; in each window
   * every device runs its own adaptive steps with the heat from its
   * neighbours given as a cubic in time (values and slopes at the window
   * ends); the window is repeated with the updated neighbour temperatures
   * until they change by less than the coupling tolerance (Jacobi
   * iteration: independent of the order of devices and of the MPI
   * partition). The window length adapts to the predictor error.
   *
   * Devices are split over the ranks of the communicator in contiguous
   * blocks; each window exchanges two numbers per device.
   */
  class NetworkIntegrator : public IntegratorReport
  {
  public:
    NetworkIntegrator(const MPI_Comm                       comm,
                      const LumpedThermalNetwork          &network,
                      const std::vector<NeuristorCircuit> &circuits,
                      const IntegratorSettings            &settings,
                      const double                         sample_interval,
                      const std::vector<bool>             &traced,
                      dealii::TimerOutput                 &timer);

    /** Run to t_end; returns the spikes of all devices on rank 0. */
    std::vector<Spike>
    run(const double t_end, const RunSink &sink);

  private:
    /** Heat input q and dq/dt for device i from global T, dT/dt vectors. */
    void
    heat_from(const unsigned int         i,
              const std::vector<double> &T,
              const std::vector<double> &dT,
              double                    &q,
              double                    &dq) const;

    void
    all_gather(const std::vector<double> &local, std::vector<double> &global) const;

    MPI_Comm                      comm;
    const LumpedThermalNetwork   &network;
    std::vector<DeviceIntegrator> integrators; // local devices only
    IntegratorSettings            settings;
    std::vector<bool>             traced;
    dealii::TimerOutput          &timer;

    unsigned int              first, last; // local device range
    std::vector<int>          counts, offsets;
    std::vector<DeviceState>  states;
  };
} // namespace neuristor
