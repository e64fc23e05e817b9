#pragma once

#include <vector>

namespace neuristor
{
  /** One current spike of one device. */
  struct Spike
  {
    unsigned int device;
    double       t_peak;  // s
    double       i_peak;  // A, device current at the peak
    double       energy;  // J, Joule energy during the metallic episode
  };

  /**
   * Finds spikes as metallic episodes: a spike starts when the insulating
   * fraction F of the VO2 drops below 1/2 and ends when it climbs back above
   * 0.6 (the gap stops noise from splitting one spike in two). A device that
   * does not recover fully between spikes (F oscillating between ~0 and
   * 0.15-0.45: lumped devices near the upper edge of the spiking window,
   * finite-element devices with a fast local heat path) is
   * handled by the swing: an episode that got metallic (F below 0.05) also
   * ends where F turns down again after rising by 1.2 swing from its lowest
   * value, and the next one starts once F has fallen by a swing below its
   * highest value since.
   * Within an episode the peak of the device current is located by a
   * parabola through the three samples around the largest one.
   */
  class SpikeDetector
  {
  public:
    static constexpr double enter_fraction = 0.5;
    static constexpr double leave_fraction = 0.6;
    static constexpr double swing          = 0.08; // of F, for partial recoveries
    static constexpr double metal_fraction = 0.05; // F an episode must reach to end early

    /** Feed the end of an accepted step (t, F, I_device, P). */
    void
    add(const unsigned int  device,
        const double        t,
        const double        F,
        const double        current,
        const double        power,
        std::vector<Spike> &finished);

    bool
    in_spike() const
    {
      return active;
    }

    /** Start of the running episode [s]. */
    double
    episode_start() const
    {
      return start;
    }

    /** The running episode as a spike (for a device trapped at the end). */
    Spike
    current_spike(const unsigned int device) const;

  private:
    bool   active = false;
    double start  = 0;
    double energy = 0;
    double t_prev = 0, i_prev = 0, p_prev = 0;
    double t_before = 0, i_before = 0; // sample before the previous one
    double t_peak = 0, i_peak = 0;
    bool   has_prev = false;
    double f_prev = 1, f_extreme = 1; // F at the previous sample; see add()
  };
} // namespace neuristor
