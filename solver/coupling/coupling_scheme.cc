#include "solver/coupling/coupling_scheme.h"

#include <stdexcept>

namespace neuristor
{
  // Schemes without checkpoints or fields never call those hooks; reaching
  // these is a programming error.
  void
  CouplingScheme::save(BinaryWriter &) const
  {
    throw std::logic_error("this coupling scheme writes no checkpoints");
  }

  void
  CouplingScheme::load(BinaryReader &)
  {
    throw std::logic_error("this coupling scheme reads no checkpoints");
  }

  std::string
  CouplingScheme::write_field(const std::string &, const unsigned int) const
  {
    throw std::logic_error("this coupling scheme has no field");
  }

  void
  CouplingScheme::report(std::ostream &) const
  {}
} // namespace neuristor
