#pragma once

#include <deal.II/base/parameter_handler.h>

#include <nlohmann/json_fwd.hpp>

#include <istream>
#include <map>
#include <set>
#include <string>

namespace neuristor
{
  /**
   * Where each entry of the loaded case came from: "case.prm line 12",
   * "--set", "Sweep/Values", or the built-in default. Errors are found far
   * from the loading (in the model classes), so the origins of the case
   * being run are kept for the process and InputError looks its entry up.
   * Every rank loads the same case, so every rank holds the same origins.
   */
  class EntryOrigins
  {
  public:
    /** The origins of the case this process loaded last. */
    static EntryOrigins &
    current();

    /** Forget the last case; remember the declared entries of prm. */
    void
    start(const dealii::ParameterHandler &prm);

    /** Every entry a .prm case named `name` sets, with its line. */
    void
    record_prm(const std::string &name, std::istream &text);

    /** Every entry a JSON case named `name` sets. */
    void
    record_json(const std::string &name, const nlohmann::json &json);

    /** path was set by source (e.g. "--set"), replacing the file's value. */
    void
    record(const std::string &path, const std::string &source);

    /**
     * " (set in case.prm line 12)", " (set by --set)", " (not set: the
     * built-in default)", or "" for a name that is no declared entry.
     */
    std::string
    describe(const std::string &entry) const;

    /** The declared entry closest to a misspelt path ("Layout/Gapp" -> "Layout/Gap"), or "". */
    std::string
    closest_entry(const std::string &path) const;

    /**
     * For a case that failed to parse: " ('Layout/Gapp' on line 12: did
     * you mean 'Layout/Gap'?)" for the first entry set (by line) that is
     * not declared and has a close declared one; "" if none.
     */
    std::string
    misspelling_hint(const std::map<std::string, unsigned int> &set_entries) const;

  private:
    std::set<std::string>              declared;
    std::map<std::string, std::string> origin;
  };

  /** "Section/Entry" -> line (from 1) of every 'set' in a .prm text. */
  std::map<std::string, unsigned int>
  prm_entry_lines(std::istream &in);

  /**
   * A section or entry name as deal.II writes it in JSON (every character
   * other than a letter or digit as _XX, hexadecimal) back in plain text.
   */
  std::string
  demangled(const std::string &name);

  /** "Section/Entry" -> 0 (no lines) of every entry a JSON case sets. */
  std::map<std::string, unsigned int>
  json_entries(const nlohmann::json &json);
} // namespace neuristor
