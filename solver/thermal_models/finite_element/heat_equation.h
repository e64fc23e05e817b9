#pragma once

#include "materials/thermal_materials.h"
#include "solver/io/checkpoint.h"
#include "solver/thermal_models/finite_element/cell_pattern_matrix.h"
#include "solver/thermal_models/finite_element/device_regions.h"
#include "solver/thermal_models/finite_element/point_probes.h"
#include "solver/thermal_models/finite_element/preconditioner_cache.h"
#include "solver/thermal_models/finite_element/thermal_boundary.h"
#include "solver/io/vtu_writer.h"

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/function.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria_base.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_precondition.h>
#include "solver/base/linear_algebra.h"

#include <functional>
#include <map>
#include <array>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace neuristor
{
  /** Linear-solver settings of the heat equation ("Heat solver" section). */
  struct HeatSolverSettings
  {
    unsigned int degree           = 1;
    double       tolerance        = 1e-8;  // relative residual of CG
    double       strong_threshold = 0.6;   // BoomerAMG, 3-D
    std::string  preconditioner   = "auto"; // amg, jacobi, block jacobi, ssor or auto
    unsigned int aggressive_levels = 1;    // BoomerAMG aggressive coarsening
    std::string  coarsening        = "Falgout"; // BoomerAMG coarsening
    std::string  smoother          = "SORJacobi"; // BoomerAMG relaxation
    bool         lumped_mass       = false; // row-sum mass matrix
    bool         backward_euler    = false; // first order in time (else BDF2)

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /** Heat bookkeeping of a transient run [J]. */
  struct EnergyBalance
  {
    double input  = 0; // from the sources
    double stored = 0; // rise of int rho c_p (T - T0) dV, as the time scheme counts it
    double out    = 0; // through the fixed-temperature boundaries

    double
    relative_error() const
    {
      return input != 0 ? std::abs(input - stored - out) / std::abs(input) : 0;
    }
  };

  /**
   * The transient heat equation rho c_p dT/dt = div(k grad T) + q on a
   * distributed hexahedral mesh (step-40 pattern): Q1 (or Q2) elements,
   * per-cell material from the material id, T = T0 or a transfer coefficient
   * on chosen boundary ids and adiabatic elsewhere, contact resistances on
   * material interfaces, and variable-step BDF2 in time. The unknown is the
   * rise theta = T - T0.
   *
   * Heat sources are N "devices" (DeviceRegions): device i deposits power
   * P_i(t) uniformly in its channel, optionally a share s_i of it in a
   * filament inside the channel, and its temperature is the matching
   * average of the field.
   *
   * The system matrix a0/dt M + K is rebuilt when the step changes; BoomerAMG
   * hierarchies are kept per factor-3 band of a0/dt and reused. With a
   * lumped mass only the system matrix is stored (a third of the matrix
   * memory): a step changes its diagonal alone.
   */
  class HeatEquation
  {
  public:
    using RegionFunction = DeviceRegions::RegionFunction;
    using DeviceRegion   = DeviceRegions::Region;

    /**
     * filament_of_point maps a point to the device whose filament holds it
     * (or -1); an empty function means no filaments. Every filament cell
     * must lie in its device's channel.
     */
    HeatEquation(dealii::parallel::TriangulationBase<3>      &triangulation,
                 const ThermalMaterials                          &materials,
                 const BoundaryConditions                        &boundary_conditions,
                 const unsigned int                               n_devices,
                 const RegionFunction                            &device_of_point,
                 const HeatSolverSettings                        &settings,
                 const double                                     T0,
                 const RegionFunction                            &filament_of_point = {});

    /**
     * Advance by dt with device powers P_i [W] at the new time and an
     * optional extra volumetric source q(x, t) [W/m^3] (for verification).
     * filament_share: empty (all power in the channels) or, per device, the
     * share s_i in [0, 1] of P_i deposited in its filament. Returns the CG
     * iteration count.
     */
    unsigned int
    step(const double                        dt,
         const std::vector<double>          &powers,
         const dealii::Function<3>          *extra_source   = nullptr,
         const std::vector<double>          &filament_share = {});

    /**
     * The same step in parts, for the electro-thermal coupling: prepare the
     * operator of a step dt (BDF coefficients, matrix, preconditioner); solve
     * it for given powers, or for a unit power in one device's channel or
     * filament with no history (the step is linear: theta = solve_step(0) +
     * sum_j P_j [(1 - s_j) unit_response(j) + s_j unit_response(j, filament)]);
     * then commit the chosen field as the new state.
     */
    void
    prepare_step(const double dt);
    LA::MPI::Vector
    solve_step(const std::vector<double>                &powers,
               const dealii::Function<3>                *extra_source   = nullptr,
               const std::vector<double>                &filament_share = {},
               const LA::MPI::Vector *initial_guess  = nullptr);
    /** The field at the prepared step's end extrapolated linearly from the last two (CG's default start). */
    LA::MPI::Vector
    extrapolated_state() const;
    LA::MPI::Vector
    unit_response(const unsigned int device, const DeviceRegion region = DeviceRegion::channel);
    void
    commit(const LA::MPI::Vector &solution,
           const std::vector<double>                &powers,
           const dealii::Function<3>                *extra_source   = nullptr,
           const std::vector<double>                &filament_share = {});

    /** BDF coefficients of the prepared step: theta' ~ (a0 y + a1 y^n + a2 y^{n-1}) / dt. */
    void
    bdf_coefficients(double &c0, double &c1, double &c2) const
    {
      c0 = a0, c1 = a1, c2 = a2;
    }

    /** T0 [K]: the temperature the rise theta is measured from. */
    double
    ambient_temperature() const
    {
      return T0;
    }

    /** Mass weight a0/dt of the prepared step [1/s]: identifies its operator. */
    double
    prepared_weight() const
    {
      return a0 / dt_prepared;
    }

    /** Write the state (fields, time, step history, energy) for a restart (collective; rank 0 writes). */
    void
    save_state(BinaryWriter &out) const;

    /**
     * Restore a saved state on any number of ranks: fields are matched by
     * DoF support point, so the mesh must be the one that was saved.
     */
    void
    load_state(BinaryReader &in);

    /** Back to theta = 0 at t = 0 (keeps the mesh, matrices and preconditioner). */
    void
    reset();

    /** Volume-averaged device temperatures [K] (collective). */
    std::vector<double>
    device_temperatures() const
    {
      return devices->temperatures(theta, T0);
    }

    /**
     * Device temperatures offset + ((1 - s_i) b_i + s_i f_i) . field of any
     * field (collective): channel averages without filament shares.
     */
    std::vector<double>
    device_temperatures(const LA::MPI::Vector     &field,
                        const double               offset,
                        const std::vector<double> &filament_share = {}) const
    {
      return devices->temperatures(field, offset, filament_share);
    }

    /** Plain averages offset + b_i . field or offset + f_i . field (collective). */
    std::vector<double>
    device_temperatures(const LA::MPI::Vector &field,
                        const double           offset,
                        const DeviceRegion     region) const
    {
      return devices->temperatures(field, offset, region);
    }

    /** Device region volumes [m^3]. */
    const std::vector<double> &
    device_volumes() const
    {
      return devices->volumes();
    }

    bool
    has_filaments() const
    {
      return devices->has_filaments();
    }

    /** Filament volumes [m^3] (empty without filaments). */
    const std::vector<double> &
    filament_volumes() const
    {
      return devices->volumes(DeviceRegion::filament);
    }

    /**
     * A volumetric source q(x) [W/m^3] that does not change in time, added
     * to every later step (assembled once: an extra_source of step() is
     * assembled at every step).
     */
    void
    set_steady_source(const dealii::Function<3> &q);

    /** A field of this mesh interpolated from a function. */
    LA::MPI::Vector
    interpolated(const dealii::Function<3> &field) const;

    /** Set the rise theta = T - T0 from a function (e.g. an exact solution). */
    void
    interpolate(const dealii::Function<3> &theta);

    /** L2 norm of (theta - exact) [K m^{3/2}] (collective). */
    double
    l2_error(const dealii::Function<3> &exact_theta) const;

    const EnergyBalance &
    energy() const
    {
      return balance;
    }

    double
    time() const
    {
      return t;
    }

    /** CG iterations so far, over all steps. */
    unsigned long
    linear_iterations() const
    {
      return n_linear_iterations;
    }

    /** Time steps taken since construction or reset. */
    unsigned int
    steps() const
    {
      return n_steps;
    }

    /**
     * Lowest and highest rise T - T0 of any node after any step since
     * construction, reset or restart [K].
     */
    std::array<double, 2>
    rise_extremes() const
    {
      return extremes;
    }

    /** How often a preconditioner was set up (AMG per band, the others per change of band). */
    unsigned int
    preconditioner_setups() const
    {
      return preconditioners.setups;
    }

    dealii::types::global_dof_index
    n_dofs() const
    {
      return dof_handler.n_dofs();
    }

    /**
     * Bytes held on this rank by the mesh, the DoF handler, the matrices
     * (estimated from PETSc's allocated entries) and the state vectors; the
     * preconditioners' own copies are not counted (hypre does not say).
     */
    std::map<std::string, double>
    memory_use() const;

    /**
     * The linear system M theta' + K theta = sum_i P_i b_i behind the steps,
     * for models built from it (a reduced model): dst = M src [J/K per DoF
     * pair times src] and dst = K src [W/K, with the transfer term], both
     * meant for fields that vanish at the fixed DoFs (the solver's): the
     * rows there are K's and M's with a consistent mass, and M's and zero
     * with a lumped one (the single system matrix no longer holds K's rows
     * there). apply_stiffness is not const: with a lumped mass it swaps the
     * system matrix's diagonal and sets it back exactly.
     */
    void
    apply_mass(LA::MPI::Vector &dst, const LA::MPI::Vector &src) const;
    void
    apply_stiffness(LA::MPI::Vector &dst, const LA::MPI::Vector &src);
    /** The region vector b_i (or f_i; collective, built on demand). */
    LA::MPI::Vector
    region_vector(const unsigned int device, const DeviceRegion region = DeviceRegion::channel) const
    {
      return devices->vector(device, region);
    }

    /** Point values of this mesh's fields at the probes' points (collective; InputError outside the mesh). */
    std::unique_ptr<PointProbes>
    make_probes(const std::vector<Probe> &probes) const
    {
      return std::make_unique<PointProbes>(dof_handler, probes);
    }

    /** T0 + theta at the probes' points [K] (collective). */
    std::vector<double>
    probe_temperatures(const PointProbes &probes) const
    {
      auto T = probes.values(theta);
      for (double &value : T)
        value += T0;
      return T;
    }

    /** A zero field of this mesh's DoF layout. */
    LA::MPI::Vector
    zero_field() const
    {
      return LA::MPI::Vector(owned, comm);
    }

    /**
     * Show a field computed elsewhere (a reduced model's reconstruction):
     * the rise, the time and the powers (with filament shares) that
     * write_vtu() writes next. The time stepping does not use it.
     */
    void
    show_field(const LA::MPI::Vector &rise,
               const double                              time,
               const std::vector<double>                &powers,
               const std::vector<double>                &filament_share);

    /**
     * The values of each field at the points (the same points on every
     * rank; every rank gets every value). Collective. Throws if a point
     * lies outside the mesh.
     */
    std::vector<std::vector<double>>
    values_at(const std::vector<LA::MPI::Vector> &fields,
              const std::vector<dealii::Point<3>> &points) const;

    /**
     * Write fields in DoF support-point order (collective; rank 0 writes)
     * and read them back on any partition of the same mesh: the form of
     * fields in caches.
     */
    void
    save_fields(BinaryWriter &out, const std::vector<LA::MPI::Vector> &fields) const;
    void
    load_fields(BinaryReader &in, std::vector<LA::MPI::Vector> &fields) const;

    /**
     * Write VTU/PVTU of T, T - T0, the heat source of the last step, material
     * id, device id (and filament device id) and MPI rank; returns the pvtu
     * file name. Q1 goes through VtuSeriesWriter (shared vertices, geometry
     * encoded once), higher degrees through deal.II's DataOut.
     */
    std::string
    write_vtu(const std::string &folder, const unsigned int index) const;

  private:
    /** sum over regions of their power times their vector (+ the extra source at the new time) [W per test function]. */
    LA::MPI::Vector
    source_vector(const std::vector<double> &region_power, const dealii::Function<3> *extra_source) const;
    /** (a1 theta^n + a2 theta^{n-1}) / dt of the prepared step [K/s]. */
    LA::MPI::Vector
    history_rate() const;
    /** CG on the prepared system; rhs gets its Dirichlet rows zeroed. */
    LA::MPI::Vector
    solve_system(LA::MPI::Vector       &rhs,
                 const LA::MPI::Vector &initial_guess,
                 const double                              reference_norm);

    void
    setup_system(const unsigned int    n_devices,
                 const RegionFunction &device_of_point,
                 const RegionFunction &filament_of_point);
    void
    assemble_matrices();
    /** The system matrix K + weight M with identity rows at the fixed DoFs. */
    void
    build_system(const double weight);
    /** Row sums on the diagonal: a nonnegative, diagonal mass. */
    static void
    lump(dealii::FullMatrix<double> &cell_mass);
    void
    assemble_source(const dealii::Function<3> &source, LA::MPI::Vector &f) const;

    MPI_Comm                                         comm;
    dealii::parallel::TriangulationBase<3>      &triangulation;
    const ThermalMaterials                          &materials;
    BoundaryConditions                               boundary_conditions;
    HeatSolverSettings                               settings;
    double                                           T0;

    dealii::FE_Q<3>                   fe;
    dealii::DoFHandler<3>             dof_handler;
    dealii::IndexSet                  owned, relevant;
    dealii::AffineConstraints<double> constraints;
    std::map<dealii::types::global_dof_index, double> boundary_values;
    std::vector<PetscInt>                             fixed_rows; // owned fixed DoFs

    // With a consistent mass: M, K and the system matrix. With a lumped
    // mass only the system matrix, whose off-diagonal entries are K's, and
    // K's diagonal; then M is its row sums (kept with either mass: the
    // stored heat is their dot product with the field).
    LA::MPI::SparseMatrix mass, stiffness;
    CellPatternMatrix     system;
    LA::MPI::Vector       mass_row_sums, stiffness_diagonal;
    double                system_weight = 0; // a0/dt of the system matrix [1/s]
    PreconditionerCache                            preconditioners{settings};
    const dealii::PETScWrappers::PreconditionBase *preconditioner = nullptr; // of the prepared step
    double                                   system_dt = -1, system_a0 = -1;
    unsigned long                            n_linear_iterations = 0;

    std::unique_ptr<DeviceRegions> devices;
    std::vector<double>            last_region_powers; // W, of the last step
    mutable std::unique_ptr<VtuSeriesWriter> vtu_writer; // Q1 output, built at the first snapshot

    LA::MPI::Vector theta, theta_old; // owned, T - T0
    LA::MPI::Vector interior_indicator; // 0 at fixed DoFs
    LA::MPI::Vector transfer_weights;   // int h phi ds, W/K
    LA::MPI::Vector steady_source;      // int q phi dx, W (empty if none)
    double                             t = 0, dt_old = 0;
    double                             a0 = 1, a1 = -1, a2 = 0, dt_prepared = 0;
    unsigned int                       last_iterations = 0;
    unsigned int                       n_steps = 0;
    EnergyBalance                      balance;
    std::array<double, 2>              extremes{{0.0, 0.0}};
  };
} // namespace neuristor
