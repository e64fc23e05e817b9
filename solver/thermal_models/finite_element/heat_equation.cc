#include "solver/thermal_models/finite_element/heat_equation.h"
#include "solver/coupling/bdf2.h"

#include "solver/case/input_error.h"
#include "solver/io/vtu_writer.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/solver_control.h>
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
                      Patterns::Selection("auto|amg|jacobi|block jacobi|ssor"),
                      "Preconditioner of CG: BoomerAMG; point Jacobi; block Jacobi "
                      "with ILU(0) on each rank's block; ssor: symmetric SOR sweeps "
                      "on each rank's block, which keeps no copy of the matrix (ILU "
                      "keeps one) at 1.2-1.5x the time per step of block Jacobi; "
                      "or auto: block Jacobi for "
                      "steps under 1 us (a0/dt > 1e6 1/s), where the mass matrix "
                      "keeps ILU effective and it is 2-3x faster than AMG per solve "
                      "(co-simulation steps), AMG for longer and steady steps.");
    prm.declare_entry("Mass matrix", "consistent", Patterns::Selection("consistent|lumped"),
                      "consistent: the Galerkin mass matrix (the published results); "
                      "lumped: its row sums on the diagonal, which keeps node "
                      "temperatures from dipping below the ambient after a spike "
                      "(the consistent matrix lets a few nodes next to a cooling "
                      "channel undershoot by up to ~3 K for a few ns; see README).");

    prm.declare_entry("Time scheme", "BDF2", Patterns::Selection("BDF2|backward Euler"),
                      "BDF2: second order with variable steps (backward Euler on "
                      "the first step); backward Euler: first order on every step "
                      "(for comparisons with codes that use it).");
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
    lumped_mass       = prm.get("Mass matrix") == "lumped";
    backward_euler    = prm.get("Time scheme") == "backward Euler";
  }

  HeatEquation::HeatEquation(parallel::TriangulationBase<3> &triangulation,
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
    setup_system(n_devices, device_of_point, filament_of_point);
    assemble_matrices();
  }

  void
  HeatEquation::setup_system(const unsigned int    n_devices,
                             const RegionFunction &device_of_point,
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

    // The system matrix takes its pattern from the cells; the others copy it.
    Assert(constraints.n_constraints() == 0, ExcMessage("the generated mesh has no hanging nodes"));
    system.reinit_cell_pattern(dof_handler, owned, comm);
    // A lumped mass is a vector and then K is needed only through the
    // system matrix (see build_system): one matrix instead of three.
    if (!settings.lumped_mass)
      {
        mass.reinit(system);
        stiffness.reinit(system);
      }
    for (auto *v : {&theta, &theta_old, &interior_indicator, &transfer_weights, &mass_row_sums})
      v->reinit(owned, comm);
    if (settings.lumped_mass)
      stiffness_diagonal.reinit(owned, comm);
    // 1 at free DoFs, 0 at fixed-temperature DoFs.
    interior_indicator = 1;
    std::vector<LA::MPI::Vector::size_type> fixed;
    fixed_rows.clear();
    for (const auto &[index, value] : boundary_values)
      if (owned.is_element(index))
        {
          fixed.push_back(index);
          fixed_rows.push_back(static_cast<PetscInt>(index));
        }
    interior_indicator.set(fixed, std::vector<PetscScalar>(fixed.size(), 0.0));
    interior_indicator.compress(VectorOperation::insert);

    devices = std::make_unique<DeviceRegions>(dof_handler, constraints, owned, n_devices,
                                              device_of_point, filament_of_point);
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
    Vector<double>     cell_weights(n), cell_mass_diagonal(n);
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
          if (settings.lumped_mass)
            lump(cell_mass);
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
          if (settings.lumped_mass)
            {
              for (unsigned int i = 0; i < n; ++i)
                cell_mass_diagonal(i) = cell_mass(i, i);
              constraints.distribute_local_to_global(cell_mass_diagonal, dofs, mass_row_sums);
              constraints.distribute_local_to_global(cell_stiffness, dofs,
                                                     static_cast<LA::MPI::SparseMatrix &>(system));
            }
          else
            {
              constraints.distribute_local_to_global(cell_mass, dofs, mass);
              constraints.distribute_local_to_global(cell_stiffness, dofs, stiffness);
            }
          constraints.distribute_local_to_global(cell_weights, dofs, transfer_weights);
        }
    transfer_weights.compress(VectorOperation::add);
    if (settings.lumped_mass)
      {
        mass_row_sums.compress(VectorOperation::add);
        system.compress(VectorOperation::add);
        MatGetDiagonal(system.petsc_matrix(), stiffness_diagonal);
        build_system(0.0); // K until a step is prepared
      }
    else
      {
        mass.compress(VectorOperation::add);
        stiffness.compress(VectorOperation::add);
        LA::MPI::Vector ones(owned, comm);
        ones = 1;
        mass.vmult(mass_row_sums, ones);
      }
  }

  void
  HeatEquation::build_system(const double weight)
  {
    if (settings.lumped_mass)
      {
        // Only the diagonal depends on the weight: set it, never add to it,
        // so the matrix does not depend on the steps before (a resumed run
        // repeats an uninterrupted one to the last bit).
        LA::MPI::Vector diagonal(stiffness_diagonal);
        diagonal.add(weight, mass_row_sums);
        MatDiagonalSet(system.petsc_matrix(), diagonal, INSERT_VALUES);
      }
    else
      {
        // K + weight M with identity rows at fixed DoFs, in three PETSc
        // calls on the shared sparsity pattern (deal.II's add() and
        // apply_boundary_values() take the general, much slower paths).
        MatCopy(stiffness.petsc_matrix(), system.petsc_matrix(), SAME_NONZERO_PATTERN);
        MatAXPY(system.petsc_matrix(), weight, mass.petsc_matrix(), SAME_NONZERO_PATTERN);
      }
    MatZeroRows(system.petsc_matrix(), fixed_rows.size(), fixed_rows.data(), 1.0, nullptr, nullptr);
    system_weight = weight;
  }

  void
  HeatEquation::apply_mass(LA::MPI::Vector &dst, const LA::MPI::Vector &src) const
  {
    if (settings.lumped_mass)
      {
        dst = src;
        dst.scale(mass_row_sums);
      }
    else
      mass.vmult(dst, src);
  }

  void
  HeatEquation::apply_stiffness(LA::MPI::Vector &dst, const LA::MPI::Vector &src)
  {
    if (!settings.lumped_mass)
      {
        stiffness.vmult(dst, src);
        return;
      }
    // The system matrix with K's diagonal is K at the free rows; the
    // weight's diagonal is set back exactly as it was.
    const double weight = system_weight;
    build_system(0.0);
    system.vmult(dst, src);
    dst.scale(interior_indicator);
    build_system(weight);
  }

  void
  HeatEquation::lump(FullMatrix<double> &cell_mass)
  {
    for (unsigned int i = 0; i < cell_mass.m(); ++i)
      {
        double row_sum = 0;
        for (unsigned int j = 0; j < cell_mass.n(); ++j)
          {
            row_sum += cell_mass(i, j);
            cell_mass(i, j) = 0;
          }
        cell_mass(i, i) = row_sum;
      }
  }

  namespace
  {
    // Whether a cell is an axis-aligned box: each vertex at lo + its bits times the extents.
    bool
    is_box(const DoFHandler<3>::active_cell_iterator &cell, Tensor<1, 3> &extent)
    {
      const Point<3> lo = cell->vertex(0);
      extent            = cell->vertex(7) - lo;
      for (const unsigned int v : cell->vertex_indices())
        for (unsigned int d = 0; d < 3; ++d)
          if (std::abs(cell->vertex(v)[d] - lo[d] - ((v >> d) & 1) * extent[d]) >
              1e-12 * std::abs(extent[d]))
            return false;
      return true;
    }
  } // namespace

  void
  HeatEquation::assemble_source(const Function<3> &source, LA::MPI::Vector &f) const
  {
    // On box cells the quadrature points and weights follow from the
    // extents (FEValues' mapping took 4x the time of the rest); Lagrange
    // shape values at the quadrature points are the reference cell's.
    const QGauss<3>     quadrature(settings.degree + 2);
    const unsigned int  n = fe.n_dofs_per_cell();
    std::vector<double> shape(n * quadrature.size());
    for (unsigned int q = 0; q < quadrature.size(); ++q)
      for (unsigned int i = 0; i < n; ++i)
        shape[q * n + i] = fe.shape_value(i, quadrature.point(q));
    FEValues<3>    fe_values(fe, quadrature, update_quadrature_points | update_JxW_values);
    Vector<double> cell_f(n);
    std::vector<types::global_dof_index> dofs(n);
    Tensor<1, 3>                         extent;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const bool box = is_box(cell, extent);
          if (!box)
            fe_values.reinit(cell);
          cell_f = 0;
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              Point<3> x   = cell->vertex(0);
              double   JxW = extent[0] * extent[1] * extent[2] * quadrature.weight(q);
              if (box)
                for (unsigned int d = 0; d < 3; ++d)
                  x[d] += extent[d] * quadrature.point(q)[d];
              else
                x = fe_values.quadrature_point(q), JxW = fe_values.JxW(q);
              const double value = source.value(x) * JxW;
              for (unsigned int i = 0; i < n; ++i)
                cell_f(i) += value * shape[q * n + i];
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
    const auto a = bdf2_coefficients(dt, dt_old, n_steps == 0 || settings.backward_euler);
    a0 = a[0], a1 = a[1], a2 = a[2];
    dt_prepared = dt;

    if (dt != system_dt || a0 != system_a0)
      {
        build_system(a0 / dt);
        system_dt = dt;
        system_a0 = a0;
        preconditioner = &preconditioners.get(system, a0 / dt);
      }
  }

  LA::MPI::Vector
  HeatEquation::source_vector(const std::vector<double> &region_power,
                              const Function<3>         *extra_source) const
  {
    LA::MPI::Vector f(owned, comm);
    devices->add_sources(f, region_power);
    if (steady_source.size() > 0)
      f += steady_source;
    if (extra_source)
      {
        LA::MPI::Vector g(owned, comm);
        Function<3>               &src = const_cast<Function<3> &>(*extra_source);
        src.set_time(t + dt_prepared);
        assemble_source(src, g);
        f += g;
      }
    return f;
  }

  LA::MPI::Vector
  HeatEquation::history_rate() const
  {
    LA::MPI::Vector history(owned, comm);
    history.add(a1 / dt_prepared, theta, a2 / dt_prepared, theta_old);
    return history;
  }

  LA::MPI::Vector
  HeatEquation::solve_system(LA::MPI::Vector       &rhs,
                             const LA::MPI::Vector &initial_guess,
                             const double                      reference_norm)
  {
    // Homogeneous Dirichlet rows: zero right-hand side (bulk, not per entry:
    // single-entry access to PETSc vectors is slow).
    rhs.scale(interior_indicator);
    LA::MPI::Vector solution(initial_guess);
    SolverControl control(10000, std::max(settings.tolerance * reference_norm, 1e-300));
    PETScWrappers::SolverCG solver(control);
    solver.solve(system, solution, rhs, *preconditioner);
    n_linear_iterations += control.last_step();
    last_iterations = control.last_step();
    return solution;
  }

  LA::MPI::Vector
  HeatEquation::extrapolated_state() const
  {
    LA::MPI::Vector guess(theta);
    if (n_steps > 0)
      guess.add(dt_prepared / dt_old, theta, -dt_prepared / dt_old, theta_old);
    return guess;
  }

  LA::MPI::Vector
  HeatEquation::solve_step(const std::vector<double>        &powers,
                           const Function<3>                *extra_source,
                           const std::vector<double>        &filament_share,
                           const LA::MPI::Vector *initial_guess)
  {
    // M (a0 theta + a1 theta^n + a2 theta^{n-1}) / dt + K theta = f.
    LA::MPI::Vector rhs(owned, comm);
    apply_mass(rhs, history_rate());
    rhs.sadd(-1.0, 1.0, source_vector(devices->region_powers(powers, filament_share), extra_source));
    // Start CG from the caller's guess or the linear extrapolation of the
    // last two steps: in smooth phases it is already close.
    const double norm = rhs.l2_norm();
    return solve_system(rhs, initial_guess ? *initial_guess : extrapolated_state(), norm);
  }

  LA::MPI::Vector
  HeatEquation::unit_response(const unsigned int device, const DeviceRegion region)
  {
    LA::MPI::Vector rhs(devices->vector(device, region)), zero(owned, comm);
    const double norm = rhs.l2_norm();
    return solve_system(rhs, zero, norm);
  }

  void
  HeatEquation::commit(const LA::MPI::Vector &solution,
                       const std::vector<double>        &powers,
                       const Function<3>                *extra_source,
                       const std::vector<double>        &filament_share)
  {
    // Energy: the residual r = M theta' + K theta - f vanishes at free DoFs
    // (to CG's tolerance); its sum at the fixed-temperature DoFs is the heat
    // leaving there. The columns of K sum to the transfer weights int h phi
    // ds (diffusion conserves heat), so sum(r) = stored + transfer_weights .
    // theta - input, and what leaves through fixed and transfer boundaries
    // together is input - stored + (sum of r at the free DoFs). At free rows
    // the system matrix is K + (a0/dt) M, so r there is S theta + M (history) - f.
    const double    dt           = dt_prepared;
    const auto      region_power = devices->region_powers(powers, filament_share);
    const auto      f            = source_vector(region_power, extra_source);
    const double    input_rate   = f.mean_value() * f.size();
    // The stored heat's rate is 1 . M theta' = (M 1) . theta' (M symmetric).
    LA::MPI::Vector rate(history_rate()), residual(owned, comm);
    apply_mass(residual, rate); // M (history)
    rate.add(a0 / dt, solution);
    const double    storage_rate = mass_row_sums * rate;
    LA::MPI::Vector tmp(owned, comm);
    system.vmult(tmp, solution);
    residual += tmp;
    residual -= f;
    balance.input += dt * input_rate;
    balance.stored += dt * storage_rate;
    balance.out += dt * (input_rate - storage_rate + (residual * interior_indicator));

    PetscReal lowest = 0, highest = 0; // collective
    VecMin(solution, nullptr, &lowest);
    VecMax(solution, nullptr, &highest);
    extremes           = {{std::min(extremes[0], static_cast<double>(lowest)),
                           std::max(extremes[1], static_cast<double>(highest))}};
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

  void
  HeatEquation::reset()
  {
    theta     = 0;
    theta_old = 0;
    t         = 0;
    dt_old    = 0;
    n_steps   = 0;
    balance   = EnergyBalance();
    extremes  = {{0.0, 0.0}};
    last_region_powers.clear();
  }

  void
  HeatEquation::set_steady_source(const Function<3> &q)
  {
    steady_source.reinit(owned, comm);
    assemble_source(q, steady_source);
  }

  LA::MPI::Vector
  HeatEquation::interpolated(const Function<3> &field) const
  {
    LA::MPI::Vector values(owned, comm);
    VectorTools::interpolate(dof_handler, field, values);
    return values;
  }

  void
  HeatEquation::interpolate(const Function<3> &function)
  {
    theta     = interpolated(function);
    theta_old = theta;
  }

  double
  HeatEquation::l2_error(const Function<3> &exact_theta) const
  {
    LA::MPI::Vector ghosted(owned, relevant, comm);
    ghosted = theta;
    Vector<float> cellwise(triangulation.n_active_cells());
    VectorTools::integrate_difference(dof_handler, ghosted, exact_theta, cellwise,
                                      QGauss<3>(settings.degree + 2), VectorTools::L2_norm);
    return VectorTools::compute_global_error(triangulation, cellwise, VectorTools::L2_norm);
  }

  std::map<std::string, double>
  HeatEquation::memory_use() const
  {
    // AIJ storage: a value and a column index per allocated entry, three
    // row arrays.
    const auto matrix = [](const LA::MPI::SparseMatrix &m) {
      MatInfo  info;
      PetscInt rows, columns;
      MatGetInfo(static_cast<Mat>(m), MAT_LOCAL, &info);
      MatGetLocalSize(static_cast<Mat>(m), &rows, &columns);
      return info.nz_allocated * (sizeof(PetscScalar) + sizeof(PetscInt)) +
             3.0 * rows * sizeof(PetscInt);
    };
    double vectors = 0;
    for (const auto *v : {&theta, &theta_old, &interior_indicator, &transfer_weights,
                          &mass_row_sums, &stiffness_diagonal})
      vectors += v->memory_consumption();
    return {{"mesh", static_cast<double>(triangulation.memory_consumption())},
            {"dof handler", static_cast<double>(dof_handler.memory_consumption())},
            {"matrices", settings.lumped_mass ? matrix(system) :
                                                matrix(mass) + matrix(stiffness) + matrix(system)},
            {"state vectors", vectors}};
  }
} // namespace neuristor
