#include "solver/thermal_models/reduced/modal_system.h"

#include "solver/thermal_models/finite_element/point_probes.h"
#include "solver/coupling/bdf2.h"

#include "solver/thermal_models/finite_element/heat_equation.h"

#include <cmath>
#include <stdexcept>

namespace neuristor
{
  ModalSystem::ModalSystem(std::shared_ptr<const ModalBasis> basis,
                           const double                      T0,
                           const unsigned int                cached_operators,
                           HeatEquation                     *field)
    : model(std::move(basis))
    , basis(*model)
    , T0(T0)
    , field(field)
    , responses(cached_operators)
  {
    reset();
  }

  void
  ModalSystem::reset()
  {
    z.assign(basis.order(), 0.0);
    z_old = z_free = z;
    last_P.clear();
    last_shares.clear();
    t = dt_old = 0;
    n_steps    = 0;
  }

  void
  ModalSystem::prepare_step(const double step)
  {
    if (!(step > 0))
      throw std::invalid_argument("ModalSystem::prepare_step: dt must be > 0");
    const auto a = bdf2_coefficients(step, dt_old, n_steps == 0);
    a0 = a[0], a1 = a[1], a2 = a[2];
    dt = step;
  }

  const StepResponse &
  ModalSystem::step_response()
  {
    const double w = a0 / dt;
    return responses.get(w, [&](StepResponse &response) {
      // G_rs(i, j) = sum_k C_r(i, k) C_s(j, k) / (w + lambda_k), in the
      // entry's own storage when it has the size.
      const unsigned int n = n_devices(), m = basis.order(), n_r = n_regions();
      response.G.resize(n_r);
      for (auto &row : response.G)
        row.resize(n_r);
      for (unsigned int s = 0; s < n_r; ++s)
        {
          if (scaled.m() != n || scaled.n() != m)
            scaled.reinit(n, m);
          for (unsigned int j = 0; j < n; ++j) // C_s / (w + lambda)
            for (unsigned int k = 0; k < m; ++k)
              scaled(j, k) = basis.C[s](j, k) / (w + basis.lambda[k]);
          for (unsigned int r = 0; r < n_r; ++r)
            {
              if (response.G[r][s].m() != n || response.G[r][s].n() != n)
                response.G[r][s].reinit(n, n);
              basis.C[r].mTmult(response.G[r][s], scaled);
            }
        }
    });
  }

  void
  ModalSystem::outputs(const std::vector<double> &y, std::vector<std::vector<double>> &result) const
  {
    result.resize(n_regions());
    for (unsigned int r = 0; r < n_regions(); ++r)
      {
        result[r].assign(n_devices(), 0.0);
        for (unsigned int i = 0; i < n_devices(); ++i)
          for (unsigned int k = 0; k < basis.order(); ++k)
            result[r][i] += basis.C[r](i, k) * y[k];
      }
  }

  const std::vector<std::vector<double>> &
  ModalSystem::free_response(const std::vector<double> &, const std::vector<double> &)
  {
    // (a0 z' + a1 z^n + a2 z^{n-1}) / dt + lambda z' = 0.
    const double w = a0 / dt;
    for (unsigned int k = 0; k < basis.order(); ++k)
      z_free[k] = -(a1 * z[k] + (n_steps > 0 ? a2 * z_old[k] : 0.0)) / dt / (w + basis.lambda[k]);
    outputs(z_free, free_rises);
    return free_rises;
  }

  void
  ModalSystem::commit(const std::vector<double> &P, const std::vector<double> &shares)
  {
    const double w = a0 / dt;
    z_old          = z;
    for (unsigned int k = 0; k < basis.order(); ++k)
      {
        double input = 0; // sum_s C_s(j, k) p_s(j)
        for (unsigned int j = 0; j < n_devices(); ++j)
          {
            const double s = shares.empty() ? 0.0 : shares[j];
            input += P[j] * ((1 - s) * basis.C[0](j, k) + (s > 0 ? s * basis.C[1](j, k) : 0.0));
          }
        z[k] = z_free[k] + input / (w + basis.lambda[k]);
      }
    last_P.assign(P.begin(), P.end());
    last_shares.assign(shares.begin(), shares.end());
    dt_old      = dt;
    t += dt;
    ++n_steps;
  }

  std::vector<std::vector<double>>
  ModalSystem::rises() const
  {
    std::vector<std::vector<double>> result;
    outputs(z, result);
    return result;
  }

  void
  ModalSystem::save_state(BinaryWriter &out) const
  {
    out(z, z_old, last_P, last_shares, t, dt_old, n_steps);
  }

  void
  ModalSystem::load_state(BinaryReader &in)
  {
    in(z, z_old, last_P, last_shares, t, dt_old, n_steps);
    if (z.size() != basis.order() || z_old.size() != basis.order())
      throw std::runtime_error("the checkpoint holds a reduced state of order " +
                               std::to_string(z.size()) + ", the reduced model of this case has " +
                               std::to_string(basis.order()));
    z_free.assign(z.size(), 0.0);
  }

  std::string
  ModalSystem::write_field(const std::string &folder, const unsigned int index) const
  {
    if (!field || basis.modes.size() != basis.order())
      throw std::logic_error("ModalSystem: field output without the modes");
    auto rise = field->zero_field();
    for (unsigned int k = 0; k < basis.order(); ++k)
      rise.add(z[k], basis.modes[k]);
    field->show_field(rise, t, last_P.empty() ? std::vector<double>(n_devices(), 0.0) : last_P,
                      last_shares);
    return field->write_vtu(folder, index);
  }

  std::vector<double>
  ModalSystem::probe_temperatures(const PointProbes &probes) const
  {
    if (basis.modes.size() != basis.order())
      throw std::logic_error("ModalSystem: probes without the modes");
    if (probed != &probes)
      {
        probe_modes.clear();
        for (const auto &mode : basis.modes)
          probe_modes.push_back(probes.values(mode));
        probed = &probes;
      }
    std::vector<double> T(probes.size(), T0);
    for (unsigned int k = 0; k < basis.order(); ++k)
      for (unsigned int p = 0; p < T.size(); ++p)
        T[p] += z[k] * probe_modes[k][p];
    return T;
  }

  void
  ModalSystem::report(std::ostream &log) const
  {
    log << "Heat (reduced): order " << basis.order() << " for " << n_devices() << " devices, "
        << n_steps << " steps, built from " << basis.solves << " solves at "
        << basis.shifts.size() << " shifts, step-response error "
        << basis.error * 100 << " % of the devices' own peak rises";
  }
} // namespace neuristor
