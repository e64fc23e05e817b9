// HeatEquation, its devices: where power goes and what is averaged.
#include "solver/case/input_error.h"
#include "solver/thermal_models/finite_element/heat_equation.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <stdexcept>

namespace neuristor
{
  using namespace dealii;

  void
  HeatEquation::setup_regions(const RegionFunction &device_of_point,
                              const std::string    &what,
                              Regions              &region)
  {
    // b_i = int_{region i} phi / V_i: spreads P_i and averages T_i.
    const QGauss<3>     quadrature(settings.degree + 1);
    FEValues<3>         fe_values(fe, quadrature, update_values | update_JxW_values);
    Vector<double>      cell_b(fe.n_dofs_per_cell());
    std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
    for (auto &b : region.vectors)
      b.reinit(owned, comm);
    region.volumes.assign(region.vectors.size(), 0.0);
    region.cell_device.assign(triangulation.n_active_cells(), -1);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const int device = device_of_point(cell->center());
          region.cell_device[cell->active_cell_index()] = device;
          if (device < 0)
            continue;
          if (device >= static_cast<int>(region.vectors.size()))
            throw std::logic_error("region function returned an unknown device");
          fe_values.reinit(cell);
          cell_b = 0;
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            for (unsigned int i = 0; i < fe.n_dofs_per_cell(); ++i)
              cell_b(i) += fe_values.shape_value(i, q) * fe_values.JxW(q);
          region.volumes[device] += cell->measure();
          cell->get_dof_indices(dofs);
          constraints.distribute_local_to_global(cell_b, dofs, region.vectors[device]);
        }
    for (unsigned int i = 0; i < region.vectors.size(); ++i)
      {
        region.vectors[i].compress(VectorOperation::add);
        region.volumes[i] = Utilities::MPI::sum(region.volumes[i], comm);
        if (region.volumes[i] <= 0)
          throw InputError("Layout", "device " + std::to_string(i) + what +
                                       " covers no mesh cell (refine the mesh)");
        region.vectors[i] /= region.volumes[i];
      }
  }

  const HeatEquation::Regions &
  HeatEquation::regions(const DeviceRegion region) const
  {
    if (region == DeviceRegion::channel)
      return channels;
    if (!has_filaments())
      throw std::logic_error("HeatEquation: a filament is asked for, but there are none");
    return filaments;
  }

  bool
  HeatEquation::splits(const std::vector<double> &filament_share) const
  {
    if (filament_share.empty())
      return false;
    if (filament_share.size() != channels.vectors.size())
      throw std::invalid_argument("HeatEquation: " + std::to_string(filament_share.size()) +
                                  " filament shares for " +
                                  std::to_string(channels.vectors.size()) + " devices");
    bool any = false;
    for (const double s : filament_share)
      {
        if (!(s >= 0 && s <= 1))
          throw std::invalid_argument("HeatEquation: filament share " + std::to_string(s) +
                                      " outside [0, 1]");
        any |= s > 0;
      }
    if (any && !has_filaments())
      throw std::logic_error("HeatEquation: power in a filament, but there are none");
    return any;
  }

  std::vector<double>
  HeatEquation::region_powers(const std::vector<double> &powers,
                              const std::vector<double> &filament_share) const
  {
    const std::size_t   n = channels.vectors.size();
    std::vector<double> p(powers.begin(), powers.begin() + std::min(powers.size(), n));
    if (!splits(filament_share))
      return p;
    p.resize(2 * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      {
        p[n + i] = filament_share[i] * p[i];
        p[i] -= p[n + i]; // the parts add up to P_i
      }
    return p;
  }

  std::vector<double>
  HeatEquation::device_temperatures() const
  {
    return device_temperatures(theta, T0);
  }

  std::vector<double>
  HeatEquation::device_temperatures(const LA::MPI::Vector &field,
                                    const double                      offset,
                                    const std::vector<double>        &filament_share) const
  {
    auto T = device_temperatures(field, offset, DeviceRegion::channel);
    if (splits(filament_share))
      {
        const auto T_filament = device_temperatures(field, offset, DeviceRegion::filament);
        for (unsigned int i = 0; i < T.size(); ++i)
          T[i] += filament_share[i] * (T_filament[i] - T[i]);
      }
    return T;
  }

  std::vector<double>
  HeatEquation::device_temperatures(const LA::MPI::Vector &field,
                                    const double                      offset,
                                    const DeviceRegion                region) const
  {
    const auto         &vectors = regions(region).vectors;
    std::vector<double> T(vectors.size());
    for (unsigned int i = 0; i < T.size(); ++i)
      T[i] = offset + (vectors[i] * field);
    return T;
  }
} // namespace neuristor
