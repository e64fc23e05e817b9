#pragma once

#include "solver/case/input_error.h"

#include <deal.II/base/parameter_handler.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * The implementations an entry such as `Run/Thermal model` chooses from
   * by name, in the manner of ASPECT's plugin lists: the built-in ones,
   * then any added (by a test or a plugin) before the schema is declared.
   * A Registration has a `name`, a one-line `description` and
   * `declare_parameters(prm)` for the sections it reads.
   */
  template <typename Registration>
  class RegistrationList
  {
  public:
    /** `entry` ("Run/Thermal model") and `what` ("thermal model") name it in messages. */
    RegistrationList(std::string entry, std::string what, std::vector<Registration> built_in)
      : entry(std::move(entry))
      , what(std::move(what))
      , list(std::move(built_in))
    {}

    const std::vector<Registration> &
    all() const
    {
      return list;
    }

    void
    add(const Registration &registration)
    {
      for (const auto &r : list)
        if (r.name == registration.name)
          throw std::logic_error(what + " '" + r.name + "' is registered twice");
      list.push_back(registration);
    }

    /** "name1|name2|..." for a Patterns::Selection. */
    std::string
    selection_pattern() const
    {
      std::string pattern;
      for (const auto &r : list)
        pattern += (pattern.empty() ? "" : "|") + r.name;
      return pattern;
    }

    /** "name: description; ..." for the entry's documentation. */
    std::string
    documentation() const
    {
      std::string text;
      for (const auto &r : list)
        text += (text.empty() ? "" : "; ") + r.name + ": " + r.description;
      return text;
    }

    /** Declares every implementation's sections. */
    void
    declare_parameters(dealii::ParameterHandler &prm) const
    {
      for (const auto &r : list)
        r.declare_parameters(prm);
    }

    /** The one called `name`; otherwise an InputError on the entry naming the known ones. */
    const Registration &
    find(const std::string &name) const
    {
      for (const auto &r : list)
        if (r.name == name)
          return r;
      throw InputError(entry, "unknown " + what + " '" + name + "' (known: " +
                                selection_pattern() + ")");
    }

  private:
    std::string               entry, what;
    std::vector<Registration> list;
  };
} // namespace neuristor
