#include "solver/case/entry_origins.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <nlohmann/json.hpp>

#include <algorithm>
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

    // Levenshtein distance, ignoring case: how far a misspelling is.
    std::size_t
    edit_distance(const std::string &a, const std::string &b)
    {
      std::vector<std::size_t> row(b.size() + 1);
      for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
      for (std::size_t i = 1; i <= a.size(); ++i)
        {
          std::size_t diagonal = row[0];
          row[0]               = i;
          for (std::size_t j = 1; j <= b.size(); ++j)
            {
              const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                std::tolower(static_cast<unsigned char>(b[j - 1]));
              const std::size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + !same});
              diagonal = row[j];
              row[j]   = next;
            }
        }
      return row[b.size()];
    }

    std::string
    leaf(const std::string &path)
    {
      return path.substr(path.rfind('/') + 1);
    }
  } // namespace

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

  std::map<std::string, unsigned int>
  json_entries(const nlohmann::json &json)
  {
    std::set<std::string>    paths;
    std::vector<std::string> sections;
    json_entry_paths(json, sections, paths);
    std::map<std::string, unsigned int> entries;
    for (const auto &path : paths)
      entries[path] = 0;
    return entries;
  }

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
    for (const auto &[path, line] : json_entries(json))
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
  EntryOrigins::closest_entry(const std::string &path) const
  {
    // A close spelling of the whole path, else the same entry name in another section.
    std::string best, same_leaf;
    std::size_t best_distance = std::max<std::size_t>(2, path.size() / 5) + 1;
    unsigned    leaf_matches  = 0;
    for (const auto &entry : declared)
      {
        if (const std::size_t d = edit_distance(path, entry); d < best_distance)
          best = entry, best_distance = d;
        if (edit_distance(leaf(path), leaf(entry)) == 0)
          same_leaf = entry, ++leaf_matches;
      }
    return !best.empty() ? best : leaf_matches == 1 ? same_leaf : "";
  }

  std::string
  EntryOrigins::misspelling_hint(const std::map<std::string, unsigned int> &set_entries) const
  {
    std::string  path, suggestion;
    unsigned int first_line = 0;
    for (const auto &[entry, line] : set_entries)
      if (declared.count(entry) == 0 && (path.empty() || line < first_line))
        if (const auto close = closest_entry(entry); !close.empty())
          path = entry, suggestion = close, first_line = line;
    if (path.empty())
      return "";
    return " ('" + path + "'" + (first_line > 0 ? " on line " + std::to_string(first_line) : "") +
           ": did you mean '" + suggestion + "'?)";
  }

  std::string
  entry_origin(const std::string &entry)
  {
    return EntryOrigins::current().describe(entry);
  }
} // namespace neuristor
