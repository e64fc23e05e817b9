#pragma once

#include "solver/coupling/linear_thermal_system.h"
#include "solver/coupling/step_response_cache.h"
#include "solver/thermal_models/finite_element/heat_equation.h"

namespace neuristor
{
  /**
   * The heat equation of the layout as the heat side of a coupled step:
   * a = device averages of one field solve without device power, G from
   * one solve per device and region with a unit power (x_j), and the new
   * field a + sum_j P_j x_j without a further solve. G and the x_j are kept
   * per step weight (`cached_operators` of them).
   */
  class HeatEquationSystem : public LinearThermalSystem
  {
  public:
    HeatEquationSystem(HeatEquation      &heat,
                       const bool         filament_heating,
                       const unsigned int cached_operators);

    unsigned int
    n_devices() const override
    {
      return heat.device_volumes().size();
    }

    unsigned int
    n_regions() const override
    {
      return n_region;
    }

    double
    ambient_temperature() const override
    {
      return heat.ambient_temperature();
    }

    void
    prepare_step(const double dt) override;

    std::array<double, 3>
    bdf_coefficients() const override;

    double
    prepared_weight() const override
    {
      return heat.prepared_weight();
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
      return n_solves;
    }

    void
    save_state(BinaryWriter &out) const override
    {
      heat.save_state(out);
    }

    void
    load_state(BinaryReader &in) override
    {
      heat.load_state(in);
    }

    std::string
    write_field(const std::string &folder, const unsigned int index) const override
    {
      return heat.write_vtu(folder, index);
    }

    std::vector<double>
    probe_temperatures(const PointProbes &probes) const override
    {
      return heat.probe_temperatures(probes);
    }

    /** DoFs, steps, CG iterations, AMG setups, energy balance. */
    void
    report(std::ostream &log) const override;
    /** field_minimum_K, field_maximum_K: the extremes of any node since the start. */
    void
    add_counters(std::map<std::string, double> &counters) const override;

  private:
    /** G and the unit-power fields x[s][j] of one step weight. */
    struct Operator
    {
      StepResponse                                                  response;
      std::vector<std::vector<LA::MPI::Vector>> x; // K/W per DoF
    };

    Operator
    compute_operator();

    /** field += factor sum_j P_j [(1 - s_j) x[0][j] + s_j x[1][j]] (non-finite P skipped). */
    void
    add_power_fields(const std::vector<double>          &P,
                     const std::vector<double>          &shares,
                     const double                        factor,
                     LA::MPI::Vector &field) const;

    HeatEquation                      &heat;
    const unsigned int                 n_region;
    StepResponseCache<Operator>        operators;
    const Operator                    *prepared = nullptr;
    LA::MPI::Vector free_field; // of the prepared step
    std::vector<std::vector<double>> free_rises; // its region rises [K]
    unsigned long                      n_solves = 0;
  };
} // namespace neuristor
