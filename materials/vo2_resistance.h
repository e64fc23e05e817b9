#pragma once

#include "materials/device_model.h"

#include <deal.II/base/parameter_handler.h>

#include <array>
#include <vector>

namespace neuristor
{
  /**
   * Fitted parameters of the VO2 resistance model, eqs. (S1)-(S4) and (S7) of
   * Qiu et al. Defaults are the seed's fit of the Fig. 2 device.
   */
  struct VO2Parameters
  {
    double R0    = 5.359e-3; // Ohm, prefactor of the insulating resistance
    double Ea    = 5220.0;   // K, activation temperature
    double Rm    = 262.5;    // Ohm, quasi-static metallic resistance
    double k     = 4.90;     // filament factor: metallic resistance is k Rm
    double beta  = 0.253;    // 1/K, sharpness of the transition
    double w     = 7.193;    // K, hysteresis width
    double Tc    = 332.8;    // K, centre of the transition
    double gamma = 0.956;    // shape of the proximity function

    /** Declare the entries (current subsection) with their units. */
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** One parameter set per device; each entry holds one value or one per device. */
    static std::vector<VO2Parameters>
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              n_devices);

    /** Throws InputError if a value is unphysical. */
    void
    validate() const;

    /** Every parameter, in declaration order (comparisons and keys). */
    std::array<double, 8>
    values() const
    {
      return {{R0, Ea, Rm, k, beta, w, Tc, gamma}};
    }

    bool
    operator==(const VO2Parameters &other) const
    {
      return values() == other.values();
    }
  };
  static_assert(sizeof(VO2Parameters) == sizeof(std::array<double, 8>),
                "a new parameter must join VO2Parameters::values()");

  /**
   * The hysteretic VO2 resistance R(T, history) of Almeida et al. in the form
   * of Qiu et al. (S1)-(S4), with the filament factor k of (S7):
   *
   *   R = R0 exp(Ea/T) F(T) + k Rm
   *   F = 1/2 + 1/2 tanh(beta [delta w/2 + Tc - (T + Tpr P((T - Tr)/Tpr))])
   *   Tpr = (delta w/2 + Tc - atanh(2 F(Tr) - 1)/beta - Tr) / P(0)
   *   P(x) = 1/2 (1 - sin(gamma x)) (1 + tanh(pi^2 - 2 pi x))
   *
   * The division by P(0) = (1 + tanh(pi^2))/2 = 1 - 5e-9 makes F exactly
   * continuous at a reversal (the seed's form is continuous only to ~1e-8).
   */
  class VO2Resistance : public DeviceModel
  {
  public:
    explicit VO2Resistance(const VO2Parameters &parameters = VO2Parameters());

    /** Insulating fraction F at temperature T on the branch of state. */
    double
    insulating_fraction(const double T, const HysteresisState &state) const;

    /** R, dR/dT (branch fixed) and F at temperature T. */
    ResistanceValue
    evaluate(const double T, const HysteresisState &state) const override;

    /**
     * The state after dT/dt changes sign at temperature T: F(T) is kept, the
     * branch flips, and the new proximity temperature is recorded.
     */
    HysteresisState
    reverse(const double T, const HysteresisState &state) const override;

    /** The same with F(T) on the old branch taken from at_T. */
    HysteresisState
    reverse_with(const double T, const HysteresisState &state,
                 const ResistanceValue &at_T) const override;

    /** 1/k: the metallic current flows in a filament (S7). */
    double
    filament_fraction() const override
    {
      return 1 / p.k;
    }

    const VO2Parameters &
    parameters() const
    {
      return p;
    }

  private:
    /** The state after a reversal at T where the old branch gives F_r. */
    HysteresisState
    reversed(const double T, const HysteresisState &state, const double F_r) const;

    /** Argument of tanh in F, and its T-derivative. */
    void
    transition_argument(const double           T,
                        const HysteresisState &state,
                        double                &u,
                        double                &du_dT) const;

    VO2Parameters p;
  };
} // namespace neuristor
