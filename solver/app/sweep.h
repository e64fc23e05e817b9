#pragma once

#include "solver/app/command_folder.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <ostream>
#include <string>
#include <vector>

namespace neuristor
{
  /** The "Sweep" section: one entry run over a list of values. */
  struct SweepSettings
  {
    std::string              entry;  // "Section/Entry"; empty: no sweep
    std::vector<std::string> values; // as substituted into the entry
    std::vector<double>      x;      // numeric value of each point
    std::string              axis_label;

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);

    /** The folder of point i inside the sweep's folder: point_NNN. */
    static std::string
    point_folder(const unsigned int i);
  };

  /**
   * Runs every point of the sweep as a full run in DIR/point_NNN, spreading
   * the points over the MPI ranks (each point runs on one rank), and writes
   * DIR/sweep.csv, DIR/sweep.json and DIR/sweep.png, with DIR/parameters.prm
   * (`prm`, the case with its Sweep section) and DIR/log.txt like every
   * command (CommandFolder). DIR is args.output_dir.
   */
  void
  run_sweep(const CommandArguments         &args,
            const dealii::ParameterHandler &prm,
            const SweepSettings            &sweep,
            const std::string              &case_name,
            std::ostream                   &console);
} // namespace neuristor
