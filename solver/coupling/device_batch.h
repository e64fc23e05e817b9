#pragma once

#include "materials/vo2_resistance_batch.h"
#include "solver/coupling/device_integrator.h"

#include <memory>
#include <vector>

namespace neuristor
{
  /**
   * Advances many devices over one coupling window in lock step: in each
   * round every device short of the window end plans and tries one step of
   * its own size, in DeviceIntegrator's stages, and between the stages the
   * device states R(T) of all of them are evaluated at once, vectorised
   * over the devices (VO2ResistanceBatch). The scheme, the step control and
   * the events are DeviceIntegrator's, device by device; the results differ
   * from advancing one device at a time by the rounding of the vectorised
   * R(T) only (1e-12 relative), and each device's values do not depend on
   * which devices share its batch (so neither on the MPI ranks).
   */
  class DeviceBatch
  {
  public:
    /** One device's part in a batch: its state, input and outputs. */
    struct Work
    {
      unsigned int         k;      // index into the integrators
      unsigned int         device; // global number, for outputs
      DeviceState         *state;
      const HeatInput     *heat;
      NoisePath           *noise; // null without noise
      bool                 traced;
      std::vector<Sample> *samples;
      std::vector<Spike>  *spikes;
    };

    /** The batch of these devices, or null if one has no vectorised model (only VO2 has). */
    static std::unique_ptr<DeviceBatch>
    create(const std::vector<DeviceIntegrator> &integrators);

    /** Advance every device of `work` to t_end. */
    void
    advance(const std::vector<Work> &work, const double t_end);

  private:
    // Devices advanced together: enough for full vectors, few enough that
    // their states stay in cache from round to round (all 4096 of a
    // lattice at once ran 1.2x slower with noise; measured).
    static constexpr std::size_t chunk = 64;

    /** Advance work[begin, end) to t_end. */
    void
    advance(const std::vector<Work> &work, const std::size_t begin, const std::size_t end,
            const double t_end);

    DeviceBatch(const std::vector<DeviceIntegrator> &integrators, VO2ResistanceBatch model);

    /** R(T) at `entries` of `work`, at T_half (first) or the end T of their steps. */
    void
    evaluate(const std::vector<Work> &work, const std::vector<unsigned int> &entries,
             const bool at_half);

    const std::vector<DeviceIntegrator> &integrators;
    VO2ResistanceBatch                   model;
    // Reused from round to round.
    std::vector<DeviceIntegrator::Step> steps;
    std::vector<unsigned int>           running, stepping, ending;
    VO2ResistanceBatch::States          states;
    VO2ResistanceBatch::Values          values;
  };
} // namespace neuristor
