// Two coupled Fig. 2 devices, V_A = 11 V, V_B = 9.4 V (Fig. S11).
#include "test_helpers.h"

#include <gtest/gtest.h>

using namespace neuristor;

namespace
{
  RunResult
  pair_with_eta(const double eta)
  {
    return test_support::run_case({"Run/End time=40e-6", "Thermal network/Eta=" + std::to_string(eta)},
                             NEURISTOR_CASES_DIR "/fig_s11_eta_sweep.prm");
  }
} // namespace

TEST(TwoDevices, WeakCouplingLeavesBSilent)
{
  const auto r = pair_with_eta(0.03);
  EXPECT_EQ(r.devices[0].state, "spiking");
  EXPECT_EQ(r.devices[1].spike_count, 0u);
}

TEST(TwoDevices, StrongCouplingLocksOneToOne)
{
  const auto r = pair_with_eta(0.2);
  const auto a = r.spike_times(0), b = r.spike_times(1);
  ASSERT_GE(a.size(), 8u);
  ASSERT_EQ(a.size(), b.size());
  // Every spike of B follows its partner in A closely (phase locking).
  for (std::size_t k = 0; k < a.size(); ++k)
    EXPECT_LT(std::abs(b[k] - a[k]), 0.3e-6) << k;
}

TEST(TwoDevices, SpikesOfBDoNotFallAsEtaGrows)
{
  unsigned int previous = 0;
  for (const double eta : {0.03, 0.06, 0.09, 0.12, 0.15, 0.2})
    {
      const auto count = pair_with_eta(eta).devices[1].spike_count;
      EXPECT_GE(count, previous) << "eta = " << eta;
      previous = count;
    }
}
