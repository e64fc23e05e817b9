// Compiled with -ffast-math -fopenmp-simd (top-level CMakeLists.txt): glibc
// declares its vector cbrt only under -ffast-math.
#include "solver/coupling/inverse_cube_roots.h"

#include <cmath>

namespace neuristor::inverse_cube_roots
{
  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  evaluate(const double *__restrict x, double *__restrict y, const std::size_t n)
  {
    for (std::size_t b = 0; b < n; b += block)
#pragma omp simd
      for (std::size_t i = b; i < b + block; ++i)
        y[i] = std::cbrt(1 / x[i]);
  }
} // namespace neuristor::inverse_cube_roots
