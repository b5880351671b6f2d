// The inner payload decoder (docs/client.md, "Inner payload"): never a crash;
// a decoded payload re-encodes to bytes that decode to the same payload, and
// those bytes fit the size bounds of payload.h.
#include <cstdlib>
#include <variant>

#include "backchannel/client/payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  auto p = client::DecodePayload(ByteView(data, size));
  if (!p) return 0;
  const Bytes encoded = client::EncodePayload(*p);
  auto again = client::DecodePayload(encoded);
  if (!again || !(*again == *p)) std::abort();
  if (std::holds_alternative<client::App>(*p) && encoded.size() > client::kMaxAppPayloadSize) {
    std::abort();
  }
  return 0;
}
