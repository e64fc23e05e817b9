#pragma once

#include "solver/simulation.h"

#include <string>
#include <vector>

namespace neuristor::test_support
{
  /** Run a lumped case built from defaults (+ a case file) and overrides. */
  RunResult
  run_case(const std::vector<std::string> &overrides,
           const std::string              &case_file = "");

  /** Peak times of one device's spikes. */
  std::vector<double>
  spike_times(const RunResult &result, const unsigned int device);

  /** Run the neuristor binary; returns the exit code, output in `output`. */
  int
  run_binary(const std::string &arguments, std::string &output);
} // namespace neuristor::test_support
