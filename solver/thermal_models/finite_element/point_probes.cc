#include "solver/thermal_models/finite_element/point_probes.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_tools.h>

#include <optional>

namespace neuristor
{
  using namespace dealii;

  namespace
  {
    /** A locally owned cell holding p and p in its reference cell, if there is one. */
    std::optional<std::pair<DoFHandler<3>::active_cell_iterator, Point<3>>>
    owned_cell_around(const DoFHandler<3> &dof_handler, const Point<3> &p)
    {
      static const MappingQ1<3> mapping;
      try
        {
          for (const auto &found :
               GridTools::find_all_active_cells_around_point(mapping, dof_handler, p, 1e-10))
            if (found.first->is_locally_owned())
              return found;
        }
      catch (const std::exception &) // the point lies outside the cells this rank knows
        {}
      return std::nullopt;
    }

  } // namespace

  PointProbes::PointProbes(const DoFHandler<3> &dof_handler, const std::vector<Probe> &probes)
    : comm(dof_handler.get_triangulation().get_communicator())
    , owned(dof_handler.locally_owned_dofs())
    , relevant(DoFTools::extract_locally_relevant_dofs(dof_handler))
  {
    const auto        &fe   = dof_handler.get_fe();
    const unsigned int rank = Utilities::MPI::this_mpi_process(comm);
    for (const auto &probe : probes)
      {
        const auto found = owned_cell_around(dof_handler, probe.point);
        // The lowest rank that owns a cell around the point evaluates it.
        const unsigned int evaluator =
          Utilities::MPI::min(found ? rank : numbers::invalid_unsigned_int, comm);
        if (evaluator == numbers::invalid_unsigned_int)
          throw InputError("Run/Probes", "the probe " + probe.describe() +
                                           " lies in no cell of the mesh (outside the "
                                           "substrate and every part of the Layout)");
        std::vector<types::global_dof_index> dofs;
        std::vector<double>                  weights;
        if (evaluator == rank)
          {
            dofs.resize(fe.n_dofs_per_cell());
            found->first->get_dof_indices(dofs);
            for (unsigned int i = 0; i < fe.n_dofs_per_cell(); ++i)
              weights.push_back(fe.shape_value(i, found->second));
          }
        functionals.add(dofs, weights);
      }
  }

  std::vector<double>
  PointProbes::values(const LA::MPI::Vector &field) const
  {
    return functionals.apply(field, owned, relevant, comm);
  }
} // namespace neuristor
