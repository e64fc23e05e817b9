#pragma once

#include "solver/case/input_error.h"

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace neuristor
{
  /**
   * Helpers shared by the declare/parse functions of all model classes.
   * Entries that may differ between devices hold either one value (for all
   * devices) or a comma-separated list with one value per device.
   */
  namespace parameter_tools
  {
    /** Declare a per-device list of doubles with a documentation string. */
    void
    declare_per_device(dealii::ParameterHandler &prm,
                       const std::string        &entry,
                       const std::string        &default_value,
                       const std::string        &documentation);

    /**
     * Expand a one-or-N list to N values; InputError if the length is wrong.
     * The section argument ("Circuit") only names the entry in messages.
     */
    std::vector<double>
    per_device_doubles(const dealii::ParameterHandler &prm,
                       const std::string              &section,
                       const std::string              &entry,
                       const unsigned int              n_devices);

    /** Same for strings separated by ';' (e.g. waveforms, which contain ','). */
    std::vector<std::string>
    per_device_strings(const dealii::ParameterHandler &prm,
                       const std::string              &section,
                       const std::string              &entry,
                       const unsigned int              n_devices);

    /** InputError unless value > 0 (or >= 0 when zero_allowed). */
    void
    require_positive(const std::string         &entry_path,
                     const std::vector<double> &values,
                     const bool                 zero_allowed = false);

    /** Split on a delimiter and trim blanks; empty pieces are dropped. */
    std::vector<std::string>
    split(const std::string &text, const char delimiter);

    std::string
    trim(const std::string &text);

    /** The whole text as a finite number, else InputError(entry, context...). */
    double
    parse_number(const std::string &text,
                 const std::string &entry,
                 const std::string &context = "");

    /**
     * Run fn inside the subsection `name` and leave it again, also when fn
     * throws (the declare/parse functions of every class work relative to
     * their own section).
     */
    template <typename Function>
    void
    in_subsection(dealii::ParameterHandler &prm, const std::string &name, Function &&fn)
    {
      prm.enter_subsection(name);
      try
        {
          fn();
        }
      catch (...)
        {
          prm.leave_subsection();
          throw;
        }
      prm.leave_subsection();
    }

    /**
     * The documentation of the entry "Section/Sub/Entry" as declared
     * (empty if there is no such entry). Call at the top level of prm.
     */
    std::string
    documentation(const dealii::ParameterHandler &prm, const std::string &path);

    /**
     * The SI unit an entry's documentation states: the first word in its
     * first [...] ("[V, times in s]" gives "V"), or "" if that holds no unit
     * ("[count]", "[-]", none).
     */
    std::string
    unit_in(const std::string &documentation);

    /** A CSV field: quoted (with "" for ") only if it holds a comma, quote or newline. */
    std::string
    csv_quote(const std::string &text);

    /** A number as a CSV field, or an empty field where it has no meaning (negative). */
    std::string
    csv_optional(const double value);

    /** A number for a message, as printf's %g (4e-07, not 0.000000). */
    std::string
    format_number(const double value);

    /**
     * The entries of the named top-level sections as text (ShortText
     * style, in declaration order), without the entries listed in `except`
     * ("Section/Entry"): what a derived result depends on, for a cache key.
     */
    std::string
    sections_text(const dealii::ParameterHandler   &prm,
                  const std::vector<std::string> &sections,
                  const std::vector<std::string> &except = {});
  } // namespace parameter_tools
} // namespace neuristor
