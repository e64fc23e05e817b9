#include "mesh/tensor_grid.h"

#include <algorithm>

namespace neuristor
{
  unsigned int
  TensorGrid::nearest_line(const unsigned int axis, const double x) const
  {
    const auto &l  = lines[axis];
    const auto  up = std::lower_bound(l.begin(), l.end(), x);
    if (up == l.begin())
      return 0;
    if (up == l.end() || x - *(up - 1) < *up - x)
      return (up - l.begin()) - 1;
    return up - l.begin();
  }

  CellMaterials::CellMaterials(const Layout &layout, const TensorGrid &grid, const CellBox &box)
    : cells(box)
  {
    std::size_t n = 1;
    for (unsigned int d = 0; d < 3; ++d)
      n *= box.hi[d] - box.lo[d];
    material.assign(n, -1);
    for (const Block &part : layout.blocks())
      {
        CellBox span; // the part's cells inside the box
        bool    empty = false;
        for (unsigned int d = 0; d < 3; ++d)
          {
            span.lo[d] = std::max(box.lo[d], grid.nearest_line(d, part.lo[d]));
            span.hi[d] = std::min(box.hi[d], grid.nearest_line(d, part.hi[d]));
            empty      = empty || span.lo[d] >= span.hi[d];
          }
        if (empty)
          continue;
        for_each_cell(span, [&](const std::array<unsigned int, 3> &c) {
          material[index(c)] = static_cast<std::int16_t>(part.material);
        });
      }
  }
} // namespace neuristor
