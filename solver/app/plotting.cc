#include "solver/app/plotting.h"

#include "solver/io/output_file.h"
#include "solver/case/parameter_tools.h"

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

  std::filesystem::path
  installed_script(const std::string &name)
  {
    std::error_code       ec;
    const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
      return {};
    const auto folder = binary.parent_path();
    for (const auto &candidate : {folder.parent_path() / "share" / "neuristor" / "scripts" / name,
                                  folder / "share" / "neuristor" / "scripts" / name})
      if (std::filesystem::is_regular_file(candidate))
        return candidate;
    return {};
  }

  bool
  plot_folder(const std::string &kind, const std::string &folder, std::ostream &log)
  {
    // Debian's own Python has python3-matplotlib; a pyenv shim may not.
    const std::string python = std::filesystem::exists("/usr/bin/python3") ?
                                 "/usr/bin/python3" : "python3";
    const auto        script = installed_script("plot_run.py");
    if (script.empty())
      {
        log << "Warning: no plot drawn: plot_run.py is not in share/neuristor/scripts "
               "beside the binary (install with cmake --install)"
            << std::endl;
        return false;
      }
    std::string output;
    const int code = run_command(python + " '" + script.string() + "' " + kind + " '" + folder + "'", output);
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
