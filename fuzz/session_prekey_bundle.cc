// Prekey bundle decoding: never a crash; what decodes re-encodes to a bundle
// that decodes to the same fields.
#include <cstdlib>

#include "backchannel/session/prekeys.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  auto b = session::DecodePreKeyBundle(ByteView(data, size));
  if (!b) return 0;
  auto again = session::DecodePreKeyBundle(session::EncodePreKeyBundle(*b));
  if (!again || again->signed_pre_key != b->signed_pre_key ||
      again->one_time_pre_key_id != b->one_time_pre_key_id ||
      again->identity_key != b->identity_key) {
    std::abort();
  }
  return 0;
}
