// The hashing context of context.h: one injective encoding, used by every
// hash in the feelers so no two meanings can share bytes.
#include "backchannel/feelers/context.h"

#include <algorithm>
#include <string_view>

#include "backchannel/common/byte_io.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::feelers {
namespace {

constexpr std::string_view kContextTag = "backchannel feelers v1 context";
constexpr std::string_view kExchangeIdTag = "backchannel feelers v1 exchange id";

}  // namespace

bool IsKnownDomain(std::uint8_t d) { return d >= 1 && d <= 3; }

Bytes ExchangeContext::Encode() const {
  const IdentityKey& lo = std::min(self, peer);
  const IdentityKey& hi = std::max(self, peer);
  ByteWriter w;
  w.Bytes16(AsBytes(kContextTag));
  w.U8(static_cast<std::uint8_t>(domain));
  w.Bytes16(lo);
  w.Bytes16(hi);
  // Scopes are ids (a few dozen bytes); longer ones are cut off by the
  // 16-bit length and would not be injective, so the exchange refuses them
  // first (exchange.cc: kMaxScopeBytes).
  w.Bytes16(AsBytes(scope));
  w.Bytes16(exchange_id);
  return w.Take();
}

ExchangeId DeriveExchangeId(Domain domain, const IdentityKey& a, const IdentityKey& b,
                            std::string_view scope, const Nonce& n1, const Nonce& n2) {
  ExchangeContext c;
  c.domain = domain;
  c.self = a;
  c.peer = b;
  c.scope = std::string(scope);
  const Bytes ctx = c.Encode();
  const Nonce& lo = std::min(n1, n2);
  const Nonce& hi = std::max(n1, n2);
  const std::uint8_t tag_len[2] = {0, static_cast<std::uint8_t>(kExchangeIdTag.size())};
  return crypto::Sha256({tag_len, AsBytes(kExchangeIdTag), ctx, lo, hi});
}

crypto::RistrettoElement HashItemToGroup(const ExchangeContext& context, ByteView item) {
  const Bytes ctx = context.Encode();
  ByteWriter len;
  len.U32(static_cast<std::uint32_t>(item.size()));
  const crypto::Sha512Digest h = crypto::Sha512({ctx, len.bytes(), item});
  return crypto::RistrettoFromHash(h);
}

}  // namespace backchannel::feelers
