#pragma once

#include "solver/coupling/random_stream.h"

#include <deal.II/base/exceptions.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neuristor
{
  /**
   * The standard Wiener paths W_j(t) [sqrt(s)] of a set of devices: exact
   * Brownian values at multiples of a fixed time step (linear in between,
   * GridFunction). A path is a function of (seed, device) alone: it does
   * not depend on the integrator's steps, on how often a coupling window is
   * repeated, on the MPI ranks or on which paths share the set, so a
   * repeated window sees the same noise and a neighbour's noise can be
   * known in advance. Values are drawn in time order, all paths one grid
   * point at a time; WindowNoise keeps those a window needs.
   *
   * Alongside W, each path as a node relaxing at its rate lambda_j sees it:
   * X with dX/dt = -lambda X + dW/dt [sqrt(s)], W taken linear between
   * the points (an Ornstein-Uhlenbeck path). A device's temperature less
   * sigma X is smooth where its node is quiet (the noise's relaxation is in
   * X), which is what the coupling windows predict.
   *
   * The paths are kept as a structure of arrays: the first number of each
   * path's stream and the ziggurat's rectangle test are vectorised over the
   * paths, and the 1 % of draws that miss it are finished one at a time
   * (RandomStream::normal_from), so each path's draws are exactly its
   * stream's normal().
   */
  class NoisePaths
  {
  public:
    /** No paths yet, on the grid of time_step [s]. */
    explicit NoisePaths(const double time_step);

    /** Add the path of (seed, device), relaxed at lambda [1/s]; returns its index. */
    unsigned int
    add(const std::uint64_t seed, const std::uint64_t device, const double lambda);

    unsigned int
    size() const
    {
      return value.size();
    }

    /**
     * Every path to the next grid point; with W_out and X_out, W and X
     * there are also written to them (a row of WindowNoise's).
     */
    void
    advance(double *W_out = nullptr, double *X_out = nullptr);

    /** The grid point the paths are at (0 at the start, W = X = 0). */
    std::uint64_t
    point() const
    {
      return current_point;
    }

    /** W of every path there. */
    const std::vector<double> &
    values() const
    {
      return value;
    }

    /** X of every path there. */
    const std::vector<double> &
    relaxed_values() const
    {
      return relaxed;
    }

  private:
    /** Each path's next standard normal into draw (the first numbers vectorised). */
    void
    draw_normals();

    double                     dt, sqrt_dt; // s, sqrt(s)
    std::uint64_t              current_point = 0;
    std::vector<std::uint64_t> s0, s1, s2, s3; // the streams' state words
    std::vector<double>        decay, gain;    // X(t + dt) = decay X(t) + gain (W(t + dt) - W(t))
    std::vector<double>        value, relaxed; // W and X at current_point
    std::vector<std::uint64_t> first;          // scratch: each stream's first number
    std::vector<double>        draw;           // scratch: the normals
    std::vector<char>          inside;         // scratch: first number in its rectangle
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
      std::size_t m;
      double      fraction;
      locate(t, m, fraction);
      return lerp(values + m * stride, stride, fraction);
    }

    /** The interval [m, m + 1] of the points t falls in (clamped), and where in it. */
    void
    locate(const double t, std::size_t &m, double &fraction) const
    {
      int m_int;
      interval(t, dt, static_cast<double>(k0), static_cast<double>(size - 2), m_int, fraction);
      m = m_int;
    }

    /**
     * The interval m of a grid of step dt from point k0 on that t falls in,
     * clamped to [0, last], and where in it: clamped in floating point, then
     * truncated to a 32-bit integer (GridColumns' loops vectorise so).
     */
    static void
    interval(const double t, const double dt, const double k0, const double last, int &m,
             double &fraction)
    {
      Assert(last < 2147483648.0, dealii::ExcMessage("too many grid points"));
      const double x = t / dt - k0;
      m              = static_cast<int>(std::min(std::max(x, 0.0), last));
      fraction       = x - static_cast<double>(m);
    }

    /** The value at `fraction` of the way from at[0] to at[stride]. */
    static double
    lerp(const double *at, const std::size_t stride, const double fraction)
    {
      return at[0] + fraction * (at[stride] - at[0]);
    }
  };

  /**
   * The columns of one block of rows on one grid (WindowNoise's views of a
   * window: one k0, dt, size and stride), each at its own t, as
   * GridFunction gives them (its interval and lerp), for loops over
   * devices that the compiler vectorises.
   */
  class GridColumns
  {
  public:
    /** The block that `view` is a column of. */
    explicit GridColumns(const GridFunction &view)
      : base(view.values)
      , dt(view.dt)
      , k0(static_cast<double>(view.k0))
      , last(static_cast<double>(view.size - 2))
      , stride(static_cast<std::int64_t>(view.stride))
      , grid(view)
    {}

    /** Where `view` is in the block (a column of the same block), counted from the constructor's. */
    std::int64_t
    column(const GridFunction &view) const
    {
      Assert(view.k0 == grid.k0 && view.dt == grid.dt && view.size == grid.size &&
               view.stride == grid.stride,
             dealii::ExcMessage("the view is not a column of this block"));
      return view.values - base;
    }

    /** Column c at t. */
    double
    operator()(const std::int64_t c, const double t) const
    {
      return value(base, dt, k0, last, stride, c, t);
    }

    /**
     * out[i] = column c[i] at t[i] + part h[i] for i < n: operator() for
     * many columns at once, vectorised (the device batch's noise lookups).
     */
    void
    values(const std::int64_t *c, const double *t, const double *h, const double part, double *out,
           const std::size_t n) const;

    /** Column c at t of the block at base (operator()'s value, for the loop of values()). */
    static double
    value(const double *base, const double dt, const double k0, const double last,
          const std::int64_t stride, const std::int64_t c, const double t)
    {
      int    m;
      double fraction;
      GridFunction::interval(t, dt, k0, last, m, fraction);
      return GridFunction::lerp(base + c + m * stride, stride, fraction);
    }

  private:
    const double *base;
    double        dt, k0, last; // s, the first point, the last interval's start
    std::int64_t  stride;
    GridFunction  grid; // the block's grid (for the checks)
  };

  /**
   * out[c] = views[c](t) for c < n, where the views are the columns of one
   * block of rows (WindowNoise: values consecutive, one grid and stride):
   * the interval is found once, and the columns are a row's lerp.
   */
  inline void
  evaluate_columns(const std::vector<GridFunction> &views, const std::size_t n, const double t,
                   double *out)
  {
    if (n == 0)
      return;
    const GridFunction &first = views[0];
    Assert(views[n - 1].values == first.values + (n - 1) && views[n - 1].stride == first.stride,
           dealii::ExcMessage("the views are not the columns of one block"));
    std::size_t m;
    double      fraction;
    first.locate(t, m, fraction);
    const double *v0 = first.values + m * first.stride, *v1 = v0 + first.stride;
    for (std::size_t c = 0; c < n; ++c)
      out[c] = v0[c] + fraction * (v1[c] - v0[c]);
  }
} // namespace neuristor
