#pragma once

#include "solver/base/linear_algebra.h"

#include <deal.II/base/index_set.h>

#include <vector>

namespace neuristor
{
  /**
   * Linear functionals of a finite-element field, l_i(u) = sum_e w_e u[dof_e],
   * each stored as the entries this rank contributes (global DoF indices,
   * owned or ghost): functional i's are [start[i], start[i + 1]). Device
   * averages and point probes are such functionals; a full vector per
   * functional would cost 8 B per DoF each.
   */
  struct SparseFunctionals
  {
    std::vector<dealii::types::global_dof_index> dofs;
    std::vector<double>                          weights;
    std::vector<std::size_t>                     start{0};

    unsigned int
    size() const
    {
      return start.size() - 1;
    }

    /** Appends the next functional's entries (one per DoF). */
    void
    add(const std::vector<dealii::types::global_dof_index> &entry_dofs,
        const std::vector<double>                          &entry_weights);

    /**
     * Every l_i(field), summed over the ranks (collective: one ghost
     * exchange and one reduction for all of them).
     */
    std::vector<double>
    apply(const LA::MPI::Vector  &field,
          const dealii::IndexSet &owned,
          const dealii::IndexSet &relevant,
          const MPI_Comm          comm) const;
  };
} // namespace neuristor
