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
    {
      // Sizes read from the file are checked against what is left of it
      // before anything is allocated.
      const auto here = in.tellg();
      in.seekg(0, std::ios::end);
      remaining = static_cast<std::uint64_t>(in.tellg() - here);
      in.seekg(here);
      if (!in)
        fail();
    }

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
      if (size > remaining / sizeof(T))
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
      if (bytes > remaining)
        fail();
      in.read(static_cast<char *>(target), bytes);
      if (!in)
        fail();
      remaining -= bytes;
    }

    [[noreturn]] void
    fail() const
    {
      throw std::runtime_error("corrupt checkpoint '" + file_name +
                               "': a record runs past the end of its data");
    }

    std::istream     &in;
    const std::string file_name;
    std::uint64_t     remaining = 0;
  };

  /**
   * The checkpoint file around the BinaryWriter records: a fixed header
   * (magic, format version, payload length, CRC-32 of the payload) before
   * the payload, so a truncated, corrupted or foreign file is recognised
   * before any of it is used.
   */
  namespace checkpoint_file
  {
    /** Change when the layout of the payload changes. */
    constexpr std::uint32_t format_version = 4; // 4: the length of probes.csv after that of traces.csv

    /** The file content: header and payload. */
    std::string
    seal(const std::string &payload);

    /**
     * The verified payload of `file`; std::runtime_error starting with
     * "corrupt checkpoint" (or naming the wrong format) otherwise.
     */
    std::string
    open(const std::filesystem::path &file);
  } // namespace checkpoint_file
} // namespace neuristor
