#include "solver/spike_detector.h"

namespace neuristor
{
  void
  SpikeDetector::add(const unsigned int  device,
                     const double        t,
                     const double        F,
                     const double        current,
                     const double        power,
                     std::vector<Spike> &finished)
  {
    if (!active && F < enter_fraction)
      {
        active = true;
        start  = t;
        energy = 0;
        t_peak = t;
        i_peak = current;
      }
    else if (active)
      {
        energy += 0.5 * (power + p_prev) * (t - t_prev);
        // A local maximum at the previous sample: refine with a parabola.
        if (i_prev >= i_peak && i_prev >= current && has_prev && t_before < t_prev)
          {
            t_peak = t_prev;
            i_peak = i_prev;
            const double h1 = t_prev - t_before, h2 = t - t_prev;
            const double d1 = (i_prev - i_before) / h1, d2 = (current - i_prev) / h2;
            const double curvature = (d2 - d1) / (0.5 * (h1 + h2));
            if (curvature < 0)
              {
                const double slope = (d1 * h2 + d2 * h1) / (h1 + h2);
                const double shift = -slope / curvature;
                if (shift > -h1 && shift < h2)
                  {
                    t_peak = t_prev + shift;
                    i_peak = i_prev + 0.5 * slope * shift;
                  }
              }
          }
        else if (current > i_peak)
          {
            t_peak = t;
            i_peak = current;
          }
        if (F > leave_fraction)
          {
            finished.push_back({device, t_peak, i_peak, energy});
            active = false;
          }
      }
    t_before = t_prev;
    i_before = i_prev;
    t_prev   = t;
    i_prev   = current;
    p_prev   = power;
    has_prev = true;
  }

  Spike
  SpikeDetector::current_spike(const unsigned int device) const
  {
    return {device, t_peak, i_peak, energy};
  }
} // namespace neuristor
