#include "solver/coupling/spike_detector.h"

#include <algorithm>

namespace neuristor
{
  void
  SpikeDetector::add_in_episode(const unsigned int device, const double t, const double F,
                                const double current, const double load_current,
                                const double power, std::vector<Spike> &finished)
  {
    if (F >= enter_fraction)
      metallic_since = -1;
    else if (metallic_since < 0)
      metallic_since = t;

    // Outside an episode, f_extreme is the highest F since the last one;
    // inside, the lowest F of this one.
    if (!active && F < enter_fraction && F < f_extreme - swing)
      {
        active           = true;
        energy           = 0;
        discharge_energy = -1;
        t_peak      = t;
        i_peak      = current;
        i_load_peak = load_current;
        f_extreme   = F;
      }
    else if (active)
      {
        energy += 0.5 * (power + p_prev) * (t - t_prev);
        // A local maximum at the previous sample: refine with a parabola.
        if (i_prev >= i_peak && i_prev >= current && has_prev && t_before < t_prev)
          {
            t_peak      = t_prev;
            i_peak      = i_prev;
            i_load_peak = il_prev;
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
            t_peak      = t;
            i_peak      = current;
            i_load_peak = load_current;
          }
        if (discharge_energy < 0 && episode_is_spike(false) && t > t_peak &&
            current < discharge_ratio * load_current)
          discharge_energy = energy;
        // Over when the device is insulating again, or when it turns back
        // towards the metal after recovering by a full swing without getting
        // there (the partial recoveries of a device whose fast local heat
        // path keeps it warm between current spikes; a directly driven
        // device's source pulse ends only with its recovery).
        // The lowest F so far excludes this sample: one large step down
        // past metal_fraction is the transition going on, not a turn.
        const bool turned = !direct_drive && F < f_prev && f_prev > f_extreme + 1.2 * swing &&
                            f_extreme < metal_fraction;
        f_extreme = std::min(f_extreme, F);
        if (F > leave_fraction || turned)
          {
            if (episode_is_spike(true))
              {
                finished.push_back({device, t_peak, i_peak, energy});
                last_spike = t_peak;
              }
            active    = false;
            f_extreme = std::max(F, f_prev);
          }
      }
    else
      f_extreme = std::max(f_extreme, F);
    remember(t, F, current, load_current, power);
  }

  std::optional<Spike>
  SpikeDetector::running_spike(const unsigned int device) const
  {
    if (active && episode_is_spike(false))
      return Spike{device, t_peak, i_peak, discharge_energy < 0 ? energy : discharge_energy};
    return std::nullopt;
  }

  double
  SpikeDetector::quiet_metallic_time() const
  {
    if (metallic_since < 0)
      return 0;
    const double spike = active && episode_is_spike(false) ? t_peak : last_spike;
    return t_prev - std::max(metallic_since, spike);
  }
} // namespace neuristor
