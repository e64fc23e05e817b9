#pragma once

#include "solver/coupling/random_stream.h"

#include <deal.II/base/exceptions.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace neuristor
{
  /**
   * One device's standard Wiener path W(t) [sqrt(s)]: exact Brownian values
   * at multiples of a fixed time step (linear in between, GridFunction).
   * The path is a function of (seed, device) alone: it does not depend on
   * the integrator's steps, on how often a coupling window is repeated, or
   * on the MPI ranks, so a repeated window sees the same noise and a
   * neighbour's noise can be known in advance. Values are drawn in time
   * order; WindowNoise keeps those a window needs.
   */
  class NoisePath
  {
  public:
    NoisePath(const std::uint64_t seed, const std::uint64_t device, const double time_step)
      : stream(seed, device)
      , sqrt_dt(std::sqrt(time_step))
    {}

    /** W(k dt), for k at or after the point last asked for. */
    double
    at_step(const std::uint64_t k)
    {
      Assert(k >= point, dealii::ExcMessage("noise points are drawn in time order"));
      for (; point < k; ++point)
        value += sqrt_dt * stream.normal();
      return value;
    }

  private:
    RandomStream  stream;
    double        sqrt_dt;
    std::uint64_t point = 0;   // the grid point of value
    double        value = 0.0; // W(point dt)
  };

  /**
   * A function linear between the points of a uniform time grid, from k0 dt
   * on: a view of values kept elsewhere, every stride-th one.
   */
  struct GridFunction
  {
    std::uint64_t k0 = 0;
    double        dt = 1;
    const double *values = nullptr; // at (k0 + m) dt: values[m stride]
    std::size_t   size   = 0;       // points, at least 2
    std::size_t   stride = 1;

    double
    operator()(const double t) const
    {
      const double x  = t / dt - static_cast<double>(k0);
      const auto   m  = std::min(static_cast<std::size_t>(std::max(x, 0.0)), size - 2);
      const double v0 = values[m * stride], v1 = values[(m + 1) * stride];
      return v0 + (x - static_cast<double>(m)) * (v1 - v0);
    }
  };
} // namespace neuristor
