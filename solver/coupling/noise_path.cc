// Compiled at -O3 with -fno-trapping-math and -ffp-contract=off (top-level
// CMakeLists.txt), as the device batch: the loops over paths vectorise, and
// a path's values do not depend on its lane.
#include "solver/coupling/noise_path.h"

namespace neuristor
{
  NoisePaths::NoisePaths(const double time_step)
    : dt(time_step)
    , sqrt_dt(std::sqrt(time_step))
  {}

  unsigned int
  NoisePaths::add(const std::uint64_t seed, const std::uint64_t device, const double lambda)
  {
    const RandomStream stream(seed, device);
    std::uint64_t      words[4];
    stream.get_state(words);
    s0.push_back(words[0]), s1.push_back(words[1]), s2.push_back(words[2]), s3.push_back(words[3]);
    decay.push_back(std::exp(-lambda * dt));
    gain.push_back(lambda * dt > 0 ? -std::expm1(-lambda * dt) / (lambda * dt) : 1.0);
    value.push_back(0.0), relaxed.push_back(0.0);
    first.push_back(0), draw.push_back(0.0), inside.push_back(0);
    return value.size() - 1;
  }

  namespace
  {
    // The streams' next numbers r and, where they fall inside their
    // layer's rectangle (inside), the draws x. Two loops: GCC vectorises
    // each, not the two as one; and restrict parameters, not locals.
    __attribute__((target_clones("avx512f", "avx2", "default"))) void
    first_draws(std::uint64_t *__restrict a, std::uint64_t *__restrict b,
                std::uint64_t *__restrict c, std::uint64_t *__restrict d,
                std::uint64_t *__restrict r, double *__restrict x, char *__restrict inside,
                const std::size_t n)
    {
      for (std::size_t i = 0; i < n; ++i) // [vectorised]
        {
          std::uint64_t w0 = a[i], w1 = b[i], w2 = c[i], w3 = d[i];
          r[i] = RandomStream::step(w0, w1, w2, w3);
          a[i] = w0, b[i] = w1, c[i] = w2, d[i] = w3;
        }
      const RandomStream::Ziggurat &z = RandomStream::ziggurat();
      for (std::size_t i = 0; i < n; ++i) // [vectorised]
        {
          double x_i;
          inside[i] = RandomStream::in_rectangle(z, r[i], x_i);
          x[i]      = x_i;
        }
    }
  } // namespace

  void
  NoisePaths::draw_normals()
  {
    const std::size_t n = size();
    first_draws(s0.data(), s1.data(), s2.data(), s3.data(), first.data(), draw.data(),
                inside.data(), n);
    for (std::size_t i = 0; i < n; ++i)
      if (!inside[i]) // a wedge or the tail: on with the stream, one path at a time
        {
          RandomStream  stream;
          std::uint64_t words[4] = {s0[i], s1[i], s2[i], s3[i]};
          stream.set_state(words);
          draw[i] = stream.normal_from(first[i]);
          stream.get_state(words);
          s0[i] = words[0], s1[i] = words[1], s2[i] = words[2], s3[i] = words[3];
        }
  }

  namespace
  {
    // W and X of every path to the next point from the draws x (and into
    // W_out and X_out unless null). Restrict parameters: with the outputs
    // only possibly apart from W and X, GCC kept this loop scalar (a third
    // of the noise's time).
    __attribute__((target_clones("avx512f", "avx2", "default"))) void
    step_paths(const double *__restrict x, const double *__restrict decay,
               const double *__restrict gain, const double sqrt_dt, double *__restrict W,
               double *__restrict X, double *__restrict W_out, double *__restrict X_out,
               const std::size_t n)
    {
      const auto step = [&](const std::size_t i) {
        const double dW = sqrt_dt * x[i];
        W[i] += dW;
        X[i] = decay[i] * X[i] + gain[i] * dW; // exact for dW spread evenly over the step
      };
      if (W_out) // written as they are made, not copied after
        for (std::size_t i = 0; i < n; ++i) // [vectorised]
          step(i), W_out[i] = W[i], X_out[i] = X[i];
      else
        for (std::size_t i = 0; i < n; ++i) // [vectorised]
          step(i);
    }

    // GridColumns::values' loop. Restrict parameters: with the lookups'
    // addresses known only from the data, GCC keeps such a loop scalar
    // wherever its results might overlap the block it reads.
    __attribute__((target_clones("avx512f", "avx2", "default"))) void
    column_values(const double *__restrict base, const double dt, const double k0,
                  const double last, const std::int64_t stride, const std::int64_t *__restrict c,
                  const double *__restrict t, const double *__restrict h, const double part,
                  double *__restrict out, const std::size_t n)
    {
      for (std::size_t i = 0; i < n; ++i) // [vectorised]
        out[i] = GridColumns::value(base, dt, k0, last, stride, c[i], t[i] + part * h[i]);
    }
  } // namespace

  void
  GridColumns::values(const std::int64_t *c, const double *t, const double *h, const double part,
                      double *out, const std::size_t n) const
  {
    column_values(base, dt, k0, last, stride, c, t, h, part, out, n);
  }

  void
  NoisePaths::advance(double *W_out, double *X_out)
  {
    draw_normals();
    step_paths(draw.data(), decay.data(), gain.data(), sqrt_dt, value.data(), relaxed.data(), W_out,
               X_out, size());
    ++current_point;
  }
} // namespace neuristor
