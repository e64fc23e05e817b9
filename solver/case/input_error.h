#pragma once

#include <stdexcept>
#include <string>

namespace neuristor
{
  /**
   * Where entry came from in the case being loaded or run, as " (set in
   * case.prm line 12)", " (set by --set)", " (not set: the built-in
   * default)", or "" for a name that is no entry (see EntryOrigins).
   */
  std::string
  entry_origin(const std::string &entry);

  /**
   * A problem with what the user gave us (a parameter file, a command-line
   * override, a waveform string). The message names the file, the entry and
   * the reason, so that the application can print it as is and exit non-zero.
   */
  class InputError : public std::runtime_error
  {
  public:
    InputError(const std::string &entry, const std::string &reason)
      : std::runtime_error("entry '" + entry + "'" + entry_origin(entry) + ": " + reason)
      , entry(entry)
    {}

    const std::string entry;
  };
} // namespace neuristor
