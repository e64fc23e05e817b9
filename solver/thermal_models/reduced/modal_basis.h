#pragma once

#include "solver/io/checkpoint.h"
#include "solver/thermal_models/finite_element/heat_equation.h"

#include <deal.II/lac/full_matrix.h>
#include "solver/base/linear_algebra.h"

#include <vector>

namespace neuristor
{
  /**
   * A reduced model of the heat equation between the device powers and the
   * device temperatures, in modal form: with Phi^T M Phi = I and
   * Phi^T K Phi = diag(lambda),
   *
   *   z_k' = -lambda_k z_k + sum_j C_s(j, k) p_s(j),   rise_r(i) = sum_k C_r(i, k) z_k,
   *
   * where C_r(i, k) = b^r_i . phi_k are the region averages of the modes
   * (region 0 the channel, 1 the filament strip). Inputs and outputs share
   * C because power enters a region with the weights it is averaged with:
   * the reduced model is symmetric, stable (lambda >= 0) and passive like
   * the heat equation it comes from.
   */
  struct ModalBasis
  {
    std::vector<double>                                     lambda; // 1/s, ascending
    std::vector<dealii::FullMatrix<double>>                 C;      // per region, N x m
    std::vector<LA::MPI::Vector>         modes;  // phi_k (empty if not kept)
    std::vector<double>                                     shifts; // s of the Krylov blocks [1/s]
    unsigned long                                           solves = 0; // of the build
    double                                                  error  = -1; // a posteriori, of each device's peak rise

    unsigned int
    order() const
    {
      return lambda.size();
    }

    unsigned int
    n_devices() const
    {
      return C.empty() ? 0 : C[0].m();
    }

    /** A copy without the modes (the device-level model). */
    ModalBasis
    without_modes() const
    {
      ModalBasis copy;
      copy.lambda = lambda, copy.C = C, copy.shifts = shifts;
      copy.solves = solves, copy.error = error;
      return copy;
    }

    /** Write or read everything but the modes (the device-level model). */
    void
    save(BinaryWriter &out) const;
    void
    load(BinaryReader &in);
  };
} // namespace neuristor
