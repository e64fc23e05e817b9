#pragma once

#include "mesh/layout.h"

#include <array>
#include <cstdint>
#include <vector>

namespace neuristor
{
  /** The lines of a tensor-product grid along x, y and z [m], ascending. */
  struct TensorGrid
  {
    std::array<std::vector<double>, 3> lines;

    unsigned int
    n_cells(const unsigned int axis) const
    {
      return lines[axis].size() - 1;
    }

    /** Index of the grid line nearest to x along `axis`. */
    unsigned int
    nearest_line(const unsigned int axis, const double x) const;
  };

  /** The cells [lo, hi) of a tensor grid, per axis. */
  struct CellBox
  {
    std::array<unsigned int, 3> lo{}, hi{};

    bool
    contains(const std::array<unsigned int, 3> &c) const
    {
      for (unsigned int d = 0; d < 3; ++d)
        if (c[d] < lo[d] || c[d] >= hi[d])
          return false;
      return true;
    }
  };

  /** Calls f(c) for every cell c of the box, x fastest. */
  template <typename Function>
  void
  for_each_cell(const CellBox &box, const Function &f)
  {
    for (unsigned int k = box.lo[2]; k < box.hi[2]; ++k)
      for (unsigned int j = box.lo[1]; j < box.hi[1]; ++j)
        for (unsigned int i = box.lo[0]; i < box.hi[0]; ++i)
          f(std::array<unsigned int, 3>{{i, j, k}});
  }

  /**
   * The material of every cell of one box of a tensor grid that conforms
   * to the layout (its part faces are grid lines): the parts painted in the
   * layout's order, later parts over earlier ones as Layout::material_at
   * picks them, and -1 where no part is (the void above the substrate).
   */
  class CellMaterials
  {
  public:
    CellMaterials(const Layout &layout, const TensorGrid &grid, const CellBox &box);

    /** Material of cell c, which must lie in the box. */
    int
    at(const std::array<unsigned int, 3> &c) const
    {
      return material[index(c)];
    }

    const CellBox &
    box() const
    {
      return cells;
    }

  private:
    std::size_t
    index(const std::array<unsigned int, 3> &c) const
    {
      return (c[0] - cells.lo[0]) +
             std::size_t(cells.hi[0] - cells.lo[0]) *
               ((c[1] - cells.lo[1]) + std::size_t(cells.hi[1] - cells.lo[1]) * (c[2] - cells.lo[2]));
    }

    CellBox                   cells;
    std::vector<std::int16_t> material;
  };
} // namespace neuristor
