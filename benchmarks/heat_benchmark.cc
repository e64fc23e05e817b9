// Heat-equation cost on a two-device layout: setup, the first step (with the
// AMG setup), steps that reuse the preconditioner, output, and peak memory.
//   heat_benchmark REFINEMENTS [FINEST_CELL_SIZE_M] [SECTION/ENTRY=VALUE]...
#include "mesh/layout.h"
#include "mesh/mesh_generator.h"
#include "solver/thermal_models/finite_element/heat_equation.h"
#include "solver/case/parameter_file.h"
#include "solver/case/case_schema.h"
#include "solver/app/simulation.h"

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace neuristor;
using namespace dealii;

namespace
{
  // Peak resident memory of this process [MB] (VmHWM).
  double
  peak_memory_mb()
  {
    std::ifstream status("/proc/self/status");
    std::string   key;
    while (status >> key)
      if (key == "VmHWM:")
        {
          double kb;
          status >> kb;
          return kb / 1024;
        }
    return 0;
  }
} // namespace

int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm comm = MPI_COMM_WORLD;
  const bool     root = Utilities::MPI::this_mpi_process(comm) == 0;
  const unsigned refinements = argc > 1 ? std::stoi(argv[1]) : 0;
  const std::string finest   = argc > 2 ? argv[2] : "40e-9";

  ParameterHandler prm;
  case_schema::declare_parameters(prm);
  std::vector<std::string> overrides = {"Layout/Arrangement=row", "Layout/Count=2",
                                        "Layout/Finest cell size=" + finest};
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
  parallel::distributed::Triangulation<3> tria(comm);
  generate_mesh(layout, tria);
  tria.refine_global(refinements);
  HeatEquation heat(tria, ThermalMaterials(), BoundaryConditions{{boundary::bottom, boundary::sides}, {}}, 2,
                    [&layout](const Point<3> &p) { return layout.device_at(p); },
                    solver_settings, 325);
  const double setup = Utilities::MPI::max(timer.wall_time(), comm);

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
      std::cout << "ranks " << Utilities::MPI::n_mpi_processes(comm) << ", DoFs " << heat.n_dofs()
                << ": setup (mesh, DoFs, assembly) " << setup << " s, first step (with AMG setup) "
                << first << " s, " << first_iterations << " CG its; reused steps " << per_step
                << " s each, " << double(iterations) / n << " CG its; output " << output
                << " s; peak memory " << memory << " MB (" << 1e6 * memory / heat.n_dofs()
                << " B/DoF; before the output " << 1e6 * memory_solver / heat.n_dofs()
                << " B/DoF)" << std::endl;
    }
}
