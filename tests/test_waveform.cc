// Input waveforms: values, slopes, breakpoints, sums and parse errors.
#include "circuits/waveform.h"
#include "solver/case/input_error.h"

#include <gtest/gtest.h>

#include <cmath>

using neuristor::InputError;
using neuristor::Waveform;

TEST(Waveform, DcAndSum)
{
  const auto w = Waveform::parse("dc(5.7) + dc(1e+0)", "test");
  EXPECT_DOUBLE_EQ(w.value(3e-6), 6.7);
  EXPECT_DOUBLE_EQ(w.derivative(3e-6), 0);
  EXPECT_TRUE(std::isinf(w.next_breakpoint(0)));
}

TEST(Waveform, SinglePulseWithRamps)
{
  const auto w = Waveform::parse("pulse(amplitude=5, delay=1e-6, width=2e-6, rise=1e-7, fall=2e-7)", "t");
  EXPECT_DOUBLE_EQ(w.value(0.5e-6), 0);
  EXPECT_NEAR(w.value(1.05e-6), 2.5, 1e-9);
  EXPECT_NEAR(w.derivative(1.05e-6), 5 / 1e-7, 1e-3);
  // At the top of the ramp (where a step lands): right derivative 0, left
  // derivative the ramp's.
  const double top = w.next_breakpoint(1.05e-6);
  EXPECT_DOUBLE_EQ(w.derivative(top), 0);
  EXPECT_NEAR(w.derivative(top, true), 5 / 1e-7, 1e-3);
  EXPECT_DOUBLE_EQ(w.value(2e-6), 5);
  EXPECT_NEAR(w.value(3.2e-6), 2.5, 1e-9);
  EXPECT_DOUBLE_EQ(w.value(4e-6), 0);
  EXPECT_DOUBLE_EQ(w.next_breakpoint(0), 1e-6);
  EXPECT_DOUBLE_EQ(w.next_breakpoint(1e-6), 1.1e-6);
  EXPECT_DOUBLE_EQ(w.next_breakpoint(1.5e-6), 3.1e-6);
}

TEST(Waveform, PulseTrainDutyAndEdges)
{
  // Fig. 4: 1 us period, 50 % duty, sharp edges.
  const auto w = Waveform::parse("train(amplitude=9.1, period=1e-6, duty=0.5)", "t");
  EXPECT_DOUBLE_EQ(w.value(0.25e-6), 9.1);
  EXPECT_DOUBLE_EQ(w.value(0.75e-6), 0);
  EXPECT_DOUBLE_EQ(w.value(3.2e-6), 9.1);
  // Right-continuous at a falling edge, left limit is the high value.
  EXPECT_DOUBLE_EQ(w.value(0.5e-6), 0);
  EXPECT_DOUBLE_EQ(w.value(0.5e-6, true), 9.1);
  EXPECT_DOUBLE_EQ(w.value(1e-6, true), 0);
  EXPECT_DOUBLE_EQ(w.next_breakpoint(0.6e-6), 1e-6);
  EXPECT_DOUBLE_EQ(w.next_breakpoint(1e-6), 1.5e-6);
  // A limited count stops the train.
  const auto two = Waveform::parse("train(amplitude=1, period=1e-6, duty=0.8, count=2)", "t");
  EXPECT_DOUBLE_EQ(two.value(1.5e-6), 1);
  EXPECT_DOUBLE_EQ(two.value(2.5e-6), 0);
  EXPECT_TRUE(std::isinf(two.next_breakpoint(1.9e-6)));
}

TEST(Waveform, PiecewiseLinear)
{
  const auto w = Waveform::parse("pwl(0 0, 1e-6 5, 3e-6 5, 4e-6 1)", "t");
  EXPECT_DOUBLE_EQ(w.value(0.5e-6), 2.5);
  EXPECT_DOUBLE_EQ(w.derivative(0.5e-6), 5e6);
  EXPECT_DOUBLE_EQ(w.value(3.5e-6), 3);
  EXPECT_DOUBLE_EQ(w.value(10e-6), 1);
  EXPECT_DOUBLE_EQ(w.next_breakpoint(1e-6), 3e-6);
}

TEST(Waveform, MalformedInputIsRefusedWithTheEntryName)
{
  for (const std::string bad :
       {"", "dc", "dc(abc)", "sine(1)", "pulse(amplitude=1)", "pulse(amplitude=1, width=-1)",
        "train(amplitude=1, period=1e-6, duty=1.5)", "train(amplitude=1, period=0, duty=0.5)",
        "pwl(0 0, 0 1)", "pwl(1)", "pulse(amplitude=1, width=1e-6, colour=3)", "dc(1) + "})
    {
      try
        {
          Waveform::parse(bad, "Circuit/Input");
          ADD_FAILURE() << "accepted '" << bad << "'";
        }
      catch (const InputError &e)
        {
          EXPECT_EQ(e.entry, "Circuit/Input") << bad;
        }
    }
}
