#include "solver/app/mesh_check.h"

#include "solver/app/plotting.h"
#include "solver/case/case_schema.h"
#include "solver/case/input_error.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/io/json_file.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace neuristor
{
  namespace
  {
    constexpr double spike_time_tolerance = 0.02; // relative (DESIGN.md)

    std::string
    entry_value(dealii::ParameterHandler &prm, const std::string &section,
                const std::string &entry)
    {
      std::string value;
      parameter_tools::in_subsection(prm, section, [&] { value = prm.get(entry); });
      return value;
    }

    std::string
    percent(const double fraction)
    {
      std::ostringstream text;
      text << std::setprecision(3) << 100 * fraction << " %";
      return text.str();
    }
  } // namespace

  bool
  DeviceMeshComparison::counts_agree() const
  {
    const unsigned int matched = std::min(spikes_coarse, spikes_fine);
    return std::max(spikes_coarse, spikes_fine) == matched + unmatched_at_end;
  }

  bool
  MeshComparison::converged() const
  {
    return differences().empty();
  }

  double
  MeshComparison::largest_shift() const
  {
    double largest = 0;
    for (const auto &d : devices)
      largest = std::max(largest, d.largest_shift);
    return largest;
  }

  std::string
  MeshComparison::unmatched_note() const
  {
    std::ostringstream text;
    for (const auto &d : devices)
      if (d.unmatched_at_end > 0)
        text << "; device " << d.device << ": " << d.unmatched_at_end
             << " spike(s) at the end without a partner (within the tolerance of the end time)";
    return text.str();
  }

  std::string
  MeshComparison::differences() const
  {
    std::ostringstream text;
    for (const auto &d : devices)
      if (!d.counts_agree() || d.state_coarse != d.state_fine)
        text << "  device " << d.device << ": " << d.spikes_coarse << " spikes, "
             << d.state_coarse << " at h; " << d.spikes_fine << " spikes, " << d.state_fine
             << " at h/2\n";
      else if (d.largest_shift > tolerance)
        text << "  device " << d.device << ": spike times move by up to "
             << percent(d.largest_shift) << " (more than " << percent(tolerance) << ")\n";
    return text.str();
  }

  MeshComparison
  compare_spike_tables(const RunResult &coarse,
                       const RunResult &fine,
                       const double     tolerance,
                       const double     end_time)
  {
    Assert(coarse.devices.size() == fine.devices.size(), dealii::ExcInternalError());
    MeshComparison comparison{{}, tolerance};
    for (unsigned int i = 0; i < coarse.devices.size(); ++i)
      {
        const auto  t_coarse = coarse.spike_times(i), t_fine = fine.spike_times(i);
        const auto &longer   = t_coarse.size() > t_fine.size() ? t_coarse : t_fine;
        const std::size_t matched = std::min(t_coarse.size(), t_fine.size());
        double            shift   = 0;
        for (std::size_t k = 0; k < matched; ++k)
          shift = std::max(shift, std::abs(t_coarse[k] - t_fine[k]) / t_fine[k]);
        const auto at_end = std::count_if(longer.begin() + matched, longer.end(), [&](double t) {
          return t > end_time / (1 + tolerance);
        });
        comparison.devices.push_back({i, static_cast<unsigned int>(t_coarse.size()),
                                      static_cast<unsigned int>(t_fine.size()),
                                      coarse.devices[i].state, fine.devices[i].state, shift,
                                      static_cast<unsigned int>(at_end)});
      }
    return comparison;
  }

  void
  run_mesh_check(const CommandArguments   &args,
                 dealii::ParameterHandler &prm,
                 std::ostream             &console)
  {
    const MPI_Comm comm = args.comm;
    const bool     root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
    if (!parameter_tools::trim(entry_value(prm, "Sweep", "Entry")).empty())
      throw InputError("--check-mesh", "a sweep cannot be checked as a whole; check one "
                                       "point (its value with --set and Sweep/Entry empty)");
    if (args.resume)
      throw InputError("--check-mesh", "cannot be combined with --resume");

    // Both runs are validated before any folder exists.
    const std::string h_text = entry_value(prm, "Layout", "Finest cell size");
    const double      h      = parameter_tools::parse_number(h_text, "Layout/Finest cell size");
    std::ostringstream half;
    half << std::setprecision(15) << h / 2;
    dealii::ParameterHandler fine_prm;
    case_schema::load_case(fine_prm, args.case_file, args.overrides,
                           {{"Layout/Finest cell size", half.str(), "--check-mesh"},
                            {"Run/Progress interval", entry_value(prm, "Run", "Progress interval"),
                             "--check-mesh"}});
    const Simulation coarse(prm), fine(fine_prm);
    if (!coarse.thermal_model().meshes_layout())
      throw InputError("Run/Thermal model",
                       "the " + coarse.run_settings().thermal_model +
                         " thermal model has no mesh for --check-mesh to refine");

    CommandFolder folder(args, prm, console);
    // Every rank has the folder's console; rank 0 speaks for all.
    std::ostream      no_output(nullptr);
    std::ostream     &out     = root ? folder.console() : no_output;
    const std::string h_shown = parameter_tools::format_number(h);
    out << "Mesh check: Layout/Finest cell size h = " << h_shown << " m and h/2 = "
        << parameter_tools::format_number(h / 2) << " m" << std::endl;
    std::vector<RunResult> results;
    for (const auto &[name, simulation, run_prm] :
         {std::tuple{"h", &coarse, &prm}, std::tuple{"h_half", &fine, &fine_prm}})
      {
        CommandArguments run_args = args;
        run_args.output_dir       = folder.file(name).string();
        CommandFolder run(run_args, *run_prm, folder.console());
        results.push_back(simulation->run(comm, run.run_folder(), run.console()));
        if (simulation->run_settings().plot)
          run.on_root([&]() { plot_folder("run", run.file("").string(), run.console()); });
        run.finalize();
      }

    const auto comparison = compare_spike_tables(results[0], results[1], spike_time_tolerance,
                                                 coarse.run_settings().end_time);
    if (comparison.converged())
      out << "Mesh check: CONVERGED at h = " << h_shown
          << " m: the same spike count and state for every device at h/2, spike times within "
          << percent(comparison.largest_shift()) << " (tolerance "
          << percent(spike_time_tolerance) << ")" << comparison.unmatched_note() << std::endl;
    else
      out << "Mesh check: NOT converged at h = " << h_shown << " m; refine "
          << "(Layout/Finest cell size) and check again:\n"
          << comparison.differences() << std::flush;

    folder.on_root([&]() {
      Json devices = Json::array();
      for (const auto &d : comparison.devices)
        devices.push_back(Json{{"device", d.device},
                               {"spikes_h", d.spikes_coarse},
                               {"spikes_h_half", d.spikes_fine},
                               {"state_h", d.state_coarse},
                               {"state_h_half", d.state_fine},
                               {"largest_relative_shift", d.largest_shift},
                               {"unmatched_spikes_at_end", d.unmatched_at_end}});
      write_json(folder.file("mesh_check.json"),
                 Json{{"case", coarse.run_settings().case_name},
                      {"finest_cell_size_h_m", h},
                      {"finest_cell_size_h_half_m", h / 2},
                      {"spike_time_tolerance", spike_time_tolerance},
                      {"converged", comparison.converged()},
                      {"largest_relative_shift", comparison.largest_shift()},
                      {"devices", devices}});
    });
    folder.finalize();
    if (root)
      console << "Results in " << folder.final_path().string() << std::endl;
  }
} // namespace neuristor
