#pragma once

#include "solver/coupling/linear_thermal_system.h"

#include <algorithm>
#include <memory>

namespace neuristor
{
  /**
   * A linear thermal system with a rise imposed from outside: its device
   * temperatures are its own response plus q(t), a quadratic through three
   * given values over a window (the heat of other devices that a coupling
   * scheme advances separately). q does not depend on this system's powers,
   * so G is the wrapped system's and q only adds to the history response.
   */
  class DrivenSystem : public LinearThermalSystem
  {
  public:
    explicit DrivenSystem(std::unique_ptr<LinearThermalSystem> own)
      : own(std::move(own))
    {}

    /** q over [t0, t0 + h] through q(t0) = q0, q(t0 + h/2) = q_mid, q(t0 + h) = q1 [K]. */
    void
    set_drive(const double t0, const double h, const double q0, const double q_mid, const double q1)
    {
      window_start = t0, window = h, q[0] = q0, q[1] = q_mid, q[2] = q1;
    }

    /** q at t [K] (the quadratic, held constant outside its window). */
    double
    drive(const double time) const
    {
      if (!(window > 0))
        return q[0];
      const double x = std::min(std::max((time - window_start) / window, 0.0), 1.0);
      // Lagrange through x = 0, 1/2, 1.
      return q[0] * (2 * x - 1) * (x - 1) + q[1] * 4 * x * (1 - x) + q[2] * x * (2 * x - 1);
    }

    const LinearThermalSystem &
    inner() const
    {
      return *own;
    }

    unsigned int
    n_devices() const override
    {
      return own->n_devices();
    }
    unsigned int
    n_regions() const override
    {
      return own->n_regions();
    }
    double
    ambient_temperature() const override
    {
      return own->ambient_temperature();
    }
    void
    prepare_step(const double dt) override
    {
      own->prepare_step(dt);
      step = dt;
    }
    std::array<double, 3>
    bdf_coefficients() const override
    {
      return own->bdf_coefficients();
    }
    double
    prepared_weight() const override
    {
      return own->prepared_weight();
    }
    const StepResponse &
    step_response() override
    {
      return own->step_response();
    }
    const std::vector<std::vector<double>> &
    free_response(const std::vector<double> &guess_P, const std::vector<double> &guess_shares) override
    {
      driven = own->free_response(guess_P, guess_shares);
      for (auto &region : driven)
        for (auto &rise : region)
          rise += drive(t + step);
      return driven;
    }
    void
    commit(const std::vector<double> &P, const std::vector<double> &shares) override
    {
      own->commit(P, shares);
      t += step;
    }
    unsigned long
    solves() const override
    {
      return own->solves();
    }
    void
    save_state(BinaryWriter &out) const override
    {
      own->save_state(out);
      out(t, window_start, window, q[0], q[1], q[2]);
    }
    void
    load_state(BinaryReader &in) override
    {
      own->load_state(in);
      in(t, window_start, window, q[0], q[1], q[2]);
    }
    std::string
    write_field(const std::string &folder, const unsigned int index) const override
    {
      return own->write_field(folder, index);
    }
    std::vector<double>
    probe_temperatures(const PointProbes &probes) const override
    {
      return own->probe_temperatures(probes);
    }
    void
    report(std::ostream &log) const override
    {
      own->report(log);
    }

  private:
    std::unique_ptr<LinearThermalSystem> own;
    double t = 0, step = 0;                    // s: committed time, prepared step
    double window_start = 0, window = 0, q[3] = {0, 0, 0};
    std::vector<std::vector<double>> driven; // the free response plus q
  };
} // namespace neuristor
