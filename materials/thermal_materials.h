#pragma once

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/types.h>

#include <map>
#include <string>
#include <utility>
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
   * The materials of a layout, indexed by the mesh's material id, which names
   * the role of a part: 0 substrate, 1 device channel, 2 adhesion layer,
   * 3 electrode. Each role is filled by a named material: the built-in ones
   * below or user-defined ones ("Materials/User materials"). Built-in
   * defaults and their sources:
   *
   * - Sapphire: k = 32 W/mK near 325 K (46 at 273 K, 25 at 373 K; DESIGN.md
   *   section 4 table), rho = 3980, c_p = 780.
   * - VO2: k = 3.5 W/mK (insulating phase; 6 when metallic), rho = 4570,
   *   c_p = 690 (rho c_p = 3.15e6 J/m^3K, seed 000 quotes 3.07e6 at 336 K).
   * - Ti film: k = 20, rho = 4500, c_p = 520.
   * - Au film: k = 200 (thin films 150-300, below bulk 317), rho = 19300,
   *   c_p = 129.
   *
   * Optional thermal boundary conductances G [W/(m^2 K)] between two roles
   * add a contact resistance 1/G to every mesh face between them.
   */
  class ThermalMaterials
  {
  public:
    enum Id : dealii::types::material_id
    {
      sapphire = 0, // the substrate role
      vo2      = 1, // device channels
      titanium = 2, // adhesion layer
      gold     = 3  // electrodes and leads
    };

    ThermalMaterials();

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Reads the "Materials" subsection (prm must be inside it). */
    void
    parse_parameters(dealii::ParameterHandler &prm);

    /** The material filling role id. */
    const ThermalMaterial &
    operator[](const dealii::types::material_id id) const;

    unsigned int
    size() const
    {
      return roles.size();
    }

    /** Conductance of the interface between roles a and b; 0 = perfect contact. */
    double
    interface_conductance(const dealii::types::material_id a,
                          const dealii::types::material_id b) const;

    /** Set a conductance [W/(m^2 K)] between two roles (0 removes it). */
    void
    set_interface_conductance(const dealii::types::material_id a,
                              const dealii::types::material_id b,
                              const double                     G);

    /** Fill role id with material m (used by tests and calibration). */
    void
    set(const dealii::types::material_id id, const ThermalMaterial &m);

  private:
    std::vector<ThermalMaterial> roles;
    std::map<std::pair<dealii::types::material_id, dealii::types::material_id>, double>
      conductances;
  };
} // namespace neuristor
