#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuristor::ode23s
{
  // The arithmetic of one step of Shampine's ode23s (Rosenbrock, order 2
  // with an order-3 error estimate) for a device's y = (V, T), written once
  // for DeviceIntegrator (a device at a time) and DeviceBatch (vectorised
  // over devices, in structure-of-arrays loops): every function is inline
  // and branch-free, so the vectoriser can take it into a loop.

  inline const double d   = 1 / (2 + std::sqrt(2.0));
  inline const double e32 = 6 + std::sqrt(2.0);

  /** The step's matrix W = I - h d J, solved for 2-vectors. */
  struct Matrix
  {
    double a = 1, b = 0, c = 0, e = 1, inv_det = 1;

    Matrix() = default;
    Matrix(const double J00, const double J01, const double J10, const double J11,
           const double hd)
      : a(1 - hd * J00)
      , b(-hd * J01)
      , c(-hd * J10)
      , e(1 - hd * J11)
      , inv_det(1 / (a * e - b * c))
    {}

    /** From its entries, as stored. */
    static Matrix
    from_entries(const double a, const double b, const double c, const double e,
                 const double inv_det)
    {
      Matrix W;
      W.a = a, W.b = b, W.c = c, W.e = e, W.inv_det = inv_det;
      return W;
    }

    void
    solve(const double r0, const double r1, double &x0, double &x1) const
    {
      x0 = (e * r0 - b * r1) * inv_det;
      x1 = (a * r1 - c * r0) * inv_det;
    }
  };

  /** Stage 1: k1 = W^-1 (f0 + h d f_t) and the point of stage 2, y + h/2 k1. */
  inline void
  first(const Matrix &W, const double h, const double f0[2], const double df_dt0[2],
        const double V, const double T, double k1[2], double &V_half, double &T_half)
  {
    const double hd = h * d;
    W.solve(f0[0] + hd * df_dt0[0], f0[1] + hd * df_dt0[1], k1[0], k1[1]);
    V_half = V + 0.5 * h * k1[0];
    T_half = T + 0.5 * h * k1[1];
  }

  /** Stage 2 with f1 = f(y + h/2 k1): k2 and the end point y + h k2. */
  inline void
  second(const Matrix &W, const double h, const double f1[2], const double k1[2],
         const double V, const double T, double k2[2], double &V_end, double &T_end)
  {
    W.solve(f1[0] - k1[0], f1[1] - k1[1], k2[0], k2[1]);
    k2[0] += k1[0];
    k2[1] += k1[1];
    V_end = V + h * k2[0];
    T_end = T + h * k2[1];
  }

  /** What the error norm weighs: absolute and relative tolerances, T measured from T0. */
  struct Tolerances
  {
    double relative, voltage, temperature; // 1, V, K
  };

  /**
   * Stage 3 with f2 = f(y_end): k3 and the weighted error norm of the step
   * (accept if <= 1; infinity if not finite).
   */
  inline double
  error(const Matrix &W, const double h, const double f0[2], const double df_dt0[2],
        const double f1[2], const double f2[2], const double k1[2], const double k2[2],
        const double V, const double T, const double V_end, const double T_end,
        const double T0, const Tolerances &tol)
  {
    const double hd = h * d;
    double       k3[2];
    W.solve(f2[0] - e32 * (k2[0] - f1[0]) - 2 * (k1[0] - f0[0]) + hd * df_dt0[0],
            f2[1] - e32 * (k2[1] - f1[1]) - 2 * (k1[1] - f0[1]) + hd * df_dt0[1], k3[0],
            k3[1]);
    const double scale_V = tol.voltage + tol.relative * std::max(std::abs(V), std::abs(V_end));
    const double scale_T =
      tol.temperature + tol.relative * std::max(std::abs(T - T0), std::abs(T_end - T0));
    const double err_V = h / 6 * (k1[0] - 2 * k2[0] + k3[0]) / scale_V;
    const double err_T = h / 6 * (k1[1] - 2 * k2[1] + k3[1]) / scale_T;
    const double err   = std::max(std::abs(err_V), std::abs(err_T));
    return std::isfinite(err) ? err : std::numeric_limits<double>::infinity();
  }

  /** Continuous extension (Shampine & Reichelt 1997): y at t + theta h. */
  inline void
  dense_output(const double h, const double k1[2], const double k2[2], const double V,
               const double T, const double theta, double &V_theta, double &T_theta)
  {
    const double a = theta * (1 - theta) / (1 - 2 * d);
    const double b = theta * (theta - 2 * d) / (1 - 2 * d);
    V_theta        = V + h * (a * k1[0] + b * k2[0]);
    T_theta        = T + h * (a * k1[1] + b * k2[1]);
  }
} // namespace neuristor::ode23s
