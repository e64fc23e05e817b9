#pragma once

#include "mesh/layout.h"

#include <deal.II/distributed/tria.h>

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
               const double                                  h_max);

  /**
   * A hexahedral mesh conforming to every part of the layout: a graded
   * tensor-product grid through all part faces, without the cells above the
   * substrate that lie in no part. Material ids from the parts; boundary
   * ids as above. The coarse mesh is the final mesh (no hanging nodes).
   * With filament fractions (one per device), the faces of the filament
   * boxes are grid lines too, so each filament is a union of cells (at
   * least one across, however narrow).
   */
  MeshStatistics
  generate_mesh(const Layout                                    &layout,
                dealii::parallel::distributed::Triangulation<3> &tria,
                const std::vector<double>                       &filament_fractions = {});
} // namespace neuristor
