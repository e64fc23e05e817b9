// The floating-point limit of lumped device integration: what R(T) costs per
// device scalar (as DeviceIntegrator evaluates it today, through the
// DeviceModel interface) and vectorised over devices (VO2ResistanceBatch),
// a parameter set per device and one shared by all (as on the benchmark
// lattice), on the states of a spiking array; then the throughput an integrator would
// reach that did nothing per step but its two R(T) evaluations (ode23s with
// FSAL) and its arithmetic, at the steps per device-microsecond measured;
// with noise, also nothing per noise grid point but draw the noise paths and their
// neighbour sums (WindowNoise over the benchmark lattice's network).
//   lumped_limit_benchmark STEPS_PER_DEVICE_US BASELINE_DEVICE_US_PER_S [NOISE_TIME_STEP]
#include "materials/vo2_resistance.h"
#include "materials/vo2_resistance_batch.h"
#include "solver/coupling/window_noise.h"
#include "solver/thermal_models/lumped/lumped_thermal_network.h"

#include <deal.II/base/parameter_handler.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace neuristor;

namespace
{
  double
  seconds_of(const std::function<void()> &work)
  {
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  double
  median(std::vector<double> v)
  {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }

  /**
   * What the noise of the benchmark lattice costs per device-microsecond
   * [ns]: its network (cases/lattice_64x64_zhang.prm: 64 x 64, eta 0.02,
   * noise 1000 K/sqrt(s)) on a noise grid of dt [s], and its WindowNoise
   * taken over 20 us in windows of 21 ns (the noisy lattice's mean: 955
   * in 20 us), as a run takes it: every path drawn and relaxed, and every
   * device's neighbour sum, at each grid point (median of 9 runs, after
   * one untimed).
   */
  double
  noise_ns_per_device_us(const double dt)
  {
    dealii::ParameterHandler prm;
    prm.enter_subsection("Thermal network");
    LumpedThermalNetwork::declare_parameters(prm);
    prm.set("Coupling", "lattice");
    prm.set("Lattice rows", "64");
    prm.set("Lattice columns", "64");
    prm.set("Eta", "0.02");
    prm.set("Noise strength", "1000");
    prm.set("Noise seed", "2024");
    prm.set("Noise time step", dt);
    LumpedThermalNetwork network;
    network.parse_parameters(prm);
    prm.leave_subsection();

    const unsigned int        n     = network.n_devices();
    const double              t_end = 20e-6, H = 21e-9; // s
    std::vector<GridFunction> paths, relaxed, sums;
    std::vector<double>       times;
    double                    check = 0;
    for (unsigned int run = 0; run < 10; ++run)
      {
        WindowNoise  noise(network, 0, n);
        const double s = seconds_of([&] {
          for (double t = 0; t < t_end; t += H)
            noise.over_window(t, H, paths, relaxed, sums);
        });
        check += sums[n / 2](t_end);
        if (run > 0)
          times.push_back(s);
      }
    const double ns_per_device_us = 1e9 * median(times) / (n * t_end * 1e6);
    std::printf("noise of the 64 x 64 lattice (WindowNoise, a %.3g s grid): %.2f ns per device "
                "and grid point (%.1e W)\n",
                dt, ns_per_device_us * dt / 1e-6, check);
    return ns_per_device_us;
  }
} // namespace

int
main(int argc, char **argv)
{
  if (argc != 3 && argc != 4)
    {
      std::fprintf(stderr, "usage: %s STEPS_PER_DEVICE_US BASELINE_DEVICE_US_PER_S [NOISE_TIME_STEP]\n",
                   argv[0]);
      return 1;
    }
  const double steps_per_device_us = std::atof(argv[1]), baseline = std::atof(argv[2]);
  const double noise_dt = argc == 4 ? std::atof(argv[3]) : 0.0;
  if (argc == 4 && !(noise_dt >= 1e-10 && noise_dt <= 1e-6))
    {
      std::fprintf(stderr, "%s: NOISE_TIME_STEP '%s' is not a time step in [1e-10, 1e-6] s\n",
                   argv[0], argv[3]);
      return 1;
    }
  const double noise_ns = argc == 4 ? noise_ns_per_device_us(noise_dt) : 0.0;

  // 4096 devices of a spiking array: temperatures through the loop, a third
  // fresh, the others after a reversal on either branch.
  const unsigned int                          n = 4096;
  const VO2Parameters                         parameters;
  std::vector<std::unique_ptr<DeviceModel>>   scalar;
  VO2ResistanceBatch                          batch, shared(parameters);
  std::vector<double>                         T(n);
  std::vector<HysteresisState>                state(n);
  std::mt19937                                random(7);
  std::uniform_real_distribution<double>      temperature(300, 345);
  for (unsigned int i = 0; i < n; ++i)
    {
      auto vo2 = std::make_unique<VO2Resistance>(parameters);
      T[i]     = temperature(random);
      if (i % 3 != 0)
        state[i] = vo2->reverse(T[i] + (i % 3 == 1 ? 2.0 : -2.0),
                                HysteresisState{i % 3 == 1 ? +1 : -1, false, 0, 0});
      scalar.push_back(std::move(vo2));
      batch.add(parameters), shared.add(parameters);
    }

  VO2ResistanceBatch::States states(batch), shared_states(shared);
  states.resize(n), shared_states.resize(n);
  for (unsigned int i = 0; i < n; ++i)
    states.set(i, T[i], state[i]), shared_states.set(i, T[i], state[i]);
  VO2ResistanceBatch::Values   values;
  std::vector<ResistanceValue> out(n);
  const unsigned int           sweeps = 200;
  std::vector<double>          t_scalar, t_batch, t_shared;
  double                       check = 0;
  // Block 0 warms up (untimed): the first timings of a run came out up to
  // 1.3x slower than the rest.
  for (unsigned int block = 0; block < 10; ++block)
    {
      const double scalar_s = seconds_of([&] {
        for (unsigned int s = 0; s < sweeps; ++s)
          for (unsigned int i = 0; i < n; ++i)
            out[i] = scalar[i]->evaluate(T[i], state[i]);
      });
      check += out[n / 2].R;
      const double batch_s = seconds_of([&] {
        for (unsigned int s = 0; s < sweeps; ++s)
          batch.evaluate(states, values);
      });
      check -= values.R[n / 2];
      const double shared_s = seconds_of([&] {
        for (unsigned int s = 0; s < sweeps; ++s)
          shared.evaluate(shared_states, values);
      });
      if (block > 0)
        t_scalar.push_back(scalar_s), t_batch.push_back(batch_s), t_shared.push_back(shared_s);
    }
  const double ns_scalar = 1e9 * median(t_scalar) / (sweeps * n);
  const double ns_batch  = 1e9 * median(t_batch) / (sweeps * n);
  const double ns_shared = 1e9 * median(t_shared) / (sweeps * n);
  std::printf("R(T) per device: scalar %.1f ns, vectorised %.2f ns (%.1fx), with one shared "
              "parameter set %.2f ns; medians of 9 blocks of %u sweeps over %u devices "
              "(scalar - batch: %.1e Ohm)\n",
              ns_scalar, ns_batch, ns_scalar / ns_batch, ns_shared, sweeps, n, check);

  // ode23s with FSAL: two R(T) per step, plus about 220 flops (three 2 x 2
  // solves, two heat inputs and circuit rates, the error norm and the step
  // control), 2 ns per device vectorised at 8 lanes: an estimate, counted
  // from DeviceIntegrator::rosenbrock_step, not measured.
  const double arithmetic_ns = 2.0;
  for (const auto &[name, r_ns] : {std::pair{"scalar", ns_scalar},
                                   std::pair{"vectorised (shared set)", ns_shared}})
    {
      const double step_ns    = 2 * r_ns + arithmetic_ns;
      const double throughput = 1e9 / (steps_per_device_us * step_ns + noise_ns);
      std::printf("limit with %s R(T): %.1f ns per step x %.1f steps per device-us%s -> "
                  "%.0f device-us per CPU-s, %.1fx the baseline\n",
                  name, step_ns, steps_per_device_us,
                  noise_ns > 0 ? (" + " + std::to_string(int(noise_ns + 0.5)) +
                                  " ns of noise").c_str() : "",
                  throughput, throughput / baseline);
    }
  return 0;
}
