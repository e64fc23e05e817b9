#pragma once

#include <algorithm>
#include <map>

namespace neuristor
{
  /**
   * Step operators kept by their mass weight a0/dt, least recently used
   * dropped first: steps from the ladder repeat their weights, so what a
   * step costs to set up (solves for G, an AMG hierarchy) is paid once.
   * A new entry is filled in the storage of the one it replaces, so a
   * system that steps on ever new weights does not allocate.
   */
  template <typename Entry>
  class StepResponseCache
  {
  public:
    explicit StepResponseCache(const unsigned int capacity)
      : capacity(std::max(1u, capacity))
    {}

    /**
     * The entry of this weight; fill(Entry &) sets it up when it is not
     * kept (in a fresh entry, or in the storage of the least recently used).
     */
    template <typename Fill>
    Entry &
    get(const double weight, Fill &&fill)
    {
      // Ladder steps reproduce a weight only to rounding: match to 1e-9.
      auto it = slots.lower_bound(weight * (1 - 1e-9));
      if (it == slots.end() || it->first > weight * (1 + 1e-9))
        {
          typename std::map<double, Slot>::node_type node;
          if (slots.size() >= capacity)
            node = slots.extract(std::min_element(slots.begin(), slots.end(), [](const auto &a, const auto &b) {
              return a.second.last_use < b.second.last_use;
            }));
          if (node.empty())
            {
              Entry entry;
              fill(entry);
              it = slots.emplace(weight, Slot{std::move(entry), 0}).first;
            }
          else
            {
              fill(node.mapped().entry); // a throw drops the node, and with it the entry
              node.key() = weight;
              it         = slots.insert(std::move(node)).position;
            }
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
