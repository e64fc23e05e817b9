#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <ostream>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * The "Calibration" section: which declared physical unknown of a single
   * device's layout is fitted, and to what. The seed's lumped model gives
   * the device an effective thermal conductance S_th = 0.206 mW/K; the fit
   * finds the value of Entry for which the layout's computed steady
   * conductance (device 0) equals the target.
   */
  struct CalibrationSettings
  {
    std::string entry;           // e.g. "Layout/Channel width"
    double      lower, upper;    // bracket of the entry [its units]
    double      target;          // W/K
    double      tolerance;       // relative, on the conductance
    unsigned    max_evaluations;
    bool        heat_capacity;   // also report C_eff from a step response

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /**
   * `neuristor calibrate CASE.prm`: fits CalibrationSettings::entry by
   * regula falsi (Illinois) on log(S) against log(value), each evaluation a
   * steady solve of the case's layout; writes DIR/preset.prm (the fitted
   * entry with a header that documents the fit), DIR/calibration.csv (every
   * evaluation) and DIR/calibration.json.
   */
  void
  run_calibrate(const MPI_Comm                  comm,
                const std::string              &case_file,
                const std::vector<std::string> &overrides,
                const std::string              &output_dir,
                std::ostream                   &console);
} // namespace neuristor
