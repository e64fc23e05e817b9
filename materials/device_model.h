#pragma once

namespace neuristor
{
  /**
   * Memory of a device with hysteresis: the branch it is on (heating or
   * cooling) and the last reversal of dT/dt. Models without memory use only
   * the branch.
   */
  struct HysteresisState
  {
    int    delta    = +1;    // +1 heating, -1 cooling
    bool   reversed = false; // has any reversal happened yet?
    double T_r      = 0.0;   // K, temperature at the last reversal
    double T_pr     = 0.0;   // K, proximity temperature of that reversal
  };

  /**
   * What a device model gives at one temperature: R, dR/dT along the present
   * branch, and its spike indicator F with dF/dT. F is 1 in the resting
   * (insulating) state and falls towards 0 while the device conducts; the
   * spike detector reads episodes of F and the current.
   */
  struct ResistanceValue
  {
    double R;     // Ohm
    double dR_dT; // Ohm/K
    double F;     // 1
    double dF_dT; // 1/K
  };

  /**
   * A two-terminal device as a temperature-dependent resistance with
   * memory: what NeuristorCircuit (circuits/neuristor_circuit.h) puts in
   * its RC circuit. The coupling schemes see the device in its circuit
   * (circuits/device_circuit.h); the VO2 model of Qiu et al.
   * (materials/vo2_resistance.h) is the built-in resistance.
   */
  class DeviceModel
  {
  public:
    virtual ~DeviceModel() = default;

    /** R, dR/dT and the spike indicator at T on the branch of `state`. */
    virtual ResistanceValue
    evaluate(const double T, const HysteresisState &state) const = 0;

    double
    resistance(const double T, const HysteresisState &state) const
    {
      return evaluate(T, state).R;
    }

    /** The memory after dT/dt changes sign at T (a hysteresis reversal). */
    virtual HysteresisState
    reverse(const double T, const HysteresisState &state) const = 0;

    /**
     * The same where the caller has the model's values at T on the old
     * branch (evaluate(T, state), or what a batch gave): a model that needs
     * them takes them from there instead of evaluating again.
     */
    virtual HysteresisState
    reverse_with(const double T, const HysteresisState &state, const ResistanceValue &at_T) const
    {
      (void)at_T;
      return reverse(T, state);
    }

    /**
     * Width fraction of the channel that carries the conducting share of
     * the current (filament heating, in (0, 1]); 1: spread uniformly.
     */
    virtual double
    filament_fraction() const
    {
      return 1.0;
    }
  };
} // namespace neuristor
