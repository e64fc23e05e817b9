#pragma once

#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <string>

namespace neuristor
{
  /**
   * A failed write (full disk, quota, permissions, a vanished folder). The
   * message names the file and the reason given by the system.
   */
  class IoError : public std::runtime_error
  {
  public:
    IoError(const std::filesystem::path &file, const std::string &reason);
    IoError(const std::filesystem::path &file, const int error_number);
  };

  /**
   * A file buffer that remembers the first system error (errno) of a failed
   * write, so that the error reported is the real one ("No space left on
   * device") and not whatever errno holds when the failure is noticed.
   */
  class CheckedFileBuffer : public std::filebuf
  {
  public:
    int first_error = 0;

  protected:
    int_type
    overflow(int_type ch) override;
    std::streamsize
    xsputn(const char *s, std::streamsize n) override;
    int
    sync() override;

  private:
    void
    remember_error();
  };

  /**
   * An output file whose every write is checked: `check()` at any time and
   * `close()` at the end throw IoError naming the file and the system's
   * reason if any byte could not be written. Every file the program writes
   * goes through this class (or write_file_atomically), so a full disk
   * stops a run instead of leaving truncated results behind.
   */
  class OutputFile : public std::ostream
  {
  public:
    explicit OutputFile(const std::filesystem::path &file,
                        std::ios::openmode           mode = std::ios::out);
    OutputFile();

    /** Opens `file`; IoError if that is impossible. */
    void
    open(const std::filesystem::path &file, std::ios::openmode mode = std::ios::out);

    /** Flushes and throws IoError if anything failed so far. */
    void
    check();

    /** Flushes, closes, and throws IoError if anything failed. */
    void
    close();

    bool
    is_open() const
    {
      return buffer.is_open();
    }

    const std::filesystem::path &
    path() const
    {
      return file;
    }

  private:
    CheckedFileBuffer     buffer;
    std::filesystem::path file;
  };

  /**
   * Writes `content` to `file` so that `file` is either its old self or the
   * complete new content, never a mix: written to `file.tmp`, flushed to the
   * disk (fsync), read back and compared, then renamed over `file`. IoError
   * on any failure (the old file is then untouched).
   */
  void
  write_file_atomically(const std::filesystem::path &file, const std::string &content);

  /** The whole content of a file; IoError (naming it) if it cannot be read. */
  std::string
  read_file(const std::filesystem::path &file);
} // namespace neuristor
