#include "solver/coupling/electrothermal_integrator.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <deal.II/lac/lapack_full_matrix.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace neuristor
{
  using namespace dealii;

  namespace
  {
    /** A timed section, or nothing without a timer (devices stepped one by one). */
    class Section
    {
    public:
      Section(TimerOutput *timer, const char *name)
        : timer(timer)
        , name(name)
      {
        if (timer)
          timer->enter_subsection(name);
      }
      ~Section()
      {
        if (timer)
          timer->leave_subsection(name);
      }

    private:
      TimerOutput *timer;
      const char  *name;
    };
  } // namespace

  void
  FiniteElementCouplingSettings::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Minimum time step", "1e-12", Patterns::Double(0),
                      "Smallest step of the coupled run; a step that must be smaller "
                      "stops the run with an error [s].");
    prm.declare_entry("Maximum time step", "50e-9", Patterns::Double(0),
                      "Largest step of the coupled run [s].");
    prm.declare_entry("Step levels per octave", "4", Patterns::Integer(1, 64),
                      "Steps are Minimum time step x 2^(k/levels), so that step "
                      "operators repeat and are reused [dimensionless].");
    prm.declare_entry("Cached operators", "48", Patterns::Integer(1),
                      "Step operators (AMG-ready matrix, unit-power fields and G) "
                      "kept for reuse; each holds one field per device [count].");
    prm.declare_entry("Field output interval", "200e-9", Patterns::Double(0),
                      "Simulated time between VTU snapshots [s]; 0 for none.");
    prm.declare_entry("Field output interval during spikes", "5e-9", Patterns::Double(0),
                      "Snapshot interval (and longest step) while a spike's heat "
                      "pulse spreads, so that it can be watched crossing the gap [s].");
    prm.declare_entry("Spike output window", "150e-9", Patterns::Double(0),
                      "How long after the start of a spike the finer snapshot "
                      "interval applies [s].");
    prm.declare_entry("Filament heating", "false", Patterns::Bool(),
                      "Deposit the metallic share 1 - F of each device's Joule power "
                      "in a strip of 1/k of its channel width (k = VO2/Filament "
                      "factor k; the strip runs along the current, centred) and read the "
                      "device temperature with the same weights from the strip and "
                      "the channel; false: uniform over the channel [boolean].");
  }

  void
  FiniteElementCouplingSettings::parse_parameters(const ParameterHandler &prm)
  {
    min_step             = prm.get_double("Minimum time step");
    max_step             = prm.get_double("Maximum time step");
    levels_per_octave    = prm.get_integer("Step levels per octave");
    cached_operators     = prm.get_integer("Cached operators");
    field_interval       = prm.get_double("Field output interval");
    spike_field_interval = prm.get_double("Field output interval during spikes");
    spike_field_window   = prm.get_double("Spike output window");
    filament_heating     = prm.get_bool("Filament heating");
    if (!(min_step > 0) || !(max_step >= min_step))
      throw InputError("Finite-element coupling/Maximum time step",
                       "needs 0 < Minimum time step <= Maximum time step");
    if (field_interval > 0 && !(spike_field_interval > 0))
      throw InputError("Finite-element coupling/Field output interval during spikes",
                       "must be > 0 when fields are written");
  }

  ElectroThermalIntegrator::ElectroThermalIntegrator(
    const MPI_Comm                       comm,
    LinearThermalSystem                 &thermal,
    const DeviceCircuits                &circuits,
    const IntegratorSettings            &tolerances,
    const FiniteElementCouplingSettings &settings,
    const TraceSettings                 &trace,
    const std::vector<bool>             &traced,
    TimerOutput                         *timer,
    const unsigned int                   first_device)
    : comm(comm)
    , thermal(thermal)
    , circuits(circuits)
    , tolerances(tolerances)
    , settings(settings)
    , trace(trace)
    , traced(traced)
    , timer(timer)
    , first_device(first_device)
    , n(circuits.size())
    , n_regions(thermal.n_regions())
    , hysteresis(n)
  {
    for (const auto &circuit : circuits)
      detectors.emplace_back(circuit->direct_drive());
    if (thermal.n_devices() != n)
      throw std::logic_error("ElectroThermalIntegrator: devices of the thermal system and circuits differ");
    if (n_regions != (settings.filament_heating ? 2u : 1u))
      throw std::logic_error("ElectroThermalIntegrator: filament heating and thermal regions differ");
  }

  ElectroThermalIntegrator::RegionWeights
  ElectroThermalIntegrator::region_weights(const ResistanceValue &rv) const
  {
    RegionWeights weights;
    if (n_regions == 2)
      {
        // The metallic fraction carries the current, in the filament.
        weights.w[0]     = rv.F;
        weights.w[1]     = 1 - rv.F;
        weights.dw_dT[0] = rv.dF_dT;
        weights.dw_dT[1] = -rv.dF_dT;
      }
    return weights;
  }

  const std::vector<double> &
  ElectroThermalIntegrator::filament_shares(const std::vector<double> &T)
  {
    work.shares.clear();
    if (n_regions == 2)
      for (unsigned int i = 0; i < n; ++i)
        work.shares.push_back(region_weights(circuits[i]->device_state(T[i], hysteresis[i])).w[1]);
    return work.shares;
  }

  const std::vector<double> &
  ElectroThermalIntegrator::powers(const std::vector<double> &V, const std::vector<double> &T)
  {
    work.powers.resize(n);
    for (unsigned int j = 0; j < n; ++j)
      work.powers[j] = circuits[j]->joule_power(V[j], circuits[j]->device_state(T[j], hysteresis[j])).P;
    return work.powers;
  }

  double
  ElectroThermalIntegrator::ladder_step(const double dt_wanted) const
  {
    // The operator a0/dt M + K depends on the step through the mass weight
    // a0/dt only, and a0 on the ratio to the previous step. Pick the largest
    // step <= dt_wanted whose weight lies on the ladder
    // 2^(k/levels) / Maximum time step: operators then repeat whatever the
    // step history, and their cached responses are reused.
    const double rung    = std::log(2.0) / settings.levels_per_octave;
    const auto   weight  = [&](const double dt) {
      if (history_length < 2)
        return 1 / dt; // BDF1
      const double w = dt / (times[0] - times[1]);
      return (1 + 2 * w) / ((1 + w) * dt);
    };
    const double k      = std::ceil(std::log(weight(dt_wanted) * settings.max_step) / rung - 1e-9);
    const double lambda = std::exp(k * rung) / settings.max_step;
    if (history_length < 2)
      return 1 / lambda;
    // lambda (1 + dt/d) dt = 1 + 2 dt/d, a quadratic in dt.
    const double d = times[0] - times[1];
    const double A = lambda / d, B = lambda - 2 / d;
    return std::max(settings.min_step, (-B + std::sqrt(B * B + 4 * A)) / (2 * A));
  }

  double
  ElectroThermalIntegrator::predict(const std::vector<double> (&history)[3],
                                    const unsigned int i,
                                    const double       t) const
  {
    // Lagrange extrapolation through the stored points (newest first).
    const unsigned int m = std::min(history_length, 3u);
    double             y = 0;
    for (unsigned int k = 0; k < m; ++k)
      {
        double weight = 1;
        for (unsigned int l = 0; l < m; ++l)
          if (l != k)
            weight *= (t - times[l]) / (times[k] - times[l]);
        y += weight * history[k][i];
      }
    return y;
  }

  bool
  ElectroThermalIntegrator::solve_devices(const double                            t_new,
                                          const std::vector<std::vector<double>> &a,
                                          const StepResponse                     &op,
                                          std::vector<double>       &V,
                                          std::vector<double>       &T)
  {
    Section scope(timer, "Coupled: device Newton");
    const auto [a0, a1, a2] = thermal.bdf_coefficients();
    const double       dt = t_new - times[0];
    auto &J = work.J; // dense: G couples every pair
    auto &r = work.r, &delta = work.delta;
    auto &P = work.P, &dP_dV = work.dP_dV, &dP_dT = work.dP_dT;
    auto &weights = work.weights;
    if (J.m() != 2 * n)
      {
        J.reinit(2 * n, 2 * n);
        r.reinit(2 * n), delta.reinit(2 * n);
        P.resize(n), dP_dV.resize(n), dP_dT.resize(n), weights.resize(n);
      }
    const double               T0 = thermal.ambient_temperature();
    for (unsigned int iteration = 0; iteration < 50; ++iteration)
      {
        ++stats.newton_iterations;
        J = 0;
        for (unsigned int i = 0; i < n; ++i)
          {
            const auto rv   = circuits[i]->device_state(T[i], hysteresis[i]);
            weights[i]      = region_weights(rv);
            const auto heat = circuits[i]->joule_power(V[i], rv);
            P[i]            = heat.P;
            dP_dV[i]        = heat.dP_dV;
            dP_dT[i]        = heat.dP_dT;
            // BDF2 of the circuit's dV/dt: (a0 V + a1 V_n + a2 V_n-1)/dt.
            const double bdf = (a0 * V[i] + a1 * V_history[0][i] +
                                (history_length > 1 ? a2 * V_history[1][i] : 0.0)) / dt;
            const auto row = circuits[i]->residual(t_new, V[i], bdf, a0 / dt, rv, true);
            r(i)        = row.r;
            J(i, i)     = row.dr_dV;
            J(i, n + i) = row.dr_dT;
          }
        // T_i - T0 = sum_r w_r(i) theta_r(i), theta_r(i) = a_r(i) + sum_js G_rs(i,j) w_s(j) P_j.
        for (unsigned int i = 0; i < n; ++i)
          {
            double rise = 0;
            for (unsigned int r = 0; r < n_regions; ++r)
              {
                double theta = a[r][i];
                for (unsigned int j = 0; j < n; ++j)
                  for (unsigned int s = 0; s < n_regions; ++s)
                    theta += op.G[r][s](i, j) * weights[j].w[s] * P[j];
                rise += weights[i].w[r] * theta;
                J(n + i, n + i) -= weights[i].dw_dT[r] * theta;
              }
            for (unsigned int j = 0; j < n; ++j)
              {
                double per_watt = 0, per_kelvin = 0; // d rise / dP_j; via j's weights
                for (unsigned int r = 0; r < n_regions; ++r)
                  for (unsigned int s = 0; s < n_regions; ++s)
                    {
                      const double g = weights[i].w[r] * op.G[r][s](i, j);
                      per_watt += g * weights[j].w[s];
                      per_kelvin += g * weights[j].dw_dT[s] * P[j];
                    }
                J(n + i, j) = -per_watt * dP_dV[j];
                J(n + i, n + j) -= per_watt * dP_dT[j] + per_kelvin;
              }
            r(n + i) = T[i] - T0 - rise;
            J(n + i, n + i) += 1;
          }
        if (n == 1) // one device: Cramer's rule, without LAPACK's overhead
          {
            const double det = J(0, 0) * J(1, 1) - J(0, 1) * J(1, 0);
            delta(0)         = (r(0) * J(1, 1) - J(0, 1) * r(1)) / det;
            delta(1)         = (J(0, 0) * r(1) - J(1, 0) * r(0)) / det;
          }
        else
          {
            J.compute_lu_factorization();
            delta = r;
            J.solve(delta);
          }
        // Damp large temperature updates: across the transition R(T) bends
        // sharply and a full Newton step can overshoot to the far branch.
        double largest = 0;
        for (unsigned int i = 0; i < n; ++i)
          largest = std::max(largest, std::abs(delta(n + i)));
        const double damping = std::min(1.0, 2.0 / std::max(largest, 1e-300));
        double       change  = 0;
        for (unsigned int i = 0; i < n; ++i)
          {
            V[i] -= damping * delta(i);
            T[i] -= damping * delta(n + i);
            change = std::max({change,
                               std::abs(delta(i)) / (1e-3 * tolerances.voltage_tolerance + 1e-12),
                               std::abs(delta(n + i)) /
                                 (1e-3 * tolerances.temperature_tolerance + 1e-12)});
          }
        if (!std::isfinite(change))
          return false;
        if (damping == 1.0 && change < 1)
          return true;
      }
    return false;
  }

  void
  ElectroThermalIntegrator::record(const double               t_new,
                                   const std::vector<double> &V,
                                   const std::vector<double> &T,
                                   const RunSink             &sink,
                                   std::vector<Spike>        &spikes)
  {
    const bool root = Utilities::MPI::this_mpi_process(comm) == 0;
    auto      &spiking = work.spiking;
    spiking.assign(n, 0);
    for (unsigned int i = 0; i < n; ++i)
      {
        const auto   rv      = circuits[i]->device_state(T[i], hysteresis[i]);
        const double current = V[i] / rv.R;
        const bool   was_in  = detectors[i].in_episode();
        detectors[i].add(first_device + i, t_new, rv.F, current,
                         circuits[i]->load_current(t_new, V[i], current), V[i] * current,
                         spikes);
        spiking[i] = was_in || detectors[i].in_episode();
        if (!was_in && detectors[i].in_episode())
          {
            last_spike_start = t_new;
            next_field       = std::min(next_field, t_new);
          }
      }

    // Trace samples on the exact cadence, linear between step ends.
    std::vector<Sample> rows;
    const double        t_old = times[0];
    double last_row = -1; // time of the last row on the cadence
    while (trace.interval > 0 && next_sample * trace.interval <= t_new * (1 + 1e-12))
      {
        const double ts = next_sample * trace.interval;
        last_row        = ts;
        const double s  = t_new > t_old ? (ts - t_old) / (t_new - t_old) : 1.0;
        for (unsigned int i = 0; i < n; ++i)
          if (traced[i])
            {
              const double Vs = V_history[0][i] + s * (V[i] - V_history[0][i]);
              const double Ts = T_history[0][i] + s * (T[i] - T_history[0][i]);
              rows.push_back(circuits[i]->sample(first_device + i, ts, Vs, Ts, hysteresis[i]));
            }
        ++next_sample;
      }
    // In a spike, the step end too (where the detector reads the peak).
    if (trace.every_step_in_spikes && std::abs(last_row - t_new) > 1e-12 * t_new)
      for (unsigned int i = 0; i < n; ++i)
        if (traced[i] && spiking[i])
          rows.push_back(circuits[i]->sample(first_device + i, t_new, V[i], T[i], hysteresis[i]));
    if (root && sink.samples && !rows.empty())
      sink.samples(std::move(rows));

    if (field_output && settings.field_interval > 0 && t_new >= next_field * (1 - 1e-12))
      {
        Section scope(timer, "Coupled: field output");
        field_output(t_new);
        const bool   in_window = last_spike_start >= 0 &&
                               t_new - last_spike_start < settings.spike_field_window;
        const double interval  = in_window ? settings.spike_field_interval : settings.field_interval;
        next_field             = next_multiple(t_new, interval);
      }
    if (step_end)
      step_end(t_new);
  }

  template <typename Archive, typename Integrator>
  void
  ElectroThermalIntegrator::transfer_state(Archive &archive, Integrator &self)
  {
    archive(self.t, self.dt_try, self.times, self.history_length);
    for (unsigned int k = 0; k < 3; ++k)
      archive(self.V_history[k], self.T_history[k]);
    archive(self.next_sample, self.next_field, self.next_checkpoint, self.last_spike_start,
            self.hysteresis, self.detectors, self.spikes, self.stats);
  }

  void
  ElectroThermalIntegrator::save(BinaryWriter &out) const
  {
    transfer_state(out, *this);
    thermal.save_state(out);
  }

  void
  ElectroThermalIntegrator::load(BinaryReader &in)
  {
    transfer_state(in, *this);
    if (hysteresis.size() != n || detectors.size() != n || V_history[0].size() != n)
      throw std::runtime_error("the checkpoint was written for " +
                               std::to_string(V_history[0].size()) + " devices, this case has " +
                               std::to_string(n));
    thermal.load_state(in);
    started = true;
  }

  void
  ElectroThermalIntegrator::start(const RunSink &sink)
  {
    const double T0 = thermal.ambient_temperature();
    std::vector<double> V(n), T(n, T0);
    for (unsigned int i = 0; i < n; ++i)
      V[i] = circuits[i]->initial_voltage();
    for (auto &h : V_history)
      h = V;
    for (auto &h : T_history)
      h = T;
    history_length  = 1;
    next_sample     = 0;
    next_field      = 0;
    t               = 0;
    dt_try          = tolerances.initial_step;
    next_checkpoint = checkpoint_interval;
    spikes.clear();
    record(0.0, V, T, sink, spikes);
    started = true;
  }

  std::vector<Spike>
  ElectroThermalIntegrator::run(const double t_end, const RunSink &sink)
  {
    const double T0 = thermal.ambient_temperature();
    if (!started)
      start(sink);

    while (t < t_end * (1 - 1e-12))
      {
        // A step from the ladder, shortened to land on input edges and the end.
        double max_step = settings.max_step;
        if (last_spike_start >= 0 && t - last_spike_start < settings.spike_field_window &&
            settings.field_interval > 0)
          max_step = std::min(max_step, settings.spike_field_interval);
        const double dt_wanted = std::min(dt_try, max_step);
        const double dt_ladder = on_ladder ? ladder_step(dt_wanted) : dt_wanted;
        double stop = t_end;
        for (const auto &c : circuits)
          stop = std::min(stop, c->next_breakpoint(t));
        const bool   land    = t + dt_ladder > stop * (1 - 1e-12) ||
                            stop - (t + dt_ladder) < 1e-3 * dt_ladder;
        // Off the ladder, two even steps rather than one and a sliver.
        const bool   halve   = !on_ladder && !land && stop - t < 1.5 * dt_ladder;
        const double dt_step = land ? stop - t : halve ? (stop - t) / 2 : dt_ladder;
        const double t_new = t + dt_step;

        const unsigned long solves_before = thermal.solves();
        {
          Section scope(timer, "Heat: operator setup");
          thermal.prepare_step(dt_step);
        }
        const StepResponse *op;
        {
          Section scope(timer, "Heat: step responses");
          op = &thermal.step_response();
        }
        const double    dt = dt_step; // below: the step actually taken
        auto &V_new = work.V_new, &T_new = work.T_new, &V_pred = work.V_pred, &T_pred = work.T_pred;
        V_new.resize(n), T_new.resize(n), V_pred.resize(n), T_pred.resize(n);
        for (unsigned int i = 0; i < n; ++i)
          {
            V_pred[i] = predict(V_history, i, t_new);
            T_pred[i] = predict(T_history, i, t_new);
          }

        const std::vector<std::vector<double>> *free; // rise without device power, per region
        {
          Section scope(timer, "Heat: history responses");
          const auto &P_pred = powers(V_pred, T_pred);
          free               = &thermal.free_response(P_pred, filament_shares(T_pred));
        }
        const auto &a = *free;
        stats.thermal_solves += thermal.solves() - solves_before;
        V_new = V_pred, T_new = T_pred;
        auto &saved_hysteresis = work.hysteresis;
        saved_hysteresis.assign(hysteresis.begin(), hysteresis.end());
        bool       converged        = solve_devices(t_new, a, *op, V_new, T_new);

        // A sign change of dT/dt: reverse the branch at the step start and retake.
        unsigned int reversals = 0; // counted once the step is accepted
        if (converged)
          {
            for (unsigned int i = 0; i < n; ++i)
              {
                const double dT_dt = (T_new[i] - T_history[0][i]) / dt;
                if (DeviceCircuit::reversal_due(hysteresis[i], dT_dt, tolerances.reversal_rate))
                  {
                    hysteresis[i] = circuits[i]->reverse(T_history[0][i], hysteresis[i]);
                    ++reversals;
                  }
              }
            if (reversals > 0)
              converged = solve_devices(t_new, a, *op, V_new, T_new);
          }

        double error = converged ? 0.0 : std::numeric_limits<double>::infinity();
        if (converged && history_length > 1)
          {
            // y - y_pred ~ dt^3 y''' (quadratic predictor); BDF2's local error
            // is ~ dt / (t_new - t_{n-2}) of it (2/9 for equal steps).
            const double factor =
              history_length > 2 ? dt / (t_new - times[2]) : 0.5;
            for (unsigned int i = 0; i < n; ++i)
              {
                const double scale_V =
                  tolerances.voltage_tolerance +
                  tolerances.relative_tolerance * std::max(std::abs(V_new[i]), std::abs(V_history[0][i]));
                const double scale_T =
                  tolerances.temperature_tolerance +
                  tolerances.relative_tolerance *
                    std::max(std::abs(T_new[i] - T0), std::abs(T_history[0][i] - T0));
                error = std::max({error, factor * std::abs(V_new[i] - V_pred[i]) / scale_V,
                                  factor * std::abs(T_new[i] - T_pred[i]) / scale_T});
              }
          }
        if (!(error <= 1))
          {
            hysteresis.assign(saved_hysteresis.begin(), saved_hysteresis.end());
            ++stats.rejected_steps;
            if (dt <= settings.min_step * (1 + 1e-9))
              throw std::runtime_error(
                "the coupled step fell below Finite-element coupling/Minimum time step at t = " +
                parameter_tools::format_number(t) + " s (Newton " + (converged ? "converged" : "failed") +
                "); lower the minimum step or loosen Time integration tolerances");
            dt_try = dt * (std::isfinite(error) ? std::max(0.2, 0.9 * std::cbrt(1 / error)) : 0.25);
            continue;
          }

        const auto &P_new = powers(V_new, T_new);
        thermal.commit(P_new, filament_shares(T_new));
        ++stats.steps;
        stats.reversals += reversals;

        record(t_new, V_new, T_new, sink, spikes);
        for (unsigned int k = 2; k > 0; --k)
          {
            times[k]     = times[k - 1];
            V_history[k] = V_history[k - 1];
            T_history[k] = T_history[k - 1];
          }
        times[0]       = t_new;
        V_history[0]   = V_new;
        T_history[0]   = T_new;
        history_length = std::min(history_length + 1, 3u);
        t              = t_new;
        dt_try = dt * (error > 0 ? std::min(2.0, std::max(0.2, 0.9 * std::cbrt(1 / error))) : 2.0);
        if (!on_ladder && (land || halve)) // a step cut short to land says little about the next
          dt_try = std::max(dt_try, dt_wanted);
        if (sink.progress)
          sink.progress(t, dt, spikes.size());
        if (checkpoint && checkpoint_interval > 0 && t >= next_checkpoint * (1 - 1e-12) &&
            t < t_end * (1 - 1e-12))
          {
            Section scope(timer, "Coupled: checkpoints");
            checkpoint(t);
            next_checkpoint = next_multiple(t, checkpoint_interval);
          }
      }
    if (checkpoint && checkpoint_interval > 0)
      {
        Section scope(timer, "Coupled: checkpoints");
        checkpoint(t);
      }

    final_outcomes.clear();
    for (unsigned int i = 0; i < n; ++i)
      final_outcomes.push_back(
        device_outcome(first_device + i, detectors[i], V_history[0][i], T_history[0][i]));
    return spikes;
  }

  std::string
  ElectroThermalIntegrator::write_field(const std::string &folder, const unsigned int index) const
  {
    return thermal.write_field(folder, index);
  }

  void
  ElectroThermalIntegrator::report(std::ostream &log) const
  {
    thermal.report(log);
  }
} // namespace neuristor
