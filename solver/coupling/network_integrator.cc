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
                                       dealii::TimerOutput         &timer,
                                       const bool                   multirate)
    : comm(comm)
    , network(network)
    , settings(settings)
    , traced(traced)
    , timer(timer)
    , sigma(network.noise_strength())
    , multirate(multirate)
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
    const auto common =
      std::make_shared<const DeviceIntegrator::Common>(DeviceIntegrator::Common{settings, sigma, trace});
    for (unsigned int i = first; i < last; ++i)
      {
        integrators.emplace_back(circuits[i], network.node(i), common);
        states.push_back(integrators.back().initial_state());
      }
    if (sigma > 0)
      window_noise = std::make_unique<WindowNoise>(network, first, last);
    if (settings.batched)
      batch = DeviceBatch::create(integrators, circuits);

    receivers.resize(n);
    gain.assign(n, 0.0);
    for (unsigned int i = 0; i < n; ++i)
      for (const auto &link : network.links(i))
        {
          receivers[link.j].push_back(i);
          gain[link.j] = std::max(gain[link.j], link.S / network.node(i).C_th);
        }
    is_active.assign(n, 0);
    for (const auto &r : receivers)
      receivers_per_device += double(r.size()) / n;
    last_surprise.assign(n, 0.0);
    const unsigned int n_local = last - first;
    heat_sums = LinkSums(n_local, [&](const unsigned int k) {
      std::vector<LinkSums::Term> terms;
      for (const auto &link : network.links(first + k))
        terms.push_back({link.j, link.S});
      return terms;
    });
    q_start.resize(n_local), dq_start.resize(n_local), q_end.resize(n_local), dq_end.resize(n_local);
    heat.resize(n_local);
    end_T.resize(n_local), end_dT.resize(n_local);
    rerun.assign(n_local, 1);
    latent_q1.resize(n_local), latent_dq1.resize(n_local);
    active_q1.resize(n_local), active_dq1.resize(n_local), active_heat.resize(n_local);
    inner_path.resize(n_local), samples.resize(n_local), spikes.resize(n_local);
  }

  double
  NetworkIntegrator::noise_increment(const unsigned int i, const double t0, const double t1) const
  {
    if (!window_noise)
      return 0.0;
    const GridFunction &X = relaxed_paths[window_noise->path_index(i)];
    double              increment, rate;
    own_noise_from(i, X(t0), X(t1), increment, rate);
    return increment;
  }

  void
  NetworkIntegrator::own_noise_from(const unsigned int i, const double X0, const double X1,
                                    double &increment, double &rate) const
  {
    increment = sigma * (X1 - X0);
    rate      = sigma * network.node(i).relaxation_rate() * X1;
  }

  void
  NetworkIntegrator::drift(const unsigned int j, const double s, double &T, double &dT) const
  {
    hermite(t_window, H_window, T_start[j], dT_start[j], T_end[j], dT_end[j], s, T, dT);
  }

  void
  NetworkIntegrator::heat_from(const unsigned int         i,
                               const std::vector<double> &T,
                               const std::vector<double> &dT,
                               double                    &q,
                               double                    &dq,
                               const From                 from) const
  {
    q = dq = 0;
    for (const auto &link : network.links(i))
      if ((from == From::active) == bool(is_active[link.j]))
        q += link.S * T[link.j], dq += link.S * dT[link.j];
  }

  void
  NetworkIntegrator::all_gather(const std::vector<double> &local,
                                std::vector<double>       &global) const
  {
    global.resize(network.n_devices());
    MPI_Allgatherv(local.data(), local.size(), MPI_DOUBLE, global.data(),
                   counts.data(), offsets.data(), MPI_DOUBLE, comm);
  }

  void
  NetworkIntegrator::exchange_ends()
  {
    dealii::TimerOutput::Scope scope(timer, "coupling exchange");
    all_gather(end_T, T_end);
    all_gather(end_dT, dT_end);
  }

  void
  NetworkIntegrator::reset(const unsigned int k)
  {
    trial[k] = states[k];
    samples[k].clear();
    spikes[k].clear();
  }

  void
  NetworkIntegrator::advance(const std::vector<unsigned int> &devices, const double t0,
                             const double t1, const std::vector<HeatInput> &heat_of)
  {
    // Set here in one sweep, not as each device starts in the batch: the
    // sweep also streams the states towards the cache (2-3 % faster, measured).
    for (const unsigned int k : devices)
      trial[k].new_heat_input = true;
    if (batch)
      {
        batch->advance({trial.data(), heat_of.data(), own_paths(), traced, samples.data(),
                        spikes.data(), first},
                       devices, t1);
      }
    else
      for (const unsigned int k : devices)
        integrators[k].advance(trial[k], t1, heat_of[k], own_path(k), first + k,
                               traced[first + k], samples[k], spikes[k]);
    // The noise at t0 and t1, where every device of the run starts and ends.
    const unsigned int n_local = integrators.size();
    if (window_noise)
      {
        X_t0.resize(n_local), X_t1.resize(n_local), sum_t1.resize(n_local);
        evaluate_columns(relaxed_paths, n_local, t0, X_t0.data()); // local k at path k
        evaluate_columns(relaxed_paths, n_local, t1, X_t1.data());
        evaluate_columns(noise_sums, n_local, t1, sum_t1.data());
      }
    for (const unsigned int k : devices)
      {
        double q, dq;
        heat_of[k].evaluate(t1, window_noise ? sum_t1[k] : 0.0, q, dq);
        // End values of the drift: the device's own noise since t0 left
        // out as its node relaxes it (which the drift's slope then has).
        double noise = 0, noise_rate = 0;
        if (window_noise)
          own_noise_from(first + k, X_t0[k], X_t1[k], noise, noise_rate);
        end_T[k]  = trial[k].T - noise;
        end_dT[k] = integrators[k].temperature_rate(trial[k], q) + noise_rate;
      }
  }

  void
  NetworkIntegrator::advance_latent(const double t, const double H, const unsigned int pass)
  {
    running.clear();
    for (unsigned int k = 0; k < integrators.size(); ++k)
      {
        if (is_active[first + k] || !rerun[k])
          continue;
        if (pass > 1 || !trial_is_start) // else trial[k] is states[k], without outputs
          reset(k);
        auto &h = heat[k];
        h.t0    = t;
        h.H     = H;
        h.q0    = q_start[k], h.dq0 = dq_start[k];
        if (pass == 1)
          h.q1 = h.q0 + H * h.dq0, h.dq1 = h.dq0; // predictor: extrapolate the slope
        else
          h.q1 = q_end[k], h.dq1 = dq_end[k]; // from the last pass (coupling_error)
        // The neighbours' noise over the window is known: it is added to
        // the heat as it comes, and the predictor need only guess the drift.
        if (!noise_sums.empty())
          h.noise_sum = &noise_sums[k], h.noise_sum_at_t0 = sum_start[k];
        running.push_back(k);
      }
    advance(running, t, t + H, heat);
    trial_is_start = false;
  }

  void
  NetworkIntegrator::advance_active(const double t, const double H)
  {
    const double t1 = t + H;
    // The heat from the latent neighbours over [s, s1]: their cubics, plus
    // their noise since t up to s (what comes after is in noise_sums).
    const auto latent_heat = [&](const unsigned int k, const double s, const double s1, HeatInput &in) {
      in.q0 = in.dq0 = in.q1 = in.dq1 = 0;
      for (const auto &link : network.links(first + k))
        {
          if (is_active[link.j])
            continue;
          const double offset = noise_increment(link.j, t, s);
          double       T, dT;
          drift(link.j, s, T, dT);
          in.q0 += link.S * (T + offset), in.dq0 += link.S * dT;
          drift(link.j, s1, T, dT);
          in.q1 += link.S * (T + offset), in.dq1 += link.S * dT;
        }
    };
    for (const unsigned int k : local_active)
      {
        reset(k);
        inner_path[k].clear();
        heat_from(first + k, T_end, dT_end, latent_q1[k], latent_dq1[k], From::latent);
      }
    inner_T  = T_start;
    inner_dT = dT_start;
    inner_start.resize(integrators.size());
    std::vector<std::size_t> sample_marks(integrators.size()), spike_marks(integrators.size());
    std::vector<HeatInput>   latent(integrators.size());
    double                   s     = t;
    double                   h_try = std::min(inner_window > 0 ? inner_window : H, H);
    while (s < t1)
      {
        // The last inner window ends exactly at t1, where the latent ones end.
        const double s1 = s + 1.05 * h_try >= t1 ? t1 : s + h_try;
        const double h  = s1 - s;
        for (const unsigned int k : local_active)
          {
            inner_start[k]  = trial[k];
            sample_marks[k] = samples[k].size(), spike_marks[k] = spikes[k].size();
            latent_heat(k, s, s1, latent[k]);
          }
        bool   converged       = false;
        double predictor_error = 0;
        for (unsigned int pass = 1; pass <= settings.max_coupling_iterations; ++pass)
          {
            ++inner_passes;
            {
              dealii::TimerOutput::Scope scope(timer, "device integration");
              collectively(comm, [&]() {
                for (const unsigned int k : local_active)
                  {
                    if (pass > 1)
                      trial[k] = inner_start[k];
                    samples[k].resize(sample_marks[k]), spikes[k].resize(spike_marks[k]);
                    const unsigned int i  = first + k;
                    HeatInput         &in = active_heat[k];
                    double             q0, dq0;
                    in = latent[k];
                    heat_from(i, inner_T, inner_dT, q0, dq0, From::active);
                    if (pass == 1)
                      active_q1[k] = q0 + h * dq0, active_dq1[k] = dq0;
                    in.t0 = s, in.H = h;
                    in.q0 += q0, in.dq0 += dq0;
                    in.q1 += active_q1[k], in.dq1 += active_dq1[k];
                    if (!noise_sums.empty())
                      in.noise_sum = &noise_sums[k], in.noise_sum_at_t0 = noise_sums[k](s);
                  }
                advance(local_active, s, s1, active_heat);
              });
            }
            dealii::TimerOutput::Scope scope(timer, "coupling exchange");
            all_gather(end_T, inner_T_end);
            all_gather(end_dT, inner_dT_end);
            double error = 0;
            for (const unsigned int k : local_active)
              {
                double q1, dq1;
                heat_from(first + k, inner_T_end, inner_dT_end, q1, dq1, From::active);
                error = std::max(error, h * (0.5 * std::abs(q1 - active_q1[k]) +
                                             h / 12 * std::abs(dq1 - active_dq1[k])) /
                                          network.node(first + k).C_th);
                active_q1[k] = q1, active_dq1[k] = dq1;
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
            for (const unsigned int k : local_active)
              {
                trial[k] = inner_start[k];
                samples[k].resize(sample_marks[k]), spikes[k].resize(spike_marks[k]);
              }
            h_try = 0.25 * h;
            if (h_try < 1e-16)
              throw std::runtime_error("the coupling iteration of the active devices does not "
                                       "converge at t = " + parameter_tools::format_number(s) +
                                       " s even for tiny windows");
            continue;
          }
        ++inner_windows;
        active_device_windows += local_active.size();
        s = s1;
        for (const unsigned int k : local_active)
          {
            end_T[k] = trial[k].T;
            inner_path[k].emplace_back(s, trial[k].T - noise_increment(first + k, t, s));
          }
        {
          dealii::TimerOutput::Scope scope(timer, "coupling exchange");
          all_gather(end_T, inner_T);
        }
        inner_dT.swap(inner_dT_end);
        h_try = std::min(settings.max_window,
                         h * std::clamp(0.9 * std::cbrt(settings.coupling_tolerance /
                                                         std::max(predictor_error, 1e-300)),
                                        0.2, 3.0));
      }
    inner_window = h_try;
    // The ends as the latent devices see them: drift since the window start.
    for (const unsigned int k : local_active)
      end_T[k] = inner_path[k].back().second, end_dT[k] = inner_dT[first + k];
  }

  double
  NetworkIntegrator::surprise(const unsigned int j, const double H) const
  {
    return gain[j] * H *
           (0.5 * std::abs(T_end[j] - T_start[j] - H * dT_start[j]) +
            H / 12 * std::abs(dT_end[j] - dT_start[j]));
  }

  double
  NetworkIntegrator::window_for(const double surprise, const double H) const
  {
    // The predictor error grows like H^3; a device may use a quarter of the
    // tolerance, as it heats a few others.
    return std::min(settings.max_window,
                    H * std::cbrt(0.25 * settings.coupling_tolerance / std::max(surprise, 1e-300)));
  }

  double
  NetworkIntegrator::surprise_for(const double window, const double H) const
  {
    return 0.25 * settings.coupling_tolerance * std::pow(H / window, 3);
  }

  void
  NetworkIntegrator::activate(const unsigned int j)
  {
    std::vector<unsigned int> front{j}, next;
    is_active[j] = 1;
    for (unsigned int hop = 0; hop < hops; ++hop, front.swap(next), next.clear())
      for (const unsigned int a : front)
        for (const unsigned int i : receivers[a])
          if (!is_active[i])
            is_active[i] = 1, next.push_back(i);
  }

  void
  NetworkIntegrator::choose_active()
  {
    // Devices that need much shorter windows than the others (spiking ones),
    // by their surprise over the last window: as many as make the window
    // work least, counting each active device with the devices it heats
    // at the shortest window and the others at the window they allow.
    // The largest surprises, in order (a few per cent of the devices are tried).
    const double      n      = last_surprise.size();
    const double      spread = 1.0 + receivers_per_device;
    const std::size_t most =
      std::min<std::size_t>(n - 1, std::ceil(largest_split * n / spread) + 1);
    sorted_surprises         = last_surprise;
    std::nth_element(sorted_surprises.begin(), sorted_surprises.begin() + most - 1,
                     sorted_surprises.end(), std::greater<>());
    std::sort(sorted_surprises.begin(), sorted_surprises.begin() + most, std::greater<>());
    // A device steps at least once per window and per Maximum time step.
    const auto   steps    = [&](const double surprise) {
      return 1 / std::min(window_for(surprise, last_H), settings.max_step);
    };
    const double shortest = steps(sorted_surprises[0]);
    double       best     = n * shortest;
    std::size_t  chosen   = 0;
    for (std::size_t m = 1; m < most; m = std::max(m + 1, std::size_t(1.25 * m)))
      {
        const double cost = (n - spread * m) * steps(sorted_surprises[m]) + spread * m * shortest;
        if (cost < best)
          best = cost, chosen = m;
      }
    if (best > worth_it * n * shortest)
      chosen = 0;
    shortest_latent = chosen ? window_for(sorted_surprises[chosen], last_H) : 0.0;
    if (!chosen)
      return;
    const double threshold = sorted_surprises[chosen];
    for (unsigned int j = 0; j < last_surprise.size(); ++j)
      if (last_surprise[j] > threshold)
        activate(j);
  }

  bool
  NetworkIntegrator::promote(const double H, const bool by_surprise)
  {
    const double tol = settings.coupling_tolerance;
    std::vector<unsigned int> seeds;
    if (by_surprise)
      {
        // T_end is every device's: each rank finds the same.
        const double threshold = surprise_for(shortest_latent, H);
        for (unsigned int j = 0; j < is_active.size(); ++j)
          if (!is_active[j] && surprise(j, H) > threshold)
            seeds.push_back(j);
      }
    else
      {
        // How far each local active device strays from the cubic its
        // latent receivers see, at its inner window ends.
        std::vector<unsigned int> local;
        for (const unsigned int k : local_active)
          {
            double stray = 0;
            for (const auto &[s, T] : inner_path[k])
              {
                double cubic, slope;
                drift(first + k, s, cubic, slope);
                stray = std::max(stray, std::abs(T - cubic));
              }
            if (0.5 * H * gain[first + k] * stray > tol)
              for (const unsigned int i : receivers[first + k])
                if (!is_active[i])
                  {
                    local.push_back(first + k);
                    break;
                  }
          }
        seeds = mpi_tools::gather(comm, local, true);
      }
    for (const unsigned int j : seeds)
      {
        if (by_surprise)
          activate(j);
        else
          for (const unsigned int i : receivers[j])
            is_active[i] = 1;
      }
    if (!seeds.empty())
      {
        local_active.clear();
        for (unsigned int k = 0; k < integrators.size(); ++k)
          if (is_active[first + k])
            local_active.push_back(k);
      }
    return !seeds.empty();
  }

  double
  NetworkIntegrator::coupling_error(const double H, double &active_error)
  {
    const double tol = settings.coupling_tolerance;
    double       error = 0;
    active_error       = 0;
    heat_sums.evaluate(T_end.data(), dT_end.data(), q_end.data(), dq_end.data());
    for (unsigned int k = 0; k < integrators.size(); ++k)
      {
        const unsigned int i = first + k;
        const double       C = network.node(i).C_th;
        if (!is_active[i])
          {
            const double q1 = q_end[k], dq1 = dq_end[k];
            const double e =
              H * (0.5 * std::abs(q1 - heat[k].q1) + H / 12 * std::abs(dq1 - heat[k].dq1)) / C;
            // Only the devices whose input moved noticeably take the window
            // again (most are far from the spikes that failed it): one
            // that does not has used an input within a quarter of the
            // tolerance, which a next pass checks again.
            rerun[k] = e > 0.25 * tol;
            error    = std::max(error, e);
          }
        else
          {
            // Only the latent neighbours' ends can have moved since it ran.
            double q1, dq1;
            heat_from(i, T_end, dT_end, q1, dq1, From::latent);
            active_error = std::max(active_error, H * (0.5 * std::abs(q1 - latent_q1[k]) +
                                                       H / 12 * std::abs(dq1 - latent_dq1[k])) / C);
          }
      }
    active_error = dealii::Utilities::MPI::max(active_error, comm);
    return dealii::Utilities::MPI::max(error, comm);
  }

  void
  NetworkIntegrator::initial_slopes()
  {
    const unsigned int  n_local = last - first;
    std::vector<double> T_now(n_local), dT_now(n_local);
    for (unsigned int k = 0; k < n_local; ++k)
      {
        T_now[k]  = states[k].T;
        dT_now[k] = integrators[k].temperature_rate(states[k], 0);
      }
    all_gather(T_now, T_start);
    all_gather(dT_now, dT_start);
    // The initial slopes saw no neighbour heat; add it now that T is known.
    heat_sums.evaluate(T_start.data(), q_start.data());
    for (unsigned int k = 0; k < n_local; ++k)
      dT_now[k] += q_start[k] / network.node(first + k).C_th;
    all_gather(dT_now, dT_start);
    heat_sums.evaluate(dT_start.data(), dq_start.data());
    trial          = states;
    trial_is_start = true;
  }

  void
  NetworkIntegrator::start_window(const double t, const double H)
  {
    t_window = t, H_window = H;
    std::fill(is_active.begin(), is_active.end(), 0);
    if (multirate)
      choose_active();
    local_active.clear();
    for (unsigned int k = 0; k < integrators.size(); ++k)
      {
        if (is_active[first + k])
          local_active.push_back(k);
        end_T[k]  = T_start[first + k] + H * dT_start[first + k];
        end_dT[k] = dT_start[first + k];
      }
    std::fill(rerun.begin(), rerun.end(), 1);
    if (window_noise)
      {
        window_noise->over_window(t, H, noise_paths, relaxed_paths, noise_sums);
        sum_start.resize(integrators.size());
        evaluate_columns(noise_sums, integrators.size(), t, sum_start.data());
      }
  }

  bool
  NetworkIntegrator::take_window(const double t, const double H, double &predictor_error)
  {
    const double tol          = settings.coupling_tolerance;
    bool         rerun_active = true;
    for (unsigned int pass = 1; pass <= settings.max_coupling_iterations; ++pass)
      {
        ++stats.coupling_passes;
        {
          dealii::TimerOutput::Scope scope(timer, "device integration");
          collectively(comm, [&]() { advance_latent(t, H, pass); });
        }
        exchange_ends();
        const bool any_active = std::find(is_active.begin(), is_active.end(), 1) != is_active.end();
        if (any_active && promote(H, true))
          rerun_active = true;
        if (pass == 1 && any_active)
          {
            // The latent devices' predictor error sets the next window:
            // the active ones still stand on their predicted lines.
            double unused;
            predictor_error = coupling_error(H, unused);
          }
        if (any_active && rerun_active)
          {
            advance_active(t, H);
            exchange_ends();
          }
        const bool   strayed = any_active && promote(H, false);
        double       active_error;
        const double error = std::max(coupling_error(H, active_error), active_error);
        rerun_active       = strayed || active_error > 0.25 * tol;
        if (pass == 1 && !any_active)
          predictor_error = error;
        if (!strayed && error <= tol)
          return true;
      }
    return false;
  }

  void
  NetworkIntegrator::accept_window(const double H,
                                   std::vector<Spike>  &window_spikes,
                                   std::vector<Sample> &window_samples)
  {
    ++stats.windows;
    if (multirate)
      {
        for (unsigned int j = 0; j < last_surprise.size(); ++j)
          last_surprise[j] = surprise(j, H);
        last_H = H;
      }
    // One bulk copy per window, not a device's copy in every pass (1.1x
    // faster by the clock): trial then starts the next window as it is.
    states         = trial;
    trial_is_start = true;
    std::vector<double> T_now(integrators.size());
    for (unsigned int k = 0; k < integrators.size(); ++k)
      T_now[k] = states[k].T;
    all_gather(T_now, T_start);
    dT_start.swap(dT_end);
    // The heat at the new start: the last pass summed it over the same
    // values (dT_start is its dT_end; without noise T_start is its T_end,
    // with noise T_start has the own noise back in). q_end and dq_end are
    // summed afresh by the next pass.
    dq_start.swap(dq_end);
    if (window_noise)
      heat_sums.evaluate(T_start.data(), q_start.data());
    else
      q_start.swap(q_end);
    window_samples.clear();
    window_spikes.clear();
    for (unsigned int k = 0; k < integrators.size(); ++k)
      {
        window_samples.insert(window_samples.end(), samples[k].begin(), samples[k].end());
        window_spikes.insert(window_spikes.end(), spikes[k].begin(), spikes[k].end());
        // Cleared here: the next window's first pass does not reset (trial_is_start).
        samples[k].clear(), spikes[k].clear();
      }
  }

  std::vector<Spike>
  NetworkIntegrator::run(const double t_end, const RunSink &sink)
  {
    initial_slopes();
    std::vector<Spike>  all_spikes, window_spikes;
    std::vector<Sample> window_samples;
    unsigned long       spike_count = 0;
    double              t = 0;
    double              H = std::min(settings.max_window, 100 * settings.initial_step);
    while (t < t_end)
      {
        if (t + 1.05 * H >= t_end)
          H = t_end - t;
        start_window(t, H);
        double predictor_error = 0;
        if (!take_window(t, H, predictor_error))
          {
            ++stats.rejected_windows;
            H *= 0.25;
            if (H < 1e-16)
              throw std::runtime_error("the coupling iteration does not converge "
                                       "at t = " + parameter_tools::format_number(t) +
                                       " s even for tiny windows");
            continue;
          }
        accept_window(H, window_spikes, window_samples);
        all_spikes.insert(all_spikes.end(), window_spikes.begin(), window_spikes.end());
        t += H;
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
    for (unsigned int k = 0; k < integrators.size(); ++k)
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
    if (multirate)
      {
        counters["lumped_active_windows"]  = dealii::Utilities::MPI::max(inner_windows, comm);
        counters["lumped_active_passes"]   = dealii::Utilities::MPI::max(inner_passes, comm);
        counters["lumped_active_device_windows"] =
          dealii::Utilities::MPI::sum(active_device_windows, comm);
      }
    final_outcomes = mpi_tools::gather(comm, local, true);
    t_reached      = t_end;

    return gather_spikes(comm, all_spikes, false);
  }
} // namespace neuristor
