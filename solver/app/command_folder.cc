#include "solver/app/command_folder.h"

#include "solver/base/mpi_tools.h"
#include "solver/case/parameter_file.h"

namespace neuristor
{
  TeeBuffer::TeeBuffer(std::streambuf *console_buffer, std::streambuf *file_buffer)
    : console(console_buffer)
    , file(file_buffer)
  {}

  void
  TeeBuffer::set_file(std::streambuf *new_file)
  {
    file = new_file;
  }

  int
  TeeBuffer::overflow(int ch)
  {
    if (ch == EOF)
      return !EOF;
    if (file && file->sputc(ch) == EOF)
      file = nullptr;
    return console ? console->sputc(ch) : ch;
  }

  int
  TeeBuffer::sync()
  {
    if (file && file->pubsync() != 0)
      file = nullptr;
    return (console && console->pubsync() != 0) ? -1 : 0;
  }

  CommandFolder::CommandFolder(const CommandArguments         &args,
                               const dealii::ParameterHandler &prm,
                               std::ostream                   &console)
    : comm(args.comm)
    , root(dealii::Utilities::MPI::this_mpi_process(comm) == 0)
    , folder(args.output_dir, comm, args.resume, args.case_file)
    , tee(console.rdbuf())
    , tee_stream(&tee)
  {
    on_root([&]() {
      log_file.open(folder.file("log.txt"), args.resume ? std::ios::app : std::ios::out);
      write_parameters(prm, folder.file("parameters.prm"));
      tee.set_file(log_file.rdbuf());
    });
  }

  void
  CommandFolder::on_root(const std::function<void()> &write) const
  {
    collectively(comm, [&]() {
      if (root)
        write();
    });
  }

  void
  CommandFolder::finalize()
  {
    on_root([&]() {
      tee_stream.flush();
      tee.set_file(nullptr);
      log_file.close();
    });
    folder.finalize();
  }
} // namespace neuristor
