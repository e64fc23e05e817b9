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
   *
   * Alongside W, the path as a node relaxing at the rate lambda sees it:
   * X with dX/dt = -lambda X + dW/dt [sqrt(s)], W taken linear between
   * the points (an Ornstein-Uhlenbeck path). A device's temperature less
   * sigma X is smooth where its node is quiet (the noise's relaxation is in
   * X), which is what the coupling windows predict.
   */
  class NoisePath
  {
  public:
    /** The path of (seed, device) on the grid of time_step [s], relaxed at lambda [1/s]. */
    NoisePath(const std::uint64_t seed, const std::uint64_t device, const double time_step,
              const double lambda)
      : stream(seed, device)
      , sqrt_dt(std::sqrt(time_step))
      , decay(std::exp(-lambda * time_step))
      , gain(lambda * time_step > 0 ? -std::expm1(-lambda * time_step) / (lambda * time_step) : 1.0)
    {}

    /** To grid point k, at or after the point last asked for. */
    void
    to_step(const std::uint64_t k)
    {
      Assert(k >= point, dealii::ExcMessage("noise points are drawn in time order"));
      for (; point < k; ++point)
        {
          const double dW = sqrt_dt * stream.normal();
          value += dW;
          relaxed = decay * relaxed + gain * dW; // exact for dW spread evenly over the step
        }
    }

    /** W at the point to_step() reached. */
    double
    value_now() const
    {
      return value;
    }

    /** X there. */
    double
    relaxed_now() const
    {
      return relaxed;
    }

  private:
    RandomStream  stream;
    double        sqrt_dt;
    double        decay, gain;   // X(t + dt) = decay X(t) + gain (W(t + dt) - W(t))
    std::uint64_t point   = 0;   // the grid point of value
    double        value   = 0.0; // W(point dt)
    double        relaxed = 0.0; // X(point dt)
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
