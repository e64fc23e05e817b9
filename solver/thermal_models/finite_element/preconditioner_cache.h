#pragma once

#include "solver/base/linear_algebra.h"

#include <deal.II/lac/petsc_precondition.h>

#include <map>
#include <memory>

namespace neuristor
{
  struct HeatSolverSettings;

  /**
   * Preconditioners of the heat equation's step matrix a0/dt M + K. The AMG
   * hierarchy of a nearby a0/dt still preconditions well (CG checks the
   * result), and its setup costs several solves; so one is kept per band
   * [3^b, 3^(b+1)) of the mass weight a0/dt, and steps that jump between
   * spikes and quiet phases reuse them all. The other kinds (Jacobi, block
   * Jacobi's ILU, SOR) are cheap to set up and ILU holds a copy of the
   * matrix: one of them is kept, for the band of the last step. The kind
   * follows `Preconditioner` (auto: block Jacobi where the mass dominates,
   * a0/dt > 1e6 1/s, else AMG).
   */
  class PreconditionerCache
  {
  public:
    /** settings must outlive the cache. */
    explicit PreconditionerCache(const HeatSolverSettings &settings)
      : settings(settings)
    {}

    /**
     * The preconditioner of the band of `weight` = a0/dt [1/s], set up from
     * `system` (the matrix of that weight) if the band has none yet.
     */
    const dealii::PETScWrappers::PreconditionBase &
    get(const LA::MPI::SparseMatrix &system, const double weight);

    /** Setups so far (restored from checkpoints, for the statistics). */
    unsigned int setups = 0;

  private:
    const HeatSolverSettings                                                &settings;
    std::map<int, std::unique_ptr<dealii::PETScWrappers::PreconditionBase>> by_band; // AMG
    std::unique_ptr<dealii::PETScWrappers::PreconditionBase> cheap; // any other kind
    int                                                      cheap_band = 0;
  };
} // namespace neuristor
