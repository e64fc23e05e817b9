#include "solver/plotting.h"

#include <cstdlib>
#include <filesystem>

namespace neuristor
{
  bool
  plot_folder(const std::string &kind, const std::string &folder, std::ostream &log)
  {
    // Debian's own Python has python3-matplotlib; a pyenv shim may not.
    const std::string python = std::filesystem::exists("/usr/bin/python3") ?
                                 "/usr/bin/python3" : "python3";
    const std::string script = NEURISTOR_SOURCE_DIR "/scripts/plot_run.py";
    const std::string command = python + " '" + script + "' " + kind + " '" +
                                folder + "' > '" + folder + "/plot.log' 2>&1";
    if (std::system(command.c_str()) == 0)
      {
        std::filesystem::remove(folder + "/plot.log");
        return true;
      }
    log << "Warning: no plot drawn (see plot.log in the output folder)" << std::endl;
    return false;
  }
} // namespace neuristor
