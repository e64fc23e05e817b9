#pragma once

#include "solver/thermal_models/reduced/modal_basis.h"

#include <memory>
#include <vector>

namespace neuristor
{
  /**
   * The translation-invariant heat response of a regular grid of identical
   * devices, from a reduced model of a patch of it heated at its centre
   * device: with modal states z_j of every device j, driven by its own power,
   *
   *   z_j' = -lambda z_j + b P_j,   rise_i = sum_o h_o . z_(i - o),
   *
   * over the offsets o (rows, columns) whose steady rise is at least the
   * cutoff times the heated device's own. h_(0,0) = b (the patch model is
   * symmetric), so a device's own response is the one-device modal model
   * (lambda, b).
   */
  struct LatticeKernel
  {
    struct Offset
    {
      int                 rows = 0, columns = 0; // receiver minus source, in grid steps
      std::vector<double> h;                      // mode weights of the receiver's rise
      double              steady = 0;             // K/W, steady rise per watt
    };

    std::vector<double> lambda;  // 1/s
    std::vector<Offset> offsets; // (0, 0) first, then by falling steady rise
    double              largest_dropped = 0; // steady rise of the largest offset left out, per own
    double              edge_rows    = 0; // largest steady rise on the first/last patch row, per own
    double              edge_columns = 0; // the same on the first/last patch column

    /**
     * The kernel of a patch model (devices r * columns + c of a rows x
     * columns grid, heated at its centre (rows/2, columns/2)), keeping the
     * offsets whose steady rise is at least cutoff times the centre's.
     */
    static LatticeKernel
    from_patch(const ModalBasis  &patch,
               const unsigned int rows,
               const unsigned int columns,
               const double       cutoff);

    unsigned int
    order() const
    {
      return lambda.size();
    }

    /** A device's own response as a one-device modal model. */
    std::shared_ptr<ModalBasis>
    own_model() const;
  };
} // namespace neuristor
