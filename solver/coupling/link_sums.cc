// Compiled at -O3 with -fno-trapping-math and -ffp-contract=off (top-level
// CMakeLists.txt): the loops over a slice's rows vectorise, and a row's sum
// does not depend on its lane.
#include "solver/coupling/link_sums.h"

#include <algorithm>

namespace neuristor
{
  LinkSums::LinkSums(const unsigned int n_rows,
                     const std::function<std::vector<Term>(unsigned int)> &terms)
    : n_rows(n_rows)
  {
    slice_begin.push_back(0);
    std::vector<std::vector<Term>> rows(slice);
    for (unsigned int b = 0; b * slice < n_rows; ++b)
      {
        std::size_t width = 0;
        for (unsigned int lane = 0; lane < slice; ++lane)
          {
            const unsigned int k = b * slice + lane;
            rows[lane]           = k < n_rows ? terms(k) : std::vector<Term>();
            width                = std::max(width, rows[lane].size());
          }
        for (std::size_t m = 0; m < width; ++m)
          for (unsigned int lane = 0; lane < slice; ++lane)
            {
              const bool real = m < rows[lane].size();
              index.push_back(real ? rows[lane][m].j : 0); // padding: any valid index
              weight.push_back(real ? rows[lane][m].w : 0.0);
            }
        slice_begin.push_back(index.size());
      }
  }

  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  LinkSums::evaluate(const double *__restrict v, double *__restrict out) const
  {
    const unsigned int *__restrict j = index.data();
    const double *__restrict w       = weight.data();
    for (std::size_t b = 0; b + 1 < slice_begin.size(); ++b)
      {
        double sum[slice] = {};
        for (std::size_t m = slice_begin[b]; m < slice_begin[b + 1]; m += slice)
          for (unsigned int lane = 0; lane < slice; ++lane) // padding adds 0
            sum[lane] += w[m + lane] * v[j[m + lane]];
        for (unsigned int lane = 0; lane < slice && b * slice + lane < n_rows; ++lane)
          out[b * slice + lane] = sum[lane];
      }
  }
} // namespace neuristor
