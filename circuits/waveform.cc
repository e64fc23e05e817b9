#include "circuits/waveform.h"

#include "solver/case/input_error.h"
#include "solver/case/parameter_tools.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace neuristor
{
  namespace
  {
    double
    number_in(const std::string &text, const std::string &entry, const std::string &where)
    {
      return parameter_tools::parse_number(text, entry, where + ": ");
    }

    // Split at '+' signs that separate components (not inside parentheses,
    // not the sign of an exponent such as 1e+6).
    std::vector<std::string>
    split_sum(const std::string &text)
    {
      std::vector<std::string> terms;
      int                      depth = 0;
      std::string              current;
      for (const char ch : text)
        {
          if (ch == '(')
            ++depth;
          if (ch == ')')
            --depth;
          if (ch == '+' && depth == 0)
            {
              terms.push_back(parameter_tools::trim(current));
              current.clear();
            }
          else
            current += ch;
        }
      terms.push_back(parameter_tools::trim(current));
      return terms;
    }
  } // namespace

  Waveform::Component
  Waveform::parse_component(const std::string &text, const std::string &entry)
  {
    const auto open  = text.find('(');
    const auto close = text.rfind(')');
    if (text.empty() || open == std::string::npos || close != text.size() - 1 ||
        close < open)
      throw InputError(entry, "malformed waveform term '" + text +
                                "' (expected name(arguments), e.g. dc(12))");
    const std::string name = parameter_tools::trim(text.substr(0, open));
    const std::string args = text.substr(open + 1, close - open - 1);
    const std::string where = "in '" + text + "'";

    Component c;
    if (name == "pwl")
      {
        c.kind = Kind::pwl;
        for (const auto &pair : parameter_tools::split(args, ','))
          {
            const auto tv = parameter_tools::split(pair, ' ');
            if (tv.size() != 2)
              throw InputError(entry, where + ": pwl point '" + pair +
                                        "' must be 'time value'");
            c.times.push_back(number_in(tv[0], entry, where));
            c.values.push_back(number_in(tv[1], entry, where));
            if (c.times.size() > 1 && !(c.times.back() > c.times[c.times.size() - 2]))
              throw InputError(entry, where + ": pwl times must increase");
            if (c.times.size() > 1 &&
                !std::isfinite((c.values.end()[-1] - c.values.end()[-2]) /
                               (c.times.end()[-1] - c.times.end()[-2])))
              throw InputError(entry, where + ": pwl point '" + pair +
                                        "' makes the slope overflow");
          }
        if (c.times.empty())
          throw InputError(entry, where + ": pwl needs at least one point");
        return c;
      }
    if (name == "dc")
      {
        c.kind      = Kind::dc;
        c.amplitude = number_in(parameter_tools::trim(args), entry, where);
        return c;
      }

    // Keyword arguments for pulse and train.
    std::map<std::string, double> kw;
    for (const auto &item : parameter_tools::split(args, ','))
      {
        const auto eq = item.find('=');
        if (eq == std::string::npos)
          throw InputError(entry, where + ": argument '" + item +
                                    "' must be key=value");
        kw[parameter_tools::trim(item.substr(0, eq))] =
          number_in(parameter_tools::trim(item.substr(eq + 1)), entry, where);
      }
    const auto take = [&](const std::string &key, const bool required,
                          const double default_value) {
      const auto it = kw.find(key);
      if (it == kw.end())
        {
          if (required)
            throw InputError(entry, where + ": missing '" + key + "='");
          return default_value;
        }
      const double v = it->second;
      kw.erase(it);
      if (key != "amplitude" && v < 0)
        throw InputError(entry, where + ": '" + key + "' must be >= 0");
      return v;
    };

    c.amplitude = take("amplitude", true, 0);
    c.delay     = take("delay", false, 0);
    c.rise      = take("rise", false, 0);
    c.fall      = take("fall", false, 0);
    if (name == "pulse")
      {
        c.kind  = Kind::pulse;
        c.width = take("width", true, 0);
      }
    else if (name == "train")
      {
        c.kind         = Kind::train;
        c.period       = take("period", true, 0);
        const double d = take("duty", true, 0);
        const double n = take("count", false, 0);
        // Checked before the cast: a fraction would be cut, a huge value
        // does not fit an unsigned long (undefined behaviour).
        if (n != std::floor(n) || n > 1e15)
          throw InputError(entry, where + ": 'count' must be a whole number up to 1e15 "
                                          "(0: endless)");
        c.count = static_cast<unsigned long>(n);
        if (c.period <= 0)
          throw InputError(entry, where + ": 'period' must be > 0");
        if (d <= 0 || d > 1)
          throw InputError(entry, where + ": 'duty' must be in (0, 1]");
        c.high = d * c.period;
        if (c.rise > c.high || c.high + c.fall > c.period * (1 + 1e-12))
          throw InputError(entry, where + ": rise must fit in the high time "
                                          "and high time + fall in the period");
        c.width = c.high - c.rise;
      }
    else
      throw InputError(entry, "unknown waveform '" + name +
                                "' (known: dc, pulse, train, pwl)");
    if (!kw.empty())
      throw InputError(entry, where + ": unknown argument '" +
                                kw.begin()->first + "'");
    // Ramps so short for the amplitude that the slope overflows would give
    // infinite values (0 is a step, not a ramp).
    for (const double ramp : {c.rise, c.fall})
      if (ramp > 0 && !std::isfinite(c.amplitude / ramp))
        throw InputError(entry, where + ": 'rise' and 'fall' are too short for the amplitude "
                                        "(the slope overflows); use 0 for a step");
    return c;
  }

  Waveform
  Waveform::parse(const std::string &text, const std::string &entry)
  {
    Waveform w;
    w.source = parameter_tools::trim(text);
    for (const auto &term : split_sum(w.source))
      w.components.push_back(parse_component(term, entry));
    w.constant = std::all_of(w.components.begin(), w.components.end(),
                             [](const Component &c) { return c.kind == Kind::dc; });
    w.level    = w.sum_of_components(0, false);
    return w;
  }

  void
  Waveform::trapezoid(const Component &c, const double tau,
                      const bool left_limit, double &value, double &slope)
  {
    // Left limits use <= (with a rounding allowance: an edge time t = delay +
    // rise gives tau = t - delay slightly above rise) so that a step ending
    // on an edge sees the segment before it.
    const double slack  = 1e-12 * (c.rise + c.width + c.fall);
    const auto   before = [left_limit, slack](const double a, const double b) {
      return left_limit ? a <= b + slack : a < b;
    };
    value = slope = 0;
    if (before(tau, 0))
      return;
    if (before(tau, c.rise))
      {
        slope = c.amplitude / c.rise;
        value = slope * tau;
      }
    else if (before(tau, c.rise + c.width))
      value = c.amplitude;
    else if (before(tau, c.rise + c.width + c.fall))
      {
        slope = -c.amplitude / c.fall;
        value = c.amplitude + slope * (tau - c.rise - c.width);
      }
  }

  void
  Waveform::evaluate(const Component &c, const double t, const bool left_limit,
                     double &value, double &slope)
  {
    value = slope = 0;
    switch (c.kind)
      {
        case Kind::dc:
          value = c.amplitude;
          return;
        case Kind::pulse:
          trapezoid(c, t - c.delay, left_limit, value, slope);
          return;
        case Kind::train:
          {
            const double since = t - c.delay;
            if (since < 0 || (left_limit && since <= 0))
              return;
            double n = std::floor(since / c.period);
            if (left_limit && since - n * c.period <= 1e-12 * c.period && n > 0)
              n -= 1; // the left limit at a period start belongs to the last one
            if (c.count > 0 && n >= static_cast<double>(c.count))
              return;
            trapezoid(c, since - n * c.period, left_limit, value, slope);
            return;
          }
        case Kind::pwl:
          {
            const auto &ts = c.times;
            if (t <= ts.front())
              value = c.values.front();
            else if (t >= ts.back())
              value = c.values.back();
            else
              {
                const auto   i  = std::upper_bound(ts.begin(), ts.end(), t) - ts.begin();
                const double t0 = ts[i - 1], t1 = ts[i];
                slope = (c.values[i] - c.values[i - 1]) / (t1 - t0);
                value = c.values[i - 1] + slope * (t - t0);
              }
            return;
          }
      }
  }

  double
  Waveform::sum_of_components(const double t, const bool left_limit) const
  {
    double sum = 0, v, s;
    for (const auto &c : components)
      {
        evaluate(c, t, left_limit, v, s);
        sum += v;
      }
    return sum;
  }

  double
  Waveform::slope_of_components(const double t, const bool left_limit) const
  {
    double sum = 0, v, s;
    for (const auto &c : components)
      {
        evaluate(c, t, left_limit, v, s);
        sum += s;
      }
    return sum;
  }

  double
  Waveform::first_breakpoint_after(const double t) const
  {
    double     next  = std::numeric_limits<double>::infinity();
    const auto offer = [&](const double b) {
      if (b > t && b < next)
        next = b;
    };
    for (const auto &c : components)
      switch (c.kind)
        {
          case Kind::dc:
            break;
          case Kind::pwl:
            for (const double b : c.times)
              offer(b);
            break;
          case Kind::pulse:
          case Kind::train:
            {
              double start = c.delay;
              if (c.kind == Kind::train && t > c.delay)
                {
                  double n = std::floor((t - c.delay) / c.period);
                  if (c.count > 0)
                    n = std::min(n, static_cast<double>(c.count) - 1);
                  start = c.delay + n * c.period;
                }
              // Edges of this pulse and, for a train, of the next one.
              for (int k = 0; k < (c.kind == Kind::train ? 2 : 1); ++k)
                {
                  const double s = start + k * c.period;
                  if (c.kind == Kind::train && c.count > 0 &&
                      s >= c.delay + c.count * c.period - 1e-12 * c.period)
                    break;
                  for (const double b : {s, s + c.rise, s + c.rise + c.width,
                                         s + c.rise + c.width + c.fall})
                    offer(b);
                }
            }
        }
    return next;
  }
  double
  Waveform::breakpoints_until(const double t_end) const
  {
    double count = 0;
    for (const auto &c : components)
      switch (c.kind)
        {
          case Kind::dc:
            break;
          case Kind::pulse:
            count += 4; // rise start and end, fall start and end
            break;
          case Kind::train:
            {
              // Four edges per period from the delay on (count = 0: endless).
              const double periods = std::max(0.0, std::ceil((t_end - c.delay) / c.period));
              count += 4 * (c.count > 0 ? std::min(periods, double(c.count)) : periods);
              break;
            }
          case Kind::pwl:
            count += c.times.size();
            break;
        }
    return count;
  }

  double
  Waveform::largest_magnitude() const
  {
    double sum = 0;
    for (const auto &c : components)
      if (c.kind == Kind::pwl)
        {
          double peak = 0;
          for (const double v : c.values)
            peak = std::max(peak, std::abs(v));
          sum += peak;
        }
      else
        sum += std::abs(c.amplitude);
    return sum;
  }
} // namespace neuristor
