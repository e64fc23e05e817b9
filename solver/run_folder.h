#pragma once

#include <deal.II/base/mpi.h>

#include <filesystem>
#include <string>

namespace neuristor
{
  /**
   * The output folder of one run. Everything is written into "DIR.partial"
   * and only renamed to DIR when the run has finished, so a failed or
   * interrupted run never leaves a half-written DIR behind. On failure the
   * partial folder is removed, unless it holds a checkpoint to resume from
   * (a finished DIR reopened for resuming is moved back).
   * Only rank 0 touches the file system.
   */
  class RunFolder
  {
  public:
    /**
     * Creates DIR.partial; InputError if that is impossible. With `resume`,
     * reuses the DIR.partial of an interrupted run, or moves a finished DIR
     * back to DIR.partial, whichever holds checkpoint.bin.
     */
    RunFolder(const std::filesystem::path &path, const MPI_Comm comm, const bool resume = false);
    ~RunFolder();

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

    /** Replace DIR by the finished partial folder. */
    void
    finalize();

  private:
    std::filesystem::path target, partial;
    MPI_Comm              comm;
    bool                  finished = false;
    bool                  reopened = false; // a finished DIR moved back to DIR.partial
  };
} // namespace neuristor
