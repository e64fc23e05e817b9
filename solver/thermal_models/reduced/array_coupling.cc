#include "solver/thermal_models/reduced/array_coupling.h"

#include "solver/base/mpi_tools.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <tuple>

namespace neuristor
{
  MemoryBuffer::int_type
  MemoryBuffer::overflow(int_type c)
  {
    if (!traits_type::eq_int_type(c, traits_type::eof()))
      data.push_back(traits_type::to_char_type(c));
    return c;
  }

  std::streamsize
  MemoryBuffer::xsputn(const char *s, std::streamsize n)
  {
    data.insert(data.end(), s, s + n);
    return n;
  }

  MemoryBuffer::pos_type
  MemoryBuffer::seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode which)
  {
    // Reading only: BinaryReader measures what is left by seeking.
    if (!(which & std::ios_base::in))
      return pos_type(off_type(-1));
    char *target = (dir == std::ios_base::beg ? eback() : dir == std::ios_base::cur ? gptr() : egptr()) + off;
    if (target < eback() || target > egptr())
      return pos_type(off_type(-1));
    setg(eback(), target, egptr());
    return pos_type(target - eback());
  }

  MemoryBuffer::pos_type
  MemoryBuffer::seekpos(pos_type pos, std::ios_base::openmode which)
  {
    return seekoff(off_type(pos), std::ios_base::beg, which);
  }

  ArrayCoupling::ArrayCoupling(const CouplingContext               &context,
                               std::shared_ptr<const LatticeKernel> kernel,
                               std::shared_ptr<ArrayField>          field,
                               const Layout::Grid                  &grid,
                               const FiniteElementCouplingSettings &steps,
                               const double                         T0,
                               const bool                           multirate,
                               const std::map<std::string, double> &model_counters)
    : comm(context.comm)
    , kernel(std::move(kernel))
    , field(std::move(field))
    , field_interval(this->field ? steps.field_interval : 0.0)
    , T0(T0)
    , grid(grid)
    , tolerances(context.integration)
    , timer(context.timer)
    , shortest_window(steps.min_step)
    , longest_window(std::min(context.integration.max_window, steps.max_step))
    , n(grid.rows * grid.columns)
    , m(this->kernel->order())
    , multirate(multirate)
  {
    counters = model_counters;
    if (context.circuits.size() != n)
      throw std::logic_error("ArrayCoupling: the circuits and the grid differ");
    std::tie(first, last) = mpi_tools::block(n, dealii::Utilities::MPI::this_mpi_process(comm),
                                             dealii::Utilities::MPI::n_mpi_processes(comm));

    // Each device steps alone: no field, and its own step operators only.
    auto own_steps             = steps;
    own_steps.field_interval   = 0;
    own_steps.filament_heating = false;
    const auto own_model       = this->kernel->own_model();
    for (unsigned int i = first; i < last; ++i)
      {
        auto device   = std::make_unique<Device>();
        device->index = i;
        device->circuit.push_back(context.circuits[i]);
        // A G of one device is cheaper to recompute than to look up among many.
        auto modal          = std::make_unique<ModalSystem>(own_model, T0, 2);
        device->own         = modal.get();
        device->system      = std::make_unique<DrivenSystem>(std::move(modal));
        device->integrator   = std::make_unique<ElectroThermalIntegrator>(
          MPI_COMM_SELF, *device->system, device->circuit, tolerances, own_steps,
          context.trace, std::vector<bool>{context.traced[i]}, nullptr, i);
        device->integrator->use_free_steps();
        device->sink = collector(*device);
        devices.push_back(std::move(device));
      }
    if (this->field)
      this->field->prepare(comm, first, last);
    Z.assign(std::size_t(n) * m, 0.0);
    P.assign(n, 0.0);
    P_before = span = surprise = P;
    is_active.assign(n, 0);
    q_now.assign(last - first, 0.0);
    q_end.assign(last - first, 0.0);
    // A power off its predicted line by dP moves a neighbour's rise by up
    // to dP times the largest neighbour gain (steady; transients rise less).
    const double gain = this->kernel->offsets.size() > 1 ? this->kernel->offsets[1].steady : 0.0;
    change_threshold  = gain > 0 ? 0.25 * tolerances.coupling_tolerance / gain :
                                   std::numeric_limits<double>::infinity();
  }

  double
  ArrayCoupling::neighbour_rise(const std::vector<double> &w, const unsigned int i) const
  {
    double rise = 0;
    for (std::size_t o = 1; o < kernel->offsets.size(); ++o) // 0: the device itself
      {
        const auto &offset = kernel->offsets[o];
        const int   source = grid.shifted(i, -offset.rows, -offset.columns);
        if (source < 0)
          continue;
        const double *z = &w[std::size_t(source) * m];
        for (unsigned int k = 0; k < m; ++k)
          rise += offset.h[k] * z[k];
      }
    return rise;
  }

  void
  ArrayCoupling::neighbour_rises(const std::vector<double> &w, std::vector<double> &q) const
  {
    q.resize(last - first);
    for (unsigned int i = first; i < last; ++i)
      q[i - first] = neighbour_rise(w, i);
  }

  void
  ArrayCoupling::predicted_states(const std::vector<double> &z,
                                  const std::vector<double> &power,
                                  const std::vector<double> &power_before,
                                  const std::vector<double> &power_span,
                                  const double               tau,
                                  std::vector<double>       &w) const
  {
    // z' = -lambda z + b (P + dP_dt s) with each device's power on the line
    // through its last two known values: z(tau) = e z + (1 - e)/lambda b P
    // + (tau - (1 - e)/lambda)/lambda b dP_dt, e = exp(-lambda tau).
    const auto         &b = kernel->offsets.front().h;
    std::vector<double> decay(m), held(m), ramp(m);
    for (unsigned int k = 0; k < m; ++k)
      {
        const double l   = kernel->lambda[k];
        const double one = -std::expm1(-l * tau); // 1 - e
        decay[k]         = 1 - one;
        held[k]          = one / l * b[k];
        ramp[k]          = (tau - one / l) / l * b[k];
      }
    w.resize(z.size());
    for (unsigned int j = 0; j < n; ++j)
      {
        const double slope = power_slope(power, power_before, power_span, j);
        for (unsigned int k = 0; k < m; ++k)
          w[std::size_t(j) * m + k] =
            decay[k] * z[std::size_t(j) * m + k] + held[k] * power[j] + ramp[k] * slope;
      }
  }

  void
  ArrayCoupling::find_active()
  {
    // A device whose power ended its last window off the line it was
    // predicted on by more than change_threshold changes its neighbours'
    // rise by a quarter of the coupling tolerance in ways the predictions
    // miss (a spike); it and every device within reach of it step on their
    // own. A smooth drift (a capacitor charging, the array warming) stays
    // on its line. Decided from replicated data: the same on every rank.
    std::fill(is_active.begin(), is_active.end(), 0);
    unsigned long changing = 0;
    for (unsigned int j = 0; j < n; ++j)
      if (surprise[j] > change_threshold)
        is_active[j] = 1, ++changing;
    // Twice the kernel's reach: a neighbour of a changing device may start
    // to change within the window (the next device of a wave), and its
    // heat must not reach a latent device either.
    for (unsigned int pass = 0; pass < reach_passes && changing > 0; ++pass)
      {
        const auto sources = is_active;
        for (unsigned int j = 0; j < n; ++j)
          if (sources[j])
            {
              for (const auto &offset : kernel->offsets)
                if (const int receiver = grid.shifted(j, offset.rows, offset.columns); receiver >= 0)
                  is_active[receiver] = 1;
            }
      }
    active.clear();
    local_active.clear();
    if (changing == 0 || !multirate)
      {
        std::fill(is_active.begin(), is_active.end(), 0);
        return;
      }
    for (unsigned int j = 0; j < n; ++j)
      if (is_active[j])
        active.push_back(j);
    if (active.size() > n / 2) // little to gain: one level
      {
        active.clear();
        std::fill(is_active.begin(), is_active.end(), 0);
        return;
      }
    for (const unsigned int j : active)
      if (j >= first && j < last)
        local_active.push_back(j - first);
  }

  unsigned long
  ArrayCoupling::advance(Device      &device,
                         const double t0,
                         const double h,
                         const double q0,
                         const double q_mid,
                         const double q1)
  {
    device.system->set_drive(t0, h, q0, q_mid, q1);
    device.spikes = device.integrator->run(t0 + h, device.sink);
    return device.spikes.size();
  }

  bool
  ArrayCoupling::try_advance(Device        &device,
                             const double   t0,
                             const double   h,
                             const double   q0,
                             const double   q_mid,
                             const double   q1,
                             const bool     may_retry,
                             unsigned long &spikes)
  {
    try
      {
        spikes += advance(device, t0, h, q0, q_mid, q1);
        return true;
      }
    catch (const std::runtime_error &)
      {
        if (!may_retry)
          throw;
        return false;
      }
  }

  void
  ArrayCoupling::keep(Device &device, const bool inner)
  {
    auto &buffer = inner ? device.inner : device.start;
    buffer.rewind_for_writing();
    BinaryWriter out(inner ? &device.inner_writer : &device.start_writer);
    device.integrator->save(out);
    (inner ? device.rows_at_inner : device.rows_at_start) = device.rows.size();
  }

  RunSink
  ArrayCoupling::collector(Device &device)
  {
    RunSink sink;
    sink.samples = [&device](std::vector<Sample> &&rows) {
      device.rows.insert(device.rows.end(), rows.begin(), rows.end());
    };
    return sink;
  }

  void
  ArrayCoupling::restore(Device &device, const bool inner)
  {
    auto &buffer = inner ? device.inner : device.start;
    buffer.rewind_for_reading();
    std::istream in(&buffer);
    BinaryReader reader(in, "the window start of device " + std::to_string(device.index));
    device.integrator->load(reader);
    device.rows.resize(inner ? device.rows_at_inner : device.rows_at_start);
  }

  void
  ArrayCoupling::append_state(const Device &device)
  {
    const auto &z = device.own->state();
    z_local.insert(z_local.end(), z.begin(), z.end());
    const auto &p = device.own->last_powers();
    p_local.push_back(p.empty() ? 0.0 : p[0]);
  }

  void
  ArrayCoupling::gather_states(std::vector<double> &Z_all, std::vector<double> &P_all)
  {
    z_local.clear(), p_local.clear();
    for (const auto &device : devices)
      append_state(*device);
    mpi_tools::gather(comm, z_local, true, Z_all);
    mpi_tools::gather(comm, p_local, true, P_all);
  }

  void
  ArrayCoupling::advance_active(const double t0, const double h, unsigned long &local_spikes)
  {
    // The active devices' view: actual states for them, predictions on the
    // power lines for the latent ones.
    Z_in = Z, P_in = P, P_before_in = P_before, span_in = span;
    const double t1 = t0 + h;
    double       s  = t0;
    std::vector<double> q_mid_in(local_active.size()), q_at_end(local_active.size()),
      q_actual_in(local_active.size());
    while (s < t1 * (1 - 1e-12))
      {
        const double h_in      = std::min(inner_window, t1 - s);
        const bool   may_retry = h_in > shortest_window * (1 + 1e-9);
        predicted_states(Z_in, P_in, P_before_in, span_in, h_in / 2, W_in);
        for (unsigned int a = 0; a < local_active.size(); ++a)
          q_mid_in[a] = neighbour_rise(W_in, first + local_active[a]);
        predicted_states(Z_in, P_in, P_before_in, span_in, h_in, W_in);
        for (unsigned int a = 0; a < local_active.size(); ++a)
          q_at_end[a] = neighbour_rise(W_in, first + local_active[a]);

        unsigned long spikes = 0;
        int           failed = 0;
        {
          dealii::TimerOutput::Scope scope(timer, "Array: devices");
          collectively(comm, [&] {
            for (unsigned int a = 0; a < local_active.size(); ++a)
              {
                auto &device = *devices[local_active[a]];
                if (may_retry)
                  keep(device, true);
                if (!failed)
                  failed = !try_advance(device, s, h_in, q_now[local_active[a]], q_mid_in[a],
                                        q_at_end[a], may_retry, spikes);
              }
          });
        }
        if (dealii::Utilities::MPI::max(failed, comm))
          {
            dealii::TimerOutput::Scope scope(timer, "Array: devices");
            for (const unsigned int k : local_active)
              restore(*devices[k], true);
            ++inner_rejected;
            inner_window = std::max(shortest_window, 0.25 * h_in);
            continue;
          }

        // The active states now; the latent ones as predicted (W_in).
        z_local.clear(), p_local.clear();
        for (const unsigned int k : local_active)
          append_state(*devices[k]);
        mpi_tools::gather(comm, z_local, true, z_active);
        mpi_tools::gather(comm, p_local, true, p_active);
        Z_in_saved.swap(Z_in);
        Z_in = W_in;
        for (std::size_t a = 0; a < active.size(); ++a)
          std::copy(&z_active[a * m], &z_active[a * m] + m, &Z_in[std::size_t(active[a]) * m]);
        double mismatch = 0;
        for (unsigned int a = 0; a < local_active.size(); ++a)
          {
            q_actual_in[a] = neighbour_rise(Z_in, first + local_active[a]);
            mismatch       = std::max(mismatch, std::abs(q_actual_in[a] - q_at_end[a]));
          }
        mismatch = dealii::Utilities::MPI::max(mismatch, comm);
        const double factor = 0.9 * std::cbrt(tolerances.coupling_tolerance / std::max(mismatch, 1e-300));
        if (mismatch > tolerances.coupling_tolerance && may_retry)
          {
            dealii::TimerOutput::Scope scope(timer, "Array: devices");
            for (const unsigned int k : local_active)
              restore(*devices[k], true);
            Z_in.swap(Z_in_saved);
            ++inner_rejected;
            inner_window = std::max(shortest_window, h_in * std::clamp(factor, 0.1, 0.7));
            continue;
          }
        // Accepted: the power lines move on (the latent ones along theirs).
        for (unsigned int j = 0; j < n; ++j)
          if (!is_active[j])
            {
              const double slope = power_slope(P_in, P_before_in, span_in, j);
              P_before_in[j] += slope * h_in, P_in[j] += slope * h_in;
            }
        for (std::size_t a = 0; a < active.size(); ++a)
          {
            const unsigned int j = active[a];
            P_before_in[j] = P_in[j], P_in[j] = p_active[a], span_in[j] = h_in;
          }
        for (unsigned int a = 0; a < local_active.size(); ++a)
          q_now[local_active[a]] = q_actual_in[a], q_end[local_active[a]] = q_at_end[a];
        local_spikes = spikes; // of the active devices, so far
        ++inner_windows;
        s            = s + h_in;
        inner_window = std::clamp(h_in * std::clamp(factor, 0.25, 2.0), shortest_window, longest_window);
      }
  }

  std::vector<Spike>
  ArrayCoupling::run(const double t_end, const RunSink &sink)
  {
    if (window == 0)
      {
        window = inner_window = std::min(longest_window, 100 * tolerances.initial_step);
        next_checkpoint       = checkpoint_interval;
        next_field            = 0;
        for (auto &device : devices)
          device->integrator->start(device->sink);
      }
    write_field_if_due();
    unsigned long spike_count = 0;
    while (t < t_end * (1 - 1e-12))
      {
        const double h  = std::min(window, t_end - t);
        const double t1 = t + h;
        const bool   may_retry = h > shortest_window * (1 + 1e-9);
        find_active();
        {
          dealii::TimerOutput::Scope scope(timer, "Array: neighbour heat");
          predicted_states(Z, P, P_before, span, h / 2, W);
          neighbour_rises(W, q_mid);
          predicted_states(Z, P, P_before, span, h, W);
          neighbour_rises(W, q_end);
        }
        unsigned long local_spikes = 0;
        int           failed       = 0;
        {
          dealii::TimerOutput::Scope scope(timer, "Array: devices");
          collectively(comm, [&] {
            for (unsigned int k = 0; k < devices.size(); ++k)
              {
                if (may_retry)
                  keep(*devices[k], false);
                if (!is_active[first + k] && !failed)
                  failed = !try_advance(*devices[k], t, h, q_now[k], q_mid[k], q_end[k], may_retry,
                                        local_spikes);
              }
          });
        }
        if (dealii::Utilities::MPI::max(failed, comm))
          {
            // A device could not step through the window: all again, shorter.
            dealii::TimerOutput::Scope scope(timer, "Array: devices");
            for (auto &device : devices)
              restore(*device, false);
            ++stats.rejected_windows;
            window = std::max(shortest_window, 0.25 * h);
            continue;
          }
        q_now_start = q_now;
        if (!active.empty())
          {
            unsigned long active_spikes = 0;
            advance_active(t, h, active_spikes);
            local_spikes += active_spikes;
          }
        {
          dealii::TimerOutput::Scope scope(timer, "Array: neighbour heat");
          gather_states(Z_end, P_end);
          neighbour_rises(Z_end, q_actual);
        }
        // Every device's end value against the one it used (for active
        // devices: with the latent states as predicted).
        double mismatch = 0;
        for (unsigned int k = 0; k < q_actual.size(); ++k)
          mismatch = std::max(mismatch, std::abs(q_actual[k] - q_end[k]));
        mismatch = dealii::Utilities::MPI::max(mismatch, comm);
        // The predictor's error grows like h^3 once powers change in the window.
        const double factor = 0.9 * std::cbrt(tolerances.coupling_tolerance / std::max(mismatch, 1e-300));
        if (mismatch > tolerances.coupling_tolerance && may_retry)
          {
            // Back to the window's start, and again shorter.
            dealii::TimerOutput::Scope scope(timer, "Array: devices");
            for (auto &device : devices)
              restore(*device, false);
            q_now.swap(q_now_start);
            ++stats.rejected_windows;
            window = std::max(shortest_window, h * std::clamp(factor, 0.1, 0.7));
            continue;
          }
        largest_mismatch = std::max(largest_mismatch, mismatch);
        // Each device's power line: over this window (latent), or over its
        // last own window (active).
        for (unsigned int j = 0; j < n; ++j)
          {
            const double slope = power_slope(P, P_before, span, j);
            surprise[j]        = std::abs(P_end[j] - (P[j] + slope * h));
            if (is_active[j])
              P_before[j] = P_before_in[j], span[j] = span_in[j];
            else
              P_before[j] = P[j], span[j] = h;
          }
        Z.swap(Z_end), P.swap(P_end), q_now.swap(q_actual);
        ++stats.windows;
        t      = t1;
        window = std::clamp(h * std::clamp(factor, 0.25, 2.0), shortest_window, longest_window);
        if (active.empty())
          inner_window = window;

        {
          dealii::TimerOutput::Scope scope(timer, "output");
          std::vector<Sample> rows;
          for (auto &device : devices)
            {
              rows.insert(rows.end(), device->rows.begin(), device->rows.end());
              device->rows.clear();
            }
          emit_samples(comm, rows, sink);
        }
        spike_count = dealii::Utilities::MPI::sum(local_spikes, comm);
        if (sink.progress)
          sink.progress(t, h, spike_count);
        write_field_if_due();
        if (checkpoint && checkpoint_interval > 0 && t >= next_checkpoint * (1 - 1e-12) &&
            t < t_end * (1 - 1e-12))
          {
            dealii::TimerOutput::Scope scope(timer, "Array: checkpoints");
            checkpoint(t);
            next_checkpoint = next_multiple(t, checkpoint_interval);
          }
      }
    if (checkpoint && checkpoint_interval > 0)
      {
        dealii::TimerOutput::Scope scope(timer, "Array: checkpoints");
        checkpoint(t);
      }

    // Statistics, end states and spikes of all devices.
    std::vector<DeviceOutcome> local;
    std::vector<Spike>         spikes;
    IntegrationStatistics      sum;
    for (const auto &device : devices)
      {
        const auto &s = device->integrator->statistics();
        sum.steps += s.steps, sum.rejected_steps += s.rejected_steps;
        sum.reversals += s.reversals, sum.newton_iterations += s.newton_iterations;
        local.push_back(device->integrator->outcomes().front());
        spikes.insert(spikes.end(), device->spikes.begin(), device->spikes.end());
      }
    stats.steps             = dealii::Utilities::MPI::sum(sum.steps, comm);
    stats.rejected_steps    = dealii::Utilities::MPI::sum(sum.rejected_steps, comm);
    stats.reversals         = dealii::Utilities::MPI::sum(sum.reversals, comm);
    stats.newton_iterations = dealii::Utilities::MPI::sum(sum.newton_iterations, comm);
    final_outcomes          = mpi_tools::gather(comm, local, true);
    counters["array_largest_coupling_mismatch"] = largest_mismatch;
    counters["array_active_windows"]            = inner_windows;
    counters["array_active_windows_retaken"]    = inner_rejected;
    return gather_spikes(comm, spikes, true);
  }

  void
  ArrayCoupling::save(BinaryWriter &out) const
  {
    out(t, window, inner_window, next_checkpoint, next_field, largest_mismatch, inner_windows, inner_rejected,
        stats.windows, stats.rejected_windows, Z, P, P_before, span, surprise);
    // Each device's integrator as one record, gathered in device order.
    std::vector<std::uint64_t> sizes;
    std::vector<char>          bytes;
    for (const auto &device : devices)
      {
        std::ostringstream record;
        BinaryWriter       writer(&record);
        device->integrator->save(writer);
        const auto text = record.str();
        sizes.push_back(text.size());
        bytes.insert(bytes.end(), text.begin(), text.end());
      }
    out(mpi_tools::gather(comm, sizes, false), mpi_tools::gather(comm, bytes, false));
  }

  void
  ArrayCoupling::load(BinaryReader &in)
  {
    in(t, window, inner_window, next_checkpoint, next_field, largest_mismatch, inner_windows, inner_rejected,
       stats.windows, stats.rejected_windows, Z, P, P_before, span, surprise);
    std::vector<std::uint64_t> sizes;
    std::vector<char>          bytes;
    in(sizes, bytes);
    if (Z.size() != std::size_t(n) * m || P.size() != n || sizes.size() != n)
      throw std::runtime_error("the checkpoint holds " + std::to_string(sizes.size()) +
                               " devices with modal states of " + std::to_string(Z.size()) +
                               " values; this case has " + std::to_string(n) +
                               " devices of order " + std::to_string(m));
    std::uint64_t offset = 0;
    for (unsigned int i = 0; i < n; ++i)
      {
        if (sizes[i] > bytes.size() - offset)
          throw std::runtime_error("the checkpoint's record of device " + std::to_string(i) +
                                   " runs past its end");
        if (i >= first && i < last)
          {
            std::istringstream record(std::string(bytes.data() + offset, sizes[i]));
            BinaryReader reader(record, "the checkpoint's record of device " + std::to_string(i));
            devices[i - first]->integrator->load(reader);
          }
        offset += sizes[i];
      }
    // At a window end every device's neighbour rise is that of the states.
    neighbour_rises(Z, q_now);
  }

  void
  ArrayCoupling::write_field_if_due()
  {
    if (!field_output || field_interval <= 0 || t < next_field * (1 - 1e-12))
      return;
    dealii::TimerOutput::Scope scope(timer, "output");
    field_output(t);
    next_field = next_multiple(t, field_interval);
  }

  std::string
  ArrayCoupling::write_field(const std::string &folder, const unsigned int index) const
  {
    if (!field)
      throw std::logic_error("ArrayCoupling: field output without a field");
    return field->write(folder, index, t, T0, Z);
  }

  void
  ArrayCoupling::report(std::ostream &log) const
  {
    log << "Heat (reduced array): order " << m << " per device, " << kernel->offsets.size()
        << " offsets within the cutoff, " << n << " devices on a " << grid.rows << " x "
        << grid.columns << " grid, " << stats.windows << " coupling windows, largest "
        << "coupling mismatch " << largest_mismatch << " K";
  }
} // namespace neuristor
