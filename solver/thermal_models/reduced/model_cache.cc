#include "solver/thermal_models/reduced/model_cache.h"

#include "solver/base/mpi_tools.h"
#include "solver/io/output_file.h"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace neuristor::model_cache
{
  namespace
  {
    const std::string kind = "neuristor reduced thermal model 1";

    /** Whether file starts like the files neuristor seals (then it may be replaced, even damaged). */
    bool
    written_by_neuristor(const std::filesystem::path &file)
    {
      std::ifstream in(file, std::ios::binary);
      char          head[8] = {};
      in.read(head, sizeof(head));
      return in && std::string(head, sizeof(head)) == checkpoint_file::seal("").substr(0, 8);
    }

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
       const HeatEquation          *heat,
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
            if (!heat)
              throw std::logic_error("model_cache::load: modes wanted without a heat equation");
            heat->load_fields(reader, basis->modes);
            if (basis->modes.size() != basis->order())
              throw std::runtime_error("it holds " + std::to_string(basis->modes.size()) +
                                       " modes for order " + std::to_string(basis->order()));
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
        const HeatEquation          *heat)
  {
    const bool         root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
    std::ostringstream buffer;
    BinaryWriter       out(root ? &buffer : nullptr);
    out(kind, key);
    basis.save(out);
    out.put(static_cast<std::uint8_t>(basis.modes.empty() ? 0 : 1));
    if (!basis.modes.empty())
      {
        if (!heat)
          throw std::logic_error("model_cache::store: modes without their heat equation");
        heat->save_fields(out, basis.modes);
      }
    collectively(comm, [&]() {
      if (!root)
        return;
      if (std::filesystem::exists(file) && !written_by_neuristor(file))
        throw std::runtime_error("'" + file.string() + "' exists and is not a file neuristor "
                                 "wrote; it is left alone (move it to cache this model)");
      std::filesystem::create_directories(file.parent_path());
      write_file_atomically(file, checkpoint_file::seal(buffer.str()));
    });
  }
} // namespace neuristor::model_cache
