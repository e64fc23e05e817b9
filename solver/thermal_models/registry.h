#pragma once

#include "solver/case/registration_list.h"
#include "solver/thermal_models/interface.h"

#include <deal.II/base/parameter_handler.h>

#include <memory>
#include <string>
#include <vector>

namespace neuristor::thermal_models
{
  /** One thermal model as `Run/Thermal model` offers it. */
  struct Registration
  {
    std::string name;        // the value of Run/Thermal model
    std::string description; // one line for the parameter documentation
    /** Declares the sections the model reads (at the top level of prm). */
    void (*declare_parameters)(dealii::ParameterHandler &prm);
    /** Parses and validates them (InputError on bad input). */
    std::unique_ptr<ThermalModelInterface> (*create)(dealii::ParameterHandler &prm);
  };

  /** Every thermal model `Run/Thermal model` offers. */
  const RegistrationList<Registration> &
  registry();

  /** The model called `name`, parsed from prm; InputError if there is none. */
  std::unique_ptr<ThermalModelInterface>
  create(const std::string &name, dealii::ParameterHandler &prm);
} // namespace neuristor::thermal_models
