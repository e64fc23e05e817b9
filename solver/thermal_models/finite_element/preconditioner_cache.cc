#include "solver/thermal_models/finite_element/preconditioner_cache.h"

#include "solver/thermal_models/finite_element/heat_equation.h"

#include <cmath>

namespace neuristor
{
  using namespace dealii;

  const PETScWrappers::PreconditionBase &
  PreconditionerCache::get(const LA::MPI::SparseMatrix &system, const double weight)
  {
    const int band = static_cast<int>(std::floor(std::log(weight) / std::log(3.0)));
    const std::string kind = settings.preconditioner != "auto" ? settings.preconditioner :
                             weight > 1e6                      ? "block jacobi" :
                                                                 "amg";
    // Only AMG hierarchies are worth a slot per band; the others are set up
    // in a few matrix passes, and an ILU kept per band would cost a copy of
    // the matrix each: one slot, set up again when the band changes.
    if (kind != "amg")
      {
        if (cheap && cheap_band == band)
          return *cheap;
        cheap.reset();
        cheap_band = band;
      }
    auto &slot = kind == "amg" ? by_band[band] : cheap;
    if (slot)
      return *slot;
    if (kind == "jacobi")
      slot = std::make_unique<PETScWrappers::PreconditionJacobi>(system);
    else if (kind == "ssor")
      {
        // Symmetric SOR sweeps on each rank's block (PETSc has no parallel
        // SOR): no copy of the matrix, unlike ILU.
        slot = std::make_unique<PETScWrappers::PreconditionSSOR>(system);
        PCSORSetSymmetric(slot->get_pc(), SOR_LOCAL_SYMMETRIC_SWEEP);
      }
    else if (kind == "block jacobi")
      slot = std::make_unique<PETScWrappers::PreconditionBlockJacobi>(system);
    else
      {
        PETScWrappers::PreconditionBoomerAMG::AdditionalData data;
        data.symmetric_operator               = true;
        data.strong_threshold                 = settings.strong_threshold;
        data.aggressive_coarsening_num_levels = settings.aggressive_levels;
        using Relax = PETScWrappers::PreconditionBoomerAMG::AdditionalData::RelaxationType;
        const Relax relax = settings.smoother == "l1scaledJacobi" ? Relax::l1scaledJacobi :
                            settings.smoother == "Chebyshev"      ? Relax::Chebyshev :
                            settings.smoother == "l1GaussSeidel"  ? Relax::l1GaussSeidel :
                                                                    Relax::SORJacobi;
        data.relaxation_type_up   = relax;
        data.relaxation_type_down = relax;
        // deal.II has no field for the coarsening; hypre reads it from the
        // PETSc options database when the PC is set up.
        PetscOptionsSetValue(nullptr, "-pc_hypre_boomeramg_coarsen_type",
                             settings.coarsening.c_str());
        slot = std::make_unique<PETScWrappers::PreconditionBoomerAMG>(system, data);
      }
    PCSetReusePreconditioner(slot->get_pc(), PETSC_TRUE);
    ++setups;
    return *slot;
  }
} // namespace neuristor
