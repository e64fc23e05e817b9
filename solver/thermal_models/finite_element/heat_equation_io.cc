// HeatEquation, what it writes and reads: restart state, stored fields, VTU.
#include "solver/base/mpi_tools.h"
#include "solver/io/vtu_writer.h"
#include "solver/thermal_models/finite_element/heat_equation.h"

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/numerics/data_out.h>

#include <algorithm>
#include <array>
#include <numeric>

namespace neuristor
{
  using namespace dealii;

  namespace
  {
    // A DoF's support point with theta and theta_old: fields saved in
    // position order read back on any partition of the same mesh.
    using PointValues = std::array<double, 5>;

    bool
    position_before(const PointValues &a, const PointValues &b)
    {
      return std::lexicographical_compare(a.begin(), a.begin() + 3, b.begin(), b.begin() + 3);
    }

    std::vector<std::pair<types::global_dof_index, Point<3>>>
    owned_support_points(const DoFHandler<3> &dof_handler, const IndexSet &owned)
    {
      std::map<types::global_dof_index, Point<3>> points;
      DoFTools::map_dofs_to_support_points(MappingQ1<3>(), dof_handler, points);
      std::vector<std::pair<types::global_dof_index, Point<3>>> result;
      for (const auto &entry : points)
        if (owned.is_element(entry.first))
          result.push_back(entry);
      return result;
    }
  } // namespace

  void
  HeatEquation::save_state(BinaryWriter &out) const
  {
    std::vector<PointValues> local;
    const PetscScalar       *now, *before;
    VecGetArrayRead(theta, &now);
    VecGetArrayRead(theta_old, &before);
    const auto first = *owned.begin();
    for (const auto &[dof, p] : owned_support_points(dof_handler, owned))
      local.push_back({{p[0], p[1], p[2], now[dof - first], before[dof - first]}});
    VecRestoreArrayRead(theta, &now);
    VecRestoreArrayRead(theta_old, &before);
    auto all = mpi_tools::gather(comm, local, false);
    std::sort(all.begin(), all.end(), position_before);
    out.put(all);
    // Without filament shares the region powers are the device powers:
    // the layout of checkpoints from before filaments.
    out(t, dt_old, n_steps, balance, last_region_powers, n_linear_iterations,
        preconditioners.setups);
  }

  void
  HeatEquation::load_state(BinaryReader &in)
  {
    std::vector<PointValues> saved;
    in.get(saved);
    if (saved.size() != dof_handler.n_dofs())
      throw std::runtime_error("the checkpoint holds a field of " + std::to_string(saved.size()) +
                               " DoFs, the mesh of this case has " +
                               std::to_string(dof_handler.n_dofs()));
    PetscScalar *now, *before;
    VecGetArray(theta, &now);
    VecGetArray(theta_old, &before);
    const auto first = *owned.begin();
    bool       found = true;
    for (const auto &[dof, p] : owned_support_points(dof_handler, owned))
      {
        const PointValues key{{p[0], p[1], p[2], 0, 0}};
        const auto        it = std::lower_bound(saved.begin(), saved.end(), key, position_before);
        found = found && it != saved.end() && !position_before(key, *it);
        if (found)
          now[dof - first] = (*it)[3], before[dof - first] = (*it)[4];
      }
    VecRestoreArray(theta, &now);
    VecRestoreArray(theta_old, &before);
    if (Utilities::MPI::min(found ? 1 : 0, comm) == 0)
      throw std::runtime_error("the checkpoint's field does not fit this case's mesh");
    in(t, dt_old, n_steps, balance, last_region_powers, n_linear_iterations,
       preconditioners.setups);
    const std::size_t n = devices->n_devices();
    if (last_region_powers.size() > n &&
        (!has_filaments() || last_region_powers.size() != 2 * n))
      throw std::runtime_error("the checkpoint holds " + std::to_string(last_region_powers.size()) +
                               " region powers; this case has " + std::to_string(n) +
                               " devices" + (has_filaments() ? " with filaments" : ""));
  }

  void
  HeatEquation::save_fields(BinaryWriter                                          &out,
                            const std::vector<LA::MPI::Vector> &fields) const
  {
    // The support points once, sorted; then each field in that order.
    using Point3 = std::array<double, 3>;
    const auto          support = owned_support_points(dof_handler, owned);
    std::vector<Point3> local;
    for (const auto &entry : support)
      local.push_back({{entry.second[0], entry.second[1], entry.second[2]}});
    const auto                 all = mpi_tools::gather(comm, local, false);
    std::vector<std::uint64_t> order(all.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](const auto a, const auto b) { return all[a] < all[b]; });
    std::vector<Point3> sorted;
    for (const auto k : order)
      sorted.push_back(all[k]);
    out.put(sorted);
    out.put(static_cast<std::uint64_t>(fields.size()));
    const auto first = *owned.begin();
    for (const auto &field : fields)
      {
        std::vector<double> values;
        const PetscScalar  *data;
        VecGetArrayRead(field, &data);
        for (const auto &entry : support)
          values.push_back(data[entry.first - first]);
        VecRestoreArrayRead(field, &data);
        const auto          gathered = mpi_tools::gather(comm, values, false);
        std::vector<double> in_order;
        for (const auto k : order)
          in_order.push_back(gathered[k]);
        out.put(in_order);
      }
  }

  void
  HeatEquation::load_fields(BinaryReader &in, std::vector<LA::MPI::Vector> &fields) const
  {
    using Point3 = std::array<double, 3>;
    std::vector<Point3> sorted;
    std::uint64_t       n_fields = 0;
    in(sorted, n_fields);
    if (sorted.size() != dof_handler.n_dofs())
      throw std::runtime_error("stored fields have " + std::to_string(sorted.size()) +
                               " DoFs, the mesh of this case has " +
                               std::to_string(dof_handler.n_dofs()));
    const auto                                  support = owned_support_points(dof_handler, owned);
    std::vector<std::size_t>                    index; // of each owned DoF in the stored order
    bool                                        found = true;
    for (const auto &entry : support)
      {
        const Point3 key{{entry.second[0], entry.second[1], entry.second[2]}};
        const auto   it = std::lower_bound(sorted.begin(), sorted.end(), key);
        found           = found && it != sorted.end() && *it == key;
        index.push_back(found ? it - sorted.begin() : 0);
      }
    if (Utilities::MPI::min(found ? 1 : 0, comm) == 0)
      throw std::runtime_error("stored fields do not fit this case's mesh");
    fields.resize(n_fields);
    const auto first = *owned.begin();
    for (auto &field : fields)
      {
        std::vector<double> values;
        in.get(values);
        if (values.size() != sorted.size())
          throw std::runtime_error("a stored field has the wrong number of values");
        field.reinit(owned, comm);
        PetscScalar *data;
        VecGetArray(field, &data);
        for (std::size_t k = 0; k < support.size(); ++k)
          data[support[k].first - first] = values[index[k]];
        VecRestoreArray(field, &data);
      }
  }

  void
  HeatEquation::show_field(const LA::MPI::Vector &rise,
                           const double                      time,
                           const std::vector<double>        &powers,
                           const std::vector<double>        &filament_share)
  {
    theta              = rise;
    t                  = time;
    last_region_powers = devices->region_powers(powers, filament_share);
  }

  std::vector<std::vector<double>>
  HeatEquation::values_at(const std::vector<LA::MPI::Vector> &fields,
                          const std::vector<Point<3>>         &points) const
  {
    // The cells are axis-aligned boxes (a tensor-product grid), so a point
    // is found by its coordinates, and a Q1 value is trilinear in them.
    // deal.II's general search (RemotePointEvaluation) takes minutes on
    // these meshes, whose every cell is a coarse cell.
    if (fe.degree != 1)
      throw std::logic_error("HeatEquation::values_at: needs Q1 elements");
    std::vector<unsigned int> by_x(points.size());
    std::iota(by_x.begin(), by_x.end(), 0u);
    std::sort(by_x.begin(), by_x.end(),
              [&](const unsigned int a, const unsigned int b) { return points[a][0] < points[b][0]; });
    const std::size_t            found_at = fields.size() * points.size(); // then how often found
    std::vector<double>          sums(found_at + points.size(), 0.0);
    std::vector<LA::MPI::Vector> ghosted;
    for (const auto &field : fields)
      {
        ghosted.emplace_back(owned, relevant, comm);
        ghosted.back() = field;
      }
    std::vector<types::global_dof_index> dofs(GeometryInfo<3>::vertices_per_cell);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          Point<3> lo = cell->vertex(0), hi = cell->vertex(0);
          for (unsigned int v = 1; v < GeometryInfo<3>::vertices_per_cell; ++v)
            for (unsigned int d = 0; d < 3; ++d)
              lo[d] = std::min(lo[d], cell->vertex(v)[d]), hi[d] = std::max(hi[d], cell->vertex(v)[d]);
          const double slack = 1e-9 * (hi[0] - lo[0]);
          auto           first = std::lower_bound(by_x.begin(), by_x.end(), lo[0] - slack,
                                        [&](const unsigned int q, const double x) { return points[q][0] < x; });
          for (auto it = first; it != by_x.end() && points[*it][0] <= hi[0] + slack; ++it)
            {
              const Point<3> &p = points[*it];
              std::array<double, 3> u;
              bool                  inside = true;
              for (unsigned int d = 0; d < 3; ++d)
                {
                  u[d]   = (p[d] - lo[d]) / (hi[d] - lo[d]);
                  inside = inside && u[d] >= -1e-9 && u[d] <= 1 + 1e-9;
                }
              if (!inside)
                continue;
              cell->get_dof_indices(dofs);
              for (unsigned int f = 0; f < fields.size(); ++f)
                {
                  double value = 0;
                  for (unsigned int v = 0; v < dofs.size(); ++v)
                    {
                      double weight = ghosted[f][dofs[v]];
                      for (unsigned int d = 0; d < 3; ++d)
                        weight *= cell->vertex(v)[d] > 0.5 * (lo[d] + hi[d]) ? u[d] : 1 - u[d];
                      value += weight;
                    }
                  sums[f * points.size() + *it] += value;
                }
              sums[found_at + *it] += 1;
            }
        }
    MPI_Allreduce(MPI_IN_PLACE, sums.data(), sums.size(), MPI_DOUBLE, MPI_SUM, comm);
    std::vector<std::vector<double>> values(fields.size(), std::vector<double>(points.size()));
    for (std::size_t q = 0; q < points.size(); ++q)
      {
        if (sums[found_at + q] == 0)
          throw std::logic_error("HeatEquation::values_at: a point lies outside the mesh");
        for (unsigned int f = 0; f < fields.size(); ++f)
          values[f][q] = sums[f * points.size() + q] / sums[found_at + q];
      }
    return values;
  }

  std::string
  HeatEquation::write_vtu(const std::string &folder, const unsigned int index) const
  {
    LA::MPI::Vector rise(owned, relevant, comm);
    rise = theta;
    const unsigned int n_cells = triangulation.n_active_cells();
    std::vector<float> material(n_cells), rank(n_cells), device(n_cells), filament(n_cells),
      source(n_cells);
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const unsigned int c = cell->active_cell_index();
          material[c]          = cell->material_id();
          rank[c]              = triangulation.locally_owned_subdomain();
          device[c]   = devices->device_of_cell(c, DeviceRegion::channel);
          filament[c] = devices->device_of_cell(c, DeviceRegion::filament);
          source[c]   = devices->source_density(c, last_region_powers);
        }
    std::vector<VtuSeriesWriter::Field> constant = {{"material_id", material}, {"device_id", device}};
    if (has_filaments())
      constant.emplace_back("filament_device_id", filament);
    constant.emplace_back("mpi_rank", rank);

    if (fe.degree == 1)
      {
        // The mesh never changes: its geometry is encoded once.
        if (!vtu_writer)
          vtu_writer = std::make_unique<VtuSeriesWriter>(dof_handler, constant);
        return vtu_writer->write(folder, "temperature", index, t,
                                 {{"temperature_K", vtu_writer->point_values(rise, T0)},
                                  {"temperature_rise_K", vtu_writer->point_values(rise, 0.0)}},
                                 {{"heat_source_W_per_m3", source}});
      }

    // Higher degrees: deal.II's patches, which subdivide each cell.
    LA::MPI::Vector temperature(owned, relevant, comm), T_owned(theta);
    T_owned.add(T0);
    temperature = T_owned;
    DataOut<3> data_out;
    data_out.attach_dof_handler(dof_handler);
    data_out.add_data_vector(temperature, "temperature_K");
    data_out.add_data_vector(rise, "temperature_rise_K");
    std::vector<Vector<float>> cell_fields;
    cell_fields.reserve(constant.size() + 1);
    constant.emplace(constant.begin(), "heat_source_W_per_m3", source);
    for (const auto &[name, values] : constant)
      {
        cell_fields.emplace_back(values.begin(), values.end());
        data_out.add_data_vector(cell_fields.back(), name);
      }
    data_out.build_patches(fe.degree);
    DataOutBase::VtkFlags flags(t, 0, false, DataOutBase::VtkFlags::best_speed);
    data_out.set_flags(flags);
    return data_out.write_vtu_with_pvtu_record(folder + "/", "temperature", index, comm, 5);
  }
} // namespace neuristor
