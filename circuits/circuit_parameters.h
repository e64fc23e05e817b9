#pragma once

#include "circuits/waveform.h"

#include <deal.II/base/parameter_handler.h>

#include <vector>

namespace neuristor
{
  /** The series/parallel circuit of one device: source, R_load, C ("Circuit" section). */
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
} // namespace neuristor
