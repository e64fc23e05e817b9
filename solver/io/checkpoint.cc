#include "solver/io/checkpoint.h"

#include "solver/io/output_file.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace neuristor
{
  namespace checkpoint_file
  {
    namespace
    {
      constexpr char        magic[8] = {'N', 'E', 'U', 'R', 'C', 'K', 'P', 'T'};
      constexpr std::size_t header_size =
        sizeof(magic) + sizeof(std::uint32_t) + sizeof(std::uint64_t) + sizeof(std::uint32_t);

      std::uint32_t
      checksum(const char *data, const std::size_t size)
      {
        uLong crc = crc32(0L, Z_NULL, 0);
        for (std::size_t done = 0; done < size;)
          {
            const auto chunk = static_cast<uInt>(std::min<std::size_t>(size - done, 1u << 30));
            crc = crc32(crc, reinterpret_cast<const Bytef *>(data + done), chunk);
            done += chunk;
          }
        return static_cast<std::uint32_t>(crc);
      }

      template <typename T>
      void
      append(std::string &out, const T value)
      {
        out.append(reinterpret_cast<const char *>(&value), sizeof(T));
      }

      template <typename T>
      T
      field(const std::string &in, const std::size_t offset)
      {
        T value;
        std::memcpy(&value, in.data() + offset, sizeof(T));
        return value;
      }

      [[noreturn]] void
      corrupt(const std::filesystem::path &file, const std::string &reason)
      {
        throw std::runtime_error("corrupt checkpoint '" + file.string() + "': " + reason +
                                 "; it cannot be resumed (run the case again without --resume)");
      }
    } // namespace

    std::string
    seal(const std::string &payload)
    {
      std::string out(magic, sizeof(magic));
      append(out, format_version);
      append(out, static_cast<std::uint64_t>(payload.size()));
      append(out, checksum(payload.data(), payload.size()));
      return out + payload;
    }

    std::string
    open(const std::filesystem::path &file)
    {
      std::string content;
      try
        {
          content = read_file(file);
        }
      catch (const std::exception &)
        {
          throw std::runtime_error("cannot read the checkpoint '" + file.string() + "'");
        }
      if (content.size() < header_size || content.compare(0, sizeof(magic), magic, sizeof(magic)) != 0)
        corrupt(file, "it does not start like a neuristor checkpoint");
      const auto version = field<std::uint32_t>(content, sizeof(magic));
      if (version != format_version)
        throw std::runtime_error("the checkpoint '" + file.string() + "' has format " +
                                 std::to_string(version) + "; this neuristor reads format " +
                                 std::to_string(format_version));
      const auto length = field<std::uint64_t>(content, sizeof(magic) + 4);
      if (length != content.size() - header_size)
        corrupt(file, "it should hold " + std::to_string(length) + " bytes of data, it holds " +
                        std::to_string(content.size() - header_size));
      const auto crc = field<std::uint32_t>(content, sizeof(magic) + 12);
      if (crc != checksum(content.data() + header_size, length))
        corrupt(file, "its checksum does not match its data");
      return content.substr(header_size);
    }
  } // namespace checkpoint_file
} // namespace neuristor
