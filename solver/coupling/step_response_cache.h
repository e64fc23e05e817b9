#pragma once

#include <algorithm>
#include <map>

namespace neuristor
{
  /**
   * Step operators kept by their mass weight a0/dt, least recently used
   * dropped first: steps from the ladder repeat their weights, so what a
   * step costs to set up (solves for G, an AMG hierarchy) is paid once.
   */
  template <typename Entry>
  class StepResponseCache
  {
  public:
    explicit StepResponseCache(const unsigned int capacity)
      : capacity(std::max(1u, capacity))
    {}

    /** The entry of this weight; make() builds it when it is not kept. */
    template <typename Make>
    Entry &
    get(const double weight, Make &&make)
    {
      // Ladder steps reproduce a weight only to rounding: match to 1e-9.
      auto it = slots.lower_bound(weight * (1 - 1e-9));
      if (it == slots.end() || it->first > weight * (1 + 1e-9))
        {
          if (slots.size() >= capacity)
            slots.erase(std::min_element(slots.begin(), slots.end(), [](const auto &a, const auto &b) {
              return a.second.last_use < b.second.last_use;
            }));
          it = slots.emplace(weight, Slot{make(), 0}).first;
        }
      it->second.last_use = ++clock;
      return it->second.entry;
    }

    void
    clear()
    {
      slots.clear();
    }

  private:
    struct Slot
    {
      Entry         entry;
      unsigned long last_use;
    };
    unsigned int               capacity;
    std::map<double, Slot>     slots;
    unsigned long              clock = 0;
  };
} // namespace neuristor
