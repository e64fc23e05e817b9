#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

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
      return normal_from(next());
    }

    /**
     * The standard normal whose first number of the stream was r (drawn
     * already): what normal() returns when next() gave r. NoisePaths draws
     * the first numbers of many streams at once and finishes here the few
     * that miss their layer's rectangle.
     */
    double
    normal_from(std::uint64_t r)
    {
      const Ziggurat &z = ziggurat();
      for (;; r = next())
        {
          double x;
          if (in_rectangle(z, r, x))
            return x;
          const unsigned int i = r & 127;
          if (i == 0)
            return tail(x < 0);
          // In the wedge between the rectangle and the density.
          const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
          const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
          if (f1 + uniform() * (f0 - f1) < 1.0)
            return x;
        }
    }

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

    /**
     * The ziggurat's first test of the number r: the point x = u x[i] of
     * layer i (bits 0-6) at u in (-1, 1) (bits 12-63), and whether it lies
     * inside the layer's rectangle (99 % of draws), where x is the draw.
     * Branch-free, so that a loop over streams vectorises.
     */
    static bool
    in_rectangle(const Ziggurat &z, const std::uint64_t r, double &x)
    {
      const std::uint64_t i = r & 127; // as wide as r: one vector gather
      // (r >> 12) < 2^52 as a double, exactly: what a conversion gives,
      // written with the exponent bits (no vector conversion before AVX-512).
      const double high = bits_to_double((r >> 12) | 0x4330000000000000ull) - 0x1.0p52;
      const double u    = (high + 0.5) * 0x1.0p-51 - 1;
      x                 = u * z.x[i];
      return std::abs(u) < z.ratio[i];
    }

    /** One step of xoshiro256** on the state words (s0, s1, s2, s3): its output. */
    static std::uint64_t
    step(std::uint64_t &s0, std::uint64_t &s1, std::uint64_t &s2, std::uint64_t &s3)
    {
      const std::uint64_t result = rotl((s1 << 2) + s1, 7); // rotl(s1 * 5, 7)
      const std::uint64_t t      = s1 << 17;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 45);
      return (result << 3) + result; // * 9
    }

    /** The state words (NoisePaths advances many streams' words at once). */
    void
    get_state(std::uint64_t (&words)[4]) const
    {
      std::memcpy(words, s, sizeof s);
    }

    /** Continue from the state words of get_state(). */
    void
    set_state(const std::uint64_t (&words)[4])
    {
      std::memcpy(s, words, sizeof s);
    }

  private:
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

    static double
    bits_to_double(const std::uint64_t bits)
    {
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }

    std::uint64_t
    next()
    {
      return step(s[0], s[1], s[2], s[3]);
    }

    std::uint64_t s[4];
  };
} // namespace neuristor
