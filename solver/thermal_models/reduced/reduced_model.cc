#include "solver/thermal_models/reduced/reduced_model.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"
#include "solver/thermal_models/finite_element/layout_coupling.h"
#include "solver/thermal_models/reduced/krylov_space.h"
#include "solver/thermal_models/reduced/modal_system.h"
#include "solver/thermal_models/reduced/model_cache.h"
#include "solver/thermal_models/reduced/step_response_check.h"

#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>

namespace neuristor
{
  using namespace dealii;

  void
  ReducedModelSettings::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Tolerance", "0.01", Patterns::Double(1e-6, 1),
                      "Error target of the reduced model: the largest deviation of any "
                      "device's step response from full finite element, as a fraction of "
                      "that device's own peak rise (rises below 1 % of the heated "
                      "device's count as that 1 %) [dimensionless].");
    prm.declare_entry("Fastest time scale", "1e-10", Patterns::Double(0),
                      "Shortest time scale the model resolves: its fastest Krylov shift "
                      "is 1 / this [s].");
    prm.declare_entry("Slowest time scale", "1e-5", Patterns::Double(0),
                      "Longest time scale below the steady state: its slowest nonzero "
                      "shift is 1 / this [s].");
    prm.declare_entry("Refinement levels", "4", Patterns::Integer(0, 8),
                      "How often the shifts may be refined beyond the first two levels (each adds the geometric "
                      "means of the time scales so far) before the error target counts as "
                      "missed [count].");
    prm.declare_entry("Check devices", "0", Patterns::List(Patterns::Integer(0), 1),
                      "Devices whose full finite-element step responses check the model "
                      "[device indices].");
    prm.declare_entry("Check time", "2e-6", Patterns::Double(0),
                      "How long the check follows the step responses [s].");
    prm.declare_entry("Cache folder", "", Patterns::DirectoryName(),
                      "Where built models are kept for later runs: empty for "
                      "$XDG_CACHE_HOME/neuristor (or ~/.cache/neuristor), 'none' for no "
                      "cache [path; relative to the current folder, written absolute "
                      "to the run's parameters.prm].");
  }

  void
  ReducedModelSettings::parse_parameters(const ParameterHandler &prm)
  {
    tolerance     = prm.get_double("Tolerance");
    fastest_scale = prm.get_double("Fastest time scale");
    slowest_scale = prm.get_double("Slowest time scale");
    levels        = prm.get_integer("Refinement levels");
    check_devices.clear();
    for (const auto &d : Utilities::split_string_list(prm.get("Check devices")))
      check_devices.push_back(Utilities::string_to_int(d));
    check_time   = prm.get_double("Check time");
    cache_folder = prm.get("Cache folder");
    if (!(fastest_scale > 0) || !(slowest_scale > fastest_scale))
      throw InputError("Reduced model/Slowest time scale",
                       "needs 0 < Fastest time scale < Slowest time scale");
    if (!(check_time > 0))
      throw InputError("Reduced model/Check time", "must be > 0");
  }

  std::filesystem::path
  ReducedModelSettings::cache_path() const
  {
    if (cache_folder == "none")
      return {};
    if (!cache_folder.empty())
      return std::filesystem::absolute(cache_folder);
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
      return std::filesystem::path(xdg) / "neuristor";
    if (const char *home = std::getenv("HOME"); home && *home)
      return std::filesystem::path(home) / ".cache" / "neuristor";
    return {};
  }

  std::vector<std::vector<double>>
  ReducedModelSettings::shift_levels() const
  {
    // Time scales in log space between the fastest (0) and the slowest (1).
    const auto shift = [&](const double x) {
      return 1 / (fastest_scale * std::pow(slowest_scale / fastest_scale, x));
    };
    std::vector<std::vector<double>> result = {{0.0, shift(0.5)}, {shift(0), shift(1)}};
    std::vector<double>              positions = {0, 0.5, 1};
    for (unsigned int level = 2; level <= levels + 1; ++level)
      {
        std::vector<double> next, added;
        for (unsigned int k = 0; k + 1 < positions.size(); ++k)
          {
            const double mid = 0.5 * (positions[k] + positions[k + 1]);
            next.insert(next.end(), {positions[k], mid});
            added.push_back(shift(mid));
          }
        next.push_back(positions.back());
        positions = next;
        result.push_back(added);
      }
    return result;
  }

  void
  ReducedModel::declare_parameters(ParameterHandler &prm)
  {
    // The heat equation's sections come with 'finite element'.
    parameter_tools::in_subsection(prm, "Reduced model",
                                   [&] { ReducedModelSettings::declare_parameters(prm); });
  }

  ReducedModel::ReducedModel(ParameterHandler &prm)
    : FiniteElementModel(prm)
  {
    parameter_tools::in_subsection(prm, "Reduced model", [&] { settings.parse_parameters(prm); });
    for (const unsigned int d : settings.check_devices)
      if (d >= geometry.layout.n_devices())
        throw InputError("Reduced model/Check devices",
                         "device " + std::to_string(d) + " does not exist (the layout has " +
                           std::to_string(geometry.layout.n_devices()) + " devices)");
    key = model_key(prm, {});
  }

  std::string
  ReducedModel::model_key(const ParameterHandler &prm, std::vector<std::string> ignored) const
  {
    // The builder's version: a change of how models are built or checked
    // must not reuse models built the old way.
    ignored.push_back("Reduced model/Cache folder");
    return "layout heat model, reduced by builder 2\n" +
           parameter_tools::sections_text(prm, {"Layout", "Materials", "Thermal boundary",
                                                "Heat solver", "Reduced model"},
                                          ignored) +
           "filament heating " + (coupling.filament_heating ? "on" : "off") + "\n";
  }

  std::string
  ReducedModel::description() const
  {
    return "reduced " + FiniteElementModel::description();
  }

  std::shared_ptr<ModalBasis>
  ReducedModel::build(HeatEquation               &heat,
                      const unsigned int          n_regions,
                      const ReducedModelSettings &settings,
                      const bool                  keep_modes,
                      ConditionalOStream         &log,
                      const std::vector<unsigned int> &inputs)
  {
    Timer                   clock;
    const StepResponseCheck check(heat, settings.check_devices, settings.check_time);
    log << "Reduced model: full step responses of " << settings.check_devices.size()
        << " device(s) for the check in " << clock.wall_time() << " s" << std::endl;
    KrylovSpace space(heat, n_regions, inputs);
    const auto              levels = settings.shift_levels();
    double                  error  = -1;
    for (unsigned int level = 0; level < levels.size(); ++level)
      {
        for (const double s : levels[level])
          space.add_shift(s);
        auto projection = space.project();
        error           = check.error(projection.basis);
        log << "Reduced model: level " << level << ", order " << space.dimension()
            << ", step-response error " << std::setprecision(3) << error * 100 << " %, "
            << clock.wall_time() << " s" << std::setprecision(6) << std::endl;
        if (error <= settings.tolerance)
          {
            auto basis   = std::make_shared<ModalBasis>(std::move(projection.basis));
            basis->error = error;
            if (keep_modes)
              basis->modes = space.modes(projection.rotation);
            basis->solves += check.solves();
            return basis;
          }
      }
    std::ostringstream message;
    message << "the step responses stay " << error * 100 << " % of their peak rise from full "
            << "finite element after " << settings.levels << " refinements (order "
            << space.dimension() << "); raise Reduced model/Tolerance or Refinement levels, "
            << "or widen the time scales";
    throw InputError("Reduced model/Tolerance", message.str());
  }

  std::unique_ptr<CouplingScheme>
  ReducedModel::couple(const CouplingContext &context) const
  {
    const auto settings   = this->settings;
    const auto coupling   = this->coupling;
    // The modes rebuild the field: for snapshots and for probes.
    const bool keep_modes = (coupling.field_interval > 0 || !context.probes.empty()) && context.folder;
    std::string full_key  = key;
    if (coupling.filament_heating) // the filament widths are meshed
      for (const auto &c : context.circuits)
        full_key += "filament fraction " + std::to_string(c->filament_fraction()) + "\n";
    return std::make_unique<LayoutCoupling>(
      geometry, coupling, context,
      [=, &context](HeatEquation &heat, std::map<std::string, double> &counters) {
        const unsigned int n_regions = coupling.filament_heating ? 2 : 1;
        const auto         basis     = load_or_build(context, settings, full_key, &heat, keep_modes,
                                                     [&] {
                                                       return build(heat, n_regions, settings,
                                                                    keep_modes, context.log);
                                                     },
                                                     counters);
        return std::make_unique<ModalSystem>(basis, heat.ambient_temperature(),
                                             coupling.cached_operators,
                                             keep_modes ? &heat : nullptr);
      });
  }

  std::shared_ptr<ModalBasis>
  ReducedModel::load_or_build(const CouplingContext                              &context,
                              const ReducedModelSettings                         &settings,
                              const std::string                                  &key,
                              const HeatEquation                                 *heat,
                              const bool                                          keep_modes,
                              const std::function<std::shared_ptr<ModalBasis>()> &build,
                              std::map<std::string, double>                      &counters)
  {
    const auto                  cache = settings.cache_path();
    std::shared_ptr<ModalBasis> basis;
    std::string                 why_not = "no cache";
    if (!cache.empty())
      basis = model_cache::load(model_cache::file_for(cache, key), key, heat, keep_modes, why_not);
    // Every rank must agree (a file seen by one rank only counts as a miss).
    const bool everywhere = Utilities::MPI::min(basis ? 1 : 0, context.comm) == 1;
    if (!everywhere)
      basis = nullptr;
    counters["reduced_model_builds"] = basis ? 0 : 1;
    if (basis)
      context.log << "Reduced model: order " << basis->order() << " from the cache ("
                  << model_cache::file_for(cache, key).string() << ")" << std::endl;
    else
      {
        context.log << "Reduced model: building (" << why_not << ")" << std::endl;
        TimerOutput::Scope scope(context.timer, "Reduced model: build");
        basis = build();
        if (!cache.empty())
          try
            {
              model_cache::store(context.comm, model_cache::file_for(cache, key), key, *basis,
                                 heat);
            }
          catch (const std::exception &e) // the run goes on without the cache
            {
              context.log << "Reduced model: not cached: " << e.what() << std::endl;
            }
      }
    // The run folder keeps the device-level model (the modes are large).
    if (context.folder)
      model_cache::store(context.comm, context.folder->file("reduced_model.bin"), key,
                         basis->without_modes(), heat);
    counters["reduced_model_order"]        = basis->order();
    counters["reduced_model_error"]        = basis->error;
    counters["reduced_model_build_solves"] = basis->solves;
    return basis;
  }
} // namespace neuristor
