#include "solver/case/case_schema.h"
#include "test_helpers.h"

#include "solver/case/parameter_file.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace neuristor::test_support
{
  RunResult
  run_case(const std::vector<std::string> &overrides, const std::string &case_file)
  {
    dealii::ParameterHandler prm;
    case_schema::declare_parameters(prm);
    auto all = overrides;
    all.push_back("Run/Progress interval=0");
    load_parameters(prm, case_file, all);
    const Simulation   simulation(prm);
    std::ostringstream log;
    return simulation.run(MPI_COMM_SELF, log);
  }

  double
  largest_spike_shift(const RunResult &a, const RunResult &b, const unsigned int n_devices,
                      const std::function<void(unsigned int, std::size_t, double, double)> &check,
                      const bool counts_must_agree)
  {
    double largest = 0;
    for (unsigned int d = 0; d < n_devices; ++d)
      {
        const auto ta = a.spike_times(d), tb = b.spike_times(d);
        if (!counts_must_agree && ta.size() != tb.size())
          continue;
        EXPECT_EQ(ta.size(), tb.size()) << "device " << d;
        for (std::size_t k = 0; k < std::min(ta.size(), tb.size()); ++k)
          {
            if (check)
              check(d, k, ta[k], tb[k]);
            largest = std::max(largest, std::abs(tb[k] - ta[k]));
          }
      }
    return largest;
  }

  int
  run_binary(const std::string &arguments, std::string &output)
  {
    const std::string command = std::string(NEURISTOR_BINARY) + " " + arguments + " 2>&1";
    FILE *pipe = popen(command.c_str(), "r");
    output.clear();
    std::array<char, 4096> buffer;
    while (pipe && fgets(buffer.data(), buffer.size(), pipe))
      output += buffer.data();
    const int status = pipe ? pclose(pipe) : -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::filesystem::path
  scratch(const std::string &name)
  {
    const auto p = std::filesystem::temp_directory_path() /
                   ("neuristor_test_" + std::to_string(getpid())) / name;
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p.parent_path());
    return p;
  }

  std::string
  read(const std::filesystem::path &file)
  {
    std::ifstream      in(file);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  namespace
  {
    /** One CSV line's fields ("" inside quotes is a quote). */
    std::vector<std::string>
    csv_fields(const std::string &line)
    {
      std::vector<std::string> fields(1);
      bool                     quoted = false;
      for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == '"')
          {
            if (quoted && i + 1 < line.size() && line[i + 1] == '"')
              fields.back() += line[++i];
            else
              quoted = !quoted;
          }
        else if (line[i] == ',' && !quoted)
          fields.emplace_back();
        else
          fields.back() += line[i];
      return fields;
    }
  } // namespace

  std::vector<std::map<std::string, std::string>>
  read_csv(const std::filesystem::path &file)
  {
    std::ifstream                                   in(file);
    std::string                                     line;
    std::vector<std::map<std::string, std::string>> rows;
    if (!std::getline(in, line))
      return rows;
    const auto header = csv_fields(line);
    while (std::getline(in, line))
      {
        const auto fields = csv_fields(line);
        EXPECT_EQ(fields.size(), header.size()) << file << ": " << line;
        auto &row = rows.emplace_back();
        for (std::size_t c = 0; c < header.size() && c < fields.size(); ++c)
          row[header[c]] = fields[c];
      }
    return rows;
  }

  nlohmann::json
  read_json(const std::filesystem::path &file)
  {
    try
      {
        return nlohmann::json::parse(read(file));
      }
    catch (const nlohmann::json::exception &e)
      {
        throw std::runtime_error(file.string() + ": " + e.what());
      }
  }

  unsigned int
  check_json_files(const std::filesystem::path &folder)
  {
    unsigned int n = 0;
    for (const auto &entry : std::filesystem::recursive_directory_iterator(folder))
      if (entry.path().extension() == ".json")
        {
          EXPECT_NO_THROW(read_json(entry.path())) << entry.path();
          ++n;
        }
    return n;
  }

  void
  expect_command_folder(const std::filesystem::path &folder,
                        const std::string           &console,
                        const std::string           &line)
  {
    EXPECT_TRUE(std::filesystem::is_regular_file(folder / "parameters.prm")) << folder;
    const std::string log = read(folder / "log.txt");
    EXPECT_FALSE(log.empty()) << folder / "log.txt";
    EXPECT_NE(console.find(line), std::string::npos) << "console:\n" << console;
    EXPECT_NE(log.find(line), std::string::npos) << folder / "log.txt" << ":\n" << log;
  }

  std::filesystem::path
  characterize_small(const std::string &name, const std::string &sets)
  {
    const auto  data   = std::filesystem::path(NEURISTOR_CASES_DIR).parent_path() / "tests" / "data";
    const auto  folder = scratch(name);
    std::string out;
    EXPECT_EQ(run_binary("characterize " + (data / "calibrate_small.prm").string() + " -o " +
                           folder.string() + " " + sets +
                           " --set 'Characterization/Truncation check=false'"
                           " --set 'Characterization/Field outputs=0'",
                         out),
              0)
      << out;
    expect_command_folder(folder, out, "device 0: R_th = ");
    return folder;
  }
} // namespace neuristor::test_support
