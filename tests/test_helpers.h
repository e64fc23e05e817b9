#pragma once

#include "solver/app/simulation.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace neuristor::test_support
{
  /** Run a lumped case built from defaults (+ a case file) and overrides. */
  RunResult
  run_case(const std::vector<std::string> &overrides,
           const std::string              &case_file = "");

  /**
   * Largest |t_b - t_a| over the spikes of devices 0 .. n_devices - 1 of two
   * runs [s]; their spike counts must agree (a test failure otherwise), or,
   * without counts_must_agree, devices whose counts differ are left out.
   * `check`, if given, is called for every pair of spike times (device,
   * spike index, t_a, t_b).
   */
  double
  largest_spike_shift(const RunResult &a, const RunResult &b, const unsigned int n_devices,
                      const std::function<void(unsigned int, std::size_t, double, double)> &check = {},
                      const bool counts_must_agree = true);

  /** Run the neuristor binary; returns the exit code, output in `output`. */
  int
  run_binary(const std::string &arguments, std::string &output);

  /** A path for test output, removed if it exists; its parent is unique to the process. */
  std::filesystem::path
  scratch(const std::string &name);

  /** A file's text ("" if it cannot be read). */
  std::string
  read(const std::filesystem::path &file);

  /** A CSV file's rows as column -> field (fields may be quoted, as csv_quote writes them). */
  std::vector<std::map<std::string, std::string>>
  read_csv(const std::filesystem::path &file);

  /**
   * A file's JSON by a strict parser (RFC 8259: no NaN, comments or trailing
   * commas); a file that is not such JSON throws, naming the file.
   */
  nlohmann::json
  read_json(const std::filesystem::path &file);

  /** read_json of every *.json below a folder; returns how many. */
  unsigned int
  check_json_files(const std::filesystem::path &folder);

  /**
   * What every command writes into its folder (CommandFolder): a
   * parameters.prm and a non-empty log.txt; `line`, a piece of what the
   * command printed (`console`), must be in both.
   */
  void
  expect_command_folder(const std::filesystem::path &folder,
                        const std::string           &console,
                        const std::string           &line);

  /**
   * `neuristor characterize` of tests/data/calibrate_small.prm (one device,
   * coarse mesh, no truncation check) with extra --set options into
   * scratch(name); returns that folder.
   */
  std::filesystem::path
  characterize_small(const std::string &name, const std::string &sets = "");
} // namespace neuristor::test_support
