#include "solver/case/parameter_tools.h"

#include <cstdio>

#include "solver/case/input_error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace neuristor
{
  namespace parameter_tools
  {
    std::string
    trim(const std::string &text)
    {
      const auto first = text.find_first_not_of(" \t\n\r");
      if (first == std::string::npos)
        return "";
      const auto last = text.find_last_not_of(" \t\n\r");
      return text.substr(first, last - first + 1);
    }

    std::vector<std::string>
    split(const std::string &text, const char delimiter)
    {
      std::vector<std::string> pieces;
      std::stringstream        stream(text);
      std::string              piece;
      while (std::getline(stream, piece, delimiter))
        if (!trim(piece).empty())
          pieces.push_back(trim(piece));
      return pieces;
    }

    void
    declare_per_device(dealii::ParameterHandler &prm,
                       const std::string        &entry,
                       const std::string        &default_value,
                       const std::string        &documentation)
    {
      prm.declare_entry(entry,
                        default_value,
                        dealii::Patterns::List(dealii::Patterns::Double(), 1),
                        documentation +
                          " One value for all devices, or a comma-separated "
                          "list with one value per device.");
    }

    namespace
    {
      /** ParameterHandler's names in its JSON output: [A-Za-z0-9] kept, others as _XX. */
      std::string
      mangled(const std::string &name)
      {
        std::string out;
        for (const unsigned char c : name)
          if (std::isalnum(c))
            out += static_cast<char>(c);
          else
            {
              char hex[4];
              std::snprintf(hex, sizeof(hex), "_%02x", c);
              out += hex;
            }
        return out;
      }
    } // namespace

    std::string
    csv_optional(const double value)
    {
      if (!(value >= 0))
        return "";
      std::ostringstream text;
      text << std::setprecision(10) << value;
      return text.str();
    }

    std::string
    documentation(const dealii::ParameterHandler &prm, const std::string &path)
    {
      std::stringstream text;
      prm.print_parameters(text, dealii::ParameterHandler::JSON);
      const auto     tree = nlohmann::json::parse(text.str(), nullptr, false);
      const nlohmann::json *node = &tree;
      for (const auto &name : split(path, '/'))
        {
          if (!node->is_object())
            return "";
          const auto plain = node->find(name), coded = node->find(mangled(name));
          if (plain != node->end())
            node = &*plain;
          else if (coded != node->end())
            node = &*coded;
          else
            return "";
        }
      const auto doc = node->is_object() ? node->find("documentation") : node->end();
      return doc != node->end() && doc->is_string() ? doc->get<std::string>() : "";
    }

    std::string
    unit_in(const std::string &documentation)
    {
      const auto open = documentation.find('[');
      if (open == std::string::npos)
        return "";
      const auto close = documentation.find_first_of("],;", open);
      if (close == std::string::npos)
        return "";
      const std::string unit = trim(documentation.substr(open + 1, close - open - 1));
      const bool        word =
        !unit.empty() && unit.find(' ') == std::string::npos && unit != "count" && unit != "-" &&
        std::all_of(unit.begin(), unit.end(), [](const unsigned char c) {
          return std::isalnum(c) || c == '/' || c == '^' || c == '.' || c == '*';
        });
      return word ? unit : "";
    }

    double
    parse_number(const std::string &text,
                 const std::string &entry,
                 const std::string &context)
    {
      if (trim(text).empty())
        throw InputError(entry, context + "a number is missing (the value is empty)");
      std::size_t used = 0;
      double      v    = 0;
      try
        {
          v = std::stod(text, &used);
        }
      catch (const std::out_of_range &)
        {
          throw InputError(entry, context + "'" + text +
                                    "' is too large or too close to zero for a double");
        }
      catch (...)
        {
          used = 0;
        }
      if (used != text.size() || !std::isfinite(v))
        throw InputError(entry, context + "'" + text + "' is not a number");
      return v;
    }

    std::string
    csv_quote(const std::string &text)
    {
      if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
      std::string out = "\"";
      for (const char ch : text)
        out += (ch == '"') ? std::string("\"\"") : std::string(1, ch);
      return out + "\"";
    }

    template <typename T>
    static std::vector<T>
    expand(const std::vector<T> &values,
           const std::string    &entry,
           const unsigned int    n_devices)
    {
      if (values.size() == 1)
        return std::vector<T>(n_devices, values[0]);
      if (values.size() != n_devices)
        throw InputError(entry,
                         "has " + std::to_string(values.size()) +
                           " values, but there are " +
                           std::to_string(n_devices) +
                           " devices (give one value, or one per device)");
      return values;
    }

    std::vector<double>
    per_device_doubles(const dealii::ParameterHandler &prm,
                       const std::string              &section,
                       const std::string              &entry,
                       const unsigned int              n_devices)
    {
      const std::string path = section + "/" + entry;
      std::vector<double> values;
      std::stringstream   list(prm.get(entry));
      // Every piece must be a number: "12e3," is refused, not read as "12e3".
      for (std::string piece; std::getline(list, piece, ',');)
        values.push_back(parse_number(trim(piece), path));
      if (!prm.get(entry).empty() && prm.get(entry).back() == ',')
        values.push_back(parse_number("", path));
      if (values.empty())
        throw InputError(path, "is empty");
      return expand(values, path, n_devices);
    }

    std::vector<std::string>
    per_device_strings(const dealii::ParameterHandler &prm,
                       const std::string              &section,
                       const std::string              &entry,
                       const unsigned int              n_devices)
    {
      const std::string path   = section + "/" + entry;
      auto              values = split(prm.get(entry), ';');
      if (values.empty())
        throw InputError(path, "is empty");
      // "a; b ...": the last value repeats for the devices not listed.
      auto &last = values.back();
      if (last.size() >= 3 && last.compare(last.size() - 3, 3, "...") == 0)
        {
          last = trim(last.substr(0, last.size() - 3));
          if (last.empty() || values.size() > n_devices)
            throw InputError(path, "'...' must follow a value, and the values before it "
                                   "must not outnumber the " + std::to_string(n_devices) +
                                   " devices");
          values.resize(n_devices, last);
        }
      return expand(values, path, n_devices);
    }

    void
    require_positive(const std::string         &entry,
                     const std::vector<double> &values,
                     const bool                 zero_allowed)
    {
      for (unsigned int i = 0; i < values.size(); ++i)
        if (values[i] < 0 || (!zero_allowed && values[i] == 0))
          throw InputError(entry,
                           "must be " +
                             std::string(zero_allowed ? ">= 0" : "> 0") +
                             " but is " + format_number(values[i]) +
                             (values.size() > 1 ?
                                " for device " + std::to_string(i) :
                                std::string()));
    }

    std::string
    format_number(const double value)
    {
      char text[32];
      std::snprintf(text, sizeof(text), "%g", value);
      return text;
    }

    namespace
    {
      // Every number written the same way (12.5e-9 and 1.25e-08 alike), so
      // that a cache key depends on values, not on how they were typed.
      std::string
      canonical_numbers(const std::string &text)
      {
        const auto numeric = [](const char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' ||
                 c == 'E' || c == '+' || c == '-';
        };
        std::string result;
        for (std::size_t i = 0; i < text.size();)
          {
            std::size_t end = i;
            while (end < text.size() && numeric(text[end]))
              ++end;
            if (end == i)
              {
                result += text[i++];
                continue;
              }
            const std::string run = text.substr(i, end - i);
            char             *stop = nullptr;
            const double      value = std::strtod(run.c_str(), &stop);
            const bool        whole = stop == run.c_str() + run.size() &&
                               std::any_of(run.begin(), run.end(), [](const char c) {
                                 return std::isdigit(static_cast<unsigned char>(c));
                               });
            char formatted[32];
            std::snprintf(formatted, sizeof(formatted), "%.17g", value);
            result += whole ? std::string(formatted) : run;
            i = end;
          }
        return result;
      }
    } // namespace

    std::string
    sections_text(const dealii::ParameterHandler   &prm,
                  const std::vector<std::string> &sections,
                  const std::vector<std::string> &except)
    {
      std::ostringstream all;
      prm.print_parameters(all, dealii::ParameterHandler::ShortText);
      std::istringstream lines(all.str());
      std::string        line, result;
      std::vector<std::string> path; // open subsections
      while (std::getline(lines, line))
        {
          const auto first = line.find_first_not_of(' ');
          if (first == std::string::npos)
            continue;
          const std::string text = line.substr(first);
          if (text.rfind("subsection ", 0) == 0)
            path.push_back(text.substr(11));
          else if (text == "end" && !path.empty())
            {
              path.pop_back();
              continue;
            }
          if (path.empty() || std::find(sections.begin(), sections.end(), path[0]) == sections.end())
            continue;
          if (text.rfind("set ", 0) == 0)
            {
              // Names are padded to align the '=' of a section.
              const std::string entry = trim(text.substr(4, text.find(" =") - 4));
              if (path.size() == 1 &&
                  std::find(except.begin(), except.end(), path[0] + "/" + entry) != except.end())
                continue;
            }
          result += canonical_numbers(text) + "\n";
        }
      return result;
    }
  } // namespace parameter_tools
} // namespace neuristor
