// The VO2 resistance model: major loop, continuity at reversals, minor loops, seeded variability.
#include "materials/vo2_resistance.h"
#include "materials/vo2_resistance_batch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace neuristor;

namespace
{
  const VO2Parameters p;

  double
  major_F(const double T, const int delta)
  {
    return 0.5 + 0.5 * std::tanh(p.beta * (delta * p.w / 2 + p.Tc - T));
  }

  double
  major_R(const double T, const int delta)
  {
    return p.R0 * std::exp(p.Ea / T) * major_F(T, delta) + p.k * p.Rm;
  }
} // namespace

TEST(VO2Hysteresis, MajorHeatingBranchValues)
{
  const VO2Resistance   vo2(p);
  const HysteresisState fresh; // no reversal yet: major heating branch
  // Anchor computed by hand from (S1), (S2): at 325 K F = 0.996879, R = 51.77 kOhm.
  EXPECT_NEAR(vo2.insulating_fraction(325, fresh), 0.9968795, 1e-7);
  EXPECT_NEAR(vo2.resistance(325, fresh), 51771.4, 0.1);
  for (const double T : {310.0, 325.0, 330.0, 336.4, 340.0, 360.0})
    EXPECT_NEAR(vo2.resistance(T, fresh) / major_R(T, +1), 1.0, 1e-12) << T;
  // Well above the transition only the filament resistance k Rm remains.
  EXPECT_NEAR(vo2.resistance(400, fresh), p.k * p.Rm, 1.0);
}

TEST(VO2Hysteresis, MajorCoolingBranchAfterFullTransition)
{
  const VO2Resistance vo2(p);
  // Reverse from fully metallic: the cooling curve is the major cooling branch.
  const auto cooling = vo2.reverse(380, HysteresisState());
  EXPECT_EQ(cooling.delta, -1);
  for (const double T : {345.0, 335.0, 330.0, 325.0, 315.0})
    EXPECT_NEAR(vo2.insulating_fraction(T, cooling), major_F(T, -1), 1e-6) << T;
  // The loop is open: at the same T the cooling branch is more metallic.
  EXPECT_LT(vo2.resistance(332, cooling), 0.5 * vo2.resistance(332, HysteresisState()));
}

TEST(VO2Hysteresis, ResistanceContinuousAtReversals)
{
  const VO2Resistance vo2(p);
  HysteresisState     state;
  // A nested sequence of reversals through the transition region.
  for (const double T_r : {334.0, 329.0, 333.0, 330.5, 338.0, 326.0})
    {
      const double before = vo2.resistance(T_r, state);
      const auto   next   = vo2.reverse(T_r, state);
      const double after  = vo2.resistance(T_r, next);
      EXPECT_NEAR(after / before, 1.0, 1e-9) << "reversal at " << T_r;
      state = next;
    }
}

TEST(VO2Hysteresis, ReversingWithTheValuesAtTGivesTheSameMemory)
{
  // The integrators pass the values they already have at T (a device's
  // derivatives, or a batch's): the same memory as evaluating them anew,
  // bit for bit from the scalar values, within the batch's rounding from
  // VO2ResistanceBatch's.
  const VO2Resistance vo2(p);
  VO2ResistanceBatch  batch;
  batch.add(p);
  HysteresisState state;
  for (const double T_r : {334.0, 329.0, 333.0, 330.5, 338.0, 326.0})
    {
      const auto expected = vo2.reverse(T_r, state);
      const auto given    = vo2.reverse_with(T_r, state, vo2.evaluate(T_r, state));
      EXPECT_EQ(given.delta, expected.delta);
      EXPECT_EQ(given.T_r, expected.T_r);
      EXPECT_EQ(given.T_pr, expected.T_pr) << "reversal at " << T_r;
      VO2ResistanceBatch::States states(batch);
      VO2ResistanceBatch::Values values;
      states.resize(1);
      states.set(0, T_r, state);
      batch.evaluate(states, values);
      const auto from_batch = vo2.reverse_with(T_r, state, values[0]);
      EXPECT_NEAR(from_batch.T_pr, expected.T_pr, 1e-9 * std::abs(expected.T_pr) + 1e-12)
        << "reversal at " << T_r;
      // And R stays continuous across the reversal made from the batch's F.
      EXPECT_NEAR(vo2.resistance(T_r, from_batch) / vo2.resistance(T_r, state), 1.0, 1e-9);
      state = expected;
    }
}

TEST(VO2Hysteresis, MinorLoopsReturnTowardMajorLoop)
{
  const VO2Resistance vo2(p);
  // Heat to 335 K (partial transition), then cool: a minor loop starts
  // inside the major loop and merges with the major cooling branch.
  const auto   cooling = vo2.reverse(335, HysteresisState());
  const double gap_near = std::abs(vo2.insulating_fraction(333, cooling) - major_F(333, -1));
  const double gap_far  = std::abs(vo2.insulating_fraction(320, cooling) - major_F(320, -1));
  EXPECT_GT(gap_near, 0.05);   // the minor loop is distinct near the reversal
  EXPECT_LT(gap_far, 1e-3);    // and rejoins the major loop far from it
  // The minor loop lies inside the major one.
  for (const double T : {334.0, 332.0, 330.0, 328.0})
    {
      const double F = vo2.insulating_fraction(T, cooling);
      EXPECT_LE(F, major_F(T, +1) + 1e-12);
      EXPECT_GE(F, major_F(T, -1) - 1e-12);
    }
  // Heating again from 328 K climbs back toward the major heating branch.
  const auto heating = vo2.reverse(328, cooling);
  EXPECT_LT(std::abs(vo2.insulating_fraction(345, heating) - major_F(345, +1)), 1e-3);
}

TEST(VO2Hysteresis, DerivativeMatchesFiniteDifference)
{
  const VO2Resistance vo2(p);
  const auto          cooling = vo2.reverse(336, HysteresisState());
  for (const auto &state : {HysteresisState(), cooling})
    for (const double T : {326.0, 331.0, 334.0, 338.0})
      {
        const double h  = 1e-5;
        const double fd = (vo2.resistance(T + h, state) - vo2.resistance(T - h, state)) / (2 * h);
        EXPECT_NEAR(vo2.evaluate(T, state).dR_dT / fd, 1.0, 1e-6) << T;
        const double fd_F = (vo2.insulating_fraction(T + h, state) -
                             vo2.insulating_fraction(T - h, state)) / (2 * h);
        EXPECT_NEAR(vo2.evaluate(T, state).dF_dT / fd_F, 1.0, 1e-6) << T;
      }
}

namespace
{
  /** Parameters of n devices from the VO2 section text `entries`. */
  std::vector<VO2Parameters>
  devices_from(const std::string &entries, const unsigned int n)
  {
    dealii::ParameterHandler prm;
    prm.enter_subsection("VO2");
    VO2Parameters::declare_parameters(prm);
    prm.leave_subsection();
    prm.parse_input_from_string("subsection VO2\n" + entries + "\nend\n");
    prm.enter_subsection("VO2");
    auto devices = VO2Parameters::parse_parameters(prm, n);
    prm.leave_subsection();
    return devices;
  }
} // namespace

TEST(VO2Variability, SeededSpreadsHaveTheirStatisticsAndRepeat)
{
  const unsigned int n = 4096;
  const auto devices   = devices_from("set Tc spread = 2\nset R0 spread = 0.1\nset Variability seed = 7", n);
  double     sum = 0, sum2 = 0, log_sum = 0, log_sum2 = 0;
  for (const auto &d : devices)
    {
      const double x = d.Tc - p.Tc, y = std::log(d.R0 / p.R0);
      EXPECT_LE(std::abs(x), 3 * 2 + 1e-12); // cut at 3 standard deviations
      EXPECT_LE(std::abs(y), 3 * 0.1 + 1e-12);
      sum += x, sum2 += x * x, log_sum += y, log_sum2 += y * y;
      EXPECT_EQ(d.Ea, p.Ea); // the others are untouched
      EXPECT_EQ(d.w, p.w);
    }
  // Mean within 5 standard errors; standard deviation within 5 % (the cut
  // at 3 sd lowers it by 1.3 %).
  EXPECT_NEAR(sum / n, 0.0, 5 * 2 / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(sum2 / n), 2.0, 0.1);
  EXPECT_NEAR(log_sum / n, 0.0, 5 * 0.1 / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(log_sum2 / n), 0.1, 0.005);

  // The same seed gives the same devices; another seed others; a device
  // keeps its Tc when only the R0 spread changes.
  const auto again   = devices_from("set Tc spread = 2\nset R0 spread = 0.1\nset Variability seed = 7", n);
  const auto other   = devices_from("set Tc spread = 2\nset R0 spread = 0.1\nset Variability seed = 8", n);
  const auto only_Tc = devices_from("set Tc spread = 2\nset Variability seed = 7", n);
  unsigned int differ = 0;
  for (unsigned int i = 0; i < n; ++i)
    {
      EXPECT_EQ(again[i].Tc, devices[i].Tc);
      EXPECT_EQ(again[i].R0, devices[i].R0);
      EXPECT_EQ(only_Tc[i].Tc, devices[i].Tc);
      EXPECT_EQ(only_Tc[i].R0, p.R0);
      differ += other[i].Tc != devices[i].Tc;
    }
  EXPECT_EQ(differ, n);
}

TEST(VO2Variability, NoSpreadKeepsEveryDeviceAsGiven)
{
  const auto devices = devices_from("set Tc = 330, 331, 332\nset Variability seed = 3", 3);
  EXPECT_EQ(devices[0].Tc, 330);
  EXPECT_EQ(devices[1].Tc, 331);
  EXPECT_EQ(devices[2].Tc, 332);
  EXPECT_EQ(devices[2].R0, p.R0);
}

TEST(VO2Hysteresis, LogisticFormEqualsTheSeedsTanhFormEverywhere)
{
  // F and P are evaluated as 1 / (1 + exp(-2 u)) (one exp) instead of the
  // seed's 1/2 + 1/2 tanh(u). Against the tanh forms of (S2)-(S4), written
  // out here, over 200-500 K on both major branches and on minor branches
  // after reversals (where the proximity term acts): F agrees to 1e-13, R
  // to 1e-13 relative, dR/dT with a central difference of the tanh form to
  // 1e-6 relative (+ 1e-6 Ohm/K).
  const VO2Resistance vo2(p);
  const double        pi = 3.14159265358979323846;
  const auto          seed_F = [&](const double T, const HysteresisState &s) {
    double shift = 0;
    if (s.reversed)
      {
        const double x = (T - s.T_r) / s.T_pr, y = pi * pi - 2 * pi * x;
        shift = s.T_pr * 0.5 * (1 - std::sin(p.gamma * x)) * (1 + std::tanh(y));
      }
    return 0.5 + 0.5 * std::tanh(p.beta * (s.delta * p.w / 2 + p.Tc - (T + shift)));
  };
  const auto seed_R = [&](const double T, const HysteresisState &s) {
    return p.R0 * std::exp(p.Ea / T) * seed_F(T, s) + p.k * p.Rm;
  };
  std::vector<HysteresisState> branches = {HysteresisState(), vo2.reverse(380, {})};
  for (const double T_r : {334.0, 329.0, 336.0})
    branches.push_back(vo2.reverse(T_r, branches.back()));
  int compared = 0;
  for (const auto &branch : branches)
    for (double T = 200; T <= 500; T += 0.37)
      {
        const auto   r = vo2.evaluate(T, branch);
        const double h = 1e-4;
        EXPECT_NEAR(r.F, seed_F(T, branch), 1e-13) << T;
        EXPECT_NEAR(r.R / seed_R(T, branch), 1.0, 1e-13) << T;
        const double slope = (seed_R(T + h, branch) - seed_R(T - h, branch)) / (2 * h);
        EXPECT_NEAR(r.dR_dT, slope, 1e-6 * std::abs(slope) + 1e-6) << T;
        ++compared;
      }
  EXPECT_GT(compared, 4000);
}

namespace
{
  // States a device meets: fresh on either branch, and after reversals at
  // temperatures across the loop (realistic T_r, T_pr of either sign).
  std::vector<HysteresisState>
  states_met(const VO2Resistance &vo2)
  {
    std::vector<HysteresisState> states{HysteresisState()};
    states.push_back(HysteresisState{-1, false, 0, 0});
    for (const double T_r : {300.0, 320.0, 330.0, 334.0, 338.0, 345.0, 380.0})
      for (const int delta : {+1, -1})
        {
          const HysteresisState before{delta, true, 335.0, 4.0};
          states.push_back(vo2.reverse(T_r, before));
          states.push_back(vo2.reverse(T_r, vo2.reverse(T_r - 1.5, before)));
        }
    return states;
  }
} // namespace

namespace
{
  // The batch's values for every state above at T from 200 to 600 K
  // (through the transition, the proximity term and its cut-off at
  // x = 6), one device per parameter set given, against the scalar form:
  // libmvec's exp, sin and cos are within 4 ulp, so every value must agree
  // to 1e-12 of its own scale.
  void
  expect_scalar_values(VO2ResistanceBatch &batch, const std::vector<VO2Parameters> &sets)
  {
    std::vector<VO2Resistance>   scalar;
    std::vector<double>          T;
    std::vector<HysteresisState> state;
    for (const auto &parameters : sets)
      {
        const VO2Resistance vo2(parameters);
        for (const auto &s : states_met(vo2))
          for (double t = 200; t <= 600; t += 0.0625)
            {
              scalar.push_back(vo2);
              batch.add(parameters);
              T.push_back(t);
              state.push_back(s);
            }
      }
    VO2ResistanceBatch::States states(batch);
    states.resize(T.size());
    for (std::size_t i = 0; i < T.size(); ++i)
      states.set(i, T[i], state[i]);
    VO2ResistanceBatch::Values values;
    batch.evaluate(states, values);

    unsigned int with_proximity = 0, failures = 0;
    for (std::size_t i = 0; i < T.size() && failures < 10; ++i)
      {
        const auto  &q = scalar[i].parameters();
        const auto   r = scalar[i].evaluate(T[i], state[i]);
        const double slope_scale = r.R * (q.Ea / (T[i] * T[i]) + 10.0); // [Ohm/K]
        const double R = values.R[i], F = values.F[i], dF = values.dF_dT[i], dR = values.dR_dT[i];
        const bool   ok = std::abs(R - r.R) <= 1e-12 * r.R &&
                        std::abs(F - r.F) <= 1e-12 * r.F + 1e-16 &&
                        std::abs(dF - r.dF_dT) <= 1e-12 * std::abs(r.dF_dT) + 1e-14 &&
                        std::abs(dR - r.dR_dT) <= 1e-12 * slope_scale;
        failures += !ok;
        EXPECT_TRUE(ok) << "T = " << T[i] << " K, branch " << state[i].delta << ", T_r "
                        << state[i].T_r << ", T_pr " << state[i].T_pr << ": batch R " << R
                        << " F " << F << " dF/dT " << dF << " dR/dT " << dR << ", scalar " << r.R
                        << " " << r.F << " " << r.dF_dT << " " << r.dR_dT;
        const double x = (T[i] - state[i].T_r) / state[i].T_pr;
        with_proximity += state[i].reversed && x > -2 && x < 6;
      }
    // The proximity term was exercised, not only the major loop.
    EXPECT_GT(with_proximity, 1000u);
  }
} // namespace

TEST(VO2ResistanceBatch, EqualsTheScalarFormToRoundingOverTheWholeRangeAndBothBranches)
{
  // Two parameter sets: the batch keeps one per device.
  VO2Parameters shifted = p;
  shifted.Tc += 3, shifted.R0 *= 1.7, shifted.gamma = 0.8, shifted.w = 5;
  VO2ResistanceBatch batch;
  expect_scalar_values(batch, {p, shifted});
}

TEST(VO2ResistanceBatch, ASharedModelEqualsTheScalarFormToRounding)
{
  // All devices with one set: the loop reads it once and rounds anew.
  VO2Parameters shifted = p;
  shifted.Tc += 3, shifted.R0 *= 1.7, shifted.gamma = 0.8, shifted.w = 5;
  for (const auto &parameters : {p, shifted})
    {
      VO2ResistanceBatch shared(parameters);
      expect_scalar_values(shared, {parameters});
    }
}

namespace
{
  // A device integrator batches whichever devices are stepping: a device's
  // values must be bit for bit the same wherever it stands (no remainder
  // loop with another exp), or results would depend on the MPI partition.
  // `batch` holds devices 0 and 1.
  void
  expect_independent_of_place(const VO2ResistanceBatch &batch)
  {
    const VO2Resistance          vo2(p);
    const auto                   memories = states_met(vo2);
    std::vector<HysteresisState> memory;
    std::vector<double>          T;
    std::vector<unsigned int>    device;
    for (std::size_t i = 0; i < 13; ++i)
      {
        memory.push_back(memories[(3 * i) % memories.size()]);
        T.push_back(326.0 + 0.7 * i);
        device.push_back(i % 2);
      }
    const auto values_at = [&](const std::size_t offset, const std::size_t size) {
      VO2ResistanceBatch::States states(batch);
      states.resize(size);
      for (std::size_t i = 0; i < size; ++i) // filler: the entries shifted and reversed
        states.set(i, device[12 - i % 13], T[12 - i % 13] + 1, memory[12 - i % 13]);
      for (std::size_t i = 0; i < 13; ++i)
        states.set(offset + i, device[i], T[i], memory[i]);
      VO2ResistanceBatch::Values values;
      batch.evaluate(states, values);
      return values;
    };
    const auto alone = values_at(0, 13);
    for (const auto &[offset, size] : {std::pair<std::size_t, std::size_t>{3, 16},
                                      {5, 21},
                                      {11, 24},
                                      {1, 14}})
      {
        const auto shifted = values_at(offset, size);
        for (std::size_t i = 0; i < 13; ++i)
          {
            EXPECT_EQ(alone.R[i], shifted.R[offset + i]) << i << " at " << offset;
            EXPECT_EQ(alone.dR_dT[i], shifted.dR_dT[offset + i]) << i << " at " << offset;
            EXPECT_EQ(alone.F[i], shifted.F[offset + i]) << i << " at " << offset;
            EXPECT_EQ(alone.dF_dT[i], shifted.dF_dT[offset + i]) << i << " at " << offset;
          }
      }
  }
} // namespace

TEST(VO2ResistanceBatch, ADevicesValuesDoNotDependOnItsPlaceInTheBatch)
{
  VO2Parameters other = p;
  other.Tc += 2, other.gamma = 0.9;
  VO2ResistanceBatch batch;
  batch.add(p), batch.add(other);
  expect_independent_of_place(batch);
  VO2ResistanceBatch shared(p);
  shared.add(p), shared.add(p);
  expect_independent_of_place(shared);
}
