#include "solver/thermal_models/reduced/model_cache.h"

#include "solver/base/mpi_tools.h"
#include "solver/io/output_file.h"

#include <zlib.h>

#include <cstdio>
#include <sstream>

namespace neuristor::model_cache
{
  namespace
  {
    const std::string kind = "neuristor reduced thermal model 1";

  } // namespace

  std::filesystem::path
  file_for(const std::filesystem::path &folder, const std::string &key)
  {
    const auto crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef *>(key.data()),
                           key.size());
    char name[32];
    std::snprintf(name, sizeof(name), "reduced-%08lx.model", static_cast<unsigned long>(crc));
    return folder / name;
  }

  std::shared_ptr<ModalBasis>
  load(const std::filesystem::path &file,
       const std::string           &key,
       const HeatEquation          &heat,
       const bool                   want_modes,
       std::string                 &why_not)
  {
    if (!std::filesystem::exists(file))
      {
        why_not = "not in the cache";
        return nullptr;
      }
    try
      {
        std::istringstream in(checkpoint_file::open(file));
        BinaryReader       reader(in, file.string());
        std::string        stored_kind, stored_key;
        reader(stored_kind, stored_key);
        if (stored_kind != kind || stored_key != key)
          {
            why_not = "the cached file holds another model";
            return nullptr;
          }
        auto basis = std::make_shared<ModalBasis>();
        basis->load(reader);
        std::uint8_t has_modes = 0;
        reader.get(has_modes);
        if (want_modes && !has_modes)
          {
            why_not = "the cached model has no fields (it was built for a run without field output)";
            return nullptr;
          }
        if (want_modes)
          {
            basis->modes.resize(basis->order());
            for (auto &mode : basis->modes)
              heat.load_field(reader, mode);
          }
        return basis;
      }
    catch (const std::exception &e)
      {
        why_not = std::string("it is unusable (") + e.what() + ")";
        return nullptr;
      }
  }

  void
  store(const MPI_Comm               comm,
        const std::filesystem::path &file,
        const std::string           &key,
        const ModalBasis            &basis,
        const HeatEquation          &heat)
  {
    const bool         root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
    std::ostringstream buffer;
    BinaryWriter       out(root ? &buffer : nullptr);
    out(kind, key);
    basis.save(out);
    out.put(static_cast<std::uint8_t>(basis.modes.empty() ? 0 : 1));
    for (const auto &mode : basis.modes)
      heat.save_field(out, mode);
    collectively(comm, [&]() {
      if (!root)
        return;
      if (std::filesystem::exists(file))
        checkpoint_file::open(file); // ours (any key) may be replaced; anything else throws
      std::filesystem::create_directories(file.parent_path());
      write_file_atomically(file, checkpoint_file::seal(buffer.str()));
    });
  }
} // namespace neuristor::model_cache
