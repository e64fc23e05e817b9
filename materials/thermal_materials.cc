#include "materials/thermal_materials.h"

#include "solver/input_error.h"

namespace neuristor
{
  ThermalMaterials::ThermalMaterials()
    : materials{{"Sapphire", 32.0, 3980.0, 780.0},
                {"VO2", 3.5, 4570.0, 690.0},
                {"Ti", 20.0, 4500.0, 520.0},
                {"Au", 200.0, 19300.0, 129.0}}
  {}

  void
  ThermalMaterials::declare_parameters(dealii::ParameterHandler &prm)
  {
    const ThermalMaterials defaults;
    for (const auto &m : defaults.materials)
      {
        prm.enter_subsection(m.name);
        prm.declare_entry("Thermal conductivity", std::to_string(m.k),
                          dealii::Patterns::Double(0),
                          "Thermal conductivity k of " + m.name + " [W/(m K)].");
        prm.declare_entry("Density", std::to_string(m.rho), dealii::Patterns::Double(0),
                          "Density rho of " + m.name + " [kg/m^3].");
        prm.declare_entry("Specific heat", std::to_string(m.c_p),
                          dealii::Patterns::Double(0),
                          "Specific heat capacity c_p of " + m.name + " [J/(kg K)].");
        prm.leave_subsection();
      }
  }

  void
  ThermalMaterials::parse_parameters(dealii::ParameterHandler &prm)
  {
    for (auto &m : materials)
      {
        prm.enter_subsection(m.name);
        m.k   = prm.get_double("Thermal conductivity");
        m.rho = prm.get_double("Density");
        m.c_p = prm.get_double("Specific heat");
        prm.leave_subsection();
        for (const auto &[value, entry] :
             {std::pair{m.k, "Thermal conductivity"}, {m.rho, "Density"}, {m.c_p, "Specific heat"}})
          if (!(value > 0))
            throw InputError("Materials/" + m.name + "/" + entry, "must be > 0");
      }
  }

  const ThermalMaterial &
  ThermalMaterials::operator[](const dealii::types::material_id id) const
  {
    if (id >= materials.size())
      throw std::out_of_range("no material with id " + std::to_string(id));
    return materials[id];
  }
} // namespace neuristor
