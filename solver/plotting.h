#pragma once

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
} // namespace neuristor
