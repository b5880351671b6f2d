// Lin–Tzeng 0/1 encodings (overlap.h) and the per-label commitment ledger.
#include "backchannel/feelers/overlap.h"

#include <string>

#include "backchannel/common/byte_io.h"
#include "backchannel/feelers/psi.h"

namespace backchannel::feelers {
namespace {

constexpr std::uint8_t kOverlapKind = 3;  // after topic.h's 1 (free text), 2 (agenda)

Status CheckLabel(const OverlapLabel& l) {
  if (l.label.empty() || l.label.size() > 64)
    return InvalidArgument("overlap: label must be 1 to 64 bytes");
  if (l.unit.empty() || l.unit.size() > 32)
    return InvalidArgument("overlap: unit must be 1 to 32 bytes");
  if (l.width < 1 || l.width > 32) return InvalidArgument("overlap: width must be 1 to 32 bits");
  return Status::Ok();
}

// One prefix: its length in bits and its value (the top `len` bits).
Bytes PrefixItem(const OverlapLabel& l, std::uint8_t len, std::uint64_t bits) {
  ByteWriter w;
  w.U8(kOverlapKind);
  w.String16(l.label);
  w.String16(l.unit);
  w.U8(l.width);
  w.U8(len);
  w.U64(bits);
  return w.Take();
}

std::string LedgerKey(const OverlapLabel& l) {
  ByteWriter w;
  w.String16(l.label);
  w.String16(l.unit);
  w.U8(l.width);
  return std::string(AsString(w.bytes()));
}

}  // namespace

std::size_t OverlapK(const OverlapLabel& label) { return PolicySizeFor(label.width); }

Result<std::vector<Bytes>> OverlapItems(const OverlapLabel& label, OverlapSide side,
                                        std::uint64_t value) {
  BC_RETURN_IF_ERROR(CheckLabel(label));
  if (label.width < 64 && value >> label.width != 0) {
    return InvalidArgument("overlap: value does not fit in " + std::to_string(label.width) +
                           " bits");
  }
  std::vector<Bytes> out;
  // Bit i counts from the top: prefix length len = w - i + 1 in the
  // header's notation; here len runs 1..w, bit = the len-th from the top.
  for (std::uint8_t len = 1; len <= label.width; ++len) {
    const std::uint64_t prefix = value >> (label.width - len);
    const bool bit = (prefix & 1) != 0;
    if (side == OverlapSide::kAtLeast && bit) {
      out.push_back(PrefixItem(label, len, prefix));  // x_w..x_i with x_i = 1
    } else if (side == OverlapSide::kAtMost && !bit) {
      out.push_back(PrefixItem(label, len, prefix | 1));  // x_w..x_{i+1} 1 with x_i = 0
    }
  }
  return out;
}

Status OverlapLedger::UseRound(const IdentityKey& contact, const OverlapLabel& label,
                               OverlapSide side, std::uint64_t value) {
  BC_RETURN_IF_ERROR(CheckLabel(label));
  auto key = std::make_pair(contact, LedgerKey(label));
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (rounds_per_label_ == 0)
      return {StatusCode::kResourceExhausted, "overlap: no rounds allowed"};
    entries_.emplace(key, Entry{side, value, 1});
    return Status::Ok();
  }
  if (it->second.side != side || it->second.value != value) {
    return FailedPrecondition(
        "overlap: values are committed at the start; this label's value cannot change");
  }
  if (it->second.rounds >= rounds_per_label_) {
    return {StatusCode::kResourceExhausted,
            "overlap: this label's rounds with this contact are used up"};
  }
  ++it->second.rounds;
  return Status::Ok();
}

std::uint32_t OverlapLedger::RoundsLeft(const IdentityKey& contact,
                                        const OverlapLabel& label) const {
  auto it = entries_.find(std::make_pair(contact, LedgerKey(label)));
  if (it == entries_.end()) return rounds_per_label_;
  return it->second.rounds >= rounds_per_label_ ? 0 : rounds_per_label_ - it->second.rounds;
}

}  // namespace backchannel::feelers
