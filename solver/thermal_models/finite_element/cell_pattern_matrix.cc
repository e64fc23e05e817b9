#include "solver/thermal_models/finite_element/cell_pattern_matrix.h"

#include <deal.II/lac/dynamic_sparsity_pattern.h>

#include <algorithm>
#include <vector>

namespace neuristor
{
  using namespace dealii;

  namespace
  {
    // Calls f(dofs) with the DoFs of every owned and ghost cell.
    template <typename Function>
    void
    for_each_cell_dofs(const DoFHandler<3> &dof_handler, const Function &f)
    {
      std::vector<types::global_dof_index> dofs(dof_handler.get_fe().n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (!cell->is_artificial())
          {
            cell->get_dof_indices(dofs);
            f(dofs);
          }
    }

    // Entries per owned row in the owned columns (d) and the others (o),
    // counted one block of rows at a time.
    void
    count_row_entries(const DoFHandler<3> &dof_handler, const IndexSet &owned,
                      const unsigned int rows_per_block, std::vector<PetscInt> &d,
                      std::vector<PetscInt> &o)
    {
      const types::global_dof_index first = owned.nth_index_in_set(0), n = owned.n_elements();
      d.assign(n, 0);
      o.assign(n, 0);
      for (types::global_dof_index lo = first; lo < first + n; lo += rows_per_block)
        {
          const types::global_dof_index hi = std::min<types::global_dof_index>(lo + rows_per_block, first + n);
          IndexSet rows(owned.size());
          rows.add_range(lo, hi);
          DynamicSparsityPattern block(owned.size(), owned.size(), rows);
          for_each_cell_dofs(dof_handler, [&](const std::vector<types::global_dof_index> &dofs) {
            for (const auto i : dofs)
              if (i >= lo && i < hi)
                block.add_entries(i, dofs.begin(), dofs.end());
          });
          for (auto i = lo; i < hi; ++i)
            for (auto entry = block.begin(i); entry != block.end(i); ++entry)
              ++(owned.is_element(entry->column()) ? d : o)[i - first];
        }
    }
  } // namespace

  void
  CellPatternMatrix::reinit_cell_pattern(const DoFHandler<3> &dof_handler,
                                         const IndexSet      &owned,
                                         const MPI_Comm       comm,
                                         const unsigned int   rows_per_block)
  {
    Assert(owned.is_contiguous(), ExcMessage("distributed DoFs are numbered in one range per rank"));
    // The base class's communicator, with an empty pattern (no entries,
    // nothing allocated per entry); the matrix itself is replaced below.
    IndexSet none(owned.size());
    reinit(owned, owned, DynamicSparsityPattern(owned.size(), owned.size(), none), comm);

    std::vector<PetscInt> d, o;
    count_row_entries(dof_handler, owned, rows_per_block, d, o);
    MatDestroy(&matrix);
    const PetscInt n = owned.n_elements(), N = owned.size();
    MatCreateAIJ(comm, n, n, N, N, 0, d.data(), 0, o.data(), &matrix);
    d = {}, o = {};

    // Preset every entry with zero so that matrices assembled from it, or
    // copied from it, share one pattern whatever values are zero.
    std::vector<PetscInt>    rows, columns;
    std::vector<PetscScalar> zeros;
    for_each_cell_dofs(dof_handler, [&](const std::vector<types::global_dof_index> &dofs) {
      rows.clear();
      for (const auto i : dofs)
        if (owned.is_element(i))
          rows.push_back(static_cast<PetscInt>(i));
      columns.assign(dofs.begin(), dofs.end());
      zeros.assign(rows.size() * columns.size(), 0.0);
      MatSetValues(matrix, rows.size(), rows.data(), columns.size(), columns.data(), zeros.data(),
                   INSERT_VALUES);
    });
    MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY);
    MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY);
    // As deal.II's own reinit: no new entries later, and rows zeroed for
    // boundary values keep their entries (the pattern stays shared).
    MatSetOption(matrix, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE);
    MatSetOption(matrix, MAT_KEEP_NONZERO_PATTERN, PETSC_TRUE);
  }
} // namespace neuristor
