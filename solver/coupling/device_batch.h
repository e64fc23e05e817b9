#pragma once

#include "materials/vo2_resistance_batch.h"
#include "solver/coupling/device_integrator.h"

#include <boost/container/static_vector.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace neuristor
{
  /**
   * Advances many devices over one coupling window in lock step: in each
   * round every device short of the window end plans one step of its own
   * size (DeviceIntegrator::plan_step's parts; R(T) after a reversal at
   * the start vectorised too), the noise over the steps and their
   * three stages run for all of them at once, vectorised over the devices
   * (the noise paths as GridColumns, the ode23s arithmetic of ode23s.h, the
   * RC circuit of NeuristorCircuit, R(T) of VO2ResistanceBatch, the step
   * control's cbrt of inverse_cube_roots.h), and each device accepts or
   * rejects its step: a plain accepted step (most) straight from the lanes
   * (DeviceIntegrator::accept_step), any other through
   * DeviceIntegrator::finish_step (control, reversals, spikes, traces); a
   * device that reaches the window end frees its lane for the next device
   * at once.
   * The results differ from advancing one device at a time by rounding
   * only, and a device's values do not depend on which devices share its
   * batch (so neither on the MPI ranks).
   *
   * Between input edges a source is linear in time (Waveform), so a step
   * reads V_in and its slope once, at its midpoint.
   */
  class DeviceBatch
  {
  public:
    /**
     * Where the batch finds each device's state, heat input, noise and
     * outputs: arrays by its index k into the integrators (read in place,
     * not copied into a list per advance).
     */
    struct Parts
    {
      DeviceState             *states;
      const HeatInput         *heat;
      const GridFunction      *noise; // the own paths W over the window; null without noise
      const std::vector<bool> &traced; // by global number
      std::vector<Sample>     *samples;
      std::vector<Spike>      *spikes;
      unsigned int             first; // the global number of k = 0
    };

    /**
     * The batch of these devices, or null unless each is a NeuristorCircuit
     * over the VO2 model (what the vectorised stages are written for) or
     * there are none. run_circuits: every device's of the run, on all
     * ranks; if they share one VO2 parameter set, R(T) reads it once
     * (VO2ResistanceBatch's shared model), on every rank alike.
     */
    static std::unique_ptr<DeviceBatch>
    create(const std::vector<DeviceIntegrator> &integrators, const DeviceCircuits &run_circuits);

    // Its R(T) states point to its model: never copied or moved.
    DeviceBatch(const DeviceBatch &) = delete;
    DeviceBatch &
    operator=(const DeviceBatch &) = delete;

    /** Advance the devices `which` (indices k) to t_end. */
    void
    advance(const Parts &parts, const std::vector<unsigned int> &which, const double t_end);

  private:
    // Devices advanced together (lanes): enough for full vectors, few
    // enough that their states stay in cache from round to round (all 4096
    // of a lattice at once ran 1.2x slower with noise; measured).
    static constexpr std::size_t chunk = 64;

    /** Per device: its circuit and node, as the stages read them. */
    struct Device
    {
      const Waveform *input;
      double          C, R_load, direct; // F, Ohm, 1 if driven directly
      ThermalNode     node;
    };

    /**
     * The steps of one round, a lane per device (structure of arrays): what
     * the stages read, then what they give.
     */
    struct Lanes
    {
      // At the step start: h, y, f (its T row with the noise), df/dt, J.
      alignas(64) double h[chunk], V[chunk], T[chunk];
      alignas(64) double f0_V[chunk], f0_T[chunk], ft0_V[chunk], ft0_T[chunk];
      alignas(64) double J_VV[chunk], J_VT[chunk], J_TV[chunk], J_TT[chunk];
      // The source V_in and its slope at the midpoint; heat inputs with the
      // noise at t + h/2 and t + h; the device's circuit and node.
      alignas(64) double V_in[chunk], dV_in[chunk];
      alignas(64) double t[chunk], q_t0[chunk], q_H[chunk], q0[chunk], dq0[chunk], q1[chunk],
        dq1[chunk];                                        // the drift's cubic (HeatInput)
      alignas(64) double noise_half[chunk], noise_end[chunk]; // W, the neighbours' noise
      alignas(64) double noise_P[chunk];                      // W, the own noise power
      // The noise's columns (GridColumns) and values at the step start: the
      // own path W, and the neighbours' sum at the window start; W at the end.
      alignas(64) std::int64_t W_column[chunk], sum_column[chunk];
      alignas(64) double       W_start[chunk], sum_t0[chunk], W_end[chunk];
      alignas(64) double q_half[chunk], dq_half[chunk], q_end[chunk], dq_end[chunk];
      alignas(64) double noise_T[chunk]; // K/s, the noise power over C_th
      alignas(64) double C[chunk], R_load[chunk], direct[chunk];
      alignas(64) double C_th[chunk], S_env[chunk], S_coupled[chunk], T0[chunk];
      // Results: W, k1, k2, the stage points, f1, the end derivatives, the error.
      alignas(64) double Wa[chunk], Wb[chunk], Wc[chunk], We[chunk], W_inv[chunk];
      alignas(64) double k1_V[chunk], k1_T[chunk], k2_V[chunk], k2_T[chunk];
      alignas(64) double V_half[chunk], T_half[chunk], V_end[chunk], T_end[chunk];
      alignas(64) double f1_V[chunk], f1_T[chunk];
      alignas(64) double f2_V[chunk], f2_T[chunk], ft2_V[chunk], ft2_T[chunk];
      alignas(64) double J2_VV[chunk], J2_VT[chunk], J2_TV[chunk], J2_TT[chunk], P2[chunk];
      alignas(64) double error[chunk], inverse_error_root[chunk];
    };

    DeviceBatch(const std::vector<DeviceIntegrator> &integrators, VO2ResistanceBatch model,
                std::vector<Device> devices);

    /**
     * A step planned for each running device short of t_end, a lane each
     * (lane_work); R(T) on the new branch of those that reverse at their
     * start evaluated for all of them at once.
     */
    void
    plan_steps(const Parts &parts, const std::vector<unsigned int> &which, const double t_end);

    /** Lane i takes device k's planned step (and its entry of the R(T) states). */
    void
    load_lane(const std::size_t i, const Parts &parts, const unsigned int k,
              const DeviceIntegrator::Step &step);

    /**
     * The noise over every lane's step, looked up for all at once: W at
     * its end and the power it makes (DeviceIntegrator::noise_over_step),
     * and the neighbours' noise at its midpoint and end
     * (HeatInput::noise_offset).
     */
    void
    noise_stage(const std::size_t n);

    /** Stage 1 of every lane: W, k1 and the point of stage 2. */
    void
    first_stages(const std::size_t n);

    /** Stage 2 of every lane with R(T) at its stage-2 point: f1, k2 and the end point. */
    void
    second_stages(const std::size_t n);

    /** Stage 3 of every lane with R(T) at its end: the end derivatives and the error. */
    void
    third_stages(const std::size_t n, const ode23s::Tolerances &tolerances);

    /** Lane i's results into the device's step. */
    void
    store_lane(const std::size_t i, DeviceIntegrator::Step &step) const;

    /** Lane i's derivatives at its step end. */
    DeviceDerivatives
    end_derivatives(const std::size_t i) const;

    /** Whether lane i's stages stayed where the model holds (T > 0, V finite). */
    bool
    valid(const std::size_t i) const;

    /**
     * Lane i's step to device k: a plain accepted step (most) goes into
     * its state directly (DeviceIntegrator::accept_step), any other through
     * DeviceIntegrator::finish_step.
     */
    void
    finish_lane(const std::size_t i, const Parts &parts, const unsigned int k,
                DeviceIntegrator::Step &step, const double t_end);

    /** R(T) of the first n lanes at T (their stage-2 or end points). */
    void
    evaluate_resistance(const double *T, const std::size_t n);

    const std::vector<DeviceIntegrator> &integrators;
    VO2ResistanceBatch                   model;
    std::vector<Device>                  devices;
    // Reused from round to round. A step lives from its planning to its
    // acceptance within one round: a lane's (not a device's, which would
    // stream a window's worth of them through the cache).
    std::unique_ptr<Lanes>              lanes;
    std::vector<DeviceIntegrator::Step> steps;
    // Positions in `which`: the devices going, per lane, and those that
    // reversed at their step start (at most a chunk each).
    boost::container::static_vector<unsigned int, chunk> running, lane_work, reversed;
    VO2ResistanceBatch::States          states, start_states; // the lanes'; the reversed devices'
    VO2ResistanceBatch::Values          start_values;
    // This advance's noise: sigma, the blocks of the own paths and of the
    // neighbours' sums (none without noise).
    double                              sigma = 0;
    std::optional<GridColumns>          paths, sums;
    VO2ResistanceBatch::Values          values;
  };
} // namespace neuristor
