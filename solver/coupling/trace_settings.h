#pragma once

#include "solver/case/parameter_tools.h"

#include <deal.II/base/point.h>

#include <string>

namespace neuristor
{
  /** A named point where the temperature field is recorded over time (Run/Probes). */
  struct Probe
  {
    std::string      name;
    dealii::Point<3> point; // m

    /** "'name' at (x, y, z) m", for messages. */
    std::string
    describe() const
    {
      return "'" + name + "' at (" + parameter_tools::format_number(point[0]) + ", " +
             parameter_tools::format_number(point[1]) + ", " +
             parameter_tools::format_number(point[2]) + ") m";
    }
  };

  /**
   * When a coupling scheme writes a trace row (traces.csv) of a traced
   * device: at every multiple of `interval`, and, with `every_step_in_spikes`,
   * also at the end of every step while the device is in a spike, so that
   * the drawn peaks are the true ones (the spike detector reads step ends).
   */
  struct TraceSettings
  {
    double interval             = 10e-9; // s, > 0
    bool   every_step_in_spikes = true;
  };
} // namespace neuristor
