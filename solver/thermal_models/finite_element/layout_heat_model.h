#pragma once

#include "materials/thermal_materials.h"
#include "mesh/layout.h"
#include "mesh/mesh_generator.h"
#include "solver/case/resource_limits.h"
#include "solver/thermal_models/finite_element/heat_equation.h"
#include "solver/thermal_models/finite_element/thermal_boundary.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/fully_distributed_tria.h>

#include <memory>

namespace neuristor
{
  /**
   * The finite-element thermal model of a layout, as a case file describes
   * it: the geometry ("Layout"), what fills it ("Materials"), how heat
   * leaves ("Thermal boundary") and how the heat equation is solved
   * ("Heat solver"). Builds the mesh and the HeatEquation on it; shared by
   * `characterize` and the electro-thermal co-simulation.
   */
  class LayoutHeatModel
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Parse the four sections; the ambient T0 [K] comes from the caller. */
    LayoutHeatModel(dealii::ParameterHandler &prm, const double T0);

    /** The ambient temperature of the case [K] ('Thermal network/Ambient temperature'). */
    static double
    ambient_temperature(dealii::ParameterHandler &prm);

    /**
     * Mesh the layout into tria (empty, distributed) and set up the heat
     * equation on it; logs the mesh statistics and checks that every device
     * volume is meshed exactly. With filament fractions (one per device, in
     * (0, 1]), each device also gets a filament (Layout::filament_box),
     * meshed exactly as well.
     */
    std::unique_ptr<HeatEquation>
    build(dealii::parallel::fullydistributed::Triangulation<3> &tria,
          dealii::ConditionalOStream                      &log,
          MeshStatistics                                  *statistics         = nullptr,
          const std::vector<double>                       &filament_fractions = {}) const;

    /**
     * Keeps Limits/Maximum mesh cells for build() and refuses (InputError)
     * a layout whose mesh would have more, before anything is built.
     */
    void
    apply_limits(const ResourceLimits &limits);

    Layout                  layout;
    ThermalMaterials        materials;
    ThermalBoundarySettings boundary;
    HeatSolverSettings      solver;
    double                  T0;
    double                  max_cells = default_max_cells; // Limits/Maximum mesh cells
  };
} // namespace neuristor
