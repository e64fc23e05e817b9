#pragma once

#include "materials/thermal_materials.h"

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>

#include <array>
#include <string>
#include <vector>

namespace neuristor
{
  /** An axis-aligned box of one material (and, for a channel, one device). */
  struct Block
  {
    std::array<double, 3> lo, hi; // m
    dealii::types::material_id material;
    int                        device = -1; // >= 0 only for VO2 channels
    int                        owner  = -1; // device the part belongs to
    std::string                what;        // for messages

    bool
    contains(const dealii::Point<3> &p) const
    {
      for (unsigned d = 0; d < 3; ++d)
        if (p[d] < lo[d] || p[d] > hi[d])
          return false;
      return true;
    }

    double
    volume() const
    {
      return (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
    }
  };

  /** Device of the first box with device >= 0 that contains p, or -1. */
  int
  device_in(const std::vector<Block> &boxes, const dealii::Point<3> &p);

  /**
   * The geometry of a neuristor array ("Layout" section): a sapphire
   * substrate (top face at z = 0) carrying VO2 devices, each a channel of
   * length L between two Ti/Au electrodes. The VO2 extends under each
   * electrode by the overlap; the electrode (Ti then Au) covers that VO2 and
   * continues on the substrate as a lead whose metal fills the step up to
   * the electrode top. Devices are placed by an explicit list, a row, a
   * column, a square lattice or a layered cascade; orientation 0 puts the
   * channel along x, 90 along y.
   */
  class Layout
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /** Reads the "Layout" subsection (prm inside it); InputError on bad geometry. */
    void
    parse_parameters(const dealii::ParameterHandler &prm);

    unsigned int
    n_devices() const
    {
      return centres.size();
    }

    /** Device whose channel contains p, or -1. */
    int
    device_at(const dealii::Point<3> &p) const;

    /** Material at p, or -1 outside every part (void above the substrate). */
    int
    material_at(const dealii::Point<3> &p) const;

    const std::vector<Block> &
    blocks() const
    {
      return parts;
    }

    /** Substrate box: [-X/2, X/2] x [-Y/2, Y/2] x [-H, 0]. */
    const Block &
    substrate() const
    {
      return parts.front();
    }

    /** Channel box of device i (throws std::out_of_range for no such device). */
    const Block &
    channel_box(const unsigned int i) const;

    /** Channel volume of device i [m^3]. */
    double
    channel_volume(const unsigned int i) const
    {
      return channel_box(i).volume();
    }

    /**
     * Device i's current filament: its channel box narrowed across the
     * current (y for orientation 0, x for 90) to `fraction` in (0, 1] of
     * the channel width, centred; full length and thickness.
     */
    Block
    filament_box(const unsigned int i, const double fraction) const;

    /** filament_box(i, fractions[i]) of every device (one fraction per device). */
    std::vector<Block>
    filament_boxes(const std::vector<double> &fractions) const;

    /** Centre (x, y) of each device [m]. */
    const std::vector<std::array<double, 2>> &
    device_centres() const
    {
      return centres;
    }

    /**
     * The regular grid of a lattice, row, column or cascade: device
     * r * columns + c sits at column c (along the channels, pitch_along
     * apart) and row r (across them, pitch_across apart). rows = 0 for a
     * list of devices, which need not be regular.
     */
    struct Grid
    {
      unsigned int rows = 0, columns = 0;
      double       pitch_along = 0, pitch_across = 0; // m

      /** The device rows_by rows and columns_by columns from device i (index row * columns + column), or -1 off the grid. */
      int
      shifted(const unsigned int i, const int rows_by, const int columns_by) const
      {
        const int r = int(i / columns) + rows_by, c = int(i % columns) + columns_by;
        return r < 0 || c < 0 || r >= int(rows) || c >= int(columns) ? -1 : r * int(columns) + c;
      }
    };
    const Grid &
    grid() const
    {
      return regular;
    }

    /**
     * The same devices on a rows x columns grid (fewer or more than this
     * layout's), on a substrate shrunk or grown by the devices left out or
     * added, so that the margin from the outer devices to the substrate's
     * edges stays that of this layout.
     */
    Layout
    grid_patch(const unsigned int rows, const unsigned int columns) const;

    /** Scale the substrate extent and thickness (truncation check). */
    void
    scale_substrate(const double factor);

    double finest_size, growth_ratio, coarsest_size; // mesh grading, m

  private:
    void
    build_blocks();

    /** Centres of the grid `regular` with every channel at `orientation`. */
    void
    place_grid(const int orientation);

    double X, Y, H;                  // substrate, m
    double L, W, t_vo2, overlap;     // device, m
    double lead_length, lead_width;  // m
    double t_ti, t_au;               // m
    std::vector<std::array<double, 2>> centres;
    std::vector<int>                   orientations; // 0 or 90
    std::vector<Block>                 parts;        // substrate first
    Grid                               regular;
  };
} // namespace neuristor
