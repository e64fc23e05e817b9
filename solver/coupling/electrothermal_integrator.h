#pragma once

#include "circuits/device_circuit.h"
#include "solver/coupling/device_integrator.h"
#include "solver/coupling/coupling_scheme.h"
#include "solver/coupling/linear_thermal_system.h"
#include "solver/coupling/spike_detector.h"

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>
#include <deal.II/lac/lapack_full_matrix.h>
#include <deal.II/lac/vector.h>
#include <vector>

namespace neuristor
{
  /** The "Finite-element coupling" section: steps and field output cadence. */
  struct FiniteElementCouplingSettings
  {
    double       min_step          = 1e-12; // s
    double       max_step          = 50e-9; // s
    unsigned int levels_per_octave = 4;     // operator weights a0/dt are 2^(k/levels) / max_step
    unsigned int cached_operators  = 48;    // step operators kept with their responses
    double       field_interval       = 200e-9; // s of simulated time; 0 = no fields
    double       spike_field_interval = 2e-9;   // s, while a heat pulse is fresh
    double       spike_field_window   = 300e-9; // s after a spike starts
    bool         filament_heating     = false;  // metallic share of P into a 1/k strip

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /**
   * Co-simulates every device's circuit and resistance with a linear thermal
   * system (DESIGN.md section 5): the heat equation of the layout or a
   * reduced model of it. Its step is linear in the device powers, so for a
   * step dt the device temperatures are
   *
   *   T(n+1) = T0 + a + G P(n+1),
   *
   * a the response of the history alone and G the step response
   * (LinearThermalSystem). The 2N unknowns (capacitor voltages V_i with
   * BDF2, temperatures T_i) are solved by Newton to convergence every step,
   * which stays stable through the insulator-metal transition where dR/dT
   * is huge; the system then commits the chosen powers.
   *
   * Step sizes come from a geometric ladder so that the step operators
   * repeat and the system can keep their G; the local error of (V, T) is
   * estimated against a quadratic predictor and controls the step.
   * Hysteresis reversals are put at the start of the step in which dT/dt
   * changes sign, and that step is retaken on the new branch.
   *
   * Device quantities are replicated on every rank; a field, if the system
   * has one, is distributed. Results agree across rank counts to the CG
   * tolerance.
   */
  class ElectroThermalIntegrator : public CouplingScheme
  {
  public:
    ElectroThermalIntegrator(const MPI_Comm                        comm,
                             LinearThermalSystem                  &thermal,
                             const DeviceCircuits                 &circuits,
                             const IntegratorSettings             &tolerances,
                             const FiniteElementCouplingSettings  &settings,
                             const TraceSettings                  &trace,
                             const std::vector<bool>              &traced,
                             dealii::TimerOutput                  *timer,
                             const unsigned int                    first_device = 0);

    /**
     * Run to t_end (from t = 0, or on from a loaded state or the end of
     * the last run); returns the finished spikes of all devices, including
     * those before a restart.
     */
    std::vector<Spike>
    run(const double t_end, const RunSink &sink) override;

    /** The state at t = 0 (and its trace row); run() calls it when nothing was run or loaded. */
    void
    start(const RunSink &sink);

    /**
     * Steps as the error control asks, without the ladder of repeating
     * operator weights: for thermal systems whose G costs nothing to form.
     * A step shortened to land on a breakpoint then leaves the next step
     * as long as it was.
     */
    void
    use_free_steps()
    {
      on_ladder = false;
    }

    /** Write the whole state (devices, step history, thermal state) (collective). */
    void
    save(BinaryWriter &out) const override;

    /** Continue from a saved state: the next run() goes on from its time. */
    void
    load(BinaryReader &in) override;

    /** The temperature field (VTU piece per rank and .pvtu) as snapshot `index`. */
    std::string
    write_field(const std::string &folder, const unsigned int index) const override;

    /** The thermal system's line (size, solves). */
    void
    report(std::ostream &log) const override;

    /** Simulated time reached [s]. */
    double
    time() const override
    {
      return t;
    }

  private:
    /**
     * Where device i's power goes and where its temperature is read: the
     * weights of the channel and filament regions (1 - s, s) with the
     * filament share s = 1 - F while filament heating is on, and their
     * temperature derivatives.
     */
    struct RegionWeights
    {
      double w[2]     = {1, 0};
      double dw_dT[2] = {0, 0};
    };
    RegionWeights
    region_weights(const ResistanceValue &rv) const;

    /** Joule powers V_i^2 / R_i [W] of the devices at V, T (in work.powers). */
    const std::vector<double> &
    powers(const std::vector<double> &V, const std::vector<double> &T);

    /** Filament share s_i of every device at its state (empty without filaments; in work.shares). */
    const std::vector<double> &
    filament_shares(const std::vector<double> &T);

    /**
     * Newton on the device system of the prepared step; V, T hold the
     * initial guess and return the solution. False if it did not converge.
     */
    bool
    solve_devices(const double                            t_new,
                  const std::vector<std::vector<double>> &a,
                  const StepResponse                     &op,
                  std::vector<double>       &V,
                  std::vector<double>       &T);

    /** The step <= dt_wanted whose operator weight a0/dt is on the ladder. */
    double
    ladder_step(const double dt_wanted) const;

    /** Write (BinaryWriter) or read (BinaryReader) the device and step state. */
    template <typename Archive, typename Integrator>
    static void
    transfer_state(Archive &archive, Integrator &self);

    /** Quadratic (or lower) extrapolation of the history to t. */
    double
    predict(const std::vector<double> (&history)[3], const unsigned int i, const double t) const;

    void
    record(const double t_new, const std::vector<double> &V, const std::vector<double> &T,
           const RunSink &sink, std::vector<Spike> &spikes);

    MPI_Comm                             comm;
    LinearThermalSystem                 &thermal;
    const DeviceCircuits                &circuits;
    IntegratorSettings                   tolerances;
    FiniteElementCouplingSettings        settings;
    TraceSettings                        trace;
    std::vector<bool>                    traced;
    dealii::TimerOutput                 *timer; // null: untimed
    const unsigned int                   first_device; // number of circuits[0] in the outputs

    const unsigned int           n;
    const unsigned int           n_regions; // 1, or 2 with filament heating
    std::vector<HysteresisState> hysteresis;
    std::vector<SpikeDetector>   detectors;
    double                       times[3] = {0, 0, 0}; // t_n, t_{n-1}, t_{n-2}
    std::vector<double>          V_history[3], T_history[3];
    unsigned int                 history_length = 0;
    unsigned long                next_sample    = 0;
    double                       next_field     = 0;
    double                       last_spike_start = -1;
    double                       t                = 0;
    double                       dt_try           = 0;
    double                       next_checkpoint  = 0;
    bool                         started          = false; // by start() or load()
    bool                         on_ladder        = true;
    std::vector<Spike>           spikes; // finished

    /** Storage reused from step to step: a step allocates nothing once sized. */
    struct Workspace
    {
      std::vector<double>              V_new, T_new, V_pred, T_pred, powers, shares;
      std::vector<HysteresisState>     hysteresis; // at the step start, for a retake
      dealii::LAPACKFullMatrix<double> J;          // Newton: Jacobian, residual, update
      dealii::Vector<double>           r, delta;
      std::vector<double>              P, dP_dV, dP_dT;
      std::vector<RegionWeights>       weights;
      std::vector<char>                spiking; // per device, at the recorded step
    } work;
  };
} // namespace neuristor
