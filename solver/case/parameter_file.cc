#include "solver/case/parameter_file.h"

#include "solver/case/input_error.h"
#include "solver/io/output_file.h"
#include "solver/case/parameter_tools.h"

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
      std::string compact;
      for (const char ch : text)
        if (!(ch == ' ' && !compact.empty() && compact.back() == ' '))
          compact += ch;
      return compact;
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
    try
      {
        for (const auto &section : parts)
          {
            prm.enter_subsection(section);
            ++depth;
          }
        prm.set(entry, value);
      }
    catch (const dealii::ExceptionBase &e)
      {
        for (; depth > 0; --depth)
          prm.leave_subsection();
        throw InputError(source + " " + path,
                         "cannot be set to '" + value + "': " + reason_of(e));
      }
    for (; depth > 0; --depth)
      prm.leave_subsection();
  }

  void
  load_parameters(dealii::ParameterHandler       &prm,
                  const std::string              &file,
                  const std::vector<std::string> &overrides)
  {
    if (!file.empty())
      {
        if (!std::filesystem::is_regular_file(file))
          throw InputError(file, "the case file does not exist or is not a file");
        std::ifstream in(file);
        if (!in)
          throw InputError(file, "the case file cannot be read");
        if (!sets_anything(in))
          throw InputError(file, "the case file is empty (no entries, only blanks or "
                                 "comments); give a case, or none for the built-in default");
        try
          {
            prm.parse_input(file, "", false, true);
          }
        catch (const dealii::ExceptionBase &e)
          {
            throw InputError(file, reason_of(e));
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
  }

  void
  write_parameters(const dealii::ParameterHandler &prm, const std::filesystem::path &file)
  {
    OutputFile out(file);
    prm.print_parameters(out, dealii::ParameterHandler::PRM);
    out.close();
  }
} // namespace neuristor
