// Electro-thermal co-simulation: circuits driven by the finite-element heat flow.
#include "circuits/neuristor_circuit.h"
#include "mesh/layout.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <unistd.h>
#include <string>
#include <vector>

using namespace neuristor;
using neuristor::test_support::run_case;

namespace
{
  // A 4 x 4 x 1 um block whose every part is one very conductive material
  // (isothermal within 0.5 ns), adiabatic except for a contact conductance
  // h at the bottom: a first-order thermal node with S = h A_bottom and
  // C = rho c_p V, set to the paper's S_th and C_th.
  const double S_th = 0.206e-3, C_th = 49.6e-12;
  const double film_side = 4e-6;

  std::vector<std::string>
  lumped_block(const std::string &end_time)
  {
    std::vector<std::string> layout = {"Layout/Substrate size x=4e-6",
                                       "Layout/Substrate size y=4e-6",
                                       "Layout/Substrate thickness=1e-6",
                                       "Layout/Finest cell size=100e-9",
                                       "Layout/Coarsest cell size=1e-6"};
    dealii::ParameterHandler prm;
    parameter_tools::in_subsection(prm, "Layout", [&] { Layout::declare_parameters(prm); });
    load_parameters(prm, "", layout);
    Layout geometry;
    parameter_tools::in_subsection(prm, "Layout", [&] { geometry.parse_parameters(prm); });
    double volume = 0;
    for (const auto &b : geometry.blocks())
      volume += b.volume();
    const double rho_c = C_th / volume;

    auto o = layout;
    const std::string block = "Block 1e5 " + std::to_string(rho_c / 1000) + " 1000";
    for (const std::string &entry : std::vector<std::string>{
           "Run/Thermal model=finite element", "Run/End time=" + end_time,
          "Materials/User materials=" + block, "Materials/Substrate=Block",
          "Materials/Channel=Block", "Materials/Adhesion layer=Block",
          "Materials/Electrode=Block", "Thermal boundary/Sides=adiabatic",
          "Thermal boundary/Bottom=heat transfer",
          "Thermal boundary/Bottom heat transfer coefficient=" +
            std::to_string(S_th / (film_side * film_side)),
          "Finite-element coupling/Field output interval=0"})
      o.push_back(entry);
    return o;
  }
} // namespace

TEST(ElectroThermal, FirstOrderBlockMatchesLumpedMode)
{
  // The lumped reference has the same S_th, C_th (the defaults) and circuit.
  const auto lumped = run_case({"Run/End time=10e-6"});
  const auto fe     = run_case(lumped_block("10e-6"));
  const auto t_l = lumped.spike_times(0), t_f = fe.spike_times(0);
  ASSERT_GE(t_l.size(), 3u);
  ASSERT_EQ(t_f.size(), t_l.size());
  double worst = 0;
  for (std::size_t k = 0; k < t_l.size(); ++k)
    {
      EXPECT_NEAR(t_f[k] / t_l[k], 1.0, 0.01) << "spike " << k;
      worst = std::max(worst, std::abs(t_f[k] / t_l[k] - 1));
    }
  std::printf("%zu spikes, worst relative difference of spike times %.3g\n", t_l.size(), worst);
  const double period_l = t_l.back() - t_l[t_l.size() - 2];
  const double period_f = t_f.back() - t_f[t_f.size() - 2];
  EXPECT_NEAR(period_f / period_l, 1.0, 0.01);
}

TEST(ElectroThermal, ThreeRegimesOfTheFirstOrderBlock)
{
  // Fig. 2: quiescent at 9 V, periodic at 12.5 V, a few spikes then trapped at 15.8 V.
  const auto regime = [](const std::string &volts) {
    auto o = lumped_block("8e-6");
    o.push_back("Circuit/Input=dc(" + volts + ")");
    return run_case(o).devices[0];
  };
  EXPECT_EQ(regime("9").state, "quiescent");
  const auto periodic = regime("12.5");
  EXPECT_EQ(periodic.state, "spiking");
  EXPECT_GE(periodic.spike_count, 2u);
  const auto trapped = regime("15.8");
  EXPECT_EQ(trapped.state, "trapped");
  EXPECT_GE(trapped.spike_count, 1u); // a few spikes, then trapped
  EXPECT_LE(trapped.spike_count, 3u);
}

TEST(ElectroThermal, CalibratedFig2DeviceShowsTheThreeRegimes)
{
  // cases/fe_fig2_single_device.prm: the layout calibrated to the seed's
  // S_th and C_th with the seed's circuit. Quiescent at 9 V, periodic at
  // 12.5 V (it is not first order: a faster period than lumped mode's
  // 2.85 us, and F recovers only to ~0.45 between spikes), one spike and
  // then trapped at 15.8 V.
  const auto regime = [](const std::string &volts) {
    return run_case({"Circuit/Input=dc(" + volts + ")", "Run/End time=6e-6",
                     "Finite-element coupling/Field output interval=0"},
                    std::string(NEURISTOR_CASES_DIR) + "/fe_fig2_single_device.prm");
  };
  EXPECT_EQ(regime("9").devices[0].state, "quiescent");
  const auto periodic = regime("12.5");
  EXPECT_EQ(periodic.devices[0].state, "spiking");
  const auto t = periodic.spike_times(0);
  ASSERT_GE(t.size(), 3u);
  EXPECT_NEAR(t[0], 2.25e-6, 0.15e-6);
  EXPECT_NEAR(t[2] - t[1], 1.63e-6, 0.15e-6);
  const auto trapped = regime("15.8").devices[0];
  EXPECT_EQ(trapped.state, "trapped");
  EXPECT_GE(trapped.spike_count, 1u); // a few spikes, then trapped
  EXPECT_LE(trapped.spike_count, 3u);
}

TEST(ElectroThermal, SpikeTimesConvergeWithTheTolerance)
{
  // The step size follows the tolerance: spike times converge to a
  // reference at a tight tolerance, and tightening helps.
  const auto times = [](const std::string &rtol) {
    auto o = lumped_block("7e-6");
    o.push_back("Time integration/Relative tolerance=" + rtol);
    o.push_back("Time integration/Absolute temperature tolerance=" + rtol);
    o.push_back("Time integration/Absolute voltage tolerance=" + rtol);
    return run_case(o).spike_times(0);
  };
  const auto reference = times("1e-5");
  const auto coarse = times("1e-3"), fine = times("1e-4");
  ASSERT_GE(reference.size(), 2u);
  ASSERT_EQ(coarse.size(), reference.size());
  ASSERT_EQ(fine.size(), reference.size());
  double e_coarse = 0, e_fine = 0;
  for (std::size_t k = 0; k < reference.size(); ++k)
    {
      e_coarse = std::max(e_coarse, std::abs(coarse[k] - reference[k]));
      e_fine   = std::max(e_fine, std::abs(fine[k] - reference[k]));
    }
  std::printf("spike-time error vs rtol 1e-5: %.3g ns (rtol 1e-3), %.3g ns (1e-4)\n",
              e_coarse * 1e9, e_fine * 1e9);
  EXPECT_LT(e_fine, 20e-9);
  EXPECT_LT(e_fine, e_coarse);
}

TEST(ElectroThermal, NearerDeviceFiresFirst)
{
  // Fig. S6 analogue (cases/fe_distance_three_devices.prm, full finite
  // element on the 100 nm mesh and voltages of earlier versions): A at 8 V
  // spikes; B (0.5 um from A) and C (1.5 um on the other side) get the same
  // sub-threshold 4.8 V. Heat from A reaches B sooner and stronger, so
  // B needs fewer of A's spikes to fire than C. (The case itself, on its
  // converged mesh, is checked by the test fe_distance_case.)
  const auto result = run_case({"Finite-element coupling/Field output interval=0",
                                "Run/Thermal model=finite element",
                                "Layout/Finest cell size=100e-9", "Run/End time=1.5e-6",
                                "Circuit/Input=dc(8); dc(4.8); dc(4.8)"},
                               NEURISTOR_CASES_DIR "/fe_distance_three_devices.prm");
  const auto a = result.spike_times(0), b = result.spike_times(1), c = result.spike_times(2);
  ASSERT_GE(a.size(), 3u);
  ASSERT_GE(b.size(), 1u) << "B, 0.5 um from A, should fire";
  const auto spikes_of_a_before = [&](const double t) {
    return std::count_if(a.begin(), a.end(), [t](const double s) { return s < t; });
  };
  std::printf("A spikes before B fires: %ld; C spikes: %zu\n",
              static_cast<long>(spikes_of_a_before(b.front())), c.size());
  if (!c.empty())
    {
      EXPECT_LT(spikes_of_a_before(b.front()), spikes_of_a_before(c.front()));
    }
  EXPECT_LE(spikes_of_a_before(b.front()), 3);
}

TEST(ElectroThermal, FilamentHeating)
{
  // One physical device (tutorial layout) at 8 V. With k = 1 the filament
  // strip is the whole channel, so filament heating must change nothing.
  const auto device = [](const std::string &k, const bool filament) {
    return run_case({"Layout/Count=1", "Run/Device names=A", "Circuit/Input=dc(8)", "Run/End time=1.5e-6",
                     "VO2/Filament factor k=" + k,
                     std::string("Finite-element coupling/Filament heating=") +
                       (filament ? "true" : "false"),
                     "Finite-element coupling/Field output interval=0"},
                    NEURISTOR_CASES_DIR "/tutorial_pair.prm");
  };
  const auto plain = device("1", false).spike_times(0);
  const auto strip = device("1", true).spike_times(0);
  ASSERT_GE(plain.size(), 2u);
  ASSERT_EQ(strip.size(), plain.size());
  for (std::size_t k = 0; k < plain.size(); ++k)
    EXPECT_NEAR(strip[k] / plain[k], 1.0, 1e-6) << "spike " << k;

  // With the seed's k = 4.9 the metallic share of the power goes into a
  // 20 nm strip: the device, read where its current flows, runs hotter
  // while metallic. The strip is thinner than the heat's spread across the
  // 100 nm channel in a nanosecond, so the rhythm barely changes.
  const auto hottest = [](const bool filament, std::vector<double> &spikes) {
    const std::string folder = testing::TempDir() + "neuristor_filament_" +
                               (filament ? "on" : "off") + std::to_string(getpid());
    std::string out;
    EXPECT_EQ(test_support::run_binary(
                "run " NEURISTOR_CASES_DIR "/tutorial_pair.prm -q -o " + folder +
                  " --set Layout/Count=1 --set 'Run/Device names=A' --set 'Circuit/Input=dc(8)'"
                  " --set 'Run/End time=1.5e-6' --set 'Run/Trace interval=1e-9'"
                  " --set Run/Plot=false"
                  " --set 'Finite-element coupling/Field output interval=0'"
                  " --set 'Finite-element coupling/Filament heating=" +
                  (filament ? "true'" : "false'"),
                out),
              0)
      << out;
    std::ifstream in(folder + "/traces.csv");
    std::string   line;
    double        T_max = 0;
    std::getline(in, line); // time_s,device,v_in_V,v_device_V,i_load_A,i_device_A,temperature_K,...
    while (std::getline(in, line))
      {
        std::istringstream row(line);
        std::string        cell;
        for (int column = 0; column <= 6 && std::getline(row, cell, ','); ++column)
          if (column == 6)
            T_max = std::max(T_max, std::stod(cell));
      }
    std::ifstream table(folder + "/spikes.csv");
    std::getline(table, line);
    while (std::getline(table, line))
      spikes.push_back(std::stod(line.substr(line.find(',') + 1)));
    std::filesystem::remove_all(folder);
    return T_max;
  };
  std::vector<double> t_uniform, t_filament;
  const double        T_uniform = hottest(false, t_uniform), T_filament = hottest(true, t_filament);
  std::printf("k = 4.9: hottest %.1f K uniform, %.1f K with the filament; periods %.1f / %.1f ns\n",
              T_uniform, T_filament, (t_uniform.back() - t_uniform[t_uniform.size() - 2]) * 1e9,
              (t_filament.back() - t_filament[t_filament.size() - 2]) * 1e9);
  EXPECT_GT(T_filament, T_uniform + 5);
  ASSERT_GE(t_uniform.size(), 3u);
  ASSERT_EQ(t_filament.size(), t_uniform.size());
  EXPECT_NEAR(t_filament.back() / t_uniform.back(), 1.0, 0.05);
}

TEST(ElectroThermal, DirectDriveSourceCurrentIncludesTheCapacitorInBothModels)
{
  // R_load = 0 on a 2 V/us ramp: V follows V_in, and the source current is
  // the device current plus C dV_in/dt (0.29 mA with C = 145 pF), the same
  // trace sample in lumped and finite-element mode.
  const double C = 145e-12, slope = 2e6;
  const std::vector<std::string> drive = {"Circuit/Load resistance=0",
                                          "Circuit/Input=pwl(0 0, 2e-6 4)",
                                          "Run/Plot=false", "Run/Trace interval=50e-9"};
  const auto lumped_options = [&]() {
    auto o = drive;
    o.push_back("Run/End time=1.5e-6");
    return o;
  };
  auto fe_options = lumped_block("1.5e-6");
  fe_options.insert(fe_options.end(), drive.begin(), drive.end());
  for (const auto &options : {lumped_options(), fe_options})
    {
      const auto dir = std::filesystem::temp_directory_path() /
                       ("neuristor_direct_drive_" + std::to_string(getpid()));
      std::filesystem::remove_all(dir);
      std::string arguments = "run -q -o " + dir.string();
      for (const auto &o : options)
        arguments += " --set '" + o + "'";
      std::string out;
      ASSERT_EQ(test_support::run_binary(arguments, out), 0) << out;
      std::ifstream traces(dir / "traces.csv");
      std::string   line;
      std::getline(traces, line);
      unsigned int rows = 0;
      while (std::getline(traces, line))
        {
          double t, v_in, v_dev, i_load, i_dev;
          unsigned int device;
          ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%u,%lf,%lf,%lf,%lf", &t, &device, &v_in, &v_dev,
                                &i_load, &i_dev),
                    6)
            << line;
          if (t <= 0)
            continue;
          EXPECT_NEAR(v_dev, v_in, 1e-9) << line;
          EXPECT_NEAR(i_load - i_dev, C * slope, 1e-6 * C * slope) << line;
          ++rows;
        }
      EXPECT_GE(rows, 29u);
      std::filesystem::remove_all(dir);
    }
}

namespace
{
  // A device model defined only here: a resistor whose R falls linearly with
  // T (-0.2 %/K from 20 kOhm at T0) and whose own spike indicator F drops
  // smoothly from 1 to 0 across T_s. It is registered by name and then run
  // through both thermal models with no change anywhere else.
  constexpr double resistor_R0 = 20e3, resistor_slope = -2e-3, resistor_T0 = 325,
                   resistor_Ts = 328;

  class LinearResistor : public DeviceModel
  {
  public:
    ResistanceValue
    evaluate(const double T, const HysteresisState &) const override
    {
      const double R = resistor_R0 * (1 + resistor_slope * (T - resistor_T0));
      const double e = std::exp(T - resistor_Ts);
      return {R, resistor_R0 * resistor_slope, 1 / (1 + e), -e / ((1 + e) * (1 + e))};
    }

    HysteresisState
    reverse(const double, const HysteresisState &state) const override
    {
      HysteresisState flipped = state;
      flipped.delta           = -state.delta;
      return flipped;
    }
  };

  const char *
  register_linear_resistor()
  {
    static const bool registered = [] {
      device_circuits::registry().add(
        {"test resistor", "a linear resistor defined in test_electrothermal.cc",
         [](dealii::ParameterHandler &) {},
         [](dealii::ParameterHandler &, const std::vector<CircuitParameters> &circuits) {
           DeviceCircuits devices;
           for (const auto &c : circuits) // in the RC circuit of the VO2 device
             devices.push_back(
               std::make_shared<NeuristorCircuit>(std::make_shared<LinearResistor>(), c));
           return devices;
         }});
      return true;
    }();
    (void)registered;
    return "Run/Device model=test resistor";
  }

  // A device in a circuit of its own, defined only here through the
  // circuit-level interface: the linear resistor above fed by a constant
  // current source I_s, with a capacitor C across it,
  //   C dV/dt = I_s - V/R(T).
  // No voltage source, no R_load, no input edges.
  constexpr double source_current = 0.25e-3, source_capacitance = 10e-12;

  class CurrentDrivenThermistor : public DeviceCircuit
  {
  public:
    double
    initial_voltage() const override
    {
      return 0;
    }
    ResistanceValue
    device_state(const double T, const HysteresisState &memory) const override
    {
      return resistor.evaluate(T, memory);
    }
    double
    filament_fraction() const override
    {
      return 1;
    }
    VoltageRate
    voltage_rate(const double, const double V, const ResistanceValue &r, const bool) const override
    {
      const double C = source_capacitance;
      return {(source_current - V / r.R) / C, -1 / (r.R * C), V * r.dR_dT / (r.R * r.R * C), 0};
    }
    CircuitResidual
    residual(const double t, const double V, const double V_rate, const double dV_rate_dV,
             const ResistanceValue &r, const bool end_of_step) const override
    {
      return capacitor_residual(source_capacitance, voltage_rate(t, V, r, end_of_step), V_rate,
                                dV_rate_dV);
    }
    double
    next_breakpoint(const double) const override
    {
      return std::numeric_limits<double>::infinity();
    }
    HysteresisState
    reverse(const double T, const HysteresisState &memory) const override
    {
      return resistor.reverse(T, memory);
    }
    Sample
    sample(const unsigned int device, const double t, const double V, const double T,
           const HysteresisState &memory) const override
    {
      const double R = resistor.evaluate(T, memory).R;
      return {t, device, V, V, source_current, V / R, T, R, V * V / R};
    }
    double
    load_current(const double, const double, const double) const override
    {
      return source_current;
    }
    bool
    direct_drive() const override
    {
      return false;
    }

  private:
    LinearResistor resistor;
  };

  const char *
  register_current_driven_thermistor()
  {
    static const bool registered = [] {
      device_circuits::registry().add(
        {"test current-driven thermistor",
         "a current-driven resistor defined in test_electrothermal.cc",
         [](dealii::ParameterHandler &) {},
         [](dealii::ParameterHandler &, const std::vector<CircuitParameters> &circuits) {
           return DeviceCircuits(circuits.size(), std::make_shared<CurrentDrivenThermistor>());
         }});
      return true;
    }();
    (void)registered;
    return "Run/Device model=test current-driven thermistor";
  }
} // namespace

TEST(ElectroThermal, DeviceModelDefinedInATestRunsThroughBothThermalModels)
{
  const std::vector<std::string> circuit = {register_linear_resistor(), "Circuit/Input=dc(8)",
                                            "Run/Plot=false"};
  // Steady state of the lumped node: S_th (T - T0) = V_dev^2 / R(T), V_dev
  // divided between R(T) and R_load = 12 kOhm.
  double T = resistor_T0;
  for (int k = 0; k < 100; ++k)
    {
      const double R = resistor_R0 * (1 + resistor_slope * (T - resistor_T0));
      const double V = 8 * R / (R + 12e3);
      T              = resistor_T0 + V * V / R / S_th;
    }
  ASSERT_GT(T - resistor_T0, 5.0); // hot enough to cross T_s: the indicator fires

  auto lumped_options = circuit;
  // R_load C = 1.74 us: 20 us settle V and T to 1e-5.
  lumped_options.push_back("Run/End time=20e-6");
  auto fe_options = lumped_block("20e-6");
  fe_options.insert(fe_options.end(), circuit.begin(), circuit.end());
  const auto lumped = run_case(lumped_options);
  const auto fe     = run_case(fe_options);
  EXPECT_NEAR(lumped.final_temperatures[0], T, 1e-3);
  EXPECT_NEAR(fe.final_temperatures[0] - resistor_T0, T - resistor_T0, 0.01 * (T - resistor_T0));
  for (const auto &result : {lumped, fe})
    {
      // The model's own indicator went low after ~0.1 us and stayed there,
      // while the current settled smoothly: trapped, without a spike.
      EXPECT_EQ(result.devices[0].state, "trapped");
      EXPECT_EQ(result.devices[0].spike_count, 0u);
    }
  std::printf("steady %.4f K: lumped %.4f K, finite element %.4f K\n", T,
              lumped.final_temperatures[0], fe.final_temperatures[0]);
}

TEST(ElectroThermal, DeviceCircuitDefinedInATestRunsThroughBothThermalModels)
{
  // Steady state: S_th (T - T0) = I_s^2 R(T) with R linear in T, in closed form.
  const double heat  = source_current * source_current * resistor_R0; // W at T0
  const double rise  = heat / (S_th - heat * resistor_slope);
  const double shift = heat / S_th; // what a fixed R would give instead
  ASSERT_GT(rise, resistor_Ts - resistor_T0); // the indicator fires
  ASSERT_GT(std::abs(rise - shift), 0.02);    // and R(T) matters

  const std::vector<std::string> device = {register_current_driven_thermistor(), "Run/Plot=false"};
  auto lumped_options = device;
  lumped_options.push_back("Run/End time=10e-6"); // RC 0.2 us, C_th/S_th 0.24 us
  auto fe_options = lumped_block("10e-6");
  fe_options.insert(fe_options.end(), device.begin(), device.end());
  const auto lumped = run_case(lumped_options);
  const auto fe     = run_case(fe_options);
  EXPECT_NEAR(lumped.final_temperatures[0] - resistor_T0, rise, 1e-3);
  EXPECT_NEAR(fe.final_temperatures[0] - resistor_T0, rise, 0.01 * rise);
  for (const auto &result : {lumped, fe})
    {
      EXPECT_EQ(result.devices[0].state, "trapped");
      EXPECT_EQ(result.devices[0].spike_count, 0u);
    }
  std::printf("steady rise %.4f K: lumped %.4f K, finite element %.4f K\n", rise,
              lumped.final_temperatures[0] - resistor_T0, fe.final_temperatures[0] - resistor_T0);
}
