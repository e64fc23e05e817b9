#pragma once

#include <cstddef>

namespace neuristor
{
  /**
   * y_i = cbrt(1 / x_i) for x_i > 0, i < n, with glibc's vector cbrt
   * (libmvec, within 4 ulp of std::cbrt), in blocks of `block` entries
   * with no scalar remainder, so that an entry's value does not depend on
   * where it stands (nor on the MPI partition): what the step-size control
   * of a batch of devices needs (DeviceBatch). x and y hold n rounded up to
   * a whole block; the padding gives values that are not used.
   */
  namespace inverse_cube_roots
  {
    constexpr std::size_t block = 8;

    void
    evaluate(const double *x, double *y, const std::size_t n);
  } // namespace inverse_cube_roots
} // namespace neuristor
