#pragma once

#include "solver/coupling/linear_thermal_system.h"
#include "solver/coupling/step_response_cache.h"
#include "solver/thermal_models/reduced/modal_basis.h"

#include <memory>

namespace neuristor
{
  class HeatEquation;

  /**
   * A modal reduced model as the heat side of a coupled step: the same
   * variable-step BDF2 as the heat equation, applied to each mode, so that
   * it converges to the full step as the order grows. Per step it costs
   * O(N m) for the history response and O(N^2 m) for a new G (kept per step
   * weight), and no field solve. With a heat equation and the modes, the
   * field phi z is reconstructed for the VTU output.
   */
  class ModalSystem : public LinearThermalSystem
  {
  public:
    /** field: the heat equation that shows the reconstructed field (or nullptr). */
    ModalSystem(std::shared_ptr<const ModalBasis> basis,
                const double                      T0,
                const unsigned int                cached_operators,
                HeatEquation                     *field = nullptr);

    unsigned int
    n_devices() const override
    {
      return basis.n_devices();
    }

    unsigned int
    n_regions() const override
    {
      return basis.C.size();
    }

    double
    ambient_temperature() const override
    {
      return T0;
    }

    void
    prepare_step(const double dt) override;

    std::array<double, 3>
    bdf_coefficients() const override
    {
      return {{a0, a1, a2}};
    }

    double
    prepared_weight() const override
    {
      return a0 / dt;
    }

    const StepResponse &
    step_response() override;

    const std::vector<std::vector<double>> &
    free_response(const std::vector<double> &guess_P, const std::vector<double> &guess_shares) override;

    void
    commit(const std::vector<double> &P, const std::vector<double> &shares) override;

    unsigned long
    solves() const override
    {
      return 0;
    }

    void
    save_state(BinaryWriter &out) const override;
    void
    load_state(BinaryReader &in) override;

    std::string
    write_field(const std::string &folder, const unsigned int index) const override;

    void
    report(std::ostream &log) const override;

    /** Region rises [K] of the present state. */
    std::vector<std::vector<double>>
    rises() const;

    /** The modal state z of the last committed step. */
    const std::vector<double> &
    state() const
    {
      return z;
    }

    /** The device powers of the last committed step [W] (empty before the first). */
    const std::vector<double> &
    last_powers() const
    {
      return last_P;
    }

    /** T0 + sum_k z_k phi_k at the probes' points [K] (needs the modes; collective). */
    std::vector<double>
    probe_temperatures(const PointProbes &probes) const override;

    /** Back to z = 0 at t = 0. */
    void
    reset();

  private:
    /** result[r][i] = sum_k C_r(i, k) y_k for every region r and device i. */
    void
    outputs(const std::vector<double> &y, std::vector<std::vector<double>> &result) const;

    std::shared_ptr<const ModalBasis> model;
    const ModalBasis                 &basis;
    const double                   T0;
    HeatEquation                  *field;
    StepResponseCache<StepResponse> responses;

    std::vector<double> z, z_old, z_free; // modal state, previous, prepared step's free response
    std::vector<double> last_P, last_shares;
    // phi_k at the probes' points, [k][p], computed at the first sample.
    mutable std::vector<std::vector<double>> probe_modes;
    mutable const PointProbes               *probed = nullptr;
    std::vector<std::vector<double>> free_rises; // of the prepared step [K]
    dealii::FullMatrix<double>       scaled;     // C_s / (w + lambda), for G
    double              t = 0, dt_old = 0, dt = 1, a0 = 1, a1 = -1, a2 = 0;
    unsigned long       n_steps = 0;
  };
} // namespace neuristor
