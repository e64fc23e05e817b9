#include "solver/case/case_schema.h"

#include "circuits/circuit_parameters.h"
#include "circuits/device_circuit.h"
#include "solver/tools/calibration.h"
#include "solver/coupling/device_integrator.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/case/resource_limits.h"
#include "solver/app/simulation.h"
#include "solver/app/sweep.h"
#include "solver/tools/thermal_characterization.h"
#include "solver/thermal_models/registry.h"

namespace neuristor::case_schema
{
  void
  declare_parameters(dealii::ParameterHandler &prm)
  {
    using parameter_tools::in_subsection;
    in_subsection(prm, "Run", [&] { RunSettings::declare_parameters(prm); });
    in_subsection(prm, "Time integration", [&] { IntegratorSettings::declare_parameters(prm); });
    in_subsection(prm, "Circuit", [&] { CircuitParameters::declare_parameters(prm); });
    device_circuits::registry().declare_parameters(prm);
    thermal_models::registry().declare_parameters(prm);
    in_subsection(prm, "Sweep", [&] { SweepSettings::declare_parameters(prm); });
    in_subsection(prm, "Limits", [&] { ResourceLimits::declare_parameters(prm); });
    in_subsection(prm, "Characterization",
                  [&] { CharacterizationSettings::declare_parameters(prm); });
    in_subsection(prm, "Calibration", [&] { CalibrationSettings::declare_parameters(prm); });
  }

  void
  load_case(dealii::ParameterHandler            &prm,
            const std::string                   &case_file,
            const std::vector<std::string>      &overrides,
            const std::vector<GeneratedSetting> &generated)
  {
    declare_parameters(prm);
    load_parameters(prm, case_file, overrides, generated);
  }
} // namespace neuristor::case_schema
