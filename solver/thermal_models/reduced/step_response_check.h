#pragma once

#include "solver/thermal_models/reduced/modal_basis.h"

#include <vector>

namespace neuristor
{
  /**
   * The a posteriori check of a reduced model: full finite-element step
   * responses (a unit power switched on in one device at t = 0, the rises
   * of all devices) against the reduced model's on the same BDF2 steps, so
   * that the difference is the reduction error alone. The error is the
   * largest deviation of any device at any step relative to that device's
   * own peak rise (at least 1 % of the heated device's): the neighbours'
   * small, delayed rises are what excites them, so they count as much.
   */
  class StepResponseCheck
  {
  public:
    /**
     * Compute the full responses of the probe devices up to t_end (steps
     * growing geometrically from t_end / 2e4); resets the heat equation.
     */
    StepResponseCheck(HeatEquation &heat, const std::vector<unsigned int> &probes, const double t_end);

    /** The relative error of the reduced model (largest over probes). */
    double
    error(const ModalBasis &basis) const;

    /** The step ends [s]. */
    const std::vector<double> &
    times() const
    {
      return step_ends;
    }

    /** Rises [K] of every device after every step, per probe (per watt). */
    const std::vector<std::vector<std::vector<double>>> &
    full_responses() const
    {
      return full;
    }

    /** The same responses of a reduced model. */
    std::vector<std::vector<std::vector<double>>>
    reduced_responses(const ModalBasis &basis) const;

    /**
     * Rises [K per W] of every device of a reduced model after each step
     * (steps ending at step_ends, from rest) with 1 W in each probe: [probe][step][device].
     */
    static std::vector<std::vector<std::vector<double>>>
    modal_responses(const ModalBasis                &basis,
                    const std::vector<unsigned int> &probes,
                    const std::vector<double>       &step_ends);

    /**
     * The check's error measure for responses [probe][step][device]: the
     * largest deviation of a device relative to its own peak full rise (at
     * least 1 % of the heated device's).
     */
    static double
    relative_error(const std::vector<std::vector<std::vector<double>>> &full,
                   const std::vector<std::vector<std::vector<double>>> &reduced,
                   const std::vector<unsigned int>                     &probes);

    unsigned long
    solves() const
    {
      return step_ends.size() * probes.size();
    }

  private:
    std::vector<unsigned int>                     probes;
    std::vector<double>                           step_ends;
    std::vector<std::vector<std::vector<double>>> full; // [probe][step][device]
  };
} // namespace neuristor
