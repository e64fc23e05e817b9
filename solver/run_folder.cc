#include "solver/run_folder.h"

#include "solver/input_error.h"
#include "solver/mpi_tools.h"

#include <fstream>
#include <system_error>

namespace neuristor
{
  namespace fs = std::filesystem;

  RunFolder::RunFolder(const fs::path &path, const MPI_Comm comm, const bool resume)
    : target(fs::absolute(path).lexically_normal())
    , partial(target.string() + ".partial")
    , comm(comm)
  {
    collectively(comm, [&]() {
      if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      std::error_code ec;
      if (fs::exists(target) && !fs::is_directory(target))
        throw InputError("output folder", "'" + target.string() +
                                            "' exists and is not a folder");
      if (resume)
        {
          if (checkpoint_to_resume(target).parent_path() == partial)
            return;
          fs::remove_all(partial, ec);
          fs::rename(target, partial, ec);
          if (ec)
            throw InputError("--resume", "cannot reopen '" + target.string() +
                                           "': " + ec.message());
          reopened = true;
          return;
        }
      fs::remove_all(partial, ec);
      fs::create_directories(partial, ec);
      const fs::path probe = partial / ".write-test";
      std::ofstream  test(probe);
      if (ec || !test)
        throw InputError("output folder",
                         "cannot write to '" + target.string() + "'" +
                           (ec ? ": " + ec.message() : std::string()));
      test.close();
      fs::remove(probe, ec);
    });
  }

  fs::path
  RunFolder::checkpoint_to_resume(const fs::path &path)
  {
    const fs::path target = fs::absolute(path).lexically_normal();
    const fs::path partial(target.string() + ".partial");
    if (fs::exists(partial / "checkpoint.bin"))
      return partial / "checkpoint.bin";
    if (fs::exists(target / "checkpoint.bin"))
      return target / "checkpoint.bin";
    throw InputError("--resume", "neither '" + partial.string() + "' nor '" + target.string() +
                                   "' holds a checkpoint.bin (was Run/Checkpoint interval > 0?)");
  }

  RunFolder::~RunFolder()
  {
    if (finished || dealii::Utilities::MPI::this_mpi_process(comm) != 0)
      return;
    std::error_code ec;
    if (reopened)
      fs::rename(partial, target, ec);
    else if (!fs::exists(partial / "checkpoint.bin"))
      fs::remove_all(partial, ec);
  }

  void
  RunFolder::finalize()
  {
    collectively(comm, [&]() {
      if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      std::error_code ec;
      fs::remove_all(target, ec);
      fs::rename(partial, target, ec);
      if (ec)
        throw std::runtime_error("cannot move the results to '" + target.string() +
                                 "': " + ec.message());
    });
    finished = true;
  }
} // namespace neuristor
