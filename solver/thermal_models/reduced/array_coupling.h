#pragma once

#include "mesh/layout.h"
#include "solver/coupling/driven_system.h"
#include "solver/coupling/electrothermal_integrator.h"
#include "solver/thermal_models/interface.h"
#include "solver/thermal_models/reduced/array_field.h"
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
   * Quiet devices do not step with the spiking ones: at a window start the
   * devices whose power ended the last window off its predicted line by
   * more than a quarter of the coupling tolerance's worth (over the
   * largest neighbour gain), and every device within twice the kernel's
   * reach of them, are active; the others are latent.
   * Latent devices take the window in one go; the active ones take it in
   * shorter windows of their own, seeing the latent devices' states as
   * predicted. At the window end the predictions are checked against every
   * device's actual state, and the whole window is retaken shorter if
   * they are off by more than the coupling tolerance.
   *
   * Devices are split among the ranks in contiguous blocks; the states z
   * are gathered on every rank at each window end, so results do not
   * depend on the rank count.
   */
  class ArrayCoupling : public CouplingScheme
  {
  public:
    /** field: the array's temperature field for field output (null: none). */
    ArrayCoupling(const CouplingContext                &context,
                  std::shared_ptr<const LatticeKernel>  kernel,
                  std::shared_ptr<ArrayField>           field,
                  const Layout::Grid                   &grid,
                  const FiniteElementCouplingSettings  &steps,
                  const double                          T0,
                  const bool                            multirate,
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

    /** The array's field at the present time (ArrayField), as snapshot `index`. */
    std::string
    write_field(const std::string &folder, const unsigned int index) const override;

    /**
     * The windows' state and every device's integrator, in device order, so
     * that a checkpoint resumes on any rank count (collective).
     */
    void
    save(BinaryWriter &out) const override;

    /** Continue from a saved state; each rank takes its own devices. */
    void
    load(BinaryReader &in) override;

  private:
    /** One device with its own thermal model and integrator. */
    struct Device
    {
      DeviceCircuits                            circuit; // just this device
      std::unique_ptr<DrivenSystem>             system;
      const ModalSystem                        *own = nullptr; // inside system
      std::unique_ptr<ElectroThermalIntegrator> integrator;
      std::vector<Spike>                        spikes; // finished so far
      std::vector<Sample>                       rows;   // of the running window
      RunSink                                   sink;   // collects rows
      MemoryBuffer                              start;  // saved state at the window start
      std::ostream                              start_writer{&start};
      std::size_t                               rows_at_start = 0;
      MemoryBuffer                              inner;  // the same at an active device's own window start
      std::ostream                              inner_writer{&inner};
      std::size_t                               rows_at_inner = 0;
      unsigned int                              index = 0;
    };

    /**
     * Advance one device over the window [t0, t0 + h] with the neighbour
     * rise through q0, q_mid, q1. Returns its finished spikes so far.
     */
    unsigned long
    advance(Device      &device,
            const double t0,
            const double h,
            const double q0,
            const double q_mid,
            const double q1);

    /**
     * advance() adding the finished spikes to `spikes`; false if a device
     * step failed (below the minimum step) in a window that can be retaken
     * shorter, which the caller then does. At the shortest window the
     * failure is the run's.
     */
    bool
    try_advance(Device        &device,
                const double   t0,
                const double   h,
                const double   q0,
                const double   q_mid,
                const double   q1,
                const bool     may_retry,
                unsigned long &spikes);

    /** Save a device's state (inner: at an active device's own window start) for a retry. */
    static void
    keep(Device &device, const bool inner);

    /** A sink that keeps the device's trace rows until its window is accepted. */
    static RunSink
    collector(Device &device);

    /** Back to the saved window start (inner: the active device's own). */
    static void
    restore(Device &device, const bool inner);

    /** The neighbour rise of device i from modal states w (N x m, replicated) [K]. */
    double
    neighbour_rise(const std::vector<double> &w, const unsigned int i) const;

    /** q[k]: the neighbour rises of this rank's devices from modal states w [K]. */
    void
    neighbour_rises(const std::vector<double> &w, std::vector<double> &q) const;

    /**
     * w: every device's modal state after tau from states z with powers on
     * the lines through (P_before, P) over span (a device's last two known
     * powers and the time between them).
     */
    void
    predicted_states(const std::vector<double> &z,
                     const std::vector<double> &power,
                     const std::vector<double> &power_before,
                     const std::vector<double> &power_span,
                     const double               tau,
                     std::vector<double>       &w) const;

    /** The active devices of the next window (global indices, sorted; empty: one level). */
    void
    find_active();

    /**
     * The active devices over [t0, t0 + h] in windows of their own; sets
     * their q_now and q_end (the end value they used), and local_spikes to
     * their finished spikes (collective).
     */
    void
    advance_active(const double t0, const double h, unsigned long &local_spikes);

    /** Append a device's modal state and last power to z_local, p_local. */
    void
    append_state(const Device &device);

    /** dP/dt [W/s] of device j on the line through its last two known powers (0 before two). */
    static double
    power_slope(const std::vector<double> &power,
                const std::vector<double> &power_before,
                const std::vector<double> &power_span,
                const unsigned int         j)
    {
      return power_span[j] > 0 ? (power[j] - power_before[j]) / power_span[j] : 0.0;
    }

    /** A field snapshot if one is due at t (after an accepted window). */
    void
    write_field_if_due();

    /** Every device's modal state and last power (collective). */
    void
    gather_states(std::vector<double> &Z_all, std::vector<double> &P_all);

    const MPI_Comm                       comm;
    std::shared_ptr<const LatticeKernel> kernel;
    std::shared_ptr<ArrayField>          field;
    const double                         field_interval; // s, 0: no field output
    const double                         T0;             // K
    const Layout::Grid                   grid;
    const IntegratorSettings            &tolerances;
    dealii::TimerOutput                 &timer;
    const double                         shortest_window, longest_window; // s
    const unsigned int                   n, m;
    unsigned int                         first = 0, last = 0; // this rank's devices
    std::vector<std::unique_ptr<Device>> devices;
    std::vector<double>                  Z, P;   // every device's z (N x m) and power
    std::vector<double>                  P_before; // each device's power before its last window
    std::vector<double>                  span;     // s, that window (0: none yet)
    std::vector<double>                  surprise; // W, how far each power ended off its predicted line
    std::vector<double>                  q_now;  // this rank's neighbour rises at t
    const bool                           multirate; // false: every device in every window
    const unsigned int                   reach_passes = 2; // the active zone: this many kernel reaches
    double                               change_threshold; // W: a power change that makes a device active
    std::vector<unsigned int>            active;      // global indices of the active devices
    std::vector<char>                    is_active;   // per device
    std::vector<unsigned int>            local_active; // this rank's active devices (local positions)
    double                               inner_window = 0; // s, the active devices' own
    // The active devices' view within a window: states and power lines of
    // all devices (actual for the active ones, predicted for the others).
    std::vector<double> Z_in, P_in, P_before_in, span_in, Z_in_saved, W_in;
    std::vector<double> q_now_start;                 // q_now at the window start
    // Reused from window to window (a window allocates nothing once sized).
    std::vector<double> Z_end, P_end, W;           // every device's: gathered, predicted
    std::vector<double> q_mid, q_end, q_actual;    // this rank's neighbour rises
    std::vector<double> z_local, p_local;          // this rank's part of Z_end, P_end
    std::vector<double> z_active, p_active;        // gathered states and powers of the active devices
    unsigned long       inner_windows = 0, inner_rejected = 0;
    double                               t = 0, window = 0;
    double                               next_checkpoint = 0; // s
    double                               next_field      = 0; // s
    double                               largest_mismatch = 0; // K, of the accepted windows
  };
} // namespace neuristor
