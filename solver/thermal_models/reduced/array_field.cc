#include "solver/thermal_models/reduced/array_field.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace neuristor
{
  using namespace dealii;

  std::vector<double>
  ArrayField::tile_lines(const double extent, const double spacing, std::vector<double> edges)
  {
    const unsigned int n = std::max<long>(1, std::lround(extent / spacing));
    std::vector<double> lines;
    for (unsigned int j = 0; j <= n; ++j)
      lines.push_back(-0.5 * extent + j * extent / n);
    // A part's edge replaces the regular lines within a quarter cell of it.
    const double h = extent / n;
    for (const double e : edges)
      if (std::abs(e) < 0.5 * extent - 0.25 * h)
        {
          lines.erase(std::remove_if(lines.begin() + 1, lines.end() - 1,
                                     [&](const double x) { return std::abs(x - e) < 0.25 * h; }),
                      lines.end() - 1);
          lines.push_back(e);
        }
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end(),
                            [&](const double a, const double b) { return b - a < 1e-6 * h; }),
                lines.end());
    return lines;
  }

  ArrayField::ArrayField(const HeatEquation                 &patch,
                         const std::vector<LA::MPI::Vector> &modes,
                         const Layout                       &patch_layout,
                         const unsigned int                  patch_rows,
                         const unsigned int                  patch_columns,
                         const LatticeKernel                &kernel,
                         const Layout                       &array,
                         const double                        spacing)
    : offsets(kernel.offsets)
    , grid(array.grid())
    , centres(array.device_centres())
    , m(kernel.order())
  {
    if (modes.size() != m)
      throw std::logic_error("ArrayField: the patch's modes and the kernel's order differ");
    // A tile spans one pitch along and across the grid's axes (a square
    // of the other pitch for a single row or column).
    const auto step = [&](const unsigned int i) {
      return std::array<double, 2>{{centres[i][0] - centres[0][0], centres[i][1] - centres[0][1]}};
    };
    const auto along  = grid.columns > 1 ? step(1) : std::array<double, 2>{{0, 0}};
    const auto across = grid.rows > 1 ? step(grid.columns) : std::array<double, 2>{{0, 0}};
    double     ex     = std::abs(along[0]) + std::abs(across[0]);
    double     ey     = std::abs(along[1]) + std::abs(across[1]);
    if (ex == 0)
      ex = ey;
    if (ey == 0)
      ey = ex;
    if (ex == 0) // a single device
      ex = ey = 20 * spacing;
    depth = std::min(spacing, 0.5 * -patch_layout.substrate().lo[2]);

    // The centre device's parts (channel, electrodes, leads) in its tile.
    const unsigned int  centre = (patch_rows / 2) * patch_columns + patch_columns / 2;
    const auto         &at     = patch_layout.device_centres();
    const auto         &blocks = patch_layout.blocks();
    std::vector<double> x_edges, y_edges;
    for (std::size_t b = 1; b < blocks.size(); ++b) // 0: the substrate
      if (blocks[b].owner == int(centre) || blocks[b].device == int(centre))
        for (const unsigned int side : {0u, 1u})
          {
            x_edges.push_back((side ? blocks[b].hi : blocks[b].lo)[0] - at[centre][0]);
            y_edges.push_back((side ? blocks[b].hi : blocks[b].lo)[1] - at[centre][1]);
          }
    xs = tile_lines(ex, spacing, x_edges);
    ys = tile_lines(ey, spacing, y_edges);

    // Each cell's probe: the mid-height of the topmost part over its centre,
    // or the substrate's top.
    std::vector<Point<3>> probes;
    for (unsigned int b = 0; b + 1 < ys.size(); ++b)
      for (unsigned int a = 0; a + 1 < xs.size(); ++a)
        {
          const Point<3> p(at[centre][0] + 0.5 * (xs[a] + xs[a + 1]),
                           at[centre][1] + 0.5 * (ys[b] + ys[b + 1]), 0);
          const Block   *top = nullptr;
          for (std::size_t k = 1; k < blocks.size(); ++k)
            if (blocks[k].lo[0] <= p[0] && p[0] <= blocks[k].hi[0] && blocks[k].lo[1] <= p[1] &&
                p[1] <= blocks[k].hi[1] && (!top || blocks[k].hi[2] > top->hi[2]))
              top = &blocks[k];
          probes.emplace_back(p[0] - at[centre][0], p[1] - at[centre][1],
                              top ? 0.5 * (top->lo[2] + top->hi[2]) : 0.0);
          material.push_back(top ? top->material : 0);
          own_channel.push_back(top && top->device == int(centre));
        }

    // The modes at every offset's tile around the patch's centre device
    // (held inside the substrate where an outer tile reaches past a margin
    // narrower than half a pitch).
    const auto &box = patch_layout.substrate();
    std::vector<Point<3>> points;
    points.reserve(offsets.size() * probes.size());
    for (const auto &o : offsets)
      {
        const unsigned int receiver =
          (patch_rows / 2 + o.rows) * patch_columns + patch_columns / 2 + o.columns;
        for (const auto &probe : probes)
          {
            auto p = Point<3>(at[receiver][0], at[receiver][1], 0) + probe;
            for (unsigned int d = 0; d < 2; ++d)
              if (p[d] < box.lo[d] || p[d] > box.hi[d])
                p[d] = std::clamp(p[d], box.lo[d], box.hi[d]), p[2] = 0; // the substrate's top
            points.push_back(p);
          }
      }
    const auto values = patch.values_at(modes, points);
    phi.resize(points.size() * m);
    for (std::size_t q = 0; q < points.size(); ++q)
      for (unsigned int k = 0; k < m; ++k)
        phi[q * m + k] = values[k][q];
  }

  void
  ArrayField::prepare(const MPI_Comm comm, const unsigned int first, const unsigned int last)
  {
    this->first = first, this->last = last;
    const unsigned int         nx = xs.size(), ny = ys.size(); // lines
    std::vector<float>         points, cell_material, cell_device;
    std::vector<std::uint32_t> hexahedra;
    for (unsigned int i = first; i < last; ++i)
      {
        const std::uint32_t base  = (i - first) * 2 * nx * ny;
        const auto          point = [&](const unsigned int level, const unsigned int a,
                                const unsigned int b) { return base + (level * ny + b) * nx + a; };
        for (unsigned int level = 0; level < 2; ++level)
          for (unsigned int b = 0; b < ny; ++b)
            for (unsigned int a = 0; a < nx; ++a)
              points.insert(points.end(), {float(centres[i][0] + xs[a]), float(centres[i][1] + ys[b]),
                                           float(level == 0 ? 0.0 : -depth)});
        // VTK's hexahedron: round the bottom face (level 1), then the top.
        for (unsigned int b = 0; b + 1 < ny; ++b)
          for (unsigned int a = 0; a + 1 < nx; ++a)
            {
              for (const unsigned int level : {1u, 0u})
                hexahedra.insert(hexahedra.end(), {point(level, a, b), point(level, a + 1, b),
                                                   point(level, a + 1, b + 1), point(level, a, b + 1)});
              cell_material.push_back(material[b * (nx - 1) + a]);
              cell_device.push_back(own_channel[b * (nx - 1) + a] ? float(i) : -1.0f);
            }
      }
    writer = std::make_unique<VtuSeriesWriter>(
      comm, points, hexahedra,
      std::vector<VtuSeriesWriter::Field>{{"material_id", cell_material}, {"device_id", cell_device}});
  }

  std::string
  ArrayField::write(const std::string         &folder,
                    const unsigned int         index,
                    const double               t,
                    const double               T0,
                    const std::vector<double> &Z) const
  {
    if (!writer)
      throw std::logic_error("ArrayField: write() before prepare()");
    const unsigned int  C = cells_per_tile();
    std::vector<double> rise(std::size_t(last - first) * C, 0.0);
    for (unsigned int i = first; i < last; ++i)
      {
        double *tile = &rise[std::size_t(i - first) * C];
        for (std::size_t o = 0; o < offsets.size(); ++o)
          {
            const int source = grid.shifted(i, -offsets[o].rows, -offsets[o].columns);
            if (source < 0)
              continue;
            const double *z      = &Z[std::size_t(source) * m];
            const double *values = &phi[o * C * m];
            for (unsigned int p = 0; p < C; ++p)
              for (unsigned int k = 0; k < m; ++k)
                tile[p] += values[p * m + k] * z[k];
          }
      }
    std::vector<float> rise_K(rise.begin(), rise.end()), temperature_K(rise.size());
    std::transform(rise.begin(), rise.end(), temperature_K.begin(),
                   [T0](const double r) { return float(T0 + r); });
    return writer->write(folder, "temperature", index, t, {},
                         {{"temperature_K", temperature_K}, {"temperature_rise_K", rise_K}});
  }
} // namespace neuristor
