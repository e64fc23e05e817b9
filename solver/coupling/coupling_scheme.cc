#include "solver/coupling/coupling_scheme.h"

#include "solver/base/mpi_tools.h"

#include <algorithm>
#include <stdexcept>

namespace neuristor
{
  DeviceOutcome
  device_outcome(const unsigned int   device,
                 const SpikeDetector &detector,
                 const double         V,
                 const double         T)
  {
    const auto running = detector.running_spike(device);
    return {device,
            running.has_value(),
            running.value_or(Spike{device, 0, 0, 0}),
            detector.quiet_metallic_time(),
            detector.insulating_fraction(),
            V,
            T};
  }

  void
  emit_samples(const MPI_Comm comm, const std::vector<Sample> &local, const RunSink &sink)
  {
    auto all = mpi_tools::gather(comm, local, false);
    if (sink.samples && dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::sort(all.begin(), all.end(), [](const Sample &a, const Sample &b) {
          return a.t < b.t || (a.t == b.t && a.device < b.device);
        });
        sink.samples(std::move(all));
      }
  }

  std::vector<Spike>
  gather_spikes(const MPI_Comm comm, const std::vector<Spike> &local, const bool on_all_ranks)
  {
    auto all = mpi_tools::gather(comm, local, on_all_ranks);
    std::sort(all.begin(), all.end(), [](const Spike &a, const Spike &b) {
      return a.t_peak < b.t_peak || (a.t_peak == b.t_peak && a.device < b.device);
    });
    return all;
  }

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

  std::vector<double>
  CouplingScheme::probe_temperatures() const
  {
    throw std::logic_error("this coupling scheme has no temperature field to probe");
  }
} // namespace neuristor
