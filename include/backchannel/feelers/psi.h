// The Diffie–Hellman private set intersection at the heart of the feelers
// (Meadows 1986; Huberman–Franklin–Hogg 1999), over ristretto255 (RFC 9496).
// Each side i holds a fresh secret scalar s_i and publishes Y_i = s_i·G.
//   1. Mask: each side sends exactly k elements s_i·H(x) for its items x,
//      padded with random elements and shuffled (MaskItems).
//   2. Answer: each side raises the other's k elements to its own secret,
//      s_j·(s_i·H(x)), and proves with a batched DLEQ (dleq.h) that it used
//      the secret behind Y_j (AnswerItems). In the full variant the answers
//      keep the other's order, so the other learns WHICH of its items are
//      shared; in the cardinality-only variant (De Cristofaro–Gasti–Tsudik
//      2012) they are shuffled, so it learns only HOW MANY.
//   3. Learn: a side verifies the answer to its own items, raises the other's
//      elements to its own secret, and compares (Intersect / IntersectCount).
// H is context.h's HashItemToGroup, bound to the exchange. Everything here is
// pure and synchronous; exchange.h drives it across messages.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_FEELERS_PSI_H_
#define BACKCHANNEL_FEELERS_PSI_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/ristretto255.h"
#include "backchannel/feelers/context.h"
#include "backchannel/feelers/dleq.h"

namespace backchannel::feelers {

// The set sizes a side may choose: every message carries exactly k elements,
// so the number of real items is hidden inside the class.
inline constexpr std::uint8_t kPolicySizes[] = {8, 16, 32};
bool IsPolicySize(std::size_t k);
// A zone check's k (zone.h): every list of up to 100 candidates is padded
// to 128, so a zone set says nothing about how many candidates a side
// accepts. Feelers and overlaps never use it (a feeler of 128 guesses would
// be a better probe than the budget intends).
inline constexpr std::size_t kZoneSize = 128;
// The sizes a message may carry: a policy size or kZoneSize. Which one an
// exchange uses is the exchange's check (exchange.cc), by its domain.
bool IsWireSize(std::size_t k);
// The smallest policy size that holds n items; 0 when n > 32 or n == 0.
std::uint8_t PolicySizeFor(std::size_t n);

enum class Variant : std::uint8_t { kFull = 1, kCardinality = 2 };

struct MaskedSet {
  std::vector<crypto::RistrettoElement> elements;  // k, shuffled
  // For each position, the index of the item it carries, or -1 for padding.
  // Secret (it says which positions are real): kept only in sealed state.
  std::vector<std::int16_t> item_at;
};

// Masks `items` under `secret`: k elements, padding random, order shuffled
// with libsodium randomness. kInvalidArgument when k is not a wire size,
// there are more items than k, or two items are equal.
Result<MaskedSet> MaskItems(const ExchangeContext& context, ByteView secret,
                            std::span<const Bytes> items, std::size_t k);

// Checks a received set of elements: exactly k, each canonical and not the
// identity, no two equal. kInvalidMessage with the reason otherwise.
Status CheckReceivedSet(std::span<const crypto::RistrettoElement> elements, std::size_t k);

// The cheap part of that check, for elements that were decoded (and so
// checked) already, or that the group operations will check anyway: exactly
// k, no two equal. kInvalidMessage otherwise.
Status CheckCountAndDistinct(std::span<const crypto::RistrettoElement> elements, std::size_t k);

struct Answer {
  std::vector<crypto::RistrettoElement> elements;
  DleqProof proof;
};

// Raises the other side's elements (already checked) to `secret` and proves
// it against `public_key` (== secret·G). kCardinality shuffles the answers.
Result<Answer> AnswerItems(const ExchangeContext& context, ByteView secret,
                           const crypto::RistrettoElement& public_key,
                           std::span<const crypto::RistrettoElement> theirs, Variant variant);

// Verifies the answer `answer` to `mine` (my masked elements) under the other
// side's key. kBadSignature when the proof fails; kInvalidMessage when the
// answer has the wrong count, a bad element or (cardinality) a duplicate.
Status VerifyAnswer(const ExchangeContext& context, const crypto::RistrettoElement& their_key,
                    std::span<const crypto::RistrettoElement> mine, const Answer& answer,
                    Variant variant);

// Full variant: the indices (into my items, via `mine.item_at`) whose doubly
// masked value is among my secret applied to `theirs`. The answer must have
// been verified. Sorted ascending.
Result<std::vector<std::size_t>> Intersect(ByteView secret, const MaskedSet& mine,
                                           std::span<const crypto::RistrettoElement> theirs,
                                           std::span<const crypto::RistrettoElement> answer);

// Cardinality variant: how many of the answer's elements are among my secret
// applied to `theirs`. Padding never matches (it is random).
Result<std::size_t> IntersectCount(ByteView secret,
                                   std::span<const crypto::RistrettoElement> theirs,
                                   std::span<const crypto::RistrettoElement> answer);

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_PSI_H_
