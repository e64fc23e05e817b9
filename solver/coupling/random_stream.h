#pragma once

#include <cmath>
#include <cstdint>

namespace neuristor
{
  /**
   * A small, fast, portable random stream (xoshiro256** seeded by splitmix64)
   * with Gaussian draws by Box-Muller. Each device owns one stream seeded by
   * (seed, device), so noise does not depend on how devices are spread over
   * MPI ranks, and the 32-byte state is cheap to copy when a coupling window
   * is repeated.
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

    /** Standard normal. */
    double
    normal()
    {
      if (has_spare)
        {
          has_spare = false;
          return spare;
        }
      const double r = std::sqrt(-2 * std::log(uniform()));
      const double a = 6.283185307179586 * uniform();
      spare          = r * std::sin(a);
      has_spare      = true;
      return r * std::cos(a);
    }

  private:
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
    double        spare     = 0;
    bool          has_spare = false;
  };
} // namespace neuristor
