#pragma once

#include "circuits/circuit_parameters.h"
#include "materials/device_model.h"
#include "solver/case/registration_list.h"

#include <deal.II/base/parameter_handler.h>

#include <memory>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * The capacitor voltage rate dV/dt of a device's circuit and its partial
   * derivatives [V/s, 1/s, V/(s K), V/s^2].
   */
  struct VoltageRate
  {
    double dV_dt, d_dV, d_dT, d_dt;
  };

  /**
   * The circuit row in implicit form, r(t, V, V', T) = 0 with the scheme's
   * approximation V' of dV/dt, and its partials [A, A/V, A/K]; dr_dV
   * includes the path through V'.
   */
  struct CircuitResidual
  {
    double r, dr_dV, dr_dT;
  };

  /** Joule power of a device and its partial derivatives [W, W/V, W/K]. */
  struct JoulePower
  {
    double P, dP_dV, dP_dT;
  };

  /** One row of traces.csv. */
  struct Sample
  {
    double       t;
    unsigned int device;
    double       v_in, v_device, i_load, i_device, temperature, resistance, power;
  };

  /**
   * A device in its circuit, as every coupling scheme sees it (in the
   * manner of Xyce's device interface, cut to what these circuits need).
   *
   * Unknowns: the circuit voltage V across the device, and the device
   * temperature T, which the thermal model shares. State variables: V, T
   * and the device's memory (HysteresisState), which changes only at
   * events; the schemes save and restore all three with their own state.
   *
   * Equations: the circuit row, explicit (dV/dt, for one-step schemes) or
   * implicit (a residual, for multistep schemes); the heat it gives the
   * thermal model (Joule power). Events: input edges (breakpoints a step
   * must land on) and hysteresis reversals (dT/dt turning against the
   * memory's branch). Outputs: the spike indicator F, the trace row.
   *
   * Implementations are registered by name (device_circuits below,
   * `Run/Device model`); the VO2 device of Qiu et al. in its RC circuit
   * (circuits/neuristor_circuit.h) is the built-in one.
   */
  class DeviceCircuit
  {
  public:
    virtual ~DeviceCircuit() = default;

    /** V at t = 0 [V]; the device starts at the ambient temperature. */
    virtual double
    initial_voltage() const = 0;

    /** R, dR/dT and the spike indicator F, dF/dT at T on the branch of `memory`. */
    virtual ResistanceValue
    device_state(const double T, const HysteresisState &memory) const = 0;

    /**
     * The resistance model whose evaluate() device_state() is, if the
     * circuit has one (integrators may then evaluate many devices' states
     * at once); null otherwise.
     */
    virtual const DeviceModel *
    device_model() const
    {
      return nullptr;
    }

    /** The heat the device gives the thermal model at V and its state r. */
    virtual JoulePower
    joule_power(const double V, const ResistanceValue &r) const
    {
      return ohmic_power(V, r.R, r.dR_dT);
    }

    /** V^2/R and its partials: the default joule_power(). */
    static JoulePower
    ohmic_power(const double V, const double R, const double dR_dT)
    {
      const double P = V * V / R;
      return {P, 2 * V / R, -P * dR_dT / R};
    }

    /**
     * Width fraction of the channel that carries the conducting share of
     * the current (filament heating, in (0, 1]); 1: spread uniformly.
     */
    virtual double
    filament_fraction() const = 0;

    /**
     * Explicit form of the circuit row: dV/dt at (t, V) and the device
     * state r; `end_of_step` takes the left limit at an input edge.
     */
    virtual VoltageRate
    voltage_rate(const double           t,
                 const double           V,
                 const ResistanceValue &r,
                 const bool             end_of_step = false) const = 0;

    /**
     * Implicit form of the circuit row with the scheme's V' (e.g. BDF2 of
     * the history) and dV'/dV.
     */
    virtual CircuitResidual
    residual(const double           t,
             const double           V,
             const double           V_rate,
             const double           dV_rate_dV,
             const ResistanceValue &r,
             const bool             end_of_step) const = 0;

    /** The next input edge after t (a step must end there), or +infinity. */
    virtual double
    next_breakpoint(const double t) const = 0;

    /**
     * The implicit row of a node whose capacitor C [F] takes the explicit
     * rate: C (V' - dV/dt), with V' and dV'/dV from the scheme.
     */
    static CircuitResidual
    capacitor_residual(const double C, const VoltageRate &rate, const double V_rate,
                       const double dV_rate_dV)
    {
      return {C * (V_rate - rate.dV_dt), C * (dV_rate_dV - rate.d_dV), -C * rate.d_dT};
    }

    /** dT/dt along the memory's branch [K/s]: negative once T turns against it. */
    static double
    branch_rate(const HysteresisState &memory, const double dT_dt)
    {
      return memory.delta * dT_dt;
    }

    /** A reversal is due when T turns against the branch faster than `threshold` [K/s]. */
    static bool
    reversal_due(const HysteresisState &memory, const double dT_dt, const double threshold)
    {
      return branch_rate(memory, dT_dt) < -threshold;
    }

    /** The memory after a reversal at T. */
    virtual HysteresisState
    reverse(const double T, const HysteresisState &memory) const = 0;

    /**
     * The same with the device's values at T on the old branch given
     * (DeviceModel::reverse_with: they need not be evaluated again).
     */
    virtual HysteresisState
    reverse_with(const double T, const HysteresisState &memory, const ResistanceValue &at_T) const
    {
      (void)at_T;
      return reverse(T, memory);
    }

    /** The trace row of device number `device` at (t, V, T). */
    virtual Sample
    sample(const unsigned int     device,
           const double           t,
           const double           V,
           const double           T,
           const HysteresisState &memory) const = 0;

    /** The source current at device voltage V carrying i_device [A]. */
    virtual double
    load_current(const double t, const double V, const double i_device) const = 0;

    /**
     * Whether the source drives the device without a capacitor to
     * discharge: the spike detector then ends an episode on F alone.
     */
    virtual bool
    direct_drive() const = 0;
  };

  /** One device in its circuit per device of the case. */
  using DeviceCircuits = std::vector<std::shared_ptr<const DeviceCircuit>>;

  /** The devices `Run/Device model` offers. */
  namespace device_circuits
  {
    struct Registration
    {
      std::string name;        // the value of Run/Device model
      std::string description; // one line for the documentation
      /** Declares the model's entries (at the top level of prm). */
      void (*declare_parameters)(dealii::ParameterHandler &prm);
      /** One device in its circuit per entry of `circuits`; InputError on bad input. */
      DeviceCircuits (*create)(dealii::ParameterHandler             &prm,
                               const std::vector<CircuitParameters> &circuits);
    };

    /** Every device `Run/Device model` offers; add() one (e.g. from a test) before the schema is declared. */
    RegistrationList<Registration> &
    registry();

    /** The devices of `name` in their circuits; InputError if there is no such model. */
    DeviceCircuits
    create(const std::string                    &name,
           dealii::ParameterHandler             &prm,
           const std::vector<CircuitParameters> &circuits);
  } // namespace device_circuits
} // namespace neuristor
