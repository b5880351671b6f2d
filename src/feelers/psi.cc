// DH-PSI steps of psi.h. Randomness (padding, shuffles) comes from libsodium
// through the crypto seam.
#include "backchannel/feelers/psi.h"

#include <algorithm>
#include <set>

#include "backchannel/crypto/primitives.h"

namespace backchannel::feelers {
namespace {

using crypto::RistrettoElement;

// Fisher–Yates with libsodium's unbiased randombytes_uniform.
template <typename T>
void Shuffle(std::vector<T>& v) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = crypto::RandomUniform(static_cast<std::uint32_t>(i));
    std::swap(v[i - 1], v[j]);
  }
}

Status CheckDistinct(std::span<const RistrettoElement> elements) {
  std::set<RistrettoElement> seen;
  for (const RistrettoElement& e : elements) {
    if (!seen.insert(e).second) return InvalidMessage("feelers: duplicate element");
  }
  return Status::Ok();
}

}  // namespace

bool IsPolicySize(std::size_t k) {
  return std::find(std::begin(kPolicySizes), std::end(kPolicySizes), k) != std::end(kPolicySizes);
}

bool IsWireSize(std::size_t k) { return IsPolicySize(k) || k == kZoneSize; }

std::uint8_t PolicySizeFor(std::size_t n) {
  if (n == 0) return 0;
  for (std::uint8_t k : kPolicySizes) {
    if (n <= k) return k;
  }
  return 0;
}

Result<MaskedSet> MaskItems(const ExchangeContext& context, ByteView secret,
                            std::span<const Bytes> items, std::size_t k) {
  if (!IsWireSize(k))
    return InvalidArgument("feelers: k must be 8, 16, 32 (or 128 for a zone check)");
  if (items.size() > k) return InvalidArgument("feelers: more items than k");
  std::set<Bytes> seen(items.begin(), items.end());
  if (seen.size() != items.size()) return InvalidArgument("feelers: the same item twice");

  struct Slot {
    RistrettoElement e;
    std::int16_t item;
  };
  std::vector<Slot> slots;
  slots.reserve(k);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const RistrettoElement h = HashItemToGroup(context, items[i]);
    BC_ASSIGN_OR_RETURN(RistrettoElement e, crypto::RistrettoScalarMult(secret, h));
    slots.push_back({e, static_cast<std::int16_t>(i)});
  }
  // Padding is a random element: s·R for uniform R is uniform, and needs no
  // scalar multiplication.
  while (slots.size() < k) slots.push_back({crypto::RistrettoRandomElement(), -1});
  Shuffle(slots);
  MaskedSet out;
  for (const Slot& s : slots) {
    out.elements.push_back(s.e);
    out.item_at.push_back(s.item);
  }
  // A collision (two hashes, or a hash and a padding element, equal) has
  // probability about k^2 / 2^252; refusing it keeps "no duplicates" an
  // invariant the receiver can check. (Validity needs no check: libsodium
  // made every element.)
  BC_RETURN_IF_ERROR(CheckDistinct(out.elements));
  return out;
}

Status CheckCountAndDistinct(std::span<const RistrettoElement> elements, std::size_t k) {
  if (elements.size() != k) return InvalidMessage("feelers: element count is not the exchange's k");
  return CheckDistinct(elements);
}

Status CheckReceivedSet(std::span<const RistrettoElement> elements, std::size_t k) {
  if (elements.size() != k) return InvalidMessage("feelers: element count is not the exchange's k");
  std::set<RistrettoElement> seen;
  for (const RistrettoElement& e : elements) {
    if (!crypto::RistrettoIsValidNonIdentity(e)) {
      return InvalidMessage(
          "feelers: an element is not a canonical non-identity ristretto255 element");
    }
    if (!seen.insert(e).second) return InvalidMessage("feelers: duplicate element");
  }
  return Status::Ok();
}

Result<Answer> AnswerItems(const ExchangeContext& context, ByteView secret,
                           const RistrettoElement& public_key,
                           std::span<const RistrettoElement> theirs, Variant variant) {
  Answer out;
  out.elements.reserve(theirs.size());
  for (const RistrettoElement& e : theirs) {
    BC_ASSIGN_OR_RETURN(RistrettoElement d, crypto::RistrettoScalarMult(secret, e));
    out.elements.push_back(d);
  }
  const Bytes bind = context.Encode();
  const Batching batching = variant == Variant::kFull ? Batching::kOrdered : Batching::kUnordered;
  BC_ASSIGN_OR_RETURN(out.proof,
                      GenerateDleqProof(secret, public_key, theirs, out.elements, bind, batching));
  if (variant == Variant::kCardinality) Shuffle(out.elements);
  return out;
}

Status VerifyAnswer(const ExchangeContext& context, const RistrettoElement& their_key,
                    std::span<const RistrettoElement> mine, const Answer& answer, Variant variant) {
  // Count and duplicates here; each element's encoding is checked by the
  // group operations of the verification itself (libsodium decodes every
  // input canonically and refuses the identity), which saves k decodings.
  BC_RETURN_IF_ERROR(CheckCountAndDistinct(answer.elements, mine.size()));
  const Batching batching = variant == Variant::kFull ? Batching::kOrdered : Batching::kUnordered;
  return VerifyDleqProof(their_key, mine, answer.elements, context.Encode(), batching,
                         answer.proof);
}

Result<std::vector<std::size_t>> Intersect(ByteView secret, const MaskedSet& mine,
                                           std::span<const RistrettoElement> theirs,
                                           std::span<const RistrettoElement> answer) {
  if (answer.size() != mine.elements.size() || mine.item_at.size() != mine.elements.size()) {
    return InvalidArgument("feelers: answer and own set differ in size");
  }
  std::set<RistrettoElement> doubled;
  for (const RistrettoElement& e : theirs) {
    BC_ASSIGN_OR_RETURN(RistrettoElement d, crypto::RistrettoScalarMult(secret, e));
    doubled.insert(d);
  }
  std::vector<std::size_t> out;
  for (std::size_t pos = 0; pos < answer.size(); ++pos) {
    if (mine.item_at[pos] >= 0 && doubled.count(answer[pos]) != 0) {
      out.push_back(static_cast<std::size_t>(mine.item_at[pos]));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::size_t> IntersectCount(ByteView secret, std::span<const RistrettoElement> theirs,
                                   std::span<const RistrettoElement> answer) {
  std::set<RistrettoElement> doubled;
  for (const RistrettoElement& e : theirs) {
    BC_ASSIGN_OR_RETURN(RistrettoElement d, crypto::RistrettoScalarMult(secret, e));
    doubled.insert(d);
  }
  std::size_t n = 0;
  for (const RistrettoElement& e : answer) n += doubled.count(e);
  return n;
}

}  // namespace backchannel::feelers
