// The feeler wire format (message.h). Layout, all integers big-endian:
//   header   u8 version (1), u8 type
//   Offer    u8 domain, u8 variant, u8 k, nonce[32], u8 has_answer (0|1),
//            [answer_to nonce[32]]
//   Response exchange_id[32], public_key[32], u8 k, k x element[32]
//   Finish   exchange_id[32], u8 k, k x element[32], c[32], s[32]
#include <string>

#include "backchannel/common/byte_io.h"
#include "backchannel/feelers/message.h"

namespace backchannel::feelers {
namespace {

using crypto::RistrettoElement;

void Header(ByteWriter& w, MessageType t) {
  w.U8(kWireVersion);
  w.U8(static_cast<std::uint8_t>(t));
}

void Elements(ByteWriter& w, const std::vector<RistrettoElement>& v) {
  w.U8(static_cast<std::uint8_t>(v.size()));
  for (const RistrettoElement& e : v) w.Raw(e);
}

Status Bad(std::string_view what) { return InvalidMessage("feeler message: " + std::string(what)); }

Status ReadHeader(ByteReader& r, MessageType want) {
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  if (!r.U8(version)) return Bad("empty");
  if (version != kWireVersion) {
    return {StatusCode::kUnsupportedVersion, "feeler message: version " + std::to_string(version)};
  }
  if (!r.U8(type)) return Bad("truncated header");
  if (type != static_cast<std::uint8_t>(want)) return Bad("unexpected message type");
  return Status::Ok();
}

Result<std::vector<RistrettoElement>> ReadElements(ByteReader& r) {
  std::uint8_t k = 0;
  if (!r.U8(k)) return Bad("truncated element count");
  if (!IsWireSize(k)) return Bad("element count is not 8, 16, 32 or 128");
  std::vector<RistrettoElement> out(k);
  for (RistrettoElement& e : out) {
    if (!r.Array(e)) return Bad("truncated elements");
  }
  BC_RETURN_IF_ERROR(CheckReceivedSet(out, k));
  return out;
}

bool IsZero(const Nonce& n) {
  for (std::uint8_t b : n) {
    if (b != 0) return false;
  }
  return true;
}

}  // namespace

Bytes EncodeOffer(const Offer& m) {
  ByteWriter w;
  Header(w, MessageType::kOffer);
  w.U8(static_cast<std::uint8_t>(m.domain));
  w.U8(static_cast<std::uint8_t>(m.variant));
  w.U8(m.k);
  w.Raw(m.nonce);
  w.U8(m.answer_to ? 1 : 0);
  if (m.answer_to) w.Raw(*m.answer_to);
  return w.Take();
}

Bytes EncodeResponse(const Response& m) {
  ByteWriter w;
  Header(w, MessageType::kResponse);
  w.Raw(m.exchange_id);
  w.Raw(m.public_key);
  Elements(w, m.elements);
  return w.Take();
}

Bytes EncodeFinish(const Finish& m) {
  ByteWriter w;
  Header(w, MessageType::kFinish);
  w.Raw(m.exchange_id);
  Elements(w, m.elements);
  w.Raw(m.proof.c);
  w.Raw(m.proof.s);
  return w.Take();
}

Result<MessageType> PeekMessageType(ByteView in) {
  ByteReader r(in);
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  if (!r.U8(version)) return Bad("empty");
  if (version != kWireVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "feeler message: version " + std::to_string(version));
  }
  if (!r.U8(type) || type < 1 || type > 3) return Bad("unknown message type");
  return static_cast<MessageType>(type);
}

Result<Offer> DecodeOffer(ByteView in) {
  ByteReader r(in);
  BC_RETURN_IF_ERROR(ReadHeader(r, MessageType::kOffer));
  Offer m;
  std::uint8_t domain = 0;
  std::uint8_t variant = 0;
  std::uint8_t has_answer = 0;
  if (!r.U8(domain) || !r.U8(variant) || !r.U8(m.k) || !r.Array(m.nonce) || !r.U8(has_answer)) {
    return Bad("truncated offer");
  }
  if (!IsKnownDomain(domain)) return Bad("unknown domain");
  if (variant != 1 && variant != 2) return Bad("unknown variant");
  if (!IsWireSize(m.k)) return Bad("k is not 8, 16, 32 or 128");
  if (IsZero(m.nonce)) return Bad("zero nonce");
  m.domain = static_cast<Domain>(domain);
  m.variant = static_cast<Variant>(variant);
  if (has_answer > 1) return Bad("bad answer flag");
  if (has_answer == 1) {
    Nonce n{};
    if (!r.Array(n)) return Bad("truncated offer");
    if (IsZero(n)) return Bad("zero nonce");
    m.answer_to = n;
  }
  if (!r.done()) return Bad("trailing bytes");
  return m;
}

Result<Response> DecodeResponse(ByteView in) {
  ByteReader r(in);
  BC_RETURN_IF_ERROR(ReadHeader(r, MessageType::kResponse));
  Response m;
  if (!r.Array(m.exchange_id) || !r.Array(m.public_key)) return Bad("truncated response");
  if (!crypto::RistrettoIsValidNonIdentity(m.public_key)) return Bad("invalid public key");
  BC_ASSIGN_OR_RETURN(m.elements, ReadElements(r));
  if (!r.done()) return Bad("trailing bytes");
  return m;
}

Result<Finish> DecodeFinish(ByteView in) {
  ByteReader r(in);
  BC_RETURN_IF_ERROR(ReadHeader(r, MessageType::kFinish));
  Finish m;
  if (!r.Array(m.exchange_id)) return Bad("truncated finish");
  BC_ASSIGN_OR_RETURN(m.elements, ReadElements(r));
  if (!r.Array(m.proof.c) || !r.Array(m.proof.s)) return Bad("truncated proof");
  if (!crypto::RistrettoScalarIsCanonical(m.proof.c) ||
      !crypto::RistrettoScalarIsCanonical(m.proof.s)) {
    return Bad("non-canonical proof scalar");
  }
  if (!r.done()) return Bad("trailing bytes");
  return m;
}

}  // namespace backchannel::feelers
