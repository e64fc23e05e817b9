#include "solver/thermal_models/finite_element/device_regions.h"

#include "solver/base/mpi_tools.h"
#include "solver/case/input_error.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
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
    : comm(dof_handler.get_triangulation().get_communicator())
    , owned(owned)
    , relevant(DoFTools::extract_locally_relevant_dofs(dof_handler))
  {
    // The region entries go straight to DoFs: no hanging nodes (the
    // generated meshes are conforming, the test meshes uniform).
    Assert(constraints.n_constraints() == 0,
           ExcMessage("DeviceRegions: constrained DoFs are not supported"));
    (void)constraints;
    channels.volumes.resize(n_devices);
    setup(dof_handler, device_of_point, "", channels);
    if (!filament_of_point)
      return;
    filaments.volumes.resize(n_devices);
    setup(dof_handler, filament_of_point, "'s filament", filaments);
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
  DeviceRegions::setup(const DoFHandler<3>  &dof_handler,
                       const RegionFunction &device_of_point,
                       const std::string    &what,
                       Regions              &region)
  {
    // b_i = int_{region i} phi / V_i: spreads P_i and averages T_i.
    const MPI_Comm      comm = dof_handler.get_triangulation().get_communicator();
    const auto         &fe   = dof_handler.get_fe();
    const QGauss<3>     quadrature(fe.degree + 1);
    FEValues<3>         fe_values(fe, quadrature, update_values | update_JxW_values);
    std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
    const unsigned int  n = region.volumes.size();
    struct Entry
    {
      unsigned int            device;
      types::global_dof_index dof;
      double                  weight;
    };
    std::vector<Entry> entries;
    region.cell_device.assign(dof_handler.get_triangulation().n_active_cells(), -1);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const int device = device_of_point(cell->center());
          region.cell_device[cell->active_cell_index()] = device;
          if (device < 0)
            continue;
          if (device >= static_cast<int>(n))
            throw std::logic_error("region function returned an unknown device");
          fe_values.reinit(cell);
          region.volumes[device] += cell->measure();
          cell->get_dof_indices(dofs);
          for (unsigned int i = 0; i < fe.n_dofs_per_cell(); ++i)
            {
              double b = 0;
              for (unsigned int q = 0; q < quadrature.size(); ++q)
                b += fe_values.shape_value(i, q) * fe_values.JxW(q);
              entries.push_back({static_cast<unsigned int>(device), dofs[i], b});
            }
        }
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
      return a.device != b.device ? a.device < b.device : a.dof < b.dof;
    });
    mpi_tools::sum_in_place(comm, region.volumes);
    // One functional per device: its entries merged by DoF.
    std::size_t e = 0;
    for (unsigned int device = 0; device < n; ++device)
      {
        std::vector<types::global_dof_index> device_dofs;
        std::vector<double>                  device_weights;
        for (; e < entries.size() && entries[e].device == device; ++e)
          {
            const double w = entries[e].weight / region.volumes[device];
            if (!device_dofs.empty() && device_dofs.back() == entries[e].dof)
              device_weights.back() += w;
            else
              {
                device_dofs.push_back(entries[e].dof);
                device_weights.push_back(w);
              }
          }
        region.averages.add(device_dofs, device_weights);
      }
    for (unsigned int i = 0; i < n; ++i)
      {
        if (region.volumes[i] <= 0)
          throw InputError("Layout", "device " + std::to_string(i) + what +
                                       " covers no mesh cell (refine the mesh)");
      }
  }

  LA::MPI::Vector
  DeviceRegions::vector(const unsigned int device, const Region region) const
  {
    of(region); // refuses a filament when there are none
    if (device >= n_devices())
      throw std::out_of_range("DeviceRegions: no device " + std::to_string(device));
    // A unit power in that one region (region powers: channels, then filaments).
    std::vector<double> unit(region == Region::channel ? n_devices() : 2 * n_devices(), 0.0);
    unit[region == Region::channel ? device : n_devices() + device] = 1;
    LA::MPI::Vector b(owned, comm);
    add_sources(b, unit);
    return b;
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
    // Entries on DoFs of other ranks reach them in the compress.
    const std::size_t                    n = n_devices();
    std::vector<types::global_dof_index> dofs;
    std::vector<double>                  values;
    for (std::size_t k = 0; k < region_power.size(); ++k)
      if (region_power[k] != 0)
        {
          const Regions &r = k < n ? channels : filaments;
          const auto &a = r.averages;
          for (std::size_t e = a.start[k % n]; e < a.start[k % n + 1]; ++e)
            {
              dofs.push_back(a.dofs[e]);
              values.push_back(region_power[k] * a.weights[e]);
            }
        }
    f.add(dofs, values);
    f.compress(VectorOperation::add);
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
    auto T = of(region).averages.apply(field, owned, relevant, comm);
    for (double &t : T)
      t += offset;
    return T;
  }
} // namespace neuristor
