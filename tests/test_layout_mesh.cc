// Layout validation, graded cell sizes, mesh conformity, and the thermal
// characterisation of a small two-device layout.
#include "mesh/layout.h"
#include "mesh/grid_partition.h"
#include "mesh/mesh_generator.h"
#include "solver/thermal_models/finite_element/heat_equation.h"
#include "solver/case/input_error.h"
#include "solver/case/parameter_file.h"
#include "solver/case/case_schema.h"
#include "solver/app/simulation.h"
#include "solver/tools/thermal_characterization.h"
#include "solver/thermal_models/finite_element/layout_heat_model.h"
#include "test_helpers.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace neuristor;
using namespace dealii;

namespace
{
  // A small substrate and a coarse mesh keep these tests fast.
  const std::vector<std::string> small = {
    "Layout/Substrate size x=4e-6", "Layout/Substrate size y=4e-6",
    "Layout/Substrate thickness=2e-6", "Layout/Finest cell size=50e-9",
    "Layout/Coarsest cell size=1e-6", "Layout/Arrangement=row", "Layout/Count=2",
    "Characterization/End time=0.3e-6", "Characterization/First time step=1e-10",
    "Characterization/Time step growth=1.25", "Characterization/Field outputs=4"};

  ParameterHandler &
  parameters(const std::vector<std::string> &extra)
  {
    static ParameterHandler prm;
    prm.clear();
    case_schema::declare_parameters(prm);
    auto all = small;
    all.insert(all.end(), extra.begin(), extra.end());
    load_parameters(prm, "", all);
    return prm;
  }

  Layout
  layout(const std::vector<std::string> &extra)
  {
    auto &prm = parameters(extra);
    prm.enter_subsection("Layout");
    Layout l;
    l.parse_parameters(prm);
    prm.leave_subsection();
    return l;
  }
} // namespace

TEST(Layout, BadGeometryIsRefused)
{
  const std::vector<std::vector<std::string>> bad = {
    {"Layout/Arrangement=list", "Layout/Devices=0 0 0; 0.05e-6 0 0"},        // overlap
    {"Layout/Arrangement=list", "Layout/Devices=0 0 0; 0 0 90"},             // overlap
    {"Layout/Arrangement=list", "Layout/Devices=1.5e-6 0 0"},                // outside
    {"Layout/Channel width=0"},                                              // zero size
    {"Layout/Ti thickness=-1e-9"},                                           // negative
    {"Layout/Arrangement=list", "Layout/Devices=0 0 45"},                    // orientation
    {"Layout/Count=40"}};                                                    // off the substrate
  for (const auto &o : bad)
    EXPECT_THROW(layout(o), InputError) << o.back();
  EXPECT_NO_THROW(layout({}));
}

TEST(Mesh, GradedStepsGrowBoundedAndStayFineInside)
{
  const auto steps = graded_steps({0, 1, 1.2, 10}, {{{1.0, 1.2}}}, 0.05, 1.3, 2.0);
  double     sum   = 0;
  for (std::size_t k = 0; k < steps.size(); ++k)
    {
      sum += steps[k];
      if (k > 0)
        {
          EXPECT_LT(std::max(steps[k], steps[k - 1]) / std::min(steps[k], steps[k - 1]),
                    1.3 * 1.35)
            << k;
        }
    }
  EXPECT_NEAR(sum, 10, 1e-12);
  double x = 0;
  for (const double h : steps)
    {
      if (x >= 1 - 1e-12 && x + h <= 1.2 + 1e-12)
        {
          EXPECT_LE(h, 0.05 + 1e-12);
        }
      EXPECT_LE(h, 2.0 * 1.35);
      x += h;
    }
}

TEST(Mesh, TooFineCellsAreRefusedNotMarchedThrough)
{
  // 1e-28 m cells: 1e22 of them along the axis, and below the rounding of
  // the positions (the march would not move); refused after 2e7.
  EXPECT_THROW(graded_steps({0, 1e-6, 1e-5}, {{{0.0, 1e-6}}}, 1e-28, 1.4, 2e-6), InputError);
}

TEST(Mesh, CellCountIsEstimatedBeforeTheMeshIsBuilt)
{
  const Layout                            l = layout({});
  parallel::fullydistributed::Triangulation<3> tria(MPI_COMM_SELF);
  const auto                              stats = generate_mesh(l, tria);
  const auto                              n     = estimate_cells_per_axis(l, {}, 2e7);
  // The box grid's count (the merged slivers aside), of which the cells
  // above the substrate outside the parts are removed.
  const double box = n[0] * n[1] * n[2];
  EXPECT_GE(box, 0.9 * stats.cells);
  EXPECT_LE(box, 3.0 * stats.cells);
  EXPECT_NO_THROW(check_mesh_size(l, {}, 2 * box));
  EXPECT_THROW(check_mesh_size(l, {}, 0.5 * stats.cells), InputError);
  // A limit below the mesh refuses it before any list is built.
  parallel::fullydistributed::Triangulation<3> small(MPI_COMM_SELF);
  EXPECT_THROW(generate_mesh(l, small, {}, 0.5 * stats.cells), InputError);
  EXPECT_EQ(small.n_active_cells(), 0u);
}

// What `neuristor preview` reports is the mesh a run builds: cells, DoFs, sizes.
TEST(Mesh, PreviewCountsAreThoseOfTheBuiltMesh)
{
  const Layout l = layout({"Layout/Count=3"});
  parallel::fullydistributed::Triangulation<3> tria(MPI_COMM_SELF);
  const auto built  = generate_mesh(l, tria);
  const auto counts = count_grid(l, layout_grid(l, {}));
  EXPECT_EQ(counts.statistics.cells, built.cells);
  EXPECT_EQ(counts.statistics.cells, tria.n_active_cells());
  EXPECT_DOUBLE_EQ(counts.statistics.min_cell_size, built.min_cell_size);
  EXPECT_DOUBLE_EQ(counts.statistics.max_aspect_ratio, built.max_aspect_ratio);
  DoFHandler<3> dofs(tria);
  dofs.distribute_dofs(FE_Q<3>(1));
  EXPECT_EQ(counts.vertices, dofs.n_dofs());
}

TEST(Mesh, ConformsToEveryPartAndMeshesDevicesExactly)
{
  for (const std::string orientation : {"0", "90"})
    {
      const Layout l = layout({"Layout/Orientation=" + orientation});
      parallel::fullydistributed::Triangulation<3> tria(MPI_COMM_SELF);
      const auto stats = generate_mesh(l, tria);
      EXPECT_GT(stats.cells, 1000u);
      for (const auto &cell : tria.active_cell_iterators())
        {
          const Point<3> c = cell->center();
          EXPECT_EQ(static_cast<int>(cell->material_id()), l.material_at(c));
          // Conformity: points just inside each vertex lie in the same part.
          for (const unsigned v : cell->vertex_indices())
            {
              const Point<3> p = cell->vertex(v) + 1e-3 * (c - cell->vertex(v));
              ASSERT_EQ(l.material_at(p), l.material_at(c)) << "cell at " << c;
              ASSERT_EQ(l.device_at(p), l.device_at(c)) << "cell at " << c;
            }
        }
      HeatEquation heat(tria, ThermalMaterials(), BoundaryConditions{{boundary::bottom, boundary::sides}, {}}, 2,
                        [&l](const Point<3> &p) { return l.device_at(p); },
                        HeatSolverSettings(), 325);
      for (unsigned i = 0; i < 2; ++i)
        EXPECT_NEAR(heat.device_volumes()[i], 500e-9 * 100e-9 * 100e-9, 1e-30);
    }
}

TEST(Mesh, PartitionGivesEachRankABlockOfColumnsWithFewestCuts)
{
  // Square grid, 4 ranks: 2 x 2 blocks of 25 columns each.
  const GridPartition square(10, 10, 4);
  EXPECT_EQ(square.slabs(), (std::array<unsigned int, 2>{{2, 2}}));
  std::vector<unsigned int> columns(4, 0);
  for (unsigned int i = 0; i < 10; ++i)
    for (unsigned int j = 0; j < 10; ++j)
      {
        const unsigned int p = square.owner(i, j);
        ASSERT_LT(p, 4u);
        ++columns[p];
        for (unsigned int axis = 0; axis < 2; ++axis)
          {
            const auto r = square.range(p, axis);
            EXPECT_GE(axis == 0 ? i : j, r[0]);
            EXPECT_LT(axis == 0 ? i : j, r[1]);
          }
      }
  EXPECT_EQ(columns, std::vector<unsigned int>(4, 25));
  // A long thin grid is cut across its length only.
  EXPECT_EQ(GridPartition(100, 4, 4).slabs(), (std::array<unsigned int, 2>{{4, 1}}));
  EXPECT_EQ(GridPartition(4, 100, 4).slabs(), (std::array<unsigned int, 2>{{1, 4}}));
  // Three ranks cannot share 2 x 2 columns.
  EXPECT_THROW(GridPartition(2, 2, 3), InputError);
}

TEST(Mesh, EachRankHoldsOnlyItsBlockAndTheGhostsAroundIt)
{
  // Run on 1, 2 and 4 ranks (ctest mesh_distributed_N): a two-device
  // layout at 25 nm, over 100 k cells.
  const MPI_Comm comm    = MPI_COMM_WORLD;
  const unsigned n_ranks = Utilities::MPI::n_mpi_processes(comm);
  const Layout   l       = layout({"Layout/Finest cell size=20e-9", "Layout/Coarsest cell size=0.2e-6"});
  parallel::fullydistributed::Triangulation<3> tria(comm);
  const auto stats = generate_mesh(l, tria);
  ASSERT_GE(stats.cells, 100000u);
  EXPECT_EQ(tria.n_global_active_cells(), stats.cells);

  unsigned long owned = 0, held = 0;
  double        bottom = 0, sides = 0; // areas of the fixed-temperature faces, m^2
  for (const auto &cell : tria.active_cell_iterators())
    {
      if (cell->is_artificial())
        continue;
      ++held;
      ASSERT_EQ(static_cast<int>(cell->material_id()), l.material_at(cell->center()));
      if (!cell->is_locally_owned())
        continue;
      ++owned;
      for (const unsigned int f : cell->face_indices())
        if (cell->at_boundary(f))
          {
            const double area = cell->face(f)->measure();
            if (cell->face(f)->boundary_id() == boundary::bottom)
              bottom += area;
            else if (cell->face(f)->boundary_id() == boundary::sides)
              sides += area;
          }
    }
  EXPECT_EQ(Utilities::MPI::sum(owned, comm), stats.cells);
  // Whatever the partition, the bottom face is the substrate's and the
  // sides are its four side walls.
  const Block &sub = l.substrate();
  const double X = sub.hi[0] - sub.lo[0], Y = sub.hi[1] - sub.lo[1], H = sub.hi[2] - sub.lo[2];
  EXPECT_NEAR(Utilities::MPI::sum(bottom, comm), X * Y, 1e-9 * X * Y);
  EXPECT_NEAR(Utilities::MPI::sum(sides, comm), 2 * (X + Y) * H, 1e-9 * (X + Y) * H);
  // Own cells plus one layer of ghosts: at most 60 % of the mesh on 2 ranks.
  if (n_ranks == 2)
    {
      EXPECT_LE(held, 0.6 * stats.cells) << held << " of " << stats.cells;
    }
  if (n_ranks == 4)
    {
      EXPECT_LE(held, 0.35 * stats.cells) << held << " of " << stats.cells;
    }
}

TEST(Layout, FilamentBoxIsTheChannelNarrowedAcrossTheCurrent)
{
  const double k = 4.9;
  for (const int orientation : {0, 90})
    {
      const Layout   l      = layout({"Layout/Orientation=" + std::to_string(orientation)});
      const unsigned across = orientation == 0 ? 1 : 0;
      for (unsigned int i = 0; i < l.n_devices(); ++i)
        {
          const Block &channel  = l.channel_box(i);
          const Block  filament = l.filament_box(i, 1 / k);
          EXPECT_NEAR(channel.hi[across] - channel.lo[across], 100e-9, 1e-20); // the width
          for (unsigned d = 0; d < 3; ++d)
            {
              EXPECT_GE(filament.lo[d], channel.lo[d]) << orientation << " " << d;
              EXPECT_LE(filament.hi[d], channel.hi[d]) << orientation << " " << d;
              const double width = filament.hi[d] - filament.lo[d];
              const double full  = channel.hi[d] - channel.lo[d];
              EXPECT_NEAR(width, d == across ? full / k : full, 1e-12 * full);
              EXPECT_NEAR(filament.lo[d] + filament.hi[d], channel.lo[d] + channel.hi[d],
                          1e-12 * full); // centred
            }
          EXPECT_EQ(filament.material, channel.material);
          EXPECT_EQ(filament.device, static_cast<int>(i));
          EXPECT_NEAR(filament.volume(), l.channel_volume(i) / k, 1e-12 * filament.volume());
        }
      for (const double bad : {0.0, -0.2, 1.5})
        EXPECT_THROW(l.filament_box(0, bad), std::invalid_argument) << bad;
      EXPECT_THROW(l.filament_boxes({0.2}), std::invalid_argument); // one per device
    }
}

TEST(Mesh, FilamentNarrowerThanTheFinestCellIsMeshedExactly)
{
  // 100 nm cells, filaments of 100 nm / 4.9 = 20.4 nm and 100 nm / 3.7.
  const std::vector<double> fractions = {1 / 4.9, 1 / 3.7};
  for (const std::string orientation : {"0", "90"})
    {
      const LayoutHeatModel model(parameters({"Layout/Orientation=" + orientation,
                                           "Layout/Finest cell size=100e-9"}),
                               300);
      std::ostringstream log;
      ConditionalOStream out(log, true);
      parallel::fullydistributed::Triangulation<3> plain_tria(MPI_COMM_SELF), tria(MPI_COMM_SELF);
      const auto     plain = generate_mesh(model.layout, plain_tria);
      MeshStatistics stats;
      const auto     heat = model.build(tria, out, &stats, fractions);
      ASSERT_TRUE(heat->has_filaments());
      for (unsigned int i = 0; i < 2; ++i)
        EXPECT_NEAR(heat->filament_volumes()[i], model.layout.channel_volume(i) * fractions[i],
                    1e-12 * heat->filament_volumes()[i]);
      EXPECT_NE(log.str().find("Filament volumes"), std::string::npos) << log.str();
      // The filament faces cut slabs through the whole tensor grid: cells
      // there thin from the 100 nm channel width to at least 20.4 nm, and
      // aspect ratios grow by at most that factor 4.9. The 15 nm Ti layer
      // stays the smallest size.
      EXPECT_GT(stats.cells, plain.cells);
      EXPECT_EQ(stats.min_cell_size, plain.min_cell_size);
      EXPECT_LE(stats.max_aspect_ratio, 4.9 * plain.max_aspect_ratio);
      std::cout << "orientation " << orientation << ": " << plain.cells << " -> " << stats.cells
                << " cells, sizes " << plain.min_cell_size << " -> " << stats.min_cell_size
                << " m, aspect ratios " << plain.max_aspect_ratio << " -> "
                << stats.max_aspect_ratio << std::endl;
    }
}

TEST(Characterization, TwoDevicesCouplingDelayAndOutputs)
{
  std::ostringstream log;
  ConditionalOStream out(log, true);
  const auto         dir = std::filesystem::temp_directory_path() / "neuristor_characterize_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "fields");
  const ThermalCharacterization near(parameters({"Layout/Gap=0.5e-6"}));
  const auto c = near.run(MPI_COMM_SELF, out, (dir / "fields").string());
  near.write(c, dir.string());

  // Symmetric pair: equal R_th, symmetric weak coupling, a delayed response.
  EXPECT_NEAR(c.R_th[0] / c.R_th[1], 1.0, 1e-3);
  EXPECT_NEAR(c.eta[1][0] / c.eta[0][1], 1.0, 1e-3);
  EXPECT_GT(c.eta[1][0], 0.005);
  EXPECT_LT(c.eta[1][0], 0.3);
  EXPECT_GT(c.t50[1][0], 3 * c.t50[0][0]);
  EXPECT_LT(c.energy_balance_error, 1e-6);
  EXPECT_GE(c.truncation_R_th, 0.0);

  // Farther apart: weaker and later.
  const ThermalCharacterization far(parameters({"Layout/Gap=1.5e-6",
                                                "Characterization/Truncation check=false"}));
  const auto f = far.run(MPI_COMM_SELF, out);
  EXPECT_LT(f.eta[1][0], 0.7 * c.eta[1][0]);
  EXPECT_GT(f.t50[1][0], c.t50[1][0]);

  // Outputs: eta.csv, step responses, and a .pvd whose times are real times.
  for (const char *name : {"eta.csv", "characterization.json", "step_response_device_1.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
  // characterization.json: strict JSON holding the numbers exactly.
  const auto json = test_support::read_json(dir / "characterization.json");
  EXPECT_EQ(json.at("R_th_K_per_W").at(1).get<double>(), c.R_th[1]);
  EXPECT_EQ(json.at("half_rise_delay_s").at(1).at(0).get<double>(), c.t50[1][0]);
  EXPECT_EQ(json.at("truncation_relative_change_R_th").get<double>(), c.truncation_R_th);
  std::string out_text;
  const std::string check =
    "/usr/bin/python3 -c \"import xml.etree.ElementTree as E, os, sys; d='" +
    (dir / "fields").string() +
    "'; r=E.parse(d+'/step_response_device_0.pvd').getroot(); "
    "ds=r.findall('.//DataSet'); "
    "[E.parse(os.path.join(d, x.get('file'))) for x in ds]; "
    "print(len(ds), ' '.join(x.get('timestep') for x in ds))\"";
  FILE *pipe = popen(check.c_str(), "r");
  char  buffer[4096];
  while (pipe && fgets(buffer, sizeof(buffer), pipe))
    out_text += buffer;
  ASSERT_EQ(pipe ? pclose(pipe) : -1, 0) << out_text;
  std::istringstream in(out_text);
  unsigned int       n_sets = 0;
  in >> n_sets;
  EXPECT_GE(n_sets, 4u);
  double last = 0, t = 0;
  while (in >> t)
    {
      EXPECT_GT(t, last); // increasing absolute times in s
      EXPECT_LE(t, 0.3e-6 * (1 + 1e-9));
      // Every snapshot time is one of the step-response times.
      EXPECT_TRUE(std::any_of(c.times.begin(), c.times.end(),
                              [t](const double s) { return std::abs(s - t) <= 1e-6 * s; }))
        << t;
      last = t;
    }
}
