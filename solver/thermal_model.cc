#include "solver/thermal_model.h"

#include "solver/parameter_tools.h"

#include <cmath>
#include <iomanip>
#include <stdexcept>
#include <string>

namespace neuristor
{
  using namespace dealii;

  void
  ThermalModel::declare_parameters(ParameterHandler &prm)
  {
    using parameter_tools::in_subsection;
    in_subsection(prm, "Layout", [&] { Layout::declare_parameters(prm); });
    in_subsection(prm, "Materials", [&] { ThermalMaterials::declare_parameters(prm); });
    in_subsection(prm, "Thermal boundary", [&] { ThermalBoundarySettings::declare_parameters(prm); });
    in_subsection(prm, "Heat solver", [&] { HeatSolverSettings::declare_parameters(prm); });
  }

  ThermalModel::ThermalModel(ParameterHandler &prm, const double T0)
    : T0(T0)
  {
    using parameter_tools::in_subsection;
    in_subsection(prm, "Layout", [&] { layout.parse_parameters(prm); });
    in_subsection(prm, "Materials", [&] { materials.parse_parameters(prm); });
    in_subsection(prm, "Thermal boundary", [&] { boundary.parse_parameters(prm); });
    in_subsection(prm, "Heat solver", [&] { solver.parse_parameters(prm); });
  }

  std::unique_ptr<HeatEquation>
  ThermalModel::build(parallel::distributed::Triangulation<3> &tria,
                      ConditionalOStream                      &log,
                      MeshStatistics                          *statistics) const
  {
    const MeshStatistics mesh = generate_mesh(layout, tria);
    if (statistics)
      *statistics = mesh;
    const Layout &geometry = layout;
    auto heat = std::make_unique<HeatEquation>(
      tria, materials, boundary.conditions(), layout.n_devices(),
      [&geometry](const Point<3> &p) { return geometry.device_at(p); }, solver, T0);
    log << "Mesh: " << mesh.cells << " cells, " << heat->n_dofs() << " DoFs, cell sizes "
        << mesh.min_cell_size * 1e9 << " nm to " << mesh.max_cell_size * 1e6
        << " um, aspect ratios " << std::setprecision(3) << mesh.min_aspect_ratio << " to "
        << mesh.max_aspect_ratio << std::setprecision(6) << std::endl;
    for (unsigned int i = 0; i < layout.n_devices(); ++i)
      {
        const double exact = layout.channel_volume(i), meshed = heat->device_volumes()[i];
        if (std::abs(meshed - exact) > 1e-9 * exact)
          throw std::runtime_error("device " + std::to_string(i) + " is meshed with volume " +
                                   std::to_string(meshed) + " m^3 instead of " +
                                   std::to_string(exact));
      }
    return heat;
  }
} // namespace neuristor
