#include "circuits/neuristor_circuit.h"

namespace neuristor
{
  NeuristorCircuit::NeuristorCircuit(std::shared_ptr<const DeviceModel> device,
                                     const CircuitParameters           &circuit)
    : resistance(std::move(device))
    , circuit_parameters(circuit)
  {}

  double
  NeuristorCircuit::initial_voltage() const
  {
    return circuit_parameters.direct_drive() ? circuit_parameters.input.value(0) : 0.0;
  }

  VoltageRate
  NeuristorCircuit::voltage_rate(const double t, const double V, const ResistanceValue &r,
                                 const bool end_of_step) const
  {
    const double C = circuit_parameters.C, Rl = circuit_parameters.R_load;
    const auto  &input = circuit_parameters.input;
    if (circuit_parameters.direct_drive())
      return {input.derivative(t, end_of_step), 0, 0, 0};
    return rc_voltage_rate(input.value(t, end_of_step), input.derivative(t), V, r.R, r.dR_dT, C,
                           Rl);
  }

  CircuitResidual
  NeuristorCircuit::residual(const double t, const double V, const double V_rate,
                             const double dV_rate_dV, const ResistanceValue &r,
                             const bool end_of_step) const
  {
    if (circuit_parameters.direct_drive())
      return {V - circuit_parameters.input.value(t, end_of_step), 1, 0};
    return capacitor_residual(circuit_parameters.C, voltage_rate(t, V, r, end_of_step), V_rate,
                              dV_rate_dV);
  }

  Sample
  NeuristorCircuit::sample(const unsigned int device, const double t, const double V,
                           const double T, const HysteresisState &memory) const
  {
    const double R     = resistance->resistance(T, memory);
    const double v_in  = circuit_parameters.input.value(t);
    const double i_dev = V / R;
    return {t, device, v_in, V, load_current(t, V, i_dev), i_dev, T, R, V * i_dev};
  }

  double
  NeuristorCircuit::load_current(const double t, const double V, const double i_device) const
  {
    const auto &c = circuit_parameters;
    return c.direct_drive() ? i_device + c.C * c.input.derivative(t)
                            : (c.input.value(t) - V) / c.R_load;
  }
} // namespace neuristor
