#pragma once

#include "materials/vo2_resistance.h"

#include <cstddef>
#include <vector>

namespace neuristor
{
  /**
   * R(T) and F(T) of the VO2 model for many devices at once: one loop over
   * the devices that the compiler vectorises with glibc's vector math
   * library (libmvec), 8 doubles per instruction with AVX-512, 4 with AVX2,
   * 2 otherwise, chosen when the program starts. The equations are
   * VO2Resistance's (materials/vo2_equations.h); the results differ from it
   * by rounding only (libmvec's exp, sin and cos are within 4 ulp), below
   * 1e-12 relative over the whole temperature range and both branches
   * (test VO2ResistanceBatch.*). This is what a device integrator that
   * advances devices in batches evaluates at each stage.
   */
  class VO2ResistanceBatch
  {
  public:
    /** Where each device is: T and its memory, one entry per device (structure of arrays). */
    struct States
    {
      std::vector<double> T;      // K
      std::vector<double> branch; // +1 heating, -1 cooling
      std::vector<double> T_r;    // K, temperature at the last reversal
      std::vector<double> T_pr;   // K, its proximity temperature (1 where unused)
      std::vector<double> near;   // 1 after a reversal (proximity term on), else 0

      void
      resize(const std::size_t n);
      void
      set(const std::size_t i, const double T, const HysteresisState &memory);
    };

    /** R [Ohm], dR/dT [Ohm/K], F [1], dF/dT [1/K] per device. */
    struct Values
    {
      std::vector<double> R, dR_dT, F, dF_dT;
    };

    /** Append a device with its parameters. */
    void
    add(const VO2Parameters &parameters);

    std::size_t
    size() const
    {
      return R0.size();
    }

    /** The values of every device added, at its entry of `states`. */
    void
    evaluate(const States &states, Values &values) const;

  private:
    // Per device, as the loop reads them (structure of arrays).
    std::vector<double> R0, Ea, k_Rm, beta, half_width, Tc, gamma;
  };
} // namespace neuristor
