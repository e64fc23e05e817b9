#include "mesh/layout.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace neuristor
{
  namespace
  {
    const std::string section = "Layout/";

    // Checked before anything is placed, so that a mistyped count is
    // refused instead of filling the memory.
    constexpr std::uint64_t max_devices = 65536; // 256 x 256; 2^31 would fill the memory

    void
    check_device_count(const std::string &entry, const std::uint64_t n)
    {
      if (n > max_devices)
        throw InputError(section + entry, "gives " + std::to_string(n) +
                                            " devices; a layout holds at most " +
                                            std::to_string(max_devices));
    }
  } // namespace

  void
  Layout::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    const auto length = [&](const std::string &name, const std::string &value,
                            const std::string &doc) {
      prm.declare_entry(name, value, Double(), doc + " [m].");
    };
    length("Substrate size x", "20e-6", "Extent of the simulated sapphire along x");
    length("Substrate size y", "20e-6", "Extent of the simulated sapphire along y");
    length("Substrate thickness", "10e-6",
           "Depth of the simulated sapphire; its bottom and sides are held at T0");
    length("Channel length", "500e-9", "VO2 channel length between the electrodes");
    length("Channel width", "100e-9", "VO2 channel width");
    length("VO2 thickness", "100e-9", "VO2 film thickness");
    length("Electrode overlap", "200e-9", "Length of VO2 under each electrode");
    length("Lead length", "1e-6", "Length of each electrode lead on the substrate");
    length("Lead width", "100e-9", "Width of the electrode leads");
    length("Ti thickness", "15e-9", "Ti adhesion layer thickness");
    length("Au thickness", "40e-9", "Au electrode thickness");
    prm.declare_entry("Arrangement", "row", Selection("list|row|column|lattice|cascade"),
                      "How devices are placed: an explicit list; a row of "
                      "parallel channels side by side (Gap apart); a column of "
                      "channels end to end (lead ends Gap apart); a lattice of "
                      "Rows x Columns, in which the devices of a row are end to "
                      "end (a column's pitch) and the rows lie side by side (a "
                      "row's pitch), so a device's nearest neighbours are the "
                      "parallel ones above and below; a cascade of Layers side "
                      "by side at the Layer pitch, each of Devices per layer "
                      "end to end.");
    prm.declare_entry("Devices", "0 0 0", Anything(),
                      "For 'list': 'x y orientation' per device [m, m, degrees "
                      "0 or 90], separated by ';'.");
    prm.declare_entry("Count", "1", Integer(1), "Devices in a row or column.");
    prm.declare_entry("Rows", "1", Integer(1), "Rows of a lattice.");
    prm.declare_entry("Columns", "1", Integer(1), "Columns of a lattice.");
    prm.declare_entry("Layers", "2", Integer(1), "Layers of a cascade.");
    prm.declare_entry("Devices per layer", "1", Integer(1), "Devices in each cascade layer.");
    length("Gap", "500e-9",
           "Edge-to-edge spacing: between parallel channels in a row, lattice "
           "or layer, and between lead ends in a column");
    length("Layer pitch", "1e-6", "Centre-to-centre distance of cascade layers");
    prm.declare_entry("Orientation", "0", Selection("0|90"),
                      "Channel direction of generated arrangements: 0 along x, "
                      "90 along y [degrees].");
    length("Finest cell size", "25e-9",
           "Largest cell size inside the devices and electrodes");
    prm.declare_entry("Growth ratio", "1.4", Double(1.0001, 3),
                      "Cell size growth per cell away from the devices [dimensionless].");
    length("Coarsest cell size", "2e-6", "Largest cell size far from the devices");
  }

  void
  Layout::parse_parameters(const dealii::ParameterHandler &prm)
  {
    // Not prm.get_double: deal.II's Double pattern accepts values that
    // std::stod refuses (4.9e-324), and get_double then throws its own long
    // message; parse_number refuses them as InputError.
    const auto number = [&](const std::string &name) {
      return parameter_tools::parse_number(prm.get(name), section + name);
    };
    const auto positive = [&](const std::string &name) {
      const double v = number(name);
      if (!(v > 0))
        throw InputError(section + name, "must be > 0 but is " + prm.get(name));
      return v;
    };
    X = positive("Substrate size x"), Y = positive("Substrate size y");
    H = positive("Substrate thickness");
    L = positive("Channel length"), W = positive("Channel width");
    t_vo2 = positive("VO2 thickness"), overlap = positive("Electrode overlap");
    lead_length = positive("Lead length"), lead_width = positive("Lead width");
    t_ti = positive("Ti thickness"), t_au = positive("Au thickness");
    finest_size   = positive("Finest cell size");
    growth_ratio  = number("Growth ratio");
    coarsest_size = positive("Coarsest cell size");
    if (coarsest_size < finest_size)
      throw InputError(section + "Coarsest cell size", "must be >= the finest cell size");
    const double gap = number("Gap");
    if (!(gap > 0))
      throw InputError(section + "Gap", "must be > 0: at 0 the channels touch and heat "
                                        "would cross no gap (give e.g. 50e-9)");

    centres.clear();
    orientations.clear();
    regular = Grid();
    const std::string arrangement = prm.get("Arrangement");
    const int         orientation = prm.get_integer("Orientation");
    const double      across      = std::max(W, lead_width) + gap; // parallel pitch
    const double      along = L + 2 * overlap + 2 * lead_length + gap; // end-to-end pitch
    if (arrangement == "list")
      {
        const auto items = parameter_tools::split(prm.get("Devices"), ';');
        check_device_count("Devices", items.size());
        for (const auto &item : items)
          {
            std::istringstream in(item);
            std::string        word;
            std::vector<double> v;
            while (in >> word)
              v.push_back(parameter_tools::parse_number(word, section + "Devices"));
            if (v.size() != 3 || (v[2] != 0 && v[2] != 90))
              throw InputError(section + "Devices",
                               "'" + item + "' must be 'x y orientation' with orientation 0 or 90");
            centres.push_back({{v[0], v[1]}});
            orientations.push_back(static_cast<int>(v[2]));
          }
        if (centres.empty())
          throw InputError(section + "Devices", "lists no device");
      }
    else
      {
        // Every other arrangement is a grid: a row is one column of
        // channels side by side, a column one row end to end, a cascade's
        // layers are its rows.
        // The entries are Integer(1): from 1 to INT_MAX, which unsigned holds.
        const auto count = [&](const char *entry) {
          return static_cast<unsigned int>(prm.get_integer(entry));
        };
        if (arrangement == "row")
          regular = {count("Count"), 1, along, across};
        else if (arrangement == "column")
          regular = {1, count("Count"), along, across};
        else if (arrangement == "lattice")
          regular = {count("Rows"), count("Columns"), along, across};
        else
          regular = {count("Layers"), count("Devices per layer"), along, positive("Layer pitch")};
        const std::string count_entry = arrangement == "lattice" ? "Rows" :
                                        arrangement == "cascade" ? "Layers" : "Count";
        check_device_count(count_entry, std::uint64_t(regular.rows) * regular.columns);
        place_grid(orientation);
      }
    build_blocks();
  }

  void
  Layout::place_grid(const int orientation)
  {
    // Offsets along (u) and across (v) the channel direction, centred on 0.
    const auto centred = [](const unsigned i, const unsigned n, const double pitch) {
      return (i - 0.5 * (n - 1)) * pitch;
    };
    centres.clear();
    orientations.assign(std::size_t(regular.rows) * regular.columns, orientation);
    for (unsigned r = 0; r < regular.rows; ++r)
      for (unsigned c = 0; c < regular.columns; ++c)
        {
          const double u = centred(c, regular.columns, regular.pitch_along);
          const double v = centred(r, regular.rows, regular.pitch_across);
          centres.push_back(orientation == 0 ? std::array<double, 2>{{u, v}} :
                                               std::array<double, 2>{{v, u}});
        }
  }

  Layout
  Layout::grid_patch(const unsigned int rows, const unsigned int columns) const
  {
    if (regular.rows == 0 || rows == 0 || columns == 0)
      throw std::logic_error("Layout::grid_patch: no grid or an empty patch");
    Layout       patch = *this;
    const int    orientation = orientations.front();
    const double shrink_u = (double(regular.columns) - columns) * regular.pitch_along;
    const double shrink_v = (double(regular.rows) - rows) * regular.pitch_across;
    (orientation == 0 ? patch.X : patch.Y) -= shrink_u;
    (orientation == 0 ? patch.Y : patch.X) -= shrink_v;
    patch.regular.rows    = rows;
    patch.regular.columns = columns;
    patch.place_grid(orientation);
    patch.build_blocks();
    return patch;
  }

  void
  Layout::build_blocks()
  {
    parts.clear();
    Block substrate;
    substrate.lo       = {{-X / 2, -Y / 2, -H}};
    substrate.hi       = {{X / 2, Y / 2, 0}};
    substrate.material = ThermalMaterials::sapphire;
    substrate.what     = "substrate";
    parts.push_back(substrate);
    const double top = t_vo2 + t_ti + t_au;
    for (unsigned i = 0; i < centres.size(); ++i)
      {
        // Boxes in channel coordinates (u along, v across), then rotated.
        const auto add = [&](const double u0, const double u1, const double half_width,
                             const double z0, const double z1,
                             const dealii::types::material_id m, const int device,
                             const std::string &what) {
          Block b;
          const bool along_x = orientations[i] == 0;
          const double cu = centres[i][along_x ? 0 : 1], cv = centres[i][along_x ? 1 : 0];
          b.lo[along_x ? 0 : 1] = cu + u0, b.hi[along_x ? 0 : 1] = cu + u1;
          b.lo[along_x ? 1 : 0] = cv - half_width, b.hi[along_x ? 1 : 0] = cv + half_width;
          b.lo[2] = z0, b.hi[2] = z1;
          b.material = m, b.device = device, b.owner = i;
          b.what     = "device " + std::to_string(i) + " " + what;
          parts.push_back(b);
        };
        const double a = L / 2, e = a + overlap, f = e + lead_length;
        add(-a, a, W / 2, 0, t_vo2, ThermalMaterials::vo2, i, "channel");
        for (const double s : {-1.0, 1.0})
          {
            const double u0 = s < 0 ? -e : a, u1 = s < 0 ? -a : e;
            const double l0 = s < 0 ? -f : e, l1 = s < 0 ? -e : f;
            add(u0, u1, W / 2, 0, t_vo2, ThermalMaterials::vo2, -1, "VO2 under electrode");
            add(u0, u1, W / 2, t_vo2, t_vo2 + t_ti, ThermalMaterials::titanium, -1, "Ti on VO2");
            add(u0, u1, W / 2, t_vo2 + t_ti, top, ThermalMaterials::gold, -1, "Au on VO2");
            add(l0, l1, lead_width / 2, 0, t_ti, ThermalMaterials::titanium, -1, "Ti lead");
            add(l0, l1, lead_width / 2, t_ti, top, ThermalMaterials::gold, -1, "Au lead");
          }
      }

    // Lengths so large that their sums overflow, or positions so far out
    // that a part rounds to no size, give no usable geometry.
    for (const auto &b : parts)
      for (unsigned d = 0; d < 3; ++d)
        if (!(std::isfinite(b.lo[d]) && std::isfinite(b.hi[d]) && b.lo[d] < b.hi[d]))
          throw InputError("Layout", b.what + " has no finite, nonzero size: lengths or "
                                              "positions too large for the others");

    // Everything on the substrate, nothing overlapping another device.
    const auto &s = parts.front();
    for (std::size_t p = 1; p < parts.size(); ++p)
      for (unsigned d = 0; d < 2; ++d)
        if (parts[p].lo[d] < s.lo[d] - 1e-15 || parts[p].hi[d] > s.hi[d] + 1e-15)
          throw InputError(section + "Substrate size " + std::string(d == 0 ? "x" : "y"),
                           parts[p].what + " lies outside the substrate");

    // Only devices whose bounding boxes meet can have parts that overlap
    // (one device's parts are built without overlap). Sorted along the axis
    // on which the devices spread most, each device is compared with those
    // that start before it ends: about linear for rows, columns and arrays,
    // where all pairs of parts are 2.6e11 comparisons at 256 x 256 devices.
    const auto overlap = [](const Block &a, const Block &b) {
      for (unsigned d = 0; d < 3; ++d)
        if (!(std::min(a.hi[d], b.hi[d]) - std::max(a.lo[d], b.lo[d]) > 1e-15))
          return false;
      return true;
    };
    const unsigned           n = centres.size();
    std::vector<std::size_t> first(n + 1, parts.size()); // device i: [first[i], first[i + 1])
    for (std::size_t p = parts.size() - 1; p > 0; --p)
      first[parts[p].owner] = p;
    std::vector<Block> bounds(n);
    for (unsigned i = 0; i < n; ++i)
      {
        bounds[i] = parts[first[i]];
        for (std::size_t p = first[i] + 1; p < first[i + 1]; ++p)
          for (unsigned d = 0; d < 3; ++d)
            {
              bounds[i].lo[d] = std::min(bounds[i].lo[d], parts[p].lo[d]);
              bounds[i].hi[d] = std::max(bounds[i].hi[d], parts[p].hi[d]);
            }
      }
    const auto spread = [&](const unsigned d) {
      const auto [a, b] = std::minmax_element(centres.begin(), centres.end(),
                                              [d](const auto &u, const auto &v) {
                                                return u[d] < v[d];
                                              });
      return n == 0 ? 0.0 : (*b)[d] - (*a)[d];
    };
    const unsigned        axis = spread(1) > spread(0) ? 1 : 0;
    std::vector<unsigned> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](const unsigned a, const unsigned b) {
      return bounds[a].lo[axis] < bounds[b].lo[axis];
    });
    for (unsigned a = 0; a < n; ++a)
      for (unsigned b = a + 1;
           b < n && bounds[order[b]].lo[axis] < bounds[order[a]].hi[axis] - 1e-15;
           ++b)
        if (overlap(bounds[order[a]], bounds[order[b]]))
          {
            const unsigned i = std::min(order[a], order[b]), j = std::max(order[a], order[b]);
            for (std::size_t p = first[i]; p < first[i + 1]; ++p)
              for (std::size_t q = first[j]; q < first[j + 1]; ++q)
                if (overlap(parts[p], parts[q]))
                  throw InputError(section + (regular.rows > 0 ? "Gap" : "Devices"),
                                   parts[p].what + " overlaps " + parts[q].what);
          }
  }

  int
  device_in(const std::vector<Block> &boxes, const dealii::Point<3> &p)
  {
    for (const auto &b : boxes)
      if (b.device >= 0 && b.contains(p))
        return b.device;
    return -1;
  }

  int
  Layout::device_at(const dealii::Point<3> &p) const
  {
    return device_in(parts, p);
  }

  int
  Layout::material_at(const dealii::Point<3> &p) const
  {
    // Later blocks sit on top of the substrate; search them first.
    for (auto b = parts.rbegin(); b != parts.rend(); ++b)
      if (b->contains(p))
        return b->material;
    return -1;
  }

  const Block &
  Layout::channel_box(const unsigned int i) const
  {
    for (const auto &b : parts)
      if (b.device == static_cast<int>(i))
        return b;
    throw std::out_of_range("no device " + std::to_string(i));
  }

  Block
  Layout::filament_box(const unsigned int i, const double fraction) const
  {
    if (!(fraction > 0 && fraction <= 1))
      throw std::invalid_argument("filament fraction of device " + std::to_string(i) +
                                  " must lie in (0, 1] but is " + parameter_tools::format_number(fraction));
    Block          b      = channel_box(i);
    const unsigned across = orientations[i] == 0 ? 1 : 0;
    const double   centre = 0.5 * (b.lo[across] + b.hi[across]);
    const double   half   = 0.5 * fraction * (b.hi[across] - b.lo[across]);
    b.lo[across] = centre - half, b.hi[across] = centre + half;
    b.what       = "device " + std::to_string(i) + " filament";
    return b;
  }

  std::vector<Block>
  Layout::filament_boxes(const std::vector<double> &fractions) const
  {
    if (fractions.size() != n_devices())
      throw std::invalid_argument(std::to_string(fractions.size()) + " filament fractions for " +
                                  std::to_string(n_devices()) + " devices");
    std::vector<Block> boxes;
    for (unsigned int i = 0; i < fractions.size(); ++i)
      boxes.push_back(filament_box(i, fractions[i]));
    return boxes;
  }

  void
  Layout::scale_substrate(const double factor)
  {
    X *= factor, Y *= factor, H *= factor;
    build_blocks();
  }
} // namespace neuristor
