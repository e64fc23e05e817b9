#pragma once

#include "solver/app/command_folder.h"
#include "solver/app/run_settings.h"
#include "solver/case/parameter_file.h"
#include "solver/io/json_file.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <ostream>
#include <string>
#include <vector>

namespace neuristor
{
  /** One swept entry of the "Sweep" section: its values as text and as numbers. */
  struct SweptEntry
  {
    std::string              path;   // "Section/Entry"; empty: not swept
    std::vector<std::string> values; // as substituted into the entry
    std::vector<double>      x;      // numeric value of each, in `unit`
    std::string              axis_label;
    std::string              unit; // SI unit of x ("" if the entry has none)

    /** `what`: the documentation of its Entry. */
    static void
    declare_parameters(dealii::ParameterHandler &prm, const std::string &what);

    /** Inside its subsection; `where` prefixes the entries in messages ("Sweep/"). */
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const std::string              &where,
                     const double                    maximum_points);

    /** The CSV column of its number, e.g. x_1_V for the first entry in volts. */
    std::string
    x_column(const unsigned int k) const;
  };

  /**
   * The "Sweep" section: one entry run over a list of values, or two
   * entries over every combination of theirs (a grid, the first entry
   * varying slowest).
   */
  struct SweepSettings
  {
    std::vector<SweptEntry> entries; // none, one, or two

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** The case's Sweep section, with each entry's unit from its documentation (top level of prm). */
    static SweepSettings
    read(dealii::ParameterHandler &prm);

    bool
    empty() const
    {
      return entries.empty();
    }

    unsigned int
    n_points() const;

    /** Index into entries[k].values of point i. */
    unsigned int
    index(const unsigned int point, const unsigned int k) const;

    /** The swept entries set to point i's values (the sweep itself switched off). */
    std::vector<GeneratedSetting>
    settings_of(const unsigned int point) const;

    /** "Circuit/Input = dc(12), Layout/Gap = 1e-6" for point i. */
    std::string
    describe(const unsigned int point) const;

    /** "point,value_1,x_1_V[,value_2,x_2_m]": the columns that name a point in sweep.csv. */
    std::string
    csv_header() const;

    /** Point i's fields under csv_header(). */
    std::string
    csv_fields(const unsigned int point) const;

    /** The entries for sweep.json: entry, axis_label, unit, columns, x. */
    Json
    to_json() const;

    /** The folder of point i inside the sweep's folder: point_NNN. */
    static std::string
    point_folder(const unsigned int i);
  };

  /**
   * Runs every point of the sweep as a full run in DIR/point_NNN, spreading
   * the points over the MPI ranks (each point runs on one rank), and writes
   * DIR/sweep.csv (per point and device: state, spike count, first-spike
   * time, rate, count ratio to the first device, energy per spike),
   * DIR/sweep.json and DIR/sweep.png, with DIR/parameters.prm (`prm`, the
   * case with its Sweep section) and DIR/log.txt like every command
   * (CommandFolder). DIR is args.output_dir; `settings` are the first
   * point's (case and device names).
   */
  void
  run_sweep(const CommandArguments         &args,
            const dealii::ParameterHandler &prm,
            const SweepSettings            &sweep,
            const RunSettings              &settings,
            std::ostream                   &console);
} // namespace neuristor
