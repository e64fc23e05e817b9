#pragma once

#include "solver/thermal_models/reduced/modal_basis.h"

#include <deal.II/base/mpi.h>

#include <filesystem>
#include <memory>
#include <string>

namespace neuristor
{
  /**
   * Reduced models on disk: one sealed file (checkpoint_file format) per
   * key, the text of every entry the model depends on. The key is stored
   * in the file and compared on load, so a name clash is a miss, not a
   * wrong model. The modes (fields) follow the device-level model and are
   * read only when wanted.
   */
  namespace model_cache
  {
    /** The file of this key in folder: reduced-<crc32 of key>.model. */
    std::filesystem::path
    file_for(const std::filesystem::path &folder, const std::string &key);

    /**
     * The model in file if it holds this key (and modes if want_modes),
     * else nullptr with the reason in why_not (collective: every rank reads
     * the file; heat places the modes on this partition, and may be null
     * when no modes are wanted).
     */
    std::shared_ptr<ModalBasis>
    load(const std::filesystem::path &file,
         const std::string           &key,
         const HeatEquation          *heat,
         const bool                   want_modes,
         std::string                 &why_not);

    /**
     * Write the model (with its modes if it has them) to file atomically
     * (collective; rank 0 writes). A file there that is not a model file
     * is left alone: throws.
     */
    void
    store(const MPI_Comm               comm,
          const std::filesystem::path &file,
          const std::string           &key,
          const ModalBasis            &basis,
          const HeatEquation          *heat);
  } // namespace model_cache
} // namespace neuristor
