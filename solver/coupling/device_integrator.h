#pragma once

#include "circuits/device_circuit.h"
#include "solver/thermal_models/lumped/thermal_node.h"
#include "solver/coupling/noise_path.h"
#include "solver/coupling/ode23s.h"
#include "solver/coupling/spike_detector.h"
#include "solver/coupling/trace_settings.h"

#include <deal.II/base/parameter_handler.h>

#include <vector>

namespace neuristor
{
  /** Accuracy settings of the time integration ("Time integration" section). */
  struct IntegratorSettings
  {
    double relative_tolerance = 1e-4;
    double voltage_tolerance  = 1e-4;  // V, absolute
    double temperature_tolerance = 1e-3; // K, absolute
    double max_step           = 50e-9; // s
    double initial_step       = 1e-12; // s
    double min_step           = 1e-18; // s, below this the run fails
    double reversal_rate      = 10;    // K/s, smaller |dT/dt| is rest
    double coupling_tolerance = 1e-3;  // K
    double max_window         = 1e-6;  // s
    unsigned int max_coupling_iterations = 8;
    bool         batched                 = true; // devices advanced together (DeviceBatch)

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /**
   * The cubic Hermite polynomial on [t0, t0 + H] through (y0, d0) and (y1, d1):
   * its value y and slope dy at t.
   */
  inline void
  hermite(const double t0, const double H, const double y0, const double d0, const double y1,
          const double d1, const double t, double &y, double &dy)
  {
    const double s = (t - t0) / H, s2 = s * s, s3 = s2 * s;
    y  = (2 * s3 - 3 * s2 + 1) * y0 + (s3 - 2 * s2 + s) * H * d0 + (-2 * s3 + 3 * s2) * y1 +
        (s3 - s2) * H * d1;
    dy = ((6 * s2 - 6 * s) * y0 + (-6 * s2 + 6 * s) * y1) / H + (3 * s2 - 4 * s + 1) * d0 +
         (3 * s2 - 2 * s) * d1;
  }

  /**
   * Heat flowing into a device from the others over one coupling window,
   * q(t) = sum_j S_ij T_j(t) [W]: a cubic Hermite polynomial through the
   * values and slopes of its drift at the window ends, plus the noise of
   * the neighbours since the window start as their nodes relax it, sigma
   * sum_j S_ij (X_j(t) - X_j(t0)), which is known in advance (NoisePaths)
   * and so needs no prediction.
   */
  struct HeatInput
  {
    double t0 = 0, H = 1, q0 = 0, dq0 = 0, q1 = 0, dq1 = 0;
    const GridFunction *noise_sum = nullptr; // sigma sum_j S_ij X_j [W]; null: none
    double              noise_sum_at_t0 = 0;

    void
    evaluate(const double t, double &q, double &dq_dt) const
    {
      if (t == t0) // no lookup (each device asks at its window start)
        q = q0, dq_dt = dq0;
      else
        evaluate(t, noise_sum ? (*noise_sum)(t) : 0.0, q, dq_dt);
    }

    /** The same with the neighbours' noise sum at t given (looked up by the caller) [W]. */
    void
    evaluate(const double t, const double noise_sum_at_t, double &q, double &dq_dt) const
    {
      if (t == t0)
        {
          // What the cubic and the noise give there, exactly.
          q = q0, dq_dt = dq0;
          return;
        }
      hermite(t0, H, q0, dq0, q1, dq1, t, q, dq_dt);
      if (noise_sum)
        q += noise_sum_at_t - noise_sum_at_t0; // white: no slope to add
    }

    /** The neighbours' noise part of q at t [W]: sigma sum_j S_ij (X_j(t) - X_j(t0)). */
    double
    noise_offset(const double t) const
    {
      return noise_sum ? (*noise_sum)(t) - noise_sum_at_t0 : 0.0;
    }
  };

  /** Right-hand side f, Jacobian J and df/dt of one device's ODE in y = (V, T). */
  struct DeviceDerivatives
  {
    double          f[2];
    double          J[2][2];
    double          df_dt[2];
    ResistanceValue r;
    double          P; // W, the Joule power (the heat input's terms are refreshed from it)
  };

  /**
   * The thermal node's row of a device's ODE, from the Joule power: dT/dt,
   * its partials by V and T, and its rate by t through the heat input q(t).
   */
  inline void
  thermal_row(const double C_th, const double S_env, const double S_coupled, const double T0,
              const JoulePower &heat, const double T, const double q, const double dq_dt,
              double &f, double &J_V, double &J_T, double &df_dt)
  {
    f     = ThermalNode::rate(C_th, S_env, S_coupled, T0, heat.P, T, q);
    J_V   = heat.dP_dV / C_th;
    J_T   = (heat.dP_dT - S_env - S_coupled) / C_th;
    df_dt = dq_dt / C_th;
  }

  /** Everything that evolves for one device; copied to repeat a window. */
  struct DeviceState
  {
    double          t = 0, V = 0, T = 0;
    HysteresisState hysteresis;
    double          h = 0;              // next step size to try
    unsigned long   sample_index = 0;   // next trace sample at index x interval
    bool            have_derivatives = false;
    bool            have_resistance = false; // derivatives.r is R at (T, hysteresis)
    bool            new_heat_input = false;  // since the derivatives: only their q terms are stale
    bool            just_reversed = false;  // the last step ended at a reversal
    double          noise_t = -1, noise_W = 0; // the noise path W at noise_t (the last step's end)
    DeviceDerivatives derivatives;      // at (t, V, T), reused (FSAL)
    SpikeDetector   spikes;
    unsigned long   steps = 0, rejected = 0, reversals = 0;
  };

  /**
   * One device in its circuit with its node of the lumped network, as an
   * ODE in y = (V, T) with the heat q(t) = sum_j S_ij T_j(t) flowing in from
   * the other devices given from outside:
   *
   *   dV/dt       = the circuit's rate (DeviceCircuit::voltage_rate)
   *   C_th dT/dt  = P(V, T) - S_env (T - T0) - S_coupled T + q(t)
   *
   * Advances it over a coupling window with its own adaptive steps:
   * the L-stable Rosenbrock pair of Shampine's ode23s (order 2 with an
   * order-3 error estimate), which copes with R_load = 0 and tiny C. Steps
   * land on every input breakpoint; a sign change of dT/dt (hysteresis
   * reversal) is located within the step by regula falsi on the dense
   * output and the step is retaken to end exactly there. Noise, if any,
   * enters each step as the constant power C_th sigma (W(t + h) - W(t)) / h
   * of the device's fixed Wiener path (NoisePaths); reversals are then
   * taken at step ends, by the sign of the drift.
   */
  class DeviceIntegrator
  {
  public:
    /** What all devices of a run share: accuracy settings, sigma [K/sqrt(s)], traces. */
    struct Common
    {
      IntegratorSettings settings;
      double             sigma;
      TraceSettings      trace;
    };

    /**
     * The device in its circuit with its node, and what it shares with the
     * other devices of a run: one copy for all, read at every step (in
     * cache, where one per device is not; 1.01x faster, measured).
     */
    DeviceIntegrator(std::shared_ptr<const DeviceCircuit> circuit,
                     const ThermalNode                   &node,
                     std::shared_ptr<const Common>        common);

    /** Start state at t = 0. */
    DeviceState
    initial_state() const;

    /**
     * Integrate from state.t to t_end with the device's noise path W over
     * the window (its NoisePaths path on the noise grid; null without noise).
     * Trace samples (if traced) and finished spikes are appended to the
     * vectors.
     */
    void
    advance(DeviceState        &state,
            const double        t_end,
            const HeatInput    &heat,
            const GridFunction *noise,
            const unsigned int  device,
            const bool          traced,
            std::vector<Sample> &samples,
            std::vector<Spike>  &spikes) const;

    /** Only dT/dt at the state, with heat input q [W]: what decides the hysteresis branch. */
    double
    temperature_rate(const DeviceState &s, const double q) const
    {
      // The last derivatives' Joule power is the state's while R(T) is.
      return s.have_resistance ? node.rate(s.derivatives.P, s.T, q) :
                                 temperature_rate(s.V, s.T, resistance(s), q);
    }

    /**
     * One Rosenbrock step, filled stage by stage; finish_step() reads its
     * size, landing, noise end, end point, k1, k2, end derivatives and error.
     */
    struct Step
    {
      double            h = 0, noise_power = 0; // s, W (the noise as a constant power over it)
      double            W_end = 0;              // the noise path at the end
      double            stop = 0;               // s: where the device must land (window end, input edge)
      double            breakpoint = 0;         // s: the input's next edge after the start
      ode23s::Matrix    W;
      double            f0[2], df_dt0[2];       // at the start, with the noise
      double            V_half, T_half;         // the stage-2 point
      double            f1[2];
      double            V, T;                   // at the end
      double            k1[2], k2[2];
      DeviceDerivatives end;                    // derivatives at the end
      double            error;                  // weighted norm, accept if <= 1
      double            inverse_error_root = -1; // cbrt(1 / error) if the stages gave it, else -1

      /** Whether the step from t [s] ends exactly on the input's next edge (its right limit is then needed). */
      bool
      ends_on_breakpoint(const double t) const
      {
        return t + h == stop && breakpoint == stop;
      }
    };

    /** Whether T turns against the branch of `memory` at dT_dt [K/s]: a reversal is due. */
    bool
    reversal_due(const HysteresisState &memory, const double dT_dt) const
    {
      return DeviceCircuit::reversal_due(memory, dT_dt, settings().reversal_rate);
    }

    /**
     * Whether an accepted step ending at dT/dt = end_rate [K/s] on the
     * branch of `memory` is retaken to end on the reversal (without noise
     * only: with noise, reversals are taken at step ends).
     */
    bool
    reversal_to_retake(const HysteresisState &memory, const double end_rate) const
    {
      return noise_strength() == 0 && reversal_due(memory, end_rate);
    }

    /**
     * The step to try after an accepted step of size h [s] with this error
     * norm, and root = cbrt(1 / error) if the stages gave it (else -1).
     */
    double
    grown_step(const double h, const double error, const double root) const
    {
      // The next step is min(h growth, Maximum time step), growth = min(5, 0.8
      // cbrt(1/error)); cbrt is needed only where that falls below the maximum.
      // Below an error of 0.004, growth is 5 (0.8 cbrt(250) = 5.04); where h
      // growth clearly exceeds the maximum, the maximum gives the same next step.
      if (error < 0.004)
        return 5.0 * h;
      const double cap = settings().max_step, x = 0.8 * h / cap;
      if (5 * h >= 1.0000001 * cap && error < 0.99 * x * x * x)
        return cap;
      return h * std::min(5.0, 0.8 * inverse_error_root(error, root));
    }

    /**
     * An accepted step of h [s] towards `stop` [s] becomes the state: its
     * end (V [V], T [K], derivatives, the noise path W_end), the step to
     * try next [s], and the spike detector's sample there. What else an
     * accepted step may need (a reversal retaken, trace rows, the right
     * limit after an input edge) is finish_step's.
     */
    void
    accept_step(DeviceState &s, const double h, const double stop, const double next_h,
                const double V, const double T, const DeviceDerivatives &end, const double W_end,
                const unsigned int device, std::vector<Spike> &spikes) const
    {
      s.t                = s.t + h == stop ? stop : s.t + h;
      s.V                = V;
      s.T                = T;
      s.derivatives      = end;
      s.have_derivatives = s.have_resistance = true;
      s.h                = next_h;
      s.just_reversed    = false;
      s.noise_t = s.t, s.noise_W = W_end; // valid only with noise (sigma > 0)
      ++s.steps;
      const double i_dev = s.V / end.r.R;
      if (!s.spikes.add_if_quiet(s.t, end.r.F, i_dev)) // most steps: no load current needed
        s.spikes.add(device, s.t, end.r.F, i_dev, circuit->load_current(s.t, s.V, i_dev),
                     s.V * i_dev, spikes);
    }

    /** Trace row at t = 0 if traced and not yet written. */
    void
    start(DeviceState &s, const unsigned int device, const bool traced,
          std::vector<Sample> &samples) const
    {
      if (traced && s.sample_index == 0)
        {
          samples.push_back(circuit->sample(device, 0, s.V, s.T, s.hysteresis));
          s.sample_index = 1;
        }
    }

    /**
     * Prepare the next step towards t_end (derivatives, a reversal at the
     * start, its size and landing; no noise yet): false if t_end is reached.
     * The three parts below, for one device.
     */
    bool
    plan_step(DeviceState &s, const double t_end, const HeatInput &heat, Step &step) const;

    /** What start_step found at a step start. */
    enum class Start
    {
      done,     // t_end reached
      ready,    // the start's derivatives are up to date
      reversed  // a reversal at the start: rates_on_new_branch is due, with R(T) there
    };

    /**
     * The start's derivatives brought up to date, and the branch reversed
     * if due (inline: the batch plans every step with it).
     */
    Start
    start_step(DeviceState &s, const double t_end, const HeatInput &heat) const
    {
      if (!(s.t < t_end))
        return Start::done;
      if (!s.have_derivatives)
        refresh_derivatives(s, heat);
      else if (s.new_heat_input)
        {
          // Only the heat input's terms of dT/dt changed (as derivatives() has them).
          double q, dq;
          heat.evaluate(s.t, q, dq);
          s.derivatives.f[1]     = node.rate(s.derivatives.P, s.T, q);
          s.derivatives.df_dt[1] = dq / node.C_th;
        }
      s.new_heat_input = false;
      // A reversal exactly at the start (initial cooling, or after noise).
      if (s.just_reversed || !reversal_due(s.hysteresis, s.derivatives.f[1]))
        return Start::ready;
      return reverse_at_start(s);
    }

    /**
     * The start's derivatives after a reversal there, from the device's
     * values r at T on the new branch (DeviceBatch evaluates them for many
     * devices at once).
     */
    void
    rates_on_new_branch(DeviceState &s, const HeatInput &heat, const ResistanceValue &r) const;

    /** The step's size and landing (the window end, the input's next edge). */
    void
    size_step(const DeviceState &s, const double t_end, Step &step) const
    {
      // Land on the window end and on input breakpoints; avoid slivers.
      step.breakpoint = circuit->next_breakpoint(s.t);
      step.stop       = std::min(t_end, step.breakpoint);
      double h        = std::min(s.h, settings().max_step);
      if (s.t + 1.05 * h >= step.stop)
        h = step.stop - s.t;
      step.h           = h;
      step.noise_power = 0.0; // noise_over_step, with noise
    }

    /** The noise path W at the state's time (the last step's end, kept). */
    static double
    noise_at_start(const DeviceState &s, const GridFunction &noise)
    {
      return s.noise_t == s.t ? s.noise_W : noise(s.t);
    }

    /**
     * The noise over the planned step as a constant power: the path of W is
     * linear over the step, and the device's relaxation acts on it within
     * the step (a jump added after the step would not feel it, and would
     * overstate the spread by h C_th / (2 S_th) relative). Only with noise.
     */
    void
    noise_over_step(const DeviceState &s, const GridFunction &noise, Step &step) const
    {
      step.W_end       = noise(s.t + step.h);
      step.noise_power =
        noise_power(node.C_th, noise_strength(), noise_at_start(s, noise), step.W_end, step.h);
    }

    /** C_th sigma (W_end - W_start) / h [W]: the noise power over a step of h [s] (DeviceBatch too). */
    static double
    noise_power(const double C_th, const double sigma, const double W_start, const double W_end,
                const double h)
    {
      return C_th * sigma * (W_end - W_start) / h;
    }

    /** sigma [K/sqrt(s)]. */
    double
    noise_strength() const
    {
      return common->sigma;
    }

    /**
     * Reject the tried step (a smaller one is planned next), or accept it:
     * retaken to end on a reversal if one is due, then trace rows, spikes
     * and the memory.
     */
    void
    finish_step(DeviceState &s, Step &step, const double t_end, const HeatInput &heat,
                const unsigned int device, const bool traced, std::vector<Sample> &samples,
                std::vector<Spike> &spikes) const;

    /** What a step's error norm weighs. */
    ode23s::Tolerances
    tolerances() const
    {
      return {settings().relative_tolerance, settings().voltage_tolerance,
              settings().temperature_tolerance};
    }

    const ThermalNode &
    thermal_node() const
    {
      return node;
    }

    /** The device in its circuit. */
    const DeviceCircuit &
    device_circuit() const
    {
      return *circuit;
    }

  private:
    /**
     * The stages of rosenbrock_step(), with the device's state R(T) at the
     * stage-2 point and at the end given; false when the step has failed
     * (error infinite). DeviceBatch runs the same arithmetic (ode23s.h)
     * vectorised over devices.
     */
    bool
    first_stage(const DeviceState &s, Step &step) const;
    bool
    second_stage(const DeviceState &s, const HeatInput &heat, const ResistanceValue &r_half,
                 Step &step) const;
    void
    third_stage(const DeviceState &s, const HeatInput &heat, const ResistanceValue &r_end,
                Step &step) const;

    /**
     * An accepted step that ends past a reversal to retake
     * (reversal_to_retake) is retaken to end on it; whether it was, and the
     * step to try next (the one tried before).
     */
    bool
    retake_to_reversal(const DeviceState &s, Step &step, const HeatInput &heat,
                       double &next_h) const;

    /** Trace rows inside (t, t + h] of an accepted step, from its dense output. */
    void
    trace_rows(DeviceState &s, const Step &step, const double t_end, const unsigned int device,
               std::vector<Sample> &samples) const;

    /** cbrt(1 / error) of a step: from its stages (root >= 0: DeviceBatch, vectorised) or here. */
    static double
    inverse_error_root(const double error, const double root)
    {
      return root >= 0 ? root : std::cbrt(1 / error);
    }

    /** One step with the noise as a constant power [W] over it (the three stages). */
    void
    rosenbrock_step(const DeviceState &s, const HeatInput &heat, Step &step) const;

    /** Fraction s in (0,1] of the step where dT/dt changes sign. */
    double
    locate_reversal(const DeviceState &s, const Step &step, const double h,
                    const HeatInput &heat) const;

    void
    dense_output(const DeviceState &s, const Step &step, const double h,
                 const double theta, double &V, double &T) const;

    /** f, J and df/dt at (t, V, T) with the device's state r = R(T) and the heat input q, dq/dt. */
    DeviceDerivatives
    derivatives(const double           t,
                const double           V,
                const double           T,
                const ResistanceValue &r,
                const double           q,
                const double           dq_dt,
                const bool             end_of_step = false) const;

    double
    temperature_rate(const double V, const double T, const ResistanceValue &r,
                     const double q) const;

    /** The device's state R(T) at s: the last step's if still valid, else evaluated. */
    ResistanceValue
    resistance(const DeviceState &s) const;

    /** start_step's rare parts: all derivatives anew (at t = 0, after an edge), a reversal. */
    void
    refresh_derivatives(DeviceState &s, const HeatInput &heat) const;
    Start
    reverse_at_start(DeviceState &s) const;

    std::shared_ptr<const DeviceCircuit> circuit;
    ThermalNode                          node;
    std::shared_ptr<const Common>        common;

    const IntegratorSettings &
    settings() const
    {
      return common->settings;
    }

    const TraceSettings &
    trace() const
    {
      return common->trace;
    }
  };
} // namespace neuristor
