#include "solver/thermal_models/finite_element/layout_heat_model.h"

#include "solver/case/parameter_tools.h"

#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <string>

namespace neuristor
{
  using namespace dealii;

  void
  LayoutHeatModel::declare_parameters(ParameterHandler &prm)
  {
    using parameter_tools::in_subsection;
    in_subsection(prm, "Layout", [&] { Layout::declare_parameters(prm); });
    in_subsection(prm, "Materials", [&] { ThermalMaterials::declare_parameters(prm); });
    in_subsection(prm, "Thermal boundary", [&] { ThermalBoundarySettings::declare_parameters(prm); });
    in_subsection(prm, "Heat solver", [&] { HeatSolverSettings::declare_parameters(prm); });
  }

  LayoutHeatModel::LayoutHeatModel(ParameterHandler &prm, const double T0)
    : T0(T0)
  {
    using parameter_tools::in_subsection;
    in_subsection(prm, "Layout", [&] { layout.parse_parameters(prm); });
    in_subsection(prm, "Materials", [&] { materials.parse_parameters(prm); });
    in_subsection(prm, "Thermal boundary", [&] { boundary.parse_parameters(prm); });
    in_subsection(prm, "Heat solver", [&] { solver.parse_parameters(prm); });
  }

  double
  LayoutHeatModel::ambient_temperature(ParameterHandler &prm)
  {
    double T0 = 0;
    parameter_tools::in_subsection(prm, "Thermal network",
                                   [&] { T0 = prm.get_double("Ambient temperature"); });
    return T0;
  }

  void
  LayoutHeatModel::apply_limits(const ResourceLimits &limits)
  {
    max_cells = limits.mesh_cells;
    check_mesh_size(layout, {}, max_cells);
  }

  std::unique_ptr<HeatEquation>
  LayoutHeatModel::build(parallel::fullydistributed::Triangulation<3> &tria,
                      ConditionalOStream                      &log,
                      MeshStatistics                          *statistics,
                      const std::vector<double>               &filament_fractions) const
  {
    const MeshStatistics mesh = generate_mesh(layout, tria, filament_fractions, max_cells);
    if (statistics)
      *statistics = mesh;
    const Layout &geometry = layout;
    HeatEquation::RegionFunction filament_of_point;
    if (!filament_fractions.empty())
      filament_of_point = [filaments = layout.filament_boxes(filament_fractions)](
                            const Point<3> &p) { return device_in(filaments, p); };
    auto heat = std::make_unique<HeatEquation>(
      tria, materials, boundary.conditions(), layout.n_devices(),
      [&geometry](const Point<3> &p) { return geometry.device_at(p); }, solver, T0,
      filament_of_point);
    log << "Mesh: " << mesh.cells << " cells, " << heat->n_dofs() << " DoFs, cell sizes "
        << mesh.min_cell_size * 1e9 << " nm to " << mesh.max_cell_size * 1e6
        << " um, aspect ratios " << std::setprecision(3) << mesh.min_aspect_ratio << " to "
        << mesh.max_aspect_ratio << std::setprecision(6) << std::endl;
    if (heat->has_filaments())
      {
        log << "Filament volumes [m^3]:";
        for (const double v : heat->filament_volumes())
          log << ' ' << v;
        log << std::endl;
      }
    const auto check = [](const std::string &what, const double meshed, const double exact) {
      if (std::abs(meshed - exact) > 1e-9 * exact)
        {
          // Not std::to_string: its fixed notation prints 1e-21 m^3 as 0.000000.
          std::ostringstream message;
          message << what << " is meshed with volume " << meshed << " m^3 instead of " << exact
                  << " (the mesh does not conform to it)";
          throw std::runtime_error(message.str());
        }
    };
    for (unsigned int i = 0; i < layout.n_devices(); ++i)
      {
        const std::string device = "device " + std::to_string(i);
        check(device, heat->device_volumes()[i], layout.channel_volume(i));
        if (heat->has_filaments())
          check(device + "'s filament", heat->filament_volumes()[i],
                layout.channel_volume(i) * filament_fractions[i]);
      }
    return heat;
  }
} // namespace neuristor
