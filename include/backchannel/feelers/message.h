// The feeler messages and their versioned binary encoding (docs/feelers.md
// §Messages). Three messages, none signed (deniability: the channel already
// authenticates the sender to the recipient, and nobody else):
//   Offer    — "I would like to exchange feelers": a fresh nonce, the
//              protocol, the variant and k. Each side sends one; crossing
//              offers pair (exchange.h).
//   Response — my public key s·G and my k masked elements.
//   Finish   — my answer to the other's k elements with the DLEQ proof.
// Every element is checked on decoding (canonical, not the identity, no
// duplicates), every scalar is canonical, counts are a policy size, and
// trailing bytes are refused. Encodings are canonical: decode(encode(m)) == m
// and encode(decode(b)) == b for every accepted b.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_FEELERS_MESSAGE_H_
#define BACKCHANNEL_FEELERS_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/ristretto255.h"
#include "backchannel/feelers/context.h"
#include "backchannel/feelers/dleq.h"
#include "backchannel/feelers/psi.h"

namespace backchannel::feelers {

inline constexpr std::uint8_t kWireVersion = 1;

enum class MessageType : std::uint8_t { kOffer = 1, kResponse = 2, kFinish = 3 };

struct Offer {
  Domain domain = Domain::kFeeler;
  Variant variant = Variant::kFull;
  std::uint8_t k = 8;
  Nonce nonce{};
  // The other side's offer this one answers; absent when sent unprompted
  // (two unprompted offers that cross pair with each other).
  std::optional<Nonce> answer_to;
  friend bool operator==(const Offer&, const Offer&) = default;
};

struct Response {
  ExchangeId exchange_id{};
  crypto::RistrettoElement public_key{};
  std::vector<crypto::RistrettoElement> elements;
  friend bool operator==(const Response&, const Response&) = default;
};

struct Finish {
  ExchangeId exchange_id{};
  std::vector<crypto::RistrettoElement> elements;
  DleqProof proof;
  friend bool operator==(const Finish&, const Finish&) = default;
};

Bytes EncodeOffer(const Offer& m);
Bytes EncodeResponse(const Response& m);
Bytes EncodeFinish(const Finish& m);

// The type of an encoded message. kUnsupportedVersion for another version,
// kInvalidMessage for an unknown type or an empty input.
Result<MessageType> PeekMessageType(ByteView in);

// kInvalidMessage (with the field that failed) for anything malformed,
// kUnsupportedVersion for a version this build does not speak.
Result<Offer> DecodeOffer(ByteView in);
Result<Response> DecodeResponse(ByteView in);
Result<Finish> DecodeFinish(ByteView in);

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_MESSAGE_H_
