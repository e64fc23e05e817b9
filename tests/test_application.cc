// The neuristor executable: outputs of a run and refusal of bad input.
#include "test_helpers.h"

#include "solver/base/mpi_tools.h"
#include "solver/case/entry_origins.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using neuristor::test_support::characterize_small;
using neuristor::test_support::check_json_files;
using neuristor::test_support::expect_command_folder;
using neuristor::test_support::read;
using neuristor::test_support::read_csv;
using neuristor::test_support::read_json;
using neuristor::test_support::run_binary;
using neuristor::test_support::scratch;

TEST(Application, HelpAndParameterListing)
{
  std::string out;
  EXPECT_EQ(run_binary("--help", out), 0);
  EXPECT_NE(out.find("neuristor run"), std::string::npos);
  EXPECT_EQ(run_binary("parameters", out), 0);
  EXPECT_NE(out.find("set Load resistance"), std::string::npos);
  EXPECT_NE(out.find("[Ohm]"), std::string::npos);
  EXPECT_NE(run_binary("frobnicate", out), 0);
}

TEST(Application, RunFolderHasAllOutputs)
{
  const auto  dir = scratch("run");
  std::string out;
  ASSERT_EQ(run_binary("run -q -o " + dir.string() + " --set 'Run/End time=6e-6'", out), 0) << out;
  for (const char *f :
       {"parameters.prm", "log.txt", "traces.csv", "spikes.csv", "summary.json", "traces.png"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  EXPECT_FALSE(fs::exists(dir.string() + ".partial"));

  // traces.csv: long format, one row per device every 10 ns, 0 to 6 us,
  // and one at every step during spikes, all in time order.
  std::ifstream traces(dir / "traces.csv");
  std::string   header, line;
  std::getline(traces, header);
  EXPECT_EQ(header, "time_s,device,v_in_V,v_device_V,i_load_A,i_device_A,temperature_K,"
                    "resistance_ohm,power_W");
  std::vector<double> times, on_cadence;
  while (std::getline(traces, line))
    {
      times.push_back(std::stod(line.substr(0, line.find(','))));
      if (std::abs(times.back() / 10e-9 - std::round(times.back() / 10e-9)) < 1e-6)
        on_cadence.push_back(times.back());
    }
  ASSERT_EQ(on_cadence.size(), 601u);
  EXPECT_NEAR(on_cadence[100], 1e-6, 1e-15);
  EXPECT_NEAR(times.back(), 6e-6, 1e-15);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_GT(times.size(), on_cadence.size()); // the run has 2 spikes

  EXPECT_EQ(read(dir / "spikes.csv").substr(0, 34), "device,t_peak_s,i_peak_A,energy_J\n");
  const auto summary = read_json(dir / "summary.json");
  EXPECT_EQ(summary.at("run").at("mpi_ranks"), 1) << summary;
  ASSERT_EQ(summary.at("devices").size(), 1u) << summary;
  const auto &device = summary.at("devices").at(0);
  EXPECT_EQ(device.at("spike_count"), 2) << summary;
  EXPECT_EQ(device.at("state"), "spiking") << summary;
  EXPECT_GT(device.at("mean_rate_hz").get<double>(), 0) << summary;
  EXPECT_GT(device.at("first_spike_s").get<double>(), 0) << summary;
  // The parameters as used include the override.
  EXPECT_NE(read(dir / "parameters.prm").find("set End time"), std::string::npos);
}

TEST(Application, EveryKindOfRunDrawsItsPlot)
{
  // A lattice of more than 8 devices: a raster plot in traces.png.
  std::string out;
  const auto  lattice = scratch("lattice");
  ASSERT_EQ(run_binary("run -q -o " + lattice.string() +
                         " --set 'Run/End time=3e-6' --set 'Thermal network/Coupling=lattice'"
                         " --set 'Thermal network/Lattice rows=3'"
                         " --set 'Thermal network/Lattice columns=3'",
                       out),
            0)
    << out;
  EXPECT_GT(fs::file_size(lattice / "traces.png"), 10000u);
  EXPECT_EQ(check_json_files(lattice), 1u);
  // A sweep: the f-V curve in sweep.png.
  const auto sweep = scratch("fv");
  ASSERT_EQ(run_binary("run -q -o " + sweep.string() +
                         " --set 'Run/End time=6e-6' --set 'Sweep/Entry=Circuit/Input'"
                         " --set 'Sweep/Values=11; 12.5' --set 'Sweep/Value template=dc({})'",
                       out),
            0)
    << out;
  EXPECT_GT(fs::file_size(sweep / "sweep.png"), 10000u);
  EXPECT_TRUE(fs::exists(sweep / "point_001" / "traces.png"));
  EXPECT_EQ(check_json_files(sweep), 3u); // sweep.json, two summary.json
  // A characterisation sweep over the gap: step responses and eta(gap), delay(gap).
  const auto gap = scratch("gap");
  ASSERT_EQ(run_binary("characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm -o " +
                         gap.string() +
                         " --set 'Layout/Finest cell size=100e-9' --set 'Layout/Substrate size x=8e-6'"
                         " --set 'Layout/Substrate size y=8e-6' --set 'Layout/Substrate thickness=4e-6'"
                         " --set 'Characterization/Truncation check=false'"
                         " --set 'Characterization/End time=1e-6' --set 'Characterization/Field outputs=0'"
                         " --set 'Sweep/Entry=Layout/Gap' --set 'Sweep/Values=0.5e-6; 1e-6'",
                       out),
            0)
    << out;
  EXPECT_GT(fs::file_size(gap / "coupling_vs_gap.png"), 10000u);
  expect_command_folder(gap, out, "Point 2/2: Layout/Gap = ");
  EXPECT_EQ(check_json_files(gap), 3u); // sweep.json, two characterization.json
}

TEST(Application, CalibrateFitsTheConductanceAndWritesAPreset)
{
  const auto  dir  = scratch("calibrate");
  const auto  data = fs::path(NEURISTOR_CASES_DIR).parent_path() / "tests" / "data";
  std::string out;
  ASSERT_EQ(run_binary("calibrate " + (data / "calibrate_small.prm").string() + " -o " +
                         dir.string(),
                       out),
            0)
    << out;
  const std::string preset = read(dir / "preset.prm");
  const auto        at     = preset.find("set Channel width = ");
  ASSERT_NE(at, std::string::npos) << preset;
  const double width = std::stod(preset.substr(at + 20));
  EXPECT_GT(width, 100e-9);
  EXPECT_LT(width, 3e-6);
  // An independent characterisation at the fitted width has S = 20 uW/K.
  const auto json = read_json(
    characterize_small("calibrate_check",
                       "--set 'Layout/Channel width=" +
                         preset.substr(at + 20, preset.find('\n', at) - at - 20) + "'") /
    "characterization.json");
  EXPECT_NEAR(1 / json.at("R_th_K_per_W").at(0).get<double>() / 20e-6, 1.0, 2e-3);
  const auto calibration = read_json(dir / "calibration.json");
  EXPECT_NEAR(calibration.at("entries").at("Layout/Channel width").get<double>() / width, 1.0,
              1e-9);
  EXPECT_TRUE(calibration.at("target_heat_capacity_J_per_K").is_null());
  expect_command_folder(dir, out, "Fitted Layout/Channel width = ");
  // A target outside what the bounds give is refused.
  EXPECT_NE(run_binary("calibrate " + (data / "calibrate_small.prm").string() + " -o " +
                         dir.string() + "_bad --set 'Calibration/Target thermal conductance=1'",
                       out),
            0);
  EXPECT_NE(out.find("not between the values at the bounds"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir.string() + "_bad"));
}

// Two unknowns (footprint and substrate depth) fitted to a conductance and a
// heat capacity; an independent characterisation (transient step response)
// confirms both.
TEST(Application, CalibrateFitsConductanceAndHeatCapacity)
{
  const auto  dir  = scratch("calibrate_two");
  const auto  data = fs::path(NEURISTOR_CASES_DIR).parent_path() / "tests" / "data";
  std::string out;
  ASSERT_EQ(run_binary("calibrate " + (data / "calibrate_small.prm").string() + " -o " +
                         dir.string() +
                         " --set 'Calibration/Second entry=Layout/Substrate thickness'"
                         " --set 'Calibration/Second lower bound=1e-6'"
                         " --set 'Calibration/Second upper bound=6e-6'"
                         " --set 'Calibration/Target heat capacity=0.35e-12'"
                         " --set 'Calibration/Relative tolerance=1e-2'",
                       out),
            0)
    << out;
  const std::string preset = read(dir / "preset.prm");
  const auto        value  = [&](const std::string &name) {
    const auto at = preset.find("set " + name + " = ");
    EXPECT_NE(at, std::string::npos) << preset;
    return preset.substr(at + name.size() + 7, preset.find('\n', at) - at - name.size() - 7);
  };
  const std::string width = value("Channel width"), depth = value("Substrate thickness");
  EXPECT_GT(std::stod(depth), 1e-6);
  EXPECT_LT(std::stod(depth), 6e-6);
  const auto json = read_json(
    characterize_small("calibrate_two_check", "--set 'Layout/Channel width=" + width +
                                                "' --set 'Layout/Substrate thickness=" + depth +
                                                "'") /
    "characterization.json");
  EXPECT_NEAR(1 / json.at("R_th_K_per_W").at(0).get<double>() / 20e-6, 1.0, 1.1e-2);
  // The fit uses the exact area time constant K^-1 M theta; the step
  // response integrates a discrete transient, a few per cent apart.
  EXPECT_NEAR(json.at("C_eff_J_per_K").at(0).get<double>() / 0.35e-12, 1.0, 0.05);
  EXPECT_EQ(read_json(dir / "calibration.json").at("target_heat_capacity_J_per_K").get<double>(),
            0.35e-12);
}

TEST(Application, SweepSpreadsPointsAndWritesTable)
{
  const auto  dir = scratch("sweep");
  std::string out;
  ASSERT_EQ(run_binary("run -q -o " + dir.string() +
                         " --set 'Run/End time=20e-6' --set 'Run/Plot=false'"
                         " --set 'Sweep/Entry=Circuit/Input' --set 'Sweep/Values=9:2:13'"
                         " --set 'Sweep/Value template=dc({})'",
                       out),
            0)
    << out;
  const std::string table = read(dir / "sweep.csv");
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "point,value_1,x_1_V,device,name,state,spike_count,first_spike_s,mean_rate_hz,"
            "count_ratio,mean_spike_energy_J");
  // Empty fields where a value has no meaning: a quiescent device has no
  // first spike, rate, count ratio or energy.
  EXPECT_NE(table.find("0,dc(9),9,0,device 0,quiescent,0,,,,\n"), std::string::npos) << table;
  EXPECT_NE(table.find(",spiking,"), std::string::npos) << table;
  EXPECT_NE(table.find("2,dc(13),13,0,"), std::string::npos) << table;
  EXPECT_EQ(read_json(dir / "sweep.json").at("entries").at(0).at("unit"), "V");
  EXPECT_TRUE(fs::exists(dir / "point_001" / "summary.json"));
  EXPECT_EQ(check_json_files(dir), 4u); // sweep.json, three summary.json
  // The sweep's folder has what every command writes; the points their own.
  expect_command_folder(dir, out, "Sweep of Circuit/Input over 3 points");
  EXPECT_NE(read(dir / "log.txt").find("point 3/3: Circuit/Input = dc(13) | device 0 "), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "point_002" / "parameters.prm"));
  EXPECT_FALSE(read(dir / "point_002" / "log.txt").empty());
  // Its parameters.prm is the sweep as run: run again, the same table.
  const auto again = scratch("sweep_again");
  ASSERT_EQ(run_binary("run -q " + (dir / "parameters.prm").string() + " -o " + again.string(),
                       out),
            0)
    << out;
  EXPECT_EQ(read(again / "sweep.csv"), table);
}

TEST(Application, TwoEntrySweepRunsEveryCombination)
{
  const auto  dir = scratch("sweep_grid");
  std::string out;
  ASSERT_EQ(run_binary("run -q " NEURISTOR_CASES_DIR "/fig_s13_va_sweep.prm -o " + dir.string() +
                         " --set 'Run/End time=10e-6' --set 'Run/Plot=false'"
                         " --set 'Run/Device names=A, B' --set 'Sweep/Values=9;12.5'"
                         " --set 'Sweep/Second entry/Entry=Circuit/Load resistance'"
                         " --set 'Sweep/Second entry/Values=10e3;14e3'",
                       out),
            0)
    << out;
  // Entry 1 varies slowest; each point's folder holds its two values.
  const auto rows = read_csv(dir / "sweep.csv");
  ASSERT_EQ(rows.size(), 8u); // 4 points x 2 devices
  const std::vector<std::pair<double, double>> grid{{9, 1e4}, {9, 1.4e4}, {12.5, 1e4},
                                                    {12.5, 1.4e4}};
  for (unsigned int r = 0; r < rows.size(); ++r)
    {
      const auto &row = rows[r];
      EXPECT_EQ(std::stoi(row.at("point")), int(r / 2));
      EXPECT_DOUBLE_EQ(std::stod(row.at("x_2_Ohm")), grid[r / 2].second);
      EXPECT_EQ(row.at("name"), r % 2 ? "B" : "A");
      // count_ratio: A's spikes per spike of this device, empty without spikes.
      const int count = std::stoi(row.at("spike_count")),
                first = std::stoi(rows[r - r % 2].at("spike_count"));
      if (count == 0)
        EXPECT_EQ(row.at("count_ratio"), "");
      else
        EXPECT_NEAR(std::stod(row.at("count_ratio")), double(first) / count, 1e-9);
      EXPECT_EQ(row.at("first_spike_s").empty(), count == 0);
    }
  EXPECT_NE(read(dir / "point_003" / "parameters.prm").find("Load resistance = 14e3"),
            std::string::npos);
  const auto json = read_json(dir / "sweep.json");
  EXPECT_EQ(json.at("entries").size(), 2u);
  EXPECT_EQ(json.at("entries").at(1).at("x_column"), "x_2_Ohm");
  EXPECT_EQ(json.at("points"), 4);
}

struct BadInput
{
  std::string arguments;  // after "run", or a whole "characterize ..." command
  std::string expected;   // must appear in the message
};

class ApplicationBadInput : public ::testing::TestWithParam<BadInput>
{};

TEST_P(ApplicationBadInput, ClearErrorNonZeroExitNoFolder)
{
  const auto dir  = scratch("bad");
  const auto file = dir.parent_path() / "bad_case.prm";
  std::ofstream(file) << "subsection Circuit\n  set Load resistanse = 1\nend\n";
  std::string args = GetParam().arguments;
  for (auto at = args.find("CASE"); at != std::string::npos; at = args.find("CASE"))
    args.replace(at, 4, file.string());
  if (args.rfind("characterize ", 0) != 0)
    args = "run -q " + args;
  std::string out;
  EXPECT_NE(run_binary(args + " -o " + dir.string(), out), 0);
  EXPECT_NE(out.find("neuristor: error:"), std::string::npos) << out;
  EXPECT_NE(out.find(GetParam().expected), std::string::npos) << out;
  EXPECT_EQ(out.find("Stacktrace"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(fs::exists(dir.string() + ".partial"));
}

INSTANTIATE_TEST_SUITE_P(
  Refused,
  ApplicationBadInput,
  ::testing::Values(
    BadInput{"CASE", "Load resistanse"}, // unknown entry, with the file named
    BadInput{"CASE", "bad_case.prm"},
    BadInput{"--set 'Run/End time=soon'", "End time"},                      // wrong type
    BadInput{"--set 'Circuit/Load resistance=-5'", "Circuit/Load resistance"}, // negative R
    BadInput{"--set 'Circuit/Capacitance=-1e-12'", "Circuit/Capacitance"},     // negative C
    BadInput{"--set 'Thermal network/Number of devices=0'", "Number of devices"}, // no devices
    BadInput{"--set 'Thermal network/Coupling=matrix'", "Eta matrix"},          // no devices
    BadInput{"--set 'Circuit/Input=dc(12'", "Circuit/Input"},                   // malformed
    BadInput{"--set 'Circuit/Input=dc()'", "a number is missing"},              // empty numbers
    BadInput{"--set 'Circuit/Input=pulse(amplitude=, width=1e-6)'", "a number is missing"},
    BadInput{"--set 'Circuit/Load resistance=12e3,'", "Circuit/Load resistance"},
    BadInput{"--set 'Thermal network/Ambient temperature=0'", "Ambient temperature"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm --set 'Layout/Gap=0'",
             "channels touch"},
    BadInput{"--set 'Circuit/Input=train(amplitude=1, period=1e-6)'", "duty"},
    BadInput{"--set 'Circuit/Input=dc(11); dc(9); dc(3)'", "3 values"},
    BadInput{"/nonexistent/case.prm", "does not exist"},                        // missing file
    BadInput{"--set 'Nowhere/Entry=1'", "Nowhere/Entry"},
    BadInput{"--set 'VO2/Filament factor k=0.5'", "Filament factor k"},
    BadInput{"--set 'Thermal network/Coupling=characterization' "
             "--set 'Thermal network/Characterization folder=/nonexistent'",
             "cannot read '/nonexistent/eta.csv'"},
    BadInput{"--set 'Run/Thermal model=finite element' --set 'Thermal network/Noise strength=1e-3'",
             "Noise strength"},
    BadInput{"--set 'Run/Thermal model=finite element' --set 'Finite-element coupling/Maximum time step=1e-13'",
             "Maximum time step"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm --set 'Materials/User materials=SiO2 1.4 2200'",
             "Materials/User materials"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm --set 'Materials/Substrate=Diamond'",
             "unknown material 'Diamond'"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm --set 'Materials/Interface conductances=Channel/Glue 1e8'",
             "unknown role 'Glue'"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm --set 'Thermal boundary/Top=heat transfer'",
             "Top heat transfer coefficient"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm --set 'Thermal boundary/Bottom=adiabatic' "
             "--set 'Thermal boundary/Sides=adiabatic'", "every face is adiabatic"},
    // Resource estimates, refused before the run starts: the entry, the
    // estimate, and the limit to raise.
    BadInput{"--set 'Run/End time=1e300'",
             "entry 'Run/End time' (set by --set): 1e+300 s needs at least 2e+307 time steps of at most 5e-08 s "
             "(Time integration/Maximum time step), more than Limits/Maximum time steps = 1e+09"},
    BadInput{"--set 'Run/Trace interval=1e-15'",
             "gives 2e+10 rows of traces.csv (about 1700 GB), more than Limits/Maximum trace rows = 2e+07"},
    BadInput{"--set 'Run/End time=1'", "Limits/Maximum trace rows"},
    BadInput{"--set 'Circuit/Input=train(amplitude=5, period=1e-300, duty=0.5)'",
             "entry 'Circuit/Input' (set by --set): the inputs have 8e+295 edges within Run/End time = 2e-05 s, "
             "more than Limits/Maximum input edges = 1e+07"},
    BadInput{"--set 'Sweep/Entry=Circuit/Capacitance' --set 'Sweep/Values=1:1e-9:2'",
             "'1:1e-9:2' has 1e+09 points, more than Sweep/Maximum points = 10000"},
    // Two-entry sweeps: the grid counted, a second entry needs a first.
    BadInput{"--set 'Sweep/Entry=Circuit/Capacitance' --set 'Sweep/Values=1:1:200' "
             "--set 'Sweep/Second entry/Entry=Circuit/Load resistance' "
             "--set 'Sweep/Second entry/Values=1:1:100'",
             "the grid has 20000 points, more than Sweep/Maximum points = 10000"},
    BadInput{"--set 'Sweep/Second entry/Entry=Circuit/Load resistance' "
             "--set 'Sweep/Second entry/Values=1;2'",
             "Sweep/Second entry/Entry' (set by --set): is set but Sweep/Entry is empty"},
    BadInput{"--set 'Sweep/Entry=Circuit/Capacitance' --set 'Sweep/Values=1;2' "
             "--set 'Sweep/Second entry/Entry=Circuit/Capacitance' "
             "--set 'Sweep/Second entry/Values=1;2'", "sweeps Circuit/Capacitance again"},
    BadInput{"--set 'Sweep/Entry=Circuit/Capacitance' --set 'Sweep/Values=1e-12;2e-12' "
             "--set 'Sweep/Second entry/Entry=Circuit/Nowhere' "
             "--set 'Sweep/Second entry/Values=1;2'", "Circuit/Nowhere"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm "
             "--set 'Sweep/Entry=Layout/Gap' --set 'Sweep/Values=1e-6;2e-6' "
             "--set 'Sweep/Second entry/Entry=Layout/Width' --set 'Sweep/Second entry/Values=1;2'",
             "characterize sweeps one entry only"},
    // Mesh cells counted per axis before any list or folder exists.
    BadInput{"--set 'Run/Thermal model=finite element' --set 'Layout/Finest cell size=1e-22'",
             "entry 'Layout/Finest cell size' (set by --set): the mesh would have more than 8e+21 "
             "cells (2e+07 x 2e+07 x 2e+07), more than Limits/Maximum mesh cells = 2e+07"},
    BadInput{"--set 'Run/Thermal model=finite element' --set 'Layout/Substrate size x=1e300'",
             "entry 'Layout/Finest cell size' (not set: the built-in default): the mesh would "
             "have more than"},
    BadInput{"characterize " NEURISTOR_CASES_DIR "/two_devices_characterize.prm "
             "--set 'Limits/Maximum mesh cells=1000'", "Limits/Maximum mesh cells = 1000"},
    BadInput{"--set 'Run/Thermal model=reduced array' --set 'Layout/Arrangement=lattice' "
             "--set 'Limits/Maximum mesh cells=1000'", "Limits/Maximum mesh cells = 1000"},
    // Messages name the origin and the entry the user wrote, in %g.
    BadInput{"--set 'Circuit/Capacitance=-1e-12'", "(set by --set): must be >= 0 but is -1e-12"},
    BadInput{"--set 'Circuit/Input=dc(1e300)'", "reaches 1e+300 V, beyond the +-10 kV"},
    BadInput{"--set 'Run/Device names=A, B'", "entry 'Run/Device names' (set by --set): gives 2 "
             "names for 1 devices"},
    BadInput{"--set 'Thermal network/Coupling=matrix' --set 'Thermal network/Number of devices=3' "
             "--set 'Thermal network/Eta matrix=0 0.6 0.6; 0.6 0 0.6; 0.6 0.6 0'",
             "entry 'Thermal network/Eta matrix' (set by --set): the coupling strengths"},
    BadInput{"--set 'Run/Thermal model=finite element' --set 'Layout/Arrangement=list' "
             "--set 'Layout/Devices=0 0 0; 0.5e-6 0 0'", "entry 'Layout/Devices' (set by --set)"}),
  [](const ::testing::TestParamInfo<BadInput> &info) {
    return "case" + std::to_string(info.index);
  });

TEST(Application, UnwritableOutputFolderIsRefused)
{
  std::string out;
  EXPECT_NE(run_binary("run -q -o /proc/neuristor/out", out), 0);
  EXPECT_NE(out.find("cannot write"), std::string::npos) << out;
}

TEST(Application, MessagesNameTheFileAndLineOfTheEntry)
{
  const auto dir  = scratch("origin");
  const auto file = dir.parent_path() / "origin_case.prm";
  std::ofstream(file) << "# a user's case\nsubsection Circuit\n  set Capacitance = 15e-12\n"
                         "  set Load resistance = -5\nend\n";
  std::string out;
  EXPECT_NE(run_binary("run -q " + file.string() + " -o " + dir.string(), out), 0);
  EXPECT_NE(out.find("entry 'Circuit/Load resistance' (set in origin_case.prm line 4): must "
                     "be >= 0 but is -5"),
            std::string::npos)
    << out;
  // A value given in the file and again by --set: the --set is named.
  EXPECT_NE(run_binary("run -q " + file.string() + " --set 'Circuit/Load resistance=-7' -o " +
                         dir.string(),
                       out),
            0);
  EXPECT_NE(out.find("(set by --set): must be >= 0 but is -7"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir));
}

TEST(Application, BinaryAndMalformedCaseFilesAreRefusedWithoutEchoingThem)
{
  const auto dir     = scratch("binary");
  const auto binary  = dir.parent_path() / "binary_case.prm";
  const auto array   = dir.parent_path() / "array_case.json";
  const auto invalid = dir.parent_path() / "invalid_case.json";
  std::ofstream(binary) << "subsection Run\n" << std::string("\x01\xff\x00\x1b[2J", 7) << "\n";
  std::ofstream(array) << "[1, 2]\n";
  std::ofstream(invalid) << "{\"Run\": \n";
  const std::vector<std::pair<fs::path, std::string>> cases = {
    {binary, "is not a text file (byte 0x01 at offset 15)"},
    {array, "must hold one JSON object of sections"},
    {invalid, "is not valid JSON"}};
  for (const auto &[file, expected] : cases)
    {
      std::string out;
      EXPECT_NE(run_binary("run -q " + file.string() + " -o " + dir.string(), out), 0);
      EXPECT_NE(out.find(expected), std::string::npos) << out;
      EXPECT_EQ(out.find('\x1b'), std::string::npos) << "raw bytes echoed";
      EXPECT_EQ(out.find("entry <>"), std::string::npos) << out;
      EXPECT_FALSE(fs::exists(dir));
    }
}

TEST(EntryOrigins, PrmLinesFollowSubsectionsCommentsAndContinuations)
{
  std::istringstream text("# comment\nsubsection Layout  \n  set Gap = 1e-7 # why\n"
                          "  subsection Inner\n    set Long entry = a \\\n  set Fake = 1\n"
                          "  end\n  set Count= 2\nend\nset Top = 1\n");
  const auto lines = neuristor::prm_entry_lines(text);
  const std::map<std::string, unsigned int> expected = {
    {"Layout/Gap", 3}, {"Layout/Inner/Long entry", 5}, {"Layout/Count", 8}, {"Top", 10}};
  EXPECT_EQ(lines, expected);
}

TEST(Application, ASingletonSkipsOpenMPIsDaemonAndNetworkProbe)
{
  // isolate_singleton() reads and sets the environment; keep the test's own.
  const std::vector<std::string> names = {"OMPI_MCA_ess_singleton_isolated", "OMPI_MCA_pml",
                                          "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                          "PMI_SIZE"};
  std::map<std::string, std::optional<std::string>> saved;
  for (const auto &name : names)
    {
      const char *value = std::getenv(name.c_str());
      saved[name]       = value ? std::optional<std::string>(value) : std::nullopt;
    }
  const auto clear = [&] {
    for (const auto &name : names)
      unsetenv(name.c_str());
  };
  const auto value = [](const char *name) {
    const char *v = std::getenv(name);
    return v ? std::string(v) : std::string("(unset)");
  };

  // Started alone: no daemon, and the ob1 messaging layer.
  clear();
  neuristor::mpi_tools::isolate_singleton();
  EXPECT_EQ(value("OMPI_MCA_ess_singleton_isolated"), "1");
  EXPECT_EQ(value("OMPI_MCA_pml"), "ob1");

  // The user's choice wins.
  clear();
  setenv("OMPI_MCA_pml", "ucx", 1);
  setenv("OMPI_MCA_ess_singleton_isolated", "0", 1);
  neuristor::mpi_tools::isolate_singleton();
  EXPECT_EQ(value("OMPI_MCA_pml"), "ucx");
  EXPECT_EQ(value("OMPI_MCA_ess_singleton_isolated"), "0");

  // Under a launcher (mpirun, srun, Hydra) the messaging layer stays its choice.
  for (const char *launcher : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    {
      clear();
      setenv(launcher, "2", 1);
      neuristor::mpi_tools::isolate_singleton();
      EXPECT_EQ(value("OMPI_MCA_pml"), "(unset)") << launcher;
    }

  clear();
  for (const auto &[name, v] : saved)
    if (v)
      setenv(name.c_str(), v->c_str(), 1);
}
