#pragma once

#include "mesh/layout.h"
#include "solver/coupling/driven_system.h"
#include "solver/coupling/electrothermal_integrator.h"
#include "solver/thermal_models/interface.h"
#include "solver/thermal_models/reduced/lattice_kernel.h"
#include "solver/thermal_models/reduced/modal_system.h"

#include <memory>
#include <ostream>
#include <streambuf>
#include <vector>

namespace neuristor
{
  /**
   * A stream buffer over memory that keeps its capacity between uses: each
   * device's state at a window start, saved every window, costs no
   * allocation once it has its size.
   */
  class MemoryBuffer : public std::streambuf
  {
  public:
    /** Empty, to be written from the start. */
    void
    rewind_for_writing()
    {
      data.clear();
    }

    /** What was written, to be read from the start. */
    void
    rewind_for_reading()
    {
      setg(data.data(), data.data(), data.data() + data.size());
    }

  protected:
    int_type
    overflow(int_type c) override;
    std::streamsize
    xsputn(const char *s, std::streamsize n) override;
    pos_type
    seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode which) override;
    pos_type
    seekpos(pos_type pos, std::ios_base::openmode which) override;

  private:
    std::vector<char> data;
  };

  /**
   * The co-simulation of a regular array with its translation-invariant
   * reduced model (LatticeKernel), each device on its own steps.
   *
   * Every device carries the modal state z_j of the heat it put in; its own
   * rise is its one-device modal model, advanced with its circuit by its
   * own ElectroThermalIntegrator (steps, Newton, reversals, spike detection
   * as in the global models). The rise its neighbours cause,
   * q_i = sum_o h_o . z_(i - o), is exchanged at the ends of coupling
   * windows: over a window each device sees q_i as a quadratic through its
   * value at the window start and its predictions at the middle and end,
   * which advance the neighbours' states exactly under their powers
   * extrapolated linearly from the last two window ends (heat that enters
   * within the window reaches a neighbour only after its transit time, so
   * the error is small and is measured). The window length adapts so
   * that the predicted end value stays within Time integration/Coupling
   * tolerance of the actual one.
   *
   * Devices are split among the ranks in contiguous blocks; the states z
   * are gathered on every rank at each window end, so results do not
   * depend on the rank count.
   */
  class ArrayCoupling : public CouplingScheme
  {
  public:
    ArrayCoupling(const CouplingContext                &context,
                  std::shared_ptr<const LatticeKernel>  kernel,
                  const Layout::Grid                   &grid,
                  const FiniteElementCouplingSettings  &steps,
                  const double                          T0,
                  const std::map<std::string, double>  &model_counters);

    std::vector<Spike>
    run(const double t_end, const RunSink &sink) override;

    double
    time() const override
    {
      return t;
    }

    void
    report(std::ostream &log) const override;

  private:
    /** One device with its own thermal model and integrator. */
    struct Device
    {
      std::vector<NeuristorCircuit>             circuit; // just this device
      std::unique_ptr<DrivenSystem>             system;
      const ModalSystem                        *own = nullptr; // inside system
      std::unique_ptr<ElectroThermalIntegrator> integrator;
      std::vector<Spike>                        spikes; // finished so far
      std::vector<Sample>                       rows;   // of the running window
      RunSink                                   sink;   // collects rows
      MemoryBuffer                              start;  // saved state at the window start
      std::ostream                              start_writer{&start};
      std::size_t                               rows_at_start = 0;
      unsigned int                              index = 0;
    };

    /**
     * Advance one device over the window [t0, t0 + h] with the neighbour
     * rise through q0, q_mid, q1; keep_start: save its state first for a
     * retry. Returns its finished spikes so far.
     */
    unsigned long
    advance(Device      &device,
            const double t0,
            const double h,
            const double q0,
            const double q_mid,
            const double q1,
            const bool   keep_start);

    /** A sink that keeps the device's trace rows until its window is accepted. */
    static RunSink
    collector(Device &device);

    /** Back to the saved window start. */
    void
    restore(Device &device);

    /**
     * q: the neighbour rises of this rank's devices from modal states w
     * (N x m, replicated) [K].
     */
    void
    neighbour_rises(const std::vector<double> &w, std::vector<double> &q) const;

    /** q: the neighbour rises after tau, each device's power extrapolated from its last two windows. */
    void
    predicted_rises(const double tau, std::vector<double> &q);

    /** Every device's modal state and last power (collective). */
    void
    gather_states(std::vector<double> &Z_all, std::vector<double> &P_all);

    const MPI_Comm                       comm;
    std::shared_ptr<const LatticeKernel> kernel;
    const Layout::Grid                   grid;
    const IntegratorSettings            &tolerances;
    dealii::TimerOutput                 &timer;
    const double                         shortest_window, longest_window; // s
    const unsigned int                   n, m;
    unsigned int                         first = 0, last = 0; // this rank's devices
    std::vector<std::unique_ptr<Device>> devices;
    std::vector<double>                  Z, P;   // every device's z (N x m) and power
    std::vector<double>                  P_before; // powers one window earlier
    double                               last_window = 0; // s, the last accepted one
    std::vector<double>                  q_now;  // this rank's neighbour rises at t
    // Reused from window to window (a window allocates nothing once sized).
    std::vector<double> Z_end, P_end, W;           // every device's: gathered, predicted
    std::vector<double> q_mid, q_end, q_actual;    // this rank's neighbour rises
    std::vector<double> z_local, p_local;          // this rank's part of Z_end, P_end
    double                               t = 0, window = 0;
    double                               largest_mismatch = 0; // K, of the accepted windows
  };
} // namespace neuristor
