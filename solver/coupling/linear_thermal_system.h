#pragma once

#include "solver/io/checkpoint.h"

#include <deal.II/lac/full_matrix.h>

#include <array>
#include <ostream>
#include <map>
#include <string>
#include <stdexcept>
#include <vector>

namespace neuristor
{
  class PointProbes;

  /**
   * G of one step: G[r][s](i, j) is the mean rise over region r of device i
   * per watt into region s of device j [K/W] (regions: 0 the channel, 1 the
   * filament strip with filament heating).
   */
  struct StepResponse
  {
    std::vector<std::vector<dealii::FullMatrix<double>>> G;
  };

  /**
   * The heat side of a coupled step, for thermal models that are linear and
   * time-invariant between the device powers and the device temperatures
   * (M dT/dt + K T = B P, T_dev = B^T T): the heat equation of the layout
   * and reduced models of it. For a prepared step the region rises are
   *
   *   rise_r = a_r + sum_s G[r][s] p_s,   p_s(j) = share of P_j into region s,
   *
   * with a_r the response of the history alone. The coupling scheme solves
   * its device equations with a and G, then commits the powers it chose.
   * Powers go in as P_j with the filament shares s_j (empty: all into the
   * channels), the form the field output needs.
   *
   * Order per step: prepare_step, step_response, free_response, commit.
   */
  class LinearThermalSystem
  {
  public:
    virtual ~LinearThermalSystem() = default;

    virtual unsigned int
    n_devices() const = 0;

    /** 1 (channels), or 2 with filament heating (channels, filaments). */
    virtual unsigned int
    n_regions() const = 0;

    /** T0 [K]: rises are measured from it. */
    virtual double
    ambient_temperature() const = 0;

    /** Set up the step dt from the last committed state (variable-step BDF2). */
    virtual void
    prepare_step(const double dt) = 0;

    /** BDF coefficients of the prepared step: y' ~ (a0 y + a1 y^n + a2 y^{n-1}) / dt. */
    virtual std::array<double, 3>
    bdf_coefficients() const = 0;

    /** Mass weight a0/dt of the prepared step [1/s]: identifies its G. */
    virtual double
    prepared_weight() const = 0;

    /** G of the prepared step (kept for reuse while it stays valid). */
    virtual const StepResponse &
    step_response() = 0;

    /**
     * a_r: the region rises [K] at the prepared step's end without device
     * power. guess_P, guess_shares: predicted powers, a hint that may speed
     * up an iterative solve. The result is the system's own buffer, valid
     * until the next call (steps of one-device systems allocate nothing).
     */
    virtual const std::vector<std::vector<double>> &
    free_response(const std::vector<double> &guess_P, const std::vector<double> &guess_shares) = 0;

    /** Accept the prepared step with device powers P [W] and shares s. */
    virtual void
    commit(const std::vector<double> &P, const std::vector<double> &shares) = 0;

    /** Full-order linear solves so far (for the statistics). */
    virtual unsigned long
    solves() const = 0;

    /** Write or read the state for a restart (collective). */
    virtual void
    save_state(BinaryWriter &out) const = 0;
    virtual void
    load_state(BinaryReader &in) = 0;

    /** The temperature field as VTU snapshot `index`; returns the .pvtu name. */
    virtual std::string
    write_field(const std::string &folder, const unsigned int index) const = 0;

    /**
     * The temperatures [K] of the committed state at the probes' points
     * (collective); std::logic_error for a system without a field.
     */
    virtual std::vector<double>
    probe_temperatures(const PointProbes &probes) const;

    /** One line on the model's work and size for the log. */
    virtual void
    report(std::ostream &log) const = 0;

    /** Adds the model's figures for summary.json (none by default). */
    virtual void
    add_counters(std::map<std::string, double> &) const
    {}
  };

  inline std::vector<double>
  LinearThermalSystem::probe_temperatures(const PointProbes &) const
  {
    throw std::logic_error("this thermal system has no temperature field to probe");
  }
} // namespace neuristor
