#pragma once

#include "solver/base/linear_algebra.h"
#include "solver/thermal_models/finite_element/sparse_functionals.h"

#include <deal.II/base/index_set.h>
#include <deal.II/base/point.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/affine_constraints.h>

#include <functional>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * Where each device of the heat equation deposits its power and where its
   * temperature is read. Device i's channel is the set of cells whose centre
   * the region function maps to i; power is spread uniformly over it and its
   * temperature is the volume average, both through one vector
   * b_i = int phi / V_i, so that T_i = T0 + b_i . theta.
   *
   * Optionally each device also has a filament inside its channel, with
   * f_i = int phi / V^f_i. A share s_i of P_i may then go to the filament
   * and the rest to the whole channel; the matching temperature is
   * T0 + ((1 - s_i) b_i + s_i f_i) . theta.
   */
  class DeviceRegions
  {
  public:
    using RegionFunction = std::function<int(const dealii::Point<3> &)>;

    /** Where a device deposits power or is averaged (channel first: {} means it). */
    enum class Region
    {
      channel,
      filament
    };

    /** The regions by index, as the reduced models number them: 0 channel, 1 filament. */
    static Region
    region_of_index(const unsigned int r)
    {
      return r == 0 ? Region::channel : Region::filament;
    }

    /**
     * filament_of_point: empty for no filaments; every filament cell must
     * lie in its device's channel (collective; InputError if a device
     * covers no cell).
     */
    DeviceRegions(const dealii::DoFHandler<3>             &dof_handler,
                  const dealii::AffineConstraints<double> &constraints,
                  const dealii::IndexSet                  &owned,
                  const unsigned int                       n_devices,
                  const RegionFunction                    &device_of_point,
                  const RegionFunction                    &filament_of_point);

    unsigned int
    n_devices() const
    {
      return channels.volumes.size();
    }

    bool
    has_filaments() const
    {
      return !filaments.volumes.empty();
    }

    /** Region volumes [m^3] (filaments: empty without them). */
    const std::vector<double> &
    volumes(const Region region = Region::channel) const
    {
      return region == Region::channel ? channels.volumes : filaments.volumes;
    }

    /** b_i or f_i as a vector [1/m^3 per test function] (collective: built on demand). */
    LA::MPI::Vector
    vector(const unsigned int device, const Region region = Region::channel) const;

    /** The device whose region holds a locally owned cell, or -1. */
    int
    device_of_cell(const unsigned int active_cell_index, const Region region) const
    {
      return has_filaments() || region == Region::channel ?
               of(region).cell_device[active_cell_index] :
               -1;
    }

    /** Whether filament_share puts any power in a filament; throws if it is invalid. */
    bool
    splits(const std::vector<double> &filament_share) const;

    /**
     * Power per region [W]: the channel parts (1 - s_i) P_i of the devices,
     * then, if any s_i > 0, the N filament parts s_i P_i.
     */
    std::vector<double>
    region_powers(const std::vector<double> &powers, const std::vector<double> &filament_share) const;

    /** f += sum over regions of their power times their vector [W per test function]. */
    void
    add_sources(LA::MPI::Vector &f, const std::vector<double> &region_power) const;

    /** Power density of region_power in a locally owned cell [W/m^3]. */
    double
    source_density(const unsigned int active_cell_index, const std::vector<double> &region_power) const;

    /** offset + the average of field over each device, weighted by the filament shares. */
    std::vector<double>
    temperatures(const LA::MPI::Vector     &field,
                 const double               offset,
                 const std::vector<double> &filament_share = {}) const;

    /** offset + the average of field over each device's region. */
    std::vector<double>
    temperatures(const LA::MPI::Vector &field, const double offset, const Region region) const;

  private:
    /**
     * The entries of every b_i from this rank's cells, device by device:
     * device i's are [start[i], start[i + 1]) of dofs and weights (global
     * DoF indices, owned or ghost). A vector per device would cost 8 B per
     * DoF per device, and a dot product and a reduction per device.
     */
    struct Regions
    {
      SparseFunctionals                    averages;    // weights int phi / V_i over this rank's cells
      std::vector<double>                  volumes;     // m^3
      std::vector<int>                     cell_device; // by active cell index
    };

    const Regions &
    of(const Region region) const;

    /** int phi / V_i over the cells the region function maps to device i. */
    static void
    setup(const dealii::DoFHandler<3>             &dof_handler,
          const RegionFunction                    &device_of_point,
          const std::string                       &what,
          Regions                                 &region);

    MPI_Comm         comm;
    dealii::IndexSet owned, relevant;
    Regions          channels, filaments; // filaments empty if there are none
  };
} // namespace neuristor
