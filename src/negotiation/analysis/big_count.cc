#include "negotiation/analysis/big_count.h"

#include <algorithm>

namespace backchannel::negotiation::internal {
namespace {
constexpr std::uint64_t kBase = 1'000'000'000;
}  // namespace

BigCount::BigCount(std::uint64_t v) {
  while (v != 0) {
    limbs_.push_back(static_cast<std::uint32_t>(v % kBase));
    v /= kBase;
  }
}

void BigCount::Add(const BigCount& other) {
  if (limbs_.size() < other.limbs_.size()) limbs_.resize(other.limbs_.size(), 0);
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < limbs_.size(); ++i) {
    const std::uint64_t v = limbs_[i] + (i < other.limbs_.size() ? other.limbs_[i] : 0) + carry;
    limbs_[i] = static_cast<std::uint32_t>(v % kBase);
    carry = v / kBase;
    if (carry == 0 && i >= other.limbs_.size()) break;
  }
  if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
}

void BigCount::Subtract(const BigCount& other) {
  std::int64_t borrow = 0;
  for (std::size_t i = 0; i < limbs_.size(); ++i) {
    std::int64_t v = static_cast<std::int64_t>(limbs_[i]) - borrow -
                     (i < other.limbs_.size() ? static_cast<std::int64_t>(other.limbs_[i]) : 0);
    borrow = v < 0 ? 1 : 0;
    if (v < 0) v += static_cast<std::int64_t>(kBase);
    limbs_[i] = static_cast<std::uint32_t>(v);
  }
  Trim();
}

void BigCount::MultiplySmall(std::uint64_t m) {
  std::uint64_t carry = 0;
  for (auto& limb : limbs_) {
    // limb < 10^9 and m < 2^32 keep the product and carry inside 64 bits.
    const std::uint64_t v = static_cast<std::uint64_t>(limb) * m + carry;
    limb = static_cast<std::uint32_t>(v % kBase);
    carry = v / kBase;
  }
  while (carry != 0) {
    limbs_.push_back(static_cast<std::uint32_t>(carry % kBase));
    carry /= kBase;
  }
  Trim();
}

void BigCount::Trim() {
  while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
}

std::string BigCount::ToString() const {
  if (limbs_.empty()) return "0";
  std::string out = std::to_string(limbs_.back());
  for (std::size_t i = limbs_.size() - 1; i-- > 0;) {
    const std::string part = std::to_string(limbs_[i]);
    out += std::string(9 - part.size(), '0') + part;
  }
  return out;
}

}  // namespace backchannel::negotiation::internal
