#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace neuristor
{
  /**
   * Weighted sums over links, one per row: out_k = sum_m w_km v[j_km], for
   * all rows at once (the heat each local device receives from its
   * neighbours' temperatures, or the neighbours' noise). The terms are kept
   * by slices of `slice` rows, a column per link, each slice as wide as its
   * most connected row and padded with weight 0 (sliced ELL), so the sums
   * vectorise over the rows; each sum adds its terms in link order, as a
   * loop over the row's links would.
   */
  class LinkSums
  {
  public:
    struct Term
    {
      unsigned int j; // index into the summed vector
      double       w;
    };

    LinkSums() = default;

    /** n_rows sums, row k's terms in the order terms(k) gives them. */
    LinkSums(const unsigned int n_rows, const std::function<std::vector<Term>(unsigned int)> &terms);

    /** out[k] = row k's sum over v. */
    void
    evaluate(const double *v, double *out) const;

    /** The same over two vectors (a value and its rate). */
    void
    evaluate(const double *v, const double *dv, double *out, double *d_out) const
    {
      evaluate(v, out);
      evaluate(dv, d_out);
    }

  private:
    static constexpr unsigned int slice = 8;
    unsigned int                  n_rows = 0;
    std::vector<std::size_t>      slice_begin; // slice b's terms: [slice_begin[b], slice_begin[b + 1])
    std::vector<unsigned int>     index;       // j of each term, `slice` per column
    std::vector<double>           weight;      // w of each term (0: padding)
  };
} // namespace neuristor
