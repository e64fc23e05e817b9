#include "solver/tools/layout_preview.h"

#include "mesh/mesh_generator.h"
#include "solver/app/plotting.h"
#include "solver/app/run_settings.h"
#include "solver/case/case_schema.h"
#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"
#include "solver/case/resource_limits.h"
#include "solver/io/json_file.h"
#include "solver/thermal_models/finite_element/layout_heat_model.h"

#include <deal.II/base/timer.h>

#include <iomanip>

namespace neuristor
{
  namespace
  {
    Json
    box_json(const Block &b)
    {
      return Json{{"lo_m", b.lo}, {"hi_m", b.hi}};
    }

    /** Parts, devices and materials of the layout for preview.json. */
    Json
    layout_json(const LayoutHeatModel &model, const RunSettings &run)
    {
      const auto &layout = model.layout;
      Json        parts  = Json::array();
      for (const auto &b : layout.blocks())
        {
          auto part = box_json(b);
          part["what"]        = b.what;
          part["material_id"] = b.material;
          part["material"]    = model.materials[b.material].name;
          part["device"]      = b.device;
          part["owner"]       = b.owner;
          parts.push_back(part);
        }
      Json devices = Json::array();
      for (unsigned int i = 0; i < layout.n_devices(); ++i)
        {
          auto device = box_json(layout.channel_box(i));
          device["id"]       = i;
          device["name"]     = run.device_name(i);
          device["centre_m"] = layout.device_centres()[i];
          devices.push_back(device);
        }
      Json materials = Json::array();
      const char *roles[] = {"substrate", "device channel (VO2)", "adhesion layer",
                             "electrodes and leads"};
      for (unsigned int id = 0; id < 4; ++id)
        materials.push_back(Json{{"material_id", id}, {"role", roles[id]},
                                 {"material", model.materials[id].name}});
      return Json{{"substrate", box_json(layout.substrate())},
                  {"parts", parts},
                  {"devices", devices},
                  {"materials", materials}};
    }
  } // namespace

  void
  run_preview(const CommandArguments &args, std::ostream &console)
  {
    dealii::ParameterHandler prm;
    case_schema::load_case(prm, args.case_file, args.overrides);
    RunSettings run;
    parameter_tools::in_subsection(prm, "Run", [&] { run.parse_parameters(prm); });
    if (run.thermal_model == "lumped")
      throw InputError("Run/Thermal model",
                       "is lumped: its devices are coupled by eta, with no layout to preview; "
                       "preview shows the Layout of the finite element, reduced and reduced "
                       "array models");
    LayoutHeatModel model(prm, LayoutHeatModel::ambient_temperature(prm));
    run.check_device_names(model.layout.n_devices());
    ResourceLimits limits;
    parameter_tools::in_subsection(prm, "Limits", [&] { limits.parse_parameters(prm); });
    model.apply_limits(limits); // refuses a mesh past Limits/Maximum mesh cells

    CommandFolder folder(args, prm, console);
    folder.on_root([&]() {
      dealii::Timer    clock;
      const TensorGrid grid   = layout_grid(model.layout, {}, model.max_cells);
      const GridCounts counts = count_grid(model.layout, grid);
      const auto      &stats  = counts.statistics;
      Json             json   = layout_json(model, run);
      json["case"]            = run.case_name;
      json["thermal_model"]   = run.thermal_model;
      json["grid_lines_m"]    = Json{{"x", grid.lines[0]}, {"y", grid.lines[1]}, {"z", grid.lines[2]}};
      json["mesh"] = Json{{"cells", stats.cells},
                          {"dofs", counts.vertices},
                          {"grid_cells", {grid.n_cells(0), grid.n_cells(1), grid.n_cells(2)}},
                          {"finest_cell_m", stats.min_cell_size},
                          {"largest_cell_m", stats.max_cell_size},
                          {"largest_aspect_ratio", stats.max_aspect_ratio}};
      write_json(folder.file("preview.json"), json);
      folder.console() << "Layout: " << model.layout.n_devices() << " device(s); mesh of "
                       << stats.cells << " cells (grid " << grid.n_cells(0) << " x "
                       << grid.n_cells(1) << " x " << grid.n_cells(2) << "), "
                       << counts.vertices << " DoFs, cells from " << std::setprecision(3)
                       << stats.min_cell_size * 1e9 << " nm to " << stats.max_cell_size * 1e6
                       << " um, aspect ratio up to " << stats.max_aspect_ratio << " (counted in "
                       << clock.wall_time() << " s)" << std::endl;
      if (run.plot)
        plot_folder("preview", folder.file("").string(), folder.console());
    });
    folder.finalize();
    console << "Preview in " << folder.final_path().string() << std::endl;
  }
} // namespace neuristor
