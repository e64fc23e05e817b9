#include "solver/tools/calibration.h"

#include "solver/app/command_folder.h"
#include "solver/case/input_error.h"
#include "solver/io/json_file.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/io/output_file.h"
#include "solver/case/case_schema.h"
#include "solver/tools/thermal_characterization.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/lac/full_matrix.h>

#include <algorithm>
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
    prm.declare_entry("Second entry", "", Patterns::Anything(),
                      "Optional second unknown (Section/Entry). With it, both entries "
                      "are fitted so that the device has the target conductance AND the "
                      "target heat capacity; without it, only the conductance is fitted.");
    prm.declare_entry("Second lower bound", "1e-6", Patterns::Double(),
                      "Smallest value tried for the second entry [its units].");
    prm.declare_entry("Second upper bound", "100e-6", Patterns::Double(),
                      "Largest value tried for the second entry [its units].");
    prm.declare_entry("Target thermal conductance", "0.206e-3", Patterns::Double(0),
                      "Steady thermal conductance S = 1/R_th of device 0 to reach [W/K]; "
                      "the seed's S_th is 0.206 mW/K.");
    prm.declare_entry("Target heat capacity", "49.6e-12", Patterns::Double(0),
                      "Effective heat capacity C_eff = tau/R_th of device 0 to reach when "
                      "a Second entry is fitted [J/K]; the seed's C_th is 49.6 pJ/K.");
    prm.declare_entry("Relative tolerance", "1e-3", Patterns::Double(0, 1),
                      "Stop when conductance (and heat capacity) are this close to the "
                      "targets [dimensionless].");
    prm.declare_entry("Maximum evaluations", "30", Patterns::Integer(2),
                      "Evaluations allowed, each two steady solves [count].");
  }

  void
  CalibrationSettings::parse_parameters(const ParameterHandler &prm)
  {
    entries         = {parameter_tools::trim(prm.get("Entry"))};
    lower           = {prm.get_double("Lower bound")};
    upper           = {prm.get_double("Upper bound")};
    const auto second = parameter_tools::trim(prm.get("Second entry"));
    if (!second.empty())
      {
        entries.push_back(second);
        lower.push_back(prm.get_double("Second lower bound"));
        upper.push_back(prm.get_double("Second upper bound"));
      }
    target_conductance   = prm.get_double("Target thermal conductance");
    target_heat_capacity = prm.get_double("Target heat capacity");
    tolerance            = prm.get_double("Relative tolerance");
    max_evaluations      = prm.get_integer("Maximum evaluations");
    for (unsigned int k = 0; k < entries.size(); ++k)
      if (!(lower[k] > 0) || !(upper[k] > lower[k]))
        throw InputError(k == 0 ? "Calibration/Upper bound" : "Calibration/Second upper bound",
                         "needs 0 < lower bound < upper bound");
    if (entries.size() == 2 && entries[0] == entries[1])
      throw InputError("Calibration/Second entry", "must differ from Entry");
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

    /** The case with the calibrated entries set to x. */
    void
    load_with(ParameterHandler               &prm,
              const std::string              &case_file,
              const std::vector<std::string> &overrides,
              const std::vector<std::string> &entries,
              const std::vector<double>      &x)
    {
      std::vector<GeneratedSetting> trial;
      for (unsigned int k = 0; k < entries.size(); ++k)
        trial.push_back({entries[k], number(x[k]),
                         k == 0 ? "Calibration/Entry" : "Calibration/Second entry"});
      case_schema::load_case(prm, case_file, overrides, trial);
    }

    /** preset.prm: the fitted entries in their sections, with the fit documented. */
    void
    write_preset(const std::string              &file,
                 const std::string              &header,
                 const std::vector<std::string> &entries,
                 const std::vector<double>      &values)
    {
      OutputFile preset(file);
      preset << header << "# Copy these lines into a case; cases never re-fit.\n";
      for (unsigned int k = 0; k < entries.size(); ++k)
        {
          const auto  parts = parameter_tools::split(entries[k], '/');
          std::string indent;
          for (std::size_t d = 0; d + 1 < parts.size(); ++d, indent += "  ")
            preset << indent << "subsection " << parts[d] << "\n";
          preset << indent << "set " << parts.back() << " = " << number(values[k]) << "\n";
          for (std::size_t d = parts.size() - 1; d > 0; --d)
            {
              indent.resize(indent.size() - 2);
              preset << indent << "end\n";
            }
        }
      preset.close();
    }
  } // namespace

  void
  run_calibrate(const CommandArguments &args, std::ostream &console)
  {
    const MPI_Comm   comm = args.comm;
    const bool       root = Utilities::MPI::this_mpi_process(comm) == 0;
    ParameterHandler prm;
    case_schema::load_case(prm, args.case_file, args.overrides);
    CalibrationSettings settings;
    parameter_tools::in_subsection(prm, "Calibration", [&] { settings.parse_parameters(prm); });
    const auto        &entries = settings.entries;
    const unsigned int m       = entries.size();
    {
      // The entries must exist and take numbers; the layout one device.
      ParameterHandler probe;
      load_with(probe, args.case_file, args.overrides, entries, settings.lower);
      const ThermalCharacterization check(probe);
      if (check.layout().n_devices() != 1)
        throw InputError("Layout", "calibrate fits a single isolated device; the layout has " +
                                     std::to_string(check.layout().n_devices()));
    }

    CommandFolder      folder(args, prm, console);
    ConditionalOStream log(folder.console(), root);
    OutputFile         table;
    folder.on_root([&]() {
      table.open(folder.file("calibration.csv"));
      table << "evaluation";
      for (const auto &e : entries)
        table << "," << parameter_tools::csv_quote(e);
      table << ",conductance_W_per_K,heat_capacity_J_per_K,tau_s\n" << std::setprecision(10);
    });
    ConditionalOStream quiet(console, false);
    unsigned int       evaluations = 0;
    ThermalCharacterization::SteadyResponse response{};
    // Misfits log(S/S*) (and log(C/C*)) at u = log(values).
    const auto misfit = [&](const std::vector<double> &u) {
      std::vector<double> x(m);
      for (unsigned int k = 0; k < m; ++k)
        x[k] = std::exp(u[k]);
      ParameterHandler point;
      load_with(point, args.case_file, args.overrides, entries, x);
      response = ThermalCharacterization(point).steady_response(comm, quiet);
      ++evaluations;
      log << " ";
      for (unsigned int k = 0; k < m; ++k)
        log << " " << entries[k] << " = " << x[k];
      log << ": S = " << 1e3 / response.R_th << " mW/K, C_eff = " << response.C_eff() * 1e12
          << " pJ/K" << std::endl;
      if (root)
        {
          table << evaluations;
          for (const double v : x)
            table << "," << v;
          table << "," << 1 / response.R_th << "," << response.C_eff() << "," << response.tau
                << "\n";
        }
      std::vector<double> f{std::log(1 / (response.R_th * settings.target_conductance))};
      if (m == 2)
        f.push_back(std::log(response.C_eff() / settings.target_heat_capacity));
      return f;
    };
    const auto size = [](const std::vector<double> &f) {
      return std::abs(*std::max_element(f.begin(), f.end(), [](double a, double b) {
        return std::abs(a) < std::abs(b);
      }));
    };

    log << "Calibrating " << entries[0] << (m == 2 ? " and " + entries[1] : std::string())
        << " for S = " << settings.target_conductance * 1e3 << " mW/K";
    if (m == 2)
      log << " and C_eff = " << settings.target_heat_capacity * 1e12 << " pJ/K";
    log << std::endl;
    std::vector<double> lo(m), hi(m);
    for (unsigned int k = 0; k < m; ++k)
      lo[k] = std::log(settings.lower[k]), hi[k] = std::log(settings.upper[k]);
    const double        goal = std::log1p(settings.tolerance);
    std::vector<double> u, f;
    if (m == 1)
      {
        // Illinois regula falsi on f(u) = log(S / target).
        double u_lo = lo[0], u_hi = hi[0];
        double f_lo = misfit({u_lo})[0], f_hi = misfit({u_hi})[0];
        if (f_lo * f_hi > 0)
          throw InputError("Calibration/Lower bound",
                           "the target conductance is not between the values at the bounds "
                           "(see the log); widen the bounds or choose another entry");
        u = {u_lo}, f = {f_lo};
        int side = 0;
        while (std::abs(f[0]) > goal && evaluations < settings.max_evaluations)
          {
            u = {u_hi - f_hi * (u_hi - u_lo) / (f_hi - f_lo)};
            f = misfit(u);
            if (f[0] * f_hi > 0)
              {
                u_hi = u[0], f_hi = f[0];
                if (side == +1)
                  f_lo /= 2;
                side = +1;
              }
            else
              {
                u_lo = u[0], f_lo = f[0];
                if (side == -1)
                  f_hi /= 2;
                side = -1;
              }
          }
      }
    else
      {
        // Newton in log-log variables with a forward-difference Jacobian (10 %
        // steps: the mesh follows the geometry in jumps, which makes the
        // responses slightly rough on finer scales);
        // steps limited to a factor e and kept inside the bounds.
        u = {0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])};
        f = misfit(u);
        while (size(f) > goal && evaluations + 3 <= settings.max_evaluations)
          {
            FullMatrix<double> J(2, 2);
            for (unsigned int k = 0; k < 2; ++k)
              {
                auto         v = u;
                const double h = v[k] + 0.1 > hi[k] ? -0.1 : 0.1; // wide enough to average over mesh jumps
                v[k] += h;
                const auto g = misfit(v);
                for (unsigned int i = 0; i < 2; ++i)
                  J(i, k) = (g[i] - f[i]) / h;
              }
            const double det = J(0, 0) * J(1, 1) - J(0, 1) * J(1, 0);
            if (!(std::abs(det) > 1e-12))
              throw std::runtime_error("calibration: conductance and heat capacity do not depend "
                                       "independently on " + entries[0] + " and " + entries[1] +
                                       "; choose other entries");
            std::vector<double> step{-(J(1, 1) * f[0] - J(0, 1) * f[1]) / det,
                                     -(-J(1, 0) * f[0] + J(0, 0) * f[1]) / det};
            const double longest = std::max(std::abs(step[0]), std::abs(step[1]));
            for (unsigned int k = 0; k < 2; ++k)
              u[k] = std::clamp(u[k] + step[k] * std::min(1.0, 1.0 / longest), lo[k], hi[k]);
            f = misfit(u);
          }
      }
    std::vector<double> value(m);
    for (unsigned int k = 0; k < m; ++k)
      value[k] = std::exp(u[k]);
    const double S = 1 / response.R_th, C_eff = response.C_eff(), tau = response.tau;
    if (size(f) > goal)
      throw std::runtime_error("calibration did not reach the tolerance in " +
                               std::to_string(evaluations) + " evaluations (S = " + number(S) +
                               " W/K, C_eff = " + number(C_eff) +
                               " J/K at the last point; see calibration.csv)");

    log << "Fitted";
    for (unsigned int k = 0; k < m; ++k)
      log << " " << entries[k] << " = " << value[k];
    log << " (S = " << S * 1e3 << " mW/K, C_eff = " << C_eff * 1e12 << " pJ/K, tau = "
        << tau * 1e9 << " ns; " << evaluations << " evaluations)" << std::endl;

    folder.on_root([&]() {
      std::ostringstream header;
      header << "# Device preset written by `neuristor calibrate " << args.case_file << "`.\n"
             << "# Fitted " << entries[0] << (m == 2 ? " and " + entries[1] : std::string())
             << " so that device 0 has the steady thermal\n# conductance "
             << number(settings.target_conductance) << " W/K";
      if (m == 2)
        header << " and the heat capacity " << number(settings.target_heat_capacity) << " J/K";
      header << ".\n# Reached: S = " << number(S) << " W/K, C_eff = " << number(C_eff)
             << " J/K, tau = " << number(tau) << " s (" << evaluations
             << " evaluations, two steady solves each)"
             << (m == 1 ? ";\n# C_eff is a prediction, not fitted.\n" : ".\n");
      write_preset(folder.file("preset.prm").string(), header.str(), entries, value);
      Json fitted = Json::object();
      for (unsigned int k = 0; k < m; ++k)
        fitted[entries[k]] = value[k];
      write_json(folder.file("calibration.json"),
                 Json{{"entries", fitted},
                      {"target_conductance_W_per_K", settings.target_conductance},
                      {"conductance_W_per_K", S},
                      {"target_heat_capacity_J_per_K",
                       m == 2 ? Json(settings.target_heat_capacity) : Json()},
                      {"C_eff_J_per_K", C_eff},
                      {"tau_s", tau},
                      {"evaluations", evaluations}});
      table.close();
    });
    folder.finalize();
    log << "Results in " << folder.final_path().string() << std::endl;
  }
} // namespace neuristor
