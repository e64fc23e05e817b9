#pragma once

namespace neuristor
{
  /**
   * The thermal node of one device in the lumped network (S6, S8, S9):
   *   C_th dT/dt = P - S_env (T - T0) - S_coupled T + q(t),
   * q the heat flowing in from the other devices.
   */
  struct ThermalNode
  {
    double C_th;      // J/K
    double S_env;     // W/K, to the stage at T0
    double S_coupled; // W/K, sum of the conductances to other devices
    double T0;        // K

    /** dT/dt [K/s] at T with the Joule power P and the heat input q [W]. */
    static double
    rate(const double C_th, const double S_env, const double S_coupled, const double T0,
         const double P, const double T, const double q)
    {
      return (P - S_env * (T - T0) - S_coupled * T + q) / C_th;
    }

    double
    rate(const double P, const double T, const double q) const
    {
      return rate(C_th, S_env, S_coupled, T0, P, T, q);
    }

    /** 1/s: how fast T relaxes with P and q held (minus d rate / dT). */
    double
    relaxation_rate() const
    {
      return (S_env + S_coupled) / C_th;
    }
  };
} // namespace neuristor
