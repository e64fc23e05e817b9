// Compiled with -ffast-math -fopenmp-simd -fno-builtin-sin -fno-builtin-cos
// (top-level CMakeLists.txt): glibc declares its vector exp, sin and cos only
// under -ffast-math, and a fused sincos would have no vector form.
#include "materials/vo2_resistance_batch.h"

#include "materials/vo2_equations.h"

#include <deal.II/base/exceptions.h>

#include <algorithm>
#include <cmath>

namespace neuristor
{
  VO2ResistanceBatch::Parameters
  VO2ResistanceBatch::Parameters::from(const VO2Parameters &p)
  {
    return {p.R0, p.Ea, p.k * p.Rm, p.beta, 0.5 * p.w, p.Tc, p.gamma};
  }

  bool
  VO2ResistanceBatch::Parameters::operator==(const Parameters &o) const
  {
    return R0 == o.R0 && Ea == o.Ea && k_Rm == o.k_Rm && beta == o.beta &&
           half_width == o.half_width && Tc == o.Tc && gamma == o.gamma;
  }

  VO2ResistanceBatch::VO2ResistanceBatch(const VO2Parameters &shared_parameters)
    : shared(Parameters::from(shared_parameters))
  {}

  void
  VO2ResistanceBatch::add(const VO2Parameters &p)
  {
    devices.push_back(Parameters::from(p));
    Assert(!shared || devices.back() == *shared,
           dealii::ExcMessage("a device of a shared model with other parameters"));
  }

  void
  VO2ResistanceBatch::States::resize(const std::size_t n)
  {
    const std::size_t padded = (n + block - 1) / block * block;
    const std::size_t old    = T.size();
    for (auto *v : {&T, &branch, &T_r, &T_pr, &near, &R0, &Ea, &k_Rm, &beta, &half_width, &Tc,
                    &gamma})
      v->resize(padded);
    Assert(model->size() > 0, dealii::ExcMessage("padding needs a device"));
    for (std::size_t i = std::min(n, old); i < padded; ++i)
      set(i, 0, 300.0, HysteresisState());
  }

  template <typename ParametersOf>
  __attribute__((always_inline)) inline void
  VO2ResistanceBatch::evaluate_entries(const States &states, Values &values,
                                       const std::size_t padded, const ParametersOf &parameters_of)
  {
    using namespace vo2_equations;
    const double *__restrict T = states.T.data(), *__restrict branch = states.branch.data(),
                             *__restrict T_r = states.T_r.data(), *__restrict T_pr = states.T_pr.data(),
                             *__restrict near = states.near.data();
    double *__restrict R = values.R.data(), *__restrict dR_dT = values.dR_dT.data(),
                       *__restrict F = values.F.data(), *__restrict dF_dT = values.dF_dT.data();
    for (std::size_t b = 0; b < padded; b += block)
#pragma omp simd
      for (std::size_t i = b; i < b + block; ++i)
        {
          const Parameters p = parameters_of(i);
          // No branch (GCC vectorises no conditional next to a call): every
          // lane evaluates the proximity term at an x cut to the range where
          // it matters, and a 0/1 factor keeps it only there.
          const double x      = (T[i] - T_r[i]) / T_pr[i];
          const double inside = 0.5 + 0.5 * std::copysign(1.0, proximity_cutoff - x); // x <= cut-off
          const double on     = near[i] * inside;
          double       P, dP_dx;
          proximity(std::fmin(x, proximity_cutoff), p.gamma, P, dP_dx);
          const double shift     = on * T_pr[i] * P;
          const double dshift_dT = on * dP_dx;

          double u, du_dT;
          transition_argument(T[i], branch[i], p.half_width, p.Tc, p.beta, shift, dshift_dT, u,
                              du_dT);
          resistance(T[i], u, du_dT, p.R0, p.Ea, p.k_Rm, R[i], dR_dT[i], F[i], dF_dT[i]);
        }
  }

  __attribute__((target_clones("avx512f", "avx2", "default"))) void
  VO2ResistanceBatch::evaluate(const States &states, Values &values, const std::size_t n) const
  {
    const std::size_t size = states.T.size(), padded = (n + block - 1) / block * block;
    Assert(padded <= size, dealii::ExcMessage("more entries than the states hold"));
    Assert(states.model == this, dealii::ExcMessage("the states are another model's"));
    values.R.resize(size), values.dR_dT.resize(size), values.F.resize(size),
      values.dF_dT.resize(size);
    if (shared)
      {
        const Parameters p = *shared;
        evaluate_entries(states, values, padded, [p](std::size_t) { return p; });
        return;
      }
    const double *__restrict R0 = states.R0.data(), *__restrict Ea = states.Ea.data(),
                             *__restrict k_Rm = states.k_Rm.data(), *__restrict beta = states.beta.data(),
                             *__restrict half_width = states.half_width.data(),
                             *__restrict Tc = states.Tc.data(), *__restrict gamma = states.gamma.data();
    evaluate_entries(states, values, padded, [=](const std::size_t i) {
      return Parameters{R0[i], Ea[i], k_Rm[i], beta[i], half_width[i], Tc[i], gamma[i]};
    });
  }
} // namespace neuristor
