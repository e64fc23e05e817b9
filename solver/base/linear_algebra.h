#pragma once

#include <deal.II/lac/generic_linear_algebra.h>

namespace neuristor
{
  /**
   * The distributed linear algebra of the field solvers, chosen in one
   * place as in deal.II's step-40: LA::MPI::Vector, LA::MPI::SparseMatrix.
   * PETSc today; the preconditioner set-up and a few PETSc calls for bulk
   * operations (MatZeroRows, VecMDot) sit in the .cc files that use them.
   */
  namespace LA
  {
    using namespace dealii::LinearAlgebraPETSc;
  } // namespace LA
} // namespace neuristor
