#pragma once

#include <filesystem>
#include <ostream>
#include <string>

namespace neuristor
{
  /**
   * Draw the PNG of a run ("run") or sweep ("sweep") folder with
   * scripts/plot_run.py. Plots are a convenience: if Python or matplotlib
   * is missing, say so and carry on.
   */
  bool
  plot_folder(const std::string &kind, const std::string &folder, std::ostream &log);

  /**
   * A script installed with the binary: share/neuristor/scripts/NAME beside
   * bin/ (after cmake --install) or beside the binary (build tree); empty
   * if there is none.
   */
  std::filesystem::path
  installed_script(const std::string &name);
} // namespace neuristor
