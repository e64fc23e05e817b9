#pragma once

#include <algorithm>
#include <optional>
#include <vector>

namespace neuristor
{
  /** One current spike of one device. */
  struct Spike
  {
    unsigned int device;
    double       t_peak;  // s
    double       i_peak;  // A, device current at the peak
    double       energy;  // J, Joule energy during the metallic episode (see SpikeDetector)
  };

  /**
   * Finds spikes: current pulses during metallic episodes of the device.
   *
   * An episode starts when the insulating fraction F of the VO2 drops below
   * 1/2 and ends when it climbs back above 0.6 (the gap stops noise from
   * splitting one episode in two). A device that does not recover fully
   * between spikes (F oscillating between ~0 and 0.15-0.45: lumped devices
   * near the upper edge of the spiking window, finite-element devices with
   * a fast local heat path) is handled by the swing: an episode that got
   * metallic (F below 0.05) also ends where F turns down again after rising
   * by 1.2 swing from its lowest value, and the next one starts once F has
   * fallen by a swing below its highest value since.
   *
   * An episode is a spike only if the capacitor discharges through the
   * device: at the current peak the device current is at least
   * `discharge_ratio` times the load current, i.e. the capacitor supplies at
   * least half of it. A slow drift of F through the transition carries just
   * the load current (ratio 1.1 for B in Fig. S11 at eta = 0.06) and is not
   * a spike. A device driven directly (R_load = 0) has no capacitor to
   * discharge: there a spike is an episode that ends, the current pulse a
   * source pulse drives through the metallic device (A in Fig. 3A); one that
   * stays metallic is the DC output of B in Fig. 3A, not a spike.
   * Within an episode the peak of the device current is located by a
   * parabola through the three samples around the largest one. A spike's
   * energy is the Joule energy of its episode; for a device that stays
   * metallic after the spike (trapped), up to where its current falls back
   * below `discharge_ratio` times the load current, the end of the
   * discharge, not the DC dissipation after it.
   *
   * The detector also keeps how long the device has been metallic (F below
   * 1/2) without a spike: a device that stays so for the trapped time at the
   * end of a run is trapped, whatever it did before.
   */
  class SpikeDetector
  {
  public:
    explicit SpikeDetector(const bool driven_directly = false)
      : direct_drive(driven_directly)
    {}

    static constexpr double enter_fraction  = 0.5;
    static constexpr double leave_fraction  = 0.6;
    static constexpr double swing           = 0.08; // of F, for partial recoveries
    static constexpr double metal_fraction  = 0.05; // F an episode must reach to end early
    static constexpr double discharge_ratio = 2.0;  // device / load current at a spike's peak

    /**
     * Feed the end of an accepted step: time, F, device and load current,
     * Joule power. Finished spikes of `device` are appended to `finished`.
     */
    void
    add(const unsigned int  device,
        const double        t,
        const double        F,
        const double        current,
        const double        load_current,
        const double        power,
        std::vector<Spike> &finished)
    {
      if (!add_if_quiet(t, F, current))
        add_in_episode(device, t, F, current, load_current, power, finished);
    }

    /**
     * The sample if it is a quiet one (insulating with no episode running:
     * most steps), which needs neither the load current nor the power: only
     * the history moves, here without a call. False if it is not: add() it.
     */
    bool
    add_if_quiet(const double t, const double F, const double current)
    {
      if (active || F < enter_fraction)
        return false;
      metallic_since = -1;
      f_extreme      = std::max(f_extreme, F);
      remember(t, F, current);
      return true;
    }

    /** Is a metallic episode (not necessarily a spike) running? */
    bool
    in_episode() const
    {
      return active;
    }

    /** The running episode if it is a spike (a device trapped after firing). */
    std::optional<Spike>
    running_spike(const unsigned int device) const;

    /**
     * How long, up to the last sample, the device has been metallic
     * without a spike [s]; 0 if it is not metallic.
     */
    double
    quiet_metallic_time() const;

    /** F at the last sample. */
    double
    insulating_fraction() const
    {
      return f_prev;
    }

  private:
    /** add() where an episode runs or may start. */
    void
    add_in_episode(const unsigned int device, const double t, const double F,
                   const double current, const double load_current, const double power,
                   std::vector<Spike> &finished);

    /**
     * The sample becomes the previous one. Its load current and power are
     * read only by the next sample of an episode, so a quiet sample leaves
     * them (the remember() below is add_in_episode's).
     */
    void
    remember(const double t, const double F, const double current)
    {
      t_before = t_prev;
      i_before = i_prev;
      t_prev   = t;
      i_prev   = current;
      f_prev   = F;
      has_prev = true;
    }

    void
    remember(const double t, const double F, const double current, const double load_current,
             const double power)
    {
      remember(t, F, current);
      il_prev = load_current;
      p_prev  = power;
    }

    /**
     * Whether the running episode is a spike, if it ends now (`ending`) or
     * goes on: a discharge at the peak, or for a directly driven device an
     * episode that ends.
     */
    bool
    episode_is_spike(const bool ending) const
    {
      return direct_drive ? ending : i_peak >= discharge_ratio * i_load_peak;
    }

    bool   direct_drive;
    bool   active   = false;
    bool   has_prev = false;
    double energy = 0;
    double t_prev = 0, i_prev = 0, p_prev = 0, il_prev = 0;
    double t_before = 0, i_before = 0; // sample before the previous one
    double t_peak = 0, i_peak = 0, i_load_peak = 0;
    double discharge_energy = -1; // J, energy when the discharge ended; -1 before
    double f_prev = 1, f_extreme = 1; // F at the previous sample; see add()
    double metallic_since = -1;       // s, start of the metallic stretch; -1 if insulating
    double last_spike     = -1;       // s, peak of the last spike; -1 if none
  };
} // namespace neuristor
