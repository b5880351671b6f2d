// Sealing and opening envelopes (docs/wire.md, "Sealed-sender envelope").
#include "backchannel/envelope/envelope.h"

#include <algorithm>
#include <string>

#include "backchannel/crypto/aead.h"

namespace backchannel::envelope {
namespace {

constexpr std::size_t kPublicKeySize = 32;
constexpr std::string_view kKdfInfo = "backchannel sealed sender v1";

static_assert(kEnvelopeOverhead == 1 + kPublicKeySize + crypto::kAeadTagSize);

// Associated data: version || ephemeral public key || recipient public key.
Bytes AssociatedData(const crypto::X25519PublicKey& ephemeral,
                     const crypto::X25519PublicKey& recipient) {
  Bytes ad;
  ad.reserve(1 + 2 * kPublicKeySize);
  ad.push_back(kEnvelopeVersion);
  Append(ad, ephemeral);
  Append(ad, recipient);
  return ad;
}

// key = HKDF-SHA256(ikm = X25519(e, R), salt = empty,
//                   info = "backchannel sealed sender v1" || E || R)   (RFC 5869)
crypto::AeadKey DeriveKey(const crypto::SharedSecret& shared,
                          const crypto::X25519PublicKey& ephemeral,
                          const crypto::X25519PublicKey& recipient) {
  Bytes info = ToBytes(kKdfInfo);
  Append(info, ephemeral);
  Append(info, recipient);
  crypto::AeadKey key;
  crypto::HkdfSha256(shared.view(), {}, info, key.mutable_view());
  return key;
}

// The key is used once (a fresh ephemeral key per envelope), so the nonce is
// fixed at zero (docs/wire.md).
constexpr crypto::AeadNonce kZeroNonce{};

}  // namespace

ClientMessageId NewClientMessageId() {
  ClientMessageId id{};
  crypto::RandomBytes(id);
  return id;
}

Result<std::size_t> BucketFor(std::size_t inner_size) {
  for (std::size_t bucket : kBucketSizes) {
    if (inner_size + kEnvelopeOverhead <= bucket) return bucket;
  }
  return InvalidArgument("envelope content of " + std::to_string(inner_size) +
                         " bytes exceeds the largest envelope (" +
                         std::to_string(kBucketSizes.back()) + " bytes)");
}

Result<Bytes> Seal(const InnerEnvelope& inner, const session::PublicKey& recipient) {
  crypto::EnsureInitialized();
  BC_ASSIGN_OR_RETURN(Bytes plaintext, EncodeInner(inner));
  BC_ASSIGN_OR_RETURN(std::size_t bucket, BucketFor(plaintext.size()));
  // Pad with zeros to the bucket (the inner encoding carries its own length).
  plaintext.resize(bucket - kEnvelopeOverhead, 0);

  const crypto::X25519KeyPair ephemeral = crypto::GenerateX25519KeyPair();
  auto shared = crypto::X25519(ephemeral.private_key, recipient);
  if (!shared) return InvalidArgument("recipient identity key is of small order");
  const crypto::AeadKey key = DeriveKey(*shared, ephemeral.public_key, recipient);
  const Bytes ad = AssociatedData(ephemeral.public_key, recipient);

  const Bytes sealed = crypto::AeadEncryptWithNonce(key, kZeroNonce, plaintext, ad);
  SecureWipe(plaintext.data(), plaintext.size());
  if (sealed.size() != bucket - 1 - kPublicKeySize) {
    return Internal("AEAD produced an unexpected size");
  }
  Bytes out;
  out.reserve(bucket);
  out.push_back(kEnvelopeVersion);
  Append(out, ephemeral.public_key);
  Append(out, sealed);
  return out;
}

Result<InnerEnvelope> Open(ByteView envelope, const crypto::X25519KeyPair& recipient_identity) {
  crypto::EnsureInitialized();
  if (std::find(kBucketSizes.begin(), kBucketSizes.end(), envelope.size()) == kBucketSizes.end()) {
    return InvalidMessage("envelope of " + std::to_string(envelope.size()) +
                          " bytes is not one of the padded sizes");
  }
  if (envelope[0] != kEnvelopeVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "envelope version " + std::to_string(envelope[0]) + " is not supported");
  }
  // The size is one of the buckets, all longer than the key.
  const crypto::X25519PublicKey ephemeral =
      *crypto::X25519PublicKey::FromView(envelope.subspan(1, kPublicKeySize));
  auto shared = crypto::X25519(recipient_identity.private_key, ephemeral);
  if (!shared) return InvalidMessage("envelope ephemeral key is of small order");
  const crypto::AeadKey key = DeriveKey(*shared, ephemeral, recipient_identity.public_key);
  const Bytes ad = AssociatedData(ephemeral, recipient_identity.public_key);

  auto plaintext =
      crypto::AeadDecryptWithNonce(key, kZeroNonce, envelope.subspan(1 + kPublicKeySize), ad);
  if (!plaintext) {
    return Status(StatusCode::kBadMac, "envelope does not authenticate (altered, or not for us)");
  }
  return DecodeInner(plaintext->view());
}

}  // namespace backchannel::envelope
