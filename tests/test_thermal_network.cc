// The lumped thermal network: coupling layouts and the steady coupling ratio.
#include "solver/thermal_models/lumped/lumped_thermal_network.h"
#include "solver/case/input_error.h"
#include "solver/case/parameter_file.h"
#include "mesh/layout.h"
#include "solver/case/case_schema.h"
#include "solver/thermal_models/lumped/lumped_model.h"
#include "test_helpers.h"

#include <iomanip>
#include <sstream>

#include <gtest/gtest.h>

using namespace neuristor;

namespace
{
  LumpedThermalNetwork
  network_from(const std::vector<std::string> &overrides)
  {
    dealii::ParameterHandler prm;
    prm.enter_subsection("Thermal network");
    LumpedThermalNetwork::declare_parameters(prm);
    prm.leave_subsection();
    load_parameters(prm, "", overrides);
    prm.enter_subsection("Thermal network");
    LumpedThermalNetwork network;
    network.parse_parameters(prm);
    return network;
  }
} // namespace

TEST(ThermalNetwork, LatticeNeighboursAndConductances)
{
  const auto net = network_from({"Thermal network/Coupling=lattice",
                                 "Thermal network/Lattice rows=3",
                                 "Thermal network/Lattice columns=4",
                                 "Thermal network/Eta=0.02"});
  ASSERT_EQ(net.n_devices(), 12u);
  EXPECT_EQ(net.links(0).size(), 2u);  // corner
  EXPECT_EQ(net.links(1).size(), 3u);  // edge
  EXPECT_EQ(net.links(5).size(), 4u);  // interior
  EXPECT_DOUBLE_EQ(net.eta(5, 6), 0.02);
  EXPECT_DOUBLE_EQ(net.eta(5, 9), 0.02);
  EXPECT_DOUBLE_EQ(net.eta(5, 10), 0.0);
  // Every device keeps its total conductance S_th.
  for (unsigned i = 0; i < 12; ++i)
    EXPECT_NEAR(net.node(i).S_env + net.node(i).S_coupled, 0.206e-3, 1e-15);
}

TEST(ThermalNetwork, DistanceLawAndMatrix)
{
  const auto net = network_from({"Thermal network/Coupling=distance",
                                 "Thermal network/Positions=0 0; 0.6e-6 0; 2e-6 0",
                                 "Thermal network/Eta=0.5",
                                 "Thermal network/Coupling length=0.5e-6",
                                 "Thermal network/Coupling cutoff=1.5e-6"});
  EXPECT_NEAR(net.eta(0, 1), 0.5 * std::exp(-1.2), 1e-12);
  EXPECT_NEAR(net.eta(1, 2), 0.5 * std::exp(-2.8), 1e-12);
  EXPECT_DOUBLE_EQ(net.eta(0, 2), 0.0); // beyond the cutoff
  const auto m = network_from({"Thermal network/Coupling=matrix",
                               "Thermal network/Eta matrix=0 0.1 0; 0.1 0 0.05; 0 0.05 0"});
  EXPECT_DOUBLE_EQ(m.eta(1, 2), 0.05);
  EXPECT_NEAR(m.node(1).S_env, (1 - 0.15) * 0.206e-3, 1e-15);
}

TEST(ThermalNetwork, BadCouplingIsRefused)
{
  const std::vector<std::vector<std::string>> bad = {
    {"Thermal network/Coupling=matrix", "Thermal network/Eta matrix=0 0.1; 0.1"},
    {"Thermal network/Coupling=matrix", "Thermal network/Eta matrix=0.1 0; 0 0"},
    {"Thermal network/Coupling=matrix", "Thermal network/Eta matrix=0 0.7 0.5; 0 0 0; 0 0 0"},
    {"Thermal network/Coupling=distance", "Thermal network/Positions=0 0; 0 0"},
    {"Thermal network/Coupling=lattice", "Thermal network/Lattice rows=2",
     "Thermal network/Number of devices=3"},
    {"Thermal network/Thermal capacitance=-1e-12"}};
  for (const auto &overrides : bad)
    EXPECT_THROW(network_from(overrides), InputError) << overrides.back();
}

TEST(ThermalNetwork, SteadyRiseRatioEqualsEta)
{
  // Device 0 heated at constant power (driven directly, insulating), device 1
  // unpowered: in the steady state dT_1 / dT_0 = eta exactly (DESIGN.md 4).
  const auto r = test_support::run_case({"Thermal network/Coupling=chain",
                                    "Thermal network/Number of devices=2",
                                    "Thermal network/Eta=0.15",
                                    "Circuit/Load resistance=0",
                                    "Circuit/Input=dc(3); dc(0)",
                                    "Run/End time=5e-6"});
  ASSERT_EQ(r.final_temperatures.size(), 2u);
  const double rise0 = r.final_temperatures[0] - 325, rise1 = r.final_temperatures[1] - 325;
  EXPECT_GT(rise0, 0.05);
  EXPECT_NEAR(rise1 / rise0, 0.15, 1e-4);
}

TEST(ThermalNetwork, DistanceLawOverTheLayoutsDevices)
{
  // Positions = layout takes the Layout section's channel centres: the same
  // network as those centres written out, and nothing without a layout.
  const auto model = [](const std::string &positions) {
    dealii::ParameterHandler prm;
    case_schema::declare_parameters(prm);
    load_parameters(prm, "",
                    {"Run/Thermal model=lumped", "Layout/Arrangement=lattice", "Layout/Rows=2",
                     "Layout/Columns=3", "Thermal network/Coupling=distance",
                     "Thermal network/Positions=" + positions, "Thermal network/Eta=0.06",
                     "Thermal network/Coupling length=1.2e-6", "Thermal network/Coupling cutoff=5e-6"});
    return LumpedModel(prm);
  };
  dealii::ParameterHandler prm;
  case_schema::declare_parameters(prm);
  load_parameters(prm, "", {"Layout/Arrangement=lattice", "Layout/Rows=2", "Layout/Columns=3"});
  Layout layout;
  prm.enter_subsection("Layout");
  layout.parse_parameters(prm);
  prm.leave_subsection();
  std::ostringstream written;
  written << std::setprecision(17);
  for (const auto &c : layout.device_centres())
    written << (written.tellp() > 0 ? "; " : "") << c[0] << " " << c[1];

  const auto from_layout = model("layout"), from_list = model(written.str());
  ASSERT_EQ(from_layout.n_devices(), 6u);
  ASSERT_EQ(from_list.n_devices(), 6u);
  double coupled = 0;
  for (unsigned int i = 0; i < 6; ++i)
    {
      EXPECT_DOUBLE_EQ(from_layout.thermal_network().node(i).S_coupled, from_list.thermal_network().node(i).S_coupled) << i;
      coupled += from_layout.thermal_network().node(i).S_coupled;
    }
  EXPECT_GT(coupled, 0.0); // the devices are within the cutoff of each other

  EXPECT_THROW(network_from({"Thermal network/Coupling=distance", "Thermal network/Positions=layout"}),
               InputError);
}
