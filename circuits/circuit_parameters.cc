#include "circuits/circuit_parameters.h"

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
} // namespace neuristor
