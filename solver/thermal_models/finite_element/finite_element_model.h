#pragma once

#include "solver/coupling/electrothermal_integrator.h"
#include "solver/thermal_models/finite_element/layout_heat_model.h"
#include "solver/thermal_models/interface.h"

namespace neuristor
{
  /**
   * `Run/Thermal model = finite element`: the heat equation over the layout
   * (sections 'Layout', 'Materials', 'Thermal boundary', 'Heat solver'),
   * co-simulated with every device by a monolithic Newton per step
   * (ElectroThermalIntegrator, section 'Finite-element coupling'). Writes
   * the temperature field and checkpoints.
   */
  class FiniteElementModel : public ThermalModelInterface
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    explicit FiniteElementModel(dealii::ParameterHandler &prm);

    unsigned int
    n_devices() const override
    {
      return geometry.layout.n_devices();
    }

    std::string
    description() const override;
    /** The layout's mesh against Limits/Maximum mesh cells. */
    void
    apply_limits(const ResourceLimits &limits) override;

    std::string
    step_name() const override
    {
      return "step";
    }

    bool
    has_checkpoints() const override
    {
      return true;
    }

    /** A field series when Finite-element coupling/Field output interval > 0. */
    bool
    has_field() const override
    {
      return coupling.field_interval > 0;
    }

    bool
    meshes_layout() const override
    {
      return true;
    }

    /**
     * Probes of the field (the reduced model's rebuilt from its modes) at
     * points inside the Layout's substrate or parts.
     */
    void
    check_probes(const std::vector<Probe> &probes) const override;

    /** Meshes the layout and builds the heat equation (collective). */
    std::unique_ptr<CouplingScheme>
    couple(const CouplingContext &context) const override;

  protected:
    LayoutHeatModel               geometry;
    FiniteElementCouplingSettings coupling;
  };
} // namespace neuristor
