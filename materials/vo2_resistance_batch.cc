// Compiled with -ffast-math -fopenmp-simd -fno-builtin-sin -fno-builtin-cos
// (top-level CMakeLists.txt): glibc declares its vector exp, sin and cos only
// under -ffast-math, and a fused sincos would have no vector form.
#include "materials/vo2_resistance_batch.h"

#include "materials/vo2_equations.h"

#include <cmath>

namespace neuristor
{
  void
  VO2ResistanceBatch::add(const VO2Parameters &p)
  {
    R0.push_back(p.R0);
    Ea.push_back(p.Ea);
    k_Rm.push_back(p.k * p.Rm);
    beta.push_back(p.beta);
    half_width.push_back(0.5 * p.w);
    Tc.push_back(p.Tc);
    gamma.push_back(p.gamma);
  }

  void
  VO2ResistanceBatch::States::resize(const std::size_t n)
  {
    T.resize(n), branch.resize(n), T_r.resize(n), T_pr.resize(n), near.resize(n);
  }

  void
  VO2ResistanceBatch::States::set(const std::size_t i, const double T_i,
                                  const HysteresisState &memory)
  {
    T[i]      = T_i;
    branch[i] = memory.delta;
    T_r[i]    = memory.T_r;
    // VO2Resistance's test, here once, so that the loop has no branch.
    const bool with_proximity = memory.reversed && memory.T_pr != 0.0;
    T_pr[i]                   = with_proximity ? memory.T_pr : 1.0;
    near[i]                   = with_proximity;
  }

  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  VO2ResistanceBatch::evaluate(const States &states, Values &values) const
  {
    using namespace vo2_equations;
    const std::size_t n = size();
    values.R.resize(n), values.dR_dT.resize(n), values.F.resize(n), values.dF_dT.resize(n);
    const double *__restrict T = states.T.data(), *__restrict branch = states.branch.data(),
                             *__restrict T_r = states.T_r.data(), *__restrict T_pr = states.T_pr.data(),
                             *__restrict near = states.near.data();
    double *__restrict R = values.R.data(), *__restrict dR_dT = values.dR_dT.data(),
                       *__restrict F = values.F.data(), *__restrict dF_dT = values.dF_dT.data();
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i)
      {
        // No branch (GCC vectorises no conditional next to a call): every
        // lane evaluates the proximity term at an x cut to the range where
        // it matters, and a 0/1 factor keeps it only there.
        const double x      = (T[i] - T_r[i]) / T_pr[i];
        const double inside = 0.5 + 0.5 * std::copysign(1.0, proximity_cutoff - x); // x <= cut-off
        const double on     = near[i] * inside;
        double       P, dP_dx;
        proximity(std::fmin(x, proximity_cutoff), gamma[i], P, dP_dx);
        const double shift     = on * T_pr[i] * P;
        const double dshift_dT = on * dP_dx;

        double u, du_dT;
        transition_argument(T[i], branch[i], half_width[i], Tc[i], beta[i], shift, dshift_dT, u,
                            du_dT);
        resistance(T[i], u, du_dT, R0[i], Ea[i], k_Rm[i], R[i], dR_dT[i], F[i], dF_dT[i]);
      }
  }
} // namespace neuristor
