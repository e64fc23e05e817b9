#include "solver/thermal_models/finite_element/finite_element_model.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"
#include "solver/thermal_models/finite_element/heat_equation_system.h"

#include <sstream>

namespace neuristor
{
  namespace
  {
    /**
     * The co-simulation with the mesh and heat equation it runs on: the
     * triangulation and the field must outlive the integrator, so they are
     * owned together. Everything else is the integrator's.
     */
    class FiniteElementCoupling : public CouplingScheme
    {
    public:
      FiniteElementCoupling(const LayoutHeatModel                  &geometry,
                            const FiniteElementCouplingSettings &settings,
                            const CouplingContext               &context)
        : tria(context.comm)
      {
        std::vector<double> filament_fractions; // 1/k per device, with filament heating
        if (settings.filament_heating)
          for (const auto &c : context.circuits)
            filament_fractions.push_back(c.device().filament_fraction());
        heat   = geometry.build(tria, context.log, nullptr, filament_fractions);
        system = std::make_unique<HeatEquationSystem>(*heat, settings.filament_heating,
                                                      settings.cached_operators);
        integrator = std::make_unique<ElectroThermalIntegrator>(
          context.comm, *system, context.circuits, context.integration, settings,
          context.sample_interval, context.traced, context.timer);
      }

      std::vector<Spike>
      run(const double t_end, const RunSink &sink) override
      {
        integrator->field_output        = field_output;
        integrator->checkpoint          = checkpoint;
        integrator->checkpoint_interval = checkpoint_interval;
        const auto spikes = integrator->run(t_end, sink);
        stats             = integrator->statistics();
        final_outcomes    = integrator->outcomes();
        return spikes;
      }

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

    private:
      dealii::parallel::distributed::Triangulation<3> tria;
      std::unique_ptr<HeatEquation>                   heat;
      std::unique_ptr<HeatEquationSystem>             system;
      std::unique_ptr<ElectroThermalIntegrator>       integrator;
    };
  } // namespace

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
    return std::make_unique<FiniteElementCoupling>(geometry, coupling, context);
  }
} // namespace neuristor
