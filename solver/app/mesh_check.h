#pragma once

#include "solver/app/command_folder.h"
#include "solver/app/simulation.h"

#include <deal.II/base/parameter_handler.h>

#include <ostream>
#include <string>
#include <vector>

namespace neuristor
{
  /** One device's spikes at the finest cell size h and at h/2. */
  struct DeviceMeshComparison
  {
    unsigned int device;
    unsigned int spikes_coarse, spikes_fine;
    std::string  state_coarse, state_fine;
    double       largest_shift; // largest |t_h - t_h/2| / t_h/2 over the spikes both have
    // Spikes of one run without a partner in the other, all so close to the
    // end that a shift within the tolerance takes the partner past it.
    unsigned int unmatched_at_end;

    bool
    counts_agree() const;
  };

  /**
   * Whether a spike table survives halving the mesh: the same spike count
   * and state per device, and every spike time within `tolerance`
   * (relative; the 2 % of DESIGN.md). A spike after end_time / (1 +
   * tolerance) may lack its partner in the other run: a shift within the
   * tolerance can move it past the end.
   */
  struct MeshComparison
  {
    std::vector<DeviceMeshComparison> devices;
    double                            tolerance;

    bool
    converged() const;

    /** Largest relative spike-time shift of any device. */
    double
    largest_shift() const;

    /** "; device i: n spike(s) at the end without a partner ..." ("" if none). */
    std::string
    unmatched_note() const;

    /** One line per device that is not converged ("" if none). */
    std::string
    differences() const;
  };

  MeshComparison
  compare_spike_tables(const RunResult &coarse,
                       const RunResult &fine,
                       const double     tolerance,
                       const double     end_time);

  /**
   * `neuristor run CASE --check-mesh`: the case at its Layout/Finest cell
   * size h (DIR/h) and at h/2 (DIR/h_half), both on all ranks, then the
   * comparison on the console, in DIR/log.txt and in DIR/mesh_check.json.
   * Both runs are validated before anything is written; a model without a
   * mesh of the Layout (lumped) or a sweep is refused.
   */
  void
  run_mesh_check(const CommandArguments   &args,
                 dealii::ParameterHandler &prm,
                 std::ostream             &console);
} // namespace neuristor
