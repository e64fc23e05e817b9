#pragma once

#include "mesh/layout.h"
#include "solver/io/vtu_writer.h"
#include "solver/thermal_models/finite_element/heat_equation.h"
#include "solver/thermal_models/reduced/lattice_kernel.h"

#include <memory>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * The temperature field of a regular array under the reduced array
   * model, as seen from above. Device j's modal state z_j spreads its heat
   * as the patch's modes phi_k spread it around the patch's heated centre
   * device, so at the point x_i + xi of device i's tile
   *
   *   rise = sum_o sum_k phi_k(x_(c + o) + xi) z_(i - o),k
   *
   * over the kernel's offsets o (c + o: the patch device at offset o from
   * the centre c). A device's tile is its share of the array (one pitch
   * along and across, centred on it), cut into cells of about Reduced
   * array/Field spacing whose lines also follow the edges of the device's
   * channel and electrodes. Each cell shows the rise at its centre, taken
   * at the mid-height of what is on top there (the VO2 channel, an
   * electrode) or at the bare substrate's top: the interface conductances
   * make a channel far hotter than the sapphire under it. The modes are
   * sampled once, at one tile per offset, so a snapshot costs one sum per
   * cell. Written as a slab of hexahedra (z = 0 down to one spacing) with
   * cell fields and the layout's material and device ids, so ParaView and
   * scripts/render_fields.py read it like the finite-element fields.
   */
  class ArrayField
  {
  public:
    /**
     * Samples the patch's modes (collective on the patch mesh). patch_layout
     * is the patch's (rows x columns, heated at its centre); array the whole
     * array's layout.
     */
    ArrayField(const HeatEquation                 &patch,
               const std::vector<LA::MPI::Vector> &modes,
               const Layout                       &patch_layout,
               const unsigned int                  patch_rows,
               const unsigned int                  patch_columns,
               const LatticeKernel                &kernel,
               const Layout                       &array,
               const double                        spacing);

    /** Makes the tiles of devices [first, last) this rank's piece of every snapshot. */
    void
    prepare(const MPI_Comm comm, const unsigned int first, const unsigned int last);

    /**
     * Writes snapshot `index` (folder/temperature_NNNNN.pvtu) at time t [s]
     * from every device's modal states Z (N x m, replicated) over the
     * ambient T0 [K]; returns the .pvtu name. Collective.
     */
    std::string
    write(const std::string         &folder,
          const unsigned int         index,
          const double               t,
          const double               T0,
          const std::vector<double> &Z) const;

    /** Cells of one device's tile. */
    unsigned int
    cells_per_tile() const
    {
      return (xs.size() - 1) * (ys.size() - 1);
    }

  private:
    /** The tile's lines from -extent/2 to extent/2: every spacing and at the part edges. */
    static std::vector<double>
    tile_lines(const double extent, const double spacing, std::vector<double> edges);

    std::vector<LatticeKernel::Offset> offsets; // rows, columns of each (h unused)
    Layout::Grid                       grid;
    std::vector<std::array<double, 2>> centres;   // the array's devices [m]
    std::vector<double>                xs, ys;    // tile lines from the device's centre [m]
    double                             depth = 0; // of the slab [m]
    unsigned int                       m     = 0;
    std::vector<double>                phi;       // (offset, tile cell, mode)
    std::vector<float>                 material, own_channel; // per tile cell
    unsigned int                       first = 0, last = 0;
    std::unique_ptr<VtuSeriesWriter>   writer;
  };
} // namespace neuristor
