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
    // The most cells a mesh may have (and so also along one axis).
    constexpr unsigned long max_cells = 20'000'000;
  } // namespace

  std::vector<double>
  graded_steps(std::vector<double>                       breakpoints,
               const std::vector<std::array<double, 2>> &fine,
               const double                              h_min,
               const double                              ratio,
               const double                              h_max)
  {
    std::sort(breakpoints.begin(), breakpoints.end());
    const double span = breakpoints.back() - breakpoints.front();
    std::vector<double> lines;
    for (const double b : breakpoints)
      if (lines.empty() || b - lines.back() > 1e-9 * span)
        lines.push_back(b);

    const auto distance = [&](const double x) {
      double d = std::numeric_limits<double>::max();
      for (const auto &f : fine)
        d = std::min(d, x < f[0] ? f[0] - x : (x > f[1] ? x - f[1] : 0.0));
      return d;
    };
    std::vector<double> steps;
    for (std::size_t k = 0; k + 1 < lines.size(); ++k)
      {
        const double a = lines[k], b = lines[k + 1];
        std::vector<double> local;
        // March from the end nearer to fine regions so cells grow outward.
        const bool   forward = distance(a) <= distance(b);
        double       pos     = forward ? a : b;
        while (forward ? pos < b : pos > a)
          {
            // A cell size far below the extent, or below its rounding (pos
            // would not move), would take unbounded time and memory.
            if (steps.size() + local.size() >= max_cells)
              throw InputError("Layout/Finest cell size",
                               "gives more than " + std::to_string(max_cells) +
                                 " cells along one axis; coarsen it or shrink the substrate");
            const double h = std::min(h_max, h_min + (ratio - 1) * distance(pos));
            local.push_back(h);
            pos += forward ? h : -h;
          }
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

  MeshStatistics
  generate_mesh(const Layout                            &layout,
                parallel::distributed::Triangulation<3> &tria,
                const std::vector<double>               &filament_fractions)
  {
    const auto &sub = layout.substrate();
    std::array<std::vector<double>, 3>                 lines;
    std::array<std::vector<std::array<double, 2>>, 3> fine;
    double top = 0;
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
            lines[d].push_back(b.lo[d]);
            lines[d].push_back(b.hi[d]);
          }
        if (b.owner >= 0)
          {
            for (unsigned d = 0; d < 2; ++d)
              fine[d].push_back({{b.lo[d], b.hi[d]}});
            top = std::max(top, b.hi[2]);
          }
      }
    fine[2].push_back({{0.0, top}});

    std::vector<std::vector<double>> steps(3);
    for (unsigned d = 0; d < 3; ++d)
      steps[d] = graded_steps(lines[d], fine[d], layout.finest_size, layout.growth_ratio,
                              layout.coarsest_size);
    // In double: three axes of up to max_cells steps overflow an integer.
    const double n_box = static_cast<double>(steps[0].size()) * steps[1].size() * steps[2].size();
    if (n_box > max_cells)
      throw InputError("Layout/Finest cell size",
                       "the mesh would have " + parameter_tools::format_number(n_box) +
                         " cells; coarsen it or shrink the substrate");

    Triangulation<3> box;
    GridGenerator::subdivided_hyper_rectangle(box, steps, Point<3>(sub.lo[0], sub.lo[1], sub.lo[2]),
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
