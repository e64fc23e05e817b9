#pragma once

#include <deal.II/base/mpi.h>

#include <filesystem>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * The output folder of one run. Everything is written into "DIR.partial"
   * and only renamed to DIR when the run has finished, so a failed or
   * interrupted run never leaves a half-written DIR behind; its partial
   * results stay in DIR.partial (and are named on the console).
   *
   * The folder can only ever hold what the program wrote. A marker file
   * (`.neuristor-run`) lists every file of a finished run folder; an
   * existing DIR is replaced only when it is such a folder and holds
   * nothing else (an empty folder is replaced too). Anything else, and an
   * output folder that is, contains or lies above the current folder or
   * the case file, is refused before the run starts. Only rank 0 touches
   * the file system.
   */
  class RunFolder
  {
  public:
    /** Name of the marker file that lists a run folder's files. */
    static constexpr const char *marker_name = ".neuristor-run";

    /**
     * Creates DIR.partial; InputError if that is impossible or DIR may not
     * be replaced. `case_file` (if given) must not lie inside DIR. With
     * `resume`, reuses the DIR.partial of an interrupted run, or moves a
     * finished DIR back to DIR.partial, whichever holds checkpoint.bin.
     */
    RunFolder(const std::filesystem::path &path, const MPI_Comm comm, const bool resume = false,
              const std::string &case_file = "");
    ~RunFolder();

    /**
     * The absolute, normalised output folder for what the user wrote
     * (trailing separators and "." resolved); InputError for an empty name.
     */
    static std::filesystem::path
    normalize(const std::filesystem::path &path);

    /**
     * The checkpoint a resumed run in DIR goes on from: DIR.partial's
     * (interrupted run) or else DIR's (finished run); InputError if none.
     */
    static std::filesystem::path
    checkpoint_to_resume(const std::filesystem::path &path);

    /** Where to write files while the run is going. */
    std::filesystem::path
    file(const std::string &name) const
    {
      return partial / name;
    }

    const std::filesystem::path &
    final_path() const
    {
      return target;
    }

    /** Writes the marker, then replaces DIR by the finished partial folder. */
    void
    finalize();

    /**
     * Partial folders of failed runs kept on this rank during this process
     * (for the error message).
     */
    static const std::vector<std::filesystem::path> &
    kept_partial_folders();

  private:
    std::filesystem::path target, partial;
    MPI_Comm              comm;
    bool                  finished = false;
    bool                  reopened = false; // a finished DIR moved back to DIR.partial
  };
} // namespace neuristor
