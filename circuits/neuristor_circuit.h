#pragma once

#include "circuits/waveform.h"
#include "materials/device_model.h"

#include <deal.II/base/parameter_handler.h>

#include <memory>
#include <vector>

namespace neuristor
{
  /** The series/parallel circuit of one device: source, R_load, C. */
  struct CircuitParameters
  {
    Waveform input;
    double   R_load = 12e3;     // Ohm; 0 drives the device directly
    double   C      = 145e-12;  // F, parasitic capacitance across the VO2

    static void
    declare_parameters(dealii::ParameterHandler &prm);

    static std::vector<CircuitParameters>
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              n_devices);

    bool
    direct_drive() const
    {
      return R_load == 0.0;
    }
  };

  /** The thermal node of one device in the lumped network (S6, S8, S9). */
  struct ThermalNode
  {
    double C_th;    // J/K
    double S_env;   // W/K, to the stage at T0
    double S_coupled; // W/K, sum of the conductances to other devices
    double T0;      // K
  };

  /**
   * The capacitor voltage rate dV/dt of a device's RC circuit (driven
   * through R_load) and its partial derivatives [V/s, 1/s, V/(s K), V/s^2].
   */
  struct VoltageRate
  {
    double dV_dt, d_dV, d_dT, d_dt;
  };

  /** Joule power V^2/R of a device and its partial derivatives [W, W/V, W/K]. */
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

  /** Right-hand side f, Jacobian J and df/dt of one device's ODE. */
  struct DeviceDerivatives
  {
    double          f[2];
    double          J[2][2];
    double          df_dt[2];
    ResistanceValue r;
  };

  /**
   * One thermal neuristor: VO2 + circuit + its node of the thermal network,
   * as an ODE in y = (V, T) with the heat flowing in from the other devices,
   * q(t) = sum_j S_ij T_j(t), given from outside:
   *
   *   C dV/dt     = (V_in(t) - V)/R_load - V/R(T)
   *   C_th dT/dt  = V^2/R(T) - S_env (T - T0) - S_coupled T + q(t)
   *
   * With R_load = 0 the voltage simply follows the source: dV/dt = V_in'(t).
   */
  class NeuristorCircuit
  {
  public:
    NeuristorCircuit(std::shared_ptr<const DeviceModel> device,
                     const CircuitParameters           &circuit,
                     const ThermalNode                 &node);

    DeviceDerivatives
    derivatives(const double           t,
                const double           V,
                const double           T,
                const HysteresisState &hysteresis,
                const double           q,
                const double           dq_dt,
                const bool             end_of_step = false) const;

    /**
     * C dV/dt = (V_in(t) - V)/R_load - V/R(T) at the device's resistance
     * value r; the device physics of the circuit, shared by every coupling
     * scheme. Not for direct drive (there V = V_in(t)).
     */
    VoltageRate
    voltage_rate(const double t, const double V, const ResistanceValue &r,
                 const bool end_of_step = false) const;

    /** V^2/R at the device's resistance value r. */
    static JoulePower
    joule_power(const double V, const ResistanceValue &r);

    /**
     * The trace row of device `device` at (t, V, T); with R_load = 0 the
     * source current includes the capacitor's C dV_in/dt (C is ideal and V
     * follows V_in).
     */
    Sample
    sample(const unsigned int device, const double t, const double V, const double T,
           const HysteresisState &hysteresis) const;

    /**
     * The source current (V_in(t) - V)/R_load at device voltage V carrying
     * i_device [A]; driven directly, i_device plus the capacitor's C dV_in/dt.
     */
    double
    load_current(const double t, const double V, const double i_device) const;

    /** Only dT/dt: what decides the hysteresis branch. */
    double
    temperature_rate(const double           V,
                     const double           T,
                     const HysteresisState &hysteresis,
                     const double           q) const;

    /** Initial state at t: V = 0 (V_in(0) when driven directly), T = T0. */
    void
    initial_state(double &V, double &T) const;

    /** The device in the circuit (its resistance, memory and spike indicator). */
    const DeviceModel &
    device() const
    {
      return *resistance;
    }
    const CircuitParameters &
    circuit() const
    {
      return circuit_parameters;
    }
    const ThermalNode &
    node() const
    {
      return thermal;
    }

  private:
    std::shared_ptr<const DeviceModel> resistance;
    CircuitParameters circuit_parameters;
    ThermalNode       thermal;
  };
} // namespace neuristor
