#pragma once

#include <limits>
#include <string>
#include <vector>

namespace neuristor
{
  /**
   * An input voltage V_in(t) [V] as a sum of components, written as text:
   *
   *   dc(12.5)
   *   pulse(amplitude=5, delay=1e-6, width=2e-6, rise=1e-9, fall=1e-9)
   *   train(amplitude=9.1, period=1e-6, duty=0.5, rise=1e-9, fall=1e-9,
   *         delay=0, count=0)
   *   pwl(0 0, 1e-6 5, 3e-6 5, 4e-6 0)
   *   dc(5.7) + train(amplitude=3.4, period=1e-6, duty=0.8)
   *
   * Times in s, voltages in V. A train's high time (duty x period) runs from
   * the start of its rise to the start of its fall; count = 0 means endless.
   * pwl holds its first and last value outside its time range.
   *
   * Every edge is reported as a breakpoint so that the time integrator steps
   * onto it instead of across it. The value is right-continuous; value(t,
   * true) gives the left limit, for the end of a step that lands on an edge.
   */
  class Waveform
  {
  public:
    /** Parse the text; throws InputError naming `entry` on any mistake. */
    static Waveform
    parse(const std::string &text, const std::string &entry);

    double
    value(const double t, const bool left_limit = false) const
    {
      // Inline for a constant input, which integrators ask at every step.
      return constant ? level : sum_of_components(t, left_limit);
    }

    /** dV_in/dt [V/s]; at a breakpoint the right derivative, or the left one. */
    double
    derivative(const double t, const bool left_limit = false) const
    {
      return constant ? 0.0 : slope_of_components(t, left_limit);
    }

    /** First breakpoint strictly after t, or +infinity. */
    double
    next_breakpoint(const double t) const
    {
      return constant ? std::numeric_limits<double>::infinity() : first_breakpoint_after(t);
    }

    /**
     * How many breakpoints lie in [0, t_end] (in double: a train far
     * shorter than t_end has more than any integer holds); counted without
     * visiting them, for the resource check before a run.
     */
    double
    breakpoints_until(const double t_end) const;

    /** An upper bound of |value(t)| over all t: the components' peaks added. */
    double
    largest_magnitude() const;

    /** The text it was parsed from. */
    const std::string &
    text() const
    {
      return source;
    }

  private:
    enum class Kind
    {
      dc,
      pulse,
      train,
      pwl
    };

    struct Component
    {
      Kind   kind;
      double amplitude = 0, delay = 0, width = 0, rise = 0, fall = 0;
      double period = 0, high = 0;
      unsigned long        count = 0;
      std::vector<double> times, values; // pwl knots
    };

    /** Value (and slope) of one trapezoid pulse at time tau after its start. */
    static void
    trapezoid(const Component &c,
              const double     tau,
              const bool       left_limit,
              double          &value,
              double          &slope);

    static void
    evaluate(const Component &c,
             const double     t,
             const bool       left_limit,
             double          &value,
             double          &slope);

    static Component
    parse_component(const std::string &text, const std::string &entry);

    double
    sum_of_components(const double t, const bool left_limit) const;

    double
    slope_of_components(const double t, const bool left_limit) const;

    double
    first_breakpoint_after(const double t) const;

    std::vector<Component> components;
    std::string            source;
    bool                   constant = false; // dc components only
    double                 level    = 0;     // V, their sum if so
  };
} // namespace neuristor
