// Fuzz-style tests: random and mutated inputs for the waveform parser, the
// layout parser and the checkpoint reader. Every input must be refused by an
// exception with a message or give a valid result; never a crash, a hang or
// a huge allocation (scripts/run_sanitizers.sh also runs these under ASan and
// UBSan). The generators use fixed seeds, so a failure shows the same input
// on every run; the failing input is printed with it.
#include "circuits/waveform.h"
#include "mesh/layout.h"
#include "solver/io/checkpoint.h"
#include "solver/case/input_error.h"
#include "solver/case/parameter_file.h"
#include "solver/case/parameter_tools.h"
#include "test_helpers.h"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <typeinfo>

using namespace neuristor;

namespace
{
  // Numbers that parsers get wrong: overflow, underflow, signs, non-finite,
  // integer limits, half-numbers; plus words the layout's selections know.
  const std::vector<std::string> odd_values = {
    "", "0", "-0", "-1", "1e308", "-1e308", "1e-308", "4.9e-324", "1e999", "-1e999", "nan",
    "NaN", "inf", "-inf", "1e-30", "1e30", "1e15", "2147483647", "2147483648", "4294967297",
    "18446744073709551616", "-9223372036854775808", "0x10", "1.5", "1e", ".", "+", "-", "e5",
    "90", "45", "1,2", "0 0 0", "list", "row", "column", "lattice", "cascade", " "};

  // Characters worth inserting: the grammar's own, digits and a few others.
  const std::string syntax = "()=,+-;. eE0123456789xpwltrainducsdelyamp\t\n";

  // Input text for a message: control and non-ASCII bytes as \xNN.
  std::string
  printable(const std::string &text)
  {
    std::string out;
    for (const unsigned char ch : text)
      if (ch >= 32 && ch < 127)
        out += static_cast<char>(ch);
      else
        {
          char code[8];
          std::snprintf(code, sizeof(code), "\\x%02x", ch);
          out += code;
        }
    return "'" + out + "'";
  }

  /** Random edits of text, from one seeded generator. */
  class Mutator
  {
  public:
    explicit Mutator(const std::uint64_t seed)
      : rng(seed)
    {}

    std::size_t
    below(const std::size_t n)
    {
      return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    }

    char
    any_char()
    {
      return below(3) == 0 ? static_cast<char>(below(256)) : syntax[below(syntax.size())];
    }

    std::string
    random_string(const std::size_t max_length)
    {
      std::string text(below(max_length + 1), ' ');
      for (auto &ch : text)
        ch = any_char();
      return text;
    }

    /** One to three edits: delete, insert, duplicate, swap or replace a number. */
    std::string
    mutate(std::string text)
    {
      for (std::size_t n = below(2) == 0 ? 1 : 2 + below(2), k = 0; k < n; ++k)
        {
          const std::size_t at = below(text.size() + 1);
          switch (below(6))
            {
              case 0:
                if (!text.empty())
                  text.erase(below(text.size()), 1 + below(4));
                break;
              case 1:
                text.insert(at, 1 + below(3), any_char());
                break;
              case 2:
                if (at < text.size())
                  text.insert(at, text.substr(at, 1 + below(12)));
                break;
              case 3:
                if (text.size() > 1)
                  std::swap(text[below(text.size())], text[below(text.size())]);
                break;
              default:
                text = replace_number(text);
            }
        }
      return text;
    }

    /** One number of the text (a run of digits, '.', 'e', signs) by an odd value. */
    std::string
    replace_number(const std::string &text)
    {
      std::vector<std::pair<std::size_t, std::size_t>> numbers;
      for (std::size_t i = 0; i < text.size();)
        {
          if (!std::isdigit(static_cast<unsigned char>(text[i])))
            {
              ++i;
              continue;
            }
          std::size_t begin = i, end = i;
          while (begin > 0 && std::string("+-.").find(text[begin - 1]) != std::string::npos)
            --begin;
          while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                       std::string(".eE+-").find(text[end]) != std::string::npos))
            ++end;
          numbers.emplace_back(begin, end - begin);
          i = end;
        }
      const std::string value = odd_values[below(odd_values.size())];
      if (numbers.empty())
        return value;
      const auto [begin, length] = numbers[below(numbers.size())];
      return text.substr(0, begin) + value + text.substr(begin + length);
    }

    std::mt19937_64 rng;
  };

  /** Counts of one target's inputs, printed at the end of its test. */
  struct Tally
  {
    unsigned int refused = 0, valid = 0;

    // Run `attempt`: it returns (a valid result, checked by itself) or
    // throws Refusal with a message; anything else fails the test.
    template <typename Refusal, typename Attempt>
    void
    expect_refusal_or_valid(const std::string &input, Attempt &&attempt)
    {
      try
        {
          attempt();
          ++valid;
        }
      catch (const Refusal &e)
        {
          ++refused;
          EXPECT_FALSE(std::string(e.what()).empty()) << "input " << printable(input);
        }
      catch (const std::exception &e)
        {
          ADD_FAILURE() << "unexpected " << typeid(e).name() << " (" << e.what()
                        << ") for input " << printable(input);
        }
    }

    void
    report(const std::string &target) const
    {
      std::cout << "[ fuzz     ] " << target << ": " << refused + valid << " inputs, "
                << refused << " refused, " << valid << " valid" << std::endl;
      // Both kinds, or the mutations miss what they are meant to reach.
      EXPECT_GT(refused, 0u) << target;
      EXPECT_GT(valid, 0u) << target;
    }
  };

  // ---- Waveform ----

  const std::vector<std::string> waveforms = {
    "dc(12.5)",
    "pulse(amplitude=5, delay=1e-6, width=2e-6, rise=1e-9, fall=1e-9)",
    "train(amplitude=9.1, period=1e-6, duty=0.5, rise=1e-9, fall=1e-9, delay=0, count=0)",
    "train(amplitude=1, period=1e-6, duty=0.8, count=2)",
    "pwl(0 0, 1e-6 5, 3e-6 5, 4e-6 0)",
    "dc(5.7) + train(amplitude=3.4, period=1e-6, duty=0.8)",
    "dc(1e+0) + pulse(amplitude=-2, width=1e-7) + pwl(1e-7 1)"};

  // A parsed waveform is usable: finite values and slopes, and breakpoints
  // that move forward (a bounded walk along them).
  void
  check_waveform(const Waveform &w)
  {
    for (const double t : {-1.0, 0.0, 1e-9, 0.7e-6, 1e-6, 2.5e-6, 1e-3, 1e3})
      for (const bool left : {false, true})
        {
          ASSERT_TRUE(std::isfinite(w.value(t, left))) << "t = " << t;
          ASSERT_TRUE(std::isfinite(w.derivative(t, left))) << "t = " << t;
        }
    double t = 0;
    for (unsigned int k = 0; k < 20 && std::isfinite(t); ++k)
      {
        const double next = w.next_breakpoint(t);
        ASSERT_GT(next, t);
        if (std::isfinite(next))
          {
            ASSERT_TRUE(std::isfinite(w.value(next)) && std::isfinite(w.value(next, true)));
          }
        t = next;
      }
  }

  // ---- Layout ----

  // Valid layouts on a small substrate, one per arrangement.
  const std::vector<std::map<std::string, std::string>> layouts = {
    {{"Arrangement", "row"}, {"Count", "2"}},
    {{"Arrangement", "column"}, {"Count", "2"}, {"Substrate size x", "12e-6"}},
    {{"Arrangement", "list"}, {"Devices", "0 0 0; 0 -1.5e-6 0; 3e-6 2e-6 90"}},
    {{"Arrangement", "lattice"}, {"Rows", "2"}, {"Columns", "2"}, {"Substrate size x", "12e-6"}},
    {{"Arrangement", "cascade"}, {"Layers", "3"}, {"Devices per layer", "1"},
     {"Orientation", "90"}}};

  // Entries set in every input, so that one ParameterHandler serves them all.
  const std::map<std::string, std::string> layout_defaults = {
    {"Substrate size x", "8e-6"}, {"Substrate size y", "8e-6"}, {"Substrate thickness", "4e-6"},
    {"Channel length", "500e-9"}, {"Channel width", "100e-9"}, {"VO2 thickness", "100e-9"},
    {"Electrode overlap", "200e-9"}, {"Lead length", "1e-6"}, {"Lead width", "100e-9"},
    {"Ti thickness", "15e-9"}, {"Au thickness", "40e-9"}, {"Arrangement", "row"},
    {"Devices", "0 0 0"}, {"Count", "1"}, {"Rows", "1"}, {"Columns", "1"}, {"Layers", "2"},
    {"Devices per layer", "1"}, {"Gap", "500e-9"}, {"Layer pitch", "1e-6"},
    {"Orientation", "0"}, {"Finest cell size", "25e-9"}, {"Growth ratio", "1.4"},
    {"Coarsest cell size", "2e-6"}};

  // A parsed layout is usable: devices, finite boxes of positive size, each
  // channel on the substrate.
  void
  check_layout(const Layout &layout)
  {
    ASSERT_GT(layout.n_devices(), 0u);
    for (const auto &b : layout.blocks())
      for (unsigned int d = 0; d < 3; ++d)
        ASSERT_TRUE(std::isfinite(b.lo[d]) && std::isfinite(b.hi[d]) && b.lo[d] < b.hi[d])
          << b.what;
    const auto &s = layout.substrate();
    for (unsigned int i = 0; i < layout.n_devices(); ++i)
      {
        const auto &c = layout.channel_box(i);
        ASSERT_GT(layout.channel_volume(i), 0);
        for (unsigned int d = 0; d < 2; ++d)
          ASSERT_TRUE(c.lo[d] >= s.lo[d] - 1e-12 && c.hi[d] <= s.hi[d] + 1e-12) << c.what;
      }
  }

  // ---- Checkpoint ----

  // A payload of each kind of record, in the order read_records reads it.
  std::string
  sample_payload()
  {
    std::ostringstream out;
    BinaryWriter       writer(&out);
    const std::string  identity = "Run/End time = 1e-6\nLayout/Count = 2\n";
    writer(identity, 0.25e-6, std::uint64_t(1234), std::vector<double>{1.5, -2.5, 3e-9},
           std::vector<std::int32_t>{7, -1}, std::string("field-000.vtu"),
           std::vector<char>{'a', 'b'});
    return out.str();
  }

  // Reads what sample_payload wrote, with each size checked by BinaryReader.
  void
  read_records(BinaryReader &reader, const std::size_t size)
  {
    std::string               identity, name;
    double                    time = 0;
    std::uint64_t             bytes = 0;
    std::vector<double>       values;
    std::vector<std::int32_t> numbers;
    std::vector<char>         chars;
    reader(identity, time, bytes, values, numbers, name, chars);
    ASSERT_LE(identity.size() + name.size() + chars.size() + 8 * values.size() +
                4 * numbers.size(),
              size);
  }

  std::string
  random_bytes(Mutator &m, const std::size_t max_length)
  {
    std::string bytes(m.below(max_length + 1), '\0');
    for (auto &ch : bytes)
      ch = static_cast<char>(m.below(256));
    return bytes;
  }

  template <typename T>
  std::string
  bytes_of(const T value)
  {
    return std::string(reinterpret_cast<const char *>(&value), sizeof(T));
  }
} // namespace

TEST(Fuzz, WaveformParserRefusesOrGivesFiniteValues)
{
  Mutator mutator(0x5eed0001);
  Tally   tally;
  for (const auto &text : waveforms)
    check_waveform(Waveform::parse(text, "fuzz"));
  for (unsigned int k = 0; k < 4000; ++k)
    {
      // Mostly mutated valid waveforms, some random text, some sums.
      std::string text;
      switch (mutator.below(8))
        {
          case 0:
            text = mutator.random_string(40);
            break;
          case 1:
            text = mutator.mutate(waveforms[mutator.below(waveforms.size())] + " + " +
                                  waveforms[mutator.below(waveforms.size())]);
            break;
          default:
            text = mutator.mutate(waveforms[mutator.below(waveforms.size())]);
        }
      tally.expect_refusal_or_valid<InputError>(text, [&] {
        const auto w = Waveform::parse(text, "fuzz");
        SCOPED_TRACE("input " + printable(text));
        check_waveform(w);
      });
      if (HasFatalFailure())
        return;
    }
  tally.report("waveform");
}

TEST(Fuzz, LayoutParserRefusesOrGivesValidGeometry)
{
  dealii::ParameterHandler prm;
  prm.enter_subsection("Layout");
  Layout::declare_parameters(prm);
  prm.leave_subsection();

  Mutator mutator(0x5eed0002);
  Tally   tally;
  for (unsigned int k = 0; k < 3000; ++k)
    {
      // A valid layout, one to three of its entries mutated or replaced.
      auto values = layout_defaults;
      for (const auto &[entry, value] : layouts[k % layouts.size()])
        values[entry] = value;
      std::string described;
      for (std::size_t n = k < layouts.size() ? 0 : 1 + mutator.below(3), i = 0; i < n; ++i)
        {
          auto entry = values.begin();
          std::advance(entry, mutator.below(values.size()));
          entry->second = mutator.below(4) == 0 ? mutator.replace_number(entry->second) :
                                                  mutator.mutate(entry->second);
          described += entry->first + "=" + entry->second + "; ";
        }
      tally.expect_refusal_or_valid<InputError>(described, [&] {
        for (const auto &[entry, value] : values)
          set_entry(prm, "Layout/" + entry, value, "fuzz");
        Layout layout;
        parameter_tools::in_subsection(prm, "Layout", [&] { layout.parse_parameters(prm); });
        SCOPED_TRACE("input " + printable(described));
        check_layout(layout);
      });
      if (k < layouts.size())
        {
          ASSERT_EQ(tally.valid, k + 1) << "the unmutated layout " << k << " must be valid";
        }
      if (HasFatalFailure())
        return;
    }
  tally.report("layout");
}

TEST(Fuzz, CheckpointFileRefusesDamage)
{
  const std::string payload = sample_payload();
  const std::string sealed  = checkpoint_file::seal(payload);
  const auto        folder  = test_support::scratch("fuzz_checkpoints");
  std::filesystem::create_directories(folder);

  Mutator mutator(0x5eed0003);
  Tally   tally;
  for (unsigned int k = 0; k < 3000; ++k)
    {
      std::string content  = sealed;
      bool        may_open = false; // intact, or a damaged payload sealed again
      switch (k == 0 ? 99 : mutator.below(7))
        {
          case 0: // flipped bits
            for (std::size_t n = 1 + mutator.below(8), i = 0; i < n; ++i)
              content[mutator.below(content.size())] ^= static_cast<char>(1 << mutator.below(8));
            break;
          case 1: // truncated
            content.resize(mutator.below(content.size()));
            break;
          case 2: // extended
            content += random_bytes(mutator, 64);
            break;
          case 3: // random bytes
            content = random_bytes(mutator, 200);
            break;
          case 4: // the header's start, then random bytes
            content = content.substr(0, 12) + random_bytes(mutator, 200);
            break;
          case 5: // damaged payload, sealed again: open accepts it, reading must not
            content  = checkpoint_file::seal(mutator.mutate(payload));
            may_open = true;
            break;
          case 6: // a payload length that runs past the end
            content.replace(12, 8, bytes_of(std::uint64_t(1) << (mutator.below(64))));
            break;
          default:; // unchanged
        }
      may_open = may_open || content == sealed; // e.g. a bit flipped twice
      // A new file each time: a file truncated and written again is slow
      // on ext4, which flushes it on close.
      const auto file = folder / ("input-" + std::to_string(k) + ".bin");
      {
        std::ofstream out(file, std::ios::binary);
        out << content;
      }
      tally.expect_refusal_or_valid<std::runtime_error>(content, [&] {
        const std::string opened = checkpoint_file::open(file);
        ASSERT_TRUE(may_open) << "a damaged file was opened";
        if (opened == payload)
          return;
        std::istringstream in(opened);
        BinaryReader       reader(in, file);
        read_records(reader, opened.size());
      });
      std::filesystem::remove(file);
      if (HasFatalFailure())
        return;
    }
  tally.report("checkpoint file");
}

TEST(Fuzz, BinaryReaderChecksSizesAgainstTheData)
{
  Mutator mutator(0x5eed0004);
  Tally   tally;
  // Sizes near the limits: zero, one past the data, overflow of size * 8.
  const std::vector<std::uint64_t> sizes = {0, 1, 7, 8, 9, 100, 1ull << 32, 1ull << 61,
                                            (1ull << 61) + 1, 1ull << 63, ~0ull, ~0ull / 8 + 1};
  for (unsigned int k = 0; k < 3000; ++k)
    {
      std::string data = mutator.below(2) == 0 ? bytes_of(sizes[mutator.below(sizes.size())]) : "";
      data += random_bytes(mutator, 96);
      tally.expect_refusal_or_valid<std::runtime_error>(data, [&] {
        std::istringstream in(data);
        BinaryReader       reader(in, "random bytes");
        std::size_t        used = 0;
        // A random sequence of records, each bounded by what is left.
        for (std::size_t n = 1 + mutator.below(6), i = 0; i < n; ++i)
          switch (mutator.below(6))
            {
              case 0:
                {
                  std::uint64_t value;
                  reader(value);
                  used += 8;
                  break;
                }
              case 1:
                {
                  double value;
                  reader(value);
                  used += 8;
                  break;
                }
              case 2:
                {
                  std::vector<double> values;
                  reader(values);
                  used += 8 + 8 * values.size();
                  break;
                }
              case 3:
                {
                  std::vector<std::int32_t> values;
                  reader(values);
                  used += 8 + 4 * values.size();
                  break;
                }
              case 4:
                {
                  std::vector<std::array<double, 5>> values;
                  reader(values);
                  used += 8 + 40 * values.size();
                  break;
                }
              default:
                {
                  std::string text;
                  reader(text);
                  used += 8 + text.size();
                }
            }
        ASSERT_LE(used, data.size());
      });
      if (HasFatalFailure())
        return;
    }
  tally.report("binary reader");
}
