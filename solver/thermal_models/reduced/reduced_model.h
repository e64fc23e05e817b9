#pragma once

#include "solver/thermal_models/finite_element/finite_element_model.h"
#include "solver/thermal_models/reduced/modal_basis.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace neuristor
{
  /** The "Reduced model" section: error target, time scales, check, cache. */
  struct ReducedModelSettings
  {
    double                    tolerance     = 0.01;   // of the heated device's peak rise
    double                    fastest_scale = 1e-10;  // s
    double                    slowest_scale = 1e-5;   // s
    unsigned int              levels        = 4;      // shift refinements
    std::vector<unsigned int> check_devices = {0};
    double                    check_time    = 2e-6;   // s
    std::string               cache_folder;           // "" = the user's cache, "none" = off

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);

    /** The cache folder to use (empty: no cache). */
    std::filesystem::path
    cache_path() const;

    /**
     * The Krylov shifts [1/s] level by level: the steady state and the
     * geometric mean of the fastest and slowest time scales; then those two
     * scales; then, each further level, the geometric means of neighbouring
     * scales so far (levels + 2 levels in all).
     */
    std::vector<std::vector<double>>
    shift_levels() const;
  };

  /**
   * `Run/Thermal model = reduced`: a reduced-order model of the case's own
   * heat equation (same layout, mesh, materials, boundaries and filament
   * option as `finite element`), co-simulated with the devices by the same
   * integrator and steps. The model is a congruence projection on a block
   * rational Krylov space (KrylovSpace), grown shift level by shift level
   * until the device step responses match full finite element within
   * `Reduced model/Tolerance` (StepResponseCheck). It is stored in the run
   * folder (reduced_model.bin) and in a cache keyed by every entry it
   * depends on, and reused by later runs, sweep points and restarts.
   */
  class ReducedModel : public FiniteElementModel
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    explicit ReducedModel(dealii::ParameterHandler &prm);

    std::string
    description() const override;

    /** Meshes the layout, loads or builds the reduced model (collective). */
    std::unique_ptr<CouplingScheme>
    couple(const CouplingContext &context) const override;

    /**
     * Build the reduced model of a heat equation to the settings' error
     * target (collective); logs each level's order and error. inputs: the
     * devices heated in the Krylov space (empty: all).
     */
    static std::shared_ptr<ModalBasis>
    build(HeatEquation                    &heat,
          const unsigned int               n_regions,
          const ReducedModelSettings      &settings,
          const bool                       keep_modes,
          dealii::ConditionalOStream      &log,
          const std::vector<unsigned int> &inputs = {});

    /**
     * The model of `key` from the settings' cache, or build() and cache it;
     * a copy without modes goes to the run folder, and the counters get the
     * build count, order, error and solves (collective). heat: where modes
     * live (may be null without modes).
     */
    static std::shared_ptr<ModalBasis>
    load_or_build(const CouplingContext                              &context,
                  const ReducedModelSettings                         &settings,
                  const std::string                                  &key,
                  const HeatEquation                                 *heat,
                  const bool                                          keep_modes,
                  const std::function<std::shared_ptr<ModalBasis>()> &build,
                  std::map<std::string, double>                      &counters);

  protected:
    /** The cache key: every entry the model depends on, less `ignored` ("Section/Entry"). */
    std::string
    model_key(const dealii::ParameterHandler &prm, std::vector<std::string> ignored) const;

    ReducedModelSettings settings;
    std::string          key; // the entries the model depends on
  };
} // namespace neuristor
