// Spike classification (README, "Spikes and device states"): a spike is a
// capacitor discharge through the metallic device, not a slow drift of F;
// a device is trapped when it has been metallic without a spike for the
// trapped time at the end; a rate exists only for two spikes or more.
#include "solver/coupling/spike_detector.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace neuristor;

namespace
{
  RunResult
  s13_point(const std::string &v_a)
  {
    return test_support::run_case({"Circuit/Input=dc(" + v_a + "); dc(14)"},
                                  NEURISTOR_CASES_DIR "/fig_s13_va_sweep.prm");
  }

  /**
   * F falls from 1 to `F_low` over 100 ns and comes back; the device
   * current swells to `peak` while the load carries `load`.
   */
  std::vector<Spike>
  episode(SpikeDetector &detector, const double t0, const double F_low, const double peak,
          const double load)
  {
    std::vector<Spike> spikes;
    for (int k = 0; k <= 100; ++k)
      {
        const double s = std::sin(M_PI * k / 100.0); // 0 -> 1 -> 0
        const double F = 1 - (1 - F_low) * s;
        detector.add(0, t0 + k * 1e-9, F, load + (peak - load) * s * s, load, 1e-3, spikes);
      }
    return spikes;
  }
} // namespace

TEST(SpikeDetector, ADischargeIsASpikeADriftIsNot)
{
  SpikeDetector detector;
  // Load current 1 mA: a 4 mA peak is a discharge, a 1.2 mA one a drift.
  EXPECT_EQ(episode(detector, 0, 0.01, 4e-3, 1e-3).size(), 1u);
  EXPECT_EQ(episode(detector, 1e-6, 0.01, 1.2e-3, 1e-3).size(), 0u);
  // Exactly at the ratio it counts; just below it does not.
  EXPECT_EQ(episode(detector, 2e-6, 0.01, 2e-3, 1e-3).size(), 1u);
  EXPECT_EQ(episode(detector, 3e-6, 0.01, 1.99e-3, 1e-3).size(), 0u);
  EXPECT_FALSE(detector.in_episode());
  EXPECT_EQ(detector.quiet_metallic_time(), 0.0); // insulating at the end
}

TEST(SpikeDetector, AQuietSampleNeedsNeitherItsLoadCurrentNorItsPower)
{
  // The integrators skip a quiet sample's load current and power
  // (add_if_quiet): the spikes must not depend on them. Three detectors see
  // the same samples, except that on the quiet ones (insulating, no episode
  // running) two get different, changing load currents and powers and the
  // third none; a read of them would move energies or peaks.
  std::vector<Spike> spikes[3];
  SpikeDetector      detector[3];
  for (int k = 0; k <= 1200; ++k)
    {
      const double t = k * 1e-9, phase = std::fmod(t, 400e-9) / 100e-9; // an episode a 400 ns
      const double s = phase < 1 ? std::sin(M_PI * phase) : 0.0;
      const double F = 1 - 0.99 * s, current = 1e-3 + 3e-3 * s * s; // A
      const bool   quiet = F >= 0.5 && !detector[0].in_episode();
      const double load[2]  = {quiet ? 5e-3 + 1e3 * t : 1e-3, quiet ? 9e-3 - 2e3 * t : 1e-3};
      const double power[2] = {quiet ? 5.0 + 1e6 * t : 1e-3 * (1 + s),
                               quiet ? 0.1 * k : 1e-3 * (1 + s)}; // W
      for (int d = 0; d < 2; ++d)
        detector[d].add(0, t, F, current, load[d], power[d], spikes[d]);
      if (!detector[2].add_if_quiet(t, F, current))
        detector[2].add(0, t, F, current, load[0], power[0], spikes[2]);
    }
  ASSERT_EQ(spikes[0].size(), 3u);
  // Each spike's energy is the trapezoid sum over its episode's samples
  // alone: from the first with F < 0.5 to the first after it with F > 0.6.
  for (std::size_t i = 0; i < 3; ++i)
    {
      const auto F_at = [](const int k) {
        const double phase = std::fmod(k * 1e-9, 400e-9) / 100e-9;
        return 1 - 0.99 * (phase < 1 ? std::sin(M_PI * phase) : 0.0);
      };
      const auto power_at = [&](const int k) { return 1e-3 * (1 + (1 - F_at(k)) / 0.99); };
      int k = 400 * int(i);
      while (F_at(k) >= 0.5)
        ++k;
      double energy = 0;
      do
        ++k, energy += 0.5 * (power_at(k) + power_at(k - 1)) * 1e-9;
      while (F_at(k) <= 0.6);
      EXPECT_NEAR(spikes[0][i].energy, energy, 1e-9 * energy) << "spike " << i;
    }
  for (int d = 1; d < 3; ++d)
    {
      ASSERT_EQ(spikes[d].size(), spikes[0].size());
      for (std::size_t i = 0; i < spikes[0].size(); ++i)
        {
          EXPECT_EQ(spikes[d][i].t_peak, spikes[0][i].t_peak);
          EXPECT_EQ(spikes[d][i].i_peak, spikes[0][i].i_peak);
          EXPECT_EQ(spikes[d][i].energy, spikes[0][i].energy);
        }
    }
}

TEST(SpikeDetector, TrappedTimeCountsFromTheLastSpikeOrTheTransition)
{
  std::vector<Spike> spikes;
  SpikeDetector      fired, drifted;
  // Both devices go metallic at 1 us; one with a discharge peaking at 1.05 us.
  for (int k = 0; k <= 400; ++k)
    {
      const double t = k * 10e-9, F = t < 1e-6 ? 1.0 : 0.01;
      const double peak = std::abs(t - 1.05e-6) < 1e-12 ? 5e-3 : 1e-3;
      fired.add(0, t, F, peak, 1e-3, 1e-3, spikes);
      drifted.add(1, t, F, 1e-3, 1e-3, 1e-3, spikes);
    }
  EXPECT_TRUE(spikes.empty()); // the spike of `fired` is still running
  ASSERT_TRUE(fired.running_spike(0).has_value());
  EXPECT_NEAR(fired.running_spike(0)->t_peak, 1.05e-6, 1e-8);
  EXPECT_NEAR(fired.quiet_metallic_time(), 4e-6 - 1.05e-6, 1e-8);
  EXPECT_FALSE(drifted.running_spike(1).has_value());
  EXPECT_NEAR(drifted.quiet_metallic_time(), 3e-6, 1e-12);
  EXPECT_DOUBLE_EQ(drifted.insulating_fraction(), 0.01);
}

// Samples of B's step ends in the lumped 80 % train of
// cases/finite_element/cascade_train_80.prm at 4.2867 us: F drops from
// 0.18 to 0.044 in one step while the current is still rising. That is the
// transition going on, not a partial recovery turning back: one spike.
TEST(SpikeDetector, ALargeStepDownIsNotATurn)
{
  const double F[] = {0.6, 0.3425, 0.2958, 0.2379, 0.1766, 0.0442, 0.0322, 0.0210,
                      0.0116, 0.0042, 0.0011, 0.0005, 0.0001, 0.0, 0.0, 0.3, 0.7};
  const double i[] = {0.9e-4, 1.0e-4, 1.11e-4, 1.36e-4, 1.78e-4, 4.51e-4, 5.16e-4, 5.92e-4,
                      6.72e-4, 7.43e-4, 7.72e-4, 7.75e-4, 7.73e-4, 7.69e-4, 6e-4, 2e-4, 1e-4};
  SpikeDetector      detector;
  std::vector<Spike> spikes;
  for (unsigned int k = 0; k < std::size(F); ++k)
    detector.add(0, 4.2850e-6 + k * 0.1e-9, F[k], i[k], 4.12e-5, 1e-4, spikes);
  ASSERT_EQ(spikes.size(), 1u);
  EXPECT_NEAR(spikes[0].i_peak, 7.75e-4, 0.05e-4);
}

// Fig. S13, V_A = 12.5 V: B fires three spikes, then sits metallic at
// F ~ 0.05 and 0.9-1.0 mA from 10 to 60 us: trapped, not "spiking at 435 kHz".
TEST(SpikeClassification, S13At12p5VTrapsB)
{
  const auto r = s13_point("12.5");
  EXPECT_EQ(r.devices[0].state, "spiking");
  EXPECT_GT(r.devices[0].mean_rate_hz, 4e5);
  const auto &b = r.devices[1];
  EXPECT_EQ(b.state, "trapped");
  EXPECT_EQ(b.spike_count, 3u);
  EXPECT_LT(b.last_spike_s, 10e-6);
  EXPECT_LT(b.mean_rate_hz, 0); // no rate for a trapped device
  EXPECT_LT(b.final_insulating_fraction, 0.5);
}

// Fig. S13, V_A = 9 V: A drifts to F ~ 0.3 at 0.41 mA under B's heat, with
// no current spike.
TEST(SpikeClassification, S13At9VHasNoSpikeOfA)
{
  const auto r = s13_point("9");
  EXPECT_EQ(r.devices[0].spike_count, 0u);
  EXPECT_TRUE(r.spike_times(0).empty());
  EXPECT_EQ(r.devices[1].state, "spiking");
}

// Fig. S11, eta = 0.06: B drifts below F = 1/2 and peaks at 0.46 mA, the
// load current: no spike of B.
TEST(SpikeClassification, S11AtEta006HasNoSpikeOfB)
{
  const auto r = test_support::run_case({"Thermal network/Eta=0.06"},
                                        NEURISTOR_CASES_DIR "/fig_s11_eta_sweep.prm");
  EXPECT_EQ(r.devices[0].state, "spiking");
  EXPECT_EQ(r.devices[1].spike_count, 0u);
  EXPECT_NE(r.devices[1].state, "spiking");
}

// The Fig. 2 device at 12.5 V fires its first spike at 2.6 us and its
// second near 5.5 us: a run to 4 us has one spike and no rate.
TEST(SpikeClassification, OneSpikeIsASingleSpikeWithoutRate)
{
  const auto r = test_support::run_case({"Run/End time=4e-6", "Circuit/Input=dc(12.5)"});
  ASSERT_EQ(r.devices[0].spike_count, 1u);
  EXPECT_EQ(r.devices[0].state, "single spike");
  EXPECT_LT(r.devices[0].mean_rate_hz, 0);
  EXPECT_EQ(r.devices[0].first_spike_s, r.devices[0].last_spike_s);
}

// Driven directly (R_load = 0) no capacitor can discharge through the
// device: at 8 V it heats itself into the metallic state and stays there
// (the DC output of Fig. 3A), without a spike.
TEST(SpikeClassification, DirectDriveGoesMetallicWithoutSpikes)
{
  const auto r = test_support::run_case(
    {"Run/End time=10e-6", "Circuit/Load resistance=0", "Circuit/Input=dc(8)"});
  EXPECT_EQ(r.devices[0].spike_count, 0u);
  EXPECT_EQ(r.devices[0].state, "trapped");
  EXPECT_LT(r.devices[0].final_insulating_fraction, 0.05);
  // At 7.5 V F wobbles after the switch; a partial recovery is no spike here.
  const auto slow = test_support::run_case(
    {"Run/End time=20e-6", "Circuit/Load resistance=0", "Circuit/Input=dc(7.5)"});
  EXPECT_EQ(slow.devices[0].spike_count, 0u);
  EXPECT_EQ(slow.devices[0].state, "trapped");
}

// Driven directly by a 1 us source pulse the device switches, carries the
// pulse's current through the metal and recovers when the pulse ends: that
// current pulse is its spike (A's heat spike in Fig. 3A).
TEST(SpikeClassification, DirectDrivePulseIsASpike)
{
  const auto r = test_support::run_case(
    {"Run/End time=10e-6", "Circuit/Load resistance=0",
     "Circuit/Input=pulse(amplitude=10, delay=1e-6, width=1e-6, rise=10e-9, fall=10e-9)"});
  ASSERT_EQ(r.devices[0].spike_count, 1u);
  EXPECT_EQ(r.devices[0].state, "single spike");
  EXPECT_GT(r.devices[0].first_spike_s, 1e-6);
  EXPECT_LT(r.devices[0].first_spike_s, 2.01e-6);
  EXPECT_GT(r.spikes[0].i_peak, 10 / 5e3); // metallic: far above 10 V / R_insulating
}

// A spike's energy ends with its discharge: at 16 V the device fires once and
// stays metallic, dissipating ~9 mW; its spike is ~6 nJ like the others of
// the spiking window (4.4-6.1 nJ), not the 170 nJ of the whole metallic time.
TEST(SpikeClassification, TrappedSpikeEnergyEndsWithTheDischarge)
{
  const auto r = test_support::run_case({"Run/End time=20e-6", "Circuit/Input=dc(16)"});
  EXPECT_EQ(r.devices[0].state, "trapped");
  ASSERT_GE(r.spikes.size(), 1u);
  for (const auto &s : r.spikes)
    {
      EXPECT_GT(s.energy, 2e-9);
      EXPECT_LT(s.energy, 10e-9);
    }
  EXPECT_NEAR(r.devices[0].mean_spike_energy_J, r.spikes.back().energy,
              r.spikes.back().energy * (r.spikes.size() > 1 ? 1.0 : 1e-12));
}
