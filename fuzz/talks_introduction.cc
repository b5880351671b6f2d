// Fuzz target: the introduction decoder (talks/introduction.h). Never a
// crash; whatever decodes re-encodes to a message that decodes to the same
// value, byte for byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "backchannel/talks/introduction.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  auto m = talks::DecodeIntroduction(ByteView(data, size));
  if (!m) return 0;
  const Bytes encoded = talks::EncodeIntroduction(*m);
  auto again = talks::DecodeIntroduction(encoded);
  if (!again || !(*again == *m)) std::abort();
  if (talks::EncodeIntroduction(*again) != encoded) std::abort();
  return 0;
}
