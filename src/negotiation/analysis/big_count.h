// A non-negative integer of any size, for exact outcome counts: little-endian
// base-10^9 limbs, with just the operations the counts need.
//
// Thread safety: a value type; distinct objects are independent.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_BIG_COUNT_H_
#define BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_BIG_COUNT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace backchannel::negotiation::internal {

class BigCount {
 public:
  BigCount() = default;
  explicit BigCount(std::uint64_t v);

  void Add(const BigCount& other);
  void Add(std::uint64_t v) { Add(BigCount(v)); }
  // REQUIRES: other <= *this.
  void Subtract(const BigCount& other);
  // REQUIRES: m < 2^32.
  void MultiplySmall(std::uint64_t m);
  bool IsZero() const { return limbs_.empty(); }
  std::string ToString() const;

 private:
  void Trim();
  std::vector<std::uint32_t> limbs_;  // empty means zero
};

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_BIG_COUNT_H_
