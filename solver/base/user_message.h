#pragma once

#include <deal.II/base/exceptions.h>

#include <cctype>
#include <exception>
#include <sstream>
#include <string>

namespace neuristor
{
  /**
   * The message of e for the user: ours as they are; a deal.II or PETSc
   * exception (whose what() is a page with a stack trace) as one sentence
   * with its short reason and what to do.
   */
  inline std::string
  user_message(const std::exception &e)
  {
    const auto *library = dynamic_cast<const dealii::ExceptionBase *>(&e);
    if (!library)
      return e.what();
    std::ostringstream info;
    library->print_info(info);
    std::string reason;
    for (const char ch : info.str())
      {
        const bool space = std::isspace(static_cast<unsigned char>(ch));
        if (!(space && (reason.empty() || reason.back() == ' ')))
          reason += space ? ' ' : ch;
      }
    return "the numerical library failed (" + std::string(library->get_exc_name()) +
           "): " + reason +
           "- check the case's Heat solver entries and time steps, or report it with the case";
  }
} // namespace neuristor
