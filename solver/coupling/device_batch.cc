#include "solver/coupling/device_batch.h"

#include "circuits/neuristor_circuit.h"
#include "solver/coupling/inverse_cube_roots.h"

#include <algorithm>

namespace neuristor
{
  namespace
  {
    // The VO2 model of a device in a NeuristorCircuit, or null.
    const VO2Resistance *
    vo2_model(const DeviceCircuit &device)
    {
      const auto *circuit = dynamic_cast<const NeuristorCircuit *>(&device);
      return circuit ? dynamic_cast<const VO2Resistance *>(circuit->device_model()) : nullptr;
    }

    // The VO2 parameters every device of the run has, if they share one set.
    std::optional<VO2Parameters>
    shared_parameters(const DeviceCircuits &run_circuits)
    {
      std::optional<VO2Parameters> shared;
      for (const auto &circuit : run_circuits)
        {
          const VO2Resistance *vo2 = vo2_model(*circuit);
          if (!vo2 || (shared && !(vo2->parameters() == *shared)))
            return std::nullopt;
          shared = vo2->parameters();
        }
      return shared;
    }
  } // namespace

  std::unique_ptr<DeviceBatch>
  DeviceBatch::create(const std::vector<DeviceIntegrator> &integrators,
                      const DeviceCircuits                &run_circuits)
  {
    if (integrators.empty())
      return nullptr;
    const auto          shared = shared_parameters(run_circuits);
    VO2ResistanceBatch  model  = shared ? VO2ResistanceBatch(*shared) : VO2ResistanceBatch();
    std::vector<Device> devices;
    for (const auto &integrator : integrators)
      {
        const VO2Resistance *vo2 = vo2_model(integrator.device_circuit());
        if (!vo2)
          return nullptr;
        model.add(vo2->parameters());
        const auto &c = dynamic_cast<const NeuristorCircuit &>(integrator.device_circuit()).parameters();
        devices.push_back({&c.input, c.C, c.R_load, c.direct_drive() ? 1.0 : 0.0,
                           integrator.thermal_node()});
      }
    return std::unique_ptr<DeviceBatch>(
      new DeviceBatch(integrators, std::move(model), std::move(devices)));
  }

  DeviceBatch::DeviceBatch(const std::vector<DeviceIntegrator> &integrators,
                           VO2ResistanceBatch                   model,
                           std::vector<Device>                  devices)
    : integrators(integrators)
    , model(std::move(model))
    , devices(std::move(devices))
    , lanes(std::make_unique<Lanes>())
    , steps(chunk)
    , states(this->model)
    , start_states(this->model)
  {
    states.resize(chunk); // an R(T) entry per lane, set as a device takes it
    start_states.resize(chunk);
  }

  void
  DeviceBatch::load_lane(const std::size_t i, const Parts &parts, const unsigned int k,
                         const DeviceIntegrator::Step &step)
  {
    const DeviceState       &s  = parts.states[k];
    const DeviceDerivatives &d0 = s.derivatives;
    const Device            &d  = devices[k];
    Lanes                   &L  = *lanes;
    const double             h  = step.h;
    L.h[i] = h, L.V[i] = s.V, L.T[i] = s.T;
    L.f0_V[i] = d0.f[0], L.f0_T[i] = d0.f[1]; // the noise added in noise_stage
    L.ft0_V[i] = d0.df_dt[0], L.ft0_T[i] = d0.df_dt[1];
    L.J_VV[i] = d0.J[0][0], L.J_VT[i] = d0.J[0][1], L.J_TV[i] = d0.J[1][0], L.J_TT[i] = d0.J[1][1];
    // The step lies within one piece of the source: read it at the midpoint,
    // clear of the edges (an edge time is known only to rounding).
    L.V_in[i] = d.input->value(s.t + 0.5 * h), L.dV_in[i] = d.input->derivative(s.t + 0.5 * h);
    // The heat input at t + h/2 and t + h: its cubic in the stage loop, the
    // neighbours' noise (HeatInput::evaluate's other part) and the own in
    // noise_stage.
    const HeatInput &q = parts.heat[k];
    L.t[i] = s.t, L.q_t0[i] = q.t0, L.q_H[i] = q.H, L.q0[i] = q.q0, L.dq0[i] = q.dq0;
    L.q1[i] = q.q1, L.dq1[i] = q.dq1;
    if (paths)
      L.W_column[i] = paths->column(parts.noise[k]),
      L.W_start[i]  = DeviceIntegrator::noise_at_start(s, parts.noise[k]);
    if (sums)
      L.sum_column[i] = sums->column(*q.noise_sum), L.sum_t0[i] = q.noise_sum_at_t0;
    L.C[i] = d.C, L.R_load[i] = d.R_load, L.direct[i] = d.direct;
    L.C_th[i] = d.node.C_th, L.S_env[i] = d.node.S_env, L.S_coupled[i] = d.node.S_coupled;
    L.T0[i] = d.node.T0;
    states.set(i, k, s.T, s.hysteresis); // T comes with each stage
  }

  namespace
  {
    // The circuit row at (V, R(T)) with the source at V_in rising at dV_in.
    inline VoltageRate
    circuit_rate(const double V_in, const double dV_in, const double V, const double R,
                 const double dR_dT, const double C, const double R_load, const double direct)
    {
      const VoltageRate rc =
        NeuristorCircuit::rc_voltage_rate(V_in, dV_in, V, R, dR_dT, C, R_load);
      const bool d = direct != 0; // driven directly: dV/dt = dV_in/dt (no branch: a select)
      return {d ? dV_in : rc.dV_dt, d ? 0.0 : rc.d_dV, d ? 0.0 : rc.d_dT, d ? 0.0 : rc.d_dt};
    }
  } // namespace

  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  DeviceBatch::noise_stage(const std::size_t n)
  {
    Lanes &__restrict L = *lanes;
    if (paths)
      {
        paths->values(L.W_column, L.t, L.h, 1.0, L.W_end, n); // t + 1.0 h is t + h
        for (std::size_t i = 0; i < n; ++i) // [vectorised]
          L.noise_P[i] =
            DeviceIntegrator::noise_power(L.C_th[i], sigma, L.W_start[i], L.W_end[i], L.h[i]);
      }
    else
      std::fill_n(L.noise_P, n, 0.0), std::fill_n(L.W_end, n, 0.0);
    for (std::size_t i = 0; i < n; ++i) // [vectorised]
      {
        L.noise_T[i] = L.noise_P[i] / L.C_th[i];
        L.f0_T[i]    = L.f0_T[i] + L.noise_T[i];
      }
    if (sums)
      {
        sums->values(L.sum_column, L.t, L.h, 0.5, L.noise_half, n);
        sums->values(L.sum_column, L.t, L.h, 1.0, L.noise_end, n);
        for (std::size_t i = 0; i < n; ++i) // [vectorised]
          {
            L.noise_half[i] -= L.sum_t0[i];
            L.noise_end[i] -= L.sum_t0[i];
          }
      }
    else
      std::fill_n(L.noise_half, n, 0.0), std::fill_n(L.noise_end, n, 0.0);
  }

  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  DeviceBatch::first_stages(const std::size_t n)
  {
    Lanes &__restrict L = *lanes;
    for (std::size_t i = 0; i < n; ++i) // [vectorised]
      {
        const double h = L.h[i];
        hermite(L.q_t0[i], L.q_H[i], L.q0[i], L.dq0[i], L.q1[i], L.dq1[i], L.t[i] + 0.5 * h,
                L.q_half[i], L.dq_half[i]);
        hermite(L.q_t0[i], L.q_H[i], L.q0[i], L.dq0[i], L.q1[i], L.dq1[i], L.t[i] + h, L.q_end[i],
                L.dq_end[i]);
        L.q_half[i] = L.q_half[i] + L.noise_half[i] + L.noise_P[i];
        L.q_end[i]  = L.q_end[i] + L.noise_end[i] + L.noise_P[i];
        const ode23s::Matrix W(L.J_VV[i], L.J_VT[i], L.J_TV[i], L.J_TT[i], h * ode23s::d);
        const double         f0[2] = {L.f0_V[i], L.f0_T[i]}, ft0[2] = {L.ft0_V[i], L.ft0_T[i]};
        double               k1[2];
        ode23s::first(W, h, f0, ft0, L.V[i], L.T[i], k1, L.V_half[i], L.T_half[i]);
        L.Wa[i] = W.a, L.Wb[i] = W.b, L.Wc[i] = W.c, L.We[i] = W.e, L.W_inv[i] = W.inv_det;
        L.k1_V[i] = k1[0], L.k1_T[i] = k1[1];
      }
  }

  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  DeviceBatch::second_stages(const std::size_t n)
  {
    Lanes &__restrict L  = *lanes;
    const double *__restrict R = values.R.data(), *__restrict dR = values.dR_dT.data();
    for (std::size_t i = 0; i < n; ++i) // [vectorised]
      {
        const double      h = L.h[i], V = L.V_half[i];
        const VoltageRate rate =
          circuit_rate(L.V_in[i], L.dV_in[i], V, R[i], dR[i], L.C[i],
                       L.R_load[i], L.direct[i]);
        double J_V, J_T, ft, f1[2] = {rate.dV_dt, 0};
        thermal_row(L.C_th[i], L.S_env[i], L.S_coupled[i], L.T0[i],
                    DeviceCircuit::ohmic_power(V, R[i], dR[i]), L.T_half[i], L.q_half[i],
                    L.dq_half[i], f1[1], J_V, J_T, ft);
        const auto W = ode23s::Matrix::from_entries(L.Wa[i], L.Wb[i], L.Wc[i], L.We[i], L.W_inv[i]);
        const double k1[2] = {L.k1_V[i], L.k1_T[i]};
        double       k2[2];
        ode23s::second(W, h, f1, k1, L.V[i], L.T[i], k2, L.V_end[i], L.T_end[i]);
        L.f1_V[i] = f1[0], L.f1_T[i] = f1[1];
        L.k2_V[i] = k2[0], L.k2_T[i] = k2[1];
      }
  }

  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  DeviceBatch::third_stages(const std::size_t n, const ode23s::Tolerances &tolerances)
  {
    Lanes &__restrict L  = *lanes;
    const double *__restrict R = values.R.data(), *__restrict dR = values.dR_dT.data();
    for (std::size_t i = 0; i < n; ++i) // [vectorised]
      {
        const double      V    = L.V_end[i];
        const VoltageRate rate = circuit_rate(L.V_in[i] + L.dV_in[i] * (0.5 * L.h[i]), L.dV_in[i], V,
                                              R[i], dR[i], L.C[i], L.R_load[i], L.direct[i]);
        const JoulePower  heat = DeviceCircuit::ohmic_power(V, R[i], dR[i]);
        thermal_row(L.C_th[i], L.S_env[i], L.S_coupled[i], L.T0[i], heat, L.T_end[i],
                    L.q_end[i], L.dq_end[i], L.f2_T[i], L.J2_TV[i], L.J2_TT[i], L.ft2_T[i]);
        L.f2_V[i] = rate.dV_dt, L.J2_VV[i] = rate.d_dV, L.J2_VT[i] = rate.d_dT;
        L.ft2_V[i] = rate.d_dt, L.P2[i] = heat.P;
      }
    const ode23s::Tolerances tol = tolerances;
    for (std::size_t i = 0; i < n; ++i) // [vectorised]
      {
        const auto W = ode23s::Matrix::from_entries(L.Wa[i], L.Wb[i], L.Wc[i], L.We[i], L.W_inv[i]);
        const double f0[2] = {L.f0_V[i], L.f0_T[i]}, ft0[2] = {L.ft0_V[i], L.ft0_T[i]};
        const double f1[2] = {L.f1_V[i], L.f1_T[i]}, f2[2] = {L.f2_V[i], L.f2_T[i]};
        const double k1[2] = {L.k1_V[i], L.k1_T[i]}, k2[2] = {L.k2_V[i], L.k2_T[i]};
        L.error[i] = ode23s::error(W, L.h[i], f0, ft0, f1, f2, k1, k2, L.V[i], L.T[i],
                                   L.V_end[i], L.T_end[i], L.T0[i], tol);
        L.f2_T[i] -= L.noise_T[i]; // the drift, for the next step
      }
    // The step control's cbrt(1 / error), vectorised (the padding lanes hold
    // values of earlier rounds or 0: their roots are not read).
    static_assert(chunk % inverse_cube_roots::block == 0, "the lanes hold whole blocks");
    const std::size_t padded =
      (n + inverse_cube_roots::block - 1) / inverse_cube_roots::block * inverse_cube_roots::block;
    inverse_cube_roots::evaluate(L.error, L.inverse_error_root, padded);
  }

  DeviceDerivatives
  DeviceBatch::end_derivatives(const std::size_t i) const
  {
    const Lanes      &L = *lanes;
    DeviceDerivatives end;
    end.f[0] = L.f2_V[i], end.f[1] = L.f2_T[i];
    end.J[0][0] = L.J2_VV[i], end.J[0][1] = L.J2_VT[i];
    end.J[1][0] = L.J2_TV[i], end.J[1][1] = L.J2_TT[i];
    end.df_dt[0] = L.ft2_V[i], end.df_dt[1] = L.ft2_T[i];
    end.r = values[i];
    end.P = L.P2[i];
    return end;
  }

  bool
  DeviceBatch::valid(const std::size_t i) const
  {
    // As the stages one device at a time: a step through T <= 0 or to a
    // V that is not finite fails.
    const Lanes &L = *lanes;
    return L.T_half[i] > 0 && L.T_end[i] > 0 && std::isfinite(L.V_end[i]);
  }

  void
  DeviceBatch::store_lane(const std::size_t i, DeviceIntegrator::Step &step) const
  {
    // Only what finish_step() reads (a retaken step fills the rest itself).
    const Lanes &L = *lanes;
    step.V = L.V_end[i], step.T = L.T_end[i];
    step.k1[0] = L.k1_V[i], step.k1[1] = L.k1_T[i];
    step.k2[0] = L.k2_V[i], step.k2[1] = L.k2_T[i];
    step.end   = end_derivatives(i);
    step.W_end = L.W_end[i], step.noise_power = L.noise_P[i];
    const bool ok           = valid(i);
    step.error              = ok ? L.error[i] : std::numeric_limits<double>::infinity();
    step.inverse_error_root = ok ? L.inverse_error_root[i] : -1;
  }

  void
  DeviceBatch::finish_lane(const std::size_t i, const Parts &parts, const unsigned int k,
                           DeviceIntegrator::Step &step, const double t_end)
  {
    const Lanes            &L          = *lanes;
    const DeviceIntegrator &integrator = integrators[k];
    DeviceState            &s          = parts.states[k];
    const unsigned int      device     = parts.first + k;
    const bool              traced     = parts.traced[device];
    // Plain: accepted, no trace rows, no reversal to retake (without
    // noise), not onto an input edge: accepted here, without the Step.
    const bool plain = valid(i) && L.error[i] <= 1 && !traced &&
                       !integrator.reversal_to_retake(s.hysteresis, L.f2_T[i]) &&
                       !step.ends_on_breakpoint(s.t);
    if (plain)
      integrator.accept_step(s, step.h, step.stop,
                             integrator.grown_step(step.h, L.error[i], L.inverse_error_root[i]),
                             L.V_end[i], L.T_end[i], end_derivatives(i), L.W_end[i], device,
                             parts.spikes[k]);
    else
      {
        store_lane(i, step);
        integrator.finish_step(s, step, t_end, parts.heat[k], device, traced, parts.samples[k],
                               parts.spikes[k]);
      }
  }

  void
  DeviceBatch::evaluate_resistance(const double *T, const std::size_t n)
  {
    std::copy_n(T, n, states.T.begin());
    model.evaluate(states, values, n);
  }

  void
  DeviceBatch::plan_steps(const Parts &parts, const std::vector<unsigned int> &which,
                          const double t_end)
  {
    lane_work.clear();
    reversed.clear();
    const auto take_lane = [&](const unsigned int e) {
      const unsigned int k = which[e];
      const std::size_t  i = lane_work.size();
      integrators[k].size_step(parts.states[k], t_end, steps[i]);
      load_lane(i, parts, k, steps[i]);
      lane_work.push_back(e);
    };
    for (const unsigned int e : running)
      {
        const unsigned int k = which[e];
        switch (integrators[k].start_step(parts.states[k], t_end, parts.heat[k]))
          {
            case DeviceIntegrator::Start::done:
              break;
            case DeviceIntegrator::Start::ready:
              take_lane(e);
              break;
            case DeviceIntegrator::Start::reversed:
              reversed.push_back(e);
              break;
          }
      }
    if (reversed.empty())
      return;
    // R(T) on the new branches, for all devices that reversed at once.
    for (std::size_t j = 0; j < reversed.size(); ++j)
      {
        const unsigned int k = which[reversed[j]];
        start_states.set(j, k, parts.states[k].T, parts.states[k].hysteresis);
      }
    model.evaluate(start_states, start_values, reversed.size());
    for (std::size_t j = 0; j < reversed.size(); ++j)
      {
        const unsigned int e = reversed[j], k = which[e];
        integrators[k].rates_on_new_branch(parts.states[k], parts.heat[k], start_values[j]);
        take_lane(e);
      }
  }

  void
  DeviceBatch::advance(const Parts &parts, const std::vector<unsigned int> &which,
                       const double t_end)
  {
    if (which.empty())
      return;
    const unsigned int       k0         = which.front();
    const ode23s::Tolerances tolerances = integrators[k0].tolerances();
    // Every device of a run has noise or none, its own path and its
    // neighbours' sum each a column of one block.
    sigma = integrators[k0].noise_strength();
    paths.reset(), sums.reset();
    if (sigma > 0)
      paths.emplace(parts.noise[k0]);
    if (parts.heat[k0].noise_sum)
      sums.emplace(*parts.heat[k0].noise_sum);
    running.clear();
    std::size_t next = 0; // the first position in `which` not started
    while (next < which.size() || !running.empty())
      {
        // Lanes freed by devices that reached t_end go to devices not
        // started yet, so that the rounds stay full until the last devices.
        for (; running.size() < chunk && next < which.size(); ++next)
          {
            const unsigned int k = which[next];
            integrators[k].start(parts.states[k], parts.first + k, parts.traced[parts.first + k],
                                 parts.samples[k]);
            running.push_back(next);
          }
        plan_steps(parts, which, t_end);
        const std::size_t n = lane_work.size();
        running.clear(); // again below: those still short of t_end
        if (n == 0)
          continue;

        noise_stage(n);
        first_stages(n);
        evaluate_resistance(lanes->T_half, n);
        second_stages(n);
        evaluate_resistance(lanes->T_end, n);
        third_stages(n, tolerances);

        for (std::size_t i = 0; i < n; ++i)
          {
            const unsigned int e = lane_work[i], k = which[e];
            finish_lane(i, parts, k, steps[i], t_end);
            // A device at t_end frees its lane now, for the next round's new device.
            if (parts.states[k].t < t_end)
              running.push_back(e);
          }
      }
  }
} // namespace neuristor
