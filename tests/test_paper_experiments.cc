// The paper's experiments as lumped cases (cases/fig3*.prm): each test runs
// the case file and asserts the regime its comment reports.
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace neuristor;

namespace
{
  const std::string fig3a = NEURISTOR_CASES_DIR "/fig3a_spike_in_dc_out.prm";
  const std::string fig3b = NEURISTOR_CASES_DIR "/fig3b_spike_in_spike_out.prm";
  const std::string pulse = "pulse(amplitude=16, delay=1e-6, width=200e-9, rise=10e-9, fall=10e-9)";

  double
  energy_of(const RunResult &r, const unsigned int device)
  {
    double sum = 0;
    for (const auto &s : r.spikes)
      sum += s.device == device ? s.energy : 0.0;
    return sum;
  }
} // namespace

// Fig. 3A: A's source pulse is one current spike; B, directly driven below
// its switching voltage, switches to the metal and stays (DC out).
TEST(PaperExperiments, Fig3ASpikeInDcOut)
{
  const auto r = test_support::run_case({}, fig3a);
  EXPECT_EQ(r.devices[0].state, "single spike");
  ASSERT_EQ(r.spikes.size(), 1u);
  EXPECT_GT(r.spikes[0].i_peak, 10e-3);
  EXPECT_EQ(r.devices[1].state, "trapped");
  EXPECT_EQ(r.devices[1].spike_count, 0u);
  EXPECT_GT(r.final_temperatures[1], 400); // metallic, carrying ~5 mA
  // Without A's pulse, or with a weaker one, B stays insulating.
  EXPECT_EQ(test_support::run_case({"Circuit/Input=dc(0); dc(6.5)"}, fig3a).devices[1].state,
            "quiescent");
  const auto weak = test_support::run_case(
    {"Circuit/Input=pulse(amplitude=12, delay=1e-6, width=200e-9, rise=10e-9, fall=10e-9); "
     "dc(6.5)"},
    fig3a);
  EXPECT_EQ(weak.devices[1].state, "quiescent");
}

// Fig. 3B / S4: with a 9 kOhm load B is bistable at 9 V; one pulse of A
// starts a spiking that sustains itself, and B's spikes carry more energy
// than A's pulse.
TEST(PaperExperiments, Fig3BSpikeInSpikeOut)
{
  const auto alone = test_support::run_case({"Circuit/Input=dc(0); dc(9)"}, fig3b);
  EXPECT_EQ(alone.devices[1].state, "quiescent");

  const auto r = test_support::run_case({}, fig3b);
  EXPECT_EQ(r.devices[0].state, "single spike");
  const auto &b = r.devices[1];
  EXPECT_EQ(b.state, "spiking");
  EXPECT_GE(b.spike_count, 12u);
  EXPECT_NEAR(b.mean_rate_hz, 209e3, 10e3);
  EXPECT_GT(b.last_spike_s, 55e-6); // still firing at the end
  EXPECT_LT(b.first_spike_s, 2e-6); // right after A's pulse (1.0-1.2 us)
  EXPECT_GT(energy_of(r, 1), 2 * energy_of(r, 0));
}

// Fig. 4: A integrates several 1 us input pulses per spike (R_load C =
// 3.2 us); at 80 % duty A fires twice as often but B does not: 2:1.
TEST(PaperExperiments, Fig4CascadeIntegratesPulses)
{
  const std::string fig4 = NEURISTOR_CASES_DIR "/fig4_cascade_integration.prm";
  EXPECT_EQ(test_support::run_case({"Circuit/Input=dc(0); dc(13.2)"}, fig4).devices[1].state,
            "quiescent");
  const auto half = test_support::run_case({}, fig4);
  const auto a = half.spike_times(0), b = half.spike_times(1);
  ASSERT_GE(a.size(), 6u);
  for (std::size_t k = 1; k < a.size(); ++k)
    EXPECT_GT(a[k] - a[k - 1], 4e-6) << k; // at least four input pulses per spike
  ASSERT_EQ(b.size(), a.size()); // B follows A 1:1 at 50 % duty
  for (std::size_t k = 0; k < a.size(); ++k)
    EXPECT_LT(b[k] - a[k], 1e-6) << k;

  const auto fast = test_support::run_case(
    {"Circuit/Input=train(amplitude=20, period=1e-6, duty=0.8); dc(13.2)"}, fig4);
  EXPECT_GT(fast.devices[0].mean_rate_hz, 1.8 * half.devices[0].mean_rate_hz);
  EXPECT_NEAR(fast.devices[1].mean_rate_hz, half.devices[1].mean_rate_hz,
              0.1 * half.devices[1].mean_rate_hz);
  EXPECT_NEAR(double(fast.devices[0].spike_count) / fast.devices[1].spike_count, 2.0, 0.2);
}
