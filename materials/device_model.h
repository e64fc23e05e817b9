#pragma once

#include <deal.II/base/parameter_handler.h>

#include <memory>
#include <string>
#include <vector>

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
   * The device in each neuristor's circuit, as every coupling scheme sees
   * it: a temperature-dependent resistance with memory. The RC circuit
   * around it (circuits/neuristor_circuit.h) and the thermal models are
   * shared by all devices. Implementations are registered by name in
   * materials/device_models.cc (`Run/Device model`); the VO2 model of Qiu
   * et al. is the built-in one.
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
     * Width fraction of the channel that carries the conducting share of
     * the current (filament heating, in (0, 1]); 1: spread uniformly.
     */
    virtual double
    filament_fraction() const
    {
      return 1.0;
    }
  };

  /** The device models `Run/Device model` offers. */
  namespace device_models
  {
    struct Registration
    {
      std::string name;        // the value of Run/Device model
      std::string description; // one line for the documentation
      /** Declares the model's entries (at the top level of prm). */
      void (*declare_parameters)(dealii::ParameterHandler &prm);
      /** One model per device from prm; InputError on bad input. */
      std::vector<std::shared_ptr<const DeviceModel>> (*create)(
        dealii::ParameterHandler &prm,
        const unsigned int        n_devices);
    };

    /** Every device model: the built-in list, then any added ones. */
    const std::vector<Registration> &
    registrations();

    /** Adds a model (e.g. one defined in a test); before the schema is declared. */
    void
    add(const Registration &registration);

    /** "name1|name2|..." for a Patterns::Selection. */
    std::string
    selection_pattern();

    /** One line per model ("name: description"), for the documentation. */
    std::string
    documentation();

    /** Declares every model's entries. */
    void
    declare_parameters(dealii::ParameterHandler &prm);

    /** The models of `name` for n devices; InputError if there is no such model. */
    std::vector<std::shared_ptr<const DeviceModel>>
    create(const std::string        &name,
           dealii::ParameterHandler &prm,
           const unsigned int        n_devices);
  } // namespace device_models
} // namespace neuristor
