#include "solver/thermal_models/registry.h"

#include "solver/thermal_models/finite_element/finite_element_model.h"
#include "solver/thermal_models/lumped/lumped_model.h"
#include "solver/thermal_models/reduced/array_model.h"
#include "solver/thermal_models/reduced/reduced_model.h"

namespace neuristor::thermal_models
{
  namespace
  {
    template <typename Model>
    std::unique_ptr<ThermalModelInterface>
    make(dealii::ParameterHandler &prm)
    {
      return std::make_unique<Model>(prm);
    }
  } // namespace

  const RegistrationList<Registration> &
  registry()
  {
    // The registration list: a new thermal model is one folder and one line here.
    static const RegistrationList<Registration> list("Run/Thermal model", "thermal model", {
      {"lumped", "the paper's lumped network of the 'Thermal network' section",
       &LumpedModel::declare_parameters, &make<LumpedModel>},
      {"finite element",
       "the heat equation over the 'Layout' (one device per channel), co-simulated",
       &FiniteElementModel::declare_parameters, &make<FiniteElementModel>},
      {"reduced",
       "a reduced-order model of that heat equation ('Reduced model' section), co-simulated",
       &ReducedModel::declare_parameters, &make<ReducedModel>},
      {"reduced array",
       "for regular arrays: one patch's reduced model applied translation-invariantly within "
       "a cutoff, each device on its own steps ('Reduced array' section)",
       &ArrayReducedModel::declare_parameters, &make<ArrayReducedModel>}});
    return list;
  }

  std::unique_ptr<ThermalModelInterface>
  create(const std::string &name, dealii::ParameterHandler &prm)
  {
    return registry().find(name).create(prm);
  }
} // namespace neuristor::thermal_models
