#pragma once

#include "solver/coupling/electrothermal_integrator.h"
#include "solver/thermal_models/finite_element/layout_heat_model.h"
#include "solver/thermal_models/interface.h"

#include <functional>
#include <memory>

namespace neuristor
{
  /**
   * The co-simulation of the devices with a linear thermal system of the
   * layout (the heat equation itself, or a reduced model of it), with the
   * mesh and heat equation it stands on: they must outlive the
   * integrator, so they are owned together, and destroyed in reverse.
   */
  class LayoutCoupling : public CouplingScheme
  {
  public:
    /** Makes the thermal system on the layout's heat equation; may set counters. */
    using SystemFactory = std::function<std::unique_ptr<LinearThermalSystem>(
      HeatEquation &heat, std::map<std::string, double> &counters)>;

    /** Meshes the layout (with filaments if filament heating is on) (collective). */
    LayoutCoupling(const LayoutHeatModel               &geometry,
                   const FiniteElementCouplingSettings &settings,
                   const CouplingContext               &context,
                   const SystemFactory                 &make_system);

    std::vector<Spike>
    run(const double t_end, const RunSink &sink) override;

    double
    time() const override
    {
      return integrator->time();
    }

    void
    save(BinaryWriter &out) const override
    {
      integrator->save(out);
    }

    void
    load(BinaryReader &in) override
    {
      integrator->load(in);
    }

    std::string
    write_field(const std::string &folder, const unsigned int index) const override
    {
      return integrator->write_field(folder, index);
    }

    void
    report(std::ostream &log) const override
    {
      integrator->report(log);
    }

    std::vector<double>
    probe_temperatures() const override
    {
      return system->probe_temperatures(*probes);
    }

  private:
    dealii::parallel::fullydistributed::Triangulation<3> tria;
    std::unique_ptr<HeatEquation>                   heat;
    std::unique_ptr<LinearThermalSystem>            system;
    std::unique_ptr<ElectroThermalIntegrator>       integrator;
    std::unique_ptr<PointProbes>                    probes; // of context.probes
  };
} // namespace neuristor
