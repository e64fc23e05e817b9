#include "solver/thermal_models/reduced/array_model.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"
#include "solver/thermal_models/reduced/array_coupling.h"

#include <deal.II/distributed/fully_distributed_tria.h>

#include <cmath>
#include <sstream>

namespace neuristor
{
  using namespace dealii;

  void
  ReducedArraySettings::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Cutoff", "1e-3", Patterns::Double(0, 1),
                      "Offsets between devices whose steady rise is below this fraction of "
                      "a device's own are left out of the array's coupling; the patch "
                      "grows until its outer devices are below it [dimensionless].");
    prm.declare_entry("Patch half-width", "0", Patterns::Double(0),
                      "Distance from the heated centre device to the patch's outer devices "
                      "to start from, along and across the channels; 0 for twice the "
                      "substrate thickness [m].");
    prm.declare_entry("Multirate", "true", Patterns::Bool(),
                      "Devices far from every device whose power changes take each "
                      "coupling window in one go, while those near one take it in "
                      "shorter windows of their own; false: every device steps "
                      "through every window together [boolean].");
    prm.declare_entry("Field spacing", "200e-9", Patterns::Double(0),
                      "Distance between the points of the temperature field written at "
                      "Finite-element coupling/Field output interval: the substrate's "
                      "top, each device's share of the array cut into cells of about this "
                      "size (64 x 64 devices at 200 nm: 0.47 M cells, 8 MB per "
                      "snapshot) [m].");
  }

  void
  ReducedArraySettings::parse_parameters(const ParameterHandler &prm)
  {
    cutoff     = prm.get_double("Cutoff");
    half_width = prm.get_double("Patch half-width");
    multirate  = prm.get_bool("Multirate");
    field_spacing = prm.get_double("Field spacing");
    if (!(field_spacing > 0))
      throw InputError("Reduced array/Field spacing", "must be positive");
  }

  void
  ArrayReducedModel::declare_parameters(ParameterHandler &prm)
  {
    parameter_tools::in_subsection(prm, "Reduced array",
                                   [&] { ReducedArraySettings::declare_parameters(prm); });
  }

  ArrayReducedModel::ArrayReducedModel(ParameterHandler &prm)
    : ReducedModel(prm)
  {
    parameter_tools::in_subsection(prm, "Reduced array", [&] { array.parse_parameters(prm); });
    if (geometry.layout.grid().rows == 0)
      throw InputError("Layout/Arrangement",
                       "the reduced array model needs a regular array (lattice, row, column "
                       "or cascade); a list of devices has no translation invariance (use "
                       "Run/Thermal model = reduced)");
    if (coupling.filament_heating)
      throw InputError("Finite-element coupling/Filament heating",
                       "is not available with the reduced array model (use reduced)");
    if (coupling.field_interval > 0 && geometry.solver.degree != 1)
      throw InputError("Heat solver/Polynomial degree",
                       "the reduced array model's field needs 1 (or set Finite-element "
                       "coupling/Field output interval = 0)");
    // The patch does not depend on the array's size: arrays of one cell
    // and margin share their patch models (the patch's size joins the key).
    key = model_key(prm, {"Layout/Rows", "Layout/Columns", "Layout/Count", "Layout/Layers",
                          "Layout/Devices per layer", "Layout/Devices",
                          "Layout/Substrate size x", "Layout/Substrate size y"});
  }

  std::string
  ArrayReducedModel::description() const
  {
    const auto &grid = geometry.layout.grid();
    return "reduced array (" + std::to_string(grid.rows) + " x " + std::to_string(grid.columns) +
           ", translation-invariant) " + FiniteElementModel::description();
  }

  std::pair<std::shared_ptr<LatticeKernel>, std::shared_ptr<ArrayField>>
  ArrayReducedModel::patch_kernel(const CouplingContext         &context,
                                  const unsigned int             rows,
                                  const unsigned int             columns,
                                  const bool                     with_field,
                                  std::map<std::string, double> &counters) const
  {
    const unsigned int centre         = (rows / 2) * columns + columns / 2;
    auto               patch_settings = settings;
    patch_settings.check_devices      = {centre};
    auto patch   = geometry;
    patch.layout = geometry.layout.grid_patch(rows, columns);
    const auto        &box       = patch.layout.substrate();
    std::ostringstream patch_key;
    // In picometres: the same patch cut from arrays of other sizes differs
    // in the last bits of its substrate size.
    patch_key << key << "array patch " << rows << " x " << columns
              << " heated at its centre, substrate " << std::llround((box.hi[0] - box.lo[0]) * 1e12)
              << " x " << std::llround((box.hi[1] - box.lo[1]) * 1e12) << " pm\n";
    context.log << "Reduced array: patch of " << rows << " x " << columns << " devices"
                << std::endl;
    // The field needs the patch's mesh and modes (from the cache as well).
    parallel::fullydistributed::Triangulation<3> tria(context.comm);
    std::unique_ptr<HeatEquation>           heat;
    if (with_field)
      heat = patch.build(tria, context.log);
    const auto basis = load_or_build(
      context, patch_settings, patch_key.str(), heat.get(), with_field,
      [&] {
        if (!heat)
          heat = patch.build(tria, context.log);
        return build(*heat, 1, patch_settings, with_field, context.log, {centre});
      },
      counters);
    auto kernel = std::make_shared<LatticeKernel>(
      LatticeKernel::from_patch(*basis, rows, columns, array.cutoff));
    std::shared_ptr<ArrayField> field;
    if (with_field)
      field = std::make_shared<ArrayField>(*heat, basis->modes, patch.layout, rows, columns, *kernel,
                                           geometry.layout, array.field_spacing);
    return {kernel, field};
  }

  std::array<unsigned int, 2>
  ArrayReducedModel::first_patch_radii() const
  {
    const auto  &grid      = geometry.layout.grid();
    const double thickness = -geometry.layout.substrate().lo[2];
    const double reach     = array.half_width > 0 ? array.half_width : 2 * thickness;
    // Radii in grid steps, no larger than the array needs.
    return {{static_cast<unsigned int>(
               std::min<double>(std::ceil(reach / grid.pitch_across), grid.rows - 1)),
             static_cast<unsigned int>(
               std::min<double>(std::ceil(reach / grid.pitch_along), grid.columns - 1))}};
  }

  void
  ArrayReducedModel::apply_limits(const ResourceLimits &limits)
  {
    geometry.max_cells   = limits.mesh_cells;
    const auto [rows, columns] = first_patch_radii();
    check_mesh_size(geometry.layout.grid_patch(2 * rows + 1, 2 * columns + 1), {},
                    geometry.max_cells);
  }

  std::unique_ptr<CouplingScheme>
  ArrayReducedModel::couple(const CouplingContext &context) const
  {
    const auto &grid                     = geometry.layout.grid();
    auto [radius_rows, radius_columns]   = first_patch_radii();
    std::map<std::string, double>  counters;
    double                         builds = 0;
    for (unsigned int attempt = 0; attempt < 4; ++attempt)
      {
        const bool with_field = has_field() && context.folder;
        auto [kernel, field]  = patch_kernel(context, 2 * radius_rows + 1, 2 * radius_columns + 1,
                                             with_field, counters);
        builds += counters["reduced_model_builds"];
        // A patch edge the array reaches past must be below the cutoff.
        const bool grow_rows    = radius_rows + 1 < grid.rows && kernel->edge_rows > array.cutoff;
        const bool grow_columns = radius_columns + 1 < grid.columns &&
                                  kernel->edge_columns > array.cutoff;
        std::ostringstream line;
        line << "Reduced array: order " << kernel->order() << ", " << kernel->offsets.size()
             << " offsets within the cutoff; the patch's outer rows rise "
             << kernel->edge_rows << " and outer columns " << kernel->edge_columns
             << " of the heated device's steady rise";
        context.log << line.str() << std::endl;
        if (!grow_rows && !grow_columns)
          {
            counters["reduced_model_builds"]  = builds;
            counters["array_patch_rows"]       = 2 * radius_rows + 1;
            counters["array_patch_columns"]    = 2 * radius_columns + 1;
            counters["array_offsets"]          = kernel->offsets.size();
            return std::make_unique<ArrayCoupling>(context, kernel, field, grid, coupling,
                                                   geometry.T0, array.multirate, counters);
          }
        if (grow_rows)
          radius_rows = std::min(grid.rows - 1, radius_rows + (radius_rows + 1) / 2);
        if (grow_columns)
          radius_columns = std::min(grid.columns - 1, radius_columns + (radius_columns + 1) / 2);
      }
    throw InputError("Reduced array/Cutoff",
                     "the patch's outer devices still rise more than the cutoff after 4 "
                     "enlargements; raise the cutoff or Patch half-width");
  }
} // namespace neuristor
