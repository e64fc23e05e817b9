#pragma once

#include "solver/base/linear_algebra.h"

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_handler.h>

namespace neuristor
{
  /**
   * A PETSc matrix whose nonzero entries are every pair of DoFs that share
   * a cell, allocated exactly without a sparsity-pattern object for all
   * rows: deal.II 9.4 builds a PETSc matrix only from a whole
   * DynamicSparsityPattern plus a CSR copy of it, together larger than the
   * matrix and the peak of the heat equation's setup. Here the row lengths
   * are counted a block of rows at a time, so the setup holds at most one
   * block's pattern. Each rank fills its own rows from its owned and ghost
   * cells, so no pattern is exchanged. For meshes without constraints
   * (hanging nodes), as generate_mesh makes them.
   */
  class CellPatternMatrix : public LA::MPI::SparseMatrix
  {
  public:
    using LA::MPI::SparseMatrix::reinit;

    /** Allocates and presets (with zeros) the pattern of the DoFs' cells; collective. */
    void
    reinit_cell_pattern(const dealii::DoFHandler<3> &dof_handler,
                        const dealii::IndexSet      &owned,
                        const MPI_Comm               comm,
                        const unsigned int           rows_per_block = 1u << 17);
  };
} // namespace neuristor
