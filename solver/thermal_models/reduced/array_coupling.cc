#include "solver/thermal_models/reduced/array_coupling.h"

#include "solver/base/mpi_tools.h"

#include <algorithm>
#include <cmath>
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
                               const Layout::Grid                  &grid,
                               const FiniteElementCouplingSettings &steps,
                               const double                         T0,
                               const std::map<std::string, double> &model_counters)
    : comm(context.comm)
    , kernel(std::move(kernel))
    , grid(grid)
    , tolerances(context.integration)
    , timer(context.timer)
    , shortest_window(steps.min_step)
    , longest_window(std::min(context.integration.max_window, steps.max_step))
    , n(grid.rows * grid.columns)
    , m(this->kernel->order())
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
          context.sample_interval, std::vector<bool>{context.traced[i]}, nullptr, i);
        device->integrator->use_free_steps();
        device->sink = collector(*device);
        devices.push_back(std::move(device));
      }
    Z.assign(std::size_t(n) * m, 0.0);
    P.assign(n, 0.0);
    P_before = P;
    q_now.assign(last - first, 0.0);
  }

  void
  ArrayCoupling::neighbour_rises(const std::vector<double> &w, std::vector<double> &q) const
  {
    q.assign(last - first, 0.0);
    for (unsigned int i = first; i < last; ++i)
      {
        const int r = i / grid.columns, c = i % grid.columns;
        double    rise = 0;
        for (std::size_t o = 1; o < kernel->offsets.size(); ++o) // 0: the device itself
          {
            const auto &offset = kernel->offsets[o];
            const int   rs = r - offset.rows, cs = c - offset.columns; // the source
            if (rs < 0 || cs < 0 || rs >= int(grid.rows) || cs >= int(grid.columns))
              continue;
            const double *z = &w[(std::size_t(rs) * grid.columns + cs) * m];
            for (unsigned int k = 0; k < m; ++k)
              rise += offset.h[k] * z[k];
          }
        q[i - first] = rise;
      }
  }

  void
  ArrayCoupling::predicted_rises(const double tau, std::vector<double> &q)
  {
    // z' = -lambda z + b (P + dP_dt s) with each device's power on the line
    // through its last two window ends: z(tau) = e z + (1 - e)/lambda b P
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
    W.resize(Z.size());
    for (unsigned int j = 0; j < n; ++j)
      {
        const double slope = last_window > 0 ? (P[j] - P_before[j]) / last_window : 0.0;
        for (unsigned int k = 0; k < m; ++k)
          W[std::size_t(j) * m + k] =
            decay[k] * Z[std::size_t(j) * m + k] + held[k] * P[j] + ramp[k] * slope;
      }
    neighbour_rises(W, q);
  }

  unsigned long
  ArrayCoupling::advance(Device      &device,
                         const double t0,
                         const double h,
                         const double q0,
                         const double q_mid,
                         const double q1,
                         const bool   keep_start)
  {
    if (keep_start)
      {
        device.start.rewind_for_writing();
        BinaryWriter out(&device.start_writer);
        device.integrator->save(out);
      }
    device.rows_at_start = device.rows.size();
    device.system->set_drive(t0, h, q0, q_mid, q1);
    device.spikes = device.integrator->run(t0 + h, device.sink);
    return device.spikes.size();
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
  ArrayCoupling::restore(Device &device)
  {
    device.start.rewind_for_reading();
    std::istream in(&device.start);
    BinaryReader reader(in, "the window start of device " + std::to_string(device.index));
    device.integrator->load(reader);
    device.rows.resize(device.rows_at_start);
  }

  void
  ArrayCoupling::gather_states(std::vector<double> &Z_all, std::vector<double> &P_all)
  {
    z_local.clear(), p_local.clear();
    for (const auto &device : devices)
      {
        const auto &z = device->own->state();
        z_local.insert(z_local.end(), z.begin(), z.end());
        const auto &p = device->own->last_powers();
        p_local.push_back(p.empty() ? 0.0 : p[0]);
      }
    mpi_tools::gather(comm, z_local, true, Z_all);
    mpi_tools::gather(comm, p_local, true, P_all);
  }

  std::vector<Spike>
  ArrayCoupling::run(const double t_end, const RunSink &sink)
  {
    if (window == 0)
      {
        window = std::min(longest_window, 100 * tolerances.initial_step);
        for (auto &device : devices)
          device->integrator->start(device->sink);
      }
    unsigned long spike_count = 0;
    while (t < t_end * (1 - 1e-12))
      {
        const double h  = std::min(window, t_end - t);
        const double t1 = t + h;
        {
          dealii::TimerOutput::Scope scope(timer, "Array: neighbour heat");
          predicted_rises(h / 2, q_mid);
          predicted_rises(h, q_end);
        }
        const bool    may_retry    = h > shortest_window * (1 + 1e-9);
        unsigned long local_spikes = 0;
        {
          dealii::TimerOutput::Scope scope(timer, "Array: devices");
          collectively(comm, [&] {
            for (unsigned int k = 0; k < devices.size(); ++k)
              local_spikes += advance(*devices[k], t, h, q_now[k], q_mid[k], q_end[k], may_retry);
          });
        }
        {
          dealii::TimerOutput::Scope scope(timer, "Array: neighbour heat");
          gather_states(Z_end, P_end);
          neighbour_rises(Z_end, q_actual);
        }
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
              restore(*device);
            ++stats.rejected_windows;
            window = std::max(shortest_window, h * std::clamp(factor, 0.1, 0.7));
            continue;
          }
        largest_mismatch = std::max(largest_mismatch, mismatch);
        P_before.swap(P);
        Z.swap(Z_end), P.swap(P_end), q_now.swap(q_actual);
        last_window = h;
        ++stats.windows;
        t      = t1;
        window = std::clamp(h * std::clamp(factor, 0.25, 2.0), shortest_window, longest_window);

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
    return gather_spikes(comm, spikes, true);
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
