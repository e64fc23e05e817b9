#pragma once

#include "solver/thermal_models/lumped/lumped_thermal_network.h"
#include "solver/coupling/coupling_scheme.h"
#include "solver/coupling/device_integrator.h"
#include "solver/base/mpi_tools.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <functional>
#include <memory>
#include <vector>

namespace neuristor
{
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
  class NetworkIntegrator : public CouplingScheme
  {
  public:
    NetworkIntegrator(const MPI_Comm                       comm,
                      const LumpedThermalNetwork          &network,
                      const DeviceCircuits                &circuits,
                      const IntegratorSettings            &settings,
                      const TraceSettings                 &trace,
                      const std::vector<bool>             &traced,
                      dealii::TimerOutput                 &timer);

    /** Run to t_end; returns the spikes of all devices on rank 0. */
    std::vector<Spike>
    run(const double t_end, const RunSink &sink) override;

    double
    time() const override
    {
      return t_reached;
    }

  private:
    /** sigma sum_j S_ij W_j of every local device i on the noise grid over [t, t + H]. */
    void
    sum_neighbour_noise(const double t, const double H);

    /** sigma (W_i(t + H) - W_i(t)): device i's own noise over a window [K]. */
    double
    noise_increment(const unsigned int i, const double t, const double H) const;

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
    double                        sigma; // K/sqrt(s)

    unsigned int              first, last; // local device range
    std::vector<int>          counts, offsets;
    std::vector<DeviceState>  states;
    std::vector<std::unique_ptr<NoisePath>> noise; // of local devices and their neighbours
    std::vector<GridFunction> noise_sums;          // local, over the window
    double                    t_reached = 0;
  };
} // namespace neuristor
