#pragma once

#include "solver/coupling/link_sums.h"
#include "solver/coupling/noise_path.h"
#include "solver/thermal_models/lumped/lumped_thermal_network.h"

#include <cstdint>
#include <vector>

namespace neuristor
{
  /**
   * The noise of the local devices over a coupling window, on the noise
   * grid: the Wiener paths W_j [sqrt(s)] of the local devices and of their
   * neighbours (NoisePaths, drawn here), each also as its own node relaxes
   * it, X_j [sqrt(s)], and the neighbours' noise in each local device's
   * heat input, sigma sum_j S_ij X_j [W] (the neighbours' temperatures
   * carry their noise relaxed). A grid point is computed once, when a
   * window first reaches it (consecutive windows share their end points,
   * a repeated or shortened window its whole grid), and each path is read
   * once per point, not once per link or per step. The values are those of
   * the paths and of adding the links in their order, so they do not
   * depend on how windows fall.
   */
  class WindowNoise
  {
  public:
    /** The noise of the local devices [first, last) with the network's seed and grid. */
    WindowNoise(const LumpedThermalNetwork &network, const unsigned int first,
                const unsigned int last);

    /**
     * The paths W and X (path_index) and each local device's neighbour sum
     * over the window [t, t + H], from grid point floor(t / dt) to
     * floor((t + H) / dt) + 2 and + 1 (the paths one point further, for a
     * step end rounded past t + H), as views valid until the next call.
     * Windows start no earlier than the last one did.
     */
    void
    over_window(const double t, const double H, std::vector<GridFunction> &paths,
                std::vector<GridFunction> &relaxed_paths, std::vector<GridFunction> &neighbours);

    /**
     * Where device j's path is in over_window's paths: local device k at k,
     * then the other neighbours of local devices (no other device has one).
     */
    unsigned int
    path_index(const unsigned int j) const
    {
      Assert(source_of[j] >= 0, dealii::ExcMessage("no noise path for this device"));
      return source_of[j];
    }

  private:
    /** Rows up to grid point k_last. */
    void
    extend(const std::uint64_t k_last);

    /** Rows of points before k0 dropped, in bulk. */
    void
    forget_before(const std::uint64_t k0);

    double                    dt; // s, the noise grid step
    unsigned int              n_local;
    NoisePaths                sources;   // the local devices' paths first, then the others'
    std::vector<int>          source_of; // per device: its index into sources, or -1
    // The local devices' neighbour sums over the paths' X: sigma S_ij per link.
    LinkSums                  neighbour_sums;
    std::uint64_t             first_point = 0;   // grid index of the first stored row
    std::uint64_t             points      = 0;   // rows stored (the vectors may hold more)
    std::vector<double>       path_rows; // row (point - first_point) of W: per source
    std::vector<double>       relaxed_rows; // the same of X
    std::vector<double>       sum_rows;  // row (point - first_point): per local device
  };
} // namespace neuristor
