#pragma once

#include <deal.II/base/mpi.h>

#include <filesystem>
#include <string>

namespace neuristor
{
  /**
   * The output folder of one run. Everything is written into "DIR.partial"
   * and only renamed to DIR when the run has finished, so a failed or
   * interrupted run never leaves a half-written DIR behind (the partial
   * folder is removed on failure). Only rank 0 touches the file system.
   */
  class RunFolder
  {
  public:
    /** Creates DIR.partial; InputError if that is impossible. */
    RunFolder(const std::filesystem::path &path, const MPI_Comm comm);
    ~RunFolder();

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
  };
} // namespace neuristor
