// The JSON files of the program: written by nlohmann::json (strict JSON, null
// for missing values), and characterization.json read in any valid layout.
#include "solver/io/json_file.h"

#include "test_helpers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace fs = std::filesystem;
using namespace neuristor::test_support;

namespace
{
  // `neuristor run -q -o OUTPUT` of the default case with the given --set options.
  int
  run_into(const fs::path &output, const std::string &sets, std::string &out)
  {
    return run_binary("run -q -o " + output.string() + " --set 'Run/Plot=false' " + sets, out);
  }

  // The --set options that feed the lumped model from a characterization folder.
  std::string
  characterization_from(const fs::path &folder)
  {
    return "--set 'Thermal network/Coupling=characterization'"
           " --set 'Thermal network/Characterization folder=" +
           folder.string() + "'";
  }

  // spikes.csv of a lumped run of one device fed with the characterization
  // in `folder` (a small, well-insulated device: 3 V make it spike 3 times).
  std::string
  lumped_spikes(const fs::path &folder, const fs::path &output, std::string &out)
  {
    const int code = run_into(output,
                              "--set 'Run/End time=4e-6' --set 'Circuit/Input=dc(3)' " +
                                characterization_from(folder),
                              out);
    return code == 0 ? read(output / "spikes.csv") : "exit code " + std::to_string(code);
  }
} // namespace

TEST(JsonOutput, NonFiniteNumbersAndMissingValuesAreNull)
{
  const auto file = scratch("values.json");
  neuristor::write_json(file,
                        neuristor::Json{{"nan", std::nan("")},
                                        {"inf", std::numeric_limits<double>::infinity()},
                                        {"missing", neuristor::missing_as_null(-1)},
                                        {"zero", neuristor::missing_as_null(0)},
                                        {"label", "T (\xb5m)"}}); // Latin-1, not UTF-8
  const auto json = read_json(file);
  EXPECT_TRUE(json.at("nan").is_null());
  EXPECT_TRUE(json.at("inf").is_null());
  EXPECT_TRUE(json.at("missing").is_null());
  EXPECT_EQ(json.at("zero"), 0.0);
  EXPECT_EQ(json.at("label"), "T (\xef\xbf\xbdm)"); // U+FFFD for the invalid byte
}

TEST(JsonOutput, DeviceWithoutSpikesHasNullFirstSpike)
{
  const auto  dir = scratch("no_spikes");
  std::string out;
  ASSERT_EQ(run_into(dir,
                     "--set 'Run/End time=6e-6' --set 'Thermal network/Number of devices=2'"
                     " --set 'Circuit/Input=dc(12); dc(9)'",
                     out),
            0)
    << out;
  const auto summary = read_json(dir / "summary.json");
  const auto &devices = summary.at("devices");
  ASSERT_EQ(devices.size(), 2u) << summary;
  EXPECT_EQ(devices.at(0).at("state"), "spiking") << summary;
  EXPECT_GT(devices.at(0).at("first_spike_s").get<double>(), 0) << summary;
  EXPECT_EQ(devices.at(1).at("spike_count"), 0) << summary;
  EXPECT_TRUE(devices.at(1).at("first_spike_s").is_null()) << summary;
  EXPECT_EQ(check_json_files(dir), 1u);
}

TEST(JsonOutput, CompactCharacterizationGivesTheSameSpikes)
{
  const auto characterized = characterize_small("json_characterized");
  const auto characterization = read_json(characterized / "characterization.json");
  // Without the truncation check its results are null, not -1.
  EXPECT_TRUE(characterization.at("truncation_relative_change_R_th").is_null());
  EXPECT_TRUE(characterization.at("truncation_change_eta").is_null());
  // Without Characterization/Reduced model comparison: no reduced model.
  EXPECT_TRUE(characterization.at("reduced_model").is_null());
  EXPECT_EQ(check_json_files(characterized), 1u);

  // The same files, characterization.json rewritten without any spaces and
  // with its keys in another (alphabetical) order.
  const auto compact = scratch("json_compact");
  fs::create_directories(compact);
  fs::copy_file(characterized / "eta.csv", compact / "eta.csv");
  std::ofstream(compact / "characterization.json") << characterization.dump();
  ASSERT_EQ(read(compact / "characterization.json").find_first_of(" \n"), std::string::npos);

  std::string out;
  const auto  spikes = lumped_spikes(characterized, scratch("json_lumped"), out);
  ASSERT_NE(spikes.find('\n'), std::string::npos) << out << spikes;
  EXPECT_GE(std::count(spikes.begin(), spikes.end(), '\n'), 3) << "too few spikes: " << spikes;
  EXPECT_EQ(lumped_spikes(compact, scratch("json_lumped_compact"), out), spikes) << out;
}

TEST(JsonOutput, BrokenCharacterizationIsRefused)
{
  const auto folder = scratch("json_broken");
  fs::create_directories(folder);
  std::ofstream(folder / "eta.csv") << "i\\j,0\n0,1\n";
  const std::string file = (folder / "characterization.json").string();
  struct Broken
  {
    std::string text, expected;
  };
  for (const auto &[text, expected] :
       {Broken{R"({"R_th_K_per_W": [5e4], "C_eff_J_per_K": [1e-12])", "is not valid JSON"},
        Broken{R"({"R_th_K_per_W": [5e4], "C_eff_J_per_K": [NaN]})", "is not valid JSON"},
        Broken{R"({"R_th_K_per_W": [5e4]})", "key 'C_eff_J_per_K' is missing"},
        Broken{R"({"R_th_K_per_W": [5e4, 5e4], "C_eff_J_per_K": [1e-12]})",
               "key 'R_th_K_per_W' is not a list of 1 numbers"},
        Broken{R"({"R_th_K_per_W": 5e4, "C_eff_J_per_K": [1e-12]})",
               "key 'R_th_K_per_W' is not a list of 1 numbers"},
        Broken{R"({"R_th_K_per_W": [5e4], "C_eff_J_per_K": [null]})",
               "key 'C_eff_J_per_K' is not a list of 1 numbers"},
        Broken{R"([5e4, 1e-12])", "is not a JSON object"}})
    {
      std::ofstream(file) << text;
      const auto  output = scratch("json_broken_run");
      std::string out;
      EXPECT_EQ(run_into(output, characterization_from(folder), out), 1) << text;
      EXPECT_NE(out.find("'" + file + "'"), std::string::npos) << text << "\n" << out;
      EXPECT_NE(out.find(expected), std::string::npos) << text << "\n" << out;
      EXPECT_FALSE(fs::exists(output)) << text;
    }
  // Valid files are accepted: compact, and as the hand-made writer of
  // earlier versions laid them out (with -1 for missing values).
  for (const std::string text :
       {R"({"R_th_K_per_W":[5e4],"C_eff_J_per_K":[1e-12]})",
        "{\n  \"devices\": 1,\n  \"test_power_W\": 0.001,\n"
        "  \"mesh\": {\"cells\": 9976, \"dofs\": 11840, \"min_cell_size_m\": 1.5e-08, "
        "\"max_cell_size_m\": 1.735292246e-06, \"aspect_ratio\": [1.075861597, 20.16806723]},\n"
        "  \"R_th_K_per_W\": [164454.0312],\n  \"tau_s\": [9.390611341e-09],\n"
        "  \"C_eff_J_per_K\": [5.710174005e-14],\n  \"eta\": [[1]],\n"
        "  \"half_rise_delay_s\": [[-1]],\n  \"energy_balance_relative_error\": 3.4e-14,\n"
        "  \"truncation_relative_change_R_th\": -1,\n  \"truncation_change_eta\": -1\n}\n"})
    {
      std::ofstream(file) << text;
      std::string out;
      EXPECT_EQ(run_into(scratch("json_valid_run"),
                         "--set 'Run/End time=1e-7' " + characterization_from(folder), out),
                0)
        << text << "\n" << out;
    }
}
