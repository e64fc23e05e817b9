#include "solver/thermal_models/lumped/lumped_model.h"

#include "solver/coupling/network_integrator.h"
#include "solver/case/parameter_tools.h"

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
    parameter_tools::in_subsection(prm, "Thermal network", [&] { network.parse_parameters(prm); });
  }

  std::unique_ptr<CouplingScheme>
  LumpedModel::couple(const CouplingContext &context) const
  {
    return std::make_unique<NetworkIntegrator>(context.comm, network, context.circuits,
                                               context.integration, context.sample_interval,
                                               context.traced, context.timer);
  }
} // namespace neuristor
