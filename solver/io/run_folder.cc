#include "solver/io/run_folder.h"

#include "solver/case/input_error.h"
#include "solver/base/mpi_tools.h"
#include "solver/io/output_file.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <system_error>

namespace neuristor
{
  namespace fs = std::filesystem;

  namespace
  {
    const char *marker_title = "neuristor run folder: every file below was written by neuristor";

    // a == b or a lies inside b (both absolute and normalised).
    bool
    is_within(const fs::path &a, const fs::path &b)
    {
      const fs::path relative = a.lexically_relative(b);
      return !relative.empty() && *relative.begin() != "..";
    }

    std::vector<std::string>
    files_below(const fs::path &dir)
    {
      std::vector<std::string> names;
      for (const auto &entry : fs::recursive_directory_iterator(dir))
        {
          const std::string name = entry.path().lexically_relative(dir).generic_string();
          if (name != RunFolder::marker_name)
            names.push_back(name);
        }
      std::sort(names.begin(), names.end());
      return names;
    }

    // Why the existing folder `dir` may not be replaced ("" if it may).
    std::string
    why_not_replaceable(const fs::path &dir)
    {
      if (fs::is_empty(dir))
        return "";
      std::ifstream marker(dir / RunFolder::marker_name);
      std::string   line;
      if (!std::getline(marker, line) || line != marker_title)
        return "exists and was not written by neuristor (it has no " +
               std::string(RunFolder::marker_name) + " file)";
      std::set<std::string> written;
      while (std::getline(marker, line))
        written.insert(line);
      for (const auto &name : files_below(dir))
        if (written.count(name) == 0)
          return "holds '" + name + "', which neuristor did not write";
      return "";
    }

    void
    write_marker(const fs::path &dir)
    {
      const auto names = files_below(dir);
      OutputFile marker(dir / RunFolder::marker_name);
      marker << marker_title << "\n";
      for (const auto &name : names)
        marker << name << "\n";
      marker.close();
    }

    // Removes a partial folder left by an earlier run, if it is one.
    void
    remove_stale_partial(const fs::path &partial)
    {
      if (!fs::exists(partial))
        return;
      if (!fs::is_directory(partial) || !fs::exists(partial / RunFolder::marker_name))
        throw InputError("output folder", "'" + partial.string() +
                                            "' exists and was not written by neuristor; "
                                            "move it away or choose another folder with -o");
      fs::remove_all(partial);
    }

    void
    refuse_unless_replaceable(const fs::path &target)
    {
      if (!fs::exists(target))
        return;
      if (!fs::is_directory(target))
        throw InputError("output folder", "'" + target.string() + "' exists and is not a folder");
      const std::string reason = why_not_replaceable(target);
      if (!reason.empty())
        throw InputError("output folder",
                         "'" + target.string() + "' " + reason +
                           "; neuristor replaces only its own run folders: choose another "
                           "folder with -o, or move that one away");
    }

    std::vector<fs::path> &
    kept_partials()
    {
      static std::vector<fs::path> kept;
      return kept;
    }
  } // namespace

  fs::path
  RunFolder::normalize(const fs::path &path)
  {
    if (path.empty())
      throw InputError("-o", "the output folder name is empty");
    fs::path p = fs::absolute(path).lexically_normal();
    while (p.has_relative_path() && p.filename().empty())
      p = p.parent_path();
    p = fs::weakly_canonical(p);
    if (!p.has_relative_path())
      throw InputError("-o", "'" + path.string() + "' is the root folder");
    return p;
  }

  RunFolder::RunFolder(const fs::path &path, const MPI_Comm comm, const bool resume,
                       const std::string &case_file)
    : target(normalize(path))
    , partial(target.string() + ".partial")
    , comm(comm)
  {
    collectively(comm, [&]() {
      if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      if (is_within(fs::current_path(), target))
        throw InputError("output folder", "'" + target.string() +
                                            "' is or contains the current folder; results "
                                            "go into a folder of their own (e.g. -o results/run1)");
      if (!case_file.empty() && fs::exists(case_file) &&
          is_within(fs::weakly_canonical(fs::absolute(case_file)), target))
        throw InputError("output folder", "'" + target.string() + "' holds the case file '" +
                                            case_file + "'; choose another folder with -o");
      refuse_unless_replaceable(target);
      if (resume)
        {
          if (checkpoint_to_resume(target).parent_path() == partial)
            return;
          remove_stale_partial(partial);
          std::error_code ec;
          fs::rename(target, partial, ec);
          if (ec)
            throw InputError("--resume", "cannot reopen '" + target.string() +
                                           "': " + ec.message());
          reopened = true;
          return;
        }
      remove_stale_partial(partial);
      std::error_code ec;
      fs::create_directories(partial, ec);
      if (ec)
        throw InputError("output folder",
                         "cannot write to '" + target.string() + "': " + ec.message());
      try
        {
          write_marker(partial); // also the write test
        }
      catch (const IoError &e)
        {
          fs::remove_all(partial, ec);
          throw InputError("output folder", e.what());
        }
    });
  }

  fs::path
  RunFolder::checkpoint_to_resume(const fs::path &path)
  {
    const fs::path target = normalize(path);
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
    if (reopened && !fs::exists(target))
      fs::rename(partial, target, ec);
    else if (fs::exists(partial))
      kept_partials().push_back(partial);
  }

  const std::vector<fs::path> &
  RunFolder::kept_partial_folders()
  {
    return kept_partials();
  }

  void
  RunFolder::finalize()
  {
    collectively(comm, [&]() {
      if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      write_marker(partial);
      if (fs::exists(target))
        {
          const std::string reason = why_not_replaceable(target);
          if (!reason.empty())
            throw std::runtime_error("the results stay in '" + partial.string() + "': '" +
                                     target.string() + "' " + reason +
                                     " (it was created during the run)");
          fs::remove_all(target);
        }
      std::error_code ec;
      fs::rename(partial, target, ec);
      if (ec)
        throw std::runtime_error("cannot move the results to '" + target.string() +
                                 "': " + ec.message());
    });
    finished = true;
  }
} // namespace neuristor
