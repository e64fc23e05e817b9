#include "solver/thermal_models/finite_element/device_regions.h"

#include "solver/case/input_error.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/vector.h>

#include <stdexcept>

namespace neuristor
{
  using namespace dealii;

  DeviceRegions::DeviceRegions(const DoFHandler<3>             &dof_handler,
                               const AffineConstraints<double> &constraints,
                               const IndexSet                  &owned,
                               const unsigned int               n_devices,
                               const RegionFunction            &device_of_point,
                               const RegionFunction            &filament_of_point)
  {
    channels.vectors.resize(n_devices);
    setup(dof_handler, constraints, owned, device_of_point, "", channels);
    if (!filament_of_point)
      return;
    filaments.vectors.resize(n_devices);
    setup(dof_handler, constraints, owned, filament_of_point, "'s filament", filaments);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const int device = filaments.cell_device[cell->active_cell_index()];
          if (device >= 0 && channels.cell_device[cell->active_cell_index()] != device)
            throw std::logic_error("the filament of device " + std::to_string(device) +
                                   " leaves its channel");
        }
  }

  void
  DeviceRegions::setup(const DoFHandler<3>             &dof_handler,
                       const AffineConstraints<double> &constraints,
                       const IndexSet                  &owned,
                       const RegionFunction            &device_of_point,
                       const std::string               &what,
                       Regions                         &region)
  {
    // b_i = int_{region i} phi / V_i: spreads P_i and averages T_i.
    const MPI_Comm      comm = dof_handler.get_triangulation().get_communicator();
    const auto         &fe   = dof_handler.get_fe();
    const QGauss<3>     quadrature(fe.degree + 1);
    FEValues<3>         fe_values(fe, quadrature, update_values | update_JxW_values);
    Vector<double>      cell_b(fe.n_dofs_per_cell());
    std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
    for (auto &b : region.vectors)
      b.reinit(owned, comm);
    region.volumes.assign(region.vectors.size(), 0.0);
    region.cell_device.assign(dof_handler.get_triangulation().n_active_cells(), -1);
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

  const DeviceRegions::Regions &
  DeviceRegions::of(const Region region) const
  {
    if (region == Region::channel)
      return channels;
    if (!has_filaments())
      throw std::logic_error("DeviceRegions: a filament is asked for, but there are none");
    return filaments;
  }

  bool
  DeviceRegions::splits(const std::vector<double> &filament_share) const
  {
    if (filament_share.empty())
      return false;
    if (filament_share.size() != n_devices())
      throw std::invalid_argument("DeviceRegions: " + std::to_string(filament_share.size()) +
                                  " filament shares for " + std::to_string(n_devices()) +
                                  " devices");
    bool any = false;
    for (const double s : filament_share)
      {
        if (!(s >= 0 && s <= 1))
          throw std::invalid_argument("DeviceRegions: filament share " + std::to_string(s) +
                                      " outside [0, 1]");
        any |= s > 0;
      }
    if (any && !has_filaments())
      throw std::logic_error("DeviceRegions: power in a filament, but there are none");
    return any;
  }

  std::vector<double>
  DeviceRegions::region_powers(const std::vector<double> &powers,
                               const std::vector<double> &filament_share) const
  {
    const std::size_t   n = n_devices();
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

  void
  DeviceRegions::add_sources(LA::MPI::Vector &f, const std::vector<double> &region_power) const
  {
    const std::size_t n = n_devices();
    for (std::size_t k = 0; k < region_power.size(); ++k)
      if (region_power[k] != 0)
        f.add(region_power[k], (k < n ? channels : filaments).vectors[k % n]);
  }

  double
  DeviceRegions::source_density(const unsigned int         active_cell_index,
                                const std::vector<double> &region_power) const
  {
    // Region powers: the channels', then the filaments' (if any).
    const std::size_t n       = n_devices();
    const int         d       = device_of_cell(active_cell_index, Region::channel);
    const int         f       = device_of_cell(active_cell_index, Region::filament);
    double            density = 0;
    if (d >= 0 && static_cast<std::size_t>(d) < region_power.size())
      density += region_power[d] / channels.volumes[d];
    if (f >= 0 && n + f < region_power.size())
      density += region_power[n + f] / filaments.volumes[f];
    return density;
  }

  std::vector<double>
  DeviceRegions::temperatures(const LA::MPI::Vector     &field,
                              const double               offset,
                              const std::vector<double> &filament_share) const
  {
    auto T = temperatures(field, offset, Region::channel);
    if (splits(filament_share))
      {
        const auto T_filament = temperatures(field, offset, Region::filament);
        for (unsigned int i = 0; i < T.size(); ++i)
          T[i] += filament_share[i] * (T_filament[i] - T[i]);
      }
    return T;
  }

  std::vector<double>
  DeviceRegions::temperatures(const LA::MPI::Vector &field,
                              const double           offset,
                              const Region           region) const
  {
    const auto         &vectors = of(region).vectors;
    std::vector<double> T(vectors.size());
    for (unsigned int i = 0; i < T.size(); ++i)
      T[i] = offset + (vectors[i] * field);
    return T;
  }
} // namespace neuristor
