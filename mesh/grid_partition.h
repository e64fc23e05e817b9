#pragma once

#include <array>
#include <vector>

namespace neuristor
{
  /**
   * A split of the nx x ny columns of a tensor grid among n parts (MPI
   * ranks): px slabs along x times py along y, px py = n, cut so that the
   * cut faces are fewest; each part owns whole columns (all of z), and
   * every rank computes the same split without communication.
   */
  class GridPartition
  {
  public:
    /** Throws InputError (naming the cell counts) if n parts cannot all get columns. */
    GridPartition(const unsigned int nx, const unsigned int ny, const unsigned int n_parts);

    /** Owner of column (i, j). */
    unsigned int
    owner(const unsigned int i, const unsigned int j) const;

    /** Columns [lo, hi) along x (axis 0) or y (axis 1) of a part. */
    std::array<unsigned int, 2>
    range(const unsigned int part, const unsigned int axis) const;

    /** Slabs along x and along y. */
    std::array<unsigned int, 2>
    slabs() const
    {
      return {{static_cast<unsigned int>(cuts[0].size() - 1),
               static_cast<unsigned int>(cuts[1].size() - 1)}};
    }

  private:
    std::array<std::vector<unsigned int>, 2> cuts; // slab boundaries per axis
  };
} // namespace neuristor
