#pragma once

#include "solver/thermal_models/lumped/thermal_node.h"

#include <deal.II/base/parameter_handler.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * The paper's lumped thermal network (S6, S8, S9) generalised to N devices:
   *
   *   C_th,i dT_i/dt = P_i - S_env,i (T_i - T0) - sum_j S_ij (T_i - T_j)
   *
   * with S_ij = eta_ij S_th,i and S_env,i = (1 - sum_j eta_ij) S_th,i, so
   * every device keeps its total conductance S_th,i. The coupling eta_ij is
   * an explicit matrix, a nearest-neighbour chain or square lattice, or a
   * law of the distance between device positions. Optional additive white
   * noise sigma dW on each T_i (K/sqrt(s)), seeded per device.
   */
  class LumpedThermalNetwork
  {
  public:
    struct Link
    {
      unsigned int j;
      double       S; // W/K
    };

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /**
     * Reads the "Thermal network" subsection (prm must be inside it).
     * layout_centres: the device centres of the case's Layout [m], for
     * Positions = layout.
     */
    void
    parse_parameters(const dealii::ParameterHandler               &prm,
                     const std::vector<std::array<double, 2>> &layout_centres = {});

    unsigned int
    n_devices() const
    {
      return nodes.size();
    }

    const ThermalNode &
    node(const unsigned int i) const
    {
      return nodes[i];
    }

    /** Conductances S_ij from device i to the devices j it is coupled to. */
    const std::vector<Link> &
    links(const unsigned int i) const
    {
      return coupling[i];
    }

    /** eta_ij as a dense matrix (for reports and tests). */
    double
    eta(const unsigned int i, const unsigned int j) const;

    double
    noise_strength() const
    {
      return sigma;
    }

    std::uint64_t
    noise_seed() const
    {
      return seed;
    }

    /** Step of the noise's Wiener path [s]. */
    double
    noise_time_step() const
    {
      return noise_dt;
    }

    /** Human-readable description of the coupling for the log. */
    std::string
    description() const;

  private:
    void
    set_eta(const std::vector<std::vector<Link>> &eta,
            const std::vector<double>            &S_th,
            const std::vector<double>            &C_th,
            const double                          T0,
            const std::string                    &eta_entry);

    std::vector<ThermalNode>       nodes;
    std::vector<std::vector<Link>> coupling;
    std::vector<std::vector<Link>> eta_links;
    double                         sigma = 0;
    std::uint64_t                  seed  = 1;
    double                         noise_dt = 10e-9; // s
    std::string                    summary;
    std::vector<double>            characterized_S, characterized_C; // from characterize
  };
} // namespace neuristor
