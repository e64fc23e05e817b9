#include "solver/coupling/window_noise.h"

#include <deal.II/base/exceptions.h>

#include <algorithm>
#include <map>

namespace neuristor
{
  WindowNoise::WindowNoise(const LumpedThermalNetwork                    &network,
                           const unsigned int                             first,
                           const unsigned int                             last,
                           const std::vector<std::unique_ptr<NoisePath>> &paths)
    : dt(network.noise_time_step())
    , n_local(last - first)
  {
    const double                         sigma = network.noise_strength();
    std::map<unsigned int, unsigned int> source_of; // global device -> index into sources
    for (unsigned int i = first; i < last; ++i)
      {
        source_of.emplace(i, sources.size());
        sources.push_back(paths[i].get());
      }
    begin.push_back(0);
    for (unsigned int i = first; i < last; ++i)
      {
        for (const auto &link : network.links(i))
          {
            const auto [it, added] = source_of.emplace(link.j, sources.size());
            if (added)
              sources.push_back(paths[link.j].get());
            // (sigma S) W, as the sum was first written: the same rounding.
            terms.push_back({it->second, sigma * link.S});
          }
        begin.push_back(terms.size());
      }
    W.resize(sources.size());
  }

  void
  WindowNoise::extend(const std::uint64_t k_last)
  {
    for (std::uint64_t k = first_point + points; k <= k_last; ++k, ++points)
      {
        for (std::size_t s = 0; s < sources.size(); ++s)
          W[s] = sources[s]->at_step(k);
        own_rows.insert(own_rows.end(), W.begin(), W.begin() + n_local);
        for (unsigned int d = 0; d < n_local; ++d)
          {
            double sum = 0.0;
            for (unsigned int m = begin[d]; m < begin[d + 1]; ++m)
              sum += terms[m].weight * W[terms[m].source];
            sum_rows.push_back(sum);
          }
      }
  }

  void
  WindowNoise::forget_before(const std::uint64_t k0)
  {
    // Once the forgotten part is as long as the rest.
    if (k0 <= first_point || 2 * (k0 - first_point) < points)
      return;
    const std::uint64_t drop = std::min(k0 - first_point, points);
    own_rows.erase(own_rows.begin(), own_rows.begin() + drop * n_local);
    sum_rows.erase(sum_rows.begin(), sum_rows.begin() + drop * n_local);
    points -= drop;
    first_point = points == 0 ? k0 : first_point + drop;
  }

  GridFunction
  WindowNoise::view(const std::vector<double> &rows, const unsigned int d,
                    const std::uint64_t k0, const std::uint64_t k1) const
  {
    return {k0, dt, &rows[(k0 - first_point) * n_local + d], k1 + 1 - k0, n_local};
  }

  void
  WindowNoise::over_window(const double t, const double H, std::vector<GridFunction> &own,
                           std::vector<GridFunction> &neighbours)
  {
    const auto k0 = static_cast<std::uint64_t>(t / dt);
    const auto k1 = static_cast<std::uint64_t>((t + H) / dt) + 1;
    forget_before(k0);
    Assert(k0 >= first_point, dealii::ExcMessage("a window starts before a forgotten point"));
    extend(k1 + 1);
    own.resize(n_local), neighbours.resize(n_local);
    for (unsigned int d = 0; d < n_local; ++d)
      {
        own[d]        = view(own_rows, d, k0, k1 + 1);
        neighbours[d] = view(sum_rows, d, k0, k1);
      }
  }
} // namespace neuristor
