#include "solver/thermal_models/reduced/modal_basis.h"

#include <stdexcept>

namespace neuristor
{
  void
  ModalBasis::save(BinaryWriter &out) const
  {
    out(lambda, shifts, solves, error);
    out.put(static_cast<std::uint32_t>(C.size()));
    for (const auto &c : C)
      {
        out.put(static_cast<std::uint32_t>(c.m()));
        out.put(std::vector<double>(&c(0, 0), &c(0, 0) + c.m() * c.n()));
      }
  }

  void
  ModalBasis::load(BinaryReader &in)
  {
    in(lambda, shifts, solves, error);
    std::uint32_t n_regions = 0;
    in.get(n_regions);
    if (n_regions > 2)
      throw std::runtime_error("a reduced model with " + std::to_string(n_regions) + " regions");
    C.clear();
    for (unsigned int r = 0; r < n_regions; ++r)
      {
        std::uint32_t       n = 0;
        std::vector<double> values;
        in(n, values);
        if (values.size() != static_cast<std::size_t>(n) * lambda.size() || n == 0)
          throw std::runtime_error("a reduced model's outputs do not match its order");
        dealii::FullMatrix<double> c(n, lambda.size());
        std::copy(values.begin(), values.end(), &c(0, 0));
        C.push_back(std::move(c));
      }
  }
} // namespace neuristor
