#include "materials/thermal_materials.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <algorithm>

namespace neuristor
{
  namespace
  {
    const std::vector<ThermalMaterial> built_in = {{"Sapphire", 32.0, 3980.0, 780.0},
                                                   {"VO2", 3.5, 4570.0, 690.0},
                                                   {"Ti", 20.0, 4500.0, 520.0},
                                                   {"Au", 200.0, 19300.0, 129.0}};
    // Entry names of the roles, in material-id order.
    const std::vector<std::string> role_entries = {"Substrate", "Channel", "Adhesion layer",
                                                   "Electrode"};

    std::pair<dealii::types::material_id, dealii::types::material_id>
    ordered(const dealii::types::material_id a, const dealii::types::material_id b)
    {
      return {std::min(a, b), std::max(a, b)};
    }
  } // namespace

  ThermalMaterials::ThermalMaterials()
    : roles(built_in)
  {}

  void
  ThermalMaterials::declare_parameters(dealii::ParameterHandler &prm)
  {
    for (const auto &m : built_in)
      parameter_tools::in_subsection(prm, m.name, [&] {
        prm.declare_entry("Thermal conductivity", std::to_string(m.k),
                          dealii::Patterns::Double(0),
                          "Thermal conductivity k of " + m.name + " [W/(m K)].");
        prm.declare_entry("Density", std::to_string(m.rho), dealii::Patterns::Double(0),
                          "Density rho of " + m.name + " [kg/m^3].");
        prm.declare_entry("Specific heat", std::to_string(m.c_p),
                          dealii::Patterns::Double(0),
                          "Specific heat capacity c_p of " + m.name + " [J/(kg K)].");
      });
    prm.declare_entry("User materials", "", dealii::Patterns::Anything(),
                      "Extra materials, ';'-separated, each 'NAME k rho c_p' in "
                      "[W/(m K)] [kg/m^3] [J/(kg K)], e.g. 'SiO2 1.4 2200 730; "
                      "Si 148 2330 700'.");
    for (unsigned int r = 0; r < role_entries.size(); ++r)
      prm.declare_entry(role_entries[r], built_in[r].name, dealii::Patterns::Anything(),
                        "Material (built-in or user) of the " + role_entries[r] +
                          " parts of the layout.");
    prm.declare_entry("Interface conductances", "", dealii::Patterns::Anything(),
                      "Thermal boundary conductances, ';'-separated, each 'ROLE/ROLE G' "
                      "with roles Substrate, Channel, Adhesion layer, Electrode and G "
                      "in [W/(m^2 K)], e.g. 'Channel/Substrate 1e8'. Unlisted "
                      "interfaces are in perfect contact.");
  }

  void
  ThermalMaterials::parse_parameters(dealii::ParameterHandler &prm)
  {
    std::vector<ThermalMaterial> known = built_in;
    for (auto &m : known)
      parameter_tools::in_subsection(prm, m.name, [&] {
        m.k   = prm.get_double("Thermal conductivity");
        m.rho = prm.get_double("Density");
        m.c_p = prm.get_double("Specific heat");
        for (const auto &[value, entry] :
             {std::pair{m.k, "Thermal conductivity"}, {m.rho, "Density"}, {m.c_p, "Specific heat"}})
          if (!(value > 0))
            throw InputError("Materials/" + m.name + "/" + entry, "must be > 0");
      });

    const std::string user_entry = "Materials/User materials";
    for (const auto &item : parameter_tools::split(prm.get("User materials"), ';'))
      {
        const auto words = parameter_tools::split(item, ' ');
        if (words.size() != 4)
          throw InputError(user_entry, "'" + item + "' is not 'NAME k rho c_p'");
        ThermalMaterial m{words[0], 0, 0, 0};
        double *values[] = {&m.k, &m.rho, &m.c_p};
        for (unsigned int v = 0; v < 3; ++v)
          {
            *values[v] = parameter_tools::parse_number(words[v + 1], user_entry, item);
            if (!(*values[v] > 0))
              throw InputError(user_entry, "'" + item + "': k, rho and c_p must be > 0");
          }
        if (std::any_of(known.begin(), known.end(),
                        [&](const ThermalMaterial &k) { return k.name == m.name; }))
          throw InputError(user_entry, "material '" + m.name + "' is defined twice");
        known.push_back(m);
      }

    for (unsigned int r = 0; r < role_entries.size(); ++r)
      {
        const std::string name = prm.get(role_entries[r]);
        const auto        it   = std::find_if(known.begin(), known.end(),
                                     [&](const ThermalMaterial &m) { return m.name == name; });
        if (it == known.end())
          throw InputError("Materials/" + role_entries[r],
                           "unknown material '" + name + "' (define it in User materials)");
        roles[r] = *it;
      }

    conductances.clear();
    const std::string interface_entry = "Materials/Interface conductances";
    for (const auto &item : parameter_tools::split(prm.get("Interface conductances"), ';'))
      {
        const auto slash = item.find('/');
        const auto space = item.find_last_of(' ');
        if (slash == std::string::npos || space == std::string::npos || space < slash)
          throw InputError(interface_entry, "'" + item + "' is not 'ROLE/ROLE G'");
        const auto role_id = [&](const std::string &text) {
          const std::string name = parameter_tools::trim(text);
          const auto it = std::find(role_entries.begin(), role_entries.end(), name);
          if (it == role_entries.end())
            throw InputError(interface_entry, "unknown role '" + name +
                                                "' (Substrate, Channel, Adhesion layer, "
                                                "Electrode)");
          return static_cast<dealii::types::material_id>(it - role_entries.begin());
        };
        const auto a = role_id(item.substr(0, slash));
        const auto b = role_id(item.substr(slash + 1, space - slash - 1));
        const double G = parameter_tools::parse_number(item.substr(space + 1), interface_entry, item);
        if (a == b || !(G > 0))
          throw InputError(interface_entry,
                           "'" + item + "': needs two different roles and G > 0");
        set_interface_conductance(a, b, G);
      }
  }

  const ThermalMaterial &
  ThermalMaterials::operator[](const dealii::types::material_id id) const
  {
    if (id >= roles.size())
      throw std::out_of_range("no material with id " + std::to_string(id));
    return roles[id];
  }

  double
  ThermalMaterials::interface_conductance(const dealii::types::material_id a,
                                          const dealii::types::material_id b) const
  {
    const auto it = conductances.find(ordered(a, b));
    return it == conductances.end() ? 0.0 : it->second;
  }

  void
  ThermalMaterials::set_interface_conductance(const dealii::types::material_id a,
                                              const dealii::types::material_id b,
                                              const double                     G)
  {
    if (G > 0)
      conductances[ordered(a, b)] = G;
    else
      conductances.erase(ordered(a, b));
  }

  void
  ThermalMaterials::set(const dealii::types::material_id id, const ThermalMaterial &m)
  {
    roles.at(id) = m;
  }
} // namespace neuristor
