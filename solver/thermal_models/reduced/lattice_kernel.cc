#include "solver/thermal_models/reduced/lattice_kernel.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace neuristor
{
  LatticeKernel
  LatticeKernel::from_patch(const ModalBasis  &patch,
                            const unsigned int rows,
                            const unsigned int columns,
                            const double       cutoff)
  {
    if (patch.n_devices() != rows * columns || patch.C.size() != 1)
      throw std::logic_error("LatticeKernel: the patch model does not match its grid");
    const unsigned int m = patch.order(), centre = (rows / 2) * columns + columns / 2;
    for (const double l : patch.lambda)
      if (!(l > 0))
        throw std::logic_error("LatticeKernel: a mode without decay has no steady rise");
    const auto steady = [&](const unsigned int device) {
      double rise = 0; // sum_k C(i, k) C(centre, k) / lambda_k
      for (unsigned int k = 0; k < m; ++k)
        rise += patch.C[0](device, k) * patch.C[0](centre, k) / patch.lambda[k];
      return rise;
    };

    LatticeKernel kernel;
    kernel.lambda     = patch.lambda;
    const double own  = steady(centre);
    for (unsigned int r = 0; r < rows; ++r)
      for (unsigned int c = 0; c < columns; ++c)
        {
          const unsigned int device = r * columns + c;
          Offset             offset;
          offset.rows    = int(r) - int(rows / 2);
          offset.columns = int(c) - int(columns / 2);
          offset.steady  = steady(device);
          if (rows > 1 && (r == 0 || r + 1 == rows))
            kernel.edge_rows = std::max(kernel.edge_rows, offset.steady / own);
          if (columns > 1 && (c == 0 || c + 1 == columns))
            kernel.edge_columns = std::max(kernel.edge_columns, offset.steady / own);
          if (device != centre && offset.steady < cutoff * own)
            {
              kernel.largest_dropped = std::max(kernel.largest_dropped, offset.steady / own);
              continue;
            }
          for (unsigned int k = 0; k < m; ++k)
            offset.h.push_back(patch.C[0](device, k));
          kernel.offsets.push_back(std::move(offset));
        }
    std::sort(kernel.offsets.begin(), kernel.offsets.end(), [](const Offset &a, const Offset &b) {
      const bool a_own = a.rows == 0 && a.columns == 0, b_own = b.rows == 0 && b.columns == 0;
      return a_own != b_own ? a_own : a.steady > b.steady;
    });
    return kernel;
  }

  std::shared_ptr<ModalBasis>
  LatticeKernel::own_model() const
  {
    auto model    = std::make_shared<ModalBasis>();
    model->lambda = lambda;
    model->C.assign(1, dealii::FullMatrix<double>(1, order()));
    for (unsigned int k = 0; k < order(); ++k)
      model->C[0](0, k) = offsets.front().h[k];
    return model;
  }
} // namespace neuristor
