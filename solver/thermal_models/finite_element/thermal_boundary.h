#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/types.h>

#include <map>
#include <set>

namespace neuristor
{
  /**
   * What the heat equation does on the boundary: T = T0 on the fixed ids,
   * a heat flux h (T - T0) out through the ids with a transfer coefficient,
   * adiabatic elsewhere.
   */
  struct BoundaryConditions
  {
    std::set<dealii::types::boundary_id>         fixed;
    std::map<dealii::types::boundary_id, double> heat_transfer; // W/(m^2 K)
  };

  /**
   * The "Thermal boundary" section for a layout's mesh: the top surface
   * (adiabatic or convective), the bottom (the stage) and the far sides of
   * the truncated substrate, each fixed at T0, adiabatic, or losing heat
   * through a transfer coefficient (e.g. a thermal contact to the stage).
   */
  struct ThermalBoundarySettings
  {
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Throws InputError for an inconsistent choice. */
    void
    parse_parameters(const dealii::ParameterHandler &prm);

    /** The conditions on the mesh generator's boundary ids. */
    BoundaryConditions
    conditions() const
    {
      return bc;
    }

  private:
    BoundaryConditions bc;
  };
} // namespace neuristor
