#include "solver/tools/thermal_characterization.h"

#include "solver/app/command_folder.h"
#include "solver/case/input_error.h"
#include "solver/io/json_file.h"
#include "solver/io/output_file.h"
#include "solver/io/vtu_writer.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/case/resource_limits.h"
#include "solver/app/plotting.h"
#include "solver/io/run_folder.h"
#include "solver/case/case_schema.h"
#include "solver/app/sweep.h"
#include "solver/thermal_models/reduced/step_response_check.h"

#include <deal.II/base/data_out_base.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace neuristor
{
  using namespace dealii;

  void
  CharacterizationSettings::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Test power", "1e-3", Patterns::Double(0),
                      "Constant power put into one device at a time [W].");
    prm.declare_entry("End time", "20e-6", Patterns::Double(0),
                      "Length of each step response [s].");
    prm.declare_entry("First time step", "1e-10", Patterns::Double(0),
                      "First step of the step responses [s].");
    prm.declare_entry("Time step growth", "1.1", Patterns::Double(1, 2),
                      "Ratio of successive steps of the step responses "
                      "[dimensionless].");
    prm.declare_entry("Truncation check", "true", Patterns::Bool(),
                      "Repeat the steady analysis on a substrate twice as large "
                      "and report how much R_th and eta change.");
    prm.declare_entry("Field outputs", "12", Patterns::Integer(0),
                      "VTU snapshots (with a .pvd series) of the step response "
                      "of device 0; 0 for none.");
    prm.declare_entry("Reduced model comparison", "false", Patterns::Bool(),
                      "Also build the reduced model of the same heat equation "
                      "(section Reduced model, not cached) and give its step "
                      "responses on the same steps beside the finite-element ones: "
                      "columns reduced_rise_device_I_K, its half-rise delays and its "
                      "largest deviation in characterization.json [boolean].");
  }

  void
  CharacterizationSettings::parse_parameters(const ParameterHandler &prm)
  {
    power            = prm.get_double("Test power");
    end_time         = prm.get_double("End time");
    first_step       = prm.get_double("First time step");
    step_growth      = prm.get_double("Time step growth");
    truncation_check = prm.get_bool("Truncation check");
    field_outputs    = prm.get_integer("Field outputs");
    reduced_model    = prm.get_bool("Reduced model comparison");
    for (const auto &[v, name] : {std::pair{power, "Test power"}, {end_time, "End time"},
                                  {first_step, "First time step"}})
      if (!(v > 0))
        throw InputError(std::string("Characterization/") + name, "must be > 0");
  }


  ThermalCharacterization::ThermalCharacterization(ParameterHandler &prm)
    : model(prm, LayoutHeatModel::ambient_temperature(prm))
  {
    parameter_tools::in_subsection(prm, "Characterization", [&] { settings.parse_parameters(prm); });
    parameter_tools::in_subsection(prm, "Reduced model", [&] { reduced_settings.parse_parameters(prm); });
    ResourceLimits limits;
    parameter_tools::in_subsection(prm, "Limits", [&] { limits.parse_parameters(prm); });
    model.apply_limits(limits);
    if (settings.reduced_model)
      for (const unsigned int d : reduced_settings.check_devices)
        if (d >= model.layout.n_devices())
          throw InputError("Reduced model/Check devices",
                           "device " + std::to_string(d) + " does not exist (the layout has " +
                             std::to_string(model.layout.n_devices()) + ")");
  }

  std::vector<std::vector<double>>
  ThermalCharacterization::steady_rises(HeatEquation &heat) const
  {
    const unsigned int               n = model.layout.n_devices();
    std::vector<std::vector<double>> rise(n);
    for (unsigned int j = 0; j < n; ++j)
      {
        std::vector<double> P(n, 0.0);
        P[j] = settings.power;
        heat.reset();
        heat.step(1e6, P); // one implicit step far beyond every time scale
        for (const double T : heat.device_temperatures())
          rise[j].push_back(T - model.T0);
      }
    return rise;
  }

  ThermalCharacterization::SteadyResponse
  ThermalCharacterization::steady_response(const MPI_Comm comm, ConditionalOStream &log) const
  {
    parallel::fullydistributed::Triangulation<3> tria(comm);
    const auto          heat = model.build(tria, log);
    std::vector<double> P(model.layout.n_devices(), 0.0);
    // One implicit step far beyond every time scale is the steady state.
    const double dt = 1e6;
    P[0]            = settings.power;
    heat->step(dt, P);
    const double rise = heat->device_temperatures()[0] - model.T0;
    // A second such step without power solves (a0 M/dt + K) theta =
    // -a1 M theta_inf / dt, i.e. theta = -a1 K^{-1} M theta_inf / dt up to
    // O(tau/dt).
    double a0, a1, a2;
    heat->prepare_step(dt);
    heat->bdf_coefficients(a0, a1, a2);
    const auto   field = heat->solve_step(std::vector<double>(P.size(), 0.0));
    const double area  = heat->device_temperatures(field, 0.0)[0] * dt / -a1;
    return {rise / settings.power, area / rise};
  }

  namespace
  {
    /**
     * t50[i][j]: when device i reaches half its steady rise steady[j][i]
     * with j heated (linear between steps), from rises [j][k][i] after
     * steps ending at times[k]; -1 if not within the responses.
     */
    std::vector<std::vector<double>>
    half_rise_delays(const std::vector<std::vector<std::vector<double>>> &rise,
                     const std::vector<double>                           &times,
                     const std::vector<std::vector<double>>              &steady)
    {
      const unsigned int               n = steady.size();
      std::vector<std::vector<double>> t50(n, std::vector<double>(n, -1));
      for (unsigned int j = 0; j < n; ++j)
        for (unsigned int i = 0; i < n; ++i)
          {
            double r_prev = 0, t_prev = 0;
            for (std::size_t k = 0; k < times.size(); ++k)
              {
                const double r = rise[j][k][i] / steady[j][i];
                if (r >= 0.5)
                  {
                    t50[i][j] = t_prev + (0.5 - r_prev) / (r - r_prev) * (times[k] - t_prev);
                    break;
                  }
                t_prev = times[k], r_prev = r;
              }
          }
      return t50;
    }
  } // namespace

  void
  ThermalCharacterization::compare_reduced_model(HeatEquation       &heat,
                                                 Characterization   &c,
                                                 ConditionalOStream &log) const
  {
    // The same model a run with Run/Thermal model = reduced builds (without
    // filaments: the characterization heats the channels).
    const auto         basis = ReducedModel::build(heat, 1, reduced_settings, false, log);
    const unsigned int n     = basis->n_devices();
    std::vector<unsigned int> all(n);
    for (unsigned int j = 0; j < n; ++j)
      all[j] = j;
    Characterization::Reduced reduced;
    reduced.order        = basis->order();
    reduced.build_solves = basis->solves;
    reduced.rise         = StepResponseCheck::modal_responses(*basis, all, c.times);
    for (auto &response : reduced.rise)
      for (auto &step : response)
        for (double &rise : step)
          rise *= settings.power;
    reduced.error = StepResponseCheck::relative_error(c.rise, reduced.rise, all);
    log << "  reduced model: order " << reduced.order << " from " << reduced.build_solves
        << " solves; on these steps its rises stay within " << 100 * reduced.error
        << " % of each device's peak finite-element rise" << std::endl;
    c.reduced = std::move(reduced);
  }

  Characterization
  ThermalCharacterization::run(const MPI_Comm comm, ConditionalOStream &log,
                               const std::string &field_folder) const
  {
    const unsigned int n = model.layout.n_devices();
    Characterization   c;
    parallel::fullydistributed::Triangulation<3> tria(comm);
    const auto heat_pointer = model.build(tria, log, &c.mesh);
    HeatEquation &heat      = *heat_pointer;
    c.dofs                  = heat.n_dofs();

    // Steady state: R_th and eta.
    const auto steady = steady_rises(heat);
    c.R_th.resize(n);
    c.eta.assign(n, std::vector<double>(n));
    for (unsigned int j = 0; j < n; ++j)
      {
        c.R_th[j] = steady[j][j] / settings.power;
        for (unsigned int i = 0; i < n; ++i)
          c.eta[i][j] = steady[j][i] / steady[j][j];
      }

    // Step responses with geometrically growing steps.
    c.rise.assign(n, {});
    std::vector<std::pair<double, std::string>> snapshots;
    for (unsigned int j = 0; j < n; ++j)
      {
        std::vector<double> P(n, 0.0);
        P[j] = settings.power;
        heat.reset();
        std::vector<double> times;
        double              dt = settings.first_step;
        unsigned int        k  = 0;
        const unsigned int  n_steps = static_cast<unsigned int>(std::ceil(
          std::log(1 + settings.end_time * (settings.step_growth - 1) / settings.first_step) /
          std::log(settings.step_growth)));
        const unsigned int every =
          settings.field_outputs > 0 ? std::max(1u, n_steps / settings.field_outputs) : 0;
        while (heat.time() < settings.end_time * (1 - 1e-12))
          {
            heat.step(std::min(dt, settings.end_time - heat.time()), P);
            dt *= settings.step_growth;
            times.push_back(heat.time());
            std::vector<double> r;
            for (const double T : heat.device_temperatures())
              r.push_back(T - model.T0);
            c.rise[j].push_back(r);
            if (j == 0 && !field_folder.empty() && every > 0 && (++k % every == 0))
              snapshots.emplace_back(heat.time(), heat.write_vtu(field_folder, snapshots.size()));
          }
        c.times = times;
        log << "  step response of device " << j << ": " << times.size() << " steps, "
            << heat.linear_iterations() << " CG iterations so far, "
            << heat.preconditioner_setups() << " preconditioner setups so far" << std::endl;
        c.energy_balance_error = std::max(c.energy_balance_error, heat.energy().relative_error());
      }
    write_pvd_series(comm, field_folder + "/step_response_device_0.pvd", snapshots);

    // tau (area method), C_eff and the half-rise delays.
    c.tau.assign(n, 0);
    c.C_eff.assign(n, 0);
    for (unsigned int j = 0; j < n; ++j)
      {
        double t_prev = 0, f_prev = 1;
        for (std::size_t k = 0; k < c.times.size(); ++k)
          {
            const double f = 1 - c.rise[j][k][j] / steady[j][j];
            c.tau[j] += 0.5 * (f + f_prev) * (c.times[k] - t_prev);
            t_prev = c.times[k], f_prev = f;
          }
        c.C_eff[j] = c.tau[j] / c.R_th[j];
      }
    c.t50 = half_rise_delays(c.rise, c.times, steady);
    if (settings.reduced_model)
      {
        compare_reduced_model(heat, c, log);
        c.reduced->t50 = half_rise_delays(c.reduced->rise, c.times, steady);
      }

    if (settings.truncation_check)
      {
        LayoutHeatModel larger = model;
        larger.layout.scale_substrate(2);
        parallel::fullydistributed::Triangulation<3> tria2(comm);
        ConditionalOStream                      silent(log.get_stream(), false);
        const auto steady2 = steady_rises(*larger.build(tria2, silent));
        c.truncation_R_th = c.truncation_eta = 0;
        for (unsigned int j = 0; j < n; ++j)
          {
            c.truncation_R_th =
              std::max(c.truncation_R_th, std::abs(steady2[j][j] / steady[j][j] - 1));
            for (unsigned int i = 0; i < n; ++i)
              c.truncation_eta = std::max(c.truncation_eta,
                                          std::abs(steady2[j][i] / steady2[j][j] - c.eta[i][j]));
          }
      }

    log << std::setprecision(4);
    for (unsigned int j = 0; j < n; ++j)
      log << "  device " << j << ": R_th = " << c.R_th[j] * 1e-3 << " K/mW (S = "
          << 1e3 / c.R_th[j] << " mW/K), tau = " << c.tau[j] * 1e9 << " ns, C_eff = "
          << c.C_eff[j] * 1e12 << " pJ/K" << std::endl;
    if (n > 1)
      log << "  eta(1 <- 0) = " << c.eta[1][0] << ", half-rise delay of device 1 = "
          << c.t50[1][0] * 1e9 << " ns (device 0 itself: " << c.t50[0][0] * 1e9 << " ns)"
          << std::endl;
    log << "  energy balance of the transients: worst relative error "
        << c.energy_balance_error << std::endl;
    if (settings.truncation_check)
      log << "  truncation: doubling the substrate changes R_th by at most "
          << 100 * c.truncation_R_th << " % and eta by at most " << c.truncation_eta
          << std::endl;
    return c;
  }

  void
  ThermalCharacterization::write(const Characterization &c, const std::string &folder) const
  {
    const unsigned int n = model.layout.n_devices();
    OutputFile         eta(folder + "/eta.csv");
    eta << std::setprecision(10) << "i\\j";
    for (unsigned int j = 0; j < n; ++j)
      eta << "," << j;
    eta << "\n";
    for (unsigned int i = 0; i < n; ++i)
      {
        eta << i;
        for (unsigned int j = 0; j < n; ++j)
          eta << "," << c.eta[i][j];
        eta << "\n";
      }
    eta.close();
    for (unsigned int j = 0; j < n; ++j)
      {
        OutputFile csv(folder + "/step_response_device_" + std::to_string(j) + ".csv");
        csv << std::setprecision(10) << "time_s";
        for (unsigned int i = 0; i < n; ++i)
          csv << ",rise_device_" << i << "_K";
        if (c.reduced)
          for (unsigned int i = 0; i < n; ++i)
            csv << ",reduced_rise_device_" << i << "_K";
        csv << "\n";
        for (std::size_t k = 0; k < c.times.size(); ++k)
          {
            csv << c.times[k];
            for (unsigned int i = 0; i < n; ++i)
              csv << "," << c.rise[j][k][i];
            if (c.reduced)
              for (unsigned int i = 0; i < n; ++i)
                csv << "," << c.reduced->rise[j][k][i];
            csv << "\n";
          }
        csv.close();
      }
    // null marks a half rise not reached within End time.
    const auto delays_json = [](const std::vector<std::vector<double>> &t50) {
      Json delays = Json::array();
      for (const auto &row : t50)
        {
          Json &json_row = delays.emplace_back(Json::array());
          for (const double t : row)
            json_row.push_back(missing_as_null(t));
        }
      return delays;
    };
    const Json delays  = delays_json(c.t50);
    const Json reduced = c.reduced ? Json{{"order", c.reduced->order},
                                          {"build_solves", c.reduced->build_solves},
                                          {"half_rise_delay_s", delays_json(c.reduced->t50)},
                                          {"step_response_error", c.reduced->error}} :
                                     Json(nullptr);
    const Json mesh{{"cells", c.mesh.cells},
                    {"dofs", c.dofs},
                    {"min_cell_size_m", c.mesh.min_cell_size},
                    {"max_cell_size_m", c.mesh.max_cell_size},
                    {"aspect_ratio", {c.mesh.min_aspect_ratio, c.mesh.max_aspect_ratio}}};
    // The truncation values are -1 without the truncation check.
    write_json(folder + "/characterization.json",
               Json{{"devices", n},
                    {"test_power_W", settings.power},
                    {"mesh", mesh},
                    {"R_th_K_per_W", c.R_th},
                    {"tau_s", c.tau},
                    {"C_eff_J_per_K", c.C_eff},
                    {"eta", c.eta},
                    {"half_rise_delay_s", delays},
                    {"energy_balance_relative_error", c.energy_balance_error},
                    {"truncation_relative_change_R_th", missing_as_null(c.truncation_R_th)},
                    {"truncation_change_eta", missing_as_null(c.truncation_eta)},
                    {"reduced_model", reduced}});
  }

  void
  run_characterize(const CommandArguments &args, std::ostream &console)
  {
    const MPI_Comm   comm = args.comm;
    ParameterHandler prm;
    case_schema::load_case(prm, args.case_file, args.overrides);
    const SweepSettings sweep = SweepSettings::read(prm);
    if (sweep.entries.size() > 1)
      throw InputError("Sweep/Second entry/Entry", "characterize sweeps one entry only");
    const ThermalCharacterization single(prm); // validate before any output

    CommandFolder      folder(args, prm, console);
    ConditionalOStream log(folder.console(), Utilities::MPI::this_mpi_process(comm) == 0);
    if (sweep.empty())
      {
        const std::string fields = folder.file("fields").string();
        folder.on_root([&]() { std::filesystem::create_directories(fields); });
        const auto c = single.run(comm, log, fields);
        folder.on_root([&]() {
          single.write(c, folder.file("").string());
          plot_folder("characterize", folder.file("").string(), folder.console());
        });
      }
    else
      {
        OutputFile table;
        folder.on_root([&]() {
          table.open(folder.file("sweep.csv"));
          table << sweep.csv_header() << ",R_th_0_K_per_W,eta_10,half_rise_delay_10_s\n";
        });
        for (unsigned int p = 0; p < sweep.n_points(); ++p)
          {
            ParameterHandler point_prm;
            case_schema::load_case(point_prm, args.case_file, args.overrides,
                                   sweep.settings_of(p));
            const ThermalCharacterization point(point_prm);
            log << "Point " << p + 1 << "/" << sweep.n_points() << ": " << sweep.describe(p)
                << std::endl;
            const auto        c    = point.run(comm, log);
            const std::string name = folder.file(SweepSettings::point_folder(p)).string();
            folder.on_root([&]() {
              std::filesystem::create_directories(name);
              point.write(c, name);
              // A single device has no neighbour: its eta and delay are left empty.
              table << std::setprecision(10) << sweep.csv_fields(p) << "," << c.R_th[0] << ",";
              if (c.R_th.size() > 1)
                table << c.eta[1][0] << "," << parameter_tools::csv_optional(c.t50[1][0]);
              else
                table << ",";
              table << "\n";
            });
          }
        folder.on_root([&]() {
          table.close();
          write_json(folder.file("sweep.json"), Json{{"entries", sweep.to_json()}});
          plot_folder("characterize-sweep", folder.file("").string(), folder.console());
        });
      }
    folder.finalize();
    log << "Results in " << folder.final_path().string() << std::endl;
  }
} // namespace neuristor
