#pragma once

#include "circuits/circuit_parameters.h"
#include "circuits/device_circuit.h"
#include "materials/device_model.h"

#include <memory>

namespace neuristor
{
  /**
   * One thermal neuristor's device in its circuit (Qiu et al., S5): a
   * resistance with memory (DeviceModel; VO2 by default) across the
   * capacitor C, fed through R_load from the source V_in(t):
   *
   *   C dV/dt = (V_in(t) - V)/R_load - V/R(T)
   *
   * With R_load = 0 the voltage simply follows the source: V = V_in(t).
   * The temperature T comes from the thermal model.
   */
  class NeuristorCircuit : public DeviceCircuit
  {
  public:
    NeuristorCircuit(std::shared_ptr<const DeviceModel> device,
                     const CircuitParameters           &circuit);

    /** 0, or V_in(0) when driven directly. */
    double
    initial_voltage() const override;

    ResistanceValue
    device_state(const double T, const HysteresisState &memory) const override
    {
      return resistance->evaluate(T, memory);
    }

    const DeviceModel *
    device_model() const override
    {
      return resistance.get();
    }

    double
    filament_fraction() const override
    {
      return resistance->filament_fraction();
    }

    /**
     * dV/dt of the RC circuit (C, R_load) with the source at V_in [V] rising
     * at dV_in/dt [V/s], across the device at R, dR/dT: what voltage_rate()
     * gives unless driven directly.
     */
    static VoltageRate
    rc_voltage_rate(const double V_in, const double dV_in_dt, const double V, const double R,
                    const double dR_dT, const double C, const double R_load)
    {
      return {(V_in - V) / (R_load * C) - V / (R * C), -1 / (R_load * C) - 1 / (R * C),
              V * dR_dT / (R * R * C), dV_in_dt / (R_load * C)};
    }

    const CircuitParameters &
    parameters() const
    {
      return circuit_parameters;
    }

    /** Driven directly, dV/dt = V_in'(t) (exact for our piecewise-linear inputs). */
    VoltageRate
    voltage_rate(const double t, const double V, const ResistanceValue &r,
                 const bool end_of_step = false) const override;

    /** C (V' - dV/dt); driven directly, V - V_in(t). */
    CircuitResidual
    residual(const double t, const double V, const double V_rate, const double dV_rate_dV,
             const ResistanceValue &r, const bool end_of_step) const override;

    double
    next_breakpoint(const double t) const override
    {
      return circuit_parameters.input.next_breakpoint(t);
    }

    HysteresisState
    reverse(const double T, const HysteresisState &memory) const override
    {
      return resistance->reverse(T, memory);
    }

    HysteresisState
    reverse_with(const double T, const HysteresisState &memory,
                 const ResistanceValue &at_T) const override
    {
      return resistance->reverse_with(T, memory, at_T);
    }

    /** With R_load = 0 the source current includes the capacitor's C dV_in/dt. */
    Sample
    sample(const unsigned int device, const double t, const double V, const double T,
           const HysteresisState &memory) const override;

    /**
     * (V_in(t) - V)/R_load; driven directly, i_device plus the capacitor's
     * C dV_in/dt (C is ideal and V follows V_in).
     */
    double
    load_current(const double t, const double V, const double i_device) const override;

    bool
    direct_drive() const override
    {
      return circuit_parameters.direct_drive();
    }

  private:
    std::shared_ptr<const DeviceModel> resistance;
    CircuitParameters                  circuit_parameters;
  };
} // namespace neuristor
