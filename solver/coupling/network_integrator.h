#pragma once

#include "solver/thermal_models/lumped/lumped_thermal_network.h"
#include "solver/coupling/coupling_scheme.h"
#include "solver/coupling/device_batch.h"
#include "solver/coupling/device_integrator.h"
#include "solver/coupling/link_sums.h"
#include "solver/coupling/window_noise.h"
#include "solver/base/mpi_tools.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <functional>
#include <memory>
#include <vector>

namespace neuristor
{
  /**
   * Co-simulates all devices of a lumped thermal network by waveform
   * relaxation over coupling windows: in each window every device runs its
   * own adaptive steps with the heat from its neighbours given as a cubic
   * in time (their drift values and slopes at the window ends, plus their
   * noise, known in advance); the window is repeated with the neighbours'
   * updated end values until the heat changes by less than the coupling
   * tolerance (Jacobi iteration: independent of the order of devices and
   * of the MPI partition).
   *
   * Multirate (Thermal network/Multirate): a device whose temperature leaves its
   * predicted line (a spike) must not be seen as one cubic over a long
   * window, but the quiet majority should not step with it. At a window
   * start the devices that were surprising in the last window, and the
   * devices they heat, are *active*; the rest are *latent*. Latent devices
   * take the window in one go; the active ones take it in short windows of
   * their own, seeing the latent ones as their cubics. A latent device that
   * turns out surprising, or whose active neighbour strays from its cubic
   * by more than the tolerance allows, becomes active within the window.
   * The window length follows the latent devices' predictor error, the
   * active devices' windows their own. Without multirate every device is
   * latent and the window length follows them all.
   *
   * A split is made only when the window's work, counted as steps (a
   * device steps at least once per window and per Maximum time step),
   * promises to fall below 0.6 of one window for all, with at most about 10 %
   * of the devices active.
   *
   * Devices are split over the ranks of the communicator in contiguous
   * blocks; each (inner) window exchanges two numbers per device, and
   * every decision is taken on gathered values, so results do not depend
   * on the rank count.
   */
  class NetworkIntegrator : public CouplingScheme
  {
  public:
    NetworkIntegrator(const MPI_Comm                       comm,
                      const LumpedThermalNetwork          &network,
                      const DeviceCircuits                &circuits,
                      const IntegratorSettings            &settings,
                      const TraceSettings                 &trace,
                      const std::vector<bool>             &traced,
                      dealii::TimerOutput                 &timer,
                      const bool                           multirate);

    /** Run to t_end; returns the spikes of all devices on rank 0. */
    std::vector<Spike>
    run(const double t_end, const RunSink &sink) override;

    double
    time() const override
    {
      return t_reached;
    }

  private:
    /** T and dT/dt of every device at t = 0, with the neighbours' heat (collective). */
    void
    initial_slopes();

    /** The window [t, t + H]: its active devices, predicted ends and neighbour noise. */
    void
    start_window(const double t, const double H);

    /**
     * Take the window in passes until the coupling converges (false if it
     * does not); predictor_error: the first pass's error, which sets the
     * next window (collective).
     */
    bool
    take_window(const double t, const double H, double &predictor_error);

    /** The window's end states become the start (with their heat inputs); its spikes and trace rows. */
    void
    accept_window(const double H, std::vector<Spike> &window_spikes,
                  std::vector<Sample> &window_samples);

    /** The local devices' own noise paths W over the window, local k at k; null without noise. */
    const GridFunction *
    own_paths() const
    {
      return noise_paths.empty() ? nullptr : noise_paths.data(); // WindowNoise::path_index
    }

    /** Local device k's own noise path W over the window; null without noise. */
    const GridFunction *
    own_path(const unsigned int k) const
    {
      return own_paths() ? own_paths() + k : nullptr;
    }

    /**
     * sigma (X_i(t1) - X_i(t0)): device i's own noise over [t0, t1] as its
     * node relaxes it (NoisePaths) [K]; its temperature less this is the
     * drift the windows predict.
     */
    double
    noise_increment(const unsigned int i, const double t0, const double t1) const;

    /**
     * sigma (X_i(t1) - X_i(t0)) [K] from device i's relaxed path at t0 and
     * t1 (looked up by the caller), and sigma lambda_i X_i(t1): the relaxed
     * noise's part of the drift's slope at t1 [K/s].
     */
    void
    own_noise_from(const unsigned int i, const double X0, const double X1, double &increment,
                   double &rate) const;

    /** The drift of device j over the window [t, t + H] at time s: its cubic [K, K/s]. */
    void
    drift(const unsigned int j, const double s, double &T, double &dT) const;

    /** Local device k back to its state at the window start, its outputs dropped. */
    void
    reset(const unsigned int k);

    /**
     * Advance the local devices to t1, each (k) with heat_of[k], all at once
     * (DeviceBatch) where they allow it; their drift end values relative to t0.
     */
    void
    advance(const std::vector<unsigned int> &devices, const double t0, const double t1,
            const std::vector<HeatInput> &heat_of);

    /** The latent devices due for a (re)run over [t, t + H] (pass 1: on the predictor). */
    void
    advance_latent(const double t, const double H, const unsigned int pass);

    /**
     * The active devices over [t, t + H] in windows of their own, from the
     * window start; the latent neighbours as their cubics (collective).
     */
    void
    advance_active(const double t, const double H);

    /** Every device's end values into T_end, dT_end (collective). */
    void
    exchange_ends();

    /** How far device j's end left its predicted line, as heat error it causes [K]. */
    double
    surprise(const unsigned int j, const double H) const;

    /**
     * Latent devices that are surprising, or whose active neighbour strays
     * from its cubic too far, become active with the devices they heat;
     * returns whether any did (collective).
     */
    bool
    promote(const double H, const bool by_surprise);

    /** The window a device alone would allow, from its surprise [K] over the window H [s]. */
    double
    window_for(const double surprise, const double H) const;

    /** The surprise [K] over the window H [s] of a device that would allow `window` [s]. */
    double
    surprise_for(const double window, const double H) const;

    /**
     * The active devices of a window: the most surprising ones of the last
     * window, as many as minimise the estimated steps (none unless the
     * saving is worth it).
     */
    void
    choose_active();

    /** Mark device j and the devices it heats (to `hops` links) active. */
    void
    activate(const unsigned int j);

    /**
     * Largest coupling error of the latent devices, and of the active ones
     * from their latent neighbours (all devices); marks the latent ones
     * whose input moved noticeably to rerun (collective).
     */
    double
    coupling_error(const double H, double &active_error);

    /** Which neighbours' heat heat_from sums (all of them: heat_sums). */
    enum class From
    {
      active,
      latent
    };

    /** Heat input q and dq/dt for device i from global T, dT vectors, from some neighbours. */
    void
    heat_from(const unsigned int         i,
              const std::vector<double> &T,
              const std::vector<double> &dT,
              double                    &q,
              double                    &dq,
              const From                 from) const;

    void
    all_gather(const std::vector<double> &local, std::vector<double> &global) const;

    MPI_Comm                      comm;
    const LumpedThermalNetwork   &network;
    std::vector<DeviceIntegrator> integrators; // local devices only
    std::unique_ptr<DeviceBatch>  batch;       // null: one device at a time
    std::vector<unsigned int>     running;     // the local devices advance() takes
    IntegratorSettings            settings;
    std::vector<bool>             traced;
    dealii::TimerOutput          &timer;
    double                        sigma; // K/sqrt(s)
    const bool                    multirate;
    const unsigned int            hops = 1; // how far activity spreads from a surprising device
    // Active devices cost more per step (they spike) and their windows add
    // overhead: a split must promise to save this much of the work (measured).
    const double                  worth_it = 0.6;
    // Nor may the active devices be more than this fraction: in busy arrays
    // the split saved steps but not time (measured).
    const double                  largest_split = 0.1;

    unsigned int              first, last; // local device range
    std::vector<int>          counts, offsets;
    std::vector<DeviceState>  states, trial; // at the window start, and in it
    bool                      trial_is_start = false; // no device has moved since trial = states
    std::unique_ptr<WindowNoise> window_noise; // null without noise
    // Over the window: the paths W and X of the local devices and their
    // neighbours (WindowNoise::path_index), and per local device i the
    // neighbours' noise sigma sum S_ij X_j.
    std::vector<GridFunction> noise_paths, relaxed_paths, noise_sums;
    double                    t_reached = 0;

    // Every device's (replicated):
    std::vector<std::vector<unsigned int>> receivers; // the devices each one heats
    std::vector<double> gain;            // 1/s, max over receivers i of S_ij / C_i
    std::vector<double> T_start, dT_start; // K, K/s: at the window start
    std::vector<double> T_end, dT_end;     // K, K/s: drift at the window end (guess or last pass)
    std::vector<double> last_surprise;     // K, over the last accepted window
    std::vector<double> sorted_surprises;  // K, last_surprise partly sorted
    double              last_H = 1;        // s, that window
    double              shortest_latent = 0; // s: an own window below this makes a device active
    double              receivers_per_device = 0; // on average
    std::vector<char>   is_active;

    // Local devices':
    LinkSums                                       heat_sums; // q = sum_j S_ij T_j (all links)
    std::vector<double>                            q_start, dq_start; // W, W/s: from T_start, dT_start (set with them)
    std::vector<double>                            q_end, dq_end; // from T_end, dT_end (coupling_error)
    // With noise: X and the neighbour sum at the window start (start_window)
    // and at the ends of a run (advance), for all local devices at once.
    std::vector<double>                            sum_start, X_t0, X_t1, sum_t1;
    std::vector<HeatInput>                         heat;
    std::vector<double>                            end_T, end_dT; // drift at the end of the last run
    std::vector<char>                              rerun;
    std::vector<double>                            latent_q1, latent_dq1; // the latent part an active device used
    std::vector<std::vector<std::pair<double, double>>> inner_path; // active: (time, drift T) at inner window ends
    std::vector<std::vector<Sample>>               samples;
    std::vector<std::vector<Spike>>                spikes;
    std::vector<unsigned int>                      local_active; // local indices

    double t_window = 0, H_window = 1; // s: the window being taken
    // Reused by advance_active: every device's values at the inner window
    // start and end (only the active devices' entries mean anything).
    std::vector<double>      inner_T, inner_dT, inner_T_end, inner_dT_end, active_T;
    std::vector<DeviceState> inner_start;
    std::vector<double>      active_q1, active_dq1; // local: the active part an active device used
    std::vector<HeatInput>   active_heat;           // local: an active device's in its inner window
    double        inner_window = 0; // s, the active devices' own
    unsigned long inner_windows = 0, inner_passes = 0, active_device_windows = 0;
  };
} // namespace neuristor
