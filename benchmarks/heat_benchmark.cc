// Heat-equation cost on a two-device layout: setup, the first step (with the
// AMG setup), steps that reuse the preconditioner, output, and peak memory.
//   heat_benchmark REFINEMENTS [FINEST_CELL_SIZE_M] [SECTION/ENTRY=VALUE]...
// or the peer problem of benchmarks/dolfinx_heat_step.py (unit cube, n^3
// Q1 hexahedra, backward Euler, dt = 1e-3, unit coefficients, T = 0 at
// z = 0, a source of 1e3 in |x-0.5|, |y-0.5| < 0.05, z > 0.9, CG to a
// relative residual of 1e-8 from the previous step):
//   heat_benchmark cube N [STEPS] [reassemble] [SECTION/ENTRY=VALUE]...
#include "mesh/layout.h"
#include "mesh/mesh_generator.h"
#include "solver/thermal_models/finite_element/heat_equation.h"
#include "solver/case/parameter_file.h"
#include "solver/case/case_schema.h"
#include "solver/app/simulation.h"
#include "solver/base/mpi_tools.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/grid/grid_generator.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace neuristor;
using namespace dealii;

namespace
{
  // Resident memory of this process [MB]: the peak (VmHWM) or now (VmRSS).
  double
  peak_memory_mb(const std::string &which = "VmHWM:")
  {
    std::ifstream status("/proc/self/status");
    std::string   key;
    while (status >> key)
      if (key == which)
        {
          double kb;
          status >> kb;
          return kb / 1024;
        }
    return 0;
  }
} // namespace

namespace
{
  // 1e3 W/m^3 in the box |x-0.5| < 0.05, |y-0.5| < 0.05, z > 0.9.
  class TopSource : public Function<3>
  {
  public:
    double
    value(const Point<3> &p, const unsigned int = 0) const override
    {
      return std::abs(p[0] - 0.5) < 0.05 && std::abs(p[1] - 0.5) < 0.05 && p[2] > 0.9 ? 1e3 : 0;
    }
  };

  // overrides may hold "reassemble": the source is then assembled at every
  // step, as the DOLFINx script does, instead of once.
  int
  run_cube(const unsigned int n, const unsigned int steps, std::vector<std::string> overrides,
           const MPI_Comm comm)
  {
    const auto reassemble_at = std::find(overrides.begin(), overrides.end(), "reassemble");
    const bool reassemble    = reassemble_at != overrides.end();
    if (reassemble)
      overrides.erase(reassemble_at);
    // CG stops on the true residual, as DOLFINx is told to (deal.II's
    // solvers read PETSc's options; CG's default is the preconditioned one).
    PetscOptionsSetValue(nullptr, "-ksp_norm_type", "unpreconditioned");
    ParameterHandler prm;
    case_schema::declare_parameters(prm);
    std::vector<std::string> all = {"Materials/Sapphire/Thermal conductivity=1",
                                    "Materials/Sapphire/Density=1",
                                    "Materials/Sapphire/Specific heat=1",
                                    "Heat solver/Time scheme=backward Euler"};
    all.insert(all.end(), overrides.begin(), overrides.end());
    load_parameters(prm, "", all);
    ThermalMaterials materials;
    prm.enter_subsection("Materials");
    materials.parse_parameters(prm);
    prm.leave_subsection();
    HeatSolverSettings settings;
    prm.enter_subsection("Heat solver");
    settings.parse_parameters(prm);
    prm.leave_subsection();

    Timer timer;
    // n = c 2^r: c^3 coarse cells refined r times (a cheap coarse mesh).
    unsigned int r = 0;
    while (n % (2u << r) == 0)
      ++r;
    parallel::distributed::Triangulation<3> tria(comm);
    GridGenerator::subdivided_hyper_cube(tria, n >> r, 0, 1, true); // z = 0: boundary id 4
    tria.refine_global(r);
    for (const auto &cell : tria.active_cell_iterators())
      cell->set_material_id(0); // colorize numbered them by octant
    HeatEquation heat(tria, materials, BoundaryConditions{{4}, {}}, 0,
                      [](const Point<3> &) { return -1; }, settings, 0.0);
    const TopSource source;
    if (!reassemble)
      heat.set_steady_source(source);
    const Function<3> *each_step = reassemble ? &source : nullptr;
    const double       setup     = Utilities::MPI::max(timer.wall_time(), comm);
    timer.restart();
    const unsigned first_iterations = heat.step(1e-3, {}, each_step);
    const double   first            = Utilities::MPI::max(timer.wall_time(), comm);
    unsigned       iterations       = 0;
    timer.restart();
    for (unsigned k = 1; k < steps; ++k)
      iterations += heat.step(1e-3, {}, each_step);
    const double per_step = Utilities::MPI::max(timer.wall_time(), comm) / (steps - 1);
    const double memory   = Utilities::MPI::sum(peak_memory_mb(), comm);
    const double peak     = Utilities::MPI::max(heat.rise_extremes()[1], comm);
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      std::cout << "cube " << settings.preconditioner << (reassemble ? " reassemble" : "") << " n " << n << ", ranks " << Utilities::MPI::n_mpi_processes(comm)
                << ", DoFs " << heat.n_dofs() << ": setup " << setup << " s, first step " << first
                << " s (" << first_iterations << " CG its), then " << per_step
                << " s per step (" << double(iterations) / (steps - 1)
                << " CG its), max T " << peak << ", peak memory " << memory << " MB ("
                << 1e6 * memory / heat.n_dofs() << " B/DoF)" << std::endl;
    return 0;
  }
} // namespace

int
main(int argc, char **argv)
{
  neuristor::mpi_tools::isolate_singleton();
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm comm = MPI_COMM_WORLD;
  const bool     root = Utilities::MPI::this_mpi_process(comm) == 0;
  if (argc > 2 && std::string(argv[1]) == "cube")
    return run_cube(std::stoi(argv[2]), argc > 3 ? std::stoi(argv[3]) : 10,
                    std::vector<std::string>(argv + std::min(argc, 4), argv + argc), comm);
  const unsigned refinements = argc > 1 ? std::stoi(argv[1]) : 0;
  const std::string finest   = argc > 2 ? argv[2] : "40e-9";

  ParameterHandler prm;
  case_schema::declare_parameters(prm);
  // Each refinement halves every cell size of the graded grid (about 8x the
  // cells): the finest and coarsest sizes and the growth ratio's excess.
  const auto number = [](const double x) {
    std::ostringstream s;
    s << std::setprecision(17) << x;
    return s.str();
  };
  const double scale = std::ldexp(1.0, -static_cast<int>(refinements));
  std::vector<std::string> overrides = {
    "Layout/Arrangement=row", "Layout/Count=2",
    "Layout/Finest cell size=" + number(std::stod(finest) * scale),
    "Layout/Coarsest cell size=" + number(2e-6 * scale),
    "Layout/Growth ratio=" + number(1 + 0.4 * scale)};
  for (int a = 3; a < argc; ++a)
    overrides.emplace_back(argv[a]);
  load_parameters(prm, "", overrides);
  prm.enter_subsection("Layout");
  Layout layout;
  layout.parse_parameters(prm);
  prm.leave_subsection();
  HeatSolverSettings solver_settings;
  prm.enter_subsection("Heat solver");
  solver_settings.parse_parameters(prm);
  prm.leave_subsection();

  Timer timer;
  parallel::fullydistributed::Triangulation<3> tria(comm);
  const double at_start = Utilities::MPI::sum(peak_memory_mb("VmRSS:"), comm);
  generate_mesh(layout, tria);
  const double after_mesh = Utilities::MPI::sum(peak_memory_mb(), comm);
  HeatEquation heat(tria, ThermalMaterials(), BoundaryConditions{{boundary::bottom, boundary::sides}, {}}, 2,
                    [&layout](const Point<3> &p) { return layout.device_at(p); },
                    solver_settings, 325);
  const double after_setup = Utilities::MPI::sum(peak_memory_mb(), comm);
  const double setup       = Utilities::MPI::max(timer.wall_time(), comm);

  const std::vector<double> P = {1e-3, 0};
  timer.restart();
  const unsigned first_iterations = heat.step(1e-9, P);
  const double   first            = Utilities::MPI::max(timer.wall_time(), comm);
  const unsigned n                = 10;
  unsigned       iterations       = 0;
  timer.restart();
  for (unsigned k = 0; k < n; ++k)
    iterations += heat.step(1e-9, P);
  const double per_step = Utilities::MPI::max(timer.wall_time(), comm) / n;

  const double memory_solver = Utilities::MPI::sum(peak_memory_mb(), comm);
  const auto folder = std::filesystem::temp_directory_path() / "heat_benchmark_vtu";
  if (root)
    std::filesystem::create_directories(folder);
  MPI_Barrier(comm);
  timer.restart();
  heat.write_vtu(folder.string(), 0);
  const double output = Utilities::MPI::max(timer.wall_time(), comm);
  const double memory = Utilities::MPI::sum(peak_memory_mb(), comm);
  if (root)
    {
      std::filesystem::remove_all(folder);
      std::cout << (solver_settings.lumped_mass ? "lumped" : "consistent") << " mass, "
                << solver_settings.preconditioner << ": ranks "
                << Utilities::MPI::n_mpi_processes(comm) << ", DoFs " << heat.n_dofs()
                << ": setup (mesh, DoFs, assembly) " << setup << " s, first step (with AMG setup) "
                << first << " s, " << first_iterations << " CG its; reused steps " << per_step
                << " s each, " << double(iterations) / n << " CG its; output " << output
                << " s; peak memory " << memory << " MB (" << 1e6 * memory / heat.n_dofs()
                << " B/DoF; before the output " << 1e6 * memory_solver / heat.n_dofs()
                << " B/DoF)" << std::endl;
      const double per_dof = 1e6 / heat.n_dofs();
      std::cout << "  peak memory [B/DoF, all ranks]: at start " << per_dof * at_start
                << ", after the mesh " << per_dof * after_mesh << ", after the setup "
                << per_dof * after_setup << ", after the steps " << per_dof * memory_solver
                << "; held on rank 0 [B per DoF of the whole problem]:";
      for (const auto &[what, bytes] : heat.memory_use())
        std::cout << ' ' << what << ' ' << bytes / heat.n_dofs();
      std::cout << std::endl;
    }
}
