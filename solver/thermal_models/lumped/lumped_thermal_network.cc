#include "solver/thermal_models/lumped/lumped_thermal_network.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

namespace neuristor
{
  namespace
  {
    const std::string section = "Thermal network";

    std::vector<double>
    parse_numbers(const std::string &text, const std::string &entry)
    {
      std::vector<double> numbers;
      std::istringstream  in(text);
      std::string         word;
      while (in >> word)
        numbers.push_back(parameter_tools::parse_number(word, entry));
      return numbers;
    }
  } // namespace

  void
  LumpedThermalNetwork::declare_parameters(dealii::ParameterHandler &prm)
  {
    using dealii::Patterns::Double;
    using dealii::Patterns::Integer;
    using dealii::Patterns::Selection;
    prm.declare_entry("Number of devices", "1", Integer(1),
                      "Number of devices for coupling 'none' and 'chain'. "
                      "For 'matrix', 'lattice' and 'distance' it follows from "
                      "the coupling description; if set there, it must agree.");
    prm.declare_entry("Ambient temperature", "325", Double(1),
                      "Stage (environment) temperature T0 [K], at least 1 K; also "
                      "the initial device temperature.");
    parameter_tools::declare_per_device(
      prm, "Thermal conductance", "0.206e-3",
      "Total thermal conductance S_th of each device [W/K].");
    parameter_tools::declare_per_device(
      prm, "Thermal capacitance", "49.6e-12",
      "Thermal capacitance C_th of each device [J/K].");
    prm.declare_entry("Coupling", "none",
                      Selection("none|matrix|chain|lattice|distance|characterization"),
                      "How devices are coupled: none; an explicit eta matrix; "
                      "a nearest-neighbour chain; a nearest-neighbour square "
                      "lattice (open edges); eta from the distance between "
                      "device positions; or eta_ij, S_th = 1/R_th and C_th = "
                      "C_eff computed from a layout by `neuristor "
                      "characterize` (see Characterization folder).");
    prm.declare_entry("Characterization folder", "", dealii::Patterns::DirectoryName(),
                      "For 'characterization': the output folder of `neuristor "
                      "characterize` (eta.csv, characterization.json); its "
                      "values replace Thermal conductance and capacitance [path; "
                      "relative to the current folder, written absolute to the "
                      "run's parameters.prm].");
    prm.declare_entry("Eta", "0.1", Double(0, 1),
                      "Coupling strength eta [dimensionless]: between nearest "
                      "neighbours for 'chain' and 'lattice'; the prefactor of "
                      "the distance law for 'distance'.");
    prm.declare_entry("Eta matrix", "", dealii::Patterns::Anything(),
                      "For 'matrix': rows of eta_ij [dimensionless] separated "
                      "by ';', entries by blanks, e.g. '0 0.1; 0.1 0'. The "
                      "diagonal must be 0 and every row sum below 1.");
    prm.declare_entry("Lattice rows", "1", Integer(1),
                      "For 'lattice': number of rows; device index = row * "
                      "columns + column.");
    prm.declare_entry("Lattice columns", "1", Integer(1),
                      "For 'lattice': number of columns.");
    prm.declare_entry("Positions", "", dealii::Patterns::Anything(),
                      "For 'distance': device positions 'x y' [m], devices "
                      "separated by ';', e.g. '0 0; 0.6e-6 0'; or 'layout': the "
                      "channel centres of the Layout section's devices.");
    prm.declare_entry("Distance law", "exponential",
                      Selection("exponential|power"),
                      "For 'distance': eta(d) = Eta exp(-d / L) "
                      "('exponential') or Eta (L / d)^p ('power'), zero "
                      "beyond the cutoff.");
    prm.declare_entry("Coupling length", "1e-6", Double(0),
                      "Length L of the distance law [m].");
    prm.declare_entry("Distance exponent", "1", Double(0),
                      "Exponent p of the 'power' law [dimensionless].");
    prm.declare_entry("Coupling cutoff", "1e-5", Double(0),
                      "No coupling beyond this distance [m].");
    prm.declare_entry("Noise strength", "0", Double(0),
                      "Strength sigma of the additive white noise on each "
                      "device temperature, dT = ... dt + sigma dW "
                      "[K/sqrt(s)]. The stationary spread of an isolated "
                      "device is sigma sqrt(C_th / (2 S_th)).");
    prm.declare_entry("Noise time step", "10e-9", Double(0),
                      "Time step of each device's Wiener path W [s]: W is "
                      "drawn at multiples of it and linear in between, so "
                      "the noise is white on longer times whatever steps the "
                      "integrator takes. Choose it well below the thermal "
                      "time C_th / S_th.");
    prm.declare_entry("Noise seed", "1", Integer(0),
                      "Seed of the noise; each device draws from its own "
                      "stream, so results do not depend on the MPI ranks.");
  }

  void
  LumpedThermalNetwork::parse_parameters(const dealii::ParameterHandler           &prm,
                                         const std::vector<std::array<double, 2>> &layout_centres)
  {
    const std::string kind     = prm.get("Coupling");
    const unsigned    n_given  = prm.get_integer("Number of devices");
    const bool        n_is_set = n_given != 1;
    const double      eta0     = prm.get_double("Eta");

    std::vector<std::vector<Link>> eta;
    std::ostringstream             text;
    if (kind == "none" || kind == "chain")
      {
        eta.resize(n_given);
        if (kind == "chain")
          for (unsigned int i = 0; i + 1 < n_given; ++i)
            {
              eta[i].push_back({i + 1, eta0});
              eta[i + 1].push_back({i, eta0});
            }
        text << kind << " of " << n_given << " devices";
        if (kind == "chain")
          text << ", eta = " << eta0;
      }
    else if (kind == "lattice")
      {
        const unsigned rows = prm.get_integer("Lattice rows");
        const unsigned cols = prm.get_integer("Lattice columns");
        eta.resize(rows * cols);
        for (unsigned r = 0; r < rows; ++r)
          for (unsigned c = 0; c < cols; ++c)
            {
              const unsigned i = r * cols + c;
              if (r > 0)
                eta[i].push_back({i - cols, eta0});
              if (c > 0)
                eta[i].push_back({i - 1, eta0});
              if (c + 1 < cols)
                eta[i].push_back({i + 1, eta0});
              if (r + 1 < rows)
                eta[i].push_back({i + cols, eta0});
            }
        text << rows << " x " << cols << " lattice, nearest-neighbour eta = "
             << eta0;
      }
    else if (kind == "matrix")
      {
        const auto rows = parameter_tools::split(prm.get("Eta matrix"), ';');
        if (rows.empty())
          throw InputError(section + "/Eta matrix",
                           "is empty but Coupling = matrix");
        eta.resize(rows.size());
        for (unsigned i = 0; i < rows.size(); ++i)
          {
            const auto row = parse_numbers(rows[i], section + "/Eta matrix");
            if (row.size() != rows.size())
              throw InputError(section + "/Eta matrix",
                               "row " + std::to_string(i) + " has " +
                                 std::to_string(row.size()) +
                                 " entries; the matrix must be square (" +
                                 std::to_string(rows.size()) + " rows)");
            for (unsigned j = 0; j < row.size(); ++j)
              {
                if (row[j] < 0 || (i == j && row[j] != 0))
                  throw InputError(section + "/Eta matrix",
                                   "entry (" + std::to_string(i) + "," +
                                     std::to_string(j) +
                                     ") must be >= 0, and 0 on the diagonal");
                if (row[j] > 0)
                  eta[i].push_back({j, row[j]});
              }
          }
        text << "explicit " << rows.size() << " x " << rows.size()
             << " eta matrix";
      }
    else if (kind == "characterization")
      {
        const std::string folder = prm.get("Characterization folder");
        const auto        read   = [&](const std::string &name) {
          std::ifstream in(folder + "/" + name);
          if (!in)
            throw InputError(section + "/Characterization folder",
                             "cannot read '" + folder + "/" + name + "'");
          std::stringstream text;
          text << in.rdbuf();
          return text.str();
        };
        const auto lines = parameter_tools::split(read("eta.csv"), '\n');
        if (lines.size() < 2)
          throw InputError(section + "/Characterization folder", folder + "/eta.csv has no rows");
        const unsigned n = lines.size() - 1;
        eta.resize(n);
        for (unsigned i = 0; i < n; ++i)
          {
            const auto row = parameter_tools::split(lines[i + 1], ',');
            if (row.size() != n + 1)
              throw InputError(section + "/Characterization folder",
                               folder + "/eta.csv: row " + std::to_string(i) +
                                 " does not have " + std::to_string(n) + " values");
            for (unsigned j = 0; j < n; ++j)
              {
                const double e = parameter_tools::parse_number(row[j + 1], folder + "/eta.csv");
                if (i != j && e > 0)
                  eta[i].push_back({j, e});
              }
          }
        const std::string file = folder + "/characterization.json";
        const auto        refuse = [&](const std::string &reason) {
          return InputError(section + "/Characterization folder", "'" + file + "'" + reason);
        };
        nlohmann::json characterization;
        try
          {
            characterization = nlohmann::json::parse(read("characterization.json"));
          }
        catch (const nlohmann::json::parse_error &e)
          {
            // what() starts with "[json.exception.parse_error.N] ".
            const std::string message = e.what();
            const auto        start   = message.find("] ");
            throw refuse(" is not valid JSON: " +
                         (start == std::string::npos ? message : message.substr(start + 2)));
          }
        if (!characterization.is_object())
          throw refuse(" is not a JSON object");
        for (const auto &[key, values] :
             {std::pair{"R_th_K_per_W", &characterized_S}, {"C_eff_J_per_K", &characterized_C}})
          {
            const auto list = characterization.find(key);
            if (list == characterization.end())
              throw refuse(std::string(": key '") + key + "' is missing");
            if (!list->is_array() || list->size() != n ||
                !std::all_of(list->begin(), list->end(),
                             [](const nlohmann::json &v) { return v.is_number(); }))
              throw refuse(std::string(": key '") + key + "' is not a list of " +
                           std::to_string(n) + " numbers (one per device of eta.csv)");
            *values = list->get<std::vector<double>>();
          }
        for (auto &R : characterized_S)
          R = 1 / R; // R_th -> S_th
        text << "eta_ij, S_th, C_th of " << n << " devices from " << folder;
      }
    else // distance
      {
        const auto points = parameter_tools::split(prm.get("Positions"), ';');
        if (points.empty())
          throw InputError(section + "/Positions",
                           "is empty but Coupling = distance");
        const bool from_layout = points.size() == 1 && parameter_tools::trim(points[0]) == "layout";
        if (from_layout && layout_centres.empty())
          throw InputError(section + "/Positions", "is 'layout' but there is no layout here");
        std::vector<std::array<double, 2>> xy;
        if (from_layout)
          xy = layout_centres;
        for (const auto &p : from_layout ? std::vector<std::string>{} : points)
          {
            const auto v = parse_numbers(p, section + "/Positions");
            if (v.size() != 2)
              throw InputError(section + "/Positions",
                               "'" + p + "' must be 'x y' in m");
            xy.push_back({{v[0], v[1]}});
          }
        const bool   power  = prm.get("Distance law") == "power";
        const double L      = prm.get_double("Coupling length");
        const double p      = prm.get_double("Distance exponent");
        const double cutoff = prm.get_double("Coupling cutoff");
        if (L <= 0)
          throw InputError(section + "/Coupling length", "must be > 0");
        eta.resize(xy.size());
        for (unsigned i = 0; i < xy.size(); ++i)
          for (unsigned j = 0; j < xy.size(); ++j)
            {
              if (i == j)
                continue;
              const double d = std::hypot(xy[i][0] - xy[j][0], xy[i][1] - xy[j][1]);
              if (d == 0)
                throw InputError(section + "/Positions",
                                 "devices " + std::to_string(i) + " and " +
                                   std::to_string(j) + " are at the same place");
              if (d <= cutoff)
                eta[i].push_back({j, power ? eta0 * std::pow(L / d, p) :
                                             eta0 * std::exp(-d / L)});
            }
        text << "distance law (" << prm.get("Distance law") << ", Eta = " << eta0
             << ", L = " << L << " m, cutoff " << cutoff << " m) over "
             << xy.size() << " devices";
      }

    const unsigned n = eta.size();
    if (n_is_set && n_given != n)
      throw InputError(section + "/Number of devices",
                       "is " + std::to_string(n_given) + " but the coupling '" +
                         kind + "' describes " + std::to_string(n) + " devices");

    const bool from_layout = kind == "characterization";
    const auto S_th = from_layout ? characterized_S :
                                    parameter_tools::per_device_doubles(prm, section, "Thermal conductance", n);
    const auto C_th = from_layout ? characterized_C :
                                    parameter_tools::per_device_doubles(prm, section, "Thermal capacitance", n);
    parameter_tools::require_positive(section + "/Thermal conductance", S_th);
    parameter_tools::require_positive(section + "/Thermal capacitance", C_th);
    // The entry the etas came from, for a refusal of their sum.
    const std::string eta_entry = kind == "matrix"           ? "Eta matrix" :
                                  kind == "characterization" ? "Characterization folder" :
                                                               "Eta";
    set_eta(eta, S_th, C_th, prm.get_double("Ambient temperature"), section + "/" + eta_entry);

    sigma   = prm.get_double("Noise strength");
    seed    = prm.get_integer("Noise seed");
    noise_dt = prm.get_double("Noise time step");
    parameter_tools::require_positive(section + "/Noise time step", std::vector<double>{noise_dt});
    summary = text.str();
    if (sigma > 0)
      summary += ", noise " + parameter_tools::format_number(sigma) + " K/sqrt(s)";
  }

  void
  LumpedThermalNetwork::set_eta(const std::vector<std::vector<Link>> &eta,
                                const std::vector<double>            &S_th,
                                const std::vector<double>            &C_th,
                                const double                          T0,
                                const std::string                    &eta_entry)
  {
    const unsigned n = eta.size();
    eta_links        = eta;
    nodes.resize(n);
    coupling.assign(n, {});
    for (unsigned i = 0; i < n; ++i)
      {
        double eta_sum = 0;
        for (const auto &link : eta[i])
          {
            eta_sum += link.S;
            coupling[i].push_back({link.j, link.S * S_th[i]});
          }
        if (eta_sum >= 1)
          throw InputError(eta_entry,
                           "the coupling strengths of device " +
                             std::to_string(i) + " add up to " +
                             parameter_tools::format_number(eta_sum) +
                             "; they must stay below 1 so that S_env > 0");
        nodes[i] = {C_th[i], (1 - eta_sum) * S_th[i], eta_sum * S_th[i], T0};
      }
  }

  double
  LumpedThermalNetwork::eta(const unsigned int i, const unsigned int j) const
  {
    for (const auto &link : eta_links[i])
      if (link.j == j)
        return link.S;
    return 0;
  }

  std::string
  LumpedThermalNetwork::description() const
  {
    return summary;
  }
} // namespace neuristor
