// Fuzz target: the talks message decoder. Never a crash; whatever decodes
// re-encodes to a message that decodes to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "backchannel/talks/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  auto m = talks::DecodeMessage(ByteView(data, size));
  if (!m) return 0;
  const Bytes encoded = talks::EncodeMessage(*m);
  auto again = talks::DecodeMessage(encoded);
  if (!again || !(*again == *m)) std::abort();
  if (talks::EncodeMessage(*again) != encoded) std::abort();
  return 0;
}
