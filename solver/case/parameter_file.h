#pragma once

#include <deal.II/base/parameter_handler.h>

#include <filesystem>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * Fills a ParameterHandler (already declared) from a case file (.prm or
   * .json; empty name: built-in defaults) and then from command-line
   * overrides "Section/Sub/Entry=value". Every mistake becomes an
   * InputError whose text names the file (or --set), the entry and why.
   */
  /** A value the program sets for the user (a sweep point, a calibration trial). */
  struct GeneratedSetting
  {
    std::string path;   // Section/Entry
    std::string value;
    std::string source; // named in messages, e.g. "Sweep/Values"
  };

  /** As above, then the generated settings (after the user's overrides). */
  void
  load_parameters(dealii::ParameterHandler            &prm,
                  const std::string                   &file,
                  const std::vector<std::string>      &overrides,
                  const std::vector<GeneratedSetting> &generated = {});

  /** Set "Section/Sub/Entry" to value; InputError if unknown or invalid. */
  void
  set_entry(dealii::ParameterHandler &prm,
            const std::string        &path,
            const std::string        &value,
            const std::string        &source);

  /** Every parameter as used, in .prm form (parameters.prm); IoError if the write fails. */
  void
  write_parameters(const dealii::ParameterHandler &prm, const std::filesystem::path &file);
} // namespace neuristor
