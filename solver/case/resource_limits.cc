#include "solver/case/resource_limits.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <cmath>

namespace neuristor
{
  void
  ResourceLimits::declare_parameters(dealii::ParameterHandler &prm)
  {
    using dealii::Patterns::Double;
    prm.declare_entry("Maximum trace rows", "2e7", Double(1),
                      "Most rows traces.csv may get: (End time / Trace interval + 1) "
                      "x traced devices, about 85 bytes each; a run that would write "
                      "more is refused before it starts [count].");
    prm.declare_entry("Maximum time steps", "1e9", Double(1),
                      "Most time steps a run may need at the least: End time / the "
                      "largest step (Time integration/Maximum time step) [count].");
    prm.declare_entry("Maximum input edges", "1e7", Double(1),
                      "Most breakpoints (edges of pulses, trains and pwl knots) the "
                      "inputs of all devices may have within End time; every edge "
                      "is a step [count].");
    prm.declare_entry("Maximum mesh cells", "2e7", Double(1),
                      "Most cells a finite-element mesh may have (the Layout's grid, or "
                      "the reduced array's patch), counted from the per-axis cell "
                      "counts before any mesh is built; a cell costs about 1 kB "
                      "[count].");
  }

  void
  ResourceLimits::parse_parameters(const dealii::ParameterHandler &prm)
  {
    trace_rows  = prm.get_double("Maximum trace rows");
    time_steps  = prm.get_double("Maximum time steps");
    input_edges = prm.get_double("Maximum input edges");
    mesh_cells  = prm.get_double("Maximum mesh cells");
  }

  void
  ResourceLimits::check_run(const double                          end_time,
                            const double                          trace_interval,
                            const unsigned int                    n_traced,
                            const double                          largest_step,
                            const std::vector<CircuitParameters> &circuits) const
  {
    using parameter_tools::format_number;
    const auto refuse = [](const std::string &entry, const std::string &estimate,
                           const std::string &limit, const double value) {
      throw InputError(entry, estimate + ", more than " + limit + " = " + format_number(value) +
                                " allows; raise that limit if this is meant");
    };
    const double steps = end_time / largest_step;
    if (!(steps <= time_steps))
      refuse("Run/End time",
             format_number(end_time) + " s needs at least " + format_number(steps) +
               " time steps of at most " + format_number(largest_step) +
               " s (Time integration/Maximum time step)",
             "Limits/Maximum time steps", time_steps);
    const double rows = (std::floor(end_time / trace_interval) + 1) * n_traced;
    if (!(rows <= trace_rows))
      refuse("Run/Trace interval",
             format_number(trace_interval) + " s over Run/End time = " + format_number(end_time) +
               " s for " + std::to_string(n_traced) + " traced device(s) gives " +
               format_number(rows) + " rows of traces.csv (about " +
               format_number(85e-9 * rows) + " GB)",
             "Limits/Maximum trace rows", trace_rows);
    double edges = 0;
    for (const auto &c : circuits)
      edges += c.input.breakpoints_until(end_time);
    if (!(edges <= input_edges))
      refuse("Circuit/Input",
             "the inputs have " + format_number(edges) + " edges within Run/End time = " +
               format_number(end_time) + " s",
             "Limits/Maximum input edges", input_edges);
  }
} // namespace neuristor
