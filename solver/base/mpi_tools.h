#pragma once

#include "solver/base/user_message.h"

#include <deal.II/base/mpi.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace neuristor
{
  /**
   * Gather/broadcast of vectors of plain structs as raw bytes (deal.II 9.4's
   * generic versions need boost serialization for every type), and how a
   * process started without mpirun starts MPI.
   */
  namespace mpi_tools
  {
    /** Whether a launcher (mpirun, srun, Hydra) started this process. */
    inline bool
    started_by_launcher()
    {
      for (const char *variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(variable))
          return true;
      return false;
    }

    /**
     * Call before MPI starts. A process started without mpirun (a
     * singleton) then runs on its own instead of starting Open MPI's
     * daemon, which saves about 0.25 s on every start (ess_singleton_isolated:
     * the program spawns and connects to no other processes), and takes
     * the ob1 messaging layer instead of probing the UCX network transports
     * it will never use, which saves about 0.2 s more (MPI_Init 0.26 ->
     * 0.05 s here). A value the user set wins; a process that a launcher
     * started keeps its messaging layer (UCX carries a cluster's
     * InfiniBand), and another MPI ignores both settings.
     */
    inline void
    isolate_singleton()
    {
      setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
      if (!started_by_launcher())
        setenv("OMPI_MCA_pml", "ob1", 0);
    }

    /** values[i] = the sum of values[i] over all ranks (collective). */
    inline void
    sum_in_place(const MPI_Comm comm, std::vector<double> &values)
    {
      MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                    MPI_SUM, comm);
    }

    /**
     * All ranks' vectors concatenated in rank order into result (its storage
     * reused); on root only if !all (elsewhere result is emptied).
     */
    template <typename T>
    void
    gather(const MPI_Comm comm, const std::vector<T> &local, const bool all,
           std::vector<T> &result, const unsigned int root = 0)
    {
      static_assert(std::is_trivially_copyable_v<T>);
      const int n_ranks = dealii::Utilities::MPI::n_mpi_processes(comm);
      const int rank    = dealii::Utilities::MPI::this_mpi_process(comm);
      int       bytes   = local.size() * sizeof(T);
      std::vector<int> counts(n_ranks), offsets(n_ranks, 0);
      if (all)
        MPI_Allgather(&bytes, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
      else
        MPI_Gather(&bytes, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm);
      for (int r = 1; r < n_ranks; ++r)
        offsets[r] = offsets[r - 1] + counts[r - 1];
      const int total = offsets.back() + counts.back();
      result.resize((all || rank == static_cast<int>(root)) ? total / sizeof(T) : 0);
      if (all)
        MPI_Allgatherv(local.data(), bytes, MPI_BYTE, result.data(), counts.data(),
                       offsets.data(), MPI_BYTE, comm);
      else
        MPI_Gatherv(local.data(), bytes, MPI_BYTE, result.data(), counts.data(),
                    offsets.data(), MPI_BYTE, root, comm);
    }

    /** All ranks' vectors concatenated in rank order; on root only if !all. */
    template <typename T>
    std::vector<T>
    gather(const MPI_Comm comm, const std::vector<T> &local, const bool all,
           const unsigned int root = 0)
    {
      std::vector<T> result;
      gather(comm, local, all, result, root);
      return result;
    }

    /** Rank r's contiguous block [first, last) of n items split evenly over n_ranks. */
    inline std::pair<unsigned int, unsigned int>
    block(const unsigned int n, const unsigned int r, const unsigned int n_ranks)
    {
      return {static_cast<unsigned long>(n) * r / n_ranks,
              static_cast<unsigned long>(n) * (r + 1) / n_ranks};
    }

    template <typename T>
    std::vector<T>
    broadcast(const MPI_Comm comm, const std::vector<T> &data, const unsigned int root = 0)
    {
      static_assert(std::is_trivially_copyable_v<T>);
      unsigned long n = data.size();
      MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG, root, comm);
      std::vector<T> result(data);
      result.resize(n);
      MPI_Bcast(result.data(), n * sizeof(T), MPI_BYTE, root, comm);
      return result;
    }
  } // namespace mpi_tools

  /**
   * Runs fn on this rank; if any rank throws, every rank throws a
   * std::runtime_error with the first failing rank's message (so no rank
   * is left waiting in a collective call).
   */
  inline void
  collectively(const MPI_Comm comm, const std::function<void()> &fn)
  {
    std::string message;
    try
      {
        fn();
      }
    catch (const std::exception &e)
      {
        message = user_message(e);
        if (message.empty())
          message = "unknown error";
      }
    const unsigned int rank    = dealii::Utilities::MPI::this_mpi_process(comm);
    const unsigned int n_ranks = dealii::Utilities::MPI::n_mpi_processes(comm);
    const unsigned int failing = dealii::Utilities::MPI::min(
      message.empty() ? n_ranks : rank, comm);
    if (failing == n_ranks)
      return;
    std::string text = message;
    text = dealii::Utilities::MPI::broadcast(comm, text, failing);
    throw std::runtime_error(text);
  }
} // namespace neuristor
