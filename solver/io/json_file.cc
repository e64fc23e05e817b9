#include "solver/io/json_file.h"

#include "solver/io/output_file.h"

namespace neuristor
{
  Json
  missing_as_null(const double value)
  {
    return value < 0 ? Json() : Json(value);
  }

  void
  write_json(const std::filesystem::path &file, const Json &value)
  {
    OutputFile out(file);
    // Text from case files (names, labels) may be in another encoding than
    // UTF-8: its invalid bytes become U+FFFD instead of failing the write.
    out << value.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    out.close();
  }
} // namespace neuristor
