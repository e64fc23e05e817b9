#pragma once

#include "circuits/circuit_parameters.h"

#include <deal.II/base/parameter_handler.h>

#include <vector>

namespace neuristor
{
  /**
   * The "Limits" section: what a run may cost, checked before it starts, so
   * that an absurd entry (End time = 1e300, a 1e-15 s trace interval, a
   * train with a 1e-300 s period) is refused in a moment instead of running
   * until killed or filling the disk. Each limit can be raised by its entry.
   */
  struct ResourceLimits
  {
    double trace_rows  = 2e7; // rows of traces.csv (about 85 bytes each)
    double time_steps  = 1e9; // the fewest steps the run can take
    double input_edges = 1e7; // breakpoints of all inputs within End time
    double mesh_cells  = 2e7; // cells of a finite-element mesh (about 1 kB each)

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);

    /**
     * InputError naming the entry that asks too much, the estimate and the
     * limit, if a run to end_time would exceed a limit: trace rows of
     * n_traced devices every trace_interval, steps of at most largest_step
     * [s], and the edges of the circuits' inputs.
     */
    void
    check_run(const double                          end_time,
              const double                          trace_interval,
              const unsigned int                    n_traced,
              const double                          largest_step,
              const std::vector<CircuitParameters> &circuits) const;
  };
} // namespace neuristor
