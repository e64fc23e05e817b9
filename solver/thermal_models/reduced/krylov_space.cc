#include "solver/thermal_models/reduced/krylov_space.h"

#include <deal.II/lac/lapack_full_matrix.h>

#include <cmath>
#include <stdexcept>

namespace neuristor
{
  using namespace dealii;

  namespace
  {
    /** Steady state: a step this long weights M by 1e-12 of any physical rate. */
    constexpr double steady_step = 1e12; // s
  } // namespace

  KrylovSpace::KrylovSpace(HeatEquation                    &heat,
                           const unsigned int               n_regions,
                           const std::vector<unsigned int> &inputs)
    : heat(heat)
    , n_regions(n_regions)
    , inputs(inputs)
  {
    if (this->inputs.empty())
      for (unsigned int j = 0; j < heat.device_volumes().size(); ++j)
        this->inputs.push_back(j);
  }

  unsigned int
  KrylovSpace::add_shift(const double s)
  {
    // A fresh step with weight a0/dt = s: the system matrix is K + s M.
    heat.reset();
    heat.prepare_step(s > 0 ? 1 / s : steady_step);
    unsigned int kept = 0;
    for (unsigned int r = 0; r < n_regions; ++r)
      for (const unsigned int j : inputs)
        {
          auto x = heat.unit_response(j, DeviceRegions::region_of_index(r));
          ++solves;
          LA::MPI::Vector mx(x);
          heat.apply_mass(mx, x);
          const double norm0 = std::sqrt(x * mx);
          // Classical Gram-Schmidt in the M inner product, twice (twice is
          // enough), with PETSc's multi-vector dot and update.
          for (unsigned int pass = 0; pass < 2 && !basis.empty(); ++pass)
            {
              std::vector<Vec>         m_vecs, vecs;
              std::vector<PetscScalar> c(basis.size());
              for (unsigned int k = 0; k < basis.size(); ++k)
                m_vecs.push_back(m_basis[k]), vecs.push_back(basis[k]);
              VecMDot(x, m_vecs.size(), m_vecs.data(), c.data());
              for (auto &value : c)
                value = -value;
              VecMAXPY(x, vecs.size(), c.data(), vecs.data());
            }
          heat.apply_mass(mx, x);
          const double norm = std::sqrt(std::max(x * mx, 0.0));
          if (!(norm > 1e-7 * norm0))
            continue; // already in the space (to the solver's accuracy)
          x /= norm;
          mx /= norm;
          basis.push_back(std::move(x));
          m_basis.push_back(std::move(mx));
          ++kept;
        }
    shifts.push_back(s);
    heat.reset();
    return kept;
  }

  std::vector<Vec>
  KrylovSpace::petsc_vectors() const
  {
    std::vector<Vec> vecs;
    for (const auto &v : basis)
      vecs.push_back(v);
    return vecs;
  }

  KrylovSpace::Projection
  KrylovSpace::project() const
  {
    const unsigned int m = basis.size(), n = heat.device_volumes().size();
    if (m == 0)
      throw std::logic_error("KrylovSpace: no basis vectors");
    // Projected stiffness V^T K V (V^T M V = I).
    LAPACKFullMatrix<double> K_r(m, m);
    LA::MPI::Vector          kv(basis[0]);
    const std::vector<Vec>   vecs = petsc_vectors();
    std::vector<PetscScalar> column(m);
    for (unsigned int l = 0; l < m; ++l)
      {
        heat.apply_stiffness(kv, basis[l]);
        VecMDot(kv, l + 1, vecs.data(), column.data());
        for (unsigned int k = 0; k <= l; ++k)
          K_r(k, l) = K_r(l, k) = column[k];
      }
    Projection     result;
    Vector<double> lambda;
    K_r.compute_eigenvalues_symmetric(-1e300, 1e300, 0.0, lambda, result.rotation);

    ModalBasis &modal = result.basis;
    modal.shifts      = shifts;
    modal.solves      = solves;
    modal.lambda.assign(lambda.begin(), lambda.end());
    for (double &l : modal.lambda)
      if (l < 0) // rounding of a zero mode (adiabatic case); the pencil is semi-definite
        l = 0;
    // C_r = B_r^T V Q: region averages of the modes.
    for (unsigned int r = 0; r < n_regions; ++r)
      {
        FullMatrix<double> BV(n, m);
        for (unsigned int i = 0; i < n; ++i)
          {
            VecMDot(heat.region_vector(i, DeviceRegions::region_of_index(r)), m, vecs.data(),
                    column.data());
            for (unsigned int k = 0; k < m; ++k)
              BV(i, k) = column[k];
          }
        FullMatrix<double> C(n, m);
        BV.mmult(C, result.rotation);
        modal.C.push_back(std::move(C));
      }
    return result;
  }

  std::vector<LA::MPI::Vector>
  KrylovSpace::modes(const FullMatrix<double> &rotation) const
  {
    const unsigned int           m    = basis.size();
    std::vector<Vec>             vecs = petsc_vectors(); // VecMAXPY takes them non-const
    std::vector<PetscScalar>     q(m);
    std::vector<LA::MPI::Vector> result;
    for (unsigned int k = 0; k < rotation.n(); ++k)
      {
        LA::MPI::Vector phi = heat.zero_field();
        for (unsigned int l = 0; l < m; ++l)
          q[l] = rotation(l, k);
        VecMAXPY(phi, m, q.data(), vecs.data());
        result.push_back(std::move(phi));
      }
    return result;
  }
} // namespace neuristor
