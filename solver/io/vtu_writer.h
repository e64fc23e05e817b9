#pragma once

#include <deal.II/dofs/dof_handler.h>
#include "solver/base/linear_algebra.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace neuristor
{
  /**
   * VTU time series of a Q1 field on a fixed distributed mesh. Each rank
   * writes its owned cells as one piece whose points are the cells'
   * vertices, shared between cells (deal.II's DataOut writes 8 points per
   * cell and rebuilds its patches for every snapshot, which cost more than
   * a co-simulation step). Arrays are zlib-compressed in VTK's appended raw
   * format; the geometry and the constant cell fields are compressed once,
   * so a snapshot only compresses what changes.
   */
  class VtuSeriesWriter
  {
  public:
    using Field = std::pair<std::string, std::vector<float>>;

    /** The owned cells of a Q1 dof_handler and cell fields that never change (by active cell index). */
    VtuSeriesWriter(const dealii::DoFHandler<3> &dof_handler,
                    const std::vector<Field>    &constant_cell_fields);

    /**
     * This rank's piece given directly: points (x, y, z per point) and
     * hexahedra (8 point indices each, in VTK's order), with cell fields
     * that never change (per hexahedron). Collective in write() only.
     */
    VtuSeriesWriter(const MPI_Comm                    comm,
                    const std::vector<float>         &points,
                    const std::vector<std::uint32_t> &hexahedra,
                    const std::vector<Field>         &constant_cell_fields);

    /** Values of a ghosted nodal vector (plus offset) at this rank's points. */
    std::vector<float>
    point_values(const LA::MPI::Vector &ghosted, const double offset) const;

    /** Number of active cells of the mesh: the length of cell fields. */
    unsigned int
    n_mesh_cells() const
    {
      return n_active_cells;
    }

    /**
     * Write folder/base_NNNNN.RANK.vtu on every rank and folder/base_NNNNN.pvtu
     * on rank 0 with point fields (from point_values) and varying cell
     * fields (by active cell index) at simulated time t [s]; returns the
     * .pvtu file name (without folder). Collective.
     */
    std::string
    write(const std::string        &folder,
          const std::string        &base,
          const unsigned int        index,
          const double              time,
          const std::vector<Field> &point_fields,
          const std::vector<Field> &cell_fields) const;

  private:
    /** Compress the piece's geometry and its constant cell fields (by active cell index). */
    void
    set_geometry(const std::vector<float>         &points,
                 const std::vector<std::uint32_t> &connectivity,
                 const std::vector<Field>         &constant_cell_fields);

    /** A zlib block with its VTK header (UInt32: blocks, sizes, compressed size). */
    static std::string
    compressed(const void *data, const std::size_t bytes);

    /** The owned cells' entries of a field by active cell index. */
    std::vector<float>
    owned_cell_values(const std::vector<float> &by_active_index) const;

    MPI_Comm                                     comm;
    unsigned int                                 n_active_cells = 0;
    std::vector<dealii::types::global_dof_index> point_dofs; // per point
    std::vector<unsigned int>                    cell_indices; // active index per owned cell
    std::vector<std::string>                     geometry; // points, connectivity, offsets, types
    std::vector<std::pair<std::string, std::string>> constant_cells; // name, compressed block
    std::size_t                                  n_points = 0;
  };

  /**
   * The .pvd file of a time series: (time [s], file name) records, written
   * by rank 0 if there are any; IoError on every rank if the write fails.
   */
  void
  write_pvd_series(const MPI_Comm                                     comm,
                   const std::string                                 &file,
                   const std::vector<std::pair<double, std::string>> &records);
} // namespace neuristor
