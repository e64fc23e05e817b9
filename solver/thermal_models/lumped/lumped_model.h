#pragma once

#include "solver/thermal_models/lumped/lumped_thermal_network.h"
#include "solver/thermal_models/interface.h"

namespace neuristor
{
  /**
   * `Run/Thermal model = lumped`: the paper's lumped network (section
   * 'Thermal network'); each device carries its own node, and the devices
   * are coupled by multirate waveform relaxation (NetworkIntegrator).
   */
  class LumpedModel : public ThermalModelInterface
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    explicit LumpedModel(dealii::ParameterHandler &prm);

    unsigned int
    n_devices() const override
    {
      return network.n_devices();
    }

    std::string
    description() const override
    {
      return network.description();
    }

    std::string
    step_name() const override
    {
      return "coupling window";
    }

    std::unique_ptr<CouplingScheme>
    couple(const CouplingContext &context) const override;

    /** The network: each device's node and its links. */
    const LumpedThermalNetwork &
    thermal_network() const
    {
      return network;
    }

  private:
    LumpedThermalNetwork network;
    bool                 multirate = false; // NetworkIntegrator's active and latent devices
  };
} // namespace neuristor
