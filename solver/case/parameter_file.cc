#include "solver/case/parameter_file.h"

#include "solver/case/entry_origins.h"
#include "solver/case/input_error.h"
#include "solver/io/output_file.h"
#include "solver/case/parameter_tools.h"
#include "solver/base/version.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace neuristor
{
  namespace
  {
    // deal.II's messages carry a long header; keep the part that explains.
    std::string
    reason_of(const dealii::ExceptionBase &e)
    {
      std::ostringstream out;
      e.print_info(out);
      std::string text = parameter_tools::trim(out.str());
      for (auto &ch : text)
        if (ch == '\n')
          ch = ' ';
      // deal.II quotes the offending line: no raw control bytes to the terminal.
      std::string compact;
      for (const char ch : text)
        if (!(ch == ' ' && !compact.empty() && compact.back() == ' '))
          compact += std::iscntrl(static_cast<unsigned char>(ch)) ? '?' : ch;
      return compact;
    }

    // A case file is text: refuse a binary file before deal.II quotes it.
    void
    check_text(const std::string &file, std::istream &in)
    {
      char        ch;
      std::size_t offset = 0;
      while (in.get(ch))
        {
          const auto byte = static_cast<unsigned char>(ch);
          if (std::iscntrl(byte) && ch != '\n' && ch != '\r' && ch != '\t')
            {
              char hex[8];
              std::snprintf(hex, sizeof(hex), "0x%02x", byte);
              throw InputError(file, "is not a text file (byte " + std::string(hex) +
                                       " at offset " + std::to_string(offset) +
                                       "); give a .prm or .json case");
            }
          ++offset;
        }
      in.clear();
      in.seekg(0);
    }

    // deal.II reads a JSON case as nested objects of sections and entries.
    nlohmann::json
    parsed_json(const std::string &file, std::istream &in)
    {
      auto json = nlohmann::json::parse(in, nullptr, false);
      if (json.is_discarded())
        throw InputError(file, "is not valid JSON");
      if (!json.is_object())
        throw InputError(file, "must hold one JSON object of sections, e.g. "
                               "{\"Run\": {\"End time\": \"2e-6\"}}");
      in.clear();
      in.seekg(0);
      return json;
    }

    // Folders and files (entries with a FileName or DirectoryName pattern)
    // given relative to where the program runs become absolute, so that a
    // run folder's parameters.prm re-runs from any folder.
    void
    make_paths_absolute(dealii::ParameterHandler &prm, const nlohmann::json &node)
    {
      for (const auto &[key, value] : node.items())
        {
          if (!value.is_object())
            continue;
          const std::string name = demangled(key);
          if (!value.contains("value"))
            {
              prm.enter_subsection(name);
              make_paths_absolute(prm, value);
              prm.leave_subsection();
              continue;
            }
          const std::string pattern = value.value("pattern_description", "");
          const std::string path    = prm.get(name);
          const bool        is_path = pattern.rfind("[FileName", 0) == 0 ||
                               pattern.rfind("[DirectoryName", 0) == 0;
          if (is_path && !path.empty() && path != "none" && std::filesystem::path(path).is_relative())
            prm.set(name, std::filesystem::absolute(path).lexically_normal().string());
        }
    }

    // False for a file of blanks and '#' comments only.
    bool
    sets_anything(std::istream &in)
    {
      std::string line;
      while (std::getline(in, line))
        {
          const std::string text = parameter_tools::trim(line);
          if (!text.empty() && text[0] != '#')
            return true;
        }
      return false;
    }
  } // namespace

  void
  set_entry(dealii::ParameterHandler &prm,
            const std::string        &path,
            const std::string        &value,
            const std::string        &source)
  {
    auto parts = parameter_tools::split(path, '/');
    if (parts.empty())
      throw InputError(source, "'" + path + "' names no entry");
    const std::string entry = parts.back();
    parts.pop_back();
    unsigned int depth = 0;
    std::string  failure; // why the value was not taken; empty if it was
    try
      {
        for (const auto &section : parts)
          {
            prm.enter_subsection(section);
            ++depth;
          }
        prm.set(entry, value);
      }
    catch (const dealii::ParameterHandler::ExcEntryUndeclared &)
      {
        const std::string close = EntryOrigins::current().closest_entry(path);
        failure = close.empty() ? "is no entry (check the sections and the spelling; "
                                  "'neuristor parameters' lists every entry)" :
                                  "is no entry; did you mean '" + close + "'?";
      }
    catch (const dealii::ExceptionBase &e)
      {
        failure = "cannot be set to '" + value + "': " + reason_of(e);
      }
    for (; depth > 0; --depth)
      prm.leave_subsection();
    if (!failure.empty())
      throw InputError(source + " " + path, failure);
    EntryOrigins::current().record(path, source);
  }

  void
  load_parameters(dealii::ParameterHandler            &prm,
                  const std::string                   &file,
                  const std::vector<std::string>      &overrides,
                  const std::vector<GeneratedSetting> &generated)
  {
    EntryOrigins::current().start(prm);
    if (!file.empty())
      {
        if (!std::filesystem::is_regular_file(file))
          throw InputError(file, "the case file does not exist or is not a file");
        std::ifstream in(file);
        if (!in)
          throw InputError(file, "the case file cannot be read");
        check_text(file, in);
        const bool           is_json = std::filesystem::path(file).extension() == ".json";
        const nlohmann::json json    = is_json ? parsed_json(file, in) : nlohmann::json();
        if (!sets_anything(in))
          throw InputError(file, "the case file is empty (no entries, only blanks or "
                                 "comments); give a case, or none for the built-in default");
        try
          {
            prm.parse_input(file, "", false, true);
          }
        catch (const dealii::ExceptionBase &e)
          {
            in.clear();
            in.seekg(0);
            const auto set_entries = is_json ? json_entries(json) : prm_entry_lines(in);
            throw InputError(file, reason_of(e) +
                                     EntryOrigins::current().misspelling_hint(set_entries));
          }
        const std::string name = std::filesystem::path(file).filename().string();
        if (is_json)
          EntryOrigins::current().record_json(name, json);
        else
          {
            in.clear();
            in.seekg(0);
            EntryOrigins::current().record_prm(name, in);
          }
      }
    for (const auto &item : overrides)
      {
        const auto eq = item.find('=');
        if (eq == std::string::npos)
          throw InputError("--set " + item, "must read Section/Entry=value");
        set_entry(prm, parameter_tools::trim(item.substr(0, eq)),
                  parameter_tools::trim(item.substr(eq + 1)), "--set");
      }
    for (const auto &setting : generated)
      set_entry(prm, setting.path, setting.value, setting.source);
    std::stringstream schema;
    prm.print_parameters(schema, dealii::ParameterHandler::JSON);
    make_paths_absolute(prm, nlohmann::json::parse(schema.str()));
  }

  void
  write_parameters(const dealii::ParameterHandler &prm, const std::filesystem::path &file)
  {
    OutputFile out(file);
    out << "# Written by " << version::text() << "\n";
    prm.print_parameters(out, dealii::ParameterHandler::PRM);
    out.close();
  }
} // namespace neuristor
