#pragma once

#include <cmath>
#include <cstdint>

namespace neuristor
{
  /**
   * A small, fast, portable random stream (xoshiro256** seeded by splitmix64)
   * with Gaussian draws by the ziggurat method. Each device owns one stream
   * seeded by (seed, device), so noise does not depend on how devices are
   * spread over MPI ranks, and the 32-byte state is cheap to copy when a
   * coupling window is repeated.
   */
  class RandomStream
  {
  public:
    RandomStream(const std::uint64_t seed = 1, const std::uint64_t stream = 0)
    {
      std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + stream;
      for (auto &word : s)
        word = splitmix64(x);
    }

    /** Uniform in (0, 1). */
    double
    uniform()
    {
      return ((next() >> 11) + 0.5) * 0x1.0p-53;
    }

    /**
     * Standard normal: the ziggurat of Marsaglia and Tsang (2000) in
     * Doornik's form (2005, "An improved ziggurat method to generate normal
     * random samples"), 128 layers. 99 % of the draws take one number of
     * the stream and a multiplication; exp and log only in the wedges and
     * the tail (Box-Muller's log, sqrt and sincos cost 7x more: a lattice
     * of 4096 devices draws 8 M of them in 20 us).
     */
    double
    normal()
    {
      const Ziggurat &z = ziggurat();
      for (;;)
        {
          const std::uint64_t r = next();
          const unsigned int  i = r & 127; // the layer: bits 0-6
          const double        u = ((r >> 12) + 0.5) * 0x1.0p-51 - 1; // in (-1, 1): bits 12-63
          if (std::abs(u) < z.ratio[i])
            return u * z.x[i]; // inside the layer's rectangle
          if (i == 0)
            return tail(u < 0);
          // In the wedge between the rectangle and the density.
          const double x  = u * z.x[i];
          const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
          const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
          if (f1 + uniform() * (f0 - f1) < 1.0)
            return x;
        }
    }

  private:
    /** The layers' right edges x (x[1] = R, x[128] = 0) and x[i + 1] / x[i]. */
    struct Ziggurat
    {
      static constexpr double R = 3.442619855899;     // start of the tail
      static constexpr double V = 9.91256303526217e-3; // area of each layer
      double                  x[129], ratio[128];

      Ziggurat()
      {
        double f = std::exp(-0.5 * R * R);
        x[0]     = V / f; // the bottom layer with the tail, as a rectangle of area V
        x[1]     = R;
        x[128]   = 0;
        for (int i = 2; i < 128; ++i)
          {
            x[i] = std::sqrt(-2 * std::log(V / x[i - 1] + f));
            f    = std::exp(-0.5 * x[i] * x[i]);
          }
        for (int i = 0; i < 128; ++i)
          ratio[i] = x[i + 1] / x[i];
      }
    };

    static const Ziggurat &
    ziggurat()
    {
      static const Ziggurat z;
      return z;
    }

    /** A draw beyond R (Marsaglia 1964), negative if asked. */
    double
    tail(const bool negative)
    {
      double x, y;
      do
        {
          x = std::log(uniform()) / Ziggurat::R;
          y = std::log(uniform());
        }
      while (-2 * y < x * x);
      return negative ? x - Ziggurat::R : Ziggurat::R - x;
    }

    static std::uint64_t
    splitmix64(std::uint64_t &x)
    {
      std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
      z               = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z               = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    }

    static std::uint64_t
    rotl(const std::uint64_t x, const int k)
    {
      return (x << k) | (x >> (64 - k));
    }

    std::uint64_t
    next()
    {
      const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
      const std::uint64_t t      = s[1] << 17;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= t;
      s[3] = rotl(s[3], 45);
      return result;
    }

    std::uint64_t s[4];
  };
} // namespace neuristor
