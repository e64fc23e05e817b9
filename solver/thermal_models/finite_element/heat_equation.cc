#include "solver/thermal_models/finite_element/heat_equation.h"

#include "solver/case/input_error.h"
#include "solver/io/vtu_writer.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include "solver/base/mpi_tools.h"

#include <algorithm>
#include <numeric>
#include <array>
#include <cmath>

namespace neuristor
{
  using namespace dealii;

  void
  HeatSolverSettings::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Polynomial degree", "1", Patterns::Integer(1, 2),
                      "Degree of the Lagrange elements (1 or 2) [dimensionless].");
    prm.declare_entry("Linear solver tolerance", "1e-8", Patterns::Double(0, 1),
                      "CG stops when the residual drops by this factor "
                      "[dimensionless].");
    prm.declare_entry("AMG strong threshold", "0.6", Patterns::Double(0, 1),
                      "BoomerAMG strong threshold; 0.5-0.7 suits 3-D "
                      "[dimensionless].");
    prm.declare_entry("AMG aggressive coarsening levels", "1", Patterns::Integer(0, 10),
                      "Levels of aggressive coarsening in BoomerAMG; lowers the "
                      "cost per cycle on 3-D meshes [dimensionless].");
    prm.declare_entry("AMG coarsening", "Falgout", Patterns::Selection("Falgout|HMIS|PMIS"),
                      "BoomerAMG coarsening (on the two-device layout Falgout "
                      "was 10 % faster than HMIS or PMIS).");
    prm.declare_entry("AMG smoother", "SORJacobi",
                      Patterns::Selection("SORJacobi|l1scaledJacobi|Chebyshev|l1GaussSeidel"),
                      "BoomerAMG relaxation on the way up and down.");
    prm.declare_entry("Preconditioner", "auto",
                      Patterns::Selection("auto|amg|jacobi|block jacobi"),
                      "Preconditioner of CG: BoomerAMG; point Jacobi; block Jacobi "
                      "with ILU(0) on each rank's block; or auto: block Jacobi for "
                      "steps under 1 us (a0/dt > 1e6 1/s), where the mass matrix "
                      "keeps ILU effective and it is 2-3x faster than AMG per solve "
                      "(co-simulation steps), AMG for longer and steady steps.");
  }

  void
  HeatSolverSettings::parse_parameters(const ParameterHandler &prm)
  {
    degree           = prm.get_integer("Polynomial degree");
    tolerance        = prm.get_double("Linear solver tolerance");
    strong_threshold = prm.get_double("AMG strong threshold");
    preconditioner   = prm.get("Preconditioner");
    aggressive_levels = prm.get_integer("AMG aggressive coarsening levels");
    coarsening        = prm.get("AMG coarsening");
    smoother          = prm.get("AMG smoother");
  }

  HeatEquation::HeatEquation(parallel::distributed::Triangulation<3> &triangulation,
                             const ThermalMaterials                  &materials,
                             const BoundaryConditions                &boundary_conditions,
                             const unsigned int                       n_devices,
                             const RegionFunction                    &device_of_point,
                             const HeatSolverSettings                &settings,
                             const double                             T0,
                             const RegionFunction                    &filament_of_point)
    : comm(triangulation.get_communicator())
    , triangulation(triangulation)
    , materials(materials)
    , boundary_conditions(boundary_conditions)
    , settings(settings)
    , T0(T0)
    , fe(settings.degree)
    , dof_handler(triangulation)
  {
    channels.vectors.resize(n_devices);
    if (filament_of_point)
      filaments.vectors.resize(n_devices);
    setup_system(device_of_point, filament_of_point);
    assemble_matrices();
  }

  void
  HeatEquation::setup_system(const RegionFunction &device_of_point,
                             const RegionFunction &filament_of_point)
  {
    dof_handler.distribute_dofs(fe);
    owned    = dof_handler.locally_owned_dofs();
    relevant = DoFTools::extract_locally_relevant_dofs(dof_handler);

    constraints.clear();
    constraints.reinit(relevant);
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    constraints.close();
    boundary_values.clear();
    for (const auto id : boundary_conditions.fixed)
      VectorTools::interpolate_boundary_values(dof_handler, id, Functions::ZeroFunction<3>(),
                                               boundary_values);

    DynamicSparsityPattern dsp(relevant);
    DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
    SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
    mass.reinit(owned, owned, dsp, comm);
    stiffness.reinit(owned, owned, dsp, comm);
    system.reinit(owned, owned, dsp, comm);
    for (auto *v : {&theta, &theta_old, &interior_indicator, &transfer_weights})
      v->reinit(owned, comm);
    // 1 at free DoFs, 0 at fixed-temperature DoFs.
    interior_indicator = 1;
    std::vector<PETScWrappers::MPI::Vector::size_type> fixed;
    fixed_rows.clear();
    for (const auto &[index, value] : boundary_values)
      if (owned.is_element(index))
        {
          fixed.push_back(index);
          fixed_rows.push_back(static_cast<PetscInt>(index));
        }
    interior_indicator.set(fixed, std::vector<PetscScalar>(fixed.size(), 0.0));
    interior_indicator.compress(VectorOperation::insert);

    setup_regions(device_of_point, "", channels);
    if (!has_filaments())
      return;
    setup_regions(filament_of_point, "'s filament", filaments);
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const int device = filaments.cell_device[cell->active_cell_index()];
          if (device >= 0 && channels.cell_device[cell->active_cell_index()] != device)
            throw std::logic_error("the filament of device " + std::to_string(device) +
                                   " leaves its channel");
        }
  }

  void
  HeatEquation::setup_regions(const RegionFunction &device_of_point,
                              const std::string    &what,
                              Regions              &region)
  {
    // b_i = int_{region i} phi / V_i: spreads P_i and averages T_i.
    const QGauss<3>     quadrature(settings.degree + 1);
    FEValues<3>         fe_values(fe, quadrature, update_values | update_JxW_values);
    Vector<double>      cell_b(fe.n_dofs_per_cell());
    std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
    for (auto &b : region.vectors)
      b.reinit(owned, comm);
    region.volumes.assign(region.vectors.size(), 0.0);
    region.cell_device.assign(triangulation.n_active_cells(), -1);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const int device = device_of_point(cell->center());
          region.cell_device[cell->active_cell_index()] = device;
          if (device < 0)
            continue;
          if (device >= static_cast<int>(region.vectors.size()))
            throw std::logic_error("region function returned an unknown device");
          fe_values.reinit(cell);
          cell_b = 0;
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            for (unsigned int i = 0; i < fe.n_dofs_per_cell(); ++i)
              cell_b(i) += fe_values.shape_value(i, q) * fe_values.JxW(q);
          region.volumes[device] += cell->measure();
          cell->get_dof_indices(dofs);
          constraints.distribute_local_to_global(cell_b, dofs, region.vectors[device]);
        }
    for (unsigned int i = 0; i < region.vectors.size(); ++i)
      {
        region.vectors[i].compress(VectorOperation::add);
        region.volumes[i] = Utilities::MPI::sum(region.volumes[i], comm);
        if (region.volumes[i] <= 0)
          throw InputError("Layout", "device " + std::to_string(i) + what +
                                       " covers no mesh cell (refine the mesh)");
        region.vectors[i] /= region.volumes[i];
      }
  }

  namespace
  {
    /**
     * Conductivity of a cell along each axis: k, lowered where a contact
     * conductance G sits on a face. Half of the contact resistance 1/G goes
     * to each of the two cells in series with their bulk resistance h/k
     * along the face normal, which is exact for heat flowing across a flat
     * interface (the mesh is axis-aligned and conforms to every interface).
     */
    Tensor<1, 3>
    axis_conductivities(const DoFHandler<3>::active_cell_iterator &cell,
                        const ThermalMaterials                    &materials)
    {
      const double k = materials[cell->material_id()].k;
      Tensor<1, 3> resistance; // h/k + sum 1/(2G) along each axis, m^2 K/W
      for (unsigned int d = 0; d < 3; ++d)
        resistance[d] = cell->extent_in_direction(d) / k;
      for (const unsigned int f : cell->face_indices())
        if (!cell->at_boundary(f))
          {
            const double G =
              materials.interface_conductance(cell->material_id(), cell->neighbor(f)->material_id());
            if (G > 0)
              resistance[f / 2] += 0.5 / G;
          }
      Tensor<1, 3> k_axis;
      for (unsigned int d = 0; d < 3; ++d)
        k_axis[d] = cell->extent_in_direction(d) / resistance[d];
      return k_axis;
    }
  } // namespace

  void
  HeatEquation::assemble_matrices()
  {
    const QGauss<3>    quadrature(settings.degree + 1);
    const QGauss<2>    face_quadrature(settings.degree + 1);
    FEValues<3>        fe_values(fe, quadrature,
                          update_values | update_gradients | update_JxW_values);
    FEFaceValues<3>    fe_face_values(fe, face_quadrature, update_values | update_JxW_values);
    const unsigned int n = fe.n_dofs_per_cell();
    FullMatrix<double> cell_mass(n, n), cell_stiffness(n, n);
    Vector<double>     cell_weights(n);
    std::vector<types::global_dof_index> dofs(n);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const double       rc     = materials[cell->material_id()].heat_capacity_per_volume();
          const Tensor<1, 3> k_axis = axis_conductivities(cell, materials);
          fe_values.reinit(cell);
          cell_mass      = 0;
          cell_stiffness = 0;
          cell_weights   = 0;
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            for (unsigned int i = 0; i < n; ++i)
              {
                Tensor<1, 3> flux_i = fe_values.shape_grad(i, q);
                for (unsigned int d = 0; d < 3; ++d)
                  flux_i[d] *= k_axis[d];
                for (unsigned int j = 0; j < n; ++j)
                  {
                    cell_mass(i, j) += rc * fe_values.shape_value(i, q) *
                                       fe_values.shape_value(j, q) * fe_values.JxW(q);
                    cell_stiffness(i, j) += flux_i * fe_values.shape_grad(j, q) * fe_values.JxW(q);
                  }
              }
          // Heat transfer h (T - T0) out of the boundary: a face mass term.
          for (const unsigned int f : cell->face_indices())
            if (cell->at_boundary(f))
              {
                const auto h = boundary_conditions.heat_transfer.find(cell->face(f)->boundary_id());
                if (h == boundary_conditions.heat_transfer.end())
                  continue;
                fe_face_values.reinit(cell, f);
                for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                  for (unsigned int i = 0; i < n; ++i)
                    {
                      const double w = h->second * fe_face_values.shape_value(i, q) *
                                       fe_face_values.JxW(q);
                      cell_weights(i) += w;
                      for (unsigned int j = 0; j < n; ++j)
                        cell_stiffness(i, j) += w * fe_face_values.shape_value(j, q);
                    }
              }
          cell->get_dof_indices(dofs);
          constraints.distribute_local_to_global(cell_mass, dofs, mass);
          constraints.distribute_local_to_global(cell_stiffness, dofs, stiffness);
          constraints.distribute_local_to_global(cell_weights, dofs, transfer_weights);
        }
    mass.compress(VectorOperation::add);
    stiffness.compress(VectorOperation::add);
    transfer_weights.compress(VectorOperation::add);
  }

  void
  HeatEquation::assemble_source(const Function<3> &source, PETScWrappers::MPI::Vector &f) const
  {
    const QGauss<3> quadrature(settings.degree + 2);
    FEValues<3>     fe_values(fe, quadrature,
                          update_values | update_quadrature_points | update_JxW_values);
    Vector<double>  cell_f(fe.n_dofs_per_cell());
    std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          cell_f = 0;
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const double value = source.value(fe_values.quadrature_point(q));
              for (unsigned int i = 0; i < fe.n_dofs_per_cell(); ++i)
                cell_f(i) += value * fe_values.shape_value(i, q) * fe_values.JxW(q);
            }
          cell->get_dof_indices(dofs);
          constraints.distribute_local_to_global(cell_f, dofs, f);
        }
    f.compress(VectorOperation::add);
  }

  void
  HeatEquation::prepare_step(const double dt)
  {
    if (!(dt > 0))
      throw std::invalid_argument("HeatEquation::prepare_step: dt must be > 0");
    // Variable-step BDF2 (BDF1 for the first step): theta' ~ (a0 theta^{n+1}
    // + a1 theta^n + a2 theta^{n-1}) / dt.
    a0 = 1, a1 = -1, a2 = 0;
    if (n_steps > 0)
      {
        const double w = dt / dt_old;
        a0             = (1 + 2 * w) / (1 + w);
        a1             = -(1 + w);
        a2             = w * w / (1 + w);
      }
    dt_prepared = dt;

    if (dt != system_dt || a0 != system_a0)
      {
        // K + a0/dt M with identity rows at fixed DoFs, in three PETSc calls
        // on the shared sparsity pattern (deal.II's add() and
        // apply_boundary_values() take the general, much slower paths).
        MatCopy(stiffness.petsc_matrix(), system.petsc_matrix(), SAME_NONZERO_PATTERN);
        MatAXPY(system.petsc_matrix(), a0 / dt, mass.petsc_matrix(), SAME_NONZERO_PATTERN);
        MatZeroRows(system.petsc_matrix(), fixed_rows.size(), fixed_rows.data(), 1.0, nullptr,
                    nullptr);
        system_dt = dt;
        system_a0 = a0;
        // The AMG hierarchy of a nearby a0/dt still preconditions well (CG
        // checks the result), and its setup costs several solves. Keep one
        // hierarchy per band [3^b, 3^(b+1)) of the mass weight a0/dt, so that
        // steps that jump between spikes and quiet phases reuse them all.
        const double weight = a0 / dt;
        const int    band   = static_cast<int>(std::floor(std::log(weight) / std::log(3.0)));
        auto        &slot   = preconditioners[band];
        if (!slot)
          {
            const std::string kind =
              settings.preconditioner != "auto" ? settings.preconditioner :
              weight > 1e6                      ? "block jacobi" :
                                                  "amg";
            if (kind == "jacobi")
              slot = std::make_unique<PETScWrappers::PreconditionJacobi>(system);
            else if (kind == "block jacobi")
              slot = std::make_unique<PETScWrappers::PreconditionBlockJacobi>(system);
            else
              {
                PETScWrappers::PreconditionBoomerAMG::AdditionalData data;
                data.symmetric_operator = true;
                data.strong_threshold   = settings.strong_threshold;
                data.aggressive_coarsening_num_levels = settings.aggressive_levels;
                using Relax = PETScWrappers::PreconditionBoomerAMG::AdditionalData::RelaxationType;
                const Relax relax = settings.smoother == "l1scaledJacobi" ? Relax::l1scaledJacobi :
                                    settings.smoother == "Chebyshev"      ? Relax::Chebyshev :
                                    settings.smoother == "l1GaussSeidel"  ? Relax::l1GaussSeidel :
                                                                            Relax::SORJacobi;
                data.relaxation_type_up   = relax;
                data.relaxation_type_down = relax;
                // deal.II has no field for the coarsening; hypre reads it
                // from the PETSc options database when the PC is set up.
                PetscOptionsSetValue(nullptr, "-pc_hypre_boomeramg_coarsen_type",
                                     settings.coarsening.c_str());
                slot = std::make_unique<PETScWrappers::PreconditionBoomerAMG>(system, data);
              }
            PCSetReusePreconditioner(slot->get_pc(), PETSC_TRUE);
            ++n_preconditioner_setups;
          }
        preconditioner = slot.get();
      }
  }

  const HeatEquation::Regions &
  HeatEquation::regions(const DeviceRegion region) const
  {
    if (region == DeviceRegion::channel)
      return channels;
    if (!has_filaments())
      throw std::logic_error("HeatEquation: a filament is asked for, but there are none");
    return filaments;
  }

  bool
  HeatEquation::splits(const std::vector<double> &filament_share) const
  {
    if (filament_share.empty())
      return false;
    if (filament_share.size() != channels.vectors.size())
      throw std::invalid_argument("HeatEquation: " + std::to_string(filament_share.size()) +
                                  " filament shares for " +
                                  std::to_string(channels.vectors.size()) + " devices");
    bool any = false;
    for (const double s : filament_share)
      {
        if (!(s >= 0 && s <= 1))
          throw std::invalid_argument("HeatEquation: filament share " + std::to_string(s) +
                                      " outside [0, 1]");
        any |= s > 0;
      }
    if (any && !has_filaments())
      throw std::logic_error("HeatEquation: power in a filament, but there are none");
    return any;
  }

  std::vector<double>
  HeatEquation::region_powers(const std::vector<double> &powers,
                              const std::vector<double> &filament_share) const
  {
    const std::size_t   n = channels.vectors.size();
    std::vector<double> p(powers.begin(), powers.begin() + std::min(powers.size(), n));
    if (!splits(filament_share))
      return p;
    p.resize(2 * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      {
        p[n + i] = filament_share[i] * p[i];
        p[i] -= p[n + i]; // the parts add up to P_i
      }
    return p;
  }

  PETScWrappers::MPI::Vector
  HeatEquation::source_vector(const std::vector<double> &region_power,
                              const Function<3>         *extra_source) const
  {
    PETScWrappers::MPI::Vector f(owned, comm);
    const std::size_t          n = channels.vectors.size();
    for (std::size_t k = 0; k < region_power.size(); ++k)
      if (region_power[k] != 0)
        f.add(region_power[k], (k < n ? channels : filaments).vectors[k % n]);
    if (extra_source)
      {
        PETScWrappers::MPI::Vector g(owned, comm);
        Function<3>               &src = const_cast<Function<3> &>(*extra_source);
        src.set_time(t + dt_prepared);
        assemble_source(src, g);
        f += g;
      }
    return f;
  }

  PETScWrappers::MPI::Vector
  HeatEquation::history_rate() const
  {
    PETScWrappers::MPI::Vector history(owned, comm);
    history.add(a1 / dt_prepared, theta, a2 / dt_prepared, theta_old);
    return history;
  }

  PETScWrappers::MPI::Vector
  HeatEquation::solve_system(PETScWrappers::MPI::Vector       &rhs,
                             const PETScWrappers::MPI::Vector &initial_guess,
                             const double                      reference_norm)
  {
    // Homogeneous Dirichlet rows: zero right-hand side (bulk, not per entry:
    // single-entry access to PETSc vectors is slow).
    rhs.scale(interior_indicator);
    PETScWrappers::MPI::Vector solution(initial_guess);
    SolverControl control(10000, std::max(settings.tolerance * reference_norm, 1e-300));
    PETScWrappers::SolverCG solver(control);
    solver.solve(system, solution, rhs, *preconditioner);
    n_linear_iterations += control.last_step();
    last_iterations = control.last_step();
    return solution;
  }

  PETScWrappers::MPI::Vector
  HeatEquation::extrapolated_state() const
  {
    PETScWrappers::MPI::Vector guess(theta);
    if (n_steps > 0)
      guess.add(dt_prepared / dt_old, theta, -dt_prepared / dt_old, theta_old);
    return guess;
  }

  PETScWrappers::MPI::Vector
  HeatEquation::solve_step(const std::vector<double>        &powers,
                           const Function<3>                *extra_source,
                           const std::vector<double>        &filament_share,
                           const PETScWrappers::MPI::Vector *initial_guess)
  {
    // M (a0 theta + a1 theta^n + a2 theta^{n-1}) / dt + K theta = f.
    PETScWrappers::MPI::Vector rhs(owned, comm);
    mass.vmult(rhs, history_rate());
    rhs.sadd(-1.0, 1.0, source_vector(region_powers(powers, filament_share), extra_source));
    // Start CG from the caller's guess or the linear extrapolation of the
    // last two steps: in smooth phases it is already close.
    const double norm = rhs.l2_norm();
    return solve_system(rhs, initial_guess ? *initial_guess : extrapolated_state(), norm);
  }

  PETScWrappers::MPI::Vector
  HeatEquation::unit_response(const unsigned int device, const DeviceRegion region)
  {
    PETScWrappers::MPI::Vector rhs(regions(region).vectors.at(device)), zero(owned, comm);
    const double norm = rhs.l2_norm();
    return solve_system(rhs, zero, norm);
  }

  void
  HeatEquation::commit(const PETScWrappers::MPI::Vector &solution,
                       const std::vector<double>        &powers,
                       const Function<3>                *extra_source,
                       const std::vector<double>        &filament_share)
  {
    // Energy: M theta' + K theta - f vanishes at interior DoFs; what is
    // left at the fixed-temperature DoFs is the heat leaving there. K holds
    // the transfer term, so its column sums are the weights int h phi ds:
    // that heat leaves through the transfer boundaries.
    const double               dt           = dt_prepared;
    const auto                 region_power = region_powers(powers, filament_share);
    const auto                 f            = source_vector(region_power, extra_source);
    PETScWrappers::MPI::Vector rate(history_rate()), residual(owned, comm), tmp(owned, comm);
    rate.add(a0 / dt, solution);
    mass.vmult(residual, rate);
    const double storage_rate = residual.mean_value() * residual.size();
    stiffness.vmult(tmp, solution);
    residual += tmp;
    residual -= f;
    const double boundary_sum = residual.mean_value() * residual.size() -
                                (residual * interior_indicator);
    balance.input += dt * f.mean_value() * f.size();
    balance.stored += dt * storage_rate;
    balance.out += dt * ((transfer_weights * solution) - boundary_sum);

    theta_old          = theta;
    theta              = solution;
    dt_old             = dt;
    last_region_powers = region_power;
    t += dt;
    ++n_steps;
  }

  unsigned int
  HeatEquation::step(const double               dt,
                     const std::vector<double> &powers,
                     const Function<3>         *extra_source,
                     const std::vector<double> &filament_share)
  {
    prepare_step(dt);
    const auto solution = solve_step(powers, extra_source, filament_share);
    commit(solution, powers, extra_source, filament_share);
    return last_iterations;
  }

  namespace
  {
    // A DoF's support point with theta and theta_old: fields saved in
    // position order read back on any partition of the same mesh.
    using PointValues = std::array<double, 5>;

    bool
    position_before(const PointValues &a, const PointValues &b)
    {
      return std::lexicographical_compare(a.begin(), a.begin() + 3, b.begin(), b.begin() + 3);
    }

    std::vector<std::pair<types::global_dof_index, Point<3>>>
    owned_support_points(const DoFHandler<3> &dof_handler, const IndexSet &owned)
    {
      std::map<types::global_dof_index, Point<3>> points;
      DoFTools::map_dofs_to_support_points(MappingQ1<3>(), dof_handler, points);
      std::vector<std::pair<types::global_dof_index, Point<3>>> result;
      for (const auto &entry : points)
        if (owned.is_element(entry.first))
          result.push_back(entry);
      return result;
    }
  } // namespace

  void
  HeatEquation::save_state(BinaryWriter &out) const
  {
    std::vector<PointValues> local;
    const PetscScalar       *now, *before;
    VecGetArrayRead(theta, &now);
    VecGetArrayRead(theta_old, &before);
    const auto first = *owned.begin();
    for (const auto &[dof, p] : owned_support_points(dof_handler, owned))
      local.push_back({{p[0], p[1], p[2], now[dof - first], before[dof - first]}});
    VecRestoreArrayRead(theta, &now);
    VecRestoreArrayRead(theta_old, &before);
    auto all = mpi_tools::gather(comm, local, false);
    std::sort(all.begin(), all.end(), position_before);
    out.put(all);
    // Without filament shares the region powers are the device powers:
    // the layout of checkpoints from before filaments.
    out(t, dt_old, n_steps, balance, last_region_powers, n_linear_iterations,
        n_preconditioner_setups);
  }

  void
  HeatEquation::load_state(BinaryReader &in)
  {
    std::vector<PointValues> saved;
    in.get(saved);
    if (saved.size() != dof_handler.n_dofs())
      throw std::runtime_error("the checkpoint holds a field of " + std::to_string(saved.size()) +
                               " DoFs, the mesh of this case has " +
                               std::to_string(dof_handler.n_dofs()));
    PetscScalar *now, *before;
    VecGetArray(theta, &now);
    VecGetArray(theta_old, &before);
    const auto first = *owned.begin();
    bool       found = true;
    for (const auto &[dof, p] : owned_support_points(dof_handler, owned))
      {
        const PointValues key{{p[0], p[1], p[2], 0, 0}};
        const auto        it = std::lower_bound(saved.begin(), saved.end(), key, position_before);
        found = found && it != saved.end() && !position_before(key, *it);
        if (found)
          now[dof - first] = (*it)[3], before[dof - first] = (*it)[4];
      }
    VecRestoreArray(theta, &now);
    VecRestoreArray(theta_old, &before);
    if (Utilities::MPI::min(found ? 1 : 0, comm) == 0)
      throw std::runtime_error("the checkpoint's field does not fit this case's mesh");
    in(t, dt_old, n_steps, balance, last_region_powers, n_linear_iterations,
       n_preconditioner_setups);
    const std::size_t n = channels.vectors.size();
    if (last_region_powers.size() > n &&
        (!has_filaments() || last_region_powers.size() != 2 * n))
      throw std::runtime_error("the checkpoint holds " + std::to_string(last_region_powers.size()) +
                               " region powers; this case has " + std::to_string(n) +
                               " devices" + (has_filaments() ? " with filaments" : ""));
  }

  void
  HeatEquation::save_fields(BinaryWriter                                          &out,
                            const std::vector<dealii::PETScWrappers::MPI::Vector> &fields) const
  {
    // The support points once, sorted; then each field in that order.
    using Point3 = std::array<double, 3>;
    const auto          support = owned_support_points(dof_handler, owned);
    std::vector<Point3> local;
    for (const auto &entry : support)
      local.push_back({{entry.second[0], entry.second[1], entry.second[2]}});
    const auto                 all = mpi_tools::gather(comm, local, false);
    std::vector<std::uint64_t> order(all.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](const auto a, const auto b) { return all[a] < all[b]; });
    std::vector<Point3> sorted;
    for (const auto k : order)
      sorted.push_back(all[k]);
    out.put(sorted);
    out.put(static_cast<std::uint64_t>(fields.size()));
    const auto first = *owned.begin();
    for (const auto &field : fields)
      {
        std::vector<double> values;
        const PetscScalar  *data;
        VecGetArrayRead(field, &data);
        for (const auto &entry : support)
          values.push_back(data[entry.first - first]);
        VecRestoreArrayRead(field, &data);
        const auto          gathered = mpi_tools::gather(comm, values, false);
        std::vector<double> in_order;
        for (const auto k : order)
          in_order.push_back(gathered[k]);
        out.put(in_order);
      }
  }

  void
  HeatEquation::load_fields(BinaryReader &in, std::vector<dealii::PETScWrappers::MPI::Vector> &fields) const
  {
    using Point3 = std::array<double, 3>;
    std::vector<Point3> sorted;
    std::uint64_t       n_fields = 0;
    in(sorted, n_fields);
    if (sorted.size() != dof_handler.n_dofs())
      throw std::runtime_error("stored fields have " + std::to_string(sorted.size()) +
                               " DoFs, the mesh of this case has " +
                               std::to_string(dof_handler.n_dofs()));
    const auto                                  support = owned_support_points(dof_handler, owned);
    std::vector<std::size_t>                    index; // of each owned DoF in the stored order
    bool                                        found = true;
    for (const auto &entry : support)
      {
        const Point3 key{{entry.second[0], entry.second[1], entry.second[2]}};
        const auto   it = std::lower_bound(sorted.begin(), sorted.end(), key);
        found           = found && it != sorted.end() && *it == key;
        index.push_back(found ? it - sorted.begin() : 0);
      }
    if (Utilities::MPI::min(found ? 1 : 0, comm) == 0)
      throw std::runtime_error("stored fields do not fit this case's mesh");
    fields.resize(n_fields);
    const auto first = *owned.begin();
    for (auto &field : fields)
      {
        std::vector<double> values;
        in.get(values);
        if (values.size() != sorted.size())
          throw std::runtime_error("a stored field has the wrong number of values");
        field.reinit(owned, comm);
        PetscScalar *data;
        VecGetArray(field, &data);
        for (std::size_t k = 0; k < support.size(); ++k)
          data[support[k].first - first] = values[index[k]];
        VecRestoreArray(field, &data);
      }
  }

  void
  HeatEquation::show_field(const PETScWrappers::MPI::Vector &rise,
                           const double                      time,
                           const std::vector<double>        &powers,
                           const std::vector<double>        &filament_share)
  {
    theta              = rise;
    t                  = time;
    last_region_powers = region_powers(powers, filament_share);
  }

  void
  HeatEquation::reset()
  {
    theta     = 0;
    theta_old = 0;
    t         = 0;
    dt_old    = 0;
    n_steps   = 0;
    balance   = EnergyBalance();
    last_region_powers.clear();
  }

  std::vector<double>
  HeatEquation::device_temperatures() const
  {
    return device_temperatures(theta, T0);
  }

  std::vector<double>
  HeatEquation::device_temperatures(const PETScWrappers::MPI::Vector &field,
                                    const double                      offset,
                                    const std::vector<double>        &filament_share) const
  {
    auto T = device_temperatures(field, offset, DeviceRegion::channel);
    if (splits(filament_share))
      {
        const auto T_filament = device_temperatures(field, offset, DeviceRegion::filament);
        for (unsigned int i = 0; i < T.size(); ++i)
          T[i] += filament_share[i] * (T_filament[i] - T[i]);
      }
    return T;
  }

  std::vector<double>
  HeatEquation::device_temperatures(const PETScWrappers::MPI::Vector &field,
                                    const double                      offset,
                                    const DeviceRegion                region) const
  {
    const auto         &vectors = regions(region).vectors;
    std::vector<double> T(vectors.size());
    for (unsigned int i = 0; i < T.size(); ++i)
      T[i] = offset + (vectors[i] * field);
    return T;
  }

  void
  HeatEquation::interpolate(const Function<3> &function)
  {
    VectorTools::interpolate(dof_handler, function, theta);
    theta_old = theta;
  }

  double
  HeatEquation::l2_error(const Function<3> &exact_theta) const
  {
    PETScWrappers::MPI::Vector ghosted(owned, relevant, comm);
    ghosted = theta;
    Vector<float> cellwise(triangulation.n_active_cells());
    VectorTools::integrate_difference(dof_handler, ghosted, exact_theta, cellwise,
                                      QGauss<3>(settings.degree + 2), VectorTools::L2_norm);
    return VectorTools::compute_global_error(triangulation, cellwise, VectorTools::L2_norm);
  }

  std::string
  HeatEquation::write_vtu(const std::string &folder, const unsigned int index) const
  {
    PETScWrappers::MPI::Vector rise(owned, relevant, comm);
    rise = theta;
    const unsigned int n_cells = triangulation.n_active_cells();
    const std::size_t  n       = channels.vectors.size();
    std::vector<float> material(n_cells), rank(n_cells), device(n_cells), filament(n_cells),
      source(n_cells);
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const unsigned int c = cell->active_cell_index();
          material[c]          = cell->material_id();
          rank[c]              = triangulation.locally_owned_subdomain();
          const int d          = channels.cell_device[c];
          const int f          = has_filaments() ? filaments.cell_device[c] : -1;
          device[c]            = d;
          filament[c]          = f;
          // Region powers: the channels', then the filaments' (if any).
          const auto &p = last_region_powers;
          if (d >= 0 && static_cast<std::size_t>(d) < p.size())
            source[c] += p[d] / channels.volumes[d];
          if (f >= 0 && n + f < p.size())
            source[c] += p[n + f] / filaments.volumes[f];
        }
    std::vector<VtuSeriesWriter::Field> constant = {{"material_id", material}, {"device_id", device}};
    if (has_filaments())
      constant.emplace_back("filament_device_id", filament);
    constant.emplace_back("mpi_rank", rank);

    if (fe.degree == 1)
      {
        // The mesh never changes: its geometry is encoded once.
        if (!vtu_writer)
          vtu_writer = std::make_unique<VtuSeriesWriter>(dof_handler, constant);
        return vtu_writer->write(folder, "temperature", index, t,
                                 {{"temperature_K", vtu_writer->point_values(rise, T0)},
                                  {"temperature_rise_K", vtu_writer->point_values(rise, 0.0)}},
                                 {{"heat_source_W_per_m3", source}});
      }

    // Higher degrees: deal.II's patches, which subdivide each cell.
    PETScWrappers::MPI::Vector temperature(owned, relevant, comm), T_owned(theta);
    T_owned.add(T0);
    temperature = T_owned;
    DataOut<3> data_out;
    data_out.attach_dof_handler(dof_handler);
    data_out.add_data_vector(temperature, "temperature_K");
    data_out.add_data_vector(rise, "temperature_rise_K");
    std::vector<Vector<float>> cell_fields;
    cell_fields.reserve(constant.size() + 1);
    constant.emplace(constant.begin(), "heat_source_W_per_m3", source);
    for (const auto &[name, values] : constant)
      {
        cell_fields.emplace_back(values.begin(), values.end());
        data_out.add_data_vector(cell_fields.back(), name);
      }
    data_out.build_patches(fe.degree);
    DataOutBase::VtkFlags flags(t, 0, false, DataOutBase::VtkFlags::best_speed);
    data_out.set_flags(flags);
    return data_out.write_vtu_with_pvtu_record(folder + "/", "temperature", index, comm, 5);
  }
} // namespace neuristor
