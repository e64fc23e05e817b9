// The 3-D heat equation: manufactured solutions (space and time orders),
// a layered steady case with a closed-form answer, the energy balance, and
// agreement between a distributed and a serial solve; power split into
// filaments.
#include "solver/thermal_models/finite_element/heat_equation.h"
#include "solver/case/parameter_file.h"

#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>

using namespace neuristor;
using namespace dealii;

namespace
{
  constexpr double pi = numbers::PI;

  // Two materials: id 0 (k = 1, rho c_p = 1) and id 1 (k = 3, rho c_p = 2).
  ThermalMaterials
  two_materials()
  {
    ParameterHandler prm;
    prm.enter_subsection("Materials");
    ThermalMaterials::declare_parameters(prm);
    prm.leave_subsection();
    load_parameters(prm, "", {"Materials/Sapphire/Thermal conductivity=1",
                              "Materials/Sapphire/Density=1", "Materials/Sapphire/Specific heat=1",
                              "Materials/VO2/Thermal conductivity=3", "Materials/VO2/Density=2",
                              "Materials/VO2/Specific heat=1"});
    prm.enter_subsection("Materials");
    ThermalMaterials m;
    m.parse_parameters(prm);
    return m;
  }

  const double k_of[2]  = {1, 3};
  const double rc_of[2] = {1, 2};

  int
  material_side(const Point<3> &p)
  {
    return p[0] > 0.5 ? 1 : 0;
  }

  // theta = sin(2 pi x)/k(x) sin(pi y) sin(pi z) tau(t): continuous, with
  // continuous flux k d(theta)/dx across x = 1/2, zero on the boundary.
  double
  tau(const double t)
  {
    return 1 + 0.5 * std::sin(4 * t);
  }
  class ExactTheta : public Function<3>
  {
  public:
    double
    value(const Point<3> &p, const unsigned int = 0) const override
    {
      return std::sin(2 * pi * p[0]) / k_of[material_side(p)] * std::sin(pi * p[1]) *
             std::sin(pi * p[2]) * tau(get_time());
    }
  };
  class ExactSource : public Function<3>
  {
  public:
    double
    value(const Point<3> &p, const unsigned int = 0) const override
    {
      const double t = get_time(), S = std::sin(pi * p[1]) * std::sin(pi * p[2]);
      const double s = std::sin(2 * pi * p[0]);
      return rc_of[material_side(p)] / k_of[material_side(p)] * s * S * 2 * std::cos(4 * t) +
             6 * pi * pi * s * S * tau(t);
    }
  };

  void
  unit_cube(parallel::distributed::Triangulation<3> &tria, const unsigned int n)
  {
    GridGenerator::subdivided_hyper_cube(tria, n, 0, 1, true);
    for (const auto &cell : tria.active_cell_iterators())
      cell->set_material_id(material_side(cell->center()));
  }

  double
  manufactured_error(const unsigned int n, const double dt, const unsigned int degree,
                     const std::set<types::boundary_id> &fixed, Function<3> &exact,
                     Function<3> &source, const MPI_Comm comm = MPI_COMM_SELF)
  {
    parallel::distributed::Triangulation<3> tria(comm);
    unit_cube(tria, n);
    const auto         materials = two_materials();
    HeatSolverSettings settings;
    settings.degree    = degree;
    settings.tolerance = 1e-12;
    HeatEquation heat(tria, materials, BoundaryConditions{fixed, {}}, 0, [](const Point<3> &) { return -1; },
                      settings, 0.0);
    exact.set_time(0);
    heat.interpolate(exact);
    const double end = 0.5;
    while (heat.time() < end - 1e-12)
      heat.step(dt, {}, &source);
    exact.set_time(heat.time());
    return heat.l2_error(exact);
  }
} // namespace

TEST(HeatEquation, SecondOrderInSpaceAcrossTwoMaterials)
{
  ExactTheta          exact;
  ExactSource         source;
  const std::set<types::boundary_id> all = {0, 1, 2, 3, 4, 5};
  std::vector<double> errors;
  for (const unsigned int n : {4, 8, 16})
    errors.push_back(manufactured_error(n, 0.5 / 64, 1, all, exact, source));
  for (unsigned int i = 0; i + 1 < errors.size(); ++i)
    {
      const double order = std::log2(errors[i] / errors[i + 1]);
      EXPECT_GT(order, 1.8) << "h = 1/" << (4 << i);
      EXPECT_LT(order, 2.3);
    }
}

namespace
{
  // theta = z (2 - z) tau(t): zero at z = 0, no flux at z = 1 or the sides;
  // quadratic, so Q2 represents it exactly and only the time error is left.
  class LayerTheta : public Function<3>
  {
  public:
    double
    value(const Point<3> &p, const unsigned int = 0) const override
    {
      return p[2] * (2 - p[2]) * tau(get_time());
    }
  };
  class LayerSource : public Function<3>
  {
  public:
    double
    value(const Point<3> &p, const unsigned int = 0) const override
    {
      const double t = get_time();
      return rc_of[material_side(p)] * p[2] * (2 - p[2]) * 2 * std::cos(4 * t) +
             2 * k_of[material_side(p)] * tau(t);
    }
  };
} // namespace

TEST(HeatEquation, SecondOrderInTimeBDF2)
{
  LayerTheta          exact;
  LayerSource         source;
  std::vector<double> errors;
  for (const double dt : {0.05, 0.025, 0.0125, 0.00625})
    errors.push_back(manufactured_error(2, dt, 2, {4}, exact, source));
  for (unsigned int i = 0; i + 1 < errors.size(); ++i)
    {
      const double order = std::log2(errors[i] / errors[i + 1]);
      EXPECT_GT(order, 1.8) << "step " << i << ": " << errors[i] << " / " << errors[i + 1];
      EXPECT_LT(order, 2.3);
    }
}

namespace
{
  // Two layers in z: k1 = 1 below (0 < z < d1), k2 = 3 above (d1 < z < d1 +
  // d2) with the heat source; bottom fixed, all else adiabatic.
  const double d1 = 0.6, d2 = 0.4;

  void
  layered_box(parallel::distributed::Triangulation<3> &tria, const unsigned int n_z = 20,
              const unsigned int n_x = 2)
  {
    std::vector<std::vector<double>> steps = {std::vector<double>(n_x, 1.0 / n_x),
                                              std::vector<double>(2, 0.5),
                                              std::vector<double>(n_z, 1.0 / n_z)};
    GridGenerator::subdivided_hyper_rectangle(tria, steps, Point<3>(), Point<3>(1, 1, 1), true);
    for (const auto &cell : tria.active_cell_iterators())
      cell->set_material_id(cell->center()[2] > d1 ? 1 : 0);
  }

  int
  top_layer(const Point<3> &p)
  {
    return p[2] > d1 ? 0 : -1;
  }
} // namespace

TEST(HeatEquation, LayeredSteadyStateMatchesClosedForm)
{
  parallel::distributed::Triangulation<3> tria(MPI_COMM_SELF);
  layered_box(tria);
  const auto   materials = two_materials();
  HeatEquation heat(tria, materials, BoundaryConditions{{4}, {}}, 1, top_layer, HeatSolverSettings(), 0.0);
  const double P = 2.0, Q = P / d2; // W, W/m^3 (unit cross-section)
  EXPECT_NEAR(heat.device_volumes()[0], d2, 1e-12);
  for (int i = 0; i < 10; ++i)
    heat.step(1e3, {P}); // steps far beyond every time scale: the steady state
  const double exact = Q * d2 * d1 / k_of[0] + Q * d2 * d2 / (3 * k_of[1]);
  EXPECT_NEAR(heat.device_temperatures()[0] / exact, 1.0, 0.01);
}

TEST(HeatEquation, EnergyBalanceOfTransientRun)
{
  for (const bool lumped : {false, true})
    {
      parallel::distributed::Triangulation<3> tria(MPI_COMM_SELF);
      layered_box(tria);
      const auto         materials = two_materials();
      HeatSolverSettings settings;
      settings.lumped_mass = lumped;
      HeatEquation heat(tria, materials, BoundaryConditions{{4}, {}}, 1, top_layer, settings, 0.0);
      // Variable steps and a changing power: heat in = stored + out.
      double dt = 0.01;
      for (int i = 0; i < 30; ++i, dt *= 1.1)
        heat.step(dt, {1.0 + 0.5 * std::sin(i)});
      const auto &e = heat.energy();
      EXPECT_GT(e.out, 0.05 * e.input) << lumped; // heat has reached the cold boundary
      EXPECT_GT(e.stored, 0.05 * e.input) << lumped;
      EXPECT_LT(e.relative_error(), 1e-6) << lumped << " " << e.input << " " << e.stored << " "
                                          << e.out;
    }
}

namespace
{
  // Vanishes at the fixed bottom z = 0 and varies in every direction.
  class BottomZero : public Function<3>
  {
  public:
    explicit BottomZero(const double power)
      : power(power)
    {}
    double
    value(const Point<3> &p, const unsigned int = 0) const override
    {
      return std::pow(p[2], power) * (1 + p[0] + p[1] * p[1]);
    }
    double power;
  };

  // A heat equation on the layered box with a transfer boundary on top (so
  // K holds a face term too), a field x and a test field y on its DoFs.
  struct LayeredOperators
  {
    explicit LayeredOperators(const bool lumped)
    {
      layered_box(tria, 10, 3);
      HeatSolverSettings settings;
      settings.lumped_mass = lumped;
      heat = std::make_unique<HeatEquation>(tria, materials, BoundaryConditions{{4}, {{5, 4.0}}},
                                            1, top_layer, settings, 0.0);
      x = heat->interpolated(BottomZero(1));
      y = heat->interpolated(BottomZero(2));
    }

    parallel::distributed::Triangulation<3> tria{MPI_COMM_SELF};
    ThermalMaterials                        materials = two_materials();
    std::unique_ptr<HeatEquation>           heat;
    LA::MPI::Vector                         x, y;
  };
} // namespace

TEST(HeatEquation, LumpedMassKeepsOneMatrixAndTheSameStiffness)
{
  // A lumped mass stores the system matrix alone (K only through it): a
  // third of the consistent form's matrix memory, the same K on fields that
  // vanish at the fixed DoFs, and M with the same row sums.
  LayeredOperators consistent(false), lumped(true);
  EXPECT_NEAR(lumped.heat->memory_use().at("matrices") /
                consistent.heat->memory_use().at("matrices"),
              1.0 / 3, 1e-3);
  LA::MPI::Vector kx_c(consistent.x), kx_l(lumped.x), mx_c(consistent.x), mx_l(lumped.x);
  consistent.heat->apply_stiffness(kx_c, consistent.x);
  lumped.heat->apply_stiffness(kx_l, lumped.x);
  EXPECT_GT(std::abs(kx_c * consistent.y), 1e-3);
  EXPECT_NEAR(kx_l * lumped.y, kx_c * consistent.y, 1e-13 * std::abs(kx_c * consistent.y));
  consistent.heat->apply_mass(mx_c, consistent.x);
  lumped.heat->apply_mass(mx_l, lumped.x);
  EXPECT_NEAR(mx_l.mean_value(), mx_c.mean_value(), 1e-13 * std::abs(mx_c.mean_value()));
  EXPECT_GT(std::abs(mx_l * lumped.y - mx_c * consistent.y), 1e-4 * std::abs(mx_c * consistent.y))
    << "a lumped mass differs from the consistent one off the diagonal";
}

TEST(HeatEquation, SystemMatrixDoesNotDependOnEarlierSteps)
{
  // Steps of other sizes (and a product with K, which swaps the lumped
  // form's diagonal) before a step leave its system matrix bit for bit as a
  // fresh one: a resumed run repeats an uninterrupted one exactly.
  for (const bool lumped : {false, true})
    {
      LayeredOperators fresh(lumped), used(lumped);
      used.heat->step(0.01, {1.0});
      used.heat->step(0.037, {0.5});
      LA::MPI::Vector kx(used.x);
      used.heat->apply_stiffness(kx, used.x);
      used.heat->reset();
      fresh.heat->reset();
      for (auto *ops : {&fresh, &used})
        {
          ops->heat->step(0.01, {1.0});
          ops->heat->step(0.01, {2.0});
        }
      EXPECT_EQ(fresh.heat->device_temperatures()[0], used.heat->device_temperatures()[0])
        << (lumped ? "lumped" : "consistent");
    }
}

TEST(HeatEquation, DistributedSolveEqualsSerialSolve)
{
  // Run under mpirun with 1, 2 or 4 ranks (ctest does): the device
  // temperatures must agree with a serial solve to the solver tolerance.
  // So must the local symmetric SOR preconditioner, which differs with the
  // rank count.
  const auto run = [](const MPI_Comm comm, const std::string &preconditioner = "auto") {
    parallel::distributed::Triangulation<3> tria(comm);
    layered_box(tria);
    tria.refine_global(1);
    const auto         materials = two_materials();
    HeatSolverSettings settings;
    settings.tolerance      = 1e-12;
    settings.preconditioner = preconditioner;
    HeatEquation heat(tria, materials, BoundaryConditions{{4}, {}}, 1, top_layer, settings, 0.0);
    std::vector<double> history;
    for (int i = 0; i < 5; ++i)
      {
        heat.step(0.02, {1.0});
        history.push_back(heat.device_temperatures()[0]);
      }
    return history;
  };
  const auto parallel = run(MPI_COMM_WORLD);
  const auto serial   = run(MPI_COMM_SELF);
  const auto sor      = run(MPI_COMM_WORLD, "ssor");
  for (unsigned int i = 0; i < serial.size(); ++i)
    {
      EXPECT_NEAR(parallel[i], serial[i], 1e-8 * serial[i]);
      EXPECT_NEAR(sor[i], serial[i], 1e-8 * serial[i]);
    }
}

TEST(HeatEquation, OnlyAMGHierarchiesAreKeptPerBand)
{
  // Steps alternating between two factor-3 bands of a0/dt (backward Euler:
  // a0/dt = 1/dt = 100 and 10 1/s): AMG keeps both hierarchies (2 setups);
  // block Jacobi keeps one ILU, set up again at each change (4 setups),
  // and both give the same field to the solver tolerance.
  std::map<std::string, double>       last;
  std::map<std::string, unsigned int> setups;
  for (const std::string preconditioner : {"amg", "block jacobi"})
    {
      parallel::distributed::Triangulation<3> tria(MPI_COMM_SELF);
      layered_box(tria);
      const auto         materials = two_materials();
      HeatSolverSettings settings;
      settings.preconditioner = preconditioner;
      settings.backward_euler = true;
      settings.tolerance      = 1e-12;
      HeatEquation heat(tria, materials, BoundaryConditions{{4}, {}}, 1, top_layer, settings, 0.0);
      for (const double dt : {0.01, 0.1, 0.01, 0.1})
        heat.step(dt, {1.0});
      setups[preconditioner] = heat.preconditioner_setups();
      last[preconditioner]   = heat.device_temperatures()[0];
    }
  EXPECT_EQ(setups["amg"], 2u);
  EXPECT_EQ(setups["block jacobi"], 4u);
  EXPECT_NEAR(last["block jacobi"], last["amg"], 1e-9 * last["amg"]);
}

TEST(HeatEquation, InterfaceConductanceAddsItsContactResistance)
{
  // Same stack with a contact conductance G between the layers: the rise
  // grows by the series resistance Q d2 / G. The contact sits in the two
  // cells beside the interface, so the error is first order in their size:
  // 2.7 % of the rise with 20 cells, within 1 % with 80.
  parallel::distributed::Triangulation<3> tria(MPI_COMM_SELF);
  layered_box(tria, 80);
  auto materials = two_materials();
  const double G = 2.0; // W/(m^2 K): 1/G is comparable to d1/k1
  materials.set_interface_conductance(0, 1, G);
  HeatEquation heat(tria, materials, BoundaryConditions{{4}, {}}, 1, top_layer,
                    HeatSolverSettings(), 0.0);
  const double P = 2.0, Q = P / d2;
  heat.step(1e6, {P});
  const double exact = Q * d2 * d1 / k_of[0] + Q * d2 / G + Q * d2 * d2 / (3 * k_of[1]);
  EXPECT_NEAR(heat.device_temperatures()[0] / exact, 1.0, 0.01);
}

TEST(HeatEquation, HeatTransferBoundaryMatchesClosedFormAndBalances)
{
  // Bottom adiabatic, top (boundary id 5) losing h theta: all heat leaves
  // through the top, so the top sits at Q d2 / h above T0.
  parallel::distributed::Triangulation<3> tria(MPI_COMM_SELF);
  layered_box(tria);
  const auto   materials = two_materials();
  const double h         = 4.0; // W/(m^2 K)
  HeatEquation heat(tria, materials, BoundaryConditions{{}, {{5, h}}}, 1, top_layer,
                    HeatSolverSettings(), 0.0);
  const double P = 2.0, Q = P / d2;
  heat.step(1e6, {P});
  const double exact = Q * d2 / h + Q * d2 * d2 / (3 * k_of[1]);
  EXPECT_NEAR(heat.device_temperatures()[0] / exact, 1.0, 0.01);

  heat.reset();
  double dt = 0.01;
  for (int i = 0; i < 30; ++i, dt *= 1.1)
    heat.step(dt, {1.0 + 0.5 * std::sin(i)});
  const auto &e = heat.energy();
  EXPECT_GT(e.out, 0.05 * e.input);
  EXPECT_LT(e.relative_error(), 1e-6) << e.input << " " << e.stored << " " << e.out;
}

namespace
{
  // Two devices side by side in the top layer (y < 1/2 and y > 1/2), each
  // with a filament: the middle fifth of it in x (0.4 < x < 0.6).
  int
  top_half(const Point<3> &p)
  {
    return p[2] > d1 ? (p[1] > 0.5 ? 1 : 0) : -1;
  }

  int
  top_strip(const Point<3> &p)
  {
    return std::abs(p[0] - 0.5) < 0.1 ? top_half(p) : -1;
  }

  using Region = HeatEquation::DeviceRegion;

  struct FilamentPair
  {
    explicit FilamentPair(const bool with_filaments = true, const double tolerance = 1e-8)
    {
      layered_box(tria, 20, 5);
      HeatSolverSettings settings;
      settings.tolerance = tolerance;
      heat               = std::make_unique<HeatEquation>(
        tria, materials, BoundaryConditions{{4}, {}}, 2, top_half, settings, 0.0,
        with_filaments ? HeatEquation::RegionFunction(top_strip) : HeatEquation::RegionFunction());
    }

    parallel::distributed::Triangulation<3> tria{MPI_COMM_SELF};
    ThermalMaterials                        materials = two_materials();
    std::unique_ptr<HeatEquation>           heat;
  };
} // namespace

TEST(HeatEquation, FilamentPowerHeatsTheFilamentMost)
{
  FilamentPair  pair;
  HeatEquation &heat = *pair.heat;
  ASSERT_TRUE(heat.has_filaments());
  for (unsigned int i = 0; i < 2; ++i)
    EXPECT_NEAR(heat.filament_volumes()[i], 0.2 * 0.5 * d2, 1e-12);
  // One step far beyond every time scale: steady responses to P_0 = 1 W.
  heat.prepare_step(1e6);
  const auto   in_filament = heat.solve_step({1.0, 0.0}, nullptr, {1.0, 0.0});
  const auto   in_channel  = heat.solve_step({1.0, 0.0});
  const double filament    = heat.device_temperatures(in_filament, 0.0, Region::filament)[0];
  const double channel     = heat.device_temperatures(in_filament, 0.0, Region::channel)[0];
  const double spread      = heat.device_temperatures(in_channel, 0.0, Region::channel)[0];
  EXPECT_GT(filament, 1.05 * channel) << filament << " " << channel;
  EXPECT_GT(filament, 1.05 * spread) << filament << " " << spread;
  // The device temperature weights the two averages by the share.
  const double weighted = heat.device_temperatures(in_filament, 0.0, {0.7, 0.0})[0];
  EXPECT_NEAR(weighted, 0.3 * channel + 0.7 * filament, 1e-12 * filament);
  EXPECT_EQ(heat.device_temperatures(in_filament, 0.0)[0], channel);

  // Shares are checked; without filaments none may be positive.
  EXPECT_THROW(heat.solve_step({1.0, 0.0}, nullptr, {1.5, 0.0}), std::invalid_argument);
  EXPECT_THROW(heat.solve_step({1.0, 0.0}, nullptr, {0.5}), std::invalid_argument);
  FilamentPair plain(false);
  EXPECT_FALSE(plain.heat->has_filaments());
  EXPECT_TRUE(plain.heat->filament_volumes().empty());
  plain.heat->prepare_step(1.0);
  EXPECT_THROW(plain.heat->unit_response(0, Region::filament), std::logic_error);
  EXPECT_THROW(plain.heat->solve_step({1.0, 0.0}, nullptr, {0.5, 0.0}), std::logic_error);
  EXPECT_NO_THROW(plain.heat->solve_step({1.0, 0.0}, nullptr, {0.0, 0.0}));
}

TEST(HeatEquation, EnergyBalanceWithPowerSplitIntoFilaments)
{
  FilamentPair  pair;
  HeatEquation &heat  = *pair.heat;
  double        dt    = 0.01;
  double        input = 0; // J
  for (int i = 0; i < 30; ++i, dt *= 1.1)
    {
      const std::vector<double> P = {1.0 + 0.5 * std::sin(i), 0.5 + 0.3 * std::cos(i)};
      heat.step(dt, P, nullptr, {0.7, 0.7});
      input += dt * (P[0] + P[1]);
    }
  const auto &e = heat.energy();
  EXPECT_NEAR(e.input / input, 1.0, 1e-12); // the split loses no power
  EXPECT_GT(e.out, 0.05 * e.input);
  EXPECT_GT(e.stored, 0.05 * e.input);
  EXPECT_LT(e.relative_error(), 1e-6) << e.input << " " << e.stored << " " << e.out;
}

TEST(HeatEquation, SplitStepIsTheFreeSolvePlusUnitResponses)
{
  FilamentPair  pair(true, 1e-12);
  HeatEquation &heat = *pair.heat;
  for (int i = 0; i < 2; ++i) // a history, so that the free solve is not zero
    heat.step(0.05, {1.0, 0.5}, nullptr, {0.7, 0.2});
  heat.prepare_step(0.08);
  const std::vector<double> P = {1.3, 0.6}, s = {0.7, 0.2};
  auto                      expected = heat.solve_step({0.0, 0.0});
  for (unsigned int j = 0; j < 2; ++j)
    expected.add(P[j] * (1 - s[j]), heat.unit_response(j), P[j] * s[j],
                 heat.unit_response(j, Region::filament));
  auto difference = heat.solve_step(P, nullptr, s);
  difference -= expected;
  EXPECT_LT(difference.l2_norm(), 1e-8 * expected.l2_norm())
    << difference.l2_norm() / expected.l2_norm();
}

TEST(HeatEquation, CheckpointKeepsFilamentPowersAndReadsOldOnes)
{
  const std::vector<double> P = {1.0, 0.5}, s = {0.7, 0.7};
  FilamentPair              saved, restored, plain(false);
  saved.heat->step(0.05, P, nullptr, s);
  std::stringstream with_split;
  BinaryWriter      writer(&with_split);
  saved.heat->save_state(writer);

  // The restored state takes the same next step.
  BinaryReader reader(with_split, "with split");
  restored.heat->load_state(reader);
  saved.heat->step(0.05, P, nullptr, s);
  restored.heat->step(0.05, P, nullptr, s);
  for (unsigned int i = 0; i < 2; ++i)
    EXPECT_NEAR(restored.heat->device_temperatures()[i], saved.heat->device_temperatures()[i],
                1e-12 * saved.heat->device_temperatures()[i]);

  // Filament powers do not fit a case without filaments ...
  std::stringstream again(with_split.str());
  BinaryReader      split_reader(again, "with split");
  EXPECT_THROW(plain.heat->load_state(split_reader), std::runtime_error);
  // ... but a checkpoint without them (the layout from before) fits one with.
  plain.heat->step(0.05, P);
  std::stringstream channel_only;
  BinaryWriter      plain_writer(&channel_only);
  plain.heat->save_state(plain_writer);
  BinaryReader plain_reader(channel_only, "channel only");
  EXPECT_NO_THROW(restored.heat->load_state(plain_reader));
}

TEST(CellPatternMatrix, HasTheEntriesOfDealIIsPatternAllocatedExactly)
{
  // Run under mpirun with 1, 2 or 4 ranks (ctest does). An L-shaped mesh
  // (cells missing), Q1 and Q2, blocks of 7 rows: each owned row has
  // exactly the columns of deal.II's distributed sparsity pattern, and
  // nothing is allocated that is not used.
  const MPI_Comm                          comm = MPI_COMM_WORLD;
  parallel::distributed::Triangulation<3> tria(comm);
  GridGenerator::hyper_L(tria);
  tria.refine_global(2);
  for (const unsigned int degree : {1u, 2u})
    {
      DoFHandler<3> dof_handler(tria);
      FE_Q<3>       fe(degree);
      dof_handler.distribute_dofs(fe);
      const IndexSet owned    = dof_handler.locally_owned_dofs();
      const IndexSet relevant = DoFTools::extract_locally_relevant_dofs(dof_handler);
      DynamicSparsityPattern reference(relevant);
      DoFTools::make_sparsity_pattern(dof_handler, reference);
      SparsityTools::distribute_sparsity_pattern(reference, owned, comm, relevant);

      CellPatternMatrix matrix;
      matrix.reinit_cell_pattern(dof_handler, owned, comm, 7);
      unsigned int mismatched_rows = 0;
      for (const auto row : owned)
        {
          PetscInt           n;
          const PetscInt    *columns;
          const PetscScalar *values;
          MatGetRow(matrix.petsc_matrix(), row, &n, &columns, &values);
          std::vector<types::global_dof_index> got(columns, columns + n), expected;
          for (auto entry = reference.begin(row); entry != reference.end(row); ++entry)
            expected.push_back(entry->column());
          bool zero = true;
          for (PetscInt k = 0; k < n; ++k)
            zero = zero && values[k] == 0.0;
          MatRestoreRow(matrix.petsc_matrix(), row, &n, &columns, &values);
          std::sort(expected.begin(), expected.end());
          mismatched_rows += (got != expected || !zero);
        }
      EXPECT_EQ(mismatched_rows, 0u) << "degree " << degree;
      MatInfo info;
      MatGetInfo(matrix.petsc_matrix(), MAT_LOCAL, &info);
      EXPECT_EQ(info.nz_allocated, info.nz_used) << "degree " << degree;
      EXPECT_EQ(matrix.m(), dof_handler.n_dofs());
    }
}
