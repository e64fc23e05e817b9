#pragma once

#include "materials/vo2_resistance.h"

#include <deal.II/base/exceptions.h>

#include <cstddef>
#include <optional>
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
    /**
     * Entries are evaluated in blocks of this many, with no remainder
     * loop: a device's values then do not depend on where it stands in
     * the batch (a remainder would take the scalar libm), so a batch of
     * any devices gives each the same values.
     */
    static constexpr std::size_t block = 8;

    /**
     * The entries to evaluate: a device's T and memory each (structure of
     * arrays), padded to whole blocks, with the device's parameters copied
     * into the entry as it is set unless the model shares one set (the loop
     * then reads them in order: gathering them by device took a third of
     * its time, measured).
     */
    struct States
    {
      /** Entries of devices of `model` (which must outlive them). */
      explicit States(const VO2ResistanceBatch &model)
        : model(&model)
      {}

      std::vector<double> T;      // K
      std::vector<double> branch; // +1 heating, -1 cooling
      std::vector<double> T_r;    // K, temperature at the last reversal
      std::vector<double> T_pr;   // K, its proximity temperature (1 where unused)
      std::vector<double> near;   // 1 after a reversal (proximity term on), else 0
      // The device's parameters (as Parameters' fields).
      std::vector<double> R0, Ea, k_Rm, beta, half_width, Tc, gamma;

      /** n entries (the padding evaluates device 0 at 300 K). */
      void
      resize(const std::size_t n);
      /** Entry i: `device` at T on the branch of `memory`. */
      void
      set(const std::size_t i, const unsigned int device, const double T,
          const HysteresisState &memory);
      /** Entry i: device i. */
      void
      set(const std::size_t i, const double T, const HysteresisState &memory)
      {
        set(i, static_cast<unsigned int>(i), T, memory);
      }

    private:
      friend class VO2ResistanceBatch;
      const VO2ResistanceBatch *model;
    };

    /** R [Ohm], dR/dT [Ohm/K], F [1], dF/dT [1/K] per entry. */
    struct Values
    {
      std::vector<double> R, dR_dT, F, dF_dT;

      ResistanceValue
      operator[](const std::size_t i) const
      {
        return {R[i], dR_dT[i], F[i], dF_dT[i]};
      }
    };

    /** A model with a parameter set per device (add). */
    VO2ResistanceBatch() = default;

    /**
     * A model whose devices all have these parameters: its entries hold no
     * copies, and the loop reads the one set (2 % faster on the benchmark
     * lattice, measured). Its values differ from the per-device loop's by
     * rounding (the compiler folds the constants anew), so whether a run
     * uses it must depend on the run's devices alone, never on which of
     * them one MPI rank holds.
     */
    explicit VO2ResistanceBatch(const VO2Parameters &shared);

    /** Append a device with its parameters (a shared model's: those it shares). */
    void
    add(const VO2Parameters &parameters);

    std::size_t
    size() const
    {
      return devices.size();
    }

    /** The values of every entry of `states`. */
    void
    evaluate(const States &states, Values &values) const
    {
      evaluate(states, values, states.T.size());
    }

    /**
     * The same for the first n entries only (the blocks that hold them);
     * values keeps one per entry.
     */
    void
    evaluate(const States &states, Values &values, const std::size_t n) const;

  private:
    /** A device's parameters as the loop reads them. */
    struct Parameters
    {
      double R0, Ea, k_Rm, beta, half_width, Tc, gamma; // Ohm, K, Ohm, 1/K, K, K, 1

      static Parameters
      from(const VO2Parameters &p);

      bool
      operator==(const Parameters &other) const;
    };

    /**
     * The loop over the first `padded` entries, with the parameters of
     * entry i from `parameters_of(i)`: written once for both models.
     */
    template <typename ParametersOf>
    static void
    evaluate_entries(const States &states, Values &values, const std::size_t padded,
                     const ParametersOf &parameters_of);

    std::vector<Parameters>   devices;
    std::optional<Parameters> shared; // every device's, if they share one set
  };

  // Inline: the device batch sets an entry for every step it plans.
  inline void
  VO2ResistanceBatch::States::set(const std::size_t i, const unsigned int device_i,
                                  const double T_i, const HysteresisState &memory)
  {
    Assert(device_i < model->size(), dealii::ExcIndexRange(device_i, 0, model->size()));
    if (!model->shared)
      {
        const Parameters &p = model->devices[device_i];
        R0[i] = p.R0, Ea[i] = p.Ea, k_Rm[i] = p.k_Rm, beta[i] = p.beta;
        half_width[i] = p.half_width, Tc[i] = p.Tc, gamma[i] = p.gamma;
      }
    T[i]      = T_i;
    branch[i] = memory.delta;
    T_r[i]    = memory.T_r;
    // VO2Resistance's test, here once, so that the loop has no branch.
    const bool with_proximity = memory.reversed && memory.T_pr != 0.0;
    T_pr[i]                   = with_proximity ? memory.T_pr : 1.0;
    near[i]                   = with_proximity;
  }
} // namespace neuristor
