#pragma once

namespace neuristor
{
  /**
   * The thermal node of one device in the lumped network (S6, S8, S9):
   *   C_th dT/dt = P - S_env (T - T0) - S_coupled T + q(t),
   * q the heat flowing in from the other devices.
   */
  struct ThermalNode
  {
    double C_th;      // J/K
    double S_env;     // W/K, to the stage at T0
    double S_coupled; // W/K, sum of the conductances to other devices
    double T0;        // K
  };
} // namespace neuristor
