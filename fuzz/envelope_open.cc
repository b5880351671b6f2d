// Envelope Open with a fixed recipient key (private key 32 x 0x42, as the
// corpus seeds were sealed to): never a crash; what opens re-encodes to
// content that decodes to the same message.
#include <cstdlib>

#include "backchannel/envelope/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  static const crypto::X25519KeyPair recipient = [] {
    const Bytes seed(32, 0x42);
    return crypto::X25519KeyPairFromPrivate(seed);
  }();
  auto inner = envelope::Open(ByteView(data, size), recipient);
  if (!inner) return 0;
  auto encoded = envelope::EncodeInner(*inner);
  if (!encoded) std::abort();
  auto again = envelope::DecodeInner(*encoded);
  if (!again || again->ciphertext != inner->ciphertext || again->message_id != inner->message_id) {
    std::abort();
  }
  return 0;
}
