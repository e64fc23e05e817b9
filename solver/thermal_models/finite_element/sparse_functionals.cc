#include "solver/thermal_models/finite_element/sparse_functionals.h"

#include "solver/base/mpi_tools.h"

namespace neuristor
{
  void
  SparseFunctionals::add(const std::vector<dealii::types::global_dof_index> &entry_dofs,
                         const std::vector<double>                          &entry_weights)
  {
    dofs.insert(dofs.end(), entry_dofs.begin(), entry_dofs.end());
    weights.insert(weights.end(), entry_weights.begin(), entry_weights.end());
    start.push_back(dofs.size());
  }

  std::vector<double>
  SparseFunctionals::apply(const LA::MPI::Vector  &field,
                           const dealii::IndexSet &owned,
                           const dealii::IndexSet &relevant,
                           const MPI_Comm          comm) const
  {
    LA::MPI::Vector ghosted(owned, relevant, comm);
    ghosted = field;
    std::vector<double> values(dofs.size());
    ghosted.extract_subvector_to(dofs, values);
    std::vector<double> result(size(), 0.0);
    for (unsigned int i = 0; i < size(); ++i)
      for (std::size_t e = start[i]; e < start[i + 1]; ++e)
        result[i] += weights[e] * values[e];
    mpi_tools::sum_in_place(comm, result);
    return result;
  }
} // namespace neuristor
