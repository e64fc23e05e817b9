#pragma once

#include "solver/thermal_models/reduced/array_field.h"
#include "solver/thermal_models/reduced/lattice_kernel.h"
#include "solver/thermal_models/reduced/reduced_model.h"

namespace neuristor
{
  /** The "Reduced array" section: the patch and the cutoff. */
  struct ReducedArraySettings
  {
    double cutoff     = 1e-3; // of a device's own steady rise
    double half_width = 0;    // m; 0 = twice the substrate thickness
    bool   multirate  = true; // quiet devices take each window in one go
    double field_spacing = 200e-9; // m, of the field's points

    static void
    declare_parameters(dealii::ParameterHandler &prm);
    void
    parse_parameters(const dealii::ParameterHandler &prm);
  };

  /**
   * `Run/Thermal model = reduced array`: the translation-invariant reduced
   * model of a regular array (lattice, row, column or cascade of identical
   * devices), for arrays too large for one heat equation. A patch of the
   * array (the same devices and pitch, the same margin to the substrate's
   * edges) is meshed and reduced with its centre device heated
   * (ReducedModel::build, 'Reduced model' section); the responses of the
   * patch's devices give the rise at every offset (LatticeKernel), kept
   * within the cutoff and applied to the whole array, each device on its
   * own steps (ArrayCoupling). The patch grows until its outer devices rise
   * less than the cutoff. Devices at the array's edges get the neighbours
   * they have: the sum over the offsets stops at the edge.
   */
  class ArrayReducedModel : public ReducedModel
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    explicit ArrayReducedModel(dealii::ParameterHandler &prm);

    std::string
    description() const override;
    /** The first patch's mesh (not the array's) against Limits/Maximum mesh cells. */
    void
    apply_limits(const ResourceLimits &limits) override;

    std::string
    step_name() const override
    {
      return "coupling window";
    }

    /** Loads or builds the patch model, then couples every device (collective). */
    std::unique_ptr<CouplingScheme>
    couple(const CouplingContext &context) const override;

  private:
    /** Rows and columns from the centre to the edge of the first patch tried. */
    std::array<unsigned int, 2>
    first_patch_radii() const;

    /**
     * The kernel from a patch of rows x columns (cached like any reduced
     * model) and, if with_field, the array's field sampled from its modes.
     */
    std::pair<std::shared_ptr<LatticeKernel>, std::shared_ptr<ArrayField>>
    patch_kernel(const CouplingContext         &context,
                 const unsigned int             rows,
                 const unsigned int             columns,
                 const bool                     with_field,
                 std::map<std::string, double> &counters) const;

    ReducedArraySettings array;
  };
} // namespace neuristor
