#include "materials/device_model.h"

#include "materials/vo2_resistance.h"
#include "solver/case/parameter_tools.h"

namespace neuristor::device_models
{
  namespace
  {
    void
    declare_vo2(dealii::ParameterHandler &prm)
    {
      parameter_tools::in_subsection(prm, "VO2", [&] { VO2Parameters::declare_parameters(prm); });
    }

    std::vector<std::shared_ptr<const DeviceModel>>
    create_vo2(dealii::ParameterHandler &prm, const unsigned int n_devices)
    {
      std::vector<VO2Parameters> parameters;
      parameter_tools::in_subsection(prm, "VO2", [&] {
        parameters = VO2Parameters::parse_parameters(prm, n_devices);
      });
      std::vector<std::shared_ptr<const DeviceModel>> models;
      for (const auto &p : parameters)
        models.push_back(std::make_shared<VO2Resistance>(p));
      return models;
    }

    std::vector<Registration> &
    list()
    {
      // The registration list: a new device model is one file and one line here.
      static std::vector<Registration> models = {
        {"VO2", "the hysteretic VO2 resistance of Qiu et al. (S1)-(S4), (S7), section 'VO2'",
         &declare_vo2, &create_vo2}};
      return models;
    }
  } // namespace

  const std::vector<Registration> &
  registrations()
  {
    return list();
  }

  void
  add(const Registration &registration)
  {
    for (const auto &r : list())
      if (r.name == registration.name)
        throw std::logic_error("device model '" + r.name + "' is registered twice");
    list().push_back(registration);
  }

  std::string
  selection_pattern()
  {
    return parameter_tools::selection_pattern(list());
  }

  std::string
  documentation()
  {
    return parameter_tools::registration_documentation(list());
  }

  void
  declare_parameters(dealii::ParameterHandler &prm)
  {
    for (const auto &r : list())
      r.declare_parameters(prm);
  }

  std::vector<std::shared_ptr<const DeviceModel>>
  create(const std::string &name, dealii::ParameterHandler &prm, const unsigned int n_devices)
  {
    return parameter_tools::find_registration(list(), name, "Run/Device model", "device model")
      .create(prm, n_devices);
  }
} // namespace neuristor::device_models
