#include "mesh/mesh_generator.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>

#include <algorithm>
#include <cmath>
#include <set>

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

  MeshStatistics
  generate_mesh(const Layout                            &layout,
                parallel::distributed::Triangulation<3> &tria,
                const std::vector<double>               &filament_fractions,
                const double                             max_cells)
  {
    const auto grids = axis_grids(layout, filament_fractions);
    refuse_past_limit(count_cells(grids, layout, max_cells), max_cells);
    std::vector<std::vector<double>> steps(3);
    for (unsigned d = 0; d < 3; ++d)
      steps[d] = graded_steps(grids.lines[d], grids.fine[d], layout.finest_size,
                              layout.growth_ratio, layout.coarsest_size, max_cells);
    const auto  &sub = layout.substrate();
    const double top = grids.top;

    Triangulation<3> box;
    GridGenerator::subdivided_hyper_rectangle(box, steps,
                                              Point<3>(sub.lo[0], sub.lo[1], sub.lo[2]),
                                              Point<3>(sub.hi[0], sub.hi[1], top));
    std::set<Triangulation<3>::active_cell_iterator> void_cells;
    for (const auto &cell : box.active_cell_iterators())
      {
        const int m = layout.material_at(cell->center());
        if (m < 0)
          void_cells.insert(cell);
        else
          cell->set_material_id(m);
      }
    Triangulation<3> solid;
    GridGenerator::create_triangulation_with_removed_cells(box, void_cells, solid);

    const double tol = 1e-9 * (sub.hi[0] - sub.lo[0]);
    for (const auto &cell : solid.active_cell_iterators())
      for (const auto &face : cell->face_iterators())
        if (face->at_boundary())
          {
            const auto c = face->center();
            if (std::abs(c[2] - sub.lo[2]) < tol)
              face->set_boundary_id(boundary::bottom);
            else if (c[2] < 0 && (std::abs(c[0] - sub.lo[0]) < tol ||
                                  std::abs(c[0] - sub.hi[0]) < tol ||
                                  std::abs(c[1] - sub.lo[1]) < tol ||
                                  std::abs(c[1] - sub.hi[1]) < tol))
              face->set_boundary_id(boundary::sides);
            else
              face->set_boundary_id(boundary::adiabatic);
          }

    MeshStatistics stats;
    stats.cells            = solid.n_active_cells();
    stats.min_aspect_ratio = stats.min_cell_size = std::numeric_limits<double>::max();
    for (const auto &cell : solid.active_cell_iterators())
      {
        double lo = std::numeric_limits<double>::max(), hi = 0;
        for (unsigned d = 0; d < 3; ++d)
          {
            const double e = cell->extent_in_direction(d);
            lo = std::min(lo, e), hi = std::max(hi, e);
          }
        stats.min_aspect_ratio = std::min(stats.min_aspect_ratio, hi / lo);
        stats.max_aspect_ratio = std::max(stats.max_aspect_ratio, hi / lo);
        stats.min_cell_size    = std::min(stats.min_cell_size, lo);
        stats.max_cell_size    = std::max(stats.max_cell_size, hi);
      }
    tria.copy_triangulation(solid);
    return stats;
  }
} // namespace neuristor
