#include "solver/coupling/network_integrator.h"

#include "solver/base/mpi_tools.h"
#include "solver/case/parameter_tools.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace neuristor
{
  NetworkIntegrator::NetworkIntegrator(const MPI_Comm                       comm,
                                       const LumpedThermalNetwork          &network,
                                       const DeviceCircuits                &circuits,
                                       const IntegratorSettings            &settings,
                                       const TraceSettings         &trace,
                                       const std::vector<bool>     &traced,
                                       dealii::TimerOutput         &timer)
    : comm(comm)
    , network(network)
    , settings(settings)
    , traced(traced)
    , timer(timer)
    , sigma(network.noise_strength())
  {
    const unsigned int n       = network.n_devices();
    const unsigned int n_ranks = dealii::Utilities::MPI::n_mpi_processes(comm);
    const unsigned int rank    = dealii::Utilities::MPI::this_mpi_process(comm);
    for (unsigned int r = 0; r < n_ranks; ++r)
      {
        const auto [b, e] = mpi_tools::block(n, r, n_ranks);
        counts.push_back(e - b);
        offsets.push_back(b);
        if (r == rank)
          first = b, last = e;
      }
    noise.resize(n);
    const auto add_noise = [&](const unsigned int j) {
      if (sigma > 0 && !noise[j])
        noise[j] = std::make_unique<NoisePath>(network.noise_seed(), j, network.noise_time_step());
    };
    for (unsigned int i = first; i < last; ++i)
      {
        integrators.emplace_back(circuits[i], network.node(i), settings, sigma, trace);
        states.push_back(integrators.back().initial_state());
        add_noise(i);
        for (const auto &link : network.links(i))
          add_noise(link.j);
      }
    noise_sums.resize(sigma > 0 ? last - first : 0);
  }

  void
  NetworkIntegrator::sum_neighbour_noise(const double t, const double H)
  {
    const double dt = network.noise_time_step();
    for (unsigned int k = 0; k < noise_sums.size(); ++k)
      {
        auto &sum = noise_sums[k];
        sum.dt    = dt;
        sum.k0    = static_cast<std::uint64_t>(t / dt);
        sum.values.assign(static_cast<std::uint64_t>((t + H) / dt) + 2 - sum.k0, 0.0);
        for (const auto &link : network.links(first + k))
          for (std::size_t m = 0; m < sum.values.size(); ++m)
            sum.values[m] += sigma * link.S * noise[link.j]->at_step(sum.k0 + m);
      }
  }

  double
  NetworkIntegrator::noise_increment(const unsigned int i, const double t, const double H) const
  {
    return noise[i] ? sigma * (noise[i]->at(t + H) - noise[i]->at(t)) : 0.0;
  }

  void
  NetworkIntegrator::heat_from(const unsigned int         i,
                               const std::vector<double> &T,
                               const std::vector<double> &dT,
                               double                    &q,
                               double                    &dq) const
  {
    q = dq = 0;
    for (const auto &link : network.links(i))
      {
        q += link.S * T[link.j];
        dq += link.S * dT[link.j];
      }
  }

  void
  NetworkIntegrator::all_gather(const std::vector<double> &local,
                                std::vector<double>       &global) const
  {
    global.resize(network.n_devices());
    MPI_Allgatherv(local.data(), local.size(), MPI_DOUBLE, global.data(),
                   counts.data(), offsets.data(), MPI_DOUBLE, comm);
  }

  std::vector<Spike>
  NetworkIntegrator::run(const double t_end, const RunSink &sink)
  {
    const unsigned int n_local = last - first;
    std::vector<double> T_now(n_local), dT_now(n_local), T_all, dT_all;
    for (unsigned int k = 0; k < n_local; ++k)
      {
        const auto &s = states[k];
        T_now[k]      = s.T;
        dT_now[k] = integrators[k].temperature_rate(s, 0);
      }
    all_gather(T_now, T_all);
    all_gather(dT_now, dT_all);
    // The initial slopes saw no neighbour heat; add it now that T is known.
    for (unsigned int k = 0; k < n_local; ++k)
      {
        double q, dq;
        heat_from(first + k, T_all, dT_all, q, dq);
        dT_now[k] += q / network.node(first + k).C_th;
      }
    all_gather(dT_now, dT_all);

    std::vector<Spike>        spikes, window_spikes;
    std::vector<Sample>       window_samples;
    std::vector<HeatInput>    heat(n_local);
    std::vector<DeviceState>  trial;
    std::vector<double>       T_end_all, dT_end_all;
    unsigned long             spike_count = 0;

    double       t = 0;
    double       H = std::min(settings.max_window, 100 * settings.initial_step);
    const double H_min = 1e-16;
    while (t < t_end)
      {
        if (t + 1.05 * H >= t_end)
          H = t_end - t;
        for (unsigned int k = 0; k < n_local; ++k)
          {
            auto &h = heat[k];
            h.t0    = t;
            h.H     = H;
            heat_from(first + k, T_all, dT_all, h.q0, h.dq0);
            h.q1  = h.q0 + H * h.dq0; // predictor: extrapolate the slope
            h.dq1 = h.dq0;
          }
        // The neighbours' noise over the window is known: it is added to
        // the heat as it comes, and the predictor need only guess the drift.
        sum_neighbour_noise(t, H);
        for (unsigned int k = 0; k < noise_sums.size(); ++k)
          {
            heat[k].noise_sum       = &noise_sums[k];
            heat[k].noise_sum_at_t0 = noise_sums[k](t);
          }

        bool   converged = false;
        double predictor_error = 0;
        for (unsigned int pass = 1; pass <= settings.max_coupling_iterations; ++pass)
          {
            ++stats.coupling_passes;
            trial = states;
            window_samples.clear();
            window_spikes.clear();
            {
              dealii::TimerOutput::Scope scope(timer, "device integration");
              collectively(comm, [&]() {
                for (unsigned int k = 0; k < n_local; ++k)
                  {
                    trial[k].have_derivatives = false;
                    integrators[k].advance(trial[k], t + H, heat[k], noise[first + k].get(), first + k,
                                           traced[first + k], window_samples,
                                           window_spikes);
                    double q, dq;
                    heat[k].evaluate(t + H, q, dq);
                    // End values of the drift: the window's own noise left out.
                    T_now[k]  = trial[k].T - noise_increment(first + k, t, H);
                    dT_now[k] = integrators[k].temperature_rate(trial[k], q);
                  }
              });
            }

            dealii::TimerOutput::Scope scope(timer, "coupling exchange");
            all_gather(T_now, T_end_all);
            all_gather(dT_now, dT_end_all);
            // How much would the end temperatures move with the new heat input?
            double error = 0;
            for (unsigned int k = 0; k < n_local; ++k)
              {
                double q1, dq1;
                heat_from(first + k, T_end_all, dT_end_all, q1, dq1);
                auto &h = heat[k];
                error = std::max(error, H * (0.5 * std::abs(q1 - h.q1) +
                                             H / 12 * std::abs(dq1 - h.dq1)) /
                                          network.node(first + k).C_th);
                h.q1  = q1;
                h.dq1 = dq1;
              }
            error = dealii::Utilities::MPI::max(error, comm);
            if (pass == 1)
              predictor_error = error;
            if (error <= settings.coupling_tolerance)
              {
                converged = true;
                break;
              }
          }

        if (!converged)
          {
            ++stats.rejected_windows;
            H *= 0.25;
            if (H < H_min)
              throw std::runtime_error("the coupling iteration does not converge "
                                       "at t = " + parameter_tools::format_number(t) +
                                       " s even for tiny windows");
            continue;
          }

        ++stats.windows;
        states.swap(trial);
        for (unsigned int k = 0; k < n_local; ++k)
          T_now[k] = states[k].T;
        all_gather(T_now, T_all);
        dT_all.swap(dT_end_all);
        spikes.insert(spikes.end(), window_spikes.begin(), window_spikes.end());
        t += H;
        for (auto &path : noise)
          if (path)
            path->forget_before(t);
        H = std::min(settings.max_window,
                     H * std::clamp(0.9 * std::cbrt(settings.coupling_tolerance /
                                                     std::max(predictor_error, 1e-300)),
                                    0.2, 3.0));

        {
          dealii::TimerOutput::Scope scope(timer, "output");
          emit_samples(comm, window_samples, sink);
        }
        spike_count += dealii::Utilities::MPI::sum(window_spikes.size(), comm);
        if (sink.progress)
          sink.progress(t, H, spike_count);
      }

    // Statistics and end states.
    std::vector<DeviceOutcome> local;
    for (unsigned int k = 0; k < n_local; ++k)
      {
        const auto &s = states[k];
        stats.steps += s.steps;
        stats.rejected_steps += s.rejected;
        stats.reversals += s.reversals;
        local.push_back(device_outcome(first + k, s.spikes, s.V, s.T));
      }
    stats.steps          = dealii::Utilities::MPI::sum(stats.steps, comm);
    stats.rejected_steps = dealii::Utilities::MPI::sum(stats.rejected_steps, comm);
    stats.reversals      = dealii::Utilities::MPI::sum(stats.reversals, comm);
    final_outcomes = mpi_tools::gather(comm, local, true);
    t_reached      = t_end;

    return gather_spikes(comm, spikes, false);
  }
} // namespace neuristor
