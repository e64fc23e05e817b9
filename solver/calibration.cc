#include "solver/calibration.h"

#include "solver/input_error.h"
#include "solver/parameter_file.h"
#include "solver/parameter_tools.h"
#include "solver/run_folder.h"
#include "solver/simulation.h"
#include "solver/thermal_characterization.h"

#include <deal.II/base/conditional_ostream.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace neuristor
{
  using namespace dealii;

  void
  CalibrationSettings::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Entry", "Layout/Channel width", Patterns::Anything(),
                      "The numeric entry fitted, as Section/Entry (a physical unknown "
                      "of the layout: a size, an interface conductance, ...).");
    prm.declare_entry("Lower bound", "100e-9", Patterns::Double(),
                      "Smallest value tried for the entry [the entry's units].");
    prm.declare_entry("Upper bound", "20e-6", Patterns::Double(),
                      "Largest value tried for the entry [the entry's units].");
    prm.declare_entry("Target thermal conductance", "0.206e-3", Patterns::Double(0),
                      "Steady thermal conductance of device 0 to reach [W/K]; the "
                      "seed's S_th is 0.206 mW/K.");
    prm.declare_entry("Relative tolerance", "1e-3", Patterns::Double(0, 1),
                      "Stop when the conductance is this close to the target "
                      "[dimensionless].");
    prm.declare_entry("Maximum evaluations", "30", Patterns::Integer(2),
                      "Steady solves allowed [count].");
    prm.declare_entry("Report heat capacity", "true", Patterns::Bool(),
                      "After the fit, run the step response and report the "
                      "effective heat capacity C_eff (the seed's C_th is 49.6 pJ/K).");
  }

  void
  CalibrationSettings::parse_parameters(const ParameterHandler &prm)
  {
    entry           = parameter_tools::trim(prm.get("Entry"));
    lower           = prm.get_double("Lower bound");
    upper           = prm.get_double("Upper bound");
    target          = prm.get_double("Target thermal conductance");
    tolerance       = prm.get_double("Relative tolerance");
    max_evaluations = prm.get_integer("Maximum evaluations");
    heat_capacity   = prm.get_bool("Report heat capacity");
    if (!(lower > 0) || !(upper > lower))
      throw InputError("Calibration/Upper bound", "needs 0 < Lower bound < Upper bound");
    if (!(target > 0))
      throw InputError("Calibration/Target thermal conductance", "must be > 0");
  }

  namespace
  {
    std::string
    number(const double x)
    {
      std::ostringstream s;
      s << std::setprecision(10) << x;
      return s.str();
    }

    /** The case with the calibrated entry set to x. */
    void
    load_with(ParameterHandler               &prm,
              const std::string              &case_file,
              const std::vector<std::string> &overrides,
              const std::string              &entry,
              const double                    x,
              const std::vector<std::string> &extra = {})
    {
      auto all = overrides;
      all.push_back(entry + "=" + number(x));
      all.insert(all.end(), extra.begin(), extra.end());
      Simulation::load_case(prm, case_file, all);
    }
  } // namespace

  void
  run_calibrate(const MPI_Comm                  comm,
                const std::string              &case_file,
                const std::vector<std::string> &overrides,
                const std::string              &output_dir,
                std::ostream                   &console)
  {
    const bool         root = Utilities::MPI::this_mpi_process(comm) == 0;
    ConditionalOStream log(console, root);
    ParameterHandler   prm;
    Simulation::load_case(prm, case_file, overrides);
    CalibrationSettings settings;
    parameter_tools::in_subsection(prm, "Calibration", [&] { settings.parse_parameters(prm); });
    {
      // The entry must exist and take numbers; the layout one device.
      ParameterHandler probe;
      load_with(probe, case_file, overrides, settings.entry, settings.lower);
      const ThermalCharacterization check(probe);
      if (check.layout().n_devices() != 1)
        throw InputError("Layout", "calibrate fits a single isolated device; the layout has " +
                                     std::to_string(check.layout().n_devices()));
    }

    RunFolder folder(output_dir, comm);
    std::ofstream table;
    if (root)
      {
        prm.print_parameters(folder.file("parameters.prm").string(), ParameterHandler::PRM);
        table.open(folder.file("calibration.csv"));
        table << "evaluation,value,conductance_W_per_K\n" << std::setprecision(10);
      }
    ConditionalOStream quiet(console, false);
    unsigned int       evaluations = 0;
    const auto         conductance = [&](const double x) {
      ParameterHandler point;
      load_with(point, case_file, overrides, settings.entry, x);
      const ThermalCharacterization model(point);
      const double S = 1 / model.steady_resistance(comm, quiet);
      ++evaluations;
      log << "  " << settings.entry << " = " << x << ": S = " << S * 1e3 << " mW/K"
          << std::endl;
      if (root)
        table << evaluations << "," << x << "," << S << "\n";
      return S;
    };

    // Illinois regula falsi on f(u) = log(S / target), u = log(value).
    log << "Calibrating " << settings.entry << " for S = " << settings.target * 1e3
        << " mW/K" << std::endl;
    double u_lo = std::log(settings.lower), u_hi = std::log(settings.upper);
    double f_lo = std::log(conductance(settings.lower) / settings.target);
    double f_hi = std::log(conductance(settings.upper) / settings.target);
    if (f_lo * f_hi > 0)
      throw InputError("Calibration/Lower bound",
                       "the target conductance is not between the values at the bounds "
                       "(see the log); widen the bounds or choose another entry");
    double u = u_lo, f = f_lo;
    int    side = 0;
    while (std::abs(f) > std::log1p(settings.tolerance) && evaluations < settings.max_evaluations)
      {
        u = u_hi - f_hi * (u_hi - u_lo) / (f_hi - f_lo);
        f = std::log(conductance(std::exp(u)) / settings.target);
        if (f * f_hi > 0)
          {
            u_hi = u, f_hi = f;
            if (side == +1)
              f_lo /= 2;
            side = +1;
          }
        else
          {
            u_lo = u, f_lo = f;
            if (side == -1)
              f_hi /= 2;
            side = -1;
          }
      }
    const bool   converged = std::abs(f) <= std::log1p(settings.tolerance);
    const double value     = std::exp(u);
    const double S         = settings.target * std::exp(f);
    if (!converged)
      throw std::runtime_error("calibration did not reach the tolerance in " +
                               std::to_string(evaluations) + " evaluations (S = " +
                               number(S) + " W/K at " + number(value) + ")");

    double tau = -1, C_eff = -1;
    if (settings.heat_capacity)
      {
        ParameterHandler point;
        load_with(point, case_file, overrides, settings.entry, value,
                  {"Characterization/Truncation check=false", "Characterization/Field outputs=0"});
        const auto c = ThermalCharacterization(point).run(comm, quiet);
        tau = c.tau[0], C_eff = c.C_eff[0];
      }
    log << "Fitted " << settings.entry << " = " << value << " (S = " << S * 1e3 << " mW/K, "
        << evaluations << " steady solves)";
    if (settings.heat_capacity)
      log << "; at the fit C_eff = " << C_eff * 1e12 << " pJ/K, tau = " << tau * 1e9 << " ns";
    log << std::endl;

    if (root)
      {
        const auto slash   = settings.entry.rfind('/');
        const auto section = settings.entry.substr(0, slash);
        const auto name    = settings.entry.substr(slash + 1);
        std::ofstream preset(folder.file("preset.prm"));
        preset << "# Device preset written by `neuristor calibrate " << case_file << "`.\n"
               << "# Fitted " << settings.entry << " so that device 0's steady thermal\n"
               << "# conductance is " << number(settings.target) << " W/K (reached "
               << number(S) << " W/K in " << evaluations << " steady solves).\n";
        if (settings.heat_capacity)
          preset << "# At the fit: effective heat capacity C_eff = " << number(C_eff)
                 << " J/K, tau = " << number(tau) << " s (a prediction, not fitted).\n";
        preset << "# Copy these lines into a case; cases never re-fit.\n";
        std::string indent;
        for (const auto &part : parameter_tools::split(section, '/'))
          {
            preset << indent << "subsection " << part << "\n";
            indent += "  ";
          }
        preset << indent << "set " << name << " = " << number(value) << "\n";
        for (std::size_t k = parameter_tools::split(section, '/').size(); k > 0; --k)
          {
            indent.resize(indent.size() - 2);
            preset << indent << "end\n";
          }
        std::ofstream(folder.file("calibration.json"))
          << std::setprecision(10) << "{\n  \"entry\": " << parameter_tools::json_quote(settings.entry)
          << ",\n  \"value\": " << value << ",\n  \"target_conductance_W_per_K\": "
          << settings.target << ",\n  \"conductance_W_per_K\": " << S
          << ",\n  \"evaluations\": " << evaluations << ",\n  \"C_eff_J_per_K\": " << C_eff
          << ",\n  \"tau_s\": " << tau << "\n}\n";
        table.close();
      }
    folder.finalize();
    log << "Results in " << folder.final_path().string() << std::endl;
  }
} // namespace neuristor
