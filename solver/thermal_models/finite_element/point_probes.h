#pragma once

#include "solver/coupling/trace_settings.h"
#include "solver/thermal_models/finite_element/sparse_functionals.h"

#include <deal.II/base/index_set.h>
#include <deal.II/base/point.h>
#include <deal.II/dofs/dof_handler.h>

#include <string>
#include <vector>

namespace neuristor
{
  /**
   * Point values of a finite-element field at fixed points: each point's
   * value is a sparse functional (the shape functions of the one cell that
   * holds it, on the lowest rank owning such a cell), so that a sample
   * costs one ghost exchange and one reduction for all points, and the
   * result is the same on any number of ranks.
   */
  class PointProbes
  {
  public:
    /** Collective; InputError (Run/Probes) for a point in no cell of the mesh. */
    PointProbes(const dealii::DoFHandler<3> &dof_handler, const std::vector<Probe> &probes);

    unsigned int
    size() const
    {
      return functionals.size();
    }

    /** The field's value at every point (collective). */
    std::vector<double>
    values(const LA::MPI::Vector &field) const;

  private:
    MPI_Comm          comm;
    dealii::IndexSet  owned, relevant;
    SparseFunctionals functionals;
  };
} // namespace neuristor
