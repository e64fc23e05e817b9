#pragma once

#include "solver/app/command_folder.h"

#include <ostream>

namespace neuristor
{
  /**
   * `neuristor preview CASE`: the layout and the mesh a finite-element,
   * reduced or reduced-array run of the case would use, in seconds and
   * without building the mesh: DIR/preview.json (parts with their
   * materials, devices with ids and names, the grid lines along x, y and z,
   * the counts of cells and DoFs, the finest and coarsest cells) and
   * DIR/preview.png (scripts/plot_run.py preview: top view and a vertical
   * cut with the mesh edges), with parameters.prm and log.txt like every
   * command. Filament strips (Finite-element coupling/Filament heating)
   * add grid lines the preview does not show.
   */
  void
  run_preview(const CommandArguments &args, std::ostream &console);
} // namespace neuristor
