#include "solver/thermal_models/lumped/lumped_model.h"

#include "solver/coupling/network_integrator.h"
#include "solver/case/parameter_tools.h"
#include "mesh/layout.h"

namespace neuristor
{
  void
  LumpedModel::declare_parameters(dealii::ParameterHandler &prm)
  {
    parameter_tools::in_subsection(prm, "Thermal network",
                                   [&] { LumpedThermalNetwork::declare_parameters(prm); });
  }

  LumpedModel::LumpedModel(dealii::ParameterHandler &prm)
  {
    // Positions = layout: the distance law over the Layout section's devices.
    std::string positions;
    parameter_tools::in_subsection(prm, "Thermal network", [&] { positions = prm.get("Positions"); });
    std::vector<std::array<double, 2>> centres;
    if (parameter_tools::trim(positions) == "layout")
      parameter_tools::in_subsection(prm, "Layout", [&] {
        Layout layout;
        layout.parse_parameters(prm);
        centres = layout.device_centres();
      });
    parameter_tools::in_subsection(prm, "Thermal network", [&] { network.parse_parameters(prm, centres); });
  }

  std::unique_ptr<CouplingScheme>
  LumpedModel::couple(const CouplingContext &context) const
  {
    return std::make_unique<NetworkIntegrator>(context.comm, network, context.circuits,
                                               context.integration, context.trace,
                                               context.traced, context.timer);
  }
} // namespace neuristor
