#include "solver/app/sweep.h"

#include "solver/app/command_folder.h"
#include "solver/case/case_schema.h"
#include "solver/case/input_error.h"
#include "solver/io/json_file.h"
#include "solver/base/mpi_tools.h"
#include "solver/io/output_file.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/app/plotting.h"
#include "solver/io/run_folder.h"
#include "solver/app/simulation.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace neuristor
{
  void
  SweepSettings::declare_parameters(dealii::ParameterHandler &prm)
  {
    using dealii::Patterns::Anything;
    prm.declare_entry("Entry", "", Anything(),
                      "Entry to sweep, as Section/Entry (e.g. Circuit/Input); "
                      "empty for a single run.");
    prm.declare_entry("Values", "", Anything(),
                      "Values of the swept number: 'start:step:stop' or a "
                      "list separated by ';' (in the entry's units).");
    prm.declare_entry("Value template", "{}", Anything(),
                      "How a value becomes the entry's text; {} stands for "
                      "the value (every {} is replaced), e.g. 'dc({})' to "
                      "sweep a DC input voltage.");
    prm.declare_entry("Axis label", "swept value", Anything(),
                      "Label of the swept value in sweep.png, with units.");
    prm.declare_entry("Maximum points", "10000", dealii::Patterns::Integer(1),
                      "Most points a sweep may have; 'start:step:stop' with more "
                      "is refused before any point is made [count].");
  }

  void
  SweepSettings::parse_parameters(const dealii::ParameterHandler &prm)
  {
    entry      = parameter_tools::trim(prm.get("Entry"));
    axis_label = prm.get("Axis label");
    values.clear();
    x.clear();
    if (entry.empty())
      return;
    const std::string text     = prm.get("Values");
    const std::string pattern  = prm.get("Value template");
    const auto        to_value = [](const std::string &number) {
      return parameter_tools::parse_number(number, "Sweep/Values");
    };
    std::vector<std::string> numbers;
    const auto               range = parameter_tools::split(text, ':');
    if (range.size() == 3)
      {
        const double a = to_value(range[0]), step = to_value(range[1]),
                     b = to_value(range[2]);
        if (!(step > 0) || b < a)
          throw InputError("Sweep/Values", "needs step > 0 and stop >= start");
        // Counted in double before any point exists (1:1e-9:2 has 1e9 of them).
        const double points  = std::floor((b - a) / step + 1e-9) + 1;
        const double allowed = prm.get_integer("Maximum points");
        if (!(points <= allowed))
          throw InputError("Sweep/Values",
                           "'" + text + "' has " + parameter_tools::format_number(points) +
                             " points, more than Sweep/Maximum points = " +
                             parameter_tools::format_number(allowed) +
                             " allows; raise that limit if this is meant");
        const long n = std::lround(points);
        for (long i = 0; i < n; ++i)
          {
            std::ostringstream v;
            v << std::setprecision(12) << a + i * step;
            numbers.push_back(v.str());
          }
      }
    else
      numbers = parameter_tools::split(text, ';');
    if (numbers.empty())
      throw InputError("Sweep/Values", "is empty but Sweep/Entry is set");
    const auto brace = pattern.find("{}");
    if (brace == std::string::npos)
      throw InputError("Sweep/Value template", "must contain {}");
    for (const auto &number : numbers)
      {
        x.push_back(to_value(number));
        std::string value = pattern;
        for (auto at = value.find("{}"); at != std::string::npos; at = value.find("{}", at))
          value.replace(at, 2, number);
        values.push_back(value);
      }
  }

  namespace
  {
    struct PointRow
    {
      unsigned int point, device, spike_count;
      double       mean_rate_hz;
      char         state[16];
      double       mean_spike_energy_J;
    };
  } // namespace

  std::string
  SweepSettings::point_folder(const unsigned int i)
  {
    std::ostringstream name;
    name << "point_" << std::setw(3) << std::setfill('0') << i;
    return name.str();
  }

  void
  run_sweep(const CommandArguments         &args,
            const dealii::ParameterHandler &prm,
            const SweepSettings            &sweep,
            const std::string              &case_name,
            std::ostream                   &console)
  {
    const MPI_Comm     comm    = args.comm;
    const unsigned int rank    = dealii::Utilities::MPI::this_mpi_process(comm);
    const unsigned int n_ranks = dealii::Utilities::MPI::n_mpi_processes(comm);
    const unsigned int n       = sweep.values.size();
    CommandFolder      folder(args, prm, console);
    if (rank == 0)
      folder.console() << "Sweep of " << sweep.entry << " over " << n << " points on "
                       << n_ranks << " rank(s)" << std::endl;

    std::vector<PointRow> rows;
    collectively(comm, [&]() {
      for (unsigned int i = rank; i < n; i += n_ranks)
        {
          CommandArguments point_args = args;
          point_args.comm             = MPI_COMM_SELF;
          dealii::ParameterHandler point_prm;
          case_schema::load_case(point_prm, args.case_file, point_args.overrides,
                                 {{sweep.entry, sweep.values[i], "Sweep/Values"},
                                  {"Sweep/Entry", "", "the sweep"},
                                  {"Run/Progress interval", "0", "the sweep"}});
          const Simulation   simulation(point_prm);
          point_args.output_dir = folder.file(SweepSettings::point_folder(i)).string();
          // A point's log goes to its log.txt only; the console gets one line.
          std::ostream  no_console(nullptr);
          CommandFolder point(point_args, point_prm, no_console);
          const auto    result = simulation.run(MPI_COMM_SELF, point.run_folder(), point.console());
          if (simulation.run_settings().plot)
            plot_folder("run", point.file("").string(), point.console());
          point.finalize();
          std::ostringstream line;
          line << "  point " << i + 1 << "/" << n << ": " << sweep.values[i];
          for (const auto &d : result.devices)
            {
              PointRow row{i, d.device, d.spike_count, d.mean_rate_hz, {},
                           d.mean_spike_energy_J};
              std::snprintf(row.state, sizeof(row.state), "%s", d.state.c_str());
              rows.push_back(row);
              if (result.devices.size() <= 4)
                {
                  line << " | device " << d.device << " " << d.state;
                  if (d.mean_rate_hz > 0)
                    line << " " << std::setprecision(4) << d.mean_rate_hz * 1e-3 << " kHz";
                }
            }
          folder.console() << line.str() << std::endl; // each rank reports its own points
        }
    });

    auto all = mpi_tools::gather(comm, rows, false);
    folder.on_root([&]() {
      std::sort(all.begin(), all.end(), [](const PointRow &a, const PointRow &b) {
        return a.point < b.point || (a.point == b.point && a.device < b.device);
      });
      OutputFile csv(folder.file("sweep.csv"));
      csv << "point,value,x,device,spike_count,mean_rate_hz,state,mean_spike_energy_J\n"
          << std::setprecision(10);
      for (const auto &r : all)
        {
          csv << r.point << "," << parameter_tools::csv_quote(sweep.values[r.point]) << ","
              << sweep.x[r.point] << "," << r.device << "," << r.spike_count << ",";
          if (r.mean_rate_hz > 0) // a rate only while spiking
            csv << r.mean_rate_hz;
          csv << "," << r.state << ",";
          if (r.mean_spike_energy_J >= 0)
            csv << r.mean_spike_energy_J;
          csv << "\n";
        }
      csv.close();
      write_json(folder.file("sweep.json"), Json{{"case", case_name},
                                                 {"entry", sweep.entry},
                                                 {"x_label", sweep.axis_label},
                                                 {"points", n},
                                                 {"mpi_ranks", n_ranks}});
      plot_folder("sweep", folder.file("").string(), folder.console());
    });
    folder.finalize();
    if (rank == 0)
      console << "Sweep results in " << folder.final_path().string() << std::endl;
  }
} // namespace neuristor
