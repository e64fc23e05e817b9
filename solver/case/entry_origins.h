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

  private:
    std::set<std::string>              declared;
    std::map<std::string, std::string> origin;
  };

  /** "Section/Entry" -> line (from 1) of every 'set' in a .prm text. */
  std::map<std::string, unsigned int>
  prm_entry_lines(std::istream &in);
} // namespace neuristor
