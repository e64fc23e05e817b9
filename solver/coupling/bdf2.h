#pragma once

#include <array>

namespace neuristor
{
  /**
   * Variable-step BDF2 (BDF1 for the first step): y' ~ (a0 y^{n+1} + a1 y^n
   * + a2 y^{n-1}) / dt for a step dt after a step dt_old. One definition for
   * the heat equation and the reduced model, whose steps must agree.
   */
  inline std::array<double, 3>
  bdf2_coefficients(const double dt, const double dt_old, const bool first_step)
  {
    if (first_step)
      return {{1.0, -1.0, 0.0}};
    const double w = dt / dt_old;
    return {{(1 + 2 * w) / (1 + w), -(1 + w), w * w / (1 + w)}};
  }
} // namespace neuristor
