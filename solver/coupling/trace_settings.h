#pragma once

namespace neuristor
{
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
