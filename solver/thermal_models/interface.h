#pragma once

#include "circuits/device_circuit.h"
#include "solver/coupling/coupling_scheme.h"
#include "solver/coupling/device_integrator.h"
#include "solver/coupling/trace_settings.h"
#include "solver/case/input_error.h"
#include "solver/case/resource_limits.h"
#include "solver/io/run_folder.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <memory>
#include <string>
#include <vector>

namespace neuristor
{
  /** What a thermal model needs to couple itself to the devices. */
  struct CouplingContext
  {
    MPI_Comm                             comm;
    const DeviceCircuits                &circuits;
    const IntegratorSettings            &integration;
    TraceSettings                        trace;           // when trace rows are written
    std::vector<bool>                    traced;
    dealii::TimerOutput                 &timer;
    dealii::ConditionalOStream          &log;
    RunFolder                           *folder = nullptr; // where the run writes, if anywhere
    std::vector<Probe>                   probes = {};     // points whose temperature is sampled
  };

  /**
   * How heat couples the devices: the seam between the device circuits and
   * whatever computes their temperatures from their powers (the lumped
   * network, the heat equation of the layout, a reduced model of it).
   * Implementations live in solver/thermal_models/NAME/ and are listed once
   * in solver/thermal_models/registry.cc, where `Run/Thermal model` picks
   * them by name. A model parses its own sections and creates the coupling
   * scheme that advances devices and heat together.
   */
  class ThermalModelInterface
  {
  public:
    virtual ~ThermalModelInterface() = default;

    /** Number of devices the model couples. */
    virtual unsigned int
    n_devices() const = 0;

    /** How the devices are coupled, for the log and the summary. */
    virtual std::string
    description() const = 0;

    /** What the scheme's progress lines call a step ("step", "coupling window"). */
    virtual std::string
    step_name() const = 0;

    /**
     * Checks what the model will build against the limits (InputError
     * naming the entry) and keeps those it needs later; before any output.
     */
    virtual void
    apply_limits(const ResourceLimits &)
    {}

    /** Whether its runs can write checkpoints and be resumed. */
    virtual bool
    has_checkpoints() const
    {
      return false;
    }

    /**
     * Whether its results rest on a mesh of the Layout (refined by halving
     * Layout/Finest cell size, as `neuristor run --check-mesh` does).
     */
    virtual bool
    meshes_layout() const
    {
      return false;
    }

    /**
     * Checks that its scheme can sample the temperature field at these
     * points (CouplingScheme::probe_temperatures); InputError (Run/Probes)
     * if not, before any output. Models without a field have no probes.
     */
    virtual void
    check_probes(const std::vector<Probe> &probes) const
    {
      if (!probes.empty())
        throw InputError("Run/Probes", "this thermal model (" + description() +
                                         ") has no temperature field to probe; use Run/Thermal "
                                         "model = finite element or reduced");
    }

    /** Whether it has a temperature field to write as a VTU series. */
    virtual bool
    has_field() const
    {
      return false;
    }

    /** The scheme that advances the devices and this model together. */
    virtual std::unique_ptr<CouplingScheme>
    couple(const CouplingContext &context) const = 0;
  };
} // namespace neuristor
