#include "mesh/mesh_generator.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include "mesh/grid_partition.h"
#include "mesh/tensor_grid.h"

#include <deal.II/base/mpi.h>
#include <deal.II/grid/tria.h>
#include <deal.II/grid/tria_description.h>

#include <algorithm>
#ifdef __GLIBC__
#  include <malloc.h>
#endif
#include <cmath>
#include <cstdint>

namespace neuristor
{
  using namespace dealii;

  namespace
  {
    // Distance from x to the nearest fine interval.
    double
    distance_to(const std::vector<std::array<double, 2>> &fine, const double x)
    {
      double d = std::numeric_limits<double>::max();
      for (const auto &f : fine)
        d = std::min(d, x < f[0] ? f[0] - x : (x > f[1] ? x - f[1] : 0.0));
      return d;
    }

    // Distinct grid lines of an axis, sorted.
    std::vector<double>
    distinct_lines(std::vector<double> breakpoints)
    {
      std::sort(breakpoints.begin(), breakpoints.end());
      const double        span = breakpoints.back() - breakpoints.front();
      std::vector<double> lines;
      for (const double b : breakpoints)
        if (lines.empty() || b - lines.back() > 1e-9 * span)
          lines.push_back(b);
      return lines;
    }

    /**
     * Cells of [a, b], marched from the end nearer to fine regions so that
     * they grow outward; their sizes go to `local` unless it is null (a
     * count only). Stops after `budget` cells: a cell size far below the
     * extent, or below its rounding (pos would not move), would take
     * unbounded time and memory.
     */
    unsigned long
    march(const double a, const double b, const std::vector<std::array<double, 2>> &fine,
          const double h_min, const double ratio, const double h_max, const unsigned long budget,
          std::vector<double> *local)
    {
      const bool    forward = distance_to(fine, a) <= distance_to(fine, b);
      double        pos     = forward ? a : b;
      unsigned long count   = 0;
      while ((forward ? pos < b : pos > a) && count < budget)
        {
          const double h = std::min(h_max, h_min + (ratio - 1) * distance_to(fine, pos));
          if (local)
            local->push_back(h);
          pos += forward ? h : -h;
          ++count;
        }
      return count;
    }

    // Grid lines, fine intervals and top of the solid, per axis.
    struct AxisGrids
    {
      std::array<std::vector<double>, 3>                 lines;
      std::array<std::vector<std::array<double, 2>>, 3> fine;
      double                                             top = 0;
    };

    AxisGrids
    axis_grids(const Layout &layout, const std::vector<double> &filament_fractions)
    {
      AxisGrids grids;
      // Filament faces become grid lines; each filament lies inside its
      // channel, so its fine interval adds nothing.
      auto boxes = layout.blocks();
      if (!filament_fractions.empty())
        {
          const auto filaments = layout.filament_boxes(filament_fractions);
          boxes.insert(boxes.end(), filaments.begin(), filaments.end());
        }
      for (const auto &b : boxes)
        {
          for (unsigned d = 0; d < 3; ++d)
            {
              grids.lines[d].push_back(b.lo[d]);
              grids.lines[d].push_back(b.hi[d]);
            }
          if (b.owner >= 0)
            {
              for (unsigned d = 0; d < 2; ++d)
                grids.fine[d].push_back({{b.lo[d], b.hi[d]}});
              grids.top = std::max(grids.top, b.hi[2]);
            }
        }
      grids.fine[2].push_back({{0.0, grids.top}});
      return grids;
    }
  } // namespace

  std::vector<double>
  graded_steps(std::vector<double>                       breakpoints,
               const std::vector<std::array<double, 2>> &fine,
               const double                              h_min,
               const double                              ratio,
               const double                              h_max,
               const double                              max_cells)
  {
    const auto          lines = distinct_lines(std::move(breakpoints));
    std::vector<double> steps;
    for (std::size_t k = 0; k + 1 < lines.size(); ++k)
      {
        const double        a = lines[k], b = lines[k + 1];
        std::vector<double> local;
        const bool          forward = distance_to(fine, a) <= distance_to(fine, b);
        const double        left    = std::max(0.0, max_cells - steps.size());
        if (march(a, b, fine, h_min, ratio, h_max, static_cast<unsigned long>(left) + 1,
                  &local) > left)
          throw InputError("Layout/Finest cell size",
                           "gives more than " + parameter_tools::format_number(max_cells) +
                             " cells along one axis; coarsen it or shrink the substrate");
        // Scale to fit exactly; avoid a last sliver by merging it.
        double sum = 0;
        for (const double h : local)
          sum += h;
        if (local.size() > 1 && sum - (b - a) > 0.5 * local.back())
          {
            sum -= local.back();
            local.pop_back();
          }
        for (double &h : local)
          h *= (b - a) / sum;
        if (!forward)
          std::reverse(local.begin(), local.end());
        steps.insert(steps.end(), local.begin(), local.end());
      }
    return steps;
  }

  namespace
  {
    std::array<double, 3>
    count_cells(const AxisGrids &grids, const Layout &layout, const double max_cells)
    {
      std::array<double, 3> counts{};
      for (unsigned d = 0; d < 3; ++d)
        {
          const auto lines = distinct_lines(grids.lines[d]);
          for (std::size_t k = 0; k + 1 < lines.size() && counts[d] <= max_cells; ++k)
            counts[d] += march(lines[k], lines[k + 1], grids.fine[d], layout.finest_size,
                               layout.growth_ratio, layout.coarsest_size,
                               static_cast<unsigned long>(max_cells - counts[d] + 1), nullptr);
        }
      return counts;
    }

    void
    refuse_past_limit(const std::array<double, 3> &n, const double max_cells)
    {
      const double cells = n[0] * n[1] * n[2];
      // Each axis has at least one cell: one axis past the limit is enough.
      if (cells > max_cells)
        throw InputError("Layout/Finest cell size",
                         std::string("the mesh would have ") +
                           (std::max({n[0], n[1], n[2]}) > max_cells ? "more than " : "") +
                           parameter_tools::format_number(cells) + " cells (" +
                           parameter_tools::format_number(n[0]) + " x " +
                           parameter_tools::format_number(n[1]) + " x " +
                           parameter_tools::format_number(n[2]) +
                           "), more than Limits/Maximum mesh cells = " +
                           parameter_tools::format_number(max_cells) +
                           " allows; coarsen it, shrink the substrate, or raise that limit");
    }
  } // namespace

  std::array<double, 3>
  estimate_cells_per_axis(const Layout              &layout,
                          const std::vector<double> &filament_fractions,
                          const double               max_cells)
  {
    return count_cells(axis_grids(layout, filament_fractions), layout, max_cells);
  }

  void
  check_mesh_size(const Layout              &layout,
                  const std::vector<double> &filament_fractions,
                  const double               max_cells)
  {
    refuse_past_limit(estimate_cells_per_axis(layout, filament_fractions, max_cells), max_cells);
  }

  namespace
  {
    // Grid lines of an axis from its first line and its cell sizes, with
    // the lines at breakpoints (part faces) set to them exactly: summed
    // sizes miss them by rounding (a substrate top at -1e-22 m instead of
    // 0 is below a probe at z = 0).
    std::vector<double>
    lines_from_steps(const double start, const std::vector<double> &steps,
                     const std::vector<double> &breakpoints)
    {
      std::vector<double> lines{start};
      for (const double h : steps)
        lines.push_back(lines.back() + h);
      for (const double b : distinct_lines(breakpoints))
        {
          auto nearest = std::lower_bound(lines.begin(), lines.end(), b);
          if (nearest == lines.end() || (nearest != lines.begin() && b - *(nearest - 1) < *nearest - b))
            --nearest;
          *nearest = b;
        }
      return lines;
    }

    using CellIndex = std::array<unsigned int, 3>;

    /**
     * The locally relevant part of the grid on one rank: its own columns
     * and, around them, the ghost cells (those sharing a vertex with an
     * owned cell), with materials read from a box one cell wider still (the
     * ghosts' neighbours decide their boundary faces).
     */
    class LocalGrid
    {
    public:
      LocalGrid(const Layout &layout, const TensorGrid &grid, const GridPartition &partition,
                const unsigned int rank)
        : grid(grid)
        , partition(partition)
        , rank(rank)
        , materials(layout, grid, widened(grid, partition, rank, 2))
        , relevant(widened(grid, partition, rank, 1))
      {}

      int
      material(const CellIndex &c) const
      {
        return materials.at(c);
      }

      unsigned int
      owner(const CellIndex &c) const
      {
        return partition.owner(c[0], c[1]);
      }

      /** A solid cell owned here, or one sharing a vertex with such a cell. */
      bool
      is_relevant(const CellIndex &c) const
      {
        if (material(c) < 0)
          return false;
        if (owner(c) == rank)
          return true;
        for (int dk = -1; dk <= 1; ++dk)
          for (int dj = -1; dj <= 1; ++dj)
            for (int di = -1; di <= 1; ++di)
              {
                const CellIndex n{{c[0] + di, c[1] + dj, c[2] + dk}};
                if (relevant.contains(n) && owner(n) == rank && material(n) >= 0)
                  return true;
              }
        return false;
      }

      /** Boundary id of face f (deal.II numbering) of cell c, or -1 if the face is interior. */
      int
      boundary_id(const CellIndex &c, const unsigned int f) const
      {
        const unsigned int axis = f / 2;
        const bool         at_grid_edge = f % 2 == 0 ? c[axis] == 0 : c[axis] + 1 == grid.n_cells(axis);
        if (!at_grid_edge)
          {
            CellIndex n = c;
            n[axis] += f % 2 == 0 ? -1 : 1;
            if (material(n) >= 0)
              return -1;
          }
        if (f == 4 && c[2] == 0)
          return boundary::bottom;
        const double z = 0.5 * (grid.lines[2][c[2]] + grid.lines[2][c[2] + 1]);
        if (axis < 2 && at_grid_edge && z < 0)
          return boundary::sides;
        return boundary::adiabatic;
      }

      CellBox relevant_box() const
      {
        return relevant;
      }

    private:
      // The rank's columns widened by `layers` cells in x and y (within the grid), all of z.
      static CellBox
      widened(const TensorGrid &grid, const GridPartition &partition, const unsigned int rank,
              const unsigned int layers)
      {
        CellBox box;
        for (unsigned int d = 0; d < 2; ++d)
          {
            const auto r = partition.range(rank, d);
            box.lo[d]    = r[0] >= layers ? r[0] - layers : 0;
            box.hi[d]    = std::min(r[1] + layers, grid.n_cells(d));
          }
        box.lo[2] = 0;
        box.hi[2] = grid.n_cells(2);
        return box;
      }

      const TensorGrid    &grid;
      const GridPartition &partition;
      const unsigned int   rank;
      const CellMaterials  materials;
      const CellBox        relevant;
    };

    /** The description of the rank's relevant cells that parallel::fullydistributed::Triangulation builds from. */
    TriangulationDescription::Description<3, 3>
    describe(const LocalGrid &local, const TensorGrid &grid, const MPI_Comm comm)
    {
      TriangulationDescription::Description<3, 3> description;
      description.comm      = comm;
      description.smoothing = Triangulation<3>::none;
      description.settings  = TriangulationDescription::Settings::default_setting;
      description.cell_infos.resize(1);
      const CellBox box = local.relevant_box();
      // Local vertex numbers by vertex index within the box (-1: not yet used).
      const unsigned int   bx = box.hi[0] - box.lo[0] + 1, by = box.hi[1] - box.lo[1] + 1;
      std::vector<int>     vertex_number(std::size_t(bx) * by * (grid.n_cells(2) + 1), -1);
      const auto           vertex = [&](const unsigned i, const unsigned j, const unsigned k) {
        int &number = vertex_number[(i - box.lo[0]) + std::size_t(bx) * ((j - box.lo[1]) + std::size_t(by) * k)];
        if (number < 0)
          {
            number = description.coarse_cell_vertices.size();
            description.coarse_cell_vertices.emplace_back(grid.lines[0][i], grid.lines[1][j], grid.lines[2][k]);
          }
        return static_cast<unsigned int>(number);
      };
      const std::uint64_t nx = grid.n_cells(0), ny = grid.n_cells(1);
      for_each_cell(box, [&](const CellIndex &c) {
        if (!local.is_relevant(c))
          return;
        CellData<3> cell;
        for (unsigned int v = 0; v < 8; ++v)
          cell.vertices[v] = vertex(c[0] + (v & 1), c[1] + ((v >> 1) & 1), c[2] + ((v >> 2) & 1));
        cell.material_id = local.material(c);
        description.coarse_cells.push_back(cell);
        const types::coarse_cell_id id = c[0] + nx * (c[1] + ny * c[2]);
        description.coarse_cell_index_to_coarse_cell_id.push_back(id);

        TriangulationDescription::CellData<3> info;
        info.id                 = CellId(id, std::vector<std::uint8_t>()).to_binary<3>();
        info.subdomain_id       = local.owner(c);
        info.level_subdomain_id = numbers::artificial_subdomain_id;
        info.manifold_id        = numbers::flat_manifold_id;
        info.manifold_line_ids.fill(numbers::flat_manifold_id);
        info.manifold_quad_ids.fill(numbers::flat_manifold_id);
        for (unsigned int f = 0; f < 6; ++f)
          if (const int b = local.boundary_id(c, f); b >= 0)
            info.boundary_ids.emplace_back(f, b);
        description.cell_infos[0].push_back(std::move(info));
      });
      return description;
    }

    // Cell counts and extremes of size and aspect ratio over the owned solid cells, reduced over ranks.
    MeshStatistics
    statistics(const LocalGrid &local, const TensorGrid &grid, const unsigned int rank, const MPI_Comm comm)
    {
      MeshStatistics stats;
      double         cells = 0, lo_aspect = std::numeric_limits<double>::max(), hi_aspect = 0;
      double         lo_size = std::numeric_limits<double>::max(), hi_size = 0;
      for_each_cell(local.relevant_box(), [&](const CellIndex &c) {
        if (local.owner(c) != rank || local.material(c) < 0)
          return;
        double lo = std::numeric_limits<double>::max(), hi = 0;
        for (unsigned int d = 0; d < 3; ++d)
          {
            const double e = grid.lines[d][c[d] + 1] - grid.lines[d][c[d]];
            lo = std::min(lo, e), hi = std::max(hi, e);
          }
        ++cells;
        lo_aspect = std::min(lo_aspect, hi / lo), hi_aspect = std::max(hi_aspect, hi / lo);
        lo_size = std::min(lo_size, lo), hi_size = std::max(hi_size, hi);
      });
      stats.cells            = static_cast<unsigned long>(Utilities::MPI::sum(cells, comm));
      stats.min_aspect_ratio = Utilities::MPI::min(lo_aspect, comm);
      stats.max_aspect_ratio = Utilities::MPI::max(hi_aspect, comm);
      stats.min_cell_size    = Utilities::MPI::min(lo_size, comm);
      stats.max_cell_size    = Utilities::MPI::max(hi_size, comm);
      return stats;
    }
  } // namespace

  TensorGrid
  layout_grid(const Layout &layout, const std::vector<double> &filament_fractions,
              const double max_cells)
  {
    const auto grids = axis_grids(layout, filament_fractions);
    refuse_past_limit(count_cells(grids, layout, max_cells), max_cells);
    const auto &sub = layout.substrate();
    TensorGrid  grid;
    for (unsigned d = 0; d < 3; ++d)
      grid.lines[d] = lines_from_steps(sub.lo[d],
                                       graded_steps(grids.lines[d], grids.fine[d], layout.finest_size,
                                                    layout.growth_ratio, layout.coarsest_size, max_cells),
                                       grids.lines[d]);
    return grid;
  }

  GridCounts
  count_grid(const Layout &layout, const TensorGrid &grid)
  {
    const GridPartition one_part(grid.n_cells(0), grid.n_cells(1), 1);
    const LocalGrid     whole(layout, grid, one_part, 0); // keeps a reference to one_part
    GridCounts      counts;
    counts.statistics = statistics(whole, grid, 0, MPI_COMM_SELF);
    // A vertex is a DoF of Q1 elements when a solid cell touches it.
    const CellBox vertices{{}, {{grid.n_cells(0) + 1, grid.n_cells(1) + 1, grid.n_cells(2) + 1}}};
    for_each_cell(vertices, [&](const CellIndex &v) {
      bool solid = false;
      for (unsigned int corner = 0; corner < 8 && !solid; ++corner)
        {
          // The cell at v minus the corner's offsets, if it is in the grid.
          CellIndex c      = v;
          bool      inside = true;
          for (unsigned int d = 0; d < 3; ++d)
            {
              const unsigned int offset = (corner >> d) & 1u;
              inside = inside && v[d] >= offset && v[d] - offset < grid.n_cells(d);
              c[d]   = v[d] - offset;
            }
          solid = inside && whole.material(c) >= 0;
        }
      counts.vertices += solid ? 1 : 0;
    });
    return counts;
  }

  MeshStatistics
  generate_mesh(const Layout                              &layout,
                parallel::fullydistributed::Triangulation<3> &tria,
                const std::vector<double>                 &filament_fractions,
                const double                               max_cells)
  {
    const TensorGrid    grid = layout_grid(layout, filament_fractions, max_cells);
    const MPI_Comm      comm = tria.get_communicator();
    const unsigned int  rank = Utilities::MPI::this_mpi_process(comm);
    const GridPartition partition(grid.n_cells(0), grid.n_cells(1), Utilities::MPI::n_mpi_processes(comm));
    const LocalGrid     local(layout, grid, partition, rank);
    tria.create_triangulation(describe(local, grid, comm));
#ifdef __GLIBC__
    // Building the mesh frees several times the mesh's size in small
    // blocks (the description, deal.II's maps of faces and lines). The
    // matrices that come next are large arrays that malloc maps afresh, so
    // without this the freed blocks stayed resident for the whole run.
    malloc_trim(0);
#endif
    return statistics(local, grid, rank, comm);
  }
} // namespace neuristor
