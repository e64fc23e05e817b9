#include "solver/io/output_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <unistd.h>

namespace neuristor
{
  namespace fs = std::filesystem;

  IoError::IoError(const fs::path &file, const std::string &reason)
    : std::runtime_error("cannot write '" + file.string() + "': " + reason)
  {}

  IoError::IoError(const fs::path &file, const int error_number)
    : IoError(file, error_number != 0 ? std::string(std::strerror(error_number)) :
                                        std::string("the write failed"))
  {}

  void
  CheckedFileBuffer::remember_error()
  {
    if (first_error == 0)
      first_error = errno != 0 ? errno : EIO;
  }

  CheckedFileBuffer::int_type
  CheckedFileBuffer::overflow(int_type ch)
  {
    errno = 0;
    const int_type result = std::filebuf::overflow(ch);
    if (traits_type::eq_int_type(result, traits_type::eof()) &&
        !traits_type::eq_int_type(ch, traits_type::eof()))
      remember_error();
    return result;
  }

  std::streamsize
  CheckedFileBuffer::xsputn(const char *s, std::streamsize n)
  {
    errno = 0;
    const std::streamsize written = std::filebuf::xsputn(s, n);
    if (written < n)
      remember_error();
    return written;
  }

  int
  CheckedFileBuffer::sync()
  {
    errno = 0;
    const int result = std::filebuf::sync();
    if (result != 0)
      remember_error();
    return result;
  }

  OutputFile::OutputFile()
    : std::ostream(&buffer)
  {}

  OutputFile::OutputFile(const fs::path &file, std::ios::openmode mode)
    : OutputFile()
  {
    open(file, mode);
  }

  void
  OutputFile::open(const fs::path &name, std::ios::openmode mode)
  {
    file = name;
    errno = 0;
    if (!buffer.open(name, mode | std::ios::out))
      throw IoError(name, errno != 0 ? errno : EIO);
    clear();
  }

  void
  OutputFile::check()
  {
    flush();
    if (buffer.first_error != 0 || fail())
      throw IoError(file, buffer.first_error);
  }

  void
  OutputFile::close()
  {
    if (!buffer.is_open())
      return;
    flush();
    errno = 0;
    const bool closed = buffer.close() != nullptr;
    if (!closed && buffer.first_error == 0)
      buffer.first_error = errno != 0 ? errno : EIO;
    if (buffer.first_error != 0 || fail())
      throw IoError(file, buffer.first_error);
  }

  namespace
  {
    // Writes all of `content` to a new file and forces it to the disk.
    void
    write_durably(const fs::path &file, const std::string &content)
    {
      const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0)
        throw IoError(file, errno);
      std::size_t done = 0;
      while (done < content.size())
        {
          const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              const int error = n < 0 ? errno : ENOSPC;
              ::close(fd);
              throw IoError(file, error);
            }
          done += static_cast<std::size_t>(n);
        }
      if (::fsync(fd) != 0 && errno != EINVAL)
        {
          const int error = errno;
          ::close(fd);
          throw IoError(file, error);
        }
      if (::close(fd) != 0)
        throw IoError(file, errno);
    }
  } // namespace

  void
  write_file_atomically(const fs::path &file, const std::string &content)
  {
    const fs::path temporary = file.string() + ".tmp";
    try
      {
        write_durably(temporary, content);
        if (read_file(temporary) != content)
          throw IoError(temporary, "the file read back differs from what was written");
      }
    catch (...)
      {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw;
      }
    std::error_code ec;
    fs::rename(temporary, file, ec);
    if (ec)
      throw IoError(file, ec.message());
  }

  std::string
  read_file(const fs::path &file)
  {
    std::ifstream in(file, std::ios::binary);
    if (!in)
      throw std::runtime_error("cannot read '" + file.string() + "'");
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad())
      throw std::runtime_error("cannot read '" + file.string() + "'");
    return content.str();
  }
} // namespace neuristor
