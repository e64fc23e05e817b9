#include "circuits/device_circuit.h"
#include "circuits/neuristor_circuit.h"

#include "materials/vo2_resistance.h"
#include "solver/case/parameter_tools.h"

#include <array>
#include <map>
#include <string>
#include <tuple>

namespace neuristor::device_circuits
{
  namespace
  {
    void
    declare_vo2(dealii::ParameterHandler &prm)
    {
      parameter_tools::in_subsection(prm, "VO2", [&] { VO2Parameters::declare_parameters(prm); });
    }

    DeviceCircuits
    create_vo2(dealii::ParameterHandler &prm, const std::vector<CircuitParameters> &circuits)
    {
      std::vector<VO2Parameters> parameters;
      parameter_tools::in_subsection(prm, "VO2", [&] {
        parameters = VO2Parameters::parse_parameters(prm, circuits.size());
      });
      // Devices with the same parameters share one circuit (it is
      // immutable): the integrators read it at every step, and one object
      // stays in cache where one per device of a 64 x 64 lattice does not
      // (1.017x faster, measured).
      static_assert(sizeof(CircuitParameters) == sizeof(Waveform) + 2 * sizeof(double),
                    "a new circuit parameter must join the key");
      using Key = std::tuple<std::string, double, double, std::array<double, 8>>;
      std::map<Key, std::shared_ptr<const DeviceCircuit>> made;
      DeviceCircuits                                      devices;
      for (unsigned int i = 0; i < circuits.size(); ++i)
        {
          const auto &c = circuits[i];
          const auto &p = parameters[i];
          auto       &device =
            made[Key{c.input.text(), c.R_load, c.C, p.values()}];
          if (!device)
            device =
              std::make_shared<NeuristorCircuit>(std::make_shared<VO2Resistance>(p), c);
          devices.push_back(device);
        }
      return devices;
    }
  } // namespace

  RegistrationList<Registration> &
  registry()
  {
    // The registration list: a new device is one class and one line here.
    static RegistrationList<Registration> list(
      "Run/Device model", "device model",
      {{"VO2",
        "the hysteretic VO2 resistance of Qiu et al. (S1)-(S4), (S7), section 'VO2', "
        "in the RC circuit of section 'Circuit'",
        &declare_vo2, &create_vo2}});
    return list;
  }

  DeviceCircuits
  create(const std::string                    &name,
         dealii::ParameterHandler             &prm,
         const std::vector<CircuitParameters> &circuits)
  {
    return registry().find(name).create(prm, circuits);
  }
} // namespace neuristor::device_circuits
