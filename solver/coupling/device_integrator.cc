#include "solver/coupling/device_integrator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "solver/case/input_error.h"
#include <sstream>

namespace neuristor
{
  void
  IntegratorSettings::declare_parameters(dealii::ParameterHandler &prm)
  {
    using dealii::Patterns::Double;
    using dealii::Patterns::Integer;
    prm.declare_entry("Relative tolerance", "1e-4", Double(1e-12, 1),
                      "Relative local error tolerance of each device's "
                      "adaptive steps [dimensionless]; temperatures are "
                      "measured from the ambient temperature.");
    prm.declare_entry("Absolute voltage tolerance", "1e-4", Double(0),
                      "Absolute local error tolerance of the device voltage [V].");
    prm.declare_entry("Absolute temperature tolerance", "1e-3", Double(0),
                      "Absolute local error tolerance of the device "
                      "temperature [K].");
    prm.declare_entry("Maximum time step", "50e-9", Double(0),
                      "Largest step a device may take [s].");
    prm.declare_entry("Initial time step", "1e-12", Double(0),
                      "First step tried [s]; the controller adapts it at once.");
    prm.declare_entry("Reversal rate threshold", "10", Double(0),
                      "A change of sign of dT/dt counts as a hysteresis "
                      "reversal only if |dT/dt| exceeds this [K/s]; smaller "
                      "rates are rest (avoids spurious reversals at a steady "
                      "state).");
    prm.declare_entry("Coupling tolerance", "1e-3", Double(0),
                      "Devices exchange heat at the ends of coupling windows "
                      "and iterate each window until the device temperatures "
                      "change by less than this [K]; the window length "
                      "adapts to it.");
    prm.declare_entry("Maximum coupling window", "1e-6", Double(0),
                      "Longest coupling window [s].");
    prm.declare_entry("Maximum coupling iterations", "8", Integer(1, 100),
                      "Iterations per window before it is retried shorter.");
    prm.declare_entry("Batched devices", "true", dealii::Patterns::Bool(),
                      "Lumped network: advance the devices of a coupling window "
                      "together, one step of each per round, with R(T) "
                      "vectorised over them (VO2 devices only; other device "
                      "models go one at a time). The results differ from one "
                      "device at a time by rounding only [true/false].");
  }

  void
  IntegratorSettings::parse_parameters(const dealii::ParameterHandler &prm)
  {
    relative_tolerance      = prm.get_double("Relative tolerance");
    voltage_tolerance       = prm.get_double("Absolute voltage tolerance");
    temperature_tolerance   = prm.get_double("Absolute temperature tolerance");
    max_step                = prm.get_double("Maximum time step");
    initial_step            = prm.get_double("Initial time step");
    reversal_rate           = prm.get_double("Reversal rate threshold");
    coupling_tolerance      = prm.get_double("Coupling tolerance");
    max_window              = prm.get_double("Maximum coupling window");
    max_coupling_iterations = prm.get_integer("Maximum coupling iterations");
    batched                 = prm.get_bool("Batched devices");
    const auto positive = [](const double v, const std::string &entry) {
      if (!(v > 0))
        throw InputError("Time integration/" + entry, "must be > 0");
    };
    positive(max_step, "Maximum time step");
    positive(initial_step, "Initial time step");
    positive(coupling_tolerance, "Coupling tolerance");
    positive(max_window, "Maximum coupling window");
    if (voltage_tolerance <= 0 && temperature_tolerance <= 0)
      throw InputError("Time integration/Absolute voltage tolerance",
                       "the absolute tolerances must not both be 0");
  }

  DeviceIntegrator::DeviceIntegrator(std::shared_ptr<const DeviceCircuit> circuit,
                                     const ThermalNode                   &node,
                                     std::shared_ptr<const Common>        common)
    : circuit(std::move(circuit))
    , node(node)
    , common(std::move(common))
  {}

  DeviceState
  DeviceIntegrator::initial_state() const
  {
    DeviceState s;
    s.spikes = SpikeDetector(circuit->direct_drive());
    s.V      = circuit->initial_voltage();
    s.T      = node.T0;
    s.h     = settings().initial_step;
    return s;
  }

  ResistanceValue
  DeviceIntegrator::resistance(const DeviceState &s) const
  {
    return s.have_resistance ? s.derivatives.r : circuit->device_state(s.T, s.hysteresis);
  }

  double
  DeviceIntegrator::temperature_rate(const double           V,
                                     const double           T,
                                     const ResistanceValue &r,
                                     const double           q) const
  {
    return node.rate(circuit->joule_power(V, r).P, T, q);
  }

  DeviceDerivatives
  DeviceIntegrator::derivatives(const double           t,
                                const double           V,
                                const double           T,
                                const ResistanceValue &r,
                                const double           q,
                                const double           dq_dt,
                                const bool             end_of_step) const
  {
    DeviceDerivatives d;
    d.r                    = r;
    const VoltageRate rate = circuit->voltage_rate(t, V, d.r, end_of_step);
    d.f[0]                 = rate.dV_dt;
    d.J[0][0]              = rate.d_dV;
    d.J[0][1]              = rate.d_dT;
    d.df_dt[0]             = rate.d_dt;

    const JoulePower heat = circuit->joule_power(V, d.r);
    d.P                   = heat.P;
    thermal_row(node.C_th, node.S_env, node.S_coupled, node.T0, heat, T, q, dq_dt, d.f[1],
                d.J[1][0], d.J[1][1], d.df_dt[1]);
    return d;
  }

  bool
  DeviceIntegrator::first_stage(const DeviceState &s, Step &step) const
  {
    const DeviceDerivatives &d0 = s.derivatives;
    step.f0[0]     = d0.f[0];
    step.f0[1]     = d0.f[1] + step.noise_power / node.C_th;
    step.df_dt0[0] = d0.df_dt[0];
    step.df_dt0[1] = d0.df_dt[1];
    step.W = ode23s::Matrix(d0.J[0][0], d0.J[0][1], d0.J[1][0], d0.J[1][1], step.h * ode23s::d);
    ode23s::first(step.W, step.h, step.f0, step.df_dt0, s.V, s.T, step.k1, step.V_half,
                  step.T_half);
    step.error              = std::numeric_limits<double>::infinity();
    step.inverse_error_root = -1; // the scalar stages leave cbrt to the control
    return step.T_half > 0;
  }

  bool
  DeviceIntegrator::second_stage(const DeviceState &s, const HeatInput &heat,
                                 const ResistanceValue &r_half, Step &step) const
  {
    const double h = step.h;
    double       q, dq;
    heat.evaluate(s.t + 0.5 * h, q, dq);
    const auto f1 =
      derivatives(s.t + 0.5 * h, step.V_half, step.T_half, r_half, q + step.noise_power, dq);
    step.f1[0] = f1.f[0], step.f1[1] = f1.f[1];
    ode23s::second(step.W, h, step.f1, step.k1, s.V, s.T, step.k2, step.V, step.T);
    return step.T > 0 && std::isfinite(step.V);
  }

  void
  DeviceIntegrator::third_stage(const DeviceState &s, const HeatInput &heat,
                                const ResistanceValue &r_end, Step &step) const
  {
    const double h = step.h;
    double       q, dq;
    heat.evaluate(s.t + h, q, dq);
    step.end   = derivatives(s.t + h, step.V, step.T, r_end, q + step.noise_power, dq, true);
    step.error = ode23s::error(step.W, h, step.f0, step.df_dt0, step.f1, step.end.f, step.k1,
                               step.k2, s.V, s.T, step.V, step.T, node.T0, tolerances());
    step.end.f[1] -= step.noise_power / node.C_th; // the drift, for the next step
  }

  void
  DeviceIntegrator::rosenbrock_step(const DeviceState &s, const HeatInput &heat, Step &step) const
  {
    if (first_stage(s, step) &&
        second_stage(s, heat, circuit->device_state(step.T_half, s.hysteresis), step))
      third_stage(s, heat, circuit->device_state(step.T, s.hysteresis), step);
  }

  void
  DeviceIntegrator::dense_output(const DeviceState &s, const Step &step,
                                 const double h, const double theta, double &V,
                                 double &T) const
  {
    ode23s::dense_output(h, step.k1, step.k2, s.V, s.T, theta, V, T);
  }

  double
  DeviceIntegrator::locate_reversal(const DeviceState &s, const Step &step,
                                    const double h, const HeatInput &heat) const
  {
    // g(theta) = dT/dt along the branch on the dense output: g(0) >= 0 > g(1).
    const auto &memory = s.hysteresis;
    const auto  g      = [&](const double theta) {
      double V, T, q, dq;
      dense_output(s, step, h, theta, V, T);
      heat.evaluate(s.t + theta * h, q, dq);
      return DeviceCircuit::branch_rate(memory,
                                        temperature_rate(V, T, circuit->device_state(T, memory), q));
    };
    double lo = 0, hi = 1, g_lo = DeviceCircuit::branch_rate(memory, s.derivatives.f[1]),
           g_hi = DeviceCircuit::branch_rate(memory, step.end.f[1]);
    int    side = 0;
    for (int it = 0; it < 60 && hi - lo > 1e-9; ++it)
      {
        // Illinois variant of regula falsi: halve the stale end's weight.
        const double theta = (lo * g_hi - hi * g_lo) / (g_hi - g_lo);
        const double g_mid = g(theta);
        if (g_mid >= 0)
          {
            lo = theta, g_lo = g_mid;
            if (side == -1)
              g_hi *= 0.5;
            side = -1;
          }
        else
          {
            hi = theta, g_hi = g_mid;
            if (side == +1)
              g_lo *= 0.5;
            side = +1;
          }
        if (std::abs(g_mid) <= settings().reversal_rate)
          return theta;
      }
    return hi;
  }

  void
  DeviceIntegrator::refresh_derivatives(DeviceState &s, const HeatInput &heat) const
  {
    // New heat input or an input edge: R(T) is the same, the rates are not.
    double q, dq;
    heat.evaluate(s.t, q, dq);
    s.derivatives      = derivatives(s.t, s.V, s.T, resistance(s), q, dq);
    s.have_derivatives = s.have_resistance = true;
  }

  DeviceIntegrator::Start
  DeviceIntegrator::reverse_at_start(DeviceState &s) const
  {
    // The derivatives' R(T) values are the old branch's at T.
    Assert(s.have_resistance, dealii::ExcMessage("the start's R(T) values are stale"));
    s.hysteresis = circuit->reverse_with(s.T, s.hysteresis, s.derivatives.r);
    ++s.reversals;
    return Start::reversed;
  }

  void
  DeviceIntegrator::rates_on_new_branch(DeviceState &s, const HeatInput &heat,
                                        const ResistanceValue &r) const
  {
    double q, dq;
    heat.evaluate(s.t, q, dq);
    s.derivatives = derivatives(s.t, s.V, s.T, r, q, dq);
  }

  bool
  DeviceIntegrator::plan_step(DeviceState &s, const double t_end, const HeatInput &heat,
                              Step &step) const
  {
    const Start start = start_step(s, t_end, heat);
    if (start == Start::done)
      return false;
    if (start == Start::reversed)
      rates_on_new_branch(s, heat, circuit->device_state(s.T, s.hysteresis));
    size_step(s, t_end, step);
    return true;
  }

  bool
  DeviceIntegrator::retake_to_reversal(const DeviceState &s, Step &step, const HeatInput &heat,
                                       double &next_h) const
  {
    if (!reversal_to_retake(s.hysteresis, step.end.f[1]))
      return false;
    // Retake the step so that it ends where dT/dt = 0.
    const double h_tried = step.h;
    const double theta   = locate_reversal(s, step, h_tried, heat);
    if (theta < 1)
      {
        const double h   = std::max(theta * h_tried, settings().min_step);
        step.h           = h;
        step.noise_power = 0.0;
        rosenbrock_step(s, heat, step);
        next_h = h * (h_tried / h); // back to the step tried (as rounded before)
      }
    return true;
  }

  void
  DeviceIntegrator::trace_rows(DeviceState &s, const Step &step, const double t_end,
                               const unsigned int device, std::vector<Sample> &samples) const
  {
    const double h           = step.h;
    const auto   sample_time = [&]() { return s.sample_index * trace().interval; };
    while (sample_time() <= s.t + h * (1 + 1e-12) && sample_time() <= t_end)
      {
        double V, T;
        dense_output(s, step, h, (sample_time() - s.t) / h, V, T);
        samples.push_back(circuit->sample(device, sample_time(), V, T, s.hysteresis));
        ++s.sample_index;
      }
  }

  void
  DeviceIntegrator::finish_step(DeviceState &s, Step &step, const double t_end,
                                const HeatInput &heat, const unsigned int device,
                                const bool traced, std::vector<Sample> &samples,
                                std::vector<Spike> &spikes) const
  {
    double h = step.h;
    if (step.error > 1)
      {
        ++s.rejected;
        s.h = h * (std::isfinite(step.error) ?
                     std::max(0.2, 0.8 * inverse_error_root(step.error, step.inverse_error_root)) :
                     0.1);
        if (s.h < settings().min_step)
          {
            std::ostringstream m;
            m << "device " << device << ": time step fell below " << settings().min_step
              << " s at t = " << s.t << " s (V = " << s.V << " V, T = " << s.T
              << " K); the model has no solution there or the "
                 "tolerances are too tight";
            throw std::runtime_error(m.str());
          }
        return;
      }

    double     next_h   = grown_step(h, step.error, step.inverse_error_root);
    const bool reversal = retake_to_reversal(s, step, heat, next_h);
    h                   = step.h;
    if (traced)
      trace_rows(s, step, t_end, device, samples);

    const bool on_breakpoint = step.ends_on_breakpoint(s.t);
    const bool was_spiking   = s.spikes.in_episode();
    accept_step(s, h, step.stop, next_h, step.V, step.T, step.end, step.W_end, device, spikes);
    s.have_derivatives = !on_breakpoint; // right limit needed after an edge
    s.just_reversed    = reversal;
    // In a spike, the step end too (where the detector reads the peak).
    const double last_row = (s.sample_index - 1.0) * trace().interval;
    if (traced && trace().every_step_in_spikes && (was_spiking || s.spikes.in_episode()) &&
        std::abs(last_row - s.t) > 1e-12 * s.t)
      samples.push_back(circuit->sample(device, s.t, s.V, s.T, s.hysteresis));

    if (reversal)
      {
        // step.end's R(T) values are the old branch's at the end (accept_step took them).
        Assert(s.have_resistance, dealii::ExcMessage("the step end's R(T) values are stale"));
        s.hysteresis = circuit->reverse_with(s.T, s.hysteresis, s.derivatives.r);
        ++s.reversals;
        s.have_derivatives = s.have_resistance = false;
      }
  }

  void
  DeviceIntegrator::advance(DeviceState         &s,
                            const double         t_end,
                            const HeatInput     &heat,
                            const GridFunction  *noise,
                            const unsigned int   device,
                            const bool           traced,
                            std::vector<Sample> &samples,
                            std::vector<Spike>  &spikes) const
  {
    start(s, device, traced, samples);
    Step step;
    while (plan_step(s, t_end, heat, step))
      {
        if (noise_strength() > 0)
          noise_over_step(s, *noise, step);
        rosenbrock_step(s, heat, step);
        finish_step(s, step, t_end, heat, device, traced, samples, spikes);
      }
  }
} // namespace neuristor
