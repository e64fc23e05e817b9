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
                                   [&] {
                                     LumpedThermalNetwork::declare_parameters(prm);
                                     prm.declare_entry(
                                       "Multirate", "false", dealii::Patterns::Bool(),
                                       "true: when few devices spike among many quiet ones, the "
                                       "spiking ones and the devices they heat take short coupling "
                                       "windows of their own while the others take long ones (the "
                                       "same accuracy; 1.1-1.4x faster on a 128 x 128 lattice with "
                                       "one driven corner, 0.92-1.0x on the busy 64 x 64 lattice); "
                                       "false: one window length for all devices, as short as the "
                                       "busiest needs.");
                                   });
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
    parameter_tools::in_subsection(prm, "Thermal network", [&] {
      network.parse_parameters(prm, centres);
      multirate = prm.get_bool("Multirate");
    });
  }

  std::unique_ptr<CouplingScheme>
  LumpedModel::couple(const CouplingContext &context) const
  {
    return std::make_unique<NetworkIntegrator>(context.comm, network, context.circuits,
                                               context.integration, context.trace,
                                               context.traced, context.timer, multirate);
  }
} // namespace neuristor
