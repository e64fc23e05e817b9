#include "solver/thermal_models/finite_element/heat_equation_system.h"

#include <cmath>
#include <stdexcept>

namespace neuristor
{
  HeatEquationSystem::HeatEquationSystem(HeatEquation      &heat,
                                         const bool         filament_heating,
                                         const unsigned int cached_operators)
    : heat(heat)
    , n_region(filament_heating ? 2 : 1)
    , operators(cached_operators)
  {
    if (filament_heating && !heat.has_filaments())
      throw std::logic_error("HeatEquationSystem: filament heating needs a mesh with filaments");
  }

  void
  HeatEquationSystem::prepare_step(const double dt)
  {
    heat.prepare_step(dt);
    prepared = nullptr;
  }

  std::array<double, 3>
  HeatEquationSystem::bdf_coefficients() const
  {
    std::array<double, 3> a;
    heat.bdf_coefficients(a[0], a[1], a[2]);
    return a;
  }

  HeatEquationSystem::Operator
  HeatEquationSystem::compute_operator()
  {
    const unsigned int n = n_devices();
    Operator           op;
    op.response.G.assign(n_region,
                         std::vector<dealii::FullMatrix<double>>(n_region,
                                                                 dealii::FullMatrix<double>(n, n)));
    op.x.resize(n_region);
    for (unsigned int s = 0; s < n_region; ++s)
      for (unsigned int j = 0; j < n; ++j)
        {
          op.x[s].push_back(heat.unit_response(j, DeviceRegions::region_of_index(s)));
          ++n_solves;
          for (unsigned int r = 0; r < n_region; ++r)
            {
              const auto column = heat.device_temperatures(op.x[s].back(), 0.0,
                                                           DeviceRegions::region_of_index(r));
              for (unsigned int i = 0; i < n; ++i)
                op.response.G[r][s](i, j) = column[i];
            }
        }
    return op;
  }

  const StepResponse &
  HeatEquationSystem::step_response()
  {
    prepared = &operators.get(heat.prepared_weight(),
                               [&](Operator &op) { op = compute_operator(); });
    return prepared->response;
  }

  void
  HeatEquationSystem::add_power_fields(const std::vector<double>          &P,
                                       const std::vector<double>          &shares,
                                       const double                        factor,
                                       LA::MPI::Vector &field) const
  {
    for (unsigned int j = 0; j < P.size(); ++j)
      {
        if (!std::isfinite(P[j])) // a wild predictor state; only CG's start would see it
          continue;
        field.add(factor * P[j] * (shares.empty() ? 1.0 : 1 - shares[j]), prepared->x[0][j]);
        if (!shares.empty())
          field.add(factor * P[j] * shares[j], prepared->x[1][j]);
      }
  }

  const std::vector<std::vector<double>> &
  HeatEquationSystem::free_response(const std::vector<double> &guess_P,
                                    const std::vector<double> &guess_shares)
  {
    if (!prepared)
      step_response();
    // CG starts from the extrapolated field minus the predicted powers'
    // part: the power-free field, close even while a spike's power changes fast.
    auto guess = heat.extrapolated_state();
    add_power_fields(guess_P, guess_shares, -1.0, guess);
    free_field = heat.solve_step(std::vector<double>(n_devices(), 0.0), nullptr, {}, &guess);
    ++n_solves;
    free_rises.resize(n_region);
    for (unsigned int r = 0; r < n_region; ++r)
      free_rises[r] = heat.device_temperatures(free_field, 0.0, DeviceRegions::region_of_index(r));
    return free_rises;
  }

  void
  HeatEquationSystem::commit(const std::vector<double> &P, const std::vector<double> &shares)
  {
    // The field is the free response plus the powered unit fields.
    add_power_fields(P, shares, 1.0, free_field);
    heat.commit(free_field, P, nullptr, shares);
  }

  void
  HeatEquationSystem::report(std::ostream &log) const
  {
    log << "Heat: " << heat.n_dofs() << " DoFs, " << heat.steps() << " steps, "
        << heat.linear_iterations() << " CG iterations, " << heat.preconditioner_setups()
        << " preconditioner setups, energy balance error " << heat.energy().relative_error()
        << ", node temperatures " << ambient_temperature() + heat.rise_extremes()[0] << " to "
        << ambient_temperature() + heat.rise_extremes()[1] << " K";
  }

  void
  HeatEquationSystem::add_counters(std::map<std::string, double> &counters) const
  {
    const auto rise              = heat.rise_extremes();
    counters["field_minimum_K"] = ambient_temperature() + rise[0];
    counters["field_maximum_K"] = ambient_temperature() + rise[1];
  }
} // namespace neuristor
