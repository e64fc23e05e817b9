#include "solver/case/case_schema.h"
#include "test_helpers.h"

#include "solver/parameter_file.h"

#include <array>
#include <cstdio>
#include <sstream>
#include <sys/wait.h>

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

  std::vector<double>
  spike_times(const RunResult &result, const unsigned int device)
  {
    std::vector<double> times;
    for (const auto &s : result.spikes)
      if (s.device == device)
        times.push_back(s.t_peak);
    return times;
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
} // namespace neuristor::test_support
