#pragma once

#include "solver/thermal_models/reduced/modal_basis.h"

namespace neuristor
{
  /**
   * The projection space of the reduced model: an M-orthonormal basis of
   * the block rational Krylov space span{(K + s M)^-1 B : s in shifts} of
   * the device-region vectors B (s = 0: the steady state). Grows one shift
   * at a time, so that the order can follow an error target. The reduced
   * transfer function interpolates the full one at every shift (Hermite:
   * value and slope, since the pencil is symmetric), and the congruence
   * projection keeps the stability and passivity of the heat equation.
   */
  class KrylovSpace
  {
  public:
    /**
     * inputs: the devices whose region vectors make up B (empty: all).
     * With fewer inputs than outputs the space still matches the responses
     * of every device to the inputs (one-sided moment matching).
     */
    KrylovSpace(HeatEquation &heat, const unsigned int n_regions,
                const std::vector<unsigned int> &inputs = {});

    /** Add the block of shift s [1/s] (n_regions x inputs solves); returns the vectors kept. */
    unsigned int
    add_shift(const double s);

    /** The modal form of the projected system and the rotation Q that gives it. */
    struct Projection
    {
      ModalBasis                 basis;    // without the modes
      dealii::FullMatrix<double> rotation; // phi_k = sum_l Q(l, k) v_l
    };

    /** Rayleigh-Ritz on the space. */
    Projection
    project() const;

    /** The fields phi_k of a projection of this space (for field output). */
    std::vector<LA::MPI::Vector>
    modes(const dealii::FullMatrix<double> &rotation) const;

    unsigned int
    dimension() const
    {
      return basis.size();
    }

  private:
    /** The basis as PETSc handles, for multi-vector operations. */
    std::vector<Vec>
    petsc_vectors() const;

    HeatEquation                                   &heat;
    const unsigned int                              n_regions;
    std::vector<unsigned int>                       inputs;
    std::vector<LA::MPI::Vector> basis;   // v_k, v_k . M v_l = delta_kl
    std::vector<LA::MPI::Vector> m_basis; // M v_k
    std::vector<double>                             shifts;
    unsigned long                                   solves = 0;
  };
} // namespace neuristor
