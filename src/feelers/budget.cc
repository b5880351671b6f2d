// The per-contact probing budget of budget.h: a sliding window of charges.
#include "backchannel/feelers/budget.h"

#include <algorithm>
#include <string>

#include "backchannel/common/byte_io.h"

namespace backchannel::feelers {
namespace {
constexpr std::int64_t kMaxWindowSeconds = std::int64_t{366} * 86400;
}  // namespace

std::uint32_t ProbingBudget::Used(const IdentityKey& contact, std::int64_t now) const {
  auto it = charges_.find(contact);
  if (it == charges_.end()) return 0;
  std::uint64_t used = 0;
  for (const Charge& c : it->second) {
    // A charge counts while now - at < window; a clock that went back keeps it.
    if (now - c.at < policy_.window_seconds) used += c.units;
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(used, UINT32_MAX));
}

std::uint32_t ProbingBudget::Remaining(const IdentityKey& contact, std::int64_t now) const {
  const std::uint32_t used = Used(contact, now);
  return used >= policy_.per_window ? 0 : policy_.per_window - used;
}

void ProbingBudget::Prune(std::vector<Charge>& charges, std::int64_t now) const {
  std::erase_if(charges, [&](const Charge& c) { return now - c.at >= policy_.window_seconds; });
}

Status ProbingBudget::ChargeExchange(const IdentityKey& contact, std::int64_t now) {
  if (Remaining(contact, now) == 0) {
    return {StatusCode::kResourceExhausted,
            "feelers: this contact's exchange budget for the day is spent (" +
                std::to_string(policy_.per_window) + " per " +
                std::to_string(policy_.window_seconds) + " s)"};
  }
  auto& v = charges_[contact];
  Prune(v, now);
  v.push_back({now, 1});
  return Status::Ok();
}

void ProbingBudget::ChargePenalty(const IdentityKey& contact, std::int64_t now) {
  auto& v = charges_[contact];
  Prune(v, now);
  v.push_back({now, policy_.withhold_penalty});
}

// Layout: u8 version (1), u32 per_window, i64 window_seconds, u32 penalty,
// u32 contacts, then per contact: key[32], u32 n, n x (i64 at, u32 units).
Bytes ProbingBudget::Encode() const {
  ByteWriter w;
  w.U8(1);
  w.U32(policy_.per_window);
  w.I64(policy_.window_seconds);
  w.U32(policy_.withhold_penalty);
  w.U32(static_cast<std::uint32_t>(charges_.size()));
  for (const auto& [key, v] : charges_) {
    w.Raw(key);
    w.U32(static_cast<std::uint32_t>(v.size()));
    for (const Charge& c : v) {
      w.I64(c.at);
      w.U32(c.units);
    }
  }
  return w.Take();
}

Result<ProbingBudget> ProbingBudget::Decode(ByteView in) {
  ByteReader r(in);
  std::uint8_t version = 0;
  BudgetPolicy p;
  std::uint32_t contacts = 0;
  if (!r.U8(version) || version != 1) return Corrupt("feelers budget: unknown version");
  if (!r.U32(p.per_window) || !r.I64(p.window_seconds) || !r.U32(p.withhold_penalty) ||
      !r.U32(contacts)) {
    return Corrupt("feelers budget: truncated");
  }
  if (p.window_seconds <= 0 || p.window_seconds > kMaxWindowSeconds) {
    return Corrupt("feelers budget: window must be 1 s to a year");
  }
  ProbingBudget b(p);
  for (std::uint32_t i = 0; i < contacts; ++i) {
    IdentityKey key{};
    std::uint32_t n = 0;
    if (!r.Array(key) || !r.U32(n)) return Corrupt("feelers budget: truncated");
    if (n > r.remaining() / 12) return Corrupt("feelers budget: truncated");
    // Keys strictly increasing, as Encode writes them: one encoding per value.
    if (!b.charges_.empty() && !(b.charges_.rbegin()->first < key)) {
      return Corrupt("feelers budget: contacts out of order or repeated");
    }
    auto& v = b.charges_[key];
    for (std::uint32_t j = 0; j < n; ++j) {
      Charge c{};
      if (!r.I64(c.at) || !r.U32(c.units)) return Corrupt("feelers budget: truncated");
      // Times are seconds since the epoch: a negative one is corrupt (and
      // would overflow `now - at`).
      if (c.at < 0) return Corrupt("feelers budget: negative time");
      v.push_back(c);
    }
  }
  if (!r.done()) return Corrupt("feelers budget: trailing bytes");
  return b;
}

}  // namespace backchannel::feelers
