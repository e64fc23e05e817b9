#include "solver/run_folder.h"

#include "solver/input_error.h"
#include "solver/mpi_tools.h"

#include <fstream>
#include <system_error>

namespace neuristor
{
  namespace fs = std::filesystem;

  RunFolder::RunFolder(const fs::path &path, const MPI_Comm comm)
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

  RunFolder::~RunFolder()
  {
    if (!finished && dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::error_code ec;
        fs::remove_all(partial, ec);
      }
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
