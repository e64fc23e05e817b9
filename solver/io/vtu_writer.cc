#include "solver/io/vtu_writer.h"

#include "solver/base/mpi_tools.h"
#include "solver/io/output_file.h"

#include <deal.II/base/data_out_base.h>
#include <deal.II/base/utilities.h>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace neuristor
{
  using namespace dealii;

  VtuSeriesWriter::VtuSeriesWriter(const DoFHandler<3> &dof_handler,
                                   const std::vector<Field> &constant_cell_fields)
    : comm(dof_handler.get_communicator())
    , n_active_cells(dof_handler.get_triangulation().n_active_cells())
  {
    if (dof_handler.get_fe().dofs_per_cell != GeometryInfo<3>::vertices_per_cell)
      throw std::logic_error("VtuSeriesWriter: needs Q1 elements (one DoF per vertex)");
    // Q1 DoF v of a cell sits at its vertex v (lexicographic); VTK's
    // hexahedron goes round the bottom face, then the top.
    constexpr std::array<unsigned int, 8> vtk_order = {{0, 1, 3, 2, 4, 5, 7, 6}};
    std::unordered_map<types::global_dof_index, std::uint32_t> point_of_dof;
    std::vector<float>                                          points;
    std::vector<std::uint32_t>                                  connectivity;
    std::vector<types::global_dof_index>                        dofs(8);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          cell->get_dof_indices(dofs);
          for (const unsigned int v : vtk_order)
            {
              const auto [it, added] = point_of_dof.emplace(dofs[v], point_dofs.size());
              if (added)
                {
                  point_dofs.push_back(dofs[v]);
                  for (unsigned int d = 0; d < 3; ++d)
                    points.push_back(cell->vertex(v)[d]);
                }
              connectivity.push_back(it->second);
            }
          cell_indices.push_back(cell->active_cell_index());
        }
    set_geometry(points, connectivity, constant_cell_fields);
  }

  VtuSeriesWriter::VtuSeriesWriter(const MPI_Comm                    comm,
                                   const std::vector<float>         &points,
                                   const std::vector<std::uint32_t> &hexahedra,
                                   const std::vector<Field>         &constant_cell_fields)
    : comm(comm)
    , n_active_cells(hexahedra.size() / 8)
  {
    cell_indices.resize(n_active_cells);
    std::iota(cell_indices.begin(), cell_indices.end(), 0u);
    set_geometry(points, hexahedra, constant_cell_fields);
  }

  void
  VtuSeriesWriter::set_geometry(const std::vector<float>         &points,
                                const std::vector<std::uint32_t> &connectivity,
                                const std::vector<Field>         &constant_cell_fields)
  {
    n_points = points.size() / 3;
    std::vector<std::uint32_t> offsets(cell_indices.size());
    for (std::size_t c = 0; c < offsets.size(); ++c)
      offsets[c] = 8 * (c + 1);
    const std::vector<std::uint8_t> types(cell_indices.size(), 12); // VTK_HEXAHEDRON
    geometry = {compressed(points.data(), points.size() * sizeof(float)),
                compressed(connectivity.data(), connectivity.size() * sizeof(std::uint32_t)),
                compressed(offsets.data(), offsets.size() * sizeof(std::uint32_t)),
                compressed(types.data(), types.size())};
    for (const auto &[name, values] : constant_cell_fields)
      {
        const auto owned = owned_cell_values(values);
        constant_cells.emplace_back(name, compressed(owned.data(), owned.size() * sizeof(float)));
      }
  }

  std::string
  VtuSeriesWriter::compressed(const void *data, const std::size_t bytes)
  {
    uLongf      size = compressBound(bytes);
    std::string block(4 * sizeof(std::uint32_t) + size, '\0');
    if (bytes > 0 &&
        compress2(reinterpret_cast<Bytef *>(&block[4 * sizeof(std::uint32_t)]), &size,
                  static_cast<const Bytef *>(data), bytes, Z_BEST_SPEED) != Z_OK)
      throw std::runtime_error("VtuSeriesWriter: zlib compression failed");
    if (bytes == 0)
      size = 0;
    const std::uint32_t header[4] = {bytes > 0 ? 1u : 0u, static_cast<std::uint32_t>(bytes),
                                     static_cast<std::uint32_t>(bytes),
                                     static_cast<std::uint32_t>(size)};
    const std::size_t   header_bytes = (bytes > 0 ? 4 : 3) * sizeof(std::uint32_t);
    std::string         out(reinterpret_cast<const char *>(header), header_bytes);
    out.append(block, 4 * sizeof(std::uint32_t), size);
    return out;
  }

  std::vector<float>
  VtuSeriesWriter::owned_cell_values(const std::vector<float> &by_active_index) const
  {
    if (by_active_index.size() != n_active_cells)
      throw std::logic_error("VtuSeriesWriter: a cell field needs one value per active cell");
    std::vector<float> owned;
    owned.reserve(cell_indices.size());
    for (const unsigned int c : cell_indices)
      owned.push_back(by_active_index[c]);
    return owned;
  }

  std::vector<float>
  VtuSeriesWriter::point_values(const LA::MPI::Vector &ghosted, const double offset) const
  {
    std::vector<float> values;
    values.reserve(n_points);
    for (const auto dof : point_dofs)
      values.push_back(ghosted[dof] + offset);
    return values;
  }

  std::string
  VtuSeriesWriter::write(const std::string        &folder,
                         const std::string        &base,
                         const unsigned int        index,
                         const double              time,
                         const std::vector<Field> &point_fields,
                         const std::vector<Field> &cell_fields) const
  {
    const unsigned int rank    = Utilities::MPI::this_mpi_process(comm);
    const std::string  stem    = base + "_" + Utilities::int_to_string(index, 5);
    const auto         piece   = [&](const unsigned int r) { return stem + "." + std::to_string(r) + ".vtu"; };

    // The XML header lists every array with its offset into the appended data.
    std::ostringstream  xml;
    std::vector<const std::string *> blocks;
    std::vector<std::string>         fresh; // blocks compressed for this snapshot
    fresh.reserve(point_fields.size() + cell_fields.size());
    std::size_t offset = 0;
    const auto  array  = [&](const std::string &type, const std::string &name,
                            const unsigned int components, const std::string *block) {
      xml << "        <DataArray type=\"" << type << "\"" << (name.empty() ? "" : " Name=\"" + name + "\"")
          << (components > 1 ? " NumberOfComponents=\"" + std::to_string(components) + "\"" : "")
          << " format=\"appended\" offset=\"" << offset << "\"/>\n";
      blocks.push_back(block);
      offset += block->size();
    };
    xml << "<?xml version=\"1.0\"?>\n"
        << "<VTKFile type=\"UnstructuredGrid\" version=\"1.0\" byte_order=\"LittleEndian\" "
           "header_type=\"UInt32\" compressor=\"vtkZLibDataCompressor\">\n"
        << "  <UnstructuredGrid>\n"
        << "    <FieldData>\n"
        << "      <DataArray type=\"Float64\" Name=\"TIME\" NumberOfTuples=\"1\" format=\"ascii\">"
        << std::setprecision(17) << time << "</DataArray>\n"
        << "    </FieldData>\n"
        << "    <Piece NumberOfPoints=\"" << n_points << "\" NumberOfCells=\"" << cell_indices.size()
        << "\">\n      <PointData>\n";
    for (const auto &[name, values] : point_fields)
      {
        if (values.size() != n_points)
          throw std::logic_error("VtuSeriesWriter: point field " + name + " has the wrong length");
        fresh.push_back(compressed(values.data(), values.size() * sizeof(float)));
        array("Float32", name, 1, &fresh.back());
      }
    xml << "      </PointData>\n      <CellData>\n";
    for (const auto &[name, values] : cell_fields)
      {
        const auto owned = owned_cell_values(values);
        fresh.push_back(compressed(owned.data(), owned.size() * sizeof(float)));
        array("Float32", name, 1, &fresh.back());
      }
    for (const auto &[name, block] : constant_cells)
      array("Float32", name, 1, &block);
    xml << "      </CellData>\n      <Points>\n";
    array("Float32", "", 3, &geometry[0]);
    xml << "      </Points>\n      <Cells>\n";
    array("UInt32", "connectivity", 1, &geometry[1]);
    array("UInt32", "offsets", 1, &geometry[2]);
    array("UInt8", "types", 1, &geometry[3]);
    xml << "      </Cells>\n    </Piece>\n  </UnstructuredGrid>\n"
        << "  <AppendedData encoding=\"raw\">\n_";
    collectively(comm, [&]() {
      OutputFile out(folder + "/" + piece(rank), std::ios::binary);
      out << xml.str();
      for (const auto *block : blocks)
        out.write(block->data(), block->size());
      out << "\n  </AppendedData>\n</VTKFile>\n";
      out.close();
      if (rank != 0)
        return;
      {
        OutputFile record(folder + "/" + stem + ".pvtu");
        record << "<?xml version=\"1.0\"?>\n"
               << "<VTKFile type=\"PUnstructuredGrid\" version=\"1.0\" byte_order=\"LittleEndian\" "
                  "header_type=\"UInt32\">\n"
               << "  <PUnstructuredGrid GhostLevel=\"0\">\n    <PPointData>\n";
        for (const auto &field : point_fields)
          record << "      <PDataArray type=\"Float32\" Name=\"" << field.first << "\"/>\n";
        record << "    </PPointData>\n    <PCellData>\n";
        for (const auto &field : cell_fields)
          record << "      <PDataArray type=\"Float32\" Name=\"" << field.first << "\"/>\n";
        for (const auto &field : constant_cells)
          record << "      <PDataArray type=\"Float32\" Name=\"" << field.first << "\"/>\n";
        record << "    </PCellData>\n    <PPoints>\n"
               << "      <PDataArray type=\"Float32\" NumberOfComponents=\"3\"/>\n"
               << "    </PPoints>\n";
        for (unsigned int r = 0; r < Utilities::MPI::n_mpi_processes(comm); ++r)
          record << "    <Piece Source=\"" << piece(r) << "\"/>\n";
        record << "  </PUnstructuredGrid>\n</VTKFile>\n";
        record.close();
      }
    });
    return stem + ".pvtu";
  }

  void
  write_pvd_series(const MPI_Comm                                     comm,
                   const std::string                                 &file,
                   const std::vector<std::pair<double, std::string>> &records)
  {
    collectively(comm, [&]() {
      if (records.empty() || Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      OutputFile pvd(file);
      DataOutBase::write_pvd_record(pvd, records);
      pvd.close();
    });
  }
} // namespace neuristor
