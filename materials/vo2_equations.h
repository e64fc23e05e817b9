#pragma once

#include <cmath>

namespace neuristor::vo2_equations
{
  // The VO2 model's formulas (Qiu et al. (S1)-(S4), (S7)), written once for
  // the scalar VO2Resistance and the vectorised VO2ResistanceBatch: each is
  // branch-free, so the vectoriser can inline it into a loop over devices.
  // Internal linkage (static): the batch's file is compiled with
  // -ffast-math, and its copies must not stand in for the scalar ones.

  constexpr double pi = 3.14159265358979323846;

  // Beyond this x, 1 + tanh(pi^2 - 2 pi x) < 4e-17: P and P' vanish in
  // double precision, and skipping sin, cos and tanh halves the cost of
  // R(T) on the long stretches far from the last reversal.
  constexpr double proximity_cutoff = 6.0;

  // 1 / (1 + exp(-y)) = (1 + tanh(y / 2)) / 2: one exp, where std::tanh
  // costs an expm1 and more (a quarter of a lumped run's time).
  static inline double
  logistic(const double y)
  {
    return 1 / (1 + std::exp(-y));
  }

  // Proximity function P(x) of (S4) and its derivative, for x <= proximity_cutoff.
  static inline void
  proximity(const double x, const double gamma, double &P, double &dP_dx)
  {
    const double s = std::sin(gamma * x);
    const double c = std::cos(gamma * x);
    const double g = logistic(2 * (pi * pi - 2 * pi * x)); // (1 + tanh) / 2
    P              = (1 - s) * g;
    dP_dx          = -gamma * c * g + (1 - s) * 2 * g * (1 - g) * (-2 * pi);
  }

  // Argument u of tanh in F and du/dT, given the proximity shift T_pr P and
  // its T-derivative P'(x).
  static inline void
  transition_argument(const double T, const double delta, const double half_width,
                      const double Tc, const double beta, const double shift,
                      const double dshift_dT, double &u, double &du_dT)
  {
    u     = beta * (delta * half_width + Tc - (T + shift));
    du_dT = -beta * (1 + dshift_dT);
  }

  // R = R0 exp(Ea/T) F + k Rm, dR/dT, F = (1 + tanh u)/2 and dF/dT from u.
  static inline void
  resistance(const double T, const double u, const double du_dT, const double R0,
             const double Ea, const double k_Rm, double &R, double &dR_dT, double &F,
             double &dF_dT)
  {
    F                      = logistic(2 * u);
    dF_dT                  = 2 * F * (1 - F) * du_dT;
    const double insulator = R0 * std::exp(Ea / T);
    R                      = insulator * F + k_Rm;
    dR_dT                  = insulator * (dF_dT - Ea / (T * T) * F);
  }
} // namespace neuristor::vo2_equations
