#include "materials/vo2_resistance.h"

#include "materials/vo2_equations.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace neuristor
{
  namespace
  {
    namespace eq = vo2_equations;

    const double proximity_at_zero = eq::logistic(2 * eq::pi * eq::pi); // (1 + tanh(pi^2)) / 2
  } // namespace

  void
  VO2Parameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using parameter_tools::declare_per_device;
    declare_per_device(prm, "R0", "5.359e-3",
                       "Prefactor R0 of the insulating resistance "
                       "R0 exp(Ea/T) [Ohm].");
    declare_per_device(prm, "Ea", "5220", "Activation temperature Ea [K].");
    declare_per_device(prm, "Rm", "262.5",
                       "Quasi-static metallic resistance Rm [Ohm].");
    declare_per_device(prm, "Filament factor k", "4.90",
                       "Filament factor k: while spiking the metallic "
                       "resistance is k Rm [dimensionless].");
    declare_per_device(prm, "beta", "0.253",
                       "Sharpness beta of the transition [1/K].");
    declare_per_device(prm, "Hysteresis width w", "7.193",
                       "Width w of the major hysteresis loop [K].");
    declare_per_device(prm, "Tc", "332.8",
                       "Centre Tc of the transition [K].");
    declare_per_device(prm, "gamma", "0.956",
                       "Shape parameter gamma of the proximity function "
                       "[dimensionless].");
    prm.declare_entry("Tc spread", "0", dealii::Patterns::Double(0),
                      "Device-to-device variation of Tc: standard deviation of a "
                      "normal deviate (cut at 3 standard deviations) added to "
                      "each device's Tc [K]; 0: none.");
    prm.declare_entry("R0 spread", "0", dealii::Patterns::Double(0),
                      "Device-to-device variation of R0: each device's R0 is "
                      "multiplied by exp(s x), x a normal deviate cut at 3 "
                      "standard deviations, s this entry [dimensionless]; 0: none.");
    prm.declare_entry("Variability seed", "1", dealii::Patterns::Integer(0),
                      "Seed of the device-to-device variation: the same seed "
                      "gives the same devices on any number of MPI ranks "
                      "[dimensionless].");
  }

  namespace
  {
    /**
     * Seeded device-to-device variation: per device, in device order, a
     * deviate for Tc and then one for R0, so the devices do not depend on
     * the rank count and a device keeps its values when the other spread
     * changes.
     */
    void
    apply_variability(const dealii::ParameterHandler &prm, std::vector<VO2Parameters> &devices)
    {
      const double Tc_spread = prm.get_double("Tc spread");
      const double R0_spread = prm.get_double("R0 spread");
      if (Tc_spread == 0 && R0_spread == 0)
        return;
      std::mt19937_64                  generator(prm.get_integer("Variability seed"));
      std::normal_distribution<double> normal;
      const auto                       deviate = [&] {
        double x;
        do
          x = normal(generator);
        while (std::abs(x) > 3);
        return x;
      };
      for (auto &device : devices)
        {
          const double x_Tc = deviate(), x_R0 = deviate();
          device.Tc += Tc_spread * x_Tc;
          device.R0 *= std::exp(R0_spread * x_R0);
        }
    }
  } // namespace

  std::vector<VO2Parameters>
  VO2Parameters::parse_parameters(const dealii::ParameterHandler &prm,
                                  const unsigned int              n_devices)
  {
    const auto get = [&](const std::string &entry) {
      return parameter_tools::per_device_doubles(prm, "VO2", entry, n_devices);
    };
    const auto R0 = get("R0"), Ea = get("Ea"), Rm = get("Rm"),
               k = get("Filament factor k"), beta = get("beta"),
               w = get("Hysteresis width w"), Tc = get("Tc"),
               gamma = get("gamma");

    std::vector<VO2Parameters> result(n_devices);
    for (unsigned int i = 0; i < n_devices; ++i)
      {
        result[i] = {R0[i], Ea[i], Rm[i], k[i], beta[i], w[i], Tc[i], gamma[i]};
        result[i].validate();
      }
    apply_variability(prm, result);
    for (const auto &device : result)
      device.validate();
    return result;
  }

  void
  VO2Parameters::validate() const
  {
    const auto require = [](const bool ok, const std::string &entry,
                            const std::string &reason) {
      if (!ok)
        throw InputError("VO2/" + entry, reason);
    };
    require(R0 > 0, "R0", "must be > 0");
    require(Ea >= 0, "Ea", "must be >= 0");
    require(Rm >= 0, "Rm", "must be >= 0");
    require(k >= 1, "Filament factor k", "must be >= 1 (filament fills 1/k)");
    require(beta > 0, "beta", "must be > 0");
    require(w >= 0, "Hysteresis width w", "must be >= 0");
    require(Tc > 0, "Tc", "must be > 0");
    require(gamma > 0, "gamma", "must be > 0");
  }

  VO2Resistance::VO2Resistance(const VO2Parameters &parameters)
    : p(parameters)
  {}

  void
  VO2Resistance::transition_argument(const double           T,
                                     const HysteresisState &state,
                                     double                &u,
                                     double                &du_dT) const
  {
    double shift = 0, dshift_dT = 0;
    if (state.reversed && state.T_pr != 0.0)
      {
        const double x = (T - state.T_r) / state.T_pr;
        if (x <= eq::proximity_cutoff)
          {
            double P, dP_dx;
            eq::proximity(x, p.gamma, P, dP_dx);
            shift     = state.T_pr * P;
            dshift_dT = dP_dx;
          }
      }
    eq::transition_argument(T, state.delta, 0.5 * p.w, p.Tc, p.beta, shift, dshift_dT, u,
                            du_dT);
  }

  double
  VO2Resistance::insulating_fraction(const double           T,
                                     const HysteresisState &state) const
  {
    double u, du_dT;
    transition_argument(T, state, u, du_dT);
    return eq::logistic(2 * u);
  }

  ResistanceValue
  VO2Resistance::evaluate(const double T, const HysteresisState &state) const
  {
    double u, du_dT;
    transition_argument(T, state, u, du_dT);
    ResistanceValue r;
    eq::resistance(T, u, du_dT, p.R0, p.Ea, p.k * p.Rm, r.R, r.dR_dT, r.F, r.dF_dT);
    return r;
  }

  HysteresisState
  VO2Resistance::reverse(const double T, const HysteresisState &state) const
  {
    return reversed(T, state, insulating_fraction(T, state));
  }

  HysteresisState
  VO2Resistance::reverse_with(const double T, const HysteresisState &state,
                              const ResistanceValue &at_T) const
  {
    return reversed(T, state, at_T.F);
  }

  HysteresisState
  VO2Resistance::reversed(const double T, const HysteresisState &state, const double F_r) const
  {
    // Keep F continuous: the new branch passes through (T, F(T)).
    const double y = std::clamp(2 * F_r - 1, -1 + 1e-15, 1 - 1e-15);

    HysteresisState next;
    next.delta    = -state.delta;
    next.reversed = true;
    next.T_r      = T;
    next.T_pr = (next.delta * 0.5 * p.w + p.Tc - std::atanh(y) / p.beta - T) /
                proximity_at_zero;
    return next;
  }
} // namespace neuristor
