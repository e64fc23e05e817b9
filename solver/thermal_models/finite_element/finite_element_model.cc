#include "solver/thermal_models/finite_element/finite_element_model.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"
#include "solver/thermal_models/finite_element/heat_equation_system.h"
#include "solver/thermal_models/finite_element/layout_coupling.h"

#include <sstream>

namespace neuristor
{
  void
  FiniteElementModel::declare_parameters(dealii::ParameterHandler &prm)
  {
    LayoutHeatModel::declare_parameters(prm);
    parameter_tools::in_subsection(prm, "Finite-element coupling",
                                   [&] { FiniteElementCouplingSettings::declare_parameters(prm); });
  }

  FiniteElementModel::FiniteElementModel(dealii::ParameterHandler &prm)
    : geometry(prm, LayoutHeatModel::ambient_temperature(prm))
  {
    parameter_tools::in_subsection(prm, "Finite-element coupling",
                                   [&] { coupling.parse_parameters(prm); });
    double noise = 0;
    parameter_tools::in_subsection(prm, "Thermal network",
                                   [&] { noise = prm.get_double("Noise strength"); });
    if (noise > 0)
      throw InputError("Thermal network/Noise strength",
                       "thermal noise exists in lumped mode only; set it to 0 with "
                       "Run/Thermal model = finite element");
  }

  void
  FiniteElementModel::apply_limits(const ResourceLimits &limits)
  {
    geometry.apply_limits(limits);
  }

  void
  FiniteElementModel::check_probes(const std::vector<Probe> &probes) const
  {
    const auto &box = geometry.layout.substrate();
    for (const auto &probe : probes)
      if (geometry.layout.material_at(probe.point) < 0)
        throw InputError("Run/Probes",
                         "the probe " + probe.describe() + " lies outside the substrate (x " +
                           parameter_tools::format_number(box.lo[0]) + " to " +
                           parameter_tools::format_number(box.hi[0]) + ", y " +
                           parameter_tools::format_number(box.lo[1]) + " to " +
                           parameter_tools::format_number(box.hi[1]) + ", z " +
                           parameter_tools::format_number(box.lo[2]) +
                           " to 0 m) and every part on it");
  }

  std::string
  FiniteElementModel::description() const
  {
    const auto        &box = geometry.layout.substrate();
    std::ostringstream text;
    text << "finite element: " << geometry.layout.n_devices() << " devices on a "
         << (box.hi[0] - box.lo[0]) * 1e6 << " x " << (box.hi[1] - box.lo[1]) * 1e6 << " x "
         << (box.hi[2] - box.lo[2]) * 1e6 << " um substrate";
    return text.str();
  }

  std::unique_ptr<CouplingScheme>
  FiniteElementModel::couple(const CouplingContext &context) const
  {
    const auto settings = coupling;
    return std::make_unique<LayoutCoupling>(
      geometry, coupling, context, [settings](HeatEquation &heat, std::map<std::string, double> &) {
        return std::make_unique<HeatEquationSystem>(heat, settings.filament_heating,
                                                    settings.cached_operators);
      });
  }
} // namespace neuristor
