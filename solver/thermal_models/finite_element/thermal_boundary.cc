#include "solver/thermal_models/finite_element/thermal_boundary.h"

#include "mesh/mesh_generator.h"
#include "solver/case/input_error.h"

#include <string>
#include <vector>

namespace neuristor
{
  namespace
  {
    struct Face
    {
      const char                *name;
      dealii::types::boundary_id id;
      const char                *default_type;
    };
    const std::vector<Face> faces = {{"Top", boundary::adiabatic, "adiabatic"},
                                     {"Bottom", boundary::bottom, "fixed"},
                                     {"Sides", boundary::sides, "fixed"}};
  } // namespace

  void
  ThermalBoundarySettings::declare_parameters(dealii::ParameterHandler &prm)
  {
    for (const auto &face : faces)
      {
        const std::string name = face.name;
        prm.declare_entry(name, face.default_type,
                          dealii::Patterns::Selection("fixed|adiabatic|heat transfer"),
                          name + " of the substrate (top: every upper surface of the "
                                 "layout): T = T0 (fixed), no flux (adiabatic), or a flux "
                                 "h (T - T0) out (heat transfer; convection or a contact "
                                 "conductance).");
        prm.declare_entry(name + " heat transfer coefficient", "0", dealii::Patterns::Double(0),
                          "h of the " + name + " when it is 'heat transfer' [W/(m^2 K)].");
      }
  }

  void
  ThermalBoundarySettings::parse_parameters(const dealii::ParameterHandler &prm)
  {
    bc = BoundaryConditions();
    for (const auto &face : faces)
      {
        const std::string name = face.name;
        const std::string type = prm.get(name);
        const double      h    = prm.get_double(name + " heat transfer coefficient");
        if (type == "fixed")
          bc.fixed.insert(face.id);
        else if (type == "heat transfer")
          {
            if (!(h > 0))
              throw InputError("Thermal boundary/" + name + " heat transfer coefficient",
                               "must be > 0 when " + name + " = heat transfer");
            bc.heat_transfer[face.id] = h;
          }
      }
    if (bc.fixed.empty() && bc.heat_transfer.empty())
      throw InputError("Thermal boundary", "every face is adiabatic, so heat put into the "
                                           "layout can never leave; fix or cool a face");
  }
} // namespace neuristor
