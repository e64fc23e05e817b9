#include "solver/thermal_models/finite_element/layout_coupling.h"

namespace neuristor
{
  LayoutCoupling::LayoutCoupling(const LayoutHeatModel               &geometry,
                                 const FiniteElementCouplingSettings &settings,
                                 const CouplingContext               &context,
                                 const SystemFactory                 &make_system)
    : tria(context.comm)
  {
    std::vector<double> filament_fractions; // 1/k per device, with filament heating
    if (settings.filament_heating)
      for (const auto &c : context.circuits)
        filament_fractions.push_back(c->filament_fraction());
    heat       = geometry.build(tria, context.log, nullptr, filament_fractions);
    system     = make_system(*heat, counters);
    probes     = heat->make_probes(context.probes);
    integrator = std::make_unique<ElectroThermalIntegrator>(
      context.comm, *system, context.circuits, context.integration, settings,
      context.trace, context.traced, &context.timer);
  }

  std::vector<Spike>
  LayoutCoupling::run(const double t_end, const RunSink &sink)
  {
    integrator->field_output        = field_output;
    integrator->step_end            = step_end;
    integrator->checkpoint          = checkpoint;
    integrator->checkpoint_interval = checkpoint_interval;
    const auto spikes = integrator->run(t_end, sink);
    stats             = integrator->statistics();
    final_outcomes    = integrator->outcomes();
    system->add_counters(counters);
    return spikes;
  }
} // namespace neuristor
