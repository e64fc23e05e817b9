#pragma once

#include "solver/coupling/random_stream.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace neuristor
{
  /**
   * One device's standard Wiener path W(t) [sqrt(s)]: exact Brownian values
   * at multiples of a fixed time step, linear in between. The path is a
   * function of (seed, device) alone: it does not depend on the integrator's
   * steps, on how often a coupling window is repeated, or on the MPI ranks,
   * so a repeated window sees the same noise and a neighbour's noise can be
   * known in advance. Values are drawn lazily in time order.
   */
  class NoisePath
  {
  public:
    NoisePath(const std::uint64_t seed, const std::uint64_t device, const double time_step)
      : stream(seed, device)
      , dt(time_step)
      , sqrt_dt(std::sqrt(time_step))
      , values{0.0}
    {}

    /** W(t) for t >= the time last forgotten. */
    double
    at(const double t)
    {
      const double  x = t / dt;
      const auto    k = std::max(static_cast<std::uint64_t>(x), first);
      const double  w0 = at_step(k);
      return w0 + (x - static_cast<double>(k)) * (at_step(k + 1) - w0);
    }

    /** W(k dt) for k at or after the step last forgotten. */
    double
    at_step(std::uint64_t k)
    {
      k = std::max(k, first); // a rounding below a step already forgotten
      if (k - first >= values.size())
        extend(k);
      return values[k - first];
    }

    /** Drop the values before t: later calls ask only for times >= t. */
    void
    forget_before(const double t)
    {
      const auto k = std::min(static_cast<std::uint64_t>(t / dt), first + values.size() - 1);
      // Erase in bulk, once the forgotten part is as long as the rest.
      if (k > first && 2 * (k - first) >= values.size())
        {
          values.erase(values.begin(), values.begin() + (k - first));
          first = k;
        }
    }

  private:
    void
    extend(const std::uint64_t k)
    {
      while (first + values.size() <= k)
        values.push_back(values.back() + sqrt_dt * stream.normal());
    }

    RandomStream        stream;
    double              dt, sqrt_dt;
    std::uint64_t       first = 0; // grid index of values.front()
    std::vector<double> values; // W at (first + m) dt
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
