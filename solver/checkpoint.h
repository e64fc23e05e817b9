#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace neuristor
{
  /**
   * Raw binary writing of plain values, vectors of them and strings, for
   * checkpoints. Only rank 0 writes; other ranks hold a writer without a
   * stream, which discards everything (so save functions need no branches).
   */
  class BinaryWriter
  {
  public:
    explicit BinaryWriter(std::ostream *out)
      : out(out)
    {}

    template <typename T>
    void
    put(const T &value)
    {
      static_assert(std::is_trivially_copyable_v<T>);
      if (out)
        out->write(reinterpret_cast<const char *>(&value), sizeof(T));
    }

    template <typename T>
    void
    put(const std::vector<T> &values)
    {
      static_assert(std::is_trivially_copyable_v<T>);
      put(static_cast<std::uint64_t>(values.size()));
      if (out)
        out->write(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
    }

    void
    put(const std::string &text)
    {
      put(std::vector<char>(text.begin(), text.end()));
    }

    /** put() each value in turn (the same call reads them back with BinaryReader). */
    template <typename... Ts>
    void
    operator()(const Ts &...values)
    {
      (put(values), ...);
    }

  private:
    std::ostream *out;
  };

  /** Reads what BinaryWriter wrote; a short or corrupt file throws. */
  class BinaryReader
  {
  public:
    BinaryReader(std::istream &in, const std::string &file_name)
      : in(in)
      , file_name(file_name)
    {}

    template <typename T>
    void
    get(T &value)
    {
      static_assert(std::is_trivially_copyable_v<T>);
      read(&value, sizeof(T));
    }

    template <typename T>
    void
    get(std::vector<T> &values)
    {
      static_assert(std::is_trivially_copyable_v<T>);
      std::uint64_t size = 0;
      get(size);
      if (size > (1ull << 40) / sizeof(T))
        fail();
      values.resize(size);
      read(values.data(), size * sizeof(T));
    }

    void
    get(std::string &text)
    {
      std::vector<char> chars;
      get(chars);
      text.assign(chars.begin(), chars.end());
    }

    /** get() each value in turn. */
    template <typename... Ts>
    void
    operator()(Ts &...values)
    {
      (get(values), ...);
    }

  private:
    void
    read(void *target, const std::size_t bytes)
    {
      in.read(static_cast<char *>(target), bytes);
      if (!in)
        fail();
    }

    [[noreturn]] void
    fail() const
    {
      throw std::runtime_error("checkpoint '" + file_name + "' is truncated or corrupt");
    }

    std::istream     &in;
    const std::string file_name;
  };
} // namespace neuristor
