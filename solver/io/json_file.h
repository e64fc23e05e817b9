#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

namespace neuristor
{
  /** JSON as written by the program: keys stay in the order they are set. */
  using Json = nlohmann::ordered_json;

  /**
   * A number, or null where the program marks a missing value with -1 (a
   * device without spikes, a half rise never reached, a check not made).
   * Only for quantities that are never negative.
   */
  Json
  missing_as_null(const double value);

  /**
   * Writes `value` indented by 2 through OutputFile, so that a failed write
   * throws IoError naming the file and the reason. Non-finite numbers come
   * out as null (JSON has no inf or NaN).
   */
  void
  write_json(const std::filesystem::path &file, const Json &value);
} // namespace neuristor
