#include "solver/coupling/window_noise.h"

#include <deal.II/base/exceptions.h>

#include <algorithm>

namespace neuristor
{
  WindowNoise::WindowNoise(const LumpedThermalNetwork &network, const unsigned int first,
                           const unsigned int last)
    : dt(network.noise_time_step())
    , n_local(last - first)
    , sources(dt)
    , source_of(network.n_devices(), -1)
  {
    const double sigma = network.noise_strength();
    const auto   add   = [&](const unsigned int j) {
      if (source_of[j] < 0)
        {
          // X relaxes as the node does with the other temperatures held.
          source_of[j] = sources.add(network.noise_seed(), j, network.node(j).relaxation_rate());
        }
      return source_of[j];
    };
    for (unsigned int i = first; i < last; ++i)
      add(i);
    // (sigma S) X: each term rounded as the sum was first written.
    neighbour_sums = LinkSums(n_local, [&](const unsigned int k) {
      std::vector<LinkSums::Term> terms;
      for (const auto &link : network.links(first + k))
        terms.push_back({static_cast<unsigned int>(add(link.j)), sigma * link.S});
      return terms;
    });
  }

  void
  WindowNoise::extend(const std::uint64_t k_last)
  {
    const std::uint64_t k_first = first_point + points;
    if (k_last < k_first)
      return;
    const std::size_t n_sources = sources.size(), rows = points + (k_last + 1 - k_first);
    // The stores only grow (by half at least): rows are not zeroed again
    // after each window's forgetting, only written.
    const auto reserve = [rows](std::vector<double> &store, const std::size_t width) {
      if (store.size() < rows * width)
        store.resize(std::max(rows * width, store.size() + store.size() / 2));
    };
    reserve(path_rows, n_sources), reserve(relaxed_rows, n_sources), reserve(sum_rows, n_local);
    for (std::uint64_t k = k_first; k <= k_last; ++k, ++points)
      {
        while (sources.point() + 1 < k)
          sources.advance();
        double *X = &relaxed_rows[points * n_sources];
        if (sources.point() < k)
          sources.advance(&path_rows[points * n_sources], X);
        else // point 0, where the paths start
          {
            Assert(k == 0, dealii::ExcInternalError());
            std::copy(sources.values().begin(), sources.values().end(), &path_rows[0]);
            std::copy(sources.relaxed_values().begin(), sources.relaxed_values().end(), X);
          }
        neighbour_sums.evaluate(X, &sum_rows[points * n_local]);
      }
  }

  void
  WindowNoise::forget_before(const std::uint64_t k0)
  {
    // Once the forgotten part is as long as the rest: the rest moves to the front.
    if (k0 <= first_point || 2 * (k0 - first_point) < points)
      return;
    const std::uint64_t drop = std::min(k0 - first_point, points);
    const auto          shift = [&](std::vector<double> &store, const std::size_t width) {
      std::copy(store.begin() + drop * width, store.begin() + points * width, store.begin());
    };
    shift(path_rows, sources.size()), shift(relaxed_rows, sources.size()), shift(sum_rows, n_local);
    points -= drop;
    first_point = points == 0 ? k0 : first_point + drop;
  }

  void
  WindowNoise::over_window(const double t, const double H, std::vector<GridFunction> &paths,
                           std::vector<GridFunction> &relaxed_paths,
                           std::vector<GridFunction> &neighbours)
  {
    const auto k0 = static_cast<std::uint64_t>(t / dt);
    const auto k1 = static_cast<std::uint64_t>((t + H) / dt) + 1;
    forget_before(k0);
    Assert(k0 >= first_point, dealii::ExcMessage("a window starts before a forgotten point"));
    extend(k1 + 1);
    // Column c of a block of rows `width` wide, from point k0 on: views
    // with consecutive starts (written as such, 3 per device and window).
    const auto views = [&](const std::vector<double> &rows, const std::size_t width,
                           const std::uint64_t k_end, std::vector<GridFunction> &out) {
      out.resize(width);
      const double     *start = rows.data() + (k0 - first_point) * width;
      const std::size_t size  = k_end + 1 - k0;
      for (std::size_t c = 0; c < width; ++c)
        out[c] = {k0, dt, start + c, size, width};
    };
    views(path_rows, sources.size(), k1 + 1, paths);
    views(relaxed_rows, sources.size(), k1 + 1, relaxed_paths);
    views(sum_rows, n_local, k1, neighbours);
  }
} // namespace neuristor
