// Time integration: convergence under tightened tolerances, stiff circuits,
// direct drive (R_load = 0), input edges and noise.
#include "circuits/device_circuit.h"
#include "circuits/neuristor_circuit.h"
#include "materials/vo2_resistance.h"
#include "solver/coupling/inverse_cube_roots.h"
#include "solver/coupling/noise_path.h"
#include "solver/coupling/random_stream.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <utility>

using namespace neuristor;
using test_support::run_case;

namespace
{
  std::vector<double>
  spikes_at_tolerance(const double tol, const std::vector<std::string> &extra = {})
  {
    const auto text = [](const double v) {
      std::ostringstream s;
      s << v;
      return s.str();
    };
    std::vector<std::string> o = {"Time integration/Relative tolerance=" + text(tol),
                                  "Time integration/Absolute voltage tolerance=" + text(tol),
                                  "Time integration/Absolute temperature tolerance=" +
                                    text(10 * tol),
                                  "Run/End time=20e-6"};
    o.insert(o.end(), extra.begin(), extra.end());
    return run_case(o).spike_times(0);
  }

  // 2000 unpowered devices in a chain with noise 2000 K/sqrt(s), for 3 us.
  std::vector<std::string>
  unpowered_noisy_chain(const std::string &eta)
  {
    return {"Circuit/Input=dc(0)", "Thermal network/Noise strength=2000",
            "Thermal network/Coupling=chain", "Thermal network/Number of devices=2000",
            "Thermal network/Eta=" + eta, "Run/End time=3e-6"};
  }

  // Sample mean and variance of T - 325 K over the devices [K, K^2].
  std::pair<double, double>
  spread(const std::vector<double> &temperatures)
  {
    const double n    = temperatures.size();
    double       mean = 0, var = 0;
    for (const double T : temperatures)
      mean += (T - 325) / n;
    for (const double T : temperatures)
      var += (T - 325 - mean) * (T - 325 - mean) / (n - 1);
    return {mean, var};
  }

  double
  max_difference(const std::vector<double> &a, const std::vector<double> &b)
  {
    EXPECT_EQ(a.size(), b.size());
    double d = 0;
    for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
      d = std::max(d, std::abs(a[k] - b[k]));
    return d;
  }
} // namespace

TEST(Integrator, SpikeTimesConvergeAsToleranceTightens)
{
  const auto reference = spikes_at_tolerance(1e-8);
  ASSERT_EQ(reference.size(), 7u);
  const double e3 = max_difference(spikes_at_tolerance(1e-3), reference);
  const double e4 = max_difference(spikes_at_tolerance(1e-4), reference);
  const double e5 = max_difference(spikes_at_tolerance(1e-5), reference);
  const double e6 = max_difference(spikes_at_tolerance(1e-6), reference);
  EXPECT_LT(e4, 20e-9); // the default tolerance: spike times to 20 ns in 20 us
  EXPECT_LT(e6, 1e-9);
  EXPECT_LT(e5, e3);
  EXPECT_LT(e6, e4);
  // Order 2 with an error per step tolerance: error ~ tol^(2/3); 100x
  // tighter must gain at least a factor 10.
  EXPECT_LT(e6, e4 / 10);
}

TEST(Integrator, DirectDriveFollowsSourceAndReachesEnergyBalance)
{
  // R_load = 0: V = V_in exactly; the steady state solves S_th dT = V^2/R(T).
  const auto r = run_case({"Circuit/Load resistance=0", "Circuit/Input=dc(4)",
                           "Run/End time=5e-6"});
  const double T  = r.final_temperatures[0];
  const VO2Resistance vo2;
  const double P  = 16 / vo2.resistance(T, HysteresisState());
  EXPECT_NEAR(0.206e-3 * (T - 325), P, 1e-6 * P);
  EXPECT_EQ(r.devices[0].state, "quiescent");
}

TEST(Integrator, DirectDriveSwitchesAndStaysStableAtTheTransition)
{
  // Driven directly well above threshold the VO2 switches once and stays
  // metallic (no load to limit the current); nothing may blow up. No
  // capacitor discharges through it, so the switch is not a spike.
  const auto r = run_case({"Circuit/Load resistance=0", "Circuit/Input=pwl(0 0, 2e-6 10)",
                           "Run/End time=6e-6"});
  EXPECT_EQ(r.devices[0].spike_count, 0u);
  EXPECT_EQ(r.devices[0].state, "trapped");
  EXPECT_GT(r.final_temperatures[0], 340);
}

TEST(Integrator, StiffSmallCapacitanceIsCheap)
{
  // C = 1 fF makes R C ~ 1e-12 s, a million times below the thermal scale:
  // an explicit method would need ~1e7 steps for 20 us; L-stability must not.
  const auto r = run_case({"Circuit/Capacitance=1e-15", "Circuit/Input=dc(12.5)",
                           "Run/End time=20e-6"});
  EXPECT_LT(r.statistics.steps, 20000u);
  EXPECT_GT(r.final_temperatures[0], 325);
}

TEST(Integrator, PulseEdgesAreSteppedOnto)
{
  // A sub-threshold DC bias plus a pulse train with sharp edges (each a
  // breakpoint): the device integrates the pulses and fires.
  const auto r = run_case({"Circuit/Input=dc(6) + train(amplitude=7, period=2e-6, duty=0.5)",
                           "Run/End time=20e-6"});
  EXPECT_EQ(r.devices[0].spike_count, 3u);
  // The same train on its own (6 V less) stays below threshold.
  const auto alone = run_case({"Circuit/Input=train(amplitude=7, period=2e-6, duty=0.5)",
                               "Run/End time=20e-6"});
  EXPECT_EQ(alone.devices[0].spike_count, 0u);
}

TEST(RandomStream, GaussianDrawsAreStandardNormal)
{
  // 400 000 draws from each of three streams against the normal law, at
  // about four standard errors: the mean and variance, the Kolmogorov
  // distance to Phi, and the tails beyond 3.44 and 4.
  const std::size_t n   = 400000;
  const auto        Phi = [](const double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  for (const std::uint64_t stream : {0u, 1u, 4095u})
    {
      RandomStream        random(2024, stream);
      std::vector<double> x(n);
      for (auto &v : x)
        v = random.normal();
      double sum = 0, square_sum = 0;
      for (const double v : x)
        sum += v, square_sum += v * v;
      const double mean = sum / n, var = square_sum / n - mean * mean;
      EXPECT_LT(std::abs(mean), 4 / std::sqrt(n)) << stream;
      EXPECT_LT(std::abs(var - 1), 4 * std::sqrt(2.0 / n)) << stream;
      std::sort(x.begin(), x.end());
      double distance = 0;
      for (std::size_t i = 0; i < n; ++i)
        distance = std::max({distance, std::abs(Phi(x[i]) - double(i) / n),
                             std::abs(Phi(x[i]) - double(i + 1) / n)});
      EXPECT_LT(distance, 1.95 / std::sqrt(n)) << stream; // p = 0.001
      const auto beyond = [&](const double a) {
        return double(std::count_if(x.begin(), x.end(), [a](double v) { return std::abs(v) > a; }));
      };
      for (const double a : {3.442619855899, 4.0})
        {
          const double expected = 2 * n * Phi(-a);
          EXPECT_NEAR(beyond(a), expected, 4 * std::sqrt(expected) + 1) << stream << " " << a;
        }
    }
}

TEST(NoisePaths, RelaxedPathIsTheOrnsteinUhlenbeckResponseOfTheWienerPath)
{
  // X must solve dX/dt = -lambda X + dW/dt with W linear between the grid
  // points: against a fine RK4 integration of that ODE to 1e-9, with the
  // stationary variance of an OU process, 1 / (2 lambda), to 6 % (about
  // four standard errors over 4000 correlation times), and X = W without
  // relaxation.
  const double       dt = 10e-9, lambda = 2e6; // 1 / lambda = 50 grid steps
  const std::size_t  n  = 400000;
  NoisePaths         paths(dt);
  const unsigned int relaxing = paths.add(2024, 7, lambda), plain = paths.add(2024, 7, 0);
  const auto         W = [&](const unsigned int p) { return paths.values()[p]; };
  const auto         X = [&](const unsigned int p) { return paths.relaxed_values()[p]; };
  double             W_last = 0, X_fine = 0, sum = 0, square_sum = 0, worst = 0;
  for (std::size_t k = 1; k <= n; ++k)
    {
      paths.advance();
      const double rate = (W(relaxing) - W_last) / dt; // dW/dt over the step
      W_last            = W(relaxing);
      if (k <= 2000)
        {
          const double h = dt / 50;
          const auto   f = [&](const double x) { return -lambda * x + rate; };
          for (int m = 0; m < 50; ++m)
            {
              const double k1 = f(X_fine), k2 = f(X_fine + 0.5 * h * k1),
                           k3 = f(X_fine + 0.5 * h * k2), k4 = f(X_fine + h * k3);
              X_fine += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
          worst = std::max(worst, std::abs(X(relaxing) - X_fine));
        }
      ASSERT_EQ(X(plain), W(plain)) << k;
      ASSERT_EQ(W(plain), W(relaxing)) << k; // the same W
      sum += X(relaxing), square_sum += X(relaxing) * X(relaxing);
    }
  EXPECT_LT(worst, 1e-9 * std::sqrt(1 / (2 * lambda)));
  const double mean = sum / n, variance = square_sum / n - mean * mean;
  EXPECT_NEAR(variance * 2 * lambda, 1.0, 0.06);
}

TEST(NoisePaths, EachPathIsItsStreamAloneWhicheverPathsShareTheSet)
{
  // Drawn together (vectorised first numbers, wedges and tail one at a
  // time), each path must be exactly the cumulative sum of its own stream's
  // normal() draws times sqrt(dt), whatever paths come before it and how
  // many share the set (lanes and remainders): the noise may not depend on
  // the MPI partition. 4000 points of 37 paths take about 1500 draws
  // outside the rectangles, the tail included.
  const double        dt = 10e-9;
  const unsigned int  n_paths = 37, n_points = 4000;
  NoisePaths          all(dt), later(dt);
  std::vector<RandomStream> streams;
  std::vector<double>       W(n_paths, 0.0);
  for (unsigned int p = 0; p < n_paths; ++p)
    {
      all.add(2024, 100 + p, 1e6 * p);
      streams.emplace_back(2024, 100 + p);
    }
  for (unsigned int p = 5; p < n_paths; ++p) // the same paths, shifted by 5 lanes
    later.add(2024, 100 + p, 1e6 * p);
  std::size_t beyond_R = 0;
  for (unsigned int k = 1; k <= n_points; ++k)
    {
      all.advance(), later.advance();
      ASSERT_EQ(all.point(), k);
      for (unsigned int p = 0; p < n_paths; ++p)
        {
          const double x = streams[p].normal();
          beyond_R += std::abs(x) > RandomStream::Ziggurat::R;
          W[p] += std::sqrt(dt) * x;
          ASSERT_EQ(all.values()[p], W[p]) << "path " << p << " point " << k;
          if (p >= 5)
            {
              ASSERT_EQ(later.values()[p - 5], W[p]) << "path " << p << " point " << k;
              ASSERT_EQ(later.relaxed_values()[p - 5], all.relaxed_values()[p]) << p << " " << k;
            }
        }
    }
  EXPECT_GT(beyond_R, 30u); // the tail was drawn (expected 2 n Phi(-R) = 85)
}

TEST(GridColumns, GiveEachColumnExactlyAsItsGridFunctionDoes)
{
  // DeviceBatch looks the noise up for all its lanes at once (GridColumns,
  // vectorised, a 32-bit interval); the values must be GridFunction's
  // bit for bit, inside the grid, on its points, and clamped beyond both
  // ends (a step end rounded past the window's last point), or the batch
  // would not give the one-at-a-time results.
  const std::size_t   width = 7, points = 12;
  const double        dt = 10e-9;
  std::vector<double> rows(width * points);
  for (std::size_t m = 0; m < rows.size(); ++m)
    rows[m] = std::sin(0.37 * m) * (1 + 1e-3 * m);
  const std::uint64_t k0 = 1234567; // the grid starts late in a run
  std::vector<GridFunction> views(width);
  for (std::size_t c = 0; c < width; ++c)
    views[c] = {k0, dt, rows.data() + c, points, width};
  const GridColumns block(views[2]);
  std::size_t       checked = 0;
  for (std::size_t c = 0; c < width; ++c)
    for (int j = -40; j <= 12 * 40 + 40; ++j)
      {
        const double t = (static_cast<double>(k0) + j / 40.0) * dt * (1 + 1e-15 * (j % 3));
        EXPECT_EQ(block(block.column(views[c]), t), views[c](t)) << "column " << c << ", t " << t;
        ++checked;
      }
  EXPECT_EQ(checked, width * 561);
  EXPECT_EQ(block.column(views[5]), 3); // counted from the column it was made from

  // The same for many columns at once (values(), vectorised): column c[i]
  // at t[i] + part h[i], as the batch asks at its steps' midpoints and ends.
  std::vector<std::int64_t> c;
  std::vector<double>       t, h;
  for (std::size_t column = 0; column < width; ++column)
    for (int j = -40; j <= 12 * 40 + 40; ++j)
      {
        c.push_back(block.column(views[column]));
        t.push_back((static_cast<double>(k0) + j / 40.0) * dt);
        h.push_back(dt * (0.05 + 0.9 * ((j + 40) % 17) / 17.0));
      }
  for (const double part : {0.5, 1.0})
    {
      std::vector<double> out(c.size() + 1, -1.0); // one beyond: left alone
      block.values(c.data(), t.data(), h.data(), part, out.data(), c.size());
      for (std::size_t i = 0; i < c.size(); ++i)
        ASSERT_EQ(out[i], views[c[i] + 2](t[i] + part * h[i])) << "entry " << i << ", part " << part;
      EXPECT_EQ(out.back(), -1.0);
    }
}

TEST(InverseCubeRoots, AgreeWithTheScalarFormTo4UlpWhereverTheyStand)
{
  // DeviceBatch's step control: cbrt(1 / error) vectorised (libmvec) must
  // be the scalar form to 4 ulp over errors of 1e-12 to 1e12, and an
  // entry's value must not depend on its place in a block (the MPI
  // partition decides who shares one).
  const std::size_t   n = 4096;
  std::vector<double> x(n), y(n), shifted_x(n + 8), shifted_y(n + 8);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = std::pow(10.0, -12 + 24.0 * i / (n - 1)) * (1 + 0.37 * ((i * 7919) % 13) / 13.0);
  inverse_cube_roots::evaluate(x.data(), y.data(), n);
  std::copy(x.begin(), x.end(), shifted_x.begin() + 3); // every entry 3 places on
  std::fill_n(shifted_x.begin(), 3, 1.0);
  std::fill(shifted_x.begin() + 3 + n, shifted_x.end(), 1.0);
  inverse_cube_roots::evaluate(shifted_x.data(), shifted_y.data(), n + 8);
  for (std::size_t i = 0; i < n; ++i)
    {
      const double exact = std::cbrt(1 / x[i]);
      const double ulp   = std::nextafter(exact, INFINITY) - exact;
      EXPECT_LE(std::abs(y[i] - exact), 4 * ulp) << "x = " << x[i];
      EXPECT_EQ(shifted_y[i + 3], y[i]) << "x = " << x[i];
    }
}

TEST(Integrator, NoiseIsSeededAndHasTheRightSpread)
{
  // An unpowered device: T - T0 is an Ornstein-Uhlenbeck process with
  // stationary variance sigma^2 C_th / (2 S_th).
  const auto   o = unpowered_noisy_chain("0");
  const auto   a = run_case(o);
  const auto   b = run_case(o);
  const auto [mean, var] = spread(a.final_temperatures);
  const double expected = 2000.0 * 2000.0 * 49.6e-12 / (2 * 0.206e-3);
  // 2000 samples: 3.2 % statistical error. A jump of sigma sqrt(h) added
  // after each step would give +18 % at the 50 ns steps taken here.
  EXPECT_NEAR(var / expected, 1.0, 0.08) << var / expected;
  EXPECT_EQ(a.final_temperatures, b.final_temperatures); // same seed, same path
  auto other = o;
  other.push_back("Thermal network/Noise seed=7");
  EXPECT_NE(run_case(other).final_temperatures, a.final_temperatures);

  // The noise is a fixed Wiener path per device, not a draw per step: with
  // steps of at most 1 ns (50 ns above) the devices end where they did, to
  // a fraction of the 0.69 K spread (independent paths differ by ~1 K).
  auto fine = o;
  fine.push_back("Time integration/Maximum time step=1e-9");
  const auto c = run_case(fine);
  ASSERT_GT(c.statistics.steps, 3 * a.statistics.steps);
  double square_sum = 0;
  for (std::size_t i = 0; i < a.final_temperatures.size(); ++i)
    {
      const double d = c.final_temperatures[i] - a.final_temperatures[i];
      EXPECT_LT(std::abs(d), 0.15) << "device " << i;
      square_sum += d * d;
    }
  EXPECT_LT(std::sqrt(square_sum / a.final_temperatures.size()), 0.05);
}

TEST(Integrator, CoupledNoiseHasTheSpreadOfTheCoupledChain)
{
  // Unpowered devices in a chain with strong coupling eta: the deviations
  // x = T - T0 are a linear Ornstein-Uhlenbeck system dx = A x dt + sigma dW
  // with A = -(S_th / C_th) (I - eta Adj), whose mean variance at time t,
  // from x = 0, is sigma^2 / (2 n) sum_k (1 - exp(-2 mu_k t)) / mu_k over
  // the eigenvalues mu_k = (S_th / C_th) (1 - 2 eta cos(k pi / (n + 1))) of
  // -A. Eta 0.4 raises the spread by 66 % over uncoupled devices (0.60 of
  // the expected value): the neighbours' noise must arrive through the
  // coupling windows, and the windows must not distort it.
  const unsigned int n = 2000;
  const double       sigma = 2000, eta = 0.4, t = 3e-6, S = 0.206e-3, C = 49.6e-12;
  const auto         r = run_case(unpowered_noisy_chain("0.4"));
  double expected = 0;
  for (unsigned int k = 1; k <= n; ++k)
    {
      const double mu = S / C * (1 - 2 * eta * std::cos(k * M_PI / (n + 1)));
      expected += sigma * sigma / (2 * n) * (1 - std::exp(-2 * mu * t)) / mu;
    }
  const auto [mean, var] = spread(r.final_temperatures);
  // Neighbours are correlated (over about 3 devices): ~6 % statistical error;
  // this seed gives 0.997.
  EXPECT_NEAR(var / expected, 1.0, 0.15) << var / expected;
  EXPECT_NEAR(mean, 0.0, 0.1); // 3 standard errors of the mean
}

TEST(Integrator, NoiseDoesNotShortenTheWindowsOfAQuietArray)
{
  // An 8 x 8 lattice at 5 V (nothing fires) with and without noise. The
  // windows predict each device's temperature less its noise as its node
  // relaxes it (NoisePath's X), which stays smooth: noise may not cut the
  // windows much (measured: 62 against 30 windows; with the plain Wiener
  // increment taken out instead, about 140).
  const auto quiet = [](const std::string &noise) {
    return run_case({"Thermal network/Coupling=lattice", "Thermal network/Lattice rows=8",
                     "Thermal network/Lattice columns=8", "Thermal network/Eta=0.02",
                     "Thermal network/Noise strength=" + noise, "Circuit/Input=dc(5)",
                     "Run/End time=10e-6", "Run/Traced devices=none"});
  };
  const auto noisy = quiet("1000"), still = quiet("0");
  EXPECT_EQ(noisy.spikes.size(), 0u);
  EXPECT_GT(noisy.statistics.reversals, 1000u); // the noise is there: it turns the branches
  EXPECT_LT(noisy.statistics.windows, 2.5 * still.statistics.windows)
    << noisy.statistics.windows << " against " << still.statistics.windows;
}

namespace
{
  // tests/data/multirate_cascade.prm: a cascade of four devices in a quiet
  // 12 x 12 lattice, with extra --set overrides.
  RunResult
  multirate_cascade(std::vector<std::string> overrides)
  {
    const auto file = std::filesystem::path(NEURISTOR_CASES_DIR).parent_path() / "tests" /
                      "data" / "multirate_cascade.prm";
    overrides.push_back("Run/Traced devices=none");
    return run_case(overrides, file.string());
  }

  const std::vector<std::string> tight = {"Time integration/Coupling tolerance=1e-6",
                                          "Time integration/Relative tolerance=1e-6"};
} // namespace

TEST(Integrator, MultirateKeepsTheCascadeAndSparesTheQuietDevices)
{
  // Only the corner, its two neighbours and the diagonal one spike (11
  // spikes); 140 devices stay quiet. With multirate they take long windows
  // while the cascade takes short ones of its own.
  const auto multirate = multirate_cascade({});
  const auto global    = multirate_cascade({"Thermal network/Multirate=false"});
  auto       off_tight = tight;
  off_tight.push_back("Thermal network/Multirate=false");
  const auto reference = multirate_cascade(off_tight);
  ASSERT_EQ(reference.spikes.size(), 11u);
  for (const unsigned int i : {0u, 1u, 12u, 13u})
    EXPECT_GE(reference.spike_times(i).size(), 2u) << "device " << i;

  // The same accuracy as one window for all (measured: 4.0 and 3.8 ns).
  EXPECT_LT(test_support::largest_spike_shift(multirate, reference, 144), 10e-9);
  EXPECT_LT(test_support::largest_spike_shift(global, reference, 144), 10e-9);
  // It converges to the same solution (measured: 0.02 ns).
  EXPECT_LT(test_support::largest_spike_shift(multirate_cascade(tight), reference, 144), 0.2e-9);

  // The split happened and paid: 145 against 311 windows, 0.73 of the steps.
  EXPECT_GT(multirate.model_counters.at("lumped_active_windows"), 0);
  EXPECT_LT(multirate.statistics.windows, 0.6 * global.statistics.windows);
  EXPECT_LT(multirate.statistics.steps, 0.8 * global.statistics.steps);
}

TEST(Integrator, BatchedDevicesGiveTheSolutionOfOneDeviceAtATime)
{
  // DeviceBatch takes each device's steps as DeviceIntegrator does, only
  // with R(T) vectorised (1e-12 relative): the spikes must agree far within
  // the 10 ns accuracy of the default tolerances (measured: 0.00 ns on the
  // cascade), and the batch must not drop or add a step's work.
  const auto batched = multirate_cascade({});
  const auto single  = multirate_cascade({"Time integration/Batched devices=false"});
  EXPECT_LT(test_support::largest_spike_shift(batched, single, 144), 0.5e-9);
  EXPECT_NEAR(batched.statistics.steps, single.statistics.steps, 1e-3 * single.statistics.steps);

  // The noisy lattice: each device's first spike as closely. Noise makes
  // later spikes sensitive to rounding (the step sequences part, and a
  // device near its threshold may fire at one of two moments), so they
  // need only agree as well as the solution agrees with itself when the
  // relative tolerance changes by 0.2 % (in one noise realisation that
  // moved a spike by 1.9 ns; in another by 78 ns, one device's third spike,
  // which the batch moved by 77 ns).
  const auto file = std::filesystem::path(NEURISTOR_CASES_DIR).parent_path() / "tests" /
                    "regression" / "lumped_lattice_noise.prm";
  const auto noisy = run_case({"Time integration/Batched devices=true"}, file.string());
  const auto noisy_single = run_case({}, file.string()); // the file says false
  ASSERT_GT(noisy.spikes.size(), 40u);
  double first_shift = 0, sensitivity = 0;
  const double shift = test_support::largest_spike_shift(
    noisy, noisy_single, 16, [&](unsigned int, std::size_t k, double a, double b) {
      if (k == 0)
        first_shift = std::max(first_shift, std::abs(a - b));
    });
  for (const char *tolerance : {"0.998e-4", "1.002e-4"})
    {
      const auto perturbed =
        run_case({std::string("Time integration/Relative tolerance=") + tolerance}, file.string());
      sensitivity = std::max(sensitivity, test_support::largest_spike_shift(
                                            perturbed, noisy_single, 16, {}, false));
    }
  EXPECT_LT(first_shift, 0.5e-9);
  EXPECT_LE(shift, std::max(0.5e-9, 2 * sensitivity)) << "sensitivity " << sensitivity;
  EXPECT_NEAR(noisy.statistics.steps, noisy_single.statistics.steps,
              1e-2 * noisy_single.statistics.steps);
}

TEST(DeviceCircuits, DevicesWithTheSameParametersShareOneCircuit)
{
  // The integrators read a device's circuit at every step; the devices of
  // an array with the same parameters share one object (it is immutable),
  // and any parameter that differs gives a device its own.
  dealii::ParameterHandler prm;
  device_circuits::registry().find("VO2").declare_parameters(prm);
  std::vector<CircuitParameters> circuits(4);
  for (auto &c : circuits)
    c.input = Waveform::parse("dc(11)", "Circuit/Input");
  circuits[2].input = Waveform::parse("dc(9.4)", "Circuit/Input");
  circuits[3].C *= 2;
  const auto devices = device_circuits::create("VO2", prm, circuits);
  ASSERT_EQ(devices.size(), 4u);
  EXPECT_EQ(devices[0], devices[1]);
  EXPECT_NE(devices[0], devices[2]);
  EXPECT_NE(devices[0], devices[3]);
  EXPECT_NE(devices[2], devices[3]);
  const auto *own = dynamic_cast<const NeuristorCircuit *>(devices[2].get());
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->parameters().input.value(0), 9.4);
}
