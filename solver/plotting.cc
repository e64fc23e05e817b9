#include "solver/plotting.h"

#include "solver/output_file.h"
#include "solver/parameter_tools.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <sys/wait.h>

namespace neuristor
{
  namespace
  {
    // scripts/plot_run.py's exit code for an output file it could not write.
    constexpr int write_failed = 3;

    // Runs a shell command; its exit code, and its output (stdout and stderr) in `output`.
    int
    run_command(const std::string &command, std::string &output)
    {
      FILE *pipe = ::popen((command + " 2>&1").c_str(), "r");
      if (!pipe)
        return -1;
      std::array<char, 4096> chunk;
      for (std::size_t n; (n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0;)
        output.append(chunk.data(), n);
      const int status = ::pclose(pipe);
      return (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    }
  } // namespace

  bool
  plot_folder(const std::string &kind, const std::string &folder, std::ostream &log)
  {
    // Debian's own Python has python3-matplotlib; a pyenv shim may not.
    const std::string python = std::filesystem::exists("/usr/bin/python3") ?
                                 "/usr/bin/python3" : "python3";
    const std::string script = NEURISTOR_SOURCE_DIR "/scripts/plot_run.py";
    std::string       output;
    const int code = run_command(python + " '" + script + "' " + kind + " '" + folder + "'", output);
    if (code == 0)
      return true;
    const auto        lines     = parameter_tools::split(parameter_tools::trim(output), '\n');
    const std::string last_line = lines.empty() ? "no message" : lines.back();
    if (code == write_failed)
      throw std::runtime_error("the plot could not be written: " + last_line);
    OutputFile plot_log(std::filesystem::path(folder) / "plot.log");
    plot_log << output;
    plot_log.close();
    log << "Warning: no plot drawn (see plot.log in the output folder)" << std::endl;
    return false;
  }
} // namespace neuristor
