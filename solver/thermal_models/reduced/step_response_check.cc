#include "solver/thermal_models/reduced/step_response_check.h"

#include "solver/thermal_models/reduced/modal_system.h"

#include <deal.II/base/exceptions.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace neuristor
{
  StepResponseCheck::StepResponseCheck(HeatEquation                    &heat,
                                       const std::vector<unsigned int> &probes,
                                       const double                     t_end)
    : probes(probes)
  {
    const unsigned int n = heat.device_volumes().size();
    // ReducedModel refuses unknown devices as input; here it is an invariant.
    for ([[maybe_unused]] const unsigned int p : probes)
      Assert(p < n, dealii::ExcIndexRange(p, 0, n));
    // Steps from t_end/2e4 growing by 1.2: the device's own ns rise and the
    // neighbours' delayed rise are both resolved in ~55 steps.
    double dt = t_end / 2e4, t = 0;
    while (t < t_end * (1 - 1e-9))
      {
        dt = std::min(dt, t_end - t);
        t += dt;
        step_ends.push_back(t);
        dt *= 1.2;
      }
    for (const unsigned int p : probes)
      {
        heat.reset();
        std::vector<double> P(n, 0.0);
        P[p] = 1.0;
        std::vector<std::vector<double>> rises;
        double                           t_prev = 0;
        for (const double ts : step_ends)
          {
            heat.step(ts - t_prev, P);
            t_prev  = ts;
            auto T  = heat.device_temperatures();
            for (double &x : T)
              x -= heat.ambient_temperature();
            rises.push_back(std::move(T));
          }
        full.push_back(std::move(rises));
      }
    heat.reset();
  }

  std::vector<std::vector<std::vector<double>>>
  StepResponseCheck::reduced_responses(const ModalBasis &basis) const
  {
    return modal_responses(basis, probes, step_ends);
  }

  std::vector<std::vector<std::vector<double>>>
  StepResponseCheck::modal_responses(const ModalBasis                &basis,
                                     const std::vector<unsigned int> &probes,
                                     const std::vector<double>       &step_ends)
  {
    std::vector<std::vector<std::vector<double>>> result;
    const unsigned int                            n = basis.n_devices();
    const auto model = std::make_shared<const ModalBasis>(basis);
    for (const unsigned int p : probes)
      {
        ModalSystem         system(model, 0.0, 1);
        std::vector<double> P(n, 0.0);
        P[p] = 1.0;
        std::vector<std::vector<double>> rises;
        double                           t_prev = 0;
        for (const double ts : step_ends)
          {
            system.prepare_step(ts - t_prev);
            system.free_response(P, {});
            system.commit(P, {});
            t_prev = ts;
            rises.push_back(system.rises()[0]);
          }
        result.push_back(std::move(rises));
      }
    return result;
  }

  double
  StepResponseCheck::error(const ModalBasis &basis) const
  {
    return relative_error(full, reduced_responses(basis), probes);
  }

  double
  StepResponseCheck::relative_error(const std::vector<std::vector<std::vector<double>>> &full,
                                    const std::vector<std::vector<std::vector<double>>> &reduced,
                                    const std::vector<unsigned int>                     &probes)
  {
    // Each device against its own peak rise: a neighbour that rises by a
    // few % of the heated device must still be right, or a device near its
    // threshold fires at another time or not at all. Rises below 1 % of
    // the heated device's peak count against that 1 %.
    double error = 0;
    for (unsigned int q = 0; q < probes.size(); ++q)
      {
        const unsigned int  n = full[q][0].size();
        std::vector<double> peak(n, 0.0), deviation(n, 0.0);
        for (unsigned int k = 0; k < full[q].size(); ++k)
          for (unsigned int i = 0; i < n; ++i)
            {
              peak[i]      = std::max(peak[i], std::abs(full[q][k][i]));
              deviation[i] = std::max(deviation[i], std::abs(reduced[q][k][i] - full[q][k][i]));
            }
        const double floor = 0.01 * peak[probes[q]];
        for (unsigned int i = 0; i < n; ++i)
          error = std::max(error, deviation[i] / std::max({peak[i], floor, 1e-300}));
      }
    return error;
  }
} // namespace neuristor
