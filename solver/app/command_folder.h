#pragma once

#include "solver/io/output_file.h"
#include "solver/io/run_folder.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <filesystem>
#include <functional>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * What the command line gives every command that writes a run folder
   * (`run`, a sweep, `characterize`, `calibrate`).
   */
  struct CommandArguments
  {
    MPI_Comm                 comm = MPI_COMM_WORLD;
    std::string              case_file;  // empty: the built-in default case
    std::vector<std::string> overrides;  // "Section/Entry=value" of --set
    std::string              output_dir; // as the user wrote it (or the command's default)
    bool                     resume = false;
  };

  /**
   * Writes to the console and to a log file at the same time. A failing log
   * file (IoError when it is closed) must not silence the console, so the
   * file is dropped at its first failed write; either side may be null.
   */
  class TeeBuffer : public std::streambuf
  {
  public:
    explicit TeeBuffer(std::streambuf *console_buffer, std::streambuf *file_buffer = nullptr);

    /** Copy into `file` from now on (none: nullptr, e.g. before it is closed). */
    void
    set_file(std::streambuf *new_file);

  protected:
    int
    overflow(int ch) override;
    int
    sync() override;

  private:
    std::streambuf *console, *file;
  };

  /**
   * The run folder of a command, set up the same way by every command so
   * that each folder holds `parameters.prm` (the case as used: a valid case
   * file that re-runs the command) and `log.txt` (what the command printed):
   * the RunFolder is opened (with all its refusals), parameters.prm written
   * and log.txt opened (appended to with `resume`), all on rank 0 only and
   * collectively (an error on rank 0 is thrown on every rank). Validate the
   * case before constructing this: nothing may be written for a bad case.
   */
  class CommandFolder
  {
  public:
    /** `console` may have no buffer (a sweep point's log goes to the file only). */
    CommandFolder(const CommandArguments         &args,
                  const dealii::ParameterHandler &prm,
                  std::ostream                   &console);

    /** The console, copied into log.txt on rank 0 until finalize(). */
    std::ostream &
    console()
    {
      return tee_stream;
    }

    /** Where to write a file while the command is running. */
    std::filesystem::path
    file(const std::string &name) const
    {
      return folder.file(name);
    }

    RunFolder &
    run_folder()
    {
      return folder;
    }

    const std::filesystem::path &
    final_path() const
    {
      return folder.final_path();
    }

    /** Runs `write` on rank 0 only; if it throws, every rank throws. */
    void
    on_root(const std::function<void()> &write) const;

    /**
     * Closes log.txt (IoError if any of it could not be written), then
     * finalizes the RunFolder. console() then writes to the console only.
     */
    void
    finalize();

  private:
    const MPI_Comm comm;
    const bool     root;
    RunFolder      folder;
    // Declared before the tee, so that the tee is gone before the file closes.
    OutputFile   log_file;
    TeeBuffer    tee;
    std::ostream tee_stream;
  };
} // namespace neuristor
