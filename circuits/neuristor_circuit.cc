#include "circuits/neuristor_circuit.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

namespace neuristor
{
  void
  CircuitParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    prm.declare_entry("Input", "dc(12.5)", dealii::Patterns::Anything(),
                      "Input voltage V_in(t) [V, times in s]: a sum of "
                      "dc(V), pulse(amplitude=, delay=, width=, rise=, fall=), "
                      "train(amplitude=, period=, duty=, rise=, fall=, "
                      "delay=, count=) and pwl(t0 v0, t1 v1, ...). One "
                      "waveform for all devices, or one per device "
                      "separated by ';'; a last waveform followed by '...' "
                      "repeats for the devices not listed.");
    parameter_tools::declare_per_device(
      prm, "Load resistance", "12e3",
      "Series load resistance R_load [Ohm]; 0 drives the VO2 directly.");
    parameter_tools::declare_per_device(
      prm, "Capacitance", "145e-12",
      "Parasitic capacitance C across the VO2 [F].");
  }

  std::vector<CircuitParameters>
  CircuitParameters::parse_parameters(const dealii::ParameterHandler &prm,
                                      const unsigned int              n_devices)
  {
    using namespace parameter_tools;
    const auto inputs = per_device_strings(prm, "Circuit", "Input", n_devices);
    const auto R_load = per_device_doubles(prm, "Circuit", "Load resistance", n_devices);
    const auto C      = per_device_doubles(prm, "Circuit", "Capacitance", n_devices);
    require_positive("Circuit/Load resistance", R_load, true);
    require_positive("Circuit/Capacitance", C, true);

    std::vector<CircuitParameters> result(n_devices);
    for (unsigned int i = 0; i < n_devices; ++i)
      {
        result[i].input  = Waveform::parse(inputs[i], "Circuit/Input");
        // Far beyond any VO2 device, where the model has no solution; a
        // clear refusal instead of a failed first step.
        constexpr double max_input_voltage = 1e4; // V
        const double     peak              = result[i].input.largest_magnitude();
        if (!(peak <= max_input_voltage))
          throw InputError("Circuit/Input",
                           "'" + inputs[i] + "' reaches " + format_number(peak) +
                             " V, beyond the +-10 kV a VO2 device circuit can be given");
        result[i].R_load = R_load[i];
        result[i].C      = C[i];
        if (R_load[i] > 0 && C[i] == 0)
          throw InputError("Circuit/Capacitance",
                           "must be > 0 when the load resistance is > 0 "
                           "(device " + std::to_string(i) + ")");
      }
    return result;
  }

  NeuristorCircuit::NeuristorCircuit(std::shared_ptr<const DeviceModel> device,
                                     const CircuitParameters           &circuit,
                                     const ThermalNode                 &node)
    : resistance(std::move(device))
    , circuit_parameters(circuit)
    , thermal(node)
  {}

  void
  NeuristorCircuit::initial_state(double &V, double &T) const
  {
    V = circuit_parameters.direct_drive() ? circuit_parameters.input.value(0) : 0.0;
    T = thermal.T0;
  }

  double
  NeuristorCircuit::temperature_rate(const double           V,
                                     const double           T,
                                     const HysteresisState &hysteresis,
                                     const double           q) const
  {
    const double R = resistance->resistance(T, hysteresis);
    return (V * V / R - thermal.S_env * (T - thermal.T0) -
            thermal.S_coupled * T + q) /
           thermal.C_th;
  }

  DeviceDerivatives
  NeuristorCircuit::derivatives(const double           t,
                                const double           V,
                                const double           T,
                                const HysteresisState &hysteresis,
                                const double           q,
                                const double           dq_dt,
                                const bool             end_of_step) const
  {
    DeviceDerivatives d;
    d.r = resistance->evaluate(T, hysteresis);
    if (circuit_parameters.direct_drive())
      {
        // V tracks the source exactly (the stages integrate V_in' exactly
        // for the piecewise-linear waveforms we have).
        d.f[0]     = circuit_parameters.input.derivative(t, end_of_step);
        d.J[0][0]  = 0;
        d.J[0][1]  = 0;
        d.df_dt[0] = 0;
      }
    else
      {
        const VoltageRate rate = voltage_rate(t, V, d.r, end_of_step);
        d.f[0]     = rate.dV_dt;
        d.J[0][0]  = rate.d_dV;
        d.J[0][1]  = rate.d_dT;
        d.df_dt[0] = rate.d_dt;
      }

    const JoulePower heat = joule_power(V, d.r);
    const double     C_th = thermal.C_th;
    d.f[1]     = (heat.P - thermal.S_env * (T - thermal.T0) - thermal.S_coupled * T + q) / C_th;
    d.J[1][0]  = heat.dP_dV / C_th;
    d.J[1][1]  = (heat.dP_dT - thermal.S_env - thermal.S_coupled) / C_th;
    d.df_dt[1] = dq_dt / C_th;
    return d;
  }

  VoltageRate
  NeuristorCircuit::voltage_rate(const double t, const double V, const ResistanceValue &r,
                                 const bool end_of_step) const
  {
    const double C = circuit_parameters.C, Rl = circuit_parameters.R_load;
    const auto  &input = circuit_parameters.input;
    return {(input.value(t, end_of_step) - V) / (Rl * C) - V / (r.R * C),
            -1 / (Rl * C) - 1 / (r.R * C), V * r.dR_dT / (r.R * r.R * C),
            input.derivative(t) / (Rl * C)};
  }

  JoulePower
  NeuristorCircuit::joule_power(const double V, const ResistanceValue &r)
  {
    const double P = V * V / r.R;
    return {P, 2 * V / r.R, -P * r.dR_dT / r.R};
  }

  Sample
  NeuristorCircuit::sample(const unsigned int device, const double t, const double V,
                           const double T, const HysteresisState &hysteresis) const
  {
    const auto  &c     = circuit_parameters;
    const double R     = resistance->resistance(T, hysteresis);
    const double v_in  = c.input.value(t);
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
