#pragma once

#include <string>

namespace neuristor::version
{
  /** The release number (CMakeLists.txt, project VERSION). */
  extern const char *const number;

  /** `git describe` of the source at build time ("-modified" if it had changes), or "unknown". */
  extern const char *const commit;

  /** "neuristor 0.9.0 (commit 1a2b3c4d5e6f)": for --version, logs and output files. */
  inline std::string
  text()
  {
    return std::string("neuristor ") + number + " (commit " + commit + ")";
  }
} // namespace neuristor::version
