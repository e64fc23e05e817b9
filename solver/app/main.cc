// neuristor: electro-thermal simulator for thermal-neuristor arrays.
//
//   neuristor run [CASE.prm] [-o DIR] [--set "Section/Entry=value" ...] [--quiet|--verbose]
//   neuristor parameters        print the annotated default parameter file
//   neuristor --help, neuristor COMMAND --help, neuristor --version

#include "solver/app/command_folder.h"
#include "solver/base/mpi_tools.h"
#include "solver/base/user_message.h"
#include "solver/base/version.h"
#include "solver/case/case_schema.h"
#include "solver/case/input_error.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/app/mesh_check.h"
#include "solver/app/plotting.h"
#include "solver/io/run_folder.h"
#include "solver/tools/calibration.h"
#include "solver/tools/layout_preview.h"
#include "solver/app/simulation.h"
#include "solver/app/sweep.h"
#include "solver/tools/thermal_characterization.h"

#include <deal.II/base/mpi.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include <sstream>

namespace
{
  const char *header = "neuristor - electro-thermal simulator for thermal-neuristor arrays\n";

  // Default output folders of the tools on one case (help text and dispatch).
  const std::string characterize_folder = "results/characterization";
  const std::string calibrate_folder    = "results/calibration";
  const std::string preview_folder      = "results/preview";

  // One help text per command: `neuristor COMMAND --help` prints its own.
  const std::vector<std::pair<std::string, std::string>> command_help = {
    {"run",
     "  neuristor run [CASE.prm|CASE.json] [-o DIR] [--set \"Section/Entry=value\"]... [--quiet|--verbose] [--resume|--check-mesh]\n"
     "      Run a case (without CASE: the built-in default, one Fig. 2 device at\n"
     "      12.5 V). Results go to DIR (default: results/<case name>): parameters.prm,\n"
     "      log.txt, traces.csv, spikes.csv, summary.json, traces.png. A case with a\n"
     "      Sweep/Entry runs one point per value, spread over the MPI ranks.\n"
     "      --resume goes on from the checkpoint a finite-element run with\n"
     "      Run/Checkpoint interval > 0 left in DIR.partial (interrupted) or DIR\n"
     "      (finished; give a later Run/End time), on any number of ranks.\n"
     "      --check-mesh runs a finite-element or reduced case at its Layout/Finest\n"
     "      cell size h (DIR/h) and at h/2 (DIR/h_half) and says whether the spike\n"
     "      table is converged (same spikes and state per device, times within 2 %)\n"
     "      (default DIR: results/<case name>_mesh_check).\n"},
    {"characterize",
     "  neuristor characterize CASE.prm [-o DIR] [--set ...]\n"
     "      Thermal characterisation of the case's Layout with the 3-D heat equation:\n"
     "      steady R_th and eta_ij, step responses (CSV, PNG, VTU/PVD), C_eff, delays,\n"
     "      and a truncation check. With Sweep/Entry (e.g. Layout/Gap) one point per value.\n"
     "      (default DIR: " + characterize_folder + ").\n"},
    {"calibrate",
     "  neuristor calibrate CASE.prm [-o DIR] [--set ...]\n"
     "      Fit one declared physical unknown of a single device's layout\n"
     "      (Calibration/Entry, e.g. Layout/Channel width) so that its steady thermal\n"
     "      conductance is Calibration/Target thermal conductance; writes preset.prm\n"
     "      (default DIR: " + calibrate_folder + ").\n"},
    {"preview",
     "  neuristor preview CASE.prm [-o DIR] [--set ...]\n"
     "      The layout and mesh a finite-element or reduced run of the case would use,\n"
     "      in seconds, without building it: preview.png (top view and a vertical cut\n"
     "      with device ids, materials and mesh edges) and preview.json (parts, devices,\n"
     "      grid lines, cells and DoFs) (default DIR: " + preview_folder + ").\n"},
    {"parameters",
     "  neuristor parameters\n"
     "      Print every parameter with its default, units and documentation.\n"},
    {"--version",
     "  neuristor --version\n"
     "      The version and the source commit the binary was built from.\n"},
    {"--help",
     "  neuristor --help, neuristor COMMAND --help\n"
     "      This text, or the part of it for one command.\n"}};

  std::string
  usage()
  {
    std::string text = std::string(header) + "\nUsage:\n";
    for (const auto &[command, help] : command_help)
      text += help;
    return text + "\nRun in parallel with: mpirun -np N neuristor run CASE.prm\n";
  }

  /** The help of one command; empty if there is no such command. */
  std::string
  help_of(const std::string &command)
  {
    for (const auto &[name, help] : command_help)
      if (name == command)
        return "Usage:\n" + help;
    return "";
  }

  struct Arguments
  {
    std::string              command, case_file, output_dir;
    bool                     output_given = false; // -o given (an empty name is refused)
    std::vector<std::string> overrides;
    bool                     quiet = false;
    bool                     verbose = false; // a progress line every 0.2 s
    bool                     resume  = false; // go on from DIR's checkpoint
    bool                     check_mesh = false; // run at h and h/2 and compare
    bool                     help = false; // COMMAND --help
  };

  Arguments
  parse_arguments(int argc, char **argv)
  {
    Arguments args;
    if (argc < 2)
      return args;
    args.command = argv[1];
    for (int i = 2; i < argc; ++i)
      {
        const std::string a = argv[i];
        const auto        need_value = [&]() {
          if (i + 1 >= argc)
            throw neuristor::InputError("command line", a + " needs a value");
          return std::string(argv[++i]);
        };
        if (a == "--help" || a == "-h")
          args.help = true;
        else if (a == "-o" || a == "--output")
          {
            args.output_dir   = need_value();
            args.output_given = true;
            if (args.output_dir.empty())
              throw neuristor::InputError("-o", "the output folder name is empty");
          }
        else if (a == "--set" || a == "-s")
          args.overrides.push_back(need_value());
        else if (a == "--quiet" || a == "-q")
          args.quiet = true;
        else if (a == "--verbose" || a == "-v")
          args.verbose = true;
        else if (a == "--resume")
          args.resume = true;
        else if (a == "--check-mesh")
          args.check_mesh = true;
        else if (!a.empty() && a[0] == '-')
          throw neuristor::InputError("command line", "unknown option '" + a + "'");
        else if (args.case_file.empty())
          args.case_file = a;
        else
          throw neuristor::InputError("command line", "more than one case file given");
      }
    return args;
  }

  std::string
  folder_name(const std::string &case_name)
  {
    std::string name;
    for (const char ch : case_name)
      name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    return "results/" + name;
  }

  // What the command itself is given, with the output folder to use.
  neuristor::CommandArguments
  command_arguments(const Arguments &args, const std::string &output_dir)
  {
    return {MPI_COMM_WORLD, args.case_file, args.overrides, output_dir, args.resume};
  }

  int
  run(const Arguments &args)
  {
    using namespace neuristor;
    const MPI_Comm comm = MPI_COMM_WORLD;
    const bool     root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;

    dealii::ParameterHandler prm;
    case_schema::load_case(prm, args.case_file, args.overrides);
    if (args.quiet)
      set_entry(prm, "Run/Progress interval", "0", "--quiet");
    else if (args.verbose)
      set_entry(prm, "Run/Progress interval", "0.2", "--verbose");

    const SweepSettings sweep = SweepSettings::read(prm);
    // A swept entry replaces the file's value in every run: validate the
    // case with the first point's values (this also checks the entries exist).
    // prm stays the case as given: the sweep's parameters.prm re-runs it.
    dealii::ParameterHandler first_point;
    if (!sweep.empty())
      case_schema::load_case(first_point, args.case_file, args.overrides, sweep.settings_of(0));
    // Validates everything before any output.
    const Simulation  simulation(sweep.empty() ? prm : first_point);
    const std::string dir = args.output_dir.empty() ?
                              folder_name(simulation.run_settings().case_name) :
                              args.output_dir;

    if (args.check_mesh)
      {
        run_mesh_check(command_arguments(args, args.output_dir.empty() ? dir + "_mesh_check" :
                                                                         dir),
                       prm, std::cout);
        return 0;
      }
    if (!sweep.empty() && args.resume)
      throw InputError("--resume", "sweeps cannot be resumed; rerun the sweep");
    if (!sweep.empty())
      {
        run_sweep(command_arguments(args, dir), prm, sweep, simulation.run_settings(), std::cout);
        return 0;
      }

    if (args.resume && !simulation.thermal_model().has_checkpoints())
      throw InputError("--resume", "the " + simulation.run_settings().thermal_model +
                                     " thermal model writes no checkpoints");
    if (args.resume)
      simulation.check_checkpoint(RunFolder::checkpoint_to_resume(dir).string());
    CommandFolder folder(command_arguments(args, dir), prm, std::cout);
    simulation.run(comm, folder.run_folder(), folder.console(), args.resume);
    if (simulation.run_settings().plot)
      folder.on_root([&]() { plot_folder("run", folder.file("").string(), folder.console()); });
    folder.finalize();
    if (root)
      std::cout << "Results in " << folder.final_path().string() << std::endl;
    return 0;
  }
} // namespace

int
main(int argc, char **argv)
{
  neuristor::mpi_tools::isolate_singleton();
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const bool root = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0;
  try
    {
      const Arguments args = parse_arguments(argc, argv);
      if (args.command == "--help" || args.command == "-h" || args.command == "help")
        {
          if (root)
            std::cout << usage();
          return 0;
        }
      if (args.command == "--version" || args.command == "version")
        {
          if (root)
            std::cout << neuristor::version::text() << std::endl;
          return 0;
        }
      if (const std::string help = help_of(args.command); args.help && !help.empty())
        {
          if (root)
            std::cout << help;
          return 0;
        }
      if (args.command == "parameters")
        {
          dealii::ParameterHandler prm;
          neuristor::case_schema::declare_parameters(prm);
          if (root)
            prm.print_parameters(std::cout, dealii::ParameterHandler::PRM);
          return 0;
        }
      if (args.command == "run")
        return run(args);
      // Tools on one case: the function and its default output folder.
      using Tool = void (*)(const neuristor::CommandArguments &, std::ostream &);
      struct ToolEntry
      {
        Tool        run;
        std::string folder;  // the default output folder
        std::string example; // a case that comes with the program
      };
      const std::map<std::string, ToolEntry> tools = {
        {"characterize",
         {neuristor::run_characterize, characterize_folder,
          "two_devices_characterize.prm"}},
        {"calibrate",
         {neuristor::run_calibrate, calibrate_folder, "presets/calibrate_fig2_device.prm"}},
        {"preview",
         {neuristor::run_preview, preview_folder, "finite_element/array_8x8_corner.prm"}}};
      if (const auto tool = tools.find(args.command); tool != tools.end())
        {
          if (args.resume)
            throw neuristor::InputError("--resume", "only 'neuristor run' resumes; '" +
                                                      args.command + "' starts afresh");
          // A tool works on a layout the user chose; no silent multi-minute default.
          if (args.case_file.empty())
            throw neuristor::InputError("command line",
                                        "'neuristor " + args.command +
                                          "' needs a case file (CASE.prm or CASE.json) whose "
                                          "layout it works on, e.g. " + tool->second.example +
                                          " from the cases that come with it (cases/ in the "
                                          "source, share/neuristor/cases installed); see "
                                          "'neuristor " + args.command + " --help'");
          tool->second.run(command_arguments(args, args.output_dir.empty() ?
                                                     tool->second.folder :
                                                     args.output_dir),
                           std::cout);
          return 0;
        }
      if (root)
        std::cerr << "neuristor: error: "
                  << (args.command.empty() ? "no command given" :
                                             "unknown command '" + args.command + "'")
                  << "\n\n" << usage();
      return 2;
    }
  catch (const std::exception &e)
    {
      if (root)
        {
          std::cerr << "neuristor: error: " << neuristor::user_message(e) << std::endl;
          for (const auto &partial : neuristor::RunFolder::kept_partial_folders())
            std::cerr << "neuristor: the results so far are in '" << partial.string() << "'"
                      << std::endl;
        }
      return 1;
    }
}
