#pragma once

#include "mesh/layout.h"
#include "mesh/tensor_grid.h"

#include <deal.II/distributed/fully_distributed_tria.h>

#include <array>
#include <vector>

namespace neuristor
{
  /** Boundary ids of the generated mesh. */
  namespace boundary
  {
    constexpr dealii::types::boundary_id adiabatic = 0; // top surfaces
    constexpr dealii::types::boundary_id bottom    = 1; // the stage, T = T0
    constexpr dealii::types::boundary_id sides     = 2; // far substrate, T = T0
  } // namespace boundary

  /** The most cells a mesh may have unless Limits/Maximum mesh cells says otherwise. */
  constexpr double default_max_cells = 2e7;

  struct MeshStatistics
  {
    unsigned long cells = 0;
    double        min_aspect_ratio = 0, max_aspect_ratio = 0;
    double        min_cell_size = 0, max_cell_size = 0; // m
  };

  /**
   * Cell sizes along one axis: every breakpoint is a grid line; inside the
   * fine intervals cells are at most h_min; outside, the size grows with
   * the distance d to the nearest fine interval as h_min + (ratio - 1) d
   * (a geometric progression of factor `ratio`), capped at h_max.
   */
  std::vector<double>
  graded_steps(std::vector<double>                           breakpoints,
               const std::vector<std::array<double, 2>>     &fine,
               const double                                  h_min,
               const double                                  ratio,
               const double                                  h_max,
               const double                                  max_cells = default_max_cells);

  /**
   * Cells of generate_mesh's grid along x, y and z, counted without
   * building it; an axis stops counting past max_cells.
   */
  std::array<double, 3>
  estimate_cells_per_axis(const Layout              &layout,
                          const std::vector<double> &filament_fractions,
                          const double               max_cells);

  /** InputError (Layout/Finest cell size, with the counts) past max_cells. */
  void
  check_mesh_size(const Layout              &layout,
                  const std::vector<double> &filament_fractions,
                  const double               max_cells);

  /**
   * The graded tensor-product grid of generate_mesh (every part face a grid
   * line); InputError past max_cells.
   */
  TensorGrid
  layout_grid(const Layout &layout, const std::vector<double> &filament_fractions,
              const double max_cells = default_max_cells);

  /** What the mesh of a grid will hold, counted without building it. */
  struct GridCounts
  {
    MeshStatistics statistics; // solid cells, sizes, aspect ratios
    unsigned long  vertices = 0; // of solid cells: the DoFs of Q1 elements
  };

  /** Counts the solid cells and their vertices of layout_grid's grid (serial). */
  GridCounts
  count_grid(const Layout &layout, const TensorGrid &grid);

  /**
   * A hexahedral mesh conforming to every part of the layout: a graded
   * tensor-product grid through all part faces, without the cells above the
   * substrate that lie in no part. Material ids from the parts; boundary
   * ids as above. The coarse mesh is the final mesh (no hanging nodes).
   * Distributed from the start (collective): each rank describes only its
   * block of columns (GridPartition) and the ghost cells around it, so no
   * rank holds the whole mesh; ghost faces toward cells of neither kind
   * read as adiabatic boundary.
   * With filament fractions (one per device), the faces of the filament
   * boxes are grid lines too, so each filament is a union of cells (at
   * least one across, however narrow).
   */
  MeshStatistics
  generate_mesh(const Layout                                         &layout,
                dealii::parallel::fullydistributed::Triangulation<3> &tria,
                const std::vector<double>                       &filament_fractions = {},
                const double max_cells = default_max_cells);
} // namespace neuristor
