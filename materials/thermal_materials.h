#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/types.h>

#include <string>
#include <vector>

namespace neuristor
{
  /** Bulk thermal properties of one material, SI units. */
  struct ThermalMaterial
  {
    std::string name;
    double      k;   // W/(m K)
    double      rho; // kg/m^3
    double      c_p; // J/(kg K)

    double
    heat_capacity_per_volume() const
    {
      return rho * c_p;
    }
  };

  /**
   * The materials of a layout, indexed by the mesh's material id:
   * 0 sapphire (substrate), 1 VO2, 2 Ti, 3 Au. Defaults and their sources:
   *
   * - sapphire: k = 32 W/mK near 325 K (46 at 273 K, 25 at 373 K; DESIGN.md
   *   section 4 table), rho = 3980, c_p = 780.
   * - VO2: k = 3.5 W/mK (insulating phase; 6 when metallic), rho = 4570,
   *   c_p = 690 (rho c_p = 3.15e6 J/m^3K, seed 000 quotes 3.07e6 at 336 K).
   * - Ti film: k = 20, rho = 4500, c_p = 520.
   * - Au film: k = 200 (thin films 150-300, below bulk 317), rho = 19300,
   *   c_p = 129.
   */
  class ThermalMaterials
  {
  public:
    enum Id : dealii::types::material_id
    {
      sapphire = 0,
      vo2      = 1,
      titanium = 2,
      gold     = 3
    };

    ThermalMaterials();

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Reads the "Materials" subsection (prm must be inside it). */
    void
    parse_parameters(dealii::ParameterHandler &prm);

    const ThermalMaterial &
    operator[](const dealii::types::material_id id) const;

    unsigned int
    size() const
    {
      return materials.size();
    }

  private:
    std::vector<ThermalMaterial> materials;
  };
} // namespace neuristor
