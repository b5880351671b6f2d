// Blind overlap of a numeric position (docs/feelers.md §9): one side says
// "at least N", the other "at most M" on a labelled integer issue with an
// agreed unit and width; both learn only whether N <= M.
//
// Lin–Tzeng 2005's 0/1 encoding turns the comparison into a set
// intersection: for a w-bit x = x_w..x_1,
//   1-encoding T1(x) = { x_w..x_i        : x_i = 1 }
//   0-encoding T0(x) = { x_w..x_{i+1} 1  : x_i = 0 }
// and x > y exactly when T1(x) and T0(y) share an element (at most one).
// So "at least N" brings T1(N), "at most M" brings T0(M), and N <= M exactly
// when the intersection is empty. It runs over the cardinality-only PSI
// (revealing WHICH prefix matched would reveal the common prefix), with k
// fixed by the width so the set sizes say nothing about the values.
//
// Repeated queries would be a binary search, so OverlapLedger commits each
// side's value per contact and label at its first use and allows a fixed
// number of rounds per label.
//
// Thread safety: the functions are safe from any thread; an OverlapLedger
// object is not safe to share.
#ifndef BACKCHANNEL_FEELERS_OVERLAP_H_
#define BACKCHANNEL_FEELERS_OVERLAP_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/feelers/context.h"

namespace backchannel::feelers {

enum class OverlapSide : std::uint8_t { kAtLeast = 1, kAtMost = 2 };

struct OverlapLabel {
  std::string label;        // the issue, e.g. "enrichment-cap"; 1..64 bytes
  std::string unit;         // the agreed unit, e.g. "kg-u235"; 1..32 bytes
  std::uint8_t width = 32;  // bits, 1..32
  friend bool operator==(const OverlapLabel&, const OverlapLabel&) = default;
};

// The items the side brings: its Lin–Tzeng encoding of `value`, each prefix
// encoded injectively with the label, unit and width (kind byte 3, so it
// never equals a topic). kInvalidArgument for a bad label or unit, a width
// outside 1..32, or a value that does not fit in the width. May be empty
// (T1(0), T0(2^w - 1)): padding fills the set either way.
Result<std::vector<Bytes>> OverlapItems(const OverlapLabel& label, OverlapSide side,
                                        std::uint64_t value);

// The k an overlap of this width uses (a policy size >= width).
std::size_t OverlapK(const OverlapLabel& label);

// Whether N <= M, from the number of items both sides shared.
inline bool OverlapHolds(std::size_t shared_count) { return shared_count == 0; }

class OverlapLedger {
 public:
  explicit OverlapLedger(std::uint32_t rounds_per_label = 3)
      : rounds_per_label_(rounds_per_label) {}

  // Records one round for (contact, label) with our `value`. The first round
  // commits the value; a later round with another value is kFailedPrecondition
  // ("values are committed at the start"); a round past the limit is
  // kResourceExhausted. A refused round changes nothing.
  Status UseRound(const IdentityKey& contact, const OverlapLabel& label, OverlapSide side,
                  std::uint64_t value);
  std::uint32_t RoundsLeft(const IdentityKey& contact, const OverlapLabel& label) const;

 private:
  struct Entry {
    OverlapSide side;
    std::uint64_t value;
    std::uint32_t rounds;
  };
  std::uint32_t rounds_per_label_;
  std::map<std::pair<IdentityKey, std::string>, Entry> entries_;
};

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_OVERLAP_H_
