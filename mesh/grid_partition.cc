#include "mesh/grid_partition.h"

#include "solver/case/input_error.h"

#include <algorithm>
#include <limits>
#include <string>

namespace neuristor
{
  namespace
  {
    std::vector<unsigned int>
    even_cuts(const unsigned int n, const unsigned int slabs)
    {
      std::vector<unsigned int> cuts(slabs + 1);
      for (unsigned int s = 0; s <= slabs; ++s)
        cuts[s] = static_cast<unsigned int>((static_cast<unsigned long>(n) * s) / slabs);
      return cuts;
    }

    unsigned int
    slab_of(const std::vector<unsigned int> &cuts, const unsigned int i)
    {
      return std::upper_bound(cuts.begin(), cuts.end(), i) - cuts.begin() - 1;
    }
  } // namespace

  GridPartition::GridPartition(const unsigned int nx, const unsigned int ny, const unsigned int n_parts)
  {
    // Cut faces per layer of z: (px - 1) ny + (py - 1) nx.
    unsigned int best = 0;
    double       cost = std::numeric_limits<double>::max();
    for (unsigned int px = 1; px <= n_parts; ++px)
      if (n_parts % px == 0 && px <= nx && n_parts / px <= ny)
        {
          const double c = double(px - 1) * ny + double(n_parts / px - 1) * nx;
          if (c < cost)
            cost = c, best = px;
        }
    if (best == 0)
      throw InputError("Layout/Finest cell size",
                       "the mesh has " + std::to_string(nx) + " x " + std::to_string(ny) +
                         " columns of cells, too few to give each of " + std::to_string(n_parts) +
                         " MPI ranks a block of them; use fewer ranks or a finer mesh");
    cuts[0] = even_cuts(nx, best);
    cuts[1] = even_cuts(ny, n_parts / best);
  }

  unsigned int
  GridPartition::owner(const unsigned int i, const unsigned int j) const
  {
    return slab_of(cuts[0], i) * (cuts[1].size() - 1) + slab_of(cuts[1], j);
  }

  std::array<unsigned int, 2>
  GridPartition::range(const unsigned int part, const unsigned int axis) const
  {
    const unsigned int py   = cuts[1].size() - 1;
    const unsigned int slab = axis == 0 ? part / py : part % py;
    return {{cuts[axis][slab], cuts[axis][slab + 1]}};
  }
} // namespace neuristor
