#pragma once

#include "solver/app/command_folder.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <ostream>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * The "Calibration" section: which declared physical unknowns of a single
   * device's layout are fitted, and to what. The seed's lumped model gives
   * the device an effective thermal conductance S_th = 0.206 mW/K and heat
   * capacity C_th = 49.6 pJ/K; one entry is fitted to the conductance, two
   * entries to both.
   */
  struct CalibrationSettings
  {
    std::vector<std::string> entries;      // one or two, e.g. "Layout/Channel width"
    std::vector<double>      lower, upper; // bracket of each entry [its units]
    double                   target_conductance;   // W/K
    double                   target_heat_capacity; // J/K, with two entries
    double                   tolerance;            // relative
    unsigned                 max_evaluations;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /**
   * `neuristor calibrate CASE.prm`: fits one entry by regula falsi
   * (Illinois) on log(S) against log(value), or two entries by Newton on
   * (log S, log C_eff) against their logs; each evaluation is two steady
   * solves of the case's layout (ThermalCharacterization::steady_response).
   * Writes DIR/preset.prm (the fitted entries with a header that documents
   * the fit), DIR/calibration.csv (every evaluation) and
   * DIR/calibration.json, with parameters.prm and log.txt (see CommandFolder);
   * DIR is args.output_dir.
   */
  void
  run_calibrate(const CommandArguments &args, std::ostream &console);
} // namespace neuristor
