#pragma once

#include "solver/app/command_folder.h"
#include "solver/thermal_models/finite_element/layout_heat_model.h"
#include "solver/thermal_models/reduced/reduced_model.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/parameter_handler.h>

#include <optional>
#include <string>
#include <vector>

namespace neuristor
{
  /** The "Characterization" section. */
  struct CharacterizationSettings
  {
    double       power;        // W, heat put into one device
    double       end_time;     // s, of each step response
    double       first_step;   // s
    double       step_growth;  // ratio of successive steps
    bool         truncation_check;
    unsigned int field_outputs; // VTU snapshots of the first step response
    bool         reduced_model; // also the reduced model's step responses

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /** What `neuristor characterize` measures on a layout. */
  struct Characterization
  {
    std::vector<double>              R_th;   // K/W, steady self-heating resistance
    std::vector<double>              tau;    // s, area under 1 - rise/steady rise
    std::vector<double>              C_eff;  // J/K, tau / R_th
    std::vector<std::vector<double>> eta;    // steady rise of i / rise of j, j heated
    std::vector<std::vector<double>> t50;    // s, time for i to reach half its rise, j heated; -1 if never
    std::vector<double>              times;  // s, of the step responses
    std::vector<std::vector<std::vector<double>>> rise; // [j][k][i] K, j heated, time k
    MeshStatistics                   mesh;
    unsigned long                    dofs = 0;
    double energy_balance_error = 0;    // worst relative error of the transients
    double truncation_R_th      = -1;   // max relative change of R_th, substrate x2
    double truncation_eta       = -1;   // max absolute change of eta, substrate x2

    /** The reduced model of the same heat equation on the same steps (if asked for). */
    struct Reduced
    {
      unsigned int                                  order = 0;
      unsigned long                                 build_solves = 0;
      std::vector<std::vector<std::vector<double>>> rise; // [j][k][i] K, as above
      std::vector<std::vector<double>>              t50;  // s, as above
      double error = 0; // largest deviation from the FE rises, of each device's own peak
    };
    std::optional<Reduced> reduced;
  };

  /**
   * Heat each device alone with a constant power and read off the layout's
   * thermal behaviour: steady thermal resistances and the coupling matrix
   * eta_ij (the quantity the lumped model needs), effective heat capacities
   * from the step responses, and the delay with which heat reaches every
   * other device. Optionally repeats the steady analysis on a substrate
   * twice as large to show the truncation does not matter.
   */
  class ThermalCharacterization
  {
  public:
    explicit ThermalCharacterization(dealii::ParameterHandler &prm);

    /** Run; field snapshots (VTU + PVD) go to field_folder if not empty. */
    Characterization
    run(const MPI_Comm comm, dealii::ConditionalOStream &log,
        const std::string &field_folder = "") const;

    /** Device 0 alone as a thermal node: steady resistance and time constant. */
    struct SteadyResponse
    {
      double R_th; // K/W
      double tau;  // s, area time constant: int (1 - rise/final) dt of the step response
      double C_eff() const { return tau / R_th; } // J/K
    };

    /**
     * R_th and the exact area time constant of device 0 from two steady
     * solves (no transient): with K theta_inf = b P, the step response's
     * missing area is int (theta_inf - theta) dt = K^{-1} M theta_inf.
     */
    SteadyResponse
    steady_response(const MPI_Comm comm, dealii::ConditionalOStream &log) const;

    /** characterization.json, eta.csv, step_response_device_J.csv. */
    void
    write(const Characterization &c, const std::string &folder) const;

    const Layout &
    layout() const
    {
      return model.layout;
    }

  private:
    /** Steady rises of all devices with only device j heated. */
    std::vector<std::vector<double>>
    steady_rises(HeatEquation &heat) const;

    /** The reduced model of heat and its step responses on c's steps into c.reduced. */
    void
    compare_reduced_model(HeatEquation &heat, Characterization &c, dealii::ConditionalOStream &log) const;

    LayoutHeatModel             model;
    CharacterizationSettings settings;
    ReducedModelSettings     reduced_settings;
  };

  /**
   * `neuristor characterize`: one layout, or a sweep of one entry, into
   * args.output_dir (with parameters.prm and log.txt, see CommandFolder).
   */
  void
  run_characterize(const CommandArguments &args, std::ostream &console);
} // namespace neuristor
