#pragma once

#include "solver/case/parameter_file.h"

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace neuristor::case_schema
{
  /**
   * Declare every section a case file may use: the run, its devices
   * (circuit, VO2, time integration), the sections of every registered
   * thermal model, and those of the tools (sweep, characterization,
   * calibration). Each section's class declares its own entries; this is
   * only the list, so no tool needs to include another.
   */
  void
  declare_parameters(dealii::ParameterHandler &prm);

  /** Declare every section and read a case file plus overrides into prm. */
  void
  load_case(dealii::ParameterHandler            &prm,
            const std::string                   &case_file,
            const std::vector<std::string>      &overrides,
            const std::vector<GeneratedSetting> &generated = {});
} // namespace neuristor::case_schema
