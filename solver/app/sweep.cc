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
  SweptEntry::declare_parameters(dealii::ParameterHandler &prm, const std::string &what)
  {
    using dealii::Patterns::Anything;
    prm.declare_entry("Entry", "", Anything(), what);
    prm.declare_entry("Values", "", Anything(),
                      "Values of the swept number: 'start:step:stop' or a "
                      "list separated by ';' (in the entry's units).");
    prm.declare_entry("Value template", "{}", Anything(),
                      "How a value becomes the entry's text; {} stands for "
                      "the value (every {} is replaced), e.g. 'dc({})' to "
                      "sweep a DC input voltage.");
    prm.declare_entry("Axis label", "", Anything(),
                      "Label of the swept value in sweep.png, with units; "
                      "empty: the entry's name and unit.");
    prm.declare_entry("Unit", "", Anything(),
                      "SI unit of the swept number, for sweep.csv's column "
                      "x_K_UNIT and the plots; empty: the unit the entry's "
                      "documentation states.");
  }

  void
  SweptEntry::parse_parameters(const dealii::ParameterHandler &prm,
                               const std::string              &where,
                               const double                    maximum_points)
  {
    path       = parameter_tools::trim(prm.get("Entry"));
    axis_label = prm.get("Axis label");
    unit       = parameter_tools::trim(prm.get("Unit"));
    values.clear();
    x.clear();
    if (path.empty())
      return;
    const std::string text     = prm.get("Values");
    const std::string pattern  = prm.get("Value template");
    const auto        to_value = [&](const std::string &number) {
      return parameter_tools::parse_number(number, where + "Values");
    };
    std::vector<std::string> numbers;
    const auto               range = parameter_tools::split(text, ':');
    if (range.size() == 3)
      {
        const double a = to_value(range[0]), step = to_value(range[1]),
                     b = to_value(range[2]);
        if (!(step > 0) || b < a)
          throw InputError(where + "Values", "needs step > 0 and stop >= start");
        // Counted in double before any point exists (1:1e-9:2 has 1e9 of them).
        const double points = std::floor((b - a) / step + 1e-9) + 1;
        if (!(points <= maximum_points))
          throw InputError(where + "Values",
                           "'" + text + "' has " + parameter_tools::format_number(points) +
                             " points, more than Sweep/Maximum points = " +
                             parameter_tools::format_number(maximum_points) +
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
      throw InputError(where + "Values", "is empty but " + where + "Entry is set");
    if (pattern.find("{}") == std::string::npos)
      throw InputError(where + "Value template", "must contain {}");
    for (const auto &number : numbers)
      {
        x.push_back(to_value(number));
        std::string value = pattern;
        for (auto at = value.find("{}"); at != std::string::npos; at = value.find("{}", at))
          value.replace(at, 2, number);
        values.push_back(value);
      }
  }

  std::string
  SweptEntry::x_column(const unsigned int k) const
  {
    std::string column = "x_" + std::to_string(k + 1);
    if (unit.empty())
      return column;
    column += "_";
    for (const char c : unit) // K/W -> K_per_W, m^2 -> m2
      column += c == '/' ? std::string("_per_") : c == '^' ? std::string() : std::string(1, c);
    return column;
  }

  void
  SweepSettings::declare_parameters(dealii::ParameterHandler &prm)
  {
    SweptEntry::declare_parameters(prm, "Entry to sweep, as Section/Entry (e.g. Circuit/Input); "
                                        "empty for a single run.");
    prm.declare_entry("Maximum points", "10000", dealii::Patterns::Integer(1),
                      "Most points a sweep may have (all combinations of a "
                      "two-entry sweep); more are refused before any point is "
                      "made [count].");
    parameter_tools::in_subsection(prm, "Second entry", [&] {
      SweptEntry::declare_parameters(prm, "A second entry to sweep, as Section/Entry: the "
                                          "sweep then runs every combination of the two "
                                          "entries' values (a grid, the first entry varying "
                                          "slowest); empty for a sweep of one entry.");
    });
  }

  SweepSettings
  SweepSettings::read(dealii::ParameterHandler &prm)
  {
    SweepSettings sweep;
    SweptEntry    first, second;
    double        maximum = 0;
    parameter_tools::in_subsection(prm, "Sweep", [&] {
      maximum = prm.get_integer("Maximum points");
      first.parse_parameters(prm, "Sweep/", maximum);
      parameter_tools::in_subsection(prm, "Second entry", [&] {
        second.parse_parameters(prm, "Sweep/Second entry/", maximum);
      });
    });
    if (first.path.empty() && !second.path.empty())
      throw InputError("Sweep/Second entry/Entry", "is set but Sweep/Entry is empty");
    if (!second.path.empty() && second.path == first.path)
      throw InputError("Sweep/Second entry/Entry", "sweeps " + first.path + " again");
    for (auto *entry : {&first, &second})
      if (!entry->path.empty())
        {
          if (entry->unit.empty())
            entry->unit =
              parameter_tools::unit_in(parameter_tools::documentation(prm, entry->path));
          if (entry->axis_label.empty())
            entry->axis_label =
              entry->path + (entry->unit.empty() ? std::string() : " (" + entry->unit + ")");
          sweep.entries.push_back(*entry);
        }
    if (sweep.entries.size() == 2 && !(double(sweep.n_points()) <= maximum))
      throw InputError("Sweep/Second entry/Values",
                       "the grid has " + std::to_string(sweep.n_points()) +
                         " points, more than Sweep/Maximum points = " +
                         parameter_tools::format_number(maximum) +
                         " allows; raise that limit if this is meant");
    return sweep;
  }

  unsigned int
  SweepSettings::n_points() const
  {
    unsigned int n = entries.empty() ? 0 : 1;
    for (const auto &e : entries)
      n *= e.values.size();
    return n;
  }

  unsigned int
  SweepSettings::index(const unsigned int point, const unsigned int k) const
  {
    return k + 1 == entries.size() ? point % entries[k].values.size() :
                                     point / entries[k + 1].values.size();
  }

  std::vector<GeneratedSetting>
  SweepSettings::settings_of(const unsigned int point) const
  {
    std::vector<GeneratedSetting> settings;
    for (unsigned int k = 0; k < entries.size(); ++k)
      settings.push_back({entries[k].path, entries[k].values[index(point, k)],
                          k == 0 ? "Sweep/Values" : "Sweep/Second entry/Values"});
    settings.push_back({"Sweep/Entry", "", "the sweep"});
    settings.push_back({"Sweep/Second entry/Entry", "", "the sweep"});
    return settings;
  }

  std::string
  SweepSettings::describe(const unsigned int point) const
  {
    std::string text;
    for (unsigned int k = 0; k < entries.size(); ++k)
      text += (k ? ", " : "") + entries[k].path + " = " + entries[k].values[index(point, k)];
    return text;
  }

  namespace
  {
    /** One device at one point, gathered from the rank that ran the point. */
    struct PointRow
    {
      unsigned int point, device, spike_count;
      double       mean_rate_hz;  // -1 if none
      double       first_spike_s; // -1 if none
      char         state[16];
      double       mean_spike_energy_J; // -1 if none
    };

    /** Run point i in its folder; its rows, and one line for the console. */
    std::vector<PointRow>
    run_point(const CommandArguments &args,
              const SweepSettings    &sweep,
              const unsigned int      i,
              const CommandFolder    &folder,
              std::string            &line)
    {
      CommandArguments point_args = args;
      point_args.comm             = MPI_COMM_SELF;
      dealii::ParameterHandler point_prm;
      auto                     settings = sweep.settings_of(i);
      settings.push_back({"Run/Progress interval", "0", "the sweep"});
      case_schema::load_case(point_prm, args.case_file, point_args.overrides, settings);
      const Simulation simulation(point_prm);
      point_args.output_dir = folder.file(SweepSettings::point_folder(i)).string();
      // A point's log goes to its log.txt only; the console gets one line.
      std::ostream  no_console(nullptr);
      CommandFolder point(point_args, point_prm, no_console);
      const auto    result = simulation.run(MPI_COMM_SELF, point.run_folder(), point.console());
      if (simulation.run_settings().plot)
        plot_folder("run", point.file("").string(), point.console());
      point.finalize();

      std::vector<PointRow> rows;
      std::ostringstream    text;
      text << "  point " << i + 1 << "/" << sweep.n_points() << ": " << sweep.describe(i);
      for (const auto &d : result.devices)
        {
          PointRow row{i, d.device, d.spike_count, d.mean_rate_hz, d.first_spike_s, {},
                       d.mean_spike_energy_J};
          std::snprintf(row.state, sizeof(row.state), "%s", d.state.c_str());
          rows.push_back(row);
          if (result.devices.size() <= 4)
            {
              text << " | " << simulation.run_settings().device_name(d.device) << " " << d.state;
              if (d.mean_rate_hz > 0)
                text << " " << std::setprecision(4) << d.mean_rate_hz * 1e-3 << " kHz";
            }
        }
      line = text.str();
      return rows;
    }

    /**
     * sweep.csv: per point and device, the swept values, the outcome and
     * what derives from it; an empty field where a value has no meaning.
     */
    void
    write_table(const std::filesystem::path &file,
                const SweepSettings         &sweep,
                const RunSettings           &settings,
                std::vector<PointRow>        rows)
    {
      std::sort(rows.begin(), rows.end(), [](const PointRow &a, const PointRow &b) {
        return a.point < b.point || (a.point == b.point && a.device < b.device);
      });
      OutputFile csv(file);
      csv << sweep.csv_header() << ",device,name,state,spike_count,first_spike_s,mean_rate_hz,"
          << "count_ratio,mean_spike_energy_J\n";
      unsigned int first_count = 0; // spikes of the point's first device
      for (const auto &r : rows)
        {
          if (r.device == 0)
            first_count = r.spike_count;
          const double ratio = r.spike_count > 0 ? double(first_count) / r.spike_count : -1;
          csv << sweep.csv_fields(r.point) << "," << r.device << ","
              << parameter_tools::csv_quote(settings.device_name(r.device)) << "," << r.state
              << "," << r.spike_count << "," << parameter_tools::csv_optional(r.first_spike_s) << ","
              << parameter_tools::csv_optional(r.mean_rate_hz > 0 ? r.mean_rate_hz : -1) << ","
              << parameter_tools::csv_optional(ratio) << "," << parameter_tools::csv_optional(r.mean_spike_energy_J) << "\n";
        }
      csv.close();
    }
  } // namespace

  std::string
  SweepSettings::csv_header() const
  {
    std::string header = "point";
    for (unsigned int k = 0; k < entries.size(); ++k)
      header += ",value_" + std::to_string(k + 1) + "," + entries[k].x_column(k);
    return header;
  }

  std::string
  SweepSettings::csv_fields(const unsigned int point) const
  {
    std::ostringstream fields;
    fields << std::setprecision(12) << point;
    for (unsigned int k = 0; k < entries.size(); ++k)
      fields << "," << parameter_tools::csv_quote(entries[k].values[index(point, k)]) << ","
             << entries[k].x[index(point, k)];
    return fields.str();
  }

  Json
  SweepSettings::to_json() const
  {
    Json list = Json::array();
    for (unsigned int k = 0; k < entries.size(); ++k)
      list.push_back(Json{{"entry", entries[k].path},
                          {"axis_label", entries[k].axis_label},
                          {"unit", entries[k].unit},
                          {"value_column", "value_" + std::to_string(k + 1)},
                          {"x_column", entries[k].x_column(k)},
                          {"x", entries[k].x}});
    return list;
  }

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
            const RunSettings              &settings,
            std::ostream                   &console)
  {
    const MPI_Comm     comm    = args.comm;
    const unsigned int rank    = dealii::Utilities::MPI::this_mpi_process(comm);
    const unsigned int n_ranks = dealii::Utilities::MPI::n_mpi_processes(comm);
    const unsigned int n       = sweep.n_points();
    CommandFolder      folder(args, prm, console);
    if (rank == 0)
      {
        folder.console() << "Sweep of " << sweep.entries[0].path;
        if (sweep.entries.size() > 1)
          folder.console() << " x " << sweep.entries[1].path;
        folder.console() << " over " << n << " points on " << n_ranks << " rank(s)" << std::endl;
      }

    std::vector<PointRow> rows;
    collectively(comm, [&]() {
      for (unsigned int i = rank; i < n; i += n_ranks)
        {
          std::string line;
          const auto  point_rows = run_point(args, sweep, i, folder, line);
          rows.insert(rows.end(), point_rows.begin(), point_rows.end());
          folder.console() << line << std::endl; // each rank reports its own points
        }
    });

    const auto all = mpi_tools::gather(comm, rows, false);
    folder.on_root([&]() {
      write_table(folder.file("sweep.csv"), sweep, settings, all);
      Json names = Json::array();
      const unsigned int n_devices = all.empty() ? 0 : 1 + std::max_element(all.begin(), all.end(),
                                                         [](const PointRow &a, const PointRow &b) {
                                                           return a.device < b.device;
                                                         })->device;
      for (unsigned int d = 0; d < n_devices; ++d)
        names.push_back(settings.device_name(d));
      write_json(folder.file("sweep.json"), Json{{"case", settings.case_name},
                                                 {"entries", sweep.to_json()},
                                                 {"points", n},
                                                 {"devices", n_devices},
                                                 {"names", names},
                                                 {"mpi_ranks", n_ranks}});
      plot_folder("sweep", folder.file("").string(), folder.console());
    });
    folder.finalize();
    if (rank == 0)
      console << "Sweep results in " << folder.final_path().string() << std::endl;
  }
} // namespace neuristor
