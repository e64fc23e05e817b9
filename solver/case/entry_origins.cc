#include "solver/case/entry_origins.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <sstream>
#include <vector>

namespace neuristor
{
  namespace
  {
    std::string
    joined(const std::vector<std::string> &sections, const std::string &name)
    {
      std::string path;
      for (const auto &s : sections)
        path += s + "/";
      return path + name;
    }

    // deal.II writes names in JSON with every character other than a
    // letter or digit as _XX (hexadecimal); plain names read the same.
    std::string
    demangled(const std::string &name)
    {
      std::string out;
      for (std::size_t i = 0; i < name.size(); ++i)
        if (name[i] == '_' && i + 2 < name.size() && std::isxdigit(name[i + 1]) &&
            std::isxdigit(name[i + 2]))
          {
            out += static_cast<char>(std::stoi(name.substr(i + 1, 2), nullptr, 16));
            i += 2;
          }
        else
          out += name[i];
      return out;
    }

    void
    json_entry_paths(const nlohmann::json &node, std::vector<std::string> &sections,
                     std::set<std::string> &paths)
    {
      for (const auto &[key, value] : node.items())
        {
          const std::string name = demangled(key);
          if (value.is_object() && !value.contains("value"))
            {
              sections.push_back(name);
              json_entry_paths(value, sections, paths);
              sections.pop_back();
            }
          else
            paths.insert(joined(sections, name));
        }
    }
  } // namespace

  std::map<std::string, unsigned int>
  prm_entry_lines(std::istream &in)
  {
    std::map<std::string, unsigned int> lines;
    std::vector<std::string>            sections;
    std::string                         line;
    bool                                continued = false;
    for (unsigned int number = 1; std::getline(in, line); ++number)
      {
        const bool was_continued = continued;
        std::string text = parameter_tools::trim(line.substr(0, line.find('#')));
        continued = !text.empty() && text.back() == '\\';
        if (was_continued || text.empty())
          continue;
        const auto space = text.find_first_of(" \t");
        const std::string keyword = text.substr(0, space);
        const std::string rest =
          space == std::string::npos ? "" : parameter_tools::trim(text.substr(space));
        if (keyword == "subsection")
          sections.push_back(rest);
        else if (keyword == "end" && !sections.empty())
          sections.pop_back();
        else if (keyword == "set")
          lines[joined(sections, parameter_tools::trim(rest.substr(0, rest.find('='))))] =
            number;
      }
    return lines;
  }

  EntryOrigins &
  EntryOrigins::current()
  {
    static EntryOrigins origins;
    return origins;
  }

  void
  EntryOrigins::start(const dealii::ParameterHandler &prm)
  {
    std::stringstream schema;
    prm.print_parameters(schema, dealii::ParameterHandler::ShortPRM);
    declared.clear();
    for (const auto &[path, line] : prm_entry_lines(schema))
      declared.insert(path);
    origin.clear();
  }

  void
  EntryOrigins::record_prm(const std::string &name, std::istream &text)
  {
    for (const auto &[path, line] : prm_entry_lines(text))
      origin[path] = "set in " + name + " line " + std::to_string(line);
  }

  void
  EntryOrigins::record_json(const std::string &name, const nlohmann::json &json)
  {
    std::set<std::string>    paths;
    std::vector<std::string> sections;
    json_entry_paths(json, sections, paths);
    for (const auto &path : paths)
      origin[path] = "set in " + name;
  }

  void
  EntryOrigins::record(const std::string &path, const std::string &source)
  {
    origin[path] = "set by " + source;
  }

  std::string
  EntryOrigins::describe(const std::string &entry) const
  {
    if (const auto o = origin.find(entry); o != origin.end())
      return " (" + o->second + ")";
    if (declared.count(entry) > 0)
      return " (not set: the built-in default)";
    return "";
  }

  std::string
  entry_origin(const std::string &entry)
  {
    return EntryOrigins::current().describe(entry);
  }
} // namespace neuristor
